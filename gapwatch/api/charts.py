"""Chart geometry for the dashboard's inline SVG (no JavaScript library, no CDN).

Functions here only compute numbers and labels; templates draw them, so every
label passes through Jinja's autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STANCE_ORDER = ("convergence", "neutral", "divergence")


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    stance: str
    period: str
    count: int


@dataclass
class Small:
    """One dimension's stance-over-time chart."""

    dimension: str
    total: int
    net: float | None
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    net_points: str = ""
    max_total: int = 0


def stance_over_time(dimensions: list[dict[str, Any]], width: int = 320, height: int = 120,
                     ) -> list[Small]:
    """Stacked bars per period for each dimension with claims, busiest first."""
    out: list[Small] = []
    for dim in dimensions:
        series = dim["series"]
        if not dim["totals"]["total"] or not series:
            continue
        top = max(p["total"] for p in series) or 1
        plot_h = height - 18
        slot = width / len(series)
        bw = max(1.0, slot * 0.8)
        small = Small(dim["dimension"], dim["totals"]["total"], dim["net"], width, height,
                      max_total=top)
        points = []
        for i, p in enumerate(series):
            x = i * slot + (slot - bw) / 2
            y = float(plot_h)
            for stance in STANCE_ORDER:
                n = p[stance]
                if not n:
                    continue
                h = plot_h * n / top
                y -= h
                small.bars.append(Bar(round(x, 2), round(y, 2), round(bw, 2), round(h, 2),
                                      stance, p["period"], n))
            if p["net"] is not None:
                points.append(f"{x + bw / 2:.2f},{plot_h / 2 - p['net'] * plot_h / 2:.2f}")
        step = max(1, len(series) // 4)
        small.labels = [(round(i * slot + slot / 2, 2), series[i]["period"][5:])
                        for i in range(0, len(series), step)]
        small.net_points = " ".join(points)
        out.append(small)
    out.sort(key=lambda s: -s.total)
    return out


@dataclass
class Cell:
    x: float
    y: float
    size: float
    dimension: str
    stance: str
    count: int
    share: float
    opacity: float


def heatmap(dimensions: list[dict[str, Any]], cell: int = 26) -> dict[str, Any]:
    """Dimension rows x stance columns; colour strength is the share within the row."""
    rows = [d for d in dimensions if d["totals"]["total"]]
    cells: list[Cell] = []
    label_w = 110
    for r, dim in enumerate(rows):
        total = dim["totals"]["total"]
        for c, stance in enumerate(STANCE_ORDER):
            n = dim["totals"][stance]
            share = n / total if total else 0.0
            cells.append(Cell(label_w + c * (cell * 3), 20 + r * cell, cell, dim["dimension"],
                              stance, n, round(share, 3), round(0.08 + 0.92 * share, 3)))
    return {"cells": cells, "rows": [(20 + r * cell, d["dimension"], d["net"])
                                     for r, d in enumerate(rows)],
            "cols": [(label_w + c * cell * 3, s) for c, s in enumerate(STANCE_ORDER)],
            "width": label_w + cell * 9 + 60, "height": 30 + len(rows) * cell,
            "cell": cell}


@dataclass
class Dot:
    cx: float
    cy: float
    model: str
    name: str
    openness: str
    value: float
    mine: bool


def peer_strip(peers: list[dict[str, Any]], model_id: str, width: int = 520,
               ) -> dict[str, Any] | None:
    """Each model's mean reported value on one benchmark on a line, by openness."""
    if not peers:
        return None
    values = [p["mean"] for p in peers if p["mean"] is not None]
    if not values:
        return None
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    rows = {"open": 20, "closed": 50, "unknown": 80}
    dots = [Dot(round(40 + (p["mean"] - lo) / span * (width - 80), 2),
                rows.get(p["openness"], 80), p["model"], p["name"] or p["model"],
                p["openness"], round(p["mean"], 3), p["model"] == model_id)
            for p in peers if p["mean"] is not None]
    return {"dots": dots, "width": width, "height": 100, "lo": round(lo, 3),
            "hi": round(hi, 3), "rows": rows}


def highlight_segments(text: str, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split a document's text into plain runs and claim runs using stored offsets.

    Overlapping claims are clipped to start where the previous one ended, and
    offsets outside the text are ignored, so bad offsets cannot break the page.
    """
    segs: list[dict[str, Any]] = []
    pos = 0
    n = len(text)
    for c in sorted(claims, key=lambda c: (c["start"], c["end"])):
        start, end = max(c["start"], pos), min(c["end"], n)
        if start >= end or start < 0:
            continue
        if start > pos:
            segs.append({"text": text[pos:start], "claim": None})
        segs.append({"text": text[start:end], "claim": c})
        pos = end
    if pos < n:
        segs.append({"text": text[pos:], "claim": None})
    return segs
