"""Gold loading: the repo's gold files load, and broken ones fail with the file named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluation.gold import GoldError, load_gold_dir, load_gold_file, parse_gold, text_warnings

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"


def _raw(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "doc": "x.txt", "source": "t", "models": [["GPT-4o"]], "benchmarks": [],
        "figures": [{"value": 1, "value_high": None, "unit": "x", "kind": "cost",
                     "model": ["GPT-4o"], "benchmark": None, "sentence": "GPT-4o is 1x."}],
        "claims": [{"text": "GPT-4o is 1x.", "dimensions": ["cost"], "stance": "neutral",
                    "hedged": False}],
        "non_claims": ["Heading"], "forecasts": [],
    }
    base.update(over)
    return base


@pytest.mark.parametrize("split", ["dev", "seeds"])
def test_repo_gold_dirs_load(split: str) -> None:
    docs = load_gold_dir(GOLD / split)
    assert docs and all(d.path and d.doc.endswith(".txt") for d in docs)
    assert all(isinstance(m, tuple) for d in docs for m in d.models)


def test_typed_values() -> None:
    g = parse_gold(_raw())
    assert g.models == (("GPT-4o",),)
    assert g.figures[0].value == 1.0 and g.figures[0].model == ("GPT-4o",)
    assert g.claims[0].dimensions == ("cost",)


@pytest.mark.parametrize(("over", "needle"), [
    ({"claims": [{"text": "a", "dimensions": ["vibes"], "stance": "neutral",
                  "hedged": False}]}, "dimension 'vibes'"),
    ({"claims": [{"text": "a", "dimensions": ["cost"], "stance": "up", "hedged": False}]},
     "stance 'up'"),
    ({"figures": [{"value": "12", "value_high": None, "unit": None, "kind": "score",
                   "model": None, "benchmark": None, "sentence": "s"}]}, "value must be"),
    ({"figures": [{"value": 1, "value_high": None, "unit": None, "kind": "speed",
                   "model": None, "benchmark": None, "sentence": "s"}]}, "kind 'speed'"),
    ({"models": [[]]}, "models[0]"),
    ({"forecasts": [{"issuer": "X", "probability": 69, "conditional": False}]}, "0..1"),
    ({"doc": "../x.txt"}, "bare file name"),
])
def test_invalid_values_are_named(over: dict[str, Any], needle: str) -> None:
    with pytest.raises(GoldError, match=None) as info:
        parse_gold(_raw(**over), where="f.json")
    assert needle in str(info.value) and str(info.value).startswith("f.json")


def test_missing_and_unknown_keys() -> None:
    raw = _raw()
    del raw["forecasts"]
    with pytest.raises(GoldError, match="missing keys"):
        parse_gold(raw)
    with pytest.raises(GoldError, match="unknown keys"):
        parse_gold({**_raw(), "notes": "x"})


def test_invalid_json_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "broken.json"
    p.write_text('{"doc": "x.txt",', encoding="utf-8")
    with pytest.raises(GoldError, match="broken.json: invalid JSON"):
        load_gold_file(p)


def test_duplicate_doc_is_rejected(tmp_path: Path) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(_raw()), encoding="utf-8")
    with pytest.raises(GoldError, match="also annotated"):
        load_gold_dir(tmp_path)


def test_text_warnings_flag_drifted_annotations() -> None:
    g = parse_gold(_raw())
    assert text_warnings(g, "Heading\nGPT-4o is 1x.") == []
    warns = text_warnings(g, "Heading\nGPT-4o is 2x.")
    assert len(warns) == 2 and all(w.startswith("x.txt") for w in warns)
