"""Validate the held-out TEST split of the gapwatch gold corpus.

Why: gold files are hand-written; a single non-substring sentence or a stray label
silently corrupts every evaluation run against them. Stdlib only so it runs anywhere.
Usage: python data/gold/test/_check.py [--quiet]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TAXONOMY = Path("/work/shared/taxonomy.md")
SOURCE = "written for gapwatch gold corpus (test)"
KEYS = ["doc", "source", "models", "benchmarks", "figures", "claims", "non_claims", "forecasts"]
FIGURE_KEYS = {"value", "value_high", "unit", "kind", "model", "benchmark", "sentence"}
CLAIM_KEYS = {"text", "dimensions", "stance", "hedged"}
FORECAST_KEYS = {"issuer", "probability", "conditional"}

DIMENSIONS = {
    "overall", "coding", "reasoning", "multimodal", "long_context", "agentic", "reliability",
    "evaluation", "compute", "talent", "data", "methods", "cost", "adoption", "policy", "funding",
}
STANCES = {"convergence", "divergence", "neutral"}
# Taxonomy lists score..rank in its Figures section and names Elo among the figure examples.
KINDS = {"score", "gap", "lag", "share", "cost", "size", "count", "rank", "elo"}
DOC_RANGE = range(51, 73)


def taxonomy_labels() -> set[str]:
    """Backticked labels from the shared taxonomy, so a renamed label is caught here."""
    if not TAXONOMY.exists():
        return set()
    return set(re.findall(r"^\| `([a-z_]+)` \|", TAXONOMY.read_text(encoding="utf-8"), re.M))


def numbers_in(sentence: str) -> set[float]:
    """Numbers written in a sentence (why: catch figures whose value is mistyped)."""
    plain = re.sub(r"(?<=\d),(?=\d{3})", "", sentence)
    return {float(x) for x in re.findall(r"\d+(?:\.\d+)?", plain)}


def check_surface_list(name: str, val: Any, text_low: str, errs: list[str]) -> None:
    """models / benchmarks: list of non-empty lists of surface forms found in the text."""
    if not isinstance(val, list):
        errs.append(f"{name}: not a list")
        return
    seen: set[str] = set()
    for entry in val:
        if not (isinstance(entry, list) and entry and all(isinstance(s, str) and s for s in entry)):
            errs.append(f"{name}: bad entry {entry!r}")
            continue
        for s in entry:
            if s.lower() not in text_low:
                errs.append(f"{name}: surface form not in text: {s!r}")
            if s.lower() in seen:
                errs.append(f"{name}: surface form listed twice: {s!r}")
            seen.add(s.lower())


def check_doc(js_path: Path, errs: list[str], warns: list[str]) -> dict[str, Any]:
    """Check one annotation file; returns it for the corpus-level summary."""
    data = json.loads(js_path.read_text(encoding="utf-8"))
    if list(data) != KEYS:
        errs.append(f"keys {list(data)} != {KEYS}")
    txt_path = js_path.with_suffix(".txt")
    if data.get("doc") != txt_path.name:
        errs.append(f"doc field {data.get('doc')!r} != {txt_path.name!r}")
    if not txt_path.exists():
        errs.append("missing .txt")
        return data
    text = txt_path.read_text(encoding="utf-8")
    low = text.lower()
    words = len(text.split())
    if not 150 <= words <= 600:
        errs.append(f"word count {words} outside 150-600")
    if "\r" in text or "\t" in text:
        warns.append("text contains CR or TAB")
    if data.get("source") != SOURCE:
        errs.append("source field wrong")
    check_surface_list("models", data.get("models"), low, errs)
    check_surface_list("benchmarks", data.get("benchmarks"), low, errs)
    model_forms = {s for e in data.get("models", []) for s in e}
    bench_forms = {s for e in data.get("benchmarks", []) for s in e}

    for i, f in enumerate(data.get("figures", [])):
        tag = f"figure[{i}]"
        if set(f) != FIGURE_KEYS:
            errs.append(f"{tag}: keys {sorted(f)}")
            continue
        v, vh = f["value"], f["value_high"]
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            errs.append(f"{tag}: value not a number")
            continue
        if vh is not None and (not isinstance(vh, (int, float)) or vh < v):
            errs.append(f"{tag}: value_high {vh!r} < value {v!r} or not a number")
        if f["kind"] not in KINDS:
            errs.append(f"{tag}: kind {f['kind']!r} invalid")
        if not isinstance(f["unit"], str):
            errs.append(f"{tag}: unit not a string")
        sent = f["sentence"]
        if not isinstance(sent, str) or sent not in text:
            errs.append(f"{tag}: sentence not an exact substring: {sent!r}")
            continue
        written = numbers_in(sent)
        for val in [v] + ([vh] if vh is not None else []):
            if float(val) not in written:
                warns.append(f"{tag}: value {val} not written in sentence {sent[:60]!r}")
        for key, forms in (("model", model_forms), ("benchmark", bench_forms)):
            ref = f[key]
            if ref is None:
                continue
            if not (isinstance(ref, list) and ref and all(isinstance(s, str) for s in ref)):
                errs.append(f"{tag}: {key} must be null or list of strings")
                continue
            for s in ref:
                if s not in forms:
                    errs.append(f"{tag}: {key} form {s!r} not in the doc's {key}s list")
            if " | " not in sent and not any(s.lower() in sent.lower() for s in ref):
                warns.append(f"{tag}: no {key} form of {ref} inside its sentence")

    claim_texts: list[str] = []
    for i, c in enumerate(data.get("claims", [])):
        tag = f"claim[{i}]"
        if set(c) != CLAIM_KEYS:
            errs.append(f"{tag}: keys {sorted(c)}")
            continue
        if not isinstance(c["text"], str) or c["text"] not in text:
            errs.append(f"{tag}: text not an exact substring: {c['text']!r}")
        dims = c["dimensions"]
        if not (isinstance(dims, list) and dims and set(dims) <= DIMENSIONS):
            errs.append(f"{tag}: bad dimensions {dims!r}")
        elif len(set(dims)) != len(dims):
            errs.append(f"{tag}: duplicate dimensions")
        if c["stance"] not in STANCES:
            errs.append(f"{tag}: bad stance {c['stance']!r}")
        if not isinstance(c["hedged"], bool):
            errs.append(f"{tag}: hedged not bool")
        if c["text"] in claim_texts:
            errs.append(f"{tag}: duplicate claim")
        claim_texts.append(c["text"])

    for i, n in enumerate(data.get("non_claims", [])):
        if not isinstance(n, str) or n not in text:
            errs.append(f"non_claim[{i}] not an exact substring: {n!r}")
        elif any(n in t or t in n for t in claim_texts):
            errs.append(f"non_claim[{i}] overlaps a claim: {n!r}")

    for i, fc in enumerate(data.get("forecasts", [])):
        tag = f"forecast[{i}]"
        if set(fc) != FORECAST_KEYS:
            errs.append(f"{tag}: keys {sorted(fc)}")
            continue
        p = fc["probability"]
        if not isinstance(fc["issuer"], str) or not fc["issuer"]:
            errs.append(f"{tag}: issuer empty")
        if not isinstance(p, (int, float)) or not 0 <= p <= 1:
            errs.append(f"{tag}: probability {p!r} not in 0..1")
        if not isinstance(fc["conditional"], bool):
            errs.append(f"{tag}: conditional not bool")
        elif fc["issuer"].lower() not in low:
            warns.append(f"{tag}: issuer {fc['issuer']!r} not in text")
    if len(data.get("claims", [])) < 6:
        warns.append(f"only {len(data.get('claims', []))} claims")
    if not 2 <= len(data.get("non_claims", [])) <= 4:
        warns.append(f"{len(data.get('non_claims', []))} non_claims (want 2-4)")
    return data


def main() -> int:
    """Check every NN_slug.json, print problems and corpus counts; exit 1 on any error."""
    quiet = "--quiet" in sys.argv
    tax = taxonomy_labels()
    total_errs = 0
    if tax and not tax >= (DIMENSIONS | STANCES):
        print(f"TAXONOMY: labels missing from taxonomy.md: {(DIMENSIONS | STANCES) - tax}")
        total_errs += 1
    docs: list[dict[str, Any]] = []
    jsons = sorted(HERE.glob("[0-9][0-9]_*.json"))
    txts = sorted(HERE.glob("[0-9][0-9]_*.txt"))
    for t in txts:
        if not t.with_suffix(".json").exists():
            print(f"{t.name}: no annotation file")
            total_errs += 1
    if len(jsons) != len(DOC_RANGE):
        print(f"note: {len(jsons)} annotated docs, expected {len(DOC_RANGE)}")
    nums = Counter(int(p.name[:2]) for p in jsons)
    for n in nums:
        if n not in DOC_RANGE or nums[n] > 1:
            print(f"doc number {n} out of range or duplicated")
            total_errs += 1
    for p in jsons:
        errs: list[str] = []
        warns: list[str] = []
        try:
            docs.append(check_doc(p, errs, warns))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            errs.append(f"cannot check: {exc!r}")
        for e in errs:
            print(f"ERROR {p.name}: {e}")
        if not quiet:
            for w in warns:
                print(f"warn  {p.name}: {w}")
        total_errs += len(errs)

    stances = Counter(c["stance"] for d in docs for c in d.get("claims", []))
    dims = Counter(x for d in docs for c in d.get("claims", []) for x in c["dimensions"])
    kinds = Counter(f["kind"] for d in docs for f in d.get("figures", []))
    hedged = sum(c["hedged"] for d in docs for c in d.get("claims", []))
    fcs = [f for d in docs for f in d.get("forecasts", [])]
    print(f"docs={len(docs)} models={sum(len(d['models']) for d in docs)} "
          f"benchmarks={sum(len(d['benchmarks']) for d in docs)} "
          f"figures={sum(len(d['figures']) for d in docs)} "
          f"claims={sum(stances.values())} hedged={hedged} "
          f"non_claims={sum(len(d['non_claims']) for d in docs)} "
          f"forecasts={len(fcs)} (conditional={sum(f['conditional'] for f in fcs)})")
    print("stance:", dict(stances))
    print("figure kinds:", dict(kinds))
    print("dimensions:", dict(sorted(dims.items())))
    missing = DIMENSIONS - set(dims)
    if docs and missing:
        print(f"coverage: dimensions with no claim: {sorted(missing)}")
    print(f"errors={total_errs}")
    return 1 if total_errs else 0


if __name__ == "__main__":
    sys.exit(main())
