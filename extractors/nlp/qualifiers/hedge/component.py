"""Hedge qualifier: a claim is hedged when it contains a hedge cue."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .patterns import MONTH_MAY_RE, hedge_regex


def is_hedged(text: str) -> bool:
    """True when a hedge cue occurs ("may", "likely", "suggests", "we estimate" ...).

    "May 2026" (the month) is not a hedge.
    """
    rx = hedge_regex()
    for m in rx.finditer(text):
        if m.group(0) == "May" and MONTH_MAY_RE.match(text, m.start()):
            continue
        return True
    return False


class HedgeQualifier:
    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        for claim in doc._.gw_claims or []:
            claim.hedged = is_hedged(claim.text)
        return doc
