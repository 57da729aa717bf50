"""A tiny local HTTP server for the bundled demo corpus (data/demo).

It substitutes {{BASE}} with its own address so feed links point back at it,
and answers conditional GETs (ETag/Last-Modified) like a real site, so a
second demo run sees 304s.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
_TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml",
          ".html": "text/html; charset=utf-8"}
DEMO_PORT = 8765
_STARTED = formatdate(1790000000, usegmt=True)


class DemoServer:
    def __init__(self, root: Path = DEMO_DIR, port: int = DEMO_PORT) -> None:
        self.root = root
        handler = _handler(root, self)
        try:  # a stable address keeps the demo's URLs (and so its dedup keys) stable
            self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(root: Path, server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            path = self.path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
            if path == "arxiv/api/query":
                path = "arxiv/query.xml"
            target = (root / path).resolve()
            if root.resolve() not in target.parents or not target.is_file():
                self.send_error(404, "Not Found")
                return
            body = target.read_bytes().replace(b"{{BASE}}", server.base.encode())
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            ctype = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
            self.send_response(200)
            self.send_header("Content-Type", ctype or "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", _STARTED)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler
