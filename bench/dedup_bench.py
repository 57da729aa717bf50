"""Near-duplicate detection cost per document at 10,000 and 100,000 stored documents.

    .venv/bin/python -m bench.dedup_bench [--sizes 10000 100000] [--probe 400]
                                          [--database-url URL]

For each size a fresh database (SQLite in a temp dir unless a URL is given) is
filled with synthetic documents (signatures and LSH bands bulk-inserted, as the
store path writes them), then `--probe` new documents are measured, half of them
near-copies (a paragraph cut, boilerplate added) of stored ones:

- query: `storage.dedup.find_copy` (indexed band lookup + signature check, as a batch does);
- insert: `storage.load.store_document` with a fingerprint (twin check, copy
  search, document, revision and LSH rows, one transaction);
- signature: `extractors.dedup.signature` (MinHash), independent of corpus size.

It prints per-document medians and means and the 100k/10k ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, insert
from sqlmodel import Session

from extractors import dedup as fp
from models.documents import DocumentInput
from models.records import Extraction
from models.tables import Document, DocumentSignature, LshBand
from storage import dedup, load
from storage.db import get_engine, upgrade

VOCAB = 30_000
WORDS_PER_DOC = (180, 420)
THRESHOLD = 0.5


class Corpus:
    """Synthetic articles: Zipf-distributed words over a fixed vocabulary, 4-6 paragraphs."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        self.vocab = ["".join(self.rng.choice(letters, size=int(n)))
                      for n in self.rng.integers(3, 10, size=VOCAB)]

    def text(self) -> str:
        n = int(self.rng.integers(*WORDS_PER_DOC))
        ids = np.minimum(self.rng.zipf(1.3, size=n) - 1, VOCAB - 1)
        words = [self.vocab[i] for i in ids]
        cuts = sorted(self.rng.choice(np.arange(20, n - 20), size=4, replace=False))
        paras, last = [], 0
        for c in [*cuts, n]:
            paras.append(" ".join(words[last:c]) + ".")
            last = c
        return "\n\n".join(paras)

    def near_copy(self, text: str) -> str:
        paras = text.split("\n\n")
        del paras[int(self.rng.integers(0, len(paras)))]
        return "\n\n".join(["Syndicated by Example Wire | Share this story", *paras,
                            "Subscribe for more. All rights reserved."])


def _fill(engine: Engine, corpus: Corpus, n: int, batch: int = 2000) -> list[str]:
    """Bulk-load n documents with their signatures and bands; returns their texts' sample."""
    now = datetime.now(UTC)
    keep: list[str] = []
    done = 0
    with Session(engine) as s:
        while done < n:
            size = min(batch, n - done)
            texts = [corpus.text() for _ in range(size)]
            sigs = [fp.signature(t) for t in texts]
            docs = [{"id": done + i + 1, "url": f"https://bench.example/{done + i}",
                     "content_hash": DocumentInput(url="", kind="article", title=None,
                                                   text=t).content_hash,
                     "kind": "article", "text": t, "ingested_at": now, "revision": 1,
                     "extractor_version": "bench", "meta": {}}
                    for i, t in enumerate(texts)]
            s.execute(insert(Document), docs)
            s.execute(insert(DocumentSignature),
                      [{"document_id": d["id"], "minhash": sg.minhash}
                       for d, sg in zip(docs, sigs, strict=True) if sg])
            s.execute(insert(LshBand),
                      [{"band_key": k, "document_id": d["id"]}
                       for d, sg in zip(docs, sigs, strict=True) if sg
                       for k in dict.fromkeys(sg.bands)])
            s.commit()
            keep.extend(texts[:: max(1, n // 2000)])
            done += size
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval('document_id_seq', (SELECT max(id) FROM document))")
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return keep


def run(size: int, probe: int, url: str | None) -> dict[str, float]:
    tmp = tempfile.mkdtemp(prefix="gapwatch-dedup-bench-")
    db = url or f"sqlite:///{Path(tmp) / 'bench.db'}"
    engine = get_engine(db)
    upgrade(engine)
    corpus = Corpus()
    t0 = time.perf_counter()
    stored = _fill(engine, corpus, size)
    fill_s = time.perf_counter() - t0
    texts = []
    for i in range(probe):
        base = stored[int(corpus.rng.integers(0, len(stored)))]
        texts.append(corpus.near_copy(base) if i % 2 == 0 else corpus.text())
    sig_ms, query_ms, insert_ms = [], [], []
    found = 0
    for i, text in enumerate(texts):
        t = time.perf_counter()
        f = fp.Fingerprint(fp.signature(text), {})
        sig_ms.append((time.perf_counter() - t) * 1000)
        assert f.signature is not None
        with Session(engine) as s:
            t = time.perf_counter()
            match = dedup.find_copy(s, f.signature, THRESHOLD)
            query_ms.append((time.perf_counter() - t) * 1000)
        found += (match is not None) == (i % 2 == 0)
        doc = DocumentInput(url=f"https://probe.example/{size}/{i}", kind="article",
                            title=None, text=text)
        t = time.perf_counter()
        out = load.store_document(engine, doc, Extraction("bench"), None, f, THRESHOLD)
        insert_ms.append((time.perf_counter() - t) * 1000)
        assert out.status in ("new", "duplicate")
    return {"size": size, "fill_s": fill_s, "probe": probe, "correct": found / probe,
            "signature_ms": statistics.mean(sig_ms),
            "query_ms_median": statistics.median(query_ms),
            "query_ms_mean": statistics.mean(query_ms),
            "insert_ms_median": statistics.median(insert_ms),
            "insert_ms_mean": statistics.mean(insert_ms)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--probe", type=int, default=400)
    ap.add_argument("--database-url", default=None,
                    help="an empty PostgreSQL database per size is needed; default SQLite")
    args = ap.parse_args()
    results = []
    for size in args.sizes:
        r = run(size, args.probe, args.database_url)
        results.append(r)
        print(f"{r['size']:>7} docs  fill {r['fill_s']:.0f}s  signature {r['signature_ms']:.2f} ms"
              f"  query median {r['query_ms_median']:.2f} ms (mean {r['query_ms_mean']:.2f})"
              f"  insert median {r['insert_ms_median']:.2f} ms (mean {r['insert_ms_mean']:.2f})"
              f"  copies/non-copies classified right: {r['correct']:.1%}", flush=True)
    if len(results) >= 2:
        a, b = results[0], results[-1]
        for key in ("query_ms_median", "query_ms_mean", "insert_ms_median", "insert_ms_mean"):
            print(f"ratio {b['size']}/{a['size']} {key}: {b[key] / a[key]:.2f}")


if __name__ == "__main__":
    main()
