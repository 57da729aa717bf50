"""Integrity checks for the JSONL registries under extractors/nlp/data/.

The extractor resolves model, benchmark and organization mentions by alias, so
the registries are only useful if their ids are unique, their labels match the
taxonomy contract, and no surface form can resolve to two different entries.
These tests read the raw files with json (no extractor code) so a broken data
file fails here first, with a message that names the offending line.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from models.taxonomy import DIMENSIONS, OPENNESS

DATA_DIR = Path(__file__).resolve().parents[1] / "extractors" / "nlp" / "data"

ID_RE = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
RELEASED_RE = re.compile(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

MODEL_KINDS = {"model", "family"}
BENCHMARK_KINDS = {"benchmark", "leaderboard", "index"}
ORG_KINDS = {"lab", "company", "analyst", "government", "academic"}

# Short aliases are only safe when they are established model names.
SHORT_ALIAS_ALLOWLIST = {"o1", "o3"}

# Ordinary English words: an entry may use one as an alias only if it asks the
# matcher to respect case (entry-level "case_sensitive" or per-alias list).
ORDINARY_WORDS = {
    "arena", "fable", "mythos", "opus", "sonnet", "haiku", "math", "drop", "ruler",
    "helm", "helmet", "apps", "loft", "spark", "composer", "gaia", "rand", "scale",
    "epoch", "fair", "step", "seed", "muse", "command", "phi", "yi", "ling", "ring",
    "codex", "orion", "index", "leaderboard", "claude", "gemini", "grok",
}

# Bare lab names that are also the natural way writers name the lab's model
# family; the extractor disambiguates these by context (see taxonomy.md).
ORG_FAMILY_OVERLAP = {"deepseek", "minimax", "mistral", "lmarena"}


def norm(alias: str) -> str:
    """Fold case and treat '-', '_' and runs of spaces as one separator."""
    return re.sub(r"\s+", " ", re.sub(r"[-_]", " ", alias.lower())).strip()


def load(name: str) -> list[dict[str, Any]]:
    """Parse one JSONL file, failing with the line number on bad JSON."""
    rows: list[dict[str, Any]] = []
    path = DATA_DIR / name
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{name}:{lineno}: blank line"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - message only
            pytest.fail(f"{name}:{lineno}: invalid JSON: {exc}")
        assert isinstance(row, dict), f"{name}:{lineno}: not an object"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def models() -> list[dict[str, Any]]:
    return load("models.jsonl")


@pytest.fixture(scope="module")
def benchmarks() -> list[dict[str, Any]]:
    return load("benchmarks.jsonl")


@pytest.fixture(scope="module")
def organizations() -> list[dict[str, Any]]:
    return load("organizations.jsonl")


@pytest.fixture(scope="module")
def families() -> list[dict[str, Any]]:
    return load("families.jsonl")


def alias_index(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Map each normalised alias to the ids of the entries that carry it."""
    index: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for alias in row["aliases"]:
            index[norm(alias)].add(row["id"])
    return index


def resolve(rows: list[dict[str, Any]], surface: str) -> str | None:
    """Return the single id whose alias equals `surface` after normalisation."""
    hits = alias_index(rows).get(norm(surface), set())
    assert len(hits) <= 1, f"{surface!r} is ambiguous: {sorted(hits)}"
    return next(iter(hits), None)


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("name", ["models.jsonl", "benchmarks.jsonl", "organizations.jsonl"])
def test_ids_unique_wellformed_and_sorted(name: str) -> None:
    rows = load(name)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
    bad = [i for i in ids if not ID_RE.match(i)]
    assert not bad, f"malformed ids in {name}: {bad}"
    assert ids == sorted(ids), f"{name} is not sorted by id"


def test_families_sorted_and_unique(families: list[dict[str, Any]]) -> None:
    keys = [row["family"].lower() for row in families]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("name", "required"),
    [
        ("models.jsonl", {"id", "name", "aliases", "family", "organization", "country",
                          "openness", "released", "kind"}),
        ("benchmarks.jsonl", {"id", "name", "aliases", "dimension", "kind"}),
        ("organizations.jsonl", {"id", "name", "aliases", "kind", "country"}),
        ("families.jsonl", {"family", "organization", "country", "prefixes",
                            "default_openness"}),
    ],
)
def test_required_fields(name: str, required: set[str]) -> None:
    for row in load(name):
        missing = required - row.keys()
        assert not missing, f"{name}: {row.get('id', row.get('family'))} lacks {missing}"


