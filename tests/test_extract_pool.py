"""The extraction process pool the ingest flow uses: order, empty batches, a dying worker."""

from __future__ import annotations

import os
import signal
import threading
import time

from flows import steps
from models.documents import DocumentInput

SENTENCES = [
    "Kimi K2.5 scores 76.8% on SWE-bench Verified, four points behind Claude Opus 4.5.",
    "The weather in the harbour town stayed mild all week.",
    "Analysts expect open-weight models to match GPT-5 on coding benchmarks by mid-2027.",
]


def _docs(n: int) -> list[DocumentInput]:
    return [DocumentInput(url=f"https://example.org/{i}", kind="article", title=str(i),
                          text=f"Item {i}. " + " ".join(SENTENCES[: 1 + i % 3]))
            for i in range(n)]


def test_a_batch_split_over_two_processes_keeps_its_order() -> None:
    docs = _docs(5)
    pooled = steps.extract_documents(docs, processes=2)
    local = steps.extract_documents(docs, processes=0)
    assert not pooled.failures
    assert [it.document.url for it in pooled.items] == [d.url for d in docs]
    assert [it.extraction for it in pooled.items] == [it.extraction for it in local.items]
    assert steps.extract_documents([], processes=2).items == []


def test_a_worker_killed_mid_batch_fails_that_batch_and_the_next_one_runs() -> None:
    steps.extract_documents(_docs(2), processes=2)  # pool up, models loaded
    pool = steps._pool(2)
    pids = list(pool._processes)  # noqa: SLF001 - the test needs a worker to kill
    big = [DocumentInput(url=f"https://example.org/big{i}", kind="article", title="b",
                         text=" ".join(SENTENCES * 400)) for i in range(8)]
    result: list[steps.BatchResult] = []
    worker = threading.Thread(target=lambda: result.append(
        steps.extract_documents(big, processes=2)))
    worker.start()
    time.sleep(0.5)
    os.kill(pids[0], signal.SIGKILL)
    worker.join(120)
    assert result and len(result[0].failures) + len(result[0].items) == len(big)
    assert result[0].failures and all("worker died" in f.reason for f in result[0].failures)
    after = steps.extract_documents(_docs(3), processes=2)
    assert not after.failures and len(after.items) == 3
