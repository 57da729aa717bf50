"""Dashboard pages as HTML (no browser): escaping, sentence-in-context view, model page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from test_api_support import FIRST_PARTY_URL, XSS, copy_database

from gapwatch.api import ApiSettings, create_app
from gapwatch.api.charts import highlight_segments

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = copy_database(tmp_path_factory.mktemp("dash") / "dash.db")
    return TestClient(create_app(ApiSettings(database_url=db)))


def test_index_has_charts_with_data_and_escapes_stored_text(client: TestClient) -> None:
    resp = client.get("/", headers=BROWSER)
    assert resp.status_code == 200
    html = resp.text
    assert XSS not in html and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    counts = [int(n) for n in re.findall(r'class="bar [a-z]+"[^>]*data-count="(\d+)"', html)]
    assert counts and sum(counts) > 20
    cells = [int(n) for n in re.findall(r'class="cell [a-z]+"[^>]*data-count="(\d+)"', html)]
    assert len(cells) % 3 == 0 and sum(cells) > 20
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    # Works offline: every script and stylesheet comes from this server.
    assets = re.findall(r'<script[^>]*src="([^"]*)"', html)
    assets += re.findall(r'<link rel="stylesheet" href="([^"]*)"', html)
    assert assets and all(a.startswith("/static/") for a in assets)


def test_dashboard_filters(client: TestClient) -> None:
    html = client.get("/?stance=divergence&dimension=&openness=", headers=BROWSER).text
    stances = re.findall(r'<li class="claim (\w+)" data-claim-id', html)
    assert stances and set(stances) == {"divergence"}


def test_dashboard_filters_by_stance_confidence(client: TestClient) -> None:
    every = client.get("/?limit=200", headers=BROWSER).text
    sure = client.get("/?limit=200&min_stance_confidence=0.7", headers=BROWSER).text
    conf = [float(x) for x in re.findall(r'data-stance-confidence="([\d.]+)"', sure)]
    assert conf and min(conf) >= 0.7
    assert len(conf) < len(re.findall(r'data-claim-id=', every))
    assert 'value="0.7" selected' in sure  # the form keeps the choice


def test_document_view_highlights_claims_by_offset(client: TestClient) -> None:
    claims = client.get("/claims", params={"q": "window.__pwned"}).json()["items"]
    assert len(claims) == 1
    c = claims[0]
    html = client.get(f"/documents/{c['document_id']}", headers=BROWSER).text
    mark = re.search(rf'<mark id="c{c["id"]}"[^>]*>(.*?)</mark>', html, re.S)
    assert mark and "&lt;script&gt;" in mark.group(1) and "<script>" not in mark.group(1)
    assert client.get(f"/documents/{c['document_id']}").headers["content-type"].startswith(
        "application/json")
    demo = client.get("/claims", params={"source": "Open Model Wire", "limit": 1}).json()
    d = demo["items"][0]
    page = client.get(f"/documents/{d['document_id']}?format=html").text
    assert f'id="c{d["id"]}"' in page


def test_segments_cope_with_overlaps_and_bad_offsets() -> None:
    text = "One. Two three. Four."
    segs = highlight_segments(text, [{"id": 1, "start": 0, "end": 4},
                                     {"id": 2, "start": 2, "end": 15},
                                     {"id": 3, "start": 50, "end": 60}])
    assert "".join(s["text"] for s in segs) == text
    assert [s["claim"]["id"] for s in segs if s["claim"]] == [1, 2]


def test_model_page_shows_figures_parties_and_peers(client: TestClient) -> None:
    html = client.get("/models/claude-opus-5", headers=BROWSER).text
    assert 'id="b-swe-bench-verified"' in html
    assert "first" in html and "third" in html
    assert re.search(r'<circle class="dot closed mine"', html)
    assert re.search(r'<circle class="dot open', html), "open peers on the same benchmark"
    data = client.get("/models/claude-opus-5").json()
    assert any(f["url"] == FIRST_PARTY_URL for f in data["figures"])
    assert client.get("/models/no-such-model", headers=BROWSER).status_code == 404
