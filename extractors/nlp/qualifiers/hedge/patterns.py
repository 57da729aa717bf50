"""Hedge cue regex from data/cues/hedge.json."""

from __future__ import annotations

import re
from functools import cache

from ...cues import compile_cues, load_cues

MONTH_MAY_RE = re.compile(r"\bMay\s+\d")


@cache
def hedge_regex() -> re.Pattern[str]:
    return compile_cues(tuple(load_cues("hedge")["cues"]))
