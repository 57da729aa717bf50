"""Forecast component: writes doc._.gw_forecasts (ForecastDraft records)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ..learned.linear import load_model
from ..numbers import small_number
from ..sentences import HEADING, SENTENCE
from .byline import document_author
from .general import (
    CANDIDATE_RE,
    SHARE_AFTER_RE,
    ProbHit,
    clause_start,
    find_probabilities,
    is_conditional,
    name_like,
    speaker,
    stated_odds,
)
from .learned import (
    Candidate,
    bracketed_after,
    candidates,
    features,
    follows_from,
    forecast_probability,
    hit_of,
    vetoed,
)
from .patterns import (
    AND_ALSO_RE,
    BRACKETED_PCT_RE,
    BRACKETED_RULE,
    EXTRA_RULES,
    MARKET_RE,
    NAMED_FORECASTER_RE,
    PAREN_PREVIOUS_RE,
    PREVIOUS_RE,
    PUBLISHED_BY_RE,
    DocumentSignal,
    document_signal,
    forecast_patterns,
)
from .speakers import speaker_at, turns

_ANY_PREVIOUS_RE = re.compile(
    r"\b(?:down|up)\s+from\s+(?P<p>\d{1,3}(?:\.\d+)?)\s?%|\bfrom\s+(?P<q>\d{1,3}(?:\.\d+)?)\s?%"
    r"(?=\s+(?:a|last|in|earlier|the)\b)")
_SUBJ_TRAIL_RE = re.compile(
    r"(?:\s+|^)(?:now|currently|still|also|is|are|am|sees|see|gives|give|has|have|puts|put|"
    r"places|place|assigns|sits|stands|remains|a|an|the|more|less|even|bullish|bearish|"
    r"cautious|upbeat)\s*$", re.I)
_HAS_NUMBER_RE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b",
                            re.I)
_FOR_MODEL_AFTER_RE = re.compile(r"\s+(?:for|on|by|from)\s+(?:the\s+)?")
_SCORE_AFTER_RE = re.compile(r"\s*(?:on|in|accuracy|pass|of\s+(?:the|all|its)|across)\b", re.I)
# "OpenAI puts GPT-5.6 at 79.6% on the same benchmark": a score the lab reports
_PUT_SCORE_RE = re.compile(r"\s*%?\s*on\s+(?:the\s+)?(?:same\s+)?(?:[A-Z]|benchmark|test|suite|"
                           r"leaderboard|exam|eval)")
_SELF_FORMS = frozenset({"we", "i", "us", "our", "my", "we'd", "i'd", "we're", "i'm", "we’d",
                         "i’d", "we’re", "i’m", "we've", "i've", "we’ve", "i’ve"})
_SINGULAR_SELF = frozenset({"i", "my", "me", "i'd", "i’d", "i'm", "i’m", "i've", "i’ve",
                            "i'll", "i’ll"})
_STOP_ISSUER = frozenset({
    "the", "this", "that", "it", "which", "what", "and", "but", "today", "now", "also",
    "model", "models", "market", "markets", "forecast", "who",
})


@dataclass(slots=True)
class ForecastDraft:
    """A forecast before assembly; ``prob_start``/``prob_end`` locate the percentage."""

    issuer: str | None
    probability: float
    conditional: bool
    proposition: str | None
    start: int
    end: int
    prob_start: int
    prob_end: int
    notes_extra: bool = False  # found by the looser EXTRA_RULES


def _restates(earlier: str | None, issuer: str | None) -> bool:
    """Whether a number with ``issuer`` can restate an equal one by ``earlier``: either names
    no one ("Our 69% reflects ...", "the 38%") or both name the same forecaster up to case.
    Two named forecasters' equal numbers (two markets at 31 cents) are two forecasts."""
    if earlier is None or issuer is None or earlier in ("we", "I") or issuer in ("we", "I"):
        return True
    return earlier.lower() == issuer.lower()


