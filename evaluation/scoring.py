"""Pure scoring: gold annotations + extractor output dicts -> metrics.

Why pure (no I/O, no extractor import): the rules of ../shared/GOLD_FORMAT.md are the
thing under test here, so they must be checkable on tiny hand-made inputs whose right
answers are known. The output side is the `gapwatch extract --json` contract dict
(`Extraction.to_dict()`), read leniently: missing lists count as empty.

Matching rules (see evaluation/README.md for the full definitions):
- names: lower-case, keep only a-z0-9; a gold entity matches an output mention when
  one of its surface forms equals the mention or the canonical id.
- figures: equal value (1e-6) and, for each link gold names, the output figure tied to
  a model/benchmark whose name equals or contains (or is contained in) a gold form;
  greedy one-to-one within a document.
- claims: the output claim covering >= 60% of the gold sentence's words while >= 30% of
  its own words are in the gold sentence; the best such overlap wins.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evaluation.gold import GoldClaim, GoldDoc, GoldFigure, GoldForecast
from models.taxonomy import DIMENSIONS, STANCES

VALUE_TOL = 1e-6
PROB_TOL = 0.005
COVER_MIN = 0.60  # share of the gold sentence's words the output claim must cover
OWN_MIN = 0.30  # share of the output claim's words that must be in the gold sentence
_EPS = 1e-9  # so that exactly 60% / 30% / 0.005 count as inside the boundary

_NAME_RE = re.compile(r"[^a-z0-9]")
_WORD_RE = re.compile(r"\w+")


def norm_name(name: str | None) -> str:
    """The scorer's name comparison key: lower-case, keep only a-z and 0-9."""
    return _NAME_RE.sub("", (name or "").lower())


def words(text: str) -> set[str]:
    """Lower-case \\w+ tokens as a set (overlap is set-based, not multiset)."""
    return set(_WORD_RE.findall(text.lower()))


def claim_overlap(gold_text: str, out_text: str) -> tuple[float, float]:
    """(coverage of the gold sentence, share of the output claim's words in the gold)."""
    g, o = words(gold_text), words(out_text)
    if not g or not o:
        return 0.0, 0.0
    inter = len(g & o)
    return inter / len(g), inter / len(o)


def claim_matches(gold_text: str, out_text: str) -> bool:
    cover, own = claim_overlap(gold_text, out_text)
    return cover + _EPS >= COVER_MIN and own + _EPS >= OWN_MIN


def best_claim(gold_text: str, claims: Sequence[Mapping[str, Any]]) -> int | None:
    """Index of the qualifying output claim with the best overlap (harmonic mean of
    coverage and own-share, so a tight match beats a paragraph that merely contains it)."""
    best: tuple[float, int] | None = None
    for i, c in enumerate(claims):
        cover, own = claim_overlap(gold_text, str(c.get("text") or ""))
        if cover + _EPS < COVER_MIN or own + _EPS < OWN_MIN:
            continue
        score = 2 * cover * own / (cover + own)
        if best is None or score > best[0]:
            best = (score, i)
    return None if best is None else best[1]


def _safe_div(num: float, den: float) -> float | None:
    return num / den if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(slots=True)
class Tally:
    """Counts behind a precision/recall pair. Recall counts gold items matched, precision
    counts output items matched: for entities these differ (mentions vs entries)."""

    gold: int = 0
    gold_hit: int = 0
    out: int = 0
    out_hit: int = 0

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.gold_hit += other.gold_hit
        self.out += other.out
        self.out_hit += other.out_hit

    @property
    def precision(self) -> float | None:
        return _safe_div(self.out_hit, self.out)

    @property
    def recall(self) -> float | None:
        return _safe_div(self.gold_hit, self.gold)

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    def as_dict(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "gold": self.gold, "gold_matched": self.gold_hit,
                "output": self.out, "output_matched": self.out_hit}


@dataclass(slots=True)
class DocScore:
    """Everything counted for one document; corpus metrics are sums of these."""

    doc: str
    models: Tally = field(default_factory=Tally)
    benchmarks: Tally = field(default_factory=Tally)
    figures: Tally = field(default_factory=Tally)
    figure_values: Tally = field(default_factory=Tally)  # links ignored
    claims: Tally = field(default_factory=Tally)  # out/out_hit unused: gold is not exhaustive
    non_claims: int = 0
    non_claim_fp: int = 0
    dims: dict[str, Counter[str]] = field(default_factory=dict)  # dim -> tp/fp/fn
    stance: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted)
    # (the output's stance_confidence, stance right?) of matched pairs that carry one
    stance_confidence: list[tuple[float, bool]] = field(default_factory=list)
    hedge_pairs: int = 0
    hedge_correct: int = 0
    forecasts: Tally = field(default_factory=Tally)
    issuer_correct: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)

    def err(self, kind: str, message: str) -> None:
        self.errors.setdefault(kind, []).append(f"{self.doc}: {message}")


