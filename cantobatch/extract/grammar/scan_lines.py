"""The scanner's stage for line references (``line_mentions``): "ll. 4-8", "line twelve",
"the last three lines", "the penultimate line", "the following three lines".
"""

from __future__ import annotations

from cantobatch.extract.grammar.locate import anchored, matches_at, starts
from cantobatch.extract.grammar.numerals import (
    MAX_LINE_SPAN,
    PLURAL_LINE_COUNT,
    count_value,
    expand_range,
    line_list,
    ordinal_position,
    position_lines,
)
from cantobatch.extract.grammar.patterns import RELATIVE_DIRECTIONS, STANZA_SIZES, rx
from cantobatch.extract.grammar.scan_state import LineMention, ScanState

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Every way LINE_KW's keyword can end ("ll" and "ll." both, as "l." ends "ll.")
_LINE_KEYWORDS = ("ll", "ll.", "l.", "line", "lines", "Line", "Lines", "LL.", "LINE", "LINES")
_LINE_KEYWORD_ENDS = frozenset(kw[-1] for kw in _LINE_KEYWORDS)
# Every match of LINES_AFTER_IT holds one of these
_AFTER_IT_WORDS = (" after ", " before ", "ollow", "recede")


def _after_non_letter(text: str, positions: list[int]) -> list[int]:
    """The positions where ``(?<![A-Za-z])`` holds."""
    return [p for p in positions if p == 0 or text[p - 1] not in _LETTERS]


