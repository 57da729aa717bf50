"""Stance rules from the numbers in the text, the learned model's sentence-shape
features, and dimension keywords added for general vocabulary (sentences written for
these tests, not copied from gold)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extractors.nlp import Extractor
from extractors.nlp.learned.features import stance_features, structure_features
from extractors.nlp.qualifiers.stance.component import Side, _text_comparison, stance_votes

FIXTURE = Path(__file__).parent / "nlp_registry_fixture"


@cache
def extractor() -> Extractor:
    return Extractor(registry_dir=FIXTURE)


def _sides(text: str, named: dict[str, str]) -> list[Side]:
    out = []
    for name, side in named.items():
        a = text.index(name)
        out.append(Side(a, a + len(name), side))
    return out


def test_scores_compared_in_text_a_large_deficit_votes_divergence() -> None:
    text = "The new release reports 52.0% on the exam, against 67.5% for Orion Max."
    votes = stance_votes(text, _sides(text, {"Orion Max": "closed"}))
    assert votes.get("txt_cmp_div") == 1.0 and votes["score"] < 0


def test_scores_compared_in_text_a_near_tie_votes_convergence() -> None:
    text = "Falcon Nine scores 81.4 on the suite, compared with 82.0 for Orion Max."
    sides = _sides(text, {"Falcon Nine": "open", "Orion Max": "closed"})
    votes = stance_votes(text, sides)
    assert votes.get("txt_cmp_conv") == 1.0 and votes["score"] > 0


def test_score_before_a_side_phrase_belongs_to_that_side() -> None:
    text = ("Just 12% of buyers trust an open model with agents, "
            "compared with 30% for closed models.")
    sides = [Side(text.index("open model"), text.index("open model") + 10, "open"),
             Side(text.index("closed models"), text.index("closed models") + 13, "closed")]
    assert _text_comparison(text, sides) == pytest.approx(-18.0)


@pytest.mark.parametrize("text", [
    "In 2025 the lab released 3 models and priced them at $1.25 per million tokens.",
    "Orion Max was trained on 40 trillion tokens with a 256k context window.",
])
def test_no_comparison_without_two_sides_or_scores(text: str) -> None:
    sides = _sides(text, {"Orion Max": "closed"}) if "Orion" in text else []
    assert _text_comparison(text, sides) == 0.0


def test_structure_features_gap_direction_and_balance() -> None:
    down = structure_features("The distance to the leaders has halved since spring.", {})
    up = structure_features("The gap has grown again since spring.", {})
    mixed = structure_features("x", {"fixed_conv": 1.0, "fixed_div": 1.0})
    assert "x_gap_down" in down and "x_gap_up" not in down
    assert "x_gap_up" in up
    assert "x_mixed" in mixed and "x_novote" in structure_features("x", {})


def test_structure_features_read_a_negated_or_stalled_gap_and_a_played_down_number() -> None:
    # a negated move goes the other way; a gap that stays is a gap that persists
    stalled = structure_features("The lag on ARC-AGI-2 has not shrunk at all this year.", {})
    assert "x_gap_up" in stalled and "x_gap_down" not in stalled
    assert "x_gap_up" in structure_features("That distance has barely moved in a year.", {})
    assert "x_gap_up" in structure_features("Qwen3.5 remains roughly 14 months behind.", {})
    assert "x_gap_up" in structure_features("The rerun more than doubles the distance.", {})
    assert "x_gap_down" in structure_features("The gap has narrowed since June.", {})
    assert "x_small_num" in structure_features("It trails the leader by only 5.4 points.", {})
    assert "x_small_num" not in structure_features("It trails the leader by 15 points.", {})


def test_stance_features_carry_the_number_comparison() -> None:
    text = "Falcon Nine reaches 44% against 71% for Orion Max."
    feats = stance_features(text, _sides(text, {"Falcon Nine": "open", "Orion Max": "closed"}),
                            [])
    assert feats.get("x_numcmp") == 1.0 and feats.get("rule_txt_cmp_div") == 1.0


@pytest.mark.parametrize(("text", "dim"), [
    ("Recruiters say the open labs doubled their research headcount this year.", "talent"),
    ("The new licence lets ministries adapt the weights for public use.", "policy"),
    ("Salaries at the open labs still trail the pay packages of the big three.", "funding"),
    ("The local build was less consistent and produced malformed output on odd inputs.",
     "reliability"),
    ("Vendor-reported scores rarely survive contact with private test sets.", "evaluation"),
    ("On big repos the model loses track of which files it already refactored.", "coding"),
])
def test_general_dimension_vocabulary(text: str, dim: str) -> None:
    got = extractor().extract(text).claims
    assert got and dim in got[0].dimensions


@pytest.mark.parametrize("text", [
    "I suspect the open labs will need another year to match the agent results.",
    "My guess is that the closed labs keep their data advantage through 2027.",
    "Our central estimate puts the open frontier five months behind the closed one.",
])
def test_first_person_hedges(text: str) -> None:
    got = extractor().extract(text).claims
    assert got and got[0].hedged


def test_a_new_model_takes_its_familys_side_for_stance() -> None:
    from extractors.nlp.qualifiers.stance.component import stance_side

    sides = {"qwen": "open", "claude": "closed"}
    assert stance_side("closed", "qwen", "Qwen4-Max", sides) == "closed"  # known: as is
    assert stance_side("unknown", "qwen", "Qwen4-Omni", sides) == "open"
    assert stance_side("unknown", "claude", "Claude Fable 2", sides) == "closed"
    assert stance_side("unknown", None, "Vireo-2 70B", sides) == "open"  # a size: weights
    assert stance_side("unknown", None, "Hanul-3", sides) is None


def test_the_stance_component_reads_a_new_models_side() -> None:
    text = "Qwen9-Omni trails Claude Opus 4.5 by a wide margin on every video benchmark."
    res = extractor().extract(text)
    assert [m.openness for m in res.models if m.mention.startswith("Qwen")] == ["unknown"]
    qual = extractor().nlp.get_pipe("gw_stance")
    assert qual.family_sides.get("qwen") == "open"


def test_a_claims_stance_confidence_is_the_models_and_absent_for_the_rules() -> None:
    from tests.learned_switch import rules_alone

    text = ("Kimi K3 now trails Claude Opus 4.5 by only two points on SWE-bench Verified, "
            "the smallest gap yet. The chips question is a different matter entirely.")
    claims = extractor().extract(text).claims
    assert claims and all(c.stance_confidence is not None for c in claims)
    assert all(1 / 3 <= (c.stance_confidence or 0) <= 1 for c in claims)
    with rules_alone(extractor(), "gw_stance"):
        assert all(c.stance_confidence is None for c in extractor().extract(text).claims)
