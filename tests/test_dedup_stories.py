"""Syndicated pairs written for tuning the near-duplicate threshold, and the tuning check.

One wire story (ORIGINAL) re-published three ways, a different article on the same
topic, an edited version of the story, and a newsletter citing a report. Other
test_dedup_* modules import these texts.
"""

from __future__ import annotations

import pytest

from extractors import dedup
from models.config import Settings

P1 = ("Open-weight models have narrowed the distance to the closed frontier again this "
      "quarter, according to benchmark results gathered by our reporters from public "
      "leaderboards and vendor release notes published over the last six weeks.")
P2 = ("Kimi K2.5 scores 76.8% on SWE-bench Verified, within two points of Claude Opus 4.5, "
      "which leads the closed models on that coding benchmark at 78.4%.")
P3 = ("On GPQA Diamond the picture is less even: DeepSeek V3.2 reaches 79.9% while GPT-5 "
      "holds 87.3%, a gap of more than seven points that has barely moved since spring.")
P4 = ("Engineers at several companies told us that the cheaper inference of open models "
      "matters more to them than a few points on a leaderboard, and that they now route "
      "most routine coding requests to self-hosted deployments.")
P5 = ("Analysts caution that public benchmarks are saturating and that contamination makes "
      "small differences hard to read, so the remaining gap may be larger on private "
      "evaluations that vendors do not publish.")
P6 = ("The next round of releases is expected before the end of the year, and several labs "
      "have said that their open checkpoints will follow their closed flagships within "
      "a few months rather than a year.")
P_EXTRA = ("A spokesperson for one open-model lab said its next release would focus on "
           "long-context reliability rather than headline benchmark scores, and declined "
           "to give a date.")

ORIGINAL = "\n\n".join([P1, P2, P3, P4, P5, P6])

# 1. New headline in the text, site boilerplate around it, the last paragraph cut.
SYNDICATED_CUT = "\n\n".join([
    "Open models close in on the frontier, benchmarks show",
    "By Wire Staff | Technology | 4 min read",
    P1, P2, P3, P4, P5,
    "Sign up for our daily briefing to get the latest technology news in your inbox.",
    "Copyright 2026 Example Media Group. All rights reserved.",
])
# 2. Different boilerplate, a paragraph added in the middle.
SYNDICATED_ADDED = "\n\n".join([
    "Tech Daily | The gap between open and closed AI keeps shrinking",
    P1, P2, P3, P_EXTRA, P4, P5, P6,
    "Related: How to run open models on your own hardware. Share this article.",
])
# 3. Light copy-editing: a sentence reworded, British spelling, boilerplate.
SYNDICATED_EDITED = "\n\n".join([
    "World Tech Wire",
    P1.replace("this quarter", "over the past quarter"),
    P2, P3,
    P4.replace("told us", "told the agency"),
    P5.replace("saturating", "becoming saturated"),
    P6,
    "This story was syndicated from a wire service.",
])

# The same topic and models, written independently: not a copy.
SAME_TOPIC = "\n\n".join([
    "Are open models catching up? We ran our own comparison over the weekend.",
    ("Our small test suite put Kimi K2.5 close to Claude Opus 4.5 on coding tasks, but the "
     "difference grew once tasks spanned several files and needed tools."),
    ("For science questions GPT-5 remained clearly ahead of DeepSeek V3.2 in our runs, which "
     "matches what public leaderboards have shown for months."),
    ("Price is where open weights shine: serving a comparable model ourselves cost a fraction "
     "of the API bill, although it took a week of engineering to get right."),
    ("We will repeat the comparison when the next generation of models arrives and publish "
     "the prompts so that readers can check our numbers."),
])

# The story after an edit: the SWE-bench score corrected, a paragraph removed, one added.
P2_CORRECTED = ("Kimi K2.5 scores 77.1% on SWE-bench Verified, within two points of Claude "
                "Opus 4.5, which leads the closed models on that coding benchmark at 78.4%.")
