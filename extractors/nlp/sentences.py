"""Sentence segmentation for web text, on the raw string with exact offsets.

Web articles arrive as lines: titles, bullets, table rows, paragraphs with
citation markers glued to the full stop ("parity.[1][1]"). A trained parser
splits these badly and costs time, so this is rule-based: every line is a
paragraph boundary, short unpunctuated lines are headings, and a full stop ends a
sentence only when it is not part of an abbreviation, decimal or initial and the
next word starts like a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

HEADING = "heading"
SENTENCE = "sentence"
TABLE_ROW = "table_row"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or heading / table row) as offsets into the document text."""

    start: int
    end: int
    kind: str  # sentence | heading | table_row
    line: int  # index of the source line (paragraph)
    bullet: bool = False
    chat_head: int | None = None  # where a chat line's "[10:02] hexagram: " began

    @property
    def frame_start(self) -> int:
        """Where the sentence begins as written: its chat prefix's start for the first
        sentence of a chat line, so rules that read a message's frame ("mkrz: 0.62.")
        see it; else its own start."""
        return self.start if self.chat_head is None else self.chat_head


BULLET_RE = re.compile(
    r"(?:[-*•▪◦‣●–—]\s+|\d{1,2}[.)]\s+|\(\d{1,2}\)\s+|\(?[a-h][.)]\s+(?=[A-Z]))"
)
# a chat or forum line's prefix: "[10:02] hexagram: ", "[10:02] <kappa_prime> ", "mira.evals: "
# (a handle: lower case with "_" or a dot between letters; not "Note:", not "gpt-oss-120b:"
# or "arc-agi-2:" in a list of scores)
CHAT_PREFIX_RE = re.compile(
    r"(?:\[\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?\]\s*(?:<?[@\w.\-]{2,30}>?:?\s+)?"
    r"|@?(?=[\w.\-]*(?:_|[a-z]\.[a-z]))[a-z][\w.\-]{1,29}:\s+)")
CHAT_MIN_WORDS = 4
TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
# a candidate end: terminal punctuation, closing quotes/brackets, glued citation markers
END_RE = re.compile(r"(?:\.{3}|…|[.!?])+[\"'”’)\]]*(?:\[\d{1,3}\])*(?=\s|$)")
CITATION_RE = re.compile(r"\[\d{1,3}(?:[,–-]\s?\d{1,3})*\]")
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "vs", "approx", "dr", "mr", "mrs", "ms", "prof", "inc", "ltd", "co",
    "jr", "sr", "st", "fig", "figs", "al", "no", "nos", "u.s", "u.k", "e.u", "cf", "ca", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "vol",
    "ed", "eds", "est", "dept", "gov", "corp", "u.s.a", "p.p", "resp", "viz", "op", "pp",
})
# abbreviations that can still end a sentence when a typical sentence opener follows
SOFT_ABBREVIATIONS = frozenset({"etc", "u.s", "u.k", "e.u", "inc", "ltd", "corp", "co", "al"})
OPENERS = frozenset({
    "the", "this", "that", "these", "those", "they", "it", "its", "we", "our", "i", "in", "but",
    "however", "yet", "and", "so", "a", "an", "on", "for", "as", "at", "if", "when", "while",
    "there", "he", "she", "his", "her", "their", "what", "why", "how", "meanwhile", "still",
})
END_PUNCT = tuple(".!?…:;\"'”’)]")


def _is_heading(text: str) -> bool:
    """Short line without final punctuation, or a Title-Case line without a full stop."""
    stripped = CITATION_RE.sub("", text).rstrip()
    if not stripped:
        return False
    words = stripped.split()
    if stripped.endswith(("\"", "'", "”", "’", ")", "]")):
        # 'Economic pressure to reinvent “the frontier”', 'Thread: ... (1/7)': a closing
        # quote or bracket ends a sentence only when terminal punctuation precedes it
        core = re.sub(r"\s*\([^()]{0,40}\)$", "", stripped).rstrip("\"'”’)]")
        return bool(core) and not core.endswith(tuple(".!?…:;")) and len(words) <= 14
    if stripped.endswith(END_PUNCT):
        return False
    if len(words) >= 7 and words[0].isalpha() and words[0].islower():
        return False  # "the agentic gap feels way bigger than that": a forum line
    if len(words) <= 14:
        return True
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return caps >= 0.7 * len(words)


# HTML that survived scraping: "<p>...</p>", "<h2>...</h2>", "<tr><td>a</td><td>b</td></tr>"
HTML_LEAD_RE = re.compile(r"^(?:<[a-zA-Z][\w-]*(?:\s[^<>]{0,200})?>\s*)+")
HTML_TRAIL_RE = re.compile(r"(?:\s*</?[a-zA-Z][\w-]*\s*/?>)+$")
HTML_CELL_RE = re.compile(r"<t[dh]\b[^<>]*>", re.I)


