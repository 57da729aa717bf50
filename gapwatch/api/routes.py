"""The JSON API: claims, documents, registry, figures, signals (all read-only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine

from gapwatch.api import service
from gapwatch.api.params import (
    AsOf,
    ClaimQuery,
    CompareQuery,
    FigureQuery,
    ModelsQuery,
    SignalQuery,
    ViewQuery,
    decode_cursor,
    encode_cursor,
)
from gapwatch.api.schemas import ClaimOut, ClaimPage, DocumentOut, Listing, Page
from storage import analytics
from storage.queries import ClaimRow

router = APIRouter()


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(get_engine)]
ClaimId = Annotated[int, Path(ge=1, le=2**62)]
DocId = Annotated[int, Path(ge=1, le=2**62)]


def _iso(ts: Any) -> str | None:
    return ts.isoformat() if ts else None


def claim_out(row: ClaimRow) -> dict[str, Any]:
    d = row.to_dict()
    d["context_url"] = f"/documents/{row.document_id}#c{row.id}"
    return d


def wants_html(request: Request, fmt: str | None) -> bool:
    """Browsers (Accept: text/html) get the dashboard page; API clients get JSON."""
    if fmt:
        return fmt == "html"
    return "text/html" in request.headers.get("accept", "")


@router.get("/claims", response_model=ClaimPage, tags=["claims"])
def claims(request: Request, engine: EngineDep,
           params: Annotated[ClaimQuery, Query()]) -> dict[str, Any]:
    """Claims matching the filters, newest first, with an opaque cursor to the next page.

    Paging is by claim id, so every claim present when paging started is returned
    exactly once even while new claims are being ingested.
    """
    rows, last = analytics.claims_page(engine, params.claim_filter(), limit=params.limit,
                                       before_id=decode_cursor(params.cursor))
    cursor = encode_cursor(last) if last is not None else None
    return {"as_of": _iso(params.as_of), "generated_at": service.now().isoformat(),
            "limit": params.limit, "items": [claim_out(r) for r in rows],
            "next_cursor": cursor,
            "next_url": str(request.url.include_query_params(cursor=cursor)) if cursor else None}


@router.get("/claims/{claim_id}", response_model=ClaimOut, tags=["claims"])
def claim(claim_id: ClaimId, engine: EngineDep,
          params: Annotated[AsOf, Query()]) -> dict[str, Any]:
    row = analytics.get_claim(engine, claim_id, params.as_of)
    if row is None:
        raise HTTPException(status_code=404, detail="no such claim (as of that time)")
    return claim_out(row)


@router.get("/documents/{document_id}", response_model=DocumentOut, tags=["documents"],
            responses={200: {"content": {"text/html": {}}}})
def document(request: Request, document_id: DocId, engine: EngineDep,
             params: Annotated[ViewQuery, Query()]) -> Any:
    """A document with its text and extracted claims (offsets into the text).

    Browsers get the dashboard view that highlights each claim (`#c<claim id>`).
    """
    view = analytics.get_document(engine, document_id, params.as_of)
    if view is None:
        raise HTTPException(status_code=404, detail="no such document (as of that time)")
    if wants_html(request, params.format):
        from gapwatch.api.dashboard import render_document

        return _vary(render_document(request, view, params.as_of))
    return _vary(JSONResponse({"as_of": _iso(params.as_of), "document": view.document,
                               "claims": view.claims, "figures": view.figures,
                               "forecasts": view.forecasts}))


def _vary(resp: Response) -> Response:
    resp.headers["Vary"] = "Accept"
    return resp


@router.get("/models", response_model=Listing, tags=["registry"])
def models(engine: EngineDep, params: Annotated[ModelsQuery, Query()]) -> dict[str, Any]:
    """The model registry (and models first seen in text) with openness and counts."""
    return {"as_of": _iso(params.as_of), "generated_at": service.now().isoformat(),
            "items": analytics.list_models(engine, params.as_of, params.openness)}


@router.get("/models/{model_id}", tags=["registry"],
            responses={200: {"content": {"text/html": {}}}})
def model(request: Request, engine: EngineDep, params: Annotated[ViewQuery, Query()],
          model_id: Annotated[str, Path(min_length=1, max_length=120)]) -> Any:
    """One model: its figures per benchmark and its open and closed peers there."""
    m = analytics.get_model(engine, model_id)
    if m is None:
        raise HTTPException(status_code=404, detail="no such model")
    figs = analytics.figures_for(engine, m["id"], as_of=params.as_of)
    peers = analytics.benchmark_peers(engine, sorted({f["benchmark"] for f in figs
                                                      if f["benchmark"]}), params.as_of)
    if wants_html(request, params.format):
        from gapwatch.api.dashboard import render_model

        return _vary(render_model(request, m, figs, peers))
    return _vary(JSONResponse({"as_of": _iso(params.as_of), "model": m, "figures": figs,
                               "peers": peers}))


@router.get("/benchmarks", response_model=Listing, tags=["registry"])
def benchmarks(engine: EngineDep, params: Annotated[AsOf, Query()]) -> dict[str, Any]:
    return {"as_of": _iso(params.as_of), "generated_at": service.now().isoformat(),
            "items": analytics.list_benchmarks(engine, params.as_of)}


@router.get("/figures", response_model=Page, tags=["figures"])
def figures(request: Request, engine: EngineDep,
            params: Annotated[FigureQuery, Query()]) -> dict[str, Any]:
    """Reported numbers with their document's provenance, newest first."""
    rows, last = analytics.list_figures(engine, params.figure_filter(), limit=params.limit,
                                        before_id=decode_cursor(params.cursor))
    cursor = encode_cursor(last) if last is not None else None
    return {"as_of": _iso(params.as_of), "generated_at": service.now().isoformat(),
            "items": rows, "next_cursor": cursor,
            "next_url": str(request.url.include_query_params(cursor=cursor)) if cursor else None}


