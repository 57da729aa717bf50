"""The `gapwatch` command line: ingest, query, extract, schedule."""

from __future__ import annotations

import csv
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gapwatch import env
from gapwatch.cli_common import fail, parse_when

env.apply(verbose="--verbose" in sys.argv)

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="gapwatch: claims about the open-weight vs closed frontier model gap.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
app.add_typer(db_app, name="db")
console = Console()
err = Console(stderr=True)

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "data" / "demo" / "sources.toml"
DbUrl = Annotated[str | None, typer.Option(
    "--database-url", envvar="GAPWATCH_DATABASE_URL",
    help="SQLAlchemy URL; default sqlite ./data/gapwatch.db")]


@contextmanager
def _progress() -> Any:
    """Draw the flow's progress reports as bars (stderr, so JSON output stays clean)."""
    from flows import progress

    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True)
    ids: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in ids:
            ids[stage] = bars.add_task(stage, total=total or None)
        bars.update(ids[stage], completed=done, total=total or None)

    progress.set_reporter(report)
    with bars:
        yield
    progress.set_reporter(None)


def _run_ingest(config: str | None, feeds: list[str], urls: list[str], arxiv: list[str],
                database_url: str | None, force: bool) -> dict[str, Any]:
    from models.config import ConfigError, load_config

    if config:
        try:
            load_config(config)  # fail fast with a clear message, before Prefect starts
        except ConfigError as exc:
            fail(str(exc))
    from flows.ingest import run_ingest

    with _progress():
        return run_ingest(config_path=config, feeds=feeds, urls=urls, arxiv=arxiv,
                      database_url=database_url, force=force)


def _print_run(result: dict[str, Any], database_url: str | None) -> None:
    from gapwatch.render import print_summary
    from storage.db import get_engine
    from storage.queries import summary

    print_summary(console, summary(get_engine(database_url), run_id=result.get("run_id")),
                  run=result)


@app.command()
def ingest(
    config: Annotated[str | None, typer.Option("--config", "-c", help="sources TOML")] = None,
    demo: Annotated[bool, typer.Option(help="ingest the bundled offline demo corpus")] = False,
    feed: Annotated[list[str] | None, typer.Option(help="an extra RSS/Atom feed URL")] = None,
    url: Annotated[list[str] | None, typer.Option(help="an extra article URL")] = None,
    arxiv: Annotated[list[str] | None, typer.Option(help="an extra arXiv search query")] = None,
    force: Annotated[bool, typer.Option(help="poll every source, due or not")] = False,
    database_url: DbUrl = None,
    verbose: Annotated[bool, typer.Option(help="show Prefect's logs")] = False,
) -> None:
    """Poll due sources, fetch new entries, extract claims and store them."""
    if demo:
        _demo(database_url)
        return
    if not (config or feed or url or arxiv):
        config = "sources.toml" if Path("sources.toml").exists() else None
        if config is None:
            fail("nothing to ingest: give --config, --feed, --url, --arxiv or --demo")
    result = _run_ingest(config, feed or [], url or [], arxiv or [], database_url, force)
    _print_run(result, database_url)


@app.command()
def demo(database_url: DbUrl = None,
         verbose: Annotated[bool, typer.Option(help="show Prefect's logs")] = False) -> None:
    """Serve the bundled demo corpus on 127.0.0.1 and ingest it (offline)."""
    _demo(database_url)


def _demo(database_url: str | None) -> None:
    from gapwatch.demo_server import DemoServer

    with DemoServer() as server:
        os.environ["GAPWATCH_DEMO_BASE"] = server.base
        console.print(f"[dim]demo corpus served at {server.base}[/dim]")
        result = _run_ingest(str(DEMO_CONFIG), [], [], [], database_url, force=True)
    _print_run(result, database_url)
    from storage.db import database_url as resolve

    console.print(f"[green]demo done[/green]: database {resolve(database_url)}; "
                  "try `gapwatch claims --stance divergence`")


@app.command()
def extract(paths: Annotated[list[Path], typer.Argument(help=".txt, .md or .html files")],
            as_json: Annotated[bool, typer.Option("--json", help="one object per file")] = False,
            ) -> None:
    """Run the extractor on local files (no database, no network)."""
    from extractors.errors import ParseError
    from extractors.nlp import get_extractor
    from gapwatch.files import read_document

    docs = []
    for p in paths:
        try:
            docs.append((p, *read_document(p)))
        except (OSError, ParseError) as exc:
            fail(f"{p}: {exc}")
    extractor = get_extractor()
    for (p, title, _text), ex in zip(docs, extractor.extract_many([t for _, _, t in docs]),
                                    strict=True):
        if as_json:
            sys.stdout.write(json.dumps(ex.to_dict(source=str(p), title=title),
                                        ensure_ascii=False) + "\n")
        else:
            from gapwatch.render_extract import print_extraction

            print_extraction(console, str(p), title, ex)


