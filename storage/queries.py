"""Reads: what analysts, the CLI, the summary and the flows ask of the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, exists, func, or_, select, text
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.tables import (
    Claim,
    ClaimBenchmark,
    ClaimCluster,
    ClaimDimension,
    ClaimModel,
    Document,
    FetchFailure,
    FigureRow,
    ForecastRow,
    IngestionRun,
    Model,
    Source,
)
from storage import dedup


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Filters shared by the CLI, the API and exports."""

    dimension: str | None = None
    stance: str | None = None
    model: str | None = None  # canonical id or family name
    openness: str | None = None
    organization: str | None = None
    source: str | None = None  # source name
    hedged: bool | None = None
    # claims whose stance the model gave at least this probability (rules-only claims,
    # which carry none, are left out)
    min_stance_confidence: float | None = None
    text: str | None = None
    since: datetime | None = None  # published_at >= since
    until: datetime | None = None  # published_at < until
    ingested_since: datetime | None = None
    ingested_until: datetime | None = None
    as_of: datetime | None = None  # the state then: ingested by then, not yet superseded
    # One row per claim cluster (the first-seen claim, with its mention count) instead of
    # every copy; clusters seen only in copied documents are left out, as in the counts.
    distinct: bool = False


def _utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


# The largest claim id ingested by a day in one dimension, by a loose index scan over
# ix_claim_dimension_dim_day: one descent per ingest day, instead of reading every row
# ingested before (or walking every claim ingested after) the as_of time.
_DIMENSION_CEILING = text("""
WITH RECURSIVE days(day, top) AS (
    (SELECT ingested_day, claim_id FROM claim_dimension
     WHERE dimension = :dimension AND ingested_day <= :day
     ORDER BY ingested_day DESC, claim_id DESC LIMIT 1)
  UNION ALL
    SELECT n.ingested_day, n.claim_id FROM days CROSS JOIN LATERAL (
        SELECT ingested_day, claim_id FROM claim_dimension
        WHERE dimension = :dimension AND ingested_day < days.day
        ORDER BY ingested_day DESC, claim_id DESC LIMIT 1) AS n
)
SELECT max(top) FROM days""")


def _id_ceiling(s: Session, f: ClaimFilter) -> int | None:
    """An exact upper bound on the ids of the claims an as_of page can show, or None to
    let the SQL compute one (_claim_conditions). Only with a dimension, on PostgreSQL:
    every claim of the dimension ingested by as_of has a claim_dimension row of an
    ingest day up to as_of's, and an id no larger than that day's largest."""
    if f.as_of is None or not f.dimension or s.get_bind().dialect.name != "postgresql":
        return None
    top = s.execute(_DIMENSION_CEILING, {"dimension": f.dimension,
                                         "day": _utc(f.as_of).date()}).scalar()
    return -1 if top is None else int(top)  # -1: nothing of it ingested by then


def model_conditions(model: str | None, openness: str | None,
                     organization: str | None) -> list[Any]:
    """Conditions on the Model table: `model` matches a canonical id, family or name."""
    cond: list[Any] = []
    if model:
        key = model.lower()
        cond.append(or_(Model.id == key, func.lower(Model.family) == key,
                        func.lower(Model.name) == key))
    if openness:
        cond.append(Model.openness == openness)
    if organization:
        cond.append(func.lower(Model.organization) == organization.lower())
    return cond


