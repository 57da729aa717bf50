"""Copies, claim clusters, attribution and revisions on real SQLite and PostgreSQL.

Every document goes through the real extractor and the real fingerprint, as in
the ingest flow's store task.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from extractors import dedup as fp
from extractors.nlp import get_extractor
from models.config import Settings
from models.documents import DocumentInput
from models.tables import Claim, ClaimCluster, Document, DocumentRevision, LshBand
from storage import dedup, load
from storage.db import get_engine, upgrade
from storage.queries import ClaimFilter, list_claims, summary
from tests.test_dedup_stories import (
    CITATIONS,
    EDITED,
    NEWSLETTER,
    ORIGINAL,
    SAME_TOPIC,
    SYNDICATED_ADDED,
    SYNDICATED_CUT,
    SYNDICATED_EDITED,
)

THRESHOLD = Settings().near_duplicate_threshold


@pytest.fixture(scope="module")
def extractor():  # type: ignore[no-untyped-def]
    return get_extractor()


def _engine(url: str) -> Engine:
    engine = get_engine(url)
    upgrade(engine)
    return engine


def _store(engine: Engine, extractor, url: str, text: str,  # type: ignore[no-untyped-def]
           title: str = "t") -> load.StoreOutcome:
    doc = DocumentInput(url=url, kind="article", title=title, text=text, source_name="s",
                        published_at=datetime(2026, 11, 1, tzinfo=UTC))
    ex = extractor.extract(text)
    return load.store_document(engine, doc, ex, None, fp.fingerprint(text, ex), THRESHOLD)


def _live_claims(engine: Engine, doc_id: int) -> list[Claim]:
    with Session(engine) as s:
        return list(s.execute(select(Claim).where(Claim.document_id == doc_id,
                                                  Claim.superseded_at.is_(None))
                              .order_by(Claim.start)).scalars())


def test_syndicated_copies_are_linked_and_not_counted_twice(db_url: str, extractor) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(db_url)
    orig = _store(engine, extractor, "https://wire.example/story", ORIGINAL, "Wire story")
    assert orig.status == "new" and orig.copy_of is None and orig.claims >= 5
    alone = summary(engine)
    outcomes = {name: _store(engine, extractor, f"https://{name}.example/a", text, name)
                for name, text in [("cut", SYNDICATED_CUT), ("added", SYNDICATED_ADDED),
                                   ("edited", SYNDICATED_EDITED)]}
    for name, out in outcomes.items():
        assert out.status == "duplicate", name
        assert out.copy_of == orig.document_id, name
        assert out.similarity is not None and out.similarity >= THRESHOLD
    twin = _store(engine, extractor, "https://mirror.example/story", ORIGINAL, "Mirror")
    assert (twin.status, twin.copy_of, twin.similarity) == ("duplicate", orig.document_id, 1.0)
    other = _store(engine, extractor, "https://blog.example/own-test", SAME_TOPIC, "Own test")
    assert other.status == "new" and other.copy_of is None

    with Session(engine) as s:
        docs = {d.url: d for d in s.execute(select(Document)).scalars()}
        # every copy keeps its own provenance
        assert docs["https://cut.example/a"].title == "cut"
        assert docs["https://mirror.example/story"].copy_of == orig.document_id
        assert s.execute(select(func.count()).select_from(LshBand)).scalar() == 6 * fp.LSH_BANDS
    summ = summary(engine)
    other_claims = len(_live_claims(engine, other.document_id or 0))
    # The four copies add documents and mentions, not evidence.
    assert summ.claims == alone.claims + other_claims
    assert summ.documents_by_kind == {"article": 2}
    assert summ.document_copies_by_kind == {"article": 4}
    assert summ.claim_copies >= 4 * 5 and summ.claim_mentions == summ.claims + summ.claim_copies
    assert sum(sum(r.values()) for r in summ.claims_by_dimension_stance.values()) < \
        summ.claim_mentions
    # Claims of the story's unchanged paragraphs sit in one cluster with five mentions.
    score = [c for c in _live_claims(engine, orig.document_id or 0) if "76.8%" in c.text][0]
    detail = dedup.cluster_detail(engine, score.cluster_id or 0)
    assert detail is not None and detail["mentions"] == 5 and detail["documents"] == 5
    assert detail["first_document_id"] == orig.document_id and detail["counted"]
    # The claims list shows every copy, or one row per cluster.
    every = list_claims(engine, ClaimFilter(), limit=500)
    distinct = list_claims(engine, ClaimFilter(distinct=True), limit=500)
    assert len(distinct) == summ.claims
    # every row: also claims only copies carry (the added paragraph), which count nowhere
    assert len(every) >= summ.claim_mentions > len(distinct)
    row = next(r for r in distinct if r.cluster_id == score.cluster_id)
    assert row.mentions == 5 and row.document_id == orig.document_id and row.copy_of is None
    page1 = list_claims(engine, ClaimFilter(distinct=True), limit=3)
    page2 = list_claims(engine, ClaimFilter(distinct=True), limit=500, after_id=page1[-1].id)
    assert sorted(r.id for r in page1 + page2) == sorted(r.id for r in distinct)
    totals = dedup.cluster_totals(engine)
    assert (totals.clusters, totals.copies, totals.document_copies) == (
        summ.claims, summ.claim_copies, 4)


def test_signatures_survive_a_restart(db_url: str, extractor) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(db_url)
    orig = _store(engine, extractor, "https://wire.example/story", ORIGINAL)
    get_engine.cache_clear()  # a new process: nothing in memory, the index is in the DB
    fresh = _engine(db_url)
    sig = fp.signature(SYNDICATED_CUT)
    assert sig is not None
    with Session(fresh) as s:
        match = dedup.find_copy(s, sig, THRESHOLD)
        assert match is not None and match.root_id == orig.document_id
        assert dedup.find_copy(s, fp.signature(SAME_TOPIC), THRESHOLD) is None  # type: ignore[arg-type]


def test_edited_article_becomes_a_revision_with_superseded_claims(db_url: str,
                                                                  extractor) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(db_url)
    url = "https://wire.example/story"
    first = _store(engine, extractor, url, ORIGINAL)
    before = {c.text: c for c in _live_claims(engine, first.document_id or 0)}
    time.sleep(0.05)
    between = datetime.now(UTC)
    time.sleep(0.05)
    out = _store(engine, extractor, url, EDITED)
    assert out.status == "updated" and out.document_id == first.document_id
    assert out.claims == 1 and out.claims_superseded == 2  # corrected score in, 2 claims out
    with Session(engine) as s:
        doc = s.get(Document, first.document_id)
        assert doc is not None and doc.revision == 2 and "77.1%" in doc.text
        revs = s.execute(select(DocumentRevision).order_by(DocumentRevision.revision)).scalars()
        original_hash = DocumentInput(url=url, kind="article", title=None,
                                      text=ORIGINAL).content_hash
        assert [(r.revision, r.content_hash) for r in revs] == [
            (1, original_hash), (2, doc.content_hash)]
        gone = s.execute(select(Claim).where(Claim.superseded_at.is_not(None))).scalars().all()
        assert sorted("76.8%" in c.text or "saturating" in c.text for c in gone) == [True, True]
    after = {c.text: c for c in _live_claims(engine, first.document_id or 0)}
    kept = set(before) & set(after)
    assert len(kept) == 4
    for text in kept:  # unchanged claims are the same rows, offsets follow the new text
        assert after[text].id == before[text].id
        assert EDITED[after[text].start:after[text].end] == text
    new = [c for c in after.values() if "77.1%" in c.text]
    assert len(new) == 1 and new[0].revision == 2
    # as_of sees the article as it was; now sees the edit.
    then = {r.text for r in list_claims(engine, ClaimFilter(as_of=between), limit=100)}
    now = {r.text for r in list_claims(engine, ClaimFilter(), limit=100)}
    assert then == set(before) and now == set(after)
    assert any("76.8%" in t for t in then) and not any("77.1%" in t for t in then)
    assert summary(engine).claims_superseded == 2
    assert dedup.cluster_totals(engine, as_of=between).clusters == len(before)
    # The same content again is no new revision.
    assert _store(engine, extractor, url, EDITED).status == "unchanged"


def test_citing_newsletters_are_attributed_to_the_report(db_url: str, extractor) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(db_url)
    outs = [_store(engine, extractor, "https://letter-a.example/1", NEWSLETTER),
            _store(engine, extractor, "https://letter-b.example/2",
                   "Weekly notes.\n\n" + CITATIONS[0] + "\n\nSee you next week."),
            _store(engine, extractor, "https://letter-c.example/3",
                   "Links of the day.\n\n" + CITATIONS[2] + "\n\nThat is all.")]
    assert all(o.status == "new" for o in outs)  # different newsletters, not copies
    with Session(engine) as s:
        cited = s.execute(select(Claim).where(Claim.text.contains("1.7%"))).scalars().all()
        assert len(cited) == 3
        assert {c.origin for c in cited} == {"Stanford HAI"}
        assert len({c.cluster_id for c in cited}) == 1
        cluster = s.get(ClaimCluster, cited[0].cluster_id)
        assert cluster is not None and cluster.origin == "Stanford HAI"
        assert cluster.first_document_id == outs[0].document_id
    detail = dedup.cluster_detail(engine, cited[0].cluster_id or 0)
    assert detail is not None and detail["mentions"] == 3 and detail["documents"] == 3
    summ = summary(engine)
    assert summ.attributed_clusters >= 1
    assert summ.claim_copies == 2  # three newsletters, one piece of evidence
    rows = [r for r in list_claims(engine, ClaimFilter(distinct=True)) if "1.7%" in r.text]
    assert len(rows) == 1 and rows[0].origin == "Stanford HAI" and rows[0].mentions == 3


def test_store_without_fingerprint_links_exact_twins_only(db_url: str, extractor) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(db_url)
    ex = extractor.extract(ORIGINAL)

    def doc(url: str, text: str) -> DocumentInput:
        return DocumentInput(url=url, kind="article", title="t", text=text)

    a = load.store_document(engine, doc("https://a.example/1", ORIGINAL), ex, None)
    b = load.store_document(engine, doc("https://b.example/1", ORIGINAL), ex, None)
    c = load.store_document(engine, doc("https://c.example/1", SYNDICATED_CUT),
                            extractor.extract(SYNDICATED_CUT), None)
    assert (a.status, b.status, b.copy_of) == ("new", "duplicate", a.document_id)
    assert c.status == "new"  # no signature: near-copies are not detected
    summ = summary(engine)
    # exact repeats still cluster (by plain wording) across b and c
    assert summ.claims < summ.claim_mentions


def test_signal_counts_clusters_not_copies(db_url: str, extractor) -> None:  # type: ignore[no-untyped-def]
    from storage.analytics import SignalWindow

    engine = _engine(db_url)
    _store(engine, extractor, "https://wire.example/story", ORIGINAL)
    w = SignalWindow(bucket="week", since=datetime(2026, 10, 1, tzinfo=UTC),
                     until=datetime(2026, 12, 1, tzinfo=UTC), as_of=None)
    alone = dedup.cluster_stance_counts(engine, w)
    assert alone and all(clusters == mentions for _d, _p, _s, clusters, mentions in alone)
    for i, text in enumerate([SYNDICATED_CUT, SYNDICATED_ADDED, SYNDICATED_EDITED, ORIGINAL]):
        _store(engine, extractor, f"https://copy{i}.example/a", text)
    with_copies = dedup.cluster_stance_counts(engine, w)
    assert [r[:4] for r in with_copies] == [r[:4] for r in alone]  # same evidence
    assert sum(r[4] for r in with_copies) > sum(r[4] for r in alone)  # more mentions
    assert {r[1].weekday() for r in with_copies} == {0}  # weeks start on Monday
