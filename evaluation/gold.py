"""Load gold annotation files (../shared/GOLD_FORMAT.md) into typed, validated values.

Why validate here and not only in the corpus check scripts: a gold file with a typo in
a label or a wrong type would otherwise turn silently into a wrong score, so the
harness refuses to score anything it cannot read exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from models.taxonomy import DIMENSIONS, FIGURE_KINDS, STANCES

TOP_KEYS: frozenset[str] = frozenset({
    "doc", "source", "models", "benchmarks", "figures", "claims", "non_claims", "forecasts",
})
FIGURE_KEYS: frozenset[str] = frozenset({
    "value", "value_high", "unit", "kind", "model", "benchmark", "sentence",
})
CLAIM_KEYS: frozenset[str] = frozenset({"text", "dimensions", "stance", "hedged"})
FORECAST_KEYS: frozenset[str] = frozenset({"issuer", "probability", "conditional"})


class GoldError(ValueError):
    """A gold file that cannot be scored against; the message names the file and the spot."""


@dataclass(frozen=True, slots=True)
class GoldFigure:
    value: float
    value_high: float | None
    unit: str | None
    kind: str
    model: tuple[str, ...] | None  # surface forms, None when the sentence ties no model
    benchmark: tuple[str, ...] | None
    sentence: str


@dataclass(frozen=True, slots=True)
class GoldClaim:
    text: str
    dimensions: tuple[str, ...]
    stance: str
    hedged: bool


@dataclass(frozen=True, slots=True)
class GoldForecast:
    issuer: str | None
    probability: float
    conditional: bool


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One annotated document; `models`/`benchmarks` hold one tuple of surface forms each."""

    doc: str
    source: str | None
    models: tuple[tuple[str, ...], ...]
    benchmarks: tuple[tuple[str, ...], ...]
    figures: tuple[GoldFigure, ...]
    claims: tuple[GoldClaim, ...]
    non_claims: tuple[str, ...]
    forecasts: tuple[GoldForecast, ...]
    path: str | None = None  # where it was loaded from, for messages


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _fail(where: str, msg: str) -> NoReturn:
    raise GoldError(f"{where}: {msg}")


