"""The scanner's state: the mentions it finds (``CantoMention``, ``LineMention``), and
``ScanState``, the passage with the spans taken so far and the marks found in it on first ask
(roman numerals, digit runs, trigger words, ordinal words, sentences, keywords).

The stages that find mentions are mixins over it (``scan_numerals``, ``scan_cantos``,
``scan_ordinals``, ``scan_lines``), put together as ``scan.Scanner``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from cantobatch.extract.grammar.group_names import (
    group_name_matches,
    group_triggers,
    marks_pattern,
    triggers_in,
)
from cantobatch.extract.grammar.locate import (
    determiner_anchors,
    ordinal_positions,
    sentence_bounds,
    sentence_index,
    starts,
)
from cantobatch.extract.grammar.numerals import numeral_value
from cantobatch.extract.grammar.patterns import rx


@dataclass
class CantoMention:
    start: int
    end: int
    cantos: list[int]
    family: str
    lines: list[int] = field(default_factory=list)
    cited_page: str | None = None
    explicit: bool = True  # a numeral or ordinal names the canto (groups are not explicit)
    weak: bool = False  # kept only if a line reference attaches to it ("(XX) Lines 87 and 88")


@dataclass
class LineMention:
    start: int
    end: int
    lines: list[int]
    family: str
    relative: int = 0  # +n: the n lines after the previous reference, -n: the n before it


def _word_or_quote(ch: str) -> bool:
    """A character that a roman numeral cannot follow: a word character (``\\w``) or an
    apostrophe ("I’ve")."""
    return ch.isalnum() or ch in "_’'"


_DIGITS = frozenset("0123456789")


def _may_block(window: str) -> bool:
    """Whether a blocked phrase may be in ``window``: every one holds "Three" or, lower-cased, a
    word of BLOCK_HINT (patterns.py), unless ignoring case matched one of its letters with one
    of the only four characters outside ASCII that it matches with ASCII letters (İ and ı with
    i, ſ with s, the Kelvin sign with k)."""
    if not window.isascii() and (
        "\u0130" in window or "\u0131" in window or "\u017f" in window or "\u212a" in window
    ):
        return True
    return "Three" in window or rx.BLOCK_HINT.search(window.lower()) is not None


class ScanState:
    """A passage, the mentions found in it so far, and the spans they took (``free``, ``add``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        lower = self.lower = text.lower()
        # Where "cant" occurs in the lower-cased text: the blocked phrases, the keyword "Canto(s)"
        # and the lower-case group names are all looked for around these (it cannot overlap
        # itself, so each find goes on past the last).
        cant_at: list[int] = []
        at = lower.find("cant")
        while at >= 0:
            cant_at.append(at)
            at = lower.find("cant", at + 4)
        self._cant_at = cant_at
        self.has_keyword = bool(cant_at)
        self.taken: list[tuple[int, int]] = []
        # The taken spans again, ordered by start, for ``free`` to bisect.
        self._taken_starts: list[int] = []
        self._taken_ends: list[int] = []
        # _taken_reach[i]: the furthest end among the first i + 1 spans, valid below _reach_valid
        self._taken_reach: list[int] = []
        self._reach_valid = 0
        # Where explicit cantos start; the sentences holding them are found when first asked
        # (``cites_explicitly``): finding sentences costs more than many passages need.
        self._explicit_starts: list[int] = []
        self._explicit_sentences: set[int] = set()  # of the first _explicit_counted starts
        self._explicit_counted = 0
        for at in cant_at:  # the blocked phrases all hold "cant": look only around each one
            start, end = max(0, at - 16), min(len(text), at + 40)
            if not _may_block(text[start:end]):
                continue
            for m in rx.BLOCKED.finditer(text, start, end):
                if m.start() <= at < m.end() and (m.start(), m.end()) not in self.taken:
                    self._take(m.start(), m.end())
        self._ordinal_cache: list[int] | None = None
        self._anchors: list[tuple[int, list[int]]] | None = None
        self._sentence_cache: list[tuple[int, int]] | None = None
        self._romans: list[re.Match] | None = None
        self._marks: tuple[list[re.Match], list[tuple[int, int]], set[str] | None] | None = None
        self._groups: list[int] | None = None
        self._context: bool | None = None
        self._keyword_at: list[int] | None = None
        self._lower_case: bool | None = None
        self.cantos: list[CantoMention] = []
        self.lines: list[LineMention] = []

    @property
    def ordinal_positions(self) -> list[int]:
        if self._ordinal_cache is None:
            self._ordinal_cache = ordinal_positions(self.text, self.lower, self.marks()[1])
        return self._ordinal_cache

    @property
    def anchors(self) -> list[tuple[int, list[int]]]:
        """Ordinal positions with the determiners before them (see ``anchored``)."""
        if self._anchors is None:
            self._anchors = determiner_anchors(self.text, self.ordinal_positions)
        return self._anchors

    def is_lower_case(self) -> bool:
        """The passage has no capital letters (typed so: "compare canto 26 of the inferno")."""
        if self._lower_case is None:
            self._lower_case = self.lower == self.text
        return self._lower_case

    def may_cite(self) -> bool:
        """False when no stage could find anything: no "canto", no group name, no canto/page
        pair, no roman numeral but the pronoun I. Most prose passages stop here, cheaply."""
        text = self.text
        if self.has_keyword:
            return True
        triggered = self.triggered_groups()
        if any(next(group_name_matches(i, text), None) for i in triggered):
            return True
        if "/" in text or rx.C_DIGIT.search(text):
            return True
        return any(
            m.group() != "I" or text.startswith((".", ":", ","), m.end()) for m in self.romans()
        )

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentence_cache is None:
            self._sentence_cache = sentence_bounds(self.text)
        return self._sentence_cache

    def marks(self) -> tuple[list[re.Match], list[tuple[int, int]], set[str] | None]:
        """The passage's roman-numeral runs (``ROMAN_RUN`` matches), ASCII digit runs
        (start, end) and capitalised group trigger words (None: not looked for), found in one
        scan (``marks_pattern``)."""
        if self._marks is None:
            runs: list[re.Match] = []
            digits: list[tuple[int, int]] = []
            words: set[str] = set()
            pattern, has_triggers = marks_pattern()
            for m in pattern.finditer(self.text):
                found = m.group()
                if found[0] in _DIGITS:
                    digits.append(m.span())
                elif found[1:2].islower():
                    words.add(found)
                else:
                    runs.append(m)
            self._marks = runs, digits, words if has_triggers else None
        return self._marks

    def romans(self) -> list[re.Match]:
        """Upper-case roman numerals standing alone (not "I’ve", not "XVIth")."""
        if self._romans is None:
            text = self.text
            # ROMAN_RUN has no leading \b (which would make the engine try every position):
            # the word boundary before is checked here.
            self._romans = [
                m
                for m in self.marks()[0]
                if (m.start() == 0 or not _word_or_quote(text[m.start() - 1]))
                and (m.end() == len(text) or not text[m.end()].isalnum())
                and numeral_value(m.group()) is not None
            ]
        return self._romans

    def triggered_groups(self) -> list[int]:
        """Indices of the groups whose trigger words occur in the passage."""
        if self._groups is None:
            triggers = group_triggers()
            lower = self.lower
            canto_at = [at for at in self._cant_at if lower.startswith("o", at + 4)]
            words = triggers_in(
                self.text, lower if self.has_keyword else None, canto_at, self.marks()[2]
            )
            found = {i for word in words for i in triggers[word]}
            self._groups = sorted(found)
        return self._groups

    def has_context(self) -> bool:
        """The passage talks of cantos or lines (the word, or "ll. 12")."""
        if self._context is None:
            low, text = self.lower, self.text
            if "canto" in low or "line" in low:
                self._context = True
            elif "l." not in low:
                self._context = False
            elif len(low) == len(text) and "\u0130" not in text and "\u0131" not in text:
                # Without the words (and the dotted and dotless i that ignoring case reads as
                # "i"), CONTEXT can only match "l. 12" or "ll. 12": look just there.
                at = starts(low, "l.")
                self._context = any(
                    rx.CONTEXT.match(text, p) for p in at + [p - 1 for p in at if p]
                )
            else:
                self._context = bool(rx.CONTEXT.search(text))
        return self._context

    def free(self, start: int, end: int) -> bool:
        """No taken span overlaps ``start:end``."""
        before = bisect_left(self._taken_starts, end)  # the spans that start before it ends
        if before == 0:
            return True
        if before > self._reach_valid:  # bring the running maximum of the ends up to date
            valid = self._reach_valid
            reach = self._taken_reach[valid - 1] if valid else -1
            self._taken_reach[valid:] = accumulate(self._taken_ends[valid:], max, initial=reach)
            del self._taken_reach[valid]  # (the initial value)
            self._reach_valid = len(self._taken_reach)
        return self._taken_reach[before - 1] <= start

    def _take(self, start: int, end: int) -> None:
        self.taken.append((start, end))
        i = bisect_right(self._taken_starts, start)
        self._taken_starts.insert(i, start)
        self._taken_ends.insert(i, end)
        self._reach_valid = min(self._reach_valid, i)

    def add(self, mention: CantoMention | LineMention) -> None:
        self._take(mention.start, mention.end)
        if isinstance(mention, CantoMention):
            if mention.explicit:
                self._explicit_starts.append(mention.start)
            self.cantos.append(mention)
        else:
            self.lines.append(mention)

    def cites_explicitly(self, pos: int) -> bool:
        """The sentence holding ``pos`` holds an explicit canto added so far."""
        sentences, starts = self.sentences, self._explicit_starts
        if self._explicit_counted < len(starts):
            self._explicit_sentences.update(
                sentence_index(sentences, start) for start in starts[self._explicit_counted :]
            )
            self._explicit_counted = len(starts)
        return sentence_index(sentences, pos) in self._explicit_sentences

    def keyword_starts(self) -> list[int]:
        """Where "Canto", "canto", "CANTO" (and "Cant…", "cant…") start."""
        if self._keyword_at is None:
            text = self.text
            if len(self.lower) != len(text):  # lower-casing moved the characters: look again
                self._keyword_at = starts(text, "ant", "Cc") + starts(text, "ANT", "C")
            else:  # each is a "cant" of the lower-cased text, where the text's characters stand
                self._keyword_at = [
                    at
                    for at in self._cant_at
                    if (text[at] in "Cc" and text.startswith("ant", at + 1))
                    or text.startswith("CANT", at)
                ]
        return self._keyword_at
