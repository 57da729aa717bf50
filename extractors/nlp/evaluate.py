"""Score the extractor against gold files (shared/GOLD_FORMAT.md rules), for tuning.

    python -m extractors.nlp.evaluate data/gold/dev [--docs DIR] [-v]

Each gold JSON names its document ("doc"); the text is looked up next to the
JSON or in --docs. Prints micro P/R/F1 per layer and, with -v, the misses.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from . import get_extractor
from .registry import norm_name

_W = re.compile(r"[a-z0-9]+")


def _words(s: str) -> list[str]:
    return _W.findall(s.lower())


def claim_match(gold: str, out: str) -> bool:
    """Output claim covers >= 60% of the gold words and >= 30% of its words are gold's."""
    g, o = _words(gold), _words(out)
    if not g or not o:
        return False
    gs, os_ = Counter(g), Counter(o)
    common = sum((gs & os_).values())
    return common / len(g) >= 0.6 and common / len(o) >= 0.3


def _name_hit(forms: list[str] | None, ident: str | None,
              surfaces: dict[str, set[str]] | None = None) -> bool:
    """Gold surface forms vs the tied canonical id (or a mention of it in this doc)."""
    if not forms:
        return True
    if not ident:
        return False
    names = {norm_name(ident)} | (surfaces or {}).get(ident, set())
    return any(norm_name(f) and (norm_name(f) in n or n in norm_name(f))
               for f in forms for n in names if n)


def _prf(tp: int, n_out: int, n_gold: int) -> str:
    p = tp / n_out if n_out else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P={p:.2f} R={r:.2f} F1={f:.2f} (tp={tp} out={n_out} gold={n_gold})"


