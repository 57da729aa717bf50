"""Learned claim filter: of the sentences the rules accept as claims, drop the ones a
logistic regression reads as non-claims (method notes, logistics, off-topic passages).

Why: the rules accept any declarative sentence with a number or a topical keyword, so a
city-budget story or a paper's "we sampled 200 failures" passes them; held-out
non-claim false positives were 0.11-0.29 at 0.7.0. What separates those is the
sentence's words together with how much of the AI-model debate surrounds it, which a
classifier trained on the dev gold's claims and non-claims weighs better than a rule
per case. It only removes: the rules' claim recall is the ceiling.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..learned.spans import replace_spans

_TOK_RE = re.compile(r"[a-z][a-z'’-]*|\d+(?:[.,]\d+)*%?")
CONTEXT = 2  # sentences on each side that count as the claim's surroundings


@dataclass(frozen=True, slots=True)
class SentenceInfo:
    """What the filter knows of one sentence besides its words."""

    mentions: list[tuple[int, int, str]]  # (start, end, tag) relative to the sentence
    has_figure: bool
    topical: bool  # a model, benchmark or topic word in it


def topic_flags(text: str, spans: list[tuple[int, int]], topic: re.Pattern[str],
                mention_starts: list[int]) -> list[bool]:
    """Per sentence span: does it hold a mention or a topic word (one regex pass)."""
    hits = sorted([m.start() for m in topic.finditer(text)] + mention_starts)
    out = []
    for a, b in spans:
        i = bisect.bisect_left(hits, a)
        out.append(i < len(hits) and hits[i] < b)
    return out


def _words(stext: str, mentions: list[tuple[int, int, str]]) -> list[str]:
    tagged = replace_spans(stext, [(s, e, f" {tag} ") for s, e, tag in mentions])
    toks = []
    for t in _TOK_RE.findall(tagged.lower()):
        toks.append("<n>" if t[0].isdigit() else t.replace("’", "'"))
    return toks


def claim_features(stext: str, info: SentenceInfo, near_topical: int, doc_topical: float,
                   rule_cues: dict[str, bool]) -> dict[str, float]:
    """Bag of words (mentions as tags), the first word, evidence flags and topicality."""
    toks = _words(stext, info.mentions)
    f: dict[str, float] = {f"w={t}": 1.0 for t in set(toks)}
    if toks:
        f[f"first={toks[0]}"] = 1.0
    n = len(toks)
    f["len<12" if n < 12 else "len<25" if n < 25 else "len>=25"] = 1.0
    if info.has_figure:
        f["figure"] = 1.0
    if info.topical:
        f["topical"] = 1.0
    f[f"near_topical={min(near_topical, 3)}"] = 1.0
    f["doc_topical<0.3" if doc_topical < 0.3 else "doc_topical<0.6" if doc_topical < 0.6
      else "doc_topical>=0.6"] = 1.0
    for k, v in rule_cues.items():
        if v:
            f[f"cue={k}"] = 1.0
    return f
