"""The scanner's stages for numbered cantos: after the keyword "Canto(s)" (``keywords``), bare
numerals with a line or page suffix (``bare_with_suffix``), canto/page pairs (``canto_pages``),
bare numerals in a canto context (``bare_in_context``, ``bare_arabic``) and "the next canto"
(``relative_cantos``).
"""

from __future__ import annotations

import re

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.locate import matches_at, starts
from cantobatch.extract.grammar.numerals import (
    count_value,
    expand_range,
    numeral_value,
    ordinal_value,
    plausible_page,
    slash_run,
)
from cantobatch.extract.grammar.patterns import PREPOSITIONS, rx
from cantobatch.extract.grammar.scan_numerals import NumeralReading
from cantobatch.extract.grammar.scan_state import CantoMention

# The first characters of a roman or arabic numeral, which no number word starts with.
_NOT_WORD_HEADS = frozenset("IVXLCivxlc0123456789")
_DIRECTIONS = ("next", "following", "succeeding", "preceding", "previous")  # RELATIVE_CANTO's
_DIRECTION_ENDS = frozenset(w[-1] for w in _DIRECTIONS)
# An essay numbers its sections I, II, III … on lines of their own: a numeral up to this one alone
# on its line is a section's number; a higher one ("XLV" over its glosses) may head a canto's
SECTION_NUMBER_MAX = 12
# "85/89" is a run of cantos alone from this canto on; below it, only where cantos are spoken of
SLASH_RUN_ALONE = 40


