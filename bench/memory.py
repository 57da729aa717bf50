"""RSS over a long extraction run: does a process that extracts for hours stay flat?

Streams generated articles (never held all at once) through the process-wide
extractor's ``extract_many`` until at least 100,000 sentences have gone through,
sampling this process's RSS every N documents. Reported: peak (the kernel's
high-water mark, not only the samples), final, and the drift over the second half:
(final - RSS at the half-way document) / RSS at half-way. Runs in its own process
(``python -m bench`` starts one per part) so earlier parts do not inflate it.
"""

from __future__ import annotations

import argparse
import resource
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import OUT, SEED, log, rss_bytes, write_json
from bench.corpus import iter_articles

TEXT_OFFSET = 400_000  # an index range no other part uses
MIB = 2**20


def run(quick: bool = False, seed: int = SEED, sentences: int | None = None,
        every: int | None = None, batch_size: int = 50) -> dict[str, Any]:
    from extractors.nlp import get_extractor

    target = sentences or (2_000 if quick else 100_000)
    every = every or (5 if quick else 50)
    ex = get_extractor()
    list(ex.extract_many([a.text for a in iter_articles(seed, 0, 2)]))  # model fully built
    start_rss = rss_bytes()
    fed = {"docs": 0, "sentences": 0, "words": 0}

    def texts() -> Iterator[str]:
        for art in iter_articles(seed, TEXT_OFFSET):
            if fed["sentences"] >= target:
                return
            fed["docs"] += 1
            fed["sentences"] += art.sentences
            fed["words"] += art.words
            yield art.text

    samples: list[tuple[int, int, float]] = []  # (docs done, sentences fed, RSS MiB)
    done = 0
    for _ in ex.extract_many(texts(), batch_size=batch_size):
        done += 1
        if done % every == 0:
            samples.append((done, fed["sentences"], rss_bytes() / MIB))
            if len(samples) % 20 == 0:
                log(f"memory: {done} docs, {fed['sentences']:,} sentences, "
                    f"rss={samples[-1][2]:.0f} MiB")
    samples.append((done, fed["sentences"], rss_bytes() / MIB))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    half = done / 2
    mid = min(samples, key=lambda s: abs(s[0] - half))[2]
    second = [s[2] for s in samples if s[0] >= half]
    final = samples[-1][2]
    return {"documents": done, "sentences": fed["sentences"], "words": fed["words"],
            "sample_every_docs": every, "start_mib": start_rss / MIB, "mid_mib": mid,
            "final_mib": final, "peak_mib": max(peak, max(s[2] for s in samples)),
            "drift_second_half_pct": (final - mid) / mid * 100,
            "spread_second_half_pct": (max(second) - min(second)) / min(second) * 100,
            "samples": samples}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--sentences", type=int)
    ap.add_argument("--every", type=int)
    ap.add_argument("--json", type=Path, default=OUT / "memory.json")
    args = ap.parse_args(argv)
    write_json(args.json, run(args.quick, args.seed, args.sentences, args.every))


if __name__ == "__main__":
    main()
