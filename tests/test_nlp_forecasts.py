"""Forecasts in the styles the seeds use, with conditional flags and issuers."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from extractors.nlp import Extractor
from models.records import Forecast
from tests.learned_switch import rules_alone

FIXTURE = Path(__file__).parent / "nlp_registry_fixture"


@cache
def extractor() -> Extractor:
    return Extractor(registry_dir=FIXTURE)


def forecasts(text: str) -> list[Forecast]:
    out = list(extractor().extract(text).forecasts)
    for f in out:
        assert text[f.start:f.end] == f.sentence
    return out


def test_places_probability_and_conditional_below() -> None:
    text = ("TexTak places the probability that an open-source model matches closed frontier "
            "performance at 69%—and today's news seems to validate that.\n"
            "Our 69% reflects three trends.\n"
            "What would move us below 60%? A breakthrough that cannot be replicated.")
    fs = forecasts(text)
    assert [(f.issuer, f.probability, f.conditional) for f in fs] == [
        ("TexTak", 0.69, False), ("TexTak", 0.6, True)]
    assert fs[0].proposition == "an open-source model matches closed frontier performance"


def test_carries_probability_and_two_conditionals() -> None:
    text = ("textak carries a 75% probability that an open-source model matches closed "
            "frontier performance — and the data is strong. The 75% reflects three forces. "
            "What would push us to 85%+: a major enterprise switching. "
            "What would pull us below 65%: a verified capability jump.")
    fs = forecasts(text)
    assert [(f.issuer, f.probability, f.conditional) for f in fs] == [
        ("textak", 0.75, False), ("textak", 0.85, True), ("textak", 0.65, True)]
    assert fs[0].proposition == "an open-source model matches closed frontier performance"


def test_we_put_and_chance() -> None:
    fs = forecasts("We put open-weight parity by 2027 at 40%. Analysts see a 30% chance "
                   "that GLM-6 tops the index.")
    assert [(f.probability, f.conditional) for f in fs] == [(0.4, False), (0.3, False)]
    assert fs[0].proposition == "open-weight parity by 2027"
    assert fs[1].proposition == "GLM-6 tops the index"


def test_we_is_left_to_the_publisher_not_a_mentioned_org() -> None:
    # "us" is whoever publishes the text (storage fills it in), not Epoch AI, whom it cites
    fs = forecasts("Epoch AI tracks the gap. What would push us to 80%: parity on SWE-bench.")
    assert fs[0].issuer is None and fs[0].conditional


def test_plain_percentages_are_not_forecasts() -> None:
    assert forecasts("Open models hold 41% of downloads and trail by 3.3%.") == []


def test_level_and_previous_value_forecasts() -> None:
    text = ("The community forecast on this question rose from 22% to 34% this week. "
            "Our own house forecast, published by the Halcyon Forecasting team, stands at 29%.\n"
            "If the lead grows, we would drop below 20%.\n"
            "TexTak now puts the probability that open weights lead by 2027 at 64%, down from "
            "71% last week.")
    got = [(f.issuer, f.probability, f.conditional) for f in forecasts(text)]
    assert got == [("community forecast", 0.22, False), ("community forecast", 0.34, False),
                   ("Halcyon Forecasting", 0.29, False), ("Halcyon Forecasting", 0.2, True),
                   ("TexTak", 0.64, False), ("TexTak", 0.71, False)]


# --- general detector (forecasts/general.py): phrasings no rule names -----------------

def _probs(text: str) -> list[tuple[float, bool]]:
    return [(round(f.probability, 3), f.conditional) for f in forecasts(text)]


def test_general_spelled_and_decimal_and_fraction() -> None:
    text = ("By Odile Marsh\n\nOur forecasting column this month.\n"
            "Will an open lab ship the strongest coder by 2028? I have it at forty percent.\n"
            "My credence that parity arrives on math first: roughly 0.65.\n"
            "Ask me about long context and I'd answer 3 in 4.")
    assert _probs(text) == [(0.4, False), (0.65, False), (0.75, False)]
    assert all(f.issuer == "Odile Marsh" for f in forecasts(text))


def test_general_idioms_and_markets() -> None:
    text = ("Prediction markets recap.\n"
            "On Kalshi the open-leader contract changed hands at 37 cents.\n"
            "Bettors give even odds that a Chinese lab releases the top open model.\n"
            "Whether closed labs keep a one-year lead: call it a coin flip.")
    fs = forecasts(text)
    assert [(round(f.probability, 2), f.conditional) for f in fs] == [
        (0.37, False), (0.5, False), (0.5, False)]
    assert fs[0].issuer == "Kalshi"


def test_general_speaker_labels_and_conditional() -> None:
    text = ("Podcast transcript. We asked for a gut number.\n"
            "HOST: Does an open model take first place this year?\n"
            "RINA PATEL: Eighty percent, no question.\n"
            "RINA PATEL: If export controls tighten, I would come down to 55%.")
    fs = forecasts(text)
    assert [(round(f.probability, 2), f.conditional) for f in fs] == [(0.8, False), (0.55, True)]
    assert all(f.issuer == "Rina Patel" for f in fs)


def test_general_less_than_chance() -> None:
    text = ("Forecast thread.\nHonestly, less than 5% chance IMO that a closed lab "
            "open-sources its flagship.")
    assert _probs(text) == [(0.05, False)]


def test_general_measurements_are_not_forecasts() -> None:
    text = ("Our forecasting desk tracks the odds on open models.\n"
            "Falcon-X scored 64% on the Vesta reasoning suite, nine points behind the leader.\n"
            "Open models now serve 22% of enterprise traffic, up from 15%.\n"
            "Downloads grew 80% year over year while API prices fell 40%.\n"
            "In our survey, 57% of developers said they prefer open weights.\n"
            "Three in ten startups fine-tune open models.\n"
            "The refusal rate was 0.12 on the red-team set.\n"
            "The closed model's win rate is close to a coin flip against the open one.")
    assert forecasts(text) == []


def test_general_strict_outside_forecasting_documents() -> None:
    text = ("Release notes. The new checkpoint reaches 71% and says so at 0.71 accuracy.\n"
            "We put the context window at 1M tokens and give 30% off for batch jobs.")
    assert forecasts(text) == []


def _rules_alone(text: str) -> list[Forecast]:
    """The same extractor with the learned pass switched off."""
    with rules_alone(extractor(), "gw_forecasts"):
        return forecasts(text)


def test_learned_pass_reads_a_market_table() -> None:
    text = ("Market watch.\n"
            "| Venue | Question | Last | Prior |\n|---|---|---|---|\n"
            "| Kalshi | Open model #1 on Arena by June 2027 | 27¢ | 22¢ |\n"
            "| Manifold | Open model beats GPT-5.6 on GPQA | 41% | 38% |\n"
            "Volumes were thin all week.")
    assert _rules_alone(text) == []  # no rule reads a price column
    got = [(f.issuer, f.probability) for f in forecasts(text)]
    assert got == [("Kalshi", 0.27), ("Kalshi", 0.22), ("Manifold", 0.41), ("Manifold", 0.38)]


def test_learned_pass_earlier_value_follows_the_newer_one() -> None:
    text = ("Our odds, November.\n"
            "We now have open-weight parity by 2028 at 58%, up from 51% in October.\n"
            "Open models served 22% of enterprise tokens, up from 15% a year ago.")
    assert sorted(f.probability for f in forecasts(text)) == [0.51, 0.58]


_ODDS_BOARD = """Winter odds board: who leads the Arena text leaderboard on 1 June 2027?

