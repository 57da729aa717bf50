"""End-to-end ingestion at two sizes through the real ``ingest`` Prefect flow.

Fetch (HTTP from ``bench.server``), parse (trafilatura in gapwatch's worker pool),
extract and store into a fresh SQLite file, for 1,000 and 10,000 pages (feeds of
100 items each). Linear growth means the per-document time at 10,000 stays within
1.2x of that at 1,000.

Overhead over extraction alone is measured on the texts the flow actually stored
(read back from the database): (ingest seconds - extract_many seconds) / extract_many
seconds. At the large size the extraction time is measured on a sample of the stored
texts and scaled by words, so the suite does not spend another ten minutes on it.

Prefect's ephemeral API server and the spaCy model are started by a small warm-up
run first: their one-off start-up is not per-document cost.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OUT, SEED, log, prefect_env, rss_bytes, timed, word_count, write_json
from bench.corpus import Site, write_config, write_site
from bench.server import serve

# settings.batch_size of the bench runs: a bulk ingest of thousands of pages, where
# Prefect's per-task cost and the per-batch commit are spread over 100 documents (the
# flow ramps its first batches up from a quarter of this).
BATCH_SIZE = 100


def _fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def stored_texts(db: Path, every: int = 1) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT text FROM document ORDER BY id").fetchall()
    return [r[0] for i, r in enumerate(rows) if i % every == 0]


def _table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("document", "claim", "figure", "mention", "fetch_failure")}


class _Progress:
    """Records when the documents stage starts and logs now and then."""

    def __init__(self) -> None:
        self.docs_started: float | None = None
        self.last_log = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage == "documents" and self.docs_started is None:
            self.docs_started = now
        if now - self.last_log > 30 or (done == total and stage == "documents"):
            self.last_log = now
            log(f"ingest: {stage} {done}/{total}  rss={rss_bytes() / 2**20:.0f} MiB")


def ingest_once(site: Site, base: str, n_docs: int, name: str,
                batch_size: int = BATCH_SIZE,
                profile: Path | None = None, window: int | None = None,
                out_dir: Path = OUT, processes: int | None = None) -> dict[str, Any]:
    """One ingest run of the first ``n_docs`` pages into a fresh SQLite file in out_dir."""
    from flows import progress
    from flows.ingest import ingest

    n_feeds = -(-n_docs // site.per_feed)
    feeds = site.feeds[:n_feeds]
    extra: dict[str, Any] = {}
    if window:
        extra["pipeline_window"] = window
    if processes is not None:
        extra["extract_processes"] = processes
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = write_config(out_dir / f"{name}.toml", base, feeds, batch_size=batch_size,
                       extra_settings=extra or None)
    db = out_dir / f"{name}.db"
    url = _fresh_sqlite(db)
    prog = _Progress()
    progress.set_reporter(prog)
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    try:
        if prof:
            prof.enable()
        secs, counts = timed(lambda: ingest(config_path=str(cfg), database_url=url, force=True))
    finally:
        if prof:
            prof.disable()
        progress.set_reporter(None)
    if prof and profile:
        prof.dump_stats(profile)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    docs = int(counts.get("documents_new", 0))
    poll_secs = (prog.docs_started - t0) if prog.docs_started else None
    return {"documents": docs, "expected": min(n_docs, site.n_docs), "feeds": len(feeds),
            "seconds": secs, "docs_per_s": docs / secs if secs else 0.0,
            "s_per_doc": secs / docs if docs else None, "poll_seconds": poll_secs,
            "failures": int(counts.get("failures", 0)), "claims_new": counts.get("claims_new", 0),
            "rows": _table_counts(db), "db": str(db), "rss_after_mib": rss_bytes() / 2**20}


def extraction_alone(db: Path, every: int, batch_size: int) -> dict[str, Any]:
    """extract_many over (a sample of) the stored texts, as the flow's batches would."""
    from extractors.nlp import get_extractor

    ex = get_extractor()
    all_words = word_count(stored_texts(db))
    sample = stored_texts(db, every)
    words = word_count(sample)
    out: dict[str, Any] = {"sample_every": every, "sample_texts": len(sample),
                           "sample_words": words, "all_words": all_words}
    for n in (1, 2):
        secs, _ = timed(lambda n=n: sum(1 for _ in ex.extract_many(
            sample, batch_size=batch_size, n_process=n)))
        out[f"n{n}_seconds"] = secs * all_words / words  # scaled to all stored texts
        out[f"n{n}_words_per_s"] = words / secs
        log(f"ingest: extraction alone n_process={n}: {words / secs:,.0f} words/s "
            f"-> {out[f'n{n}_seconds']:.1f} s for {all_words:,} words")
    return out


