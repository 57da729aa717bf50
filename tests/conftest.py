"""Shared fixtures: a real PostgreSQL server (storage.pgserver), fresh databases,
Prefect settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gapwatch import env

# Hostile/crash/concurrency tests print a summary line at the end of the run.
pytest_plugins = ["tests.hostile_summary"]

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"

# Prefect: no telemetry, quiet server, and a reused home so its migrations run once.
env.isolated(ROOT / ".pytest_cache" / "prefect-home")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server for the whole session; yields its base URL (no database)."""
    from storage.pgserver import PostgresNotFound, temporary_server

    try:
        with temporary_server(durable=False, max_connections=200) as url:
            yield url
    except PostgresNotFound as exc:
        pytest.skip(str(exc))


@pytest.fixture()
def pg_url(pg_server: str) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    from storage.pgserver import create_database

    return create_database(pg_server)


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gapwatch.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run a test against both backends."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))
