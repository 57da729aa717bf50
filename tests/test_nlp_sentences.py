"""Sentence segmentation on web text: offsets exact, bullets, headings, citations."""

from __future__ import annotations

from extractors.nlp.sentences import HEADING, SENTENCE, TABLE_ROW, split_sentences

TEXT = (
    "Open Models Close In\n"
    "The gap narrowed to 3.3% in 2024, e.g. on MMLU vs. GPQA.[1][2] Analysts in the U.S. "
    "disagree.\n"
    "- Closed models lead on video.[3]\n"
    "• Open models trail by ~6 months... Some disagree.\n"
    "1. Benchmark Gaming and Overfitting Concerns\n"
    "2. Open labs cite approx. 10 sub-evals. Dr. Smith agrees.\n"
    "Is the gap closing?\n"
)


def _texts(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start:s.end]) for s in split_sentences(text)]


def test_offsets_are_exact_and_trimmed() -> None:
    for s in split_sentences(TEXT):
        piece = TEXT[s.start:s.end]
        assert piece == piece.strip() and piece


def test_heading_bullets_citations_abbreviations() -> None:
    got = _texts(TEXT)
    assert got[0] == (HEADING, "Open Models Close In")
    assert got[1] == (SENTENCE, "The gap narrowed to 3.3% in 2024, e.g. on MMLU vs. GPQA.[1][2]")
    assert got[2] == (SENTENCE, "Analysts in the U.S. disagree.")
    assert got[3] == (SENTENCE, "Closed models lead on video.[3]")
    assert got[4] == (SENTENCE, "Open models trail by ~6 months...")
    assert got[5] == (SENTENCE, "Some disagree.")
    assert got[6] == (HEADING, "Benchmark Gaming and Overfitting Concerns")
    assert got[7] == (SENTENCE, "Open labs cite approx. 10 sub-evals.")
    assert got[8] == (SENTENCE, "Dr. Smith agrees.")
    assert got[9] == (SENTENCE, "Is the gap closing?")


def test_bullet_flag_and_lines() -> None:
    sents = split_sentences(TEXT)
    assert [s.bullet for s in sents[:4]] == [False, False, False, True]
    assert sents[1].line == sents[2].line == 1


def test_us_abbreviation_can_end_a_sentence() -> None:
    text = "Most labs are in the U.S. The rest are in China."
    assert [t for _k, t in _texts(text)] == ["Most labs are in the U.S.",
                                             "The rest are in China."]


def test_table_rows_and_markdown_separator() -> None:
    text = "| Model | MMLU |\n|---|---|\n| GPT-4o | 88.7 |\nModel | GPQA\nGLM-5 | 80.1"
    kinds = [k for k, _t in _texts(text)]
    assert kinds == [TABLE_ROW, TABLE_ROW, TABLE_ROW, TABLE_ROW]


def test_long_line_without_final_punctuation_is_a_sentence() -> None:
    text = ("open models are now within a few points of the closed frontier on most of the "
            "benchmarks that people cite in public debates")
    assert _texts(text)[0][0] == SENTENCE


def test_chat_line_is_its_message_without_timestamp_and_handle() -> None:
    text = ("Open Weights Collective > #eval-gossip\n"
            "[10:02] hexagram: that's like 3 points off Gemini 3.1 Pro\n"
            "mira.evals: so the private set says 8 points, not 3\n"
            "b3ta_dog: fair\n"
            "- gpt-oss-120b: 41%\n"
            "Note: the numbers are preliminary\n")
    got = [(s.kind, text[s.start:s.end]) for s in split_sentences(text)]
    assert ("sentence", "that's like 3 points off Gemini 3.1 Pro") in got
    assert ("sentence", "so the private set says 8 points, not 3") in got
    assert ("heading", "fair") in got  # too short for a message to be a sentence
    assert ("heading", "gpt-oss-120b: 41%") in got  # a score list, not a handle
    assert ("heading", "Note: the numbers are preliminary") in got


def test_a_chat_answer_keeps_its_frame_for_the_forecast_rules() -> None:
    text = "[21:18] mkrz: 0.62. DeepSeek is already there\n"
    sents = split_sentences(text)
    assert text[sents[0].start:sents[0].end] == "0.62."
    assert sents[0].frame_start == 0
    assert sents[1].frame_start == sents[1].start
