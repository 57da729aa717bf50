"""A readable summary of one document's extraction (`gapwatch extract` without --json)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from models.records import Extraction


def print_extraction(console: Console, source: str, title: str | None, ex: Extraction) -> None:
    console.rule(f"[bold]{source}[/bold]" + (f" — {title}" if title else ""))
    models = sorted({(m.canonical, m.openness) for m in ex.models})
    console.print("[bold]models[/bold]: " + (", ".join(f"{c} ({o})" for c, o in models) or "-"))
    console.print("[bold]benchmarks[/bold]: "
                  + (", ".join(sorted({b.canonical for b in ex.benchmarks})) or "-"))
    if ex.figures:
        t = Table(title=f"figures ({len(ex.figures)})")
        for col in ("value", "unit", "kind", "model", "benchmark"):
            t.add_column(col)
        for f in ex.figures:
            val = f"{f.value:g}" + (f"-{f.value_high:g}" if f.value_high is not None else "")
            t.add_row(val, f.unit or "", f.kind, f.model or "", f.benchmark or "")
        console.print(t)
    if ex.claims:
        t = Table(title=f"claims ({len(ex.claims)})")
        for col in ("stance", "dimensions", "hedged", "speaker", "text"):
            t.add_column(col, overflow="fold")
        for c in ex.claims:
            t.add_row(c.stance, ",".join(c.dimensions), "yes" if c.hedged else "",
                      c.speaker or "", c.text)
        console.print(t)
    for fc in ex.forecasts:
        console.print(f"[bold]forecast[/bold]: {fc.issuer or '?'} {fc.probability:.0%}"
                      f"{' (conditional)' if fc.conditional else ''} — {fc.proposition or ''}")
