"""Features of one claim sentence for the learned stance and dimension classifiers.

Why these: the rule votes carry the hand-written knowledge (cue polarity, which side
is the subject, negation); the lexical n-grams let the classifier weigh cues the
rules miss. Model names are replaced by their openness (``openm``/``closedm``) and
open/closed side phrases by ``openside``/``closedside`` before n-grams are taken, so
"openm trails closedm" generalises across model names. Words in a negator's scope
get a ``not_`` prefix.
"""

from __future__ import annotations

import re

from ..claims.patterns import claim_patterns
from ..numbers import PER_CENT
from ..qualifiers.stance.component import Side, stance_votes
from ..qualifiers.stance.patterns import stance_patterns
from .spans import replace_spans

_TOKEN_RE = re.compile(r"[a-z][a-z0-9'’-]*|\d+(?:\.\d+)?%?|[;:,.!?]")
_NEG_RE = re.compile(r"^(?:not|no|never|nor|without|cannot|hardly|.*n['’]t)$")
_BREAK = {";", ":", ",", ".", "!", "?", "but", "however", "yet", "while", "although"}
NEG_SCOPE = 4


def _placeholder_text(text: str, sides: list[Side]) -> str:
    """The claim with model mentions and open/closed side phrases replaced by tags."""
    p = stance_patterns()
    spans: list[tuple[int, int, str]] = [(s.start, s.end, f" {s.side}m ") for s in sides]
    for rx, tag in ((p.open_side, " openside "), (p.closed_side, " closedside ")):
        for m in rx.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e, _ in spans):
                spans.append((m.start(), m.end(), tag))
    return replace_spans(text, spans).lower()


def _tokens(text: str) -> list[str]:
    toks: list[str] = []
    scope = 0
    for t in _TOKEN_RE.findall(text):
        t = t.replace("’", "'")
        if t[0].isdigit():
            t = "<pct>" if t.endswith("%") else "<num>"
        if t in _BREAK:
            scope = 0
            if t not in {";", ":", ",", ".", "!", "?"}:
                toks.append(t)
            continue
        if _NEG_RE.match(t):
            scope = NEG_SCOPE
            toks.append("<neg>")
            continue
        toks.append(f"not_{t}" if scope else t)
        scope = max(0, scope - 1)
    return toks


def ngrams(toks: list[str]) -> dict[str, float]:
    feats: dict[str, float] = {}
    for t in toks:
        feats[f"w={t}"] = 1.0
    for a, b in zip(toks, toks[1:], strict=False):
        feats[f"b={a}_{b}"] = 1.0
    return feats


# which way a gap noun moves: "the gap ... shrank", "the distance has halved", "down from"
_GAP_NOUN = r"(?:gap|distance|lag|deficit|difference|margin|spread|lead)s?"
_GAP_DOWN = re.compile(
    _GAP_NOUN + r"\b(?:\W+\w+){0,6}?\W+(?:shr[iu]nk\w*|narrow\w*|halved|fell|fall\w*|"
    r"dropp\w*|down from|smaller|clos(?:ed|ing)|compress\w*|disappear\w*|vanish\w*)\b"
    r"|(?:narrow\w*|halv\w*|shr[iu]nk\w*|clos\w*|cut|erod\w*)\W+(?:\w+\W+){0,3}" + _GAP_NOUN,
    re.I)
_GAP_UP = re.compile(
    _GAP_NOUN + r"\b(?:\W+\w+){0,6}?\W+(?:gr[eo]w\w*|widen\w*|up from|larger|bigger|"
    r"reopen\w*|persist\w*|remain\w*|still)\b"
    r"|(?:widen\w*|reopen\w*|grow\w*|extend\w*|keep\w*|hold\w*)\W+(?:\w+\W+){0,3}"
    + _GAP_NOUN, re.I)
