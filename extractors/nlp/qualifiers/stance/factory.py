"""spaCy registration of the stance qualifier."""

from __future__ import annotations

from spacy.language import Language

from .component import StanceQualifier


@Language.factory("gw_stance")
def create_component(nlp: Language, name: str) -> StanceQualifier:
    return StanceQualifier(nlp, name)
