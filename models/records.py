"""Extraction records: the `gapwatch extract --json` contract.

Frozen dataclasses, cheap to build in the hot loop and trivially turned into
JSON (`to_dict`). The database stores exactly these objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from models.pickling import quick_pickle


@quick_pickle
@dataclass(frozen=True, slots=True)
class ModelMention:
    mention: str
    canonical: str
    family: str | None
    organization: str | None
    openness: str  # open | closed | unknown
    start: int
    end: int


@quick_pickle
@dataclass(frozen=True, slots=True)
class BenchmarkMention:
    mention: str
    canonical: str
    start: int
    end: int


@quick_pickle
@dataclass(frozen=True, slots=True)
class Figure:
    value: float
    value_high: float | None
    unit: str | None  # "%", "pp", "months", "x", "B", "elo", ...
    kind: str  # models.taxonomy.FIGURE_KINDS
    model: str | None  # canonical id
    benchmark: str | None  # canonical id
    sentence: str
    start: int  # offsets of the number itself in the document text
    end: int


@quick_pickle
@dataclass(frozen=True, slots=True)
class Claim:
    text: str
    start: int
    end: int
    dimensions: tuple[str, ...]
    stance: str  # convergence | divergence | neutral
    hedged: bool
    speaker: str | None
    models: tuple[str, ...]  # canonical ids
    benchmarks: tuple[str, ...]  # canonical ids
    # the stance model's probability for its label (None when the rules alone decide):
    # a forecasting tool can keep only the claims whose stance is likely right
    stance_confidence: float | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Forecast:
    issuer: str | None
    probability: float  # 0..1
    conditional: bool
    proposition: str | None
    sentence: str
    start: int  # sentence offsets in the document text
    end: int


@quick_pickle
@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything the extractor found in one document's text."""

    extractor_version: str
    models: tuple[ModelMention, ...] = ()
    benchmarks: tuple[BenchmarkMention, ...] = ()
    figures: tuple[Figure, ...] = ()
    claims: tuple[Claim, ...] = ()
    forecasts: tuple[Forecast, ...] = ()

    def to_dict(self, source: str | None = None, title: str | None = None) -> dict[str, Any]:
        """The JSON object of the extract contract (lists, not tuples)."""
        out: dict[str, Any] = {"source": source, "title": title,
                               "extractor_version": self.extractor_version}
        for name in ("models", "benchmarks", "figures", "claims", "forecasts"):
            out[name] = [_plain(asdict(item)) for item in getattr(self, name)]
        return out


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@quick_pickle
@dataclass(frozen=True, slots=True)
class RegistryModel:
    """One entry of the model registry (extractors/nlp/data/models.jsonl)."""

    id: str
    name: str
    family: str | None
    organization: str | None
    country: str | None
    openness: str
    aliases: tuple[str, ...] = field(default=())


@quick_pickle
@dataclass(frozen=True, slots=True)
class RegistryBenchmark:
    """One entry of the benchmark registry (extractors/nlp/data/benchmarks.jsonl)."""

    id: str
    name: str
    dimension: str | None
    aliases: tuple[str, ...] = field(default=())