def run(quick: bool = False, seed: int = SEED, sizes: tuple[int, ...] | None = None,
        batch_size: int = BATCH_SIZE, per_feed: int | None = None,
        profile: bool = False, window: int | None = None,
        processes: int | None = None) -> dict[str, Any]:
    prefect_env()
    from models.config import Settings

    sizes = sizes or ((50, 150) if quick else (1_000, 10_000))
    per_feed = per_feed or (25 if quick else 100)
    biggest = max(sizes)
    site = write_site(OUT / f"corpus-s{seed}-n{biggest}-f{per_feed}", biggest, seed, per_feed)
    log(f"ingest: corpus {site.root.name}: {site.n_docs} pages, {site.words:,} words, "
        f"{len(site.feeds)} feeds")
    result: dict[str, Any] = {"batch_size": batch_size, "per_feed": per_feed,
                              "pipeline_window": window,
                              "extract_processes": processes if processes is not None
                              else Settings().extract_processes,
                              "runs": {}}
    with serve(site.root) as base:
        log(f"ingest: serving on {base}; warm-up run (Prefect server, spaCy, parser pool)")
        warm = ingest_once(site, base, min(20, per_feed), "ingest-warmup", batch_size,
                           window=window, processes=processes)
        log(f"ingest: warm-up stored {warm['documents']} documents in {warm['seconds']:.1f} s")
        for n in sizes:
            log(f"ingest: {n} documents ...")
            prof_path = OUT / f"ingest-{n}.prof" if profile and n == min(sizes) else None
            r = ingest_once(site, base, n, f"ingest-{n}", batch_size, prof_path, window,
                            processes=processes)
            log(f"ingest: {n}: {r['documents']} stored in {r['seconds']:.1f} s "
                f"({r['docs_per_s']:.1f} docs/s), failures={r['failures']}")
            every = max(1, n // 1000)
            r["extraction_alone"] = extraction_alone(Path(r["db"]), every, batch_size)
            for k in (1, 2):
                ext = r["extraction_alone"][f"n{k}_seconds"]
                r[f"overhead_vs_n{k}"] = (r["seconds"] - ext) / ext
            result["runs"][str(n)] = r
    small, large = (result["runs"][str(s)] for s in (min(sizes), biggest))
    if small["s_per_doc"] and large["s_per_doc"]:
        result["per_doc_ratio"] = large["s_per_doc"] / small["s_per_doc"]
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--sizes", type=int, nargs="+")
    ap.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    ap.add_argument("--profile", action="store_true",
                    help="cProfile the smallest size (bench/out/ingest-N.prof)")
    ap.add_argument("--window", type=int,
                    help="settings.pipeline_window (default: the project's default)")
    ap.add_argument("--processes", type=int,
                    help="settings.extract_processes (default: the project's default)")
    ap.add_argument("--json", type=Path, default=OUT / "ingest.json")
    args = ap.parse_args(argv)
    sizes = tuple(args.sizes) if args.sizes else None
    write_json(args.json, run(args.quick, args.seed, sizes, args.batch_size,
                              profile=args.profile, window=args.window,
                              processes=args.processes))


if __name__ == "__main__":
    main()
