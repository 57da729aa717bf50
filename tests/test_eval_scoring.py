"""Scoring rules of shared/GOLD_FORMAT.md on tiny hand-made gold/output pairs whose
right answers are worked out by hand in each test."""

from __future__ import annotations

from typing import Any

import pytest

from evaluation.gold import GoldDoc, parse_gold
from evaluation.scoring import (
    claim_matches,
    figure_matches,
    norm_name,
    score_corpus,
    score_document,
)

S1 = "On GPQA Diamond, Kimi-K2.5 scores 48.6%, 3.1 points behind GPT-4o."
S2 = "Open models are about 6 months behind the frontier, according to Epoch AI."
S3 = "We believe the gap may widen again next year as compute budgets diverge."
HEADING = "Weekly roundup: models and benchmarks"
QUESTION = "What would change our mind about this?"


def gold(**over: Any) -> GoldDoc:
    base: dict[str, Any] = {
        "doc": "a.txt", "source": "test",
        "models": [["Kimi-K2.5", "Kimi K2.5"], ["GPT-4o"]],
        "benchmarks": [["GPQA Diamond", "GPQA"]],
        "figures": [
            {"value": 48.6, "value_high": None, "unit": "%", "kind": "score",
             "model": ["Kimi-K2.5"], "benchmark": ["GPQA Diamond"], "sentence": S1},
            {"value": 3.1, "value_high": None, "unit": "pp", "kind": "gap",
             "model": ["Kimi-K2.5"], "benchmark": ["GPQA Diamond"], "sentence": S1},
            {"value": 6, "value_high": None, "unit": "months", "kind": "lag",
             "model": None, "benchmark": None, "sentence": S2},
        ],
        "claims": [
            {"text": S1, "dimensions": ["reasoning"], "stance": "divergence", "hedged": False},
            {"text": S2, "dimensions": ["overall"], "stance": "convergence", "hedged": False},
            {"text": S3, "dimensions": ["compute", "overall"], "stance": "divergence",
             "hedged": True},
        ],
        "non_claims": [HEADING, QUESTION],
        "forecasts": [{"issuer": "TexTak", "probability": 0.69, "conditional": False}],
    }
    base.update(over)
    return parse_gold(base)


def perfect_output() -> dict[str, Any]:
    return {
        "extractor_version": "t",
        "models": [
            {"mention": "Kimi-K2.5", "canonical": "kimi-k2.5"},
            {"mention": "Kimi K2.5", "canonical": "kimi-k2.5"},
            {"mention": "GPT-4o", "canonical": "gpt-4o"},
        ],
        "benchmarks": [{"mention": "GPQA Diamond", "canonical": "gpqa-diamond"}],
        "figures": [
            {"value": 48.6, "model": "kimi-k2.5", "benchmark": "gpqa-diamond", "sentence": S1},
            {"value": 3.1, "model": "kimi-k2.5", "benchmark": "gpqa-diamond", "sentence": S1},
            {"value": 6.0, "model": None, "benchmark": None, "sentence": S2},
        ],
        "claims": [
            {"text": S1, "dimensions": ["reasoning"], "stance": "divergence", "hedged": False},
            {"text": S2, "dimensions": ["overall"], "stance": "convergence", "hedged": False},
            {"text": S3, "dimensions": ["overall", "compute"], "stance": "divergence",
             "hedged": True},
        ],
        "forecasts": [{"issuer": "TexTak", "probability": 0.69, "conditional": False}],
    }


def test_perfect_output_scores_one_everywhere() -> None:
    res = score_corpus([gold()], [perfect_output()])
    summary = res.summary()
    assert summary.pop("non_claim_fp_rate") == 0.0
    assert summary == {k: 1.0 for k in summary}
    assert res.models.as_dict()["gold"] == 2 and res.models.out == 2
    assert res.stance_confusion() == [[1, 0, 0], [0, 2, 0], [0, 0, 0]]


def test_empty_output_scores_zero_recall_and_undefined_precision() -> None:
    res = score_corpus([gold()], [{}])
    assert res.models.recall == 0.0 and res.models.precision is None
    assert res.figures.recall == 0.0
    assert res.claims.recall == 0.0
    assert res.stance_metrics()["accuracy"] is None  # no matched pairs to judge
    assert res.non_claim_fp_rate == 0.0


def test_missing_figure_lowers_recall_by_one_gold_share() -> None:
    out = perfect_output()
    out["figures"] = out["figures"][:2]  # drop the lag figure
    res = score_corpus([gold()], [out])
    assert res.figures.recall == pytest.approx(2 / 3)
    assert res.figures.precision == 1.0
    assert res.figures.f1 == pytest.approx(2 * (2 / 3) / (1 + 2 / 3))
    assert res.figure_values.recall == pytest.approx(2 / 3)
    assert any("6months" in e for e in res.errors()["missed_figures"])


def test_figure_with_wrong_link_counts_for_value_only_recall() -> None:
    out = perfect_output()
    out["figures"][0] = {**out["figures"][0], "benchmark": None}
    res = score_corpus([gold()], [out])
    assert res.figures.recall == pytest.approx(2 / 3)
    assert res.figures.precision == pytest.approx(2 / 3)
    assert res.figure_values.recall == 1.0


