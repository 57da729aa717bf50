"""Reads behind the HTTP API and the dashboard, beyond storage/queries.py.

Every function takes `as_of`: only rows whose current content had been stored by
then are seen. Claims and forecasts carry their own `ingested_at`; documents and
figures are visible once the document's stored revision (updated_at, falling back
to ingested_at) is not newer than `as_of`, because gapwatch keeps only the latest
revision and showing a newer one would leak later news into a backtest.

Datetimes passed in must be timezone-aware; they are converted to UTC because
SQLite stores timestamps without an offset (everything is written in UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select
from sqlmodel import Session

from models.tables import (
    Benchmark,
    Claim,
    ClaimBenchmark,
    ClaimDimension,
    ClaimModel,
    Document,
    FigureRow,
    ForecastRow,
    Model,
    Source,
)
from storage import dedup
from storage.queries import ClaimFilter, ClaimRow, aware, figure_dict, list_claims, model_conditions


def utc(ts: datetime | None) -> datetime | None:
    """Aware UTC (naive input is taken as UTC): SQLite compares timestamps as text."""
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def iso(ts: datetime | None) -> str | None:
    ts = aware(ts)
    return ts.isoformat() if ts else None


def _doc_stored_at() -> Any:
    return func.coalesce(Document.updated_at, Document.ingested_at)


def _doc_visible(as_of: datetime | None) -> list[Any]:
    return [] if as_of is None else [_doc_stored_at() <= utc(as_of)]


# --- claims ------------------------------------------------------------------

def get_claim(engine: Engine, claim_id: int, as_of: datetime | None = None) -> ClaimRow | None:
    """One claim with its provenance, or None if unknown or ingested after as_of."""
    rows = list_claims(engine, ClaimFilter(as_of=utc(as_of)), limit=1, after_id=claim_id + 1)
    return rows[0] if rows and rows[0].id == claim_id else None


def claims_page(engine: Engine, f: ClaimFilter, *, limit: int,
                before_id: int | None = None) -> tuple[list[ClaimRow], int | None]:
    """A page of claims, newest id first, and the id to continue after (None at the end).

    Ids only grow, so paging by id stays exact while new claims are stored: a new
    claim gets a higher id than any cursor already handed out and never shifts a
    later page.
    """
    rows = list_claims(engine, f, limit=limit + 1, after_id=before_id)
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].id
    return rows, None


# --- documents -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DocumentView:
    document: dict[str, Any]
    claims: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    forecasts: list[dict[str, Any]]


def get_document(engine: Engine, document_id: int,
                 as_of: datetime | None = None) -> DocumentView | None:
    """A document, its text and what was extracted from it (claims with their labels)."""
    with Session(engine) as s:
        row = s.execute(select(Document, Source.name)
                        .outerjoin(Source, Source.id == Document.source_id)
                        .where(Document.id == document_id, *_doc_visible(as_of))).first()
        if row is None:
            return None
        doc, source = row
        cq = select(Claim).where(Claim.document_id == document_id)
        if as_of is not None:
            cq = cq.where(Claim.ingested_at <= utc(as_of))
        claims = s.execute(cq.order_by(Claim.start, Claim.id)).scalars().all()
        ids = [c.id for c in claims]
        dims = _links(s, ClaimDimension.claim_id, ClaimDimension.dimension, ids)
        mods = _links(s, ClaimModel.claim_id, ClaimModel.model_id, ids)
        bens = _links(s, ClaimBenchmark.claim_id, ClaimBenchmark.benchmark_id, ids)
        figs = s.execute(select(FigureRow).where(FigureRow.document_id == document_id)
                         .order_by(FigureRow.start, FigureRow.id)).scalars().all()
        fq = select(ForecastRow).where(ForecastRow.document_id == document_id)
        if as_of is not None:
            fq = fq.where(ForecastRow.ingested_at <= utc(as_of))
        fcs = s.execute(fq.order_by(ForecastRow.start, ForecastRow.id)).scalars().all()
        return DocumentView(
            document={"id": doc.id, "url": doc.url, "kind": doc.kind, "title": doc.title,
                      "author": doc.author, "site": doc.site, "source": source,
                      "text": doc.text, "published_at": iso(doc.published_at),
                      "published_raw": doc.published_raw, "ingested_at": iso(doc.ingested_at),
                      "updated_at": iso(doc.updated_at), "revision": doc.revision,
                      "extractor_version": doc.extractor_version},
            claims=[{"id": c.id, "text": c.text, "start": c.start, "end": c.end,
                     "stance": c.stance, "stance_confidence": c.stance_confidence,
                     "hedged": c.hedged, "speaker": c.speaker,
                     "dimensions": dims.get(c.id or 0, []), "models": mods.get(c.id or 0, []),
                     "benchmarks": bens.get(c.id or 0, []),
                     "extractor_version": c.extractor_version,
                     "published_at": iso(c.published_at), "ingested_at": iso(c.ingested_at)}
                    for c in claims],
            figures=[figure_dict(f) for f in figs],
            forecasts=[_forecast_dict(f, doc.url, doc.title) for f in fcs])


def _links(s: Session, key: Any, value: Any, ids: Sequence[int | None]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    clean = [i for i in ids if i is not None]
    for i in range(0, len(clean), 500):
        for k, v in s.execute(select(key, value).where(key.in_(clean[i:i + 500]))
                              .order_by(key, value)):
            out.setdefault(k, []).append(v)
    return out


def _forecast_dict(f: ForecastRow, url: str | None, title: str | None) -> dict[str, Any]:
    return {"id": f.id, "issuer": f.issuer, "probability": f.probability,
            "conditional": f.conditional, "proposition": f.proposition, "sentence": f.sentence,
            "start": f.start, "end": f.end, "document_id": f.document_id, "url": url,
            "title": title, "published_at": iso(f.published_at),
            "ingested_at": iso(f.ingested_at), "extractor_version": f.extractor_version}


# --- registry with counts ----------------------------------------------------------

def list_models(engine: Engine, as_of: datetime | None = None,
                openness: str | None = None) -> list[dict[str, Any]]:
    """Every model (registry and discovered) with how many claims and figures name it."""
    claim_counts = (select(ClaimModel.model_id.label("mid"), func.count().label("n"))
                    .join(Claim, Claim.id == ClaimModel.claim_id))
    if as_of is not None:
        claim_counts = claim_counts.where(Claim.ingested_at <= utc(as_of))
    cc = claim_counts.group_by(ClaimModel.model_id).subquery()
    fig_counts = (select(FigureRow.model_id.label("mid"), func.count().label("n"))
                  .join(Document, Document.id == FigureRow.document_id)
                  .where(FigureRow.model_id.is_not(None), *_doc_visible(as_of))
                  .group_by(FigureRow.model_id).subquery())
    stmt = (select(Model, func.coalesce(cc.c.n, 0), func.coalesce(fig_counts.c.n, 0))
            .outerjoin(cc, cc.c.mid == Model.id)
            .outerjoin(fig_counts, fig_counts.c.mid == Model.id))
    if openness:
        stmt = stmt.where(Model.openness == openness)
    with Session(engine) as s:
        rows = s.execute(stmt.order_by(Model.id)).all()
    out = []
    for m, nc, nf in rows:
        if as_of is not None and not m.in_registry and nc == 0 and nf == 0:
            continue  # a model first seen in text after as_of did not exist yet for us
        out.append({"id": m.id, "name": m.name, "family": m.family,
                    "organization": m.organization, "country": m.country,
                    "openness": m.openness, "in_registry": m.in_registry,
                    "claims": int(nc), "figures": int(nf)})
    return out


def get_model(engine: Engine, model_id: str) -> dict[str, Any] | None:
    """A model by canonical id, or by name case-insensitively."""
    with Session(engine) as s:
        m = s.get(Model, model_id)
        if m is None:
            m = s.execute(select(Model).where(or_(func.lower(Model.id) == model_id.lower(),
                                                  func.lower(Model.name) == model_id.lower()))
                          .order_by(Model.in_registry.desc(), Model.id).limit(1)).scalar()
        if m is None:
            return None
        return {"id": m.id, "name": m.name, "family": m.family, "organization": m.organization,
                "country": m.country, "openness": m.openness, "in_registry": m.in_registry}


def get_benchmark(engine: Engine, benchmark_id: str) -> dict[str, Any] | None:
    with Session(engine) as s:
        b = s.get(Benchmark, benchmark_id)
        if b is None:
            key = benchmark_id.lower()
            b = s.execute(select(Benchmark).where(or_(func.lower(Benchmark.id) == key,
                                                      func.lower(Benchmark.name) == key))
                          .order_by(Benchmark.in_registry.desc(), Benchmark.id)
                          .limit(1)).scalar()
        if b is None:
            return None
        return {"id": b.id, "name": b.name, "dimension": b.dimension,
                "in_registry": b.in_registry}


def list_benchmarks(engine: Engine, as_of: datetime | None = None) -> list[dict[str, Any]]:
    """Every benchmark with how many claims and figures name it."""
    claim_counts = (select(ClaimBenchmark.benchmark_id.label("bid"), func.count().label("n"))
                    .join(Claim, Claim.id == ClaimBenchmark.claim_id))
    if as_of is not None:
        claim_counts = claim_counts.where(Claim.ingested_at <= utc(as_of))
    cc = claim_counts.group_by(ClaimBenchmark.benchmark_id).subquery()
    fc = (select(FigureRow.benchmark_id.label("bid"), func.count().label("n"))
          .join(Document, Document.id == FigureRow.document_id)
          .where(FigureRow.benchmark_id.is_not(None), *_doc_visible(as_of))
          .group_by(FigureRow.benchmark_id).subquery())
    stmt = (select(Benchmark, func.coalesce(cc.c.n, 0), func.coalesce(fc.c.n, 0))
            .outerjoin(cc, cc.c.bid == Benchmark.id).outerjoin(fc, fc.c.bid == Benchmark.id))
    with Session(engine) as s:
        rows = s.execute(stmt.order_by(Benchmark.id)).all()
    return [{"id": b.id, "name": b.name, "dimension": b.dimension,
             "in_registry": b.in_registry, "claims": int(nc), "figures": int(nf)}
            for b, nc, nf in rows
            if as_of is None or b.in_registry or nc or nf]


# --- figures -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FigureFilter:
    model: str | None = None  # canonical id, family or name
    benchmark: str | None = None  # canonical id or name
    kind: str | None = None
    openness: str | None = None
    organization: str | None = None
    source: str | None = None
    since: datetime | None = None  # document published_at >= since
    until: datetime | None = None
    dimension: str | None = None  # via the figure's claim
    stance: str | None = None  # via the figure's claim
    as_of: datetime | None = None


def _figure_conditions(f: FigureFilter) -> list[Any]:
    cond: list[Any] = list(_doc_visible(f.as_of))
    if f.model or f.openness or f.organization:
        cond.append(select(Model.id).where(
            Model.id == FigureRow.model_id,
            *model_conditions(f.model, f.openness, f.organization)).exists())
    if f.benchmark:
        key = f.benchmark.lower()
        cond.append(FigureRow.benchmark_id.in_(
            select(Benchmark.id).where(or_(Benchmark.id == key,
                                           func.lower(Benchmark.name) == key))))
    if f.kind:
        cond.append(FigureRow.kind == f.kind)
    if f.source:
        cond.append(Document.source_id == select(Source.id).where(Source.name == f.source)
                    .scalar_subquery())
    if f.since:
        cond.append(and_(Document.published_at.is_not(None),
                         Document.published_at >= utc(f.since)))
    if f.until:
        cond.append(and_(Document.published_at.is_not(None),
                         Document.published_at < utc(f.until)))
    if f.dimension:
        cond.append(select(ClaimDimension.claim_id)
                    .where(ClaimDimension.claim_id == FigureRow.claim_id,
                           ClaimDimension.dimension == f.dimension).exists())
    if f.stance:
        cond.append(select(Claim.id).where(Claim.id == FigureRow.claim_id,
                                           Claim.stance == f.stance).exists())
    return cond


def _figure_select() -> Any:
    return (select(FigureRow, Document.url, Document.title, Document.site, Document.author,
                   Document.published_at, Document.ingested_at, Source.name)
            .join(Document, Document.id == FigureRow.document_id)
            .outerjoin(Source, Source.id == Document.source_id))


def _figure_out(row: Any) -> dict[str, Any]:
    fr, url, title, site, author, published, ingested, source = row
    d = figure_dict(fr)
    d.update({"url": url, "title": title, "site": site, "author": author, "source": source,
              "published_at": iso(published), "ingested_at": iso(ingested),
              "extractor_version": fr.extractor_version})
    return d


def list_figures(engine: Engine, f: FigureFilter, *, limit: int = 50,
                 before_id: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
    """Figures with their document's provenance, newest id first, with an id cursor."""
    stmt = _figure_select().where(*_figure_conditions(f))
    if before_id is not None:
        stmt = stmt.where(FigureRow.id < before_id)
    stmt = stmt.order_by(FigureRow.id.desc()).limit(limit + 1)
    with Session(engine) as s:
        rows = [_figure_out(r) for r in s.execute(stmt).all()]
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1]["id"]
    return rows, None


