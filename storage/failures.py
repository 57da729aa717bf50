"""SQL for retrying failed documents: which failures are still open, and closing them.

A URL can fail many times (every scheduled run that sees it again, every retry);
the retry flow wants each URL once, with its most recent failure, so listing
groups by URL. Source-level failures (a feed that would not poll or parse) are
not listed: polling retries those on its own, with backoff.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, func, or_, select, update
from sqlmodel import Session

from models.tables import FetchFailure, Source
from storage.db import session_scope

RETRYABLE_STAGES: tuple[str, ...] = ("fetch", "parse", "extract", "store")
# Failures no refetch can fix: the feed entry had nothing to fetch.
_NOT_RETRYABLE_KINDS: tuple[str, ...] = ("no_link",)


@dataclass(frozen=True, slots=True)
class OpenFailure:
    """The latest unresolved failure of one URL."""

    id: int
    url: str
    stage: str
    kind: str
    reason: str
    source_id: int | None
    source_name: str | None
    attempts: int  # unresolved failure rows of this URL


def unresolved(engine: Engine, *, stages: Sequence[str] = RETRYABLE_STAGES,
               limit: int = 100) -> list[OpenFailure]:
    """Open failures of documents, one per URL, oldest first (bounded by ``limit``)."""
    limit = max(1, min(int(limit), 10_000))
    open_rows = and_(FetchFailure.resolved_at.is_(None), FetchFailure.stage.in_(list(stages)),
                     FetchFailure.kind.not_in(list(_NOT_RETRYABLE_KINDS)),
                     FetchFailure.url != "")
    latest = (select(func.max(FetchFailure.id).label("id"), FetchFailure.url,
                     func.count().label("attempts"))
              .where(open_rows).group_by(FetchFailure.url).subquery())
    stmt = (select(FetchFailure, Source.name, latest.c.attempts)
            .join(latest, latest.c.id == FetchFailure.id)
            .outerjoin(Source, Source.id == FetchFailure.source_id)
            # A failure of the source's own URL is a polling problem, not a document's.
            .where(or_(Source.id.is_(None), Source.url != FetchFailure.url))
            .order_by(FetchFailure.id).limit(limit))
    with Session(engine) as s:
        return [OpenFailure(id=f.id or 0, url=f.url, stage=f.stage, kind=f.kind, reason=f.reason,
                            source_id=f.source_id, source_name=name, attempts=int(n))
                for f, name, n in s.execute(stmt).all()]


def count_unresolved(engine: Engine, stages: Sequence[str] = RETRYABLE_STAGES) -> int:
    """Open failure rows of the given stages (all URLs, all attempts)."""
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(FetchFailure).where(
            FetchFailure.resolved_at.is_(None), FetchFailure.stage.in_(list(stages)))).scalar()
            or 0)


def mark_resolved(engine: Engine, urls: Iterable[str],
                  stages: Sequence[str] = RETRYABLE_STAGES) -> int:
    """Close every open failure of these URLs in these stages; returns rows closed."""
    urls = list(dict.fromkeys(urls))
    if not urls:
        return 0
    closed = 0
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        for i in range(0, len(urls), 500):
            result = s.execute(update(FetchFailure).where(
                FetchFailure.url.in_(urls[i:i + 500]), FetchFailure.resolved_at.is_(None),
                FetchFailure.stage.in_(list(stages))).values(resolved_at=now))
            closed += int(getattr(result, "rowcount", 0) or 0)
    return closed
