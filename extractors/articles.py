"""HTML page bytes -> Article: main text (tables kept as rows) plus metadata.

trafilatura finds the main content; we render its XML tree ourselves because
its txt output turns tables into markdown ("| a | b |" plus a "|---|" rule)
and, with formatting on, adds emphasis marks. Downstream NLP wants plain
lines, and figure extraction wants each table row as "cell | cell | cell".
"""

from __future__ import annotations

import codecs
import json
import re
from datetime import UTC, date, datetime

import lxml.html
import trafilatura
from lxml import etree

from extractors.errors import ArticleParseError, NotHTMLError
from extractors.text import (
    SKIP_TAGS,
    collapse_line,
    collapse_lines,
    collapse_ws,
    parse_datetime,
    strip_controls,
)
from models.documents import Article

# ---------------------------------------------------------------- sniffing and decoding

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"%!PS", "a PostScript document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"PK\x03\x04", "a ZIP archive (or docx/xlsx)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\xd0\xcf\x11\xe0", "an OLE document (doc/xls/ppt)"),
    (b"\x00\x00\x00", "binary data"),
)
_NON_HTML_MIME = (
    "application/pdf", "application/json", "application/zip", "application/gzip",
    "application/x-gzip", "application/msword", "application/vnd.", "application/x-tar",
    "image/", "audio/", "video/", "font/", "text/csv", "text/javascript",
    "application/javascript",
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it shares the first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG: these labels mean windows-1252 in HTML, whatever the label says.
_ENCODING_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso_8859-1": "cp1252",
    "x-user-defined": "cp1252",
}
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE
)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:+-]+)""")
_CT_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)
_MARKUP_RE = re.compile(r"<\s*[A-Za-z!/?]")
_FIRST_ELEMENT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*|<\?[^>]*\?>\s*)*<([A-Za-z][\w:.-]*)",
    re.DOTALL | re.IGNORECASE,
)


def _codec(label: str | bytes | None) -> str | None:
    """A Python codec name for a charset label, or None if unknown."""
    if not label:
        return None
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = name.strip().strip("\"'").lower()
    name = _ENCODING_ALIASES.get(name, name)
    if name in ("utf-16", "utf-16le", "utf-16be", "utf-32"):
        # a meta tag that can be read as ASCII cannot really be UTF-16 (WHATWG rule)
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Bytes to str: BOM, then Content-Type charset, then <meta>/XML declaration, else UTF-8.

    Undecodable bytes become U+FFFD rather than failing the page.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    encoding = None
    if content_type:
        m = _CT_CHARSET_RE.search(content_type)
        if m:
            label = m.group(1).strip().lower()
            # an explicit UTF-16 header is honoured (no meta could say so readably)
            encoding = label if label in ("utf-16", "utf-16le", "utf-16be") else _codec(label)
    if encoding is None:
        head = data[:8192]
        m = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
        encoding = _codec(m.group(1)) if m else None
    try:
        return data.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


# Replacement characters and control characters other than tab, newline, form feed, CR.
_JUNK_RE = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")


def _check_html(data: bytes, text: str, content_type: str | None) -> None:
    """Raise NotHTMLError for bytes that are plainly something else."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and (mime.startswith(_NON_HTML_MIME) or mime.endswith("+json")):
        raise NotHTMLError(f"not HTML: Content-Type is {mime}")
    head = data[:16].lstrip()
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise NotHTMLError(f"not HTML: bytes look like {what}")
    sample = text[:8192]
    if not sample.strip():
        raise NotHTMLError("not HTML: empty document")
    junk = len(_JUNK_RE.findall(sample))
    if junk / len(sample) > 0.05:
        raise NotHTMLError("not HTML: binary content (control or undecodable bytes)")
    stripped = sample.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            if not _MARKUP_RE.search(stripped[:1024]):
                raise NotHTMLError("not HTML: looks like JSON") from None
        else:
            raise NotHTMLError("not HTML: a JSON document")
    if not _MARKUP_RE.search(sample):
        raise NotHTMLError("not HTML: no markup found")
    m = _FIRST_ELEMENT_RE.match(sample)
    if m and m.group(1).lower() in ("rss", "feed", "rdf:rdf"):
        raise NotHTMLError(f"not HTML: an RSS/Atom feed (<{m.group(1)}>)")


# ---------------------------------------------------------------- trafilatura XML -> text

_INLINE_BREAK = "lb"
_NEWLINES_RE = re.compile(r"[\r\n\u2028\u2029]+")
_BLOCKISH = frozenset({"p", "head", "item", "list", "row", "quote"})
# <sup>1</sup>, <sup>a</sup>, <sup>[3]</sup>, <sup>*</sup>, <sup>†</sup>: footnote markers
_FOOTNOTE_RE = re.compile(r"\[?(?:\d{1,2}|[a-z]|[*\u2020\u2021\u00a7\u00b6#]{1,2})\]?")


