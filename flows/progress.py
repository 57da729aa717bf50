"""A process-wide progress hook so the CLI can draw progress for flow work.

Flow parameters must stay serialisable, so the CLI registers a reporter here
instead of passing a callback into the flow.
"""

from __future__ import annotations

from collections.abc import Callable

Reporter = Callable[[str, int, int], None]  # (stage, done, total)
_reporter: Reporter | None = None


def set_reporter(reporter: Reporter | None) -> None:
    global _reporter
    _reporter = reporter


def report(stage: str, done: int, total: int) -> None:
    if _reporter is not None:
        _reporter(stage, done, total)
