"""Set-based storing: a document costs a fixed number of SQL statements whatever its
number of claims, and batch clustering picks exactly the clusters that claim-by-claim
lookups would have picked (on real SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlmodel import Session

from models.documents import DocumentInput
from models.records import Claim, Extraction
from models.tables import Claim as ClaimTable
from models.tables import Document
from storage import dedup, load
from storage.db import get_engine, upgrade

VERSION = "1.0.0+setbased"


@dataclass(frozen=True, slots=True)
class Key:
    """Shaped like extractors.dedup's claim key (storage only needs these fields)."""

    exact: str
    bag: str
    numbers: str | None
    norm: str
    origin: str | None


@dataclass(frozen=True, slots=True)
class Signature:
    """Shaped like extractors.dedup's MinHash signature."""

    minhash: bytes
    bands: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: Signature | None
    claims: dict[tuple[int, int], Key] = field(default_factory=dict)


def _signature(rng: random.Random, like: Signature | None = None) -> Signature:
    """32 minhash values in 8 bands of 4; `like` keeps all but a few values (a near copy)."""
    import numpy as np

    values = (np.frombuffer(like.minhash, dtype="<u4").copy() if like is not None
              else np.array([rng.randrange(2**32) for _ in range(32)], dtype="<u4"))
    if like is not None:
        values[rng.randrange(32)] = rng.randrange(2**32)
    bands = tuple(hash((b, *values[b * 4:(b + 1) * 4].tolist())) & (2**62 - 1)
                  for b in range(8))
    return Signature(values.tobytes(), bands)


def _h(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _key(norm: str, numbers: str | None, origin: str | None) -> Key:
    bag = " ".join(sorted(set(norm.split())))
    return Key("x:" + _h(norm + "|" + (numbers or "")), "b:" + _h(bag), numbers, norm, origin)


def _document(n: int, tag: str, keys: list[Key] | None = None,
              ) -> tuple[DocumentInput, Extraction, Fingerprint]:
    """A document of n one-sentence claims (distinct wording unless keys say otherwise)."""
    sentences = [f"Claim {tag} number {i} says model m{i} leads by {i} points."
                 for i in range(n)]
    text = " ".join(sentences)
    claims, fp_claims, pos = [], {}, 0
    for i, sentence in enumerate(sentences):
        claims.append(Claim(sentence, pos, pos + len(sentence), ("overall",), "divergence",
                            False, None, (), ()))
        if keys is not None:
            fp_claims[(pos, pos + len(sentence))] = keys[i]
        pos += len(sentence) + 1
    doc = DocumentInput(url=f"https://example.org/{tag}", kind="article", title=tag,
                        text=text, source_name="s",
                        published_at=datetime(2026, 11, 1, tzinfo=UTC))
    ex = Extraction(extractor_version=VERSION, models=(), benchmarks=(), figures=(),
                    claims=tuple(claims), forecasts=())
    return doc, ex, Fingerprint(None, fp_claims)


@contextmanager
def _counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_a: Any) -> None:
        statements.append(sql)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _engine(url: str) -> Engine:
    engine = get_engine(url)
    upgrade(engine)
    return engine


def test_statements_per_document_do_not_grow_with_claims(db_url: str) -> None:
    engine = _engine(db_url)
    # Earlier documents whose claims the new ones repeat, so lookups find clusters.
    for n in (3, 60):
        doc, ex, _fp = _document(n, f"seed-{n}")
        load.store_document(engine, doc, ex, None)
    counts = {}
    for n in (3, 20, 60):
        doc, ex, _fp = _document(n, f"fresh-{n}")
        with _counting(engine) as stmts:
            out = load.store_document(engine, doc, ex, None)
        assert out.status == "new" and out.claims == n
        counts[n] = len(stmts)
    assert counts[3] == counts[20] == counts[60], counts
    assert counts[60] <= 25, counts  # was ~5 per claim

    # With fingerprints (bag keys, numbers, origins: the fuzzy path) the same holds.
    fp_counts = {}
    for n in (4, 40):
        keys = [_key(f"alpha beta gamma delta w{i % 7}", f"{i % 5}", "Epoch AI" if i % 2
                     else None) for i in range(n)]
        doc, ex, fp = _document(n, f"fp-{n}", keys)
        with _counting(engine) as stmts:
            out = load.store_document(engine, doc, ex, None, fp)
        assert out.status == "new" and out.claims == n
        fp_counts[n] = len(stmts)
    assert fp_counts[4] == fp_counts[40], fp_counts


