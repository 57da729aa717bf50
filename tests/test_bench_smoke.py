"""Smoke test of the benchmark suite: corpus generator, local server, a tiny real ingest.

Proves the bench code works end to end (no timing assertions): the generator is
deterministic and realistic in size, the server rewrites feed links to its own
address, and 20 generated pages go through the real `ingest` flow into SQLite.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from bench.corpus import BASE_PLACEHOLDER, make_article, render_html, vocabulary, write_site
from bench.ingest_scale import ingest_once
from bench.report import ingest_rows, table
from bench.server import serve
from extractors.dedup import shingles


def test_unrelated_generated_articles_share_few_word_5grams() -> None:
    """Like unrelated news stories: otherwise every article is a candidate near-copy of
    every other and the de-duplication index is measured on a corpus no feed resembles."""
    sh = [shingles(make_article(3, i).text) for i in range(40)]
    js = [len(a & b) / len(a | b) for i, a in enumerate(sh) for b in sh[i + 1:]]
    assert sum(js) / len(js) < 0.05
    assert max(js) < 0.1


def test_generator_is_deterministic_and_realistic() -> None:
    a, b = make_article(7, 3), make_article(7, 3)
    assert a == b and render_html(a) == render_html(b)
    assert make_article(8, 3).text != a.text
    voc = vocabulary()
    arts = [make_article(7, i) for i in range(40)]
    assert all(400 <= x.words <= 1300 for x in arts)
    text = " ".join(x.text for x in arts)
    assert sum(m in text for m in voc.open_models) >= 5
    assert sum(m in text for m in voc.closed_models) >= 5
    assert sum(bn in text for bn in voc.benchmarks) >= 5
    # most sentences are filler that names no model
    sents = [s for x in arts for p in x.paragraphs for s in p]
    with_model = [s for s in sents if any(m in s for m in voc.open_models + voc.closed_models)]
    assert 0.05 < len(with_model) / len(sents) < 0.5
    assert len({x.template for x in arts}) >= 3


def test_server_rewrites_feed_links(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", 12, seed=3, per_feed=5)
    assert len(site.feeds) == 3
    assert BASE_PLACEHOLDER in (site.root / site.feeds[0]).read_text()
    with serve(site.root) as base:
        feed = httpx.get(f"{base}/{site.feeds[0]}").text
        links = re.findall(r"<link>([^<]+)</link>", feed)
        assert BASE_PLACEHOLDER not in feed and links[1].startswith(base)
        page = httpx.get(links[1])
        assert page.status_code == 200 and "<article" in page.text or "<p" in page.text
        assert httpx.get(f"{base}/../etc/passwd").status_code == 404
        assert httpx.get(f"{base}/articles/missing.html").status_code == 404


def test_tiny_ingest_through_the_real_flow(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", 20, seed=5, per_feed=10)
    with serve(site.root) as base:
        r = ingest_once(site, base, 20, "smoke", batch_size=50, out_dir=tmp_path)
    assert r["documents"] == 20 and r["failures"] == 0
    assert r["rows"]["document"] == 20 and r["rows"]["claim"] > 20
    assert r["s_per_doc"] and r["s_per_doc"] > 0
    r["extraction_alone"] = {"sample_every": 1, "n1_seconds": 1.0, "n2_seconds": 2.0}
    r["overhead_vs_n1"] = r["seconds"] - 1.0
    rows = ingest_rows({"runs": {"20": r}, "extract_processes": 2})
    assert rows[0][1] == "2"
    assert rows[1][1] == "20 / 0" and rows[1][3] == "yes"
    assert "ingest 20: documents/s" in table({"ingest": {"runs": {"20": r}}})
