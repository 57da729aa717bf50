"""`gapwatch eval` end to end: real extractor, a 2-document gold dir written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from gapwatch.cli_eval import register

DOC_A = (
    "Kimi-K2.5 release notes\n\n"
    "Kimi-K2.5 scores 76.8% on SWE-bench Verified, 4.1 points behind Claude Opus 4.5.\n"
    "Open-weight models now trail the closed frontier by about six months on coding.\n"
)
DOC_B = (
    "Weekly roundup\n\n"
    "Qwen3-Max reached 88.4% on GPQA Diamond, the best score of any open model so far.\n"
    "Analysts warn that benchmark contamination may overstate how close open models are.\n"
)


def _gold_a() -> dict[str, Any]:
    s = "Kimi-K2.5 scores 76.8% on SWE-bench Verified, 4.1 points behind Claude Opus 4.5."
    return {
        "doc": "a.txt", "source": "test",
        "models": [["Kimi-K2.5"], ["Claude Opus 4.5"]],
        "benchmarks": [["SWE-bench Verified"]],
        "figures": [
            {"value": 76.8, "value_high": None, "unit": "%", "kind": "score",
             "model": ["Kimi-K2.5"], "benchmark": ["SWE-bench Verified"], "sentence": s},
            {"value": 4.1, "value_high": None, "unit": "pp", "kind": "gap",
             "model": ["Kimi-K2.5"], "benchmark": ["SWE-bench Verified"], "sentence": s},
        ],
        "claims": [
            {"text": s, "dimensions": ["coding"], "stance": "divergence", "hedged": False},
            {"text": "Open-weight models now trail the closed frontier by about six months "
                     "on coding.", "dimensions": ["coding", "overall"],
             "stance": "divergence", "hedged": False},
        ],
        "non_claims": ["Kimi-K2.5 release notes"],
        "forecasts": [],
    }


def _gold_b() -> dict[str, Any]:
    s = "Qwen3-Max reached 88.4% on GPQA Diamond, the best score of any open model so far."
    return {
        "doc": "b.txt", "source": "test",
        "models": [["Qwen3-Max"]],
        "benchmarks": [["GPQA Diamond"]],
        "figures": [{"value": 88.4, "value_high": None, "unit": "%", "kind": "score",
                     "model": ["Qwen3-Max"], "benchmark": ["GPQA Diamond"], "sentence": s}],
        "claims": [
            {"text": s, "dimensions": ["reasoning"], "stance": "convergence", "hedged": False},
            {"text": "Analysts warn that benchmark contamination may overstate how close open "
                     "models are.", "dimensions": ["evaluation"], "stance": "divergence",
             "hedged": True},
        ],
        "non_claims": ["Weekly roundup"],
        "forecasts": [],
    }


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test root, so `eval` stays a subcommand."""

    register(app)
    return app


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(DOC_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DOC_B, encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps(_gold_a()), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(_gold_b()), encoding="utf-8")
    return tmp_path


def test_eval_tables(corpus: Path) -> None:
    result = CliRunner().invoke(_app(), ["eval", str(corpus), str(corpus), "--details",
                                         "--errors", "2"])
    assert result.exit_code == 0, result.output
    for name in ("models F1", "benchmarks F1", "figures (value + links) F1",
                 "figures value-only recall", "claim recall", "non-claim false-positive rate",
                 "dimension micro-F1", "stance accuracy", "stance macro-F1", "hedge accuracy",
                 "forecast recall", "stance confusion", "dimensions over matched claims",
                 "per document", "a.txt", "b.txt"):
        assert name in result.stdout, name


def test_eval_json(corpus: Path) -> None:
    result = CliRunner().invoke(_app(), ["eval", str(corpus), str(corpus), "--json",
                                         "--details"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert obj["documents"] == 2
    assert set(obj["summary"]) >= {"models_f1", "benchmarks_f1", "figures_f1",
                                   "figures_value_recall", "claim_recall", "non_claim_fp_rate",
                                   "dimension_micro_f1", "stance_accuracy", "stance_macro_f1",
                                   "hedge_accuracy", "forecast_recall"}
    assert obj["metrics"]["models"]["gold"] == 3
    assert obj["metrics"]["claims"]["gold"] == 4
    assert obj["summary"]["forecast_recall"] is None  # no gold forecasts: undefined
    assert len(obj["stance_confusion"]["matrix"]) == 3
    assert "coding" in obj["per_dimension"]
    assert [d["doc"] for d in obj["per_document"]] == ["a.txt", "b.txt"]
    assert obj["extractor_version"]


def test_missing_doc_is_listed(corpus: Path) -> None:
    (corpus / "b.txt").unlink()
    result = CliRunner().invoke(_app(), ["eval", str(corpus), str(corpus)])
    assert result.exit_code == 2
    assert "b.txt" in result.stderr and "not found" in result.stderr


def test_invalid_gold_names_file(corpus: Path) -> None:
    (corpus / "b.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["eval", str(corpus), str(corpus)])
    assert result.exit_code == 2
    assert "b.json" in result.stderr and "invalid JSON" in result.stderr


def test_empty_gold_dir(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["eval", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 2
    assert "no gold" in result.stderr


def test_invalid_label_names_file_and_spot(corpus: Path) -> None:
    bad = _gold_a()
    bad["claims"][1]["stance"] = "sideways"
    (corpus / "a.json").write_text(json.dumps(bad), encoding="utf-8")
    result = CliRunner().invoke(_app(), ["eval", str(corpus), str(corpus), "--json"])
    assert result.exit_code == 2
    assert "a.json claims[1]" in result.stderr and "'sideways'" in result.stderr
    assert result.stdout == ""
