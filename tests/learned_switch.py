"""Run an extractor with one learned part switched off, to show what it adds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from extractors.nlp import Extractor


@contextmanager
def rules_alone(extractor: Extractor, pipe: str, attr: str = "model") -> Iterator[None]:
    """Within the block the component ``pipe`` runs without its learned model ``attr``."""
    component = extractor.nlp.get_pipe(pipe)
    model = getattr(component, attr)
    setattr(component, attr, None)
    try:
        yield
    finally:
        setattr(component, attr, model)
