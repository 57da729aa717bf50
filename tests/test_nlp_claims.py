"""Claims: detection vs non-claims, stance, hedge, speaker, dimensions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extractors.nlp import Extractor
from extractors.nlp.qualifiers.hedge.component import is_hedged
from extractors.nlp.qualifiers.stance.component import stance_of
from models.records import Claim
from tests.learned_switch import rules_alone

FIXTURE = Path(__file__).parent / "nlp_registry_fixture"


@cache
def extractor() -> Extractor:
    return Extractor(registry_dir=FIXTURE)


def claims(text: str) -> list[Claim]:
    out = list(extractor().extract(text).claims)
    for c in out:
        assert text[c.start:c.end] == c.text
    return out


def claim(text: str) -> Claim:
    got = claims(text)
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize("text", [
    "Areas Where the Gap Remains Large",
    "Are open models closing the gap on the frontier?",
    "Below is a structured analysis of the strongest counterarguments across the dimensions.",
    "Research the strongest counterarguments against the thesis that open models catch up.",
    "Full research prompt",
    "Sources: Stanford HAI, Epoch AI, LLM Stats",
    "Examples include:",
    "Share this article",
    "[Photo: an engineer presents open-model benchmark results on the main stage.]",
    '[4] Deng et al., "Benchmark exposure in open pretraining corpora," 2026.',
    "Tomas Ribeiro is a contributing editor who writes about open-weight AI models.",
    "This brief reflects the views of its authors, not of the open-model labs it covers.",
    "Now look at the benchmark bill.",
])
def test_non_claims(text: str) -> None:
    assert claims(text) == []


@pytest.mark.parametrize(("text", "stance"), [
    ("Open-weight models have closed the gap on coding benchmarks.", "convergence"),
    ("Chinese open models have overtaken US counterparts on many leaderboards.", "convergence"),
    ("Llama 4 and Qwen 3.7 now match or beat closed models on reasoning benchmarks.",
     "convergence"),
    ("Leading open models trailed Gemini 3.1 Pro by 7.7 percentage points on video.",
     "divergence"),
    ("Closed models are consistently more robust in practice.", "divergence"),
    ("The gap between open and closed models is widening on agentic tasks.", "divergence"),
    ("The convergence narrative is overstated for multimodal domains.", "divergence"),
    ("But benchmark dominance doesn't equal product parity, and the gap remains substantial.",
     "divergence"),
    ("Open models haven't fallen behind closed models in any way that is easy to benchmark.",
     "convergence"),
    ("Open models are not closing the gap on long-context reliability.", "divergence"),
    ("The report was published by the lab in Paris last spring for its investors.", "neutral"),
])
def test_stance_clear_cases(text: str, stance: str) -> None:
    assert claim(text).stance == stance


def test_stance_function_direct() -> None:
    assert stance_of("Proprietary models lead on sustained cognitive load tasks.", []) == \
        "divergence"
    assert stance_of("Open models lead on cost and customization.", []) == "convergence"


@pytest.mark.parametrize(("text", "hedged"), [
    ("Open models may already be close to parity on benchmarks.", True),
    ("This suggests frontier labs maintain unreleased capabilities.", True),
    ("We estimate the lag at six months.", True),
    ("Closed models are likely to pull further ahead.", True),
    ("Open models trail closed models by six months.", False),
    ("In May 2026 the VideoOdyssey benchmark showed a persistent gap.", False),
])
def test_hedge(text: str, hedged: bool) -> None:
    assert is_hedged(text) is hedged


@pytest.mark.parametrize(("text", "speaker"), [
    ("Nathan Lambert argues that open-weight models remain in perpetual catch-up.",
     "Nathan Lambert"),
    ("Stanford HAI reports the open-closed performance gap reopened to 3.3%.", "Stanford HAI"),
    ("TexTak places the open model at parity within the year, a bold call on the gap.",
     "TexTak"),
    ("According to Epoch AI, open models lag the frontier by about a year.", "Epoch AI"),
    ("Open models are stronger than ever on coding benchmarks this year.", None),
])
def test_speaker(text: str, speaker: str | None) -> None:
    assert claim(text).speaker == speaker


def test_speaker_surname_resolved_to_full_name() -> None:
    text = ("Nathan Lambert has spent the past year tracking open models.\n"
            "Lambert suggests true divergence is a matter of resource allocation for labs.")
    got = claims(text)
    assert got[-1].speaker == "Nathan Lambert"


def test_dimensions_and_entities() -> None:
    c = claim("On SWE-bench Verified, Kimi K2.5 trails GPT-4o while costing 10x less per token.")
    assert {"coding", "cost"} <= set(c.dimensions)
    assert c.models == ("kimi-k2.5", "gpt-4o")
    assert c.benchmarks == ("swe-bench-verified",)
    c = claim("Export controls on chips limit open-source scaling at the frontier.")
    assert {"compute", "policy"} <= set(c.dimensions)
    c = claim("Open models are far closer to the frontier than many expected.")
    assert c.dimensions == ("overall",)


_OFF_TOPIC = """Council passes budget after late-night session

The council approved a $1.9 billion operating budget on Tuesday after eleven hours of debate.
Property taxes stay flat at $9.80 per $1,000 of assessed value, while water rates rise 6% in July.
The fire department gets 28 new positions, the largest increase in a decade.
Transit ridership recovered to 91% of its 2019 level, the finance director said.
Parks will spend $2.2 million repairing the riverside promenade.
One member proposed an AI chatbot for permit questions, but the item was deferred to spring.
The budget takes effect on July 1."""

_ON_TOPIC = """Open models, week 47

Kimi K3 now trails GPT-5.6 by only two points on SWE-bench Verified.
Analysts say the gap on agentic tasks is still wide, with closed models far ahead on tool chains.
Open-weight models are cheaper to serve by a factor of five, which matters more to buyers.
DeepSeek says its next release will close the remaining distance on reasoning.
Not everyone is convinced that leaderboard parity means parity in production.
Enterprise buyers still pay a premium for closed APIs because of support contracts."""


def _rules_alone(text: str) -> list[Claim]:
    with rules_alone(extractor(), "gw_claims"):
        return claims(text)


def test_claim_filter_drops_an_off_topic_passage_and_keeps_the_debate() -> None:
    assert len(_rules_alone(_OFF_TOPIC)) >= 5  # numbers and keywords pass the rules
    assert len(claims(_OFF_TOPIC)) <= 1
    kept = claims(_ON_TOPIC)
    assert len(kept) == len(_rules_alone(_ON_TOPIC)) == 6


def test_claim_filter_abstains_on_a_snippet() -> None:
    text = "Transit ridership recovered to 91% of its 2019 level, the finance director said."
    assert len(claims(text)) == len(_rules_alone(text)) == 1


def test_a_forecasting_questions_proposition_is_not_a_claim_unless_it_gives_a_number() -> None:
    text = ("Quarterly notes on the open-weight gap, with my numbers.\n\n"
            "Q1. An open-weight model comes within 3 points of the top closed model on GPQA "
            "Diamond before the end of 2027.\n\n"
            "Q2 (new). If Meta ships Llama 5 with open weights, the probability that it tops "
            "Kimi-K2.5 on MMLU within a month: 0.4.\n\n"
            "Open models trail GPT-4o by 3 points on GPQA Diamond, and the gap keeps closing.\n")
    got = [c.text for c in claims(text)]
    assert not any(t.startswith("An open-weight model comes within") for t in got)
    assert any(t.startswith("If Meta ships Llama 5") for t in got)
    assert any(t.startswith("Open models trail GPT-4o") for t in got)
