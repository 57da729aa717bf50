"""spaCy registration of the hedge qualifier."""

from __future__ import annotations

from spacy.language import Language

from .component import HedgeQualifier


@Language.factory("gw_hedge")
def create_component(nlp: Language, name: str) -> HedgeQualifier:
    return HedgeQualifier(nlp, name)
