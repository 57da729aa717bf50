"""Cue word lists (data/cues/*.json) and the tiny pattern language they use.

A cue is a lower-case phrase; a trailing ``*`` means "any word ending". Lists are
compiled into one alternation regex each, matched on word boundaries against
lower-cased text, so adding a cue never needs a code change.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

CUES_DIR = Path(__file__).resolve().parent / "data" / "cues"
ENV_CUES_DIR = "GAPWATCH_CUES_DIR"


def cues_dir() -> Path:
    env = os.environ.get(ENV_CUES_DIR)
    return Path(env) if env else CUES_DIR


@cache
def _load_cues(directory: Path, name: str) -> dict[str, Any]:
    with (directory / f"{name}.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def load_cues(name: str) -> dict[str, Any]:
    """The parsed cue file ``data/cues/<name>.json`` (cached)."""
    return _load_cues(cues_dir().resolve(), name)


def cue_regex_source(cues: list[str]) -> str:
    """Alternation source for cue phrases; longest first so 'gap remains' beats 'gap'."""
    parts: list[str] = []
    for cue in sorted({c.strip().lower() for c in cues if c.strip()}, key=len, reverse=True):
        star = cue.endswith("*")
        body = re.escape(cue.rstrip("*"))
        body = body.replace(r"\ ", r"\s+")
        parts.append(body + (r"[\w'-]*" if star else ""))
    return "|".join(parts) if parts else r"(?!x)x"


def literal_alternation(words: list[str]) -> str:
    """Alternation source for literal phrases as written (no ``*``, case kept), longest
    first, any run of whitespace between words."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(set(words), key=len, reverse=True))


@cache
def compile_cues(cues: tuple[str, ...]) -> re.Pattern[str]:
    """Word-bounded, case-insensitive regex for a cue list."""
    src = cue_regex_source(list(cues))
    return re.compile(rf"(?<![\w-])(?:{src})(?![\w])", re.IGNORECASE)
