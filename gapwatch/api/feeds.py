"""Claim feeds for forecasting tools: JSON Feed 1.1 and Atom, newest first, paged.

Entry ids are permanent (tag:gapwatch,2026:claim/<id>) so a reader that polls
never sees a claim twice under different ids; `as_of` keeps backtests honest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from gapwatch.api import service
from gapwatch.api.params import FeedQuery, decode_cursor, encode_cursor
from gapwatch.api.routes import EngineDep
from storage import analytics
from storage.queries import ClaimRow

router = APIRouter(tags=["feeds"])
ATOM_NS = "http://www.w3.org/2005/Atom"
TAG = "tag:gapwatch,2026:"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def claim_tag(claim_id: int) -> str:
    return f"{TAG}claim/{claim_id}"


def _clean(text: str | None) -> str:
    """XML 1.0 cannot carry most control characters, even escaped."""
    return _XML_BAD.sub("", text or "")


def _title(row: ClaimRow) -> str:
    head = f"[{row.stance}] " + (", ".join(row.dimensions) or "claim")
    text = " ".join(row.text.split())
    return f"{head}: {text[:110]}{'…' if len(text) > 110 else ''}"


def _page(request: Request, engine: Any, params: FeedQuery) -> tuple[list[ClaimRow], str | None]:
    rows, last = analytics.claims_page(engine, params.claim_filter(), limit=params.limit,
                                       before_id=decode_cursor(params.cursor))
    nxt = (str(request.url.include_query_params(cursor=encode_cursor(last)))
           if last is not None else None)
    return rows, nxt


def _feed_key(request: Request) -> str:
    """A stable feed id per filter set (paging parameters excluded)."""
    items = sorted((k, v) for k, v in request.query_params.multi_items()
                   if k not in ("cursor", "limit"))
    return "&".join(f"{k}={v}" for k, v in items)


@router.get("/feed.json", response_class=JSONResponse,
            responses={200: {"content": {"application/feed+json": {}}}})
def feed_json(request: Request, engine: EngineDep,
              params: Annotated[FeedQuery, Query()]) -> JSONResponse:
    """JSON Feed 1.1 of claims, newest first; `next_url` pages back in time."""
    rows, nxt = _page(request, engine, params)
    base = str(request.base_url).rstrip("/")
    items = []
    for r in rows:
        item: dict[str, Any] = {
            "id": claim_tag(r.id),
            "url": f"{base}/documents/{r.document_id}#c{r.id}",
            "external_url": r.url,
            "title": _title(r),
            "content_text": r.text,
            "tags": [*r.dimensions, r.stance],
            "_gapwatch": {"claim_id": r.id, "stance": r.stance,
                          "stance_confidence": r.stance_confidence, "hedged": r.hedged,
                          "dimensions": list(r.dimensions), "models": list(r.models),
                          "benchmarks": list(r.benchmarks), "speaker": r.speaker,
                          "source": r.source, "document_title": r.title,
                          "ingested_at": r.ingested_at.isoformat() if r.ingested_at else None,
                          "start": r.start, "end": r.end,
                          "extractor_version": r.extractor_version,
                          "figures": list(r.figures)},
        }
        if r.published_at:
            item["date_published"] = r.published_at.isoformat()
        if r.speaker:
            item["authors"] = [{"name": r.speaker}]
        items.append(item)
    body: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "gapwatch: claims about the open-weight vs closed model gap",
        "home_page_url": f"{base}/",
        "feed_url": str(request.url),
        "description": "Claims as they are ingested, newest first"
                       + (f"; as of {params.as_of.isoformat()}" if params.as_of else ""),
        "language": "en",
        "items": items,
    }
    if nxt:
        body["next_url"] = nxt
    return JSONResponse(body, media_type="application/feed+json")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _clean(text)
    return el


@router.get("/feed.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
def feed_atom(request: Request, engine: EngineDep,
              params: Annotated[FeedQuery, Query()]) -> Response:
    """Atom feed of claims with permanent entry ids and a rel="next" link."""
    rows, nxt = _page(request, engine, params)
    base = str(request.base_url).rstrip("/")
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    key = _feed_key(request)
    _sub(feed, "id", f"{TAG}feed/claims" + (f"?{key}" if key else ""))
    _sub(feed, "title", "gapwatch: claims about the open-weight vs closed model gap")
    newest = max((r.ingested_at for r in rows if r.ingested_at), default=None)
    updated = newest or params.as_of or service.now()
    _sub(feed, "updated", updated.isoformat())
    author = _sub(feed, "author")
    _sub(author, "name", "gapwatch")
    _sub(feed, "link", rel="self", href=str(request.url), type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{base}/", type="text/html")
    if nxt:
        _sub(feed, "link", rel="next", href=nxt, type="application/atom+xml")
    _sub(feed, "generator", "gapwatch")
    for r in rows:
        entry = _sub(feed, "entry")
        _sub(entry, "id", claim_tag(r.id))
        _sub(entry, "title", _title(r))
        _sub(entry, "updated", (r.ingested_at or updated).isoformat())
        if r.published_at:
            _sub(entry, "published", r.published_at.isoformat())
        _sub(entry, "link", rel="alternate", type="text/html",
             href=f"{base}/documents/{r.document_id}#c{r.id}")
        _sub(entry, "link", rel="related", href=r.url)
        if r.speaker:
            _sub(_sub(entry, "author"), "name", r.speaker)
        for dim in r.dimensions:
            _sub(entry, "category", term=dim, scheme=f"{TAG}dimension")
        _sub(entry, "category", term=r.stance, scheme=f"{TAG}stance")
        _sub(entry, "content", r.text, type="text")
        if r.title or r.source:
            src = _sub(entry, "source")
            _sub(src, "id", r.url)
            _sub(src, "title", r.title or r.source or r.url)
            _sub(src, "updated", (r.published_at or r.ingested_at or updated).isoformat())
    xml = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