def test_figure_value_must_be_exact() -> None:
    g = gold().figures[2]  # 6 months, no links
    assert figure_matches(g, {"value": 6.0000005})
    assert not figure_matches(g, {"value": 6.01})
    assert not figure_matches(g, {"value": 0.06})  # no percent/fraction conversion
    assert not figure_matches(g, {"value": None})


@pytest.mark.parametrize(("canonical", "ok"), [
    ("kimi-k2.5", True),           # equal after normalisation
    ("kimi-k2.5-thinking", True),  # output contains the gold form
    ("kimi", True),                # gold form contains the output name
    ("gpt-4o", False),
    (None, False),                 # gold names a model, output ties none
])
def test_figure_model_link_containment(canonical: str | None, ok: bool) -> None:
    g = gold().figures[0]
    o = {"value": 48.6, "model": canonical, "benchmark": "gpqa"}
    assert figure_matches(g, o) is ok


def test_figure_link_accepts_the_outputs_surface_mention() -> None:
    g = parse_gold({**_raw_min(), "figures": [
        {"value": 1, "value_high": None, "unit": "x", "kind": "cost",
         "model": ["Kimi 2.5"], "benchmark": None, "sentence": "x"}]}).figures[0]
    o = {"value": 1, "model": "moonshot-k25x", "benchmark": None}
    assert not figure_matches(g, o)
    mentions = [{"mention": "Kimi 2.5", "canonical": "moonshot-k25x"}]
    assert figure_matches(g, o, model_mentions=mentions)


def test_unlinked_gold_figure_accepts_any_ties() -> None:
    g = gold().figures[2]
    assert figure_matches(g, {"value": 6, "model": "gpt-4o", "benchmark": "mmlu"})


def test_figure_matching_is_one_to_one_and_prefers_constrained_gold() -> None:
    loose = {"value": 5, "value_high": None, "unit": "x", "kind": "cost",
             "model": None, "benchmark": None, "sentence": "a"}
    tied = {**loose, "model": ["GPT-4o"], "sentence": "b"}
    g = gold(figures=[loose, tied])
    out = {"models": [], "figures": [{"value": 5, "model": "gpt-4o"},
                                     {"value": 5, "model": "llama-4"}]}
    ds = score_document(g, out)
    assert ds.figures.gold_hit == 2 and ds.figures.out_hit == 2
    out["figures"] = out["figures"][:1]
    ds = score_document(g, out)
    assert ds.figures.gold_hit == 1  # one output figure cannot match two gold figures


def test_entities_recall_over_gold_entries_precision_over_output_canonicals() -> None:
    out = {"models": [
        {"mention": "Kimi-K2.5", "canonical": "kimi-k2.5"},
        {"mention": "Kimi K2.5", "canonical": "kimi-k2.5"},  # same entity, counted once
        {"mention": "Llama", "canonical": "llama"},
    ]}
    res = score_corpus([gold()], [out])
    assert (res.models.gold, res.models.gold_hit) == (2, 1)
    assert (res.models.out, res.models.out_hit) == (2, 1)
    assert res.models.f1 == pytest.approx(0.5)
    errs = res.errors()
    assert errs["missed_models"] == ["a.txt: GPT-4o"]
    assert errs["spurious_models"] == ["a.txt: llama"]


def test_entity_matches_on_canonical_id_too() -> None:
    out = {"benchmarks": [{"mention": "the Diamond set", "canonical": "GPQA"}]}
    assert score_corpus([gold()], [out]).benchmarks.recall == 1.0


def test_norm_name() -> None:
    assert norm_name("GPT-4o") == norm_name("gpt 4o") == "gpt4o"
    assert norm_name("Claude Opus 4.6") == "claudeopus46"


def _words(n: int, prefix: str) -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def test_claim_rule_at_its_boundaries() -> None:
    g = _words(10, "g")  # 10 distinct gold words
    six = " ".join(g.split()[:6])
    assert claim_matches(g, six)  # covers exactly 60%, own share 100%
    assert not claim_matches(g, " ".join(g.split()[:5]))  # 50% coverage
    assert claim_matches(g, six + " " + _words(14, "x"))  # own share 6/20 = exactly 30%
    assert not claim_matches(g, six + " " + _words(15, "x"))  # 6/21 < 30%
    assert claim_matches(g.upper(), g + " " + g)  # case-insensitive, set overlap


def test_best_overlap_claim_is_compared() -> None:
    merged = S1 + " " + S2  # covers S1 fully, own share about 0.5
    out = {"claims": [
        {"text": merged, "dimensions": ["overall"], "stance": "convergence", "hedged": False},
        {"text": S1, "dimensions": ["reasoning"], "stance": "divergence", "hedged": False},
    ]}
    g = gold(claims=[{"text": S1, "dimensions": ["reasoning"], "stance": "divergence",
                      "hedged": False}])
    res = score_corpus([g], [out])
    assert res.claims.recall == 1.0
    assert res.stance_metrics()["accuracy"] == 1.0
    assert res.dimension_micro()["f1"] == 1.0