@dataclass
class _Reference:
    """Claim-by-claim clustering over an in-memory copy of the tables, as the one-query-
    per-claim assigner did it: the executable statement of the rule being kept."""

    claims: list[tuple[str, str | None, int]] = field(default_factory=list)  # text, bag, cl
    clusters: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def assign(self, keys: list[Key]) -> list[int]:
        local: dict[str, int] = {}
        out = []
        for key in keys:
            bag_ok = len(key.norm.split()) >= dedup.MIN_BAG_WORDS
            cid = local.get(key.exact) or self._first(0, key.exact)
            if cid is None and bag_ok:
                cid = local.get("bag:" + key.bag) or self._first(1, key.bag)
            if cid is None:
                cid = self._fuzzy(key)
            if cid is None:
                same = [i for i, c in enumerate(self.clusters, 1) if c[0] == key.exact]
                if same:
                    cid = same[0]
                else:
                    self.clusters.append((key.exact, key.norm, key.numbers,
                                          key.origin.casefold() if key.origin else None))
                    cid = len(self.clusters)
            local[key.exact] = cid
            local["bag:" + key.bag] = cid  # as the stored claim's bag_key: seen by later ones
            out.append(cid)
        self.claims += [(k.exact, k.bag, c) for k, c in zip(keys, out, strict=True)]
        return out

    def _first(self, col: int, value: str) -> int | None:
        return next((c[2] for c in self.claims if c[col] == value), None)

    def _fuzzy(self, key: Key) -> int | None:
        newest = list(reversed(list(enumerate(self.clusters, 1))))
        if key.origin:
            rows = [(i, c) for i, c in newest if c[3] == key.origin.casefold()]
            for i, (_k, norm, nums, _o) in rows[:dedup.FUZZY_CANDIDATES]:
                if key.numbers or nums:
                    if dedup._numbers_compatible(key.numbers, nums):
                        return i
                elif dedup._word_jaccard(key.norm, norm) >= dedup.SAME_FINDING:
                    return i
        if key.numbers:
            rows = [(i, c) for i, c in newest if c[2] == key.numbers]
            mine = key.origin.casefold() if key.origin else None
            for i, (_k, norm, _n, origin) in rows[:dedup.FUZZY_CANDIDATES]:
                if mine and origin and origin != mine:
                    continue
                if dedup._word_jaccard(key.norm, norm) >= dedup.NEAR_IDENTICAL:
                    return i
        return None


def _random_keys(rng: random.Random, n: int) -> list[Key]:
    words = ["gap", "open", "closed", "model", "lead", "points", "bench", "months", "cost"]
    keys = []
    for _ in range(n):
        norm = " ".join(rng.choice(words) for _ in range(rng.randint(2, 6)))
        numbers = rng.choice([None, "1", "2", "1|2", "2|3", "1|2|3"])
        origin = rng.choice([None, None, "Epoch AI", "epoch ai", "LMArena"])
        keys.append(_key(norm, numbers, origin))
    return keys


