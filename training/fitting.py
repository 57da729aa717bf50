"""What every trainer here shares: features to a matrix, a numpy logistic regression,
folds grouped by document, cross-validated probabilities and the shipped JSON weights."""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from extractors.nlp.learned.linear import MODELS_DIR, LinearModel


def load_binary(path: str) -> tuple[list[dict[str, Any]], list[dict[str, float]], np.ndarray,
                                    list[str]]:
    """A two-label examples file: the examples, their features, one-hot labels
    (no, yes) and their documents."""
    ex = [json.loads(x) for x in Path(path).read_text().splitlines() if x]
    y = np.array([[not e["label"], e["label"]] for e in ex], dtype=float)
    return ex, [e["feats"] for e in ex], y, [e["doc"] for e in ex]


def split_names(docs: list[str]) -> list[str]:
    """The gold splits the examples come from ("dev6/601_x.txt" -> "dev6")."""
    return sorted({d.split("/")[0] for d in docs})


def trainer_parser(l2: float, thr: float, nb: float = 1.0) -> argparse.ArgumentParser:
    """examples file, --cv, --write, --l2, --min-df, --thr, --nb: the options of every
    trainer."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--nb", type=float, default=nb,
                    help="scale features by their naive-Bayes log-count ratio (fit_nb); "
                         "0 = the plain model")
    ap.add_argument("examples")
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--l2", type=float, default=l2)
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--thr", type=float, default=thr)
    return ap


def vocab(rows: list[dict[str, float]], min_df: int) -> list[str]:
    df: Counter[str] = Counter()
    for r in rows:
        df.update(r.keys())
    return sorted(f for f, n in df.items() if n >= min_df or not f.startswith(("w=", "b=")))


def matrix(rows: list[dict[str, float]], voc: list[str]) -> sp.csr_matrix:
    """Sparse rows (a claim has tens of the vocabulary's thousands of features: dense
    matrices made a cross-validation take minutes instead of seconds)."""
    idx = {f: i for i, f in enumerate(voc)}
    r: list[int] = []
    c: list[int] = []
    v: list[float] = []
    for i, row in enumerate(rows):
        for f, x in row.items():
            j = idx.get(f)
            if j is not None:
                r.append(i)
                c.append(j)
                v.append(x)
    return sp.csr_matrix((v, (r, c)), shape=(len(rows), len(voc)))


def fit(x: sp.csr_matrix, y: np.ndarray, multilabel: bool, l2: float, epochs: int = 400,
        lr: float = 0.1, balance: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch Adam on (softmax | sigmoid) cross-entropy + L2. ``balance`` > 0 weighs
    each example by (mean class count / its class count) ** balance (softmax only)."""
    n, d = x.shape
    sw = np.ones((n, 1))
    if balance and not multilabel:
        cnt = y.sum(axis=0)
        cw = (cnt.mean() / np.maximum(cnt, 1)) ** balance
        sw = (y @ cw)[:, None]
    k = y.shape[1]
    w = np.zeros((d, k))
    b = np.zeros(k)
    mw = np.zeros_like(w)
    vw = np.zeros_like(w)
    mb = np.zeros_like(b)
    vb = np.zeros_like(b)
    xt = x.T.tocsr()
    for t in range(1, epochs + 1):
        s = x @ w + b
        if multilabel:
            p = 1 / (1 + np.exp(-np.clip(s, -30, 30)))
        else:
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
        g = sw * (p - y) / n
        gw = xt @ g + l2 * w
        gb = g.sum(axis=0)
        for prm, grad, m, v in ((w, gw, mw, vw), (b, gb, mb, vb)):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            prm -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w, b