@app.command()
def claims(
    dimension: Annotated[str | None, typer.Option(help="e.g. coding, long_context")] = None,
    stance: Annotated[str | None, typer.Option(help="convergence | divergence | neutral")] = None,
    model: Annotated[str | None, typer.Option(help="canonical model id or family")] = None,
    openness: Annotated[str | None, typer.Option(help="open | closed | unknown")] = None,
    source: Annotated[str | None, typer.Option(help="source name")] = None,
    since: Annotated[str | None, typer.Option(help="published on or after (ISO)")] = None,
    until: Annotated[str | None, typer.Option(help="published before (ISO)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 50,
    min_stance_confidence: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="only claims whose stance the model gave at least this "
                               "probability (0.6: about four in five right)")] = None,
    clusters: Annotated[bool, typer.Option(
        "--clusters", help="one row per repeated claim (cluster), not every copy")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
    database_url: DbUrl = None,
) -> None:
    """List stored claims, newest first, with filters."""
    from models.taxonomy import DIMENSIONS, OPENNESS, STANCES
    from storage.db import get_engine
    from storage.queries import ClaimFilter, list_claims

    if dimension and dimension not in DIMENSIONS:
        fail(f"unknown dimension {dimension!r}; one of: {', '.join(DIMENSIONS)}")
    if stance and stance not in STANCES:
        fail(f"unknown stance {stance!r}; one of: {', '.join(STANCES)}")
    if openness and openness not in OPENNESS:
        fail(f"unknown openness {openness!r}; one of: {', '.join(OPENNESS)}")
    if fmt not in ("table", "json", "csv"):
        fail("--format must be table, json or csv")
    f = ClaimFilter(dimension=dimension, stance=stance, model=model, openness=openness,
                    source=source, since=parse_when(since, "since"),
                    until=parse_when(until, "until"), distinct=clusters,
                    min_stance_confidence=min_stance_confidence)
    rows = list_claims(get_engine(database_url), f, limit=limit)
    if fmt == "json":
        for r in rows:
            sys.stdout.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        cols = ["id", "text", "stance", "stance_confidence", "dimensions", "hedged",
                "speaker", "models",
                "benchmarks", "url", "title", "source", "published_at", "ingested_at",
                "extractor_version"]
        w.writerow(cols)
        for r in rows:
            d = r.to_dict()
            w.writerow([";".join(d[c]) if isinstance(d[c], list) else d[c] for c in cols])
    else:
        from gapwatch.render import claims_table

        console.print(claims_table(rows))
        console.print(f"[dim]{len(rows)} claims[/dim]")


@app.command()
def sources(database_url: DbUrl = None) -> None:
    """Each source's health: last success, consecutive failures, next poll."""
    from rich.table import Table

    from storage.db import get_engine, upgrade
    from storage.queries import source_health

    engine = get_engine(database_url)
    upgrade(engine)
    t = Table()
    for col in ("name", "kind", "last success", "failures", "next poll", "last error"):
        t.add_column(col, overflow="fold")
    for s in source_health(engine):
        t.add_row(s["name"], s["kind"], s["last_success_at"] or "never",
                  str(s["consecutive_failures"]), s["next_poll_at"] or "now",
                  s["last_error"] or "")
    console.print(t)


@app.command()
def reprocess(database_url: DbUrl = None,
              verbose: Annotated[bool, typer.Option(help="show Prefect's logs")] = False) -> None:
    """Re-run extraction on documents stored by an older extractor version."""
    from flows.reprocess import reprocess as reprocess_flow

    with _progress():
        result = reprocess_flow(database_url=database_url)
    console.print(result)


@app.command()
def serve(config: Annotated[str, typer.Option("--config", "-c")] = "sources.toml",
          database_url: DbUrl = None) -> None:
    """Run ingest and reprocess on the config's cron schedules (needs a Prefect server)."""
    from models.config import ConfigError, load_config

    try:
        load_config(config)
    except ConfigError as exc:
        fail(str(exc))
    if not os.environ.get("PREFECT_API_URL"):
        err.print("[yellow]PREFECT_API_URL is not set: start a server with `prefect server "
                  "start` and export PREFECT_API_URL=http://127.0.0.1:4200/api (see README)"
                  "[/yellow]")
    from flows.schedule import serve_flows

    serve_flows(config, database_url)


@db_app.command("upgrade")
def db_upgrade(database_url: DbUrl = None) -> None:
    """Create or migrate the schema to the latest revision."""
    from storage.db import current_revision, get_engine, upgrade
    from storage.db import database_url as resolve

    engine = get_engine(database_url)
    upgrade(engine)
    console.print(f"{resolve(database_url)} at revision {current_revision(engine)}")


def _register_extensions() -> None:
    """Commands that live in their own modules (evaluation, API, operations)."""
    from gapwatch import cli_api, cli_eval, cli_ops

    cli_eval.register(app)
    cli_api.register(app)
    cli_ops.register(app)


_register_extensions()

if __name__ == "__main__":
    app()
