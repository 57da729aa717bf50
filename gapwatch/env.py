"""Environment defaults that must be set before Prefect is imported.

One place for them: the CLI applies them as defaults, the test suite and the
benchmarks also pin the ones a user's shell must not turn back on there.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_SERVER_LEVEL": "CRITICAL",  # hides the ephemeral server's shutdown noise
    "DO_NOT_TRACK": "1",
    "PREFECT_UI_ENABLED": "false",
    # The ephemeral server's first start in a fresh PREFECT_HOME runs its migrations
    # (~10 s here); on a busy machine Prefect's 20 s default is too tight.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
# Telemetry and the server's shutdown tracebacks stay off even if the shell turns them on.
PINNED = ("PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_LOGGING_SERVER_LEVEL")


def apply(verbose: bool = False, *, pin: bool = False) -> None:
    for key, value in DEFAULTS.items():
        if pin and key in PINNED:
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def isolated(prefect_home: Path) -> None:
    """Tests and benchmarks: pinned defaults, their own Prefect home (whose migrations
    then run once and are reused) and no database from the user's environment."""
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    apply(pin=True)
    os.environ.pop("GAPWATCH_DATABASE_URL", None)
