"""pytest plugin: the hostile, crash and concurrency tests report what they tried.

Tests call ``record(...)`` (or run an ingest through ``guarded``); the terminal
summary then ends with one line, e.g.
``hostile inputs tried: 57, crashes: 0, documents lost: 0, duplicates: 0``.
Enable with ``pytest_plugins = ["tests.hostile_summary"]`` in tests/conftest.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
STATS: dict[str, int] = {"inputs": 0, "crashes": 0, "lost": 0, "duplicates": 0}


def record(inputs: int = 0, crashes: int = 0, lost: int = 0, duplicates: int = 0) -> None:
    """Add to the run's totals (called by the tests, before their own asserts)."""
    with _lock:
        STATS["inputs"] += inputs
        STATS["crashes"] += crashes
        STATS["lost"] += lost
        STATS["duplicates"] += duplicates


def guarded(run: Callable[[], T], inputs: int = 1) -> T:
    """Run an ingest over ``inputs`` hostile inputs; an exception out of it is a crash."""
    record(inputs=inputs)
    try:
        return run()
    except BaseException:
        record(crashes=1)
        raise


def summary_line() -> str:
    return (f"hostile inputs tried: {STATS['inputs']}, crashes: {STATS['crashes']}, "
            f"documents lost: {STATS['lost']}, duplicates: {STATS['duplicates']}")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if not any(STATS.values()):
        return  # none of the hostile/crash/concurrent tests ran
    bad = STATS["crashes"] or STATS["lost"] or STATS["duplicates"]
    terminalreporter.write_line(summary_line(), red=bool(bad), green=not bad, bold=True)
