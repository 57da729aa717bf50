"""Draw an EvalResult: rich tables for people, one JSON object for machines.

Why both views come from the same EvalResult methods: the table and `--json` must
never disagree about a number.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from evaluation.scoring import EvalResult, doc_summary
from models.taxonomy import STANCES


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def to_json(res: EvalResult, *, details: bool = False, errors: int = 0,
            warnings: list[str] | None = None) -> dict[str, Any]:
    """The `--json` object: summary, metrics with counts, per-dimension table, stance
    confusion matrix; per-document rows with `details`, error examples with `errors`."""
    out: dict[str, Any] = {
        "documents": len(res.docs),
        "extractor_version": res.extractor_version,
        "summary": res.summary(),
        "metrics": res.metrics(),
        "per_dimension": res.dimension_table(),
        "stance_confusion": {"gold": list(STANCES), "predicted": res.stance_labels(),
                             "matrix": res.stance_confusion()},
        "stance_by_confidence": res.stance_by_confidence(),
        "warnings": list(warnings or []),
    }
    if details:
        out["per_document"] = [doc_summary(ds) for ds in res.docs]
    if errors > 0:
        out["errors"] = res.errors(errors)
    return out


def summary_table(res: EvalResult) -> Table:
    m = res.metrics()
    t = Table(title=f"gapwatch eval: {len(res.docs)} documents, "
                    f"extractor {res.extractor_version or '?'}")
    t.add_column("metric")
    t.add_column("value", justify="right")
    t.add_column("counts", justify="right", style="dim")
    for name in ("models", "benchmarks", "figures"):
        tally = m[name]
        label = "figures (value + links)" if name == "figures" else name
        counts = (f"gold {tally['gold_matched']}/{tally['gold']}, "
                  f"output {tally['output_matched']}/{tally['output']}")
        t.add_row(f"{label} precision", _fmt(tally["precision"]), counts)
        t.add_row(f"{label} recall", _fmt(tally["recall"]), "")
        t.add_row(f"{label} F1", _fmt(tally["f1"]), "", end_section=True)
    fig = m["figures"]
    t.add_row("figures value-only recall", _fmt(fig["value_only_recall"]),
              f"{fig['value_only_matched']}/{fig['gold']}")
    t.add_row("claim recall", _fmt(m["claims"]["recall"]),
              f"{m['claims']['matched']}/{m['claims']['gold']}")
    nc = m["non_claims"]
    t.add_row("non-claim false-positive rate", _fmt(nc["false_positive_rate"]),
              f"{nc['false_positives']}/{nc['total']}", end_section=True)
    dims = m["dimensions"]
    t.add_row("dimension micro-F1 (matched claims)", _fmt(dims["f1"]),
              f"P {_fmt(dims['precision'])} R {_fmt(dims['recall'])}, {dims['pairs']} pairs")
    st = m["stance"]
    t.add_row("stance accuracy (matched claims)", _fmt(st["accuracy"]), f"{st['pairs']} pairs")
    t.add_row("stance macro-F1", _fmt(st["macro_f1"]), "")
    h = m["hedge"]
    t.add_row("hedge accuracy (matched claims)", _fmt(h["accuracy"]),
              f"{h['correct']}/{h['pairs']}", end_section=True)
    fc = m["forecasts"]
    t.add_row("forecast recall", _fmt(fc["recall"]), f"{fc['gold_matched']}/{fc['gold']}")
    t.add_row("forecast precision", _fmt(fc["precision"]),
              f"{fc['output_matched']}/{fc['output']}")
    t.add_row("forecast issuer accuracy (matched)", _fmt(fc["issuer_accuracy"]), "")
    return t


def dimension_table(res: EvalResult) -> Table:
    t = Table(title="dimensions over matched claims")
    for col in ("dimension", "precision", "recall", "F1", "support", "tp", "fp", "fn"):
        t.add_column(col, justify="left" if col == "dimension" else "right")
    for dim, row in res.dimension_table().items():
        t.add_row(dim, _fmt(row["precision"]), _fmt(row["recall"]), _fmt(row["f1"]),
                  str(row["support"]), str(row["tp"]), str(row["fp"]), str(row["fn"]))
    return t


def confusion_table(res: EvalResult) -> Table:
    t = Table(title="stance confusion (rows gold, columns predicted)")
    t.add_column("gold \\ predicted")
    labels = res.stance_labels()
    for p in labels:
        t.add_column(p, justify="right")
    for g, row in zip(STANCES, res.stance_confusion(), strict=True):
        t.add_row(g, *[f"[bold]{n}[/bold]" if g == p else str(n)
                       for p, n in zip(labels, row, strict=True)])
    per = res.stance_metrics()["per_class_f1"]
    t.caption = "F1 per class: " + ", ".join(f"{c} {_fmt(v)}" for c, v in per.items())
    return t


def confidence_table(res: EvalResult) -> Table:
    t = Table(title="stance accuracy by the model's confidence (matched claims)")
    for col in ("confidence at least", "claims", "coverage", "accuracy"):
        t.add_column(col, justify="right")
    for row in res.stance_by_confidence():
        t.add_row(f"{row['min_confidence']:.1f}", str(row["pairs"]), _fmt(row["coverage"]),
                  _fmt(row["accuracy"]))
    return t


def documents_table(res: EvalResult) -> Table:
    t = Table(title="per document")
    cols = ("doc", "models F1", "bench F1", "figures F1", "value R", "claims", "non-claim FP",
            "stance acc", "forecast R")
    for col in cols:
        t.add_column(col, justify="left" if col == "doc" else "right")
    for ds in res.docs:
        r = doc_summary(ds)
        t.add_row(r["doc"], _fmt(r["models_f1"]), _fmt(r["benchmarks_f1"]),
                  _fmt(r["figures_f1"]), _fmt(r["figures_value_recall"]), r["claims"],
                  r["non_claim_fp"], _fmt(r["stance_accuracy"]), _fmt(r["forecast_recall"]))
    return t


def print_report(console: Console, res: EvalResult, *, details: bool = False,
                 errors: int = 0) -> None:
    """Summary, dimension table and confusion matrix; per-doc rows and error examples
    on request."""
    console.print(summary_table(res))
    console.print(dimension_table(res))
    console.print(confusion_table(res))
    if res.stance_confidence:
        console.print(confidence_table(res))
    if details:
        console.print(documents_table(res))
    if errors > 0:
        for kind, items in res.errors().items():
            console.rule(f"{kind}: {len(items)} (showing {min(errors, len(items))})")
            for item in items[:errors]:
                console.print(f"  {item}", markup=False, highlight=False)
