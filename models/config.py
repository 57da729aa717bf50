"""The sources config (TOML) as typed values.

Loading validates everything up front so that a typo in `sources.toml` is a
clear error before any fetching starts. `${VAR}` in URLs is expanded from the
environment (the demo points its sources at its own local server that way).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"


class ConfigError(ValueError):
    """The config file is missing, not TOML, or has an invalid entry."""


@dataclass(frozen=True, slots=True)
class Settings:
    user_agent: str = "gapwatch/0.1 (+https://github.com/gapwatch/gapwatch)"
    allow_private: tuple[str, ...] = ()
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 2
    retries: int = 2
    batch_size: int = 20
    parse_timeout: float = 30.0
    # Wall-clock limit of one ingest run in seconds (0 = none): a stuck run fails and frees
    # the schedule instead of overlapping every later run.
    run_timeout: float = 3600.0
    api_token: str | None = None
    dask_address: str | None = None  # "local" or a scheduler address; unset: threads
    dask_workers: int = 2
    pipeline_window: int = 3  # batches in flight per stage
    # Extraction worker processes (spaCy loaded once in each): 2 keeps both cores of a small
    # machine extracting while the flow process fetches and stores; 0 = in the flow's process.
    extract_processes: int = 2
    # MinHash Jaccard (word 5-shingles) at or above which a new document is stored as a copy
    # of an earlier one. Tuned on tests/test_dedup_stories.py: syndicated copies (new
    # headline and boilerplate, a paragraph cut or added) score 0.65-0.85, an independent
    # article on the same story 0.0. Below 0.5 the LSH bands may miss candidates.
    near_duplicate_threshold: float = 0.5


@dataclass(frozen=True, slots=True)
class Schedule:
    ingest: str = "*/30 * * * *"
    reprocess: str = "15 3 * * *"


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    kind: str  # feed | arxiv | url
    url: str  # feed URL, article URL, or the fully built arXiv query URL
    interval_seconds: int = 3600
    tags: tuple[str, ...] = ()
    fetch_articles: bool = True  # feeds: fetch each entry's page
    full_text: bool = False  # arxiv: use the HTML full text
    html_base: str | None = None  # arxiv: where HTML full texts live
    query: str | None = None
    categories: tuple[str, ...] = ()
    max_results: int = 50

    def settings_dict(self) -> dict[str, Any]:
        """What the database keeps of the source's options."""
        return {"tags": list(self.tags), "fetch_articles": self.fetch_articles,
                "full_text": self.full_text, "html_base": self.html_base, "query": self.query,
                "categories": list(self.categories), "max_results": self.max_results}


@dataclass(frozen=True, slots=True)
class Config:
    settings: Settings = field(default_factory=Settings)
    schedule: Schedule = field(default_factory=Schedule)
    sources: tuple[SourceConfig, ...] = ()
    path: str | None = None


def parse_interval(value: Any) -> int:
    """'30m', '6h', '1d', 90 (minutes) -> seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value * 60)
    m = _INTERVAL.match(str(value))
    if not m:
        raise ConfigError(f"invalid interval {value!r}: use e.g. '30m', '6h', '1d'")
    seconds = int(float(m.group(1)) * _UNIT_SECONDS[m.group(2)])
    if seconds < 1:
        raise ConfigError(f"interval {value!r} is too short")
    return seconds


def expand(value: str) -> str:
    """Expand ${VAR} from the environment; an unset variable is an error."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in os.environ:
            raise ConfigError(f"environment variable {name} is not set (used in {value!r})")
        return os.environ[name]

    return _VAR.sub(repl, value)