# ---------------------------------------------------------------- entities


def _entity_tally(gold: Sequence[Sequence[str]], mentions: Sequence[Mapping[str, Any]],
                  ds: DocScore, kind: str) -> Tally:
    """Distinct entities per doc: gold entries hit by any output mention (recall) and
    output canonical ids (mentions grouped) that hit any gold entry (precision)."""
    groups: dict[str, set[str]] = {}
    for m in mentions:
        canon = str(m.get("canonical") or m.get("mention") or "")
        names = groups.setdefault(canon, set())
        names.update(n for n in (norm_name(canon), norm_name(m.get("mention"))) if n)
    out_names = set().union(*groups.values()) if groups else set()
    gold_forms = [{n for n in map(norm_name, entry) if n} for entry in gold]
    all_gold = set().union(*gold_forms) if gold_forms else set()
    t = Tally(gold=len(gold), out=len(groups))
    for entry, forms in zip(gold, gold_forms, strict=True):
        if forms & out_names:
            t.gold_hit += 1
        else:
            ds.err(f"missed_{kind}", entry[0])
    for canon, names in groups.items():
        if names & all_gold:
            t.out_hit += 1
        else:
            ds.err(f"spurious_{kind}", canon)
    return t


# ---------------------------------------------------------------- figures


def _contains_either(gold_forms: Iterable[str], out_names: set[str]) -> bool:
    for g in gold_forms:
        ng = norm_name(g)
        if ng and any(ng == o or ng in o or o in ng for o in out_names):
            return True
    return False


def _names_of(canon: Any, mentions: Sequence[Mapping[str, Any]]) -> set[str]:
    """A tied canonical id plus every surface form the output resolved to it."""
    if not canon:
        return set()
    names = {norm_name(str(canon))}
    names.update(norm_name(m.get("mention")) for m in mentions if m.get("canonical") == canon)
    return {n for n in names if n}


