"""spaCy registration of the stance qualifier."""

from __future__ import annotations

from spacy.language import Language

from .component import StanceQualifier


@Language.factory("gw_stance", default_config={"registry_dir": None})
def create_component(nlp: Language, name: str, registry_dir: str | None) -> StanceQualifier:
    return StanceQualifier(nlp, name, registry_dir=registry_dir)
