"""Evaluation harness: score the extractor against hand-annotated gold files.

Why a package of its own: the numbers it produces decide whether an extractor change
ships, so the scoring must be pure, tested and independent of the code it judges.
`gold` loads and validates annotations, `scoring` turns gold + extractor output into
metrics, `report` draws them.
"""

from evaluation.gold import GoldDoc, GoldError, load_gold_dir, load_gold_file
from evaluation.scoring import EvalResult, score_corpus, score_document

__all__ = [
    "EvalResult",
    "GoldDoc",
    "GoldError",
    "load_gold_dir",
    "load_gold_file",
    "score_corpus",
    "score_document",
]
