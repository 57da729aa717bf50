"""spaCy registration of the speaker qualifier."""

from __future__ import annotations

from spacy.language import Language

from .component import SpeakerQualifier


@Language.factory("gw_speaker", default_config={"analysis_pipes": ["ner"]})
def create_component(nlp: Language, name: str, analysis_pipes: list[str]) -> SpeakerQualifier:
    return SpeakerQualifier(nlp, name, analysis_pipes)
