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
class Fingerprint:
    signature: None
    claims: dict[tuple[int, int], Key] = field(default_factory=dict)


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
            if bag_ok:
                local["bag:" + key.bag] = cid
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
