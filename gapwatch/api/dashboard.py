"""The dashboard: server-rendered HTML (Jinja2, autoescaped) with inline SVG charts.

No build step and nothing loaded from the network: the page works offline. The
only script (static/app.js) adds tooltips and "load more" and writes data with
textContent, never as HTML.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import Field

from gapwatch.api import charts, first_party, service
from gapwatch.api.params import ClaimQuery, decode_cursor, encode_cursor
from gapwatch.api.routes import EngineDep
from models.taxonomy import DIMENSIONS, OPENNESS, STANCES
from storage import analytics
from storage.analytics import DocumentView

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).resolve().parent / "templates"
env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _short(ts: str | datetime | None) -> str:
    if not ts:
        return "undated"
    text = ts.isoformat() if isinstance(ts, datetime) else str(ts)
    return text[:10]


env.filters["day"] = _short
env.filters["num"] = lambda v: "" if v is None else f"{v:g}"
env.filters["signed"] = lambda v: "n/a" if v is None else f"{v:+.2f}"


def render(name: str, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**ctx))


class DashboardQuery(ClaimQuery):
    bucket: Literal["week", "day"] = "week"
    periods: int = Field(default=26, ge=1, le=104)
    limit: int = Field(default=30, ge=1, le=200)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, engine: EngineDep,
          params: Annotated[DashboardQuery, Query()]) -> HTMLResponse:
    w = service.signal_window(bucket=params.bucket, since=None, until=None,
                              periods=params.periods, as_of=params.as_of, dimension=None,
                              date_field="published",
                              min_stance_confidence=params.min_stance_confidence)
    sig = service.signals(engine, w, forecasts=8)
    rows, last = analytics.claims_page(engine, params.claim_filter(), limit=params.limit,
                                       before_id=decode_cursor(params.cursor))
    api_query = {k: v for k, v in request.query_params.items()
                 if k not in ("bucket", "periods", "cursor")}
    return render(
        "index.html", sig=sig, smalls=charts.stance_over_time(sig["dimensions"]),
        heat=charts.heatmap(sig["dimensions"]), claims=[r.to_dict() for r in rows],
        next_cursor=encode_cursor(last) if last is not None else "",
        api_query=api_query, q=params, dimensions=DIMENSIONS, stances=STANCES,
        opennesses=OPENNESS, sources=analytics.source_names(engine),
        conflicts=analytics.figure_conflicts(engine, params.as_of, limit=25),
        models=sorted(analytics.list_models(engine, params.as_of),
                      key=lambda m: (-m["claims"] - m["figures"], m["id"]))[:30],
        undated=analytics.undated_claims(engine, params.as_of),
        as_of=params.as_of.isoformat() if params.as_of else "")


def render_document(request: Request, view: DocumentView,
                    as_of: datetime | None) -> HTMLResponse:
    segs = charts.highlight_segments(view.document["text"], view.claims)
    return render("document.html", doc=view.document, segments=segs, claims=view.claims,
                  figures=view.figures, forecasts=view.forecasts,
                  as_of=as_of.isoformat() if as_of else "")


def render_model(request: Request, model: dict[str, Any], figures: list[dict[str, Any]],
                 peers: list[dict[str, Any]]) -> HTMLResponse:
    by_bench: dict[str, list[dict[str, Any]]] = {}
    for f in figures:
        f = {**f, "party": first_party.classify(model.get("organization"), url=f["url"],
                                                site=f["site"], author=f["author"],
                                                title=f["title"])}
        by_bench.setdefault(f["benchmark"] or "(no benchmark)", []).append(f)
    sections = []
    for bench, figs in sorted(by_bench.items()):
        mine = [p for p in peers if p["benchmark"] == bench]
        sections.append({"benchmark": bench, "figures": figs,
                         "strip": charts.peer_strip(mine, model["id"]),
                         "open": [p for p in mine if p["openness"] == "open"],
                         "closed": [p for p in mine if p["openness"] == "closed"],
                         "other": [p for p in mine if p["openness"] not in ("open", "closed")]})
    return render("model.html", model=model, sections=sections)
