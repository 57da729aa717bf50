"""De-duplication in the database: the LSH index, copy links and claim clusters.

The LSH index is a table of (band key, document id) with the band key first in
its primary key: the candidates for a new document are found with one indexed
`IN` lookup over its band keys, so the cost does not grow with the corpus and
nothing has to be rebuilt when a process starts. Candidates are verified
against their stored MinHash signatures.

Fingerprints are computed by `extractors.dedup` (storage imports only models/),
so this module accepts anything shaped like them (the Protocols below).

Counting rule, used by the summary and offered to the API: a *cluster* is one
piece of evidence; it counts when at least one live claim of it stands in a
document that is not a copy. Its *mentions* are all its live claims, copies
included; copies = mentions - clusters.

Over time (/signals), a cluster counts once per dimension, in the period of its
*opening* claim: the earliest (by ingested_at, then id) live claim of the cluster
labelled with that dimension and standing in a document that is not a copy. Which
claim opens changes only when the opener is superseded or deleted, so each
claim_dimension row stores `opens_at`, the time from which it opens (NULL: never,
while an earlier original claim is still live); the row counts at `as_of` when
opens_at <= as_of and it is still live then. refresh_openers re-derives these
whenever a cluster's claims change. A claim without a cluster is its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Engine, and_, bindparam, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.tables import (
    Claim,
    ClaimCluster,
    ClaimDimension,
    Document,
    DocumentSignature,
    LshBand,
    Source,
)

MAX_CANDIDATES = 2000  # LSH candidates verified per document (boilerplate-only pages)
FUZZY_CANDIDATES = 200  # clusters compared word by word per claim
NEAR_IDENTICAL = 0.7  # word-set Jaccard for "same wording, same numbers"
SAME_FINDING = 0.5  # word-set Jaccard for two unnumbered claims citing the same origin
MIN_BAG_WORDS = 4  # shorter sentences only cluster on their exact wording


class SignatureLike(Protocol):
    @property
    def minhash(self) -> bytes: ...
    @property
    def bands(self) -> tuple[int, ...]: ...


class ClaimKeyLike(Protocol):
    @property
    def exact(self) -> str: ...
    @property
    def bag(self) -> str: ...
    @property
    def numbers(self) -> str | None: ...
    @property
    def norm(self) -> str: ...
    @property
    def origin(self) -> str | None: ...


class FingerprintLike(Protocol):
    @property
    def signature(self) -> SignatureLike | None: ...
    @property
    def claims(self) -> Mapping[tuple[int, int], ClaimKeyLike]: ...


# --- documents: the persisted LSH index ---------------------------------------------

def index_signature(s: Session, document_id: int, sig: SignatureLike) -> None:
    s.execute(DocumentSignature.__table__.insert(),
              [{"document_id": document_id, "minhash": sig.minhash}])
    s.execute(LshBand.__table__.insert(),
              [{"band_key": k, "document_id": document_id} for k in dict.fromkeys(sig.bands)])


def drop_signature(s: Session, document_id: int) -> None:
    s.execute(delete(LshBand).where(LshBand.document_id == document_id))
    s.execute(delete(DocumentSignature).where(DocumentSignature.document_id == document_id))


@dataclass(frozen=True, slots=True)
class CopyMatch:
    root_id: int  # the earliest document of the story: what copy_of points at
    matched_id: int  # the stored document that was similar (may itself be a copy)
    similarity: float


def candidates(s: Session, sig: SignatureLike, exclude: int | None = None) -> list[int]:
    """Documents sharing at least one LSH band with the signature (indexed lookups)."""
    stmt = (select(LshBand.document_id).where(LshBand.band_key.in_(list(set(sig.bands))))
            .distinct().limit(MAX_CANDIDATES))
    if exclude is not None:
        stmt = stmt.where(LshBand.document_id != exclude)
    return list(s.execute(stmt).scalars())


def find_copy(s: Session, sig: SignatureLike, threshold: float,
              exclude: int | None = None) -> CopyMatch | None:
    """The earliest stored story this signature nearly copies (Jaccard >= threshold)."""
    ids = candidates(s, sig, exclude)
    if not ids:
        return None
    mine = np.frombuffer(sig.minhash, dtype="<u4")
    best: CopyMatch | None = None
    rows = s.execute(select(DocumentSignature.document_id, DocumentSignature.minhash,
                            Document.copy_of)
                     .join(Document, Document.id == DocumentSignature.document_id)
                     .where(DocumentSignature.document_id.in_(ids))).all()
    for doc_id, blob, copy_of in rows:
        theirs = np.frombuffer(blob, dtype="<u4")
        if len(theirs) != len(mine):
            continue
        sim = float(np.count_nonzero(theirs == mine)) / len(mine)
        if sim < threshold:
            continue
        root = copy_of or doc_id
        if best is None or root < best.root_id or (root == best.root_id
                                                    and sim > best.similarity):
            best = CopyMatch(root, doc_id, sim)
    return best


# --- claims: clusters -----------------------------------------------------------------

def plain_key(text: str) -> str:
    """Cluster key of a claim stored without a fingerprint: whitespace and case only."""
    return "t:" + hashlib.sha1(" ".join(text.casefold().split()).encode()).hexdigest()


def _word_jaccard(a: str, b: str) -> float:
    x, y = set(a.split()), set(b.split())
    return len(x & y) / len(x | y) if x or y else 0.0


def _numbers_compatible(a: str | None, b: str | None) -> bool:
    """Both state numbers, and one set contains the other (a citation may drop the year)."""
    if not a or not b:
        return False
    x, y = set(a.split("|")), set(b.split("|"))
    return x <= y or y <= x


@dataclass(slots=True)
class ClusterAssigner:
    """Finds or creates the cluster of each claim of one document, in its transaction."""

    s: Session
    document_id: int
    now: datetime
    created: int = 0
    joined: int = 0
    # exact/bag key -> cluster, for the claims of this document not yet inserted
    _local: dict[str, int] = field(default_factory=dict)

    def assign(self, text: str, key: ClaimKeyLike | None) -> int:
        exact = key.exact if key else plain_key(text)
        cid = self._local.get(exact) or self._by_claim(Claim.text_key, exact)
        bag_ok = key is not None and len(key.norm.split()) >= MIN_BAG_WORDS
        if cid is None and key is not None and bag_ok:
            cid = self._local.get("bag:" + key.bag) or self._by_claim(Claim.bag_key, key.bag)
        if cid is None and key is not None:
            cid = self._fuzzy(key)
        if cid is None:
            cid = self._create(text, exact, key)
            self.created += 1
        else:
            self.joined += 1
        self._local[exact] = cid
        if key is not None and bag_ok:
            self._local["bag:" + key.bag] = cid
        return cid

    def _by_claim(self, col: Any, value: str) -> int | None:
        return self.s.execute(select(Claim.cluster_id).where(col == value,
                                                             Claim.cluster_id.is_not(None))
                              .order_by(Claim.id).limit(1)).scalar()

    def _fuzzy(self, key: ClaimKeyLike) -> int | None:
        """Same origin and numbers (or close wording), or near-identical wording, same numbers."""
        cc = ClaimCluster
        if key.origin:
            rows = self.s.execute(select(cc.id, cc.numbers_key, cc.norm_text)
                                  .where(cc.origin_key == key.origin.casefold())
                                  .order_by(cc.id.desc()).limit(FUZZY_CANDIDATES)).all()
            for cid, nums, norm in rows:
                if key.numbers or nums:
                    if _numbers_compatible(key.numbers, nums):
                        return int(cid)
                elif _word_jaccard(key.norm, norm) >= SAME_FINDING:
                    return int(cid)
        if key.numbers:
            rows = self.s.execute(select(cc.id, cc.norm_text, cc.origin_key)
                                  .where(cc.numbers_key == key.numbers)
                                  .order_by(cc.id.desc()).limit(FUZZY_CANDIDATES)).all()
            mine = key.origin.casefold() if key.origin else None
            for cid, norm, origin in rows:
                if mine and origin and origin != mine:
                    continue
                if _word_jaccard(key.norm, norm) >= NEAR_IDENTICAL:
                    return int(cid)
        return None

    def _create(self, text: str, exact: str, key: ClaimKeyLike | None) -> int:
        origin = key.origin if key else None
        insert = (postgresql.insert if self.s.get_bind().dialect.name == "postgresql"
                  else sqlite.insert)
        self.s.execute(insert(ClaimCluster.__table__).values(
            key=exact, text=text, norm_text=key.norm if key else " ".join(text.casefold().split()),
            numbers_key=key.numbers if key else None, origin=origin,
            origin_key=origin.casefold() if origin else None,
            first_document_id=self.document_id, first_seen_at=self.now,
        ).on_conflict_do_nothing(index_elements=["key"]))
        cid = self.s.execute(select(ClaimCluster.id).where(ClaimCluster.key == exact)).scalar()
        assert cid is not None
        return int(cid)


# --- reads: what the summary, the claims list and the API count ------------------------

def live_conditions(as_of: datetime | None) -> list[Any]:
    """Claims that held at as_of (now: not superseded)."""
    if as_of is None:
        return [Claim.superseded_at.is_(None)]
    return [Claim.ingested_at <= as_of,
            or_(Claim.superseded_at.is_(None), Claim.superseded_at > as_of)]


def original_document() -> Any:
    """SQL condition: the claim's document is not a copy of another."""
    return select(Document.id).where(Document.id == Claim.document_id,
                                     Document.copy_of.is_(None)).exists()


