"""Where ingestion time goes: each step of the flow timed alone, without Prefect.

    python -m bench.stages [--docs 500] [--batch-size 50]

Runs the plain functions behind the ingest flow's tasks (``flows.steps``) one
after another over a generated corpus: HTTP fetch alone (``fetch_all``), fetch +
parse (``fetch_documents``), extraction (``extract_documents``) and storage
(``storage.load.store_batch`` per batch, as ``store_task`` does) into a fresh
SQLite file. Not part of ``python -m bench``: a diagnostic for finding the stage
to optimise.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.common import OUT, SEED, log, timed, write_json
from bench.corpus import write_config, write_site
from bench.server import serve


def run(n_docs: int = 500, batch_size: int = 50, seed: int = SEED) -> dict[str, Any]:
    from fetch.client import FetchRequest, fetch_all
    from flows.steps import (
        collect_candidates,
        extract_documents,
        fetch_documents,
        fetch_settings,
        poll_sources,
    )
    from models.config import load_config
    from storage import load
    from storage.db import get_engine, upgrade

    per_feed = 100
    site = write_site(OUT / f"corpus-s{seed}-n{max(n_docs, 100)}-f{per_feed}",
                      max(n_docs, 100), seed, per_feed)
    db = OUT / "stages.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = get_engine(f"sqlite:///{db}")
    upgrade(engine)
    totals = {"http_fetch": 0.0, "fetch_and_parse": 0.0, "extract": 0.0, "store": 0.0}
    with serve(site.root) as base:
        cfg = load_config(write_config(OUT / "stages.toml", base,
                                       site.feeds[:-(-n_docs // per_feed)],
                                       batch_size=batch_size))
        sources = list(cfg.sources)
        ids = load.sync_sources(engine, sources)
        secs, polled = timed(lambda: poll_sources(sources, {}, cfg.settings))
        totals["poll"] = secs
        cands, _ = collect_candidates(polled)
        cands = cands[:n_docs]
        extract_documents([])  # load the model outside the timings
        stored = 0
        for i in range(0, len(cands), batch_size):
            batch = cands[i:i + batch_size]
            reqs = [FetchRequest(c.fetch_url or c.url, expect="html") for c in batch]
            secs, _ = timed(lambda reqs=reqs: fetch_all(reqs, fetch_settings(cfg.settings)))
            totals["http_fetch"] += secs
            secs, (docs, fails) = timed(lambda b=batch: fetch_documents(b, cfg.settings))
            totals["fetch_and_parse"] += secs
            secs, res = timed(lambda d=docs: extract_documents(d))
            totals["extract"] += secs

            def store(res: Any = res) -> int:
                items = [load.StoreItem(it.document, it.extraction,
                                        ids.get(it.document.source_name or ""), it.fingerprint)
                         for it in res.items]
                return sum(isinstance(o, load.StoreOutcome) and o.status == "new"
                           for o in load.store_batch(engine, items))

            secs, n = timed(store)
            totals["store"] += secs
            stored += n
            done = {k: round(v, 1) for k, v in totals.items()}
            log(f"stages: {i + len(batch)}/{len(cands)} {done}")
    totals["parse_only_est"] = totals["fetch_and_parse"] - totals["http_fetch"]
    per_doc = {k: v / max(1, stored) * 1000 for k, v in totals.items()}
    return {"documents": stored, "seconds": totals, "ms_per_doc": per_doc}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--json", type=Path, default=OUT / "stages.json")
    args = ap.parse_args(argv)
    out = run(args.docs, args.batch_size)
    write_json(args.json, out)
    for k, v in out["ms_per_doc"].items():
        print(f"{k:16s} {v:8.1f} ms/doc")


if __name__ == "__main__":
    main()
