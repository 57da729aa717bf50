"""The label contract of ../shared/taxonomy.md as Python constants.

Change a label here and in the taxonomy at once; the extractor, the database,
the evaluation and the feed all read these names.
"""

from __future__ import annotations

from typing import Final, Literal

Dimension = Literal[
    "overall", "coding", "reasoning", "multimodal", "long_context", "agentic",
    "reliability", "evaluation", "compute", "talent", "data", "methods", "cost",
    "adoption", "policy", "funding",
]
Stance = Literal["convergence", "divergence", "neutral"]
Openness = Literal["open", "closed", "unknown"]
FigureKind = Literal["score", "gap", "lag", "share", "cost", "size", "count", "rank", "elo"]
DocumentKind = Literal["article", "feed_entry", "paper", "file"]
SourceKind = Literal["feed", "arxiv", "url"]

DIMENSIONS: Final[tuple[str, ...]] = (
    "overall", "coding", "reasoning", "multimodal", "long_context", "agentic",
    "reliability", "evaluation", "compute", "talent", "data", "methods", "cost",
    "adoption", "policy", "funding",
)
STANCES: Final[tuple[str, ...]] = ("convergence", "divergence", "neutral")
OPENNESS: Final[tuple[str, ...]] = ("open", "closed", "unknown")
FIGURE_KINDS: Final[tuple[str, ...]] = (
    "score", "gap", "lag", "share", "cost", "size", "count", "rank", "elo",
)
SOURCE_KINDS: Final[tuple[str, ...]] = ("feed", "arxiv", "url")