_GAP_NEG = re.compile(r"\b(?:not|never|no|hardly|barely|scarcely|little)\b|n['’]t\b", re.I)
# a gap that stays: "the distance has barely moved", "remains 14 months behind"
_GAP_STILL = re.compile(
    r"\b(?:barely|hardly|not)\s+(?:moved|budged|changed|shifted)\b|\b(?:remains?|still|stays?)"
    r"\s+(?:\w+\s+){0,3}(?:behind|adrift|back)\b|\b(?:more\s+than\s+)?doubl\w*\s+the\s+"
    r"(?:gap|distance|lag|deficit)|\bstretch\w*\s+the\s+(?:gap|lag|lead|distance)", re.I)
# a number played down: "by only 5.4 points", "just two points", "within 3 points"
_SMALL_NUM = re.compile(r"\b(?:only|just|merely|mere|within|barely)\s+(?:about\s+|around\s+|"
                        r"a\s+)?(?:\d+(?:\.\d+)?|one|two|three|four|five|few|couple)\b", re.I)
_CMP_RE = re.compile(r"\b(?:against|versus|vs\.?|compared (?:with|to)|while|whereas)\b", re.I)
_NUM_RE = re.compile(r"\d+(?:\.\d+)?\s?(?:%|points?|pp|" + PER_CENT + r")?")


def structure_features(text: str, votes: dict[str, float]) -> dict[str, float]:
    """Sentence-shape features the rule votes do not express: a gap noun that moves down
    or up, votes on both sides (a balanced sentence) or none, and numbers compared
    ("48% against 61%")."""
    f: dict[str, float] = {}
    pos = votes.get("fixed_conv", 0) + votes.get("dir_conv", 0)
    neg = votes.get("fixed_div", 0) + votes.get("dir_div", 0)
    if pos and neg:
        f["x_mixed"] = 1.0
    if not pos and not neg:
        f["x_novote"] = 1.0
    for rx, down in ((_GAP_DOWN, True), (_GAP_UP, False)):
        for m in rx.finditer(text):
            # "the lag has not shrunk", "the gap hardly narrowed": the other way
            negated = bool(_GAP_NEG.search(m.group()) or _GAP_NEG.search(
                text[max(0, m.start() - 12):m.start()]))
            f["x_gap_down" if down != negated else "x_gap_up"] = 1.0
    if _GAP_STILL.search(text):
        f["x_gap_up"] = 1.0
    if _SMALL_NUM.search(text):
        f["x_small_num"] = 1.0
    nums = len(_NUM_RE.findall(text))
    if nums >= 2 and _CMP_RE.search(text):
        f["x_numcmp"] = 1.0
    return f


def stance_features(text: str, sides: list[Side], figures: list[tuple]) -> dict[str, float]:
    """Rule votes + side-tagged n-grams of one claim. (The document's leaning, its other
    claims' rule scores, did not help in grouped CV: documents mix stances, and a claim's
    document-majority gold stance matches its own only 38% of the time.)"""
    votes = stance_votes(text, sides, stance_patterns(), figures)
    feats = ngrams(_tokens(_placeholder_text(text, sides)))
    for k, v in votes.items():
        if k != "score" and v:
            feats[f"rule_{k}"] = min(v, 3.0)
    score = votes["score"]
    feats["rule_score"] = max(-3.0, min(3.0, score))
    feats["rule=" + ("conv" if score > 0.25 else "div" if score < -0.25 else "neut")] = 1.0
    opens = sum(s.side == "open" for s in sides)
    closeds = sum(s.side == "closed" for s in sides)
    if opens and closeds:
        feats["sides=both"] = 1.0
    elif opens:
        feats["sides=open"] = 1.0
    elif closeds:
        feats["sides=closed"] = 1.0
    feats.update(structure_features(text, votes))
    for _, kind, unit, *_ in figures:
        feats[f"fig={kind}"] = 1.0
        if unit:
            feats[f"figunit={unit}"] = 1.0
    return feats


