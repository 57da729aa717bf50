"""Shared helpers for the fetch tests: fast settings and raw-socket misbehaving servers."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
from collections.abc import Callable
from typing import Any

from fetch import Fetcher, FetchError, FetchRequest, FetchResult, FetchSettings

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
    """A one-thread TCP server whose per-connection behaviour is a plain function.

    pytest-httpserver cannot misbehave at the byte level (trickle, garbage), so these
    cases get a socket of their own.
    """

    def __init__(
        self, handler: Callable[[socket.socket, threading.Event], None], host: str = "127.0.0.1"
    ) -> None:
        self._handler = handler
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.host = host
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._thread.join(timeout=5)
        self.sock.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    _read_request_head(conn)
                    self._handler(conn, self.stop)
                except OSError:
                    pass


def _read_request_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def trickle(conn: socket.socket, stop: threading.Event) -> None:
    """Valid headers, then one body byte per second, well under any read timeout."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    while not stop.wait(1.0):
        conn.sendall(b"x")


def garbage(conn: socket.socket, stop: threading.Event) -> None:
    """Not HTTP at all."""
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n")


def silent(conn: socket.socket, stop: threading.Event) -> None:
    """Accept, read the request, then say nothing until the client hangs up."""
    conn.settimeout(0.05)
    while not stop.is_set():
        try:
            if not conn.recv(1024):
                return
        except TimeoutError:
            continue
