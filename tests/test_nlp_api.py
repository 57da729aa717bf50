"""Public API: version format, determinism, batch order, multiprocessing, offsets."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from extractors.nlp import EXTRACTOR_VERSION, Extractor, get_extractor
from extractors.nlp.version import SEMVER, data_hash
from models.records import Extraction

FIXTURE = Path(__file__).parent / "nlp_registry_fixture"
DOC = (
    "Open Models Close In\n"
    "TexTak places the probability that an open-source model matches closed frontier "
    "performance at 69%. Kimi-K2.5 scored 48.6% on VideoOdyssey-V, while Gemini 3.1 Pro led "
    "by ~7.7–14.6 percentage points.[3] Nathan Lambert argues the ~6-month lag is holding.\n"
    "- Chinese models account for 41% of Hugging Face downloads.\n"
    "What would push us to 85%+: a major enterprise switching to open weights.\n"
)


@cache
def extractor() -> Extractor:
    return Extractor(registry_dir=FIXTURE)


def _check_offsets(text: str, e: Extraction) -> None:
    for m in (*e.models, *e.benchmarks):
        assert text[m.start:m.end] == m.mention
    for c in e.claims:
        assert text[c.start:c.end] == c.text
    for f in e.forecasts:
        assert text[f.start:f.end] == f.sentence
    for g in e.figures:
        assert g.sentence in text
        assert re.fullmatch(r"[\d.,]+(?:\s?(?:[–—-]|to)\s?[~≈]?[\d.,]+)?", text[g.start:g.end])


def test_version_format() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+\+[0-9a-f]{8}", EXTRACTOR_VERSION)
    assert EXTRACTOR_VERSION.startswith(SEMVER + "+")
    assert re.fullmatch(r"\d+\.\d+\.\d+\+[0-9a-f]{8}", extractor().version)
    assert extractor().extract("x").extractor_version == extractor().version


def test_data_hash_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n")
    h1 = data_hash([tmp_path])
    (tmp_path / "a.jsonl").write_text("{\"id\": 1}\n")
    assert data_hash([tmp_path]) != h1


def test_get_extractor_is_cached() -> None:
    assert get_extractor() is get_extractor()
    assert get_extractor().version == EXTRACTOR_VERSION


def test_full_document_offsets_and_contents() -> None:
    e = extractor().extract(DOC)
    _check_offsets(DOC, e)
    assert {m.canonical for m in e.models} >= {"kimi-k2.5", "gemini-3.1-pro"}
    assert {b.canonical for b in e.benchmarks} == {"videoodyssey-v"}
    vals = {(f.value, f.unit) for f in e.figures}
    assert {(48.6, "%"), (7.7, "pp"), (6.0, "months"), (41.0, "%")} <= vals
    assert (69.0, "%") not in vals and (85.0, "%") not in vals
    assert [(f.probability, f.conditional) for f in e.forecasts] == [(0.69, False),
                                                                       (0.85, True)]
    assert not any(c.text == "Open Models Close In" for c in e.claims)
    json.dumps(e.to_dict(source="doc.txt"))


def test_determinism_and_batch_order() -> None:
    texts = [DOC, "Llama 4 trails GPT-4o by 5 points on MMLU.", "", DOC.upper(), DOC]
    one_by_one = [extractor().extract(t) for t in texts]
    assert list(extractor().extract_many(texts, batch_size=2)) == one_by_one
    assert extractor().extract(DOC) == one_by_one[0] == one_by_one[-1]


def test_multiprocess_same_result() -> None:
    texts = [DOC, "Qwen3.9-Max leads on GPQA Diamond at 88%.", DOC]
    assert list(extractor().extract_many(texts, n_process=2, batch_size=1)) == [
        extractor().extract(t) for t in texts]


def test_empty_and_whitespace() -> None:
    for t in ("", "   \n\n  "):
        e = extractor().extract(t)
        assert (e.models, e.figures, e.claims, e.forecasts) == ((), (), (), ())
