"""Shared by the two-label trainers (forecast numbers, claim filter): grouped
cross-validated probabilities and writing the shipped weights."""

from __future__ import annotations

import json

import numpy as np
from train_linear import fit, folds, matrix, vocab

from extractors.nlp.learned.linear import MODELS_DIR, LinearModel


def cv_probabilities(feats: list[dict[str, float]], y: np.ndarray, docs: list[str],
                     l2: float, min_df: int) -> np.ndarray:
    """P(second label) for every example from models that never saw its document
    (5 folds grouped by document, averaged over 3 shuffles)."""
    prob = np.zeros(len(feats))
    for seed in (0, 1, 2):
        for held in folds(docs, 5, seed):
            tr = [i for i, d in enumerate(docs) if d not in held]
            te = [i for i, d in enumerate(docs) if d in held]
            voc = vocab([feats[i] for i in tr], min_df)
            w, b = fit(matrix([feats[i] for i in tr], voc), y[tr], False, l2)
            s = matrix([feats[i] for i in te], voc) @ w + b
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            prob[te] += p[:, 1] / 3
    return prob


def write_model(name: str, labels: tuple[str, str], feats: list[dict[str, float]],
                y: np.ndarray, l2: float, min_df: int, thr: float) -> None:
    """Fit on every example and store extractors/nlp/models/<name>.json."""
    voc = vocab(feats, min_df)
    w, b = fit(matrix(feats, voc), y, False, l2)
    keep = {f: tuple(float(x) for x in w[i]) for i, f in enumerate(voc)
            if np.abs(w[i]).max() >= 1e-3}
    m = LinearModel("multiclass", labels, tuple(float(x) for x in b), keep, thr)
    path = MODELS_DIR / f"{name}.json"
    path.write_text(json.dumps(m.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(keep)} features)")