@dataclass(frozen=True, slots=True)
class ClusterTotals:
    clusters: int  # distinct pieces of evidence (counted)
    mentions: int  # live claims behind them, copies included
    copies: int  # mentions - clusters
    documents: int  # documents that are not copies
    document_copies: int  # documents linked to an earlier one
    superseded: int  # claims dropped by revisions (kept, not counted)

    def to_dict(self) -> dict[str, int]:
        return {"clusters": self.clusters, "mentions": self.mentions, "copies": self.copies,
                "documents": self.documents, "document_copies": self.document_copies,
                "superseded": self.superseded}


def cluster_totals(engine: Engine, as_of: datetime | None = None) -> ClusterTotals:
    """Evidence vs. repetition over the whole database (as it stood at as_of)."""
    with Session(engine) as s:
        return totals_in(s, as_of)


def totals_in(s: Session, as_of: datetime | None) -> ClusterTotals:
    live = live_conditions(as_of)
    counted = (select(Claim.cluster_id).where(*live, original_document(),
                                              Claim.cluster_id.is_not(None))
               .distinct().subquery())
    clusters = s.execute(select(func.count()).select_from(counted)).scalar() or 0
    mentions = s.execute(select(func.count()).select_from(Claim).where(
        *live, Claim.cluster_id.in_(select(counted.c.cluster_id)))).scalar() or 0
    dq = select(Document.copy_of.is_(None), func.count()).group_by(Document.copy_of.is_(None))
    if as_of is not None:
        dq = dq.where(Document.ingested_at <= as_of)
    docs = {bool(k): int(n) for k, n in s.execute(dq).all()}
    sq = select(func.count()).select_from(Claim).where(Claim.superseded_at.is_not(None))
    if as_of is not None:
        sq = sq.where(Claim.superseded_at <= as_of)
    superseded = s.execute(sq).scalar() or 0
    return ClusterTotals(int(clusters), int(mentions), int(mentions) - int(clusters),
                         docs.get(True, 0), docs.get(False, 0), int(superseded))