def _content_words(text: str) -> set[str]:
    """A claim's words of four letters or more, outside a negator's scope."""
    return {t for t in _tokens(text.lower()) if t.isalpha() and len(t) > 3}


def dimension_context(evidence: list[set[str]], texts: list[str] | None = None
                      ) -> list[dict[str, float]]:
    """Per claim of one document (in order), the dimensions its neighbours and the rest of
    the document show evidence of (keyword hits or rule labels): a bare sentence in a
    paragraph about chips is about compute. +1.1 points of micro-F1 in grouped CV. With
    ``texts`` (the claims' sentences) also the neighbours' content words, at half weight:
    "It is not close." after a sentence about GPUs (+0.3 in grouped CV, 0.22 round)."""
    out: list[dict[str, float]] = []
    n = len(evidence)
    words = [_content_words(t) for t in texts] if texts is not None else None
    for i in range(n):
        f: dict[str, float] = {}
        if n > 1:
            counts: dict[str, int] = {}
            for j, ev in enumerate(evidence):
                if j != i:
                    for d in ev:
                        counts[d] = counts.get(d, 0) + 1
            for d, c in counts.items():
                f[f"doc_kw={d}"] = c / (n - 1)
        for j, tag in ((i - 1, "prev"), (i + 1, "next")):
            if 0 <= j < n:
                for d in evidence[j]:
                    f[f"{tag}_kw={d}"] = 1.0
                if words is not None:
                    for w in words[j]:
                        f[f"w=ctx_{w}"] = 0.5
        out.append(f)
    return out


def document_dimensions(text: str, line_hits: list[dict[str, int]]) -> dict[str, float]:
    """What the whole document is about, for every claim in it: the share of its lines
    (headings and table rows too; ``line_hits``, each line's keyword hits, as
    ClaimPatterns.keyword_hits counts them) that carry each dimension's keywords, and the
    dimensions its title names. A bare claim under "Chip export rules tighten" is about
    compute and policy. +0.9 points of micro-F1 in grouped CV (0.12 round)."""
    counts: dict[str, int] = {}
    for h in line_hits:
        for d in h:
            counts[d] = counts.get(d, 0) + 1
    n = max(1, len(line_hits))
    f = {f"all_kw={d}": min(1.0, 3.0 * c / n) for d, c in counts.items()}
    title = text.strip().split("\n", 1)[0]
    for d in claim_patterns().keyword_hits(title):
        f[f"title_kw={d}"] = 1.0
    return f


_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "ed", "ly")


def _stem(word: str) -> str:
    """A crude suffix strip for the dimension model's word stems ("chips", "policies",
    "taxes" -> "chip", "policy", "tax"; no lemmatiser needed, claims are not all parsed)."""
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suf in _SUFFIXES:
        if len(word) > len(suf) + 3 and word.endswith(suf):
            return word[: -len(suf)]
    return word


def dimension_features(text: str, bench_dims: list[str], rule_dims: list[str] | None = None,
                       keyword_hits: dict[str, int] | None = None) -> dict[str, float]:
    """Keyword hits per dimension (the rules'; counted here when not given), benchmark
    dimensions, the labels the rules chose (``rule_dims``, in rank order), and n-grams."""
    if keyword_hits is None:
        keyword_hits = claim_patterns().keyword_hits(text)
    feats = ngrams(_tokens(text.lower()))
    for k in [k for k in feats if k.startswith("w=")]:
        feats["w=~" + _stem(k[2:])] = 1.0  # "chips" and "chip" (+0.3 in grouped CV)
    for i, d in enumerate(rule_dims or []):
        feats[f"rule={d}"] = 1.0
        if i == 0:
            feats[f"rule1={d}"] = 1.0
    for name, n in keyword_hits.items():
        feats[f"kw={name}"] = min(float(n), 2.0)
    for d in bench_dims:
        feats[f"bench={d}"] = 1.0
    return feats