def _keys(where: str, obj: Any, expected: frozenset[str]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        _fail(where, f"expected an object, got {type(obj).__name__}")
    missing = expected - set(obj)
    extra = set(obj) - expected
    if missing:
        _fail(where, f"missing keys {sorted(missing)}")
    if extra:
        _fail(where, f"unknown keys {sorted(extra)}")
    return obj


def _forms(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        _fail(where, "expected a non-empty list of surface forms")
    for form in value:
        if not isinstance(form, str) or not form.strip():
            _fail(where, f"surface form must be a non-empty string, got {form!r}")
    return tuple(value)


def _names(where: str, value: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        _fail(where, "expected a list of surface-form lists")
    return tuple(_forms(f"{where}[{i}]", entry) for i, entry in enumerate(value))


def _figure(where: str, raw: Any) -> GoldFigure:
    f = _keys(where, raw, FIGURE_KEYS)
    if not _is_number(f["value"]):
        _fail(where, f"value must be a number, got {f['value']!r}")
    high = f["value_high"]
    if high is not None and not _is_number(high):
        _fail(where, f"value_high must be a number or null, got {high!r}")
    if f["unit"] is not None and not isinstance(f["unit"], str):
        _fail(where, f"unit must be a string or null, got {f['unit']!r}")
    if f["kind"] not in FIGURE_KINDS:
        _fail(where, f"kind {f['kind']!r} is not one of {', '.join(FIGURE_KINDS)}")
    if not isinstance(f["sentence"], str):
        _fail(where, "sentence must be a string")
    model = None if f["model"] is None else _forms(f"{where}.model", f["model"])
    bench = None if f["benchmark"] is None else _forms(f"{where}.benchmark", f["benchmark"])
    return GoldFigure(value=float(f["value"]), value_high=None if high is None else float(high),
                      unit=f["unit"], kind=f["kind"], model=model, benchmark=bench,
                      sentence=f["sentence"])


def _claim(where: str, raw: Any) -> GoldClaim:
    c = _keys(where, raw, CLAIM_KEYS)
    if not isinstance(c["text"], str) or not c["text"].strip():
        _fail(where, "text must be a non-empty string")
    dims = c["dimensions"]
    if not isinstance(dims, list) or not dims:
        _fail(where, "dimensions must be a non-empty list")
    for d in dims:
        if d not in DIMENSIONS:
            _fail(where, f"dimension {d!r} is not a taxonomy label")
    if c["stance"] not in STANCES:
        _fail(where, f"stance {c['stance']!r} is not one of {', '.join(STANCES)}")
    if not isinstance(c["hedged"], bool):
        _fail(where, f"hedged must be true or false, got {c['hedged']!r}")
    return GoldClaim(text=c["text"], dimensions=tuple(dict.fromkeys(dims)),
                     stance=c["stance"], hedged=c["hedged"])


def _forecast(where: str, raw: Any) -> GoldForecast:
    f = _keys(where, raw, FORECAST_KEYS)
    p = f["probability"]
    if not _is_number(p) or not 0.0 <= p <= 1.0:
        _fail(where, f"probability must be a number in 0..1, got {p!r}")
    if f["issuer"] is not None and not isinstance(f["issuer"], str):
        _fail(where, f"issuer must be a string or null, got {f['issuer']!r}")
    if not isinstance(f["conditional"], bool):
        _fail(where, f"conditional must be true or false, got {f['conditional']!r}")
    return GoldForecast(issuer=f["issuer"], probability=float(p), conditional=f["conditional"])


def parse_gold(data: Any, where: str = "<gold>") -> GoldDoc:
    """Validate one decoded gold object; `where` prefixes every error message."""
    d = _keys(where, data, TOP_KEYS)
    if not isinstance(d["doc"], str) or not d["doc"].strip():
        _fail(where, "doc must be a non-empty file name")
    if Path(d["doc"]).name != d["doc"]:
        _fail(where, f"doc must be a bare file name, got {d['doc']!r}")
    if d["source"] is not None and not isinstance(d["source"], str):
        _fail(where, "source must be a string or null")
    for key in ("figures", "claims", "non_claims", "forecasts"):
        if not isinstance(d[key], list):
            _fail(where, f"{key} must be a list")
    for i, nc in enumerate(d["non_claims"]):
        if not isinstance(nc, str) or not nc.strip():
            _fail(where, f"non_claims[{i}] must be a non-empty string")
    return GoldDoc(
        doc=d["doc"],
        source=d["source"],
        models=_names(f"{where} models", d["models"]),
        benchmarks=_names(f"{where} benchmarks", d["benchmarks"]),
        figures=tuple(_figure(f"{where} figures[{i}]", f) for i, f in enumerate(d["figures"])),
        claims=tuple(_claim(f"{where} claims[{i}]", c) for i, c in enumerate(d["claims"])),
        non_claims=tuple(d["non_claims"]),
        forecasts=tuple(_forecast(f"{where} forecasts[{i}]", f)
                        for i, f in enumerate(d["forecasts"])),
    )


def load_gold_file(path: Path) -> GoldDoc:
    """Read and validate one gold JSON file; every failure is a GoldError naming the file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read: {exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}: invalid JSON: {exc}") from exc
    gold = parse_gold(data, where=str(path))
    return replace(gold, path=str(path))


def load_gold_dir(gold_dir: Path) -> list[GoldDoc]:
    """Every *.json in the directory (sorted by name), validated; duplicate docs are an error."""
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: not a directory")
    docs = [load_gold_file(p) for p in sorted(gold_dir.glob("*.json"))]
    seen: dict[str, str | None] = {}
    for g in docs:
        if g.doc in seen:
            raise GoldError(f"{g.path}: doc {g.doc!r} is also annotated in {seen[g.doc]}")
        seen[g.doc] = g.path
    return docs


def text_warnings(gold: GoldDoc, text: str) -> list[str]:
    """Gold strings that are not exact substrings of the document: matching still runs,
    but such an annotation has drifted from its text and deserves a look."""
    out: list[str] = []
    for c in gold.claims:
        if c.text not in text:
            out.append(f"{gold.doc}: claim not in doc: {c.text[:70]!r}")
    for nc in gold.non_claims:
        if nc not in text:
            out.append(f"{gold.doc}: non-claim not in doc: {nc[:70]!r}")
    for f in gold.figures:
        if f.sentence not in text:
            out.append(f"{gold.doc}: figure sentence not in doc: {f.sentence[:70]!r}")
    return out
