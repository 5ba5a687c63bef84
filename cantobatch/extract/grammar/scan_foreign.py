"""The scanner's stages for scholarship in Italian, French, Spanish, Portuguese and German: counts
over the poem ("i primi trenta Cantos", "les trois premiers Cantos", "die ersten sieben Cantos")
in ``foreign_counts``. Their number words are ``foreign_numbers``'.

An Italian, Spanish or Portuguese "canto" is also Dante's, Camões' and a song: the word in lower
case counts only in a passage that names Pound or his Cantos ("i primi venti canti di Pound"),
and never before another poem's name (``_foreign``).
"""

from __future__ import annotations

from cantobatch.extract.grammar.foreign_numbers import foreign_count
from cantobatch.extract.grammar.patterns import rx
from cantobatch.extract.grammar.scan_numerals import NumeralReading
from cantobatch.extract.grammar.scan_state import CantoMention

# Every FOREIGN_FIRST_COUNT match holds one of these, lower-cased
_FIRST_NEEDLES = ("primi", "premi", "primer", "primei", "ersten")


class ForeignStages(NumeralReading):
    """Stages for citations written in other languages than English."""

    def _pound_named(self) -> bool:
        """The passage names Pound or his Cantos (so a lower-case "canti" may be his)."""
        return "Pound" in self.text or "Cantos" in self.text or "pound" in self.lower

    def foreign_counts(self) -> None:
        """ "i primi trenta Cantos", "les trois premiers Cantos": the first cantos of the poem."""
        lower = self.lower
        if not self.has_keyword or not any(needle in lower for needle in _FIRST_NEEDLES):
            return
        for m in rx.FOREIGN_FIRST_COUNT.finditer(self.text):
            count = foreign_count(m.group("c1") or m.group("c2"))
            if not count or count < 2 or count > 120 or not self.free(m.start(), m.end()):
                continue
            if m.group("kw")[0].islower() and not self._pound_named():
                continue  # "i primi due canti popolari": songs
            if self._foreign(m.start(), m.end()):
                continue  # "i primi tre canti dell'Inferno"
            self.add(CantoMention(m.start(), m.end(), list(range(1, count + 1)), "ordinal"))