def _claim_conditions(f: ClaimFilter, id_ceiling: int | None = None) -> list[Any]:
    cond: list[Any] = []
    if f.dimension and (f.since or f.until):
        # Driven by claim_dimension's (published_day, dimension) index: the days around the
        # range narrow the candidates; the exact published_at bounds below still apply.
        cd = ClaimDimension
        days = select(cd.claim_id).where(cd.dimension == f.dimension,
                                         cd.published_day.is_not(None))
        if f.since:
            days = days.where(cd.published_day >= _utc(f.since).date())
        if f.until:
            days = days.where(cd.published_day <= _utc(f.until).date())
        cond.append(Claim.id.in_(days))
    elif f.dimension:
        cond.append(exists().where(ClaimDimension.claim_id == Claim.id,
                                   ClaimDimension.dimension == f.dimension))
    if f.stance:
        cond.append(Claim.stance == f.stance)
    if f.model or f.openness or f.organization:
        cond.append(exists().where(ClaimModel.claim_id == Claim.id,
                                   Model.id == ClaimModel.model_id,
                                   *model_conditions(f.model, f.openness, f.organization)))
    if f.source:
        cond.append(Claim.source_id == select(Source.id).where(Source.name == f.source)
                    .scalar_subquery())
    if f.hedged is not None:
        cond.append(Claim.hedged == f.hedged)
    if f.min_stance_confidence is not None:
        cond.append(Claim.stance_confidence >= f.min_stance_confidence)
    if f.text:
        cond.append(Claim.text.ilike(f"%{f.text}%"))
    # A claim with no publication date is never in range of a date filter.
    if f.since:
        cond.append(and_(Claim.published_at.is_not(None), Claim.published_at >= f.since))
    if f.until:
        cond.append(and_(Claim.published_at.is_not(None), Claim.published_at < f.until))
    if f.ingested_since:
        cond.append(Claim.ingested_at >= f.ingested_since)
    if f.ingested_until:
        cond.append(Claim.ingested_at < f.ingested_until)
    cond.extend(dedup.live_conditions(f.as_of))
    if id_ceiling is not None:
        cond.append(Claim.id <= id_ceiling)
    elif f.as_of is not None:
        # An exact upper bound on the ids ingested by then (a larger id ingested by then
        # would be the max), so a newest-first page starts there instead of walking down
        # through every claim ingested later.
        later = aliased(Claim)
        cond.append(Claim.id <= select(func.max(later.id))
                    .where(later.ingested_at <= f.as_of).scalar_subquery())
    return cond


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: int
    text: str
    stance: str
    hedged: bool
    speaker: str | None
    dimensions: tuple[str, ...]
    models: tuple[str, ...]
    benchmarks: tuple[str, ...]
    document_id: int
    url: str
    title: str | None
    source: str | None
    published_at: datetime | None
    ingested_at: datetime | None
    start: int
    end: int
    extractor_version: str
    figures: tuple[dict[str, Any], ...] = field(default=())
    cluster_id: int | None = None
    origin: str | None = None  # whose finding the claim reports (attribution)
    mentions: int = 1  # live claims in its cluster, copies included
    copy_of: int | None = None  # set when the claim's document copies an earlier one
    superseded_at: datetime | None = None
    stance_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "text": self.text, "stance": self.stance,
            "stance_confidence": self.stance_confidence, "hedged": self.hedged,
            "speaker": self.speaker, "dimensions": list(self.dimensions),
            "models": list(self.models), "benchmarks": list(self.benchmarks),
            "document_id": self.document_id, "url": self.url, "title": self.title,
            "source": self.source, "published_at": _iso(self.published_at),
            "ingested_at": _iso(self.ingested_at), "start": self.start, "end": self.end,
            "extractor_version": self.extractor_version, "figures": list(self.figures),
            "cluster_id": self.cluster_id, "origin": self.origin, "mentions": self.mentions,
            "copy_of": self.copy_of, "superseded_at": _iso(self.superseded_at),
        }


def list_claims(engine: Engine, f: ClaimFilter, *, limit: int = 50,
                after_id: int | None = None, newest_first: bool = True) -> list[ClaimRow]:
    """Claims matching the filter, in a stable order by id (cursor = last id seen).

    With `f.distinct`, one row per cluster: its first-seen matching claim (the id
    the cursor uses) and `mentions`, the live claims behind it.
    """
    with Session(engine) as s:
        ceiling = _id_ceiling(s, f)
        stmt = _claims_select(f, ceiling, limit, after_id, newest_first)
        return _claim_rows(s, stmt, f)