EDITED = "\n\n".join([P1, P2_CORRECTED, P3, P4, P6,
                      "Correction: an earlier version of this article misstated the score."])

# Ten newsletters citing one report, each in its own words but with the report's numbers.
CITATIONS = [
    "Stanford HAI reports that the gap between open and closed models shrank to 1.7% on "
    "Chatbot Arena in 2025.",
    "According to Stanford HAI, open-weight models now trail closed ones by just 1.7% on "
    "Chatbot Arena.",
    "The performance gap between open and closed models fell to 1.7% on Chatbot Arena, "
    "Stanford HAI reports.",
]
NEWSLETTER = "\n\n".join([
    "This week in open models: what the new AI Index says.",
    CITATIONS[1],
    "We also looked at licences: most new open releases now allow commercial use.",
])


def pairs() -> list[tuple[str, str, bool]]:
    """(name, text, is a copy of ORIGINAL)."""
    return [("cut", SYNDICATED_CUT, True), ("added", SYNDICATED_ADDED, True),
            ("edited", SYNDICATED_EDITED, True), ("same-topic", SAME_TOPIC, False),
            ("newsletter", NEWSLETTER, False)]


def _sim(a: str, b: str) -> float:
    sa, sb = dedup.signature(a), dedup.signature(b)
    assert sa is not None and sb is not None
    return dedup.jaccard(sa.minhash, sb.minhash)


def _true_jaccard(a: str, b: str) -> float:
    x, y = dedup.shingles(a), dedup.shingles(b)
    return len(x & y) / len(x | y)


@pytest.mark.parametrize(("name", "text", "copy"), pairs())
def test_default_threshold_separates_copies_from_same_topic(name: str, text: str,
                                                            copy: bool) -> None:
    threshold = Settings().near_duplicate_threshold
    sim = _sim(ORIGINAL, text)
    assert abs(sim - _true_jaccard(ORIGINAL, text)) < 0.12  # the MinHash estimate is close
    assert (sim >= threshold) is copy, (name, sim, threshold)
    if copy:  # the copies clear the threshold with a margin; the non-copies are far below
        assert sim >= threshold + 0.05
    else:
        assert sim < 0.1


def test_copies_are_lsh_candidates_and_others_are_not() -> None:
    orig = dedup.signature(ORIGINAL)
    assert orig is not None
    for name, text, copy in pairs():
        sig = dedup.signature(text)
        assert sig is not None
        shared = set(orig.bands) & set(sig.bands)
        assert bool(shared) is copy, name


def test_normalisation_ignores_case_punctuation_and_number_format() -> None:
    a = dedup.claim_key("Kimi K2.5 scores 76.80% on SWE-bench Verified!")
    b = dedup.claim_key("kimi k2.5 scores 76.8 % on SWE‑bench  Verified")
    assert a.exact == b.exact and a.numbers == b.numbers == "2.5|76.8"
    c = dedup.claim_key("On SWE-bench Verified, Kimi K2.5 scores 76.8%.")
    assert c.exact != a.exact and c.bag == a.bag  # reordered: same content words
    assert dedup.claim_key("It costs 1,000 dollars").numbers == "1000"
    assert dedup.shingles("too short") == {b"too short"}
    assert dedup.signature("") is None


def test_origin_is_the_cited_organization_not_a_person() -> None:
    assert dedup.origin_of(CITATIONS[0], "Stanford HAI") == "Stanford HAI"
    assert dedup.origin_of("Stanford HAI's AI Index found the gap narrowed to 1.7 points.",
                           "AI Index") == "Stanford HAI"
    assert dedup.origin_of("According to Epoch AI, open models lag by three months.",
                           "Epoch AI") == "Epoch AI"
    assert dedup.origin_of("The Frontier Gap Report finds open models 4 months behind.",
                           "The Frontier Gap Report") == "The Frontier Gap Report"
    assert dedup.origin_of("Jane Smith said open models are close.", "Jane Smith") is None
    assert dedup.origin_of("Open models are close.", None) is None
