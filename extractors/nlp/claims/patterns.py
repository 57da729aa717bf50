"""Claim cues, non-claim patterns and dimension keywords (data/cues/claims.json,
data/cues/dimensions.json) compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from models.taxonomy import DIMENSIONS

from ..cues import compile_cues, load_cues


@dataclass(frozen=True, slots=True)
class ClaimPatterns:
    claim_cues: re.Pattern[str]
    non_claims: tuple[re.Pattern[str], ...]
    min_words: int
    dimensions: tuple[tuple[str, re.Pattern[str]], ...]
    weak_dimensions: tuple[tuple[str, re.Pattern[str]], ...] = ()
    max_labels: int = 3
    topic_words: re.Pattern[str] | None = None

    def keyword_hits(self, text: str) -> dict[str, int]:
        """Dimension -> hits of its keywords in the text (the weak keywords aside): read
        once per sentence by the rules and by the learned dimension model."""
        hits: dict[str, int] = {}
        for name, rx in self.dimensions:
            n = len(rx.findall(text))
            if n:
                hits[name] = n
        return hits


@cache
def claim_patterns() -> ClaimPatterns:
    c = load_cues("claims")
    d = load_cues("dimensions")
    # one alternation instead of ~100 separate anchored matches per sentence (same result:
    # re.match tries every branch at position 0)
    non = (re.compile("|".join(f"(?:{p})" for p in c["non_claim_patterns"]), re.I),)
    dims = tuple((name, compile_cues(tuple(d[name]))) for name in DIMENSIONS if d.get(name))
    weak = d.get("weak", {})
    wdims = tuple((name, compile_cues(tuple(weak[name]))) for name in DIMENSIONS
                  if weak.get(name))
    return ClaimPatterns(compile_cues(tuple(c["claim_cues"])), non, int(c.get("min_words", 6)),
                         dims, wdims, int(d.get("max_labels", 3)),
                         compile_cues(tuple(c["topic_words"])) if c.get("topic_words")
                         else None)
