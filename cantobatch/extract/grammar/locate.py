"""Where to look: cheap ``str.find`` scans that say where a pattern can match, and sentences.

Patterns that start with a determiner ("the first Pisan canto") are only tried just before
ordinal words (``anchored``): run at every position they were most of the grammar's cost.
Likewise a pattern that opens with a look-behind or ``\\b`` makes the engine try it at every
position; such patterns are tried only where ``starts`` (str.find) says a match can begin
(``matches_at``), which gives the same matches as ``finditer``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.patterns import rx


def starts(text: str, needle: str, lead: str = "") -> list[int]:
    """Where ``needle`` occurs (str.find is far faster than a regex scan); with ``lead``, only
    where one of its characters comes just before, given as that character's index."""
    out, at = [], text.find(needle, 1 if lead else 0)
    while at >= 0:
        if not lead:
            out.append(at)
        elif text[at - 1] in lead:
            out.append(at - 1)
        at = text.find(needle, at + 1)
    return out


def matches_at(pattern: re.Pattern, text: str, positions: list[int]) -> Iterator[re.Match]:
    """The matches ``pattern.finditer(text)`` gives, when every one starts at one of
    ``positions``: patterns that open with a look-behind scan a passage slowly."""
    return _matches_at(pattern, text, positions) if positions else iter(())


def _matches_at(pattern: re.Pattern, text: str, positions: list[int]) -> Iterator[re.Match]:
    end = -1
    for pos in sorted(set(positions)):
        if pos >= end:
            m = pattern.match(text, pos)
            if m:
                end = m.end()
                yield m


def determiner_anchors(text: str, positions: list[int]) -> list[tuple[int, list[int]]]:
    """Each ordinal position with the starts of the determiners in the 48 chars before it (those
    with none left out): found once a passage for all the determiner-led patterns."""
    anchors = []
    for pos in positions:
        starts = [
            det.start() + 2 if det.group()[0] in "'’s" else det.start()
            for det in rx.DET_BEFORE.finditer(text, max(0, pos - 48), pos)
        ]
        if starts:
            anchors.append((pos, starts))
    return anchors


def anchored(
    text: str, pattern: re.Pattern, anchors: list[tuple[int, list[int]]]
) -> Iterator[re.Match]:
    """Matches of a determiner-led ordinal ``pattern``, tried only just before ordinal words.

    Running such patterns at every position costs milliseconds a passage; ordinal words are rare.
    """
    end = -1
    for pos, starts in anchors:
        if pos < end:
            continue
        for start in starts:
            m = pattern.match(text, start)
            if m and m.end() > pos:
                yield m
                end = m.end()
                break


def ordinal_positions(
    text: str, lower: str, digit_runs: list[tuple[int, int]] | None = None
) -> list[int]:
    """Where ordinal words start ("first", "eighty-first", "81st", "last"): substring checks,
    because a regex over every passage for these rare words was the grammar's main cost.
    ``digit_runs``: the (start, end) of every run of ASCII digits, when known (``ScanState.marks``)."""
    positions = set()
    for needle in g.ORDINAL_NEEDLES:
        at = lower.find(needle)
        while at >= 0:
            start, end = _alpha_run(lower, at, at + len(needle))
            if lower[start:end] in g.ORDINAL_TOKENS:
                positions.add(start)
            at = lower.find(needle, end)
    for m in rx.WORD_FINAL_TH.finditer(lower):  # "fourth" … "hundredth"
        start, end = _alpha_run(lower, m.start(), m.end())
        if lower[start:end] in g.ORDINAL_TOKENS:
            positions.add(start)
    if digit_runs is not None and text.isascii():
        # "81st": the last digit of a run, a suffix, then no word character (ORDINAL_NUMERIC)
        n = len(text)
        for _, end in digit_runs:
            if text[end : end + 2] in _ORDINAL_SUFFIXES and (
                end + 2 == n or not (text[end + 2].isalnum() or text[end + 2] == "_")
            ):
                positions.add(end - 1)
    elif text.isascii():
        positions.update(m.start() for m in rx.ORDINAL_NUMERIC_ASCII.finditer(text))
    else:  # ORDINAL_NUMERIC's matches, found by their suffixes (the engine skips to those fast)
        for suffix in _ordinal_suffix_scans():
            positions.update(m.start() - 1 for m in suffix.finditer(text))
    return sorted(positions)


@cache
def _ordinal_suffix_scans() -> tuple[re.Pattern, ...]:
    """``ORDINAL_NUMERIC`` split by suffix, each opening with its suffix: "st" after a digit …"""
    return tuple(re.compile(rf"{s}(?<=\d{s})\b") for s in ("st", "nd", "rd", "th"))


_ORDINAL_SUFFIXES = frozenset(["st", "nd", "rd", "th"])


def _alpha_run(s: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` widened to the whole run of letters around it."""
    while start and s[start - 1].isalpha():
        start -= 1
    while end < len(s) and s[end].isalpha():
        end += 1
    return start, end


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    stops = starts(text, ".") + starts(text, "!") + starts(text, "?")  # where a match can start
    for m in matches_at(rx.SENTENCE_END, text, stops):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def sentence_index(sentences: list[tuple[int, int]], pos: int) -> int:
    # The bounds are contiguous and in order: the last sentence starting at or before ``pos``
    # (tuples compare in C: (start, end) <= (pos, inf) exactly when start <= pos).
    i = bisect_right(sentences, (pos, math.inf)) - 1
    return i if i >= 0 and pos < sentences[i][1] else len(sentences) - 1
