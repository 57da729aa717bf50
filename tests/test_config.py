"""The sources config: shipped files load, mistakes are clear errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from models.config import ConfigError, config_from_dict, load_config, parse_interval

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_sources_toml_loads() -> None:
    cfg = load_config(ROOT / "sources.toml")
    kinds = {s.kind for s in cfg.sources}
    assert kinds == {"feed", "arxiv", "url"}
    arxiv = [s for s in cfg.sources if s.kind == "arxiv"]
    assert all("search_query=" in s.url and s.url.startswith("https://") for s in arxiv)
    assert cfg.settings.allow_private == ()


def test_demo_config_expands_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAPWATCH_DEMO_BASE", "http://127.0.0.1:9999")
    cfg = load_config(ROOT / "data" / "demo" / "sources.toml")
    assert all(s.url.startswith("http://127.0.0.1:9999/") for s in cfg.sources)
    assert "127.0.0.1" in cfg.settings.allow_private


def test_demo_config_needs_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAPWATCH_DEMO_BASE", raising=False)
    with pytest.raises(ConfigError, match="GAPWATCH_DEMO_BASE"):
        load_config(ROOT / "data" / "demo" / "sources.toml")


@pytest.mark.parametrize("raw, seconds", [("30m", 1800), ("6h", 21600), ("1d", 86400),
                                          (90, 5400), ("45s", 45), ("2w", 1209600)])
def test_intervals(raw: object, seconds: int) -> None:
    assert parse_interval(raw) == seconds


@pytest.mark.parametrize("data, message", [
    ({"feed": [{"url": "https://x.org/f"}]}, "needs a name"),
    ({"feed": [{"name": "a"}]}, "needs a url"),
    ({"feed": [{"name": "a", "url": "https://x.org", "interval": "soon"}]}, "invalid interval"),
    ({"feed": [{"name": "a", "url": "https://x.org"}], "url": [{"name": "a", "url": "https://y"}]},
     "duplicate source names"),
    ({"settings": {"max_bytez": 1}}, "unknown \\[settings\\] keys"),
    ({"arxiv": [{"name": "q"}]}, "needs a query or categories"),
])
def test_config_errors_are_clear(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict(data)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[feed]\nname=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_docker_compose_file_is_valid() -> None:
    out = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "GAPWATCH_DATABASE_URL" in out.stdout and "PREFECT_API_URL" in out.stdout
