"""The extractor version: a semver for the rules plus a hash of the data they read.

Rows extracted by different rules or registries must be distinguishable, so the
version changes whenever code rules change (bump SEMVER) or any file under
data/ or models/ changes (the hash follows automatically).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

SEMVER = "0.22.4"
DATA_DIR = Path(__file__).resolve().parent / "data"
# trained weights (learned stance); a retrained model changes the version like a rule does
MODELS_DIR = Path(__file__).resolve().parent / "models"


def data_hash(roots: Iterable[Path]) -> str:
    """sha256 over every file under ``roots`` (sorted by relative path, name + bytes)."""
    h = hashlib.sha256()
    for root in roots:
        if not root.exists():
            continue
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for p in files:
            rel = p.relative_to(root if root.is_dir() else root.parent).as_posix()
            if "__pycache__" in rel:
                continue
            h.update(rel.encode("utf-8") + b"\0")
            h.update(p.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def version_for(roots: Iterable[Path]) -> str:
    return f"{SEMVER}+{data_hash(roots)[:8]}"


EXTRACTOR_VERSION: str = version_for([DATA_DIR, MODELS_DIR])
