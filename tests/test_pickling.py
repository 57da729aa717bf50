"""Objects that cross process boundaries pickle by their field tuple and come back equal."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import numpy as np

from extractors.dedup import fingerprint
from flows.steps import BatchResult, Extracted, Failure
from models.documents import DocumentInput
from models.records import Claim, Extraction, Figure, ModelMention
from storage.dedup import CopyMatch, _best_copy


def _sample() -> BatchResult:
    text = "Kimi K2.5 scores 76.8% on SWE-bench Verified, two points behind GPT-5.2."
    doc = DocumentInput(url="https://example.org/a", kind="article", title="T", text=text,
                        published_at=datetime(2026, 1, 2, tzinfo=UTC), meta={"k": [1, 2]})
    claim = Claim(text=text, start=0, end=len(text), dimensions=("coding",),
                  stance="convergence", hedged=False, speaker=None,
                  models=("kimi-k2.5",), benchmarks=("swe-bench-verified",))
    ext = Extraction(extractor_version="test",
                     models=(ModelMention("Kimi K2.5", "kimi-k2.5", "kimi", "Moonshot AI",
                                          "open", 0, 9),),
                     figures=(Figure(value=76.8, value_high=None, unit="%", kind="score",
                                     model="kimi-k2.5", benchmark="swe-bench-verified",
                                     sentence=text, start=17, end=22),),
                     claims=(claim,))
    return BatchResult([Extracted(doc, ext, fingerprint(text, ext))],
                       [Failure(url="https://example.org/b", stage="fetch", kind="http_404",
                                reason="404 Not Found")])


def test_batches_round_trip_equal() -> None:
    batch = _sample()
    back = pickle.loads(pickle.dumps(batch))
    assert back == batch
    item = back.items[0]
    assert item.document.meta == {"k": [1, 2]}
    assert item.fingerprint.signature is not None
    assert item.fingerprint.signature.bands == batch.items[0].fingerprint.signature.bands


def test_state_is_the_field_tuple() -> None:
    doc = _sample().items[0].document
    state = doc.__getstate__()
    assert isinstance(state, tuple)
    assert state[:2] == (doc.url, doc.kind)


def _sig(values: list[int]) -> object:
    class Sig:
        minhash = np.asarray(values, dtype="<u4").tobytes()
        bands: tuple[int, ...] = ()
    return Sig()


def test_best_copy_prefers_earliest_story_then_similarity() -> None:
    mine = _sig([1, 2, 3, 4])
    rows = [
        (5, np.asarray([1, 2, 3, 9], dtype="<u4").tobytes(), None),  # 0.75, own story 5
        (7, np.asarray([1, 2, 3, 4], dtype="<u4").tobytes(), 3),  # 1.0, copy of story 3
        (8, np.asarray([1, 2, 9, 9], dtype="<u4").tobytes(), 3),  # 0.5, story 3
        (9, np.asarray([1, 2, 3], dtype="<u4").tobytes(), 1),  # other width: skipped
        (10, np.asarray([9, 9, 9, 9], dtype="<u4").tobytes(), 2),  # 0.0: below threshold
    ]
    assert _best_copy(mine, 0.5, rows) == CopyMatch(3, 7, 1.0)  # type: ignore[arg-type]
    assert _best_copy(mine, 0.8, rows[:1] + rows[2:]) is None  # type: ignore[arg-type]
    assert _best_copy(mine, 0.7, rows[:1]) == CopyMatch(5, 5, 0.75)  # type: ignore[arg-type]
    assert _best_copy(mine, 0.5, []) is None  # type: ignore[arg-type]
