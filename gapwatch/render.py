"""Rich rendering of summaries and claim lists for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from models.taxonomy import STANCES


def print_summary(console: Console, summary: Any, run: dict[str, Any] | None = None) -> None:
    if run:
        head = Table(title="This run", show_header=False, box=None)
        labels = {"documents_duplicate": "documents copied (linked, not counted)",
                  "claims_new": "claims stored (every copy)",
                  "claim_clusters_new": "claim clusters new (evidence)",
                  "claims_repeated": "claims repeating a cluster"}
        for key in ("sources_polled", "sources_not_modified", "documents_new",
                    "documents_updated", "documents_unchanged", "documents_duplicate",
                    "claims_new", "claim_clusters_new", "claims_repeated", "claims_superseded",
                    "figures_new", "forecasts_new", "failures"):
            head.add_row(labels.get(key, key.replace("_", " ")), str(run.get(key, 0)))
        console.print(head)
    copies = getattr(summary, "document_copies_by_kind", {}) or {}
    docs = Table(title="Documents by kind")
    docs.add_column("kind")
    docs.add_column("documents", justify="right")
    docs.add_column("copies", justify="right")
    for kind in sorted(set(summary.documents_by_kind) | set(copies)):
        docs.add_row(kind, str(summary.documents_by_kind.get(kind, 0)),
                     str(copies.get(kind, 0)))
    docs.add_row("[bold]total", f"[bold]{sum(summary.documents_by_kind.values())}",
                 f"[bold]{sum(copies.values())}")
    console.print(docs)

    console.print(f"Claims: {summary.claims} clusters (distinct evidence) backed by "
                  f"{getattr(summary, 'claim_mentions', summary.claims)} mentions "
                  f"({getattr(summary, 'claim_copies', 0)} copies); "
                  f"{getattr(summary, 'attributed_clusters', 0)} attributed to another "
                  f"source; {getattr(summary, 'claims_superseded', 0)} superseded by revisions")
    grid = Table(title=f"Claims by dimension x stance ({summary.claims} claims, counted as "
                       "clusters)")
    grid.add_column("dimension")
    for st in STANCES:
        grid.add_column(st, justify="right")
    for dim, row in sorted(summary.claims_by_dimension_stance.items(),
                           key=lambda kv: -sum(kv[1].values())):
        grid.add_row(dim, *(str(row.get(st, 0)) for st in STANCES))
    console.print(grid)

    figs = Table(title="Figures by kind")
    figs.add_column("kind")
    figs.add_column("figures", justify="right")
    for kind, n in sorted(summary.figures_by_kind.items(), key=lambda kv: -kv[1]):
        figs.add_row(kind, str(n))
    console.print(figs)

    fc = Table(title=f"Forecasts ({len(summary.forecasts)})")
    for col in ("issuer", "probability", "conditional", "proposition"):
        fc.add_column(col)
    for f in summary.forecasts[:20]:
        fc.add_row(f["issuer"] or "-", f"{f['probability']:.0%}", "yes" if f["conditional"] else "",
                   (f["proposition"] or "")[:90])
    console.print(fc)

    fl = Table(title=f"Failures ({len(summary.failures)})")
    for col in ("stage", "kind", "url", "reason"):
        fl.add_column(col, overflow="fold")
    for f in summary.failures[:50]:
        fl.add_row(f["stage"], f["kind"], f["url"], f["reason"])
    console.print(fl)


def claims_table(rows: list[Any]) -> Table:
    t = Table(show_lines=False)
    for col in ("id", "stance", "dimensions", "hedged", "speaker", "claim", "source", "published"):
        t.add_column(col, overflow="fold")
    for r in rows:
        conf = f" {r.stance_confidence:.2f}" if r.stance_confidence is not None else ""
        t.add_row(str(r.id), r.stance + conf, ",".join(r.dimensions), "yes" if r.hedged else "",
                  r.speaker or "", r.text, r.source or "",
                  r.published_at.date().isoformat() if r.published_at else "")
    return t