def _claims_select(f: ClaimFilter, ceiling: int | None, limit: int, after_id: int | None,
                   newest_first: bool) -> Any:
    stmt = (select(Claim, Document.url, Document.title, Source.name, Document.copy_of)
            .join(Document, Document.id == Claim.document_id)
            .outerjoin(Source, Source.id == Claim.source_id))
    if f.distinct:
        first = (select(func.min(Claim.id))
                 .where(*_claim_conditions(f, ceiling), dedup.original_document())
                 .group_by(func.coalesce(Claim.cluster_id, -Claim.id))
                 .correlate(None))
        if after_id is not None:
            first = first.having(func.min(Claim.id) < after_id if newest_first
                                 else func.min(Claim.id) > after_id)
        stmt = stmt.where(Claim.id.in_(first))
    else:
        stmt = stmt.where(*_claim_conditions(f, ceiling))
    if after_id is not None:
        stmt = stmt.where(Claim.id < after_id if newest_first else Claim.id > after_id)
    return stmt.order_by(Claim.id.desc() if newest_first else Claim.id.asc()).limit(limit)


def _claim_rows(s: Session, stmt: Any, f: ClaimFilter) -> list[ClaimRow]:
    rows = s.execute(stmt).all()
    ids = [r[0].id for r in rows]
    counts = dedup.cluster_mentions(s, [r[0].cluster_id for r in rows if r[0].cluster_id],
                                    f.as_of)
    dims = _links(s, ClaimDimension.claim_id, ClaimDimension.dimension, ids)
    mods = _links(s, ClaimModel.claim_id, ClaimModel.model_id, ids)
    bens = _links(s, ClaimBenchmark.claim_id, ClaimBenchmark.benchmark_id, ids)
    figs: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for fr in s.execute(select(FigureRow).where(FigureRow.claim_id.in_(ids))).scalars():
            figs.setdefault(fr.claim_id or 0, []).append(figure_dict(fr))
    return [ClaimRow(id=c.id, text=c.text, stance=c.stance,
                     stance_confidence=c.stance_confidence, hedged=c.hedged,
                     speaker=c.speaker, dimensions=tuple(dims.get(c.id, ())),
                     models=tuple(mods.get(c.id, ())), benchmarks=tuple(bens.get(c.id, ())),
                     document_id=c.document_id, url=url, title=title, source=src,
                     published_at=aware(c.published_at), ingested_at=aware(c.ingested_at),
                     start=c.start, end=c.end, extractor_version=c.extractor_version,
                     figures=tuple(figs.get(c.id, ())), cluster_id=c.cluster_id,
                     origin=c.origin, mentions=counts.get(c.cluster_id or 0, 1),
                     copy_of=copy_of, superseded_at=aware(c.superseded_at))
            for c, url, title, src, copy_of in rows]


def iter_claims(engine: Engine, f: ClaimFilter, page: int = 1000) -> Iterator[ClaimRow]:
    """Every matching claim, paged by id so memory stays flat (exports)."""
    after: int | None = None
    while True:
        rows = list_claims(engine, f, limit=page, after_id=after)
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1].id


