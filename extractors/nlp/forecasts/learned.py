"""Learned forecast pass: every probability expression the rules left, scored by a
logistic regression over the words around it.

Why: forecast phrasing is open-ended ("sitting at 0.21", "the panel's aggregate is
0.29", a market table's price column), and each new rule fitted one writer's habits
(held-out recall 0.40-0.65 at 0.7.0). A classifier over the window of words around a
number learns from every score, share and price that is *not* a forecast as well as
from the forecasts, so it needs no rule per phrasing. The rules still run first and
keep their precision; this pass only adds what they missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..learned.linear import LinearModel
from ..numbers import PER_CENT, TEENS_ALT, TENS_ALT, UNITS_ALT, spelled_value
from ..sentences import HEADING, SENTENCE, TABLE_ROW, Sentence
from .general import (
    FRACTION_RE,
    FRACTION_WORDS,
    MARKET_CTX,
    ODDS_RE,
    PROB_EXPR,
    ProbHit,
    clause_start,
    is_conditional,
    measurement_cues,
    odds_value,
    probability_value,
)
from .patterns import CONDITION_CUE_RE

_TOK_RE = re.compile(r"[a-z][a-z'’-]*|\d+(?:\.\d+)?|[%¢$|:()?—–≥≤<>~+]|-(?=[a-z])")
_SELF_RE = re.compile(r"\b(?:i|we|my|our|i['’]d|we['’]d|i['’]m|we['’]re|me|us)\b", re.I)
_SCORE_HINT_RE = re.compile(r"\b(?:scor\w*|accuracy|benchmark\w*|pass@\d|win\s+rate)\b", re.I)
WINDOW_BEFORE = 6
WINDOW_AFTER = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """One probability expression in a sentence or table row (document offsets)."""

    sent_start: int
    sent_end: int
    start: int
    end: int
    value: float
    kind: str
    in_table: bool


# in a forecasting document: fractional odds ("5/1", "4-to-1 against", general.ODDS_RE)
# and fraction words ("two-thirds", general.FRACTION_WORDS) are probabilities too.
# There a bare whole number can be a probability said aloud or typed
# in a chat: "I'm at 35", "hollis 35, mkrz 62", "I'll come up to thirty", "say 45."
# (not a year, a decimal, a range's end, a version or a number with its unit)
_MONTH_BEFORE_RE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|"
                              r"September|October|November|December)\s+$", re.I)
_BARE_RE = re.compile(
    r"(?<![\w.$/%#+:-])(?<!\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s)"
    r"(?P<n>[1-9]\d)(?![\w%/:]|\.\d|[-–]\d|,\s*\d{4}|\s*(?:%|" + PER_CENT + r"|points?\b|"
    r"pts?\b|pp\b|x\b|[KMB]\b|k\b|months?\b|weeks?\b|days?\b|years?\b|hours?\b|[$€£]))"
    rf"|\b(?P<w>(?:{TENS_ALT})(?:[\s-](?:{UNITS_ALT}))?|{TEENS_ALT})\b"
    r"(?!\s*(?:" + PER_CENT + r"|%|points?\b|months?\b|weeks?\b|days?\b|years?\b|hours?\b|"
    r"minutes?\b|[a-z]+s\b))", re.I)


def candidates(text: str, sentences: list[Sentence], forecasty: bool = False
               ) -> list[Candidate]:
    """Every number that could be a probability, in sentences and table rows; in a
    forecasting document also fractional odds and fraction words."""
    out: list[Candidate] = []
    kinds = (SENTENCE, TABLE_ROW, HEADING) if forecasty else (SENTENCE, TABLE_ROW)
    for s in sentences:
        if s.kind not in kinds:  # an odds board's "Kimi K3 ........ 5/1" is a heading line
            continue
        start = s.frame_start  # "mkrz: 0.62.": the message's frame
        stext = text[start:s.end]
        taken: list[tuple[int, int]] = []
        for m in PROB_EXPR.finditer(stext):
            taken.append(m.span())
            value, kind = probability_value(m)
            if value is None or not 0.0 < value < 1.0:
                continue
            out.append(Candidate(start, s.end, start + m.start(), start + m.end(),
                                 round(value, 4), kind, s.kind == TABLE_ROW))
        if not forecasty:
            continue
        extra: list[tuple[int, int, float | None, str]] = [
            (m.start(), m.end(), odds_value(m), "odds") for m in ODDS_RE.finditer(stext)]
        extra += [(m.start(), m.end(), FRACTION_WORDS[m.group("w").lower()], "fracword")
                  for m in FRACTION_RE.finditer(stext)]
        if s.kind != TABLE_ROW:  # a table's bare numbers are scores; prices carry % or ¢
            extra += [(m.start(), m.end(), (int(m.group("n")) if m.group("n") else
                                            spelled_value(m.group("w"))) / 100.0, "bare")
                      for m in _BARE_RE.finditer(stext) if not _MONTH_BEFORE_RE.search(
                          stext, max(0, m.start() - 12), m.start())]
        for a, b, value, kind in extra:
            if value is None or any(a < e and x < b for x, e in taken):
                continue
            taken.append((a, b))
            out.append(Candidate(start, s.end, start + a, start + b, round(value, 4),
                                 kind, s.kind == TABLE_ROW))
    out.sort(key=lambda c: c.start)
    return out


def _toks(s: str) -> list[str]:
    return [t.replace("’", "'") if not t[0].isdigit() else "<n>" for t in
            _TOK_RE.findall(s.lower())]


def features(text: str, c: Candidate, mentions: list[tuple[int, int]], forecasty: bool
             ) -> dict[str, float]:
    """Words before and after the number, the clause's shape, the document's genre."""
    stext = text[c.sent_start:c.sent_end]
    ps, pe = c.start - c.sent_start, c.end - c.sent_start
    before, after = stext[:ps], stext[pe:]
    clause = max(clause_start(before), before.rfind("|") + 1, before.rfind("(") + 1)
    f: dict[str, float] = {f"kind={c.kind}": 1.0, "bias_doc": 1.0 if forecasty else 0.0}
    bt = _toks(before)[-WINDOW_BEFORE:]
    at = _toks(after)[:WINDOW_AFTER]
    for i, t in enumerate(reversed(bt)):
        f[f"b{i + 1 if i < 2 else 'x'}={t}"] = 1.0
    for i, t in enumerate(at):
        f[f"a{i + 1 if i < 2 else 'x'}={t}"] = 1.0
    for t in set(_toks(before[clause:])):
        f[f"c={t}"] = 1.0
    if c.in_table:
        f["table"] = 1.0
    if not stext.rstrip().endswith((".", "!", "?", ")", '"', "”")):
        f["unpunctuated"] = 1.0
    if re.search(r"\d\.\d", stext[ps:pe]) and c.kind == "pct":
        f["pct_decimal"] = 1.0  # "71.4%": scores carry decimals, forecasts rarely do
    if any(c.sent_start + clause <= s < c.start for s, _ in mentions):
        f["mention_in_clause"] = 1.0
        if c.kind == "bare":
            f["veto_bare_score"] = 1.0  # "a Kimi K3 successor at 70": a score, said bare
    if any(c.end <= s < c.end + 30 for s, _ in mentions):
        f["mention_after"] = 1.0
    if MARKET_CTX.search(stext):
        f["market"] = 1.0
    if _SELF_RE.search(stext):
        f["self"] = 1.0
    if CONDITION_CUE_RE.search(stext):
        f["cond"] = 1.0
    if _SCORE_HINT_RE.search(stext):
        f["score_hint"] = 1.0
    if stext.rstrip().endswith("?"):
        f["question"] = 1.0
    # "**Proposition.** Coin flip.": the words after a bold proposition, not the proposition
    rest = (before.rsplit("**", 1)[-1] + after).strip(" .,;:!*()\"'“”-–—")
    if len(rest.split()) <= 1:
        f["alone"] = 1.0  # "80%." after a stated prediction, "Coin flip."
    line_start = text.rfind("\n", 0, c.sent_start) + 1
    line_head = text[line_start:c.sent_start]
    if "**" in line_head or re.match(r"\s*(?:\d{1,2}[.)]|[-*•])\s", line_head):
        f["after_item"] = 1.0  # "1. **Prediction.** 80%": the number answers its line
    if re.search(r"\.{3,}|…", stext):
        f["leaders"] = 1.0  # "Kimi K3 or successor ........ 5/1": an odds board
    for cue in measurement_cues(stext, ps, pe, c.kind):
        f[cue] = 1.0
    v = c.value
    f["v_round"] = 1.0 if abs(v * 100 - round(v * 100 / 5) * 5) < 1e-6 else 0.0
    f["v_extreme"] = 1.0 if v < 0.03 or v > 0.97 else 0.0
    return f


def vetoed(feats: dict[str, float]) -> bool:
    """A categorical measurement cue: never a forecast, whatever the words around say."""
    return any(k.startswith("veto_") for k in feats)


_FROM_RE = re.compile(r"\b(?:from|was|previously|prior(?:\s+week)?|previous)\s*:?\s*(?:about\s+|"
                      r"roughly\s+|~\s?)?$", re.I)


def follows_from(text: str, prev: Candidate | None, c: Candidate) -> bool:
    """"22% of traffic, up from 15%": the earlier value of a number already decided,
    in the same sentence within a few words, shares its decision; so does the value in
    brackets right after it ("55% (48%)": now, last time) and the next cell of a table
    row when it holds the same kind of number ("| 41% | 38% |": now, prior)."""
    if prev is None or prev.sent_start != c.sent_start or c.start - prev.end > 40:
        return False
    between = text[prev.end:c.start]
    if c.in_table and prev.in_table and c.kind == prev.kind and not between.strip(" \t|"):
        return True
    if bracketed_after(text, prev, c):
        return True
    return bool(_FROM_RE.search(between))


def bracketed_after(text: str, prev: Candidate | None, c: Candidate) -> bool:
    """"55% (48%)", "74% [70%]": the same kind of number in brackets right after another
    (now and last time); the pair is a forecast when either reads as one."""
    return prev is not None and c.kind == prev.kind and prev.sent_start == c.sent_start \
        and bool(re.fullmatch(r"\s*[(\[]", text[prev.end:c.start]))


def forecast_probability(model: LinearModel, feats: dict[str, float]) -> float:
    """P(forecast) from a two-label softmax model (labels: no, yes)."""
    return model.probabilities(feats)[model.labels.index("yes")]


def hit_of(c: Candidate, text: str) -> ProbHit:
    """The candidate as a ProbHit (sentence offsets), conditional as general.is_conditional
    says ("we'd go to 80% if ...")."""
    stext = text[c.sent_start:c.sent_end]
    ps = c.start - c.sent_start
    return ProbHit(c.value, ps, c.end - c.sent_start, c.kind,
                   is_conditional(stext, ps, c.end - c.sent_start))