@pytest.mark.parametrize("name", ["models.jsonl", "benchmarks.jsonl", "organizations.jsonl"])
def test_alias_lists_are_clean(name: str) -> None:
    for row in load(name):
        aliases = row["aliases"]
        assert isinstance(aliases, list) and aliases, f"{row['id']}: empty aliases"
        assert all(isinstance(a, str) and a == a.strip() and a for a in aliases), row["id"]
        keys = [norm(a) for a in aliases]
        assert len(keys) == len(set(keys)), f"{row['id']}: repeated alias {aliases}"
        assert norm(row["name"]) in keys, f"{row['id']}: name is not among its aliases"
        cs = row.get("case_sensitive_aliases", [])
        assert set(cs) <= set(aliases), f"{row['id']}: case-sensitive alias not listed"
        if "case_sensitive" in row:
            assert isinstance(row["case_sensitive"], bool)


@pytest.mark.parametrize("name", ["models.jsonl", "benchmarks.jsonl", "organizations.jsonl"])
def test_no_alias_shared_within_registry(name: str) -> None:
    clashes = {a: ids for a, ids in alias_index(load(name)).items() if len(ids) > 1}
    assert not clashes, f"{name}: aliases shared by several entries: {clashes}"


def test_no_alias_shared_between_models_and_benchmarks(
    models: list[dict[str, Any]], benchmarks: list[dict[str, Any]]
) -> None:
    shared = alias_index(models).keys() & alias_index(benchmarks).keys()
    assert not shared, f"aliases that are both a model and a benchmark: {sorted(shared)}"


def test_org_overlaps_are_the_known_lab_family_names(
    models: list[dict[str, Any]],
    benchmarks: list[dict[str, Any]],
    organizations: list[dict[str, Any]],
) -> None:
    entity_aliases = alias_index(models).keys() | alias_index(benchmarks).keys()
    shared = alias_index(organizations).keys() & entity_aliases
    unexpected = shared - ORG_FAMILY_OVERLAP
    assert not unexpected, f"unexpected org/entity overlap: {unexpected}"


@pytest.mark.parametrize("name", ["models.jsonl", "benchmarks.jsonl", "organizations.jsonl"])
def test_risky_aliases_are_guarded(name: str) -> None:
    for row in load(name):
        guarded = {norm(a) for a in row.get("case_sensitive_aliases", [])}
        for alias in row["aliases"]:
            key = norm(alias)
            if len(key) <= 2:
                assert key in SHORT_ALIAS_ALLOWLIST, f"{row['id']}: alias {alias!r} too short"
            if key in ORDINARY_WORDS and row.get("kind") != "family":
                assert row.get("case_sensitive") or key in guarded, (
                    f"{row['id']}: ordinary word {alias!r} needs case-sensitive matching"
                )


def test_only_family_entries_use_bare_family_words(models: list[dict[str, Any]]) -> None:
    bare = {"claude", "gemini", "llama", "qwen", "gpt", "grok", "kimi", "glm", "deepseek",
            "minimax", "mistral", "gemma"}
    for row in models:
        if row["kind"] == "model":
            used = bare & {norm(a) for a in row["aliases"]}
            assert not used, f"{row['id']}: bare family alias {used} on a model entry"


# ------------------------------------------------------------------- values


def test_model_values(
    models: list[dict[str, Any]], organizations: list[dict[str, Any]],
    families: list[dict[str, Any]],
) -> None:
    org_names = {row["name"] for row in organizations}
    family_names = {row["family"] for row in families}
    for row in models:
        assert row["openness"] in OPENNESS, row["id"]
        assert row["kind"] in MODEL_KINDS, row["id"]
        assert row["released"] is None or RELEASED_RE.match(row["released"]), row["id"]
        assert COUNTRY_RE.match(row["country"]), row["id"]
        assert row["organization"] in org_names, f"{row['id']}: unknown org {row['organization']}"
        assert row["family"] in family_names, f"{row['id']}: family {row['family']} not in families"


