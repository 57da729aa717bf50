"""The plain functions behind the flow's tasks: poll, collect, fetch, extract, store.

Kept free of Prefect so they can be tested and reused directly; flows/ingest.py
wraps them in tasks with retries and batching.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import TYPE_CHECKING

from extractors.errors import ParseError
from extractors.feeds import parse_feed
from extractors.isolation import parse_article_isolated
from extractors.papers import parse_arxiv
from extractors.urls import canonical_url
from fetch.client import FetchRequest, FetchResult, fetch_all
from fetch.errors import FetchError
from fetch.settings import FetchSettings
from models.config import Settings, SourceConfig
from models.documents import DocumentInput, FeedEntry, Paper
from models.pickling import quick_pickle
from models.records import Extraction

if TYPE_CHECKING:  # datasketch takes a third of a second to import: only where it is used
    from extractors.dedup import Fingerprint


@quick_pickle
@dataclass(frozen=True, slots=True)
class Failure:
    """A URL that did not become a document; becomes a fetch_failure row."""

    url: str
    stage: str  # poll | fetch | parse | extract | store
    kind: str
    reason: str
    source_name: str | None = None
    status_code: int | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class PolledSource:
    source: SourceConfig
    ok: bool
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    papers: tuple[Paper, ...] = ()
    document: DocumentInput | None = None  # url sources: the page itself
    failure: Failure | None = None
    hint_seconds: float | None = None  # Cache-Control max-age or Retry-After: wait at least this


@quick_pickle
@dataclass(frozen=True, slots=True)
class Candidate:
    """A new entry that still needs its page fetched (or is complete already)."""

    url: str  # canonical
    source_name: str
    fetch_url: str | None  # None: `document` is already complete
    document: DocumentInput | None = None
    fallback: DocumentInput | None = None  # used when a full-text fetch 404s (arXiv HTML)


@quick_pickle
@dataclass(slots=True)
class Extracted:
    document: DocumentInput
    extraction: Extraction
    fingerprint: Fingerprint  # made beside the extraction, in its worker


@quick_pickle
@dataclass(slots=True)
class BatchResult:
    items: list[Extracted] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def fetch_settings(settings: Settings) -> FetchSettings:
    return FetchSettings(
        user_agent=settings.user_agent, connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout, total_timeout=settings.total_timeout,
        max_bytes=settings.max_bytes, max_redirects=settings.max_redirects,
        per_host_concurrency=settings.per_host_concurrency, retries=settings.retries,
        allow_private=settings.allow_private)


def fetch_failure(err: FetchError, stage: str, source_name: str | None) -> Failure:
    return Failure(url=err.url or "", stage=stage, kind=err.kind, reason=err.reason,
                   source_name=source_name, status_code=err.status)


def parse_failure(url: str, err: ParseError, stage: str, source_name: str | None) -> Failure:
    kind = type(err).__name__.removesuffix("Error").lower() or "parse"
    return Failure(url=url, stage=stage, kind=_snake(kind), reason=f"{err.reason}: {err.message}",
                   source_name=source_name)


def _snake(name: str) -> str:
    out = []
    for ch in name:
        out.append("_" + ch.lower() if ch.isupper() and out else ch.lower())
    return "".join(out)


# --- poll --------------------------------------------------------------------

Validators = dict[str, tuple[str | None, str | None]]


def poll_sources(sources: Sequence[SourceConfig], validators: Validators,
                 settings: Settings) -> list[PolledSource]:
    """Fetch every source's feed, query or page (conditional GET) and parse it."""
    requests = []
    for src in sources:
        etag, modified = validators.get(src.name, (None, None))
        expect = "html" if src.kind == "url" else "feed"
        requests.append(FetchRequest(src.url, etag=etag, last_modified=modified, expect=expect))
    results = fetch_all(requests, fetch_settings(settings))
    return [_parse_polled(src, res, settings.parse_timeout)
            for src, res in zip(sources, results, strict=True)]


