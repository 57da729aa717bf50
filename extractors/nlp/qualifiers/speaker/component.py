"""Speaker qualifier: who makes an attributed claim.

Only claims that contain an attribution cue ("argues", "according to", "X's
analysis") reach the statistical NER, as small Docs built from the sentence
text, batched across the documents of an ``nlp.pipe`` batch. Organizations found
by the registry matcher and a capitalised-name fallback cover names the NER
misses ("TexTak places ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from ...claims.component import ClaimDraft
from .patterns import speaker_patterns

_GAP_OK_RE = re.compile(
    r"^(?:\s*(?:['’]s?)?\s*(?:[\w.-]+\s+){0,4}?(?:analysis|report|study|index|paper|research|"
    r"survey|estimates?|assessment|data|findings|tracker|review|forecast|view)(?:\s*\([^)]*\))?"
    r"|\s*(?:,\s*(?:who|which)[^,;]*,)?(?:\s+(?:has|have|had|also|since|now|further|then|again|"
    r"recently|previously|still|publicly|explicitly|repeatedly|specifically|long|himself|"
    r"herself|itself|\w+ly))*)\s*$"
)
_START_STOP = frozenset({
    "the", "this", "that", "these", "those", "it", "its", "they", "we", "our", "he", "she",
    "his", "her", "in", "on", "but", "however", "and", "if", "when", "while", "a", "an",
    "what", "some", "many", "most", "other", "others", "recent", "new", "today", "today's",
})


@dataclass(frozen=True, slots=True)
class NamedSpan:
    start: int  # offsets relative to the sentence
    end: int
    text: str
    label: str


class SpeakerQualifier:
    def __init__(self, nlp: Language, name: str, analysis_pipes: list[str]) -> None:
        self.name = name
        self.p = speaker_patterns()
        self.tokenizer = nlp.tokenizer
        self.analysis = [(n, nlp.get_pipe(n)) for n in analysis_pipes if n in nlp.component_names]

    # -- NER over candidate sentences only ----------------------------------------
    def _ner(self, texts: list[str], batch_size: int = 64) -> list[list[NamedSpan]]:
        if not texts:
            return []
        docs: Iterable[Doc] = (self.tokenizer(t) for t in texts)
        for _name, proc in self.analysis:
            docs = proc.pipe(docs, batch_size=batch_size) if hasattr(proc, "pipe") else (
                proc(d) for d in docs)
        out: list[list[NamedSpan]] = []
        for d in docs:
            out.append([NamedSpan(e.start_char, e.end_char, e.text, e.label_) for e in d.ents
                        if e.label_ in self.p.labels])
        return out

    def _clean(self, name: str | None, claim: ClaimDraft, doc: Doc) -> str | None:
        if not name:
            return None
        name = re.sub(r"^(?:the|The)\s+", "", name.strip(" ,;:'\"’‘“”"))
        name = re.sub(r"['’]s$", "", name)
        if not name or name.lower() in self.p.not_speakers or not name[:1].isalnum():
            return None
        if name.split()[0].lower() in _START_STOP:
            return None
        for m in [*(doc._.gw_models or []), *(doc._.gw_benchmarks or [])]:
            if m.mention == name or name.startswith(m.mention):
                return None
        if " " not in name and name[:1].isupper():
            full = re.search(rf"\b([A-Z][a-z]+(?: [A-Z]\.)?) {re.escape(name)}\b", doc._.gw_text)
            if full and full.group(1).lower() not in _START_STOP:
                return f"{full.group(1)} {name}"
        return name

    def _find(self, claim: ClaimDraft, ents: list[NamedSpan], doc: Doc) -> str | None:
        text = claim.text
        named = list(ents)
        for o in doc._.gw_orgs or []:
            if claim.start <= o.start and o.end <= claim.end:
                named.append(NamedSpan(o.start - claim.start, o.end - claim.start, o.mention,
                                       "ORG"))
        named.sort(key=lambda n: (n.start, -n.end))
        m = self.p.before.search(text)
        if m:
            at = m.start("name")
            hit = [n for n in named if abs(n.start - at) <= 4]
            return self._clean(hit[0].text if hit else m.group("name"), claim, doc)
        for v in self.p.verb.finditer(text):
            after = [n for n in named if 0 <= n.start - v.end() <= 2 and n.label == "PERSON"]
            if after and v.group(0) in ("said", "says", "wrote", "writes", "told"):
                return self._clean(after[0].text, claim, doc)
            before = sorted((n for n in named if n.end <= v.start()), key=lambda x: -x.end)
            for n in before:
                if v.start() - n.end > 60:
                    break
                if _GAP_OK_RE.match(text[n.end:v.start()]):
                    cand = self._clean(n.text, claim, doc)
                    if cand:
                        return cand
            cap = re.search(r"((?:[A-Z][\w&.’'-]*\s+){0,2}[A-Z][\w&.’'-]*|[a-z]+[A-Z]\w*|"
                            r"^[a-z][a-z]{3,})\s+$", text[:v.start()])
            if cap:
                cand = self._clean(cap.group(1), claim, doc)
                if cand:
                    return cand
        m = self.p.possessive.search(text)
        if m:
            at = m.start("name")
            hit = [n for n in named if n.start <= at < n.end or abs(n.start - at) <= 2]
            return self._clean(hit[-1].text if hit else m.group("name"), claim, doc)
        return None

    # -- component API --------------------------------------------------------------
    def _process(self, docs: list[Doc]) -> None:
        jobs: list[tuple[Doc, ClaimDraft]] = []
        for doc in docs:
            for claim in doc._.gw_claims or []:
                if self.p.any_cue.search(claim.text):
                    jobs.append((doc, claim))
        ents = self._ner([c.text for _d, c in jobs])
        for (doc, claim), found in zip(jobs, ents, strict=True):
            claim.speaker = self._find(claim, found, doc)

    def __call__(self, doc: Doc) -> Doc:
        self._process([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Batch the NER over all candidate sentences of ``batch_size`` documents."""
        for batch in minibatch(stream, size=batch_size):
            docs = list(batch)
            self._process(docs)
            yield from docs
