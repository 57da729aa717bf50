"""The real ingest flow over syndicated copies served by a real local HTTP server."""

from __future__ import annotations

import html
from pathlib import Path

from pytest_httpserver import HTTPServer
from rich.console import Console
from sqlalchemy import select
from sqlmodel import Session

from flows.ingest import ingest
from gapwatch.render import print_summary
from models.tables import Document, IngestionRun
from storage import dedup
from storage.db import get_engine
from storage.queries import ClaimFilter, list_claims, summary
from tests.test_dedup_stories import (
    NEWSLETTER,
    ORIGINAL,
    SAME_TOPIC,
    SYNDICATED_ADDED,
    SYNDICATED_CUT,
)

PAGES = {
    "wire": ("Open models close in on the frontier", ORIGINAL),
    "partner-a": ("Open models are catching up, benchmarks show", SYNDICATED_CUT),
    "partner-b": ("The gap keeps shrinking", SYNDICATED_ADDED),
    "blog": ("We ran our own comparison", SAME_TOPIC),
    "letter": ("This week in open models", NEWSLETTER),
}


def _page(title: str, text: str) -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return (f"<html><head><title>{html.escape(title)}</title></head><body><nav>Home | News"
            f"</nav><article><h1>{html.escape(title)}</h1>{paras}</article>"
            "<footer>Example site</footer></body></html>")


def test_ingest_links_syndicated_copies_and_counts_clusters(httpserver: HTTPServer,
                                                            db_url: str,
                                                            tmp_path: Path) -> None:
    base = httpserver.url_for("").rstrip("/")
    items = "".join(f"<item><title>{html.escape(t)}</title><link>{base}/{name}.html</link>"
                    f"<guid>{name}</guid><pubDate>Sun, 01 Nov 2026 0{i}:00:00 GMT</pubDate>"
                    "</item>" for i, (name, (t, _x)) in enumerate(PAGES.items()))
    httpserver.expect_request("/feed.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
        "</channel></rss>", content_type="application/rss+xml")
    for name, (title, text) in PAGES.items():
        httpserver.expect_request(f"/{name}.html").respond_with_data(
            _page(title, text), content_type="text/html; charset=utf-8")
    config = tmp_path / "dedup.toml"
    config.write_text(f"""
[settings]
allow_private = ["127.0.0.1"]
batch_size = 1
pipeline_window = 1

[[feed]]
name = "syndication"
url = "{base}/feed.xml"
""", encoding="utf-8")

    result = ingest(config_path=str(config), database_url=db_url, force=True)
    assert result["documents_new"] == 3 and result["documents_duplicate"] == 2
    assert result["claims_repeated"] > 0
    assert result["claim_clusters_new"] + result["claims_repeated"] == result["claims_new"]
    engine = get_engine(db_url)
    with Session(engine) as s:
        docs = {d.url.rsplit("/", 1)[-1]: d for d in s.execute(select(Document)).scalars()}
        run = s.get(IngestionRun, result["run_id"])
    wire = docs["wire.html"]
    assert docs["partner-a.html"].copy_of == wire.id and docs["partner-b.html"].copy_of == wire.id
    assert docs["blog.html"].copy_of is None and docs["letter.html"].copy_of is None
    assert docs["partner-a.html"].title != wire.title  # each copy keeps its provenance
    assert run is not None and run.documents_duplicate == 2
    assert run.claims_repeated == result["claims_repeated"]

    summ = summary(engine, run_id=result["run_id"])
    assert summ.document_copies_by_kind == {"article": 2}
    assert sum(summ.documents_by_kind.values()) == 3
    assert summ.claims == len(list_claims(engine, ClaimFilter(distinct=True), limit=500))
    assert summ.claim_copies >= 2 * 4 and summ.claims < summ.claim_mentions
    assert dedup.cluster_totals(engine).clusters == summ.claims
    out = Console(record=True, width=200)
    print_summary(out, summ, result)
    text = out.export_text()
    assert f"Claims: {summ.claims} clusters" in text and f"({summ.claim_copies} copies)" in text
    assert "documents copied (linked, not counted)" in text

    again = ingest(config_path=str(config), database_url=db_url, force=True)
    assert again.get("documents_new", 0) == 0 and again.get("documents_duplicate", 0) == 0
    assert summary(engine).claims == summ.claims
