"""Train the learned forecast pass and cross-validate it against the rules alone.

    .venv/bin/python training/train_forecasts.py training/forecast_examples.jsonl --cv
    .venv/bin/python training/train_forecasts.py training/forecast_examples.jsonl --write

Folds are grouped by document. "rules" = what the formulaic and general rules take;
"rules + learned" adds every number the classifier scores at or above the threshold.
Recall is over the gold forecasts that are numbers in a sentence or table row (a
forecast written without one, "I go to 70", is outside both).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fitting import cv_probabilities, load_binary, split_names, trainer_parser, write_binary

from extractors.nlp.forecasts.learned import vetoed

LABELS = ("no", "yes")


def _prf(ex: list[dict[str, Any]], taken: list[bool]) -> tuple[float, float, float, int]:
    tp = sum(t and e["label"] for e, t in zip(ex, taken, strict=True))
    out = sum(taken)
    gold = sum(e["label"] for e in ex)
    p = tp / out if out else 0.0
    r = tp / gold if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, out - tp


def decide(ex: list[dict[str, Any]], prob: np.ndarray, thr: float) -> list[bool]:
    """The run-time decision: the rules' numbers, then the classifier's unless a veto
    cue fires; an earlier value ("up from 15%") follows the number before it."""
    out: list[bool] = []
    for i, e in enumerate(ex):
        if e.get("follows") and i:
            out.append(out[-1])
        elif e["rule"]:
            out.append(True)
        else:
            out.append(not vetoed(e["feats"]) and bool(prob[i] >= thr))
    return out


def main() -> None:
    ap = trainer_parser(l2=0.0015, thr=0.5)
    a = ap.parse_args()
    ex, feats, y, docs = load_binary(a.examples)
    print(f"{len(ex)} numbers, {int(y[:, 1].sum())} forecasts, "
          f"{len(set(docs))} documents")
    if a.cv:
        prob = cv_probabilities(feats, y, docs, a.l2, a.min_df, a.nb)
        rules = [e["rule"] for e in ex]
        pr, rc, f1, fp = _prf(ex, rules)
        print(f"rules alone:          P {pr:.3f} R {rc:.3f} F1 {f1:.3f} (false {fp})")
        for thr in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            taken = decide(ex, prob, thr)
            pr, rc, f1, fp = _prf(ex, taken)
            print(f"rules + learned >= {thr}: P {pr:.3f} R {rc:.3f} F1 {f1:.3f} (false {fp})")
        dec = decide(ex, prob, a.thr)
        for sp in split_names(docs):
            idx = [i for i, d in enumerate(docs) if d.startswith(sp + "/")]
            sub = [ex[i] for i in idx]
            r0 = _prf(sub, [rules[i] for i in idx])
            r1 = _prf(sub, [dec[i] for i in idx])
            print(f"  {sp:6} rules P {r0[0]:.2f} R {r0[1]:.2f} | + learned P {r1[0]:.2f} "
                  f"R {r1[1]:.2f}")
    if a.write:
        write_binary("forecast", LABELS, feats, y, a.l2, a.min_df, a.thr, a.nb)


if __name__ == "__main__":
    main()