def _is_table_row(line: str, neighbours: tuple[str, ...] = ()) -> bool:
    """'a | b | c' rows; a one-pipe 'a | b' row only next to another one-pipe row;
    an HTML '<tr><td>..</td><td>..</td></tr>' row."""
    if line.startswith("<") and len(HTML_CELL_RE.findall(line)) >= 2:
        return True
    pipes = line.count("|")
    if pipes >= 2 or (pipes == 1 and line.strip().startswith("|")):
        return True
    return pipes == 1 and any(n.count("|") == 1 for n in neighbours)


def _boundary_ok(text: str, m: re.Match[str], line_end: int) -> bool:
    """Does the terminal punctuation at ``m`` end a sentence?"""
    after = m.end()
    j = after
    while j < line_end and text[j].isspace():
        j += 1
    if j >= line_end:
        return True
    nxt = text[j]
    if nxt.islower():
        return False
    punct = m.group(0)
    if not punct.startswith("."):
        return True  # ! ? … end sentences when followed by a non-lowercase start
    # the word the full stop belongs to
    k = m.start()
    w = k
    while w > 0 and not text[w - 1].isspace() and text[w - 1] not in "([\"'“‘":
        w -= 1
    word = text[w:k].lower().rstrip(".")
    if len(word) == 1 and word.isalpha() and text[w:k].isupper():
        return False  # initial: "J. Smith"
    dotted = word.count(".") >= 1 and len(word) <= 5 and word.replace(".", "").isalpha()
    if word in ABBREVIATIONS or dotted:
        nxt_word = re.match(r"[\w']+", text[j:])
        nw = nxt_word.group(0).lower() if nxt_word else ""
        base = word if word in ABBREVIATIONS else "u.s"
        return base in SOFT_ABBREVIATIONS and nw in OPENERS
    return True


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cur = start
    for m in END_RE.finditer(text, start, end):
        if m.end() <= cur:
            continue
        if _boundary_ok(text, m, end):
            out.append((cur, m.end()))
            cur = m.end()
            while cur < end and text[cur].isspace():
                cur += 1
    if cur < end:
        out.append((cur, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def split_sentences(text: str) -> list[Sentence]:
    """Segment ``text`` into sentences, headings and table rows (offsets exact)."""
    out: list[Sentence] = []
    pos = 0
    lines = text.split("\n")
    for lineno, raw in enumerate(lines):
        ls, le = pos, pos + len(raw)
        pos = le + 1
        s, e = ls, le
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        line_start = s
        line = text[s:e]
        neighbours = tuple(lines[i].strip() for i in (lineno - 1, lineno + 1)
                           if 0 <= i < len(lines))
        if _is_table_row(line, neighbours):
            if not TABLE_SEP_RE.match(line):
                out.append(Sentence(s, e, TABLE_ROW, lineno))
            continue
        if line.startswith("<") or line.endswith(">"):
            lo = (m_lead.end() if (m_lead := HTML_LEAD_RE.match(line)) else 0)
            m_trail = HTML_TRAIL_RE.search(line, lo)
            hi = m_trail.start() if m_trail else len(line)
            if not line[lo:hi].strip():
                continue  # "<table>", "</table>": markup only
            s, e = s + lo, s + hi
            line = text[s:e]
        bullet = False
        bm = BULLET_RE.match(line)
        if bm and bm.end() < len(line):
            s += bm.end()
            bullet = True
        head = None
        chat = CHAT_PREFIX_RE.match(text, s, e)
        if chat and chat.end() < e:
            if not bullet and s == line_start:
                head = s
            s = chat.end()  # the message, not its timestamp and handle
        if _is_heading(text[s:e]) and not (chat and len(text[s:e].split()) >= CHAT_MIN_WORDS):
            # a chat message is a sentence even without a full stop
            out.append(Sentence(s, e, HEADING, lineno, bullet, head))
            continue
        for a, b in _split_line(text, s, e):
            out.append(Sentence(a, b, SENTENCE, lineno, bullet, head if a == s else None))
    return out


class SentenceSegmenter:
    """Pipeline component: writes doc._.gw_sentences from the raw text (no parser)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # Doc.text re-joins every token: compute it once per document
        doc._.gw_text = text
        doc._.gw_sentences = split_sentences(text)
        return doc


@Language.factory("gw_sentences")
def create_sentence_segmenter(nlp: Language, name: str) -> SentenceSegmenter:
    return SentenceSegmenter(name)
