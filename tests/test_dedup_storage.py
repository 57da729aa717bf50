"""Copies, claim clusters, attribution and revisions on real SQLite and PostgreSQL.

Every document goes through the real extractor and the real fingerprint, as in
the ingest flow's store task.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from extractors import dedup as fp
from extractors.nlp import get_extractor
from models.config import Settings
from models.documents import DocumentInput
from models.tables import (
    Claim,
    ClaimCluster,
    ClaimDimension,
    Document,
    DocumentRevision,
    LshBand,
)
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


def test_signal_counts_only_the_claims_the_stance_model_is_sure_of(db_url: str, extractor
                                                                   ) -> None:  # type: ignore[no-untyped-def]
    from storage.analytics import SignalWindow

    engine = _engine(db_url)
    _store(engine, extractor, "https://wire.example/story", ORIGINAL)
    window = {"bucket": "week", "since": datetime(2026, 10, 1, tzinfo=UTC),
              "until": datetime(2026, 12, 1, tzinfo=UTC), "as_of": None}
    claims = list_claims(engine, ClaimFilter(), limit=500)
    confs = sorted(c.stance_confidence for c in claims if c.stance_confidence is not None)
    t = confs[len(confs) // 2]
    every = dedup.cluster_stance_counts(engine, SignalWindow(**window))
    sure = dedup.cluster_stance_counts(engine, SignalWindow(**window, min_stance_confidence=t))
    # mentions are claim x dimension rows: exactly the confident claims' dimensions
    want = sum(len(c.dimensions) for c in claims if (c.stance_confidence or 0) >= t)
    assert 0 < sum(r[4] for r in sure) == want < sum(r[4] for r in every)


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

    def evidence(rows: list[tuple[str, date, str, int, int]]) -> list[tuple[str, date, str, int]]:
        return [r[:4] for r in rows if r[3]]

    assert evidence(with_copies) == evidence(alone)  # same evidence
    assert sum(r[4] for r in with_copies) > sum(r[4] for r in alone)  # more mentions
    assert all(mentions >= clusters for *_k, clusters, mentions in with_copies)
    assert {r[1].weekday() for r in with_copies} == {0}  # weeks start on Monday


# --- the signal facts copied into claim_dimension ---------------------------------------

def _aware(ts: datetime | None) -> datetime | None:
    return None if ts is None else ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _live_at(ing: datetime, sup: datetime | None, t: datetime | None) -> bool:
    if t is None:
        return sup is None
    return ing <= t and (sup is None or sup > t)


def assert_signal_facts_consistent(engine: Engine) -> int:
    """claim_dimension's copies equal claim/document, and opens_at picks, at every moment
    that matters, exactly the earliest live original claim of each (cluster, dimension).

    Computed here from claim and document alone (not from the copies); returns how many
    (cluster, dimension) groups were checked.
    """
    with Session(engine) as s:
        rows = s.execute(select(ClaimDimension, Claim, Document.copy_of)
                         .join(Claim, Claim.id == ClaimDimension.claim_id)
                         .join(Document, Document.id == Claim.document_id)).all()
        n_dims = s.execute(select(func.count()).select_from(ClaimDimension)).scalar()
    assert len(rows) == n_dims
    facts = []
    for cd, c, copy_of in rows:
        ing, sup = _aware(c.ingested_at), _aware(c.superseded_at)
        assert ing is not None
        pub = _aware(c.published_at)
        assert (cd.stance, cd.published_day, cd.ingested_day) == (
            c.stance, pub.astimezone(UTC).date() if pub else None, ing.astimezone(UTC).date())
        assert (_aware(cd.ingested_at), _aware(cd.superseded_at)) == (ing, sup)
        assert cd.stance_confidence == c.stance_confidence
        assert cd.is_copy == (copy_of is not None)
        assert cd.cluster_id == c.cluster_id
        key = (c.cluster_id if c.cluster_id is not None else -c.id, cd.dimension)
        facts.append((key, c.id, ing, sup, copy_of is not None, _aware(cd.opens_at)))
    moments: set[datetime | None] = {None}
    for _k, _i, ing, sup, _c, _o in facts:
        for t in (ing, sup):
            if t is not None:
                moments |= {t, t - timedelta(microseconds=1)}
    for t in moments:
        first: dict[Any, tuple[datetime, int]] = {}
        for key, cid, ing, sup, copy, _o in facts:
            if not copy and _live_at(ing, sup, t):
                first[key] = min(first.get(key, (ing, cid)), (ing, cid))
        want = {(key, cid) for key, (_ing, cid) in first.items()}
        got = {(key, cid) for key, cid, ing, sup, _c, opens in facts
               if opens is not None and (t is None or opens <= t) and _live_at(ing, sup, t)}
        assert got == want, t
    return len({f[0] for f in facts})


def _brute_counts(engine: Engine, w: Any) -> list[tuple[str, date, str, int, int]]:
    """What cluster_stance_counts must return, from claim/document and the opening rule."""
    with Session(engine) as s:
        rows = s.execute(select(ClaimDimension.dimension, Claim, Document.copy_of)
                         .join(Claim, Claim.id == ClaimDimension.claim_id)
                         .join(Document, Document.id == Claim.document_id)).all()
    as_of = w.as_of
    first: dict[Any, tuple[datetime, int]] = {}
    for dim, c, copy_of in rows:
        ing, sup = _aware(c.ingested_at), _aware(c.superseded_at)
        assert ing is not None
        key = (c.cluster_id if c.cluster_id is not None else -c.id, dim)
        if copy_of is None and _live_at(ing, sup, as_of):
            first[key] = min(first.get(key, (ing, c.id)), (ing, c.id))
    openers = {(key[1], cid) for key, (_i, cid) in first.items()}
    out: dict[tuple[str, date, str], list[int]] = {}
    for dim, c, _copy in rows:
        ing, sup = _aware(c.ingested_at), _aware(c.superseded_at)
        stamp = _aware(c.published_at) if w.date_field == "published" else ing
        assert ing is not None
        if stamp is None or not _live_at(ing, sup, as_of) or not w.since <= stamp < w.until:
            continue
        if w.dimension and dim != w.dimension:
            continue
        day = stamp.astimezone(UTC).date()
        if w.bucket == "week":
            day -= timedelta(days=day.weekday())
        acc = out.setdefault((dim, day, c.stance), [0, 0])
        acc[0] += (dim, c.id) in openers
        acc[1] += 1
    return [(k[0], k[1], k[2], v[0], v[1]) for k, v in sorted(out.items())]


def test_signal_facts_follow_store_revision_and_reprocess(db_url: str, extractor) -> None:  # type: ignore[no-untyped-def]
    from storage.analytics import SignalWindow

    engine = _engine(db_url)
    moments = []

    def mark() -> None:
        time.sleep(0.02)
        moments.append(datetime.now(UTC))
        time.sleep(0.02)

    # An original, two copies, and three newsletters citing one report (one cluster).
    _store(engine, extractor, "https://wire.example/story", ORIGINAL)
    _store(engine, extractor, "https://cut.example/a", SYNDICATED_CUT)
    _store(engine, extractor, "https://added.example/a", SYNDICATED_ADDED)
    letters = [("https://letter-a.example/1", NEWSLETTER),
               ("https://letter-b.example/2",
                "Weekly notes.\n\n" + CITATIONS[0] + "\n\nSee you next week."),
               ("https://letter-c.example/3",
                "Links of the day.\n\n" + CITATIONS[2] + "\n\nThat is all.")]
    for url, text in letters:
        _store(engine, extractor, url, text)
    assert assert_signal_facts_consistent(engine) > 5
    mark()
    # Revisions: the wire story is edited (claims superseded, one added), and the first
    # newsletter drops the citation, so its cluster's opening row moves to letter b.
    assert _store(engine, extractor, "https://wire.example/story", EDITED).status == "updated"
    mark()
    dropped = "Weekly notes only this time.\n\nNothing cited today, see you next week."
    assert _store(engine, extractor, letters[0][0], dropped).status == "updated"
    assert assert_signal_facts_consistent(engine)
    with Session(engine) as s:
        cited = s.execute(select(ClaimDimension.opens_at, Claim.document_id, Claim.superseded_at)
                          .join(Claim, Claim.id == ClaimDimension.claim_id)
                          .where(Claim.text.contains("1.7%"))).all()
    reopened = [o for o, _d, sup in cited if sup is None and o is not None]
    assert reopened and all(_aware(o) > moments[-1] for o in reopened)  # from the revision on
    mark()
    # Reprocess: letter b's claims are deleted and written again (new ids, same ingest
    # time), by an extractor that no longer finds the citation: letter c's claim opens.
    with Session(engine) as s:
        b_id = s.execute(select(Document.id).where(Document.url == letters[1][0])).scalar_one()
    ex = extractor.extract(letters[1][1])
    ex2 = dataclasses.replace(ex, extractor_version=ex.extractor_version + "+re",
                              claims=tuple(c for c in ex.claims if "1.7%" not in c.text))
    assert len(ex2.claims) < len(ex.claims)
    assert load.replace_extraction(engine, b_id, ex2,
                                   fp.fingerprint(letters[1][1], ex2)).status == "updated"
    assert_signal_facts_consistent(engine)
    # The grouped counts match the rule computed from claim and document, at every as_of.
    for as_of in [None, *moments]:
        for date_field in ("published", "ingested"):
            w = SignalWindow(bucket="week", since=datetime(2026, 1, 5, tzinfo=UTC),
                             until=datetime.now(UTC) + timedelta(days=7), as_of=as_of,
                             date_field=date_field)
            got = dedup.cluster_stance_counts(engine, w)
            assert got == _brute_counts(engine, w), (as_of, date_field)
            assert got or date_field == "ingested" and as_of is None
    # A window bound inside a day is exact too (the day column alone would over-count).
    w = SignalWindow(bucket="day", since=datetime(2026, 11, 1, 0, 0, 1, tzinfo=UTC),
                     until=datetime(2026, 11, 2, tzinfo=UTC), as_of=None)
    assert dedup.cluster_stance_counts(engine, w) == _brute_counts(engine, w) == []


def test_migration_0003_backfills_signal_facts(db_url: str) -> None:
    """A database at 0002 with claims (copies, a supersession, a repeat, a claim without a
    cluster) upgrades to rows /signals counts as a fresh database would."""
    from sqlalchemy import text

    engine = get_engine(db_url)
    upgrade(engine, "0002")
    t = [datetime(2026, 10, 1, 8, tzinfo=UTC) + timedelta(hours=h) for h in range(6)]
    docs = [(1, None, t[0]), (2, 1, t[1]), (3, None, t[2]), (4, None, t[3])]
    # (id, doc, cluster, ingested, superseded, stance, dimensions)
    claims = [(1, 1, 1, t[0], t[4], "convergence", ("overall", "coding")),
              (2, 2, 1, t[1], None, "convergence", ("overall",)),
              (3, 3, 1, t[2], None, "convergence", ("coding",)),
              (4, 4, 1, t[3], None, "divergence", ("overall", "coding")),
              (5, 1, 2, t[0], None, "neutral", ("policy",)),
              (6, 4, None, t[3], None, "neutral", ("coding",))]
    with engine.begin() as conn:
        for i, copy_of, ing in docs:
            conn.execute(Document.__table__.insert().values(
                id=i, url=f"https://example.org/{i}", content_hash=f"h{i}", kind="article",
                text="x", ingested_at=ing, extractor_version="v", meta={}, copy_of=copy_of,
                published_at=None if i == 3 else ing - timedelta(hours=9)))
        for k in (1, 2):
            conn.execute(ClaimCluster.__table__.insert().values(
                id=k, key=f"k{k}", text="c", norm_text="c", first_seen_at=t[0]))
        for cid, doc, cluster, ing, sup, stance, dims in claims:
            conn.execute(Claim.__table__.insert().values(
                id=cid, document_id=doc, text=f"claim {cid}", start=cid, end=cid + 1,
                stance=stance, extractor_version="v", ingested_at=ing, superseded_at=sup,
                cluster_id=cluster, revision=1,
                published_at=None if doc == 3 else ing - timedelta(hours=9)))
            for dim in dims:
                conn.execute(text("INSERT INTO claim_dimension (claim_id, dimension) "
                                  "VALUES (:c, :d)"), {"c": cid, "d": dim})
    upgrade(engine)
    assert assert_signal_facts_consistent(engine) == 4  # (cluster, dimension) groups
    with Session(engine) as s:
        opens = {(cd.claim_id, cd.dimension): _aware(cd.opens_at)
                 for cd in s.execute(select(ClaimDimension)).scalars()}
        published_days = {cd.claim_id: cd.published_day
                          for cd in s.execute(select(ClaimDimension)).scalars()}
    # the first claim opens until its supersession; then the next original, not the copy
    assert opens == {(1, "overall"): t[0], (1, "coding"): t[0], (2, "overall"): None,
                     (3, "coding"): t[4], (4, "overall"): t[4], (4, "coding"): None,
                     (5, "policy"): t[0], (6, "coding"): t[3]}
    assert published_days[1] == date(2026, 9, 30) and published_days[3] is None
    # New writes keep working on the upgraded schema.
    with Session(engine) as s:
        assert dedup.refresh_openers(s, [1, 2, 3, 4, 5, 6]) == 0


def test_concurrent_writers_leave_one_opening_row(db_url: str, extractor) -> None:  # type: ignore[no-untyped-def]
    """Writers storing repeats of one claim at once: each cluster still counts once."""
    from concurrent.futures import ThreadPoolExecutor

    engine = _engine(db_url)
    texts = [f"Issue {i} of our digest.\n\n{CITATIONS[i % len(CITATIONS)]}\n\nUntil next time, "
             f"reader number {i}." for i in range(8)]
    # Extract first (a spaCy pipeline is not safe to share between threads), then write
    # from four threads at once.
    jobs = []
    for i, text in enumerate(texts):
        ex = extractor.extract(text)
        jobs.append((DocumentInput(url=f"https://d{i}.example/", kind="article", title="t",
                                   text=text, source_name="s",
                                   published_at=datetime(2026, 11, 1, tzinfo=UTC)),
                     ex, fp.fingerprint(text, ex)))
    with ThreadPoolExecutor(max_workers=4) as pool:
        outs = list(pool.map(lambda job: load.store_document(engine, job[0], job[1], None,
                                                             job[2], THRESHOLD), jobs))
    assert all(o.status in ("new", "duplicate") for o in outs)
    assert assert_signal_facts_consistent(engine)
    with Session(engine) as s:
        openers = s.execute(select(func.count()).select_from(ClaimDimension).join(
            Claim, Claim.id == ClaimDimension.claim_id).where(
            Claim.text.contains("1.7%"), ClaimDimension.opens_at.is_not(None))).scalar()
        dims = s.execute(select(func.count(func.distinct(ClaimDimension.dimension))).join(
            Claim, Claim.id == ClaimDimension.claim_id).where(Claim.text.contains("1.7%"))
        ).scalar()
    assert openers == dims and dims