def _links(s: Session, key: Any, value: Any, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if ids:
        for k, v in s.execute(select(key, value).where(key.in_(ids)).order_by(key, value)):
            out.setdefault(k, []).append(v)
    return out


def figure_dict(fr: FigureRow) -> dict[str, Any]:
    return {"id": fr.id, "value": fr.value, "value_high": fr.value_high, "unit": fr.unit,
            "kind": fr.kind, "model": fr.model_id, "benchmark": fr.benchmark_id,
            "sentence": fr.sentence, "start": fr.start, "end": fr.end,
            "document_id": fr.document_id, "claim_id": fr.claim_id}


# --- summaries ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Summary:
    """Counts of evidence: documents that are not copies, claim clusters (not copies)."""

    documents_by_kind: dict[str, int]  # original documents (copies are counted apart)
    claims_by_dimension_stance: dict[str, dict[str, int]]  # claim clusters
    claims: int  # claim clusters: distinct pieces of evidence
    figures_by_kind: dict[str, int]
    forecasts: list[dict[str, Any]]
    failures_by_kind: dict[str, int]
    failures: list[dict[str, Any]]
    document_copies_by_kind: dict[str, int] = field(default_factory=dict)
    claim_mentions: int = 0  # live claims behind the clusters, copies included
    claim_copies: int = 0  # claim_mentions - claims
    claims_superseded: int = 0  # dropped by revisions, kept for as_of
    attributed_clusters: int = 0  # clusters reporting another party's finding


def summary(engine: Engine, run_id: int | None = None) -> Summary:
    """Database-wide counts; failures limited to one run when run_id is given."""
    with Session(engine) as s:
        docs = dict(s.execute(select(Document.kind, func.count())
                              .where(Document.copy_of.is_(None))
                              .group_by(Document.kind)).all())
        copies = dict(s.execute(select(Document.kind, func.count())
                                .where(Document.copy_of.is_not(None))
                                .group_by(Document.kind)).all())
        grid = dedup.cluster_grid(s)
        totals = dedup.totals_in(s, None)
        attributed = s.execute(
            select(func.count(func.distinct(Claim.cluster_id)))
            .join(ClaimCluster, ClaimCluster.id == Claim.cluster_id)
            .where(ClaimCluster.origin.is_not(None), *dedup.live_conditions(None),
                   dedup.original_document())).scalar() or 0
        figs = dict(s.execute(select(FigureRow.kind, func.count())
                              .group_by(FigureRow.kind)).all())
        fc = [{"issuer": f.issuer, "probability": f.probability, "conditional": f.conditional,
               "proposition": f.proposition}
              for f in s.execute(select(ForecastRow).order_by(ForecastRow.id)).scalars()]
        fq = select(FetchFailure)
        if run_id is not None:
            fq = fq.where(FetchFailure.run_id == run_id)
        fails = s.execute(fq.order_by(FetchFailure.id)).scalars().all()
        by_kind: dict[str, int] = {}
        for fl in fails:
            by_kind[fl.kind] = by_kind.get(fl.kind, 0) + 1
        return Summary(docs, grid, totals.clusters, figs, fc, by_kind,
                       [{"url": fl.url, "stage": fl.stage, "kind": fl.kind,
                         "reason": fl.reason} for fl in fails],
                       document_copies_by_kind=copies, claim_mentions=totals.mentions,
                       claim_copies=totals.copies, claims_superseded=totals.superseded,
                       attributed_clusters=int(attributed))


def run_row(engine: Engine, run_id: int) -> dict[str, Any]:
    with Session(engine) as s:
        run = s.get(IngestionRun, run_id)
        return run.model_dump() if run else {}


def documents_to_reprocess(engine: Engine, version: str, limit: int = 1000,
                           after_id: int = 0) -> list[tuple[int, str]]:
    """(id, text) of documents extracted by another extractor version, by id."""
    with Session(engine) as s:
        return [(i, t) for i, t in s.execute(
            select(Document.id, Document.text)
            .where(Document.extractor_version != version, Document.id > after_id)
            .order_by(Document.id).limit(limit)).all()]


def due_source_names(engine: Engine, names: Sequence[str], now: datetime | None = None) -> set[str]:
    """Sources whose next poll time has come (or that were never polled)."""
    now = now or datetime.now(UTC)
    with Session(engine) as s:
        rows = s.execute(select(Source.name, Source.next_poll_at)
                         .where(Source.name.in_(list(names)))).all()
    return {n for n, nxt in rows if nxt is None or aware(nxt) <= now}


def source_health(engine: Engine) -> list[dict[str, Any]]:
    with Session(engine) as s:
        return [{"name": r.name, "kind": r.kind, "url": r.url,
                 "last_success_at": _iso(aware(r.last_success_at)),
                 "last_polled_at": _iso(aware(r.last_polled_at)),
                 "consecutive_failures": r.consecutive_failures,
                 "next_poll_at": _iso(aware(r.next_poll_at)), "last_error": r.last_error}
                for r in s.execute(select(Source).order_by(Source.name)).scalars()]


def aware(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _iso(ts: datetime | None) -> str | None:
    return ts.isoformat() if ts else None
