"""The `ingest` flow: poll due sources, fetch new entries, extract and store in batches.

Task arguments are wrapped in `Opaque` so Prefect does not walk every document of a
batch looking for futures (that walk cost more than storing the batch).

One Prefect task per batch of documents (not per document): Prefect's per-task
overhead would otherwise dominate. Fetch tasks retry; every URL that does not
become a document is recorded as a failure with its reason, and one bad source
never stops the run.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress
from flows.retry import recorded_run
from flows.steps import (
    BatchResult,
    Candidate,
    Failure,
    PolledSource,
    Validators,
    collect_candidates,
    extract_documents,
    fetch_documents,
    poll_sources,
)
from models.config import Config, SourceConfig, adhoc_sources, load_config
from models.documents import DocumentInput
from storage import load
from storage.db import get_engine, upgrade
from storage.polling import save_validators

T = TypeVar("T")


def ramp(size: int) -> Iterator[int]:
    """Chunk sizes that start small and double up to `size`: 1/4, 1/2, then `size`.

    The first small chunk gets the extraction processes busy sooner (they idle until a
    first batch is polled, fetched and parsed); later chunks are full size, so Prefect's
    per-task cost and the per-batch commit are paid over many documents.
    """
    size = max(1, size)
    step = max(1, size // 4)
    while step < size:
        yield step
        step *= 2
    while True:
        yield size


def ramped_chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    out: list[Sequence[Any]] = []
    sizes = ramp(size)
    i = 0
    while i < len(items):
        n = next(sizes)
        out.append(items[i:i + n])
        i += n
    return out


class Opaque(Generic[T]):
    """A task argument Prefect does not walk into.

    Prefect visits every element of list, dict and dataclass arguments looking for
    futures; for a batch of documents that walk cost more than storing it. A plain
    object is not visited (`prefect.utilities.annotations.quote` does the same but
    does not survive the trip to Dask workers).
    """

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


@task(name="poll-sources", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def poll_task(sources: Opaque[Sequence[SourceConfig]], validators: Opaque[Validators],
              config: Opaque[Config]) -> list[PolledSource]:
    return poll_sources(sources.value, validators.value, config.value.settings)


@task(name="fetch-documents", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def fetch_task(cands: Opaque[Sequence[Candidate]],
               config: Opaque[Config]) -> tuple[list[DocumentInput], list[Failure]]:
    return fetch_documents(cands.value, config.value.settings)


@task(name="extract-documents", cache_policy=NO_CACHE)
def extract_task(docs: Opaque[Sequence[DocumentInput]], processes: int = 0) -> BatchResult:
    return extract_documents(docs.value, processes)


@task(name="store-documents", cache_policy=NO_CACHE)
def store_task(batch: Opaque[BatchResult], source_ids: Opaque[dict[str, int]],
               database_url: str | None,
               run_id: int, near_threshold: float = load.DEFAULT_NEAR_DUPLICATE,
               ) -> tuple[Counter[str], set[str]]:
    """Store the batch in one transaction (per document if any fails); a failure loses
    only that document.

    Returns the counts and the names of sources with a document that failed to store.

    Each document's fingerprint (MinHash + claim keys, made by the extraction step)
    links copies to the earliest document of their story and joins repeated claims
    into one cluster.
    """
    engine = get_engine(database_url)
    counts: Counter[str] = Counter()
    stored_urls: list[str] = []
    failed_sources: set[str] = set()
    ids = source_ids.value
    items = [load.StoreItem(it.document, it.extraction, ids.get(it.document.source_name or ""),
                            it.fingerprint) for it in batch.value.items]
    for item, out in zip(items, load.store_batch(engine, items, near_threshold), strict=True):
        doc = item.document
        if isinstance(out, Exception):
            load.record_failure(engine, url=doc.url, stage="store", kind="store_error",
                                reason=f"{type(out).__name__}: {out}", run_id=run_id,
                                source_id=item.source_id)
            counts["failures"] += 1
            failed_sources.add(doc.source_name or "")
            continue
        counts[f"documents_{out.status}"] += 1
        counts["claims_new"] += out.claims
        counts["figures_new"] += out.figures
        counts["forecasts_new"] += out.forecasts
        counts["claim_clusters_new"] += out.clusters_new
        counts["claims_repeated"] += out.claims_repeated
        counts["claims_superseded"] += out.claims_superseded
        stored_urls.append(doc.url)
    load.resolve_failures(engine, stored_urls)
    return counts, failed_sources


def _record(engine: Any, failures: Sequence[Failure], source_ids: dict[str, int],
            run_id: int) -> int:
    for f in failures:
        load.record_failure(engine, url=f.url, stage=f.stage, kind=f.kind, reason=f.reason,
                            run_id=run_id, source_id=source_ids.get(f.source_name or ""),
                            status_code=f.status_code)
    return len(failures)


@flow(name="ingest", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=4))
def ingest(config_path: str | None = None, feeds: list[str] | None = None,
           urls: list[str] | None = None, arxiv: list[str] | None = None,
           database_url: str | None = None, force: bool = False) -> dict[str, Any]:
    """Poll due sources (all of them with force=True) and store what is new.

    Returns the run's counts, including `run_id`.
    """
    from extractors.nlp import EXTRACTOR_VERSION

    logger = get_run_logger()
    config = load_config(config_path) if config_path else Config()
    extra = adhoc_sources(tuple(feeds or ()), tuple(urls or ()), tuple(arxiv or ()))
    sources = list(config.sources) + list(extra)
    engine = get_engine(database_url)
    upgrade(engine)
    _sync_registry(engine)
    source_ids = load.sync_sources(engine, sources)
    run_id = load.start_run(engine, "ingest", EXTRACTOR_VERSION,
                            stale_after_seconds=2 * (config.settings.run_timeout or 3600))
    counts: Counter[str] = Counter()
    with recorded_run(engine, run_id, counts, config.settings.run_timeout):
        _run(engine, config, sources, extra, source_ids, run_id, database_url, force, counts)
    logger.info("ingest run %s: %s", run_id, dict(counts))
    return {"run_id": run_id, **counts}


def _run(engine: Any, config: Config, sources: list[SourceConfig], extra: Sequence[SourceConfig],
         source_ids: dict[str, int], run_id: int, database_url: str | None, force: bool,
         counts: Counter[str]) -> None:
    from storage.queries import due_source_names

    names = [s.name for s in sources]
    due = set(names) if force else due_source_names(engine, names) | {s.name for s in extra}
    todo = [s for s in sources if s.name in due]
    polled: list[PolledSource] = []
    batches = _polled_batches(engine, config, todo, source_ids, run_id, counts, polled)
    failed = _pipeline(engine, config, batches, source_ids, run_id, database_url, counts)
    # A feed's ETag/Last-Modified are kept only once its new entries are safely stored:
    # after a crash or a failed store, the next poll must not get a 304 and skip them.
    for p in polled:
        if p.ok and not p.not_modified and p.source.name not in failed:
            save_validators(engine, source_ids[p.source.name], p.etag, p.last_modified)


POLL_CHUNK = 8  # sources per poll task
POLLS_IN_FLIGHT = 2  # poll tasks at once, so that fetch tasks get threads too


def _polled_batches(engine: Any, config: Config, todo: Sequence[SourceConfig],
                    source_ids: dict[str, int], run_id: int, counts: Counter[str],
                    polled: list[PolledSource]) -> Iterator[Sequence[Candidate]]:
    """Batches of new candidates, yielded as the poll tasks finish (in source order), so
    that fetching and extraction start while later sources are still being polled.

    Each source's poll is recorded (and its failures) as soon as its task is done;
    `polled` collects every PolledSource for the caller.
    """
    states = load.source_states(engine, [s.name for s in todo])
    validators = {n: (st.etag, st.last_modified) for n, st in states.items()}
    progress.report("poll", 0, len(todo))
    pending = ramped_chunks(todo, POLL_CHUNK)
    pending.reverse()
    running: deque[Any] = deque()
    seen: set[str] = set()
    waiting: list[Candidate] = []
    sizes = ramp(config.settings.batch_size)
    size = next(sizes)
    while pending or running:
        while pending and len(running) < POLLS_IN_FLIGHT:
            running.append(poll_task.submit(Opaque(pending.pop()), Opaque(validators),
                                            Opaque(config)))
        done: list[PolledSource] = running.popleft().result()
        polled.extend(done)
        progress.report("poll", len(polled), len(todo))
        waiting += _record_polls(engine, done, seen, source_ids, run_id, counts)
        while len(waiting) >= size:
            yield waiting[:size]
            waiting = waiting[size:]
            size = next(sizes)
    counts["sources_polled"] = len(polled)
    if waiting:
        yield waiting


def _record_polls(engine: Any, done: Sequence[PolledSource], seen: set[str],
                  source_ids: dict[str, int], run_id: int,
                  counts: Counter[str]) -> list[Candidate]:
    """Record these polls and their failures; returns their candidates not seen before
    (a URL two sources list belongs to the first) and not stored unchanged."""
    failures = [p.failure for p in done if p.failure]
    cands, bad = collect_candidates(done)
    failures += bad
    cands = [c for c in cands if c.url not in seen]
    seen.update(c.url for c in cands)
    stored = load.stored_hashes(engine, [c.url for c in cands])
    fresh = [c for c in cands if not _unchanged(c, stored)]
    counts["documents_unchanged"] += len(cands) - len(fresh)
    fresh_by_source = Counter(c.source_name for c in fresh)
    for p in done:
        counts["sources_not_modified"] += p.not_modified
        counts["entries_seen"] += len(p.entries) + len(p.papers) + (p.document is not None)
        load.record_poll(engine, source_ids[p.source.name], ok=p.ok,
                         error=p.failure.reason if p.failure else None,
                         new_items=fresh_by_source[p.source.name], hint_seconds=p.hint_seconds)
    counts["failures"] += _record(engine, failures, source_ids, run_id)
    return fresh


def _pipeline(engine: Any, config: Config, batches: Iterator[Sequence[Candidate]],
              source_ids: dict[str, int], run_id: int, database_url: str | None,
              counts: Counter[str]) -> set[str]:
    """fetch -> extract -> store, one task per batch, a few batches in flight at once.

    The window bounds memory and keeps per-host load close to the configured
    limit; extraction futures run on the flow's task runner (threads, or Dask
    workers), while storing stays in this process, one transaction per batch.
    """
    window = max(1, config.settings.pipeline_window)
    # On Dask the task already runs in a worker process: extract there, no nested pool.
    processes = 0 if config.settings.dask_address else config.settings.extract_processes
    fetching: deque[tuple[Any, int]] = deque()
    extracting: deque[tuple[Any, int]] = deque()
    done = 0
    total = 0  # documents known so far: batches arrive as sources are polled
    more = True
    failed: set[str] = set()  # sources with a document that failed extraction or storage
    while more or fetching or extracting:
        while more and len(fetching) < window:
            batch = next(batches, None)
            if batch is None:
                more = False
                break
            total += len(batch)
            progress.report("documents", done, total)
            fetching.append((fetch_task.submit(Opaque(batch), Opaque(config)), len(batch)))
        if fetching and (len(extracting) < window or not more):
            fut, size = fetching.popleft()
            docs, fails = fut.result()
            counts["failures"] += _record(engine, fails, source_ids, run_id)
            if docs:
                extracting.append((extract_task.submit(Opaque(docs), processes), size))
            else:
                done += size
                progress.report("documents", done, total)
        if extracting and (len(extracting) >= window or not fetching):
            fut, size = extracting.popleft()
            extracted: BatchResult = fut.result()
            counts["failures"] += _record(engine, extracted.failures, source_ids, run_id)
            failed.update(f.source_name or "" for f in extracted.failures)
            stored, store_failed = store_task(Opaque(extracted), Opaque(source_ids),
                                              database_url, run_id,
                                              config.settings.near_duplicate_threshold)
            counts.update(stored)
            failed |= store_failed
            done += size
            progress.report("documents", done, total)
    return failed


def _unchanged(cand: Candidate, stored: dict[str, str]) -> bool:
    """Known URLs are not refetched; complete documents are compared by content."""
    if cand.url not in stored:
        return False
    if cand.fetch_url is None and cand.document is not None:
        return cand.document.content_hash == stored[cand.url]
    return True


def _sync_registry(engine: Any) -> None:
    from extractors.nlp.registry import load_registry

    reg = load_registry()
    load.sync_registry(engine, reg.models, reg.benchmarks)


def run_ingest(config_path: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run `ingest` on the task runner the config names: threads, or a Dask cluster.

    `settings.dask_address = "tcp://host:8786"` uses that scheduler; `"local"`
    starts a LocalCluster with `settings.dask_workers` worker processes.
    """
    config = load_config(config_path) if config_path else Config()
    address = config.settings.dask_address
    if not address:
        return ingest(config_path=config_path, **kwargs)
    from prefect_dask import DaskTaskRunner

    if address == "local":
        runner = DaskTaskRunner(cluster_class="distributed.LocalCluster",
                                cluster_kwargs={"n_workers": config.settings.dask_workers,
                                                "threads_per_worker": 1,
                                                "processes": True})
    else:
        runner = DaskTaskRunner(address=address)
    return ingest.with_options(task_runner=runner)(config_path=config_path, **kwargs)