def log_count_ratio(x: sp.csr_matrix, y: np.ndarray, alpha: float) -> np.ndarray:
    """Each feature's naive-Bayes log-count ratio for one yes/no label (Wang & Manning 2012,
    "Baselines and bigrams"): how much more often it occurs with the label than without."""
    xb = (x > 0).astype(float)
    p = alpha + np.asarray(xb[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(xb[y == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def fit_nb(x: sp.csr_matrix, y: np.ndarray, voc: list[str], l2: float, beta: float = 1.0,
           alpha: float = 1.0, scaled: tuple[str, ...] | None = ("w=", "b=")
           ) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label (one-vs-rest) over n-grams scaled by 1 + beta *
    |log-count ratio|: a word that marks the label starts louder than one that does not,
    which the L2 penalty alone cannot say with 8,000 claims (grouped CV: stance +2.2 and
    dimensions +1.4 points over the plain model). The scale is folded into the returned
    weights, so the shipped model is an ordinary linear one. beta 0: the same regressions
    unscaled; ``scaled`` names the feature prefixes scaled (None: every feature)."""
    ngram = np.array([scaled is None or f.startswith(scaled) for f in voc])
    w_all = np.zeros((x.shape[1], y.shape[1]))
    b_all = np.zeros(y.shape[1])
    for k in range(y.shape[1]):
        r = np.ones(x.shape[1])
        if beta:
            r = np.where(ngram, 1.0 + beta * np.abs(log_count_ratio(x, y[:, k], alpha)), 1.0)
        w, b = fit(x @ sp.diags(r), y[:, [k]], True, l2)
        w_all[:, k] = w[:, 0] * r
        b_all[k] = b[0]
    return w_all, b_all


def folds(docs: list[str], k: int, seed: int) -> list[set[str]]:
    uniq = sorted(set(docs))
    random.Random(seed).shuffle(uniq)
    return [set(uniq[i::k]) for i in range(k)]


def fit_binary(x: sp.csr_matrix, y: np.ndarray, voc: list[str], l2: float, nb: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """A yes/no model as two softmax columns: with ``nb`` one logistic regression for
    "yes" over features scaled by their log-count ratio (fit_nb; "no" scores 0, so the
    softmax is that regression's sigmoid), else the plain two-column softmax."""
    if not nb:
        return fit(x, y, False, l2)
    w, b = fit_nb(x, y[:, [1]], voc, l2, nb, scaled=None)
    return np.hstack([np.zeros_like(w), w]), np.concatenate([[0.0], b])


def cv_probabilities(feats: list[dict[str, float]], y: np.ndarray, docs: list[str],
                     l2: float, min_df: int, nb: float = 0.0) -> np.ndarray:
    """P(second label) for every example from models that never saw its document
    (5 folds grouped by document, averaged over 3 shuffles)."""
    prob = np.zeros(len(feats))
    for seed in (0, 1, 2):
        for held in folds(docs, 5, seed):
            tr = [i for i, d in enumerate(docs) if d not in held]
            te = [i for i, d in enumerate(docs) if d in held]
            voc = vocab([feats[i] for i in tr], min_df)
            w, b = fit_binary(matrix([feats[i] for i in tr], voc), y[tr], voc, l2, nb)
            s = matrix([feats[i] for i in te], voc) @ w + b
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            prob[te] += p[:, 1] / 3
    return prob


def save_model(name: str, kind: str, labels: tuple[str, ...], voc: list[str], w: np.ndarray,
               b: np.ndarray, thr: float) -> None:
    """extractors/nlp/models/<name>.json, without the features whose weights are ~0."""
    keep = {f: tuple(float(x) for x in w[i]) for i, f in enumerate(voc)
            if np.abs(w[i]).max() >= 1e-3}
    m = LinearModel(kind, labels, tuple(float(x) for x in b), keep, thr)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    path = MODELS_DIR / f"{name}.json"
    path.write_text(json.dumps(m.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(keep)} features)")


def write_binary(name: str, labels: tuple[str, str], feats: list[dict[str, float]],
                 y: np.ndarray, l2: float, min_df: int, thr: float, nb: float = 0.0) -> None:
    """Fit a two-label model on every example and ship it."""
    voc = vocab(feats, min_df)
    w, b = fit_binary(matrix(feats, voc), y, voc, l2, nb)
    save_model(name, "multiclass", labels, voc, w, b, thr)
