"""Bulk load of 1,000,000 claims into PostgreSQL, through the project's schema.

Starts a throwaway PostgreSQL server (as the ``postgres`` user with runuser when
run as root, on a free loopback port, default durability settings), creates a
fresh database, builds the schema with ``storage.db.upgrade`` (the migrations,
so every index the app has is maintained during the load), stores one source
and the parent documents, then loads the claims three ways:

- ``COPY claim FROM STDIN`` (psycopg ``cursor.copy``), all rows, one transaction;
- ``executemany`` of a parameterised INSERT (psycopg pipelines it), on a slice;
- gapwatch's own writer, ``storage.load.store_document``, one document with its
  claims per transaction (what the ingest flow does), on a smaller slice.

rows/s of each is reported, so the gap between the app's writer and COPY is visible.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import OUT, SEED, log, timed, write_json
from bench.corpus import CLAIMS, _fill
from storage.pgserver import create_database, temporary_server

STANCES = ("convergence", "divergence", "neutral")
VERSION = "bench"


def pg_server():  # type: ignore[no-untyped-def]
    """A temporary, durable server (default settings: the numbers mean something)."""
    return temporary_server(durable=True, prefix="gapwatch-bench-pg-")


def fresh_database(server: str) -> str:
    return create_database(server, prefix="bench_")


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _pool(rng: random.Random) -> list[str]:
    """The claim sentences the generated claims repeat (as coverage repeats findings)."""
    return [_fill(rng.choice(CLAIMS), rng) for _ in range(5_000)]


def _claim_rows(rng: random.Random, doc_ids: list[int], per_doc: int, source_id: int,
                now: datetime, clusters: dict[str, int] | None = None,
                ) -> Iterator[tuple[Any, ...]]:
    """per_doc distinct-span claims for each document, with generated claim sentences, keyed
    and clustered as the app's writer keys and clusters them (without a fingerprint)."""
    from storage.dedup import plain_key

    pool = _pool(rng)
    for d in doc_ids:
        published = now - timedelta(hours=d % 5000)
        for k in range(per_doc):
            text = pool[(d * 31 + k) % len(pool)]
            start = k * 200
            yield (d, source_id, text, start, start + len(text), STANCES[(d + k) % 3],
                   (d + k) % 7 == 0, None, VERSION, published, now, plain_key(text),
                   clusters.get(text) if clusters else None)


# text_key and cluster_id are filled as the app's writer fills them (every stored claim has
# a cluster): left NULL, the planner's statistics would describe a table the app never makes.
CLAIM_COLS = ("document_id", "source_id", "text", "start", "end", "stance", "hedged",
              "speaker", "extractor_version", "published_at", "ingested_at", "text_key",
              "cluster_id")


def _cols() -> str:
    return ", ".join(f'"{c}"' for c in CLAIM_COLS)


def _documents(conn: Any, n: int, source_id: int, now: datetime) -> list[int]:
    with conn.cursor() as cur:
        cols = ("url", "content_hash", "kind", "source_id", "title", "text", "published_at",
                "ingested_at", "updated_at", "revision", "extractor_version", "meta")
        with cur.copy(f"COPY document ({', '.join(cols)}) FROM STDIN") as cp:
            for i in range(n):
                cp.write_row((f"https://bench.example/{i}", f"h{i:012d}", "article", source_id,
                              f"Article {i}", "x", now - timedelta(hours=i % 5000), now, now, 1,
                              VERSION, "{}"))
        cur.execute("SELECT id FROM document ORDER BY id")
        return [r[0] for r in cur.fetchall()]


def _clusters(conn: Any, pool: list[str], first_doc: int, now: datetime) -> dict[str, int]:
    """One claim_cluster per distinct generated sentence, keyed as the writer keys it."""
    from storage.dedup import plain_key

    texts = list(dict.fromkeys(pool))
    with conn.cursor() as cur:
        cols = "key, text, norm_text, first_document_id, first_seen_at"
        with cur.copy(f"COPY claim_cluster ({cols}) FROM STDIN") as cp:
            for t in texts:
                cp.write_row((plain_key(t), t, " ".join(t.casefold().split()), first_doc, now))
        cur.execute("SELECT key, id FROM claim_cluster")
        by_key = dict(cur.fetchall())
    return {t: by_key[plain_key(t)] for t in texts}


def _source_id(url: str) -> int:
    """The parent source, written by the project's own upsert (schema-proof)."""
    from models.config import SourceConfig
    from storage import load
    from storage.db import get_engine

    engine = get_engine(url)
    ids = load.sync_sources(engine, [SourceConfig(name="bench", kind="feed",
                                                  url="http://127.0.0.1/feed.xml")])
    engine.dispose()
    return ids["bench"]


