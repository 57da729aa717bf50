"""Phrasings the 0.5 rules were written to generalise to: forecasts stated many ways,
ranges and ordinal ranks, headings that end in quotes or brackets, captions and
calls to action, and the figure evidence the stance votes read."""

from __future__ import annotations

from functools import cache

from extractors.nlp import get_extractor
from extractors.nlp.pipeline import Extractor
from extractors.nlp.qualifiers.stance.component import stance_votes
from extractors.nlp.sentences import HEADING, split_sentences
from models.records import Extraction


@cache
def extractor() -> Extractor:
    return get_extractor()


def run(text: str) -> Extraction:
    return extractor().extract(text)


def probs(res: Extraction) -> list[tuple[float, bool]]:
    return [(f.probability, f.conditional) for f in res.forecasts]


def test_forecast_phrasings_beyond_places_and_carries() -> None:
    text = (
        "Parity note\nBy the Corvid Forecasting desk | 2 min read\n"
        "Our model gives 0.62 that an open-weight model wins the Arena by 2027.\n"
        "Last week the number was 0.55.\n"
        "Forecaster Ana Pell is at 58%, citing the release pace.\n"
        "The community now sees a 3-in-5 chance that an open model tops the index.\n"
        "Odds of 40% are on the table for the harder question, down from 47% a month ago.\n"
        "We'd go to 80% if an open model clears 90% on GPQA Diamond.\n"
    )
    res = run(text)
    got = probs(res)
    for want in [(0.62, False), (0.55, False), (0.58, False), (0.6, False), (0.4, False),
                 (0.47, False), (0.8, True)]:
        assert want in got, (want, got)
    issuers = {round(f.probability, 2): f.issuer for f in res.forecasts}
    assert issuers[0.62] == "Corvid Forecasting"
    assert issuers[0.58] and "Ana Pell" in issuers[0.58]
    # probabilities are forecasts, never figures; the 90% threshold still is a figure
    values = {f.value for f in res.figures}
    assert 58.0 not in values and 80.0 not in values and 90.0 in values


def test_moving_from_and_conditional_cut() -> None:
    text = ("Posted by Ravi Okafor · 4 comments\n"
            "Moving to 70% from 64% on the broader forecast question after two releases.\n"
            "If GPT-6 lands early, I would cut this to 25%.\n")
    res = run(text)
    assert (0.7, False) in probs(res) and (0.64, False) in probs(res)
    cond = [f for f in res.forecasts if f.conditional]
    assert [(f.probability, f.issuer) for f in cond] == [(0.25, "Ravi Okafor")]


def test_scores_are_not_forecasts_in_forecast_documents() -> None:
    text = ("Our forecast on this question is unchanged.\n"
            "GLM-5.3 is at 58% on SWE-bench Verified, and Kimi K3 is at 61%.\n")
    assert probs(run(text)) == []


def test_between_range_point_gap_and_ordinal_ranks() -> None:
    text = ("On Video-MME, GLM-4.6V scored between 61 and 64% across runs. "
            "That is a 2.3-point deficit against Gemini 3 Pro. "
            "Kimi K3 took third place on LMArena this week, and DeepSeek-V4 slipped to ninth.")
    figs = run(text).figures
    rng = [f for f in figs if f.value == 61.0]
    assert rng and rng[0].value_high == 64.0 and rng[0].model == "glm-4.6v"
    assert any(f.value == 2.3 and f.kind == "gap" for f in figs)
    ranks = {(f.value, f.model) for f in figs if f.kind == "rank"}
    assert (3.0, "kimi-k3") in ranks and (9.0, "deepseek-v4") in ranks


def test_behind_first_place_is_not_a_rank() -> None:
    figs = run("The best open model sat roughly 60 Elo points behind first place.").figures
    assert not [f for f in figs if f.kind == "rank"]


def test_unknown_sized_name_with_version_is_a_model() -> None:
    res = run("Kestrel-2-70B is a 70B dense model that trails Claude Sonnet 4.6 on RULER.")
    assert "kestrel-2-70b" in {m.canonical for m in res.models}
    sizes = [f for f in res.figures if f.kind == "size"]
    assert len(sizes) == 1 and sizes[0].model == "kestrel-2-70b"


def test_headings_ending_in_quote_or_bracket() -> None:
    text = ("Economic pressure to reinvent “the frontier”\n"
            "Thread: open weights are eating the frontier (1/7)\n"
            "Open models now match closed ones on most coding tasks (by our count).\n")
    kinds = [s.kind for s in split_sentences(text)]
    assert kinds[:2] == [HEADING, HEADING] and kinds[2] != HEADING


def test_captions_bios_and_calls_to_action_are_not_claims() -> None:
    lines = [
        "Figure 1: Estimated training compute by open and closed model, log scale.",
        "Tomas Ekberg writes about machine learning evaluation and open models.",
        "In this post, we look at where open models get their training signal.",
        "Code and checkpoints will be released upon publication of the open model.",
        "Like and repost if this comparison of open models was useful.",
    ]
    claim = "Open-weight models now trail closed models by 3 points on GPQA Diamond."
    res = run("\n".join([*lines, claim]) + "\n")
    texts = [c.text for c in res.claims]
    assert texts == [claim]


def test_figure_votes_follow_the_numbers() -> None:
    text = "X scores 61.0 against 60.2 for Y."
    ahead = stance_votes(text, [], None, [(9, "score", None, 61.0, "open"),
                                          (25, "score", None, 60.2, "closed")])
    far = stance_votes(text, [], None, [(9, "score", None, 51.0, "open"),
                                        (25, "score", None, 70.2, "closed")])
    assert ahead["score"] > 0 > far["score"]
    small = stance_votes("The gap is 2 points.", [], None, [(11, "gap", "pp", 2.0, None)])
    large = stance_votes("The gap is 14 points.", [], None, [(11, "gap", "pp", 14.0, None)])
    assert small["score"] > large["score"]


def test_shared_units_and_model_at_scores() -> None:
    text = ("Those gaps of 12 and 14 points on BrowseComp are larger than last year. "
            "GPT-5.6 scores 78 on the index, followed by Kimi K3 at 72. "
            "Most labs I know have 30 or 40 researchers, and 1999 was long ago.")
    figs = run(text).figures
    by_value = {f.value: f for f in figs}
    assert by_value[12.0].unit == "pp" and by_value[14.0].unit == "pp"
    assert by_value[72.0].model == "kimi-k3" and by_value[78.0].model == "gpt-5.6"
    assert 1999.0 not in by_value
