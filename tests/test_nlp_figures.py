"""Figures: kinds, units, ranges, ties; years, dates, citations excluded; table cells."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extractors.nlp import Extractor
from models.records import Figure

FIXTURE = Path(__file__).parent / "nlp_registry_fixture"


@cache
def extractor() -> Extractor:
    return Extractor(registry_dir=FIXTURE)


def figures(text: str) -> list[Figure]:
    figs = list(extractor().extract(text).figures)
    for f in figs:
        assert text[f.start:f.end].startswith(f"{f.value:g}".split(".")[0][:1])
        assert f.sentence in text
        assert f.start >= text.index(f.sentence)
    return figs


def one(text: str) -> Figure:
    figs = figures(text)
    assert len(figs) == 1, figs
    return figs[0]


@pytest.mark.parametrize(("text", "value", "high", "unit", "kind"), [
    ("Leading open models trailed by ~7.7–14.6 percentage points on long video.",
     7.7, 14.6, "pp", "gap"),
    ("The benchmark showed a 22.6% closed advantage on temporal localization.",
     22.6, None, "%", "gap"),
    ("Open models sit about 6 months behind the frontier.", 6.0, None, "months", "lag"),
    ("Chinese models now account for 41% of Hugging Face downloads.", 41.0, None, "%", "share"),
    ("The release has 744B parameters under an MIT license.", 744.0, None, "B", "size"),
    ("Training got a verified 100x cost reduction.", 100.0, None, "x", "cost"),
    ("Open models run at 4-10x lower cost for routine work.", 4.0, 10.0, "x", "cost"),
    ("The lag held at a persistent 6-9 month lag.", 6.0, 9.0, "months", "lag"),
    ("SWE-bench gaps of ~7–8 points persisted.", 7.0, 8.0, "pp", "gap"),
    ("Its Arena Elo score of 1450 ranks well.", 1450.0, None, "elo", "elo"),
    ("The composite averages ~10 sub-evals over time.", 10.0, None, None, "count"),
])
def test_prose_kinds_units_ranges(text: str, value: float, high: float | None,
                                  unit: str | None, kind: str) -> None:
    f = [f for f in figures(text) if f.value == value][0]
    assert (f.value, f.value_high, f.unit, f.kind) == (value, high, unit, kind)


def test_score_tied_to_model_and_benchmark() -> None:
    f = one("Open models (e.g., Kimi-K2.5 at 48.6% on VideoOdyssey-V) struggle.")
    assert (f.value, f.kind, f.model, f.benchmark) == (48.6, "score", "kimi-k2.5",
                                                        "videoodyssey-v")


def test_list_of_scores_ties_each_benchmark() -> None:
    figs = figures("Near-ceiling scores (GSM8K ~99%, MMLU ~93%, GPQA Diamond ~94%) persist.")
    assert [(f.value, f.benchmark) for f in figs] == [
        (99.0, "gsm8k"), (93.0, "mmlu"), (94.0, "gpqa-diamond")]


def test_gap_tied_to_model_in_clause() -> None:
    f = one("On VideoOdyssey, leading open-source trailed Gemini-3.1-Pro by ~7.7–14.6 "
            "percentage points.")
    assert f.model == "gemini-3.1-pro" and f.benchmark == "videoodyssey"


def test_unit_inherited_in_from_to() -> None:
    figs = figures("The capability gap is shrinking from 18 months to roughly 6.")
    assert [(f.value, f.unit) for f in figs] == [(18.0, "months"), (6.0, "months")]


@pytest.mark.parametrize("text", [
    "In 2026 the field moved; by 2027 momentum may shift.[12]",
    "Nathan Lambert's February 17, 2026 analysis argues the lag holds.[1][1]",
    "Investigate: (1) benchmark gaming, (2) long context and (3) cost.",
    "GPT-4o and Qwen3.5 and GSM8K are names, not figures.",
    "Workshops (e.g., HEAL@CHI'26) discussed judge bias in mid-2026.",
])
def test_not_figures(text: str) -> None:
    assert figures(text) == []


def test_forecast_probabilities_are_not_figures() -> None:
    text = ("TexTak places the probability that an open model matches closed frontier "
            "performance at 69%. Our 69% reflects three trends. What would move us below 60%?")
    assert figures(text) == []


PIPE_TABLE = (
    "Scores below.\n"
    "Model | MMLU | GPQA Diamond\n"
    "GPT-4o | 88.7 | 53.6%\n"
    "Llama 4 | 85.5 | n/a\n"
)
MD_TRANSPOSED = (
    "| Benchmark | GPT-4o | Kimi K2.5 |\n"
    "|---|---:|---:|\n"
    "| SWE-bench Verified | 33.2 | 76.8 |\n"
)


def test_table_models_in_rows() -> None:
    figs = figures(PIPE_TABLE)
    got = [(f.value, f.unit, f.model, f.benchmark) for f in figs]
    assert got == [(88.7, None, "gpt-4o", "mmlu"), (53.6, "%", "gpt-4o", "gpqa-diamond"),
                   (85.5, None, "llama-4", "mmlu")]
    assert all(f.kind == "score" for f in figs)
    for f in figs:
        assert PIPE_TABLE[f.start:f.end] == f"{f.value:g}"


def test_markdown_table_transposed() -> None:
    figs = figures(MD_TRANSPOSED)
    got = [(f.value, f.model, f.benchmark) for f in figs]
    assert got == [(33.2, "gpt-4o", "swe-bench-verified"),
                   (76.8, "kimi-k2.5", "swe-bench-verified")]
    assert figs[0].sentence == "| SWE-bench Verified | 33.2 | 76.8 |"


def test_table_label_column_not_first_and_header_benchmark() -> None:
    text = ("| Rank | Model | Arena Elo |\n|---|---|---|\n| 1 | Gemini 3.1 Pro | 1489 |\n"
            "| 2 | GPT-4o | 1482 |\n")
    got = [(f.value, f.kind, f.model, f.benchmark) for f in figures(text)]
    assert got == [(1.0, "rank", "gemini-3.1-pro", "lmarena"),
                   (1489.0, "elo", "gemini-3.1-pro", "lmarena"),
                   (2.0, "rank", "gpt-4o", "lmarena"), (1482.0, "elo", "gpt-4o", "lmarena")]


def test_gap_ties_to_the_subject_model() -> None:
    figs = figures("On MMLU, Llama 4 scores 85.5%, 2.7 points behind GPT-4o.")
    assert [(f.value, f.kind, f.model) for f in figs] == [(85.5, "score", "llama-4"),
                                                         (2.7, "gap", "llama-4")]


def test_elo_points_ranks_and_sizes_in_names() -> None:
    figs = figures("Kimi K2.5 scored an Arena Elo of 1468, 21 points behind GPT-4o at 1489.")
    assert [(f.value, f.unit, f.kind) for f in figs] == [
        (1468.0, "elo", "elo"), (21.0, "elo", "gap"), (1489.0, "elo", "elo")]
    figs = figures("Llama 4 and GPT-4o were the only US models, at ranks 9 and 13.")
    assert [(f.value, f.kind, f.model) for f in figs] == [(9.0, "rank", "llama-4"),
                                                         (13.0, "rank", "gpt-4o")]
    f = one("Zephyr-140B, the lab's newest release, is due in December.")
    assert (f.value, f.unit, f.kind, f.model) == (140.0, "B", "size", "zephyr-140b")


@pytest.mark.parametrize("text", [
    "Posted by u/tensor_gardener - 412 points - 187 comments",
    "Moonshot raised $1.8 billion in a round that values it at about $19 billion.",
    "Officials said the rule takes effect in 45 days.",
    "Open Weights Weekly #87: five things that mattered",
])
def test_social_money_and_numbering_are_not_figures(text: str) -> None:
    assert figures(text) == []


def test_table_introduced_by_a_sentence_takes_its_benchmark() -> None:
    text = ("We reran the long-video suite at four lengths. Below are the VideoOdyssey "
            "numbers.\n\n| Model | 1 min | 10 min |\n|---|---|---|\n"
            "| Kimi-K2.5 | 61.2 | 48.6 |\n| Gemini 3.1 Pro | 66.0 | 57.3 |\n")
    got = {(f.value, f.model, f.benchmark) for f in figures(text)}
    assert (48.6, "kimi-k2.5", "videoodyssey") in got
    assert (57.3, "gemini-3.1-pro", "videoodyssey") in got


def test_table_row_with_model_cells_ties_each_score_to_its_model() -> None:
    text = ("| Benchmark | Best open | Score | Best closed | Score |\n|---|---|---|---|---|\n"
            "| GPQA Diamond | Kimi-K2.5 | 84.1 | Gemini 3.1 Pro | 88.9 |\n"
            "| HLE | GLM-5.2 | 31.0 | Claude Mythos | 44.5 |\n")
    got = {(f.value, f.model, f.benchmark) for f in figures(text)}
    assert got == {(84.1, "kimi-k2.5", "gpqa-diamond"), (88.9, "gemini-3.1-pro", "gpqa-diamond"),
                   (31.0, "glm-5.2", "hle"), (44.5, "claude-mythos", "hle")}


def test_a_market_questions_threshold_is_not_a_figure() -> None:
    text = ('"Will an open-weight model score 75% or higher on SWE-bench Verified by June?" '
            "Kimi-K2.5 scores 71.3% on SWE-bench Verified today.")
    assert [f.value for f in figures(text)] == [71.3]


def test_table_cell_naming_a_model_with_its_score_and_an_untied_gap_column() -> None:
    text = ("| Benchmark | Best open (score) | Best closed (score) | Gap |\n|---|---|---|---|\n"
            "| GPQA Diamond | Kimi-K2.5 (84.1) | Gemini 3.1 Pro (88.9) | 4.8 |\n"
            "| HLE | GLM-5.2 (31.0) | Claude Mythos (44.5) | 13.5 |\n")
    got = {(f.value, f.kind, f.model, f.benchmark) for f in figures(text)}
    assert got == {(84.1, "score", "kimi-k2.5", "gpqa-diamond"),
                   (88.9, "score", "gemini-3.1-pro", "gpqa-diamond"),
                   (4.8, "gap", None, "gpqa-diamond"),
                   (31.0, "score", "glm-5.2", "hle"), (44.5, "score", "claude-mythos", "hle"),
                   (13.5, "gap", None, "hle")}


def test_spelled_gaps_named_by_their_noun() -> None:
    got = {(f.value, f.unit, f.kind) for f in extractor().extract(
        "A three-point gap on GPQA Diamond rarely survives contact with production for "
        "Kimi-K2.5.").figures}
    assert got == {(3.0, "pp", "gap")}
    got = {(f.value, f.unit) for f in extractor().extract(
        '"Fourteen points on computer use is not a rounding error," she said of the gap '
        "between Kimi-K2.5 and GPT-4o.").figures}
    assert got == {(14.0, "pp")}  # "fourteen", not the "four" inside it
    assert extractor().extract("The survey's margin of error was about four percentage "
                               "points, and Kimi-K2.5 led the open models.").figures == ()


def test_per_cent_written_apart_is_a_percent() -> None:
    """British and wire copy write "per cent": the same figure as "%" or "percent"."""
    got = [(f.value, f.unit) for f in figures(
        "On GPQA Diamond the best closed model solved 38 per cent of the hard items and "
        "Kimi-K2.5 solved 31 per cent.")]
    assert got == [(38.0, "%"), (31.0, "%")]
    assert one("Kimi-K2.5 trails GPT-4o by 4.5 per cent points on GPQA.").unit == "pp"


def test_trillions_of_parameters_are_kept_in_billions() -> None:
    """GOLD_FORMAT keeps parameter counts in billions, so sizes sort and compare."""
    f = one("Kimi-K2.5 has roughly 1.2 trillion parameters.")
    assert (f.value, f.unit, f.kind) == (1200.0, "B", "size")
    got = {(f.model, f.value, f.unit) for f in extractor().extract(
        "| Model | Params |\n|---|---|\n| Kimi-K2.5 | 1T |\n| GPT-4o | 744B |").figures}
    assert ("kimi-k2.5", 1000.0, "B") in got


def test_spelled_points_that_separate_two_models_or_sit_within_reach() -> None:
    got = {(f.value, f.unit, f.kind) for f in extractor().extract(
        "Five points separate GPT-4o and Kimi-K2.5 on GPQA Diamond.").figures}
    assert got == {(5.0, "pp", "gap")}
    got = {(f.value, f.unit) for f in extractor().extract(
        "On GPQA, Kimi-K2.5 was within two points of GPT-4o.").figures}
    assert got == {(2.0, "pp")}
    assert extractor().extract("The two labs were separated by an ocean and three time "
                               "zones when Kimi-K2.5 shipped.").figures == ()


def test_table_cell_with_its_model_or_a_note_in_brackets_after_the_score() -> None:
    text = ("| Benchmark | Best closed | Best open | Gap |\n|---|---|---|---|\n"
            "| GPQA Diamond | 84.1 (GPT-4o) | 81.7 (Kimi-K2.5) | 2.4 |\n")
    got = {(f.value, f.kind, f.model, f.benchmark) for f in extractor().extract(text).figures}
    assert got == {(84.1, "score", "gpt-4o", "gpqa-diamond"),
                   (81.7, "score", "kimi-k2.5", "gpqa-diamond"),
                   (2.4, "gap", None, "gpqa-diamond")}
    text = ("| Model | GPQA Diamond |\n|---|---|\n| Kimi-K2.5 | 64.5% (vendor harness) |\n"
            "| GPT-4o | 70.0% |\n")
    got = {(f.value, f.model) for f in extractor().extract(text).figures}
    assert got == {(64.5, "kimi-k2.5"), (70.0, "gpt-4o")}


def test_days_of_a_month_and_timestamps_are_not_figures() -> None:
    got = [(f.value, f.unit) for f in figures(
        "PARIS, Dec. 2, 2026 -- Lumen said Kimi K2.5 scores 68.4% on GPQA Diamond.")]
    assert got == [(68.4, "%")]
    assert figures("24:05 RL environments are the new moat\n36:40 Chips and export rules") == []
    # "May" is a verb too, so a number after it stays a candidate
    assert [f.value for f in figures("In May 40% of Kimi K2.5 runs beat GPT-4o on MMLU.")
            ] == [40.0]


def test_a_cell_naming_its_model_before_the_score_and_signed_or_bold_cells() -> None:
    text = ("| Area | Benchmark | Best closed | Best open | Delta |\n|---|---|---|---|---|\n"
            "| Reasoning | GPQA Diamond | Gemini 3.1 Pro 84.1% | Kimi-K2.5, 81.7 | -2.4 |\n"
            "| Coding | SWE-bench Verified | GPT-4o: 71.0 | **GLM-5.2 69.5** | −1.5 |\n")
    got = {(f.value, f.kind, f.model, f.benchmark) for f in extractor().extract(text).figures}
    assert got == {(84.1, "score", "gemini-3.1-pro", "gpqa-diamond"),
                   (81.7, "score", "kimi-k2.5", "gpqa-diamond"),
                   (-2.4, "gap", None, "gpqa-diamond"),
                   (71.0, "score", "gpt-4o", "swe-bench-verified"),
                   (69.5, "score", "glm-5.2", "swe-bench-verified"),
                   (-1.5, "gap", None, "swe-bench-verified")}
    # a signed cell beside a forecast's probability is the forecast's change, not a figure
    text = ("| # | Question | Our probability | Change |\n|---|---|---|---|\n"
            "| 1 | Will an open model top GPQA Diamond by June 2027? | 35% | +5% |\n")
    assert [f.value for f in extractor().extract(text).figures] == []


def test_a_model_name_ending_in_a_number_does_not_make_a_range_with_its_score() -> None:
    got = [(f.value, f.value_high, f.model) for f in figures(
        "Top of the board on MMLU this week:\n\n- Gemini 3.1 Pro — 83.1%\n- GLM-5.2 — 80.2%\n")]
    assert got == [(83.1, None, "gemini-3.1-pro"), (80.2, None, "glm-5.2")]


def test_a_change_from_one_value_to_another_is_two_figures_and_a_span_is_a_range() -> None:
    got = [(f.value, f.value_high, f.unit, f.model) for f in figures(
        "Kimi-K2.5 went from 68 to 77 on GPQA Diamond in nine months, and the median gap "
        "widened from 5.1 to 7.9 points.")]
    assert got == [(68.0, None, None, "kimi-k2.5"), (77.0, None, None, "kimi-k2.5"),
                   (5.1, None, "pp", "kimi-k2.5"), (7.9, None, "pp", "kimi-k2.5")]
    got = [(f.value, f.value_high, f.unit) for f in figures(
        "Published estimates of the lag vary widely, from about 3 to 9 months.")]
    assert got == [(3.0, 9.0, "months")]


def test_a_bare_score_stated_for_a_model_in_a_benchmark_sentence() -> None:
    got = {(f.value, f.model, f.benchmark) for f in figures(
        "Kimi-K2.5 sits at 69 on GPQA Diamond, against 73 for GPT-4o.")}
    assert got == {(69.0, "kimi-k2.5", "gpqa-diamond"), (73.0, "gpt-4o", "gpqa-diamond")}
    got = {(f.value, f.model) for f in figures("On GPQA Diamond, GPT-4o leads at 74.")}
    assert got == {(74.0, "gpt-4o")}
    # no benchmark in the sentence: a bare number after "at" is not a score
    assert figures("GPT-4o arrived at 9 in the morning.") == []


def test_a_table_row_names_its_benchmark_outside_the_label_column_and_past_columns() -> None:
    text = ("| Capability (benchmark) | Median lag, months | A year ago | Latest open model |\n"
            "|---|---|---|---|\n| Reasoning (GPQA Diamond) | 4.0 | 6.2 | Kimi-K2.5 |\n"
            "| Coding (SWE-bench Verified) | 3.1 | 7.4 | GLM-5.2 |\n")
    got = {(f.value, f.unit, f.kind, f.benchmark) for f in extractor().extract(text).figures}
    assert got == {(4.0, "months", "lag", "gpqa-diamond"), (6.2, "months", "lag", "gpqa-diamond"),
                   (3.1, "months", "lag", "swe-bench-verified"),
                   (7.4, "months", "lag", "swe-bench-verified")}


def test_prices_written_with_cents_are_costs_without_a_cost_word() -> None:
    got = [(f.value, f.unit, f.kind, f.model) for f in figures(
        "Per million tokens, input and output:\n\n- GPT-4o: $4.00 / $16.00\n")]
    assert got == [(4.0, "$", "cost", "gpt-4o"), (16.0, "$", "cost", "gpt-4o")]
    # a round amount without a cost word is not one ("$40 of credits were left")
    assert figures("Kimi-K2.5 users were left with $40 of credits.") == []


def test_a_plain_text_table_aligned_with_spaces() -> None:
    text = ("Best scores per benchmark, December sheet.\n\n"
            "benchmark           best_closed      score  best_open    score  gap_pp\n"
            "GPQA Diamond        GPT-4o            89.4  Kimi-K2.5     85.0     4.4\n"
            "SWE-bench Verified  Gemini 3.1 Pro    79.5  GLM-5.2       76.0     3.5\n"
            "MMLU                GPT-4o            91.2  Qwen3.5       90.1     1.1\n\n"
            "The gaps are small.\n")
    got = {(f.value, f.kind, f.model, f.benchmark) for f in extractor().extract(text).figures}
    assert {(89.4, "score", "gpt-4o", "gpqa-diamond"), (85.0, "score", "kimi-k2.5", "gpqa-diamond"),
            (76.0, "score", "glm-5.2", "swe-bench-verified"),
            (90.1, "score", "qwen3.5", "mmlu")} <= got
    assert {(v, k) for v, k, _, _ in got if v in (4.4, 3.5, 1.1)} == {
        (4.4, "gap"), (3.5, "gap"), (1.1, "gap")}
    # two lines with double spaces are no table
    assert [f.value for f in figures("Kimi-K2.5  scored  well.\nGPT-4o  did  too.\n")] == []


def test_an_html_table_with_thead_and_tbody_lines_is_one_table() -> None:
    text = ("<table>\n<thead>\n<tr><th>Rank</th><th>Model</th><th>Arena Elo</th></tr>\n"
            "</thead>\n<tbody>\n<tr><td>1</td><td>GPT-4o</td><td>1491</td></tr>\n"
            "<tr><td>2</td><td>Kimi-K2.5</td><td>1468</td></tr>\n</tbody>\n</table>\n")
    got = {(f.value, f.kind, f.model) for f in extractor().extract(text).figures}
    assert got == {(1.0, "rank", "gpt-4o"), (1491.0, "elo", "gpt-4o"),
                   (2.0, "rank", "kimi-k2.5"), (1468.0, "elo", "kimi-k2.5")}
