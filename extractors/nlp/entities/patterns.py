"""Surface variants of registry names and the regex for new model names.

Writers spell one model many ways ("Kimi K2.5", "Kimi-K2.5", "Qwen 3.5",
"Qwen3.5", "ARC AGI 2"); the PhraseMatcher needs each spelling tokenised the way
spaCy will tokenise it in running text, so variants are generated from each alias
and run through the same tokenizer. Names absent from the registry are caught by
a regex built from the family prefixes (families.jsonl) and always require a
version, so a family word alone never creates a new model.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..cues import load_cues
from ..registry import Registry, RegistryFamily, norm_name

_SEP_RE = re.compile(r"([\s\-]+)")
_LETTER_DIGIT_RE = re.compile(r"^([A-Za-z]{2,})(\d.*)$")
MAX_VARIANTS = 48


def alias_variants(alias: str, *, split_version: bool) -> list[str]:
    """Spellings of ``alias`` with space / hyphen / no separator between its parts.

    ``split_version`` also separates a letter run from a following version
    ("Qwen3.5" -> "Qwen 3.5", "Qwen-3.5"); used for models, not benchmarks
    ("GSM8K" is never written "GSM 8K").
    """
    alias = alias.strip()
    pieces = _SEP_RE.split(alias)
    words = pieces[0::2]
    if split_version and words:
        m = _LETTER_DIGIT_RE.match(words[0])
        if m and len(words) <= 3:
            words = [m.group(1), m.group(2), *words[1:]]
    if len(words) <= 1:
        return [alias]
    seps_options: list[list[str]] = []
    for left, right in itertools.pairwise(words):
        opts = [" ", "-"]
        if left[-1:].isalpha() and right[:1].isdigit():
            opts.append("")
        seps_options.append(opts)
    out: dict[str, None] = {alias: None}
    if len(seps_options) > 3:
        for sep in (" ", "-"):
            out.setdefault(sep.join(words), None)
        return list(out)
    for combo in itertools.product(*seps_options):
        text = words[0] + "".join(s + w for s, w in zip(combo, words[1:], strict=True))
        out.setdefault(text, None)
        if len(out) >= MAX_VARIANTS:
            break
    return list(out)


VERSION = r"(?:[A-Za-z]{1,2}-?)?\d+(?:\.\d+)*[A-Za-z]{0,3}"
SUFFIXES = (
    "Pro", "Max", "Plus", "Flash", "Mini", "mini", "Nano", "Ultra", "Lite", "Turbo", "Instruct",
    "Thinking", "Reasoner", "Code", "Coder", "Preview", "Sonnet", "Opus", "Haiku", "Super",
    "Small", "Medium", "Large", "Air", "Exp", "Chat", "Base", "Omni", "VL", "Vision", "Speciale",
    "Terminus", "Fast", "High", "Heavy", "Next", "Scout", "Maverick", "Behemoth", "Mythos",
    "Fable", "it", "oss", "Codex",
)
SIZE = r"(?:A)?\d+(?:\.\d+)?[BbMmTt]"


@dataclass(frozen=True, slots=True)
class NewNameRule:
    """A compiled family-prefix rule: which family a regex match belongs to."""

    family: RegistryFamily
    prefix: str


def _prefix_regex(prefix: str, case_sensitive: bool) -> str:
    p = prefix.strip()
    hyphen_required = p.endswith("-")
    p = p.rstrip("- ")
    forms = {p} if case_sensitive else {p, p.lower(), p.upper()}
    body = "|".join(re.escape(f).replace(r"\ ", r"[\s-]") for f in sorted(forms, key=len,
                                                                       reverse=True))
    sep = "-" if hyphen_required else r"[\s-]?"
    return rf"(?:{body}){sep}"


def new_name_regex(registry: Registry) -> tuple[re.Pattern[str], dict[str, RegistryFamily]]:
    """One regex over all family prefixes; group names map back to families."""
    amb = load_cues("ambiguous")
    cs = {w.lower() for w in amb.get("prefix_case_sensitive", [])}
    suffix = "|".join(sorted(SUFFIXES, key=len, reverse=True))
    tail = rf"(?:[\s-](?:{suffix}|{SIZE})(?![\w]))*(?:-{SIZE})?"
    alts: list[str] = []
    groups: dict[str, RegistryFamily] = {}
    entries: list[tuple[str, RegistryFamily]] = []
    for fam in registry.families:
        for prefix in fam.prefixes:
            entries.append((prefix, fam))
    entries.sort(key=lambda e: len(e[0]), reverse=True)
    for i, (prefix, fam) in enumerate(entries):
        name = f"f{i}"
        groups[name] = fam
        pre = _prefix_regex(prefix, prefix.lower() in cs or prefix.lower().rstrip("- ") in cs)
        tier = rf"(?:(?:{suffix})[\s-])?"
        alts.append(rf"(?P<{name}>{pre}{tier}(?!(?:19|20)\d\d\b){VERSION}{tail})")
    if not alts:
        return re.compile(r"(?!x)x"), groups
    src = rf"(?<![\w.\-/])(?:{'|'.join(alts)})(?![\w]|\.\d|-\d)"
    return re.compile(src), groups


# "Foo-72B", and "Halden-2 70B" / "Falcon-H2 34B": a versioned name, a space, a size
SIZE_NAME_RE = re.compile(
    r"(?<![\w.\-/])(?P<name>[A-Z][A-Za-z]{2,}(?:-(?:[A-Z][A-Za-z0-9]*|\d+(?:\.\d+)?))*)"
    r"-(?P<size>\d+(?:\.\d+)?[Bb])(?![\w])"
    r"|(?<![\w.\-/])(?P<vname>[A-Z][A-Za-z]{2,}-[A-Z]?\d+(?:\.\d+)?)"
    r" (?P<vsize>\d+(?:\.\d+)?B)(?![\w])"
)


# a name of a new model's shape ("Hanul-3", "Vireo-2.5") that the words after it make a
# model: it scores, trails, beats, has a parameter count
SHAPE_NAME_RE = re.compile(
    r"(?<![\w.\-/])(?P<name>(?!(?:Table|Figure|Fig|Section|Chapter|Part|Phase|Stage|Step|"
    r"Level|Tier|Round|Week|Day|Year|Version|Item|Question|Slide|Chart|Exhibit|Appendix|"
    r"Article|Annex|Page|Episode|Season|Issue|Volume|Case|Scenario|Option|Group)\b)"
    r"[A-Z][a-z]{2,}[- ]\d{1,2}(?:\.\d)?)(?![\w-]|\.\d)"
    r"(?=\s+(?:now\s+|also\s+|still\s+)?(?:scores?|scored|reach(?:es|ed)|posts?|posted|"
    r"achiev(?:es|ed)|trails?|trailed|beats?|beat|match(?:es|ed)?|leads?|led|outperform\w*|"
    r"has\s+\d+(?:\.\d+)?\s?B\b|is\s+an?\s+(?:open|\d+(?:\.\d+)?B|model))"
    # "announced Aurora 3, a new frontier model": a name in apposition to "model"
    r"|,\s+(?:a|an|its|our|the)\s+(?:[\w-]+\s+){0,3}model\b)")


# a benchmark not in the registry, by its shape: "SealBench", "AdminBench-EU", "LongHaul-QA",
# "Sable-Agent-Eval", "KoDocVQA"; a version after a name ("LiveCodeBench v7") stays with it
NEW_BENCH_RE = re.compile(
    r"(?<![\w.\-/])(?P<name>[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)*-?(?<=[a-z0-9-])"
    r"(?:Bench|Eval|QA|VQA)(?:-[A-Z0-9][A-Za-z0-9]*)?)(?![\w-])(?P<ver>\s+v\d{1,2}(?:\.\d)?\b)?")

# a benchmark not in the registry and not of a benchmark's shape, that its context makes one:
# a compound or numbered name ("ReelSpan", "ClaimsExtract-1k", "PostCut-26", "RepoQuest v3")
# scored on ("On ReelSpan, Gemini 3.1 Pro answered 67.2%", "40% on PostCut-26"), in apposition
# to a benchmark noun ("FigureDesk, a new test") or named as one ("the ThreadPull suite"); a
# plain name with one digit ("Hanul-3") is a model's shape, not a benchmark's
_BENCH_SHAPE = (r"(?:[A-Z][a-z]+(?:[A-Z][A-Za-z0-9]*)+(?:-\d{1,4}[kKmM]?)?|[A-Z][A-Za-z]+"
                r"(?:-[A-Z][A-Za-z]+)*-(?:\d{2,4}|\d{1,4}[kKmM]))(?:\s+v\d{1,2}(?:\.\d)?)?")
_BENCH_NOUN = (r"(?:benchmark|test|suite|eval(?:uation)?|leaderboard|index|(?:task|test|problem|"
               r"question|eval)\s+set|exam)s?")
CONTEXT_BENCH_RE = re.compile(
    r"(?:\b[Oo]n\s+(?:the\s+|its\s+|our\s+)?(?P<on>" + _BENCH_SHAPE + r")(?![\w-])"
    r"(?=(?:[^.;!?]|\.\d){0,120}?\d(?:\.\d+)?(?:\s?%|\s?(?:per\s?cent|points?|pp)\b))"
    r"|(?<![\w-])(?P<appo>" + _BENCH_SHAPE + r"),\s+(?:a|an|the|our|its)\s+(?:[\w,-]+\s+){0,4}?"
    + _BENCH_NOUN + r"\b"
    r"|\d(?:\s?%|\s?(?:per\s?cent|points?|pp)\b)\s+on\s+(?:the\s+)?(?P<after>" + _BENCH_SHAPE
    + r")(?![\w-])"
    r"|\b" + _BENCH_NOUN + r",?\s+(?:called\s+|named\s+|dubbed\s+)?(?P<named>" + _BENCH_SHAPE
    + r")(?![\w-])"
    r"|\bthe\s+(?P<the>" + _BENCH_SHAPE + r")\s+" + _BENCH_NOUN + r"\b)")

# a leaderboard or arena named for itself: "Meridian Leaderboard", "WebDev Arena",
# "Open LLM Leaderboard" (one to three capitalised words before the noun)
NAMED_BOARD_RE = re.compile(
    r"(?<![\w.-])(?P<name>(?!(?:The|A|An|Our|Your|My|This|That|Its|Their|On|In|At|Top|New|Old|"
    r"Every|Each|Any|No|Same|Next|Last|First|Public|Private|Main|Overall|Current|Latest)\s)"
    r"[A-Z][\w-]*(?:\s[A-Z][\w-]*){0,2}\s(?:Leaderboard|Arena))(?![\w-])")


def canonical_new_name(text: str) -> str:
    """Canonical id of a name absent from the registry: lower case, '-' between words."""
    t = re.sub(r"\s+", "-", text.strip().lower())
    return re.sub(r"-{2,}", "-", t)


def version_key(text: str, prefixes: tuple[str, ...], *, strip_tag: bool) -> str | None:
    """Looser key: family prefix + version digits, optionally dropping a one-letter tag.

    Registry names are keyed with ``strip_tag`` ("Kimi K2.5" -> "kimi|25"); a
    candidate written without the tag ("Kimi 2.5") is keyed without it and so
    resolves to the registry entry instead of inventing a model.
    """
    n = norm_name(text)
    for p in sorted((norm_name(p) for p in prefixes), key=len):
        if p and n.startswith(p) and len(n) > len(p):
            rest = n[len(p):]
            if strip_tag:
                rest = re.sub(r"^[a-z](?=\d)", "", rest)
            if rest[:1].isdigit():
                return f"{p}|{rest}"
            return None
    return None
