"""Shared helpers for the fetch tests: fast settings and raw-socket misbehaving servers."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
from typing import Any

from fetch import Fetcher, FetchError, FetchRequest, FetchResult, FetchSettings

try:
    from tests.hostile_server import Handler, HostileServer, garbage
    from tests.hostile_server import trickle as hostile_trickle
except ImportError:  # tests/ on sys.path instead of the project root
    from hostile_server import Handler, HostileServer, garbage  # type: ignore[no-redef]
    from hostile_server import trickle as hostile_trickle  # type: ignore[no-redef]

__all__ = ["RawServer", "closed_port", "fast_settings", "fetch_one", "garbage", "silent",
           "trickle"]

LOCAL = ("127.0.0.1",)


def fast_settings(**overrides: Any) -> FetchSettings:
    """Settings that allow the local test server and keep every wait short."""
    base = FetchSettings(
        connect_timeout=2.0,
        read_timeout=3.0,
        total_timeout=5.0,
        retries=2,
        backoff_base=0.01,
        max_retry_after=5.0,
        allow_private=LOCAL,
    )
    return dataclasses.replace(base, **overrides)


def fetch_one(
    url: str, settings: FetchSettings | None = None, **request: Any
) -> FetchResult | FetchError:
    """Fetch one URL in a fresh loop; return the result or the typed error."""

    async def run() -> FetchResult | FetchError:
        async with Fetcher(settings or fast_settings()) as fetcher:
            try:
                return await fetcher.fetch(FetchRequest(url, **request))
            except FetchError as exc:
                return exc

    return asyncio.run(run())


def closed_port() -> int:
    """A local port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RawServer:
    """One misbehaviour for every connection, at the byte level (trickle, garbage,
    silence), which pytest-httpserver cannot do: a HostileServer with a default route."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1") -> None:
        self._server = HostileServer(host, default=handler)

    @property
    def url(self) -> str:
        return self._server.base + "/"

    @property
    def connections(self) -> int:
        return self._server.connections

    def __enter__(self) -> RawServer:
        self._server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)


trickle = hostile_trickle()  # valid headers, then one body byte per second


def silent(conn: socket.socket, stop: threading.Event) -> None:
    """Accept, read the request, then say nothing until the client hangs up."""
    conn.settimeout(0.05)
    while not stop.is_set():
        try:
            if not conn.recv(1024):
                return
        except TimeoutError:
            continue