def _parse_polled(src: SourceConfig, res: FetchResult | FetchError,
                  parse_timeout: float | None = None) -> PolledSource:
    if isinstance(res, FetchError):
        return PolledSource(src, ok=False, failure=fetch_failure(res, "poll", src.name),
                            hint_seconds=res.retry_after)
    hint = max_age(res.headers.get("cache-control"))
    if res.not_modified:
        return PolledSource(src, ok=True, not_modified=True, etag=res.etag,
                            last_modified=res.last_modified, hint_seconds=hint)
    try:
        if src.kind == "feed":
            feed = parse_feed(res.content, url=res.final_url, content_type=res.content_type)
            return PolledSource(src, ok=True, etag=res.etag, last_modified=res.last_modified,
                                entries=feed.entries, hint_seconds=hint)
        if src.kind == "arxiv":
            papers = parse_arxiv(res.content)
            return PolledSource(src, ok=True, etag=res.etag, last_modified=res.last_modified,
                                papers=papers, hint_seconds=hint)
        doc = article_document(res, src.name, parse_timeout=parse_timeout)
        return PolledSource(src, ok=True, etag=res.etag, last_modified=res.last_modified,
                            document=doc, hint_seconds=hint)
    except ParseError as exc:
        return PolledSource(src, ok=False, failure=parse_failure(src.url, exc, "parse", src.name))


def max_age(cache_control: str | None) -> float | None:
    """Seconds from a Cache-Control max-age (or s-maxage) directive, if any."""
    if not cache_control:
        return None
    for part in cache_control.split(","):
        key, _, value = part.strip().partition("=")
        if key.lower() in ("max-age", "s-maxage"):
            try:
                return max(0.0, float(value.strip().strip('"')))
            except ValueError:
                return None
    return None


def article_document(res: FetchResult, source_name: str | None,
                     entry: FeedEntry | None = None,
                     parse_timeout: float | None = None) -> DocumentInput:
    """Parse a fetched page into a document; feed metadata fills what the page lacks."""
    # In a killable worker: trafilatura has no timeout of its own (extractors/isolation.py).
    art = parse_article_isolated(res.content, res.final_url, res.content_type,
                                 timeout=parse_timeout)
    url = canonical_url(res.final_url)
    published_at = art.published_at or (entry.published_at if entry else None)
    published_raw = art.published_raw or (entry.published_raw if entry else None)
    meta = {"fetched_url": res.url} if res.url != res.final_url else {}
    if entry is not None:
        meta["entry_id"] = entry.entry_id
    title = art.title or (entry.title if entry else None)
    return DocumentInput(url=url, kind="article", title=title, text=art.text,
                         source_name=source_name,
                         author=art.author or (", ".join(entry.authors) if entry and entry.authors
                                               else None),
                         site=art.site, published_at=published_at, published_raw=published_raw,
                         meta=meta)


# --- collect -----------------------------------------------------------------

def collect_candidates(polled: Sequence[PolledSource]) -> tuple[list[Candidate], list[Failure]]:
    """Turn polled feeds and queries into candidate documents, deduplicated by URL."""
    out: dict[str, Candidate] = {}
    failures: list[Failure] = []
    for p in polled:
        src = p.source
        if p.document is not None:
            out.setdefault(p.document.url, Candidate(p.document.url, src.name, None, p.document))
        for entry in p.entries:
            cand = _entry_candidate(src, entry, failures)
            if cand is not None:
                out.setdefault(cand.url, cand)
        for paper in p.papers:
            cand = _paper_candidate(src, paper)
            out.setdefault(cand.url, cand)
    return list(out.values()), failures


def _entry_candidate(src: SourceConfig, entry: FeedEntry,
                     failures: list[Failure]) -> Candidate | None:
    if not entry.link:
        if not (entry.content or entry.summary):
            failures.append(Failure(url=f"{src.url}#{entry.entry_id}", stage="parse",
                                    kind="no_link",
                                    reason="feed entry has neither a link nor text",
                                    source_name=src.name))
            return None
        url = f"{src.url}#entry={entry.entry_id}"
        return Candidate(url, src.name, None, _entry_document(url, src.name, entry))
    try:
        url = canonical_url(entry.link, base=src.url)
    except ParseError as exc:
        failures.append(parse_failure(entry.link, exc, "parse", src.name))
        return None
    if src.fetch_articles:
        return Candidate(url, src.name, entry.link, _entry_document(url, src.name, entry)
                         if (entry.content or entry.summary) else None)
    return Candidate(url, src.name, None, _entry_document(url, src.name, entry))


