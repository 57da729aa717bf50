"""arXiv API Atom responses -> Paper values; arXiv HTML full text -> plain text.

The arXiv API answers errors with HTTP 200 and a single entry titled "Error";
we surface that as PaperParseError so a bad query never looks like "no papers".
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import feedparser

from extractors.articles import parse_article
from extractors.errors import InvalidURLError, PaperParseError
from extractors.text import collapse_ws, parse_datetime, struct_to_utc
from extractors.urls import arxiv_abs_url, arxiv_html_url, split_arxiv_id
from models.documents import Paper


def _exc_text(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    return f"{exc.__class__.__name__}: {exc}"


def _when(entry: Mapping[str, Any], name: str) -> datetime | None:
    return struct_to_utc(entry.get(f"{name}_parsed")) or parse_datetime(entry.get(name))


def _https_arxiv(href: str | None) -> str | None:
    """arXiv still writes http:// links; upgrade arxiv.org ones, leave others alone."""
    if not href:
        return None
    parts = urlsplit(href.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and (host == "arxiv.org" or host.endswith(".arxiv.org")):
        return urlunsplit(("https", parts.netloc, parts.path, parts.query, parts.fragment))
    return href.strip()


def _id_and_version(entry: Mapping[str, Any]) -> tuple[str, int | None]:
    """From the entry id (".../abs/2609.01234v2"); the version may also sit on the links."""
    raw_id = str(entry.get("id") or "")
    try:
        arxiv_id, version = split_arxiv_id(raw_id)
    except InvalidURLError as exc:
        raise PaperParseError(f"entry id is not an arXiv identifier: {raw_id!r}") from exc
    if version is None:
        for link in entry.get("links") or ():
            try:
                link_id, link_version = split_arxiv_id(str(link.get("href") or ""))
            except InvalidURLError:
                continue
            if link_id == arxiv_id and link_version is not None:
                version = link_version
                break
    return arxiv_id, version


def _paper(entry: Mapping[str, Any]) -> Paper:
    arxiv_id, version = _id_and_version(entry)
    title = collapse_ws(str(entry.get("title") or ""))
    if not title:
        raise PaperParseError(f"arXiv entry {arxiv_id} has no title")
    authors = tuple(
        collapse_ws(str(a.get("name")))
        for a in entry.get("authors") or ()
        if a.get("name") and collapse_ws(str(a.get("name")))
    )
    categories = tuple(
        dict.fromkeys(str(t.get("term")).strip() for t in entry.get("tags") or () if t.get("term"))
    )
    primary = entry.get("arxiv_primary_category") or {}
    primary_term = str(primary.get("term") or "").strip() or None
    if primary_term and primary_term not in categories:
        categories = (primary_term, *categories)
    pdf_url = None
    for link in entry.get("links") or ():
        if str(link.get("title") or "").lower() == "pdf" and link.get("href"):
            pdf_url = _https_arxiv(str(link["href"]))
            break
    return Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        abstract=collapse_ws(str(entry.get("summary") or "")),
        authors=authors,
        categories=categories,
        primary_category=primary_term,
        published_at=_when(entry, "published"),
        updated_at=_when(entry, "updated"),
        abs_url=arxiv_abs_url(arxiv_id),
        pdf_url=pdf_url,
        html_url=arxiv_html_url(arxiv_id, version),
    )


def _is_error_entry(entry: Mapping[str, Any]) -> bool:
    title = collapse_ws(str(entry.get("title") or "")).lower()
    return title == "error" or "/api/errors" in str(entry.get("id") or "")


def parse_arxiv(data: bytes) -> tuple[Paper, ...]:
    """Papers in an arXiv API (export.arxiv.org/api/query) Atom response, in feed order.

    Raises PaperParseError for an API error entry (with arXiv's message), for
    input that is not Atom, and for entries whose id is not an arXiv id. An
    Atom response with no entries is a valid empty result.
    """
    if not isinstance(data, bytes | bytearray):
        raise PaperParseError(f"expected bytes, got {type(data).__name__}")
    if not data.strip():
        raise PaperParseError("empty arXiv response")
    try:
        result = feedparser.parse(
            io.BytesIO(bytes(data)), response_headers={"content-type": "application/atom+xml"}
        )
    except Exception as exc:  # feedparser should not raise, but never let it escape
        raise PaperParseError(f"feedparser failed: {_exc_text(exc)}") from exc

    version = str(result.get("version") or "")
    entries = result.get("entries") or []
    if not version.startswith("atom"):
        why = _exc_text(result.get("bozo_exception")) if result.get("bozo") else version
        raise PaperParseError(f"not an arXiv Atom response ({why or 'no Atom feed element'})")
    if result.get("bozo") and not entries:
        raise PaperParseError(
            f"malformed arXiv response: {_exc_text(result.get('bozo_exception'))}"
        )
    for entry in entries:
        if _is_error_entry(entry):
            message = collapse_ws(str(entry.get("summary") or "")) or "unspecified error"
            raise PaperParseError(f"arXiv API error: {message}")
    try:
        return tuple(_paper(e) for e in entries)
    except (AttributeError, TypeError, ValueError) as exc:
        raise PaperParseError(f"unexpected arXiv entry structure: {_exc_text(exc)}") from exc


def paper_html_text(data: bytes, url: str) -> str:
    """Plain text of an arXiv HTML full-text page (tables as "cell | cell" rows).

    Raises the article parser's errors (NotHTMLError, ArticleParseError).
    """
    return parse_article(data, url, content_type="text/html").text