def _is_footnote_sup(node: etree._Element, before: str, in_cell: bool) -> bool:
    """A superscript footnote marker glued to a number would corrupt it (71.2 + 1 -> "71.21")."""
    if node.tag != "hi" or node.get("rend") != "#sup":
        return False
    if not _FOOTNOTE_RE.fullmatch("".join(node.itertext()).strip()):
        return False
    prev = before[-1:]
    return bool(prev) and (prev.isdigit() or prev in "%)" or (in_cell and not prev.isspace()))


def _inline_text(el: etree._Element, in_cell: bool = False) -> str:
    """Text of an element with <lb/> as the only line breaks; nested blocks run on.

    Source newlines are plain whitespace except inside <code>. Formatting (<hi>)
    is dropped, and footnote superscripts after numbers (anywhere in table
    cells) are removed so figures stay intact.
    """
    parts: list[str] = []
    keep_newlines = el.tag == "code"

    def add(text: str | None) -> None:
        if text:
            parts.append(text if keep_newlines else _NEWLINES_RE.sub(" ", text))

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str):
            if node.tag == _INLINE_BREAK:
                parts.append("\n")
            elif node.tag in _BLOCKISH:
                parts.append(" ")
            if node is el or not _is_footnote_sup(node, "".join(parts).rstrip(), in_cell):
                add(node.text)
                for child in node:
                    walk(child)
        if node is not el:
            add(node.tail)

    walk(el)
    return "".join(parts)


def _cell_text(cell: etree._Element) -> str:
    return collapse_ws(_inline_text(cell, in_cell=True)).replace(" | ", " / ")


def _render_table(table: etree._Element, lines: list[str]) -> None:
    """One line per row, cells joined by " | "; nested tables become their own rows."""
    for row in table.iter("row"):
        if row.getparent() is not None and _owning_table(row) is not table:
            continue  # belongs to a nested table, rendered below
        cells = [_cell_text(c) for c in row if isinstance(c.tag, str) and c.tag == "cell"]
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            lines.append(" | ".join(cells))
        for cell in row:
            for nested in cell.iter("table"):
                if _owning_table(nested.getparent()) is table:
                    _render_table(nested, lines)


def _owning_table(el: etree._Element | None) -> etree._Element | None:
    while el is not None:
        if el.tag == "table":
            return el
        el = el.getparent()
    return None


def _render_list(lst: etree._Element, lines: list[str]) -> None:
    for item in lst:
        if not isinstance(item.tag, str):
            continue
        if item.tag != "item":
            _render_block(item, lines)
            continue
        # text of the item without its nested lists, which get their own lines
        own = [_NEWLINES_RE.sub(" ", item.text or "")]
        nested: list[etree._Element] = []
        for child in item:
            tail = _NEWLINES_RE.sub(" ", child.tail or "")
            if child.tag in ("list", "table"):
                nested.append(child)
                own.append(tail)
            else:
                own.append(_inline_text(child) + tail)
        for piece in "".join(own).split("\n"):
            piece = collapse_line(piece)
            if piece:
                lines.append(f"- {piece}")
        for child in nested:
            _render_block(child, lines)


_CONTAINER_CHILDREN = frozenset({"p", "head", "list", "table", "quote", "div", "code", "ab"})


def _render_block(el: etree._Element, lines: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        _render_table(el, lines)
    elif tag == "list":
        _render_list(el, lines)
    elif tag in ("graphic", "", "comments"):
        pass
    elif any(isinstance(c.tag, str) and c.tag in _CONTAINER_CHILDREN for c in el):
        # a container (div, quote with paragraphs, the body itself): recurse
        if el.text and el.text.strip():
            lines.append(collapse_ws(el.text))
        for child in el:
            _render_block(child, lines)
            if child.tail and child.tail.strip():
                lines.append(collapse_ws(child.tail))
    else:
        lines.extend(collapse_lines(_inline_text(el)).splitlines())


def render_body(body: etree._Element) -> str:
    """Plain text of trafilatura's TEI-like body: one paragraph, item or table row per line."""
    lines: list[str] = []
    _render_block(body, lines)
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------- metadata

_DATE_META_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datepublished", "parsely-pub-date", "sailthru.date", "publish-date", "publishdate",
    "pubdate", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
    "citation_publication_date", "citation_date", "date",
)


def _meta_dates(tree: etree._Element) -> list[str]:
    """Raw publication-date strings the page states, most specific first."""
    found: dict[str, list[str]] = {k: [] for k in _DATE_META_KEYS}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        value = meta.get("content") or meta.get("datetime")
        if key in found and value and value.strip():
            found[key].append(value.strip())
    out = [v for k in _DATE_META_KEYS for v in found[k]]
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        m = re.search(r'"datePublished"\s*:\s*"([^"]+)"', script.text)
        if m:
            out.append(m.group(1))
    for el in tree.iter("time"):
        if el.get("datetime") and (el.get("pubdate") is not None or el.get("itemprop")):
            out.append(el.get("datetime", "").strip())
    return out