def arxiv_query_url(api_url: str, query: str | None, categories: tuple[str, ...],
                    max_results: int) -> str:
    """Build an arXiv API query URL, newest submissions first."""
    from urllib.parse import urlencode

    parts = []
    if query:
        parts.append(f"({query})")
    if categories:
        parts.append("(" + " OR ".join(f"cat:{c}" for c in categories) + ")")
    if not parts:
        raise ConfigError("an [[arxiv]] source needs a query or categories")
    params = {"search_query": " AND ".join(parts), "start": 0, "max_results": max_results,
              "sortBy": "submittedDate", "sortOrder": "descending"}
    sep = "&" if "?" in api_url else "?"
    return f"{api_url}{sep}{urlencode(params)}"


def _strs(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a list of strings")
    return tuple(value)


def _source(kind: str, raw: dict[str, Any], index: int) -> SourceConfig:
    where = f"[[{kind}]] #{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} needs a name")
    where = f"[[{kind}]] {name!r}"
    interval = parse_interval(raw.get("interval", "1h" if kind != "arxiv" else "1d"))
    tags = _strs(raw.get("tags"), f"{where}: tags")
    if kind == "arxiv":
        categories = _strs(raw.get("categories"), f"{where}: categories")
        max_results = int(raw.get("max_results", 50))
        if not 1 <= max_results <= 2000:
            raise ConfigError(f"{where}: max_results must be 1..2000")
        url = raw.get("url") or arxiv_query_url(
            expand(str(raw.get("api_url", DEFAULT_ARXIV_API))), raw.get("query"),
            categories, max_results)
        html_base = raw.get("html_base")
        return SourceConfig(name=name, kind=kind, url=expand(url), interval_seconds=interval,
                            tags=tags, full_text=bool(raw.get("full_text", False)),
                            html_base=expand(html_base) if html_base else None,
                            query=raw.get("query"), categories=categories,
                            max_results=max_results)
    url = raw.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{where} needs a url")
    return SourceConfig(name=name, kind=kind, url=expand(url), interval_seconds=interval,
                        tags=tags, fetch_articles=bool(raw.get("fetch_articles", True)))


_SETTING_TYPES = {f: type(getattr(Settings(), f)) for f in Settings.__slots__}


def config_from_dict(data: dict[str, Any], path: str | None = None) -> Config:
    raw_settings = data.get("settings", {})
    unknown = set(raw_settings) - set(Settings.__slots__)
    if unknown:
        raise ConfigError(f"unknown [settings] keys: {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    for key, value in raw_settings.items():
        if key == "allow_private":
            kwargs[key] = _strs(value, "settings.allow_private")
        elif key in ("api_token", "dask_address"):
            kwargs[key] = expand(str(value)) if value else None
        else:
            try:
                kwargs[key] = _SETTING_TYPES[key](value)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"settings.{key}: {exc}") from None
    settings = Settings(**kwargs)
    schedule = Schedule(**{k: str(v) for k, v in data.get("schedule", {}).items()
                           if k in Schedule.__slots__})
    sources: list[SourceConfig] = []
    for kind in ("feed", "arxiv", "url"):
        for i, raw in enumerate(data.get(kind, [])):
            sources.append(_source(kind, raw, i))
    names = [s.name for s in sources]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ConfigError(f"duplicate source names: {', '.join(sorted(dupes))}")
    return Config(settings=settings, schedule=schedule, sources=tuple(sources), path=path)


def load_config(path: str | Path) -> Config:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {p}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p} is not valid TOML: {exc}") from None
    return config_from_dict(data, str(p))


def adhoc_sources(feeds: tuple[str, ...] = (), urls: tuple[str, ...] = (),
                  arxiv: tuple[str, ...] = ()) -> tuple[SourceConfig, ...]:
    """Sources named on the command line (`--feed`, `--url`, `--arxiv`)."""
    out = [SourceConfig(name=f"feed:{u}", kind="feed", url=u) for u in feeds]
    out += [SourceConfig(name=f"url:{u}", kind="url", url=u) for u in urls]
    out += [SourceConfig(name=f"arxiv:{q}", kind="arxiv",
                         url=arxiv_query_url(DEFAULT_ARXIV_API, q, (), 50), query=q)
            for q in arxiv]
    return tuple(out)
