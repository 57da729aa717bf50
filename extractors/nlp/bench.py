"""Counts per document and speed against a bare full spaCy pass.

    python -m extractors.nlp.bench /work/shared/seeds/*.txt [--repeat N]

Speed is words/s (whitespace-split words) for (a) Extractor.extract_many and
(b) ``nlp.pipe`` of the full base pipeline over the same texts, best of N runs.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy

from . import get_extractor
from .pipeline import BASE_MODEL


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    texts = [p.read_text(encoding="utf-8") for p in args.files]
    ex = get_extractor()
    print(f"extractor {ex.version}")
    for path, e in zip(args.files, ex.extract_many(texts), strict=True):
        print(f"{path.name}: words={len(path.read_text().split())} "
              f"models={len({m.canonical for m in e.models})} "
              f"benchmarks={len({b.canonical for b in e.benchmarks})} "
              f"figures={len(e.figures)} claims={len(e.claims)} forecasts={len(e.forecasts)} "
              f"(conditional={sum(f.conditional for f in e.forecasts)})")
    words = sum(len(t.split()) for t in texts)
    best_ex = min(_timed(lambda: list(ex.extract_many(texts))) for _ in range(args.repeat))
    full = spacy.load(BASE_MODEL)
    best_full = min(_timed(lambda: list(full.pipe(texts))) for _ in range(args.repeat))
    print(f"words={words} extractor={words / best_ex:,.0f} words/s "
          f"bare nlp.pipe={words / best_full:,.0f} words/s "
          f"ratio={best_full / best_ex:.2f}x")


def _timed(fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
