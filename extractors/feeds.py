"""RSS / Atom / RDF bytes -> ParsedFeed, via feedparser on bytes only.

feedparser is lenient: it reports problems through `bozo` instead of raising.
We turn "nothing usable came out" into FeedParseError and "entries survived
a problem" into ParsedFeed.warning, so the caller can tell a broken feed from
a quiet one.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from extractors.errors import FeedParseError
from extractors.text import collapse_ws, html_to_text, parse_datetime, struct_to_utc
from models.documents import FeedEntry, ParsedFeed

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_DATE_FIELDS = ("published", "updated", "created")


def _exc_text(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"


def _detail_text(value: str | None, detail: Mapping[str, Any] | None) -> str | None:
    """Plain text of a feedparser text construct, whatever type it was declared."""
    if not value:
        return None
    ctype = str((detail or {}).get("type") or "text/html").lower()
    text = html_to_text(value) if ctype in _HTML_TYPES or "html" in ctype else value
    text = "\n".join(collapse_ws(line) for line in text.splitlines())
    text = "\n".join(line for line in text.splitlines() if line)
    return text or None


def _title(entry: Mapping[str, Any]) -> str | None:
    text = _detail_text(entry.get("title"), entry.get("title_detail"))
    return collapse_ws(text) if text else None


def _content(entry: Mapping[str, Any]) -> str | None:
    """The longest of the entry's content blocks, as plain text."""
    best: str | None = None
    for block in entry.get("content") or ():
        text = _detail_text(block.get("value"), block)
        if text and (best is None or len(text) > len(best)):
            best = text
    return best


def _link(entry: Mapping[str, Any], base: str | None) -> str | None:
    href = entry.get("link")
    if not href:
        for link in entry.get("links") or ():
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link["href"]
                break
    if not href:
        return None
    href = str(href).strip()
    return urljoin(base, href) if base else href


def _date(entry: Mapping[str, Any]) -> tuple[datetime | None, str | None]:
    """First of published/updated/created that the feed gave, as (UTC datetime, raw)."""
    for name in _DATE_FIELDS:
        raw = entry.get(name)
        if not raw:
            continue
        parsed = struct_to_utc(entry.get(f"{name}_parsed")) or parse_datetime(str(raw))
        return parsed, str(raw)
    return None, None


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for author in entry.get("authors") or ():
        name = author.get("name") or author.get("email")
        if name:
            names.append(collapse_ws(str(name)))
    if not names and entry.get("author"):
        names.append(collapse_ws(str(entry["author"])))
    return tuple(dict.fromkeys(n for n in names if n))


def _tags(entry: Mapping[str, Any]) -> tuple[str, ...]:
    tags = entry.get("tags") or ()
    terms = (collapse_ws(str(t.get("term") or t.get("label") or "")) for t in tags)
    return tuple(dict.fromkeys(t for t in terms if t))


def _entry_id(
    entry: Mapping[str, Any], link: str | None, title: str | None, raw: str | None
) -> str:
    """guid, else link, else a hash of title and raw date: stable across re-polls."""
    guid = str(entry.get("id") or "").strip()
    if guid:
        return guid
    if link:
        return link
    digest = hashlib.sha1(f"{title or ''}|{raw or ''}".encode()).hexdigest()
    return f"sha1:{digest}"


def _entry(entry: Mapping[str, Any], base: str | None) -> FeedEntry:
    link = _link(entry, base)
    title = _title(entry)
    published_at, published_raw = _date(entry)
    return FeedEntry(
        entry_id=_entry_id(entry, link, title, published_raw),
        link=link,
        title=title,
        summary=_detail_text(entry.get("summary"), entry.get("summary_detail")),
        content=_content(entry),
        published_at=published_at,
        published_raw=published_raw,
        authors=_authors(entry),
        tags=_tags(entry),
    )


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def parse_feed(data: bytes, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse fetched feed bytes; url (the feed's own URL) resolves relative links.

    Raises FeedParseError when the bytes are not a feed at all (an HTML page,
    empty or truncated XML with no entries). A feed with problems but usable
    entries comes back with `warning` set to feedparser's complaint.
    """
    if not isinstance(data, bytes | bytearray):
        raise FeedParseError(f"expected bytes, got {type(data).__name__}")
    if not data.strip():
        raise FeedParseError("not a feed: empty document")
    if _ENTITY_DECL.search(bytes(data[:65536])):
        # No real feed needs a DTD; entity declarations are how billion-laughs and
        # external-entity (XXE) attacks start, so such feeds are refused outright.
        raise FeedParseError("refused: the feed declares XML entities in a DTD")
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    if url:
        headers["content-location"] = url
    try:
        # BytesIO, never the raw bytes: feedparser treats a bare string as a
        # possible file name or URL and would open it.
        result = feedparser.parse(io.BytesIO(bytes(data)), response_headers=headers)
    except Exception as exc:  # feedparser should not raise, but never let it escape
        raise FeedParseError(f"feedparser failed: {_exc_text(exc)}") from exc

    entries_raw = result.get("entries") or []
    feed_meta = result.get("feed") or {}
    version = result.get("version") or ""
    bozo = bool(result.get("bozo"))
    exc = result.get("bozo_exception") if bozo else None

    if not entries_raw and (bozo or not version):
        why = _exc_text(exc) if bozo else "no RSS/Atom/RDF root element"
        kind = "malformed feed" if version else "not a feed"
        raise FeedParseError(f"{kind}: {why}")

    warning: str | None = None
    if bozo:
        # feedparser flags a missing Content-Type header; that is ours to give, not a feed fault
        missing_ct = isinstance(exc, feedparser.NonXMLContentType) and not content_type
        if not missing_ct:
            warning = _exc_text(exc)

    try:
        entries = tuple(_entry(e, url) for e in entries_raw)
    except (AttributeError, TypeError, ValueError) as err:
        raise FeedParseError(f"unexpected entry structure: {_exc_text(err)}") from err

    title = _detail_text(feed_meta.get("title"), feed_meta.get("title_detail"))
    link = feed_meta.get("link")
    if link and url:
        link = urljoin(url, link)
    return ParsedFeed(
        title=collapse_ws(title) if title else None,
        link=link or None,
        entries=entries,
        warning=warning,
    )
