"""Extraction words/s: gapwatch's extractor against a bare spaCy pass over the same texts.

The bare pass is what a naive implementation would do: ``spacy.load`` of the same
English pipeline with every component, ``nlp.pipe`` with batching. Both run with
n_process=1 and 2 (this machine has two cores) and the same batch size; each
configuration is warmed up on a few texts first so model loading and worker start
are not counted as throughput... except the fork of worker processes, which a real
run pays too.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.common import OUT, SEED, log, timed, word_count, write_json
from bench.corpus import iter_articles

# Far from the index ranges the ingest and memory parts use, so texts differ.
TEXT_OFFSET = 200_000


def corpus_texts(min_words: int, seed: int = SEED) -> list[str]:
    """Whole generated articles until at least ``min_words`` words."""
    out: list[str] = []
    words = 0
    for art in iter_articles(seed, TEXT_OFFSET):
        out.append(art.text)
        words += art.words
        if words >= min_words:
            return out
    raise AssertionError("unreachable")


def run(quick: bool = False, seed: int = SEED, batch_size: int = 50,
        processes: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    import spacy

    from extractors.nlp import get_extractor
    from extractors.nlp.pipeline import BASE_MODEL

    texts = corpus_texts(20_000 if quick else 200_000, seed)
    words = word_count(texts)
    log(f"extract: {len(texts)} texts, {words:,} words, batch_size={batch_size}")
    ex = get_extractor()
    list(ex.extract_many(texts[:4], batch_size=batch_size))
    result: dict[str, Any] = {"texts": len(texts), "words": words, "batch_size": batch_size,
                              "extractor_version": ex.version, "gapwatch": {}, "bare": {}}
    claims = 0
    for n in processes:
        secs, out = timed(lambda n=n: list(ex.extract_many(texts, batch_size=batch_size,
                                                            n_process=n)))
        claims = sum(len(e.claims) for e in out)
        result["gapwatch"][str(n)] = {"seconds": secs, "words_per_s": words / secs}
        log(f"extract: gapwatch n_process={n}: {secs:.1f} s, {words / secs:,.0f} words/s, "
            f"{claims} claims")
    result["claims"] = claims
    bare = spacy.load(BASE_MODEL)
    result["bare_pipes"] = list(bare.pipe_names)
    list(bare.pipe(texts[:4], batch_size=batch_size))
    for n in processes:
        secs, _ = timed(lambda n=n: sum(1 for _ in bare.pipe(texts, batch_size=batch_size,
                                                             n_process=n)))
        result["bare"][str(n)] = {"seconds": secs, "words_per_s": words / secs}
        log(f"extract: bare spaCy {'+'.join(bare.pipe_names)} n_process={n}: {secs:.1f} s, "
            f"{words / secs:,.0f} words/s")
    best_g = max(v["words_per_s"] for v in result["gapwatch"].values())
    best_b = max(v["words_per_s"] for v in result["bare"].values())
    result["ratio_best"] = best_g / best_b
    result["ratio_by_n"] = {k: result["gapwatch"][k]["words_per_s"] / v["words_per_s"]
                            for k, v in result["bare"].items()}
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--json", type=Path, default=OUT / "extract.json")
    args = ap.parse_args(argv)
    write_json(args.json, run(args.quick, args.seed))


if __name__ == "__main__":
    main()
