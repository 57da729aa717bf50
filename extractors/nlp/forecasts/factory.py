"""spaCy registration of the forecast component."""

from __future__ import annotations

from spacy.language import Language

from .component import ForecastFinder


@Language.factory("gw_forecasts")
def create_component(nlp: Language, name: str) -> ForecastFinder:
    return ForecastFinder(nlp, name)
