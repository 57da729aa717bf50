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
            rf"\b(?:would|could|might|will|should|['’]d)\s+(?:{move})\s+(?:(?:{obj})\s+)?"
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


# --- probability phrasings beyond the formulaic ones (0.5.0) -------------------------
# Forecasters write the same statement many ways: "our model gives 0.62", "we are at
# 55% that", "odds of 40%", "Probability: 35%", "a 3-in-5 chance", "moving to 70% from
# 64%", "the number was 0.55". Each regex below names the probability ``p`` (a percent,
# or a decimal 0..1 written as such), optionally the earlier value ``p0``.
PROB = r"(?P<p>(?:0?\.\d{1,3})(?![\d%])|\d{1,3}(?:\.\d+)?\s?(?:%|percent\b))"
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10}
NUMWORD = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
EXTRA_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # a 3-in-5 chance / one in four odds
    ("frac", re.compile(
        rf"\b(?P<num>{NUMWORD})[-\s](?:in|out\s+of)[-\s](?P<den>{NUMWORD})\s+"
        r"(?:chance|probability|odds|shot)\b", re.I)),
    # our model gives 0.62 that P / gives it 40%
    ("gives", re.compile(
        rf"\b(?:gives?|assigns?|puts?|places?)\s+(?:it\s+|this\s+|that\s+)?(?:a\s+)?{PROB}"
        r"\s*(?:chance\s+|probability\s+)?(?:that|to|for|of|on)\b", re.I)),
    # X is at 58% / we are at 55% that P / we're now at 30%
    ("at", re.compile(
        r"\b(?:is|are|am|'m|’m|'re|’re|sits?|stands?|remains?|stays?)\s+"
        rf"(?:now\s+|currently\s+|still\s+|already\s+)?at\s+(?:about\s+|roughly\s+|~\s?)?{PROB}",
        re.I)),
    # odds of 40% / Probability: 35% / chance of 30%
    ("odds", re.compile(
        r"\b(?:odds|probability|chance|likelihood)\s*(?:of|:|=|is|now)\s*(?:about\s+|roughly\s+)?"
        rf"{PROB}", re.I)),
    # moving to 70% from 64% / we'd go to 80% if / raised it to 45%
    ("move", re.compile(
        r"\b(?:mov(?:e|es|ed|ing)|go(?:es|ing)?|went|rais(?:e|es|ed|ing)|cut(?:s|ting)?|"
        r"lower(?:s|ed|ing)?|drop(?:s|ped|ping)?|bump(?:s|ed|ing)?|push(?:es|ed|ing)?|"
        r"revis(?:e|es|ed|ing)|nudg(?:e|es|ed|ing)|shift(?:s|ed|ing)?|tak(?:e|es|ing)|took)"
        r"\s+(?:(?:it|this|that|us|me|them|our\s+\w+|my\s+\w+|the\s+forecast)\s+)?"
        r"(?:(?:up|down|back)\s+)?(?:to|at)\s+(?:about\s+|roughly\s+|~\s?)?"
        r"(?P<p>\d{1,3}(?:\.\d+)?\s?(?:%|percent\b))\+?(?:\s+or\s+(?:higher|more|lower|less|above|below))?"
        r"(?:\s+from\s+(?P<p0>\d{1,3}(?:\.\d+)?)\s?%)?", re.I)),
    # the number was 0.55 / our estimate stood at 0.4
    ("number", re.compile(
        r"\b(?:number|forecast|probability|estimate|figure)\s+(?:was|is|stood\s+at|stands\s+at|"
        rf"sat\s+at|sits\s+at)\s+(?:about\s+|roughly\s+)?{PROB}", re.I)),
)
FORECAST_DOC_RE = re.compile(
    r"\b(?:forecast\w*|probabilit\w*|odds|chance|likelihood|question\s+#?\d|resolv\w+|"
    r"prediction market\w*|metaculus|manifold|polymarket)\b", re.I)
CONDITIONAL_RE = re.compile(
    r"\b(?:if|unless|would|could|might|should)\b|['’]d\b|\bconversely\b|\bwhat would\b", re.I)
BYLINE_RE = re.compile(
    r"^(?i:by|posted\s+by|written\s+by)\s+(?:the\s+)?(?P<name>[A-Z][\w&.'’-]*"
    r"(?:\s+[A-Z][\w&.'’-]*){0,2}(?:\s+(?i:desk|team|group|staff))?)", re.M)
NAMED_FORECASTER_RE = re.compile(
    r"\bforecaster\s+[\"“']?(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}|[a-z][\w-]{2,})"
    r"[\"”']?", re.I)
SUBJECT_RE = re.compile(
    r"(?:^|[.;:!?]\s+|,\s+)(?:the\s+|our\s+|my\s+|their\s+)?(?P<s>[A-Za-z][\w'’-]*"
    r"(?:\s+[A-Za-z][\w'’-]*){0,3}?)\s+(?:now\s+|currently\s+|still\s+)?"
    r"(?:sees|see|gives|give|puts|put|places|place|assigns|has|have|is|are|am|'m|’m|"
    r"'re|’re|sits|stands|remains)\b[^.;:]*$", re.I)
DENOMS = _SMALL