def test_family_entries_match_brief(models: list[dict[str, Any]]) -> None:
    by_id = {row["id"]: row for row in models}
    expected = {
        "claude": "closed", "gemini": "closed", "gpt": "closed", "grok": "closed",
        "llama": "open", "qwen": "open", "glm": "open", "kimi": "open", "deepseek": "open",
        "minimax": "open", "gemma": "open", "mistral": "unknown",
    }
    for fid, openness in expected.items():
        assert by_id[fid]["kind"] == "family", fid
        assert by_id[fid]["openness"] == openness, fid


def test_benchmark_values(benchmarks: list[dict[str, Any]]) -> None:
    for row in benchmarks:
        assert row["dimension"] in DIMENSIONS, row["id"]
        assert row["kind"] in BENCHMARK_KINDS, row["id"]


def test_organization_values(organizations: list[dict[str, Any]]) -> None:
    names = [row["name"] for row in organizations]
    assert len(names) == len(set(names))
    for row in organizations:
        assert row["kind"] in ORG_KINDS, row["id"]
        assert row["country"] is None or COUNTRY_RE.match(row["country"]), row["id"]


def test_family_values(
    families: list[dict[str, Any]], organizations: list[dict[str, Any]]
) -> None:
    org_names = {row["name"] for row in organizations}
    for row in families:
        assert row["default_openness"] in OPENNESS, row["family"]
        assert row["organization"] in org_names, row["family"]
        assert row["prefixes"] and all(p.strip() == p and p for p in row["prefixes"]), row
        assert COUNTRY_RE.match(row["country"]), row["family"]


def test_counts(
    models: list[dict[str, Any]], benchmarks: list[dict[str, Any]],
    organizations: list[dict[str, Any]],
) -> None:
    assert sum(row["kind"] == "model" for row in models) >= 150
    assert len(models) >= 170
    assert len(benchmarks) >= 80
    assert len(organizations) >= 50


# ------------------------------------------------------------ seed coverage

SEED_MODELS = {
    "Kimi 2.5": "kimi-k2.5",
    "Kimi-K2.5": "kimi-k2.5",
    "Composer 2": "cursor-composer-2",
    "Qwen3.5": "qwen3.5",
    "Qwen v3.5": "qwen3.5",
    "GLM-5.1": "glm-5.1",
    "Claude Mythos": "claude-mythos",
    "Mythos": "claude-mythos",
    "Llama 4": "llama-4",
    "Qwen 3.7": "qwen3.7",
    "DeepSeek V3.2": "deepseek-v3.2",
    "GLM 5.2": "glm-5.2",
    "Fable": "claude-fable-5",
    "GPT-4o": "gpt-4o",
    "Claude Sonnet": "claude-sonnet",
    "Gemini-3.1-Pro": "gemini-3.1-pro",
    "Gemini 3": "gemini-3",
    "Kimi": "kimi",
    "Qwen": "qwen",
    "GLM": "glm",
    "DeepSeek": "deepseek",
    "MiniMax": "minimax",
    "Llama": "llama",
    "Claude": "claude",
    "GPT": "gpt",
    "Gemini": "gemini",
    "Codex": "openai-codex",
}

SEED_BENCHMARKS = {
    "GSM8K": "gsm8k",
    "GSM1k": "gsm1k",
    "HumanEval": "humaneval",
    "MMLU": "mmlu",
    "GPQA Diamond": "gpqa-diamond",
    "VideoOdyssey": "videoodyssey",
    "VideoOdyssey-V": "videoodyssey",
    "SONIC-O1": "sonic-o1",
    "MageBench": "magebench",
    "Humanity's Last Exam": "hle",
    "SWE-bench": "swe-bench",
    "WeirdML": "weirdml",
    "ARC AGI 2": "arc-agi-2",
    "Artificial Analysis Intelligence Index": "artificial-analysis-intelligence-index",
    "Artificial Analysis Index": "artificial-analysis-intelligence-index",
    "Arena": "lmarena",
    "BetterBench": "betterbench",
}

SEED_ORGS = {
    "OpenAI": "openai", "Anthropic": "anthropic", "Google": "google", "Meta": "meta",
    "Alibaba": "alibaba", "Zhipu AI": "zhipu-ai", "Moonshot": "moonshot-ai",
    "DeepSeek": "deepseek", "MiniMax": "minimax", "Cursor": "cursor", "Airbnb": "airbnb",
    "Stanford HAI": "stanford-hai", "Epoch AI": "epoch-ai",
    "Artificial Analysis": "artificial-analysis", "LLM Stats": "llm-stats",
    "TexTak": "textak", "Federal Reserve": "federal-reserve", "Hugging Face": "hugging-face",
    "Trump administration": "us-government",
}


