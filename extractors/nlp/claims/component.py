"""Claim component: picks claim sentences, tags dimensions, models and benchmarks.

Hedge, stance and speaker are separate qualifier components that fill in the
ClaimDraft records this component writes to doc._.gw_claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from ..registry import load_registry
from ..sentences import SENTENCE, Sentence
from .patterns import claim_patterns

_WORD_RE = re.compile(r"[A-Za-z0-9][\w'’-]*")


@dataclass(slots=True)
class ClaimDraft:
    """A claim under construction; the qualifiers fill hedged, stance and speaker."""

    start: int
    end: int
    text: str
    dimensions: list[str]
    models: list[str]
    benchmarks: list[str]
    has_figure: bool
    hedged: bool = False
    stance: str = "neutral"
    speaker: str | None = None
    notes: dict[str, object] = field(default_factory=dict)


class ClaimFinder:
    """Rule-based claim detection over the segmented sentences."""

    def __init__(self, nlp: Language, name: str, registry_dir: str | None = None) -> None:
        self.name = name
        self.p = claim_patterns()
        reg = load_registry(registry_dir)
        self.bench_dim = {b.id: b.dimension for b in reg.benchmarks if b.dimension}

    def is_claim(self, sent: Sentence, stext: str, has_signal: bool) -> bool:
        """Declarative, long enough, not meta/navigation, and about the topic."""
        if sent.kind != SENTENCE:
            return False
        s = stext.strip()
        if s.rstrip("\"'”’)").endswith("?"):
            return False
        if len(_WORD_RE.findall(s)) < self.p.min_words:
            return False
        if any(rx.match(s) for rx in self.p.non_claims):
            return False
        return has_signal or bool(self.p.claim_cues.search(s))

    def dimensions(self, stext: str, benchmarks: list[str]) -> list[str]:
        dims = [name for name, rx in self.p.dimensions if rx.search(stext)]
        for b in benchmarks:
            d = self.bench_dim.get(b)
            if d and d not in dims:
                dims.append(d)
        return dims or ["overall"]

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.gw_text
        models = doc._.gw_models or []
        benches = doc._.gw_benchmarks or []
        figures = doc._.gw_figures or []
        drafts: list[ClaimDraft] = []
        mi = bi = fi = 0
        for sent in doc._.gw_sentences or []:
            a, b = sent.start, sent.end
            while mi < len(models) and models[mi].end <= a:
                mi += 1
            while bi < len(benches) and benches[bi].end <= a:
                bi += 1
            while fi < len(figures) and figures[fi].end <= a:
                fi += 1
            s_models = [m.canonical for m in models[mi:mi + 50] if a <= m.start < b]
            s_benches = [m.canonical for m in benches[bi:bi + 50] if a <= m.start < b]
            has_fig = any(a <= f.start < b for f in figures[fi:fi + 50])
            stext = text[a:b]
            if not self.is_claim(sent, stext, bool(s_models or s_benches or has_fig)):
                continue
            drafts.append(ClaimDraft(
                a, b, stext, self.dimensions(stext, s_benches),
                list(dict.fromkeys(s_models)), list(dict.fromkeys(s_benches)), has_fig))
        doc._.gw_claims = drafts
        return doc
