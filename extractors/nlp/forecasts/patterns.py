"""Forecast regexes, compiled from data/cues/forecasts.json.

Forecast sentences are formulaic ("X places the probability that P at 69%",
"X carries a 75% probability that P", "What would push us to 85%+"), so a few
regexes over the sentence text beat a parser: they are exact, fast and easy to
extend from the cue file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..cues import load_cues

PCT = r"(?P<p>\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b)\+?"
ISSUER = (r"(?P<issuer>(?:[A-Z][\w&.'’-]*|[a-z][\w-]*[A-Z][\w-]*|[a-z]{3,}[\w-]*)"
          r"(?:\s+[A-Z][\w&.'’-]*){0,3})")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len,
                                                                          reverse=True))


@dataclass(frozen=True, slots=True)
class ForecastPatterns:
    """The compiled regexes; ``kind`` tells the component how to read the groups."""

    rules: tuple[tuple[str, re.Pattern[str]], ...]
    self_words: frozenset[str]


@cache
def forecast_patterns() -> ForecastPatterns:
    c = load_cues("forecasts")
    place = _alt(c["place_verbs"])
    carry = _alt(c["carry_verbs"])
    noun = _alt(c["probability_nouns"])
    move = _alt(c["move_verbs"])
    obj = _alt(c["move_objects"])
    dirs = _alt(c["directions"])
    that = r"(?:that|of|for)\s+(?P<prop>.+?)"
    adv = rf"(?:\s+(?:{_alt(c['adverbs'])}))?"
    level_verbs = _alt(c["level_verbs"])
    level_nouns = _alt(c["level_nouns"])
    rules: list[tuple[str, re.Pattern[str]]] = [
        # What would push us to 85%+ / would pull us below 65%
        ("conditional", re.compile(
            rf"\b(?:would|could|might|will|should)\s+(?:{move})\s+(?:(?:{obj})\s+)?"
            rf"(?:{dirs})\s+(?:[~≈]\s?)?{PCT}", re.I)),
        # X places the probability that P at 69%
        ("place", re.compile(
            rf"{ISSUER}?{adv}\s*\b(?:{place})\s+(?:the|its|our|a)\s+(?:{noun})\s+{that}\s+"
            rf"(?:at|to|around|near|of)\s+(?:about\s+|roughly\s+|~\s?)?{PCT}")),
        # X carries a 75% probability that P
        ("carry", re.compile(
            rf"{ISSUER}?{adv}\s*\b(?:{carry})\s+(?:a|an|the|its|our)\s+(?:[~≈]\s?)?{PCT}\s+(?:{noun})"
            rf"(?:\s+{that}(?=\s*(?:[—–;,.]|\s-\s|$)))?")),
        # we put P at 70%
        ("put", re.compile(
            rf"\b(?P<issuer>[Ww]e|I|[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){{0,2}})\s+"
            rf"(?:put|puts|place|places|peg|pegs|estimate|estimates|see|sees)\s+"
            rf"(?!the\s+(?:{noun}))(?P<prop>.{{5,160}}?)\s+at\s+(?:about\s+|roughly\s+|~\s?)?"
            rf"{PCT}")),
        # The community forecast rose from 22% to 34% / Our house forecast stands at 29%
        ("level", re.compile(
            rf"(?P<issuer>\b[\w'’-]+(?:\s+[\w'’-]+){{0,3}}?\s+(?:{level_nouns}))\b"
            rf"(?P<mid>[^.;%]{{0,80}}?)\s+(?:{level_verbs})\s+"
            rf"(?:(?:from|up\s+from|down\s+from)\s+(?P<p0>\d{{1,3}}(?:\.\d+)?)\s?%\s+)?"
            rf"(?:at|to)\s+(?:about\s+|roughly\s+|~\s?)?{PCT}", re.I)),
        # a 40% chance that P / 40% likelihood of P
        ("chance", re.compile(
            rf"(?:[~≈]\s?)?{PCT}\s+(?:{noun})\s+(?:that|of)\s+(?P<prop>[^.;]+)", re.I)),
    ]
    return ForecastPatterns(tuple(rules), frozenset(w.lower() for w in c["self_words"]))


# "..., down from 71% last week": the earlier value of the same forecast
PREVIOUS_RE = re.compile(r"\b(?:down|up)\s+from\s+(?P<p>\d{1,3}(?:\.\d+)?)\s?%")
PUBLISHED_BY_RE = re.compile(
    r"\b(?:published|issued|made|set)\s+by\s+(?:the\s+)?(?P<name>[A-Z][\w&.-]*"
    r"(?:\s+[A-Z][\w&.-]*){0,3})")
