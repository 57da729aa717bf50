"""Exports for notebooks and spreadsheets: claims, figures, forecasts as CSV, JSONL, Parquet.

Rows are streamed from the database in id order and written in batches, so an
export of millions of claims uses flat memory. Parquet files get an explicit
schema so empty exports and all-null columns still have the right types.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from storage import analytics
from storage.analytics import FigureFilter, ForecastFilter
from storage.queries import ClaimFilter, iter_claims

FORMATS = ("csv", "jsonl", "parquet")
KINDS = ("claims", "figures", "forecasts")

CLAIM_COLUMNS: dict[str, str] = {
    "id": "int", "text": "str", "stance": "str", "stance_confidence": "float",
    "hedged": "bool", "speaker": "str", "dimensions": "list", "models": "list",
    "benchmarks": "list", "document_id": "int",
    "url": "str", "title": "str", "source": "str", "published_at": "ts", "ingested_at": "ts",
    "start": "int", "end": "int", "extractor_version": "str", "figures": "json",
}
FIGURE_COLUMNS: dict[str, str] = {
    "id": "int", "value": "float", "value_high": "float", "unit": "str", "kind": "str",
    "model": "str", "benchmark": "str", "sentence": "str", "start": "int", "end": "int",
    "document_id": "int", "claim_id": "int", "url": "str", "title": "str", "site": "str",
    "author": "str", "source": "str", "published_at": "ts", "ingested_at": "ts",
    "extractor_version": "str",
}
FORECAST_COLUMNS: dict[str, str] = {
    "id": "int", "issuer": "str", "probability": "float", "conditional": "bool",
    "proposition": "str", "sentence": "str", "start": "int", "end": "int",
    "document_id": "int", "url": "str", "title": "str", "published_at": "ts",
    "ingested_at": "ts", "extractor_version": "str",
}


def _claim_dicts(engine: Engine, f: ClaimFilter) -> Iterator[dict[str, Any]]:
    for row in iter_claims(engine, f):
        yield row.to_dict()


def rows_for(kind: str, engine: Engine, *, claims: ClaimFilter | None = None,
             figures: FigureFilter | None = None,
             forecasts: ForecastFilter | None = None) -> tuple[dict[str, str],
                                                                Iterator[dict[str, Any]]]:
    """The column spec and a row stream for one export kind."""
    if kind == "claims":
        return CLAIM_COLUMNS, _claim_dicts(engine, claims or ClaimFilter())
    if kind == "figures":
        return FIGURE_COLUMNS, analytics.iter_figures(engine, figures or FigureFilter())
    if kind == "forecasts":
        return FORECAST_COLUMNS, analytics.iter_forecasts(engine, forecasts or ForecastFilter())
    raise ValueError(f"unknown export kind {kind!r}; one of {', '.join(KINDS)}")


def _cell(value: Any, typ: str) -> Any:
    """A CSV cell: lists joined with ';', nested data as JSON, None as empty."""
    if value is None:
        return ""
    if typ == "list":
        return ";".join(str(v) for v in value)
    if typ == "json":
        return json.dumps(value, ensure_ascii=False)
    return value


def write(path: str | Path, fmt: str, columns: dict[str, str],
          rows: Iterable[dict[str, Any]], batch: int = 5000) -> int:
    """Write rows to path in the given format; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(list(columns))
            for r in rows:
                w.writerow([_cell(r.get(c), t) for c, t in columns.items()])
                n += 1
        return n
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False) + "\n")
                n += 1
        return n
    return _write_parquet(path, columns, rows, batch)


def _arrow_schema(columns: dict[str, str]) -> Any:
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string(),
             "list": pa.list_(pa.string()), "json": pa.string(),
             "ts": pa.timestamp("us", tz="UTC")}
    return pa.schema([(c, types[t]) for c, t in columns.items()])


def _arrow_value(value: Any, typ: str) -> Any:
    if value is None:
        return None
    if typ == "json":
        return json.dumps(value, ensure_ascii=False)
    if typ == "ts" and isinstance(value, str):
        from datetime import datetime

        return datetime.fromisoformat(value)
    if typ == "list":
        return [str(v) for v in value]
    return value


def _write_parquet(path: Path, columns: dict[str, str], rows: Iterable[dict[str, Any]],
                   batch: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(columns)
    n = 0
    it = iter(rows)
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        while True:
            chunk = list(islice(it, batch))
            if not chunk and n:
                break
            data = {c: [_arrow_value(r.get(c), t) for r in chunk] for c, t in columns.items()}
            writer.write_table(pa.Table.from_pydict(data, schema=schema))
            n += len(chunk)
            if not chunk:
                break
    return n
