"""Idempotent writes: sources, registry, documents with their extraction, failures, runs.

Every insert that can race another writer uses ON CONFLICT on a unique key
(never check-then-insert alone), so two runs over the same sources store each
document once. A document and everything extracted from it is written in one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.config import SourceConfig
from models.documents import DocumentInput
from models.records import Extraction, RegistryBenchmark, RegistryModel
from models.tables import (
    Benchmark,
    Claim,
    ClaimBenchmark,
    ClaimDimension,
    ClaimModel,
    Document,
    DocumentRevision,
    FetchFailure,
    FigureRow,
    ForecastRow,
    IngestionRun,
    Mention,
    Model,
    Source,
)
from storage import dedup
from storage.db import session_scope


def _insert(session: Session, table: Any) -> Any:
    """A dialect insert that supports on_conflict_do_nothing/update."""
    name = session.get_bind().dialect.name
    return (postgresql.insert(table) if name == "postgresql" else sqlite.insert(table))


def _now() -> datetime:
    return datetime.now(UTC)


# --- sources -----------------------------------------------------------------

def sync_sources(engine: Engine, sources: Sequence[SourceConfig]) -> dict[str, int]:
    """Create or update configured sources; keeps their polling state. Returns name -> id."""
    with session_scope(engine) as s:
        for src in sources:
            stmt = _insert(s, Source.__table__).values(
                name=src.name, kind=src.kind, url=src.url,
                interval_seconds=src.interval_seconds,
                poll_interval_seconds=src.interval_seconds, settings=src.settings_dict(),
                consecutive_failures=0, created_at=_now())
            col = Source.__table__.c
            stmt = stmt.on_conflict_do_update(
                index_elements=["name"],
                set_={"kind": src.kind, "url": src.url, "interval_seconds": src.interval_seconds,
                      "settings": src.settings_dict(),
                      # a changed configured interval restarts the adaptive rhythm
                      "poll_interval_seconds": case(
                          (col.interval_seconds != src.interval_seconds, src.interval_seconds),
                          else_=col.poll_interval_seconds)})
            s.execute(stmt)
        rows = s.execute(select(Source.id, Source.name)
                         .where(Source.name.in_([x.name for x in sources]))).all()
    return {name: sid for sid, name in rows}


@dataclass(frozen=True, slots=True)
class SourceState:
    id: int
    name: str
    etag: str | None
    last_modified: str | None
    next_poll_at: datetime | None
    consecutive_failures: int


def source_states(engine: Engine, names: Iterable[str]) -> dict[str, SourceState]:
    with Session(engine) as s:
        rows = s.execute(select(Source).where(Source.name.in_(list(names)))).scalars().all()
        return {r.name: SourceState(r.id or 0, r.name, r.etag, r.last_modified,
                                    _aware(r.next_poll_at), r.consecutive_failures)
                for r in rows}


MIN_POLL_SECONDS = 300  # never poll one source more often than every 5 minutes
MAX_POLL_SECONDS = 7 * 86400  # nor less often than weekly


def next_interval(current: int, *, ok: bool, new_items: int) -> int:
    """The adaptive polling rhythm (after Media Cloud's crawler).

    A source that yields new documents is polled twice as often (down to 5
    minutes); one that yields nothing new, 1.5x less often; one that fails,
    2x less often; never beyond a week.
    """
    if not ok:
        factor = 2.0
    elif new_items > 0:
        factor = 0.5
    else:
        factor = 1.5
    return int(min(MAX_POLL_SECONDS, max(MIN_POLL_SECONDS, current * factor)))


def record_poll(engine: Engine, source_id: int, *, ok: bool, error: str | None = None,
                new_items: int = 0, hint_seconds: float | None = None) -> datetime | None:
    """Store the outcome of polling one source and schedule its next poll.

    `hint_seconds` (Cache-Control max-age, Retry-After) is a floor on the wait.
    Returns the next poll time. The feed's validators are not saved here but by
    storage.polling.save_validators, once what the poll brought is stored.
    """
    now = _now()
    with session_scope(engine) as s:
        src = s.get(Source, source_id)
        if src is None:
            return None
        src.last_polled_at = now
        if ok:
            src.consecutive_failures = 0
            src.last_success_at = now
            src.last_error = None
        else:
            src.consecutive_failures += 1
            src.last_error = error
        interval = next_interval(src.poll_interval_seconds or src.interval_seconds, ok=ok,
                                 new_items=new_items)
        src.poll_interval_seconds = interval
        wait = max(float(interval), min(hint_seconds or 0.0, float(MAX_POLL_SECONDS)))
        src.next_poll_at = now + timedelta(seconds=wait)
        return src.next_poll_at


# --- registry ----------------------------------------------------------------

def sync_registry(engine: Engine, models: Sequence[RegistryModel],
                  benchmarks: Sequence[RegistryBenchmark]) -> None:
    """Upsert the registry so stored claims can point at canonical ids."""
    with session_scope(engine) as s:
        if models:
            stmt = _insert(s, Model.__table__)
            s.execute(stmt.on_conflict_do_update(
                index_elements=["id"],
                set_={"name": stmt.excluded.name, "family": stmt.excluded.family,
                      "organization": stmt.excluded.organization,
                      "country": stmt.excluded.country, "openness": stmt.excluded.openness,
                      "in_registry": True}),
                [{"id": m.id, "name": m.name, "family": m.family,
                  "organization": m.organization, "country": m.country,
                  "openness": m.openness, "in_registry": True} for m in models])
        if benchmarks:
            stmt = _insert(s, Benchmark.__table__)
            s.execute(stmt.on_conflict_do_update(
                index_elements=["id"],
                set_={"name": stmt.excluded.name, "dimension": stmt.excluded.dimension,
                      "in_registry": True}),
                [{"id": b.id, "name": b.name, "dimension": b.dimension, "in_registry": True}
                 for b in benchmarks])


# --- documents ---------------------------------------------------------------

def stored_hashes(engine: Engine, urls: Iterable[str]) -> dict[str, str]:
    """Content hash of each of these canonical URLs that is already stored."""
    urls = list(dict.fromkeys(urls))
    found: dict[str, str] = {}
    with Session(engine) as s:
        for i in range(0, len(urls), 500):
            rows = s.execute(select(Document.url, Document.content_hash)
                             .where(Document.url.in_(urls[i:i + 500])))
            found.update({u: h for u, h in rows})
    return found


@dataclass(frozen=True, slots=True)
class StoreOutcome:
    status: str  # new | updated | unchanged | duplicate (a stored copy, see copy_of)
    document_id: int | None
    claims: int = 0  # claim rows written
    figures: int = 0
    forecasts: int = 0
    clusters_new: int = 0  # claims that started a new cluster (new evidence)
    claims_repeated: int = 0  # claims that joined an earlier cluster
    claims_superseded: int = 0  # claims a revision dropped
    copy_of: int | None = None  # the earlier document this one copies
    similarity: float | None = None


DEFAULT_NEAR_DUPLICATE = 0.5  # models.config.Settings.near_duplicate_threshold


def store_document(engine: Engine, doc: DocumentInput, extraction: Extraction,
                   source_id: int | None, fingerprint: dedup.FingerprintLike | None = None,
                   near_threshold: float = DEFAULT_NEAR_DUPLICATE) -> StoreOutcome:
    """Write one document and its extraction in one transaction; idempotent.

    `fingerprint` (extractors.dedup.fingerprint) enables near-copy detection and
    claim clustering beyond exact wording; without it only exact twins are linked.
    """
    with session_scope(engine) as s:
        return _store(s, [StoreItem(doc, extraction, source_id, fingerprint)], near_threshold)[0]


@dataclass(frozen=True, slots=True)
class StoreItem:
    """One document of a batch with what was extracted from it."""

    document: DocumentInput
    extraction: Extraction
    source_id: int | None
    fingerprint: dedup.FingerprintLike | None = None


def store_batch(engine: Engine, items: Sequence[StoreItem],
                near_threshold: float = DEFAULT_NEAR_DUPLICATE) -> list[StoreOutcome | Exception]:
    """Write a batch of documents in one transaction; one outcome (or error) per item.

    Stored exactly as one store_document per item in order would store them, but with
    one commit and set-based writes for the whole batch: per document, storing cost
    more in statements and commits than in rows. If anything fails, the transaction is
    rolled back and the batch is written again one transaction per document, so a bad
    document costs only itself.
    """
    if not items:
        return []
    try:
        with session_scope(engine) as s:
            return list(_store(s, items, near_threshold))
    except Exception:  # noqa: BLE001 - redone document by document below
        pass
    out: list[StoreOutcome | Exception] = []
    for it in items:
        try:
            out.append(store_document(engine, it.document, it.extraction, it.source_id,
                                      it.fingerprint, near_threshold))
        except Exception as exc:  # noqa: BLE001 - the caller records it
            out.append(exc)
    return out


@dataclass(frozen=True, slots=True)
class _NewDocument:
    """A document row just inserted whose extraction is still to be written."""

    id: int
    item: StoreItem
    is_copy: bool
    ingested_at: datetime


@dataclass(slots=True)
class _Stored:
    """What storing a batch must know of stored documents (by URL; the earliest per
    content hash; the LSH index), read in a few statements and kept current as the batch
    writes, so each document sees the ones before it as if they had been committed."""

    by_url: dict[str, tuple[int, str, int]]  # url -> (id, content hash, revision)
    first_by_hash: dict[str, tuple[int, int | None]]  # hash -> (id, copy_of)
    copies: dedup.CopyIndex

    @classmethod
    def load(cls, s: Session, items: Sequence[StoreItem]) -> _Stored:
        d = Document.__table__
        by_url: dict[str, tuple[int, str, int]] = {}
        first: dict[str, tuple[int, int | None]] = {}
        for chunk in _chunks(list({it.document.url for it in items})):
            by_url.update({url: (i, h, rev) for i, url, h, rev in s.execute(
                select(d.c.id, d.c.url, d.c.content_hash, d.c.revision)
                .where(d.c.url.in_(chunk)))})
        for chunk in _chunks(list({it.document.content_hash for it in items})):
            for i, h, copy_of in s.execute(select(d.c.id, d.c.content_hash, d.c.copy_of)
                                           .where(d.c.content_hash.in_(chunk))
                                           .order_by(d.c.id)):
                first.setdefault(h, (i, copy_of))
        sigs = [it.fingerprint.signature for it in items
                if it.fingerprint is not None and it.fingerprint.signature is not None]
        return cls(by_url, first, dedup.CopyIndex.load(s, sigs))


def _store(s: Session, items: Sequence[StoreItem],
           near_threshold: float = DEFAULT_NEAR_DUPLICATE) -> list[StoreOutcome]:
    """Store items in order, in the caller's transaction.

    Document rows are written one by one (each may copy the one before it); the rest
    (signatures, and what was extracted from the new documents) is written together,
    before any revision (which reads the claims) and at the end.
    """
    outcomes: list[StoreOutcome] = []
    pending: list[tuple[int, _NewDocument, StoreOutcome]] = []
    stored = _Stored.load(s, items)

    def write_pending() -> None:
        stored.copies.write_pending(s)
        if not pending:
            return
        s.execute(DocumentRevision.__table__.insert(), [
            {"document_id": new.id, "revision": 1, "content_hash": new.item.document.content_hash,
             "title": new.item.document.title, "fetched_at": new.ingested_at}
            for _pos, new, _h in pending])
        counts = _insert_derived(s, [p[1] for p in pending])
        for (pos, _new, head), (claims, figures, forecasts, created, joined) in zip(
                pending, counts, strict=True):
            outcomes[pos] = replace(head, claims=claims, figures=figures, forecasts=forecasts,
                                    clusters_new=created, claims_repeated=joined)
        pending.clear()

    for pos, item in enumerate(items):
        # Each document its own time, as when stored one by one: a revision later in the
        # batch supersedes claims after they were ingested, not in the same instant.
        now = _now()
        doc = item.document
        existing = stored.by_url.get(doc.url)
        if existing is not None:
            doc_id, old_hash, rev = existing
            if old_hash == doc.content_hash:
                outcomes.append(StoreOutcome("unchanged", doc_id))
            else:
                write_pending()
                outcomes.append(_revise(s, doc_id, rev + 1, doc, item.extraction,
                                        item.source_id, item.fingerprint, now))
                stored = _Stored.load(s, items[pos + 1:])  # hashes and signatures moved
            continue
        head, new = _insert_document(s, item, near_threshold, now, stored)
        if new is not None:
            pending.append((len(outcomes), new, head))
        outcomes.append(head)
    write_pending()
    return outcomes


def _insert_document(s: Session, item: StoreItem, near_threshold: float, now: datetime,
                     stored: _Stored) -> tuple[StoreOutcome, _NewDocument | None]:
    """The document row of a URL not stored yet, linked to the story it copies, if any."""
    doc, ex = item.document, item.extraction
    content_hash = doc.content_hash
    sig = item.fingerprint.signature if item.fingerprint is not None else None
    # A copy (same text, or a near-copy by MinHash) is stored with its own provenance and
    # linked to the earliest document of the story; its claims join that story's clusters.
    copy_of: int | None = None
    similarity: float | None = None
    twin = stored.first_by_hash.get(content_hash)
    if twin is not None:
        copy_of, similarity = twin[1] or twin[0], 1.0
    elif sig is not None:
        match = stored.copies.find(sig, near_threshold)
        if match is not None:
            copy_of, similarity = match.root_id, match.similarity
    stmt = _insert(s, Document.__table__).values(
        url=doc.url, content_hash=content_hash, kind=doc.kind, source_id=item.source_id,
        title=doc.title, author=doc.author, site=doc.site, text=doc.text,
        published_at=doc.published_at, published_raw=doc.published_raw, ingested_at=now,
        updated_at=now, revision=1, extractor_version=ex.extractor_version, meta=doc.meta,
        copy_of=copy_of, similarity=similarity,
    ).on_conflict_do_nothing(index_elements=["url"]).returning(Document.__table__.c.id)
    doc_id = s.execute(stmt).scalar()
    if doc_id is None:  # another writer stored it between our check and insert
        return StoreOutcome("unchanged", None), None
    stored.by_url[doc.url] = (doc_id, content_hash, 1)
    stored.first_by_hash.setdefault(content_hash, (doc_id, copy_of))
    if sig is not None:
        stored.copies.add(doc_id, copy_of, sig)
    head = StoreOutcome("duplicate" if copy_of else "new", doc_id, copy_of=copy_of,
                        similarity=similarity)
    return head, _NewDocument(doc_id, item, copy_of is not None, now)


def _revise(s: Session, doc_id: int, revision: int, doc: DocumentInput, ex: Extraction,
            source_id: int | None, fp: dedup.FingerprintLike | None,
            now: datetime) -> StoreOutcome:
    """A known URL with new content: record the revision and diff its claims.

    Claims whose (normalised) sentence is still there are kept (their offsets and
    labels follow the new text, their ingested_at stays); claims that are gone are
    superseded (kept, with superseded_at); new ones are added. Mentions, figures and
    forecasts describe the current text and are replaced. The signal facts copied into
    claim_dimension follow, and the clusters touched get their counting rows re-derived.
    """
    is_copy = s.execute(select(Document.copy_of).where(Document.id == doc_id)).scalar() \
        is not None
    s.execute(update(Document).where(Document.id == doc_id).values(
        content_hash=doc.content_hash, title=doc.title, author=doc.author, site=doc.site,
        text=doc.text, published_at=doc.published_at, published_raw=doc.published_raw,
        updated_at=now, revision=revision, extractor_version=ex.extractor_version,
        meta=doc.meta))
    s.execute(_insert(s, DocumentRevision.__table__).values(
        document_id=doc_id, revision=revision, content_hash=doc.content_hash, title=doc.title,
        fetched_at=now).on_conflict_do_nothing())
    sig = fp.signature if fp is not None else None
    dedup.drop_signature(s, doc_id)
    if sig is not None:
        dedup.index_signatures(s, [(doc_id, sig)])
    for table in (FigureRow, ForecastRow, Mention):
        s.execute(delete(table).where(table.document_id == doc_id))
    old = s.execute(select(Claim.id, Claim.text_key, Claim.text, Claim.ingested_at,
                           Claim.cluster_id)
                    .where(Claim.document_id == doc_id, Claim.superseded_at.is_(None))
                    .order_by(Claim.id)).all()
    ingested_of = {cid: _aware(ing) or now for cid, _k, _t, ing, _cl in old}
    cluster_of = {cid: cluster for cid, _k, _t, _i, cluster in old}
    pool: dict[str, list[int]] = {}
    plain: dict[str, list[int]] = {}
    for cid, key, text, _ing, _cl in old:
        pool.setdefault(key or "", []).append(cid)
        plain.setdefault(dedup.plain_key(text), []).append(cid)
    claims = list({(c.start, c.end): c for c in ex.claims}.values())
    kept: list[tuple[int, Any]] = []
    added: list[Any] = []
    taken: set[int] = set()
    for c in claims:
        key = _claim_key(fp, c)
        ids = [i for i in pool.get(key.exact if key else dedup.plain_key(c.text), [])
               if i not in taken]
        ids = ids or [i for i in plain.get(dedup.plain_key(c.text), []) if i not in taken]
        if ids:
            taken.add(ids[0])
            kept.append((ids[0], c))
        else:
            added.append(c)
    gone = [cid for cid, _k, _t, _i, _cl in old if cid not in taken]
    if gone:
        s.execute(update(Claim).where(Claim.id.in_(gone)).values(superseded_at=now))
        s.execute(update(ClaimDimension).where(ClaimDimension.claim_id.in_(gone))
                  .values(superseded_at=now))
    if kept:
        # Two steps so that moving offsets never collides with another live claim's.
        kept_ids = [cid for cid, _c in kept]
        s.execute(update(Claim).where(Claim.id.in_(kept_ids))
                  .values(start=-Claim.id, end=-Claim.id))
        for link in (ClaimDimension, ClaimModel, ClaimBenchmark):
            s.execute(delete(link).where(link.claim_id.in_(kept_ids)))
        t = Claim.__table__
        s.execute(t.update().where(t.c.id == bindparam("cid")).values(
            start=bindparam("s_start"), end=bindparam("s_end"), text=bindparam("s_text"),
            stance=bindparam("s_stance"), stance_confidence=bindparam("s_conf"),
            hedged=bindparam("s_hedged"),
            speaker=bindparam("s_speaker"), extractor_version=ex.extractor_version,
            published_at=doc.published_at, origin=bindparam("s_origin")),
            [{"cid": cid, "s_start": c.start, "s_end": c.end, "s_text": c.text,
              "s_stance": c.stance, "s_conf": c.stance_confidence, "s_hedged": c.hedged,
              "s_speaker": c.speaker,
              "s_origin": key.origin if key else None}
             for cid, c in kept for key in (_claim_key(fp, c),)])
        _insert_links(s, kept_ids, [c for _cid, c in kept],
                      [_signal_facts(c.stance, c.stance_confidence, doc.published_at,
                                     ingested_of[cid], is_copy,
                                     cluster_of[cid])
                       for cid, c in kept])
    _ensure_entities(s, [ex])
    assigner = dedup.ClusterAssigner(s, doc_id, now)
    new_ids = _insert_claims(s, [_ClaimRows(doc_id, doc, added, ex.extractor_version, source_id,
                                            fp, now, is_copy, revision)], assigner)[0]
    dedup.refresh_openers(s, [*gone, *(cid for cid, _c in kept)], assigner.clusters)
    spans = [(c.start, c.end, cid) for cid, c in kept]
    spans += [(c.start, c.end, cid) for c, cid in zip(added, new_ids, strict=True)]
    figures, forecasts = _insert_rest(s, [(doc_id, doc, ex, spans, now)])[0]
    return StoreOutcome("updated", doc_id, len(added), figures, forecasts, assigner.created,
                        assigner.joined, len(gone))


def _claim_key(fp: dedup.FingerprintLike | None, c: Any) -> dedup.ClaimKeyLike | None:
    return fp.claims.get((c.start, c.end)) if fp is not None else None


def _delete_derived(s: Session, doc_ids: list[int]) -> set[int]:
    """Delete what was extracted from these documents; returns the clusters their claims
    were in (whose counting rows must then be re-derived)."""
    clusters = {int(c) for c in s.execute(
        select(Claim.cluster_id).where(Claim.document_id.in_(doc_ids),
                                       Claim.cluster_id.is_not(None)).distinct()).scalars()}
    claim_ids = select(Claim.id).where(Claim.document_id.in_(doc_ids))
    for link in (ClaimDimension, ClaimModel, ClaimBenchmark):
        s.execute(delete(link).where(link.claim_id.in_(claim_ids)))
    for table in (FigureRow, ForecastRow, Mention):
        s.execute(delete(table).where(table.document_id.in_(doc_ids)))
    s.execute(delete(Claim).where(Claim.document_id.in_(doc_ids)))
    return clusters


def _ensure_entities(s: Session, extractions: Sequence[Extraction]) -> None:
    """Models and benchmarks first seen in text join their tables as non-registry rows."""
    models = {m.canonical: m for ex in extractions for m in ex.models}
    if models:
        s.execute(_insert(s, Model.__table__).on_conflict_do_nothing(index_elements=["id"]),
                  [{"id": m.canonical, "name": m.mention, "family": m.family,
                    "organization": m.organization, "country": None, "openness": m.openness,
                    "in_registry": False} for m in models.values()])
    names: dict[str, str] = {}
    for ex in extractions:
        for b in ex.benchmarks:
            names.setdefault(b.canonical, b.mention)
    for ex in extractions:
        for f in ex.figures:
            if f.benchmark:
                names.setdefault(f.benchmark, f.benchmark)
        for c in ex.claims:
            for b in c.benchmarks:
                names.setdefault(b, b)
    if names:
        s.execute(_insert(s, Benchmark.__table__).on_conflict_do_nothing(index_elements=["id"]),
                  [{"id": k, "name": v, "dimension": None, "in_registry": False}
                   for k, v in names.items()])
    extra = {f.model for ex in extractions for f in ex.figures if f.model}
    extra |= {m for ex in extractions for c in ex.claims for m in c.models}
    extra -= set(models)
    if extra:
        s.execute(_insert(s, Model.__table__).on_conflict_do_nothing(index_elements=["id"]),
                  [{"id": k, "name": k, "family": None, "organization": None, "country": None,
                    "openness": "unknown", "in_registry": False} for k in sorted(extra)])


def _insert_derived(s: Session, new: Sequence[_NewDocument],
                    touched_clusters: Iterable[int] = ()) -> list[tuple[int, int, int, int, int]]:
    """Write what was extracted from these documents, in order; per document: (claims,
    figures, forecasts, clusters_new, claims_repeated).

    `touched_clusters`: clusters that lost claims before this insert (reprocess), whose
    counting rows are re-derived along with those of the new claims.
    """
    if not new:
        return []
    _ensure_entities(s, [n.item.extraction for n in new])
    batches = [_ClaimRows(n.id, n.item.document,
                          list({(c.start, c.end): c for c in n.item.extraction.claims}.values()),
                          n.item.extraction.extractor_version, n.item.source_id,
                          n.item.fingerprint, n.ingested_at, n.is_copy) for n in new]
    assigner = dedup.ClusterAssigner(s, new[0].id, new[0].ingested_at)
    claim_ids = _insert_claims(s, batches, assigner)
    touched = set(touched_clusters)
    if touched:  # reprocess: clusters lost claims too, re-derive them whole
        dedup.refresh_openers(s, (), {*assigner.clusters, *touched})
    else:  # new documents only append rows to their clusters
        flat = [(cid, c, b) for b, ids in zip(batches, claim_ids, strict=True)
                for cid, c in zip(ids, b.claims, strict=True)]
        dedup.refresh_new_openers(s, [n.id for n in new], [
            dedup.NewClaimRow(cid, cluster, d, b.is_copy, b.now)
            for (cid, c, b), cluster in zip(flat, assigner.assigned, strict=True)
            for d in dict.fromkeys(c.dimensions)])
    rest = _insert_rest(s, [(b.doc_id, b.doc, n.item.extraction,
                             [(c.start, c.end, cid) for c, cid in zip(b.claims, ids, strict=True)],
                             b.now)
                            for n, b, ids in zip(new, batches, claim_ids, strict=True)])
    out = []
    pos = 0
    for b, (figures, forecasts) in zip(batches, rest, strict=True):
        started = assigner.started[pos:pos + len(b.claims)]
        pos += len(b.claims)
        out.append((len(b.claims), figures, forecasts, sum(started),
                    len(started) - sum(started)))
    return out


@dataclass(frozen=True, slots=True)
class _ClaimRows:
    """One document's claims to insert, with what their rows copy from it."""

    doc_id: int
    doc: DocumentInput
    claims: Sequence[Any]
    version: str
    source_id: int | None
    fp: dedup.FingerprintLike | None
    now: datetime
    is_copy: bool
    revision: int = 1


def _insert_claims(s: Session, batches: Sequence[_ClaimRows],
                   assigner: dedup.ClusterAssigner) -> list[list[int]]:
    """Insert claims with their cluster, keys and links; returns ids per batch, in order.

    The caller re-derives the clusters' counting rows (dedup.refresh_openers) once all
    the claims are written.
    """
    flat = [(b, c, _claim_key(b.fp, c)) for b in batches for c in b.claims]
    if not flat:
        return [[] for _b in batches]
    cluster_ids = assigner.assign_all([(c.text, key) for _b, c, key in flat],
                                      [(b.doc_id, b.now) for b, _c, _k in flat])
    rows = [{"document_id": b.doc_id, "source_id": b.source_id, "text": c.text,
             "start": c.start, "end": c.end, "stance": c.stance,
             "stance_confidence": c.stance_confidence, "hedged": c.hedged,
             "speaker": c.speaker, "extractor_version": b.version,
             "published_at": b.doc.published_at, "ingested_at": b.now, "cluster_id": cluster,
             "text_key": key.exact if key else dedup.plain_key(c.text),
             "bag_key": key.bag if key else None,
             "origin": key.origin if key else None, "revision": b.revision}
            for (b, c, key), cluster in zip(flat, cluster_ids, strict=True)]
    # One executemany (its compiled form is cached; an executemany with ordered RETURNING
    # runs row by row on SQLite, a multi-row VALUES recompiles per call), then the ids by
    # span: a document's live claims are exactly the ones just written plus those a
    # revision kept, and they all have distinct spans.
    t = Claim.__table__
    s.execute(t.insert(), rows)
    ids: dict[tuple[int, int, int], int] = {}
    for chunk in _chunks([b.doc_id for b in batches if b.claims]):
        ids.update({(doc, start, end): cid for cid, doc, start, end in s.execute(
            select(t.c.id, t.c.document_id, t.c.start, t.c.end).where(
                t.c.document_id.in_(chunk), t.c.superseded_at.is_(None)))})
    claim_ids = [ids[(b.doc_id, c.start, c.end)] for b, c, _k in flat]
    _insert_links(s, claim_ids, [c for _b, c, _k in flat],
                  [_signal_facts(c.stance, c.stance_confidence, b.doc.published_at, b.now,
                                 b.is_copy, cluster)
                   for (b, c, _k), cluster in zip(flat, cluster_ids, strict=True)])
    out: list[list[int]] = []
    pos = 0
    for b in batches:
        out.append(claim_ids[pos:pos + len(b.claims)])
        pos += len(b.claims)
    return out


def _chunks(values: Sequence[Any], n: int = 500) -> Iterable[Sequence[Any]]:
    return (values[i:i + n] for i in range(0, len(values), n))


def _utc_day(ts: datetime | None) -> date | None:
    """The UTC calendar day of a timestamp (naive = UTC, as SQLite returns them)."""
    if ts is None:
        return None
    return (ts.astimezone(UTC) if ts.tzinfo else ts).date()


def _signal_facts(stance: str, confidence: float | None, published_at: datetime | None,
                  ingested_at: datetime, is_copy: bool, cluster_id: int | None
                  ) -> dict[str, Any]:
    """The claim's facts copied onto each of its claim_dimension rows (a live claim;
    opens_at is derived afterwards by dedup.refresh_openers)."""
    return {"stance": stance, "stance_confidence": confidence,
            "published_day": _utc_day(published_at),
            "ingested_day": _utc_day(ingested_at), "ingested_at": ingested_at,
            "superseded_at": None, "opens_at": None, "is_copy": is_copy,
            "cluster_id": cluster_id}


def _insert_links(s: Session, claim_ids: Sequence[int], claims: Sequence[Any],
                  facts: Sequence[dict[str, Any]]) -> None:
    dims = [{"claim_id": cid, "dimension": d, **fact}
            for cid, c, fact in zip(claim_ids, claims, facts, strict=True)
            for d in dict.fromkeys(c.dimensions)]
    mods = [{"claim_id": cid, "model_id": m} for cid, c in zip(claim_ids, claims, strict=True)
            for m in dict.fromkeys(c.models)]
    bens = [{"claim_id": cid, "benchmark_id": b}
            for cid, c in zip(claim_ids, claims, strict=True)
            for b in dict.fromkeys(c.benchmarks)]
    for table, link_rows in ((ClaimDimension, dims), (ClaimModel, mods),
                             (ClaimBenchmark, bens)):
        if link_rows:
            s.execute(_insert(s, table.__table__).on_conflict_do_nothing(), link_rows)


def _insert_rest(s: Session, docs: Sequence[tuple[int, DocumentInput, Extraction,
                                                  list[tuple[int, int, int]], datetime]],
                 ) -> list[tuple[int, int]]:
    """Mentions, figures (linked to the claim around them) and forecasts of documents
    given as (id, document, extraction, claim spans, ingested_at); per document the
    figures and forecasts written. A forecast the text does not attribute ("we put it at
    35%") is the document's publisher's."""
    mentions: list[dict[str, Any]] = []
    figure_rows: list[dict[str, Any]] = []
    forecast_rows: list[dict[str, Any]] = []
    counts: list[tuple[int, int]] = []
    for doc_id, doc, ex, spans, now in docs:
        version = ex.extractor_version
        mentions += [{"document_id": doc_id, "kind": "model", "canonical": m.canonical,
                      "mention": m.mention, "start": m.start, "end": m.end,
                      "extractor_version": version} for m in ex.models]
        mentions += [{"document_id": doc_id, "kind": "benchmark", "canonical": b.canonical,
                      "mention": b.mention, "start": b.start, "end": b.end,
                      "extractor_version": version} for b in ex.benchmarks]
        figures = list({(f.start, f.end, f.model, f.benchmark): f for f in ex.figures}.values())
        figure_rows += [
            {"document_id": doc_id, "claim_id": _claim_for(spans, f.start), "value": f.value,
             "value_high": f.value_high, "unit": f.unit, "kind": f.kind, "model_id": f.model,
             "benchmark_id": f.benchmark, "sentence": f.sentence, "start": f.start,
             "end": f.end, "extractor_version": version} for f in figures]
        forecasts = list({(f.start, f.probability, f.conditional): f
                          for f in ex.forecasts}.values())
        forecast_rows += [
            {"document_id": doc_id, "issuer": f.issuer or doc.publisher,
             "probability": f.probability,
             "conditional": f.conditional, "proposition": f.proposition,
             "sentence": f.sentence, "start": f.start, "end": f.end,
             "extractor_version": version, "published_at": doc.published_at,
             "ingested_at": now} for f in forecasts]
        counts.append((len(figures), len(forecasts)))
    for table, rows in ((Mention, mentions), (FigureRow, figure_rows),
                        (ForecastRow, forecast_rows)):
        if rows:
            s.execute(_insert(s, table.__table__).on_conflict_do_nothing(), rows)
    return counts


def _claim_for(spans: list[tuple[int, int, int]], pos: int) -> int | None:
    for start, end, cid in spans:
        if start <= pos < end:
            return cid
    return None


def replace_extraction(engine: Engine, document_id: int, extraction: Extraction,
                       fingerprint: dedup.FingerprintLike | None = None) -> StoreOutcome:
    """Swap a stored document's extraction for a newer extractor version (reprocess).

    Claims are re-clustered; pass the fingerprint (extractors.dedup) to cluster on more
    than the exact wording.
    """
    with session_scope(engine) as s:
        doc = s.get(Document, document_id)
        if doc is None:
            return StoreOutcome("missing", None)
        if doc.extractor_version == extraction.extractor_version:
            return StoreOutcome("unchanged", document_id)
        inp = DocumentInput(url=doc.url, kind=doc.kind, title=doc.title, text=doc.text,
                            author=doc.author, site=doc.site,
                            published_at=_aware(doc.published_at))
        touched = _delete_derived(s, [document_id])
        doc.extractor_version = extraction.extractor_version
        item = StoreItem(inp, extraction, doc.source_id, fingerprint)
        counts = _insert_derived(s, [_NewDocument(document_id, item, doc.copy_of is not None,
                                                  _aware(doc.ingested_at) or _now())],
                                 touched_clusters=touched)[0]
        return StoreOutcome("updated", document_id, *counts)


# --- failures and runs -------------------------------------------------------

def record_failure(engine: Engine, *, url: str, stage: str, kind: str, reason: str,
                   run_id: int | None = None, source_id: int | None = None,
                   status_code: int | None = None) -> None:
    with session_scope(engine) as s:
        s.add(FetchFailure(run_id=run_id, source_id=source_id, url=url, stage=stage, kind=kind,
                           reason=reason[:2000], status_code=status_code, occurred_at=_now()))


def resolve_failures(engine: Engine, urls: Iterable[str]) -> None:
    """Mark earlier failures of URLs that are now stored as resolved."""
    urls = list(urls)
    if not urls:
        return
    with session_scope(engine) as s:
        s.execute(update(FetchFailure).where(FetchFailure.url.in_(urls),
                                             FetchFailure.resolved_at.is_(None))
                  .values(resolved_at=_now()))


def start_run(engine: Engine, flow: str, extractor_version: str,
              stale_after_seconds: float = 2 * 3600) -> int:
    """Open a run row; runs still 'running' after stale_after_seconds were killed: abandoned."""
    cutoff = _now() - timedelta(seconds=stale_after_seconds)
    with session_scope(engine) as s:
        s.execute(update(IngestionRun).where(IngestionRun.status == "running",
                                             IngestionRun.started_at < cutoff)
                  .values(status="abandoned", error="process ended without finishing the run"))
        run = IngestionRun(flow=flow, status="running", started_at=_now(),
                           extractor_version=extractor_version)
        s.add(run)
        s.flush()
        assert run.id is not None
        return run.id


def finish_run(engine: Engine, run_id: int, counts: dict[str, int], status: str = "completed",
               error: str | None = None) -> None:
    allowed = set(IngestionRun.model_fields) - {"id", "flow", "status", "started_at",
                                                "finished_at", "extractor_version", "error"}
    values: dict[str, Any] = {k: v for k, v in counts.items() if k in allowed}
    with session_scope(engine) as s:
        s.execute(update(IngestionRun).where(IngestionRun.id == run_id).values(
            status=status, finished_at=_now(), error=error, **values))


def _aware(ts: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything stored is UTC."""
    if ts is None:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
