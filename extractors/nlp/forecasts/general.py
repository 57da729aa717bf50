"""General forecast detector: the fallback after the phrasing rules.

A sentence holds a forecast when (1) it states a probability expression (a percent,
a decimal, "N in M", "even odds", "a coin flip", "N cents" on a market, spelled-out
"sixty percent"), (2) a forecasting frame surrounds it (chance/odds/likely/credence,
a market, a placing verb, "I'd say", a "PROPOSITION: PROBABILITY" line) and (3) the
number is not a measurement (a benchmark score, a share, a growth rate, a price cut,
a gap). Inside documents that talk about forecasting the frame may be anywhere in
the sentence; elsewhere it must sit right next to the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbers import (
    PER_CENT,
    SPELLED_1_99,
    TEENS_ALT,
    TENS_ALT,
    UNITS_ALT,
    small_number,
    spelled_value,
)
from .patterns import CONDITION_CUE_RE

NUMW = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a|an)"

_Q = r"(?:(?:less\s+than|under|below|at\s+least|over|above|more\s+than|nearly|almost)\s+)?"
_A = r"(?:(?:about|roughly|around|maybe|perhaps|approximately|something\s+like)\s+|~\s?)?"

PROB_EXPR = re.compile(
    r"(?P<pct>(?<![\w.$])\d{1,3}(?:\.\d+)?)\s?(?:%|" + PER_CENT + r"\b)\+?"
    rf"|\b(?P<wpct>{SPELLED_1_99})"
    r"\s+" + PER_CENT + r"\b"
    r"|(?<![\w.$])(?P<dec>0?\.\d{1,3})(?![\d%]|\.\d|\s*(?:points|pp|x)\b)"
    rf"|\b(?P<num>{NUMW})[-\s](?:chances?\s+)?(?:in|out\s+of)[-\s](?P<den>{NUMW})\b"
    r"|\b(?P<even>even\s+odds|(?:a\s+)?coin[-\s]?(?:flip|toss)|toss[-\s]?up|50[-/]50|"
    r"fifty[-\s]fifty)\b"
    r"|(?<![\w.$])(?P<cents>\d{1,2}(?:\.\d)?)\s?(?:cents?\b|¢)", re.I)

# frame words right next to the number (strong) ...
NEAR_FRAME = re.compile(
    r"\b(?:chances?|odds|probabilit\w*|likelihood|credence|likely|unlikely|confident|sure|"
    r"shot|bets?|betting|bettors|forecast\w*|predict\w*|markets?|contracts?|trad(?:e|es|ed|ing)|"
    r"traders|priced|pricing|put|puts|peg|pegs|pegged|place|places|assign\w*|give|gives|"
    r"estimate|estimates|call\s+it|say|(?:I|we)\s+said|I['’]d|we['’]d|I['’]m\s+at|we['’]re\s+at|"
    r"have\s+it|has\s+it|my\s+number|our\s+number|gut|view|IMO|I\s+think)\b", re.I)
MARKET_CTX = re.compile(
    r"\b(?:markets?|contracts?|trad(?:e|es|ed|ing)|traders|priced|bettors|shares?\s+of\s+yes|"
    r"Polymarket|Manifold|Kalshi|PredictIt|Metaculus|yes)\b", re.I)
# a number that measures something
_GROWTH_BEFORE = re.compile(
    r"\b(?:grew|grow|grows|growing|rose|rise|rises|fell|fall|falls|dropped|drops|cut|cuts|"
    r"jumped|gained|gains|increased|decreased|improved|climbed|slipped|declined|up|down|"
    r"shrank|boost\w*|reduc\w*|lower\w*|rais\w*)\s+(?:by\s+)?(?:about\s+|roughly\s+|nearly\s+|"
    r"some\s+|over\s+|around\s+)?$", re.I)
_MEASURE_BEFORE = re.compile(
    r"\b(?:scor\w*|accuracy|reach\w*|clear\w*|hits?|hitting|land\w*|within|top\s+out|"
    r"tops\s+out|gets?|got|achiev\w*|posts?|posted|holds?|account\w*\s+for|handl\w*|"
    r"represent\w*|makes?\s+up|share|margin|lead|edge|gap|behind|ahead|benchmark\w*|"
    r"surveyed|respondents|polled|survey|users|developers|downloads|revenue|cost\w*|"
    r"prices?|spend\w*|volume|utiliz\w*|usage|discount|cheaper|sits\s+at|"
    r"stands\s+at|is\s+at|near|top|best|leader|rate|ratio|error|resolution)\b[^.;:,]{0,30}$",
    re.I)
_MEASURE_AFTER = re.compile(
    r"^\s*(?:\+\s*)?(?:of\s+(?!(?:the\s+)?(?:chance|probability|odds))|on\s+(?!(?:an?|the|it|this|that|"
    r"whether|open|closed|yes|no)\b)|points?\b|pp\b|accuracy|pass|higher|lower|faster|"
    r"slower|cheaper|more\s+(?!likely)|less\s+(?!likely)|fewer|better|worse|growth|increase|"
    r"decrease|discount|off\b|margin|lead|gap|edge|improvement|gain|rise|drop|jump|cut|"
    r"share|reduction|quarter|year[-\s]over|yoy|qoq|of\s+the\s+time|win\s+rate|"
    r"success\s+rate|solve|resolved\s+rate|on\s+(?:the\s+)?(?:[A-Z])|for\s+[A-Z])", re.I)
# a number staked on a proposition: "I give it 40% that ...", "we put 55% on ..."
# "I'd give open weights roughly 15 percent of leading", 'gives them "maybe one in five" odds'
_STAKE_BEFORE = re.compile(r"(?:\b(?:put|puts|place|places|give|gives|assigns?)\s+(?:it\s+)?"
                           r"|\b(?:give|gives|gave|giving)\s+(?:[\w'’-]+\s+){1,4}?)"
                           r"(?:about\s+|roughly\s+|around\s+|maybe\s+|only\s+)*[\"“]?$", re.I)
_STAKE_AFTER = re.compile(r"^[\"”]?\s*(?:that\b|on\s+(?!(?:the\s+)?[A-Z]\w*\s*$)|(?:odds|chances?|"
                          r"shot|probability)\s+(?:of|that|to|on)\b|of\s+\w+ing\b)", re.I)
# "close to a coin flip", "slightly above a coin flip": a comparison with even odds
EVEN_COMPARED_RE = re.compile(r"\b(?:close\s+to|nearly|almost|like|than|not|no|above|below|"
                              r"over|under)\s+(?:a\s+)?$", re.I)
_FRAC_TAIL_RE = re.compile(r"^[\"”]?\s*(?:chance|odds|shot|probability|$|[.,;:!?)[\]])|"
                           r"^\s+(?:that|if|for|to|given|IMO|in\s+my|by|at\s+best|at\s+most|"
                           r"tops)\b", re.I)


# a budget split: "70% compute, 20% hiring, 10% go-to-market" (two or more percentages, each
# followed by the bare noun it is a share of)
_ALLOCATION_ITEM = (r"\d{1,3}(?:\.\d+)?\s?%\s+(?!(?:yes|no|chance|odds|likely|probability|"
                    r"that|on|of|to|by|in|for|if|and|or)\b)[a-z][\w-]*(?:\s+[a-z][\w-]*)?")
_ALLOCATION_RE = re.compile(
    _ALLOCATION_ITEM + r"(?:\s*[,;]\s*(?:and\s+)?" + _ALLOCATION_ITEM + r")+", re.I)


def in_allocation(stext: str, ps: int) -> bool:
    """Whether the number at ``ps`` is one item of a budget split."""
    return any(m.start() <= ps < m.end() for m in _ALLOCATION_RE.finditer(stext))


def frac_reads_as_chance(before: str, after: str) -> bool:
    """Whether "N in M" reads as a chance, not a share ("3 in 10 developers"): a chance
    word, a proposition or the end of the clause after it, or a stake ("I put two chances
    in three on ...")."""
    return bool(_FRAC_TAIL_RE.match(after)) or bool(
        _STAKE_BEFORE.search(before) and _STAKE_AFTER.match(after))


# "at about 15% of the savings": a share of something, not a probability
SHARE_AFTER_RE = re.compile(r"\s*(?:%|" + PER_CENT + r")?\s+of\s+(?!(?:the\s+|a\s+|its\s+)?"
                             r"(?:chances?|probability|odds|likelihood)\b)", re.I)
_ANAPHOR_BEFORE = re.compile(r"\b(?:that|this|the|our|my|their|its)\s+(?:current\s+)?$", re.I)
WOULD_RE = re.compile(r"\b(?:would|could|might)\b|['’]d\b", re.I)
_SPEAKER_RE = re.compile(r"^(?P<name>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3})\s*:")
_LABEL_RE = re.compile(r"^(?:[A-Z][\w'’ -]{0,40}:\s+)")  # "Reply: ", "Top comment: "
_ANSWER_TAIL = re.compile(r"^\s*(?:[,;.!)]|$|\s(?:easily|unchanged|tops|max|at\s+most|"
                          r"at\s+best|give\s+or\s+take|or\s+so|for\s+me|to\s+me|IMO)\b)", re.I)


# where a clause ends: punctuation, but not the dot inside "GPT-5.6" or "Qwen3.5"
_CLAUSE_END_RE = re.compile(r"[;:!?,—–]|\.(?!\d)")


def clause_start(before: str) -> int:
    """Where the clause holding the end of ``before`` begins."""
    ends = list(_CLAUSE_END_RE.finditer(before))
    return ends[-1].end() if ends else 0


# a sentence worth examining: a digit, a number word, or an odds idiom
CANDIDATE_RE = re.compile(
    rf"\d|\b(?:{TENS_ALT}|{UNITS_ALT}|{TEENS_ALT})\b|even\s+(?:odds|money)|\bevens\b|coin[-\s]?(?:flip|toss)|"
    r"toss[-\s]?up", re.I)
_MOVE_FRAME = re.compile(
    r"\b(?:lower|raise|drop|fall|go|jump|move|push|get|cut|bump|revise|update|take|bring|"
    r"rise|climb|slide|nudge|shift|come|came|head|settle|revert|sink)\w*\b[^.;:]{0,40}\b(?:to|above|below|toward|into|under|"
    r"over)\s+(?:about\s+|roughly\s+|around\s+|~\s?)?$", re.I)


@dataclass(slots=True)
class ProbHit:
    value: float
    start: int  # within the sentence
    end: int
    kind: str  # pct, wpct, dec, frac, even, cents
    conditional: bool


def probability_value(m: re.Match[str]) -> tuple[float | None, str]:
    """A PROB_EXPR match -> (value in 0..1 or None, its kind)."""
    if m.group("pct"):
        return float(m.group("pct")) / 100.0, "pct"
    if m.group("wpct"):
        return spelled_value(m.group("wpct")) / 100.0, "wpct"
    if m.group("dec"):
        return float(m.group("dec")), "dec"
    if m.group("num"):
        num, den = m.group("num").lower(), m.group("den").lower()
        n, d = small_number(num), small_number(den)
        if not n or d < 2 or n > d or d > 1000:
            return None, "frac"
        return n / d, "frac"
    if m.group("even"):
        return 0.5, "even"
    return float(m.group("cents")) / 100.0, "cents"


def find_probabilities(stext: str, forecasty: bool, mention_spans: list[tuple[int, int]]
                       ) -> list[ProbHit]:
    """Probability expressions of ``stext`` that read as forecasts (not measurements)."""
    out: list[ProbHit] = []
    body_start = 0
    sp = _SPEAKER_RE.match(stext) or _LABEL_RE.match(stext)
    if sp:
        body_start = sp.end()
    for m in PROB_EXPR.finditer(stext):
        value, kind = probability_value(m)
        if value is None or not 0.0 <= value <= 1.0:
            continue
        ps, pe = m.span()
        before, after = stext[:ps], stext[pe:]
        near_before = before[-60:]
        near_after = after[:40]
        if _GROWTH_BEFORE.search(before):
            continue  # "grew 40%", "cut prices by 50%"
        if kind in ("pct", "wpct", "dec") and _ANAPHOR_BEFORE.search(before):
            continue  # "that 65 percent would fall to ...": a forecast already stated
        clause = clause_start(before)
        near_frame = NEAR_FRAME.search(near_before) or re.match(
            r"^\s*(?:chance|probability|odds|likelihood|shot|likely|unlikely|confident|sure)\b",
            after, re.I)
        # a frame word straight before the number ("put about 80% on", "I give it maybe 15%")
        tight_frame = re.search(
            r"\b(?:put|puts|peg|pegs|place|places|give|gives|assign\w*|bet|say|call\s+it|"
            r"rate|rates|estimate|estimates|at|of|is|was|now|it['’]s)\s+(?:it\s+|this\s+|"
            r"about\s+|roughly\s+|around\s+|maybe\s+|only\s+|just\s+|a\s+|an\s+|"
            r"(?:less\s+than|under|below|at\s+least|over|above|more\s+than)\s+)*$",
            before, re.I)
        answer = (ps - body_start <= 25 and (_ANSWER_TAIL.match(after) or kind == "frac")
                  and not re.search(r"\d", stext[body_start:ps]))
        colon_answer = (re.search(r":\s*" + _Q + _A + r"$", before)
                        and _ANSWER_TAIL.match(after) and len(before) > 25)
        if kind in ("pct", "wpct", "dec", "cents"):
            if _MEASURE_AFTER.match(after) and not (
                    tight_frame and re.search(r"\b(?:put|puts|place|places|bet)\b",
                                              before[-40:], re.I)
                    and not SHARE_AFTER_RE.match(after)) and not (
                    _STAKE_BEFORE.search(before) and _STAKE_AFTER.match(after)):
                continue  # "60% on HLE"; but "we put 60% on X" is a stake, "at 70% of Y" a share
            if _MEASURE_BEFORE.search(before[clause:]) and not (
                    near_frame and re.search(r"(?:chance|odds|probabilit|likel|credence|"
                                             r"market|contract|trad|priced|forecast|bet)",
                                             (near_before + near_after).lower())):
                continue
            if any(clause <= s < ps and not re.search(r"[\"”]", stext[s:ps])
                   for s, _ in mention_spans) and not re.match(
                    r"^\s*(?:chance|probability|odds|likelihood|shot|likely)\b", after, re.I) \
                    and not re.search(r"\b(?:chance|odds|probabilit\w*|likelihood|credence|"
                                      r"priced|contract|forecast\w*)\b", before[clause:],
                                      re.I):
                continue  # "DeepSeek V4 sits at 84%": a score
        if kind == "pct" and in_allocation(stext, ps):
            continue  # "70% compute, 20% hiring": a budget split
        if kind == "cents" and not MARKET_CTX.search(stext):
            continue
        if kind == "frac" and not frac_reads_as_chance(before, after):
            continue  # "3 in 10 developers": a share
        if kind == "even" and (
                EVEN_COMPARED_RE.search(before) or not re.match(r"^\s*(?:chance|odds|shot|bet)\b",
                                                        after, re.I) and not re.search(
                    r"(?:\b(?:call\s+it|it['’]s|is|are|at|say|give|gives|of|odds|chance|"
                    r"market|bettors|traders|priced|as)|[:,—–-])\s*(?:a\s+|an\s+|about\s+|"
                    r"roughly\s+|basically\s+|essentially\s+)*$", before, re.I)):
            continue  # "close to a coin flip on variance alone": a comparison, not a number
        if kind == "dec" and not (NEAR_FRAME.search(near_before) or colon_answer):
            continue  # decimals need a frame right before them
        strong = kind in ("even",) or (kind == "frac" and re.match(
            r"^\s*(?:chance|odds|shot|probability)", after, re.I)) or bool(
            kind in ("pct", "wpct", "dec", "frac") and _STAKE_BEFORE.search(before)
            and _STAKE_AFTER.match(after))
        ok = bool(strong or near_frame or (kind == "cents"))
        if forecasty and not ok and _MOVE_FRAME.search(before) and re.search(
                r"\b(?:I|we|us|me|our|my|would|could|['’]d)\b", before[clause:], re.I):
            ok = True  # "we would lower our base case to 40%"
        if forecasty and not ok:
            ok = bool(tight_frame and NEAR_FRAME.search(stext)) or bool(answer) or bool(
                colon_answer) or bool(tight_frame and kind in ("frac",))
        if not forecasty and ok and not strong:
            # outside forecasting documents: a probability noun must touch the number
            ok = bool(re.search(r"\b(?:chance|odds|probability|likelihood|credence)\b",
                                near_before[-30:] + near_after[:20], re.I))
        if not ok:
            continue
        out.append(ProbHit(value, ps, pe, kind, is_conditional(stext, ps, pe)))
    return out


# odds against: "three-to-one against", "4:1 against" (not "won 3 to 1 against GPT-5.6",
# a tally)
_ODDS_AGAINST_RE = re.compile(
    rf"(?<![\w.$/])(?P<a>{NUMW}|{TEENS_ALT})\s*(?:-to-|\s+to\s+|:)\s*(?P<b>{NUMW}|{TEENS_ALT})"
    r"\s+against\b(?!\s+(?:the\s+)?(?-i:[A-Z0-9]))", re.I)
_EVEN_MONEY_RE = re.compile(r"\beven\s+money\b", re.I)
# odds in digits: a bookmaker's "at 9/1", "6/4 DeepSeek"; "4-to-1" (not dates: no third part)
ODDS_RE = re.compile(r"(?<![\w/.$-])(?P<a>\d{1,3})\s?(?P<sep>/|-to-|\s+to\s+)(?P<b>\d{1,3})"
                     r"(?![\w/%-]|\.\d)", re.I)
_EVENS_RE = re.compile(r"\bevens\b(?!\s+(?:out|up)\b)", re.I)
# a split that sums to 100: "55/45, lean yes", "I lean yes, 60-40"
_SPLIT_RE = re.compile(r"(?<![\w.$/-])(?P<a>\d{1,2})\s?[/-]\s?(?P<b>\d{1,2})(?![\w/%-]|\.\d|"
                       r"\s*(?:%|" + PER_CENT + r"))")
_SPLIT_FRAME_RE = re.compile(NEAR_FRAME.pattern + r"|\blean\w*\b", re.I)
_SPLIT_TAIL_RE = re.compile(r"\s*(?:in\s+favou?r|against|yes|no|lean|odds|chance)\b", re.I)
# odds on a proposition: "two-to-one that an open model tops it", "I'd lay 9-to-1 on it"
_ODDS_ON_RE = re.compile(
    rf"(?<![\w.$/])(?P<a>{NUMW}|{TEENS_ALT})\s*(?:-to-|\s+to\s+)\s*(?P<b>{NUMW}|{TEENS_ALT})"
    r"\s+(?:that\b|on\s+(?:it|that|this|them)\b)", re.I)
# a moneyline hung on a proposition in prose: "I hung +400 on ...", "I'd deal that prop at +150"
_PROSE_MONEYLINE_RE = re.compile(
    r"\b(?:hung|hang|hangs|deal|deals|dealt|lay|lays|price|priced|prices|at)\s+(?:it\s+)?"
    r"(?P<sign>[+\-−])(?P<n>\d{3,4})(?![\w%]|[.,]\d)", re.I)
# the same in words: "sixty-forty in favor", "seventy-thirty"
_WORD_SPLIT_RE = re.compile(rf"\b(?P<a>{TENS_ALT})[-\s](?P<b>{TENS_ALT})\b", re.I)
# in a forecasting document, fraction words are probabilities ("I'd call it two-thirds")
FRACTION_WORDS = {"a third": 1 / 3, "one-third": 1 / 3, "one third": 1 / 3,
                  "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25,
                  "one-quarter": 0.25, "three-quarters": 0.75, "three quarters": 0.75}
_FRACTION_ALT = "|".join(sorted((re.escape(w) for w in FRACTION_WORDS), key=len, reverse=True))
FRACTION_RE = re.compile(rf"\b(?P<w>{_FRACTION_ALT})\b", re.I)
# a bare number staked in the first person: "call it 55.", "I'd go to 40", "I'd move that
# to something like 50", "I'd call it two-thirds"
_BARE_STAKE_RE = re.compile(
    r"(?:\b(?:I|we)(?:['’]d|['’]ll)\s+(?:say|go(?:\s+to)?|move\s+(?:(?:that|it|this|us|me)\s+)?"
    r"to|put\s+it\s+at|come\s+(?:up|down)\s+to)|\b(?:I|we)['’](?:m|re)\s+(?:now\s+|still\s+)?at"
    r"|\bcall\s+it)\s+(?:something\s+like\s+|about\s+|around\s+|roughly\s+|"
    r"closer\s+to\s+|maybe\s+)*(?:(?P<n>\d{1,2}|" + SPELLED_1_99 + r")|(?P<f>"
    + _FRACTION_ALT + r"))(?=\s*(?:[.,;!)]|$|\s(?:if|"
    r"by|on|that|for|unless|or)\b))", re.I)


def odds_value(m: re.Match[str]) -> float | None:
    """'5/1' -> 1/6 (five to one against); '1/2' -> 2/3 (odds on); '4-to-1 against'."""
    a, b = int(m.group("a")), int(m.group("b"))
    if not a or not b:
        return None
    return b / (a + b)


# American odds on a betting board: "+300" (3 to 1 against), "-150" (1.5 to 1 on)
_MONEYLINE_RE = re.compile(r"(?<![\w.])(?P<sign>[+\-−])(?P<n>\d{3,4})"
                           r"(?![\w.,%]|\s*(?:elo|points?|pts|pp|bps|basis)\b)", re.I)


def stated_odds(stext: str, forecasty: bool, american: bool = False,
                fractional: bool = False) -> list[ProbHit]:
    """Probabilities written as odds or stakes rather than as a probability expression:
    odds against anywhere; "even money", a 100-sum split and a bare first-person
    number only in a document about forecasts; American odds on a board that says its
    odds are American; fractional odds and "evens" in a bookmaker's prices."""
    out: list[ProbHit] = []
    if fractional:
        for m in ODDS_RE.finditer(stext):
            value = odds_value(m)
            split = int(m.group("a")) + int(m.group("b")) == 100
            if m.group("sep") != "/" or value is None or split:
                continue  # a price is written "9/1"; "55/45" is a split, read below
            out.append(ProbHit(round(value, 4), m.start(), m.end(), "odds",
                               is_conditional(stext, m.start(), m.end())))
        for m in _EVENS_RE.finditer(stext):
            out.append(ProbHit(0.5, m.start(), m.end(), "even",
                               is_conditional(stext, m.start(), m.end())))
    moneylines = _MONEYLINE_RE if american else _PROSE_MONEYLINE_RE if forecasty else None
    for m in moneylines.finditer(stext) if moneylines else ():
        n = int(m.group("n"))
        if n >= 100:
            v = 100 / (n + 100) if m.group("sign") == "+" else n / (n + 100)
            out.append(ProbHit(round(v, 4), m.start("sign"), m.end(), "odds", False))
    for rx, in_favour in ((_ODDS_ON_RE, True), (_ODDS_AGAINST_RE, False)):
        for m in rx.finditer(stext):  # "two-to-one that ..." / "three-to-one against"
            a, b = small_number(m.group("a")), small_number(m.group("b"))
            if a and b:
                out.append(ProbHit((a if in_favour else b) / (a + b), m.start(), m.end(),
                                   "odds", is_conditional(stext, m.start(), m.end())))
    if not forecasty:
        return out
    for m in _EVEN_MONEY_RE.finditer(stext):
        out.append(ProbHit(0.5, m.start(), m.end(), "even",
                           is_conditional(stext, m.start(), m.end())))
    splits = [(m, spelled_value(m.group("a")), spelled_value(m.group("b")))
              for m in _WORD_SPLIT_RE.finditer(stext)]
    splits += [(m, float(m.group("a")), float(m.group("b"))) for m in _SPLIT_RE.finditer(stext)
               # "it ended 60-40" is a tally; "I lean yes, 60-40" a split of belief
               if "-" not in m.group() or _SPLIT_FRAME_RE.search(
                   stext, max(0, m.start() - 40), m.start()) or _SPLIT_TAIL_RE.match(
                   stext, m.end())]
    for m, a, b in splits:
        if a + b == 100 and a != b:
            out.append(ProbHit(a / 100, m.start(), m.end(), "split",
                               is_conditional(stext, m.start(), m.end())))
    for m in _BARE_STAKE_RE.finditer(stext):
        g = "n" if m.group("n") else "f"
        n = m.group(g)
        value = FRACTION_WORDS[n.lower()] * 100 if g == "f" else int(n) if n.isdigit() \
            else spelled_value(n)
        if value < 2:
            continue  # "I'd say one": not a percentage
        out.append(ProbHit(round(value / 100, 4), m.start(g), m.end(g), "pct",
                           is_conditional(stext, m.start(g), m.end(g))))
    return out


# "If that happens, we put it at one in five"; "And if the fund has a bad year, move it to 55%"
_LEADING_IF_RE = re.compile(r"^\W*(?:\d{1,2}\s?[/.)]\s*)?(?:(?:and|but|so|or)\s+)?(?:if|unless|"
                            r"should|assuming|provided|in\s+the\s+event)\b", re.I)
# an if-clause opening a clause after a colon: "What flips me: if GPT-6 ..., it goes to 45%"
_COLON_IF_RE = re.compile(r":\s+[\"“‘']?(?:if|unless|should|assuming|provided)\b", re.I)
_WILL_RE = re.compile(r"['’]ll\b|\bwill\b", re.I)
_THRESHOLD_RE = re.compile(r"^\W*(?:above|below|over|under)\s+$", re.I)
_IF_AFTER_RE = re.compile(r"\s*(?:%|" + PER_CENT + r")?[\"”’']?\s*,?\s*(?:if|unless|"
                          r"provided|assuming|should)\b", re.I)
# not a condition on the proposition: the frame of a bet ("if you made me bet", "if
# pressed") or a concession ("two-thirds, even if the margin shrinks")
_NOT_A_CONDITION_RE = re.compile(
    r"\bif\s+(?:(?:you|I|we)\s+(?:(?:had|have|were)\s+to|made|make|forced|force|pushed|push|"
    r"pressed|press|asked|ask|twisted|twist|held)\b|(?:pressed|forced|pushed|asked)\b|"
    r"(?:I['’]m|I\s+am|we['’]re)\s+honest\b)|\beven\s+if\b"
    # "If Salo wants to bet, I'd give him 30%": an offer, not a condition on the outcome
    r"|\bif\s+(?:[\w'’]+\s+){1,3}?wants?\s+(?:to\s+(?:bet|wager)|a\s+(?:bet|wager))\b"
    # "If you want a number, call it 22%": a request for a number, not a condition
    r"|\bif\s+(?:you|they|we|people|readers|anyone)\s+(?:want|need|insist\s+on)\b[^,;:]{0,40}?"
    r"\bnumber\b",
    re.I)
# a number, not "Qwen4" nor a year ("at any point in 2027" does not end a condition)
_NUMBER_RE = re.compile(r"(?<![\w.-])(?!(?:19|20)\d\d(?![\d.]))\d+(?:\.\d+)?(?![\w-])")


def _condition_scope(stext: str, ps: int, pe: int) -> str:
    """The part of the sentence a condition on the number at ``ps:pe`` can sit in: from
    the last semicolon before it to the next number after it ("we'd give it 70%, and 85
    if X ...": the if-clause belongs to 85), with bet frames and concessions blanked."""
    start = stext.rfind(";", 0, ps) + 1
    nxt = _NUMBER_RE.search(stext, pe)
    end = nxt.start() if nxt else len(stext)
    semi = stext.find(";", pe)
    if semi != -1:
        end = min(end, semi)
    scope = stext[start:ps] + " " * (pe - ps) + stext[pe:end]
    scope = _NOT_A_CONDITION_RE.sub(lambda m: " " * len(m.group()), scope)
    return " " * start + scope


_CURRENT_PRICE_RE = re.compile(r"\((?:currently|now|trading\s+at|at)\s+(?:about\s+|~\s?)?$",
                               re.I)


def is_conditional(stext: str, ps: int, pe: int) -> bool:
    """Whether the probability at ``stext[ps:pe]`` holds only under a condition: a
    would-clause under a condition or moving the number ("would push us above 35%",
    "Conversely, X would take me to a coin flip"), a number after a leading if-clause,
    one followed by its if-clause, or an "otherwise" value. The condition must sit in the
    number's own stretch of the sentence (``_condition_scope``)."""
    if _CURRENT_PRICE_RE.search(stext, 0, ps):
        return False  # "Manifold's market on it (currently 44%) decides": a price quoted
    scoped = _condition_scope(stext, ps, pe)
    before = scoped[:ps]
    if WOULD_RE.search(before) and (CONDITION_CUE_RE.search(scoped) or _MOVE_FRAME.search(before)
                                    or re.search(r"\bconversely\b", before, re.I)):
        return True
    if _MOVE_FRAME.search(before) and _WILL_RE.search(before) and \
            CONDITION_CUE_RE.search(scoped, pe):
        return True  # "I'll move to 60% the day Qwen4-Coder lands if it's open"
    lead = before.lstrip()
    if (_LEADING_IF_RE.match(lead) or _COLON_IF_RE.search(before)) and re.search(
            r"[,:]", before) and not _NOT_A_CONDITION_RE.search(before):
        return True
    cue = next(reversed(list(re.finditer(r"\b(?:un)?conditional(?:ly)?\b", before, re.I))), None)
    if cue is not None:  # "conditional on V5 shipping I'm at 0.45. unconditional maybe 0.22"
        return not cue.group(0).lower().startswith("un")
    if _LEADING_IF_RE.match(stext) and WOULD_RE.search(stext[:ps]) and not \
            _NOT_A_CONDITION_RE.search(stext[:ps]):
        return True  # "If X were enacted, we would expect Y; we put that at 70%"
    if _THRESHOLD_RE.match(before):  # "- Above 70%: an open model posting ..."
        return True
    return bool(_IF_AFTER_RE.match(scoped, pe)) or bool(
        re.search(r"\botherwise\b", stext[ps:ps + 30], re.I))


def measurement_cues(stext: str, ps: int, pe: int, kind: str) -> set[str]:
    """Why the number at ``stext[ps:pe]`` may measure something instead of being a
    probability: the same cues find_probabilities applies, as names, so the learned pass
    can weigh them (``veto_*`` are categorical: the rules never read those as forecasts)."""
    before, after = stext[:ps], stext[pe:]
    clause = clause_start(before)
    out: set[str] = set()
    if _GROWTH_BEFORE.search(before):
        out.add("veto_growth")  # "grew 40%", "cut prices by 50%"
    if _MEASURE_AFTER.match(after):
        out.add("measure_after")
    if _MEASURE_BEFORE.search(before[clause:]):
        out.add("measure_before")
    if kind == "frac" and not frac_reads_as_chance(before, after):
        out.add("veto_share")  # "3 in 10 developers"
    if kind == "pct" and in_allocation(stext, ps):
        out.add("veto_allocation")  # "70% compute, 20% hiring, 10% go-to-market"
    if kind == "even" and EVEN_COMPARED_RE.search(before):
        out.add("veto_comparison")  # "close to a coin flip": a comparison
    if re.match(r"\s*(?:confidence|credible)\s+(?:level|interval)|\s*CI\b", after, re.I):
        out.add("veto_confidence")  # "at the 95% confidence level": a statistic of the survey
    if kind in ("dec",) and not NEAR_FRAME.search(before[-60:]):
        out.add("dec_no_frame")
    return out


_NOT_NAMES = frozenset({
    "maybe", "perhaps", "honestly", "probably", "yes", "no", "now", "still", "today", "odds",
    "chances", "less", "more", "about", "roughly", "around", "call", "so", "well", "and", "but",
    "i", "it", "it's", "it’s", "that", "this", "there", "there's", "my", "our", "reply",
    "above", "below", "over", "under", "buy", "sell", "if",
})


def name_like(subject: str | None) -> str | None:
    """Keep a subject only when it reads as a name ('Maybe', "Now it's" are not)."""
    if not subject or subject == "we":
        return subject
    words = subject.split()
    if any(not w[:1].isupper() for w in words) or words[0].lower() in _NOT_NAMES:
        return None
    return subject


def speaker(text: str, sent_start: int) -> str | None:
    """The speaker label of the line holding the sentence ('MAYA LIN: ...' -> 'Maya Lin')."""
    ls = text.rfind("\n", 0, sent_start) + 1
    m = _SPEAKER_RE.match(text[ls:ls + 60])
    if not m:
        return None
    name = m.group("name")
    if name in ("HOST", "Q", "A") or len(name) < 3:
        return None
    return name.title()