def figures_for(engine: Engine, model_id: str, benchmark_id: str | None = None,
                as_of: datetime | None = None, limit: int = 2000) -> list[dict[str, Any]]:
    """Every figure tied to exactly this model (and benchmark), oldest publication first."""
    stmt = _figure_select().where(FigureRow.model_id == model_id, *_doc_visible(as_of))
    if benchmark_id is not None:
        stmt = stmt.where(FigureRow.benchmark_id == benchmark_id)
    stmt = stmt.order_by(FigureRow.benchmark_id, FigureRow.id).limit(limit)
    with Session(engine) as s:
        return [_figure_out(r) for r in s.execute(stmt).all()]


def benchmark_peers(engine: Engine, benchmark_ids: Sequence[str], as_of: datetime | None = None,
                    kinds: Sequence[str] = ("score", "elo", "rank"),
                    ) -> list[dict[str, Any]]:
    """Per benchmark and model: how many figures, their median-ish summary and openness.

    Feeds the model page's open-versus-closed comparison.
    """
    if not benchmark_ids:
        return []
    stmt = (select(FigureRow.benchmark_id, FigureRow.model_id, FigureRow.unit, Model.name,
                   Model.openness, Model.organization, func.count(), func.min(FigureRow.value),
                   func.max(FigureRow.value), func.avg(FigureRow.value))
            .join(Model, Model.id == FigureRow.model_id)
            .join(Document, Document.id == FigureRow.document_id)
            .where(FigureRow.benchmark_id.in_(list(benchmark_ids)[:200]),
                   FigureRow.kind.in_(list(kinds)), *_doc_visible(as_of))
            .group_by(FigureRow.benchmark_id, FigureRow.model_id, FigureRow.unit, Model.name,
                      Model.openness, Model.organization)
            .order_by(FigureRow.benchmark_id, FigureRow.model_id))
    with Session(engine) as s:
        return [{"benchmark": b, "model": m, "unit": u, "name": name, "openness": op,
                 "organization": org, "figures": int(n), "min": lo, "max": hi, "mean": avg}
                for b, m, u, name, op, org, n, lo, hi, avg in s.execute(stmt).all()]


