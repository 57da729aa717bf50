"""Turn gold claims (dev + seeds only) into training examples for the learned parts.

Each example is one gold claim with what the rule components see at run time:
its text, the model mentions in it (with openness, offsets relative to the claim),
its benchmarks and figures. Run:

    .venv/bin/python training/build_examples.py data/gold/dev:data/gold/dev \
        data/gold/seeds:/work/shared/seeds > training/examples.jsonl

The test split must never be passed here (dev, dev2, dev3, dev4 and seeds may be).
"""

from __future__ import annotations

import json
from pathlib import Path

from gold_examples import run

from extractors.nlp import get_extractor
from extractors.nlp.claims.patterns import claim_patterns
from extractors.nlp.learned.features import document_dimensions
from extractors.nlp.qualifiers.stance.component import stance_side
from extractors.nlp.registry import load_registry
from extractors.nlp.sentences import split_sentences
from models.records import Extraction


def _sides(res: Extraction, family_sides: dict[str, str]) -> dict[str, str]:
    """Each model's side for stance, as the stance component takes it at run time."""
    return {m.canonical: stance_side(m.openness, m.family, m.mention, family_sides)
            or "unknown" for m in res.models}


def examples(gold_dir: Path, docs_dir: Path) -> list[dict[str, object]]:
    """Gold claims of one folder, with the extractor's mentions inside each claim."""
    ex = get_extractor()
    finder = ex.nlp.get_pipe("gw_claims")
    finder.model = finder.dim_model = None  # what the rules alone say, as features
    keyword_hits = claim_patterns().keyword_hits
    family_sides = load_registry().family_sides()
    out: list[dict[str, object]] = []
    for gp in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        text = (docs_dir / gold["doc"]).read_text(encoding="utf-8")
        res = ex.extract(text)
        whole = document_dimensions(text, [keyword_hits(text[x.start:x.end])
                                           for x in split_sentences(text)])
        side = _sides(res, family_sides)
        for c in gold["claims"]:
            a = text.find(c["text"])
            if a < 0:
                continue
            b = a + len(c["text"])
            out.append({
                "doc": f"{gold_dir.name}/{gold['doc']}",
                "text": c["text"],
                "stance": c["stance"],
                "dimensions": c["dimensions"],
                "hedged": c["hedged"],
                "models": [[m.start - a, m.end - a, side[m.canonical]] for m in res.models
                           if a <= m.start < b],
                "benchmarks": [m.canonical for m in res.benchmarks if a <= m.start < b],
                "figures": [[f.start - a, f.kind, f.unit, f.value,
                             side.get(f.model or "")] for f in res.figures
                            if a <= f.start < b],
                # what the shipped extractor says for the output claim covering this one
                "rule_dims": next((list(o.dimensions) for o in res.claims
                                   if o.start <= a < o.end or a <= o.start < b), []),
                "doc_dims": whole,  # learned/features.document_dimensions, as at run time
                "rule_stance": next((o.stance for o in res.claims
                                     if o.start <= a < o.end or a <= o.start < b), None),
            })
    return out


if __name__ == "__main__":
    run(examples)