# an outcome's line: its label, a separator and its share or odds ("DeepSeek · 41%",
# "Kimi K3 or successor ........ 5/1")
_OUTCOME_LINE_RE = re.compile(r"[^\S\n]*[^\n%]{0,60}[^\s%](?:[^\S\n]*(?:[·:|—–-]|\.{3,}|…)"
                              r"[^\S\n]*|[^\S\n]{2,}|\t)(?:\d{1,2}(?:\.\d)?[^\S\n]?%|"
                              r"\d{1,3}/\d{1,3}|evens)[^\S\n]*", re.I)


_RANGE_END_RE = re.compile(r"\s?[-–]\s?\d")


def _line_span(text: str, c: Candidate) -> tuple[int, int]:
    ls = text.rfind("\n", 0, c.start) + 1
    le = text.find("\n", c.end)
    return ls, len(text) if le < 0 else le


_PRICE_HEADER_RE = re.compile(r"\b(?:chance|odds|probability|price|yes)\b", re.I)


def _line_above(text: str, c: Candidate) -> str:
    """The nearest line with words above the one ``c`` sits on (a list's header:
    "Outcome · Chance", "Winter odds board: ...")."""
    ls, _ = _line_span(text, c)
    return next((line for line in reversed(text[:max(0, ls - 1)].split("\n")) if line.strip()),
                "")


def sibling_groups(text: str, cands: list[Candidate]) -> list[tuple[list[int], bool]]:
    """Numbers that are one list's or one table column's, as indexes of ``cands``: runs of
    three or more consecutive lines each holding only a label and a share ("DeepSeek ·
    41%", "Other · 4%": a market's outcomes), and the cells of one column of a table
    ("| Kalshi | ... | 27¢ |", "| Manifold | ... | 41% |"). A list's or a column's
    numbers are all prices or all something else. Each group comes with whether it is a
    list (True) or a column (False)."""
    runs: list[list[int]] = []
    columns: dict[tuple[int, int], list[int]] = {}
    table_of: dict[int, int] = {}  # a row's start -> its table's first row
    last_line_end = -2
    for i, c in enumerate(cands):
        ls, le = _line_span(text, c)
        if c.in_table and not _RANGE_END_RE.match(text, c.end) and not re.search(
                r"\d\s?[-–]\s?$", text[max(0, c.start - 4):c.start]):  # not a range's end
            if ls not in table_of:  # walk up the lines that hold a "|"
                top = ls
                while top > 0 and "|" in text[text.rfind("\n", 0, top - 1) + 1:top - 1]:
                    top = text.rfind("\n", 0, top - 1) + 1
                    if top in table_of:
                        top = table_of[top]
                        break
                table_of[ls] = top
            columns.setdefault((table_of[ls], text.count("|", ls, c.start)), []).append(i)
        if not _OUTCOME_LINE_RE.fullmatch(text, ls, le):
            last_line_end = -2
            continue
        if runs and ls == last_line_end + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
        last_line_end = le
    return [(r, True) for r in runs if len(r) >= 3] + [
        (g, False) for g in columns.values() if len(g) >= 2]


def _clean_issuer(raw: str | None) -> str | None:
    if not raw:
        return None
    words = raw.strip().split()
    while words and words[0].lower() in _STOP_ISSUER:
        words = words[1:]
    if not words:
        return None
    return " ".join(words).strip(" ,;:'\"")


def _clean_prop(raw: str | None) -> str | None:
    if not raw:
        return None
    prop = raw.strip(" ,;:—–-")
    return prop or None


def _parse_prob(raw: str) -> float | None:
    """'62%' -> 0.62, '0.62' -> 0.62; None outside 0..1."""
    raw = raw.strip()
    if raw.endswith("%") or raw.lower().endswith("cent"):  # percent, per cent
        v = float(re.sub(r"[^\d.]", "", raw)) / 100.0
    else:
        v = float(raw)
    return v if 0.0 <= v <= 1.0 else None


