"""Storage against real SQLite and a real PostgreSQL: idempotence, revisions, filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models.config import SourceConfig
from models.documents import DocumentInput
from models.records import (
    BenchmarkMention,
    Claim,
    Extraction,
    Figure,
    Forecast,
    ModelMention,
    RegistryBenchmark,
    RegistryModel,
)
from models.tables import Claim as ClaimTable
from models.tables import Document, ForecastRow, Model, Source
from storage import load
from storage.db import get_engine, upgrade
from storage.polling import save_validators
from storage.queries import ClaimFilter, documents_to_reprocess, list_claims, summary

TEXT = ("Kimi K2.5 scores 76.8% on SWE-bench Verified. "
        "The gap to Claude Opus 4.5 is closing fast.")


def _extraction(version: str = "1.0.0+test", text: str = TEXT) -> Extraction:
    s2 = text.index("The gap")
    return Extraction(
        extractor_version=version,
        models=(ModelMention("Kimi K2.5", "kimi-k2.5", "Kimi", "Moonshot AI", "open", 0, 9),
                ModelMention("Claude Opus 4.5", "claude-opus-4.5", "Claude", "Anthropic",
                             "closed", text.index("Claude"), text.index("Claude") + 15),
                ModelMention("Zeta-9B", "zeta-9b", None, None, "unknown", 0, 0)),
        benchmarks=(BenchmarkMention("SWE-bench Verified", "swe-bench-verified", 28, 46),),
        figures=(Figure(76.8, None, "%", "score", "kimi-k2.5", "swe-bench-verified",
                        text[:s2].strip(), 17, 22),),
        claims=(Claim(text[:s2].strip(), 0, s2 - 1, ("coding",), "convergence", False, None,
                      ("kimi-k2.5",), ("swe-bench-verified",), 0.82),
                Claim(text[s2:], s2, len(text), ("overall",), "convergence", False, None,
                      ("claude-opus-4.5", "zeta-9b"), ())),
        forecasts=(Forecast("TexTak", 0.69, False, "open parity", text[s2:], s2, len(text)),),
    )


def _doc(url: str = "https://example.org/a", text: str = TEXT,
         published: datetime | None = datetime(2026, 10, 1, tzinfo=UTC)) -> DocumentInput:
    return DocumentInput(url=url, kind="article", title="A", text=text, source_name="s",
                         published_at=published)


def _engine(url: str):  # type: ignore[no-untyped-def]
    engine = get_engine(url)
    upgrade(engine)
    load.sync_registry(engine, [RegistryModel("kimi-k2.5", "Kimi K2.5", "Kimi", "Moonshot AI",
                                              "CN", "open"),
                                RegistryModel("claude-opus-4.5", "Claude Opus 4.5", "Claude",
                                              "Anthropic", "US", "closed")],
                       [RegistryBenchmark("swe-bench-verified", "SWE-bench Verified", "coding")])
    return engine


def test_store_is_idempotent_and_complete(db_url: str) -> None:
    engine = _engine(db_url)
    sid = load.sync_sources(engine, [SourceConfig("s", "feed", "https://example.org/feed")])["s"]
    first = load.store_document(engine, _doc(), _extraction(), sid)
    assert (first.status, first.claims, first.figures, first.forecasts) == ("new", 2, 1, 1)
    again = load.store_document(engine, _doc(), _extraction(), sid)
    assert again.status == "unchanged"
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(Document)).scalar() == 1
        assert s.execute(select(func.count()).select_from(ClaimTable)).scalar() == 2
        unknown = s.get(Model, "zeta-9b")
        assert unknown is not None and unknown.openness == "unknown" and not unknown.in_registry
    summ = summary(engine)
    assert summ.documents_by_kind == {"article": 1}
    assert summ.claims_by_dimension_stance["coding"] == {"convergence": 1}
    assert summ.forecasts[0]["probability"] == 0.69


def test_same_content_other_url_is_duplicate(db_url: str) -> None:
    engine = _engine(db_url)
    load.store_document(engine, _doc(), _extraction(), None)
    dup = load.store_document(engine, _doc(url="https://mirror.example.net/a"), _extraction(),
                              None)
    assert dup.status == "duplicate"


def test_changed_content_becomes_revision(db_url: str) -> None:
    engine = _engine(db_url)
    load.store_document(engine, _doc(), _extraction(), None)
    text2 = TEXT.replace("76.8%", "77.1%")
    out = load.store_document(engine, _doc(text=text2), _extraction(text=text2), None)
    assert out.status == "updated"
    with Session(engine) as s:
        doc = s.execute(select(Document)).scalar_one()
        assert doc.revision == 2 and "77.1%" in doc.text
        live = select(func.count()).select_from(ClaimTable).where(
            ClaimTable.superseded_at.is_(None))
        assert s.execute(live).scalar() == 2
        # The claim the edit removed is kept, marked superseded.
        gone = s.execute(select(ClaimTable).where(ClaimTable.superseded_at.is_not(None))
                         ).scalars().all()
        assert [c.text for c in gone] == ["Kimi K2.5 scores 76.8% on SWE-bench Verified."]


def test_claim_filters(db_url: str) -> None:
    engine = _engine(db_url)
    load.store_document(engine, _doc(), _extraction(), None)
    load.store_document(engine, _doc(url="https://example.org/undated", text=TEXT + " More.",
                                     published=None),
                        _extraction(text=TEXT + " More."), None)
    every = list_claims(engine, ClaimFilter())
    assert len(every) == 4
    assert {r.url for r in every} == {"https://example.org/a", "https://example.org/undated"}
    coding = list_claims(engine, ClaimFilter(dimension="coding"))
    assert len(coding) == 2 and all("coding" in r.dimensions for r in coding)
    assert len(list_claims(engine, ClaimFilter(model="kimi"))) == 2  # by family
    assert len(list_claims(engine, ClaimFilter(openness="closed"))) == 2
    assert list_claims(engine, ClaimFilter(stance="divergence")) == []
    # The stance model's confidence round-trips and filters; a claim without one (the
    # rules alone decided) is never above a threshold.
    sure = list_claims(engine, ClaimFilter(min_stance_confidence=0.7))
    assert len(sure) == 2 and {r.stance_confidence for r in sure} == {0.82}
    assert {r.text for r in sure} == {TEXT[:TEXT.index("The gap")].strip()}
    assert list_claims(engine, ClaimFilter(min_stance_confidence=0.9)) == []
    assert sorted(r.to_dict()["stance_confidence"] or 0 for r in every) == [0, 0, 0.82, 0.82]
    # A claim with no publication date is never in range of a date filter.
    dated = list_claims(engine, ClaimFilter(since=datetime(2026, 1, 1, tzinfo=UTC)))
    assert len(dated) == 2 and all(r.published_at is not None for r in dated)
    assert list_claims(engine, ClaimFilter(until=datetime(2026, 1, 1, tzinfo=UTC))) == []
    # Cursor pagination: every claim once.
    page1 = list_claims(engine, ClaimFilter(), limit=3)
    page2 = list_claims(engine, ClaimFilter(), limit=3, after_id=page1[-1].id)
    assert sorted(r.id for r in page1 + page2) == sorted(r.id for r in every)
    figs = [f for r in every for f in r.figures]
    assert figs and figs[0]["value"] == 76.8


def test_reprocess_replaces_older_version(db_url: str) -> None:
    engine = _engine(db_url)
    out = load.store_document(engine, _doc(), _extraction("1.0.0+old"), None)
    assert documents_to_reprocess(engine, "1.0.0+new") == [(out.document_id, TEXT)]
    new = _extraction("1.0.0+new")
    new = replace(new, claims=tuple(replace(c, stance_confidence=0.91) for c in new.claims))
    res = load.replace_extraction(engine, out.document_id or 0, new)
    assert res.status == "updated" and res.claims == 2
    assert documents_to_reprocess(engine, "1.0.0+new") == []
    rows = list_claims(engine, ClaimFilter())
    assert {r.extractor_version for r in rows} == {"1.0.0+new"}
    assert {r.stance_confidence for r in rows} == {0.91}  # the new labels, confidence too


def test_poll_state_and_adaptive_backoff(db_url: str) -> None:
    engine = _engine(db_url)
    src = SourceConfig("feed-a", "feed", "https://example.org/feed", interval_seconds=3600)
    sid = load.sync_sources(engine, [src])["feed-a"]
    load.record_poll(engine, sid, ok=True, new_items=3)
    save_validators(engine, sid, '"v1"', "Sun, 01 Nov 2026 00:00:00 GMT")
    load.sync_sources(engine, [src])  # re-sync keeps polling state
    state = load.source_states(engine, ["feed-a"])["feed-a"]
    assert state.etag == '"v1"' and state.consecutive_failures == 0

    def interval() -> int:
        with Session(engine) as s:
            return s.get(Source, sid).poll_interval_seconds  # type: ignore[union-attr]

    assert interval() == 1800  # new items: poll twice as often
    load.record_poll(engine, sid, ok=True, new_items=0)
    assert interval() == 2700  # nothing new: back off 1.5x
    before = datetime.now(UTC)
    load.record_poll(engine, sid, ok=False, error="HTTP 500")
    load.record_poll(engine, sid, ok=False, error="HTTP 500")
    state = load.source_states(engine, ["feed-a"])["feed-a"]
    assert state.consecutive_failures == 2 and interval() == 10800
    assert state.next_poll_at and state.next_poll_at - before >= timedelta(seconds=10800)
    with Session(engine) as s:
        assert s.get(Source, sid).last_error == "HTTP 500"  # type: ignore[union-attr]
    for _ in range(20):
        load.record_poll(engine, sid, ok=False, error="down")
    assert interval() == load.MAX_POLL_SECONDS  # capped at a week
    for _ in range(20):
        load.record_poll(engine, sid, ok=True, new_items=5)
    assert interval() == load.MIN_POLL_SECONDS  # and never below 5 minutes
    # A server's Cache-Control / Retry-After is a floor on the wait.
    nxt = load.record_poll(engine, sid, ok=True, new_items=5, hint_seconds=86400)
    assert nxt is not None and nxt - datetime.now(UTC) > timedelta(hours=23)
    # Changing the configured interval restarts the rhythm.
    load.sync_sources(engine, [SourceConfig("feed-a", "feed", "https://example.org/feed",
                                            interval_seconds=900)])
    assert interval() == 900


def test_published_times_are_stored_in_utc(db_url: str) -> None:
    from datetime import timezone

    engine = _engine(db_url)
    tz = timezone(timedelta(hours=-5))
    doc = _doc(published=datetime(2026, 10, 1, 22, 30, tzinfo=tz))
    assert doc.published_at == datetime(2026, 10, 2, 3, 30, tzinfo=UTC)
    load.store_document(engine, doc, _extraction(), None)
    rows = list_claims(engine, ClaimFilter(since=datetime(2026, 10, 2, tzinfo=UTC)))
    assert len(rows) == 2 and rows[0].published_at == datetime(2026, 10, 2, 3, 30, tzinfo=UTC)


def test_runs_left_running_by_a_killed_process_are_abandoned(db_url: str) -> None:
    from models.tables import IngestionRun

    engine = _engine(db_url)
    old = load.start_run(engine, "ingest", "v")
    with Session(engine) as s:
        run = s.get(IngestionRun, old)
        run.started_at = datetime.now(UTC) - timedelta(hours=5)  # type: ignore[union-attr]
        s.add(run)
        s.commit()
    live = load.start_run(engine, "ingest", "v")
    fresh = load.start_run(engine, "ingest", "v")
    with Session(engine) as s:
        assert s.get(IngestionRun, old).status == "abandoned"  # type: ignore[union-attr]
        assert s.get(IngestionRun, live).status == "running"  # type: ignore[union-attr]
    assert fresh > live


def test_an_unattributed_forecast_is_the_publishers(db_url: str) -> None:
    from dataclasses import replace

    engine = _engine(db_url)
    ex = _extraction()
    own = replace(ex.forecasts[0], issuer=None, probability=0.35)
    ex = replace(ex, forecasts=(*ex.forecasts, own))
    doc = DocumentInput(url="https://gap.example/oct", kind="article", title="A", text=TEXT,
                        source_name="s", author="Mara Lindqvist", site="The Gap Letter")
    load.store_document(engine, doc, ex, None)
    with Session(engine) as s:
        got = sorted(s.execute(select(ForecastRow.issuer, ForecastRow.probability)).all())
    assert got == [("TexTak", 0.69), ("The Gap Letter", 0.35)]
