"""The real `ingest` Prefect flow over the demo corpus served by a real local HTTP server."""

from __future__ import annotations

import itertools
import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlmodel import Session

from flows.ingest import ingest
from models.tables import Claim, Document, FetchFailure, IngestionRun
from storage.db import get_engine
from tests.demo_site import DEMO_DIR, serve_tree


def _count(url: str, table: type) -> int:
    with Session(get_engine(url)) as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar() or 0)


@pytest.fixture()
def demo_base(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> str:
    base = serve_tree(httpserver)
    monkeypatch.setenv("GAPWATCH_DEMO_BASE", base)
    return base


def test_demo_ingest_is_complete_and_idempotent(demo_base: str, db_url: str) -> None:
    config = str(DEMO_DIR / "sources.toml")
    first = ingest(config_path=config, database_url=db_url, force=True)
    docs = _count(db_url, Document)
    claims = _count(db_url, Claim)
    assert first["documents_new"] == docs >= 20
    assert claims == first["claims_new"] > 50
    with Session(get_engine(db_url)) as s:
        kinds = dict(s.execute(select(Document.kind, func.count()).group_by(Document.kind)).all())
        fails = s.execute(select(FetchFailure)).scalars().all()
        run = s.get(IngestionRun, first["run_id"])
        assert run is not None and run.status == "completed" and run.documents_new == docs
        # Every document keeps published and ingested apart; papers carry arXiv metadata.
        papers = s.execute(select(Document).where(Document.kind == "paper")).scalars().all()
        assert len(papers) == 10
        assert all(p.meta.get("arxiv_id") and p.published_at for p in papers)
        assert sum(bool(p.meta.get("full_text")) for p in papers) == 2
        assert all(d.ingested_at is not None
                   for d in s.execute(select(Document)).scalars())
    assert kinds.get("article", 0) >= 15
    assert [f.kind for f in fails] == ["http_status"]  # the retracted story
    assert "404" in fails[0].reason and fails[0].url.endswith("retracted-story.html")

    second = ingest(config_path=config, database_url=db_url, force=True)
    assert second.get("documents_new", 0) == 0 and second.get("claims_new", 0) == 0
    assert second["sources_not_modified"] == second["sources_polled"]
    assert _count(db_url, Document) == docs and _count(db_url, Claim) == claims


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bad_sources_become_failures_and_the_run_completes(httpserver: HTTPServer,
                                                           sqlite_url: str,
                                                           tmp_path: Path) -> None:
    base = httpserver.url_for("").rstrip("/")
    good = (DEMO_DIR / "articles" / "six-months-behind.html").read_bytes()
    items = "".join(
        f"<item><title>{name}</title><link>{link}</link><guid>{name}</guid></item>"
        for name, link in [("good", f"{base}/good.html"), ("missing", f"{base}/missing.html"),
                           ("pdf", f"{base}/paper.pdf"), ("huge", f"{base}/huge.html"),
                           ("private", "http://10.1.2.3/internal.html"),
                           ("metadata", "http://169.254.169.254/latest/meta-data/"),
                           ("ftp", "ftp://example.org/file.html")])
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"{items}</channel></rss>")
    httpserver.expect_request("/feed.xml").respond_with_data(
        feed, content_type="application/rss+xml")
    httpserver.expect_request("/good.html").respond_with_data(good, content_type="text/html")
    httpserver.expect_request("/paper.pdf").respond_with_data(
        b"%PDF-1.7\n" + b"\x00" * 2000, content_type="application/pdf")
    httpserver.expect_request("/huge.html").respond_with_data(
        b"<html><body><p>" + b"open models " * 30000 + b"</p></body></html>",
        content_type="text/html")
    httpserver.expect_request("/error.xml").respond_with_data("boom", status=500)
    httpserver.expect_request("/broken.xml").respond_with_data(
        "<rss><channel><title>cut off", content_type="application/rss+xml")
    config = tmp_path / "bad.toml"
    config.write_text(f"""
[settings]
allow_private = ["127.0.0.1"]
max_bytes = 200000
retries = 1
connect_timeout = 2.0
read_timeout = 5.0

[[feed]]
name = "mixed"
url = "{base}/feed.xml"

[[feed]]
name = "server error"
url = "{base}/error.xml"

[[feed]]
name = "malformed"
url = "{base}/broken.xml"

[[feed]]
name = "unreachable"
url = "http://127.0.0.1:{_closed_port()}/feed.xml"

[[url]]
name = "private page"
url = "http://192.168.0.10/page.html"
""", encoding="utf-8")
    result = ingest(config_path=str(config), database_url=sqlite_url, force=True)
    assert result["documents_new"] == 1
    with Session(get_engine(sqlite_url)) as s:
        fails = {f.url: f for f in s.execute(select(FetchFailure)).scalars()}
        run = s.get(IngestionRun, result["run_id"])
    assert run is not None and run.status == "completed" and run.failures == len(fails) == 10
    expect = {
        f"{base}/missing.html": "http_status",
        f"{base}/paper.pdf": "unexpected_content_type",
        f"{base}/huge.html": "too_large",
        "http://10.1.2.3/internal.html": "address_not_allowed",
        "http://169.254.169.254/latest/meta-data/": "address_not_allowed",
        f"{base}/error.xml": "http_status",
        "http://192.168.0.10/page.html": "address_not_allowed",
    }
    for url, kind in expect.items():
        assert fails[url].kind == kind, (url, fails[url].reason)
        assert fails[url].reason
    assert fails[f"{base}/error.xml"].status_code == 500
    malformed = [f for f in fails.values() if f.url == f"{base}/broken.xml"]
    assert malformed and malformed[0].stage == "parse" and "feed" in malformed[0].reason.lower()
    assert any(f.kind == "connect_failed" for f in fails.values())
    assert any(f.url.startswith("ftp://") for f in fails.values())


