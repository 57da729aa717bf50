"""Learned stance model and the claim/dimension rules added with it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extractors.nlp import Extractor
from extractors.nlp.learned.features import stance_features
from extractors.nlp.learned.linear import LinearModel, load_model, model_from_json
from extractors.nlp.qualifiers.stance.component import Side, stance_votes
from extractors.nlp.version import SEMVER
from models.records import Claim
from tests.learned_switch import rules_alone

FIXTURE = Path(__file__).parent / "nlp_registry_fixture"


@cache
def extractor() -> Extractor:
    return Extractor(registry_dir=FIXTURE)


def claims(text: str) -> list[Claim]:
    return list(extractor().extract(text).claims)


def test_linear_model_round_trip_and_softmax() -> None:
    m = LinearModel("multiclass", ("a", "b"), (0.0, 0.0), {"x": (2.0, -2.0)})
    again = model_from_json(m.to_json())
    p = again.probabilities({"x": 1.0, "unknown": 5.0})
    assert abs(sum(p) - 1.0) < 1e-9 and p[0] > 0.95


def test_shipped_stance_model_has_the_three_labels() -> None:
    m = load_model("stance")
    assert m is not None
    assert set(m.labels) == {"convergence", "divergence", "neutral"}


def test_side_tags_replace_model_names() -> None:
    text = "Kimi K3 trails GPT-5.6 by 4 points."
    feats = stance_features(text, [Side(0, 7, "open"), Side(15, 22, "closed")], [])
    assert "w=openm" in feats and "w=closedm" in feats
    assert not any("kimi" in k for k in feats)


def test_sentiment_votes_follow_the_side() -> None:
    closed_strong = stance_votes("Closed models remain stronger at the top.", [])
    open_strong = stance_votes("Open models remain stronger at the top.", [])
    assert closed_strong["score"] < 0 < open_strong["score"]


def test_off_topic_sentence_is_neutral() -> None:
    got = claims("The report was published by the lab in Paris last spring for its investors.")
    assert [c.stance for c in got] == ["neutral"]


def test_model_decides_a_claim_without_any_rule_cue() -> None:
    """No cue, side or figure: the rules say neutral, the words say the parity evidence is
    overstated (divergence). The model decides every claim, not only evidenced ones."""
    text = "Benchmark scores overstate what these systems can do in production."
    assert stance_votes(text, [])["score"] == 0.0
    assert [c.stance for c in claims(text)] == ["divergence"]
    with rules_alone(extractor(), "gw_stance"):
        assert [c.stance for c in claims(text)] == ["neutral"]


@pytest.mark.parametrize("text", [
    "| Benchmark | Qwen3.5 | GPT-5.4 | Gemini 3.1 Pro |",
    "Open models close the gap on coding benchmarks in 2026",
])
def test_table_rows_and_unpunctuated_titles_are_not_claims(text: str) -> None:
    assert claims(text) == []


def test_short_evaluative_sentence_is_a_claim() -> None:
    got = claims("The price per token is subsidised.")
    assert len(got) == 1 and got[0].dimensions == ("cost",)


def test_bare_claim_takes_the_document_dimension() -> None:
    text = ("Open models now cost a tenth of closed APIs per token. "
            "Prices for open weights fell again this quarter. "
            "That shortfall will persist for years, and it will hurt.")
    # the rules' fallback; the dimension model reads it among its features and decides
    with rules_alone(extractor(), "gw_claims", "dim_model"):
        dims = [c.dimensions for c in claims(text)]
    assert dims == [("cost",), ("cost",), ("cost",)]
    assert all("cost" in d for d in [c.dimensions for c in claims(text)])


def test_semver_bumped() -> None:
    assert tuple(int(x) for x in SEMVER.split(".")) >= (0, 4, 0)


def test_every_shipped_model_has_its_labels() -> None:
    from models.taxonomy import DIMENSIONS

    expected = {"forecast": ("multiclass", ("no", "yes")),
                "claim": ("multiclass", ("claim", "non_claim")),
                "dimensions": ("multilabel", tuple(DIMENSIONS))}
    for name, (kind, labels) in expected.items():
        m = load_model(name)
        assert m is not None, name
        assert (m.kind, m.labels) == (kind, labels)
        assert 0.0 < m.threshold < 1.0 and m.weights


def test_decide_dimensions_thresholds_caps_and_is_never_empty() -> None:
    from extractors.nlp.learned.dimensions import decide_dimensions

    prob = {"cost": 0.9, "adoption": 0.1, "agentic": 0.7, "coding": 0.5, "policy": 0.45}
    assert decide_dimensions(prob, 0.3) == ["cost", "agentic", "coding"]
    assert decide_dimensions(prob, 0.6) == ["cost", "agentic"]
    assert decide_dimensions({"cost": 0.05, "policy": 0.2}, 0.3) == ["policy"]


def test_dimension_context_reads_neighbours_and_the_rest_of_the_document() -> None:
    from extractors.nlp.learned.features import dimension_context

    ctx = dimension_context([{"compute"}, set(), {"compute", "policy"}, {"cost"}])
    assert ctx[1] == {"doc_kw=compute": 2 / 3, "doc_kw=policy": 1 / 3, "doc_kw=cost": 1 / 3,
                      "prev_kw=compute": 1.0, "next_kw=compute": 1.0, "next_kw=policy": 1.0}
    assert "prev_kw=compute" not in ctx[0] and ctx[3]["prev_kw=policy"] == 1.0
    assert dimension_context([{"cost"}]) == [{}]


def test_dimension_context_reads_the_neighbours_words_and_features_read_stems() -> None:
    from extractors.nlp.learned.features import dimension_context, dimension_features

    ctx = dimension_context([set(), set(), set()],
                            ["Export rules now cover the chips.", "It is not close.",
                             "Nobody has more GPUs."])
    assert ctx[1]["w=ctx_chips"] == 0.5 and ctx[1]["w=ctx_nobody"] == 0.5
    assert not any(k.startswith("w=ctx_") for k in ctx[0])  # "not close": negated, short
    assert "w=ctx_chips" not in ctx[2]  # the next-but-one sentence is not a neighbour
    feats = dimension_features("Prices of chips and export policies rose.", [], [], {})
    assert {"w=~price", "w=~chip", "w=~policy", "w=~export"} <= set(feats)


def test_document_dimensions_read_the_whole_document_and_its_title() -> None:
    from extractors.nlp.claims.patterns import claim_patterns
    from extractors.nlp.learned.features import document_dimensions
    from extractors.nlp.sentences import split_sentences

    text = ("Chip export rules tighten again\n\nThe new controls cover HBM and advanced "
            "packaging. Analysts expect delays. Nvidia's H20 shipments stop in March.\n")
    hits = claim_patterns().keyword_hits
    f = document_dimensions(text, [hits(text[s.start:s.end]) for s in split_sentences(text)])
    assert f.get("title_kw=compute") == 1.0 or f.get("title_kw=policy") == 1.0
    assert any(k.startswith("all_kw=") and 0 < v <= 1.0 for k, v in f.items())
    assert not any(k.endswith(("=cost", "=talent")) for k in f)