def cluster_grid(s: Session, as_of: datetime | None = None) -> dict[str, dict[str, int]]:
    """dimension -> stance -> counted clusters (the summary's grid)."""
    grid: dict[str, dict[str, int]] = {}
    for dim, stance, n in s.execute(
            select(ClaimDimension.dimension, Claim.stance,
                   func.count(func.distinct(Claim.cluster_id)))
            .join(Claim, Claim.id == ClaimDimension.claim_id)
            .where(*live_conditions(as_of), original_document())
            .group_by(ClaimDimension.dimension, Claim.stance)):
        grid.setdefault(dim, {})[stance] = int(n)
    return grid


def _utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _chunks(values: Sequence[Any], n: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), n):
        yield values[i:i + n]


def opening_times(rows: Iterable[tuple[int, datetime, datetime | None, bool]],
                  ) -> dict[int, datetime | None]:
    """claim id -> opens_at for the rows of one (cluster, dimension).

    Rows are (claim id, ingested_at, superseded_at, in a copy), aware. An original row
    opens once every original before it (by ingested_at, id) has been superseded; a
    row never opens while an earlier original is live, nor after its own supersession.
    """
    out: dict[int, datetime | None] = {}
    barrier: datetime | None = None
    blocked = False
    for cid, ingested, superseded, copy in sorted(rows, key=lambda r: (r[1], r[0])):
        if copy:
            out[cid] = None
            continue
        opens = None if blocked else max(ingested, barrier) if barrier else ingested
        if opens is not None and superseded is not None and opens >= superseded:
            opens = None
        out[cid] = opens
        if superseded is None:
            blocked = True
        else:
            barrier = superseded if barrier is None else max(barrier, superseded)
    return out


