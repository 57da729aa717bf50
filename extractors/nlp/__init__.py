"""spaCy-based extraction: text in, ``models.records.Extraction`` out.

Public API (used by the flows and the CLI):
    EXTRACTOR_VERSION, get_extractor(), Extractor.extract / Extractor.extract_many
"""

from __future__ import annotations

from functools import cache

from .pipeline import Extractor
from .version import EXTRACTOR_VERSION


@cache
def get_extractor() -> Extractor:
    """The process-wide extractor, built on first use (loading spaCy takes ~1 s)."""
    return Extractor()


__all__ = ["EXTRACTOR_VERSION", "Extractor", "get_extractor"]