def figure_conflicts(engine: Engine, as_of: datetime | None = None, limit: int = 50,
                     min_spread: float = 0.0) -> list[dict[str, Any]]:
    """(model, benchmark, kind, unit) reported with different values, widest spread first.

    A score without a unit is taken as a percentage, so "84.2" and "84.2%" agree.
    """
    unit = func.coalesce(FigureRow.unit, "%").label("unit")
    spread = func.max(FigureRow.value) - func.min(FigureRow.value)
    stmt = (select(FigureRow.model_id, FigureRow.benchmark_id, FigureRow.kind, unit,
                   func.count(), func.count(func.distinct(FigureRow.document_id)),
                   func.min(FigureRow.value), func.max(FigureRow.value), spread)
            .join(Document, Document.id == FigureRow.document_id)
            .where(FigureRow.model_id.is_not(None), FigureRow.benchmark_id.is_not(None),
                   FigureRow.kind.in_(["score", "elo", "rank"]), *_doc_visible(as_of))
            .group_by(FigureRow.model_id, FigureRow.benchmark_id, FigureRow.kind, unit)
            .having(spread > min_spread)
            .order_by(spread.desc(), FigureRow.model_id, FigureRow.benchmark_id)
            .limit(limit))
    with Session(engine) as s:
        return [{"model": m, "benchmark": b, "kind": k, "unit": u, "figures": int(n),
                 "documents": int(nd), "min": lo, "max": hi, "spread": sp}
                for m, b, k, u, n, nd, lo, hi, sp in s.execute(stmt).all()]