def _entry_document(url: str, source_name: str, entry: FeedEntry) -> DocumentInput:
    body = entry.content or entry.summary or ""
    text = f"{entry.title}\n{body}" if entry.title and not body.startswith(entry.title) else body
    return DocumentInput(url=url, kind="feed_entry", title=entry.title, text=text,
                         source_name=source_name, author=", ".join(entry.authors) or None,
                         published_at=entry.published_at, published_raw=entry.published_raw,
                         meta={"entry_id": entry.entry_id})


def _paper_candidate(src: SourceConfig, paper: Paper) -> Candidate:
    doc = DocumentInput(
        url=paper.abs_url, kind="paper", title=paper.title, text=paper.text,
        source_name=src.name, author=", ".join(paper.authors) or None, site="arXiv",
        published_at=paper.published_at,
        published_raw=paper.published_at.isoformat() if paper.published_at else None,
        meta={"arxiv_id": paper.arxiv_id, "version": paper.version,
              "categories": list(paper.categories), "primary_category": paper.primary_category,
              "updated_at": paper.updated_at.isoformat() if paper.updated_at else None,
              "pdf_url": paper.pdf_url, "html_url": paper.html_url})
    if src.full_text:
        html = paper.html_url
        if src.html_base and paper.version is not None:
            html = f"{src.html_base.rstrip('/')}/{paper.arxiv_id}v{paper.version}.html"
        if html:
            return Candidate(paper.abs_url, src.name, html, None, fallback=doc)
    return Candidate(paper.abs_url, src.name, None, doc)


# --- fetch pages -------------------------------------------------------------

def fetch_documents(cands: Sequence[Candidate], settings: Settings) -> tuple[list[DocumentInput],
                                                                            list[Failure]]:
    """Fetch and parse the pages of candidates that need it; keep complete ones as they are."""
    docs: list[DocumentInput] = [c.document for c in cands if c.fetch_url is None and c.document]
    todo = [c for c in cands if c.fetch_url is not None]
    failures: list[Failure] = []
    if not todo:
        return docs, failures
    results = fetch_all([FetchRequest(c.fetch_url or c.url, expect="html") for c in todo],
                        fetch_settings(settings))
    for cand, res in zip(todo, results, strict=True):
        if isinstance(res, FetchError):
            if cand.fallback is not None:  # arXiv HTML missing: title + abstract still count
                docs.append(cand.fallback)
                continue
            failures.append(fetch_failure(res, "fetch", cand.source_name))
            continue
        try:
            if cand.fallback is not None:
                art = parse_article_isolated(res.content, res.final_url, res.content_type,
                                             timeout=settings.parse_timeout)
                fb = cand.fallback
                docs.append(DocumentInput(url=fb.url, kind=fb.kind, title=fb.title,
                                          text=f"{fb.text}\n{art.text}", source_name=fb.source_name,
                                          author=fb.author, site=fb.site,
                                          published_at=fb.published_at,
                                          published_raw=fb.published_raw,
                                          meta={**fb.meta, "full_text": True}))
            else:
                doc = article_document(res, cand.source_name, None, settings.parse_timeout)
                # The page may canonicalise elsewhere after redirects; keep the entry's key.
                docs.append(_with_feed_metadata(doc, cand))
        except ParseError as exc:
            failures.append(parse_failure(res.final_url, exc, "parse", cand.source_name))
    return docs, failures


def _with_feed_metadata(doc: DocumentInput, cand: Candidate) -> DocumentInput:
    entry_doc = cand.document
    return DocumentInput(
        url=cand.url, kind="article", title=doc.title or (entry_doc.title if entry_doc else None),
        text=doc.text, source_name=cand.source_name,
        author=doc.author or (entry_doc.author if entry_doc else None), site=doc.site,
        published_at=doc.published_at or (entry_doc.published_at if entry_doc else None),
        published_raw=doc.published_raw or (entry_doc.published_raw if entry_doc else None),
        meta={**(entry_doc.meta if entry_doc else {}), **doc.meta,
              **({"page_url": doc.url} if doc.url != cand.url else {})})


