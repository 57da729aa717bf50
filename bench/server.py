"""Serves a generated corpus on 127.0.0.1 so ingestion fetches real HTTP responses.

A threaded ``http.server``: the fetcher opens several connections at once. Feeds
are rewritten on the way out (``__BASE__`` -> this server's address) so the files
on disk stay independent of the port.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.corpus import BASE_PLACEHOLDER

_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml; charset=utf-8"}


def _handler(root: Path, base: list[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the client's delayed ACK
        # would add ~40 ms to every response, and the bench would measure the server.
        disable_nagle_algorithm = True

        def _body(self) -> tuple[int, bytes, str]:
            rel = unquote(urlsplit(self.path).path).lstrip("/")
            path = (root / rel).resolve()
            if root not in path.parents or not path.is_file():
                return 404, b"not found", "text/plain"
            data = path.read_bytes()
            if path.suffix == ".xml":
                data = data.replace(BASE_PLACEHOLDER.encode(), base[0].encode())
            return 200, data, _TYPES.get(path.suffix, "application/octet-stream")

        def _send(self, head_only: bool) -> None:
            status, data, ctype = self._body()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not head_only:
                self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._send(False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._send(True)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Silent: ten thousand access lines would drown the report."""

    return Handler


@contextmanager
def serve(root: str | Path) -> Iterator[str]:
    """Serve ``root`` on a free loopback port; yields the base URL (no trailing slash)."""
    base: list[str] = [""]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Path(root).resolve(), base))
    server.daemon_threads = True
    base[0] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="bench-http", daemon=True)
    thread.start()
    try:
        yield base[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
