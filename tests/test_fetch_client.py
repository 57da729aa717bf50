"""Ordinary HTTP behaviour of the fetcher against a real local server."""

from __future__ import annotations

import asyncio
import gzip
import pickle
import threading
import time
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from fetch import (
    EmptyBody,
    Fetcher,
    FetchError,
    FetchRequest,
    FetchResult,
    FetchSettings,
    HTTPStatusError,
    InvalidURL,
    SchemeNotAllowed,
    TooManyRedirects,
    UnexpectedContentType,
    fetch_all,
)
from fetch.client import parse_retry_after

try:
    from tests.fetch_fixtures import fast_settings, fetch_one
except ImportError:  # tests/ on sys.path instead of the project root
    from fetch_fixtures import fast_settings, fetch_one

HTML = b"<!DOCTYPE html><html><head><title>t</title></head><body>hello</body></html>"
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'


def test_success_reports_body_type_and_headers(httpserver_ipv4: HTTPServer) -> None:
    ua = FetchSettings().user_agent
    httpserver_ipv4.expect_request("/page", headers={"User-Agent": ua}).respond_with_data(
        HTML,
        content_type="text/html; charset=ISO-8859-1",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT", "X-A": "b"},
    )
    url = httpserver_ipv4.url_for("/page")
    result = fetch_one(url, expect="html")
    assert isinstance(result, FetchResult), result
    assert result.status == 200
    assert result.content == HTML
    assert result.url == url and result.final_url == url
    assert result.content_type == "text/html"
    assert result.charset == "iso-8859-1"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert result.headers["x-a"] == "b"
    assert not result.not_modified
    assert result.attempts == 1
    assert result.elapsed > 0


def test_accept_header_depends_on_expect(httpserver_ipv4: HTTPServer) -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("Accept", ""))
        return Response(RSS, content_type="application/rss+xml")

    httpserver_ipv4.expect_request("/feed").respond_with_handler(handler)
    result = fetch_one(httpserver_ipv4.url_for("/feed"), expect="feed")
    assert isinstance(result, FetchResult), result
    assert seen and seen[0].startswith("application/rss+xml")


def test_etag_and_last_modified_round_trip_to_304(httpserver_ipv4: HTTPServer) -> None:
    etag, stamp = '"abc"', "Tue, 07 Jan 2025 10:00:00 GMT"
    httpserver_ipv4.expect_request(
        "/feed", headers={"If-None-Match": etag, "If-Modified-Since": stamp}
    ).respond_with_data("", status=304, headers={"ETag": etag})
    httpserver_ipv4.expect_request("/feed").respond_with_data(
        RSS, content_type="application/rss+xml", headers={"ETag": etag, "Last-Modified": stamp}
    )
    url = httpserver_ipv4.url_for("/feed")

    first = fetch_one(url, expect="feed")
    assert isinstance(first, FetchResult), first
    assert first.content == RSS and not first.not_modified

    second = fetch_one(url, etag=first.etag, last_modified=first.last_modified, expect="feed")
    assert isinstance(second, FetchResult), second
    assert second.not_modified is True
    assert second.status == 304
    assert second.content == b""
    assert second.etag == etag


