"""`gapwatch export` over the demo-ingest database: formats, filters, as_of."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from test_api_support import UNDATED_URL, XSS, add_document, copy_database
from typer.testing import CliRunner

from gapwatch.cli_api import register
from storage.db import get_engine
from storage.queries import ClaimFilter, list_claims


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return copy_database(tmp_path / "export.db")


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _run(db: str, *args: str) -> str:
    result = CliRunner().invoke(_cli(), ["export", *args, "--database-url", db])
    assert result.exit_code == 0, result.output
    return result.output


def test_claims_in_every_format_agree(db: str, tmp_path: Path) -> None:
    expected = list_claims(get_engine(db), ClaimFilter(dimension="coding"), limit=100000)
    assert expected
    for fmt in ("csv", "jsonl", "parquet"):
        _run(db, "claims", "--format", fmt, "--output", str(tmp_path / f"c.{fmt}"),
             "--dimension", "coding")
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    lines = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text("utf-8").splitlines()]
    table = pq.read_table(tmp_path / "c.parquet")
    want = sorted(r.id for r in expected)
    assert sorted(int(r["id"]) for r in rows) == want
    assert sorted(x["id"] for x in lines) == want
    assert sorted(table.column("id").to_pylist()) == want
    assert all("coding" in r["dimensions"].split(";") for r in rows)
    assert all("coding" in x["dimensions"] for x in lines)
    assert all("coding" in d for d in table.column("dimensions").to_pylist())
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    by_id = {r.id: r for r in expected}
    first = lines[0]
    assert first["text"] == by_id[first["id"]].text
    assert first["url"] == by_id[first["id"]].url


def test_text_survives_and_undated_claims_are_not_in_date_ranges(db: str,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    _run(db, "claims", "--format", "jsonl", "--output", str(out))
    every = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert any(XSS in c["text"] for c in every)
    assert any(c["url"] == UNDATED_URL for c in every)
    dated = tmp_path / "dated.csv"
    _run(db, "claims", "--format", "csv", "--output", str(dated), "--since", "2000-01-01")
    with dated.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["published_at"] for r in rows)
    assert UNDATED_URL not in {r["url"] for r in rows}


def test_as_of_excludes_later_claims(db: str, tmp_path: Path) -> None:
    cut = datetime.now(UTC).isoformat()
    add_document("https://example.org/after-cut", "Claim stored after the cut.",
                 published=datetime(2026, 11, 1, tzinfo=UTC), db_url=db)
    before, after = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _run(db, "claims", "--format", "jsonl", "--output", str(before), "--as-of", cut)
    _run(db, "claims", "--format", "jsonl", "--output", str(after))
    n_before = len(before.read_text("utf-8").splitlines())
    assert len(after.read_text("utf-8").splitlines()) == n_before + 1


def test_figures_and_forecasts(db: str, tmp_path: Path) -> None:
    figs = tmp_path / "f.parquet"
    _run(db, "figures", "--format", "parquet", "--output", str(figs), "--kind", "score",
         "--model", "claude-opus-5")
    table = pq.read_table(figs).to_pylist()
    assert len(table) >= 3
    assert {f["kind"] for f in table} == {"score"} and {f["model"] for f in table} == {
        "claude-opus-5"}
    assert all(f["url"] for f in table)
    fc = tmp_path / "fc.csv"
    _run(db, "forecasts", "--format", "csv", "--output", str(fc))
    with fc.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(0 <= float(r["probability"]) <= 1 for r in rows)
    empty = tmp_path / "none.parquet"
    _run(db, "forecasts", "--format", "parquet", "--output", str(empty), "--as-of",
         "2000-01-01")
    assert pq.read_table(empty).num_rows == 0
    assert "probability" in pq.read_table(empty).schema.names


def test_bad_options_fail_clearly(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["export", "claims", "--format", "xlsx", "-o", str(tmp_path / "x")],
                 ["export", "forecasts", "--stance", "divergence", "-o", str(tmp_path / "x")],
                 ["export", "claims", "--dimension", "vibes", "-o", str(tmp_path / "x")],
                 ["export", "widgets", "-o", str(tmp_path / "x")]):
        result = runner.invoke(_cli(), [*args, "--database-url", db])
        assert result.exit_code == 2, (args, result.output)
