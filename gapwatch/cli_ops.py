"""Operations commands: `gapwatch retry-failed` (registered into the main CLI by cli.py)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add the operations commands to ``app``."""

    @app.command("retry-failed")
    def retry_failed(
        config: Annotated[str | None, typer.Option(
            "--config", "-c", help="sources TOML (fetch limits, timeouts, allowed hosts)")] = None,
        limit: Annotated[int, typer.Option(
            min=1, max=10_000, help="retry at most this many failed URLs")] = 100,
        database_url: Annotated[str | None, typer.Option(
            "--database-url", envvar="GAPWATCH_DATABASE_URL",
            help="SQLAlchemy URL; default sqlite ./data/gapwatch.db")] = None,
    ) -> None:
        """Re-fetch documents whose fetch or parse failed; store what now works."""
        from models.config import ConfigError, load_config

        if config:
            try:
                load_config(config)  # a clear error before Prefect starts
            except ConfigError as exc:
                err.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from None
        from flows.retry import retry_failed as retry_flow

        result = retry_flow(config_path=config, database_url=database_url, limit=limit)
        console.print(
            f"retried {result.get('retried', 0)} URLs: {result.get('recovered', 0)} recovered, "
            f"{result.get('already_stored', 0)} already stored, "
            f"{result.get('still_failing', 0)} still failing "
            f"({result.get('failures_resolved', 0)} failure rows resolved)")