def load_copy(url: str, n_claims: int, per_doc: int = 100, seed: int = SEED) -> dict[str, Any]:
    import psycopg

    now = datetime.now(UTC)
    rng = random.Random(seed)
    with psycopg.connect(_dsn(url)) as conn:
        sid = _source_id(url)
        n_docs = -(-n_claims // per_doc)
        doc_secs, doc_ids = timed(lambda: _documents(conn, n_docs, sid, now))
        clusters = _clusters(conn, _pool(random.Random(seed)), doc_ids[0], now)
        conn.commit()
        log(f"pg: {n_docs:,} parent documents, {len(clusters):,} clusters in {doc_secs:.1f} s")

        def copy() -> int:
            rows = 0
            with conn.cursor() as cur, cur.copy(f"COPY claim ({_cols()}) FROM STDIN") as cp:
                for row in _claim_rows(rng, doc_ids, per_doc, sid, now, clusters):
                    if rows == n_claims:
                        break
                    cp.write_row(row)
                    rows += 1
            conn.commit()
            return rows

        secs, rows = timed(copy)
        count = conn.execute("SELECT count(*) FROM claim").fetchone()[0]
        # What any bulk load ends with (autovacuum would, a minute later): without fresh
        # statistics the planner walks claim_pkey for every text_key lookup.
        conn.commit()
        conn.autocommit = True
        analyze_secs, _ = timed(lambda: conn.execute("ANALYZE"))
    return {"analyze_seconds": analyze_secs, "documents": n_docs, "document_seconds": doc_secs,
            "rows": rows,
            "rows_in_table": count, "seconds": secs, "rows_per_s": rows / secs,
            "source_id": sid, "first_doc": doc_ids[0]}


def load_executemany(url: str, n_claims: int, source_id: int, per_doc: int = 100,
                     seed: int = SEED) -> dict[str, Any]:
    """Parameterised INSERTs into documents that already have COPY claims (new spans)."""
    import psycopg

    now = datetime.now(UTC)
    rng = random.Random(seed + 1)
    sql = f"INSERT INTO claim ({_cols()}) VALUES ({', '.join(['%s'] * len(CLAIM_COLS))})"
    with psycopg.connect(_dsn(url)) as conn:
        doc_ids = [r[0] for r in conn.execute(
            "SELECT id FROM document ORDER BY id LIMIT %s", (-(-n_claims // per_doc),))]
        from storage.dedup import plain_key

        by_key = dict(conn.execute("SELECT key, id FROM claim_cluster").fetchall())
        clusters = {t: by_key[plain_key(t)] for t in _pool(random.Random(seed + 1))
                    if plain_key(t) in by_key}
        rows = [r[:3] + (r[3] + 100, r[4] + 100) + r[5:]  # new spans
                for r in _claim_rows(rng, doc_ids, per_doc, source_id, now, clusters)
                ][:n_claims]

        def run() -> None:
            with conn.cursor() as cur:
                cur.executemany(sql, rows)
            conn.commit()

        secs, _ = timed(run)
    return {"rows": len(rows), "seconds": secs, "rows_per_s": len(rows) / secs}


def load_store_document(url: str, n_docs: int, per_doc: int = 50, seed: int = SEED,
                        batch: int = 0) -> dict[str, Any]:
    """gapwatch's writer: one store_document call (one transaction) per document, or with
    `batch`, store_batch over that many documents at a time (as ingestion stores)."""
    from models.documents import DocumentInput
    from models.records import Claim, Extraction
    from storage import load
    from storage.db import get_engine

    rng = random.Random(seed + 2)
    engine = get_engine(url)
    items = []
    for i in range(n_docs):
        sents = [_fill(rng.choice(CLAIMS), rng) for _ in range(per_doc)]
        text = " ".join(sents)
        claims, pos = [], 0
        for s in sents:
            claims.append(Claim(s, pos, pos + len(s), ("overall",), STANCES[pos % 3], False,
                                None, (), ()))
            pos += len(s) + 1
        doc = DocumentInput(url=f"https://bench.example/store{batch}/{i}", kind="article",
                            title=f"Stored {i}", text=text, source_name=None,
                            published_at=datetime.now(UTC))
        items.append((doc, Extraction(extractor_version=VERSION, claims=tuple(claims))))

    def run() -> int:
        if not batch:
            return sum(load.store_document(engine, d, e, None).claims for d, e in items)
        stored = [load.StoreItem(d, e, None) for d, e in items]
        outs = [o for i in range(0, len(stored), batch)
                for o in load.store_batch(engine, stored[i:i + batch])]
        return sum(o.claims for o in outs if isinstance(o, load.StoreOutcome))

    secs, rows = timed(run)
    engine.dispose()
    return {"documents": n_docs, "rows": rows, "seconds": secs, "rows_per_s": rows / secs}


def run(quick: bool = False, seed: int = SEED, claims: int | None = None) -> dict[str, Any]:
    from storage.db import get_engine, upgrade

    n = claims or (20_000 if quick else 1_000_000)
    with pg_server() as server:
        url = fresh_database(server)
        engine = get_engine(url)
        secs, _ = timed(lambda: upgrade(engine))
        engine.dispose()
        log(f"pg: schema by storage.db.upgrade in {secs:.1f} s; COPY {n:,} claims ...")
        out: dict[str, Any] = {"claims": n, "schema_seconds": secs}
        out["copy"] = load_copy(url, n, seed=seed)
        log(f"pg: COPY {out['copy']['rows']:,} claims in {out['copy']['seconds']:.1f} s "
            f"({out['copy']['rows_per_s']:,.0f} rows/s)")
        em = max(1_000, n // 10)
        out["executemany"] = load_executemany(url, em, out["copy"]["source_id"], seed=seed)
        log(f"pg: executemany {em:,} claims: {out['executemany']['rows_per_s']:,.0f} rows/s")
        n_store = 20 if quick else 400
        out["store_document"] = load_store_document(url, n_store, seed=seed)
        log(f"pg: store_document {out['store_document']['rows']:,} claims: "
            f"{out['store_document']['rows_per_s']:,.0f} rows/s")
        out["store_batch"] = load_store_document(url, n_store, seed=seed, batch=50)
        log(f"pg: store_batch {out['store_batch']['rows']:,} claims: "
            f"{out['store_batch']['rows_per_s']:,.0f} rows/s")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--claims", type=int)
    ap.add_argument("--json", type=Path, default=OUT / "pg.json")
    args = ap.parse_args(argv)
    write_json(args.json, run(args.quick, args.seed, args.claims))


if __name__ == "__main__":
    main()
