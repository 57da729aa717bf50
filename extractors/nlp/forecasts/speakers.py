"""Who says a first-person forecast in a thread, a chat log or a transcript: the author of
the message or the speaker of the turn that holds it.

Why: in a comment thread ("aleph_null · 3 days ago" above "I'm at 22%."), a chat log
("[10:42] mkov: I'd go 0.4") or a transcript ("BEN: I'll say 8%.") the forecast sentence
names no one, and the document's byline, when it has one, is the host, not the forecaster.
The header rule applies only where a document has at least two such headers: one line of
that shape is not a thread.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ..cues import load_cues

# "aleph_null · 3 days ago", "@quantilequeen — 2h", "u/quarterly_priors · 14 points · 5h": a
# handle (lower case, or with a digit or an underscore), not a market's or a paper's name
_AGO = (r"(?:\d+\s*(?:s|m|h|d|w|mo|y|min|mins|minutes?|hours?|days?|weeks?|months?|years?)"
        r"(?:\s+ago)?|yesterday|today|just\s+now|edited)")
_THREAD_HEADER_RE = re.compile(
    r"^[ \t]*(?:[-*•>][ \t]*)?(?P<name>(?:u/|@)[\w.-]{2,30}|[a-z][\w.-]{1,30}|"
    r"[A-Za-z][\w.-]{0,29}[_\d][\w.-]*)[ \t]*"
    r"(?:\([^()\n]{1,30}\)[ \t]*)?"
    r"(?:[·•|—–-][ \t]*(?:[^\n·•|]{0,30}[·•|][ \t]*)?" + _AGO + r"\b[^\n]{0,40}|"
    r"(?:commented|replied|wrote|posted)\b[^\n]{0,40})$", re.M | re.I)
# "[10:42] mkov: ...", "mkov: ..." at a line's start in a chat log; "BEN: ..." in a transcript
_TURN_RE = re.compile(r"^[ \t]*(?:\[?\d{1,2}:\d\d(?::\d\d)?\]?[ \t]*)?(?:\*\*)?"
                      r"(?P<name>@?[A-Za-z][\w.'’-]{1,30}(?:[ \t][A-Z][\w.'’-]{1,30})?)"
                      r"(?:\*\*)?[ \t]*:[ \t]+\S", re.M)


@dataclass(frozen=True, slots=True)
class Turn:
    """A message or a turn: where it starts and who writes or says it."""

    start: int
    speaker: str


def _expand(name: str, text: str) -> str:
    """'BEN' -> 'Ben Adeyemi-Cho' when the document names a 'Ben <Surname>'; initials
    ('RL') -> the one full name in the document that has them ('Rafe Lindqvist')."""
    short = name.title() if name.isupper() else name
    if " " in short or not short[:1].isupper():
        return short
    m = re.search(rf"\b{re.escape(short)}[ \t]+(?P<s>[A-Z][\w'’-]+(?:-[A-Z][\w'’-]+)?)", text)
    if m:
        return f"{short} {m.group('s')}"
    if re.fullmatch(r"[A-Z]{2,3}", name):
        pattern = r"[ \t]+".join(rf"{c}[a-z][\w'’-]*" for c in name)
        names = {m.group(0) for m in re.finditer(rf"\b{pattern}\b", text)}
        if len(names) == 1:
            return names.pop()
    return short


@cache
def _not_speakers() -> frozenset[str]:
    """Line labels that name no speaker ("Note:", "Q:", "Median:"; data/cues/forecasts.json)."""
    return frozenset(load_cues("forecasts")["not_speakers"])


def _ok(name: str) -> bool:
    key = name.lower().strip("@")
    return key not in _not_speakers() and not re.fullmatch(r"q\d+|\d+|.*\s(?:yes|no)", key)


def turns(text: str) -> list[Turn]:
    """The document's message headers and speaker turns, in order; empty unless the
    document has at least two of one kind (a thread, a chat log, a transcript)."""
    headers = [Turn(m.start(), m.group("name")) for m in _THREAD_HEADER_RE.finditer(text)
               if _ok(m.group("name"))]
    spoken = [Turn(m.start(), m.group("name")) for m in _TURN_RE.finditer(text)
              if _ok(m.group("name"))]
    # a speaker takes more than one turn; a label used once ("Counterpoint:") is no speaker
    counts = Counter(t.speaker for t in spoken)
    spoken = [t for t in spoken if counts[t.speaker] >= 2]
    found: list[Turn] = []
    if len(headers) >= 2:
        found += headers
    if len({t.speaker.lower() for t in spoken}) >= 2 and len(spoken) >= 3:
        found += [Turn(t.start, _expand(t.speaker, text)) for t in spoken]
    return sorted(found, key=lambda t: t.start)


def speaker_at(found: list[Turn], pos: int) -> str | None:
    """The author of the message or turn that holds offset ``pos``, or None."""
    i = bisect_right([t.start for t in found], pos)
    return found[i - 1].speaker if i else None
