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
import json
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Engine, and_, bindparam, delete, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.tables import (
    OPEN_ROW_POSTGRESQL,
    OPEN_ROW_SQLITE,
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

def index_signatures(s: Session, docs: Sequence[tuple[int, SignatureLike]]) -> None:
    """Persist (document id, signature) pairs in the LSH index."""
    if not docs:
        return
    s.execute(DocumentSignature.__table__.insert(),
              [{"document_id": d, "minhash": sig.minhash} for d, sig in docs])
    s.execute(LshBand.__table__.insert(),
              [{"band_key": k, "document_id": d} for d, sig in docs
               for k in dict.fromkeys(sig.bands)])


def drop_signature(s: Session, document_id: int) -> None:
    s.execute(delete(LshBand).where(LshBand.document_id == document_id))
    s.execute(delete(DocumentSignature).where(DocumentSignature.document_id == document_id))


@dataclass(frozen=True, slots=True)
class CopyMatch:
    root_id: int  # the earliest document of the story: what copy_of points at
    matched_id: int  # the stored document that was similar (may itself be a copy)
    similarity: float


def find_copy(s: Session, sig: SignatureLike, threshold: float) -> CopyMatch | None:
    """The earliest stored story this signature nearly copies (Jaccard >= threshold)."""
    return CopyIndex.load(s, [sig]).find(sig, threshold)


def _best_copy(sig: SignatureLike, threshold: float,
               rows: Sequence[tuple[int, bytes, int | None]]) -> CopyMatch | None:
    """The earliest story among (document, minhash, copy_of) rows similar enough.

    Rows come in ascending document id; of equally early and equally similar matches
    the first wins. All rows are compared in one array operation: a document on a
    popular band has hundreds of candidates.
    """
    width = len(sig.minhash)
    rows = [r for r in rows if len(r[1]) == width]
    if not rows or not width:
        return None
    mine = np.frombuffer(sig.minhash, dtype="<u4")
    theirs = np.frombuffer(b"".join(r[1] for r in rows), dtype="<u4").reshape(len(rows), -1)
    sims = np.count_nonzero(theirs == mine, axis=1) / len(mine)
    best: CopyMatch | None = None
    for i in np.flatnonzero(sims >= threshold).tolist():
        doc_id, _blob, copy_of = rows[i]
        sim = float(sims[i])
        root = copy_of or doc_id
        if best is None or root < best.root_id or (root == best.root_id
                                                    and sim > best.similarity):
            best = CopyMatch(root, doc_id, sim)
    return best


@dataclass(slots=True)
class CopyIndex:
    """find_copy for a batch of documents: the stored LSH bands and signatures the batch
    can match are read in two statements, documents indexed during the batch are kept
    in memory, and their rows are written together (write_pending). A document matches
    exactly what find_copy would match after the ones before it were indexed.
    """

    bands: dict[int, set[int]] = field(default_factory=dict)  # band key -> documents
    signatures: dict[int, tuple[bytes, int | None]] = field(default_factory=dict)
    pending: list[tuple[int, SignatureLike]] = field(default_factory=list)

    @classmethod
    def load(cls, s: Session, sigs: Sequence[SignatureLike]) -> CopyIndex:
        index = cls()
        keys = list({k for sig in sigs for k in sig.bands})
        conn = s.connection()
        lsh = LshBand.__table__
        # Bounded: a boilerplate-only page can share bands with a great many documents.
        cap = MAX_CANDIDATES * max(1, len(sigs))
        for chunk in _chunks(keys):
            rows = conn.execute(select(lsh.c.band_key, lsh.c.document_id)
                                .where(lsh.c.band_key.in_(chunk)).limit(cap)).all()
            for key, doc in rows:
                index.bands.setdefault(key, set()).add(doc)
        docs = sorted({d for ids in index.bands.values() for d in ids})
        ds, d = DocumentSignature.__table__, Document.__table__
        for chunk in _chunks(docs):
            for doc_id, blob, copy_of in conn.execute(
                    select(ds.c.document_id, ds.c.minhash, d.c.copy_of)
                    .join(d, d.c.id == ds.c.document_id)
                    .where(ds.c.document_id.in_(chunk))).all():
                index.signatures[doc_id] = (bytes(blob), copy_of)
        return index

    def find(self, sig: SignatureLike, threshold: float) -> CopyMatch | None:
        ids = sorted({d for k in set(sig.bands) for d in self.bands.get(k, ())})
        return _best_copy(sig, threshold, [(d, *self.signatures[d])
                                           for d in ids[:MAX_CANDIDATES]])

    def add(self, document_id: int, copy_of: int | None, sig: SignatureLike) -> None:
        """Index a document just stored (its rows wait for write_pending)."""
        for k in set(sig.bands):
            self.bands.setdefault(k, set()).add(document_id)
        self.signatures[document_id] = (sig.minhash, copy_of)
        self.pending.append((document_id, sig))

    def write_pending(self, s: Session) -> None:
        index_signatures(s, self.pending)
        self.pending.clear()


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
class _NewCluster:
    """A cluster this document creates; its id is known once the batch is inserted."""

    key: str
    text: str
    norm: str
    numbers: str | None
    origin: str | None
    origin_key: str | None
    document_id: int  # the document whose claim created it
    seen_at: datetime  # when that document was stored
    id: int = 0


_Ref = int | _NewCluster  # an existing cluster id, or one this document creates


def _key_rows(dialect: str, name: str) -> tuple[str, str]:
    """A FROM item yielding one row per value of the bound list `name`, and its column.

    One statement whatever the number of values: PostgreSQL unnests an array, SQLite
    walks a JSON array (json_each), so the SQL text, and its cached plan, never change.
    """
    if dialect == "postgresql":
        return f"unnest(CAST(:{name} AS text[])) AS k_{name}(v)", f"k_{name}.v"
    return f"json_each(:{name}) AS k_{name}", f"k_{name}.value"


def _key_param(dialect: str, values: Sequence[str]) -> Any:
    return list(values) if dialect == "postgresql" else json.dumps(list(values))


@dataclass(slots=True)
class ClusterAssigner:
    """Finds or creates the clusters of a document's claims (or of several documents',
    in document order), in their transaction.

    Set-based: whatever the number of claims, the database is asked a fixed number of
    questions (the earliest clustered claim per text key and per bag key, the fuzzy
    candidates per origin and per numbers key, clusters already keyed by a text key),
    then the claims are matched in document order in Python exactly as one-by-one
    lookups would match them (a claim sees the clusters of the claims before it), and
    the new clusters are inserted in one statement.
    """

    s: Session
    document_id: int
    now: datetime
    assigned: list[int] = field(default_factory=list)  # per claim, in order, across calls
    started: list[bool] = field(default_factory=list)  # per claim: it created its cluster

    @property
    def clusters(self) -> set[int]:
        """Every cluster assigned so far."""
        return set(self.assigned)

    @property
    def created(self) -> int:
        """Claims that started a new cluster."""
        return sum(self.started)

    @property
    def joined(self) -> int:
        """Claims that joined an existing cluster."""
        return len(self.started) - sum(self.started)

    def assign_all(self, items: Sequence[tuple[str, ClaimKeyLike | None]],
                   owners: Sequence[tuple[int, datetime]] | None = None) -> list[int]:
        """Cluster ids for (claim text, fingerprint key) pairs, in order.

        `owners` gives each claim's (document id, stored at) when the claims of several
        documents are assigned at once (the result is that of one call per document).
        """
        if not items:
            return []
        if owners is None:
            owners = [(self.document_id, self.now)] * len(items)
        dialect = self.s.get_bind().dialect.name
        prepared = []
        for text_, key in items:
            exact = key.exact if key else plain_key(text_)
            bag_ok = key is not None and len(key.norm.split()) >= MIN_BAG_WORDS
            prepared.append((text_, key, exact, bag_ok))
        exacts = list(dict.fromkeys(p[2] for p in prepared))
        bags = list(dict.fromkeys(p[1].bag for p in prepared if p[3] and p[1] is not None))
        by_text, by_bag = self._first_clusters(dialect, exacts, bags)
        # Fuzzy candidates and already-keyed clusters, for the claims that may need them
        # (fetching a few more than needed changes nothing).
        open_ = [(key, exact) for _t, key, exact, bag_ok in prepared if exact not in by_text
                 and not (bag_ok and key is not None and key.bag in by_bag)]
        origins = list(dict.fromkeys(k.origin.casefold() for k, _e in open_ if k and k.origin))
        numbers = list(dict.fromkeys(k.numbers for k, _e in open_ if k and k.numbers))
        by_origin, by_numbers = self._fuzzy_rows(dialect, origins, numbers)
        keyed = self._keyed(list(dict.fromkeys(e for _k, e in open_)))

        local: dict[str, _Ref] = {}
        new: list[_NewCluster] = []
        new_by_origin: dict[str, list[_NewCluster]] = {}  # new clusters, in creation order
        new_by_numbers: dict[str, list[_NewCluster]] = {}
        refs: list[_Ref] = []
        for (text_, key, exact, bag_ok), owner in zip(prepared, owners, strict=True):
            ref: _Ref | None = local.get(exact) or by_text.get(exact)
            if ref is None and key is not None and bag_ok:
                ref = local.get("bag:" + key.bag) or by_bag.get(key.bag)
            if ref is None and key is not None:
                ref = self._fuzzy(key, new_by_origin, new_by_numbers, by_origin, by_numbers)
            if ref is None:
                ref = keyed.get(exact)
                if ref is None:
                    origin = key.origin if key else None
                    ref = _NewCluster(exact, text_, key.norm if key else
                                      " ".join(text_.casefold().split()),
                                      key.numbers if key else None, origin,
                                      origin.casefold() if origin else None, *owner)
                    new.append(ref)
                    if ref.origin_key:
                        new_by_origin.setdefault(ref.origin_key, []).append(ref)
                    if ref.numbers:
                        new_by_numbers.setdefault(ref.numbers, []).append(ref)
                self.started.append(True)
            else:
                self.started.append(False)
            local[exact] = ref
            if key is not None:  # as a stored claim: found by any later claim's bag lookup
                local["bag:" + key.bag] = ref
            refs.append(ref)
        self._create(dialect, new)
        ids = [r if isinstance(r, int) else r.id for r in refs]
        self.assigned += ids
        return ids

    def _first_clusters(self, dialect: str, exacts: Sequence[str], bags: Sequence[str],
                        ) -> tuple[dict[str, int], dict[str, int]]:
        """The cluster of the earliest clustered claim per text key and per bag key: one
        statement, one index descent per key (claim(text_key, id), claim(bag_key, id))."""
        parts: list[str] = []
        params: dict[str, Any] = {}
        for tag, col, values in (("t", "text_key", exacts), ("b", "bag_key", bags)):
            if not values:
                continue
            src, val = _key_rows(dialect, tag)
            parts.append(f"SELECT '{tag}', {val}, (SELECT c.cluster_id FROM claim c "
                         f"WHERE c.{col} = {val} AND c.cluster_id IS NOT NULL "
                         f"ORDER BY c.id LIMIT 1) FROM {src}")
            params[tag] = _key_param(dialect, values)
        found: dict[str, dict[str, int]] = {"t": {}, "b": {}}
        if parts:
            for tag, value, cid in self.s.connection().execute(
                    text(" UNION ALL ".join(parts)), params):
                if cid is not None:
                    found[tag][value] = int(cid)
        return found["t"], found["b"]

    def _fuzzy_rows(self, dialect: str, origins: Sequence[str], numbers: Sequence[str],
                    ) -> tuple[dict[str, list[tuple[int, Any, Any, Any]]],
                               dict[str, list[tuple[int, Any, Any, Any]]]]:
        """The newest FUZZY_CANDIDATES clusters per origin key and per numbers key, newest
        first: (id, numbers_key, norm_text, origin_key). One statement."""
        parts: list[str] = []
        params: dict[str, Any] = {}
        cols = "cc.id, cc.numbers_key, cc.norm_text, cc.origin_key"
        for tag, col, values in (("o", "origin_key", origins), ("n", "numbers_key", numbers)):
            if not values:
                continue
            src, val = _key_rows(dialect, tag)
            newest = (f"SELECT c2.id FROM claim_cluster c2 WHERE c2.{col} = {val} "
                      f"ORDER BY c2.id DESC LIMIT {FUZZY_CANDIDATES}")
            if dialect == "postgresql":
                parts.append(f"SELECT '{tag}', {val}, {cols} FROM {src} CROSS JOIN LATERAL "
                             f"(SELECT * FROM claim_cluster c2 WHERE c2.{col} = {val} "
                             f"ORDER BY c2.id DESC LIMIT {FUZZY_CANDIDATES}) AS cc")
            else:
                parts.append(f"SELECT '{tag}', {val}, {cols} FROM {src} "
                             f"JOIN claim_cluster cc ON cc.id IN ({newest})")
            params[tag] = _key_param(dialect, values)
        out: dict[str, dict[str, list[tuple[int, Any, Any, Any]]]] = {"o": {}, "n": {}}
        if parts:
            for tag, value, cid, nums, norm, origin in self.s.connection().execute(
                    text(" UNION ALL ".join(parts)), params):
                out[tag].setdefault(value, []).append((int(cid), nums, norm, origin))
            for rows in (*out["o"].values(), *out["n"].values()):
                rows.sort(key=lambda r: -r[0])
        return out["o"], out["n"]

    def _keyed(self, exacts: Sequence[str]) -> dict[str, int]:
        """Clusters already keyed by these text keys (their first claims may be gone)."""
        if not exacts:
            return {}
        t = ClaimCluster.__table__
        found: dict[str, int] = {}
        for chunk in _chunks(list(exacts)):
            found.update({k: int(i) for i, k in self.s.connection().execute(
                select(t.c.id, t.c.key).where(t.c.key.in_(chunk)))})
        return found

    @staticmethod
    def _fuzzy(key: ClaimKeyLike, new_by_origin: Mapping[str, list[_NewCluster]],
               new_by_numbers: Mapping[str, list[_NewCluster]],
               by_origin: Mapping[str, list[tuple[int, Any, Any, Any]]],
               by_numbers: Mapping[str, list[tuple[int, Any, Any, Any]]]) -> _Ref | None:
        """Same origin and numbers (or close wording), or near-identical wording, same numbers.

        Candidates are the newest clusters first: those created so far in this call
        (newer than any stored one), then the stored ones, FUZZY_CANDIDATES in all.
        """
        if key.origin:
            ok = key.origin.casefold()
            mine_new: list[tuple[_Ref, Any, Any, Any]] = [
                (c, c.numbers, c.norm, c.origin_key) for c in reversed(new_by_origin.get(ok, []))]
            for ref, nums, norm, _o in [*mine_new, *by_origin.get(ok, [])][:FUZZY_CANDIDATES]:
                if key.numbers or nums:
                    if _numbers_compatible(key.numbers, nums):
                        return ref
                elif _word_jaccard(key.norm, norm) >= SAME_FINDING:
                    return ref
        if key.numbers:
            mine = key.origin.casefold() if key.origin else None
            same: list[tuple[_Ref, Any, Any, Any]] = [
                (c, c.numbers, c.norm, c.origin_key)
                for c in reversed(new_by_numbers.get(key.numbers, []))]
            for ref, _n, norm, origin in [*same, *by_numbers.get(key.numbers, [])
                                          ][:FUZZY_CANDIDATES]:
                if mine and origin and origin != mine:
                    continue
                if _word_jaccard(key.norm, norm) >= NEAR_IDENTICAL:
                    return ref
        return None

    def _create(self, dialect: str, new: Sequence[_NewCluster]) -> None:
        """Insert the new clusters in creation order (ids follow it; one executemany,
        whose compiled form is cached), then read their ids back by key.

        A key another writer inserted meanwhile is left alone (ON CONFLICT; PostgreSQL
        waits for that writer) and its committed row is read back instead.
        """
        if not new:
            return
        t = ClaimCluster.__table__
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self.s.connection().execute(
            insert(t).on_conflict_do_nothing(index_elements=["key"]),
            [{"key": c.key, "text": c.text, "norm_text": c.norm, "numbers_key": c.numbers,
              "origin": c.origin, "origin_key": c.origin_key,
              "first_document_id": c.document_id, "first_seen_at": c.seen_at}
             for c in new])
        ids = self._keyed([c.key for c in new])
        for c in new:
            c.id = ids[c.key]


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
    conn = s.connection()  # Core rows: no ORM layer in the store path
    claim, cd, cc = Claim.__table__, ClaimDimension.__table__, ClaimCluster.__table__
    for chunk in _chunks(ids):
        for cid, cluster in conn.execute(select(claim.c.id, claim.c.cluster_id)
                                         .where(claim.c.id.in_(chunk))).all():
            if cluster is None:
                singles.append(int(cid))
            else:
                clusters.add(int(cluster))
    ordered = sorted(clusters)
    if conn.dialect.name == "postgresql":
        for chunk in _chunks(ordered):
            conn.execute(select(cc.c.id).where(cc.c.id.in_(chunk))
                         .order_by(cc.c.id).with_for_update(key_share=True)).all()
    base = (select(cd.c.claim_id, cd.c.dimension, claim.c.cluster_id, cd.c.ingested_at,
                   cd.c.superseded_at, cd.c.is_copy, cd.c.opens_at)
            .join(claim, claim.c.id == cd.c.claim_id))
    rows: list[Any] = []
    for chunk in _chunks(ordered):
        rows += conn.execute(base.where(claim.c.cluster_id.in_(chunk))).all()
    for chunk in _chunks(singles):
        rows += conn.execute(base.where(cd.c.claim_id.in_(chunk),
                                        claim.c.cluster_id.is_(None))).all()
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
        t = cd
        conn.execute(t.update().where(t.c.claim_id == bindparam("cid"),
                                   t.c.dimension == bindparam("dim"))
                  .values(opens_at=bindparam("opens")), changes)
    return len(changes)


@dataclass(frozen=True, slots=True)
class NewClaimRow:
    """A claim_dimension row just written for a new document (live, opens_at NULL)."""

    claim_id: int
    cluster_id: int
    dimension: str
    is_copy: bool
    ingested_at: datetime


def refresh_new_openers(s: Session, document_ids: Sequence[int],
                        rows: Sequence[NewClaimRow]) -> int:
    """refresh_openers for the claims of newly stored documents (claim ids in the order
    they were stored), without re-reading whole clusters; returns the rows changed (the
    same as refresh_openers would).

    When every stored claim of a cluster sorts before the new ones (ingested earlier:
    the usual case), appending rows leaves the stored rows' opens_at as they are
    (opening_times reads a row's predecessors only), and the new rows need only two
    facts per (cluster, dimension): whether a live original row exists (blocked), and
    the latest supersession among original rows (the barrier). Both are answered by
    index lookups that stop early. Clusters that fail the precondition (a concurrent
    writer's later claims, equal timestamps) go through refresh_openers.
    """
    # A copy's rows never open and do not move any other row's opening: nothing to do.
    rows = [r for r in rows if not r.is_copy]
    if not rows:
        return 0
    first: dict[int, datetime] = {}  # per cluster, when its earliest new row was stored
    for r in rows:
        at = _utc(r.ingested_at)
        first[r.cluster_id] = min(first.get(r.cluster_id, at), at)
    conn = s.connection()
    dialect = conn.dialect.name
    clusters = sorted({r.cluster_id for r in rows})
    cc = ClaimCluster.__table__
    if dialect == "postgresql":  # the same serialisation as refresh_openers
        for chunk in _chunks(clusters):
            conn.execute(select(cc.c.id).where(cc.c.id.in_(chunk))
                         .order_by(cc.c.id).with_for_update(key_share=True)).all()
    pairs = list(dict.fromkeys((r.cluster_id, r.dimension) for r in rows))
    if dialect == "postgresql":
        src = "unnest(CAST(:cl AS integer[]), CAST(:dim AS text[])) AS k(cl, dim)"
        params: dict[str, Any] = {"cl": [p[0] for p in pairs], "dim": [p[1] for p in pairs]}
        cl, dim, false = "k.cl", "k.dim", "false"
    else:
        src = "json_each(:pairs) AS k"
        params = {"pairs": json.dumps(pairs)}
        cl, dim, false = "json_extract(k.value, '$[0]')", "json_extract(k.value, '$[1]')", "0"
    def not_in(name: str) -> str:  # a column is not in the bound integer list `name`
        return (f"<> ALL(CAST(:{name} AS integer[]))" if dialect == "postgresql"
                else f"NOT IN (SELECT value FROM json_each(:{name}))")

    others = f"c.cluster_id = {cl} AND c.document_id {not_in('docs')}"
    # CROSS JOIN: SQLite must walk the cluster's claims (indexed) and look their rows up,
    # never scan every row of the dimension.
    originals = (f"FROM claim c CROSS JOIN claim_dimension cd WHERE cd.claim_id = c.id "
                 f"AND cd.dimension = {dim} AND {others} AND cd.is_copy = {false}")
    # Whether a row that can open (cluster, dimension) exists outside these documents:
    # one descent of the partial index on the rows' copy of the claim's cluster. These
    # documents' rows are exactly `rows` (copies' rows cannot open anyway).
    open_row = OPEN_ROW_POSTGRESQL if dialect == "postgresql" else OPEN_ROW_SQLITE
    sql = (f"SELECT {cl}, {dim}, "
           f"(SELECT c.ingested_at FROM claim c WHERE {others} "
           f"ORDER BY c.ingested_at DESC LIMIT 1), "
           # A LIMIT 1 scalar, not EXISTS: with stale statistics (right after a bulk load)
           # PostgreSQL planned the EXISTS as one hashed pass over every live claim, per
           # document; a LIMIT subquery is never hashed and stops at the first row.
           f"(SELECT 1 FROM claim_dimension cd WHERE cd.cluster_id = {cl} "
           f"AND cd.dimension = {dim} AND {open_row} AND cd.claim_id {not_in('new')} "
           f"LIMIT 1) IS NOT NULL, "
           f"(SELECT MAX(cd.superseded_at) {originals} AND c.superseded_at IS NOT NULL) "
           f"FROM {src}")
    params["docs"] = (list(document_ids) if dialect == "postgresql"
                      else json.dumps(list(document_ids)))
    new_ids = sorted({r.claim_id for r in rows})
    params["new"] = new_ids if dialect == "postgresql" else json.dumps(new_ids)
    state: dict[tuple[int, str], tuple[bool, datetime | None]] = {}
    slow: set[int] = set()
    for cluster, dimension, last, blocked, barrier in conn.execute(text(sql), params):
        if last is not None and _utc(_as_datetime(last)) >= first[int(cluster)]:
            slow.add(int(cluster))
        state[(int(cluster), str(dimension))] = (
            bool(blocked), _utc(_as_datetime(barrier)) if barrier is not None else None)
    changes: list[dict[str, Any]] = []
    for r in sorted(rows, key=lambda r: r.claim_id):
        if r.cluster_id in slow:
            continue
        blocked, barrier = state[(r.cluster_id, r.dimension)]
        if not blocked:
            at = _utc(r.ingested_at)
            changes.append({"cid": r.claim_id, "dim": r.dimension,
                            "opens": max(at, barrier) if barrier else at})
        state[(r.cluster_id, r.dimension)] = (True, barrier)
    if changes:
        t = ClaimDimension.__table__
        conn.execute(t.update().where(t.c.claim_id == bindparam("cid"),
                                      t.c.dimension == bindparam("dim"))
                     .values(opens_at=bindparam("opens")), changes)
    return len(changes) + (refresh_openers(s, (), slow) if slow else 0)


def _as_datetime(value: Any) -> datetime:
    """A timestamp from a raw SQL row (SQLite hands back text)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


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
        if getattr(w, "min_stance_confidence", None) is not None:
            stmt = stmt.where(cd.stance_confidence >= w.min_stance_confidence)
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


__all__ = ["ClusterAssigner", "ClusterTotals", "CopyIndex", "CopyMatch",
           "cluster_detail", "cluster_grid", "cluster_mentions", "cluster_stance_counts",
           "cluster_totals", "document_copies", "totals_in", "drop_signature", "find_copy",
           "index_signatures", "live_conditions", "opening_times", "original_document",
           "NewClaimRow", "plain_key", "refresh_new_openers", "refresh_openers", "signal_live"]