def _subject(prefix: str) -> str | None:
    """The subject words right before a probability verb ('Forecaster Dana Ruiz')."""
    clause = re.split(r"[.;:!?,—–()]\s*", prefix)[-1].strip(" \"'“”")
    prev = None
    while prev != clause:
        prev = clause
        clause = _SUBJ_TRAIL_RE.sub("", clause).strip(" \"'“”")
    words = clause.split()
    if not words or len(words) > 5:
        return None
    if words[0].lower() in _SELF_FORMS or words[0].lower() in ("our", "my") \
            or words[-1].lower() in _SELF_FORMS:
        # "After the release we lowered it to 0.4"; "I'd give it": the byline's person
        singular = words[0].lower() in _SINGULAR_SELF or words[-1].lower() in _SINGULAR_SELF
        return "I" if singular else "we"
    first = words[0].lower()
    if first in ("there's", "there’s", "there", "it's", "it’s", "maybe", "perhaps", "yes", "no") \
            or first[:1].isdigit():
        return None  # "YES finished Friday at 62¢", "1 Pro" (of "Gemini 3.1 Pro") name no one
    if words[0][0].islower() and first not in ("community", "crowd", "market", "markets",
                                               "forecasters", "median") \
            and (len(words) == 1 or first not in ("the", "top")):
        return None
    return " ".join(words)


_COND_QUESTION_RE = re.compile(
    r"\bconditional\b|^\W*(?:Q\d+\W+)?(?:if|given|assuming|suppose)\b", re.I)


