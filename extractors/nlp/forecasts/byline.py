"""Who wrote a document, read from its head: the issuer of its own forecasts ("we put
58% on ...", a probability table with no one named beside it).

Why: a forecast feed is only as useful as its issuer column, and most documents that
issue forecasts say who they are in the first lines, not in the forecast sentence: a
byline ("Posted on 28 November by Jess Okonkwo", "Jun Park · Nov 19, 2026"), a masthead
("HALDEN FORECASTING GROUP — Q4 sheet", "Meridian Forecasting | November 18, 2026") or
a letterhead line ("Cobalt Ridge Ventures"). "We" is the organization when there is one,
"I" the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .patterns import BYLINE_RE

HEAD_CHARS = 700
HEAD_LINES = 6
# a month as datelines write it: "Nov", "Nov.", "November"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\.?"
_NAME = r"[A-Z][\w.'’-]*(?:[ \t]+(?:[A-Z][\w.'’-]*|de|van|von|da|del|di|le|la)){1,3}"
# "Posted on November 28, 2026 by Jess Okonkwo", "Issue #88 · Friday · by Cal Calloway"
_INLINE_BY_RE = re.compile(rf"(?:^|[·|•—–,]\s*|\s)(?i:posted\s+(?:on\s+[^\n]{{0,40}}?\s+)?)?"
                           rf"(?i:by)\s+(?:the\s+)?(?P<name>{_NAME})\b")
# "Jun Park · Nov 19, 2026"; "Meridian Forecasting | November 18, 2026"
_NAME_DATE_RE = re.compile(
    rf"^(?P<name>{_NAME}|[A-Z][\w&.'’-]*)\s*[·|•—–]\s*(?:\w+,?\s+)?"
    rf"(?:\d{{1,2}}\s+)?{_MONTH}\s+\d", re.M)
# "From: Priya Ramaswamy, Partner"
_FROM_RE = re.compile(rf"^From:\s*(?P<name>{_NAME})", re.M)
_ORG_WORDS = re.compile(
    r"\b(?:Group|Collective|Ventures|Partners|Capital|Center|Centre|Institute|Forecasting|"
    r"Research|Labs?|Associates|Advisors|Advisers|Securities|Markets|Foundation|Council|"
    r"Office|Agency|Initiative|Project|Analytics|Intelligence|Desk|Letter|"
    r"Review|Weekly|Daily|Journal|Times|News|Post|Report)\b", re.I)
# the first segment of a masthead: "HALDEN FORECASTING GROUP — Q4 2026 Sheet"
_MASTHEAD_RE = re.compile(r"^(?P<name>(?:The\s+)?[A-Z][\w&.'’-]*(?:[ \t]+(?:of|for|and|&|"
                          r"[A-Z][\w&.'’-]*)){0,5})[ \t]*(?:[—–|:]|$)")
_SELF_PLURAL = frozenset({"we", "us", "our"})
# a dateline of segments: "Open Tensor Weekly · Issue 212 · November 24, 2026 · Theo Brandt"
_SEGMENT_SPLIT_RE = re.compile(r"\s+[·|•]\s+")
_DATE_RE = re.compile(rf"\b{_MONTH}\s+\d|\b\d{{1,2}}\s+{_MONTH}")
_FULL_NAME_RE = re.compile(rf"^{_NAME}$")


@dataclass(frozen=True, slots=True)
class DocumentAuthor:
    """The person and the organization a document's head names, either may be None."""

    person: str | None
    org: str | None

    def issuer_for(self, self_word: str | None) -> str | None:
        """'we'/'our' -> the organization first; 'I' and no pronoun -> the person first."""
        if self_word and (self_word.lower() in _SELF_PLURAL
                          or re.match(r"we['’]", self_word, re.I)):
            return self.org or self.person
        return self.person or self.org


def _tidy(name: str, byline: bool = False) -> str:
    """Title case for a shouted masthead; "By the Lumen desk" -> "Lumen"."""
    name = name.strip()
    if byline:
        name = re.sub(r"\s+(?:team|desk|group|staff)$", "", name, flags=re.I)
    return name.title() if name.isupper() else name


def _org_of(line: str) -> str | None:
    m = _MASTHEAD_RE.match(line)
    if not m:
        return None
    name = m.group("name").strip()
    words = name.split()
    if not 1 <= len(words) <= 6 or not _ORG_WORDS.search(name):
        return None
    return _tidy(name)


def document_author(text: str) -> DocumentAuthor:
    head = text[:HEAD_CHARS]
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()][:HEAD_LINES]
    person: str | None = None
    org: str | None = None

    def found(name: str) -> None:
        nonlocal person, org
        if _ORG_WORDS.search(name):
            org = org or name
        else:
            person = person or name

    for m in BYLINE_RE.finditer(text[:2000]):  # "By the Lumen desk", "Posted by Ravi Okafor"
        line_end = text.find("\n", m.start())
        if len(text[m.start():line_end if line_end >= 0 else len(text)]) <= 90:
            person = _tidy(m.group("name"), byline=True)
            break
    for ln in lines[:3]:
        m = _NAME_DATE_RE.match(ln)
        if m:
            found(_tidy(m.group("name")))
            continue
        segments = _SEGMENT_SPLIT_RE.split(ln)
        masthead = _org_of(segments[0]) if len(segments) >= 3 else None
        if masthead and any(_DATE_RE.search(x) for x in segments):
            org = org or masthead  # a masthead's dateline, its author among the segments
            for seg in segments[1:]:
                if _FULL_NAME_RE.match(seg) and not re.search(r"\d", seg):
                    found(_tidy(seg))
            continue
        org = org or _org_of(ln)
    for rx in (_INLINE_BY_RE, _FROM_RE):
        for ln in lines:
            m = rx.search(ln)
            if m and len(ln) <= 120 and not re.search(r"['’]s\b", m.group("name")):
                found(_tidy(m.group("name")))
                break
    if org and person and org.lower() == person.lower():
        org = None
    return DocumentAuthor(person, org)
