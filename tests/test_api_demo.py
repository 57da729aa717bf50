"""The HTTP API against a database filled by a real ingest of the demo corpus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from fastapi.testclient import TestClient
from test_api_support import (
    FIRST_PARTY_URL,
    THIRD_PARTY_URL,
    UNDATED_URL,
    XSS,
    add_document,
    copy_database,
)

from gapwatch.api import ApiSettings, create_app


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return copy_database(tmp_path / "api.db")


@pytest.fixture()
def client(db: str) -> TestClient:
    return TestClient(create_app(ApiSettings(database_url=db)))


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _all_claims(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = client.get("/claims", params={"limit": 500, **params}).json()
    out += page["items"]
    while page["next_cursor"]:
        page = client.get("/claims", params={"limit": 500, **params,
                                             "cursor": page["next_cursor"]}).json()
        out += page["items"]
    return out


def test_claims_come_from_the_demo_ingest_with_provenance(client: TestClient) -> None:
    claims = _all_claims(client)
    assert len(claims) > 100
    sources = {c["source"] for c in claims}
    assert {"Open Model Wire", "The Gap Letter"} <= sources
    ids = [c["id"] for c in claims]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    sample = next(c for c in claims if c["source"] == "Open Model Wire")
    for key in ("url", "title", "published_at", "ingested_at", "start", "end",
                "extractor_version", "models", "benchmarks", "figures", "dimensions"):
        assert key in sample
    doc = client.get(f"/documents/{sample['document_id']}").json()
    assert doc["document"]["text"][sample["start"]:sample["end"]] == sample["text"]
    assert sample["context_url"] == f"/documents/{sample['document_id']}#c{sample['id']}"
    one = client.get(f"/claims/{sample['id']}").json()
    assert one["text"] == sample["text"] and one["url"] == sample["url"]
    assert client.get("/claims/999999").status_code == 404


def test_filters_match_the_labels(client: TestClient) -> None:
    div = _all_claims(client, stance="divergence", dimension="coding")
    assert div and all(c["stance"] == "divergence" and "coding" in c["dimensions"]
                       for c in div)
    src = _all_claims(client, source="The Gap Letter")
    assert src and all(c["source"] == "The Gap Letter" for c in src)
    hits = _all_claims(client, q="GAP")
    assert hits and all("gap" in c["text"].lower() for c in hits)
    assert len(hits) < len(_all_claims(client))
    closed = _all_claims(client, openness="closed")
    models = {m["id"]: m for m in client.get("/models").json()["items"]}
    assert closed and all(any(models[m]["openness"] == "closed" for m in c["models"])
                          for c in closed)


def test_undated_claims_never_match_a_date_filter(client: TestClient) -> None:
    every = _all_claims(client)
    undated = [c for c in every if c["url"] == UNDATED_URL]
    assert undated and undated[0]["published_at"] is None
    for params in ({"since": "2000-01-01"}, {"until": "2100-01-01"},
                   {"since": "2000-01-01", "until": "2100-01-01"}):
        got = _all_claims(client, **params)
        assert got and all(c["published_at"] is not None for c in got)
        assert UNDATED_URL not in {c["url"] for c in got}
    in_oct = _all_claims(client, since="2026-10-01", until="2026-11-01T00:00:00Z")
    assert in_oct and all("2026-10" in c["published_at"][:7] for c in in_oct)


def test_claims_filter_by_the_stance_models_confidence(client: TestClient) -> None:
    every = _all_claims(client)
    scored = [c for c in every if c["stance_confidence"] is not None]
    assert len(scored) > 50  # the ingested claims; the crafted rows carry none
    assert all(1 / 3 <= c["stance_confidence"] <= 1.0 for c in scored)  # a top-of-three
    sure = _all_claims(client, min_stance_confidence=0.7)
    assert 0 < len(sure) < len(scored)
    assert {c["id"] for c in sure} == {c["id"] for c in scored if c["stance_confidence"] >= 0.7}


def test_cursor_pagination_is_exact_while_claims_are_ingested(client: TestClient,
                                                             db: str) -> None:
    before = {c["id"] for c in _all_claims(client)}
    seen: list[int] = []
    url = "/claims?limit=17"
    page = client.get(url).json()
    n = 0
    while True:
        seen += [c["id"] for c in page["items"]]
        n += 1
        # A new document (and its claim) lands between every two page requests.
        add_document(f"https://example.org/live/{n}", f"Live claim number {n} about the gap.",
                     published=datetime(2026, 11, 21, tzinfo=UTC), db_url=db)
        if not page["next_url"]:
            break
        page = client.get(_path(page["next_url"])).json()
    assert n > 5
    assert len(seen) == len(set(seen)), "a claim was returned twice"
    assert set(seen) == before, "a claim present at the start was skipped"
    assert len(_all_claims(client)) == len(before) + n


def test_as_of_hides_later_ingests_everywhere(client: TestClient, db: str) -> None:
    cut = datetime.now(UTC)
    doc_id = add_document("https://example.org/later", "A later claim that open models lead.",
                          published=cut - timedelta(days=400), db_url=db,
                          stance="convergence", dims=("overall",))
    later = [c for c in _all_claims(client) if c["document_id"] == doc_id]
    assert len(later) == 1
    as_of = {"as_of": cut.isoformat()}
    assert doc_id not in {c["document_id"] for c in _all_claims(client, **as_of)}
    assert client.get(f"/claims/{later[0]['id']}", params=as_of).status_code == 404
    assert client.get(f"/documents/{doc_id}", params=as_of).status_code == 404
    assert client.get(f"/documents/{doc_id}").status_code == 200
    feed = client.get("/feed.json", params=as_of).json()
    assert f"tag:gapwatch,2026:claim/{later[0]['id']}" not in {i["id"] for i in feed["items"]}
    window = {"since": (cut - timedelta(days=420)).date().isoformat(),
              "until": (cut - timedelta(days=380)).date().isoformat()}
    sig_all = client.get("/signals", params=window).json()
    sig_cut = client.get("/signals", params={**window, **as_of}).json()

    def overall(sig: dict[str, Any]) -> int:
        return next(d for d in sig["dimensions"]
                    if d["dimension"] == "overall")["totals"]["convergence"]

    assert overall(sig_all) == overall(sig_cut) + 1
    # Nothing of the demo had been ingested at the epoch.
    assert _all_claims(client, as_of="2000-01-01T00:00:00Z") == []


def test_json_feed_has_the_required_fields_and_pages(client: TestClient) -> None:
    feed = client.get("/feed.json", params={"limit": 40})
    assert feed.headers["content-type"].startswith("application/feed+json")
    body = feed.json()
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["items"], list) and len(body["items"]) == 40
    ids: list[str] = []
    while True:
        for item in body["items"]:
            assert isinstance(item["id"], str) and item["id"].startswith("tag:gapwatch,2026:")
            assert item.get("content_text") or item.get("content_html")
            if "date_published" in item:
                datetime.fromisoformat(item["date_published"])
            ids.append(item["id"])
        if "next_url" not in body:
            break
        body = client.get(_path(body["next_url"])).json()
    assert len(ids) == len(set(ids)) == len(_all_claims(client))
    nums = [int(i.rsplit("/", 1)[1]) for i in ids]
    assert nums == sorted(nums, reverse=True)  # newest first


def test_atom_feed_parses_with_permanent_ids_and_next_links(client: TestClient) -> None:
    resp = client.get("/feed.atom", params={"limit": 50})
    assert resp.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(resp.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == 50
    ids = [e.id for e in parsed.entries]
    assert all(i.startswith("tag:gapwatch,2026:claim/") for i in ids)
    xss = [e for e in parsed.entries if XSS in e.get("content", [{}])[0].get("value", "")
           or "window.__pwned" in e.title]
    assert xss, "the newest demo claims include the crafted <script> claim"
    total = len(ids)
    nxt = [link.href for link in parsed.feed.links if link.rel == "next"]
    while nxt:
        page = feedparser.parse(client.get(_path(nxt[0])).content)
        assert not page.bozo
        ids += [e.id for e in page.entries]
        total += len(page.entries)
        nxt = [link.href for link in page.feed.links if link.rel == "next"]
    assert len(set(ids)) == total == len(_all_claims(client))
    # The same claim keeps its id on a later fetch (permanent ids).
    again = feedparser.parse(client.get("/feed.atom", params={"limit": 5}).content)
    assert [e.id for e in again.entries] == ids[:5]


def test_compare_marks_first_and_third_party(client: TestClient) -> None:
    resp = client.get("/figures/compare",
                      params={"model": "claude-opus-5", "benchmark": "swe-bench-verified"})
    assert resp.status_code == 200
    body = resp.json()
    by_url = {v["url"]: v for v in body["values"]}
    assert by_url[FIRST_PARTY_URL]["party"] == "first"
    assert by_url[THIRD_PARTY_URL]["party"] == "third"
    demo = [v for v in body["values"] if v["url"].startswith("http://127.0.0.1")]
    assert demo and all(v["party"] == "third" for v in demo)
    score = next(g for g in body["summary"] if g["kind"] == "score")
    assert score["first_party"] == 1 and score["third_party"] >= 2
    assert score["first_party_median"] == 80.9
    assert score["first_minus_third"] < -3
    assert score["spread"] >= 84.1 - 80.9 - 1e-9
    assert by_url[FIRST_PARTY_URL]["disagrees"] is True
    assert FIRST_PARTY_URL in score["disagreeing_sources"]
    assert client.get("/figures/compare", params={"model": "nope", "benchmark": "hle"}
                      ).status_code == 404


def test_registry_figures_and_signals(client: TestClient) -> None:
    models = client.get("/models").json()["items"]
    opus = next(m for m in models if m["id"] == "claude-opus-5")
    assert opus["openness"] == "closed" and opus["figures"] >= 3 and opus["claims"] >= 1
    assert {m["openness"] for m in models} >= {"open", "closed"}
    benches = {b["id"]: b for b in client.get("/benchmarks").json()["items"]}
    assert benches["swe-bench-verified"]["figures"] >= 3
    figs = client.get("/figures", params={"model": "claude-opus-5", "kind": "score",
                                          "limit": 2}).json()
    assert len(figs["items"]) == 2 and figs["next_cursor"]
    rest = client.get("/figures", params={"model": "claude-opus-5", "kind": "score",
                                          "cursor": figs["next_cursor"]}).json()
    assert not {f["id"] for f in figs["items"]} & {f["id"] for f in rest["items"]}
    sig = client.get("/signals", params={"since": "2026-06-01", "until": "2026-12-01"}).json()
    dims = {d["dimension"]: d for d in sig["dimensions"]}
    assert len(dims) == 16
    total = sum(d["totals"]["total"] for d in dims.values())
    assert total > 50
    for d in dims.values():
        t = d["totals"]
        if t["total"]:
            assert d["net"] == round((t["convergence"] - t["divergence"]) / t["total"], 4)
        assert sum(p["total"] for p in d["series"]) == t["total"]
        assert all(p["period"] >= "2026-05-25" for p in d["series"])
    assert sig["latest_gap"] or sig["latest_lag"]
    assert sig["forecasts"] and 0 <= sig["forecasts"][0]["probability"] <= 1
    # the stance balance from the confident claims only: fewer, and each count no larger
    sure = client.get("/signals", params={"since": "2026-06-01", "until": "2026-12-01",
                                          "min_stance_confidence": 0.7}).json()
    sure_dims = {d["dimension"]: d for d in sure["dimensions"]}
    assert 0 < sum(d["totals"]["total"] for d in sure_dims.values()) < total
    assert all(sure_dims[k]["totals"][s] <= dims[k]["totals"][s] for k in dims
               for s in ("convergence", "divergence", "neutral"))
    day = client.get("/signals", params={"bucket": "day", "dimension": "coding",
                                         "since": "2026-10-01", "until": "2026-10-08"}).json()
    assert [d["dimension"] for d in day["dimensions"]] == ["coding"]
    assert len(day["dimensions"][0]["series"]) == 7


@pytest.mark.parametrize("query", [
    "limit=0", "limit=501", "dimension=vibes", "stance=up", "cursor=bm90LWEtY3Vyc29y",
    "bogus=1", "q=" + "x" * 201, "as_of=yesterday", "hedged=perhaps",
    "min_stance_confidence=1.5", "min_stance_confidence=sure",
])
def test_inputs_are_bounded(client: TestClient, query: str) -> None:
    assert client.get(f"/claims?{query}").status_code in (400, 422)


def test_feeds_bound_page_size(client: TestClient) -> None:
    assert client.get("/feed.json?limit=101").status_code == 422
    assert client.get("/signals?periods=367").status_code == 422
    assert client.get("/signals?min_stance_confidence=2").status_code == 422


def test_writes_need_the_configured_token(db: str) -> None:
    off = TestClient(create_app(ApiSettings(database_url=db)))
    assert off.post("/ingest").status_code == 403
    app = create_app(ApiSettings(database_url=db, api_token="s3cret-token"))
    on = TestClient(app)
    assert on.post("/ingest").status_code == 401
    assert on.post("/ingest", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = on.post("/ingest", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 409  # authorised, but this server has no config to ingest
    assert on.get("/ingest", headers={"Authorization": "Bearer s3cret-token"}).json() == {
        "running": False, "last": None}


def test_cors_is_off_unless_configured(db: str) -> None:
    origin = {"Origin": "https://notebook.example"}
    off = TestClient(create_app(ApiSettings(database_url=db)))
    assert "access-control-allow-origin" not in off.get("/claims?limit=1", headers=origin).headers
    on = TestClient(create_app(ApiSettings(database_url=db,
                                           cors_origins=("https://notebook.example",))))
    got = on.get("/claims?limit=1", headers=origin).headers
    assert got["access-control-allow-origin"] == "https://notebook.example"


def test_openapi_documents_the_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/claims", "/claims/{claim_id}", "/documents/{document_id}", "/models",
                 "/benchmarks", "/figures", "/figures/compare", "/signals", "/feed.json",
                 "/feed.atom"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/claims"]["get"]["parameters"]}
    assert {"dimension", "stance", "model", "as_of", "cursor", "limit", "since"} <= params
    docs = client.get("/docs")
    assert docs.status_code == 200
    # Swagger UI's files come from this server (an offline install has no CDN).
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text
    js = client.get("/static/swagger/swagger-ui-bundle.js")
    assert js.status_code == 200 and "SwaggerUIBundle" in js.text
    assert client.get("/static/swagger/swagger-ui.css").status_code == 200
