"""Shared text helpers for the parsers: HTML to plain text, whitespace, dates.

Everything here is total (never raises): parsers decide what an empty result
means, so a bad summary or an odd date never sinks a whole feed.
"""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, datetime

import lxml.html
from lxml import etree

# Elements whose content is never visible text.
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object"}
)
# Elements that start and end a line of their own.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
        "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr",
        "ul",
    }
)
CELL_TAGS = frozenset({"td", "th"})

# C0 controls (bar tab/newline/CR) and lone surrogates upset lxml; drop them up front.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def strip_controls(text: str) -> str:
    """Remove characters that no parser or NLP stage should see."""
    return _CONTROL_RE.sub("", text)


def collapse_line(line: str) -> str:
    """One line with every whitespace run (incl. NBSP) reduced to a single space."""
    return " ".join(line.split())


def collapse_lines(text: str) -> str:
    """Collapse whitespace within each line and drop empty lines."""
    lines = (collapse_line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def collapse_ws(text: str) -> str:
    """Whole string on one line: for titles and arXiv abstracts that wrap at 80 columns."""
    return collapse_line(text)


_NEWLINES_RE = re.compile(r"[\r\n\u2028\u2029]+")


def _walk(el: etree._Element, out: list[str], in_pre: bool = False) -> None:
    """Append el's text to out; source newlines are whitespace except inside <pre>."""

    def add(text: str | None, pre: bool) -> None:
        if text:
            out.append(text if pre else _NEWLINES_RE.sub(" ", text))

    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower()
    if not tag or tag in SKIP_TAGS:
        # comments, processing instructions and invisible elements: keep only their tail
        add(el.tail, in_pre)
        return
    if tag == "br":
        out.append("\n")
    elif tag in CELL_TAGS:
        prev = el.getprevious()
        while prev is not None and not (isinstance(prev.tag, str) and prev.tag in CELL_TAGS):
            prev = prev.getprevious()
        if prev is not None:
            out.append(" | ")
    elif tag in BLOCK_TAGS:
        out.append("\n")
        if tag == "li":
            out.append("- ")
    inner_pre = in_pre or tag == "pre"
    add(el.text, inner_pre)
    for child in el:
        _walk(child, out, inner_pre)
    if tag in BLOCK_TAGS:
        out.append("\n")
    add(el.tail, in_pre)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment or page, one block element per line.

    Entities are decoded by the parser, scripts and styles dropped, list items
    become "- " lines and table rows "cell | cell" lines, so feed summaries read
    the same way as article bodies. Returns "" for empty or tag-only input.
    """
    if not html or not html.strip():
        return ""
    cleaned = _XML_DECL_RE.sub("", strip_controls(html))
    if not cleaned.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(cleaned)
    except (etree.ParserError, ValueError):
        # lxml refuses some inputs (e.g. only a comment); a crude strip is better than nothing
        return collapse_lines(re.sub(r"<[^>]*>", " ", cleaned))
    body = root.find("body")
    out: list[str] = []
    _walk(body if body is not None else root, out)
    return collapse_lines("".join(out))


# ---------------------------------------------------------------- dates


def struct_to_utc(st: time.struct_time | tuple[int, ...] | None) -> datetime | None:
    """feedparser's *_parsed values are UTC struct_times; make them aware datetimes."""
    if st is None:
        return None
    try:
        return datetime(*tuple(st)[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def to_utc(dt: datetime) -> datetime:
    """Naive datetimes are taken to be UTC (what feeds and metadata usually mean)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


_DATE_ONLY_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d %B %Y", "%B %d, %Y", "%b %d, %Y")


def parse_datetime(raw: str | None) -> datetime | None:
    """Best-effort parse of a date string to an aware UTC datetime.

    Tries ISO 8601 (incl. "Z"), then RFC 2822, then a few date-only forms
    (midnight UTC). Returns None rather than guessing.
    """
    if not raw:
        return None
    s = raw.strip()
    if not s:
        return None
    iso = s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s
    try:
        return to_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return to_utc(parsed)
    for fmt in _DATE_ONLY_FORMATS:
        try:
            return datetime.strptime(s, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None
