"""The command line every example builder shares: GOLD_DIR[:DOCS_DIR] arguments in,
one JSON example per line out, test splits refused."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

Builder = Callable[[Path, Path], list[dict[str, object]]]


def refuse_test_split(gold_dir: Path) -> None:
    """Held-out gold must never become training data."""
    if any(p.startswith("test") for p in gold_dir.parts):
        raise SystemExit("refusing to build training examples from a test split")


def run(build: Builder, argv: list[str] | None = None) -> None:
    for arg in sys.argv[1:] if argv is None else argv:
        g, _, d = arg.partition(":")
        refuse_test_split(Path(g))
        for e in build(Path(g), Path(d or g)):
            print(json.dumps(e, ensure_ascii=False))
