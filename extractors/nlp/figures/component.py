"""Figure component: prose numbers with units and kinds, and numeric table cells."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from models.records import BenchmarkMention, Figure, ModelMention

from ..numbers import PER_CENT, WORD_VALUES, spelled_value
from ..sentences import HEADING, SENTENCE, TABLE_ROW, Sentence
from .aligned import aligned_tables
from .patterns import (
    BENCH_ANAPHOR_RE,
    BETWEEN_RE,
    CITATION_RE,
    CLAUSE_RE,
    CLOCK_RE,
    CONFIDENCE_RE,
    ELO_BEFORE_RE,
    ENUM_RE,
    FIRST_OF_PAIR_RE,
    FRACTION_DENOMS,
    FRACTION_RATIO_RE,
    FROM_TO_RE,
    GAP_BY_RE,
    INHERIT_RE,
    MONTH_DAY_RE,
    NUMBER_RE,
    NUMBERING_RE,
    OR_MORE_RE,
    ORDINALS,
    OUT_OF_RE,
    PAST_COLUMN_RE,
    PER_TOKEN_RE,
    RANK_RE,
    SINGLE_NUMBER_RE,
    SPELLED_PCT_RE,
    SPELLED_PRE_RE,
    SPELLED_UNIT_RE,
    TABLE_KIND_WORDS,
    TABLE_MODEL_NUM_RE,
    TABLE_NAMED_NUM_RE,
    TABLE_NUM_NOTE_RE,
    TABLE_NUM_RE,
    figure_cues,
    parse_num,
)

Mention = ModelMention | BenchmarkMention
REPORT_VERB_RE = re.compile(r"\b(?:reports?|reported|gets?|got|scores?|scored|posts?|posted|"
                            r"reach(?:es|ed)?|hits?)\s*$", re.I)
# "the three sit at 58, 63 and 70 respectively": a list of bare scores
NUM_LIST_RE = re.compile(r"(?<![\w.$])\d{1,3}(?:\.\d+)?(?:,\s*\d{1,3}(?:\.\d+)?)+,?\s+and\s+"
                         r"\d{1,3}(?:\.\d+)?(?![\w.%])")
# "Llama (37%)", "Qwen (cited by 41% of adopters)": the figure in the model's parentheses
PAREN_MODEL_RE = re.compile(r"^\s*\(\s*(?:cited\s+by|at|with|scor(?:e|es|ing)|~|≈)?\s*$", re.I)
RATIO_WORD_RE = re.compile(r"factor|times|fold")
# "a three-point gap", "a five-month lead": the unit names a gap
_GAP_NOUN_AFTER_RE = re.compile(r"\s*(?:gap|margin|lead|deficit|hole|spread|difference|lag|"
                                r"edge|advantage|shortfall)\b", re.I)
# "Two points is the narrowest margin", '"Fourteen points on computer use is ...',
# "Five points separate Claude Opus 4.8 and Kimi K2.7-Code"'
_SUBJECT_START_RE = re.compile(r"^\W*$")
_SUBJECT_VERB_RE = re.compile(
    r"\s+(?:is|are|was|were|separated?|on\s+\w+(?:\s+\w+)?\s+(?:is|are|was))\b", re.I)
GAP_SUBJ_RE = re.compile(
    r"^\s*(?:lost|gained|dropped|fell|rose|trails?|trailed|lags?|lagged|leads?|led|is|was|"
    r"sits?|sat)\s+(?:by\s+)?(?:about\s+|roughly\s+|around\s+|only\s+|just\s+|~\s?)?$", re.I)
FOR_MODEL_RE = re.compile(r"\s?(?:%|" + PER_CENT + r"|points?|pp)?\s+(?:for|from)\s+(?:the\s+)?")
VS_RE = re.compile(r"^\s*(?:vs\.?|versus|against)\s*$", re.I)
GAP_WORD_RE = re.compile(r"\b(?:behind|ahead|lag\w*|trail\w*|gap|under|below|short|back|"
                         r"distance|margin(?!\s+of\s+error)|deficit|spread|separat\w*|"
                         r"within\s+\w+(?:\s+percentage)?\s+points?)\b",
                         re.I)
SOCIAL_RE = re.compile(r"u/\w|\bposted\s+(?:by|in|on)\b|\bcomments?\b|\bpoints\s+by\s+\w|"
                       r"\bupvotes?\b", re.I)
NAME_SIZE_RE = re.compile(r"-(\d+(?:\.\d+)?)[Bb]$")
# "Will an open model score 75% or higher on X by June?": a question's number is the
# threshold it asks about, not a measurement
QUESTION_RE = re.compile(r"(?:^|[\"“:—–]\s*|,\s*)(?:will|would|can|could|does|do|is|are)\b"
                         r"[^?]*\?[\"”]?\s*$", re.I)
RANK_MORE_RE = re.compile(r"\s+and\s+(\d{1,3})\b")
# "gaps of 12 and 14 points", "30 or 40%": the first number shares the second's unit
SHARED_UNIT_RE = re.compile(
    r"\s*(?:and|or|,)\s+\d+(?:\.\d+)?(?:\s?(?P<pct>%|" + PER_CENT
    + r"\b)|(?:\s|-)(?P<pp>points?\b|pp\b)|\s?(?P<x>x\b|×)|\s(?P<mo>months?\b))")
# "Kimi K3 at 72", "GPT-5.6 scores 78": a bare number right after a model is its score
HTML_TD_RE = re.compile(r"<t[dh]\b[^<>]*>(.*?)(?=</t[dh]>|<t[dh]\b|</tr>|$)", re.I)
MODEL_AT_RE = re.compile(
    r"^\s*,?\s*(?:(?:sits?|sat|stands?|stood|is|was|now|lists?|listed|priced)\s+at|at|scores?|"
    r"scored|scoring|posts?|"
    r"posted|reaches|reached|hits?|with|:|·|•|–|—)\s*"
    r"(?:a\s+|an\s+)?(?:score\s+of\s+)?$", re.I)

# "GPT-5.6 leads at 74", "Gemini 3.1 Pro keeps the top spot at 81.7": a verb phrase ending in
# "at" after a model, in a sentence that names a benchmark
MODEL_VERB_AT_RE = re.compile(r"^\s*,?\s*(?:[a-z]+\s+){1,4}at\s+(?:about\s+|roughly\s+|"
                              r"around\s+|~\s?)?$")
# "against 73 for GPT-5.6", "and 72 for Gemini 3.1 Pro": a bare score stated for a model
FOR_SCORE_BEFORE_RE = re.compile(r"(?:\b(?:against|versus|vs\.?|and|with)|,)\s+$", re.I)


# a table column's header that names a benchmark the registry does not know: one or two
# words with a capital inside or a digit ("PatchPilot", "core-6", "FarRecall-128K"), not a
# generic heading ("Mean", "Score", "Weights")
_NAMED_COLUMN_RE = re.compile(r"(?=[^\s]*(?:[a-z][A-Z]|\d))(?!(?:Q[1-4]|H[12]|FY)\b)"
                              r"[A-Za-z][\w.+-]*(?:\s[\w.+()-]+)?")


# a "#" column: the row's number beside questions, its rank beside models
_NUMBERING_HEADERS = ("#", "no.", "no", "№")
# a cell led by its number ("84.1 (Kimi K3)", "$0.64", "-3.8"): a value, never a row's label
_NUMBER_LED_RE = re.compile(r"[\d$~≈+−*-]")

# only HTML structure between two table rows ("</thead>", "<tbody>"): the same table
_TAGS_ONLY_RE = re.compile(r"(?:\s*</?[a-zA-Z][\w-]*(?:\s[^<>]{0,120})?>)*\s*")


def _overlaps(a: int, b: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < e and s < b for s, e in spans)


def _nearest(mentions: Sequence[Mention], a: int, b: int, lo: int, hi: int) -> str | None:
    """Canonical id of the mention nearest to [a, b) inside [lo, hi); earlier wins ties."""
    best: tuple[int, int, str] | None = None
    for m in mentions:
        if m.start < lo or m.end > hi:
            continue
        dist = a - m.end if m.end <= a else m.start - b
        key = (max(dist, 0), 0 if m.end <= a else 1, m.canonical)
        if best is None or key < best:
            best = key
    return best[2] if best else None


class FigureFinder:
    """Writes doc._.gw_figures (models.records.Figure)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cues = figure_cues()
        self._arena_doc = False
        self._name_spans: list[tuple[int, int]] = []
        self._name_starts: list[int] = []
        self._longest_name = 0

    # -- helpers ------------------------------------------------------------------
    @staticmethod
    def _clause(stext: str, pos: int) -> tuple[int, int]:
        lo, hi = 0, len(stext)
        for m in CLAUSE_RE.finditer(stext):
            if m.end() <= pos:
                lo = m.end()
            elif m.start() >= pos:
                hi = m.start()
                break
        return lo, hi

    def _tie(self, doc: Doc, sent: Sentence, a: int, b: int, kind: str = ""
             ) -> tuple[str | None, str | None]:
        """Nearest model and benchmark (clause first, then sentence).

        A gap belongs to the model that trails or leads, the sentence's subject:
        "X scores 80%, 2.7 points behind Y" ties 2.7 to X, so gaps take the first
        model before the number.
        """
        text = doc._.gw_text
        stext = text[sent.start:sent.end]
        clo, chi = self._clause(stext, a - sent.start)
        clo, chi = clo + sent.start, chi + sent.start
        models = [m for m in doc._.gw_models or [] if sent.start <= m.start < sent.end]
        benches = doc._.gw_benchmarks or []
        model = None
        if kind in ("gap", "lag"):
            model = next((m.canonical for m in models
                          if sent.start <= m.start and m.end <= a), None)
            # "Qwen lost 17 points and GLM-5.3 lost 12": the clause's own subject
            near = [m for m in models if sent.start <= m.start and m.end <= a and a - m.end <= 24]
            if near and GAP_SUBJ_RE.match(text[near[-1].end:a]):
                model = near[-1].canonical
        # outside the number's clause, the sentence's subject (a model before the number)
        # beats one named after it: "X rises from 71% to 80%, ahead of Y at 79%"
        after = text[b:min(b + 14, sent.end)]
        fm = FOR_MODEL_RE.match(after)
        if model is None and fm:
            model = next((m.canonical for m in models if m.start == b + fm.end()), None)
        if model is None:
            # "GLM-5.2 lists at $0.20 and Kimi at $0.45": the model the number is stated for
            model = next((m.canonical for m in models if sent.start <= m.start and m.end <= a
                          and a - m.end <= 16 and (MODEL_AT_RE.match(
                              text[m.end:a].rstrip("$€£~≈ ")) or PAREN_MODEL_RE.match(
                              text[m.end:a]))), None)
        model = model or _nearest(models, a, b, clo, chi) or _nearest(
            models, a, b, sent.start, a) or _nearest(models, a, b, sent.start, sent.end)
        bench = _nearest(benches, a, b, clo, chi) or _nearest(benches, a, b, sent.start,
                                                               sent.end)
        if bench is None:
            bench = self._anaphor(benches, stext, sent.start)
        return model, bench

    @staticmethod
    def _anaphor(benches: Sequence[Mention], stext: str, start: int) -> str | None:
        """'Kimi K3 at 68 on its index': the latest earlier benchmark with that head noun."""
        m = BENCH_ANAPHOR_RE.search(stext)
        if m is None:
            return None
        noun = m.group("noun").lower()
        for x in reversed(benches):
            if x.end > start:
                continue
            if noun in ("benchmark", "suite", "eval") or noun in x.mention.lower() \
                    or noun in x.canonical.lower():
                return x.canonical
        return None

    def _pct_kind(self, stext: str, rel_a: int, rel_b: int, bench: str | None) -> str:
        after = stext[rel_b:rel_b + 40]
        clo, chi = self._clause(stext, rel_a)
        clause = stext[clo:chi]
        before = stext[clo:rel_a]
        if re.match(r"\+?\s+of\s+(?!the\s+gap|the\s+time)", after) or self.cues.share.search(
                before):
            return "share"
        if self.cues.gap.search(clause):
            return "gap"
        if bench or self.cues.score.search(clause):
            return "score"
        if self.cues.gap.search(stext):
            return "gap"
        return "score"

    def _bare(self, stext: str, m: re.Match[str], prev: Figure | None,
              sent_start: int) -> tuple[str, str | None] | None:
        """Kind and unit of a number written without a unit, or None (not a figure)."""
        rel_a = m.start("v1")
        before = stext[max(0, rel_a - 30):rel_a]
        if ELO_BEFORE_RE.search(before):
            return "elo", "elo"
        inherit = INHERIT_RE.search(before)
        if prev is not None and prev.unit and inherit and rel_a + sent_start - prev.end < (
                60 if inherit.group(0).lower().startswith("by") else 40):
            return prev.kind, prev.unit
        if prev is not None and prev.unit and before.endswith("±"):
            return "gap", prev.unit  # "a 6-point gap, inside the interval of ±9"
        if re.search(r"\btop\s*$", before, re.I):
            return None
        if GAP_BY_RE.search(stext, max(0, rel_a - 90), rel_a):
            return "gap", None  # "trails Claude Opus 5 by 0.8 on MMLU-Pro"
        if re.search(r"\b\d+\s+(?:out\s+)?of\s+(?:the\s+)?$", stext[:rel_a]):
            return None  # "improves on 22 of 24 benchmarks": the total, not a measurement
        words = re.findall(r"[A-Za-z][\w-]*", stext[m.end():m.end() + 40])[:3]
        for w in words:
            if w.lower() in self.cues.count_nouns:
                return "count", None
        return None

    # -- prose --------------------------------------------------------------------
    def _numbers(self, sent: Sentence, stext: str, pair_starts: set[int]
                 ) -> list[re.Match[str]]:
        """The sentence's numbers, read with its model and benchmark names blanked out
        ("Claude Opus 4.8 — 83.1%" is not a range from 4.8), and "from 68 to 77" or
        "905 to 887" as two values (their starts go into ``pair_starts``)."""
        scan = stext
        spans = self._name_spans
        i = bisect_left(self._name_starts, sent.start - self._longest_name)
        for x0, x1 in spans[i:bisect_left(self._name_starts, sent.end)]:
            if x1 > sent.start:
                a, b = max(x0, sent.start) - sent.start, min(x1, sent.end) - sent.start
                scan = scan[:a] + " " * (b - a) + scan[b:]
        out: list[re.Match[str]] = []
        for m in NUMBER_RE.finditer(scan):
            if m.group("sep") == "to" and not m.group("cur") and (
                    FROM_TO_RE.search(scan, max(0, m.start() - 80), m.start())
                    or parse_num(m.group("v2")) < parse_num(m.group("v1"))):
                pair = [FIRST_OF_PAIR_RE.match(scan, m.start()),
                        SINGLE_NUMBER_RE.match(scan, m.start("v2"))]
                for x in pair:
                    if x is not None:
                        pair_starts.add(x.start("v1"))
                        out.append(x)
                continue
            out.append(m)
        return out

    def _prose(self, doc: Doc, sent: Sentence, blocked: list[tuple[int, int]],
               forecast_values: set[float]) -> list[Figure]:
        text = doc._.gw_text
        stext = text[sent.start:sent.end]
        out: list[Figure] = []
        if QUESTION_RE.search(stext):
            return out
        local_block = [(sent.start + m.start(), sent.start + m.end())
                       for rx in (CITATION_RE, ENUM_RE) for m in rx.finditer(stext)]
        cost_sentence = bool(self.cues.cost.search(stext))
        elo_sentence = "Elo" in stext
        prev: Figure | None = None
        # "between 61 and 64%": the low end is read with the high end's unit
        lows = {bm.start("hi"): (bm.start("lo"), parse_num(bm.group("lo")))
                for bm in BETWEEN_RE.finditer(stext)}
        low_starts = {lo for lo, _ in lows.values()}
        bench_sentence = any(sent.start <= x.start < sent.end
                             for x in doc._.gw_benchmarks or [])
        list_starts: set[int] = set()
        pair_starts: set[int] = set()
        if bench_sentence and " and " in stext:
            for lm in NUM_LIST_RE.finditer(stext):
                list_starts.update(n.start() + lm.start() for n in re.finditer(
                    r"\d{1,3}(?:\.\d+)?", lm.group(0)))
        for m in self._numbers(sent, stext, pair_starts):
            if m.start("v1") in low_starts and not m.group("v2"):
                continue
            if m.start() >= 3 and stext[max(0, m.start() - 4):m.start()].rstrip().endswith("No."):
                continue  # "is No. 7" is a rank (RANK_RE), "Issue No. 12" is numbering
            if NUMBERING_RE.search(stext, max(0, m.start() - 12), m.start()) \
                    or CONFIDENCE_RE.match(stext, m.end("v1")):
                continue  # "Episode 147", "the 95% confidence interval"
            if not m.group("v2") and not m.group("cur") and (
                    CLOCK_RE.match(stext, m.end("v1"))
                    or CLOCK_RE.search(stext, max(0, m.start() - 2), m.start())
                    or MONTH_DAY_RE.search(stext, max(0, m.start() - 12), m.start())):
                continue  # "24:05 RL environments", "PARIS, Dec. 2, 2026": times and days
            a = sent.start + m.start("v1")
            b = sent.start + (m.end("v2") if m.group("v2") else m.end("v1"))
            if _overlaps(a, b, blocked) or _overlaps(a, b, local_block):
                continue
            v1 = parse_num(m.group("v1"))
            v2 = parse_num(m.group("v2")) if m.group("v2") else None
            low = lows.get(m.start("v1"))
            if low is not None and v2 is None and low[1] < v1:
                v1, v2 = low[1], v1
                a = sent.start + low[0]
            if v2 is not None and v2 < v1:
                v2 = None
                b = sent.start + m.end("v1")
            g = m.groupdict()
            unit: str | None
            if g["u_pp"]:
                unit, kind = "pp", "gap"
                around = stext[max(0, m.start() - 40):m.end() + 25]
                if SOCIAL_RE.search(around):
                    continue  # "412 points - 187 comments": votes, not a gap
                if elo_sentence and "cent" not in g["u_pp"]:
                    unit = "elo"
            elif g["u_pct"]:
                unit = "%"
                kind = ""
            elif g["u_x"]:
                unit, kind = "x", "cost" if cost_sentence else "gap"
            elif g["u_b"]:
                unit, kind = "B", "size"
            elif g["u_t"]:
                unit, kind = "T", "size"
            elif g["u_time"]:
                word = g["u_time"].strip(" -").lower()
                unit, kind = self.cues.time_units.get(word, "months"), "lag"
                if unit == "days" and not self.cues.gap.search(
                        stext[slice(*self._clause(stext, m.start()))]):
                    continue  # "takes effect in 45 days"
            elif g["u_elo"]:
                unit, kind = "elo", "elo"
            elif g["cur"]:
                unit, kind = "$", "cost"
                tail = stext[m.end():m.end() + 12].lower()
                if re.match(r"\s*(?:billion|bn|million|m\b|trillion)", tail):
                    continue  # funding and revenue amounts are not model costs
                if not (self.cues.cost.search(stext[slice(*self._clause(stext, m.start()))])
                        or PER_TOKEN_RE.match(stext, m.end())
                        or any(f.unit == "$" for f in out)
                        or re.fullmatch(r"\d{1,3}\.\d\d", m.group("v1"))):  # "$0.64", "$4.00"
                    continue
            else:
                if v2 is None and v1.is_integer() and 1990 <= v1 <= 2039:
                    continue  # a year
                if v2 is None and 500 <= v1 <= 4000 and (elo_sentence or (
                        self._arena_doc and any(
                            sent.start <= x.end <= a and a - x.end <= 6
                            and MODEL_AT_RE.match(text[x.end:a])
                            for x in doc._.gw_models or []))):
                    model, bench = self._tie(doc, sent, a, b)
                    fig = Figure(v1, None, "elo", "elo", model, bench, stext, a, b)
                    out.append(fig)
                    prev = fig
                    continue
                bare = ("score", None) if v2 is None and v1 <= 100 and (
                    m.start("v1") in list_starts or (m.start("v1") in pair_starts
                                                     and bench_sentence)) \
                    else self._bare(stext, m, prev, sent.start)
                shared = SHARED_UNIT_RE.match(stext, m.end())
                more = OR_MORE_RE.match(stext, m.end()) if bare is None else None
                if more and v2 is None:
                    bare = ("gap", "pp") if more.group("pp") else ("", "%") \
                        if more.group("pct") else ("lag", "months")
                if bare is None and v2 is None and OUT_OF_RE.match(stext, m.start("v1")) \
                        and v1 <= float(OUT_OF_RE.match(stext, m.start("v1")).group("d")):
                    bare = ("score", None)  # "86/100"
                if bare is None and v2 is None and "." in m.group("v1") and v1 <= 100 \
                        and doc._.gw_benchmarks and REPORT_VERB_RE.search(
                            stext, max(0, m.start() - 30), m.start()):
                    bare = ("score", None)  # "they report 55.9"
                if bare is None and shared and v2 is None:
                    bare = ("gap", "pp") if shared.group("pp") else \
                        ("", "%") if shared.group("pct") else \
                        ("cost" if cost_sentence else "gap", "x") if shared.group("x") else \
                        ("lag", "months")
                if bare is None and v2 is None and v1 <= 100 and any(
                        sent.start <= x.end <= a and a - x.end <= 24
                        and MODEL_AT_RE.match(text[x.end:a]) for x in doc._.gw_models or []):
                    bare = ("score", None)
                if bare is None and bench_sentence and v2 is None and v1 <= 100 and (any(
                        sent.start <= x.end <= a and a - x.end <= 40
                        and MODEL_VERB_AT_RE.match(text[x.end:a]) for x in doc._.gw_models or [])
                        or (FOR_SCORE_BEFORE_RE.search(stext, max(0, m.start() - 10), m.start())
                            and (fm := FOR_MODEL_RE.match(stext, m.end())) and any(
                                x.start == sent.start + fm.end() for x in doc._.gw_models or []))):
                    bare = ("score", None)  # "leads at 74", "against 73 for GPT-5.6"
                if bare is None and bench_sentence and "." in m.group("v1") \
                        and v1 <= 100 and v2 is None and not re.search(
                            r"(?:\bversion|\bv|\brelease|\bupdate)\s*$",
                            stext[:m.start()], re.I):
                    bare = ("score", None)  # "58.9 vs 61.0 on Terminal-Bench"
                if bare is None:
                    continue
                kind, unit = bare
            if unit == "%" and v1 > 100:
                continue
            if unit == "%":
                _m, bench0 = self._tie(doc, sent, a, b)
                kind = self._pct_kind(stext, m.start("v1"), m.end(), bench0)
                det = stext[max(0, m.start() - 4):m.start()].lower()
                if round(v1 / 100.0, 4) in forecast_values and det.strip() in {"our", "the"}:
                    continue  # "Our 69% reflects ...": the forecast, restated
                if prev is not None and prev.unit == "%" and re.search(
                        r"\bfrom\s+(?:a|an|the)?\s*$", stext[:m.start()]):
                    kind = prev.kind  # "reopened to 3.3% (from a 0.5% low ...)"
            model, bench = self._tie(doc, sent, a, b, kind)
            fig = Figure(v1, v2, unit, kind, model, bench, stext, a, b)
            out.append(fig)
            prev = fig
        for m in SPELLED_PCT_RE.finditer(stext):
            a, b = sent.start + m.start("w"), sent.start + m.end("w")
            if _overlaps(a, b, blocked):
                continue
            v = spelled_value(m.group("w"))
            if round(v / 100.0, 4) in forecast_values:
                continue
            _m, bench0 = self._tie(doc, sent, a, b)
            kind = self._pct_kind(stext, m.start("w"), m.end(), bench0)
            model, bench = self._tie(doc, sent, a, b, kind)
            out.append(Figure(v, None, "%", kind, model, bench, stext, a, b))
        out.extend(self._spelled(doc, sent, stext, blocked, out, cost_sentence))
        for m in RANK_RE.finditer(stext):
            grp = next(g for g in ("v1", "v2", "v3", "v4", "w", "w2", "w3") if m.group(g))
            a, b = sent.start + m.start(grp), sent.start + m.end(grp)
            if _overlaps(a, b, blocked) or any(f.start == a for f in out):
                continue
            raw = m.group(grp)
            if grp == "v2" and re.match(r"sits?\b|sat\b", m.group(0), re.I) and not re.search(
                    r"#|No\.|number|\d(?:st|nd|rd|th)\b", m.group(0), re.I):
                continue  # "the three sit at 58, 63 and 70": scores, not ranks
            value = float(ORDINALS[raw.lower()]) if grp.startswith("w") else float(raw)
            if stext.rstrip().endswith("?") or re.search(
                    r"\b(?:off|than|from|behind)\s+(?:the\s+)?#?$", stext[:m.start(grp)]):
                continue  # "Will X rank #1?", "22 points off first place": a target
            if grp == "v1" and (value > 100 or (sent.kind == HEADING and not any(
                    0 <= x.start - b <= 2 for x in doc._.gw_models or []))):
                continue  # "Weekly #87", "Question #31874": numbering; "#1 Gemini": a rank
            model, bench = self._tie(doc, sent, a, b)
            more = RANK_MORE_RE.match(stext, m.end())
            if more:
                # "X and Y ... at ranks 9 and 13": ranks pair with models in order
                subj = [x.canonical for x in doc._.gw_models or [] if sent.start <= x.start < a]
                subj = list(dict.fromkeys(subj))
                first, second = (subj[0], subj[1]) if len(subj) >= 2 else (model, model)
                out.append(Figure(value, None, None, "rank", first, bench, stext, a, b))
                a2, b2 = sent.start + more.start(1), sent.start + more.end(1)
                out.append(Figure(float(more.group(1)), None, None, "rank", second, bench,
                                  stext, a2, b2))
                continue
            out.append(Figure(value, None, None, "rank", model, bench, stext, a, b))
        return self._pair_vs(doc, sent, stext, out)

    @staticmethod
    def _pair_vs(doc: Doc, sent: Sentence, stext: str, out: list[Figure]) -> list[Figure]:
        """'X gets close to Y on B (84.6 vs 87.2)': two scores tied to the same model pair
        with the sentence's first two models, in order."""
        if " vs" not in stext and "versus" not in stext and "against" not in stext:
            return out
        names = list(dict.fromkeys(x.canonical for x in doc._.gw_models or []
                                   if sent.start <= x.start < sent.end))
        if len(names) < 2:
            return out
        text = doc._.gw_text
        for i in range(len(out) - 1):
            f, g = out[i], out[i + 1]
            if f.kind != "score" or g.kind != "score" or f.model != g.model \
                    or not VS_RE.match(text[f.end:g.start]):
                continue
            if any(sent.start <= x.start < g.end and x.start > f.start
                   for x in doc._.gw_models or []):
                continue  # "58.9 vs 61.0 for Claude": the model is named between or after
            out[i] = Figure(f.value, f.value_high, f.unit, f.kind, names[0], f.benchmark,
                            f.sentence, f.start, f.end)
            out[i + 1] = Figure(g.value, g.value_high, g.unit, g.kind, names[1], g.benchmark,
                                g.sentence, g.start, g.end)
        return out

    def _spelled(self, doc: Doc, sent: Sentence, stext: str, blocked: list[tuple[int, int]],
                 found: list[Figure], cost_sentence: bool) -> list[Figure]:
        """Numbers written as words with a unit: 'five months behind', 'versus seven to
        eight months', 'under three points', 'a factor of two to three'."""
        out: list[Figure] = []
        if sent.kind != SENTENCE:
            return out
        for m in (FRACTION_RATIO_RE.finditer(stext) if " as " in stext else ()):
            a, b = sent.start + m.start(), sent.start + m.end("d")
            if _overlaps(a, b, blocked) or any(f.start < b and a < f.end for f in found):
                continue
            model, bench = self._tie(doc, sent, a, b, "cost")
            out.append(Figure(float(FRACTION_DENOMS[m.group("d").lower()]), None, "x", "cost",
                              model, bench, stext, a, b))
        if not GAP_WORD_RE.search(stext) and not RATIO_WORD_RE.search(stext):
            return out
        for m in SPELLED_UNIT_RE.finditer(stext):
            pm = SPELLED_PRE_RE.search(stext, max(0, m.start() - 24), m.start())
            pre = pm.group(0).strip().lower() if pm else ""
            start = pm.start() if pm else m.start()
            if re.search(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
                         r"(?:or|and|to)\s+$|\b(?:than|rather\s+than)\s+$",
                         stext[max(0, start - 40):start]) or (pre == "to" and re.search(
                             r"\bthan\s+$", stext[max(0, start - 40):start])) or re.match(
                    r"\s+or\s+(?:one|two|three|four|five|six|seven|eight|nine|ten)\b",
                    stext[m.end("w1"):]):
                continue  # "one or two points": a vague amount, not a measurement
            unit_w = (m.group("unit") or "").lower()
            if not unit_w and not pre.startswith("factor"):
                continue
            if unit_w in ("times", "fold") and not pre and not re.match(
                    r"\s+(?:the|as\s+(?!many\b)|more|less|cheaper|faster|slower|higher|lower|"
                    r"larger|smaller|bigger|what|that\s+of)\b", stext[m.end():]):
                continue  # "we ran it three times": a repetition, not a ratio
            if unit_w and unit_w not in ("times", "fold") and not pre and not m.group("post") \
                    and not _GAP_NOUN_AFTER_RE.match(stext, m.end()) \
                    and not (_SUBJECT_START_RE.match(stext[:m.start()])
                             and _SUBJECT_VERB_RE.match(stext, m.end())):
                continue  # "in six months", "three points of the gap": no comparison
            a, b = sent.start + m.start("w1"), sent.start + m.end()
            if _overlaps(a, b, blocked) or any(f.start < b and a < f.end for f in found):
                continue
            v1 = float(WORD_VALUES.get(m.group("w1").lower(), 0))
            v2 = float(WORD_VALUES.get(m.group("w2").lower(), 0)) if m.group("w2") else None
            if not v1 or (v2 is not None and v2 <= v1):
                v2 = None
            if pre.startswith("factor") or unit_w in ("times", "fold"):
                unit, kind = "x", "cost" if cost_sentence else "gap"
            elif "point" in unit_w:
                unit, kind = "pp", "gap"
            else:
                unit, kind = self.cues.time_units.get(unit_w, "months"), "lag"
            model, bench = self._tie(doc, sent, a, b, kind)
            out.append(Figure(v1, v2, unit, kind, model, bench, stext, a, b))
        return out

    # -- tables -------------------------------------------------------------------
    @staticmethod
    def _cells(text: str, row: Sentence) -> list[tuple[int, int]]:
        """Cell spans (document offsets, stripped) of a 'a | b | c' or '| a | b |' row."""
        line = text[row.start:row.end]
        cells: list[tuple[int, int]] = []
        if "|" not in line and "<t" in line.lower():  # <tr><td>a</td><td>b</td></tr>
            for m in HTML_TD_RE.finditer(line):
                inner = m.group(1)
                lead = len(inner) - len(inner.lstrip())
                s = row.start + m.start(1) + lead
                cells.append((s, s + len(inner.strip())))
            return cells
        pos = 0
        parts = line.split("|")
        for i, part in enumerate(parts):
            s = row.start + pos
            pos += len(part) + 1
            if (i == 0 or i == len(parts) - 1) and not part.strip():
                continue
            lead = len(part) - len(part.lstrip())
            cells.append((s + lead, s + lead + len(part.strip())))
        return cells

    @staticmethod
    def _entity_in(mentions: Sequence[Mention], a: int, b: int) -> str | None:
        for m in mentions:
            if m.start >= a and m.end <= b:
                return m.canonical
        return None

    @staticmethod
    def _caption_bench(doc: Doc, table_start: int) -> str | None:
        """The benchmark the sentence introducing a table names ("Below are the MRCR
        numbers."), when neither its header nor its rows name any: the nearest of the
        two sentences above it that names benchmarks, if it names exactly one."""
        benches = doc._.gw_benchmarks or []
        above = [x for x in doc._.gw_sentences or []
                 if x.end <= table_start and x.kind != TABLE_ROW][-2:]
        for sent in reversed(above):
            named = {b.canonical for b in benches if sent.start <= b.start < sent.end}
            if named:
                return named.pop() if len(named) == 1 else None
        return None

    def _table(self, doc: Doc, rows: list[Sentence], blocked: Sequence[tuple[int, int]] = (),
               forecast_spans: Sequence[tuple[int, int]] = (),
               grid: tuple[list[tuple[int, int]], list[list[tuple[int, int]]]] | None = None
               ) -> list[Figure]:
        """One figure per numeric cell, tied to its row's and column's model/benchmark.

        The label column is the one whose cells name the most models (or
        benchmarks, for a transposed table); it need not be the first ("| Rank |
        Model | Elo |"). A benchmark named only in the header applies to the row.
        """
        text = doc._.gw_text
        models = doc._.gw_models or []
        benches = doc._.gw_benchmarks or []
        if grid is None:
            header = self._cells(text, rows[0])
            body = [self._cells(text, r) for r in rows[1:]]
        else:  # a table aligned with spaces (aligned.py): its cells are already found
            header, body = grid
        head_b = [self._entity_in(benches, a, b) for a, b in header]
        head_m = [self._entity_in(models, a, b) for a, b in header]
        head_words = [text[a:b].lower() for a, b in header]
        head_benches = {x for x in head_b if x}
        ncol = max([len(header), *(len(c) for c in body)])
        scores = []
        for ci in range(ncol):
            # a cell led by its number ("84.1 (Kimi K3)") is a value, not a row's label
            cells = [c[ci] for c in body
                     if ci < len(c) and not _NUMBER_LED_RE.match(text, c[ci][0], c[ci][1])]
            nm = sum(1 for a, b in cells if self._entity_in(models, a, b))
            nb = sum(1 for a, b in cells if self._entity_in(benches, a, b))
            scores.append((max(nm, nb), -ci))
        label_col = -max(scores)[1] if scores and max(scores)[0] > 0 else 0
        table_bench = None
        if sum(1 for x in head_b if x) == 1 and not any(head_m):
            table_bench = next(x for x in head_b if x)
        elif not any(head_b) and not any(self._entity_in(benches, c[label_col][0], c[label_col][1])
                                         for c in body if len(c) > label_col):
            table_bench = self._caption_bench(doc, rows[0].start)
        out: list[Figure] = []
        for row, cells in zip(rows[1:], body, strict=True):
            if len(cells) <= label_col:
                continue
            la, lb = cells[label_col]
            label = text[la:lb]
            row_m = self._entity_in(models, la, lb)
            # "| Coding (SWE-bench Verified) | 3.1 | ... | Kimi K3.2 |": the row's benchmark
            # may sit in another text cell than the label column's
            row_b = self._entity_in(benches, la, lb) or next(
                (x for ca, cb in cells if (x := self._entity_in(benches, ca, cb))), None)
            cell_m = [self._entity_in(models, a, b) for a, b in cells]
            for ci, (a, b) in enumerate(cells):
                if ci == label_col:
                    continue
                m = TABLE_NUM_RE.match(text[a:b])
                in_cell = None
                if not m and cell_m[ci]:  # "GLM-5.3 (86.4)": the cell's own model's score
                    m = TABLE_NAMED_NUM_RE.search(text[a:b])
                    in_cell = cell_m[ci]
                    if not m:  # "Gemini 3.1 Pro 89.4%": the number right after the name
                        end = max(x.end for x in models if a <= x.start and x.end <= b)
                        hit = TABLE_MODEL_NUM_RE.match(text[end:b])
                        if hit:
                            m, a = hit, end
                if not m:  # "84.1 (Gemini 3.1 Pro)", "64.5% (vendor harness)"
                    m = TABLE_NUM_NOTE_RE.match(text[a:b])
                    in_cell = cell_m[ci]
                if not m or _overlaps(a + m.start("v1"), a + m.end("v2" if m.group("v2")
                                                                else "v1"), blocked):
                    continue
                if m.groupdict().get("sign") and any(_overlaps(x, y, forecast_spans)
                                                     for x, y in cells):
                    continue  # "| 0.20 | -0.05 |": a forecast's change, not a measurement
                col_b = head_b[ci] if ci < len(head_b) else None
                col_m = head_m[ci] if ci < len(head_m) else None
                col_word = head_words[ci] if ci < len(head_words) else ""
                if col_word in _NUMBERING_HEADERS and not row_m:
                    continue  # "| # | Question |": the row's number ("| # | Model |": a rank)
                model = in_cell or row_m or col_m
                if in_cell is None and sum(1 for x in cell_m if x) >= 2:
                    # a row naming two models ("| Claude Opus 4.8 | 79.5 | Kimi K3 | 76.0 |"):
                    # the model under the same header ("BEST OPEN" over "80.3  Kimi K3.2"),
                    # else the nearest one before the number
                    same = [x for j, x in enumerate(cell_m) if x and j < len(header)
                            and ci < len(header) and header[j] == header[ci]]
                    before = [x for x in cell_m[:ci] if x]
                    model = same[0] if same else before[-1] if before else model
                if model is None and ci > label_col:
                    model = next((x for x in reversed(cell_m[label_col + 1:ci]) if x), None)
                bench = col_b or row_b or table_bench
                if model is None and col_b and label and re.search(r"[A-Za-z]", label):
                    model = re.sub(r"\s+", "-", label.strip().lower())
                if bench is None and col_m and label and re.search(r"[A-Za-z]", label):
                    bench = re.sub(r"\s+", "-", label.strip().lower())
                head_text = text[header[ci][0]:header[ci][1]] if ci < len(header) else ""
                if bench is None and row_m and _NAMED_COLUMN_RE.fullmatch(head_text):
                    # "| Model | PatchPilot | LedgerOps |": a column named like a benchmark
                    bench = re.sub(r"\s+", "-", col_word.strip())
                unit = m.group("unit")
                kind = "score"
                if col_word in _NUMBERING_HEADERS:
                    kind = "rank"
                for word, (k, u) in TABLE_KIND_WORDS.items():
                    if word in col_word or (not col_b and not col_m and word in label.lower()):
                        kind, unit = k, unit or u
                        break
                else:
                    if PAST_COLUMN_RE.search(col_word):  # "| Lag, months | A year ago |"
                        kind, unit = next(((k, unit or u) for w in reversed(head_words[:ci])
                                           for word, (k, u) in TABLE_KIND_WORDS.items()
                                           if word in w), (kind, unit))
                if m.group("cur"):
                    kind, unit = "cost", "$"
                if unit in ("B", "T"):
                    kind = "size"
                if unit and unit.startswith("month"):
                    unit, kind = "months", "lag"
                if unit == "Elo":
                    unit, kind = "elo", "elo"
                if kind == "gap" and bench is None and len(head_benches) == 1:
                    bench = next(iter(head_benches))  # "| GPQA (original) | GPQA (fresh) | Δ |"
                if kind == "gap" and in_cell is None and not (row_m or col_m) and sum(
                        1 for x in cell_m if x) >= 2:
                    model = None  # a gap between the row's two model cells is neither's
                v1 = parse_num(m.group("v1"))
                v2 = parse_num(m.group("v2")) if m.group("v2") else None
                if m.groupdict().get("sign") in ("-", "−"):
                    v1 = -v1  # "| -3.8 |": a delta column
                na = a + m.start("v1")
                nb = a + (m.end("v2") if m.group("v2") else m.end("v1"))
                out.append(Figure(v1, v2, unit, kind, model, bench, text[row.start:row.end],
                                  na, nb))
        return out

    @staticmethod
    def _sizes_in_names(doc: Doc, sents: list[Sentence], found: list[Figure]
                        ) -> list[Figure]:
        """"Zephyr-140B": a new name that carries its size yields a size figure, unless the
        prose already states that size for it ("Zephyr-140B is a 140B model")."""
        out: list[Figure] = []
        text = doc._.gw_text
        seen: set[str] = {f.model for f in found if f.kind == "size" and f.model}
        for m in doc._.gw_models or []:
            hit = NAME_SIZE_RE.search(m.mention)
            if not hit or m.openness != "unknown" or m.canonical in seen:
                continue
            seen.add(m.canonical)
            sent = next((s for s in sents if s.start <= m.start < s.end), None)
            if sent is None:
                continue
            a, b = m.start + hit.start(1), m.start + hit.end(1)
            out.append(Figure(float(hit.group(1)), None, "B", "size", m.canonical, None,
                              text[sent.start:sent.end], a, b))
        return out

    def __call__(self, doc: Doc) -> Doc:
        sents: list[Sentence] = doc._.gw_sentences or []
        blocked = [(m.start, m.end) for m in (doc._.gw_models or [])]
        blocked += [(m.start, m.end) for m in (doc._.gw_benchmarks or [])]
        forecasts = doc._.gw_forecasts or []
        forecast_spans = [(f.prob_start, f.prob_end) for f in forecasts]
        blocked += forecast_spans
        forecast_values = {round(f.probability, 4) for f in forecasts}
        self._arena_doc = any("arena" in x.canonical.lower() for x in doc._.gw_benchmarks or [])
        # model and benchmark names by start, for blanking them out of a sentence's numbers
        self._name_spans = sorted((x.start, x.end) for x in (*(doc._.gw_models or ()),
                                                            *(doc._.gw_benchmarks or ())))
        self._name_starts = [a for a, _ in self._name_spans]
        self._longest_name = max((b - a for a, b in self._name_spans), default=0)
        figures: list[Figure] = []
        table: list[Sentence] = []
        aligned = aligned_tables(doc._.gw_text, sents)
        in_aligned = {id(r) for t in aligned for r in t.rows}
        for t in aligned:
            figures.extend(self._table(doc, t.rows, blocked, forecast_spans,
                                       (t.header, t.body)))
        for sent in sents:
            if id(sent) in in_aligned:
                continue
            if sent.kind == TABLE_ROW:
                if table and sent.line > table[-1].line + 2 and not _TAGS_ONLY_RE.fullmatch(
                        doc._.gw_text, table[-1].end, sent.start):
                    figures.extend(self._table(doc, table, blocked, forecast_spans))
                    table = []
                table.append(sent)
                continue
            if table:
                if len(table) > 1:
                    figures.extend(self._table(doc, table, blocked, forecast_spans))
                table = []
            if sent.kind in (SENTENCE, HEADING):
                figures.extend(self._prose(doc, sent, blocked, forecast_values))
        if len(table) > 1:
            figures.extend(self._table(doc, table, blocked, forecast_spans))
        figures.extend(self._sizes_in_names(doc, sents, figures))
        arena = next((x.canonical for x in doc._.gw_benchmarks or []
                      if "arena" in x.canonical.lower()), None)
        if arena:  # an Elo is an arena rating: tie unlinked ones to the document's arena
            figures = [Figure(f.value, f.value_high, f.unit, f.kind, f.model, arena, f.sentence,
                              f.start, f.end) if f.unit == "elo" and f.kind == "elo"
                       and f.benchmark is None else f for f in figures]
        # one unit for parameter counts (GOLD_FORMAT: billions): "1.2T" is kept as 1200 B,
        # so an analyst's sizes sort and compare
        figures = [replace(f, value=round(f.value * 1000, 6), unit="B", value_high=None
                           if f.value_high is None else round(f.value_high * 1000, 6))
                   if f.unit == "T" else f for f in figures]
        figures.sort(key=lambda f: f.start)
        doc._.gw_figures = figures
        return doc
