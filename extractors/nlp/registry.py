"""Registries of models, benchmarks, organizations and families, loaded once.

The JSONL files in ``extractors/nlp/data/`` are data, not code: the matchers are
compiled from them, so a new model name needs a new line there and nothing else.
The directory is overridable (parameter or ``GAPWATCH_REGISTRY_DIR``) so tests can
run against a small fixture.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from models.records import RegistryBenchmark, RegistryModel

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
ENV_REGISTRY_DIR = "GAPWATCH_REGISTRY_DIR"

_NORM_RE = re.compile(r"[^a-z0-9]+")


def norm_name(text: str) -> str:
    """The scoring key of a name: lower case, only a-z and 0-9 (see GOLD_FORMAT.md)."""
    return _NORM_RE.sub("", text.lower())


@dataclass(frozen=True, slots=True)
class RegistryOrganization:
    """A lab, company or analyst (organizations.jsonl)."""

    id: str
    name: str
    kind: str | None
    country: str | None
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class RegistryFamily:
    """A model family and the name prefixes that announce a new member (families.jsonl)."""

    family: str
    organization: str | None
    country: str | None
    default_openness: str
    prefixes: tuple[str, ...] = field(default=())
    # the side a new member of the family takes in the gap debate when its own openness
    # is unknown (Qwen, Llama, Mistral: mostly open weights, some closed tiers)
    stance_side: str = "unknown"


@dataclass(frozen=True, slots=True)
class Registry:
    """All four registries plus the lookups the matchers need."""

    directory: Path
    models: tuple[RegistryModel, ...]
    model_kinds: dict[str, str]  # model id -> "model" | "family"
    benchmarks: tuple[RegistryBenchmark, ...]
    case_sensitive_benchmarks: frozenset[str]
    organizations: tuple[RegistryOrganization, ...]
    families: tuple[RegistryFamily, ...]

    @property
    def model_by_id(self) -> dict[str, RegistryModel]:
        return {m.id: m for m in self.models}

    @property
    def benchmark_by_id(self) -> dict[str, RegistryBenchmark]:
        return {b.id: b for b in self.benchmarks}

    def family_sides(self) -> dict[str, str]:
        """Family name -> the side its new members take for stance (open or closed)."""
        return {f.family: f.stance_side for f in self.families
                if f.stance_side in ("open", "closed")}

    def family_openness(self) -> dict[str, str]:
        """Organization name (normalised) -> default openness of its families."""
        out: dict[str, str] = {}
        for fam in self.families:
            if fam.organization:
                out.setdefault(norm_name(fam.organization), fam.default_openness)
        return out


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        log.warning("registry file missing: %s", path)
        return
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: not JSON, skipped", path, lineno)
                continue
            if isinstance(obj, dict):
                yield obj


def _aliases(obj: dict[str, Any]) -> tuple[str, ...]:
    names = [obj.get("name") or ""] + list(obj.get("aliases") or [])
    seen: dict[str, None] = {}
    for n in names:
        if isinstance(n, str) and n.strip():
            seen.setdefault(n.strip(), None)
    return tuple(seen)


def resolve_registry_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """Parameter, else $GAPWATCH_REGISTRY_DIR, else the package data directory."""
    if directory:
        return Path(directory)
    env = os.environ.get(ENV_REGISTRY_DIR)
    return Path(env) if env else DATA_DIR


@cache
def _load(directory: Path) -> Registry:
    models: list[RegistryModel] = []
    kinds: dict[str, str] = {}
    for o in _read_jsonl(directory / "models.jsonl"):
        if not o.get("id") or not o.get("name"):
            continue
        mid = str(o["id"])
        models.append(RegistryModel(
            id=mid, name=str(o["name"]), family=o.get("family"),
            organization=o.get("organization"), country=o.get("country"),
            openness=str(o.get("openness") or "unknown"), aliases=_aliases(o),
        ))
        kinds[mid] = str(o.get("kind") or "model")
    benches: list[RegistryBenchmark] = []
    cs: set[str] = set()
    for o in _read_jsonl(directory / "benchmarks.jsonl"):
        if not o.get("id") or not o.get("name"):
            continue
        benches.append(RegistryBenchmark(
            id=str(o["id"]), name=str(o["name"]), dimension=o.get("dimension"),
            aliases=_aliases(o),
        ))
        if o.get("case_sensitive"):
            cs.add(str(o["id"]))
    orgs = tuple(
        RegistryOrganization(id=str(o["id"]), name=str(o["name"]), kind=o.get("kind"),
                             country=o.get("country"), aliases=_aliases(o))
        for o in _read_jsonl(directory / "organizations.jsonl")
        if o.get("id") and o.get("name")
    )
    fams = tuple(
        RegistryFamily(family=str(o["family"]), organization=o.get("organization"),
                       country=o.get("country"),
                       default_openness=str(o.get("default_openness") or "unknown"),
                       prefixes=tuple(p for p in (o.get("prefixes") or []) if p),
                       stance_side=str(o.get("stance_side") or o.get("default_openness")
                                       or "unknown"))
        for o in _read_jsonl(directory / "families.jsonl")
        if o.get("family")
    )
    return Registry(directory=directory, models=tuple(models), model_kinds=kinds,
                    benchmarks=tuple(benches), case_sensitive_benchmarks=frozenset(cs),
                    organizations=orgs, families=fams)


def load_registry(directory: str | os.PathLike[str] | None = None) -> Registry:
    """The registry of ``directory`` (see resolve_registry_dir), parsed once per process."""
    return _load(resolve_registry_dir(directory).resolve())
