"""Plain-text tables whose columns are aligned with spaces, as emails, newsletters and
spreadsheets pasted as text write them:

    benchmark           best_closed      score  best_open        score  gap_pp
    SWE-bench Verified  Claude Opus 4.8   79.5  Kimi K2.7-Code    76.0     3.5

Why: without a "|" the segmenter reads each line as a heading, and the prose rules see a
run of bare numbers they rightly refuse. Here the columns are found where every body line
has a gap of two or more spaces, and the header's words are placed over the columns they
cover, so the figure finder's table reader can tie each cell to its row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..sentences import Sentence

MIN_ROWS = 3  # body lines
MIN_COLUMNS = 3
_NUMBER_CELL_RE = re.compile(r"[$~≈]?[+−-]?\d+(?:[.,]\d+)*\s?(?:%|pp|x|B|T|months?)?")
_CHUNK_RE = re.compile(r"\S+(?: \S+)*")  # words joined by single spaces


@dataclass(frozen=True, slots=True)
class AlignedTable:
    """The table's lines (header first) and each line's cells as document offsets, the
    header's cells placed over the body's columns (one per column)."""

    rows: list[Sentence]
    header: list[tuple[int, int]]
    body: list[list[tuple[int, int]]]


def _line(text: str, s: Sentence) -> tuple[int, str] | None:
    """The whole line a sentence is, or None when it shares its line with other text."""
    ls = text.rfind("\n", 0, s.start) + 1
    le = text.find("\n", s.start)
    le = len(text) if le < 0 else le
    line = text[ls:le]
    if text[ls:s.start].strip() or text[s.end:le].strip():
        return None
    return ls, line.rstrip()


def _columns(lines: list[str]) -> list[tuple[int, int]]:
    """Column spans: runs of positions not inside a gap of 2+ spaces shared by every line."""
    width = max(len(x) for x in lines)
    gutter = [all(p >= len(x) or x[p] == " " for x in lines) for p in range(width)]
    spans: list[tuple[int, int]] = []
    p = 0
    while p < width:
        if gutter[p]:
            q = p
            while q < width and gutter[q]:
                q += 1
            if q - p >= 2 or p == 0 or q == width:
                p = q
                continue
        start = p
        while p < width:
            if gutter[p]:
                q = p
                while q < width and gutter[q]:
                    q += 1
                if q - p >= 2 or q == width:
                    break
                p = q
                continue
            p += 1
        spans.append((start, p))
    return spans


def _cells(offset: int, line: str, columns: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in columns:
        part = line[a:b]
        lead = len(part) - len(part.lstrip())
        text = part.strip()
        start = offset + a + lead
        out.append((start, start + len(text)))
    return out


def _header_cells(offset: int, line: str, columns: list[tuple[int, int]]
                  ) -> list[tuple[int, int]]:
    """Each column's header: the header chunk (words joined by single spaces) that
    overlaps the column most; a chunk may head several columns ("BEST OPEN" over a score
    and a model column)."""
    chunks = [(m.start(), m.end()) for m in _CHUNK_RE.finditer(line)]
    out: list[tuple[int, int]] = []
    for a, b in columns:
        best = max(chunks, key=lambda c: min(b, c[1]) - max(a, c[0]), default=None)
        if best is None or min(b, best[1]) - max(a, best[0]) <= 0:
            out.append((offset + a, offset + a))
        else:
            out.append((offset + best[0], offset + best[1]))
    return out


def aligned_tables(text: str, sents: list[Sentence]) -> list[AlignedTable]:
    """Runs of whole lines, consecutive in the text, that share 3+ columns and whose body
    holds numbers in most lines."""
    out: list[AlignedTable] = []
    run: list[tuple[Sentence, int, str]] = []

    def close() -> None:
        if len(run) < MIN_ROWS + 1:
            return
        lines = [x[2] for x in run[1:]]
        columns = _columns(lines)
        if len(columns) < MIN_COLUMNS:
            return
        body = [_cells(off, line, columns) for _, off, line in run[1:]]
        numeric = sum(1 for cells in body if any(
            _NUMBER_CELL_RE.fullmatch(text[a:b]) for a, b in cells))
        if 2 * numeric < len(body) or any(sum(1 for a, b in c if b > a) < MIN_COLUMNS
                                          for c in body):
            return
        head_sent, head_off, head_line = run[0]
        out.append(AlignedTable([x[0] for x in run], _header_cells(head_off, head_line,
                                                                   columns), body))

    for s in sents:
        got = _line(text, s)
        if got is None or "|" in got[1] or "  " not in got[1].strip():
            close()
            run = []
            continue
        off, line = got
        if run and text.count("\n", run[-1][1], off) != 1:
            close()
            run = []
        run.append((s, off, line))
    close()
    return out
