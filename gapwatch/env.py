"""Environment defaults that must be set before Prefect is imported."""

from __future__ import annotations

import os

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_SERVER_LEVEL": "CRITICAL",  # hides the ephemeral server's shutdown noise
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "false",
}


def apply(verbose: bool = False) -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