def test_batch_clustering_matches_claim_by_claim(db_url: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A small candidate window, so its truncation (new clusters of the same document
    # pushing stored ones out) is exercised too.
    monkeypatch.setattr(dedup, "FUZZY_CANDIDATES", 3)
    engine = _engine(db_url)
    rng = random.Random(5)
    ref = _Reference()
    for d in range(25):
        keys = _random_keys(rng, rng.randint(0, 18))
        doc, ex, fp = _document(len(keys), f"r{d}", keys)
        expected = ref.assign(keys)
        out = load.store_document(engine, doc, ex, None, fp)
        with Session(engine) as s:
            got = list(s.execute(select(ClaimTable.cluster_id)
                                 .join_from(ClaimTable, Document,
                                            Document.id == ClaimTable.document_id)
                                 .where(Document.url == doc.url)
                                 .order_by(ClaimTable.start)).scalars())
        assert got == expected, d
        assert out.clusters_new + out.claims_repeated == len(keys)


def test_new_document_openers_equal_a_full_rederivation(db_url: str) -> None:
    """refresh_new_openers (new documents) leaves exactly what refresh_openers derives
    from scratch, through copies, revisions that supersede claims, and repeats."""
    engine = _engine(db_url)
    rng = random.Random(11)
    sizes: dict[str, int] = {}
    keys_of: dict[str, list[Key]] = {}
    for step in range(30):
        roll = rng.random()
        if roll < 0.2 and sizes:  # a revision: fewer or more claims under the same URL
            tag = rng.choice(sorted(sizes))
            n = max(0, sizes[tag] + rng.choice([-3, -1, 2]))
            keys = (keys_of[tag] + _random_keys(rng, n))[:n]
        else:
            tag, n = f"n{step}", rng.randint(1, 12)
            keys = _random_keys(rng, n)
        sizes[tag], keys_of[tag] = n, keys
        doc, ex, fp = _document(n, tag, keys)
        load.store_document(engine, doc, ex, None, fp)
        if roll > 0.8:  # the same text under another URL: a copy
            copy = DocumentInput(url=doc.url + "/copy", kind="article", title="c",
                                 text=doc.text, source_name="s",
                                 published_at=doc.published_at)
            assert load.store_document(engine, copy, ex, None, fp).status == "duplicate"
        with Session(engine) as s:
            clusters = set(s.execute(select(ClaimTable.cluster_id)
                                     .where(ClaimTable.cluster_id.is_not(None))).scalars())
            assert dedup.refresh_openers(s, (), clusters) == 0, step
            s.rollback()


def _stream(seed: int, steps: int) -> list[tuple[DocumentInput, Extraction, Fingerprint]]:
    """New documents, revisions of earlier ones (claims kept, dropped, added) and copies
    under other URLs, with keys that repeat across documents."""
    rng = random.Random(seed)
    out: list[tuple[DocumentInput, Extraction, Fingerprint]] = []
    keys_of: dict[str, list[Key]] = {}
    sig_of: dict[str, Signature] = {}
    for step in range(steps):
        roll = rng.random()
        if roll < 0.2 and keys_of:
            tag = rng.choice(sorted(keys_of))
            n = max(0, len(keys_of[tag]) + rng.choice([-3, -1, 2]))
            keys = (keys_of[tag] + _random_keys(rng, n))[:n]
        else:
            tag = f"s{step}"
            keys = _random_keys(rng, rng.randint(1, 12))
        keys_of[tag] = keys
        sig_of[tag] = _signature(rng, sig_of.get(tag) if rng.random() < 0.5 else None)
        doc, ex, fp = _document(len(keys), tag, keys)
        fp = Fingerprint(sig_of[tag], fp.claims)
        out.append((doc, ex, fp))
        if roll > 0.8:  # the same text under another URL
            copy = DocumentInput(url=doc.url + "/copy", kind="article", title="c",
                                 text=doc.text, source_name="s", published_at=doc.published_at)
            out.append((copy, ex, fp))
        elif roll > 0.6:  # a near copy: other text, a signature close to this one's
            near = DocumentInput(url=doc.url + "/near", kind="article", title="n",
                                 text=doc.text + " Updated.", source_name="s",
                                 published_at=doc.published_at)
            out.append((near, ex, Fingerprint(_signature(rng, sig_of[tag]), fp.claims)))
    return out


def _snapshot(engine: Engine) -> dict[str, Any]:
    """What storing decided, by natural keys (ids may differ between backends)."""
    with engine.connect() as conn:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(r) for r in conn.exec_driver_sql(sql))

        return {
            "documents": rows("SELECT d.url, d.revision, o.url FROM document d "
                              "LEFT JOIN document o ON o.id = d.copy_of"),
            "claims": rows("SELECT d.url, c.start, c.superseded_at IS NULL, k.key "
                           "FROM claim c JOIN document d ON d.id = c.document_id "
                           "LEFT JOIN claim_cluster k ON k.id = c.cluster_id"),
            "clusters": rows("SELECT k.key, d.url FROM claim_cluster k "
                             "JOIN document d ON d.id = k.first_document_id"),
            "opening": rows("SELECT d.url, c.start, cd.dimension, cd.opens_at IS NULL, "
                            "cd.is_copy FROM claim_dimension cd "
                            "JOIN claim c ON c.id = cd.claim_id "
                            "JOIN document d ON d.id = c.document_id"),
        }


def test_a_batch_stores_what_one_by_one_stores(db_url: str, tmp_path: Any) -> None:
    """store_batch (one transaction, set-based across documents) decides exactly what
    store_document per item, in order, decides: copies, revisions, clusters, openers."""
    stream = _stream(3, 40)
    one = _engine(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    with _counting(one) as one_stmts:
        singles = [load.store_document(one, doc, ex, None, fp) for doc, ex, fp in stream]
    many = _engine(db_url)
    items = [load.StoreItem(doc, ex, None, fp) for doc, ex, fp in stream]
    batched: list[Any] = []
    with _counting(many) as many_stmts:
        for i in range(0, len(items), 10):
            batched += load.store_batch(many, items[i:i + 10])
    assert not [o for o in batched if isinstance(o, Exception)]
    assert len(many_stmts) < len(one_stmts) * 0.7, (len(many_stmts), len(one_stmts))

    def decided(o: load.StoreOutcome) -> tuple[Any, ...]:
        return (o.status, o.claims, o.figures, o.forecasts, o.clusters_new,
                o.claims_repeated, o.claims_superseded, o.similarity)

    assert [decided(o) for o in batched] == [decided(o) for o in singles]
    assert {o.status for o in singles} >= {"new", "updated", "duplicate"}
    assert any(o.status == "duplicate" and (o.similarity or 1) < 1 for o in singles)
    assert _snapshot(many) == _snapshot(one)
    with Session(many) as s:  # the openers a batch derived are what a full pass derives
        clusters = set(s.execute(select(ClaimTable.cluster_id)
                                 .where(ClaimTable.cluster_id.is_not(None))).scalars())
        assert dedup.refresh_openers(s, (), clusters) == 0
        s.rollback()


def test_a_batch_of_new_documents_costs_a_few_statements_per_document(db_url: str) -> None:
    """Document rows one by one (each may copy the one before), the rest once per batch."""
    engine = _engine(db_url)
    rng = random.Random(8)
    for size in (5, 40):
        items = [load.StoreItem(*_document(len(keys), f"b{size}-{i}", keys)[:2], None,
                                _document(len(keys), f"b{size}-{i}", keys)[2])
                 for i in range(size) for keys in (_random_keys(rng, rng.randint(1, 12)),)]
        with _counting(engine) as stmts:
            out = load.store_batch(engine, items)
        assert [o.status for o in out if isinstance(o, load.StoreOutcome)] == ["new"] * size
        assert len(stmts) <= 3 * size + 20, (size, len(stmts))


def test_a_bad_document_in_a_batch_costs_only_itself(db_url: str) -> None:
    engine = _engine(db_url)
    docs = [_document(3, f"ok{i}") for i in range(4)]
    bad_doc, bad_ex, _fp = _document(2, "bad")
    broken = Claim(bad_ex.claims[0].text, 0, 5, ("overall",), None,  # type: ignore[arg-type]
                   False, None, (), ())
    bad_ex = Extraction(VERSION, (), (), (), (broken,), ())
    items = [load.StoreItem(d, e, None) for d, e, _f in docs[:2]]
    items += [load.StoreItem(bad_doc, bad_ex, None)]
    items += [load.StoreItem(d, e, None) for d, e, _f in docs[2:]]
    out = load.store_batch(engine, items)
    assert [type(o).__name__ for o in out][2] != "StoreOutcome"
    assert [o.status for o in out if isinstance(o, load.StoreOutcome)] == ["new"] * 4
    with Session(engine) as s:
        urls = set(s.execute(select(Document.url)).scalars())
    assert urls == {d.url for d, _e, _f in docs}
