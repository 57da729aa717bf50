"""What the API and the dashboard compute from storage reads: signals and comparisons."""

from __future__ import annotations

import statistics
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine

from gapwatch.api import first_party
from models.taxonomy import DIMENSIONS, STANCES
from storage import analytics
from storage.analytics import SignalWindow, period_start

_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gapwatch-signals")


def now() -> datetime:
    return datetime.now(UTC)


def signal_window(*, bucket: str, since: datetime | None, until: datetime | None,
                  periods: int | None, as_of: datetime | None, dimension: str | None,
                  date_field: str, min_stance_confidence: float | None = None
                  ) -> SignalWindow:
    """Whole buckets: `until` defaults to the end of the bucket holding as_of (or now)."""
    step = timedelta(weeks=1) if bucket == "week" else timedelta(days=1)
    ref = until or as_of or now()
    if until is None:
        start = period_start(ref.astimezone(UTC).date(), bucket)
        until = datetime.combine(start, time(), UTC) + step
    if since is None:
        since = until - step * (periods or (12 if bucket == "week" else 30))
    else:
        since = datetime.combine(period_start(since.astimezone(UTC).date(), bucket), time(), UTC)
    limit = step * 366
    if until - since > limit:
        since = until - limit
    return SignalWindow(bucket=bucket, since=since, until=until, as_of=as_of,
                        dimension=dimension, date_field=date_field,
                        min_stance_confidence=min_stance_confidence)


def _net(counts: dict[str, int]) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    return round((counts.get("convergence", 0) - counts.get("divergence", 0)) / total, 4)


def _compact_figure(f: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "kind", "value", "value_high", "unit", "model", "benchmark", "sentence",
            "claim_id", "document_id", "url", "title", "source", "published_at", "ingested_at")
    return {k: f.get(k) for k in keys}


def signals(engine: Engine, w: SignalWindow, forecasts: int = 20) -> dict[str, Any]:
    """Per dimension and period: clusters by stance, net score, latest gap/lag figures.

    Stance counts are claim clusters (one piece of evidence, counted in the period it
    first appeared, copies left out); `mentions` gives the live claims behind them by
    stance, copies and repeats included, and `copies` the difference.
    """
    # The grouped count is the slow read; the figures and forecasts are read meanwhile on
    # another connection (the database works while this thread waits).
    counting = _POOL.submit(analytics.stance_counts, engine, w)
    figs = analytics.latest_gap_lag(engine, w)
    recent = analytics.latest_forecasts(engine, w.as_of, limit=forecasts) if forecasts else []
    rows = counting.result()
    step = timedelta(weeks=1) if w.bucket == "week" else timedelta(days=1)
    periods = []
    p = w.since.date()
    while datetime.combine(p, time(), UTC) < w.until:
        periods.append(p)
        p = p + step
    by_dim: dict[str, dict[Any, dict[str, tuple[int, int]]]] = {}
    for dim, period, stance, clusters, mentions in rows:
        by_dim.setdefault(dim, {}).setdefault(period, {})[stance] = (clusters, mentions)
    dims = [w.dimension] if w.dimension else list(DIMENSIONS)
    out_dims = []
    for dim in dims:
        series = []
        totals = dict.fromkeys(STANCES, 0)
        total_mentions = dict.fromkeys(STANCES, 0)
        for period in periods:
            got = by_dim.get(dim, {}).get(period, {})
            counts = {s: got.get(s, (0, 0))[0] for s in STANCES}
            mentions = {s: got.get(s, (0, 0))[1] for s in STANCES}
            for s in STANCES:
                totals[s] += counts[s]
                total_mentions[s] += mentions[s]
            series.append({"period": period.isoformat(), **counts,
                           "total": sum(counts.values()), "net": _net(counts),
                           "mentions": {**mentions, "total": sum(mentions.values())},
                           "copies": sum(mentions.values()) - sum(counts.values())})
        mine = [f for f in figs if dim in f["dimensions"]]
        out_dims.append({
            "dimension": dim, "totals": {**totals, "total": sum(totals.values())},
            "mentions": {**total_mentions, "total": sum(total_mentions.values())},
            "copies": sum(total_mentions.values()) - sum(totals.values()),
            "net": _net(totals), "series": series,
            "latest_gap": [_compact_figure(f) for f in mine if f["kind"] == "gap"][:3],
            "latest_lag": [_compact_figure(f) for f in mine if f["kind"] == "lag"][:3]})
    return {
        "bucket": w.bucket, "date_field": w.date_field,
        "since": w.since.isoformat(), "until": w.until.isoformat(),
        "as_of": w.as_of.isoformat() if w.as_of else None,
        "counts": "stance counts are claim clusters, each counted once, in the period of "
                  "its first claim in a document that is not a copy; mentions are every "
                  "claim in the period, copies included; copies = mentions - clusters",
        "dimensions": out_dims,
        "latest_gap": [_compact_figure(f) for f in figs if f["kind"] == "gap"][:10],
        "latest_lag": [_compact_figure(f) for f in figs if f["kind"] == "lag"][:10],
        "forecasts": recent,
    }


def _tolerance(center: float, unit: str) -> float:
    """How far a value may sit from the consensus before it counts as disagreeing."""
    if unit in ("elo",):
        return max(5.0, abs(center) * 0.005)
    return max(0.5, abs(center) * 0.01)


def _unit(v: dict[str, Any]) -> str:
    """A score without a unit is a percentage; other kinds keep theirs."""
    return v["unit"] or ("%" if v["kind"] == "score" else "")


def compare(engine: Engine, model: dict[str, Any], benchmark: dict[str, Any],
            as_of: datetime | None) -> dict[str, Any]:
    """Every value reported for a model on a benchmark, first- or third-party, and the spread."""
    figs = analytics.figures_for(engine, model["id"], benchmark["id"], as_of=as_of)
    org = model.get("organization")
    values: list[dict[str, Any]] = []
    for f in figs:
        party = first_party.classify(org, url=f["url"], site=f["site"], author=f["author"],
                                     title=f["title"])
        values.append({**_compact_figure(f), "site": f["site"], "author": f["author"],
                       "party": party})
    groups = []
    for kind, unit in sorted({(v["kind"], _unit(v)) for v in values}):
        vs = [v for v in values if (v["kind"], _unit(v)) == (kind, unit)]
        nums = [v["value"] for v in vs]
        median = statistics.median(nums)
        tol = _tolerance(median, unit)
        first = [v["value"] for v in vs if v["party"] == first_party.FIRST]
        third = [v["value"] for v in vs if v["party"] != first_party.FIRST]
        for v in vs:
            v["deviation"] = round(v["value"] - median, 6)
            v["disagrees"] = abs(v["value"] - median) > tol
        groups.append({
            "kind": kind, "unit": unit, "count": len(vs), "min": min(nums), "max": max(nums),
            "spread": round(max(nums) - min(nums), 6), "median": median, "tolerance": tol,
            "first_party": len(first), "third_party": len(third),
            "first_party_median": statistics.median(first) if first else None,
            "third_party_median": statistics.median(third) if third else None,
            "first_minus_third": round(statistics.median(first) - statistics.median(third), 6)
            if first and third else None,
            "disagreeing_sources": sorted({v["source"] or v["site"] or v["url"]
                                           for v in vs if v["disagrees"]}),
        })
    return {"model": model, "benchmark": benchmark,
            "as_of": as_of.isoformat() if as_of else None,
            "rule": "first party: the document's host, site, author or publisher title "
                    "matches the model's organization (gapwatch/api/first_party.py)",
            "values": values, "summary": groups}
