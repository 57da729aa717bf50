"""Doc extensions the project components communicate through.

Components write plain Python records (not Spans) so the values survive the
document's memory zone and need no conversion when the Extraction is assembled.
"""

from __future__ import annotations

from spacy.tokens import Doc

EXTENSIONS = (
    "gw_text", "gw_sentences", "gw_models", "gw_benchmarks", "gw_orgs", "gw_figures", "gw_claims",
    "gw_forecasts",
)


def register_extensions() -> None:
    """Idempotently declare every ``Doc._.gw_*`` attribute (default None)."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