# --- extract -----------------------------------------------------------------

def extract_texts(texts: Sequence[str]) -> list[tuple[Extraction, Fingerprint] | str]:
    """Extract and fingerprint a batch; a text that breaks the extractor gives its error
    message instead.

    The whole batch goes through `extract_many` (batched spaCy); only when that
    fails are the texts retried one by one, so one bad text costs one document.
    Fingerprints (MinHash, claim keys) are made here, in the extraction worker, so that
    the process that stores does nothing but store.
    """
    from extractors.dedup import fingerprint
    from extractors.nlp import get_extractor

    extractor = get_extractor()
    try:
        results: list[Extraction | str] = list(extractor.extract_many(list(texts)))
    except Exception:  # noqa: BLE001 - fall back to one by one below
        results = []
        for text in texts:
            try:
                results.append(extractor.extract(text))
            except Exception as exc:  # noqa: BLE001 - recorded with its reason
                results.append(f"{type(exc).__name__}: {exc}")
    out: list[tuple[Extraction, Fingerprint] | str] = []
    for text, res in zip(texts, results, strict=True):
        if isinstance(res, str):
            out.append(res)
            continue
        try:
            out.append((res, fingerprint(text, res)))
        except Exception as exc:  # noqa: BLE001 - recorded with its reason
            out.append(f"fingerprint failed: {type(exc).__name__}: {exc}")
    return out


# The spaCy pipeline is not thread-safe (memory zones free strings another thread may
# still use), so in-process extraction is serialised; the process pool is the way to
# run it beside fetching and storing, on another core.
_LOCAL_LOCK = threading.Lock()
_POOL: ProcessPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_GUARD = threading.Lock()


def _pool(size: int) -> ProcessPoolExecutor:
    """A long-lived pool of extraction processes (spaCy is loaded once per worker)."""
    global _POOL, _POOL_SIZE
    with _POOL_GUARD:
        if _POOL is None or size != _POOL_SIZE:
            if _POOL is not None:
                _POOL.shutdown(wait=False, cancel_futures=True)
            # spawn, not fork: the flow process runs Prefect and HTTP threads.
            _POOL = ProcessPoolExecutor(max_workers=size, mp_context=get_context("spawn"),
                                        initializer=_warm_worker)
            _POOL_SIZE = size
        return _POOL


def _warm_worker() -> None:
    from extractors.nlp import get_extractor

    get_extractor()


def extract_documents(docs: Sequence[DocumentInput], processes: int = 0) -> BatchResult:
    """Run the extractor over a batch; a document that breaks it becomes a failure.

    processes=0 extracts in this process (serialised); N>0 in a pool of N worker
    processes shared by every batch of the run.
    """
    texts = [d.text for d in docs]
    if processes > 0:
        results = _extract_in_pool(texts, processes)
    else:
        with _LOCAL_LOCK:
            results = extract_texts(texts)
    out = BatchResult()
    for doc, res in zip(docs, results, strict=True):
        if isinstance(res, str):
            out.failures.append(Failure(url=doc.url, stage="extract", kind="extractor_error",
                                        reason=res, source_name=doc.source_name))
        else:
            out.items.append(Extracted(doc, *res))
    return out


def _extract_in_pool(texts: list[str],
                     processes: int) -> list[tuple[Extraction, Fingerprint] | str]:
    """Split the batch over the pool's processes, so that every process works on every
    batch: a batch in one process left the other idle at the start and end of a run."""
    if not texts:
        return []
    pool = _pool(processes)
    size = -(-len(texts) // processes)
    parts = [texts[i:i + size] for i in range(0, len(texts), size)]
    futures = [pool.submit(extract_texts, part) for part in parts]
    results: list[tuple[Extraction, Fingerprint] | str] = []
    broken = False
    for fut, part in zip(futures, parts, strict=True):
        try:
            results.extend(fut.result())
        except BrokenProcessPool as exc:  # a worker died (OOM, signal): report, go on
            results.extend([f"extraction worker died: {exc}"] * len(part))
            broken = True
    if broken:
        _reset_pool()
    return results


def _reset_pool() -> None:
    global _POOL
    with _POOL_GUARD:
        if _POOL is not None:
            _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL = None