# --- signals -------------------------------------------------------------------------

def period_start(day: date, bucket: str) -> date:
    """Weeks start on Monday (ISO)."""
    return day - timedelta(days=day.weekday()) if bucket == "week" else day


@dataclass(frozen=True, slots=True)
class SignalWindow:
    bucket: str  # week | day
    since: datetime  # inclusive
    until: datetime  # exclusive
    as_of: datetime | None
    dimension: str | None = None
    date_field: str = "published"  # published | ingested
    # count only claims whose stance the model gave at least this probability
    min_stance_confidence: float | None = None


def stance_counts(engine: Engine, w: SignalWindow) -> list[tuple[str, date, str, int, int]]:
    """(dimension, period start, stance, clusters, mentions) in the window.

    Clusters, not copies (storage.dedup.cluster_stance_counts has the rule); mentions
    are the live claims behind them, copies included.
    """
    return dedup.cluster_stance_counts(engine, w)


def latest_gap_lag(engine: Engine, w: SignalWindow, limit: int = 200) -> list[dict[str, Any]]:
    """The most recently published gap and lag figures (dated ones), with claim dimensions."""
    stmt = (_figure_select()
            .where(FigureRow.kind.in_(["gap", "lag"]), Document.published_at.is_not(None),
                   Document.published_at < utc(w.until), *_doc_visible(w.as_of)))
    if w.dimension:
        stmt = stmt.where(select(ClaimDimension.claim_id)
                          .where(ClaimDimension.claim_id == FigureRow.claim_id,
                                 ClaimDimension.dimension == w.dimension).exists())
    stmt = stmt.order_by(Document.published_at.desc(), FigureRow.id.desc()).limit(limit)
    with Session(engine) as s:
        out = [_figure_out(r) for r in s.execute(stmt).all()]
        dims = _links(s, ClaimDimension.claim_id, ClaimDimension.dimension,
                      [f["claim_id"] for f in out])
    for f in out:
        f["dimensions"] = dims.get(f["claim_id"], []) if f["claim_id"] else []
    return out


