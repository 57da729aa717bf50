"""Validate gold annotation files against their documents (stdlib only).

Usage: python data/gold/check_gold.py GOLD_DIR DOCS_DIR

Why: the evaluation matches extractor output to gold by exact labels and by
substrings of the document, so a typo in a label or a sentence that drifted
from the text silently turns into a wrong score. This script catches both
before anyone trusts a number computed from the gold.

Errors (exit code 1) break the contract of shared/GOLD_FORMAT.md; warnings
(printed, exit code unaffected) point at things worth a second look.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

# The label contract (shared/taxonomy.md, models/taxonomy.py), copied so the
# script runs with nothing but the standard library.
DIMENSIONS: frozenset[str] = frozenset({
    "overall", "coding", "reasoning", "multimodal", "long_context", "agentic",
    "reliability", "evaluation", "compute", "talent", "data", "methods", "cost",
    "adoption", "policy", "funding",
})
STANCES: frozenset[str] = frozenset({"convergence", "divergence", "neutral"})
FIGURE_KINDS: frozenset[str] = frozenset({
    "score", "gap", "lag", "share", "cost", "size", "count", "rank", "elo",
})
TOP_KEYS: tuple[str, ...] = (
    "doc", "source", "models", "benchmarks", "figures", "claims", "non_claims", "forecasts",
)
FIGURE_KEYS: frozenset[str] = frozenset({
    "value", "value_high", "unit", "kind", "model", "benchmark", "sentence",
})
CLAIM_KEYS: frozenset[str] = frozenset({"text", "dimensions", "stance", "hedged"})
FORECAST_KEYS: frozenset[str] = frozenset({"issuer", "probability", "conditional"})
# Units the figure kinds are expected to carry; anything else is only a warning.
KIND_UNITS: dict[str, set[str | None]] = {
    "score": {"%", "pp", None, "points"},
    "gap": {"%", "pp", "points", "elo", "x", "months", None},
    "lag": {"months", "weeks", "years", "days"},
    "share": {"%"},
    "cost": {"x", "$", "EUR", "%", None},
    "size": {"B", "T", "M"},
    "count": {None, "x"},
    "rank": {None},
    "elo": {"elo"},
}


def _norm(name: str) -> str:
    """The scorer's name comparison: lower-case, keep only a-z and 0-9."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _number_forms(value: float) -> list[str]:
    """Ways a value may be written in a sentence (48.6, 48, 1,200, 1200)."""
    forms = {repr(value), str(value)}
    if float(value).is_integer():
        iv = int(value)
        forms |= {str(iv), f"{iv:,}"}
    else:
        forms.add(f"{value:g}")
    return sorted(forms)


