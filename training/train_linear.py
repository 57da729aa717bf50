"""Train the stance and dimension classifiers (numpy logistic regression) and
cross-validate them against the rules, grouped by document.

    .venv/bin/python training/build_examples.py data/gold/dev:data/gold/dev \
        data/gold/seeds:/work/shared/seeds > training/examples.jsonl
    .venv/bin/python training/train_linear.py training/examples.jsonl --cv      # compare
    .venv/bin/python training/train_linear.py training/examples.jsonl --write   # ship

--write stores extractors/nlp/models/stance.json and dimensions.json (the dimension model
decides a claim's labels, reading the keyword rules' labels among its features). Only dev
and seed gold may ever be in the examples file (the builders refuse test splits); the test
splits are for reporting. training/README.md has the full command.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from fitting import fit, fit_nb, folds, matrix, save_model, trainer_parser, vocab

from extractors.nlp.claims.patterns import claim_patterns
from extractors.nlp.learned.dimensions import MAX_LABELS, decide_dimensions
from extractors.nlp.learned.features import (
    dimension_context,
    dimension_features,
    stance_features,
)
from extractors.nlp.qualifiers.stance.component import Side
from extractors.nlp.registry import load_registry
from models.taxonomy import DIMENSIONS

STANCES = ("convergence", "divergence", "neutral")


def stance_feats(e: dict[str, Any]) -> dict[str, float]:
    sides = [Side(a, b, o) for a, b, o in e["models"] if o in ("open", "closed")]
    figs = [tuple(f) for f in e["figures"]]
    return stance_features(e["text"], sides, figs)


def dim_feats(e: dict[str, Any], bench_dim: dict[str, str]) -> dict[str, float]:
    dims = [bench_dim[b] for b in e["benchmarks"] if b in bench_dim]
    return dimension_features(e["text"], dims, e.get("rule_dims") or [])


def add_dimension_context(ex: list[dict[str, Any]], feats: list[dict[str, float]]) -> None:
    """The run-time context features (learned/features.dimension_context), per document
    over its claims in order, and the document's own (document_dimensions)."""
    patterns = claim_patterns()
    by_doc: dict[str, list[int]] = {}
    for i, e in enumerate(ex):
        by_doc.setdefault(e["doc"], []).append(i)
    for idx in by_doc.values():
        evidence = [set(patterns.keyword_hits(ex[i]["text"])) | set(ex[i].get("rule_dims") or [])
                    for i in idx]
        for i, ctx in zip(idx, dimension_context(evidence, [ex[i]["text"] for i in idx]),
                          strict=True):
            feats[i].update(ctx)
            feats[i].update(ex[i].get("doc_dims") or {})


def per_class_f1(gold: list[str], pred: list[str]) -> dict[str, float | None]:
    """F1 per stance; None for a class that is neither in gold nor predicted."""
    out: dict[str, float | None] = {}
    for c in STANCES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        out[c] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return out


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f = [v for v in per_class_f1(gold, pred).values() if v is not None]
    return sum(f) / len(f)


def class_f1(gold: list[str], pred: list[str]) -> str:
    return " ".join(f"{c[:4]} {v or 0.0:.3f}" for c, v in per_class_f1(gold, pred).items())




def dim_f1(gold: list[list[str]], pred: list[list[str]]) -> tuple[float, float, float]:
    tp = sum(len(set(g) & set(p)) for g, p in zip(gold, pred, strict=True))
    no = sum(len(p) for p in pred)
    ng = sum(len(g) for g in gold)
    pr, rc = tp / no, tp / ng
    return pr, rc, 2 * pr * rc / (pr + rc)


def fit_stance(x: Any, y: np.ndarray, voc: list[str], a: Any) -> tuple[np.ndarray, np.ndarray]:
    """Stance weights: one-vs-rest over scaled n-grams (read as softmax at run time), or
    the plain softmax model with --nb 0."""
    if a.nb:
        return fit_nb(x, y, voc, a.l2, a.nb)
    return fit(x, y, False, a.l2, balance=a.balance)


def fit_dims(x: Any, y: np.ndarray, voc: list[str], a: Any) -> tuple[np.ndarray, np.ndarray]:
    """Dimension weights: one sigmoid per dimension, n-grams scaled unless --nb 0."""
    if a.nb:
        return fit_nb(x, y, voc, a.dl2, a.nb)
    return fit(x, y, True, a.dl2)


def print_calibration(logits: np.ndarray, gold: np.ndarray, chosen: float) -> None:
    """Stance log-loss and accuracy by confidence at several temperatures (CV): the one-
    vs-rest scaled model is sure of itself beyond its accuracy at temperature 1."""
    for t in sorted({1.0, 1.5, 2.0, 2.5, chosen}):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(len(gold)), gold]).mean()
        ok = p.argmax(axis=1) == gold
        conf = p.max(axis=1)
        cells = " ".join(f">={c}: {ok[conf >= c].mean():.3f} ({(conf >= c).mean():.0%})"
                         for c in (0.6, 0.7, 0.8) if (conf >= c).any())
        mark = " (shipped)" if t == chosen else ""
        print(f"stance temperature {t:.1f}{mark}: log-loss {loss:.3f}  {cells}")


