"""Claim component: picks claim sentences, tags dimensions, models and benchmarks.

Hedge, stance and speaker are separate qualifier components that fill in the
ClaimDraft records this component writes to doc._.gw_claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from ..learned.dimensions import decide_dimensions
from ..learned.features import dimension_context, dimension_features, document_dimensions
from ..learned.linear import load_model
from ..qualifiers.stance.patterns import stance_patterns
from ..registry import load_registry
from ..sentences import SENTENCE, Sentence
from .learned import CONTEXT, SentenceInfo, claim_features, topic_flags
from .patterns import claim_patterns

_WORD_RE = re.compile(r"[A-Za-z0-9][\w'’-]*")
_CITE_RE = re.compile(r"(?:\[\d{1,3}(?:[,–-]\s?\d{1,3})*\])+$")
_END = tuple(".!?…\"'”’)]")

# the label of a forecasting question, call, market or bet at the start of a line ("Q1.",
# "Question 4:", "Call 2:", "Market 3)"); the segmenter may split it off as its own sentence
_QUESTION_LABEL_RE = re.compile(r"\s*(?:[-*•]\s*)?(?:\*\*)?(?:Q\d{1,2}|(?:Question|Call|Market|Bet)"
                                r"\s+\d+)\b(?:\s*\([^)]{0,40}\))?\s*[.:)](?:\*\*)?(?=\s)", re.I)
# ... unless the line goes on to give its probability ("Q4 (new). If ..., the probability
# that ...: 0.4."): then it states a forecast
# (a percentage alone is the proposition's threshold: "Call 3: open models pass 25% ...")
_PROBABILITY_RE = re.compile(r"\b(?:probability|chance|odds|likely)\b|(?<![\d.])0?\.\d+\b", re.I)


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
    keyword_hits: dict[str, int] = field(default_factory=dict)
    hedged: bool = False
    stance: str = "neutral"
    stance_confidence: float | None = None
    speaker: str | None = None
    notes: dict[str, object] = field(default_factory=dict)


def _dominant(drafts: list[ClaimDraft]) -> str:
    """The document's most frequent evidenced dimension: a bare sentence in a piece
    about pricing is about pricing. 'overall' when the document gives no evidence."""
    counts: dict[str, int] = {}
    for d in drafts:
        for name in d.dimensions:
            if name:
                counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "overall"


class ClaimFinder:
    """Rule-based claim detection over the segmented sentences."""

    def __init__(self, nlp: Language, name: str, registry_dir: str | None = None) -> None:
        self.name = name
        self.p = claim_patterns()
        reg = load_registry(registry_dir)
        self.bench_dim = {b.id: b.dimension for b in reg.benchmarks if b.dimension}
        sp = stance_patterns()
        self.evaluative = re.compile("|".join(
            rx.pattern for rx in (sp.convergence, sp.divergence)), re.I)
        # the learned filter (learned.py) and the dimension model (learned/dimensions.py);
        # None = the rules alone (how training sees them)
        self.model = load_model("claim")
        self.dim_model = load_model("dimensions")

    @staticmethod
    def _proposition(text: str, start: int, stext: str) -> bool:
        """A forecasting question's proposition under its label ("Q1. An open model comes
        within 3 points ..."), whether or not the label was split off: not a claim, unless
        the line goes on to give its probability."""
        line_start = text.rfind("\n", 0, start) + 1
        m = _QUESTION_LABEL_RE.match(text, line_start)
        if m is None or (start > line_start and text[m.end():start].strip()):
            return False
        return not _PROBABILITY_RE.search(stext)

    def is_claim(self, sent: Sentence, stext: str, has_signal: bool,
                 keyword_hits: dict[str, int]) -> bool:
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
        if s.count("|") >= 2:  # a table row that escaped the segmenter
            return False
        bare = _CITE_RE.sub("", s).rstrip()
        if not bare.endswith(_END) and not (sent.bullet and len(_WORD_RE.findall(s)) >= 10) \
                and not (s[:1].islower() and len(_WORD_RE.findall(s)) >= 7):
            return False  # titles carry no final punctuation; forum lines often lack it too
        if has_signal or self.p.claim_cues.search(s):
            return True
        # short evaluative sentences ("The price is subsidised.") are claims too: any
        # dimension keyword or stance cue counts as topical evidence
        return bool(self.dimension_hits(s, keyword_hits, []) or self.evaluative.search(s))

    def dimension_hits(self, stext: str, keyword_hits: dict[str, int], benchmarks: list[str]
                       ) -> dict[str, int]:
        """Dimension -> keyword hits; benchmark dimensions count unless the sentence is
        about evaluation itself (a benchmark named as the object of critique); weak
        keywords only when nothing else matched. Empty when there is no evidence."""
        hits = dict(keyword_hits)
        if "evaluation" not in hits:
            for b in benchmarks:
                d = self.bench_dim.get(b)
                if d:
                    hits[d] = hits.get(d, 0) + 1
        if not hits:
            for name, rx in self.p.weak_dimensions:
                n = len(rx.findall(stext))
                if n:
                    hits[name] = n
        return hits

    def dimensions(self, stext: str, keyword_hits: dict[str, int], benchmarks: list[str],
                   fallback: str = "overall") -> list[str]:
        """Most-hit dimensions first, capped; ``fallback`` when there is no evidence."""
        hits = self.dimension_hits(stext, keyword_hits, benchmarks)
        if not hits:
            return [fallback]
        ranked = sorted(hits, key=lambda k: -hits[k])
        return ranked[:self.p.max_labels]

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.gw_text
        models = doc._.gw_models or []
        benches = doc._.gw_benchmarks or []
        figures = doc._.gw_figures or []
        drafts: list[ClaimDraft] = []
        sents = doc._.gw_sentences or []
        topical = topic_flags(text, [(s.start, s.end) for s in sents], self.p.topic_words,
                              [m.start for m in models] + [m.start for m in benches]) \
            if self.p.topic_words is not None else [True] * len(sents)
        body = [t for s, t in zip(sents, topical, strict=True) if s.kind == SENTENCE]
        doc_topical = sum(body) / len(body) if body else 0.0
        # the filter reads a sentence's surroundings: a snippet of a few sentences has none
        filtering = self.model is not None and len(body) > 2 * CONTEXT
        non = self.model.labels.index("non_claim") if self.model is not None else 0
        mi = bi = fi = 0
        line_hits: list[dict[str, int]] = []  # every line's, for document_dimensions
        for idx, sent in enumerate(sents):
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
            kw = self.p.keyword_hits(stext)
            line_hits.append(kw)
            if not self.is_claim(sent, stext, bool(s_models or s_benches or has_fig), kw):
                continue
            if self._proposition(text, a, stext):
                continue
            draft = ClaimDraft(
                a, b, stext, self.dimensions(stext, kw, s_benches, ""),
                list(dict.fromkeys(s_models)), list(dict.fromkeys(s_benches)), has_fig, kw)
            tags = [(m.start - a, m.end - a, "<model>") for m in models[mi:mi + 50]
                    if a <= m.start < b]
            tags += [(m.start - a, m.end - a, "<bench>") for m in benches[bi:bi + 50]
                     if a <= m.start < b]
            info = SentenceInfo(tags, has_fig, topical[idx])
            near = sum(topical[max(0, idx - CONTEXT):idx]) + sum(topical[idx + 1:idx + 1 + CONTEXT])
            feats = claim_features(stext, info, near, doc_topical, {
                "claim_cue": bool(self.p.claim_cues.search(stext)),
                "dims": draft.dimensions != [""], "eval": bool(self.evaluative.search(stext)),
                "model": bool(s_models), "bench": bool(s_benches)})
            draft.notes["filter_features"] = feats
            if filtering and self.model.probabilities(feats)[non] >= self.model.threshold:
                continue
            drafts.append(draft)
        fallback = _dominant(drafts)
        for d in drafts:
            if d.dimensions == [""]:
                d.dimensions = [fallback]
        context = dimension_context([set(d.keyword_hits) | set(d.dimensions) for d in drafts],
                                    [d.text for d in drafts])
        whole = document_dimensions(text, line_hits) \
            if self.dim_model is not None and drafts else {}
        for d, ctx in zip(drafts, context, strict=True):
            if self.dim_model is not None:
                feats = dimension_features(d.text, [self.bench_dim[b] for b in d.benchmarks
                                                    if b in self.bench_dim], d.dimensions,
                                           d.keyword_hits)
                feats.update(ctx)
                feats.update(whole)
                prob = dict(zip(self.dim_model.labels, self.dim_model.probabilities(feats),
                                strict=True))
                d.dimensions = decide_dimensions(prob, self.dim_model.threshold)
        doc._.gw_claims = drafts
        return doc