@router.get("/figures/compare", tags=["figures"])
def figures_compare(engine: EngineDep,
                    params: Annotated[CompareQuery, Query()]) -> dict[str, Any]:
    """Every value reported for a model on a benchmark, marked first- or third-party.

    First party: the model's own organization published it (rule in
    gapwatch/api/first_party.py). The summary gives the spread per unit and the
    sources whose value sits away from the median.
    """
    m = analytics.get_model(engine, params.model)
    if m is None:
        raise HTTPException(status_code=404, detail="no such model")
    b = analytics.get_benchmark(engine, params.benchmark)
    if b is None:
        raise HTTPException(status_code=404, detail="no such benchmark")
    return service.compare(engine, m, b, params.as_of)


@router.get("/figures/conflicts", response_model=Listing, tags=["figures"])
def figures_conflicts(engine: EngineDep, params: Annotated[AsOf, Query()]) -> dict[str, Any]:
    """Model/benchmark pairs reported with different values, widest spread first."""
    return {"as_of": _iso(params.as_of), "generated_at": service.now().isoformat(),
            "items": analytics.figure_conflicts(engine, params.as_of)}


@router.get("/signals", tags=["signals"])
def signals(engine: EngineDep, params: Annotated[SignalQuery, Query()]) -> dict[str, Any]:
    """The state of the debate in one call.

    Per dimension and week (or day): claims by stance, the net stance score
    (convergence - divergence) / total, the latest gap and lag figures, and the
    latest forecasts. Claims without a publication date sit in no bucket.
    """
    w = service.signal_window(bucket=params.bucket, since=params.since, until=params.until,
                              periods=params.periods, as_of=params.as_of,
                              dimension=params.dimension, date_field=params.date_field,
                              min_stance_confidence=params.min_stance_confidence)
    out = service.signals(engine, w, forecasts=params.forecasts)
    out["generated_at"] = service.now().isoformat()
    return out