@pytest.mark.parametrize(("surface", "expected"), sorted(SEED_MODELS.items()))
def test_seed_models_resolve(models: list[dict[str, Any]], surface: str, expected: str) -> None:
    assert resolve(models, surface) == expected


@pytest.mark.parametrize(("surface", "expected"), sorted(SEED_BENCHMARKS.items()))
def test_seed_benchmarks_resolve(
    benchmarks: list[dict[str, Any]], surface: str, expected: str
) -> None:
    assert resolve(benchmarks, surface) == expected


@pytest.mark.parametrize(("surface", "expected"), sorted(SEED_ORGS.items()))
def test_seed_organizations_resolve(
    organizations: list[dict[str, Any]], surface: str, expected: str
) -> None:
    assert resolve(organizations, surface) == expected


def test_seed_facts(models: list[dict[str, Any]]) -> None:
    """Facts the seed articles lean on: who is open, who is closed."""
    by_id = {row["id"]: row for row in models}
    assert by_id["glm-5.2"]["openness"] == "open"
    assert by_id["kimi-k2.5"]["openness"] == "open"
    assert by_id["qwen3.5"]["openness"] == "open"
    assert by_id["claude-mythos"]["openness"] == "closed"
    assert by_id["claude-fable-5"]["openness"] == "closed"
    assert by_id["gemini-3.1-pro"]["openness"] == "closed"
    assert by_id["cursor-composer-2"]["organization"] == "Cursor"
    assert by_id["glm-5.2"]["organization"] == "Zhipu AI"


def test_brief_generations_present(models: list[dict[str, Any]]) -> None:
    ids = {row["id"] for row in models}
    wanted = {
        "kimi-k2", "kimi-k2.5", "kimi-k2.6", "kimi-k2.7-code", "kimi-k3", "kimi-k1.5",
        "qwen2.5", "qwen3", "qwen3.5", "qwen3.6-max", "qwen3.6-plus", "qwen3.7",
        "qwen3.7-max", "qwen3.7-plus", "qwen3.7-flash", "qwen3.8-27b", "qwen3.8-max",
        "qwen3.8-flash", "qwq-32b", "glm-4.5", "glm-4.6", "glm-5", "glm-5.1", "glm-5.2",
        "glm-5.3", "glm-5.3-flash", "deepseek-v3", "deepseek-v3.1", "deepseek-v3.2",
        "deepseek-r1", "deepseek-v4-flash", "deepseek-v4-pro", "deepseek-v4.1-flash",
        "llama-3", "llama-3.1", "llama-3.3", "llama-4-scout", "llama-4-maverick",
        "llama-4-behemoth", "minimax-m1", "minimax-m2", "minimax-m2.5", "minimax-m2.7",
        "minimax-m3", "mistral-small-3", "mistral-medium-3", "mistral-large-3",
        "magistral-small", "devstral", "codestral", "gemma-2", "gemma-3", "gemma-4",
        "gpt-oss-20b", "gpt-oss-120b", "gpt-4", "gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5",
        "gpt-5.5", "o1", "o3", "o3-mini", "o4-mini", "gpt-5-codex", "claude-3-opus",
        "claude-3.5-sonnet", "claude-3.7-sonnet", "claude-sonnet-4", "claude-sonnet-4.5",
        "claude-opus-4", "claude-opus-4.1", "claude-opus-4.5", "claude-opus-4.6",
        "claude-opus-4.7", "claude-opus-4.8", "claude-opus-5", "claude-3.5-haiku",
        "claude-haiku-4.5", "claude-mythos", "claude-fable-5", "gemini-1.5-pro",
        "gemini-2.0-flash", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-3",
        "gemini-3-pro", "gemini-3.1-pro", "gemini-3.7-flash", "gemini-3.8-flash",
        "grok-3", "grok-4", "grok-4.5", "grok-4.6", "grok-4.20", "nemotron-3-super",
        "phi-4", "command-a", "step-3.5-flash", "mimo-v2.5", "longcat-flash-chat",
        "ling-3.0", "hy3", "ernie-4.5", "yi-34b", "cursor-composer-2", "muse-spark",
        "olmo-3",
    }
    assert not wanted - ids, f"missing: {sorted(wanted - ids)}"