def refresh_openers(s: Session, claim_ids: Iterable[int],
                    cluster_ids: Iterable[int] = ()) -> int:
    """Re-derive claim_dimension.opens_at for the clusters of these claims (and these
    clusters); returns the rows changed. Call after a document's claims were written.

    On PostgreSQL the clusters are locked first (FOR NO KEY UPDATE, in id order), so two
    writers adding claims to one cluster derive its openers one after the other, each
    seeing the other's committed claims.
    """
    ids = sorted(set(claim_ids))
    clusters: set[int] = {int(c) for c in cluster_ids}
    singles: list[int] = []
    for chunk in _chunks(ids):
        for cid, cluster in s.execute(select(Claim.id, Claim.cluster_id)
                                      .where(Claim.id.in_(chunk))).all():
            if cluster is None:
                singles.append(int(cid))
            else:
                clusters.add(int(cluster))
    ordered = sorted(clusters)
    if s.get_bind().dialect.name == "postgresql":
        for chunk in _chunks(ordered):
            s.execute(select(ClaimCluster.id).where(ClaimCluster.id.in_(chunk))
                      .order_by(ClaimCluster.id).with_for_update(key_share=True)).all()
    cd = ClaimDimension
    base = (select(cd.claim_id, cd.dimension, Claim.cluster_id, cd.ingested_at,
                   cd.superseded_at, cd.is_copy, cd.opens_at)
            .join(Claim, Claim.id == cd.claim_id))
    rows: list[Any] = []
    for chunk in _chunks(ordered):
        rows += s.execute(base.where(Claim.cluster_id.in_(chunk))).all()
    for chunk in _chunks(singles):
        rows += s.execute(base.where(cd.claim_id.in_(chunk), Claim.cluster_id.is_(None))).all()
    groups: dict[tuple[int, str], list[Any]] = {}
    for r in rows:
        key = r.cluster_id if r.cluster_id is not None else -r.claim_id
        groups.setdefault((key, r.dimension), []).append(r)
    changes: list[dict[str, Any]] = []
    for members in groups.values():
        opens = opening_times((r.claim_id, _utc(r.ingested_at),
                               _utc(r.superseded_at) if r.superseded_at else None,
                               bool(r.is_copy)) for r in members)
        for r in members:
            want = opens[r.claim_id]
            have = _utc(r.opens_at) if r.opens_at else None
            if want != have:
                changes.append({"cid": r.claim_id, "dim": r.dimension, "opens": want})
    if changes:
        t = cd.__table__
        s.execute(t.update().where(t.c.claim_id == bindparam("cid"),
                                   t.c.dimension == bindparam("dim"))
                  .values(opens_at=bindparam("opens")), changes)
    return len(changes)