def _written_day(raw: str, dt: datetime) -> date:
    """The calendar day as the page wrote it (before any UTC shift)."""
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return dt.date()


def _choose_date(
    tree: etree._Element | None, traf_date: str | None
) -> tuple[datetime | None, str | None]:
    """Prefer a full timestamp from the page's metadata when it agrees with trafilatura's day.

    trafilatura (htmldate) returns a day only; the page's own meta usually has
    the time and zone. A meta date on another day is probably a modified date
    or noise, so trafilatura's judgement wins then.
    """
    candidates = _meta_dates(tree) if tree is not None else []
    traf_dt = parse_datetime(traf_date) if traf_date else None
    for raw in candidates:
        dt = parse_datetime(raw)
        if dt is None:
            continue
        if traf_dt is None or traf_dt.date() in (_written_day(raw, dt), dt.date()):
            return dt, raw
    if traf_dt is not None:
        return traf_dt.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC), traf_date
    return None, None


def _language(tree: etree._Element | None, traf_lang: str | None) -> str | None:
    """Primary language subtag ("en"), from <html lang>, then meta, then trafilatura."""
    candidates: list[str | None] = []
    if tree is not None:
        candidates.append(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
        for meta in tree.iter("meta"):
            key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
            if key in ("content-language", "og:locale", "language", "dc.language"):
                candidates.append(meta.get("content"))
    candidates.append(traf_lang)
    for c in candidates:
        if c:
            primary = re.split(r"[-_,;\s]", c.strip(), maxsplit=1)[0].lower()
            if re.fullmatch(r"[a-z]{2,3}", primary):
                return primary
    return None


def _lxml_tree(text: str) -> etree._Element | None:
    try:
        return lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except (etree.ParserError, ValueError):
        return None


def _fallback_text(tree: etree._Element | None) -> tuple[str | None, str]:
    """<title> plus visible <p> text, for pages trafilatura gives up on."""
    if tree is None:
        return None, ""
    title_el = tree.find(".//title")
    title = collapse_ws(title_el.text_content()) if title_el is not None else ""
    lines = [title] if title else []
    for p in tree.iter("p"):
        hidden = False
        for anc in p.iterancestors():
            tag = anc.tag if isinstance(anc.tag, str) else ""
            style = (anc.get("style") or "").replace(" ", "").lower()
            if tag in SKIP_TAGS or anc.get("hidden") is not None or "display:none" in style:
                hidden = True
                break
        if not hidden:
            line = collapse_ws(p.text_content())
            if line:
                lines.append(line)
    return title or None, "\n".join(lines)


# ---------------------------------------------------------------- entry point


def parse_article(data: bytes, url: str, content_type: str | None = None) -> Article:
    """Main text and metadata of an HTML page.

    Raises NotHTMLError for PDFs, images, JSON, feeds and other non-HTML bytes,
    ArticleParseError when no text can be found at all.
    """
    if not isinstance(data, bytes | bytearray):
        raise ArticleParseError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    text = _decode_checked(data, content_type)
    tree = _lxml_tree(text)

    doc = None
    try:
        doc = trafilatura.bare_extraction(
            text,
            url=url,
            with_metadata=True,
            include_tables=True,
            include_comments=False,
            include_formatting=True,  # keeps <sup> visible so footnotes can be dropped
            include_images=False,
            include_links=False,
            favor_precision=False,
            deduplicate=False,
            # Not "python": that format also renders the body to plain text (a fifth of
            # the parse time), and the body is rendered here (render_body) anyway.
            output_format="xml",
        )
    except Exception:  # trafilatura and its fallbacks can raise odd things on odd pages
        doc = None

    body_text = ""
    if doc is not None and getattr(doc, "body", None) is not None:
        try:
            body_text = render_body(doc.body)
        except (AttributeError, TypeError, ValueError):
            body_text = ""

    title = collapse_ws(doc.title) if doc is not None and doc.title else None
    if not body_text:
        fb_title, body_text = _fallback_text(tree)
        title = title or fb_title
    if not body_text:
        raise ArticleParseError("no article text found")
    if title is None and tree is not None:
        title_el = tree.find(".//title")
        if title_el is not None:
            title = collapse_ws(title_el.text_content()) or None

    published_at, published_raw = _choose_date(tree, doc.date if doc is not None else None)
    author = collapse_ws(doc.author) if doc is not None and doc.author else None
    site = collapse_ws(doc.sitename) if doc is not None and doc.sitename else None
    language = _language(tree, getattr(doc, "language", None) if doc is not None else None)
    return Article(
        url=url,
        title=title,
        text=body_text,
        author=author,
        published_at=published_at,
        published_raw=published_raw,
        site=site,
        language=language,
    )


def _decode_checked(data: bytes, content_type: str | None) -> str:
    """Decode, refuse non-HTML, then drop control characters lxml would choke on."""
    text = decode_html(data, content_type)
    _check_html(data, text, content_type)
    return strip_controls(text)