def figure_matches(g: GoldFigure, o: Mapping[str, Any], *, links: bool = True,
                   model_mentions: Sequence[Mapping[str, Any]] = (),
                   bench_mentions: Sequence[Mapping[str, Any]] = ()) -> bool:
    """Value equal within 1e-6 and, when `links`, every link gold names is honoured."""
    try:
        value = float(o.get("value"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    if abs(value - g.value) > VALUE_TOL:
        return False
    if not links:
        return True
    if g.model is not None and not _contains_either(
            g.model, _names_of(o.get("model"), model_mentions)):
        return False
    return g.benchmark is None or _contains_either(
        g.benchmark, _names_of(o.get("benchmark"), bench_mentions))


def _squash(s: str) -> str:
    return " ".join(s.split())


def match_figures(gold: Sequence[GoldFigure], out: Sequence[Mapping[str, Any]],
                  ok: Callable[[GoldFigure, Mapping[str, Any]], bool]) -> dict[int, int]:
    """Greedy one-to-one matching, gold index -> output index.

    Gold figures with more links go first (they have fewer candidates), and among the
    candidates an output from the same sentence is preferred, then document order.
    """
    order = sorted(range(len(gold)),
                   key=lambda i: -((gold[i].model is not None) + (gold[i].benchmark is not None)))
    used: set[int] = set()
    pairs: dict[int, int] = {}
    for gi in order:
        g = gold[gi]
        cands = [oi for oi, o in enumerate(out) if oi not in used and ok(g, o)]
        if not cands:
            continue
        same = [oi for oi in cands if _squash(str(out[oi].get("sentence") or ""))
                == _squash(g.sentence)]
        pick = (same or cands)[0]
        used.add(pick)
        pairs[gi] = pick
    return pairs


def _describe_figure(g: GoldFigure) -> str:
    parts = [f"{g.value:g}{g.unit or ''}"]
    if g.model:
        parts.append(f"model={g.model[0]}")
    if g.benchmark:
        parts.append(f"benchmark={g.benchmark[0]}")
    return " ".join(parts) + f" in {g.sentence[:60]!r}"


def _describe_out_figure(o: Mapping[str, Any]) -> str:
    return (f"{o.get('value')}{o.get('unit') or ''} model={o.get('model')} "
            f"benchmark={o.get('benchmark')} in {str(o.get('sentence') or '')[:60]!r}")


# ---------------------------------------------------------------- claims & forecasts


def _score_claims(gold: Sequence[GoldClaim], non_claims: Sequence[str],
                  out: Sequence[Mapping[str, Any]], ds: DocScore) -> None:
    ds.claims.gold = len(gold)
    for g in gold:
        idx = best_claim(g.text, out)
        if idx is None:
            ds.err("missed_claims", g.text[:90])
            continue
        ds.claims.gold_hit += 1
        o = out[idx]
        pred_dims = set(o.get("dimensions") or ())
        gold_dims = set(g.dimensions)
        for d in gold_dims | pred_dims:
            c = ds.dims.setdefault(d, Counter())
            if d in gold_dims and d in pred_dims:
                c["tp"] += 1
            elif d in pred_dims:
                c["fp"] += 1
            else:
                c["fn"] += 1
        if gold_dims != pred_dims:
            ds.err("dimension_errors", f"gold {sorted(gold_dims)} got {sorted(pred_dims)}: "
                                       f"{g.text[:70]!r}")
        pred_stance = str(o.get("stance"))
        ds.stance[(g.stance, pred_stance)] += 1
        conf = o.get("stance_confidence")
        if isinstance(conf, int | float) and not isinstance(conf, bool):
            ds.stance_confidence.append((float(conf), pred_stance == g.stance))
        if pred_stance != g.stance:
            ds.err("stance_errors", f"gold {g.stance} got {pred_stance}: {g.text[:70]!r}")
        ds.hedge_pairs += 1
        if bool(o.get("hedged")) == g.hedged:
            ds.hedge_correct += 1
        else:
            ds.err("hedge_errors", f"gold hedged={g.hedged}: {g.text[:70]!r}")
    ds.non_claims = len(non_claims)
    for nc in non_claims:
        if best_claim(nc, out) is not None:
            ds.non_claim_fp += 1
            ds.err("non_claim_false_positives", nc[:90])


def _issuer_ok(gold: str | None, out: Any) -> bool:
    g, o = norm_name(gold), norm_name(out if isinstance(out, str) else None)
    if not g or not o:
        return g == o
    return g in o or o in g


def _score_forecasts(gold: Sequence[GoldForecast], out: Sequence[Mapping[str, Any]],
                     ds: DocScore) -> None:
    t = Tally(gold=len(gold), out=len(out))
    used: set[int] = set()
    for g in gold:
        cands = []
        for oi, o in enumerate(out):
            try:
                p = float(o.get("probability"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
            if (oi not in used and abs(p - g.probability) <= PROB_TOL + _EPS
                    and bool(o.get("conditional")) == g.conditional):
                cands.append((not _issuer_ok(g.issuer, o.get("issuer")),
                              abs(p - g.probability), oi))
        if not cands:
            ds.err("missed_forecasts", f"{g.issuer} p={g.probability} "
                                       f"conditional={g.conditional}")
            continue
        _, _, oi = min(cands)
        used.add(oi)
        t.gold_hit += 1
        t.out_hit += 1
        if _issuer_ok(g.issuer, out[oi].get("issuer")):
            ds.issuer_correct += 1
        else:
            ds.err("issuer_errors", f"gold {g.issuer!r} got {out[oi].get('issuer')!r}")
    for oi, o in enumerate(out):
        if oi not in used:
            ds.err("spurious_forecasts", f"{o.get('issuer')} p={o.get('probability')} "
                                         f"conditional={o.get('conditional')}")
    ds.forecasts = t


# ---------------------------------------------------------------- documents & corpus


def _list(output: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = output.get(key) or []
    return [x for x in value if isinstance(x, Mapping)]


def score_document(gold: GoldDoc, output: Mapping[str, Any]) -> DocScore:
    """Score one extractor output dict against its gold annotation."""
    ds = DocScore(doc=gold.doc)
    models, benches = _list(output, "models"), _list(output, "benchmarks")
    figures = _list(output, "figures")
    ds.models = _entity_tally(gold.models, models, ds, "models")
    ds.benchmarks = _entity_tally(gold.benchmarks, benches, ds, "benchmarks")

    def linked(g: GoldFigure, o: Mapping[str, Any]) -> bool:
        return figure_matches(g, o, model_mentions=models, bench_mentions=benches)

    pairs = match_figures(gold.figures, figures, linked)
    ds.figures = Tally(gold=len(gold.figures), gold_hit=len(pairs),
                       out=len(figures), out_hit=len(pairs))
    for gi, g in enumerate(gold.figures):
        if gi not in pairs:
            ds.err("missed_figures", _describe_figure(g))
    hit_out = set(pairs.values())
    for oi, o in enumerate(figures):
        if oi not in hit_out:
            ds.err("spurious_figures", _describe_out_figure(o))
    values = match_figures(gold.figures, figures,
                           lambda g, o: figure_matches(g, o, links=False))
    ds.figure_values = Tally(gold=len(gold.figures), gold_hit=len(values),
                             out=len(figures), out_hit=len(values))
    _score_claims(gold.claims, gold.non_claims, _list(output, "claims"), ds)
    _score_forecasts(gold.forecasts, _list(output, "forecasts"), ds)
    return ds


# stance_confidence thresholds the report gives stance accuracy at
CONFIDENCE_STEPS = (0.0, 0.5, 0.6, 0.7, 0.8)


@dataclass(slots=True)
class EvalResult:
    """Corpus-level sums plus the per-document scores they came from."""

    docs: list[DocScore]
    models: Tally = field(default_factory=Tally)
    benchmarks: Tally = field(default_factory=Tally)
    figures: Tally = field(default_factory=Tally)
    figure_values: Tally = field(default_factory=Tally)
    claims: Tally = field(default_factory=Tally)
    non_claims: int = 0
    non_claim_fp: int = 0
    dims: dict[str, Counter[str]] = field(default_factory=dict)
    stance: Counter[tuple[str, str]] = field(default_factory=Counter)
    stance_confidence: list[tuple[float, bool]] = field(default_factory=list)
    hedge_pairs: int = 0
    hedge_correct: int = 0
    forecasts: Tally = field(default_factory=Tally)
    issuer_correct: int = 0
    extractor_version: str | None = None

    # -- derived metrics

    @property
    def non_claim_fp_rate(self) -> float | None:
        return _safe_div(self.non_claim_fp, self.non_claims)

    def dimension_table(self) -> dict[str, dict[str, Any]]:
        """Per-dimension P/R/F1 over matched claim pairs (taxonomy order, then extras)."""
        labels = list(DIMENSIONS) + sorted(set(self.dims) - set(DIMENSIONS))
        table: dict[str, dict[str, Any]] = {}
        for d in labels:
            c = self.dims.get(d, Counter())
            tp, fp, fn = c["tp"], c["fp"], c["fn"]
            p, r = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
            table[d] = {"precision": p, "recall": r, "f1": _f1(p, r),
                        "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}
        return table

    def dimension_micro(self) -> dict[str, Any]:
        tp = sum(c["tp"] for c in self.dims.values())
        fp = sum(c["fp"] for c in self.dims.values())
        fn = sum(c["fn"] for c in self.dims.values())
        p, r = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
        return {"precision": p, "recall": r, "f1": _f1(p, r), "pairs": self.claims.gold_hit}

    def stance_labels(self) -> list[str]:
        extra = sorted({p for _, p in self.stance} - set(STANCES))
        return list(STANCES) + extra

    def stance_confusion(self) -> list[list[int]]:
        """Rows: gold stance (the 3 taxonomy labels); columns: predicted (plus any
        out-of-taxonomy label the extractor emitted)."""
        return [[self.stance[(g, p)] for p in self.stance_labels()] for g in STANCES]

    def stance_metrics(self) -> dict[str, Any]:
        """Accuracy, and macro-F1 over the 3 classes; a class absent from both gold and
        predictions has no defined F1 and is left out of the average."""
        total = sum(self.stance.values())
        correct = sum(n for (g, p), n in self.stance.items() if g == p)
        per_class: dict[str, float | None] = {}
        for c in STANCES:
            tp = self.stance[(c, c)]
            fp = sum(n for (g, p), n in self.stance.items() if p == c and g != c)
            fn = sum(n for (g, p), n in self.stance.items() if g == c and p != c)
            per_class[c] = _safe_div(2 * tp, 2 * tp + fp + fn)
        defined = [v for v in per_class.values() if v is not None]
        return {"accuracy": _safe_div(correct, total),
                "macro_f1": sum(defined) / len(defined) if defined else None,
                "per_class_f1": per_class, "pairs": total}

    def stance_by_confidence(self, thresholds: Sequence[float] = CONFIDENCE_STEPS
                             ) -> list[dict[str, Any]]:
        """Stance accuracy of the matched claims whose stance_confidence reaches each
        threshold, and the share of the matched claims they are (coverage): what a reader
        who keeps only the confident claims can expect."""
        pairs = sum(self.stance.values())
        out: list[dict[str, Any]] = []
        for t in thresholds:
            kept = [ok for conf, ok in self.stance_confidence if conf >= t]
            out.append({"min_confidence": t, "pairs": len(kept),
                        "coverage": _safe_div(len(kept), pairs),
                        "accuracy": _safe_div(sum(kept), len(kept))})
        return out

    def summary(self) -> dict[str, float | None]:
        """The headline numbers of issue 3, flat, in a fixed order."""
        return {
            "models_f1": self.models.f1,
            "benchmarks_f1": self.benchmarks.f1,
            "figures_f1": self.figures.f1,
            "figures_value_recall": self.figure_values.recall,
            "claim_recall": self.claims.recall,
            "non_claim_fp_rate": self.non_claim_fp_rate,
            "dimension_micro_f1": self.dimension_micro()["f1"],
            "stance_accuracy": self.stance_metrics()["accuracy"],
            "stance_macro_f1": self.stance_metrics()["macro_f1"],
            "hedge_accuracy": _safe_div(self.hedge_correct, self.hedge_pairs),
            "forecast_recall": self.forecasts.recall,
            "forecast_issuer_accuracy": _safe_div(self.issuer_correct, self.forecasts.gold_hit),
        }

    def metrics(self) -> dict[str, Any]:
        """Every metric with the counts behind it (the `--json` "metrics" object)."""
        fig = self.figures.as_dict()
        fig["value_only_recall"] = self.figure_values.recall
        fig["value_only_matched"] = self.figure_values.gold_hit
        forecasts = self.forecasts.as_dict()
        forecasts["issuer_accuracy"] = _safe_div(self.issuer_correct, self.forecasts.gold_hit)
        return {
            "models": self.models.as_dict(),
            "benchmarks": self.benchmarks.as_dict(),
            "figures": fig,
            "claims": {"recall": self.claims.recall, "gold": self.claims.gold,
                       "matched": self.claims.gold_hit},
            "non_claims": {"false_positive_rate": self.non_claim_fp_rate,
                           "total": self.non_claims, "false_positives": self.non_claim_fp},
            "dimensions": self.dimension_micro(),
            "stance": self.stance_metrics(),
            "hedge": {"accuracy": _safe_div(self.hedge_correct, self.hedge_pairs),
                      "pairs": self.hedge_pairs, "correct": self.hedge_correct},
            "forecasts": forecasts,
        }

    def errors(self, limit: int | None = None) -> dict[str, list[str]]:
        """Error examples by kind across documents, at most `limit` per kind."""
        out: dict[str, list[str]] = {}
        for ds in self.docs:
            for kind, items in ds.errors.items():
                out.setdefault(kind, []).extend(items)
        return {k: v if limit is None else v[:limit] for k, v in sorted(out.items())}


def doc_summary(ds: DocScore) -> dict[str, Any]:
    """The per-document breakdown row (`--details`)."""
    stance_total = sum(ds.stance.values())
    stance_ok = sum(n for (g, p), n in ds.stance.items() if g == p)
    return {
        "doc": ds.doc,
        "models_f1": ds.models.f1,
        "benchmarks_f1": ds.benchmarks.f1,
        "figures_f1": ds.figures.f1,
        "figures_value_recall": ds.figure_values.recall,
        "claim_recall": ds.claims.recall,
        "claims": f"{ds.claims.gold_hit}/{ds.claims.gold}",
        "non_claim_fp": f"{ds.non_claim_fp}/{ds.non_claims}",
        "stance_accuracy": _safe_div(stance_ok, stance_total),
        "forecast_recall": ds.forecasts.recall,
    }


def score_corpus(golds: Sequence[GoldDoc], outputs: Sequence[Mapping[str, Any]]) -> EvalResult:
    """Score each gold doc against the output at the same position and sum the counts
    (micro-averaged over the corpus)."""
    if len(golds) != len(outputs):
        raise ValueError(f"{len(golds)} gold docs but {len(outputs)} outputs")
    res = EvalResult(docs=[])
    for gold, output in zip(golds, outputs, strict=True):
        ds = score_document(gold, output)
        res.docs.append(ds)
        res.extractor_version = res.extractor_version or output.get("extractor_version")
        for name in ("models", "benchmarks", "figures", "figure_values", "claims", "forecasts"):
            getattr(res, name).add(getattr(ds, name))
        res.non_claims += ds.non_claims
        res.non_claim_fp += ds.non_claim_fp
        for d, c in ds.dims.items():
            res.dims.setdefault(d, Counter()).update(c)
        res.stance.update(ds.stance)
        res.stance_confidence.extend(ds.stance_confidence)
        res.hedge_pairs += ds.hedge_pairs
        res.hedge_correct += ds.hedge_correct
        res.issuer_correct += ds.issuer_correct
    return res