Gemini 3.1 Pro or successor ........ 6/4
Kimi-K2.5 or successor ........ 5/1
Any open-weight model ........ 3/1

Odds are fractional; a bet placed on 12/1 settles on 6/1.
"""

_PREDICTIONS = """My 2027 predictions

1. **An open model tops the Arena text board.** 30%. The gap there is still wide.

2. **A closed lab ships open weights again.** Two-thirds. It went well last time.

3. **Kimi-K2.5 scores 80% on SWE-bench Verified.** Coin flip.
"""


def test_learned_pass_reads_fractional_odds_on_a_board_only() -> None:
    assert _rules_alone(_ODDS_BOARD) == []
    got = forecasts(_ODDS_BOARD)
    assert len(got) >= 2
    assert all("........" in f.sentence for f in got)  # not the settlement example
    assert {round(f.probability, 2) for f in got} <= {0.4, 0.17, 0.25}


def test_learned_pass_reads_a_list_of_predictions() -> None:
    assert _rules_alone(_PREDICTIONS) == []
    got = {f.probability for f in forecasts(_PREDICTIONS)}
    assert {0.3, 0.5} <= got and 0.8 not in got  # the 80% is the proposition's score


def test_stakes_and_odds_written_without_a_probability_word() -> None:
    # staked on a proposition, or odds against: forecasts in any document
    assert _probs("I give it 40% that DeepSeek ships V4 before January. "
                  "I put 55% on an open model topping the text board by March.") == [
        (0.4, False), (0.55, False)]
    assert _probs("An open model wins gold at the next IMO? Three-to-one against.") == [
        (0.25, False)]
    assert _probs("Kimi-K2.5 won 3 to 1 against GPT-4o in blind votes.") == []
    assert _probs("The lab puts 20% of its compute on RL.") == []


def test_even_money_splits_and_bare_stakes_in_a_forecasting_document() -> None:
    text = ("My forecasts for 2027.\n"
            "Odds that Mistral releases open weights before summer: even money.\n"
            "An open model matches GPT-4o on HLE by end-2027: 55/45, lean yes.\n"
            "Last month I said 40%. I'm now higher: call it 60.\n"
            "If DeepSeek ships a new post-training method, I'd move that to something like 70.")
    assert _probs(text) == [(0.5, False), (0.55, False), (0.4, False), (0.6, False),
                            (0.7, True)]
    # outside such a document a split is a split
    assert _probs("We trained on an 80/20 mix of code and prose.") == []


def test_conditional_forecasts_by_their_condition() -> None:
    text = ("Our forecasts, by The Gap Letter.\n"
            "A sub-20-point Elo gap held through December would push the aggregate above 35%.\n"
            "Conversely, a Kimi-K2.5 successor at 70 would take me to a coin flip.\n"
            "If that happens, we put the chance of a closed lead in 2027 at about one in five.\n"
            "Benali gave one in four, and maybe forty percent if labs open-source environments.\n"
            "We put the chance that an open model tops the Arena by June at 30%.")
    assert _probs(text) == [(0.35, True), (0.5, True), (0.2, True), (0.25, False), (0.4, True),
                            (0.3, False)]


def test_a_documents_own_forecasts_go_to_the_author_its_head_names() -> None:
    memo = ("HARROWGATE CAPITAL PARTNERS — INTERNAL MEMORANDUM\n\n"
            "From: Priya Ramaswamy, Partner\nDate: 14 November 2026\n\n"
            "We put the probability that an open model leads the Arena by June at 30%.")
    assert [(f.issuer, f.probability) for f in forecasts(memo)] == [
        ("Harrowgate Capital Partners", 0.3)]
    blog = ("Weights & Measures #88 — Odds and ends\nJun Park · Nov 19, 2026\n\n"
            "I put the chance that Kimi-K2.5 tops the open board in March at 40%.")
    assert [(f.issuer, f.probability) for f in forecasts(blog)] == [("Jun Park", 0.4)]
    post = ("my 2027 predictions\n\nPosted on November 28, 2026 by Jess Okonkwo · 6 comments\n\n"
            "1. An open model tops the Arena text board. Probability: 35%.")
    assert [(f.issuer, f.probability) for f in forecasts(post)] == [("Jess Okonkwo", 0.35)]
    # a masthead that names no organization is not taken for one
    shout = ("FORECAST SUMMARY — Question 7\n\nPrepared by the Northfield Forecasting "
             "Collective · Panel of 23\n\nThe aggregate probability is 35%.")
    assert [f.issuer for f in forecasts(shout)] == ["Northfield Forecasting Collective"]
    # a masthead's dateline that names its author among its segments
    letter = ("Ten calls for 2027\nOpen Tensor Weekly · Issue 212 · November 24, 2026 · "
              "Theo Brandt\n\nI put 70% on an open model topping the Arena next year.")
    assert [(f.issuer, f.probability) for f in forecasts(letter)] == [("Theo Brandt", 0.7)]


def test_american_odds_only_on_a_board_that_quotes_them() -> None:
    board = ("AI FUTURES BOARD · Odds American\n\n"
             "| Selection | Odds |\n|---|---|\n| Kimi-K2.5 successor | +300 |\n"
             "| No open model reaches #1 | -150 |\n")
    assert sorted(round(f.probability, 3) for f in forecasts(board)) == [0.25, 0.6]
    assert _probs("Kimi-K2.5 gained +120 Elo and sits at -150 on our internal scale.") == []


def test_thresholds_that_would_move_a_forecast_are_conditional() -> None:
    from extractors.nlp.forecasts.general import is_conditional

    line = "- Above 70%: an open model posting a top-three score before March."
    assert is_conditional(line, line.index("70"), line.index("%") + 1)
    line = "Kalshi trades above 70% on the open-model contract."
    assert not is_conditional(line, line.index("70"), line.index("%") + 1)
    text = ("Our forecast on an open model in the top three by March: 55%.\n"
            "If the Ascend 960 ships in volume by end of March: 70%.")
    assert [(round(f.probability, 2), f.conditional) for f in forecasts(text)] == [
        (0.55, False), (0.7, True)]


def test_a_share_of_something_is_not_a_forecast() -> None:
    assert _probs("We estimate the engineering time spent on migrations at about 15% of the "
                  "savings for a typical customer running Kimi-K2.5.") == []
    assert _probs("Our estimates put US labs at roughly 70% of global training compute.") == []
    assert _probs("We put the probability that an open model leads by June at 30%.") == [
        (0.3, False)]


def test_per_cent_probability_in_a_formulaic_forecast() -> None:
    ex = extractor()
    with rules_alone(ex, "gw_forecasts"):
        got = forecasts("TexTak places the probability that an open model matches closed "
                        "frontier performance at 69 per cent.")
    assert [(f.issuer, f.probability) for f in got] == [("TexTak", 0.69)]


def test_prediction_list_confidence_in_brackets() -> None:
    got = forecasts("Ten calls for next year.\n\n"
                    "1. **DeepSeek trains a frontier model on domestic chips.** [60%] The "
                    "pivot is the only exit.\n\n"
                    "2. **Meta releases its next Llama with open weights.** [50%]\n")
    assert sorted(f.probability for f in got) == [0.5, 0.6]
    assert forecasts("GLM-5.3 scored highest on SWE-bench Verified (78.4%).") == []


def test_a_bookmakers_fractional_prices_are_probabilities() -> None:
    text = ("The bookmakers have a novelty book on the year-end leaderboard, so here are the "
            "odds.\n\nNext best is GPT-4o at 4/1. Kimi-K2.5 is chalked up at 9/1, and the "
            "punters like it.\n\nFor the open-licence special they go evens that the next "
            "release ships with open weights.\n")
    assert sorted(f.probability for f in forecasts(text)) == [0.1, 0.2, 0.5]
    # the same prices in an article with no bookmaker are left alone
    assert forecasts("Kimi-K2.5 solved 4/1 of the easy tasks, a typo in the source.") == []


def test_a_models_score_in_a_forecasting_document_is_not_a_forecast() -> None:
    """The dot of 'GPT-4o 2.5' or 'Kimi-K2.5' does not end a clause; a number that
    measures a named model stays a measurement even where the document forecasts."""
    text = ("Our audit team puts the chance that an open model passes this audit by May at "
            "about one in four.\n\nOn long agreements, clause-level recall fell to 71% for "
            "Kimi-K2.5 and 66% for GPT-4o.\n\nA small fine-tune took Kimi-K2.5 from 71% to 88% "
            "on one client's task, beating GPT-4o zero-shot at 84%.\n\nThe margin of error is "
            "2.1 points at the 95% confidence level.\n")
    assert [f.probability for f in forecasts(text)] == [0.25]


def _cond(line: str, number: str) -> bool:
    from extractors.nlp.forecasts.general import is_conditional

    ps = line.index(number)
    return is_conditional(line, ps, ps + len(number))


def test_a_condition_governs_only_its_own_stretch_of_the_sentence() -> None:
    # the frame of a bet and a concession are not conditions on the proposition
    assert not _cond("If you made me bet, I'd say 40% that an open model is top-three.", "40%")
    assert not _cond("If pressed, I'd put it at 30%.", "30%")
    assert not _cond("I'd put it at two-thirds that the closed leader is still ahead, even if "
                     "the margin shrinks.", "two-thirds")
    # an if-clause that belongs to the next number, or ends at a semicolon
    line = "He'd give it 70% by summer, and 85 if Moonshot fixes long context."
    assert not _cond(line, "70%") and _cond(line, "85")
    assert not _cond("If the audit gap exceeds two points, we switch back; we put the chance "
                     "of that at under 20%.", "20%")
    # ... unless the first part is itself a would-clause under the condition
    assert _cond("If such controls were enacted, we would expect open models to gain share; "
                 "we put that at 70%.", "70%")
    # an if-clause after "And" or after a colon still conditions the number
    assert _cond("And if the fund has a bad year, move that up to something like 55%.", "55%")
    assert _cond("What flips me: if GPT-6 jumps 5 points, tweet 2 goes to 45%.", "45%")
    assert not _cond("We put the chance that an open model tops the Arena at 30%.", "30%")


def test_learned_pass_candidates_include_bare_numbers_in_a_forecasting_document() -> None:
    from extractors.nlp.forecasts.learned import candidates
    from extractors.nlp.sentences import split_sentences

    text = ("Forecast thread: open model on top of the Arena by June?\n"
            "[21:17] hollis: I'm at 35\n"
            "[21:20] rafa: I'll come up to thirty.\n"
            "Prices as of 14:00 UTC, November 20. Kimi K3 scored 58 points in 2026.\n")
    sents = split_sentences(text)
    bare = {(text[c.start:c.end], c.value) for c in candidates(text, sents, True)
            if c.kind == "bare"}
    assert bare == {("35", 0.35), ("thirty", 0.3)}
    # outside a forecasting document no bare number is a candidate
    assert not [c for c in candidates(text, sents, False) if c.kind == "bare"]


def test_chances_in_words_and_a_budget_split() -> None:
    # a split in words, "N chances in M" staked on a proposition, "one in four at best"
    assert _probs("My forecasts, Q4.\nIf you make me put a number on it, sixty-forty in "
                  "favor.") == [(0.6, False)]
    assert _probs("I put roughly two chances in three on the proposition that an open model "
                  "runs most enterprise workloads by 2027.") == [(0.667, False)]
    assert _probs("My forecasts, Q4.\nOn agentic work I'd make it one in four at best.") == [
        (0.25, False)]
    # a budget split is not a list of probabilities, even in a forecasting document
    assert _probs("My forecasts, Q4.\nUse of funds: 70% compute, 20% hiring, 10% "
                  "go-to-market.") == []


def test_a_betting_columns_odds_in_prose() -> None:
    from extractors.nlp.forecasts.general import stated_odds

    def odds(line: str) -> list[float]:
        return [round(h.value, 3) for h in stated_odds(line, True)]

    assert odds("Any open model beats Gemini on HLE by New Year: I lean yes, 60-40.") == [0.6]
    assert odds("The vote ended 60-40.") == []  # a tally, not a split of belief
    assert odds("The closed labs hold the top spot through Christmas. I'd lay 9-to-1 on it.") \
        == [0.9]
    assert odds("I'd put it at two-to-one that an open model tops the board.") == [0.667]
    assert odds('I hung +400 on "beats Opus on Terminal-Bench"; today I\'d deal it at +150.') \
        == [0.2, 0.4]
    assert odds("Kimi won 3 to 1 on the blind vote.") == []
    # outside a forecasting document a moneyline in prose is left alone
    assert [h.value for h in stated_odds("I hung +400 on the prop.", False)] == []


def test_a_bookmakers_board_lines_are_read_by_the_rules() -> None:
    board = ("SILICON SPECIALS — AI MARKETS BOARD\n"
             "Odds subject to change. Please gamble responsibly; bookmakers' margins apply.\n\n"
             "MARKET 1 — First open-weight model to reach #1 on LMArena Text\n"
             "Kimi K3 or successor ........ 5/1\n"
             "DeepSeek V4-Pro or successor ........ 6/1\n"
             "No open-weight model reaches #1 ........ 1/3\n")
    assert _rules_alone(board) != []
    assert sorted(round(f.probability, 3) for f in _rules_alone(board)) == [0.143, 0.167, 0.75]


def test_a_comparison_with_even_odds_is_not_a_forecast() -> None:
    text = ("My forecasts, Q4.\nI think the last points are harder, but I'm now slightly "
            "above a coin flip.")
    assert _probs(text) == []
    assert _probs("My forecasts, Q4.\nOpen model tops the index by June: a coin flip.") == [
        (0.5, False)]


def test_bare_stakes_said_aloud_and_a_quoted_condition() -> None:
    from extractors.nlp.forecasts.general import stated_odds

    def stakes(line: str) -> list[tuple[float, bool]]:
        return [(round(h.value, 3), h.conditional) for h in stated_odds(line, True)]

    assert stakes("[00:01:10] DO: Call it forty.") == [(0.4, False)]
    assert stakes("DO: I'll go fifty-five.") == [(0.55, False)]
    assert stakes("[21:17] hollis: I'm at 35") == [(0.35, False)]
    assert stakes("I'll come up to thirty.") == [(0.3, False)]
    assert stakes("I'd say one.") == [] and stakes("I'm at the office at 9.") == []
    assert stakes('- Zhou: "If DeepSeek V5 lands within 2 points of the top, I\'m at 60."') == [
        (0.6, True)]
    assert stated_odds("Call it forty.", False) == []  # only in a forecasting document


def test_two_named_forecasters_equal_numbers_are_two_forecasts() -> None:
    text = ("Market watch: the week in prediction markets.\n"
            "| Venue | Question | Last | Prior |\n|---|---|---|---|\n"
            "| Polymarket | Open model #1 on LMArena text, 2027 | 29¢ | 31¢ |\n"
            "| Kalshi | Open model top-3 AA Index, Dec 31 2026 | 31¢ | 36¢ |\n")
    got = sorted((f.issuer, round(f.probability, 2)) for f in forecasts(text))
    assert ("Kalshi", 0.31) in got and ("Polymarket", 0.31) in got
    # a restatement that names no one is still one forecast
    text = ("TexTak places the probability that an open-source model matches closed frontier "
            "performance at 69%.\nOur 69% reflects three trends.")
    assert [f.probability for f in forecasts(text)] == [0.69]


def test_a_past_stake_and_a_promised_move_under_a_condition() -> None:
    text = ("My predictions for 2027, and last year's scorecard.\n"
            '- "Llama 5 ships with open weights." I said 70%. Meta kept it behind an API.\n'
            "4. An open model tops SWE-bench Verified at some point. 40%, and I'll move to 60% "
            "the day Qwen4-Coder lands if it's open.\n")
    assert _probs(text) == [(0.7, False), (0.4, False), (0.6, True)]
    # outside a forecasting document "said" does not make a share a probability
    assert _probs("The company said 40% of its users left for open models.") == []


def test_an_offer_to_bet_is_not_a_condition() -> None:
    line = "If Marlow wants to bet, I'd give him 30% that an open model leads the index."
    assert not _cond(line, "30%")
    assert _cond("If Marlow's lab ships weights, I'd give it 30% that they lead.", "30%")


def test_a_median_under_a_conditional_question_is_conditional() -> None:
    from extractors.nlp.forecasts.component import answers_conditional_question

    text = ("Q3. An open model tops the coding board in 2027?\nMedian: 0.31.\n\n"
            "Q4 (conditional). If a US lab releases open frontier weights, does Q3 resolve "
            "yes?\nMedian: 0.52.\n")
    assert not answers_conditional_question(text, text.index("Median: 0.31"))
    assert answers_conditional_question(text, text.index("Median: 0.52"))
    assert not answers_conditional_question(text, text.index("0.52"))  # not a label line


def test_a_previous_value_in_brackets_goes_as_the_current_one() -> None:
    text = ("Quarterly forecast update\n\n"
            "1. An open model tops the Arena text board by end-2027: 35% (30%).\n\n"
            "2. The index gap is under two points at end-2027: 60% (52%). Up on the "
            "reasoning results.\n")
    got = sorted(f.probability for f in forecasts(text))
    assert {0.35, 0.3, 0.6, 0.52} <= set(got)


def test_a_markets_outcome_list_is_read_as_one() -> None:
    from extractors.nlp.forecasts.component import sibling_groups
    from extractors.nlp.forecasts.learned import candidates
    from extractors.nlp.sentences import split_sentences

    text = ("Which lab tops the open leaderboard on 31 March 2027?\n\nOutcome · Chance\n"
            "Zhipu AI · 38%\nMoonshot AI (Kimi) · 30%\nOther · 5%\n\n"
            "Volume has doubled since the GLM release, and 62% of it came this week.\n")
    cands = candidates(text, split_sentences(text), forecasty=True)
    runs = sibling_groups(text, cands)
    assert [([cands[i].value for i in r], kind) for r, kind in runs] == [
        ([0.38, 0.3, 0.05], True)]
    aligned = "Outcome        Chance\nZhipu AI       38%\nMoonshot AI    30%\nOther          5%\n"
    got = forecasts("Foresite Markets\n\nWho leads the open board in 2027?\n\n" + aligned)
    assert [(f.probability, f.issuer) for f in got] == [
        (0.38, "Foresite Markets"), (0.3, "Foresite Markets"), (0.05, "Foresite Markets")]


def test_stakes_with_an_object_a_fraction_word_and_a_quoted_price() -> None:
    head = "Our forecasts for 2027\n\nBy Mara Quill, forecaster\n\n"
    cases = {
        'He gives Chinese open models "maybe one in five" odds of holding parity.': [0.2],
        "I'd give open weights roughly 15 percent of leading OSWorld next year.": [0.15],
        "Will Gemma 5 land near Gemini Flash? I'd call it two-thirds.": [0.6667],
        "The survey gives open models 41% of downloads this year.": [],  # a share
    }
    for line, want in cases.items():
        assert [f.probability for f in forecasts(head + line + "\n")] == want, line
    assert not _cond("If they cannot agree, the Manifold market on it (currently 44%) "
                     "decides.", "44%")


def test_a_forecast_and_its_bracketed_previous_value_go_together() -> None:
    text = ("My forecasts, December\n\nBy Hal Verne\n\n"
            "Probabilities as of today, last month's in brackets.\n\n"
            "1. An open model leads the index before July 2027: 31% [27%].\n"
            "2. The best open model is within five points on SWE-bench Verified on 31 March "
            "2027: 74% [70%].\n")
    got = [f.probability for f in forecasts(text)]
    assert {0.31, 0.27, 0.74, 0.7} <= set(got)


def test_a_formulaic_stake_under_an_if_clause_and_a_labs_reported_score() -> None:
    got = forecasts("If the new rule is enforced as written, we put the probability that an "
                    "open model tops the index at any point in 2027 at 25%.")
    assert [(f.probability, f.conditional) for f in got] == [(0.25, True)]  # 2027 is a year
    assert forecasts("Anthropic lists Orion Max at 80.3% and Lumen puts Lumen-5 at 79.6% on "
                     "the same benchmark.") == []


_THREAD = """Will an open-weight model top the Arena text board by June 2027?

