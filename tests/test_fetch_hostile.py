"""The guards: what a hostile or broken server must not be able to do to the crawler."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from fetch import (
    AddressNotAllowed,
    ConnectFailed,
    FetchResult,
    FetchTimeout,
    NetworkError,
    SchemeNotAllowed,
    TooLarge,
)
from fetch.decoding import CHUNK, BoundedDecoder
from fetch.guard import AddressPolicy, address_problem

try:
    from tests.fetch_fixtures import (
        RawServer,
        closed_port,
        fast_settings,
        fetch_one,
        garbage,
        silent,
        trickle,
    )
except ImportError:  # tests/ on sys.path instead of the project root
    from fetch_fixtures import (  # type: ignore[no-redef]
        RawServer,
        closed_port,
        fast_settings,
        fetch_one,
        garbage,
        silent,
        trickle,
    )

MB = 1_000_000


# --- address guard -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("fc00::1", "private"),
        ("100.64.0.1", "not publicly routable"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "loopback (via 127.0.0.1)"),
        ("::ffff:169.254.169.254", "link-local (via 169.254.169.254)"),
        ("2002:a00:1::", "private (via 10.0.0.1)"),  # 6to4 wrapping 10.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local (via 169.254.169.254)"),  # NAT64
    ],
)
def test_non_public_addresses_are_named(address: str, problem: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_allow_private_matches_hosts_ips_and_cidrs() -> None:
    policy = AddressPolicy(["intranet.example", "10.1.0.0/16", "127.0.0.1"])
    loopback = ipaddress.ip_address("127.0.0.1")
    assert policy.refusal("intranet.example", ipaddress.ip_address("10.9.9.9")) is None
    assert policy.refusal("Intranet.Example.", ipaddress.ip_address("10.9.9.9")) is None
    assert policy.refusal("other.example", ipaddress.ip_address("10.1.2.3")) is None
    assert policy.refusal("other.example", ipaddress.ip_address("10.2.0.1")) is not None
    assert policy.refusal("127.0.0.1", loopback) is None
    assert policy.refusal("127.0.0.1", ipaddress.ip_address("::ffff:127.0.0.1")) is None
    assert policy.refusal("127.0.0.2", ipaddress.ip_address("127.0.0.2")) == (
        "address 127.0.0.2 is loopback"
    )
    assert policy.refusal("evil.example", ipaddress.ip_address("127.0.0.2")) == (
        "host evil.example resolves to 127.0.0.2, which is loopback"
    )


def test_loopback_refused_when_not_allowed(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/").respond_with_data(b"secret", content_type="text/plain")
    error = fetch_one(httpserver_ipv4.url_for("/"), fast_settings(allow_private=()))
    assert isinstance(error, AddressNotAllowed)
    assert error.kind == "address_not_allowed"
    assert error.reason == "address 127.0.0.1 is loopback"
    assert httpserver_ipv4.log == []


def test_localhost_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(b"secret", content_type="text/plain")
    url = f"http://localhost:{httpserver.port}/"
    error = fetch_one(url, fast_settings(allow_private=()))
    assert isinstance(error, AddressNotAllowed)
    assert error.reason.startswith("host localhost resolves to ")
    assert httpserver.log == []
    # Allow-listing the hostname lets it through (and exercises per-address fallback).
    ok = fetch_one(url, fast_settings(allow_private=("localhost",)))
    assert isinstance(ok, FetchResult), ok


def test_ipv6_loopback_refused(httpserver_ipv6: HTTPServer) -> None:
    httpserver_ipv6.expect_request("/").respond_with_data(b"secret", content_type="text/plain")
    error = fetch_one(f"http://[::1]:{httpserver_ipv6.port}/", fast_settings(allow_private=()))
    assert isinstance(error, AddressNotAllowed)
    assert error.reason == "address ::1 is loopback"
    assert httpserver_ipv6.log == []


@pytest.mark.parametrize(
    "url",
    [
        "http://0x7f000001:{port}/",  # hex form of 127.0.0.1
        "http://2130706433:{port}/",  # decimal form
        "http://127.1:{port}/",  # shorthand
        "http://[::ffff:127.0.0.1]:{port}/",
    ],
)
def test_loopback_spellings_refused(httpserver_ipv4: HTTPServer, url: str) -> None:
    httpserver_ipv4.expect_request("/").respond_with_data(b"secret", content_type="text/plain")
    error = fetch_one(url.format(port=httpserver_ipv4.port), fast_settings(allow_private=()))
    assert isinstance(error, AddressNotAllowed), error
    assert httpserver_ipv4.log == []


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "address 169.254.169.254 is link-local"),
        ("http://10.0.0.1/admin", "address 10.0.0.1 is private"),
    ],
)
def test_redirect_to_internal_address_refused(
    httpserver_ipv4: HTTPServer, target: str, reason: str
) -> None:
    httpserver_ipv4.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    started = time.monotonic()
    error = fetch_one(httpserver_ipv4.url_for("/go"), fast_settings(retries=0))
    assert isinstance(error, AddressNotAllowed)
    assert error.reason.endswith(reason)
    assert "redirect to" in error.reason
    # No connect attempt was made, so no connect timeout was waited out.
    assert time.monotonic() - started < 1.5


def test_redirect_refused_without_connecting(httpserver_ipv4: HTTPServer) -> None:
    """A listener on 127.0.0.2 proves the refused hop never opens a connection."""
    with RawServer(silent, host="127.0.0.2") as internal:
        httpserver_ipv4.expect_request("/go").respond_with_data(
            "", status=302, headers={"Location": internal.url}
        )
        error = fetch_one(httpserver_ipv4.url_for("/go"), fast_settings(retries=0))
        assert isinstance(error, AddressNotAllowed)
        time.sleep(0.2)
        assert internal.connections == 0
        # Control: once allowed, the same redirect does connect (so the check above can fail).
        allowed = fast_settings(
            retries=0, total_timeout=0.5, allow_private=("127.0.0.1", "127.0.0.2")
        )
        control = fetch_one(httpserver_ipv4.url_for("/go"), allowed)
        assert isinstance(control, FetchTimeout)
        time.sleep(0.2)
        assert internal.connections == 1


def test_redirect_to_file_scheme_refused(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/go").respond_with_data(
        "", status=301, headers={"Location": "file:///etc/passwd"}
    )
    error = fetch_one(httpserver_ipv4.url_for("/go"))
    assert isinstance(error, SchemeNotAllowed)
    assert "file" in error.reason


# --- size limits ---------------------------------------------------------------------


def test_oversized_by_content_length(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/big").respond_with_data(
        b"a" * (2 * MB), content_type="text/html"
    )
    error = fetch_one(httpserver_ipv4.url_for("/big"), fast_settings(max_bytes=MB))
    assert isinstance(error, TooLarge)
    assert error.kind == "too_large"
    assert error.reason == f"response larger than {MB} bytes (Content-Length {2 * MB})"


def test_oversized_chunked_stream_without_length(httpserver_ipv4: HTTPServer) -> None:
    sent = 0

    def endless(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            nonlocal sent
            for _ in range(100):  # 10 MB if nobody stops reading
                sent += 100_000
                yield b"b" * 100_000

        return Response(body(), content_type="text/html")

    httpserver_ipv4.expect_request("/stream").respond_with_handler(endless)
    error = fetch_one(httpserver_ipv4.url_for("/stream"), fast_settings(max_bytes=MB))
    assert isinstance(error, TooLarge)
    assert error.reason == f"response larger than {MB} bytes"
    assert "Content-Length" not in error.reason


def test_gzip_bomb_stopped_with_bounded_memory() -> None:
    bomb = gzip.compress(b"\0" * (50 * MB), compresslevel=9)
    assert len(bomb) < 100_000
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        f"Content-Length: {len(bomb)}\r\n\r\n"
    ).encode()

    def send_bomb(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head + bomb)

    # A raw socket server, because werkzeug's own buffers would dominate the measurement.
    with RawServer(send_bomb) as server:
        tracemalloc.start()
        try:
            error = fetch_one(server.url, fast_settings(max_bytes=MB))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(error, TooLarge)
    assert error.reason == f"response larger than {MB} bytes"
    # The cap is 1 MB; inflating the whole bomb would need 50 MB (httpx's own decoder
    # inflates a whole network read at once and peaks far above this bound).
    assert peak < 8 * MB


def test_decoder_caps_every_output_chunk() -> None:
    nested = gzip.compress(gzip.compress(b"\0" * (20 * MB)))
    decoder = BoundedDecoder("gzip, gzip")
    total = 0
    for piece in decoder.feed(nested):
        assert len(piece) <= CHUNK
        total += len(piece)
    for piece in decoder.finish():
        total += len(piece)
    assert total == 20 * MB


# --- slow, broken and absent servers -----------------------------------------------


def test_trickling_server_stopped_by_total_timeout() -> None:
    with RawServer(trickle) as server:
        settings = fast_settings(total_timeout=1.5, read_timeout=5.0, retries=2)
        started = time.monotonic()
        error = fetch_one(server.url, settings)
        elapsed = time.monotonic() - started
    assert isinstance(error, FetchTimeout)
    assert error.kind == "timeout"
    assert error.reason == "no complete response within 1.5 s"
    # Not retried: a server that trickles once will trickle again.
    assert server.connections == 1
    assert elapsed < 4


def test_silent_server_hits_read_timeout() -> None:
    with RawServer(silent) as server:
        error = fetch_one(server.url, fast_settings(read_timeout=0.3, retries=1))
        assert isinstance(error, FetchTimeout)
        assert "read timeout" in error.reason
        assert "gave up after 2 attempts" in error.reason
        assert server.connections == 2


def test_garbage_response_is_a_network_error() -> None:
    with RawServer(garbage) as server:
        error = fetch_one(server.url, fast_settings(retries=0))
    assert isinstance(error, NetworkError)
    assert error.kind == "network_error"


def test_connection_refused() -> None:
    port = closed_port()
    error = fetch_one(f"http://127.0.0.1:{port}/", fast_settings(retries=1))
    assert isinstance(error, ConnectFailed)
    assert error.kind == "connect_failed"
    assert error.reason.startswith(f"could not connect to 127.0.0.1:{port}: Connection refused")
    assert "gave up after 2 attempts" in error.reason


def test_tls_failure_is_a_connect_failure(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/").respond_with_data(b"plain", content_type="text/plain")
    url = f"https://127.0.0.1:{httpserver_ipv4.port}/"  # the server speaks plain HTTP
    error = fetch_one(url, fast_settings(retries=0))
    assert isinstance(error, ConnectFailed)
    assert "TLS error" in error.reason


def test_unresolvable_host() -> None:
    error = fetch_one("http://does-not-exist.invalid/", fast_settings(retries=0))
    assert isinstance(error, ConnectFailed)
    assert error.reason.startswith("could not resolve host does-not-exist.invalid")


def test_unsupported_content_encoding(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/br").respond_with_data(
        b"\x0b\x02\x80hello\x03", content_type="text/html", headers={"Content-Encoding": "br"}
    )
    error = fetch_one(httpserver_ipv4.url_for("/br"))
    assert error.kind == "decode_failed"
    assert "br" in error.reason
