"""Figure component: prose numbers with units and kinds, and numeric table cells."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from models.records import BenchmarkMention, Figure, ModelMention

from ..sentences import HEADING, SENTENCE, TABLE_ROW, Sentence
from .patterns import (
    BETWEEN_RE,
    CITATION_RE,
    CLAUSE_RE,
    ELO_BEFORE_RE,
    ENUM_RE,
    INHERIT_RE,
    NUMBER_RE,
    ORDINALS,
    RANK_RE,
    SPELLED_PCT_RE,
    TABLE_KIND_WORDS,
    TABLE_NUM_RE,
    figure_cues,
    parse_num,
    spelled_value,
)

Mention = ModelMention | BenchmarkMention
SOCIAL_RE = re.compile(r"u/\w|\bposted\b|\bcomments?\b|\bpoints\s+by\s+\w|\bupvotes?\b", re.I)
NAME_SIZE_RE = re.compile(r"-(\d+(?:\.\d+)?)[Bb]$")
RANK_MORE_RE = re.compile(r"\s+and\s+(\d{1,3})\b")
# "gaps of 12 and 14 points", "30 or 40%": the first number shares the second's unit
SHARED_UNIT_RE = re.compile(
    r"\s*(?:and|or|,)\s+\d+(?:\.\d+)?(?:\s?(?P<pct>%|percent\b)|(?:\s|-)(?P<pp>points?\b|pp\b)"
    r"|\s?(?P<x>x\b|×)|\s(?P<mo>months?\b))")
# "Kimi K3 at 72", "GPT-5.6 scores 78": a bare number right after a model is its score
MODEL_AT_RE = re.compile(
    r"^\s*,?\s*(?:at|scores?|scored|scoring|posts?|posted|reaches|reached|hits?|with|:)\s*"
    r"(?:a\s+|an\s+)?(?:score\s+of\s+)?$", re.I)


def _overlaps(a: int, b: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < e and s < b for s, e in spans)


def _nearest(mentions: Sequence[Mention], a: int, b: int, lo: int, hi: int) -> str | None:
    """Canonical id of the mention nearest to [a, b) inside [lo, hi); earlier wins ties."""
    best: tuple[int, int, str] | None = None
    for m in mentions:
        if m.start < lo or m.end > hi:
            continue
        dist = a - m.end if m.end <= a else m.start - b
        key = (max(dist, 0), 0 if m.end <= a else 1, m.canonical)
        if best is None or key < best:
            best = key
    return best[2] if best else None


class FigureFinder:
    """Writes doc._.gw_figures (models.records.Figure)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cues = figure_cues()

    # -- helpers ------------------------------------------------------------------
    @staticmethod
    def _clause(stext: str, pos: int) -> tuple[int, int]:
        lo, hi = 0, len(stext)
        for m in CLAUSE_RE.finditer(stext):
            if m.end() <= pos:
                lo = m.end()
            elif m.start() >= pos:
                hi = m.start()
                break
        return lo, hi

    def _tie(self, doc: Doc, sent: Sentence, a: int, b: int, kind: str = ""
             ) -> tuple[str | None, str | None]:
        """Nearest model and benchmark (clause first, then sentence).

        A gap belongs to the model that trails or leads, the sentence's subject:
        "X scores 80%, 2.7 points behind Y" ties 2.7 to X, so gaps take the first
        model before the number.
        """
        stext = doc._.gw_text[sent.start:sent.end]
        clo, chi = self._clause(stext, a - sent.start)
        clo, chi = clo + sent.start, chi + sent.start
        models = doc._.gw_models or []
        benches = doc._.gw_benchmarks or []
        model = None
        if kind in ("gap", "lag"):
            model = next((m.canonical for m in models
                          if sent.start <= m.start and m.end <= a), None)
        # outside the number's clause, the sentence's subject (a model before the number)
        # beats one named after it: "X rises from 71% to 80%, ahead of Y at 79%"
        model = model or _nearest(models, a, b, clo, chi) or _nearest(
            models, a, b, sent.start, a) or _nearest(models, a, b, sent.start, sent.end)
        bench = _nearest(benches, a, b, clo, chi) or _nearest(benches, a, b, sent.start,
                                                               sent.end)
        return model, bench

    def _pct_kind(self, stext: str, rel_a: int, rel_b: int, bench: str | None) -> str:
        after = stext[rel_b:rel_b + 40]
        clo, chi = self._clause(stext, rel_a)
        clause = stext[clo:chi]
        before = stext[clo:rel_a]
        if re.match(r"\+?\s+of\s+(?!the\s+gap|the\s+time)", after) or self.cues.share.search(
                before):
            return "share"
        if self.cues.gap.search(clause):
            return "gap"
        if bench or self.cues.score.search(clause):
            return "score"
        if self.cues.gap.search(stext):
            return "gap"
        return "score"

    def _bare(self, stext: str, m: re.Match[str], prev: Figure | None,
              sent_start: int) -> tuple[str, str | None] | None:
        """Kind and unit of a number written without a unit, or None (not a figure)."""
        rel_a = m.start("v1")
        before = stext[max(0, rel_a - 30):rel_a]
        if ELO_BEFORE_RE.search(before):
            return "elo", "elo"
        if prev is not None and prev.unit and INHERIT_RE.search(before) \
                and rel_a + sent_start - prev.end < 40:
            return prev.kind, prev.unit
        if re.search(r"\btop\s*$", before, re.I):
            return None
        words = re.findall(r"[A-Za-z][\w-]*", stext[m.end():m.end() + 40])[:3]
        for w in words:
            if w.lower() in self.cues.count_nouns:
                return "count", None
        return None

    # -- prose --------------------------------------------------------------------
    def _prose(self, doc: Doc, sent: Sentence, blocked: list[tuple[int, int]],
               forecast_values: set[float]) -> list[Figure]:
        text = doc._.gw_text
        stext = text[sent.start:sent.end]
        out: list[Figure] = []
        local_block = [(sent.start + m.start(), sent.start + m.end())
                       for rx in (CITATION_RE, ENUM_RE) for m in rx.finditer(stext)]
        cost_sentence = bool(self.cues.cost.search(stext))
        elo_sentence = "Elo" in stext
        prev: Figure | None = None
        # "between 61 and 64%": the low end is read with the high end's unit
        lows = {bm.start("hi"): (bm.start("lo"), parse_num(bm.group("lo")))
                for bm in BETWEEN_RE.finditer(stext)}
        low_starts = {lo for lo, _ in lows.values()}
        bench_sentence = any(sent.start <= x.start < sent.end
                             for x in doc._.gw_benchmarks or [])
        for m in NUMBER_RE.finditer(stext):
            if m.start("v1") in low_starts and not m.group("v2"):
                continue
            a = sent.start + m.start("v1")
            b = sent.start + (m.end("v2") if m.group("v2") else m.end("v1"))
            if _overlaps(a, b, blocked) or _overlaps(a, b, local_block):
                continue
            v1 = parse_num(m.group("v1"))
            v2 = parse_num(m.group("v2")) if m.group("v2") else None
            low = lows.get(m.start("v1"))
            if low is not None and v2 is None and low[1] < v1:
                v1, v2 = low[1], v1
                a = sent.start + low[0]
            if v2 is not None and v2 < v1:
                v2 = None
                b = sent.start + m.end("v1")
            g = m.groupdict()
            unit: str | None
            if g["u_pp"]:
                unit, kind = "pp", "gap"
                around = stext[max(0, m.start() - 40):m.end() + 25]
                if SOCIAL_RE.search(around):
                    continue  # "412 points - 187 comments": votes, not a gap
                if elo_sentence and "percent" not in g["u_pp"]:
                    unit = "elo"
            elif g["u_pct"]:
                unit = "%"
                kind = ""
            elif g["u_x"]:
                unit, kind = "x", "cost" if cost_sentence else "gap"
            elif g["u_b"]:
                unit, kind = "B", "size"
            elif g["u_t"]:
                unit, kind = "T", "size"
            elif g["u_time"]:
                word = g["u_time"].strip(" -").lower()
                unit, kind = self.cues.time_units.get(word, "months"), "lag"
                if unit == "days" and not self.cues.gap.search(
                        stext[slice(*self._clause(stext, m.start()))]):
                    continue  # "takes effect in 45 days"
            elif g["u_elo"]:
                unit, kind = "elo", "elo"
            elif g["cur"]:
                unit, kind = "$", "cost"
                tail = stext[m.end():m.end() + 12].lower()
                if re.match(r"\s*(?:billion|bn|million|m\b|trillion)", tail) \
                        or not self.cues.cost.search(stext[slice(*self._clause(stext,
                                                                               m.start()))]):
                    continue  # funding and revenue amounts are not model costs
            else:
                if v2 is None and v1.is_integer() and 1990 <= v1 <= 2039:
                    continue  # a year
                if elo_sentence and 500 <= v1 <= 4000 and v2 is None:
                    model, bench = self._tie(doc, sent, a, b)
                    fig = Figure(v1, None, "elo", "elo", model, bench, stext, a, b)
                    out.append(fig)
                    prev = fig
                    continue
                bare = self._bare(stext, m, prev, sent.start)
                shared = SHARED_UNIT_RE.match(stext, m.end())
                if bare is None and shared and v2 is None:
                    bare = ("gap", "pp") if shared.group("pp") else \
                        ("", "%") if shared.group("pct") else \
                        ("cost" if cost_sentence else "gap", "x") if shared.group("x") else \
                        ("lag", "months")
                if bare is None and v2 is None and v1 <= 100 and any(
                        sent.start <= x.end <= a and a - x.end <= 24
                        and MODEL_AT_RE.match(text[x.end:a]) for x in doc._.gw_models or []):
                    bare = ("score", None)
                if bare is None and bench_sentence and "." in m.group("v1") \
                        and v1 <= 100 and v2 is None and not re.search(
                            r"(?:\bversion|\bv|\brelease|\bupdate)\s*$",
                            stext[:m.start()], re.I):
                    bare = ("score", None)  # "58.9 vs 61.0 on Terminal-Bench"
                if bare is None:
                    continue
                kind, unit = bare
            if unit == "%" and v1 > 100:
                continue
            if unit == "%":
                _m, bench0 = self._tie(doc, sent, a, b)
                kind = self._pct_kind(stext, m.start("v1"), m.end(), bench0)
                det = stext[max(0, m.start() - 4):m.start()].lower()
                if round(v1 / 100.0, 4) in forecast_values and det.strip() in {"our", "the"}:
                    continue  # "Our 69% reflects ...": the forecast, restated
                if prev is not None and prev.unit == "%" and re.search(
                        r"\bfrom\s+(?:a|an|the)?\s*$", stext[:m.start()]):
                    kind = prev.kind  # "reopened to 3.3% (from a 0.5% low ...)"
            model, bench = self._tie(doc, sent, a, b, kind)
            fig = Figure(v1, v2, unit, kind, model, bench, stext, a, b)
            out.append(fig)
            prev = fig
        for m in SPELLED_PCT_RE.finditer(stext):
            a, b = sent.start + m.start("w"), sent.start + m.end("w")
            if _overlaps(a, b, blocked):
                continue
            v = spelled_value(m.group("w"))
            if round(v / 100.0, 4) in forecast_values:
                continue
            _m, bench0 = self._tie(doc, sent, a, b)
            kind = self._pct_kind(stext, m.start("w"), m.end(), bench0)
            model, bench = self._tie(doc, sent, a, b, kind)
            out.append(Figure(v, None, "%", kind, model, bench, stext, a, b))
        for m in RANK_RE.finditer(stext):
            grp = next(g for g in ("v1", "v2", "v3", "w", "w2", "w3") if m.group(g))
            a, b = sent.start + m.start(grp), sent.start + m.end(grp)
            if _overlaps(a, b, blocked) or any(f.start == a for f in out):
                continue
            raw = m.group(grp)
            value = float(ORDINALS[raw.lower()]) if grp.startswith("w") else float(raw)
            if grp == "v1" and (sent.kind == HEADING or value > 100):
                continue  # "Weekly #87", "Question #31874": numbering, not ranks
            model, bench = self._tie(doc, sent, a, b)
            more = RANK_MORE_RE.match(stext, m.end())
            if more:
                # "X and Y ... at ranks 9 and 13": ranks pair with models in order
                subj = [x.canonical for x in doc._.gw_models or [] if sent.start <= x.start < a]
                subj = list(dict.fromkeys(subj))
                first, second = (subj[0], subj[1]) if len(subj) >= 2 else (model, model)
                out.append(Figure(value, None, None, "rank", first, bench, stext, a, b))
                a2, b2 = sent.start + more.start(1), sent.start + more.end(1)
                out.append(Figure(float(more.group(1)), None, None, "rank", second, bench,
                                  stext, a2, b2))
                continue
            out.append(Figure(value, None, None, "rank", model, bench, stext, a, b))
        return out

    # -- tables -------------------------------------------------------------------
    @staticmethod
    def _cells(text: str, row: Sentence) -> list[tuple[int, int]]:
        """Cell spans (document offsets, stripped) of a 'a | b | c' or '| a | b |' row."""
        line = text[row.start:row.end]
        cells: list[tuple[int, int]] = []
        pos = 0
        parts = line.split("|")
        for i, part in enumerate(parts):
            s = row.start + pos
            pos += len(part) + 1
            if (i == 0 or i == len(parts) - 1) and not part.strip():
                continue
            lead = len(part) - len(part.lstrip())
            cells.append((s + lead, s + lead + len(part.strip())))
        return cells

    @staticmethod
    def _entity_in(mentions: Sequence[Mention], a: int, b: int) -> str | None:
        for m in mentions:
            if m.start >= a and m.end <= b:
                return m.canonical
        return None

    def _table(self, doc: Doc, rows: list[Sentence]) -> list[Figure]:
        """One figure per numeric cell, tied to its row's and column's model/benchmark.

        The label column is the one whose cells name the most models (or
        benchmarks, for a transposed table); it need not be the first ("| Rank |
        Model | Elo |"). A benchmark named only in the header applies to the row.
        """
        text = doc._.gw_text
        models = doc._.gw_models or []
        benches = doc._.gw_benchmarks or []
        header = self._cells(text, rows[0])
        body = [self._cells(text, r) for r in rows[1:]]
        head_b = [self._entity_in(benches, a, b) for a, b in header]
        head_m = [self._entity_in(models, a, b) for a, b in header]
        head_words = [text[a:b].lower() for a, b in header]
        ncol = max([len(header), *(len(c) for c in body)])
        scores = []
        for ci in range(ncol):
            cells = [c[ci] for c in body if ci < len(c)]
            nm = sum(1 for a, b in cells if self._entity_in(models, a, b))
            nb = sum(1 for a, b in cells if self._entity_in(benches, a, b))
            scores.append((max(nm, nb), -ci))
        label_col = -max(scores)[1] if scores and max(scores)[0] > 0 else 0
        table_bench = None
        if sum(1 for x in head_b if x) == 1 and not any(head_m):
            table_bench = next(x for x in head_b if x)
        out: list[Figure] = []
        for row, cells in zip(rows[1:], body, strict=True):
            if len(cells) <= label_col:
                continue
            la, lb = cells[label_col]
            label = text[la:lb]
            row_m = self._entity_in(models, la, lb)
            row_b = self._entity_in(benches, la, lb)
            for ci, (a, b) in enumerate(cells):
                if ci == label_col:
                    continue
                m = TABLE_NUM_RE.match(text[a:b])
                if not m:
                    continue
                col_b = head_b[ci] if ci < len(head_b) else None
                col_m = head_m[ci] if ci < len(head_m) else None
                col_word = head_words[ci] if ci < len(head_words) else ""
                model = row_m or col_m
                bench = col_b or row_b or table_bench
                if model is None and col_b and label and re.search(r"[A-Za-z]", label):
                    model = re.sub(r"\s+", "-", label.strip().lower())
                if bench is None and col_m and label and re.search(r"[A-Za-z]", label):
                    bench = re.sub(r"\s+", "-", label.strip().lower())
                unit = m.group("unit")
                kind = "score"
                for word, (k, u) in TABLE_KIND_WORDS.items():
                    if word in col_word or (not col_b and not col_m and word in label.lower()):
                        kind, unit = k, unit or u
                        break
                if m.group("cur"):
                    kind, unit = "cost", "$"
                if unit in ("B", "T"):
                    kind = "size"
                if unit and unit.startswith("month"):
                    unit, kind = "months", "lag"
                if unit == "Elo":
                    unit, kind = "elo", "elo"
                v1 = parse_num(m.group("v1"))
                v2 = parse_num(m.group("v2")) if m.group("v2") else None
                na = a + m.start("v1")
                nb = a + (m.end("v2") if m.group("v2") else m.end("v1"))
                out.append(Figure(v1, v2, unit, kind, model, bench, text[row.start:row.end],
                                  na, nb))
        return out

    @staticmethod
    def _sizes_in_names(doc: Doc, sents: list[Sentence], found: list[Figure]
                        ) -> list[Figure]:
        """"Zephyr-140B": a new name that carries its size yields a size figure, unless the
        prose already states that size for it ("Zephyr-140B is a 140B model")."""
        out: list[Figure] = []
        text = doc._.gw_text
        seen: set[str] = {f.model for f in found if f.kind == "size" and f.model}
        for m in doc._.gw_models or []:
            hit = NAME_SIZE_RE.search(m.mention)
            if not hit or m.openness != "unknown" or m.canonical in seen:
                continue
            seen.add(m.canonical)
            sent = next((s for s in sents if s.start <= m.start < s.end), None)
            if sent is None:
                continue
            a, b = m.start + hit.start(1), m.start + hit.end(1)
            out.append(Figure(float(hit.group(1)), None, "B", "size", m.canonical, None,
                              text[sent.start:sent.end], a, b))
        return out

    def __call__(self, doc: Doc) -> Doc:
        sents: list[Sentence] = doc._.gw_sentences or []
        blocked = [(m.start, m.end) for m in (doc._.gw_models or [])]
        blocked += [(m.start, m.end) for m in (doc._.gw_benchmarks or [])]
        forecasts = doc._.gw_forecasts or []
        blocked += [(f.prob_start, f.prob_end) for f in forecasts]
        forecast_values = {round(f.probability, 4) for f in forecasts}
        figures: list[Figure] = []
        table: list[Sentence] = []
        for sent in sents:
            if sent.kind == TABLE_ROW:
                if table and sent.line > table[-1].line + 2:
                    figures.extend(self._table(doc, table))
                    table = []
                table.append(sent)
                continue
            if table:
                if len(table) > 1:
                    figures.extend(self._table(doc, table))
                table = []
            if sent.kind in (SENTENCE, HEADING):
                figures.extend(self._prose(doc, sent, blocked, forecast_values))
        if len(table) > 1:
            figures.extend(self._table(doc, table))
        figures.extend(self._sizes_in_names(doc, sents, figures))
        arena = next((x.canonical for x in doc._.gw_benchmarks or []
                      if "arena" in x.canonical.lower()), None)
        if arena:  # an Elo is an arena rating: tie unlinked ones to the document's arena
            figures = [Figure(f.value, f.value_high, f.unit, f.kind, f.model, arena, f.sentence,
                              f.start, f.end) if f.unit == "elo" and f.kind == "elo"
                       and f.benchmark is None else f for f in figures]
        figures.sort(key=lambda f: f.start)
        doc._.gw_figures = figures
        return doc