def answers_conditional_question(text: str, start: int) -> bool:
    """"Q4 (conditional). If a US lab releases ..., does Q1 resolve yes?" then, on its
    own line, "Median: 0.44.": the value answers a conditional question."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False  # not a label line of its own
    above = text[:line_start].rstrip().rsplit("\n", 1)[-1]
    return above.rstrip().endswith("?") and bool(_COND_QUESTION_RE.search(above))


class ForecastFinder:
    """Regex forecasts per sentence; 'we'/'us' resolve to the document's named forecaster."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.patterns = forecast_patterns()
        # the learned pass (learned.py); None = rules alone (how training sees them)
        self.model = load_model("forecast")

    def _extra(self, doc: Doc, stext: str, a: int, b: int, drafts: list[ForecastDraft],
               kinds: tuple[str, ...] = (),
               rules: tuple[tuple[str, re.Pattern[str]], ...] = EXTRA_RULES) -> None:
        """The looser phrasings (EXTRA_RULES, only in documents that talk forecasts; the
        bracketed confidence anywhere)."""
        models = [(m.start - a, m.end - a) for m in doc._.gw_models or [] if a <= m.start < b]
        named = NAMED_FORECASTER_RE.search(stext)
        market = MARKET_RE.search(stext)
        for kind, rx in rules:
            if kinds and kind not in kinds:
                continue
            for m in rx.finditer(stext):
                if kind == "frac":
                    num, den = small_number(m.group("num")), small_number(m.group("den"))
                    if not num or not den or num > den:
                        continue
                    value: float | None = num / den
                    ps, pe = m.span("num")[0], m.span("den")[1]
                elif kind == "cents":
                    ps, pe = m.span("p")
                    value = float(m.group("p")) / 100.0
                else:
                    ps, pe = m.span("p")
                    value = _parse_prob(m.group("p"))
                if value is None:
                    continue
                if any(d.prob_start < a + pe and a + ps < d.prob_end for d in drafts):
                    continue
                prefix = stext[:m.start()]
                clause = clause_start(prefix)
                if kind in ("at", "gives"):
                    if any(clause <= ms < m.start() for ms, _ in models):
                        continue  # "GLM-5.3 is at 58%": a score, not a forecast
                    if kind == "at" and _SCORE_AFTER_RE.match(stext, pe):
                        continue
                if kind in ("at", "move") and any(
                        _FOR_MODEL_AFTER_RE.fullmatch(stext, pe, ms) for ms, _ in models):
                    continue  # "recall fell to 71% for Kimi K3": a measurement of a model
                if kind in ("number", "bracketed"):
                    issuer: str | None = "we"
                elif named:
                    issuer = named.group("name")
                elif market and kind in ("cents", "odds", "frac", "at"):
                    issuer = market.group("name")  # "On Polymarket, the contract trades at"
                elif kind in ("odds",):
                    issuer = None
                else:
                    issuer = _subject(prefix)
                if kind in ("at",) and issuer is None:
                    continue
                cond = is_conditional(stext, ps, pe) or (
                    kind == "odds" and answers_conditional_question(doc._.gw_text, a))
                drafts.append(ForecastDraft(issuer, value, cond, None, a, b, a + ps, a + pe,
                                            True))
                p0 = m.groupdict().get("p0")
                paren = PAREN_PREVIOUS_RE.match(stext, m.end())
                if paren and not p0:
                    a0, b0 = paren.span("p")
                    v0 = _parse_prob(paren.group("p"))
                    if v0 is not None:
                        drafts.append(ForecastDraft(issuer, v0, False, None, a, b, a + a0,
                                                    a + b0, True))
                elif p0:
                    a0, b0 = m.span("p0")
                    drafts.append(ForecastDraft(issuer, float(p0) / 100.0, False, None, a, b,
                                                a + a0, a + b0, True))
                elif not cond:
                    prev = _ANY_PREVIOUS_RE.search(stext, pe)
                    if prev:
                        g = "p" if prev.group("p") else "q"
                        a0, b0 = prev.span(g)
                        if not any(d.prob_start <= a + a0 < d.prob_end for d in drafts):
                            drafts.append(ForecastDraft(issuer, float(prev.group(g)) / 100.0,
                                                        False, None, a, b, a + a0, a + b0,
                                                        True))

    @staticmethod
    def _also(stext: str, a: int, b: int, drafts: list[ForecastDraft]) -> None:
        """'55% to the base case and 20% to a bear case': the second share of belief."""
        mine = [d for d in drafts if d.start == a]
        if not mine:
            return
        for m in AND_ALSO_RE.finditer(stext):
            ps, pe = m.span("p")
            if any(d.prob_start < a + pe and a + ps < d.prob_end for d in drafts):
                continue
            value = _parse_prob(m.group("p"))
            if value is None:
                continue
            drafts.append(ForecastDraft(mine[0].issuer, value, False, None, a, b, a + ps,
                                        a + pe, True))

    def _level_issuer(self, phrase: str | None, mid: str) -> str | None:
        """'The community forecast' -> itself; 'Our forecast, published by X' -> X."""
        pub = PUBLISHED_BY_RE.search(mid)
        if pub:
            return re.sub(r"\s+(?:team|desk|group)$", "", pub.group("name"))
        if not phrase:
            return None
        words = phrase.split()
        if words[0].lower() in self.patterns.self_words or words[0].lower() in ("my", "their"):
            return "I" if words[0].lower() in _SINGULAR_SELF else "we"
        if len(words) == 1:
            return "we"  # "The forecast stands at ...": the document's own
        return phrase

    @staticmethod
    def _resolve_self(named: list[tuple[int, str]], at: int, market: str | None
                      ) -> str | None:
        """Nearest earlier named issuer, else the document's one market, else None: the
        document's own forecast, which storage attributes to its publisher. An
        organization the text merely mentions (a lab, a data source) is not a guess worth
        making."""
        before = [n for pos, n in named if pos <= at]
        if before:
            return before[-1]
        if named:
            return named[0][1]
        return market

    def _general(self, doc: Doc, text: str, forecasty: bool,
                 mentions: list[tuple[int, int]], drafts: list[ForecastDraft],
                 american: bool = False, fractional: bool = False) -> None:
        """Third pass: any probability expression in a forecasting frame (general.py); on
        a board quoting American or fractional odds also its table rows and lines
        ("| Kimi K3.5 | +300 |", "Kimi K3 or successor ........ 5/1")."""
        for sent in doc._.gw_sentences or []:
            if not (sent.kind == SENTENCE or american or fractional) or not CANDIDATE_RE.search(
                    text, sent.start, sent.end):
                continue
            a, b = sent.frame_start, sent.end
            stext = text[a:b]
            spans = [(s - a, e - a) for s, e in mentions if a <= s < b]
            hits = stated_odds(stext, forecasty, american, fractional)
            if sent.kind == SENTENCE:
                hits = find_probabilities(stext, forecasty, spans) + hits
            if not hits:
                continue
            for hit in hits:
                self._add_hit(text, a, b, hit, drafts)

    @staticmethod
    def _add_hit(text: str, a: int, b: int, hit: ProbHit, drafts: list[ForecastDraft],
                 outcome: bool = False) -> None:
        """A draft for ``hit`` unless its number is taken or restated; the issuer is a
        named forecaster, else a market, else the subject, else the line's speaker. The
        label of a market's ``outcome`` line ("DeepSeek  24%") is what is priced, not who."""
        if any(d.prob_start < a + hit.end and a + hit.start < d.prob_end for d in drafts):
            return
        stext = text[a:b]
        named = NAMED_FORECASTER_RE.search(stext)
        market = MARKET_RE.search(stext)
        issuer: str | None
        if named:
            issuer = named.group("name")
        elif market:
            issuer = market.group("name")
        else:
            issuer = None if outcome else name_like(_subject(stext[:hit.start]))
        if issuer in (None, "we", "I") and not outcome:
            issuer = speaker(text, a) or issuer
        if hit.kind not in ("even", "frac") and any(
                abs(d.probability - hit.value) < 1e-6 and d.conditional == hit.conditional
                and _restates(d.issuer, issuer) for d in drafts):
            return  # the same number restated ("Community Prediction: 38%"), not another
            # speaker's equal number ("One in five", then "four-to-one against")
        drafts.append(ForecastDraft(issuer, round(hit.value, 4), hit.conditional, None, a, b,
                                    a + hit.start, a + hit.end))

    def _learned(self, doc: Doc, text: str, forecasty: bool,
                 mentions: list[tuple[int, int]], drafts: list[ForecastDraft]) -> None:
        """Fourth pass: numbers the rules left, kept when the classifier says forecast."""
        if self.model is None:
            return
        prev: Candidate | None = None
        prev_yes = False
        decided: list[tuple[Candidate, bool, bool]] = []  # candidate, yes, taken
        for c in candidates(text, doc._.gw_sentences or [], forecasty):
            taken = any(d.prob_start < c.end and c.start < d.prob_end for d in drafts)
            pair = bracketed_after(text, prev, c)
            if taken:
                yes = True
            elif not pair and follows_from(text, prev, c):
                yes = prev_yes  # "22% of traffic, up from 15%": as its newer value goes
            else:
                feats = features(text, c, mentions, forecasty)
                yes = not vetoed(feats) and forecast_probability(
                    self.model, feats) >= self.model.threshold
            if pair and (yes or prev_yes) and prev is not None:
                yes = prev_yes = True  # "74% [70%]": the pair goes together
                decided[-1] = (prev, True, decided[-1][2])
            decided.append((c, yes, taken))
            prev, prev_yes = c, yes
        outcomes: set[int] = set()
        for group, is_list in sibling_groups(text, [c for c, _, _ in decided]):
            votes = [decided[i][1] for i in group]
            priced = is_list and _PRICE_HEADER_RE.search(_line_above(text, decided[group[0]][0]))
            if priced or 2 * sum(votes) >= len(votes):  # "DeepSeek · 41%": an outcome
                for i in group:
                    decided[i] = (decided[i][0], True, decided[i][2])
                if is_list:
                    outcomes.update(group)
        for i, (c, yes, taken) in enumerate(decided):
            if yes and not taken:
                self._add_hit(text, c.sent_start, c.sent_end, hit_of(c, text), drafts,
                              outcome=i in outcomes)

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.gw_text
        drafts: list[ForecastDraft] = []
        signal: DocumentSignal = document_signal(text)
        forecasty = signal.forecasty
        self._author = document_author(text)
        for sent in doc._.gw_sentences or []:
            if sent.kind != SENTENCE:
                continue
            stext = text[sent.start:sent.end]
            if "%" not in stext and "cent" not in stext:  # percent, per cent
                continue
            taken: list[tuple[int, int]] = []
            for kind, rx in self.patterns.rules:
                for m in rx.finditer(stext):
                    ps, pe = m.span("p")
                    if any(a <= ps < b for a, b in taken) or any(
                            d.prob_start <= sent.start + ps < d.prob_end for d in drafts):
                        continue
                    value = float(m.group("p"))
                    if not 0 <= value <= 100 or SHARE_AFTER_RE.match(stext, pe):
                        continue
                    groups = m.groupdict()
                    issuer = _clean_issuer(groups.get("issuer") or groups.get("self")) \
                        if kind != "conditional" \
                        else "we"
                    prop = _clean_prop(groups.get("prop"))
                    if kind == "put" and (prop and re.search(r"\d", prop[:3])
                                          or _PUT_SCORE_RE.match(stext, pe)):
                        continue
                    if kind == "level":
                        issuer = self._level_issuer(issuer, groups.get("mid") or "")
                        if groups.get("p0"):
                            a0, b0 = m.span("p0")
                            taken.append((a0, b0))
                            drafts.append(ForecastDraft(
                                issuer, float(groups["p0"]) / 100.0, False, None, sent.start,
                                sent.end, sent.start + a0, sent.start + b0))
                    taken.append((ps, pe))
                    drafts.append(ForecastDraft(
                        issuer, value / 100.0,
                        kind == "conditional" or is_conditional(stext, ps, pe), prop,
                        sent.start,
                        sent.end, sent.start + ps, sent.start + pe))
                    if kind != "conditional":
                        prev = PREVIOUS_RE.search(stext, pe)
                        if prev and prev.start() - pe < 12:
                            a0, b0 = prev.span("p")
                            taken.append((a0, b0))
                            drafts.append(ForecastDraft(
                                issuer, float(prev.group("p")) / 100.0, False, prop,
                                sent.start, sent.end, sent.start + a0, sent.start + b0))
        for sent in doc._.gw_sentences or []:  # "**Proposition.** [45%]" in any document
            if sent.kind in (SENTENCE, HEADING) and BRACKETED_PCT_RE.search(
                    text, sent.start, sent.end):
                self._extra(doc, text[sent.start:sent.end], sent.start, sent.end, drafts,
                            rules=(BRACKETED_RULE,))
        if forecasty:  # second pass: the formulaic rules above take precedence
            for sent in doc._.gw_sentences or []:
                if not _HAS_NUMBER_RE.search(text, sent.start, sent.end):
                    continue  # every extra phrasing states a number (digits or words)
                if sent.kind == SENTENCE:
                    self._extra(doc, text[sent.start:sent.end], sent.start, sent.end, drafts)
                elif sent.kind == HEADING:  # "Current aggregate: 0.62 (previous: 0.49)"
                    self._extra(doc, text[sent.start:sent.end], sent.start, sent.end, drafts,
                                kinds=("odds",))
                if sent.kind == SENTENCE:
                    self._also(text[sent.start:sent.end], sent.start, sent.end, drafts)
        # the general and learned passes read the same mentions and document signal
        mentions = [(m.start, m.end) for m in (doc._.gw_models or [])] + [
            (b.start, b.end) for b in (doc._.gw_benchmarks or [])]
        self._general(doc, text, signal.signalled, mentions, drafts, signal.american_odds,
                      signal.fractional_odds)
        self._learned(doc, text, signal.predictions, mentions, drafts)
        markets = {m.group("name") for m in MARKET_RE.finditer(text)}
        market = markets.pop() if len(markets) == 1 else None
        named: list[tuple[int, str]] = []
        for d in drafts:
            if d.issuer and d.issuer.lower() not in self.patterns.self_words:
                named.append((d.start, d.issuer))
        first = named[0][1] if named else None
        byline = self._author.person or self._author.org
        found = turns(text) if drafts else []
        for d in drafts:
            said_by = speaker_at(found, d.prob_start) if d.issuer is None or (
                d.issuer.lower() in self.patterns.self_words) else None
            if said_by:  # "aleph_null · 3 days ago" / "I'm at 22%."; "BEN: I'll say 8%."
                d.issuer = said_by
            elif d.issuer is None and first is not None and d.notes_extra and not byline:
                d.issuer = first
            elif d.issuer is None or d.issuer.lower() in self.patterns.self_words:
                d.issuer = self._author.issuer_for(d.issuer) or self._resolve_self(
                    named, d.start, market)
        full = {t.speaker.split()[0].lower(): t.speaker for t in found if " " in t.speaker}
        for d in drafts:  # "Ben" (the turn's label) -> "Ben Adeyemi-Cho" (the hosts' line)
            if d.issuer and " " not in d.issuer and d.issuer.lower() in full:
                d.issuer = full[d.issuer.lower()]
        drafts.sort(key=lambda d: (d.start, d.prob_start))
        doc._.gw_forecasts = drafts
        return doc
