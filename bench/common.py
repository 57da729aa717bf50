"""Shared bits of the benchmark parts: output paths, Prefect environment, timing, RSS."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SEED = 1
T = TypeVar("T")


def prefect_env(home: Path | None = None) -> None:
    """Quiet, local, telemetry-free Prefect; must run before prefect is imported."""
    from gapwatch import env

    env.isolated(home or OUT / "prefect-home")


def word_count(texts: Iterable[str]) -> int:
    """Whitespace-split words: the unit every words/s figure here uses."""
    return sum(len(t.split()) for t in texts)


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc; psutil elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import psutil

        return int(psutil.Process().memory_info().rss)


def log(msg: str) -> None:
    """Progress goes to stderr; stdout is kept for the final table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
