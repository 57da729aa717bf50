"""The `reprocess` flow: bring stored documents up to the current extractor version."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import progress
from storage import load
from storage.db import get_engine, upgrade
from storage.queries import documents_to_reprocess


@task(name="reprocess-batch", cache_policy=NO_CACHE)
def reprocess_batch(batch: list[tuple[int, str]], database_url: str | None) -> dict[str, int]:
    from extractors.dedup import fingerprint
    from extractors.nlp import get_extractor

    engine = get_engine(database_url)
    extractor = get_extractor()
    counts = {"documents": 0, "claims": 0, "figures": 0, "forecasts": 0, "failures": 0}
    for (doc_id, text), ex in zip(batch, extractor.extract_many([t for _, t in batch]),
                                  strict=True):
        out = load.replace_extraction(engine, doc_id, ex, fingerprint(text, ex))
        counts["documents"] += out.status == "updated"
        counts["claims"] += out.claims
        counts["figures"] += out.figures
        counts["forecasts"] += out.forecasts
    return counts


@flow(name="reprocess", log_prints=True)
def reprocess(database_url: str | None = None, batch_size: int = 50) -> dict[str, Any]:
    """Re-run extraction over documents stored by another extractor version."""
    from extractors.nlp import EXTRACTOR_VERSION

    engine = get_engine(database_url)
    upgrade(engine)
    from flows.ingest import _sync_registry

    _sync_registry(engine)
    run_id = load.start_run(engine, "reprocess", EXTRACTOR_VERSION)
    totals = {"documents": 0, "claims": 0, "figures": 0, "forecasts": 0, "failures": 0}
    after = 0
    while True:
        batch = documents_to_reprocess(engine, EXTRACTOR_VERSION, limit=batch_size,
                                       after_id=after)
        if not batch:
            break
        after = batch[-1][0]
        for k, v in reprocess_batch(batch, database_url).items():
            totals[k] += v
        progress.report("reprocess", totals["documents"], totals["documents"])
    load.finish_run(engine, run_id, {"documents_updated": totals["documents"],
                                     "claims_new": totals["claims"],
                                     "figures_new": totals["figures"],
                                     "forecasts_new": totals["forecasts"]})
    get_run_logger().info("reprocess: %s", totals)
    return {"run_id": run_id, "extractor_version": EXTRACTOR_VERSION, **totals}
