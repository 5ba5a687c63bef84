"""Numerals where a stage found them: a list or a range with its line or page suffix
(``numbered``), numerals in parentheses (``parenthesised``), and whether a numeral is a canto of
Pound's at all or another work's (``_blocked_bare``, ``_foreign``). Each numeral's value is read
by ``numerals``.
"""

from __future__ import annotations

import re

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.locate import matches_at, starts
from cantobatch.extract.grammar.numerals import (
    expand_range,
    line_list,
    numeral_at,
    numeral_value,
    plausible_page,
    slash_run,
)
from cantobatch.extract.grammar.patterns import rx
from cantobatch.extract.grammar.scan_state import CantoMention, ScanState

_FAMILY_OF_KIND = {"low": "roman", "word": "arabic"}  # a numeral's kind → its family
# A range from the first canto to this one or past it is the whole poem ("Cantos 1-117")
WHOLE_POEM_FROM = 116
DANTE_MAX_CANTO = 34  # the Inferno's cantos; the Purgatorio and the Paradiso have 33
# How FOREIGN_WORK's names of Dante's poem begin, and his canticles in English
_DANTE_NAMES = ("Inf", "Purg", "Par", "Divin", "Commedia", "Dante")
_CANTICLES = ("Hell", "Purgatory")
_DANTE_LOWER = tuple(name.lower() for name in _DANTE_NAMES)
_OWNER_NAMES_LOWER = _DANTE_LOWER + tuple(name.lower() for name in _CANTICLES)


def _has_stop(s: str) -> bool:
    return "." in s or "?" in s or "!" in s  # a sentence end (SENTENCE_END) needs one


