"""A local HTTP server that misbehaves on purpose, one behaviour per path.

pytest-httpserver answers with well-formed responses only; trickling, endless
streams, lying headers and 100 MB bodies need a raw socket. Each connection gets
its own thread so a trickling path cannot hold up the others (the crawler fetches
the same host concurrently).
"""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Callable

Handler = Callable[[socket.socket, threading.Event], None]

MB = 1_000_000


def response_head(status: str = "200 OK", ctype: str | None = "text/html; charset=utf-8",
                  length: int | None = None, extra: dict[str, str] | None = None,
                  chunked: bool = False) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {v}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def fixed(body: bytes, ctype: str | None = "text/html; charset=utf-8", status: str = "200 OK",
          extra: dict[str, str] | None = None) -> Handler:
    """A complete, honest response."""

    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(response_head(status, ctype, len(body), extra) + body)

    return handle


def redirect(location: str, status: str = "302 Found") -> Handler:
    return fixed(b"", None, status, {"Location": location})


def trickle(total: int = 100_000, delay: float = 1.0) -> Handler:
    """Honest headers, then one body byte per ``delay`` seconds: under any read timeout."""

    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(response_head(length=total) + b"<html><body><p>")
        while not stop.wait(delay):
            conn.sendall(b"x")

    return handle


def endless(chunked: bool = True, piece: bytes = b"<p>open weights close the gap</p>\n") -> Handler:
    """A body that never ends: chunked, or close-delimited without a length."""
    block = piece * max(1, 65536 // len(piece))

    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(response_head(chunked=chunked) + _frame(b"<html><body>", chunked))
        while not stop.is_set():
            conn.sendall(_frame(block, chunked))

    return handle


def streamed(size: int, chunked: bool = True, declare_length: bool = False) -> Handler:
    """A huge HTML page generated on the fly (the server never holds it in memory)."""
    block = b"<p>" + b"open model benchmark results " * 2000 + b"</p>\n"

    def handle(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(response_head(length=size if declare_length else None,
                                   chunked=chunked and not declare_length))
        sent = 0
        while sent < size and not stop.is_set():
            part = block[: size - sent]
            conn.sendall(_frame(part, chunked and not declare_length))
            sent += len(part)
        if chunked and not declare_length:
            conn.sendall(b"0\r\n\r\n")

    return handle


def _frame(data: bytes, chunked: bool) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data) if chunked else data


def compressed_bomb(encoding: str, decoded_size: int = 200 * MB) -> Handler:
    """A small gzip/deflate body that expands to ``decoded_size`` bytes of HTML-ish zeros."""
    body = _bomb_bytes(encoding, decoded_size)
    return fixed(body, "text/html", extra={"Content-Encoding": encoding})


_BOMBS: dict[tuple[str, int], bytes] = {}


def _bomb_bytes(encoding: str, size: int) -> bytes:
    key = (encoding, size)
    if key not in _BOMBS:
        chunk = b"<p>" + b"0" * (MB - 3)
        if encoding == "gzip":
            comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        else:  # "deflate" as HTTP means zlib-wrapped deflate
            comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
        parts = [comp.compress(chunk) for _ in range(size // MB)]
        parts.append(comp.flush())
        _BOMBS[key] = b"".join(parts)
    return _BOMBS[key]


def gzip_of(data: bytes) -> bytes:
    return gzip.compress(data)


def garbage(conn: socket.socket, stop: threading.Event) -> None:
    """Not HTTP at all."""
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n")


def lying_length(conn: socket.socket, stop: threading.Event) -> None:
    """Promises 50,000 bytes, sends 100, hangs up: a truncated page."""
    conn.sendall(response_head(length=50_000) + b"<html><body><p>cut short" + b" " * 75)


class HostileServer:
    """Routes paths to misbehaving handlers; unknown paths get ``default`` (a 404)."""

    def __init__(self, host: str = "127.0.0.1", default: Handler | None = None) -> None:
        self.routes: dict[str, Handler] = {}
        self.default = default or fixed(b"not found", "text/plain", "404 Not Found")
        self.connections = 0
        self.stop = threading.Event()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.host = host
        self.port = int(self.sock.getsockname()[1])
        self.hits: dict[str, int] = {}
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, daemon=True)

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def __enter__(self) -> HostileServer:
        self._accept.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._accept.join(timeout=5)
        for t in self._threads:
            t.join(timeout=5)
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
            t = threading.Thread(target=self._one, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                path = _request_path(conn)
                self.hits[path] = self.hits.get(path, 0) + 1
                (self.routes.get(path) or self.default)(conn, self.stop)
            except OSError:  # the client hung up: expected for every hostile path
                pass


def _request_path(conn: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return parts[1] if len(parts) >= 2 else "/"


def slow(handler: Handler, delay: float) -> Handler:
    """The same response after ``delay`` seconds (a slow-ish site)."""

    def handle(conn: socket.socket, stop: threading.Event) -> None:
        if not stop.wait(delay):
            handler(conn, stop)

    return handle


def generated_article(i: int) -> bytes:
    """A distinct small article with a few claims, figures and a forecast."""
    return (
        f"<html><head><title>Gap report {i}</title>"
        f'<meta property="article:published_time" content="2026-01-{i % 28 + 1:02d}T10:00:00Z">'
        f"</head><body><article><h1>Gap report number {i}</h1>"
        f"<p>In report {i}, Llama 4 scores {60 + i % 30}.{i % 10}% on MMLU, only {i % 7 + 1} "
        f"points behind GPT-5, so open-weight models have narrowed the gap.</p>"
        f"<p>Analysts said closed labs still lead open models on agentic coding by "
        f"{i % 5 + 2} months, according to survey {i}.</p>"
        f"<p>We estimate a {50 + i % 40}% probability that an open model matches the frontier "
        f"by 2027, the authors of report {i} wrote.</p>"
        "</article></body></html>").encode()


def serve_corpus(server: HostileServer, n: int, delay: float) -> tuple[str, list[str]]:
    """A feed of ``n`` generated articles, each answered after ``delay`` s; (feed, links)."""
    links = [server.route(f"/corpus/{i}.html", slow(fixed(generated_article(i)), delay))
             for i in range(n)]
    items = "".join(f"<item><title>report {i}</title><link>{u}</link><guid>{u}</guid></item>"
                    for i, u in enumerate(links))
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>corpus</title>{items}'
            "</channel></rss>").encode()
    return server.route("/corpus.xml", fixed(feed, "application/rss+xml")), links
