"""The API's SQL on both backends (real SQLite and real PostgreSQL), with crafted rows.

The demo-ingest tests run on SQLite; these check what differs by dialect: day and
week bucketing, timestamp comparisons for as_of, and the aggregate queries.
"""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
from fastapi.testclient import TestClient
from test_api_support import add_crafted, add_document

from gapwatch.api import ApiSettings, create_app
from models.records import RegistryBenchmark, RegistryModel
from storage import load
from storage.db import get_engine, upgrade


def _client(db_url: str) -> TestClient:
    engine = get_engine(db_url)
    upgrade(engine)
    load.sync_registry(engine, [RegistryModel("claude-opus-5", "Claude Opus 5", "Claude",
                                              "Anthropic", "US", "closed"),
                                RegistryModel("kimi-k3", "Kimi K3", "Kimi", "Moonshot AI",
                                              "CN", "open")],
                       [RegistryBenchmark("swe-bench-verified", "SWE-bench Verified", "coding")])
    return TestClient(create_app(ApiSettings(database_url=db_url)))


def test_signals_bucket_by_utc_day_and_iso_week(db_url: str) -> None:
    client = _client(db_url)
    # Mon 2026-10-05 .. Sun 2026-10-11 is one ISO week; 23:30 at UTC-5 is the next UTC day.
    stamps = [("2026-10-05T00:10:00+00:00", "convergence"),
              ("2026-10-11T23:59:00+00:00", "convergence"),
              ("2026-10-10T23:30:00-05:00", "divergence"),  # 2026-10-11 04:30 UTC
              ("2026-10-12T00:00:00+00:00", "divergence"),  # next week
              ("2026-10-07T12:00:00+00:00", "neutral")]
    for i, (ts, stance) in enumerate(stamps):
        add_document(f"https://example.org/w{i}", f"Claim {i} about coding parity.",
                     published=datetime.fromisoformat(ts).astimezone(UTC),  # parsers give UTC
                     db_url=db_url, stance=stance,
                     dims=("coding", "overall"))
    add_document("https://example.org/undated", "Undated claim about coding parity.",
                 published=None, db_url=db_url, stance="divergence", dims=("coding",))
    week = client.get("/signals", params={"since": "2026-10-05", "until": "2026-10-19",
                                          "dimension": "coding"}).json()
    series = week["dimensions"][0]["series"]
    assert [p["period"] for p in series] == ["2026-10-05", "2026-10-12"]
    assert (series[0]["convergence"], series[0]["divergence"], series[0]["neutral"]) == (2, 1, 1)
    assert series[0]["net"] == 0.25
    assert (series[1]["divergence"], series[1]["total"]) == (1, 1)
    day = client.get("/signals", params={"since": "2026-10-10", "until": "2026-10-12",
                                         "bucket": "day", "dimension": "overall"}).json()
    by_day = {p["period"]: p for p in day["dimensions"][0]["series"]}
    assert by_day["2026-10-10"]["total"] == 0
    assert (by_day["2026-10-11"]["convergence"], by_day["2026-10-11"]["divergence"]) == (1, 1)


def test_paging_as_of_and_feeds(db_url: str) -> None:
    client = _client(db_url)
    for i in range(12):
        add_document(f"https://example.org/p{i}", f"Paged claim {i}.", db_url=db_url,
                     published=datetime(2026, 9, 1 + i, tzinfo=UTC))
    cut = datetime.now(UTC).isoformat()
    page = client.get("/claims", params={"limit": 5}).json()
    seen = [c["id"] for c in page["items"]]
    add_document("https://example.org/late", "A late claim.", db_url=db_url,
                 published=datetime(2026, 9, 30, tzinfo=UTC))
    while page["next_cursor"]:
        page = client.get("/claims", params={"limit": 5, "cursor": page["next_cursor"]}).json()
        seen += [c["id"] for c in page["items"]]
    assert len(seen) == len(set(seen)) == 12
    assert len(client.get("/claims", params={"as_of": cut, "limit": 500}).json()["items"]) == 12
    assert len(client.get("/claims", params={"limit": 500}).json()["items"]) == 13
    atom = feedparser.parse(client.get("/feed.atom", params={"as_of": cut}).content)
    assert not atom.bozo and len(atom.entries) == 12


def test_compare_conflicts_and_counts(db_url: str) -> None:
    client = _client(db_url)
    add_crafted(db_url)
    body = client.get("/figures/compare", params={"model": "Claude Opus 5",
                                                  "benchmark": "SWE-bench Verified"}).json()
    assert sorted(v["party"] for v in body["values"]) == ["first", "third"]
    conflicts = client.get("/figures/conflicts").json()["items"]
    assert conflicts[0]["model"] == "claude-opus-5" and abs(conflicts[0]["spread"] - 3.2) < 1e-6
    models = {m["id"]: m for m in client.get("/models").json()["items"]}
    assert models["claude-opus-5"]["figures"] == 2 and models["claude-opus-5"]["claims"] == 2
    assert models["kimi-k3"]["claims"] == 0
    early = client.get("/models", params={"as_of": "2001-01-01"}).json()["items"]
    assert {m["id"]: m["figures"] for m in early}["claude-opus-5"] == 0
    doc = client.get("/documents/1").json()
    assert doc["claims"][0]["text"] in doc["document"]["text"]