def evaluate(gold_dir: Path, docs_dir: Path | None, verbose: bool) -> dict[str, Any]:
    ex = get_extractor()
    c: Counter[str] = Counter()
    dim_tp = dim_out = dim_gold = 0
    stance_conf: Counter[tuple[str, str]] = Counter()
    for gpath in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gpath.read_text())
        tpath = (docs_dir or gpath.parent) / gold["doc"]
        if not tpath.exists():
            tpath = gpath.with_suffix(".txt")
        text = tpath.read_text(encoding="utf-8")
        e = ex.extract(text)
        name = gold["doc"]
        for layer, outs in (("models", e.models), ("benchmarks", e.benchmarks)):
            gents: list[list[str]] = gold.get(layer, [])
            out_ids = {o.canonical: {norm_name(o.canonical)} for o in outs}
            for o in outs:
                out_ids[o.canonical].add(norm_name(o.mention))
            gnorm = [{norm_name(s) for s in ent} for ent in gents]
            tp_g = sum(1 for g in gnorm if any(g & v for v in out_ids.values()))
            tp_o = sum(1 for v in out_ids.values() if any(g & v for g in gnorm))
            c[f"{layer}_tp_g"] += tp_g
            c[f"{layer}_tp_o"] += tp_o
            c[f"{layer}_out"] += len(out_ids)
            c[f"{layer}_gold"] += len(gents)
            if verbose:
                miss = [ent for ent, g in zip(gents, gnorm, strict=True)
                        if not any(g & v for v in out_ids.values())]
                extra = [k for k, v in out_ids.items() if not any(g & v for g in gnorm)]
                if miss or extra:
                    print(f"[{name}] {layer} missed={miss} extra={extra}")
        used: set[int] = set()
        surfaces: dict[str, set[str]] = {}
        for o in (*e.models, *e.benchmarks):
            surfaces.setdefault(o.canonical, set()).add(norm_name(o.mention))
        for gf in gold.get("figures", []):
            hit = None
            for i, f in enumerate(e.figures):
                if i in used or abs(f.value - float(gf["value"])) > 1e-6:
                    continue
                if _name_hit(gf.get("model"), f.model, surfaces) and _name_hit(
                        gf.get("benchmark"), f.benchmark, surfaces):
                    hit = i
                    break
            if hit is not None:
                used.add(hit)
                c["fig_tp"] += 1
                f = e.figures[hit]
                c["fig_kind_ok"] += f.kind == gf["kind"]
                c["fig_unit_ok"] += f.unit == gf["unit"]
                if verbose and (f.kind != gf["kind"] or f.unit != gf["unit"]):
                    print(f"[{name}] figure {gf['value']} kind/unit {f.kind}/{f.unit} "
                          f"gold {gf['kind']}/{gf['unit']}")
            elif verbose:
                print(f"[{name}] figure MISSED {gf['value']} {gf['unit']} {gf['kind']} "
                      f"m={gf.get('model')} b={gf.get('benchmark')} | {gf['sentence'][:110]}")
        if verbose:
            for i, f in enumerate(e.figures):
                if i not in used:
                    print(f"[{name}] figure EXTRA {f.value} {f.unit} {f.kind} m={f.model} "
                          f"b={f.benchmark} | {text[max(0, f.start - 40):f.end + 20]!r}")
        c["fig_out"] += len(e.figures)
        c["fig_gold"] += len(gold.get("figures", []))
        for gc in gold.get("claims", []):
            match = next((oc for oc in e.claims if claim_match(gc["text"], oc.text)), None)
            c["claim_gold"] += 1
            if match is None:
                if verbose:
                    print(f"[{name}] claim MISSED {gc['stance']} | {gc['text'][:120]}")
                continue
            c["claim_tp"] += 1
            gd, od = set(gc["dimensions"]), set(match.dimensions)
            dim_tp += len(gd & od)
            dim_out += len(od)
            dim_gold += len(gd)
            stance_conf[(gc["stance"], match.stance)] += 1
            if verbose and (gc["stance"] != match.stance or gd != od):
                print(f"[{name}] claim stance {match.stance} gold {gc['stance']} dims "
                      f"{sorted(od)} gold {sorted(gd)} | {gc['text'][:100]}")
        for nc in gold.get("non_claims", []):
            c["nonclaim"] += 1
            if any(claim_match(nc, oc.text) for oc in e.claims):
                c["nonclaim_fp"] += 1
                if verbose:
                    print(f"[{name}] NON-CLAIM emitted | {nc[:100]}")
        c["claim_out"] += len(e.claims)
        gfc = gold.get("forecasts", [])
        c["fc_gold"] += len(gfc)
        c["fc_out"] += len(e.forecasts)
        for g in gfc:
            hit = [f for f in e.forecasts if abs(f.probability - g["probability"]) < 1e-6
                   and f.conditional == g["conditional"]]
            c["fc_tp"] += bool(hit)
            if hit and norm_name(hit[0].issuer or "") == norm_name(g.get("issuer") or ""):
                c["fc_issuer"] += 1
            if verbose and not hit:
                print(f"[{name}] forecast MISSED {g}")
    for layer in ("models", "benchmarks"):
        p = c[f"{layer}_tp_o"] / c[f"{layer}_out"] if c[f"{layer}_out"] else 0
        r = c[f"{layer}_tp_g"] / c[f"{layer}_gold"] if c[f"{layer}_gold"] else 0
        f = 2 * p * r / (p + r) if p + r else 0
        print(f"{layer:10s} P={p:.2f} R={r:.2f} F1={f:.2f}")
    print(f"figures    {_prf(c['fig_tp'], c['fig_out'], c['fig_gold'])} "
          f"kind_ok={c['fig_kind_ok']} unit_ok={c['fig_unit_ok']}")
    print(f"claims     recall={c['claim_tp']}/{c['claim_gold']} out={c['claim_out']} "
          f"non-claim FP={c['nonclaim_fp']}/{c['nonclaim']}")
    print(f"dimensions {_prf(dim_tp, dim_out, dim_gold)}")
    n = sum(stance_conf.values())
    acc = sum(v for (g, o), v in stance_conf.items() if g == o) / n if n else 0
    f1s = []
    for lab in ("convergence", "divergence", "neutral"):
        tp = stance_conf[(lab, lab)]
        po = sum(v for (_g, o), v in stance_conf.items() if o == lab)
        pg = sum(v for (g, _o), v in stance_conf.items() if g == lab)
        p = tp / po if po else 0
        r = tp / pg if pg else 0
        f1s.append(2 * p * r / (p + r) if p + r else 0)
    print(f"stance     acc={acc:.2f} macroF1={sum(f1s) / 3:.2f} "
          f"confusion={dict(sorted(stance_conf.items()))}")
    print(f"forecasts  {_prf(c['fc_tp'], c['fc_out'], c['fc_gold'])} issuer_ok={c['fc_issuer']}")
    return dict(c)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--docs", type=Path, default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    evaluate(args.gold_dir, args.docs, args.verbose)


if __name__ == "__main__":
    main()
