"""The scanner's stages for reference-work notations that cite a canto without the word "canto":
Terrell's ``[canto:gloss]`` cross-references (``bracket_glosses``), a roman canto and its page
in parentheses, "(LXXXV, 545)", "(C XLV, 229)", or after "Ibid." (``parenthesised_pages``), a
footnote's "C. 13, pp. 58-60" (``sigil_pages``), and the Cantos Project's gloss numbers, "OCCEP
IV: n.13" (``note_numbers``). Canto/page pairs and "85/89" runs are ``scan_cantos.canto_pages``'.
"""

from __future__ import annotations

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.locate import matches_at, starts
from cantobatch.extract.grammar.numerals import numeral_value, plausible_page
from cantobatch.extract.grammar.patterns import rx
from cantobatch.extract.grammar.scan_numerals import NumeralReading
from cantobatch.extract.grammar.scan_state import CantoMention


class ReferenceWorkStages(NumeralReading):
    """Stages for the notations of companions, glossaries and indexes."""

    def bracket_glosses(self) -> None:
        """ "[76:217]", "[cf. 74:279; 80:361]": Terrell's canto and gloss number. The second
        number is a gloss of his Companion, not a line, so the canto is cited whole."""
        text = self.text
        if "[" not in text or ":" not in text:
            return
        for m in matches_at(rx.BRACKET_GLOSSES, text, starts(text, "[")):
            if rx.RATIO_BEFORE.search(text, max(0, m.start() - 24), m.start()):
                continue  # "the proportion [3:2]"
            for item in rx.GLOSS_PAIR.finditer(text, m.start(), m.end()):
                canto = int(item.group("canto"))
                if g.valid_canto(canto) and self.free(item.start(), item.end()):
                    self.add(CantoMention(item.start(), item.end(), [canto], "gloss"))

    def parenthesised_pages(self) -> None:
        """ "(LXXXV, 545)", "(C XLV, 229)", "(XCIII, 623; XCIV, 634)": a roman canto and a page
        where that canto is printed, alone in a parenthesis (or after the Cantos' sigil C); and
        in a footnote after "Ibid.", the page closing it: "Ibid., LXXX, 505." """
        text = self.text
        ibid = "bid" in text or "Id." in text
        if "," not in text or ("(" not in text and "[" not in text and not ibid):
            return
        for m in self.romans():
            numeral = m.group()
            if len(numeral) < 2:
                continue
            opening = text[max(0, m.start() - 8) : m.start()]  # (a cheap look before the regex)
            if "(" in opening or "[" in opening or ";" in opening:
                before, page_after = rx.PAREN_BEFORE, rx.PAREN_PAGE_AFTER
            elif ibid and ("bid" in opening or "Id." in opening):
                before, page_after = rx.IBID_BEFORE, rx.IBID_PAGE_AFTER
            else:
                continue
            if not before.search(opening) or not self.free(m.start(), m.end()):
                continue
            after = page_after.match(text, m.end())
            canto = numeral_value(numeral)
            if not after or not g.valid_canto(canto):
                continue
            page = after.group("page")
            if not plausible_page(canto, int(rx.PAGE_FIRST.match(page).group())):
                continue  # "(II, 521)": a volume and its page
            if self._blocked_bare(m.start(), m.end()):
                continue
            self.add(CantoMention(m.start(), after.end("page"), [canto], "page", cited_page=page))

    def sigil_pages(self) -> None:
        """ "C. 13, pp. 58-60", "C. XCIX, p. 722": a footnote's "C." for Canto, the canto and a
        page where it is printed (a page that could not be the canto's refuses: "C. 2, p. 310")."""
        text = self.text
        if "C." not in text:
            return
        for m in matches_at(rx.SIGIL_DOT_PAGE, text, starts(text, "C.")):
            canto = numeral_value(m.group("canto"))
            page = m.group("page")
            if not g.valid_canto(canto) or not self.free(m.start(), m.end()):
                continue
            if not plausible_page(canto, int(rx.PAGE_FIRST.match(page).group())):
                continue
            if not self._foreign(m.start("canto"), m.end()):  # (not "Inferno, C. 5, p. 30")
                self.add(CantoMention(m.start(), m.end(), [canto], "page", cited_page=page))

    def note_numbers(self) -> None:
        """ "OCCEP IV: n.13", "(Bressan, OCCEP IV: n.3)", "XXVII: n.5": the Cantos Project's
        gloss numbers, each of a canto named by its numeral."""
        text = self.text
        if ": n" not in text and ":n" not in text:
            return
        for m in self.romans():
            after = rx.NOTE_AFTER.match(text, m.end())
            canto = numeral_value(m.group())
            if not after or not g.valid_canto(canto) or not self.free(m.start(), after.end()):
                continue
            if self._blocked_bare(m.start(), m.end()):
                continue  # "Agenda IV: n.2", "Mauberley IV: n.3"
            self.add(CantoMention(m.start(), after.end(), [canto], "gloss"))