Comments

aleph_null · 3 days ago
I'm at 22%. The best open model is 31 points behind, and no single release has closed that.

tessellate · 2 days ago
Disagree on the history. I'm at 40%, and I'd go higher with a looser question.
"""

_TRANSCRIPT = """Hosts: Marisol Quant and Ben Adeyemi-Cho.

MARISOL: First question. Does an open model win ARC next year?

BEN: Oh, low. The gap there is a canyon. I'll say 8%.

MARISOL: I'm a bit higher, maybe one in eight, because search is cheap for open labs.

BEN: Next one, then.
"""


def test_a_first_person_forecast_in_a_thread_or_a_transcript_is_its_speakers() -> None:
    got = {(f.probability, f.issuer) for f in forecasts(_THREAD)}
    assert got == {(0.22, "aleph_null"), (0.4, "tessellate")}
    got = {(f.probability, f.issuer) for f in forecasts(_TRANSCRIPT)}
    assert got == {(0.08, "Ben Adeyemi-Cho"), (0.125, "Marisol Quant")}


def test_conditional_on_and_a_request_for_a_number() -> None:
    chat = ("[09:20] kira: question is whether an open model tops the Arena board in 2027\n"
            "[09:25] mara_h: conditional on V5 shipping before May I'm at 0.45. unconditional "
            "maybe 0.22\n[09:26] kira: I'm at 30\n[09:27] mara_h: fair\n")
    got = {(f.probability, f.conditional) for f in forecasts(chat)}
    assert (0.45, True) in got and (0.22, False) in got
    text = ("Interview with a forecaster on the open-weight gap.\n\nQ: Will an open model lead "
            "the composite indices next year?\n\nA: Probably not. If you want a number, call it "
            "22% that an open model leads the Artificial Analysis index in 2027.\n")
    assert {(f.probability, f.conditional) for f in forecasts(text)} == {(0.22, False)}