class LineStages(ScanState):
    """The stage that finds line references (attached to cantos later, by ``rules``)."""

    def _line_keyword_starts(self) -> list[int]:
        """Where ``LINE_KW`` can match in an ASCII text: a keyword ("ll.", "lines") ending where
        the spaces before a run of digits start."""
        text, out = self.text, []
        for digits, _ in self.marks()[1]:
            end = digits
            while end and text[end - 1].isspace():
                end -= 1
            if text[end - 1 : end] in _LINE_KEYWORD_ENDS:
                out += [
                    end - len(kw) for kw in _LINE_KEYWORDS if text.startswith(kw, end - len(kw))
                ]
        return out

    def line_mentions(self) -> None:
        text = self.text
        words = "line" in self.lower
        if not (
            words
            or self.ordinal_positions
            or "l." in self.lower
            or "=" in text
            or _after_non_letter(text, starts(text, "ll "))  # "ll 4-8", no full stop
        ):
            return
        has_line = "line" in text  # all but COUNT_LINES below need the word, in lower case
        for m in anchored(text, rx.PAIR_LINES, self.anchors) if has_line else ():
            if self.free(m.start(), m.end()):
                first = position_lines(m.group("w1"), m.group("c1"))
                second = position_lines(m.group("w2"), m.group("c2"))
                if first and second:
                    self.add(LineMention(m.start(), m.end(), first + second, "first_last"))
        for m in anchored(text, rx.ORDINAL_LINES_LIST, self.anchors) if has_line else ():
            if self.free(m.start(), m.end()):
                listed = rx.ORDINAL_LIST_SEP.split(m.group("ords"))
                found = [ordinal_position(w.strip().removeprefix("the ")) for w in listed]
                if found and all(found):
                    # (the families ORDINAL_LINE gives its positions)
                    family = "first_last" if all(n == 1 or n < 0 for n in found) else "lines"
                    self.add(LineMention(m.start(), m.end(), list(dict.fromkeys(found)), family))
        line_counts = (rx.COUNT_LINES, rx.COUNT_FIRST_LINES, rx.PLURAL_LINES)
        for pattern in line_counts if has_line else (rx.COUNT_LINES,):
            for m in anchored(text, pattern, self.anchors):
                if self.free(m.start(), m.end()):
                    count = m.group("count") if "count" in pattern.groupindex else None
                    if count is None and rx.LINES_NUMBERED_AFTER.match(text, m.end()):
                        continue  # "the closing lines of Canto I (ll. 68-76)": those numbers
                    lines = position_lines(m.group("which"), count or str(PLURAL_LINE_COUNT))
                    if lines:
                        self.add(LineMention(m.start(), m.end(), lines, "first_last"))
        lower = self.lower
        stanzas = "couplet" in lower or "tercet" in lower or "quatrain" in lower
        for m in anchored(text, rx.STANZA_LINES, self.anchors) if stanzas else ():
            if self.free(m.start(), m.end()):
                size = str(STANZA_SIZES[m.group("unit")])
                lines = position_lines(m.group("which"), size)
                self.add(LineMention(m.start(), m.end(), lines, "first_last"))
        for m in anchored(text, rx.ORDINAL_LINE, self.anchors) if has_line else ():
            if self.free(m.start(), m.end()):
                n = ordinal_position(m.group("ord"))
                if n is not None and m.group("end"):
                    n = -abs(n)
                if n is not None and m.group("but"):
                    n = (-2 if m.group("but") == "one" else -3) if n == -1 else None
                if n:
                    family = "first_last" if n in (1, -1) or n < 0 else "lines"
                    self.add(LineMention(m.start(), m.end(), [n], family))
        relative_at = (
            [p for word in RELATIVE_DIRECTIONS for p in starts(text, word)] if has_line else []
        )
        for m in matches_at(rx.RELATIVE_LINES, text, relative_at):
            if self.free(m.start(), m.end()):
                count = count_value(m.group("count")) if m.group("count") else None
                if count is None:
                    if m.group("noun") == "lines":
                        continue
                    count = 1
                sign = (
                    1 if m.group("dir") in ("following", "next", "subsequent", "succeeding") else -1
                )
                self.add(LineMention(m.start(), m.end(), [], "relative", relative=sign * count))
        if has_line and any(word in text for word in _AFTER_IT_WORDS):
            self._lines_after_it()
        line_word_at = starts(text, "ine", "Ll") if words else []
        if text.isascii():  # then LINE_KW's numbers are ASCII digits, whose runs marks() has
            line_kw_at = self._line_keyword_starts()
        else:
            line_kw_at = _after_non_letter(
                text,
                starts(text, "ll")
                + starts(text, "l.")
                + starts(text, "LL.")
                + starts(text, "INE", "L"),
            ) + (line_word_at if words else starts(text, "ine", "Ll"))
        for m in matches_at(rx.LINE_FROM_TO, text, line_kw_at) if "rom" in text else ():
            if self.free(m.start(), m.end()):
                a, b = int(m.group("a")), int(m.group("b"))
                span = expand_range(a, b, MAX_LINE_SPAN) if a else None
                if span:
                    self.add(LineMention(m.start(), m.end(), span, "lines"))
        for pattern in (rx.LINE_KW, rx.GREEK_EQ):
            if pattern is rx.GREEK_EQ and "=" not in text:
                continue
            found = (
                pattern.finditer(text)
                if pattern is rx.GREEK_EQ
                else matches_at(pattern, text, line_kw_at)
            )
            for m in found:
                if self.free(m.start(), m.end()):
                    lines, end = line_list(m.group("lines")), m.end()
                    from_end = rx.FROM_THE_END.match(text, end) if len(lines) == 1 else None
                    if from_end:  # "line 3 from the end"
                        lines, end = [-lines[0]], from_end.end()
                    if lines:
                        self.add(LineMention(m.start(), end, lines, "lines"))
        for m in matches_at(rx.LINE_WORDS, text, line_word_at) if words else ():
            if self.free(m.start(), m.end()):
                a = count_value(m.group("a"))
                b = count_value(m.group("b")) if m.group("b") else a
                span = expand_range(a, b, MAX_LINE_SPAN) if a and b else None
                end = m.end()
                if span and m.group("more"):
                    if text[m.start() : m.start("a")].rstrip().endswith(("s", "S")):
                        more = rx.WORD_NUMBER.findall(m.group("more"))
                        span += [n for n in map(count_value, more) if n]
                    else:  # "line one and two pages later": one line
                        end = m.end("a")
                if span:
                    self.add(LineMention(m.start(), end, span, "lines"))
        if " and the " in text:
            self._elliptic_relatives()

    def _lines_after_it(self) -> None:
        """ "the two lines after it", "the line that follows": after (or before) the line last
        cited."""
        text = self.text
        for m in rx.LINES_AFTER_IT.finditer(text):
            det = rx.THE_COUNT_BEFORE.search(text, max(0, m.start() - 24), m.start())
            if not det or not self.free(det.start(), m.end()):
                continue
            count = count_value(det.group("count")) if det.group("count") else None
            plural = m.group("noun") == "lines"
            if plural != (count is not None and count > 1):
                continue  # "the lines after it": how many is not said
            word = m.group("dir") or m.group("verb")
            sign = 1 if word.startswith(("after", "follow")) else -1
            self.add(
                LineMention(det.start(), m.end(), [], "relative", relative=sign * (count or 1))
            )

    def _elliptic_relatives(self) -> None:
        """ "line 12 and the two after it": the noun left out, just after a line reference."""
        text = self.text
        ends = [c.end for c in self.cantos if c.lines] + [
            x.end for x in self.lines if x.lines and not x.relative
        ]
        for end in sorted(ends):
            m = rx.ELLIPTIC_RELATIVE.match(text, end)
            if not m or not self.free(m.start(), m.end()):
                continue
            count = count_value(m.group("count") or m.group("count2"))
            word = m.group("dir") or m.group("dir2")
            if not count or count > MAX_LINE_SPAN:
                continue
            sign = 1 if word.startswith(("next", "follow", "after")) else -1
            self.add(LineMention(m.start("the"), m.end(), [], "relative", relative=sign * count))