class Report:
    """Collects errors and warnings per file so the summary can count them."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"ERROR {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"warn  {where}: {msg}")


def _check_names(rep: Report, where: str, key: str, value: Any, text: str) -> set[str]:
    """models / benchmarks: list of non-empty lists of surface forms found in the doc."""
    forms: set[str] = set()
    if not isinstance(value, list):
        rep.err(where, f"{key} must be a list")
        return forms
    seen_norm: dict[str, int] = {}
    for i, entry in enumerate(value):
        w = f"{where} {key}[{i}]"
        if not isinstance(entry, list) or not entry:
            rep.err(w, "entry must be a non-empty list of surface forms")
            continue
        for form in entry:
            if not isinstance(form, str) or not form.strip():
                rep.err(w, f"surface form must be a non-empty string: {form!r}")
                continue
            if form not in text:
                rep.err(w, f"surface form not in doc: {form!r}")
            n = _norm(form)
            if n in seen_norm and seen_norm[n] != i:
                rep.err(w, f"surface form {form!r} also in entry {seen_norm[n]}")
            seen_norm[n] = i
            forms.add(form)
    return forms


def _check_figure(rep: Report, where: str, fig: Any, text: str,
                  models: set[str], benches: set[str]) -> None:
    if not isinstance(fig, dict):
        rep.err(where, "figure must be an object")
        return
    keys = set(fig)
    if keys != FIGURE_KEYS:
        rep.err(where, f"keys {sorted(keys)} != {sorted(FIGURE_KEYS)}")
    value, high = fig.get("value"), fig.get("value_high")
    if not _is_number(value):
        rep.err(where, f"value must be a number: {value!r}")
    if high is not None:
        if not _is_number(high):
            rep.err(where, f"value_high must be a number or null: {high!r}")
        elif _is_number(value) and high < value:
            rep.err(where, f"value_high {high} < value {value}")
    unit, kind = fig.get("unit"), fig.get("kind")
    if unit is not None and (not isinstance(unit, str) or not unit):
        rep.err(where, f"unit must be a non-empty string or null: {unit!r}")
    if kind not in FIGURE_KINDS:
        rep.err(where, f"kind {kind!r} not in {sorted(FIGURE_KINDS)}")
    elif unit not in KIND_UNITS[kind]:
        rep.warn(where, f"unusual unit {unit!r} for kind {kind!r}")
    sentence = fig.get("sentence")
    if not isinstance(sentence, str) or not sentence:
        rep.err(where, "sentence must be a non-empty string")
        sentence = ""
    elif sentence not in text:
        rep.err(where, f"sentence not in doc: {sentence[:80]!r}")
    for key, known in (("model", models), ("benchmark", benches)):
        tied = fig.get(key)
        if tied is None:
            continue
        if not isinstance(tied, list) or not tied or not all(isinstance(t, str) for t in tied):
            rep.err(where, f"{key} must be null or a non-empty list of strings")
            continue
        for t in tied:
            if t not in known:
                rep.err(where, f"{key} form {t!r} is not listed in the doc's {key}s")
        # Table rows ("MMMU | 81.4 | 83.0") name the model in the header line, not the row.
        if sentence and "|" not in sentence and not any(t in sentence for t in tied):
            rep.warn(where, f"no {key} form of {tied} appears in the sentence")
    if _is_number(value) and sentence:
        digits = re.sub(r"(?<=\d),(?=\d{3})", "", sentence)
        if not any(f in sentence or f in digits for f in _number_forms(value)):
            rep.warn(where, f"value {value} not written as digits in the sentence")


def _check_claim(rep: Report, where: str, claim: Any, text: str) -> str | None:
    if not isinstance(claim, dict):
        rep.err(where, "claim must be an object")
        return None
    if set(claim) != CLAIM_KEYS:
        rep.err(where, f"keys {sorted(claim)} != {sorted(CLAIM_KEYS)}")
    ctext = claim.get("text")
    if not isinstance(ctext, str) or not ctext:
        rep.err(where, "text must be a non-empty string")
        ctext = None
    elif ctext not in text:
        rep.err(where, f"text not in doc: {ctext[:80]!r}")
    dims = claim.get("dimensions")
    if not isinstance(dims, list) or not dims:
        rep.err(where, "dimensions must be a non-empty list")
    else:
        for d in dims:
            if d not in DIMENSIONS:
                rep.err(where, f"dimension {d!r} not in taxonomy")
        if len(set(dims)) != len(dims):
            rep.err(where, f"duplicate dimensions {dims}")
    if claim.get("stance") not in STANCES:
        rep.err(where, f"stance {claim.get('stance')!r} not in {sorted(STANCES)}")
    if not isinstance(claim.get("hedged"), bool):
        rep.err(where, f"hedged must be true/false: {claim.get('hedged')!r}")
    return ctext


def _check_forecast(rep: Report, where: str, fc: Any) -> None:
    if not isinstance(fc, dict):
        rep.err(where, "forecast must be an object")
        return
    if set(fc) != FORECAST_KEYS:
        rep.err(where, f"keys {sorted(fc)} != {sorted(FORECAST_KEYS)}")
    issuer = fc.get("issuer")
    if issuer is not None and (not isinstance(issuer, str) or not issuer):
        rep.err(where, f"issuer must be a non-empty string or null: {issuer!r}")
    p = fc.get("probability")
    if not _is_number(p) or not 0 <= p <= 1:
        rep.err(where, f"probability must be a number in 0..1: {p!r}")
    if not isinstance(fc.get("conditional"), bool):
        rep.err(where, f"conditional must be true/false: {fc.get('conditional')!r}")


def check_file(rep: Report, path: Path, docs_dir: Path) -> dict[str, Any] | None:
    """Check one gold JSON file; return it (for the summary) when it parsed."""
    where = path.name
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        rep.err(where, f"cannot read JSON: {exc}")
        return None
    if not isinstance(gold, dict):
        rep.err(where, "top level must be an object")
        return None
    if list(gold) != list(TOP_KEYS):
        missing = [k for k in TOP_KEYS if k not in gold]
        extra = [k for k in gold if k not in TOP_KEYS]
        if missing or extra:
            rep.err(where, f"missing keys {missing}, unexpected keys {extra}")
        else:
            rep.warn(where, f"keys not in the GOLD_FORMAT order {list(TOP_KEYS)}")
    doc = gold.get("doc")
    if not isinstance(doc, str) or not doc:
        rep.err(where, "doc must be a file name")
        return None
    doc_path = docs_dir / doc
    if not doc_path.is_file():
        rep.err(where, f"doc file not found: {doc_path}")
        return None
    if not isinstance(gold.get("source"), str) or not gold["source"]:
        rep.err(where, "source must be a non-empty string")
    text = doc_path.read_text(encoding="utf-8")
    models = _check_names(rep, where, "models", gold.get("models"), text)
    benches = _check_names(rep, where, "benchmarks", gold.get("benchmarks"), text)
    figures = gold.get("figures")
    if not isinstance(figures, list):
        rep.err(where, "figures must be a list")
    else:
        for i, fig in enumerate(figures):
            _check_figure(rep, f"{where} figures[{i}]", fig, text, models, benches)
    claim_texts: list[str] = []
    claims = gold.get("claims")
    if not isinstance(claims, list):
        rep.err(where, "claims must be a list")
    else:
        for i, claim in enumerate(claims):
            ct = _check_claim(rep, f"{where} claims[{i}]", claim, text)
            if ct is not None:
                if ct in claim_texts:
                    rep.err(f"{where} claims[{i}]", f"duplicate claim text {ct[:60]!r}")
                claim_texts.append(ct)
    non_claims = gold.get("non_claims")
    if not isinstance(non_claims, list):
        rep.err(where, "non_claims must be a list")
    else:
        for i, nc in enumerate(non_claims):
            w = f"{where} non_claims[{i}]"
            if not isinstance(nc, str) or not nc:
                rep.err(w, "must be a non-empty string")
            elif nc not in text:
                rep.err(w, f"not in doc: {nc[:80]!r}")
            elif any(nc in ct or ct in nc for ct in claim_texts):
                rep.err(w, f"overlaps a claim: {nc[:60]!r}")
    forecasts = gold.get("forecasts")
    if not isinstance(forecasts, list):
        rep.err(where, "forecasts must be a list")
    else:
        for i, fc in enumerate(forecasts):
            _check_forecast(rep, f"{where} forecasts[{i}]", fc)
    return gold


def summarize(golds: list[dict[str, Any]]) -> str:
    """Counts that tell a reader what the gold covers."""
    stance: dict[str, int] = {s: 0 for s in sorted(STANCES)}
    dims: dict[str, int] = {d: 0 for d in sorted(DIMENSIONS)}
    kinds: dict[str, int] = {k: 0 for k in sorted(FIGURE_KINDS)}
    n_models = n_bench = n_fig = n_claims = n_hedged = n_nc = n_fc = n_cond = 0
    for g in golds:
        n_models += len(g.get("models") or [])
        n_bench += len(g.get("benchmarks") or [])
        for f in g.get("figures") or []:
            n_fig += 1
            if isinstance(f, dict) and f.get("kind") in kinds:
                kinds[f["kind"]] += 1
        for c in g.get("claims") or []:
            if not isinstance(c, dict):
                continue
            n_claims += 1
            n_hedged += c.get("hedged") is True
            if c.get("stance") in stance:
                stance[c["stance"]] += 1
            for d in c.get("dimensions") or []:
                if d in dims:
                    dims[d] += 1
        n_nc += len(g.get("non_claims") or [])
        for fc in g.get("forecasts") or []:
            n_fc += 1
            n_cond += isinstance(fc, dict) and fc.get("conditional") is True
    lines = [
        f"docs {len(golds)}  models {n_models}  benchmarks {n_bench}  figures {n_fig}  "
        f"claims {n_claims} (hedged {n_hedged})  non_claims {n_nc}  "
        f"forecasts {n_fc} (conditional {n_cond})",
        "stance: " + "  ".join(f"{k} {v}" for k, v in stance.items()),
        "figure kinds: " + "  ".join(f"{k} {v}" for k, v in kinds.items()),
        "dimensions: " + "  ".join(f"{k} {v}" for k, v in dims.items()),
    ]
    uncovered = [d for d, v in dims.items() if v == 0]
    if uncovered:
        lines.append(f"dimensions with no claim: {uncovered}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    gold_dir, docs_dir = Path(argv[1]), Path(argv[2])
    if not gold_dir.is_dir() or not docs_dir.is_dir():
        print(f"not a directory: {gold_dir if not gold_dir.is_dir() else docs_dir}",
              file=sys.stderr)
        return 2
    rep = Report()
    golds: list[dict[str, Any]] = []
    annotated: set[str] = set()
    for path in sorted(gold_dir.glob("*.json")):
        gold = check_file(rep, path, docs_dir)
        if gold is not None:
            golds.append(gold)
            doc = str(gold.get("doc"))
            if doc in annotated:
                rep.err(path.name, f"doc {doc} annotated by more than one file")
            annotated.add(doc)
    for doc_path in sorted(docs_dir.glob("*.txt")):
        if doc_path.name not in annotated:
            rep.err(doc_path.name, "document has no gold file")
    for line in rep.warnings + rep.errors:
        print(line)
    print(summarize(golds))
    print(f"{len(rep.errors)} error(s), {len(rep.warnings)} warning(s)")
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
