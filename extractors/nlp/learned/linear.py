"""A tiny linear classifier stored as JSON (no sklearn, no pickles).

Weights are trained by training/train_linear.py on the dev and seed gold only and
shipped under extractors/nlp/models/. Prediction is a sparse dot product, so it
costs microseconds per claim and adds nothing to the speed budget.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Softmax (``multiclass``) or one-vs-rest sigmoid (``multilabel``) weights."""

    kind: str
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    threshold: float = 0.5

    def scores(self, feats: dict[str, float]) -> list[float]:
        """Raw per-label scores: bias + sum of feature value x weight."""
        s = list(self.bias)
        for f, v in feats.items():
            w = self.weights.get(f)
            if w is None:
                continue
            for i, wi in enumerate(w):
                s[i] += v * wi
        return s

    def probabilities(self, feats: dict[str, float]) -> list[float]:
        s = self.scores(feats)
        if self.kind == "multilabel":
            return [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x)))) for x in s]
        m = max(s)
        e = [math.exp(x - m) for x in s]
        z = sum(e)
        return [x / z for x in e]

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "labels": list(self.labels), "bias": list(self.bias),
                "threshold": self.threshold,
                "weights": {k: [round(x, 5) for x in v] for k, v in self.weights.items()}}


def model_from_json(data: dict[str, object]) -> LinearModel:
    w = data["weights"]
    assert isinstance(w, dict)
    return LinearModel(
        kind=str(data["kind"]),
        labels=tuple(data["labels"]),  # type: ignore[arg-type]
        bias=tuple(float(x) for x in data["bias"]),  # type: ignore[attr-defined]
        weights={str(k): tuple(float(x) for x in v) for k, v in w.items()},
        threshold=float(data.get("threshold", 0.5)),  # type: ignore[arg-type]
    )


@cache
def load_model(name: str) -> LinearModel | None:
    """``models/<name>.json`` or None when it is not shipped (rules then decide alone)."""
    path = MODELS_DIR / f"{name}.json"
    if not path.exists():
        return None
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))
