"""Serve the demo corpus (or any files) from pytest-httpserver, like a real site.

{{BASE}} in files becomes the server's address; ETag/If-None-Match give 304s.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml",
         ".html": "text/html; charset=utf-8"}


def serve_tree(server: HTTPServer, root: Path = DEMO_DIR, prefix: str = "") -> str:
    """Register every file under root at /prefix/<relative path>; returns the base URL."""
    server.no_handler_status_code = 404  # unknown paths are 404s, as on a real site
    base = server.url_for(prefix).rstrip("/")
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in TYPES:
            rel = "/" + (f"{prefix.strip('/')}/" if prefix.strip("/") else "")
            rel += path.relative_to(root).as_posix()
            body = path.read_bytes().replace(b"{{BASE}}", base.encode())
            server.expect_request(rel).respond_with_handler(_conditional(body, TYPES[path.suffix]))
    return base


def _conditional(body: bytes, ctype: str):  # type: ignore[no-untyped-def]
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, status=200, headers={"ETag": etag, "Content-Type": ctype})

    return handler
