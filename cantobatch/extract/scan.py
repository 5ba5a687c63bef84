"""The scanner: finds canto and line mentions in a passage, most specific first, never letting
two mentions share characters. ``rules.extract_references`` resolves them into references."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from cantobatch.extract import grammar as g
from cantobatch.extract.group_names import (
    group_index,
    group_name_matches,
    group_triggers,
    marks_pattern,
    triggers_in,
)
from cantobatch.extract.locate import (
    anchored,
    determiner_anchors,
    matches_at,
    ordinal_positions,
    sentence_bounds,
    sentence_index,
    starts,
)
from cantobatch.extract.numerals import (
    MAX_LINE_SPAN,
    PLURAL_LINE_COUNT,
    line_list,
    ordinal_position,
    ordinal_slice,
    phrase_count,
    plausible_page,
    position_lines,
    roman_value,
)
from cantobatch.extract.patterns import (
    PREPOSITIONS,
    RELATIVE_DIRECTIONS,
    group_lower_patterns,
    group_patterns,
    rx,
)


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


# --- the scanner ------------------------------------------------------------------------------


def _word_or_quote(ch: str) -> bool:
    """A character that a roman numeral cannot follow: a word character (``\\w``) or an
    apostrophe ("I’ve")."""
    return ch.isalnum() or ch in "_’'"


# The first characters of a roman or arabic numeral, which no number word starts with.
_NOT_WORD_HEADS = frozenset("IVXLCivxlc0123456789")
_DIGITS = frozenset("0123456789")
_FAMILY_OF_KIND = {"low": "roman", "word": "arabic"}  # a numeral's kind → its family
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_POSSESSIVES = ("'s", "’s", "s'", "s’")  # before "first canto": whose canto
# Every way LINE_KW's keyword can end ("ll" and "ll." both, as "l." ends "ll.")
_LINE_KEYWORDS = ("ll", "ll.", "l.", "line", "lines", "Line", "Lines", "LL.", "LINE", "LINES")
_LINE_KEYWORD_ENDS = frozenset(kw[-1] for kw in _LINE_KEYWORDS)
_DIRECTIONS = ("next", "following", "succeeding", "preceding", "previous")  # RELATIVE_CANTO's
_DIRECTION_ENDS = frozenset(w[-1] for w in _DIRECTIONS)


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


def _has_stop(s: str) -> bool:
    return "." in s or "?" in s or "!" in s  # a sentence end (SENTENCE_END) needs one


def _after_non_letter(text: str, positions: list[int]) -> list[int]:
    """The positions where ``(?<![A-Za-z])`` holds."""
    return [p for p in positions if p == 0 or text[p - 1] not in _LETTERS]


class Scanner:
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
                and roman_value(m.group()) is not None
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
        if isinstance(mention, CantoMention) and mention.explicit:
            self._explicit_starts.append(mention.start)
        (self.cantos if isinstance(mention, CantoMention) else self.lines).append(mention)

    def cites_explicitly(self, pos: int) -> bool:
        """The sentence holding ``pos`` holds an explicit canto added so far."""
        sentences, starts = self.sentences, self._explicit_starts
        if self._explicit_counted < len(starts):
            self._explicit_sentences.update(
                sentence_index(sentences, start) for start in starts[self._explicit_counted :]
            )
            self._explicit_counted = len(starts)
        return sentence_index(sentences, pos) in self._explicit_sentences

    # numerals after "Canto(s)", or a bare numeral with a suffix -----------------------------

    def _numeral(self, pos: int, arabic: bool, words: bool) -> tuple[int, int, str] | None:
        """(end, value, kind) of the numeral at ``pos``."""
        head = self.text[pos : pos + 1]  # each pattern needs its kind of first character
        m = rx.ROMAN_ANY.match(self.text, pos) if head and head in "IVXLCivxlc" else None
        if m:
            return m.end(), roman_value(m.group()), "roman" if m.group().isupper() else "low"
        m = rx.ARABIC.match(self.text, pos) if arabic and head.isdecimal() else None
        if m:
            return m.end(), int(m.group()), "arabic"
        m = rx.WORD_NUMBER.match(self.text, pos) if words else None
        if m:
            return m.end(), g.count_value(m.group()), "word"
        return None

    def numbered(
        self,
        pos: int,
        start: int,
        allow_list: bool,
        arabic: bool,
        words: bool = False,
        range_words: bool = True,
    ) -> list[CantoMention]:
        """Parse numerals from ``pos`` (a list, ranges, suffixes); the mentions, not yet added."""
        text, items, first_kind = self.text, [], None
        while True:
            num = self._numeral(pos, arabic, words)
            if not num:
                break
            end, first, kind = num
            if first_kind is None:
                first_kind = kind
            elif kind != first_kind:
                break
            if not g.valid_canto(first):
                break
            item_start, cantos = pos, [first]
            family = _FAMILY_OF_KIND.get(kind, kind)
            d = (rx.DASH if range_words else rx.DASH_SIGN).match(text, end)
            second = self._numeral(d.end(), arabic, words) if d else None
            if second and second[2] == kind:
                span = g.expand_range(first, second[1]) if second[1] is not None else None
                if span and g.valid_canto(span[-1]) and len(span) > 1:
                    end, cantos, family = second[0], span, "range"
            if items:  # (the 40 characters after it)
                if text[pos:end] == "I" and rx.PRONOUN_AFTER.match(text, end, end + 40):
                    break  # "Cantos XVI and I believe": the pronoun
                if rx.COUNTED_AFTER.match(text, end, end + 40):
                    break
            lines, page = [], None
            s = rx.SUFFIX_LINES.match(text, end) or (
                rx.SUFFIX_DOT_LINE.match(text, end) if kind in ("roman", "low") else None
            )
            if s and len(cantos) == 1:
                lines = line_list(s.group("lines"))
                if lines:
                    end, family = s.end(), "lines"
            if not lines:
                p = rx.SUFFIX_PAGE.match(text, end)
                if p and len(cantos) == 1:
                    page = next(x for x in p.groups() if x)
                    end, family = p.end(), "page"
            items.append(CantoMention(item_start, end, cantos, family, lines, page))
            if not allow_list:
                break
            sep = rx.LIST_SEP.match(text, end)
            if not sep:
                break
            pos = sep.end()
        if len(items) > 1:
            for item in items:
                if item.family in ("roman", "arabic"):
                    item.family = "list"
        if items:
            items[0].start = start
        return items

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

    def keywords(self) -> None:
        if not self.has_keyword:
            return
        text = self.text
        keyword_at = self.keyword_starts()
        # "from Canto LXXIV to Canto LXXXIV": two keywords
        from_to = (
            matches_at(rx.FROM_TO, text, starts(text, "rom", "Ff")) if len(keyword_at) > 1 else ()
        )
        for m in from_to:
            a, b = roman_value(m.group("a")), roman_value(m.group("b"))
            span = g.expand_range(a, b) if a and b else None
            same = m.group("a").isdigit() == m.group("b").isdigit()
            if span and same and g.valid_canto(span[-1]) and not self._foreign(m.start(), m.end()):
                self.add(CantoMention(m.start(), m.end(), span, "range"))
        paired = sorted(keyword_at)  # two keywords close together: "Canto LII through Canto LXI"
        paired = [p for p, q in zip(paired, paired[1:], strict=False) if q - p <= 32]
        for m in matches_at(rx.CANTO_THROUGH, text, paired):
            a, b = roman_value(m.group("a")), roman_value(m.group("b"))
            span = g.expand_range(a, b) if a and b else None
            same = m.group("a").isdigit() == m.group("b").isdigit()
            ok = span and same and g.valid_canto(span[-1]) and self.free(m.start(), m.end())
            if ok and not self._foreign(m.start(), m.end()):
                self.add(CantoMention(m.start(), m.end(), span, "range"))
        for m in matches_at(rx.KEYWORD, text, keyword_at):
            if not self.free(m.start(), m.end()):
                continue
            gap = rx.KEYWORD_GAP.match(text, m.end(), m.end() + 40)
            if not gap:
                self.parenthesised(m.end())
                continue
            plural = m.group().lower().endswith("s")
            # Number words count unless "a", "each", "which" … comes before ("which canto one
            # reads"). No number word starts with a roman letter or a digit, and after a
            # numeral none is read, so there the check is skipped.
            vague = text[gap.end() : gap.end() + 1] in _NOT_WORD_HEADS or rx.VAGUE_BEFORE.search(
                text[max(0, m.start() - 12) : m.start()]
            )
            items = self.numbered(gap.end(), m.start(), True, arabic=True, words=not vague)
            if gap.group("from") and not (len(items) == 1 and items[0].family == "range"):
                items = []  # "the cantos from 31 to 34", not "the cantos from 1925"
            if items and items[0].family in ("arabic", "list", "range", "lines", "page"):
                lonely_word = rx.WORD_NUMBER.fullmatch(text[gap.end() : items[0].end])
                if lonely_word and plural and len(items) == 1 and len(items[0].cantos) == 1:
                    items = []  # "in the cantos one finds": a pronoun
            if (
                plural
                and len(items) == 1
                and items[0].family == "roman"
                and text[items[0].end - 1 : items[0].end] == "I"
                and text[gap.end() : items[0].end] == "I"
            ):
                items = []  # "the cantos I have read"
            if items and self._foreign(m.start(), items[-1].end):
                continue
            if items:
                for item in items:
                    self.add(item)
            elif not self.parenthesised(m.end()):
                self.keyword_the_ordinal(m)

    def keyword_the_ordinal(self, keyword: re.Match) -> None:
        """ "Canto the Seventeenth" (Don Juan's "Canto the First" is refused as another poem's)."""
        if keyword.group() not in ("Canto", "CANTO"):
            return  # "the canto the first reviewers hated"
        m = rx.KEYWORD_THE_ORDINAL.match(self.text, keyword.end())
        if not m or not m.group("ord")[0].isupper():
            return
        n = g.ordinal_value(rx.WORD_SEP.sub(" ", m.group("ord").lower()))
        if g.valid_canto(n) and not self._foreign(keyword.start(), m.end()):
            self.add(CantoMention(keyword.start(), m.end(), [n], "ordinal"))

    def parenthesised(self, pos: int) -> bool:
        """Numerals filling a parenthesis after a group or "Cantos": "China Cantos (52–61)"."""
        m = rx.OPEN_PAREN.match(self.text, pos, pos + 12)
        if not m:
            return False
        start = m.end()
        items = self.numbered(start, start, allow_list=True, arabic=True)
        if not items or not rx.CLOSE_PAREN.match(self.text, items[-1].end):
            return False
        for item in items:
            self.add(item)
        return True

    def bare_with_suffix(self) -> None:
        text = self.text
        for m in self.romans():
            if not self.free(m.start(), m.end()) or not g.valid_canto(roman_value(m.group())):
                continue
            after = text[m.end() : m.end() + 3]
            if not (
                rx.SUFFIX_LINES.match(text, m.end())
                or rx.SUFFIX_PAGE.match(text, m.end())
                or rx.DOT_DIGIT.match(after)
            ):
                continue
            if self._blocked_bare(m.start(), m.end()):
                continue
            for item in self.numbered(m.start(), m.start(), allow_list=False, arabic=False):
                if item.lines or item.cited_page:
                    self.add(item)

    def canto_pages(self) -> None:
        # "1/3" is as often a fraction as Canto I, page 3: small pages need a canto context.
        context = self.has_context() or bool(self.cantos)
        for pattern in (rx.C_PAGE, rx.ARABIC_PAGE):
            if "/" not in self.text and (
                pattern is rx.ARABIC_PAGE or not rx.C_DIGIT.search(self.text)
            ):
                continue
            if pattern is rx.C_PAGE:
                at = [m.start() for m in rx.C_DIGIT.finditer(self.text)]
            else:  # one to three digits before a slash
                at = [p for q in starts(self.text, "/") for p in range(q - 4, q) if p >= 0]
            for m in matches_at(pattern, self.text, at):
                if not self.free(m.start(), m.end()):
                    continue
                canto, page = int(m.group("canto")), int(m.group("page"))
                if not g.valid_canto(canto) or not plausible_page(canto, page):
                    continue
                cited = rx.CITED_BEFORE.search(self.text[max(0, m.start() - 12) : m.start()])
                if pattern is rx.ARABIC_PAGE and page < 20 and not (context or cited):
                    continue
                if pattern is rx.ARABIC_PAGE and m.group("slash") != "/" and page < 20:
                    continue  # "1 / 3": a fraction written with spaces
                if pattern is rx.ARABIC_PAGE and rx.PAGE_REF_BEFORE.search(
                    self.text[max(0, m.start() - 12) : m.start()]
                ):
                    continue
                self.add(
                    CantoMention(m.start(), m.end(), [canto], "page", cited_page=m.group("page"))
                )

    # ordinals and groups ---------------------------------------------------------------------

    def ordinal_lists(self) -> None:
        """ "the fourth and fifth cantos", "the seventy-fourth and eighty-first cantos"."""
        if "antos" not in self.text:  # the pattern ends in "[Cc]antos"
            return
        for m in anchored(self.text, rx.ORDINAL_LIST, self.anchors):
            words = rx.ORDINAL_LIST_SEP.split(m.group("ords"))
            values = [g.ordinal_value(rx.WORD_SEP.sub(" ", w.lower())) for w in words]
            if (
                all(g.valid_canto(v) for v in values)
                and self.free(m.start(), m.end())
                and not self._foreign(m.start(), m.end())
            ):
                self.add(CantoMention(m.start(), m.end(), values, "ordinal"))

    def ordinals(self, context: bool) -> None:
        self.ordinal_lists()
        groups = g.load_groups()
        _, ordinal = group_patterns()
        for m in anchored(self.text, ordinal, self.anchors):
            if not self.free(m.start(), m.end()):
                continue
            gi, ai = group_index(m, "g"), group_index(m, "a")
            which = rx.WORD_SEP.sub(" ", m.group("ord").lower())
            count = phrase_count(m.group("count")) if m.group("count") else None
            kw = m.group("kw")
            idx = gi if gi is not None else ai
            if idx is None and kw and self.text[m.start() - 2 : m.start()] in _POSSESSIVES:
                idx = gi = self._group_ending_at(m.start() - 2)  # "Rock-Drill's first canto"
            if idx is not None:
                if ai is not None and gi is None and not kw:
                    continue  # "the first Pisan" with no noun: not enough
                grp = groups[idx]
                cantos = ordinal_slice(which, count, grp.first, grp.last)
                end = m.end() if gi is not None else m.end("kw")
                family = "group_ordinal"
            elif kw or m.group("whole"):
                if count is None and kw and kw.lower() == "cantos":
                    continue  # "the first cantos": vague
                n = g.ordinal_value(which)
                if n is None and m.group("pre"):  # "the thirtieth and last canto"
                    n = g.ordinal_value(rx.WORD_SEP.sub(" ", m.group("pre").lower()))
                if n is None or (count and n != 1):
                    continue  # "the last canto": of what?
                cantos = list(range(1, count + 1)) if count else [n]
                end, family = m.end(), "ordinal"
            else:
                n = g.ordinal_value(which)
                tail = self.text[m.end("ord") : m.end("ord") + 40]
                # "the eighty-first" alone in a canto context; a small one only after an ordinal
                # canto, as a verb's subject: "the second canto retells …, and the fourth mixes"
                if not (n and count is None):
                    continue
                if not (context and n >= 20):
                    earlier = [
                        c.start for c in self.cantos if c.family == "ordinal" and c.end <= m.start()
                    ]
                    if not earlier:  # (then the sentences need not be found)
                        continue
                    here = sentence_index(self.sentences, m.start())  # in the same sentence only
                    if not (
                        any(sentence_index(self.sentences, at) == here for at in earlier)
                        and rx.ELLIPTIC_AFTER.match(tail)
                    ):
                        continue
                if rx.ORDINAL_TAIL_NOUN.match(tail) or rx.OF_AFTER.match(tail):
                    continue
                cantos, end, family = [n], m.end("ord"), "ordinal"
            if not cantos or not all(g.valid_canto(c) for c in cantos):
                continue
            # A group's name makes the canto Pound's, whatever poem the sentence named before.
            if family != "group_ordinal" and self._foreign(m.start(), end):
                continue
            self.add(CantoMention(m.start(), end, cantos, family))

    def _group_ending_at(self, end: int) -> int | None:
        """The group whose name ends at ``end`` ("Rock-Drill" in "Rock-Drill's"), if any."""
        lower = group_lower_patterns()
        for i in self.triggered_groups():
            if any(m.end() == end for m in group_name_matches(i, self.text[:end])):
                return i
            if lower[i] and any(m.end() == end for m in lower[i].finditer(self.text[:end])):
                return i
        return None

    def groups(self) -> None:
        groups = g.load_groups()
        found = []
        lower = group_lower_patterns() if self.has_keyword else ()
        for i in self.triggered_groups():
            found += [(m.start(), -m.end(), i, m) for m in group_name_matches(i, self.text)]
            if lower and lower[i]:  # "the pisan cantos"
                found += [(m.start(), -m.end(), i, m) for m in lower[i].finditer(self.text)]
        for _, _, i, m in sorted(found, key=lambda x: x[:2]):
            if not self.free(m.start(), m.end()):
                continue
            before = self.text[max(0, m.start() - 16) : m.start()]
            if rx.INDEFINITE_BEFORE.search(before):
                continue  # "a Pisan canto", "one of the Pisan Cantos": which one is not said
            word = rx.LOWER_WORD_BEFORE.search(before)
            if word and word.group(1) in g.ORDINAL_TOKENS and m.group().lower().endswith("canto"):
                continue  # "the eleventh Pisan canto" that no ordinal pattern read: one canto
            grp = groups[i]
            if self.parenthesised(m.end()):
                continue
            self.add(CantoMention(m.start(), m.end(), grp.cantos, "group", explicit=False))

    # bare numerals in a canto context ----------------------------------------------------------

    def bare_in_context(self, context: bool) -> None:
        text = self.text
        candidates: list[tuple[re.Match, bool, bool]] = []  # (match, strong, range_words)
        for m in self.romans():
            value = roman_value(m.group())
            if not self.free(m.start(), m.end()) or not g.valid_canto(value):
                continue
            if self._blocked_bare(m.start(), m.end()) or self._continues_blocked_list(m.start()):
                continue
            before, after = text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 40]
            if rx.OPEN_BEFORE.search(before) and rx.CLOSE_PAREN.match(after) and m.group() != "I":
                self.add(CantoMention(m.start(), m.end(), [value], "roman", weak=True))
                continue
            word = rx.WORD_BEFORE.search(before)
            prev = word.group(1).lower() if word else ""
            # "of I through XC": a numeral, not the pronoun; "through" may mean "via" (no range)
            ranged = rx.RANGED_ROMAN.match(after) or rx.THROUGH_ROMAN.match(after)
            listed = rx.LISTED_ROMAN.match(after)
            strong = bool(ranged or listed) and not self._blocked_bare(m.start(), m.end() + 8)
            # "LXXXI’s ‘Pull down thy vanity’": a long numeral owning something is a canto
            strong = strong or bool(len(m.group()) >= 3 and rx.POSSESSIVE_AFTER.match(after))
            # "The manuscript of LXXII": a long numeral after a preposition
            strong = strong or (len(m.group()) >= 3 and prev in PREPOSITIONS)
            if m.group() == "I" and not ranged:
                continue
            lines_of = rx.LINES_OF_BEFORE.search(before)
            if len(m.group()) < 2 and not (strong or lines_of):
                continue
            if prev not in PREPOSITIONS and rx.YEAR_AFTER.match(after):
                continue  # a volume: "The Criterion, XIV (1935)"
            qualifies = (
                strong
                or len(m.group()) >= 3  # "called LII the start": long numerals are cantos here
                or prev in PREPOSITIONS
                or bool(rx.POSSESSIVE_AFTER.match(after))
                or bool(rx.SENTENCE_START.search(before) and rx.CLAUSE_AFTER.match(after))
                or bool(  # an apposition: "the Princess Ra-Set, XCI."
                    len(m.group()) >= 3
                    and rx.COMMA_BEFORE.search(before)
                    and rx.APPOSITION_END.match(after)
                )
                # "Canto XLV and its companion LI": a sentence already citing a numbered canto
                # (last: it needs the sentences)
                or self.cites_explicitly(m.start())
            )
            if qualifies:
                candidates.append((m, strong, prev == "from"))
        accept = context or len(candidates) >= 2
        for m, strong, range_words in candidates:
            if (strong or accept) and self.free(m.start(), m.end()):
                for item in self.numbered(
                    m.start(), m.start(), True, arabic=False, range_words=range_words
                ):
                    self.add(item)
        if any(
            c.family == "arabic" or (c.family in ("list", "range") and c.explicit)
            for c in self.cantos
        ):
            self.bare_arabic()

    def relative_cantos(self) -> None:
        """ "Canto LXXXI … In the next canto": one more (or less) than the last canto cited."""
        if not self.has_keyword or not self.cantos:
            return
        text, at = self.text, []
        for keyword in self.keyword_starts():  # the direction word ends just before one
            end = keyword
            while end and text[end - 1].isspace():
                end -= 1
            if end < keyword and text[end - 1 : end] in _DIRECTION_ENDS:
                at += [end - len(w) for w in _DIRECTIONS if text.startswith(w, end - len(w))]
        for m in matches_at(rx.RELATIVE_CANTO, text, at):
            before = [c for c in self.cantos if c.end <= m.start() and c.explicit]
            if not before or not self.free(m.start(), m.end()):
                continue
            last = max(before, key=lambda c: c.start)
            if len(last.cantos) != 1:
                continue
            n = last.cantos[0] + (
                1 if m.group("dir") in ("next", "following", "succeeding") else -1
            )
            if g.valid_canto(n) and not self._foreign(m.start(), m.end()):
                self.add(CantoMention(m.start(), m.end(), [n], "relative"))

    def bare_arabic(self) -> None:
        """ "Canto 38 … repeated in 46.": an arabic numeral after "in", once cantos are arabic."""
        at = [m.start() for m in rx.IN_DIGIT.finditer(self.text)]
        at += [m.start() for m in rx.AND_DIGIT.finditer(self.text)]
        for m in matches_at(rx.BARE_ARABIC, self.text, at):
            n = int(m.group(1))
            if (
                g.valid_canto(n)
                and self.free(m.start(1), m.end(1))
                and not rx.NUMBER_BEFORE.search(self.text[max(0, m.start() - 12) : m.start()])
            ):
                items = self.numbered(m.start(1), m.start(1), True, arabic=True)
                for item in items or [CantoMention(m.start(1), m.end(1), [n], "arabic")]:
                    self.add(item)
        # "the memories of 76 and 80", "those to 96–109": a list or range after a preposition
        text = self.text
        # ARABIC_LIST_HEAD can only start on the last three digits of a run
        heads = [max(start, end - 3) for start, end in self.marks()[1]]
        for m in matches_at(rx.ARABIC_LIST_HEAD, text, heads):
            at = m.start()
            if at and text[at - 1] in "0123456789.,/" or not self.free(at, m.end()):
                continue
            prep = rx.PREP_BEFORE.search(text, max(0, at - 12), at)
            if not prep or rx.NUMBER_BEFORE.search(text[max(0, prep.start() - 12) : prep.start()]):
                continue
            items = self.numbered(at, at, True, arabic=True)
            several = sum(len(item.cantos) for item in items) >= 2
            if several and rx.COUNTED_LIST_AFTER.match(text, items[-1].end):
                continue  # "from 2 to 3 drafts"
            if several and self.free(at, items[-1].end):
                for item in items:
                    self.add(item)

    def _continues_blocked_list(self, start: int) -> bool:
        """ "Mauberley II and III", "Henry VII and VIII": a numeral listed after one that is not
        a canto is not one either."""
        while True:
            if (
                not self.text[max(0, start - 6) : start]
                .rstrip()
                .endswith((",", "and", "&", "or", ";"))
            ):
                return False
            prev = rx.LISTED_BEFORE.search(self.text, max(0, start - 16), start)
            if not prev:
                return False
            start = prev.start("num")
            if self._blocked_bare(start, prev.end("num")):
                return True

    def _blocked_bare(self, start: int, end: int) -> bool:
        text = self.text
        before = text[max(0, start - 40) : start]
        # LABEL_NOUN's match lies in the last two words ("the Dial"): search from there
        words = before.rsplit(None, 2)
        if rx.LABEL_NOUN.search(before, len(words[0]) if len(words) == 3 else 0):
            return True
        if before.rstrip().endswith(","):
            if rx.WORK_COMMA_BEFORE.search(before):
                return True  # "Lustra, II"
            if rx.PAGE_COMMA_AFTER.match(text, end) and rx.TITLE_COMMA_BEFORE.search(before):
                return True  # "Terrell, Companion, II, 521": a volume and its page
        word = rx.NAME_BEFORE_FAST.search(before)
        if word:
            w = word.group(1)
            if w[0].isupper() and w.lower() not in g.FUNCTION_WORDS and not rx.KEYWORD.fullmatch(w):
                return True  # "Frederick II", "The Dial LXXI", "Inf. XVII", "John XIV:6"
        if rx.COUNTED_NOUN.match(text[end : end + 30]):
            return True  # "XVI Cantos", "XIX century"
        if rx.OF_OTHER_WORK.match(text[end : end + 60]):
            return True
        return self._foreign(start, end)

    def _foreign_before(self, start: int, end: int, hit: re.Match, between: str) -> bool:
        """Whether the other work named just before (``hit``, then ``between``) owns the canto."""
        text = self.text
        # A bare "Dante" near "Canto XXXVI" is Pound writing about Dante; "Dante's canto" is not.
        if text.startswith(("Canto", "CANTO"), start) and between not in ("'s ", "’s "):
            if hit.group() in g.FOREIGN_POETS:
                return False
            # "Paradiso XXX in Canto LXXIV": the other poem already has its own numeral
            if rx.NUMERAL_BETWEEN.search(between):
                return False
        # "Pound" between them, or the canto said to be his: "Pound's third canto", "… of Pound"
        return not (
            "Pound" in between
            or text.startswith("Pound", start)
            or rx.OF_POUND_AFTER.match(text, end, end + 16)
        )

    def _foreign(self, start: int, end: int) -> bool:
        """True when a canto number belongs to another poem: "Purgatorio, Canto 26"."""
        text = self.text
        before = text[max(0, start - 40) : start]
        if _has_stop(before):
            # the last sentence end: SENTENCE_END opens on one of these
            stops = starts(before, ".") + starts(before, "!") + starts(before, "?")
            cut = [m.end() for m in matches_at(rx.SENTENCE_END, before, stops)]
            if cut:
                before = before[cut[-1] :]
        # the last other work named (each name opens with a capital; most windows name none)
        first = None if before.islower() else rx.FOREIGN_WORK.search(before)
        if first:
            *_, hit = rx.FOREIGN_WORK.finditer(before, first.start())
            if self._foreign_before(start, end, hit, before[hit.end() :]):
                return True
        after = text[end : end + 60]
        if rx.OF_FOREIGN_WORK.match(after):
            return True
        title = rx.TITLE_AFTER.match(after)
        # "Canto I of The Rape of the Lock": a title that is not Pound's
        return bool(
            title
            and not rx.POUND_TITLE.search(title.group(1))
            and not rx.ROMAN_UP.fullmatch(title.group(1))
        )

    # lines -------------------------------------------------------------------------------------

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
        for pattern in (rx.COUNT_LINES, rx.PLURAL_LINES) if has_line else (rx.COUNT_LINES,):
            for m in anchored(text, pattern, self.anchors):
                if self.free(m.start(), m.end()):
                    count = m.group("count") if "count" in pattern.groupindex else None
                    lines = position_lines(m.group("which"), count or str(PLURAL_LINE_COUNT))
                    if lines:
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
                count = g.count_value(m.group("count")) if m.group("count") else None
                if count is None:
                    if m.group("noun") == "lines":
                        continue
                    count = 1
                sign = (
                    1 if m.group("dir") in ("following", "next", "subsequent", "succeeding") else -1
                )
                self.add(LineMention(m.start(), m.end(), [], "relative", relative=sign * count))
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
                    lines = line_list(m.group("lines"))
                    if lines:
                        self.add(LineMention(m.start(), m.end(), lines, "lines"))
        for m in matches_at(rx.LINE_WORDS, text, line_word_at) if words else ():
            if self.free(m.start(), m.end()):
                a = g.count_value(m.group("a"))
                b = g.count_value(m.group("b")) if m.group("b") else a
                span = g.expand_range(a, b, MAX_LINE_SPAN) if a and b else None
                if span:
                    self.add(LineMention(m.start(), m.end(), span, "lines"))
