"""Train the learned claim filter and cross-validate it against the rules alone.

    .venv/bin/python training/train_claims.py training/claim_examples.jsonl --cv
    .venv/bin/python training/train_claims.py training/claim_examples.jsonl --write

Examples are the sentences the rules accept that the gold calls claims or non-claims.
The filter drops a sentence when P(non-claim) >= the threshold; the CV reports how many
gold claims that loses (claim recall falls by that share) and how many non-claims it
removes (the non-claim false-positive rate falls by that share), per split.
"""

from __future__ import annotations

import numpy as np
from fitting import cv_probabilities, load_binary, split_names, trainer_parser, write_binary

LABELS = ("claim", "non_claim")


def main() -> None:
    ap = trainer_parser(l2=0.0015, thr=0.4)
    a = ap.parse_args()
    ex, feats, y, docs = load_binary(a.examples)
    nc = int(y[:, 1].sum())
    print(f"{len(ex)} rule-accepted sentences: {len(ex) - nc} claims, {nc} non-claims")
    if a.cv:
        prob = cv_probabilities(feats, y, docs, a.l2, a.min_df, a.nb)
        lab = y[:, 1] > 0
        for thr in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
            drop = prob >= thr
            lost = int((drop & ~lab).sum())
            caught = int((drop & lab).sum())
            print(f"drop at >= {thr}: claims lost {lost}/{len(ex) - nc} "
                  f"({lost / (len(ex) - nc):.3f}), non-claims removed {caught}/{nc} "
                  f"({caught / max(nc, 1):.3f})")
        drop = prob >= a.thr
        for sp in split_names(docs):
            idx = np.array([d.startswith(sp + "/") for d in docs])
            c = int((idx & ~lab).sum())
            n = int((idx & lab).sum())
            print(f"  {sp:6} claims lost {int((idx & drop & ~lab).sum())}/{c}, non-claims "
                  f"removed {int((idx & drop & lab).sum())}/{n}")
    if a.write:
        write_binary("claim", LABELS, feats, y, a.l2, a.min_df, a.thr, a.nb)


if __name__ == "__main__":
    main()
