"""Attribution cue regexes from data/cues/speaker.json."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ...cues import literal_alternation, load_cues


@dataclass(frozen=True, slots=True)
class SpeakerPatterns:
    verb: re.Pattern[str]
    before: re.Pattern[str]
    possessive: re.Pattern[str]
    any_cue: re.Pattern[str]
    labels: frozenset[str]
    not_speakers: frozenset[str]


NAME = r"[A-Z][\w&.’'-]*(?:\s+(?:of\s+|for\s+|&\s+)?[A-Z][\w&.’'-]*){0,3}"


@cache
def speaker_patterns() -> SpeakerPatterns:
    c = load_cues("speaker")
    verbs = literal_alternation(c["verbs"])
    before = literal_alternation(c["before"])
    nouns = literal_alternation(c["possessive_nouns"])
    verb = re.compile(rf"(?<![\w-])(?:{verbs})(?![\w-])")
    before_rx = re.compile(rf"(?<![\w-])(?:[Aa]ccording\s+to|per)\s+(?P<name>(?:the\s+)?{NAME})")
    possessive = re.compile(
        rf"(?P<name>{NAME})['’]s\s+(?:[\w,.-]+\s+){{0,4}}?(?:{nouns})(?![\w-])")
    any_cue = re.compile(rf"(?<![\w-])(?:{verbs}|[Aa]ccording\s+to|per\s+[A-Z])(?![\w-])|['’]s\s+"
                         rf"(?:[\w,.-]+\s+){{0,4}}?(?:{nouns})(?![\w-])")
    del before
    return SpeakerPatterns(verb, before_rx, possessive, any_cue,
                           frozenset(c["ner_labels"]),
                           frozenset(w.lower() for w in c["not_speakers"]))
