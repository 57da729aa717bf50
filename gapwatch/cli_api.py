"""CLI commands `gapwatch api` and `gapwatch export`, registered on the main Typer app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gapwatch.cli_common import fail, parse_when

DbUrl = Annotated[str | None, typer.Option(
    "--database-url", envvar="GAPWATCH_DATABASE_URL",
    help="SQLAlchemy URL; default sqlite ./data/gapwatch.db")]


def _check(value: str | None, allowed: tuple[str, ...], name: str) -> None:
    if value and value not in allowed:
        fail(f"unknown {name} {value!r}; one of: {', '.join(allowed)}")


def api(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    config: Annotated[str | None, typer.Option(
        "--config", "-c", help="sources TOML: its settings.api_token guards POST /ingest, "
                               "which ingests it")] = None,
    cors_origin: Annotated[list[str] | None, typer.Option(
        help="allow browser scripts from this origin (repeatable); CORS is off by default")
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Serve the HTTP API, the claim feeds and the dashboard (docs at /docs)."""
    import uvicorn

    from gapwatch.api.app import ApiSettings, create_app, resolve_token
    from models.config import ConfigError

    try:
        token = resolve_token(None, config)
    except ConfigError as exc:
        fail(str(exc))
        raise
    app = create_app(ApiSettings(database_url=database_url, api_token=token,
                                 cors_origins=tuple(cors_origin or ()), config_path=config))
    typer.echo(f"gapwatch API on http://{host}:{port}/ (docs at /docs; writes "
               f"{'need the token' if token else 'disabled'})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def export(
    what: Annotated[str, typer.Argument(help="claims | figures | forecasts")],
    fmt: Annotated[str, typer.Option("--format", help="csv | jsonl | parquet")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write")] = None,
    dimension: Annotated[str | None, typer.Option(help="claims; figures via their claim")] = None,
    stance: Annotated[str | None, typer.Option(help="claims; figures via their claim")] = None,
    model: Annotated[str | None, typer.Option(help="canonical model id, family or name")] = None,
    openness: Annotated[str | None, typer.Option(help="open | closed | unknown")] = None,
    organization: Annotated[str | None, typer.Option(help="the model's organization")] = None,
    source: Annotated[str | None, typer.Option(help="source name")] = None,
    hedged: Annotated[bool | None, typer.Option("--hedged/--not-hedged",
                                                help="claims only")] = None,
    min_stance_confidence: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="claims only: the stance model's probability at least")] = None,
    text: Annotated[str | None, typer.Option(help="text contains (claims, forecasts)")] = None,
    since: Annotated[str | None, typer.Option(help="published on or after (ISO)")] = None,
    until: Annotated[str | None, typer.Option(help="published before (ISO)")] = None,
    ingested_since: Annotated[str | None, typer.Option(help="claims only (ISO)")] = None,
    ingested_until: Annotated[str | None, typer.Option(help="claims only (ISO)")] = None,
    as_of: Annotated[str | None, typer.Option(help="only what was ingested by then (ISO)")
                     ] = None,
    benchmark: Annotated[str | None, typer.Option(help="figures only")] = None,
    kind: Annotated[str | None, typer.Option(help="figure kind (figures only)")] = None,
    issuer: Annotated[str | None, typer.Option(help="forecasts only")] = None,
    database_url: DbUrl = None,
) -> None:
    """Export claims, figures or forecasts with the claim filters (csv, jsonl, parquet)."""
    from gapwatch import export as ex
    from models.taxonomy import DIMENSIONS, FIGURE_KINDS, OPENNESS, STANCES
    from storage.analytics import FigureFilter, ForecastFilter
    from storage.db import get_engine
    from storage.queries import ClaimFilter

    _check(what, ex.KINDS, "export")
    _check(fmt, ex.FORMATS, "format")
    _check(dimension, DIMENSIONS, "dimension")
    _check(stance, STANCES, "stance")
    _check(openness, OPENNESS, "openness")
    _check(kind, FIGURE_KINDS, "figure kind")
    given = {k for k, v in {"dimension": dimension, "stance": stance, "model": model,
                            "openness": openness, "organization": organization,
                            "hedged": hedged, "min-stance-confidence": min_stance_confidence,
                            "text": text, "ingested-since": ingested_since,
                            "ingested-until": ingested_until, "benchmark": benchmark,
                            "kind": kind, "issuer": issuer}.items() if v is not None}
    allowed = {"claims": {"dimension", "stance", "model", "openness", "organization", "hedged",
                          "min-stance-confidence", "text", "ingested-since",
                          "ingested-until"},
               "figures": {"dimension", "stance", "model", "openness", "organization",
                           "benchmark", "kind"},
               "forecasts": {"text", "issuer"}}[what]
    if given - allowed:
        fail(f"not a filter for {what}: --{', --'.join(sorted(given - allowed))}")
    if output is None and fmt == "parquet":
        fail("--output is required for parquet")
    window = {"since": parse_when(since, "since"), "until": parse_when(until, "until"),
              "as_of": parse_when(as_of, "as-of")}
    engine = get_engine(database_url)
    columns, rows = ex.rows_for(
        what, engine,
        claims=ClaimFilter(dimension=dimension, stance=stance, model=model, openness=openness,
                           organization=organization, source=source, hedged=hedged, text=text,
                           min_stance_confidence=min_stance_confidence,
                           ingested_since=parse_when(ingested_since, "ingested-since"),
                           ingested_until=parse_when(ingested_until, "ingested-until"), **window),
        figures=FigureFilter(model=model, benchmark=benchmark, kind=kind, openness=openness,
                             organization=organization, source=source, dimension=dimension,
                             stance=stance, **window),
        forecasts=ForecastFilter(issuer=issuer, source=source, text=text, **window))
    target = output if output is not None else Path("/dev/stdout")
    n = ex.write(target, fmt, columns, rows)
    if output is not None:
        typer.echo(f"{n} {what} written to {output}", err=True)
    else:
        sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Add `api` and `export` to the gapwatch CLI (called from gapwatch/cli.py)."""
    app.command("api")(api)
    app.command("export")(export)