def main() -> None:
    ap = trainer_parser(l2=0.0025, thr=0.3)  # --thr: the dimension model's threshold
    ap.add_argument("--dl2", type=float, default=0.001)
    # --nb 0: the plain softmax / multilabel model (tuned at --l2 0.005 --dl2 0.0002)
    ap.add_argument("--cap", type=int, default=MAX_LABELS)
    ap.add_argument("--temp", type=float, default=1.7,
                    help="the stance weights are divided by this (the CV log-loss minimum) "
                         "so that a claim's stance confidence means what it says")
    ap.add_argument("--balance", type=float, default=0.0,
                    help="class weighting exponent for the stance model (0 = none)")
    ap.add_argument("--only", default="", help="restrict CV to docs with this prefix")
    ap.add_argument("--drop", default="",
                    help="comma-separated feature prefixes to leave out")
    a = ap.parse_args()
    ex = [json.loads(line) for line in Path(a.examples).read_text().splitlines() if line]
    reg = load_registry(None)
    bench_dim = {b.id: b.dimension for b in reg.benchmarks if b.dimension}
    drop = tuple(x for x in a.drop.split(",") if x)
    sf = [{k: v for k, v in stance_feats(e).items() if not (drop and k.startswith(drop))}
          for e in ex]
    df_ = [dim_feats(e, bench_dim) for e in ex]
    add_dimension_context(ex, df_)
    ys = np.array([[e["stance"] == c for c in STANCES] for e in ex], dtype=float)
    yd = np.array([[d in e["dimensions"] for d in DIMENSIONS] for e in ex], dtype=float)
    docs = [e["doc"] for e in ex]
    if a.cv:
        res: dict[str, list[Any]] = {"gold": [], "rule": [], "lr": [], "dg": [], "dr": [],
                                     "dl": [], "drr": [], "srr": []}
        logits: list[np.ndarray] = []
        for seed in (0, 1, 2):
            for held in folds(docs, 5, seed):
                tr = [i for i, d in enumerate(docs) if d not in held]
                te = [i for i, d in enumerate(docs) if d in held and d.startswith(a.only)]
                voc = vocab([sf[i] for i in tr], a.min_df)
                w, b = fit_stance(matrix([sf[i] for i in tr], voc), ys[tr], voc, a)
                p = matrix([sf[i] for i in te], voc) @ w + b
                logits.extend(p)
                for j, i in enumerate(te):
                    res["gold"].append(ex[i]["stance"])
                    res["lr"].append(STANCES[int(np.argmax(p[j]))])
                    r = sf[i]
                    res["rule"].append("convergence" if r.get("rule=conv") else
                                       "divergence" if r.get("rule=div") else "neutral")
                vocd = vocab([df_[i] for i in tr], a.min_df)
                w, b = fit_dims(matrix([df_[i] for i in tr], vocd), yd[tr], vocd, a)
                pd = 1 / (1 + np.exp(-(matrix([df_[i] for i in te], vocd) @ w + b)))
                for j, i in enumerate(te):
                    res["dg"].append(ex[i]["dimensions"])
                    res["dl"].append(decide_dimensions(dict(zip(DIMENSIONS, pd[j], strict=True)),
                                                       a.thr, a.cap))
                    kws = [k[3:] for k in df_[i] if k.startswith(("kw=", "bench="))]
                    kws = [k.split("=")[-1] for k in kws]
                    res["dr"].append(list(dict.fromkeys(kws)) or ["overall"])
                    res["drr"].append(ex[i].get("rule_dims") or ["overall"])
                    res["srr"].append(ex[i].get("rule_stance") or "neutral")
        g = res["gold"]
        labels = {"srr": "shipped extractor (TRAINING-SET, not CV)", "rule": "rules (CV)",
                  "lr": "learned (CV)", "dr": "keyword hits only (CV)",
                  "dl": "learned, reading the rule labels (CV, shipped)",
                  "drr": "rules alone (CV: rules have no fitted weights)"}
        for name in ("srr", "rule", "lr"):
            acc = sum(x == y for x, y in zip(g, res[name], strict=True)) / len(g)
            print(f"stance {labels[name]}: acc {acc:.3f} macroF1 {macro_f1(g, res[name]):.3f}"
                  f"  [{class_f1(g, res[name])}]")
            conf = Counter(zip(g, res[name], strict=True))
            print("  gold\\pred " + " ".join(f"{c[:4]:>5}" for c in STANCES))
            for c in STANCES:
                print(f"  {c[:10]:>10} " + " ".join(f"{conf[(c, q)]:>5}" for q in STANCES))
        print_calibration(np.array(logits), np.array([STANCES.index(x) for x in g]), a.temp)
        for name in ("dr", "drr", "dl"):
            pr, rc, f1 = dim_f1(res["dg"], res[name])
            print(f"dims {labels[name]}: P {pr:.3f} R {rc:.3f} F1 {f1:.3f}")
    if a.write:
        voc = vocab(sf, a.min_df)
        w, b = fit_stance(matrix(sf, voc), ys, voc, a)
        w, b = w / a.temp, b / a.temp
        save_model("stance", "multiclass", STANCES, voc, w, b, 0.5)
        # dimensions: the model decides, reading the rules' labels (learned/dimensions.py)
        vocd = vocab(df_, a.min_df)
        w, b = fit_dims(matrix(df_, vocd), yd, vocd, a)
        save_model("dimensions", "multilabel", DIMENSIONS, vocd, w, b, a.thr)


if __name__ == "__main__":
    main()