class CantoStages(NumeralReading):
    """Stages that find cantos named by numerals."""

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
            a, b = numeral_value(m.group("a")), numeral_value(m.group("b"))
            span = expand_range(a, b) if a and b else None
            same = m.group("a").isdigit() == m.group("b").isdigit()
            if span and same and g.valid_canto(span[-1]) and not self._foreign(m.start(), m.end()):
                self.add(CantoMention(m.start(), m.end(), span, "range"))
        paired = sorted(keyword_at)  # two keywords close together: "Canto LII through Canto LXI"
        paired = [p for p, q in zip(paired, paired[1:], strict=False) if q - p <= 32]
        for m in matches_at(rx.CANTO_THROUGH, text, paired):
            a, b = numeral_value(m.group("a")), numeral_value(m.group("b"))
            span = expand_range(a, b) if a and b else None
            same = m.group("a").isdigit() == m.group("b").isdigit()
            if (
                span
                and same
                and g.valid_canto(span[-1])
                and self.free(m.start(), m.end())
                and not self._foreign(m.start(), m.end())
            ):
                self.add(CantoMention(m.start(), m.end(), span, "range"))
        for m in matches_at(rx.KEYWORD, text, keyword_at):
            if not self.free(m.start(), m.end()):
                continue
            gap = rx.KEYWORD_GAP.match(text, m.end(), m.end() + 40)
            if not gap:
                if not self.counted_apposition(m):
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
                # the other poem's numerals: no later stage reads them ("Cantos III-V of Don Juan")
                self._take(m.start(), items[-1].end)
                continue
            if items:
                for item in items:
                    self.add(item)
            elif not self.parenthesised(m.end()):
                self.keyword_the_ordinal(m)

    def counted_apposition(self, keyword: re.Match) -> bool:
        """ "Two cantos, 47 and 49, are paired", "Both cantos, 72 and 73, …": numerals set off
        after a count of cantos name them when there are as many as it counts."""
        text = self.text
        if keyword.group()[-1:] not in ("s", "S"):
            return False
        count = rx.COUNT_BEFORE_KEYWORD.search(text, max(0, keyword.start() - 16), keyword.start())
        gap = rx.COUNTED_LIST_GAP.match(text, keyword.end()) if count else None
        if not gap:
            return False
        items = self.numbered(gap.end(), keyword.start(), True, arabic=True)
        word = count.group("count").lower()
        wanted = 2 if word == "both" else count_value(word)
        if not items or sum(len(item.cantos) for item in items) != wanted:
            return False  # "Two cantos, 45 and 51 and 74, …": not the two counted
        if not rx.COUNTED_LIST_END.match(text, items[-1].end) or not self.free(
            gap.end(), items[-1].end
        ):
            return False
        if self._foreign(keyword.start(), items[-1].end):
            self._take(keyword.start(), items[-1].end)  # "Two cantos, 3 and 4, of Don Juan"
        else:
            for item in items:
                self.add(item)
        return True

    def keyword_the_ordinal(self, keyword: re.Match) -> None:
        """ "Canto the Seventeenth" (Don Juan's "Canto the First" is refused as another poem's)."""
        if keyword.group() not in ("Canto", "CANTO"):
            return  # "the canto the first reviewers hated"
        m = rx.KEYWORD_THE_ORDINAL.match(self.text, keyword.end())
        if not m or not m.group("ord")[0].isupper():
            return
        n = ordinal_value(rx.WORD_SEP.sub(" ", m.group("ord").lower()))
        if g.valid_canto(n) and not self._foreign(keyword.start(), m.end()):
            self.add(CantoMention(keyword.start(), m.end(), [n], "ordinal"))

    def bare_with_suffix(self) -> None:
        text = self.text
        for m in self.romans():
            if not self.free(m.start(), m.end()) or not g.valid_canto(numeral_value(m.group())):
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
                # (a range of pages is cited whole, "79/484-92", and checked by its first)
                first = m.groupdict().get("first") or m.group("page")
                canto, page = int(m.group("canto")), int(first)
                if not g.valid_canto(canto):
                    continue
                if not plausible_page(canto, page):
                    if pattern is rx.ARABIC_PAGE:
                        self._slash_run(m, canto, context)
                    continue
                cited = rx.CITED_BEFORE.search(self.text[max(0, m.start() - 12) : m.start()])
                if (
                    pattern is rx.ARABIC_PAGE
                    and page < 20
                    and not (context or cited or self.conventions.canto_pages)
                ):
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

    def _slash_run(self, m: re.Match, canto: int, context: bool) -> None:
        """ "85/89" in Pound's letters: cantos 85 to 89 (the second number is no page of 85's).
        Below canto 40 slashes are fractions, time signatures and scores unless the passage
        speaks of cantos ("7/8", "25/32", "24/19")."""
        if m.group("slash") != "/" or m.group("page") != m.group("first"):
            return
        run = slash_run(canto, m.group("page"))
        if not run:
            return
        spoken_of = context or self.triggered_groups()
        # alone, two numbers a step apart are a season or a pair of years ("the 45/46 season")
        if not spoken_of and (canto < SLASH_RUN_ALONE or len(run) < 3):
            return
        before = self.text[max(0, m.start() - 16) : m.start()]
        if rx.PAGE_REF_BEFORE.search(before) or rx.RUN_SCORE_BEFORE.search(before):
            return  # "pp. 85/89", "scored 85/90"
        if rx.RUN_NOUN_AFTER.match(self.text, m.end()):
            return  # "45/50 votes", "85/89 mmHg"
        self.add(CantoMention(m.start(), m.end(), run, "range"))

    def bare_in_context(self, context: bool) -> None:
        text = self.text
        candidates: list[tuple[re.Match, bool, bool]] = []  # (match, strong, range_words)
        for m in self.romans():
            value = numeral_value(m.group())
            if not self.free(m.start(), m.end()) or not g.valid_canto(value):
                continue
            if self._blocked_bare(m.start(), m.end()) or self._continues_blocked_list(m.start()):
                continue
            before, after = text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 40]
            if value <= SECTION_NUMBER_MAX and self._alone_on_its_line(m):
                continue  # "…\n\nIII\n\n…": an essay's section number
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

    def _alone_on_its_line(self, m: re.Match) -> bool:
        """Nothing but spaces (and a full stop after it) shares the numeral's line."""
        text = self.text
        if not rx.LINE_END_AFTER.match(text, m.end()):
            return False
        line_start = text.rfind("\n", 0, m.start()) + 1
        return not text[line_start : m.start()].strip()

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
        """ "Canto 38 … repeated in 46.", "… the Paradiso beginning with 90.": an arabic numeral
        after "in" (or "begins with"), once cantos are arabic."""
        scouted = [m.start() for m in rx.IN_DIGIT.finditer(self.text)]
        scouted += [m.start() for m in rx.AND_DIGIT.finditer(self.text)]
        for m in rx.WITH_DIGIT.finditer(self.text):  # the verb before "with": "beginning with 90"
            verb = rx.WORD_BEFORE.search(self.text, max(0, m.start() - 12), m.start())
            if verb:
                scouted.append(verb.start(1))
        for m in matches_at(rx.BARE_ARABIC, self.text, scouted):
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
