"""Reading local files for `gapwatch extract`: the text whose offsets the output indexes."""

from __future__ import annotations

from pathlib import Path

from extractors.articles import parse_article


def read_document(path: Path) -> tuple[str | None, str]:
    """(title, text) of a .txt, .md or .html file."""
    data = path.read_bytes()
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        art = parse_article(data, path.resolve().as_uri(), "text/html")
        return art.title, art.text
    text = data.decode("utf-8", errors="replace")
    return _title(text), text


def _title(text: str) -> str | None:
    """The first line, when it reads like a heading (short, no final full stop)."""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    first = first.lstrip("#").strip()
    if first and len(first) <= 160 and not first.endswith((".", "?", ":")):
        return first
    return None
