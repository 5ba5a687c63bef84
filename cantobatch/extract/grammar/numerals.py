"""Matched text turned into numbers: roman numerals, counts ("three", "a couple of"), ordinal
positions ("penultimate" → -2) and line lists ("4-8, 12"), with the bounds they are held to.

The word tables and values these build on are ``grammar``'s.
"""

from __future__ import annotations

from functools import lru_cache

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.patterns import rx

MAX_LINE = 999
MAX_LINE_SPAN = 400
PLURAL_LINE_COUNT = (
    5  # "the last lines" with no count: the user's labels take five (poundtech101, 101)
)


@lru_cache(maxsize=4096)
def roman_value(numeral: str) -> int | None:
    return g.numeral_value(numeral)


def phrase_count(s: str) -> int | None:
    low = s.lower()
    if low.startswith(("couple", "pair")):
        return 2
    if low.endswith("dozen"):  # "dozen", "half-dozen", "half a dozen"
        return 6 if low.startswith("half") else 12
    return g.count_value(s)


def plausible_page(canto: int, page: int) -> bool:
    # Canto n sits near page 5n-7n in the collected editions; this refuses dates and fractions.
    return page >= 3 and 4 * canto - 5 <= page <= 8 * canto + 20


def line_list(s: str) -> list[int]:
    if s.isdecimal():  # the common "12" and "4-8" without the general splitting
        return [int(s)] if 1 <= int(s) <= MAX_LINE else []
    first, dash, last = s.partition("-")
    if dash and first.isdecimal() and last.isdecimal():
        span = g.expand_range(int(first), int(last), limit=MAX_LINE_SPAN)
        return span if span and span[0] >= 1 and span[-1] <= MAX_LINE else []
    if "l" in s or "L" in s:  # the keyword repeated in a range: "4 – l. 9"
        s = rx.LINE_KEYWORD_INSIDE.sub("", s)
    out: list[int] = []
    for item in rx.LINE_LIST_SEP.split(s.strip()):
        parts = rx.DASH.split(item.strip(), maxsplit=1)
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            return []
        if len(nums) == 2:
            span = g.expand_range(nums[0], nums[1], limit=MAX_LINE_SPAN)
            if span is None:
                return []
            out.extend(span)
        else:
            out.append(nums[0])
    if not out or min(out) < 1 or max(out) > MAX_LINE:
        return []
    return list(dict.fromkeys(out))


def ordinal_position(word: str) -> int | None:
    """1-based position from the start, or negative from the end: "penultimate" → -2."""
    w = rx.WORD_SEP.sub(" ", word.lower())
    fixed = {"last": -1, "final": -1, "closing": -1, "concluding": -1, "opening": 1, "initial": 1,
             "penultimate": -2, "antepenultimate": -3, "last but one": -2}  # fmt: skip
    if w in fixed:
        return fixed[w]
    m = rx.NTH_FROM_LAST.fullmatch(w)
    if m and (m.group(1) != "next" or " to " in w):  # "next to last", not "next last"
        return -(3 if m.group(1) in ("third", "3rd") else 2)
    return g.ordinal_value(w)


def position_lines(which: str, count: str | None) -> list[int]:
    n = phrase_count(count) if count else 1
    if not n or n > MAX_LINE_SPAN:
        return []
    if which.lower() in ("first", "opening", "initial"):
        return list(range(1, n + 1))
    return list(range(-n, 0))


def ordinal_slice(which: str, count: int | None, first: int, last: int) -> list[int]:
    pos = ordinal_position(which)
    if pos is None:
        return []
    n = count or 1
    if pos > 0:
        lo = first + pos - 1
        out = list(range(lo, lo + n))
    else:
        hi = last + pos + 1
        out = list(range(hi - n + 1, hi + 1))
    return out if all(first <= c <= last for c in out) else []
