"""A throwaway PostgreSQL server on loopback, for the test suite and the benchmarks.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
user (runuser). Never used by gapwatch itself in production.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresNotFound(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def _binary(name: str) -> str:
    candidates = [shutil.which(name)]
    candidates += [str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                                          reverse=True)]
    for c in candidates:
        if c and os.path.exists(c):
            return c
    raise PostgresNotFound(f"PostgreSQL binary {name} not found")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_pg_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def temporary_server(*, durable: bool = True, max_connections: int = 100,
                     prefix: str = "gapwatch-pg-",
                     settings: dict[str, str] | None = None) -> Iterator[str]:
    """Start a server in a temp dir on a free port; yield its URL without a database.

    durable=False turns off fsync and friends: fine for tests and bulk loads, not
    for measuring write speed. `settings` are extra server settings (-c k=v).
    """
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    tmp = tempfile.mkdtemp(prefix=prefix)
    data = os.path.join(tmp, "data")
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    port = _free_port()
    init = [initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8"]
    opts = (f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 "
            f"-c max_connections={max_connections}")
    if not durable:
        init.append("--no-sync")
        opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    opts += "".join(f" -c {k}={v}" for k, v in (settings or {}).items())
    try:
        subprocess.run(_as_pg_user(init), check=True, capture_output=True)
        subprocess.run(_as_pg_user([pg_ctl, "-D", data, "-o", opts, "-l",
                                    os.path.join(tmp, "log"), "-w", "start"]),
                       check=True, capture_output=True)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_pg_user([pg_ctl, "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(server_url: str, prefix: str = "t_") -> str:
    """A fresh, empty database on the server; returns its URL."""
    import psycopg

    name = prefix + uuid.uuid4().hex[:12]
    dsn = server_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"