def test_404_is_final_and_not_retried(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/missing").respond_with_data("nope", status=404)
    error = fetch_one(httpserver_ipv4.url_for("/missing"))
    assert isinstance(error, HTTPStatusError)
    assert error.reason == "HTTP 404 Not Found"
    assert error.kind == "http_status"
    assert error.status == 404
    assert error.url == httpserver_ipv4.url_for("/missing")
    assert len(httpserver_ipv4.log) == 1


def test_500_then_200_is_retried(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_oneshot_request("/flaky").respond_with_data("boom", status=500)
    httpserver_ipv4.expect_request("/flaky").respond_with_data(HTML, content_type="text/html")
    result = fetch_one(httpserver_ipv4.url_for("/flaky"))
    assert isinstance(result, FetchResult), result
    assert result.content == HTML
    assert result.attempts == 2


def test_persistent_502_gives_up_after_all_attempts(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/down").respond_with_data("bad gateway", status=502)
    error = fetch_one(httpserver_ipv4.url_for("/down"), fast_settings(retries=1))
    assert isinstance(error, HTTPStatusError)
    assert error.status == 502
    assert "gave up after 2 attempts" in error.reason
    assert len(httpserver_ipv4.log) == 2


def test_503_retry_after_seconds_is_honoured(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_oneshot_request("/busy").respond_with_data(
        "later", status=503, headers={"Retry-After": "1"}
    )
    httpserver_ipv4.expect_request("/busy").respond_with_data(HTML, content_type="text/html")
    started = time.monotonic()
    result = fetch_one(httpserver_ipv4.url_for("/busy"))
    waited = time.monotonic() - started
    assert isinstance(result, FetchResult), result
    assert result.attempts == 2
    assert waited >= 0.9


def test_429_with_retry_after_beyond_cap_gives_up(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/limited").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    started = time.monotonic()
    error = fetch_one(httpserver_ipv4.url_for("/limited"), fast_settings(max_retry_after=5))
    assert isinstance(error, HTTPStatusError)
    assert error.status == 429
    assert "Retry-After 3600 s exceeds the 5 s cap" in error.reason
    assert len(httpserver_ipv4.log) == 1
    assert time.monotonic() - started < 5


def test_retry_after_parsing() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("-5", now) == 0


def test_redirect_chain_is_followed(httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    server.expect_request("/a").respond_with_data("", status=301, headers={"Location": "b"})
    server.expect_request("/b").respond_with_data(
        "", status=303, headers={"Location": server.url_for("/c")}
    )
    server.expect_request("/c").respond_with_data("", status=307, headers={"Location": "/d?x=1"})
    server.expect_request("/d").respond_with_data(HTML, content_type="text/html")
    result = fetch_one(server.url_for("/a"))
    assert isinstance(result, FetchResult), result
    assert result.url == server.url_for("/a")
    assert result.final_url == server.url_for("/d") + "?x=1"
    assert result.content == HTML


def test_redirect_loop_ends_as_too_many_redirects(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/x").respond_with_data(
        "", status=302, headers={"Location": "/y"}
    )
    httpserver_ipv4.expect_request("/y").respond_with_data(
        "", status=302, headers={"Location": "/x"}
    )
    error = fetch_one(httpserver_ipv4.url_for("/x"))
    assert isinstance(error, TooManyRedirects)
    assert error.kind == "too_many_redirects"
    assert "loop" in error.reason
    # max_redirects=5 means six requests at most.
    assert len(httpserver_ipv4.log) == 6


def test_redirect_chain_longer_than_cap(httpserver_ipv4: HTTPServer) -> None:
    for i in range(4):
        httpserver_ipv4.expect_request(f"/r{i}").respond_with_data(
            "", status=308, headers={"Location": f"/r{i + 1}"}
        )
    httpserver_ipv4.expect_request("/r4").respond_with_data(HTML, content_type="text/html")
    error = fetch_one(httpserver_ipv4.url_for("/r0"), fast_settings(max_redirects=3))
    assert isinstance(error, TooManyRedirects)
    assert "more than 3 redirects" in error.reason
    ok = fetch_one(httpserver_ipv4.url_for("/r0"), fast_settings(max_redirects=4))
    assert isinstance(ok, FetchResult), ok


def test_gzip_body_is_decoded(httpserver_ipv4: HTTPServer) -> None:
    body = HTML * 100
    httpserver_ipv4.expect_request("/gz").respond_with_data(
        gzip.compress(body), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    result = fetch_one(httpserver_ipv4.url_for("/gz"), expect="html")
    assert isinstance(result, FetchResult), result
    assert result.content == body


def test_expect_html_rejects_pdf(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/paper").respond_with_data(
        b"%PDF-1.7\n...", content_type="application/pdf"
    )
    httpserver_ipv4.expect_request("/disguised").respond_with_data(
        b"%PDF-1.7\n...", content_type="text/html"
    )
    error = fetch_one(httpserver_ipv4.url_for("/paper"), expect="html")
    assert isinstance(error, UnexpectedContentType)
    assert error.reason == "expected HTML, got application/pdf"
    assert error.kind == "unexpected_content_type"
    disguised = fetch_one(httpserver_ipv4.url_for("/disguised"), expect="html")
    assert isinstance(disguised, UnexpectedContentType)
    assert "PDF" in disguised.reason
    # "any" takes whatever comes.
    anything = fetch_one(httpserver_ipv4.url_for("/paper"), expect="any")
    assert isinstance(anything, FetchResult) and anything.content_type == "application/pdf"


@pytest.mark.parametrize("media", ["application/json", "image/png", "application/octet-stream"])
def test_expect_html_rejects_other_types(httpserver_ipv4: HTTPServer, media: str) -> None:
    httpserver_ipv4.expect_request("/thing").respond_with_data(b"{}", content_type=media)
    error = fetch_one(httpserver_ipv4.url_for("/thing"), expect="html")
    assert isinstance(error, UnexpectedContentType)
    assert error.reason == f"expected HTML, got {media}"


def _untyped(body: bytes):  # noqa: ANN202 - werkzeug handler factory
    def handler(request: Request) -> Response:
        response = Response(body)
        del response.headers["Content-Type"]
        return response

    return handler


def test_expect_html_sniffs_untyped_body(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/html").respond_with_handler(_untyped(HTML))
    httpserver_ipv4.expect_request("/bin").respond_with_handler(_untyped(b"\x00\x01binary"))
    ok = fetch_one(httpserver_ipv4.url_for("/html"), expect="html")
    assert isinstance(ok, FetchResult), ok
    assert ok.content_type is None
    bad = fetch_one(httpserver_ipv4.url_for("/bin"), expect="html")
    assert isinstance(bad, UnexpectedContentType)


def test_expect_feed_accepts_mislabelled_feed_and_rejects_pages(
    httpserver_ipv4: HTTPServer,
) -> None:
    server = httpserver_ipv4
    atom = b'\xef\xbb\xbf  <feed xmlns="http://www.w3.org/2005/Atom"></feed>'
    server.expect_request("/rss-as-html").respond_with_data(RSS, content_type="text/html")
    server.expect_request("/atom-as-text").respond_with_data(atom, content_type="text/plain")
    server.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    server.expect_request("/xml").respond_with_data(RSS, content_type="text/xml")
    server.expect_request("/png").respond_with_data(
        b"\x89PNG\r\n\x1a\n...", content_type="text/xml"
    )
    server.expect_request("/pdf").respond_with_data(b"%PDF-1.4", content_type="application/pdf")

    for path in ("/rss-as-html", "/atom-as-text", "/xml"):
        result = fetch_one(server.url_for(path), expect="feed")
        assert isinstance(result, FetchResult), (path, result)
    page = fetch_one(server.url_for("/page"), expect="feed")
    assert isinstance(page, UnexpectedContentType)
    assert "text/html" in page.reason
    png = fetch_one(server.url_for("/png"), expect="feed")
    assert isinstance(png, UnexpectedContentType) and "PNG" in png.reason
    pdf = fetch_one(server.url_for("/pdf"), expect="feed")
    assert isinstance(pdf, UnexpectedContentType)
    assert pdf.reason == "expected a feed, got application/pdf"


def test_empty_body_is_an_error(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/empty").respond_with_data(b"", content_type="text/html")
    error = fetch_one(httpserver_ipv4.url_for("/empty"))
    assert isinstance(error, EmptyBody)
    assert error.kind == "empty_body"
    assert error.status == 200


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("file:///etc/passwd", SchemeNotAllowed),
        ("ftp://example.com/file.txt", SchemeNotAllowed),
        ("data:text/html,<h1>hi</h1>", SchemeNotAllowed),
        ("javascript:alert(1)", SchemeNotAllowed),
        ("gopher://example.com/", SchemeNotAllowed),
        ("http://999.1.1.1/", InvalidURL),
        ("http://exa mple.com/", InvalidURL),
        ("http:///no-host", InvalidURL),
        ("just some words", InvalidURL),
        ("", InvalidURL),
        ("http://example.com:99999/", InvalidURL),
    ],
)
def test_bad_urls_are_refused_before_any_network(url: str, kind: type[FetchError]) -> None:
    error = fetch_one(url)
    assert type(error) is kind, error
    assert error.url == url
    assert error.reason


def test_fetch_many_keeps_order_and_mixes_results_and_errors(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/one").respond_with_data(b"1", content_type="text/plain")
    httpserver_ipv4.expect_request("/two").respond_with_data(b"2", content_type="text/plain")
    httpserver_ipv4.expect_request("/gone").respond_with_data(b"", status=410)
    requests = [
        FetchRequest(httpserver_ipv4.url_for("/one")),
        FetchRequest(httpserver_ipv4.url_for("/gone")),
        FetchRequest("ftp://example.com/"),
        FetchRequest(httpserver_ipv4.url_for("/two")),
    ]
    results = fetch_all(requests, fast_settings())
    assert [type(r) for r in results] == [
        FetchResult,
        HTTPStatusError,
        SchemeNotAllowed,
        FetchResult,
    ]
    first, gone, _ftp, last = results
    assert isinstance(first, FetchResult) and first.content == b"1"
    assert isinstance(last, FetchResult) and last.content == b"2"
    assert isinstance(gone, HTTPStatusError) and gone.reason == "HTTP 410 Gone"


def test_fetch_all_works_inside_a_running_loop(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/one").respond_with_data(b"1", content_type="text/plain")

    async def caller() -> list[FetchResult | FetchError]:
        return fetch_all([FetchRequest(httpserver_ipv4.url_for("/one"))], fast_settings())

    (result,) = asyncio.run(caller())
    assert isinstance(result, FetchResult) and result.content == b"1"


def test_per_host_concurrency_is_enforced() -> None:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        lock = threading.Lock()
        active = peak = 0

        def slow(request: Request) -> Response:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.3)
            with lock:
                active -= 1
            return Response(b"ok", content_type="text/plain")

        server.expect_request("/slow").respond_with_handler(slow)
        requests = [FetchRequest(server.url_for("/slow")) for _ in range(6)]
        results = fetch_all(requests, fast_settings(per_host_concurrency=2))
        assert all(isinstance(r, FetchResult) for r in results), results
        assert peak == 2
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def test_errors_survive_pickling() -> None:
    error = HTTPStatusError("HTTP 404 Not Found", url="http://example.com/x", status=404)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is HTTPStatusError
    assert (copy.reason, copy.url, copy.status, copy.kind) == (
        "HTTP 404 Not Found",
        "http://example.com/x",
        404,
        "http_status",
    )


def test_settings_validation() -> None:
    with pytest.raises(ValueError):
        FetchSettings(max_bytes=0)
    with pytest.raises(TypeError):
        FetchSettings(allow_private="127.0.0.1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        FetchRequest("http://example.com/", expect="pdf")


def test_fetcher_can_be_used_without_context_manager(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/one").respond_with_data(b"1", content_type="text/plain")

    async def run() -> FetchResult:
        fetcher = Fetcher(fast_settings())
        try:
            return await fetcher.fetch(FetchRequest(httpserver_ipv4.url_for("/one")))
        finally:
            await fetcher.aclose()

    assert asyncio.run(run()).content == b"1"
