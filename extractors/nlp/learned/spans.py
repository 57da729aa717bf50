"""Text with some spans replaced by tags: how the learned parts see names ("openm",
"<model>") instead of the names themselves, so what they learn carries to new models."""

from __future__ import annotations


def replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, tag) span replaced by its tag; a span overlapping an
    earlier one is skipped."""
    out: list[str] = []
    pos = 0
    for s, e, tag in sorted(spans):
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(tag)
        pos = e
    out.append(text[pos:])
    return "".join(out)
