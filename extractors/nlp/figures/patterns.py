"""Number regexes and kind cues for figures (cue words from data/cues/figures.json)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..cues import compile_cues, load_cues
from ..numbers import PER_CENT, SPELLED_1_99

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
UNITS = (
    r"(?P<u_pp>\s?(?:percentage|" + PER_CENT + r")\s+points?(?![\w])|(?:\s|-)?(?:pp|p\.p\.|pts?|"
    r"points?)(?![\w]))"
    r"|(?P<u_pct>\s?%|\s?" + PER_CENT + r"(?![\w]))"
    r"|(?P<u_x>[x×](?![\w])|\s(?:times|fold)(?![\w])|-fold(?![\w]))"
    r"|(?P<u_b>[B](?![\w])|\s?(?:billion|bn)(?=\s+(?:parameters|params)))"
    r"|(?P<u_t>[T](?![\w])|\s?trillion(?=\s+(?:parameters|params)))"
    r"|(?P<u_time>(?:\s|-)(?:months?|weeks?|years?|days?)(?![\w]))"
    r"|(?P<u_elo>\s?Elo(?![\w]))"
)
_NUMBER_HEAD = rf"(?<![\w.,/@'’#$€£^-])(?P<cur>\$|US\$|€|£)?(?P<tilde>[~≈]\s?)?(?P<v1>{NUM})"
_NUMBER_TAIL = rf"(?:{UNITS})?(?P<plus>\+)?(?![\w])"
NUMBER_RE = re.compile(
    _NUMBER_HEAD + rf"(?:\+)?(?:\s?(?P<sep>[–—-]|to)\s?(?:[~≈]\s?)?(?P<v2>{NUM}))?"
    + _NUMBER_TAIL)
# the same without a range: each end of "went from 68 to 77" and "905 to 887" on its own; the
# first end takes the unit written after the second ("widened from 5.1 to 7.9 points")
SINGLE_NUMBER_RE = re.compile(_NUMBER_HEAD + r"(?:\+)?(?P<sep>(?!))?(?P<v2>(?!))?" + _NUMBER_TAIL)
FIRST_OF_PAIR_RE = re.compile(
    _NUMBER_HEAD + r"(?P<sep>(?!))?(?P<v2>(?!))?(?P<plus>(?!))?"
    rf"(?=\s?to\s?(?:[~≈]\s?)?(?:{NUM})(?:{UNITS})?(?![\w]))")
# a change from one value to another: "went from 68 to 77", "widens from 2.8 to 7.3 points"
# (not "estimates vary from 3 to 9 months", a range)
FROM_TO_RE = re.compile(
    r"\b(?:went|go(?:es)?|rose|rise[sn]?|climb\w*|jump\w*|grew|grow\w*|fell|fall\w*|drop\w*|"
    r"slip\w*|improv\w*|increas\w*|decreas\w*|declin\w*|mov\w*|widen\w*|narrow\w*|"
    r"shr[aiu]nk\w*|cut|slash\w*|rais\w*|lower\w*|gain\w*|los[te]s?|boost\w*|push\w*|"
    r"leap\w*|soar\w*|plung\w*|tumbl\w*|reduc\w*|stretch\w*|sl[iu]d\w*)\b"
    r"(?:\s+[\w.’'-]+){0,7}?\s+from\s+(?:about\s+|roughly\s+|around\s+|~\s?)?$", re.I)
RANK_RE = re.compile(
    r"(?<![\w&])#(?P<v1>\d{1,3})(?![\w])"
    r"|\b(?:rank(?:ed|s)?|placed?|places|sits?)\s+(?:at\s+)?(?:#|No\.\s?|number\s+)?"
    r"(?P<v2>\d{1,3})(?:st|nd|rd|th)?\b"
    r"|\b(?:rank(?:ed|s)?|placed?|places|finish(?:ed|es)?|sits?\s+in|sat\s+in)\s+"
    r"(?:(?:the\s+model|it|them)\s+)?(?P<w>first|second|third|fourth|"
    r"fifth|sixth|seventh|eighth|ninth|tenth)\b"
    r"|\b(?:sits?|sat|(?:drops?|dropped|rises?|rose|climbs?|climbed|falls?|fell|moves?|moved|"
    r"slips?|slipped|jumps?|jumped)\s+to|finish(?:es|ed)?|places?|placed|is|was|in)\s+"
    r"(?P<v3>\d{1,2})(?:st|nd|rd|th)\b"
    # "took third place", "second only to", "the second most used", "slipped to ninth"
    r"|(?<!behind\s)(?<!\bof\s)(?<!from\s)(?<!than\s)\b(?P<w2>first|second|third|fourth|fifth|"
    r"sixth|seventh|eighth|ninth|tenth)(?:[\s-]+(?:place|position|spot)\b|\s+only\s+to\b|"
    r"\s+most\s+(?:used|popular|downloaded|capable)\b|\s+(?:overall|on\s+the\s+\w+))"
    # "GLM-5.3 is No. 6", "now at #2"
    r"|\b(?:is|was|at|to|now|sits?)\s+(?:No\.\s?|#)(?P<v4>\d{1,3})\b"
    r"|\b(?:slip|drop|fall|fell|rise|rose|climb|move|jump|sink|sank)\w*\s+to\s+"
    r"(?P<w3>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b",
    re.I,
)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
CITATION_RE = re.compile(r"\[\d{1,3}(?:[,–-]\s?\d{1,3})*\]")
ENUM_RE = re.compile(r"\(\d{1,2}\)|^\s*\d{1,2}[.)]\s")
ELO_BEFORE_RE = re.compile(r"\belo(?:\s+(?:score|rating)s?)?(?:\s+(?:of|at|is|was|hit|reached))?"
                           r"\s*$", re.I)
# "rose from 71% to 80", "dropped by 2.0 points ...; the open ones dropped by 4.4"
INHERIT_RE = re.compile(r"\b(?:to|by|lost|gained|dropped|fell|rose)\s+"
                        r"(?:roughly|about|around|approximately|nearly|~|≈)?\s*$", re.I)
# "86/100", "7.5/10": a score out of a round total
OUT_OF_RE = re.compile(r"(?<![\w./-])(?P<v>\d{1,3}(?:\.\d+)?)\s?/\s?(?P<d>100|10)(?![\w./-])")
# "$0.25/M input", "$1.10 per 1M tokens": a per-token price even without a cost word
PER_TOKEN_RE = re.compile(r"\s?(?:/|per\s+)(?:1\s?M|M|MTok|mtok|million|1K|K|thousand)\b")
# "5 or more points", "10 or so points": the unit after a hedge
OR_MORE_RE = re.compile(
    r"\s+or\s+(?:more|so|fewer|less|higher)\s+(?:(?P<pp>(?:percentage\s+)?points?\b|pp\b)|"
    r"(?P<pct>%|" + PER_CENT + r"\b)|(?P<mo>months?\b))")
# "five months behind", "seven to eight months", "two points under", "a factor of two to three"
_NUMW = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
         "fifteen|sixteen|eighteen|twenty|thirty")
SPELLED_UNIT_RE = re.compile(
    rf"(?<![\w-])(?P<w1>{_NUMW})\b(?:\s+to\s+(?P<w2>{_NUMW})\b)?"
    rf"(?:[\s-](?P<unit>months?|weeks?|years?|(?:percentage\s+)?points?|times|fold)\b"
    rf"(?P<post>\s+(?:behind|ahead|back|under|below|above|short|off|later|earlier|of\s+lag|"
    rf"lag))?)?", re.I)
# the comparison word right before a spelled number ("roughly five months", "factor of two")
SPELLED_PRE_RE = re.compile(
    r"(?:versus|vs\.?|from|to|by|about|roughly|around|some|only|just|nearly|almost|over|under|"
    r"than|within|at|sits|sat|is|was|trails?|lags?|maybe|perhaps|probably|like|approximately|"
    r"factor\s+of)\s+$", re.I)
# "costs a tenth as much": a cost ratio written as a fraction (10x); "at a tenth of the
# price" is left alone (the gold reads it as colour, not a measurement)
FRACTION_RATIO_RE = re.compile(
    r"\b(?:a|one)[\s-](?P<d>half|third|quarter|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"twentieth|fiftieth|hundredth)\s+as\s+(?:much|expensive)\b", re.I)
FRACTION_DENOMS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                   "eighth": 8, "ninth": 9, "tenth": 10, "twentieth": 20, "fiftieth": 50,
                   "hundredth": 100}
# "the index", "its leaderboard": an earlier-named benchmark referred to by its head noun
BENCH_ANAPHOR_RE = re.compile(
    r"\b(?:[Tt]he|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)\s+(?:[A-Z][\w-]+\s+)?(?P<noun>[Ii]ndex|"
    r"[Ll]eaderboard|[Aa]rena|benchmark|suite|eval)\b")
# "Episode 147", "Issue 12", "Table 3": numbering words, not measurements
NUMBERING_RE = re.compile(
    r"\b(?:episode|ep\.|issue|vol(?:ume)?\.?|chapter|part|season|section|page|appendix|"
    r"question|table|figure|fig\.|slide|step|round|week)\s*#?\s*$", re.I)
# "Dec. 2, 2026", "November 20": a day of a month; "24:05", "9:45": a time or timestamp
MONTH_DAY_RE = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+$")  # not "May": a verb too
# a clock's other half next to a number: ":05" after "24", "4:" before "45"
CLOCK_RE = re.compile(r":\d{2}\b|\d:$")
# "the 95% confidence interval", "a 90% CI": statistics about the measurement
CONFIDENCE_RE = re.compile(r"\s?%?\s*(?:confidence|credible|CI\b|c\.i\.)", re.I)
# "#1 Gemini 3.5 Pro · 1492": a leaderboard line, rank before the model, value after
LEADER_SEP_RE = re.compile(r"^\s*(?:[·•|:–—-]|\s)\s*$")
# "between 61 and 64%": a range written with "and"
# "trails Claude Opus 5 by 0.8 on MMLU-Pro": a bare number after a gap verb's "by"
GAP_BY_RE = re.compile(
    r"\b(?:trails?|trailed|trailing|lags?|lagged|lagging|leads?|led|leading|behind|ahead|beats?|"
    r"beat|edges?|edged|outscores?|outscored|outperforms?|outperformed)\b[^.;]{0,50}?\bby\s+"
    r"(?:about|roughly|around|nearly|just|only|~|≈)?\s*$", re.I)
BETWEEN_RE = re.compile(rf"\bbetween\s+(?P<lo>{NUM})(?:\s?%|\s?{PER_CENT})?\s+and\s+(?P<hi>{NUM})",
                        re.I)
CLAUSE_RE = re.compile(r"[;,()\[\]]|\s[—–-]\s|—|:\s")
# a table cell's number: "$1.10", "~72", "61-64", with its unit in the cell
_CELL_NUM = (rf"[*_]{{0,2}}(?P<cur>\$)?(?P<tilde>[~≈])?\s?(?P<sign>[+−-](?=\d))?(?P<v1>{NUM})"
             rf"(?:\s?[–-]\s?(?P<v2>{NUM}))?\s?")
_MARKS = r"\s*[*†‡]*\s*"  # footnote marks after a cell's value
TABLE_NUM_RE = re.compile(rf"^\s*{_CELL_NUM}(?P<unit>%|pp|x|B|T|Elo|months?)?{_MARKS}$")
# a cell naming a model with its score in brackets: "| GLM-5.3 (86.4) |"
TABLE_NAMED_NUM_RE = re.compile(rf"\({_CELL_NUM}(?P<unit>%|pp|Elo)?\){_MARKS}$")
# a cell giving a score with a note or its model after it in brackets: "| 84.1 (Gemini 3.1
# Pro) |", "| 64.5% (vendor harness) |"
# a cell naming a model with its score after it: "| Gemini 3.1 Pro 89.4% |", "| Kimi K3: 41.0 |"
TABLE_MODEL_NUM_RE = re.compile(rf"^\s*[:=,]?\s*{_CELL_NUM}(?P<unit>%|pp|Elo)?{_MARKS}$")
TABLE_NUM_NOTE_RE = re.compile(
    rf"^\s*{_CELL_NUM}(?P<unit>%|pp|Elo)?{_MARKS}\([^()]{{2,60}}\){_MARKS}$")
# a column holding an earlier value of the column before it: "A year ago", "Last month", "Q2"
PAST_COLUMN_RE = re.compile(r"\b(?:ago|last|previous|prior|earlier|before|then|was|jan|feb|mar|"
                            r"apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b|"
                            r"\b(?:19|20)\d\d\b|\bq[1-4]\b")
TABLE_KIND_WORDS = {
    "elo": ("elo", "elo"), "rating": ("elo", "elo"), "rank": ("rank", None),
    "price": ("cost", "$"), "cost": ("cost", "$"), "$": ("cost", "$"),
    "params": ("size", "B"), "parameters": ("size", "B"), "size": ("size", "B"),
    "lag": ("lag", "months"), "gap": ("gap", None), "delta": ("gap", None), "δ": ("gap", None),
    "diff": ("gap", None), "drop": ("gap", None), "share": ("share", "%"),
    "downloads": ("count", None),
}


@dataclass(frozen=True, slots=True)
class FigureCues:
    gap: re.Pattern[str]
    share: re.Pattern[str]
    score: re.Pattern[str]
    cost: re.Pattern[str]
    count_nouns: frozenset[str]
    time_units: dict[str, str]


@cache
def figure_cues() -> FigureCues:
    c = load_cues("figures")
    return FigureCues(
        gap=compile_cues(tuple(c["gap_cues"])),
        share=compile_cues(tuple(c["share_cues"])),
        score=compile_cues(tuple(c["score_cues"])),
        cost=compile_cues(tuple(c["cost_cues"])),
        count_nouns=frozenset(w.lower() for w in c["count_nouns"]),
        time_units=dict(c["lag_units"]),
    )


def parse_num(s: str) -> float:
    return float(s.replace(",", ""))


# "Sixty-two percent of companies": percentages written out in words
SPELLED_PCT_RE = re.compile(rf"\b(?P<w>{SPELLED_1_99})\s+{PER_CENT}\b", re.I)
