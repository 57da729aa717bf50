"""Stance cue regexes from data/cues/stance.json."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ...cues import compile_cues, load_cues


@dataclass(frozen=True, slots=True)
class StancePatterns:
    convergence: re.Pattern[str]
    divergence: re.Pattern[str]
    lead: re.Pattern[str]
    trail: re.Pattern[str]
    open_side: re.Pattern[str]
    closed_side: re.Pattern[str]
    negators: re.Pattern[str]
    contrast: re.Pattern[str]
    positive: re.Pattern[str]
    negative: re.Pattern[str]


@cache
def stance_patterns() -> StancePatterns:
    c = load_cues("stance")
    neg = compile_cues(tuple(c["negators"]))
    # "n't" is glued to its verb: match it without the leading word boundary
    neg = re.compile(neg.pattern + r"|n['’]t\b", re.I)
    return StancePatterns(
        convergence=compile_cues(tuple(c["convergence"])),
        divergence=compile_cues(tuple(c["divergence"])),
        lead=compile_cues(tuple(c["lead"])),
        trail=compile_cues(tuple(c["trail"])),
        open_side=compile_cues(tuple(c["open_side"])),
        closed_side=compile_cues(tuple(c["closed_side"])),
        negators=neg,
        contrast=compile_cues(tuple(c["contrast"])),
        positive=compile_cues(tuple(c.get("positive", ()))),
        negative=compile_cues(tuple(c.get("negative", ()))),
    )
