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

from ..cues import literal_alternation, load_cues
from ..numbers import PER_CENT

PCT = r"(?P<p>\d{1,3}(?:\.\d+)?)\s?(?:%|" + PER_CENT + r"\b)\+?"
ISSUER = (r"(?P<issuer>(?:[A-Z][\w&.'’-]*|[a-z][\w-]*[A-Z][\w-]*|[a-z]{3,}[\w-]*)"
          r"(?:\s+[A-Z][\w&.'’-]*){0,3})")


@dataclass(frozen=True, slots=True)
class ForecastPatterns:
    """The compiled regexes; ``kind`` tells the component how to read the groups."""

    rules: tuple[tuple[str, re.Pattern[str]], ...]
    self_words: frozenset[str]


@cache
def forecast_patterns() -> ForecastPatterns:
    c = load_cues("forecasts")
    place = literal_alternation(c["place_verbs"])
    carry = literal_alternation(c["carry_verbs"])
    noun = literal_alternation(c["probability_nouns"])
    move = literal_alternation(c["move_verbs"])
    obj = literal_alternation(c["move_objects"])
    dirs = literal_alternation(c["directions"])
    that = r"(?:that|of|for)\s+(?P<prop>.+?)"
    adv = rf"(?:\s+(?:{literal_alternation(c['adverbs'])}))?"
    level_verbs = literal_alternation(c["level_verbs"])
    level_nouns = literal_alternation(c["level_nouns"])
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
        # we put P at 70% / we now have P at 58%
        ("put", re.compile(
            rf"\b(?:(?P<issuer>[Ww]e|I|[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){{0,2}})\s+"
            rf"(?:put|puts|place|places|peg|pegs|estimate|estimates|see|sees)"
            rf"|(?P<self>[Ww]e|I)\s+(?:now\s+|still\s+)?have)\s+"
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
PROB = r"(?P<p>(?:0?\.\d{1,3})(?![\d%])|\d{1,3}(?:\.\d+)?\s?(?:%|" + PER_CENT + r"\b))"
NUMWORD = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
BRACKETED_PCT_RE = re.compile(r"%\s*[\])]")  # the cheap test before the "bracketed" rule
EXTRA_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # a 3-in-5 chance / one in four odds
    ("frac", re.compile(
        rf"\b(?P<num>{NUMWORD})[-\s](?:in|out\s+of)[-\s](?P<den>{NUMWORD})\s+"
        r"(?:chance|probability|odds|shot)\b", re.I)),
    # I'd say two-in-three. / holding at one in four / priced at roughly 1 in 5 / odds of
    # about one in three that P: the fraction is the whole statement
    ("frac", re.compile(
        r"\b(?:at|say|said|call\s+it|of|is|was)\s+(?:about\s+|roughly\s+|around\s+|maybe\s+|"
        rf"only\s+|just\s+)?(?P<num>{NUMWORD})[-\s](?:in|out\s+of)[-\s](?P<den>{NUMWORD})"
        r"(?=\s*(?:[.!?;,)\"”']|$|that\b|for\b|on\b))", re.I)),
    # our model gives 0.62 that P / gives it 40%
    ("gives", re.compile(
        r"\b(?:gives?|gave|assign(?:s|ed)?|puts?|plac(?:es?|ed))\s+(?:it\s+|this\s+|that\s+)?"
        r"(?:only\s+|just\s+)?(?:a\s+|an\s+)?"
        rf"(?:about\s+|roughly\s+|around\s+|approximately\s+|~\s?)?{PROB}"
        r"\s*(?:chance\s+|probability\s+|credence\s+|likelihood\s+|odds\s+)?(?:that|to|for|of|on)\b",
        re.I)),
    # we now put it at 72% / pegs the odds at 0.3
    ("gives", re.compile(
        r"\b(?:puts?|plac(?:es?|ed)|pegs?|pegged|sets?|ha(?:s|ve|d))\s+"
        r"(?:it|this|that|the\s+(?:odds|chance|"
        r"probability|likelihood))\s+(?:now\s+)?at\s+(?:about\s+|roughly\s+|around\s+|~\s?)?"
        rf"{PROB}", re.I)),
    # traders price a 27% chance. / holds a 0.35 credence
    ("odds", re.compile(
        rf"\b(?:a|an)\s+(?:about\s+|roughly\s+|around\s+|~\s?)?{PROB}\s*"
        r"(?:chance|probability|likelihood|credence)\b", re.I)),
    # Our base case (65% probability): ... / Probability an open model leads by 2027: 40%
    ("odds", re.compile(
        rf"\(\s*(?:about\s+|~\s?)?{PROB}\s+(?:probability|chance|likelihood|odds)\s*\)", re.I)),
    ("odds", re.compile(rf"\bprobability\b[^:.;?]{{3,80}}:\s*(?:about\s+|~\s?)?{PROB}", re.I)),
    # chances are about 30% / chances stand at 0.3
    ("odds", re.compile(rf"\bchances?\s+(?:are|is|stand\s+at|sit\s+at)\s+(?:about\s+|roughly\s+|"
                        rf"around\s+|~\s?)?{PROB}", re.I)),
    # I'm about 65% confident / parity now looks 55% likely
    ("odds", re.compile(rf"{PROB}\s+(?:likely|confident|sure|certain)\b", re.I)),
    # market UI: "Yes 62%", "YES: 48¢"
    ("cents", re.compile(r"\b(?:Yes|YES)\s*(?::|at|=|-|·)?\s*(?P<p>\d{1,2}(?:\.\d)?)\s?(?:%|¢)")),
    # X is at 58% / we are at 55% that P / we're now at 30%
    ("at", re.compile(
        r"\b(?:is|are|am|'m|’m|'re|’re|be|sits?|sitting|stands?|standing|remains?|stays?|"
        r"hovers?|hovering)\s+"
        rf"(?:now\s+|currently\s+|still\s+|already\s+)?at\s+(?:about\s+|roughly\s+|~\s?)?{PROB}",
        re.I)),
    # odds of 40% / Probability: 35% / chance of 30%
    ("odds", re.compile(
        r"\b(?:odds|probability|chance|likelihood|credence)\s*(?:of|:|=|is|now)\s*"
        r"(?:about\s+|roughly\s+)?"
        rf"{PROB}", re.I)),
    # moving to 70% from 64% / we'd go to 80% if / raised it to 45%
    ("move", re.compile(
        r"\b(?:mov(?:e|es|ed|ing)|go(?:es|ing)?|went|rais(?:e|es|ed|ing)|cut(?:s|ting)?|"
        r"lower(?:s|ed|ing)?|drop(?:s|ped|ping)?|bump(?:s|ed|ing)?|push(?:es|ed|ing)?|"
        r"revis(?:e|es|ed|ing)|nudg(?:e|es|ed|ing)|shift(?:s|ed|ing)?|tak(?:e|es|ing)|took|"
        r"updat(?:e|es|ed|ing)|jump(?:s|ed)?|fall(?:s)?|fell|slid(?:e|es)?)"
        r"\s+(?:(?:it|this|that|us|me|them|our\s+\w+|my\s+\w+|their\s+\w+|the\s+forecast|"
        r"the\s+aggregate)\s+)?"
        r"(?:(?:up|down|back)\s+)?(?:to|at)\s+(?:about\s+|roughly\s+|around\s+|approximately\s+|"
        r"something\s+like\s+|maybe\s+|~\s?)?"
        + PROB + r"\+?"
        r"(?:\s+or\s+(?:higher|more|lower|less|above|below))?"
        r"(?:\s+from\s+(?P<p0>\d{1,3}(?:\.\d+)?)\s?%)?", re.I)),
    # Current aggregate: 0.62 / Community Prediction: 38% / consensus = 0.4
    ("odds", re.compile(
        r"\b(?:aggregate|prediction|forecast|consensus|crowd|median)\s*(?::|=)\s*"
        rf"(?:about\s+|roughly\s+)?{PROB}", re.I)),
    # market prices: trades at 41 cents / closed the week at 34¢ / up from 29 cents
    ("cents", re.compile(
        r"\b(?:at|to|above|below|over|under|from)\s+(?:about\s+|roughly\s+|around\s+|~\s?)?"
        r"(?P<p>\d{1,2}(?:\.\d)?)\s?(?:cents?\b|¢)", re.I)),
    # the number was 0.55 / our estimate stood at 0.4
    ("number", re.compile(
        r"\b(?:number|forecast|probability|estimate|figure)\s+(?:was|is|stood\s+at|stands\s+at|"
        rf"sat\s+at|sits\s+at)\s+(?:about\s+|roughly\s+)?{PROB}", re.I)),
)
# a prediction list's confidence in brackets after its proposition, in any document:
# "**DeepSeek trains on Ascend chips.** [60%]", "... by June. (70%)"
BRACKETED_RULE: tuple[str, re.Pattern[str]] = ("bracketed", re.compile(
    r"(?:[.!?]|[.!?]?\*\*)[\"”’]?\s*[\[(]\s*(?:confidence:?\s*|p\s*=\s*)?"
    r"(?P<p>\d{1,3}(?:\.\d+)?\s?%)\s*[\])]", re.I))
# "(previous: 0.49)", "(was 41%)": the earlier value written right after the forecast
PAREN_PREVIOUS_RE = re.compile(
    r"\s*\((?:previous|prev\.?|prior|was|last\s+(?:week|month|update))\s*:?\s*"
    + PROB + r"\)", re.I)
# "we assign 55% to the base case and 20% to a bear case": a second probability, same issuer
AND_ALSO_RE = re.compile(
    r"\b(?:and|while|with)\s+(?:a\s+|an\s+)?(?:about\s+|roughly\s+|~\s?)?"
    r"(?P<p>\d{1,3}(?:\.\d+)?\s?(?:%|" + PER_CENT + r"\b))\s+(?:probability\s+|chance\s+)?"
    r"(?:to|for|on)\s+(?:a|an|the|our|its|their)\b", re.I)
MARKET_RE = re.compile(
    r"\b(?P<name>Polymarket|Manifold|Kalshi|Metaculus|PredictIt|Good\s+Judgment(?:\s+Open)?|"
    r"Hypermind|INFER)\b")
FORECAST_DOC_RE = re.compile(
    r"\b(?:forecast\w*|probabilit\w*|odds|chance|likelihood|question\s+#?\d|resolv\w+|"
    r"prediction market\w*|metaculus|manifold|polymarket|kalshi|credence|bet|"
    r"put\s+a\s+number\s+on|(?:I|we)['’]d\s+(?:put|say|go\s+to)|brier|base\s+rates?|"
    r"give\s+(?:me|us)\s+a\s+number)\b", re.I)
# the document talks about forecasting without the words above
_DOC_SIGNAL_RE = re.compile(
    r"\b(?:I|we)['’]d\s+(?:peg|put|say|give|go|bet|call)\b|\bgut\s+(?:number|feel|call)\b|"
    r"\bpeg(?:s|ged)?\s+(?:it|this|that|the)\b|\bcredence\b|\bsuperforecast\w*|"
    r"\bprediction\s+market|\bbettors?\b|\bour\s+odds\b|\b(?:I|we)['’]ll\s+(?:say|go\s+with|"
    r"put|take)\s+(?:it\s+at\s+)?(?:about\s+|maybe\s+)?\d|\bcall\s+it\s+(?:about\s+|maybe\s+)?\d|"
    r"\bcoin[- ]?flip\b|\bmedian\s*(?::|date\b|estimate\b)|"
    r"\b(?:I|we)['’]d\s+(?:buy|sell)\s+(?:at|above|below)\b|\byou\s+put\s+on\b|"
    r"\bI['’]m\s+(?:somewhere\s+)?(?:around|at|near)\s+(?:about\s+)?\d", re.I)
_AMERICAN_ODDS_RE = re.compile(r"\b(?:odds\s*:?\s*american|american\s+odds|moneylines?)\b",
                               re.I)
# a bookmaker's prices: fractional odds ("Kimi K3 at 9/1", "6/4 DeepSeek") are probabilities
_BOOKMAKER_RE = re.compile(r"\b(?:bookmakers?|bookies?|punters?|sportsbooks?|novelty\s+(?:book|"
                           r"market)s?|each[- ]way|odds[- ]on|the\s+layers|betting\s+(?:shop|firm|"
                           r"exchange|market)s?|gamble\s+responsibly)\b", re.I)
# a document of predictions
_PREDICTIONS_RE = re.compile(r"\bpredictions?\b|\bmy\s+(?:number|odds)\b", re.I)


@dataclass(frozen=True, slots=True)
class DocumentSignal:
    """How much a document talks about forecasts, in three widening tiers: ``forecasty``
    (forecast words: looser phrasings and the byline issuer apply), ``signalled`` (also
    "I'd put", "credence": the general detector's looser mode) and ``predictions`` (also
    "my predictions": the learned pass's wider candidates)."""

    forecasty: bool
    signalled: bool
    predictions: bool
    american_odds: bool = False  # a betting board quoting American odds ("+300", "-150")
    fractional_odds: bool = False  # a bookmaker's prices ("at 9/1", "evens")


def document_signal(text: str) -> DocumentSignal:
    forecasty = bool(FORECAST_DOC_RE.search(text))
    signalled = forecasty or bool(_DOC_SIGNAL_RE.search(text))
    return DocumentSignal(forecasty, signalled,
                          signalled or bool(_PREDICTIONS_RE.search(text)),
                          bool(_AMERICAN_ODDS_RE.search(text)),
                          forecasty and bool(_BOOKMAKER_RE.search(text)))


# a condition on a would-clause or a feature of one: "we'd go to 80% if ...", "otherwise 40%"
CONDITION_CUE_RE = re.compile(
    r"\b(?:if|unless|should|were|otherwise|in\s+which\s+case|what\s+would|provided|"
    r"assuming|conditional(?:\s+on)?)\b", re.I)
BYLINE_RE = re.compile(
    r"^(?i:by|posted\s+by|written\s+by|analysts?\s*:|authors?\s*:)[ \t]+(?:the[ \t]+)?"
    r"(?P<name>[A-Z][\w&.'’-]*(?:[ \t]+[A-Z][\w&.'’-]*){0,2}(?:[ \t]+(?i:desk|team|group|staff))?)",
    re.M)
NAMED_FORECASTER_RE = re.compile(
    r"\b(?i:forecaster)\s+[\"“']?(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}|"
    r"[a-z][\w-]{2,})[\"”']?")
SUBJECT_RE = re.compile(
    r"(?:^|[.;:!?]\s+|,\s+)(?:the\s+|our\s+|my\s+|their\s+)?(?P<s>[A-Za-z][\w'’-]*"
    r"(?:\s+[A-Za-z][\w'’-]*){0,3}?)\s+(?:now\s+|currently\s+|still\s+)?"
    r"(?:sees|see|gives|give|puts|put|places|place|assigns|has|have|is|are|am|'m|’m|"
    r"'re|’re|sits|stands|remains)\b[^.;:]*$", re.I)
