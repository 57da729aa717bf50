"""Failure handling: a stuck run times out; failed documents can be retried later."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import typer
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner
from werkzeug import Request, Response

from extractors.errors import ParseTimeoutError
from extractors.isolation import ArticleParserPool
from flows.ingest import ingest
from flows.retry import RunTimeout, retry_failed
from gapwatch.cli_ops import register
from models.tables import Document, FetchFailure, IngestionRun
from storage import failures as failure_sql
from storage.db import get_engine
from tests import hostile_server as hs
from tests.demo_site import DEMO_DIR
from tests.hostile_summary import guarded, record

GOOD = (DEMO_DIR / "articles" / "six-months-behind.html").read_bytes()
OTHER = (DEMO_DIR / "articles" / "glm-5-3-open-weights-release.html").read_bytes()


def _write_config(tmp_path: Path, feed_url: str, **extra: object) -> str:
    settings = {"allow_private": ["127.0.0.1"], "retries": 0, "connect_timeout": 2.0,
                "read_timeout": 3.0, "total_timeout": 5.0, "parse_timeout": 10.0, **extra}
    lines = ["[settings]"] + [f"{k} = {v!r}".replace("'", '"') for k, v in settings.items()]
    lines += ["", "[[feed]]", 'name = "flaky"', f'url = "{feed_url}"']
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _feed(links: list[str]) -> str:
    items = "".join(f"<item><title>{i}</title><link>{u}</link><guid>{u}</guid></item>"
                    for i, u in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}'
            "</channel></rss>")


def test_stuck_run_times_out_and_is_marked_failed(sqlite_url: str, tmp_path: Path) -> None:
    """A page trickling under every read timeout: the run deadline fails the run.

    The deadline interrupts the flow itself at once; a fetch already in flight in a
    task thread cannot be killed and ends at its own total_timeout, which bounds
    how long the call takes to return.
    """
    with hs.HostileServer() as server:
        feed = server.route("/feed.xml", hs.fixed(
            _feed([server.url("/stuck.html")]).encode(), "application/rss+xml"))
        server.route("/stuck.html", hs.trickle(delay=0.5))
        config = _write_config(tmp_path, feed, read_timeout=10.0, total_timeout=6.0,
                               run_timeout=2.0)
        started = time.monotonic()
        record(inputs=1)
        with pytest.raises(RunTimeout, match="run_timeout of 2 s"):
            ingest(config_path=config, database_url=sqlite_url, force=True)
        elapsed = time.monotonic() - started
        server.stop.set()  # let the trickle thread go
    assert elapsed < 30, f"stuck run took {elapsed:.1f} s to return"
    with Session(get_engine(sqlite_url)) as s:
        runs = s.execute(select(IngestionRun)).scalars().all()
    assert [r.status for r in runs] == ["failed"]
    assert "run_timeout" in (runs[0].error or "") and runs[0].finished_at is not None
    assert runs[0].started_at is not None
    # Marked failed when the deadline fired, not when the stuck fetch gave up (6 s).
    assert (runs[0].finished_at - runs[0].started_at).total_seconds() < 5.5


def test_parse_timeout_kills_the_worker_and_the_pool_recovers() -> None:
    """The isolation pool itself: a stuck parse costs one document, workers are reused."""
    slow = b"<html><body>" + b"<p>open models gap " * 200_000 + b"</body></html>"
    with ArticleParserPool(max_workers=1) as pool:
        first = pool.parse(GOOD, "https://example.org/a", "text/html", timeout=30)
        assert "months" in first.text and pool.spawned == 1
        started = time.monotonic()
        with pytest.raises(ParseTimeoutError, match="1 s"):
            pool.parse(slow, "https://example.org/slow", "text/html", timeout=1.0)
        assert time.monotonic() - started < 5
        again = pool.parse(GOOD, "https://example.org/a", "text/html", timeout=30)
        assert again == first and pool.spawned == 2
        # Reuse: ten more parses, no new process; a normal page parses fast.
        started = time.monotonic()
        for _ in range(10):
            pool.parse(OTHER, "https://example.org/b", "text/html", timeout=30)
        assert pool.spawned == 2 and time.monotonic() - started < 10


def test_retry_failed_recovers_what_now_works(httpserver: HTTPServer, sqlite_url: str,
                                              tmp_path: Path) -> None:
    state = {"up": False}

    def flaky(request: Request) -> Response:
        if state["up"]:
            return Response(GOOD, status=200, content_type="text/html; charset=utf-8")
        return Response("maintenance", status=503)

    httpserver.expect_request("/flaky.html").respond_with_handler(flaky)
    httpserver.expect_request("/gone.html").respond_with_data("gone", status=404)
    httpserver.expect_request("/ok.html").respond_with_data(OTHER, content_type="text/html")
    links = [httpserver.url_for("/flaky.html"), httpserver.url_for("/gone.html"),
             httpserver.url_for("/ok.html")]
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(links), content_type="application/rss+xml")
    config = _write_config(tmp_path, httpserver.url_for("/feed.xml"))
    engine = get_engine(sqlite_url)

    first = guarded(lambda: ingest(config_path=config, database_url=sqlite_url, force=True),
                    inputs=2)
    assert first["documents_new"] == 1
    open_before = failure_sql.unresolved(engine)
    assert sorted(f.url for f in open_before) == sorted(links[:2])
    assert {f.kind for f in open_before} == {"http_status"}

    state["up"] = True
    out = retry_failed(config_path=config, database_url=sqlite_url, limit=10)
    assert out["retried"] == 2 and out["recovered"] == 1 and out["still_failing"] == 1
    with Session(engine) as s:
        urls = set(s.execute(select(Document.url)).scalars())
        fails = s.execute(select(FetchFailure).order_by(FetchFailure.id)).scalars().all()
        runs = {r.id: r for r in s.execute(select(IngestionRun)).scalars()}
    assert links[0] in urls and links[1] not in urls
    flaky_rows = [f for f in fails if f.url == links[0]]
    assert flaky_rows and all(f.resolved_at is not None for f in flaky_rows)
    gone_rows = [f for f in fails if f.url == links[1]]
    assert len(gone_rows) == 2 and all(f.resolved_at is None for f in gone_rows)
    assert runs[out["run_id"]].flow == "retry-failed" and runs[out["run_id"]].status == "completed"
    # Still open: the 404, listed once although it failed twice.
    still = failure_sql.unresolved(engine)
    assert [(f.url, f.attempts) for f in still] == [(links[1], 2)]

    # The CLI command, on its own Typer app (cli.py registers it the same way).
    app = typer.Typer()
    register(app)

    @app.command()
    def _noop() -> None:  # a second command keeps Typer from collapsing the group
        pass

    httpserver.expect_request("/gone.html").respond_with_data(OTHER, content_type="text/html")
    res = CliRunner().invoke(app, ["retry-failed", "--config", config, "--limit", "5",
                                   "--database-url", sqlite_url])
    assert res.exit_code == 0, res.output
    assert "retried 1 URLs" in res.output and "1 still failing" in res.output
    bad = CliRunner().invoke(app, ["retry-failed", "--limit", "0", "--database-url", sqlite_url])
    assert bad.exit_code == 2


def test_retry_failed_closes_failures_of_documents_stored_meanwhile(
        httpserver: HTTPServer, sqlite_url: str, tmp_path: Path) -> None:
    httpserver.expect_request("/a.html").respond_with_data(GOOD, content_type="text/html")
    link = httpserver.url_for("/a.html")
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed([link]), content_type="application/rss+xml")
    config = _write_config(tmp_path, httpserver.url_for("/feed.xml"))
    engine = get_engine(sqlite_url)
    ingest(config_path=config, database_url=sqlite_url, force=True)
    from storage import load

    load.record_failure(engine, url=link, stage="fetch", kind="timeout", reason="old timeout")
    httpserver.clear_log()
    out = retry_failed(config_path=config, database_url=sqlite_url)
    assert out["already_stored"] == 1 and out["failures_resolved"] == 1
    assert not [e for e, _ in httpserver.log if e.path == "/a.html"]  # nothing refetched
    assert failure_sql.unresolved(engine) == []
