"""The sentences the claim rules accept in the dev gold, labelled claim or non-claim
by the gold, with the features the learned claim filter sees.

    .venv/bin/python training/build_claim_examples.py data/gold/dev:data/gold/dev ... \
        > training/claim_examples.jsonl

A rule-accepted sentence overlapping a gold claim is a claim; one overlapping a gold
non-claim (and no claim) is a non-claim; sentences the gold lists in neither are left
out. Test splits are refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from gold_examples import run

from extractors.nlp import get_extractor


def _spans(text: str, items: list[str]) -> list[tuple[int, int]]:
    out = []
    for t in items:
        a = text.find(t)
        if a >= 0:
            out.append((a, a + len(t)))
    return out


def examples(gold_dir: Path, docs_dir: Path) -> list[dict[str, object]]:
    ex = get_extractor()
    finder = ex.nlp.get_pipe("gw_claims")
    finder.model = None  # the rules alone: the filter learns which of theirs to drop
    out: list[dict[str, object]] = []
    for gp in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        text = (docs_dir / gold["doc"]).read_text(encoding="utf-8")
        claims = _spans(text, [c["text"] for c in gold["claims"]])
        non = _spans(text, gold.get("non_claims", []))
        with ex.nlp.memory_zone():
            doc = ex.nlp(text)
            for d in doc._.gw_claims or []:
                is_claim = any(a < d.end and d.start < b for a, b in claims)
                is_non = any(a < d.end and d.start < b for a, b in non)
                if not is_claim and not is_non:
                    continue
                out.append({"doc": f"{gold_dir.name}/{gold['doc']}", "text": d.text[:160],
                            "label": not is_claim, "feats": d.notes["filter_features"]})
    return out


if __name__ == "__main__":
    run(examples)