def test_non_claim_false_positive_rate() -> None:
    out = perfect_output()
    out["claims"].append({"text": HEADING.lower() + "!", "dimensions": ["overall"],
                          "stance": "neutral", "hedged": False})
    res = score_corpus([gold()], [out])
    assert (res.non_claim_fp, res.non_claims) == (1, 2)
    assert res.non_claim_fp_rate == 0.5
    assert res.claims.recall == 1.0


def test_dimension_micro_f1_and_per_dimension_table() -> None:
    out = perfect_output()
    out["claims"][2] = {**out["claims"][2], "dimensions": ["overall", "policy"]}
    res = score_corpus([gold()], [out])
    # gold dims 1 + 1 + 2 = 4; predicted 4; tp = 3 (compute missed, policy spurious)
    micro = res.dimension_micro()
    assert micro["precision"] == pytest.approx(0.75) and micro["recall"] == pytest.approx(0.75)
    table = res.dimension_table()
    assert table["compute"]["recall"] == 0.0 and table["compute"]["support"] == 1
    assert table["policy"]["precision"] == 0.0 and table["policy"]["support"] == 0
    assert table["overall"]["f1"] == 1.0
    assert table["agentic"]["f1"] is None  # never seen: undefined, not zero


def test_stance_accuracy_macro_f1_and_hedge() -> None:
    sents = [f"Sentence number {w} says something checkable about open models."
             for w in ("one", "two", "three", "four")]
    stances_gold = ["convergence", "convergence", "divergence", "neutral"]
    stances_pred = ["convergence", "divergence", "divergence", "neutral"]
    g = gold(claims=[{"text": s, "dimensions": ["overall"], "stance": st, "hedged": False}
                     for s, st in zip(sents, stances_gold, strict=True)])
    out = {"claims": [{"text": s, "dimensions": ["overall"], "stance": st, "hedged": i == 0}
                      for i, (s, st) in enumerate(zip(sents, stances_pred, strict=True))]}
    res = score_corpus([g], [out])
    st = res.stance_metrics()
    assert st["accuracy"] == 0.75
    # F1: convergence 2/3, divergence 2/3, neutral 1
    assert st["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert res.stance_confusion() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert res.summary()["hedge_accuracy"] == 0.75


def test_stance_accuracy_by_the_outputs_confidence() -> None:
    sents = [f"Sentence number {w} says something checkable about open models."
             for w in ("one", "two", "three", "four")]
    g = gold(claims=[{"text": s, "dimensions": ["overall"], "stance": "divergence",
                      "hedged": False} for s in sents])
    # right at 0.9 and 0.65, wrong at 0.55; the last claim carries no confidence (rules)
    pred = [("divergence", 0.9), ("divergence", 0.65), ("neutral", 0.55), ("neutral", None)]
    out = {"claims": [{"text": s, "dimensions": ["overall"], "stance": st, "hedged": False,
                       "stance_confidence": c} for s, (st, c) in zip(sents, pred, strict=True)]}
    rows = {r["min_confidence"]: r for r in score_corpus([g], [out]).stance_by_confidence()}
    assert rows[0.0]["pairs"] == 3 and rows[0.0]["accuracy"] == pytest.approx(2 / 3)
    assert rows[0.6]["pairs"] == 2 and rows[0.6]["accuracy"] == 1.0
    assert rows[0.6]["coverage"] == 0.5  # of the four matched claims
    assert rows[0.8]["pairs"] == 1 and rows[0.8]["coverage"] == 0.25


def test_forecast_tolerance_conditional_and_issuer() -> None:
    g = gold(forecasts=[{"issuer": "TexTak", "probability": 0.69, "conditional": False},
                        {"issuer": "TexTak", "probability": 0.6, "conditional": True}])
    out = {"forecasts": [
        {"issuer": "TexTak forecasters", "probability": 0.695, "conditional": False},
        {"issuer": "TexTak", "probability": 0.6, "conditional": False},  # flag differs
    ]}
    res = score_corpus([g], [out])
    assert res.forecasts.recall == 0.5 and res.forecasts.precision == 0.5
    assert res.summary()["forecast_issuer_accuracy"] == 1.0  # containment
    out["forecasts"][0]["probability"] = 0.696
    assert score_corpus([g], [out]).forecasts.recall == 0.0


def test_corpus_is_micro_averaged() -> None:
    g1, g2 = gold(doc="a.txt"), gold(doc="b.txt")
    out2 = perfect_output()
    out2["figures"] = []
    res = score_corpus([g1, g2], [perfect_output(), out2])
    assert res.figures.recall == pytest.approx(3 / 6)
    assert res.figures.precision == 1.0
    assert [d.doc for d in res.docs] == ["a.txt", "b.txt"]


def _raw_min() -> dict[str, Any]:
    return {"doc": "m.txt", "source": None, "models": [], "benchmarks": [], "figures": [],
            "claims": [], "non_claims": [], "forecasts": []}
