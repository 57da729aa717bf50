"""Content-type policy: is this response the kind of document the caller asked for?

Servers mislabel constantly (feeds as text/html or text/plain, pages with no type at
all), so the declared type is trusted when it says what we want, and the first bytes
decide when it is vague. Binary magic numbers always win over the label.
"""

from __future__ import annotations

import re

__all__ = [
    "ACCEPT_HEADERS",
    "binary_kind",
    "content_problem",
    "header_problem",
    "looks_like_feed",
    "looks_like_html",
    "parse_content_type",
]

ACCEPT_HEADERS: dict[str, str] = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": (
        "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
        "application/xml;q=0.9,text/xml;q=0.8,application/feed+json;q=0.7,*/*;q=0.1"
    ),
    "any": "*/*",
}

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
    }
)
# Labels vague or wrong often enough that the body gets the final say for feeds.
FEED_SNIFFABLE = frozenset({"text/html", "text/plain", "application/octet-stream"})

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x00\x00\x01\x00", "icon image"),
)

_PROLOG = re.compile(r"<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>|\s+", re.S)
_FIRST_TAG = re.compile(r"<([a-z][\w:.-]*)")


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(media type lowercased without parameters, charset lowercased) from a header."""
    if not value:
        return None, None
    media, *params = value.split(";")
    media = media.strip().lower() or None
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").strip().lower() or None
    return media, charset


def binary_kind(body: bytes) -> str | None:
    """Name of the binary format the body starts with, if it is an obvious one."""
    for magic, name in _MAGIC:
        if body.startswith(magic):
            return name
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "WebP image"
    return None


def _head(body: bytes, size: int = 2048) -> str:
    """The start of the body as lowercase text, BOM and leading whitespace removed."""
    chunk = body[: size * 2]
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = chunk.decode("utf-16", errors="ignore")
    else:
        text = chunk.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    return text.lstrip("\ufeff \t\r\n\f\v\x00").lower()[:size]


def _root_element(head: str) -> str | None:
    pos = 0
    while True:
        match = _PROLOG.match(head, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
    tag = _FIRST_TAG.match(head, pos)
    return tag.group(1) if tag else None


def looks_like_html(body: bytes) -> bool:
    """True if the body starts like an HTML document."""
    head = _head(body)
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<meta", "<title")):
        return True
    return _root_element(head) == "html"


def looks_like_feed(body: bytes) -> bool:
    """True if the body starts like RSS/Atom/RDF (or a JSON Feed)."""
    head = _head(body)
    if head.startswith(("<rss", "<feed", "<rdf")):
        return True
    if head.startswith("{") and "jsonfeed.org/version" in head:
        return True
    if head.startswith("<?xml"):
        # An XML prolog is enough unless the root is visibly an XHTML page.
        return _root_element(head) != "html"
    return False


def _is_feed_type(media: str) -> bool:
    return media in FEED_TYPES or media.endswith("+xml") or media.endswith("/xml")


def header_problem(expect: str, media: str | None) -> str | None:
    """Why the declared type alone rules the response out (so the body is not downloaded)."""
    if media is None or expect == "any":
        return None
    if expect == "html" and media not in HTML_TYPES:
        return f"expected HTML, got {media}"
    if (
        expect == "feed"
        and not _is_feed_type(media)
        and media not in FEED_SNIFFABLE
        and media != "application/json"
    ):
        return f"expected a feed, got {media}"
    return None


def content_problem(expect: str, media: str | None, body: bytes) -> str | None:
    """Why this (non-empty) body is not what ``expect`` asks for, or None if it is fine."""
    if expect == "any":
        return None
    label = media or "no content type"
    binary = binary_kind(body)
    if expect == "html":
        if binary is not None:
            return f"expected HTML, got {binary} data labelled {label}"
        if media is None:
            if looks_like_html(body):
                return None
            return "expected HTML, got an unlabelled body that does not look like HTML"
        return None if media in HTML_TYPES else f"expected HTML, got {media}"
    if expect == "feed":
        if binary is not None:
            return f"expected a feed, got {binary} data labelled {label}"
        if media is not None and _is_feed_type(media):
            return None
        if looks_like_feed(body):
            return None
        return f"expected a feed, got {label} that does not look like a feed"
    return f"unknown expect value {expect!r}"