def latest_forecasts(engine: Engine, as_of: datetime | None = None, limit: int = 20,
                     until: datetime | None = None) -> list[dict[str, Any]]:
    """The forecasts recorded, latest ingested first.

    The page is picked from `forecast` alone, then joined to its documents: joined first,
    PostgreSQL would look up the document of every forecast before sorting.
    """
    top = select(ForecastRow.id)
    if as_of is not None:
        top = top.where(ForecastRow.ingested_at <= utc(as_of))
    if until is not None:
        top = top.where(or_(ForecastRow.published_at.is_(None),
                            ForecastRow.published_at < utc(until)))
    page = (top.order_by(ForecastRow.ingested_at.desc(), ForecastRow.id.desc())
            .limit(limit).subquery())
    order = (ForecastRow.ingested_at.desc(), ForecastRow.id.desc())
    stmt = (select(ForecastRow, Document.url, Document.title)
            .join(page, page.c.id == ForecastRow.id)
            .join(Document, Document.id == ForecastRow.document_id).order_by(*order))
    with Session(engine) as s:
        return [_forecast_dict(f, url, title) for f, url, title in s.execute(stmt).all()]


@dataclass(frozen=True, slots=True)
class ForecastFilter:
    issuer: str | None = None
    source: str | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    as_of: datetime | None = None


def iter_forecasts(engine: Engine, f: ForecastFilter, page: int = 1000):  # type: ignore[no-untyped-def]
    """Every matching forecast, oldest id first, paged so memory stays flat (exports)."""
    cond: list[Any] = []
    if f.issuer:
        cond.append(func.lower(ForecastRow.issuer) == f.issuer.lower())
    if f.source:
        cond.append(Document.source_id == select(Source.id).where(Source.name == f.source)
                    .scalar_subquery())
    if f.text:
        cond.append(ForecastRow.sentence.ilike(f"%{f.text}%"))
    if f.since:
        cond.append(and_(ForecastRow.published_at.is_not(None),
                         ForecastRow.published_at >= utc(f.since)))
    if f.until:
        cond.append(and_(ForecastRow.published_at.is_not(None),
                         ForecastRow.published_at < utc(f.until)))
    if f.as_of:
        cond.append(ForecastRow.ingested_at <= utc(f.as_of))
    after = 0
    while True:
        stmt = (select(ForecastRow, Document.url, Document.title)
                .join(Document, Document.id == ForecastRow.document_id)
                .where(ForecastRow.id > after, *cond).order_by(ForecastRow.id).limit(page))
        with Session(engine) as s:
            rows = s.execute(stmt).all()
        yield from (_forecast_dict(fr, url, title) for fr, url, title in rows)
        if len(rows) < page:
            return
        after = rows[-1][0].id


def iter_figures(engine: Engine, f: FigureFilter, page: int = 1000):  # type: ignore[no-untyped-def]
    """Every matching figure with provenance, oldest id first (exports)."""
    after = 0
    while True:
        stmt = (_figure_select().where(FigureRow.id > after, *_figure_conditions(f))
                .order_by(FigureRow.id).limit(page))
        with Session(engine) as s:
            rows = [_figure_out(r) for r in s.execute(stmt).all()]
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1]["id"]


def undated_claims(engine: Engine, as_of: datetime | None = None) -> int:
    """How many claims have no publication date (they sit in no time bucket)."""
    stmt = select(func.count()).select_from(Claim).where(Claim.published_at.is_(None))
    if as_of is not None:
        stmt = stmt.where(Claim.ingested_at <= utc(as_of))
    with Session(engine) as s:
        return int(s.execute(stmt).scalar() or 0)


def source_names(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return [n for (n,) in s.execute(select(Source.name).order_by(Source.name)).all()]


def latest_ingested_at(engine: Engine) -> datetime | None:
    with Session(engine) as s:
        return aware(s.execute(select(func.max(Claim.ingested_at))).scalar())
