"""spaCy registration of the claim component."""

from __future__ import annotations

from spacy.language import Language

from .component import ClaimFinder


@Language.factory("gw_claims", default_config={"registry_dir": None})
def create_component(nlp: Language, name: str, registry_dir: str | None) -> ClaimFinder:
    return ClaimFinder(nlp, name, registry_dir=registry_dir)
