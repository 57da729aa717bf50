"""What every CLI module shares: a clean error exit and timestamp options."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

import typer


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `error: ...` on stderr and exit (no traceback for user mistakes)."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def parse_when(value: str | None, name: str) -> datetime | None:
    """An ISO date or timestamp option as an aware UTC datetime (naive means UTC)."""
    if not value:
        return None
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--{name}: expected an ISO date or timestamp, got {value!r}")
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
