"""spaCy registration of the figure component."""

from __future__ import annotations

from spacy.language import Language

from .component import FigureFinder


@Language.factory("gw_figures")
def create_component(nlp: Language, name: str) -> FigureFinder:
    return FigureFinder(nlp, name)