def signal_live(as_of: datetime | None) -> list[Any]:
    """claim_dimension rows whose claim held at as_of (now: not superseded)."""
    cd = ClaimDimension
    if as_of is None:
        return [cd.superseded_at.is_(None)]
    as_of = _utc(as_of)
    return [cd.ingested_at <= as_of, or_(cd.superseded_at.is_(None), cd.superseded_at > as_of)]


def _day_range(day: Any, stamp: Any, since: datetime, until: datetime) -> list[Any]:
    """`since <= stamp < until` on the day column (indexed), exact at partial days.

    Whole days need only the day column; a bound inside a day adds the timestamp
    condition for the rows of that day alone.
    """
    since, until = _utc(since), _utc(until)
    first, last = since.date(), until.date()
    midnight = since == datetime.combine(first, datetime.min.time(), UTC)
    cond: list[Any] = [day >= first]
    until_midnight = until == datetime.combine(last, datetime.min.time(), UTC)
    cond.append(day < last if until_midnight else day <= last)
    edges = []
    if not midnight:
        edges.append(and_(day == first, stamp() < since))
    if not until_midnight:
        edges.append(and_(day == last, stamp() >= until))
    if edges:
        cond.append(~or_(*edges))
    return cond


_READS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gapwatch-counts")


def _halves(since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """[since, until) cut at the midnight (UTC) nearest its middle, when there is one."""
    since, until = _utc(since), _utc(until)
    days = (until.date() - since.date()).days
    mid = datetime.combine(since.date() + timedelta(days=days // 2), datetime.min.time(), UTC)
    return [(since, mid), (mid, until)] if since < mid < until else [(since, until)]


def cluster_stance_counts(engine: Engine, w: Any) -> list[tuple[str, date, str, int, int]]:
    """(dimension, period start, stance, clusters, mentions) for /signals and the summary.

    `w` is a storage.analytics.SignalWindow (bucket, since, until, as_of, dimension,
    date_field). Clusters: the clusters whose opening claim (see the module doc) falls
    in the period, as it stood at as_of. Mentions: every live claim in the period,
    copies and repeats of earlier clusters included; mentions - clusters are the copies
    behind them. A grouped query over claim_dimension alone (an index-only scan on
    PostgreSQL, run as two halves at once there); weeks (from Monday) are folded here.
    """
    cd = ClaimDimension
    published = getattr(w, "date_field", "published") == "published"
    day = cd.published_day if published else cd.ingested_day

    def stamp() -> Any:
        if published:
            return (select(Claim.published_at).where(Claim.id == cd.claim_id)
                    .scalar_subquery())
        return cd.ingested_at

    clusters = (func.count(cd.opens_at) if w.as_of is None
                else func.count().filter(cd.opens_at <= _utc(w.as_of)))

    def count(bounds: tuple[datetime, datetime]) -> list[Any]:
        stmt = (select(day, cd.dimension, cd.stance, clusters, func.count())
                .where(*_day_range(day, stamp, *bounds), *signal_live(w.as_of)))
        if w.dimension:
            stmt = stmt.where(cd.dimension == w.dimension)
        with engine.connect() as conn:  # plain rows: no ORM layer for thousands of groups
            return list(conn.execute(stmt.group_by(day, cd.dimension, cd.stance)).all())

    # On PostgreSQL the two halves of the window (split at a midnight, so their days are
    # disjoint) are counted at once on two connections: two cores instead of one.
    parts = (_halves(w.since, w.until) if engine.dialect.name == "postgresql"
             else [(w.since, w.until)])
    rows = [r for part in _READS.map(count, parts) for r in part] if len(parts) > 1 \
        else count(parts[0])
    folded: dict[tuple[str, date, str], list[int]] = {}
    for d, dim, stance, n_clusters, n in rows:
        d = _as_date(d)
        if w.bucket == "week":
            d = d - timedelta(days=d.weekday())
        acc = folded.setdefault((dim, d, stance), [0, 0])
        acc[0] += int(n_clusters or 0)
        acc[1] += int(n)
    return [(k[0], k[1], k[2], v[0], v[1]) for k, v in sorted(folded.items())]


def cluster_detail(engine: Engine, cluster_id: int,
                   as_of: datetime | None = None) -> dict[str, Any] | None:
    """A cluster, its origin, first-seen document and every claim/document repeating it."""
    with Session(engine) as s:
        c = s.get(ClaimCluster, cluster_id)
        if c is None:
            return None
        rows = s.execute(select(Claim, Document.url, Document.title, Document.copy_of,
                                Source.name)
                         .join(Document, Document.id == Claim.document_id)
                         .outerjoin(Source, Source.id == Claim.source_id)
                         .where(Claim.cluster_id == cluster_id, *live_conditions(as_of))
                         .order_by(Claim.id)).all()
        mentions = [{"claim_id": cl.id, "document_id": cl.document_id, "url": url,
                     "title": title, "source": src, "copy_of": copy_of, "text": cl.text,
                     "speaker": cl.speaker, "origin": cl.origin,
                     "published_at": _iso(cl.published_at), "ingested_at": _iso(cl.ingested_at)}
                    for cl, url, title, copy_of, src in rows]
        return {"id": c.id, "text": c.text, "origin": c.origin,
                "first_document_id": c.first_document_id,
                "first_seen_at": _iso(c.first_seen_at), "mentions": len(mentions),
                "documents": len({m["document_id"] for m in mentions}),
                "counted": any(m["copy_of"] is None for m in mentions), "claims": mentions}


def cluster_mentions(s: Session, cluster_ids: Sequence[int],
                     as_of: datetime | None = None) -> dict[int, int]:
    """Live claims per cluster (copies included), for a page of clusters."""
    if not cluster_ids:
        return {}
    return {int(k): int(n) for k, n in s.execute(
        select(Claim.cluster_id, func.count()).where(Claim.cluster_id.in_(list(cluster_ids)),
                                                     *live_conditions(as_of))
        .group_by(Claim.cluster_id)).all()}


def document_copies(engine: Engine, document_id: int) -> list[dict[str, Any]]:
    """The documents linked as copies of this one (or of its original)."""
    with Session(engine) as s:
        root = s.execute(select(func.coalesce(Document.copy_of, Document.id))
                         .where(Document.id == document_id)).scalar()
        if root is None:
            return []
        rows = s.execute(select(Document.id, Document.url, Document.title, Document.similarity,
                                Document.published_at, Document.ingested_at)
                         .where(or_(Document.id == root, Document.copy_of == root))
                         .order_by(Document.id)).all()
        return [{"document_id": i, "url": u, "title": t, "similarity": sim,
                 "original": i == root, "published_at": _iso(p), "ingested_at": _iso(ing)}
                for i, u, t, sim, p, ing in rows]


def _iso(ts: datetime | None) -> str | None:
    if ts is None:
        return None
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).isoformat()


__all__ = ["ClusterAssigner", "ClusterTotals", "CopyMatch", "candidates",
           "cluster_detail", "cluster_grid", "cluster_mentions", "cluster_stance_counts",
           "cluster_totals", "document_copies", "totals_in", "drop_signature", "find_copy",
           "index_signature", "live_conditions", "opening_times", "original_document",
           "plain_key", "refresh_openers", "signal_live"]
