"""Numbers written as words ("sixty-two percent", "five months behind"), shared by the
figure and forecast components so both read the same words the same way."""

from __future__ import annotations

import re

UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
         "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
WORD_VALUES = {"zero": 0, **UNITS, **TEENS, **TENS}

UNITS_ALT = "|".join(UNITS)
TEENS_ALT = "|".join(TEENS)
TENS_ALT = "|".join(TENS)
# "percent" or "per cent" (British and wire copy): the word of every percentage regex
PER_CENT = r"per\s?cent"
# one to ninety-nine: "sixty-two", "sixty two", "twelve", "seven"
SPELLED_1_99 = rf"(?:{TENS_ALT})(?:[\s-](?:{UNITS_ALT}))?|{TEENS_ALT}|{UNITS_ALT}"


def spelled_value(words: str) -> float:
    """'Sixty-two' -> 62.0 (the sum of the words' values; unknown words count 0)."""
    return float(sum(WORD_VALUES.get(w, 0) for w in re.split(r"[\s-]+", words.lower())))


_SMALL_WORDS = {**UNITS, **TEENS, "a": 1, "an": 1}


def small_number(word: str) -> int:
    """'7', 'seven', 'Twelve' -> the number, 'a'/'an' -> 1; 0 for anything else: the terms
    of odds and "N in M" chances, in digits or words."""
    w = word.lower()
    return int(w) if w.isdigit() else _SMALL_WORDS.get(w, 0)
