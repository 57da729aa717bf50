"""The `gapwatch` command line, run as a user runs it (a real process)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
FIELDS = {
    "models": {"mention", "canonical", "family", "organization", "openness", "start", "end"},
    "benchmarks": {"mention", "canonical", "start", "end"},
    "figures": {"value", "value_high", "unit", "kind", "model", "benchmark", "sentence", "start",
                "end"},
    # stance_confidence goes beyond the contract: how sure the stance model was.
    "claims": {"text", "start", "end", "dimensions", "stance", "hedged", "speaker", "models",
               "benchmarks", "stance_confidence"},
    # start/end on forecasts go beyond the contract: the sentence offsets, for provenance.
    "forecasts": {"issuer", "probability", "conditional", "proposition", "sentence", "start",
                  "end"},
}


def gapwatch(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
             ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "gapwatch.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


@pytest.mark.skipif(len(SEEDS) != 5, reason="shared seeds not present")
def test_extract_json_on_seeds_prints_the_contract() -> None:
    out = gapwatch("extract", "--json", *map(str, SEEDS))
    assert out.returncode == 0, out.stderr
    objs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [o["source"] for o in objs] == [str(p) for p in SEEDS]
    for obj, path in zip(objs, SEEDS, strict=True):
        text = path.read_text(encoding="utf-8")
        assert {"source", "title", "extractor_version"} | set(FIELDS) == set(obj)
        for key, fields in FIELDS.items():
            for item in obj[key]:
                assert set(item) == fields, (key, item)
        for m in obj["models"] + obj["benchmarks"]:
            assert text[m["start"]:m["end"]] == m["mention"]
        for c in obj["claims"]:
            assert text[c["start"]:c["end"]] == c["text"]
            assert c["stance"] in ("convergence", "divergence", "neutral")
    first = objs[0]
    assert first["title"].startswith("Chinese AI Models")
    assert {f["probability"] for f in first["forecasts"]} >= {0.69}
    assert any(m["openness"] == "open" for m in first["models"])
    assert any(m["openness"] == "closed" for m in first["models"])


def test_extract_readable_summary_and_html(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Release</title></head><body><article><h1>Release</h1>"
        "<p>Qwen3.5 scored 88.4% on GPQA Diamond, within 2 points of GPT-5.</p>"
        "<p>Analysts say the gap between open and closed models is closing.</p>"
        "</article></body></html>", encoding="utf-8")
    out = gapwatch("extract", str(page))
    assert out.returncode == 0, out.stderr
    assert "qwen3.5" in out.stdout.lower() and "88.4" in out.stdout
    missing = gapwatch("extract", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "nope.txt" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_claims_rejects_unknown_labels() -> None:
    out = gapwatch("claims", "--dimension", "vibes")
    assert out.returncode == 2 and "unknown dimension" in out.stderr


def test_claims_formats_after_ingest(tmp_path: Path) -> None:
    """Ingest a local file-free feed via the demo server, then query in all formats."""
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    demo = gapwatch("demo", "--database-url", db)
    assert demo.returncode == 0, demo.stderr
    assert "Claims by dimension x stance" in demo.stdout and "Traceback" not in demo.stderr
    as_json = gapwatch("claims", "--database-url", db, "--stance", "divergence", "--format",
                       "json", "--limit", "5")
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert 0 < len(rows) <= 5 and all(r["stance"] == "divergence" for r in rows)
    assert all(r["url"].startswith("http") and r["extractor_version"] for r in rows)
    as_csv = gapwatch("claims", "--database-url", db, "--dimension", "coding", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert table and all("coding" in r["dimensions"].split(";") for r in table)
    as_table = gapwatch("claims", "--database-url", db, "--limit", "3")
    assert as_table.returncode == 0 and "3 claims" in as_table.stdout
    every = gapwatch("claims", "--database-url", db, "--format", "json", "--limit", "100000")
    grouped = gapwatch("claims", "--database-url", db, "--format", "json", "--limit", "100000",
                       "--clusters")
    copies = [json.loads(line) for line in every.stdout.splitlines()]
    clusters = [json.loads(line) for line in grouped.stdout.splitlines()]
    assert 0 < len(clusters) <= len(copies)
    assert len({c["cluster_id"] for c in clusters}) == len(clusters)
    assert sum(c["mentions"] for c in clusters) >= len(clusters)
    health = gapwatch("sources", "--database-url", db)
    assert "The Gap Letter" in health.stdout
