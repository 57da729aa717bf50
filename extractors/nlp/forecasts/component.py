"""Forecast component: writes doc._.gw_forecasts (ForecastDraft records)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ..sentences import SENTENCE
from .patterns import PREVIOUS_RE, PUBLISHED_BY_RE, forecast_patterns

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


class ForecastFinder:
    """Regex forecasts per sentence; 'we'/'us' resolve to the document's named forecaster."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.patterns = forecast_patterns()

    def _level_issuer(self, phrase: str | None, mid: str) -> str | None:
        """'The community forecast' -> itself; 'Our forecast, published by X' -> X."""
        pub = PUBLISHED_BY_RE.search(mid)
        if pub:
            return re.sub(r"\s+(?:team|desk|group)$", "", pub.group("name"))
        if not phrase:
            return None
        words = phrase.split()
        if words[0].lower() in self.patterns.self_words or words[0].lower() in ("my", "their"):
            return "we"
        if len(words) == 1:
            return "we"  # "The forecast stands at ...": the document's own
        return phrase

    def _resolve_self(self, doc: Doc, named: list[tuple[int, str]], at: int) -> str | None:
        """Nearest earlier named issuer, else the nearest organization mention."""
        before = [n for pos, n in named if pos <= at]
        if before:
            return before[-1]
        if named:
            return named[0][1]
        orgs = doc._.gw_orgs or []
        if not orgs:
            return None
        best = min(orgs, key=lambda o: abs(o.start - at))
        return best.name

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.gw_text
        drafts: list[ForecastDraft] = []
        for sent in doc._.gw_sentences or []:
            if sent.kind != SENTENCE:
                continue
            stext = text[sent.start:sent.end]
            if "%" not in stext and "percent" not in stext:
                continue
            taken: list[tuple[int, int]] = []
            for kind, rx in self.patterns.rules:
                for m in rx.finditer(stext):
                    ps, pe = m.span("p")
                    if any(a <= ps < b for a, b in taken):
                        continue
                    value = float(m.group("p"))
                    if not 0 <= value <= 100:
                        continue
                    groups = m.groupdict()
                    issuer = _clean_issuer(groups.get("issuer")) if kind != "conditional" \
                        else "we"
                    prop = _clean_prop(groups.get("prop"))
                    if kind == "put" and prop and re.search(r"\d", prop[:3]):
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
                        issuer, value / 100.0, kind == "conditional", prop, sent.start,
                        sent.end, sent.start + ps, sent.start + pe))
                    if kind != "conditional":
                        prev = PREVIOUS_RE.search(stext, pe)
                        if prev and prev.start() - pe < 12:
                            a0, b0 = prev.span("p")
                            taken.append((a0, b0))
                            drafts.append(ForecastDraft(
                                issuer, float(prev.group("p")) / 100.0, False, prop,
                                sent.start, sent.end, sent.start + a0, sent.start + b0))
        named: list[tuple[int, str]] = []
        for d in drafts:
            if d.issuer and d.issuer.lower() not in self.patterns.self_words:
                named.append((d.start, d.issuer))
        for d in drafts:
            if d.issuer is None or d.issuer.lower() in self.patterns.self_words:
                d.issuer = self._resolve_self(doc, named, d.start)
        doc._.gw_forecasts = drafts
        return doc
