"""Every number the grammar reads is read here: a numeral of either kind at a position
(``numeral_at``; the value codec ``from_roman``/``to_roman``/``numeral_value`` is the reference
model's, in ``cantobatch.references``, so that query and stats convert numerals without the grammar), counts ("three", "a couple of"),
ordinals ("forty-fifth", "81st", "penultimate" → -2), ranges ("207-10") and line lists
("4-8, 12"), with the bounds they are held to.

The word tables and regex sources these read with are ``lexicon``'s; the compiled ones ``rx``.
"""

from __future__ import annotations

import re

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.patterns import rx
from cantobatch.references import (  # noqa: F401 - the roman codec is the reference model's
    MAX_CANTO,
    from_roman,
    is_roman,
    numeral_value,
    to_roman,
)

MAX_LINE = 999
MAX_LINE_SPAN = 400
PLURAL_LINE_COUNT = (
    5  # "the last lines" with no count: the user's labels take five (poundtech101, 101)
)


# --- numerals -------------------------------------------------------------------------------


def numeral_at(
    text: str, pos: int, arabic: bool, words: bool
) -> tuple[int, int | None, str] | None:
    """(end, value, kind) of the numeral at ``pos``: a roman one ("roman" in capitals, else
    "low"), an arabic one when ``arabic``, a number word ("word") when ``words``. The value is
    None for a numeral that has none (callers check it with ``valid_canto``)."""
    head = text[pos : pos + 1]  # each pattern needs its kind of first character
    m = rx.ROMAN_ANY.match(text, pos) if head and head in "IVXLCivxlc" else None
    if m:
        return m.end(), numeral_value(m.group()), "roman" if m.group().isupper() else "low"
    m = rx.ARABIC.match(text, pos) if arabic and head.isdecimal() else None
    if m:
        return m.end(), int(m.group()), "arabic"
    m = rx.WORD_NUMBER.match(text, pos) if words else None
    if m:
        return m.end(), count_value(m.group()), "word"
    return None


# --- number words and ranges -------------------------------------------------------------

_WORD_SEP = re.compile(r"[-‐\s]+")
_NUMERIC_ORDINAL = re.compile(r"(\d{1,3})(?:st|nd|rd|th)")


def _norm_words(s: str) -> str:
    return _WORD_SEP.sub(" ", s.lower()).strip()


_CARD_NORM = {_norm_words(k): v for k, v in g.CARDINAL_WORDS.items()}
_ORD_NORM = {_norm_words(k): v for k, v in g.ORDINAL_WORDS.items()}


def count_value(s: str) -> int | None:
    """Value of a count: "3" or "three" or "twenty-one"."""
    return int(s) if s.isdigit() else _CARD_NORM.get(_norm_words(s))


def ordinal_value(s: str) -> int | None:
    """Value of an ordinal: "first" → 1, "forty-fifth" → 45, "81st" → 81."""
    m = _NUMERIC_ORDINAL.fullmatch(s)
    return int(m.group(1)) if m else _ORD_NORM.get(_norm_words(s))


def expand_range(a: int, b: int, limit: int = MAX_CANTO) -> list[int] | None:
    """a..b inclusive; "207-10" style abbreviated ends are completed; None when not a range."""
    if b < a:
        sa, sb = str(a), str(b)
        if len(sb) < len(sa):
            b = int(sa[: len(sa) - len(sb)] + sb)
    if b < a or b - a >= limit:
        return None
    return list(range(a, b + 1))


def phrase_count(s: str) -> int | None:
    low = s.lower()
    if low.startswith(("couple", "pair")):
        return 2
    if low.endswith("dozen"):  # "dozen", "half-dozen", "half a dozen"
        return 6 if low.startswith("half") else 12
    return count_value(s)


def plausible_page(canto: int, page: int) -> bool:
    # Canto n sits near page 5n-7n in the collected editions; this refuses dates and fractions.
    return page >= 3 and 4 * canto - 5 <= page <= 8 * canto + 20


def line_list(s: str) -> list[int]:
    if s.isdecimal():  # the common "12" and "4-8" without the general splitting
        return [int(s)] if 1 <= int(s) <= MAX_LINE else []
    first, dash, last = s.partition("-")
    if dash and first.isdecimal() and last.isdecimal():
        span = expand_range(int(first), int(last), limit=MAX_LINE_SPAN)
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
            span = expand_range(nums[0], nums[1], limit=MAX_LINE_SPAN)
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
    return ordinal_value(w)


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
