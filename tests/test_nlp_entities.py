"""Model and benchmark mentions: registry hits, variants, new names, no ordinary words."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extractors.nlp import Extractor
from extractors.nlp.entities.patterns import alias_variants
from models.records import Extraction

FIXTURE = Path(__file__).parent / "nlp_registry_fixture"


@cache
def extractor() -> Extractor:
    return Extractor(registry_dir=FIXTURE)


def run(text: str) -> Extraction:
    e = extractor().extract(text)
    for m in (*e.models, *e.benchmarks):
        assert text[m.start:m.end] == m.mention
    return e


def models(text: str) -> dict[str, str]:
    return {m.mention: m.canonical for m in run(text).models}


def test_spacy_tokenisation_assumption() -> None:
    tok = extractor().nlp.tokenizer
    assert [t.text for t in tok("Gemini-3.1-Pro leads")][:3] == ["Gemini-3.1", "-", "Pro"]
    assert [t.text for t in tok("Kimi-K2.5 at")][:3] == ["Kimi", "-", "K2.5"]


@pytest.mark.parametrize(("text", "mention", "canonical"), [
    ("Gemini-3.1-Pro leads the pack.", "Gemini-3.1-Pro", "gemini-3.1-pro"),
    ("We tested Gemini 3.1 Pro today.", "Gemini 3.1 Pro", "gemini-3.1-pro"),
    ("Kimi-K2.5 at 48.6% on VideoOdyssey-V.", "Kimi-K2.5", "kimi-k2.5"),
    ("Kimi K2.5 is open.", "Kimi K2.5", "kimi-k2.5"),
    ("Cursor built on Kimi 2.5, they said.", "Kimi 2.5", "kimi-k2.5"),
    ("GLM 5.2 shipped and GLM-5.2 is big.", "GLM 5.2", "glm-5.2"),
    ("Qwen 3.5 and Qwen3.5 are the same.", "Qwen 3.5", "qwen3.5"),
    ("DeepSeek V3.2 is cheap.", "DeepSeek V3.2", "deepseek-v3.2"),
    ("Prefer GPT-4o or Claude Sonnet for this.", "Claude Sonnet", "claude-sonnet"),
])
def test_registry_variants(text: str, mention: str, canonical: str) -> None:
    assert models(text).get(mention) == canonical


def test_longest_match_wins() -> None:
    got = models("Qwen3.7-Max beats Qwen.")
    assert got == {"Qwen3.7-Max": "qwen3.7-max", "Qwen": "qwen"}


def test_openness_and_family_resolved() -> None:
    e = run("Llama 4 and GPT-4o were compared.")
    by = {m.mention: m for m in e.models}
    assert by["Llama 4"].openness == "open" and by["Llama 4"].organization == "Meta"
    assert by["GPT-4o"].openness == "closed" and by["GPT-4o"].family == "gpt"


@pytest.mark.parametrize(("text", "mention", "family"), [
    ("Qwen3.9-Max topped the chart.", "Qwen3.9-Max", "qwen"),
    ("GLM-6 is rumoured.", "GLM-6", "glm"),
    ("Kimi K4 arrives soon.", "Kimi K4", "kimi"),
    ("Llama 5 is late.", "Llama 5", "llama"),
    ("Claude Opus 4.8 leads.", "Claude Opus 4.8", "claude"),
    ("Qwen3.5-397B-A17B is open.", "Qwen3.5-397B-A17B", "qwen"),
])
def test_new_names_from_family_prefixes(text: str, mention: str, family: str) -> None:
    e = run(text)
    by = {m.mention: m for m in e.models}
    assert mention in by, by
    assert by[mention].family == family
    assert by[mention].openness == "unknown"
    assert by[mention].canonical == mention.lower().replace(" ", "-")


def test_size_suffix_new_name() -> None:
    by = {m.mention: m for m in run("Falcon-180B was open.").models}
    assert by["Falcon-180B"].canonical == "falcon-180b" and by["Falcon-180B"].family is None


@pytest.mark.parametrize("text", [
    "The composer wrote a fable for the arena.",
    "A Composer needs an Arena to perform a Fable.",
    "Step 3 of the plan: llama farming in 2026.",
    "The Mythos of open source is strong.",
    "Anthropic and Alibaba are labs, not models.",
])
def test_no_ordinary_word_models(text: str) -> None:
    e = run(text)
    assert e.models == () and e.benchmarks == ()


def test_ambiguous_names_with_context() -> None:
    got = models("Anthropic's Fable and Mythos models were restricted. Later, Fable shipped.")
    assert got == {"Fable": "claude-fable", "Mythos": "claude-mythos"}
    e = run("The gap on the Arena Leaderboard and in Arena Elo data is 3%.")
    assert [b.mention for b in e.benchmarks] == ["Arena Leaderboard", "Arena"]
    assert {b.canonical for b in e.benchmarks} == {"lmarena"}
    e = run("Chatbot Arena ranks them. Arena rankings moved.")
    assert {b.canonical for b in e.benchmarks} == {"lmarena"}
    assert len(e.benchmarks) == 2


def test_benchmarks_and_case_sensitive_alias() -> None:
    e = run("On SWE-bench Verified, GPQA Diamond, ARC AGI 2 and HLE the gap held; "
            "hle is not a word we match.")
    got = [b.canonical for b in e.benchmarks]
    assert got == ["swe-bench-verified", "gpqa-diamond", "arc-agi-2", "hle"]


def test_a_company_named_like_its_models_is_the_company() -> None:
    text = ("Models from DeepSeek and Alibaba lead. DeepSeek said on Monday that DeepSeek "
            "models are strong on code, and MiniMax agreed.")
    e = run(text)
    assert [(text[m.start:m.end], m.canonical) for m in e.models] == [("DeepSeek", "deepseek")]
    assert e.models[0].start == text.index("DeepSeek models")


def test_variants_generation() -> None:
    v = alias_variants("Qwen3.5", split_version=True)
    assert {"Qwen3.5", "Qwen 3.5", "Qwen-3.5"} <= set(v)
    v = alias_variants("ARC-AGI-2", split_version=False)
    assert {"ARC AGI 2", "ARC-AGI-2", "ARC AGI-2", "ARC-AGI2"} <= set(v)
    assert alias_variants("GSM8K", split_version=False) == ["GSM8K"]


def test_a_model_named_by_its_version_alone() -> None:
    # after the full name, and (registry models) wherever the text names the family's maker
    assert models("DeepSeek V3.2 leads the open pack. A month on, V3.2 still does.") == {
        "DeepSeek V3.2": "deepseek-v3.2", "V3.2": "deepseek-v3.2"}
    assert models("DeepSeek said on Monday that V3.2 costs less.") == {"V3.2": "deepseek-v3.2"}
    assert models("Section V3.2 of the draft covers export rules.") == {}
    assert models("Kimi K9 is out; K9 tops the open board.") == {
        "Kimi K9": "kimi-k9", "K9": "kimi-k9"}


def test_a_new_model_named_in_full_then_short_and_a_new_name_made_a_model_by_its_verb() -> None:
    text = ("Its current release, Orrery-3 235B, is an MoE. On tau2-bench, Orrery-3 scores 61% "
            "versus 79% for GPT-4o, and Orrery-3 Mini is for phones. Hanul-3 reached 83.4 on "
            "KMMLU; the ministry calls Hanul-3 sovereign. Series-2 funding closed. "
            "COVID-19 slowed nothing.")
    got = [(m.mention, m.openness) for m in run(text).models]
    assert ("Orrery-3", "unknown") in got and ("Orrery-3 Mini", "unknown") in got
    assert [m for m, _ in got].count("Hanul-3") == 2
    assert not any(m.startswith(("Series", "COVID")) for m, _ in got)


def test_a_new_labs_model_named_with_a_space_and_its_other_versions() -> None:
    text = ("Lumenfield today announced Beacon 4, a new frontier model for enterprises. "
            "Beacon 4 scores 81.2% on the exam, and it costs 60% less than Beacon 3.5. "
            "Table 2 shows the results; Phase 3 trials reached 40 sites. Round 2 scored well.")
    got = [m.mention for m in run(text).models]
    assert got.count("Beacon 4") == 2 and "Beacon 3.5" in got
    assert not any(m.startswith(("Table", "Phase", "Round")) for m in got)


def test_lowercase_reasoning_model_names_with_their_lab() -> None:
    from extractors.nlp import get_extractor  # the shipped registry: it holds o1 and o3

    def names(text: str) -> list[str]:
        return [m.mention for m in get_extractor().extract(text).models]

    assert "o1" in names("DeepSeek-R1 matched OpenAI's o1 on math.")
    assert names("Set o1 and o3 to zero in the equation.") == []


def test_a_new_coding_variant_of_a_known_model_is_one_new_name() -> None:
    # "GPT-5.6-Codex" is one model of the GPT family, not GPT-5.6 plus the Codex agent
    got = [(m.mention, m.openness) for m in run("GPT-5.6-Codex scored 80% on the suite.").models]
    assert got == [("GPT-5.6-Codex", "unknown")]


def test_a_benchmark_not_in_the_registry_by_its_shape_and_a_version_kept_with_a_name() -> None:
    text = ("On FjordBench the gap is 6 points, on AdminBench-EU 4, on LongHaul-QA 9; "
            "SWE-bench Verified v2 aside, LiveCodeBench v7 agrees. QA teams ran the Eval.")
    got = [(b.mention, b.canonical) for b in run(text).benchmarks]
    assert ("FjordBench", "fjordbench") in got and ("AdminBench-EU", "adminbench-eu") in got
    assert ("LongHaul-QA", "longhaul-qa") in got
    assert not any(m in ("QA", "Eval") for m, _ in got)


def test_bare_mistral_is_the_company_and_its_models_are_models() -> None:
    from extractors.nlp import get_extractor  # the shipped registry

    def names(text: str) -> list[str]:
        return [m.mention for m in get_extractor().extract(text).models]

    assert names("Paris-based Mistral trails Qwen3.5 on most benchmarks.") == ["Qwen3.5"]
    assert names("Mistral models are popular in Europe.") == ["Mistral models"]
    assert names("Mistral Large 3 scores 71% on MMLU-Pro.") == ["Mistral Large 3"]


def test_korean_models_and_a_bare_mistral_medium_from_the_shipped_registry() -> None:
    from extractors.nlp import get_extractor

    e = get_extractor().extract("Naver's HyperCLOVA X and SK Telecom's A.X 4.1 trail "
                                "Mistral Medium and Mistral Medium 3.1 on KMMLU.")
    got = {m.mention: (m.canonical, m.organization, m.openness) for m in e.models}
    assert got["HyperCLOVA X"] == ("hyperclova-x", "Naver", "closed")
    assert got["A.X 4.1"][1:] == ("SK Telecom", "unknown")  # a new version by its family
    assert got["Mistral Medium"] == ("mistral-medium", "Mistral AI", "closed")
    assert got["Mistral Medium 3.1"][0] == "mistral-medium-3.1"


def test_a_benchmark_named_only_by_its_context_and_its_other_uses() -> None:
    text = ("On ReelSpan, Gemini 3.1 Pro answered 67.2% of questions. ReelSpan rewards long "
            "memory. The team built a new test, FigureDesk, from 2,400 charts. Kimi-K2.5 "
            "scored 40% on PostCut-26. On the ThreadPull suite the gap is 9 points.")
    got = [(b.mention, b.canonical) for b in run(text).benchmarks]
    assert got == [("ReelSpan", "reelspan"), ("ReelSpan", "reelspan"),
                   ("FigureDesk", "figuredesk"), ("PostCut-26", "postcut-26"),
                   ("ThreadPull", "threadpull")]
    # companies, venues and model-shaped names stay what they are
    text = ("On GitHub, 40% of new repos use Kimi-K2.5. On NeurIPS reviews, 30% mention it. "
            "On Hanul-3, the lab reports 71% on GPQA Diamond.")
    assert [b.mention for b in run(text).benchmarks] == ["GPQA Diamond"]


def test_a_leaderboard_or_arena_named_for_itself_is_a_benchmark() -> None:
    got = [b.canonical for b in run("Meridian Leaderboard | Open vs Closed\n\nOn the WebDev "
                                    "Arena, Kimi-K2.5 holds 1,451 Elo. A new leaderboard "
                                    "and Our Leaderboard are not names.").benchmarks]
    assert got == ["meridian-leaderboard", "webdev-arena"]