class NumeralReading(ScanState):
    """What every canto stage uses to read the numerals it finds and to refuse other works'."""

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
        text = self.text
        items: list[CantoMention] = []
        first_kind: str | None = None
        while True:
            num = numeral_at(text, pos, arabic, words)
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
            second = numeral_at(text, d.end(), arabic, words) if d else None
            if second and second[2] == kind:
                span = expand_range(first, second[1]) if second[1] is not None else None
                if span and g.valid_canto(span[-1]) and len(span) > 1:
                    end, cantos, family = second[0], span, "range"
                if span and span[0] == 1 and span[-1] >= WHOLE_POEM_FROM:
                    # "The Cantos (1-117)", "Cantos I–CXVII": the poem as a whole, which the
                    # user's labels give no reference; taken, so that no stage reads its numerals
                    self._take(item_start, second[0])
                    break
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
                    from_end = rx.FROM_THE_END.match(text, end) if len(lines) == 1 else None
                    if from_end:  # "Canto I, line 3 from the end"
                        lines, end = [-lines[0]], from_end.end()
            if not lines:
                p = rx.SUFFIX_PAGE.match(text, end)
                if p and len(cantos) == 1:
                    page = next(x for x in p.groups() if x)
                    # a page far from where the canto is printed is another book's: "Paideuma
                    # 8.2, on Canto LXXXI, pp. 243-7", "Terrell, Companion, II, p. 521"
                    if plausible_page(cantos[0], int(rx.PAGE_FIRST.match(page).group())):
                        end, family = p.end(), "page"
                    else:
                        # "Cantos 31/34": a run of cantos, as Pound's letters write them
                        slashed = p.group("page") if kind == "arabic" else None
                        run = slash_run(first, slashed) if slashed else None
                        if run and not rx.RUN_NOUN_AFTER.match(text, p.end()):
                            end, cantos, family = p.end(), run, "range"
                        page = None
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

    def parenthesised(self, pos: int) -> bool:
        """Numerals filling a parenthesis (or brackets) after a group or "Cantos": "China Cantos
        (52–61)", "HELL CANTOS [XIV–XV]"."""
        m = rx.OPEN_PAREN.match(self.text, pos, pos + 12)
        if not m:
            return False
        start = m.end()
        items = self.numbered(start, start, allow_list=True, arabic=True)
        if not items or not rx.CLOSE_PAREN.match(self.text, items[-1].end):
            return False
        if not self.free(start, items[-1].end):
            return False  # read already: "the Pisan sequence [74:135]", Terrell's gloss
        for item in items:
            self.add(item)
        return True

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
        if text.startswith(".", end):
            book = rx.BOOK_DOT_CANTO_AFTER.match(text, end)
            if book:  # "II.vii.3-5": a book and its canto, another poem's; no stage reads it
                self._take(start, book.end())
                return True
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
        if word and word.group(1) in ("C", "OCCEP") and rx.SIGIL_BEFORE.search(before):
            word = None  # "(C XLV, 229)", "OCCEP IV: n.13": the poem's sigil, not another book
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
        lower = self.is_lower_case()  # (a passage typed without capitals: "dante", "canto")
        # A bare "Dante" near "Canto XXXVI" is Pound writing about Dante; "Dante's canto" is not.
        # (a quotation mark may open the title after the possessive: "Neruda's “Canto XII”")
        possessive = between.rstrip(" \"“‘'") in ("'s", "’s")
        keyword = ("Canto", "CANTO", "canto") if lower else ("Canto", "CANTO")
        if text.startswith(keyword, start) and not possessive:
            if hit.group().capitalize() in g.FOREIGN_POETS:
                return False
            # "Paradiso XXX in Canto LXXIV": the other poem already has its own numeral
            if (rx.NUMERAL_BETWEEN_LOWER if lower else rx.NUMERAL_BETWEEN).search(between):
                return False
        # "Pound" between them, or the canto said to be his: "Pound's third canto", "… of Pound"
        return not (
            "Pound" in between
            or text.startswith("Pound", start)
            or rx.OF_POUND_AFTER.match(text, end, end + 24)
        )

    def _beyond_dante(self, start: int, end: int) -> bool:
        """The first numeral in ``start:end`` (the canto, before any line or page) is past every
        canto of Dante's (the Inferno has 34): "Unlike the Inferno, Canto XLV …" is Pound's."""
        first = rx.FIRST_NUMERAL.search(self.text, start, end)
        value = numeral_value(first.group()) if first else None
        return value is not None and value > DANTE_MAX_CANTO

    def _foreign(self, start: int, end: int) -> bool:
        """True when a canto number belongs to another poem: "Purgatorio, Canto 26"."""
        text = self.text
        before = text[max(0, start - 40) : start]
        if _has_stop(before):
            # the last sentence end: SENTENCE_END opens on one of these
            stops = starts(before, ".") + starts(before, "!") + starts(before, "?")
            # (with the mention's first character, which SENTENCE_END looks ahead to: "Orlando
            # Furioso. Cantos I–XVI" ends a sentence just before the mention)
            ahead = text[max(0, start - 40) : start + 1]
            cut = [m.end() for m in matches_at(rx.SENTENCE_END, ahead, stops)]
            if cut:
                before = before[cut[-1] :]
        # the last other work named (each name opens with a capital; most windows name none),
        # or in a passage typed without capitals, its name without them
        lower = self.is_lower_case()
        works = rx.FOREIGN_WORK_LOWER if lower else rx.FOREIGN_WORK
        first = None if before.islower() and not lower else works.search(before)
        if first:
            *_, hit = works.finditer(before, first.start())
            if self._foreign_before(start, end, hit, before[hit.end() :]) and not (
                hit.group().lower().startswith(_DANTE_LOWER) and self._beyond_dante(start, end)
            ):
                # "Compared with the Inferno, Canto XIV …", "The Faerie Queene is allegory; Canto
                # 47 is ritual": the other poem is what the canto is set against, not its owner
                # (the passage's owner, ``owners``, still decides where Pound is not named)
                set_against = ";" in before[hit.end() :] or rx.COMPARED_BEFORE.search(
                    before, max(0, hit.start() - 32), hit.start()
                )
                if not set_against:
                    return True
        # Dante's canticles in English, just before: "Dante's Hell, Canto V", "Paradise Canto III"
        if (
            ("Purgatory" in before or "Paradise" in before or "Hell" in before)
            and rx.CANTICLE_BEFORE.search(before)
            and not self._beyond_dante(start, end)
        ):
            return True
        window = text[max(0, start - 24) : start]  # (not cut at "Bk. II")
        if ("ook" in window or "Bk" in window or "BOOK" in window) and rx.BOOK_BEFORE.search(
            window
        ):
            return True  # "Book III, canto vi": a poem in books of cantos
        after = text[end : end + 60]
        owner = (
            rx.OF_FOREIGN_WORK.match(after)
            or rx.CANTICLE_AFTER.match(after)
            or (rx.OF_FOREIGN_WORK_LOWER.match(after) if lower else None)
        )
        if owner and not (
            any(name in owner.group().lower() for name in _OWNER_NAMES_LOWER)
            and self._beyond_dante(start, end)
        ):
            return True
        title = rx.TITLE_AFTER.match(after)
        # "Canto I of The Rape of the Lock": a title that is not Pound's
        return bool(
            title
            and not rx.POUND_TITLE.search(title.group(1))
            and not rx.ROMAN_UP.fullmatch(title.group(1))
        )