def test_a_failed_store_keeps_the_feed_unconditional(demo_base: str, sqlite_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection at the storage boundary: the feed's ETag is not kept, so the next
    poll gets the feed again (not a 304) and the document that failed is stored then."""
    from storage import load

    config = str(DEMO_DIR / "sources.toml")
    real_store = load._store

    def flaky_store(session, items, *args, **kwargs):  # type: ignore[no-untyped-def]
        if any(it.document.url.endswith("six-months-behind.html") for it in items):
            raise OSError("disk full (injected)")
        return real_store(session, items, *args, **kwargs)

    monkeypatch.setattr(load, "_store", flaky_store)
    first = ingest(config_path=config, database_url=sqlite_url, force=True)
    with Session(get_engine(sqlite_url)) as s:
        fails = s.execute(select(FetchFailure).where(FetchFailure.stage == "store")).scalars()
        assert [f.url.rsplit("/", 1)[-1] for f in fails] == ["six-months-behind.html"]
    monkeypatch.setattr(load, "_store", real_store)
    second = ingest(config_path=config, database_url=sqlite_url, force=True)
    assert second["documents_new"] == 1
    assert second["sources_not_modified"] < second["sources_polled"]
    assert first["documents_new"] + 1 == _count(sqlite_url, Document)


def test_documents_flow_while_later_sources_are_still_polled(
        demo_base: str, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches are fetched as soon as their source's poll task is done, not after every
    source has been polled: the first documents are reported before the last poll."""
    from flows import ingest as ingest_module
    from flows import progress

    monkeypatch.setattr(ingest_module, "POLL_CHUNK", 1)
    monkeypatch.setattr(ingest_module, "POLLS_IN_FLIGHT", 1)
    events: list[tuple[str, int, int]] = []
    progress.set_reporter(lambda stage, done, total: events.append((stage, done, total)))
    try:
        out = ingest(config_path=str(DEMO_DIR / "sources.toml"), database_url=sqlite_url,
                     force=True)
    finally:
        progress.set_reporter(None)
    polls = [e for e in events if e[0] == "poll"]
    assert polls[-1][1] == polls[-1][2] > 1  # every source polled, one at a time
    last_poll = events.index(polls[-1])
    assert any(stage == "documents" for stage, _d, _t in events[:last_poll])
    assert out["documents_new"] == _count(sqlite_url, Document) > 0


def test_chunks_ramp_up_to_full_size() -> None:
    from flows.ingest import ramp, ramped_chunks

    assert list(itertools.islice(ramp(100), 5)) == [25, 50, 100, 100, 100]
    assert list(itertools.islice(ramp(8), 4)) == [2, 4, 8, 8]
    assert list(itertools.islice(ramp(1), 3)) == [1, 1, 1]
    items = list(range(40))
    parts = ramped_chunks(items, 8)
    assert [len(p) for p in parts] == [2, 4, 8, 8, 8, 8, 2]
    assert [x for p in parts for x in p] == items
    assert ramped_chunks([], 8) == []
