"""Failure handling: the `retry-failed` flow and the ingest run's wall-clock deadline.

Every URL that did not become a document is a fetch_failure row. `retry_failed`
re-fetches the open ones of stage fetch/parse (a page that was down, a parse
that timed out), stores what now works and closes those failures; what still
fails gets a new failure row, so the history of attempts stays visible.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect import flow, get_run_logger

from extractors.errors import ParseError
from extractors.urls import canonical_url
from flows.steps import Candidate, Failure, extract_documents, fetch_documents
from models.config import Config, load_config
from storage import failures as failure_sql
from storage import load
from storage.db import get_engine, upgrade


class RunTimeout(TimeoutError):
    """The run went past Settings.run_timeout."""


@contextmanager
def run_deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the enclosed block after ``seconds`` (None or <= 0: no limit).

    Uses Prefect's sync cancel scope: an alarm signal in the main thread (which can
    interrupt a blocking wait) and an injected exception elsewhere.
    """
    if not seconds or seconds <= 0:
        yield
        return
    from prefect.utilities.timeout import timeout

    try:
        with timeout(seconds=seconds, timeout_exc_type=RunTimeout):
            yield
    except RunTimeout:
        raise RunTimeout(f"run exceeded run_timeout of {seconds:g} s") from None


@contextmanager
def recorded_run(engine: Any, run_id: int, counts: Counter[str],
                 timeout: float | None) -> Iterator[None]:
    """Run the block under the run deadline and close the run row either way."""
    try:
        with run_deadline(timeout):  # a stuck run fails, not hangs
            yield
    except BaseException as exc:
        load.finish_run(engine, run_id, dict(counts), status="failed",
                        error=f"{type(exc).__name__}: {exc}")
        raise
    load.finish_run(engine, run_id, dict(counts))


def _candidate(row: failure_sql.OpenFailure) -> Candidate | None:
    try:
        url = canonical_url(row.url)
    except ParseError:
        return None
    return Candidate(url=url, source_name=row.source_name or "", fetch_url=row.url)


@flow(name="retry-failed", log_prints=True)
def retry_failed(config_path: str | None = None, database_url: str | None = None,
                 limit: int = 100) -> dict[str, Any]:
    """Re-fetch up to ``limit`` URLs with open fetch/parse failures; returns the counts."""
    from extractors.nlp import EXTRACTOR_VERSION

    logger = get_run_logger()
    config = load_config(config_path) if config_path else Config()
    engine = get_engine(database_url)
    upgrade(engine)
    rows = failure_sql.unresolved(engine, limit=limit)
    run_id = load.start_run(engine, "retry-failed", EXTRACTOR_VERSION)
    counts: Counter[str] = Counter(retried=len(rows))
    with recorded_run(engine, run_id, counts, config.settings.run_timeout):
        _retry(engine, config, rows, run_id, database_url, counts)
    logger.info("retry-failed run %s: %s", run_id, dict(counts))
    return {"run_id": run_id, **counts}


def _retry(engine: Any, config: Config, rows: list[failure_sql.OpenFailure], run_id: int,
           database_url: str | None, counts: Counter[str]) -> None:
    from flows.ingest import Opaque, store_task

    source_ids = {r.source_name: r.source_id for r in rows
                  if r.source_name and r.source_id is not None}
    originals: dict[str, list[str]] = {}
    cands: list[Candidate] = []
    for row in rows:
        cand = _candidate(row)
        if cand is None:
            load.record_failure(engine, url=row.url, stage=row.stage, kind="invalid_url",
                                reason="URL cannot be canonicalised", run_id=run_id,
                                source_id=row.source_id)
            counts["still_failing"] += 1
            continue
        originals.setdefault(cand.url, []).append(row.url)
        cands.append(cand)
    # Stored meanwhile (a later ingest got it): nothing to fetch, just close the failure.
    stored = load.stored_hashes(engine, [c.url for c in cands])
    done = [c for c in cands if c.url in stored]
    counts["already_stored"] += len(done)
    resolved = failure_sql.mark_resolved(engine, [u for c in done for u in originals[c.url]])
    cands = [c for c in cands if c.url not in stored]
    for i in range(0, len(cands), max(1, config.settings.batch_size)):
        batch = cands[i:i + config.settings.batch_size]
        docs, fails = fetch_documents(batch, config.settings)
        extracted = extract_documents(docs)
        new_failures: list[Failure] = [*fails, *extracted.failures]
        for f in new_failures:
            load.record_failure(engine, url=f.url, stage=f.stage, kind=f.kind, reason=f.reason,
                                run_id=run_id, source_id=source_ids.get(f.source_name or ""),
                                status_code=f.status_code)
        counts["still_failing"] += len(new_failures)
        ids = {k: v for k, v in source_ids.items() if v is not None}
        stored_counts, _ = store_task(Opaque(extracted), Opaque(ids), database_url, run_id,
                                      config.settings.near_duplicate_threshold)
        counts.update(stored_counts)
        ok = {item.document.url for item in extracted.items}
        ok_stored = load.stored_hashes(engine, ok)
        resolved += failure_sql.mark_resolved(
            engine, [u for url in ok_stored for u in originals.get(url, [url])])
        counts["recovered"] += len(ok_stored)
    counts["failures_resolved"] = resolved
    counts["failures"] = counts["still_failing"]
