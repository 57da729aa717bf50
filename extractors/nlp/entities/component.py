"""The entity component: registry PhraseMatcher + new-name regex, longest match wins."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from models.records import BenchmarkMention, ModelMention, RegistryModel

from ..cues import load_cues
from ..registry import Registry, load_registry, norm_name
from .patterns import (
    CONTEXT_BENCH_RE,
    NAMED_BOARD_RE,
    NEW_BENCH_RE,
    SHAPE_NAME_RE,
    SIZE_NAME_RE,
    alias_variants,
    canonical_new_name,
    new_name_regex,
    version_key,
)

MODEL, BENCH, ORG = "M", "B", "O"
# "DeepSeek V4-Pro" -> "V4-Pro", "Kimi K3" -> "K3": the version a text uses alone once
# it has named the family
_SIZE_ONLY_RE = re.compile(r"^[A-Z]?\d+(?:\.\d+)?[BMKT]$")
_SHORT_FORM_RE = re.compile(r"^[A-Za-z]+[\s-]+(?P<short>[A-Z][\w.]*\d[\w.-]*(?:\s[A-Z][a-z]+)?)$")


def short_form(name: str) -> str | None:
    """"DeepSeek-V4-Pro" -> "V4-Pro"; None when the name has no such version part."""
    hit = _SHORT_FORM_RE.match(name)
    if not hit or len(hit.group("short")) < 2 or _SIZE_ONLY_RE.match(hit.group("short")):
        return None  # "Hunyuan-A13B": a size, not a version
    return hit.group("short")


def registry_short_forms(registry: Registry) -> dict[str, tuple[RegistryModel, tuple[str, ...]]]:
    """Short form -> (the one registry model it names, the family/organization words one
    of which the text must use for the short form to count: "K3" needs "Kimi")."""
    found: dict[str, set[str]] = defaultdict(set)
    for m in registry.models:
        for name in (m.name, *m.aliases):
            short = short_form(name)
            if short:
                found[short].add(m.id)
    out: dict[str, tuple[RegistryModel, tuple[str, ...]]] = {}
    for short, ids in found.items():
        if len(ids) == 1:
            m = registry.model_by_id[next(iter(ids))]
            out[short] = (m, tuple(w for w in (m.family, m.organization) if w))
    return out


def short_forms(text: str, models: list[ModelMention], taken: list[tuple[int, int]],
                registry_shorts: dict[str, tuple[RegistryModel, tuple[str, ...]]]
                ) -> list[ModelMention]:
    """Mentions of a model by its version alone ("V4-Pro", "K3"): of a model the text
    names in full, or of a registry model whose family or maker the text names."""
    shorts: dict[str, ModelMention] = {}
    for m in models:
        short = short_form(m.mention)
        if short:
            shorts.setdefault(short, m)
    named: dict[str, bool] = {}  # family/maker word -> does the text use it (asked once)
    for short, (reg, anchors) in registry_shorts.items():
        if short not in shorts and short in text and any(
                named.setdefault(w, bool(re.search(rf"\b{re.escape(w)}\b", text, re.I)))
                for w in anchors):
            shorts[short] = ModelMention(short, reg.id, reg.family, reg.organization,
                                         reg.openness, 0, 0)
    out: list[ModelMention] = []
    for short, m in shorts.items():
        for hit in re.finditer(rf"(?<![\w.-]){re.escape(short)}(?![\w-]|\.\d)", text):
            a, b = hit.span()
            if any(a < e and s < b for s, e in taken):
                continue
            out.append(ModelMention(short, m.canonical, m.family, m.organization, m.openness,
                                    a, b))
            taken.append((a, b))
    return out
_VARIANTS = ("Mini|Pro|Flash|Max|Ultra|Lite|Turbo|Instruct|Base|Chat|Coder|Omni|Plus|Air|Nano|"
             "Edge|Vision|Thinking|Reasoner")


def new_name_echoes(text: str, models: list[ModelMention], taken: list[tuple[int, int]]
                    ) -> list[ModelMention]:
    """Later mentions of a new model by its name without the size ("Orrery-3 235B" ...
    "Orrery-3 scores 61%"), and names of a new model's shape that the text makes a model
    ("Hanul-3 reached 83.4", then every "Hanul-3"): names not in the registry are written
    in full once and short afterwards."""
    bases: set[str] = set()
    for m in models:
        if m.openness == "unknown" and m.family is None:
            hit = SIZE_NAME_RE.fullmatch(m.mention)
            base = hit and (hit.group("vname") or hit.group("name"))
            if base and any(ch.isdigit() for ch in base):
                bases.add(base)
    patterns = [re.escape(b) for b in bases]
    for m in SHAPE_NAME_RE.finditer(text):
        # a name the text makes a model brings its other versions: "Aurora 3 ... 60% below
        # Aurora 2.5" (the same word and separator, any version)
        name = m.group("name")
        patterns.append(re.escape(name.rstrip("0123456789.")) + r"\d{1,2}(?:\.\d)?")
    out: list[ModelMention] = []
    for base in sorted(set(patterns)):
        for hit in re.finditer(rf"(?<![\w.-]){base}(?:\s(?:{_VARIANTS})\b)?"
                               r"(?![\w-]|\.\d| \d+(?:\.\d+)?B\b)", text):
            a, b = hit.span()
            if any(a < e and s < b for s, e in taken):
                continue
            name = hit.group()  # "Vireo-2 Mini": a variant is its own model
            out.append(ModelMention(name, canonical_new_name(name), None, None, "unknown", a, b))
            taken.append((a, b))
    return out


_PRIORITY = {BENCH: 0, MODEL: 1, ORG: 2}
_COORD = frozenset({"/", ",", "and", "or", "&", "vs", "vs.", "versus"})


@dataclass(frozen=True, slots=True)
class OrgMention:
    """An organization named in the text (labs, companies, analysts)."""

    mention: str
    canonical: str
    name: str
    start: int
    end: int


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    typ: str
    ident: str
    new: ModelMention | None = None  # a model absent from the registry
    tok_start: int = -1
    tok_end: int = -1


class EntityRecognizer:
    """Finds models, benchmarks and organizations; writes doc._.gw_models/benchmarks/orgs."""

    def __init__(self, nlp: Language, name: str, registry_dir: str | None = None) -> None:
        self.name = name
        self.registry: Registry = load_registry(registry_dir)
        self.amb = load_cues("ambiguous")
        self.models = self.registry.model_by_id
        self.benchmarks = self.registry.benchmark_by_id
        self.orgs = {o.id: o for o in self.registry.organizations}
        self.registry_shorts = registry_short_forms(self.registry)
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.keys: dict[int, tuple[str, str]] = {}
        self.alias_norms: dict[str, dict[str, str]] = {MODEL: {}, BENCH: {}, ORG: {}}
        self._build(nlp)
        self.new_re, self.new_groups = new_name_regex(self.registry)
        self._version_keys = self._build_version_keys()
        self.org_norms: set[str] = set(self.alias_norms[ORG])
        self._model_context = self._build_model_context()
        self._lowercase_names = {m.id for m in self.registry.models if m.name[:1].islower()}
        self._not_benches = {norm_name(x) for x in self.amb.get("not_benchmarks", [])}
        self._family_prefixes = tuple(p.lower() for f in self.registry.families
                                      for p in f.prefixes)
        self.bench_by_name = {norm_name(a): b.id for b in self.registry.benchmarks
                             for a in (b.name, *b.aliases)}

    # -- construction -------------------------------------------------------------
    def _add(self, nlp: Language, typ: str, ident: str, aliases: tuple[str, ...],
             case_sensitive: bool = False) -> None:
        key = f"gw|{typ}|{ident}"
        h = nlp.vocab.strings.add(key)
        self.keys[h] = (typ, ident)
        variants: dict[str, None] = {}
        for alias in aliases:
            if len(alias) < 2:
                continue
            self.alias_norms[typ].setdefault(norm_name(alias), ident)
            for v in alias_variants(alias, split_version=typ == MODEL):
                variants.setdefault(v, None)
        docs = list(nlp.tokenizer.pipe(list(variants)))
        if docs:
            (self.orth_matcher if case_sensitive else self.lower_matcher).add(key, docs)

    def _build(self, nlp: Language) -> None:
        for m in self.registry.models:
            self._add(nlp, MODEL, m.id, m.aliases)
        for b in self.registry.benchmarks:
            self._add(nlp, BENCH, b.id, b.aliases,
                      case_sensitive=b.id in self.registry.case_sensitive_benchmarks)
        for o in self.registry.organizations:
            self._add(nlp, ORG, o.id, o.aliases)

    def _build_version_keys(self) -> dict[str, str | None]:
        by_family = defaultdict(tuple)
        for fam in self.registry.families:
            by_family[fam.family.lower()] = by_family[fam.family.lower()] + fam.prefixes
        keys: dict[str, str | None] = {}
        for m in self.registry.models:
            prefixes = by_family.get((m.family or "").lower(), ())
            for alias in m.aliases:
                k = version_key(alias, prefixes, strip_tag=True)
                if k is None:
                    continue
                if k in keys and keys[k] != m.id:
                    keys[k] = None  # ambiguous key: never resolve through it
                else:
                    keys[k] = m.id
        return keys

    def _build_model_context(self) -> dict[str, set[str]]:
        """Lower-case words that confirm an ambiguous model name when just before it."""
        org_aliases: dict[str, set[str]] = {}
        for o in self.registry.organizations:
            words = {norm_name(a) for a in o.aliases} | {norm_name(o.name)}
            org_aliases[norm_name(o.name)] = words
            org_aliases[norm_name(o.id)] = words
        ctx: dict[str, set[str]] = {}
        for m in self.registry.models:
            words = set(org_aliases.get(norm_name(m.organization or ""), set()))
            words.add(norm_name(m.organization or ""))
            words.add(norm_name(m.family or ""))
            words.discard("")
            ctx[m.id] = words
        return ctx

    # -- matching -----------------------------------------------------------------
    def _registry_model_for(self, text: str, prefixes: tuple[str, ...]) -> RegistryModel | None:
        ident = self.alias_norms[MODEL].get(norm_name(text))
        if ident is None:
            k = version_key(text, prefixes, strip_tag=False)
            ident = self._version_keys.get(k) if k else None
        return self.models.get(ident) if ident else None

    def _candidates(self, doc: Doc) -> list[_Cand]:
        out: list[_Cand] = []
        for matcher in (self.lower_matcher, self.orth_matcher):
            for h, s, e in matcher(doc):
                typ, ident = self.keys[h]
                span = doc[s:e]
                out.append(_Cand(span.start_char, span.end_char, typ, ident, None, s, e))
        text = doc._.gw_text
        for m in self.new_re.finditer(text):
            fam = self.new_groups[m.lastgroup or ""]
            surface = m.group(0)
            reg = self._registry_model_for(surface, fam.prefixes)
            if reg is not None:
                out.append(_Cand(m.start(), m.end(), MODEL, reg.id))
                continue
            new = ModelMention(surface, canonical_new_name(surface), fam.family,
                               fam.organization, "unknown", m.start(), m.end())
            out.append(_Cand(m.start(), m.end(), MODEL, new.canonical, new))
        for m in SIZE_NAME_RE.finditer(text):
            surface = m.group(0)
            reg = self._registry_model_for(surface, ())
            if reg is not None:
                out.append(_Cand(m.start(), m.end(), MODEL, reg.id))
                continue
            new = ModelMention(surface, canonical_new_name(surface), None, None, "unknown",
                               m.start(), m.end())
            out.append(_Cand(m.start(), m.end(), MODEL, new.canonical, new))
        for rx in (NEW_BENCH_RE, NAMED_BOARD_RE):  # "SealBench", "Meridian Leaderboard"
            for m in rx.finditer(text):
                known = self.bench_by_name.get(norm_name(m.group("name")))
                if known is None or m.groupdict().get("ver"):  # a registry name alone is the
                    out.append(_Cand(m.start(), m.end(), BENCH,  # matcher's
                                     known or canonical_new_name(m.group("name"))))
        out.extend(self._context_benchmarks(text, out))
        for c in out:
            if c.tok_start < 0:
                span = doc.char_span(c.start, c.end, alignment_mode="expand")
                if span is not None:
                    c.tok_start, c.tok_end = span.start, span.end
        return [c for c in out if c.tok_start >= 0]

    def _context_benchmarks(self, text: str, found: list[_Cand]) -> list[_Cand]:
        """Benchmarks named only by their context (CONTEXT_BENCH_RE), then every other use of
        the same name in the document; never a name another candidate covers, a known
        organisation's or model's name, a listed non-benchmark (a venue, a platform) or one
        that starts with a model family's prefix."""
        taken = [(c.start, c.end) for c in found]
        names: set[str] = set()
        for m in CONTEXT_BENCH_RE.finditer(text):
            name = next(g for g in m.groups() if g)
            key = norm_name(name)
            if (key in self.org_norms or key in self.alias_norms[MODEL] or key in self._not_benches
                    or name.lower().startswith(self._family_prefixes)):
                continue
            names.add(name)
        out: list[_Cand] = []
        for name in names:
            for m in re.finditer(r"(?<![\w.-])" + re.escape(name) + r"(?![\w-])", text):
                if not any(m.start() < e and s < m.end() for s, e in taken):
                    out.append(_Cand(m.start(), m.end(), BENCH, canonical_new_name(name)))
        return out

    def _lowercase_word(self, doc: Doc, c: _Cand) -> bool:
        """A single alphabetic token written in lower case ("arena", "composer")."""
        if c.tok_end - c.tok_start != 1:
            return False
        tok = doc[c.tok_start]
        return tok.is_alpha and tok.text.islower() and c.typ != ORG and c.new is None

    def _is_model_context(self, doc: Doc, c: _Cand) -> bool:
        """'DeepSeek models', 'the MiniMax weights': the company's name used for its models."""
        nxt = doc[c.tok_end].lower_ if c.tok_end < len(doc) else ""
        return nxt in self.amb.get("model_after", [])

    def _ambiguous_ok(self, doc: Doc, c: _Cand, confirmed: set[str],
                      accepted_tokens: set[int]) -> bool:
        """Context test for registry names that are also ordinary words."""
        surface = doc._.gw_text[c.start:c.end]
        key = norm_name(surface)
        if c.typ == BENCH:
            rules = self.amb.get("benchmarks", {}).get(key)
            if not rules:
                return True
            nxt = doc[c.tok_end].lower_ if c.tok_end < len(doc) else ""
            prev = doc[c.tok_start - 1].lower_ if c.tok_start > 0 else ""
            return nxt in rules.get("after", []) or prev in rules.get("before", [])
        if c.typ != MODEL or c.new is not None or c.tok_end - c.tok_start != 1:
            return True
        if key not in self.amb.get("models", []) or key in self.amb.get("always_ok", []):
            return True
        if not surface[:1].isupper() and c.ident not in self._lowercase_names:
            return False  # "spark", "arena" as words; but "o1", "o3" are written so
        if c.ident in confirmed:
            return True
        window = int(self.amb.get("window", 3))
        ctx = self._model_context.get(c.ident, set())
        before = {norm_name(t.text) for t in doc[max(0, c.tok_start - window):c.tok_start]}
        if before & ctx:
            return True
        nxt = doc[c.tok_end].lower_ if c.tok_end < len(doc) else ""
        if nxt in self.amb.get("model_after", []) or nxt[:1].isdigit():
            return True
        # coordination with an accepted model: "Fable and Mythos models", "Claude/Codex"
        if c.tok_start >= 2 and doc[c.tok_start - 1].lower_ in _COORD \
                and (c.tok_start - 2) in accepted_tokens:
            return True
        return c.tok_end + 1 < len(doc) and nxt in _COORD and (c.tok_end + 1) in accepted_tokens

    def _select(self, doc: Doc, cands: list[_Cand]) -> list[_Cand]:
        cands = [c for c in cands if not self._lowercase_word(doc, c)]
        # same span named by a model family and an organization ("DeepSeek", "MiniMax"):
        # the company, unless the next word makes it its models ("DeepSeek models")
        org_spans = {(c.start, c.end) for c in cands if c.typ == ORG}
        cands = [c for c in cands if not (c.typ == MODEL and (c.start, c.end) in org_spans
                                          and not self._is_model_context(doc, c))]
        cands.sort(key=lambda c: (-(c.end - c.start), _PRIORITY[c.typ], c.new is not None,
                                  c.start))
        chosen: list[_Cand] = []
        taken: set[int] = set()
        for c in cands:
            rng = range(c.start, c.end)
            if any(i in taken for i in rng):
                continue
            chosen.append(c)
            taken.update(rng)
        chosen.sort(key=lambda c: c.start)
        # ambiguous names: accept the clear ones first, then those confirmed by them
        safe: list[_Cand] = []
        pending: list[_Cand] = []
        for c in chosen:
            if self._needs_context(doc, c):
                pending.append(c)
            else:
                safe.append(c)
        confirmed = {c.ident for c in safe if c.typ == MODEL}
        accepted_tokens = {i for c in safe if c.typ == MODEL
                           for i in range(c.tok_start, c.tok_end)}
        changed = True
        while changed and pending:
            changed = False
            for c in list(pending):
                if self._ambiguous_ok(doc, c, confirmed, accepted_tokens):
                    safe.append(c)
                    pending.remove(c)
                    confirmed.add(c.ident)
                    accepted_tokens.update(range(c.tok_start, c.tok_end))
                    changed = True
        safe.sort(key=lambda c: c.start)
        return safe

    def _needs_context(self, doc: Doc, c: _Cand) -> bool:
        if c.new is not None or c.typ == ORG:
            return False
        key = norm_name(doc._.gw_text[c.start:c.end])
        if c.typ == BENCH:
            return key in self.amb.get("benchmarks", {})
        return (c.tok_end - c.tok_start == 1 and key in self.amb.get("models", [])
                and key not in self.amb.get("always_ok", []))

    def __call__(self, doc: Doc) -> Doc:
        text = doc._.gw_text
        models: list[ModelMention] = []
        benches: list[BenchmarkMention] = []
        orgs: list[OrgMention] = []
        for c in self._select(doc, self._candidates(doc)):
            surface = text[c.start:c.end]
            if c.typ == MODEL:
                if c.new is not None:
                    models.append(c.new)
                    continue
                m = self.models[c.ident]
                models.append(ModelMention(surface, m.id, m.family, m.organization, m.openness,
                                           c.start, c.end))
            elif c.typ == BENCH:
                benches.append(BenchmarkMention(surface, c.ident, c.start, c.end))
            else:
                o = self.orgs[c.ident]
                orgs.append(OrgMention(surface, o.id, o.name, c.start, c.end))
        taken = [(m.start, m.end) for m in models] + [(b.start, b.end) for b in benches]
        models = models + short_forms(text, models, taken, self.registry_shorts)
        models = sorted(models + new_name_echoes(text, models, taken), key=lambda m: m.start)
        doc._.gw_models = models
        doc._.gw_benchmarks = benches
        doc._.gw_orgs = orgs
        return doc
