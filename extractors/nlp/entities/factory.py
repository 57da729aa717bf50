"""spaCy registration of the entity component."""

from __future__ import annotations

from spacy.language import Language

from .component import EntityRecognizer

DEFAULT_CONFIG = {"registry_dir": None}


@Language.factory("gw_entities", default_config=DEFAULT_CONFIG)
def create_component(nlp: Language, name: str, registry_dir: str | None) -> EntityRecognizer:
    return EntityRecognizer(nlp, name, registry_dir=registry_dir)
