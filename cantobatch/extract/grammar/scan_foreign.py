"""The scanner's stages for scholarship in Italian, French, Spanish, Portuguese and German: counts
over the poem ("i primi trenta Cantos", "les trois premiers Cantos", ``foreign_counts``), the
groups' titles ("i Canti pisani", "die Pisaner Cantos", "La Cinquième Décade",
``foreign_groups``) and ordinals ("il primo Canto", "im 45. Canto", "o primeiro Canto Pisano",
"l'ultimo dei Canti pisani", ``foreign_ordinals`` and ``group_ordinal_before``). Their number
words are ``foreign_numbers``'; the titles are the group table's (``groups.toml``, ``foreign``).

An Italian, Spanish or Portuguese "canto" is also Dante's, Camões' and a song: the word in lower
case counts only in a passage that names Pound or his Cantos ("i primi venti canti di Pound"),
and never before another poem's name (``_foreign``). A passage of English prose (``the``, ``of``
and ``and`` in it) is not looked at: these stages would cost English passages a tenth of the
grammar's time for nothing.
"""

from __future__ import annotations

import re
from functools import cache

from cantobatch.extract.grammar.foreign_numbers import (
    foreign_count,
    foreign_ordinal,
    ordinal_last_words,
)
from cantobatch.extract.grammar.group_names import anchored_matches
from cantobatch.extract.grammar.groups import load_groups
from cantobatch.extract.grammar.patterns import rx
from cantobatch.extract.grammar.patterns_foreign import (
    foreign_adjective_patterns,
    foreign_title_patterns,
)
from cantobatch.extract.grammar.scan_numerals import NumeralReading
from cantobatch.extract.grammar.scan_state import CantoMention

# Every FOREIGN_FIRST_COUNT match holds one of these, lower-cased
_FIRST_NEEDLES = ("prim", "premi", "ersten")
# The words that stand just before a group's title when another language picks some or one of
# its cantos ("uno dei", "il secondo dei", "einer der", "el último de los"): FOREIGN_SOME_BEFORE
# and FOREIGN_OF_BEFORE are tried only after one of these
FOREIGN_BEFORE_TITLE = frozenset(
    ["dei", "degli", "delle", "los", "las", "des", "dos", "das", "der", "di", "de", "un", "uno",
     "una", "um", "uma", "une", "einer", "eines", "ein", "eine", "alcuni", "alcune", "algunos",
     "algunas", "alguns", "algumas", "quelques", "quelques-uns", "einige", "molti", "molte",
     "muchos", "muitos", "plusieurs", "mehrere", "qualche"]
)  # fmt: skip
# "the last", "the penultimate" in those languages: positions from the end
_FROM_THE_END = {
    **dict.fromkeys(["ultimo", "ultima", "último", "última", "dernier", "dernière"], -1),
    **dict.fromkeys(["letzte", "letzten", "letzter", "letztes", "letztem"], -1),
    **dict.fromkeys(["penultimo", "penultima", "penúltimo", "penúltima"], -2),
    **dict.fromkeys(["vorletzte", "vorletzten", "vorletzter", "avant-dernier"], -2),
    "avant-dernière": -2,
}
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|(?<!\d)\d{1,3}(?:\.?[°º]|\.ª|ª|ème|e|\.)(?!\w)")
# Italian singular ordinals, the only ones that go with "Cantos" as one canto ("nel secondo
# Cantos"); a plural one with it is vague ("i primi Cantos")
_SINGULAR_ENDINGS = ("o", "a")


class ForeignStages(NumeralReading):
    """Stages for citations written in other languages than English."""

    def _pound_named(self) -> bool:
        """The passage names Pound or his Cantos (so a lower-case "canti" may be his)."""
        return "Pound" in self.text or "Cantos" in self.text or "pound" in self.lower

    def foreign_counts(self) -> None:
        """ "i primi trenta Cantos", "les trois premiers Cantos": the first cantos of the poem."""
        lower = self.lower
        if not self.has_keyword or self.is_english_prose():
            return
        if not any(needle in lower for needle in _FIRST_NEEDLES):
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

    def foreign_groups(self) -> None:
        """ "i Canti pisani", "les Cantos pisans", "die Pisaner Cantos": a group by its title in
        another language; "l'ultimo dei Canti pisani": one canto of it."""
        if self.is_english_prose():
            return
        groups, patterns = load_groups(), foreign_title_patterns()
        for i in self.foreign_title_groups():
            grp = groups[i]
            for m in anchored_matches(patterns[i], self.text):
                if not self.free(m.start(), m.end()):
                    continue
                if m.group() in grp.foreign_context_only and not self._pound_named():
                    continue  # "los tronos", "Troni": thrones
                if self.group_ordinal_before(m, i):
                    continue
                before = self.text[max(0, m.start() - 32) : m.start()]
                if rx.FOREIGN_SOME_BEFORE.search(before):
                    continue  # "uno dei Canti pisani": which is not said
                counted = rx.FOREIGN_COUNT_BEFORE.search(before)
                if counted and (foreign_count(counted.group("count")) or 0) < len(grp.cantos):
                    continue  # "due canti pisani"; "gli undici canti pisani" are all of them
                if self._foreign(m.start(), m.end()):
                    continue
                if self.parenthesised(m.end()):
                    continue
                self.add(CantoMention(m.start(), m.end(), grp.cantos, "group", explicit=False))

    def group_ordinal_before(self, title: re.Match, index: int) -> bool:
        """ "il terzo dei Canti pisani", "El último de los Cantos pisanos", "der letzte der
        Pisaner Cantos" before the group's title ``title``: that canto of the group, added."""
        of = rx.FOREIGN_OF_BEFORE.search(self.text, max(0, title.start() - 16), title.start())
        found = self._ordinal_ending_at(of.start()) if of else None
        if found is None:
            return False
        value, start = found
        canto = _in_group(index, value)
        if canto is None or not self.free(start, title.end()):
            return False
        self.add(CantoMention(start, title.end(), [canto], "group_ordinal"))
        return True

    def _ordinal_ending_at(self, end: int) -> tuple[int, int] | None:
        """(value, start) of an ordinal in words or figures that ends just before ``end`` (spaces
        after it allowed): "primo", "quarante-neuvième", "cuadragésimo quinto", "45.", "ultimo"
        (-1); None if none does."""
        text = self.text
        tokens = list(_WORDS.finditer(text, max(0, end - 48), end))[-4:]
        if not tokens or text[tokens[-1].end() : end].strip():
            return None
        for k in range(len(tokens), 0, -1):
            chosen = tokens[-k:]
            if any(
                text[a.end() : b.start()].strip() for a, b in zip(chosen, chosen[1:], strict=False)
            ):
                continue  # (only spaces inside an ordinal: "vingt et unième")
            phrase = " ".join(t.group() for t in chosen).lower()
            value = _FROM_THE_END.get(phrase) if k == 1 else None
            if value is None:
                value = foreign_ordinal(phrase)
            if value is not None:
                return value, chosen[0].start()
        return None

    def foreign_ordinals(self) -> None:
        """ "Il primo Canto", "Le quarante-neuvième Canto", "Im 45. Canto", "o primeiro Canto
        Pisano", "im ersten Pisaner Canto": an ordinal in another language before "Canto"."""
        if not self.has_keyword or self.is_english_prose():
            return
        text = self.text
        adjectives = foreign_adjective_patterns()
        last_words = _last_words()
        for kw in self.keyword_starts():
            # the word before (or the one before that, past a group's adjective) must end an
            # ordinal: most "canto"s follow "the", "this", "his" and stop here
            words_before = text[max(0, kw - 40) : kw].lower().split()[-2:]
            if not any(
                w.rsplit("-", 1)[-1] in last_words or (w[:1].isdigit() and not w.isdigit())
                for w in words_before
            ):
                continue
            m = rx.FOREIGN_CANTO.match(text, kw)
            if not m or not self.free(kw, m.end()):
                continue
            group, before = None, kw
            adjective = rx.FOREIGN_ADJECTIVE_BEFORE.search(text, max(0, kw - 16), kw)
            if adjective:  # "im ersten Pisaner Canto"
                group = _adjective_group(adjectives, adjective.group("adj"))
                if group is not None:
                    before = adjective.start("adj")
            found = self._ordinal_ending_at(before)
            if found is None:
                continue
            value, start = found
            end = m.end()
            after = rx.FOREIGN_ADJECTIVE_AFTER.match(text, end) if group is None else None
            if after:  # "o primeiro Canto Pisano"
                group = _adjective_group(adjectives, after.group("adj"))
                end = after.end() if group is not None else end
            keyword = m.group("kw")
            ordinal = text[start:before].split()[-1].lower()
            if keyword == "Cantos" and not ordinal.endswith(_SINGULAR_ENDINGS):
                continue  # "i primi Cantos": which is not said
            if keyword[0].islower() and (
                not self._pound_named() or rx.FOREIGN_RELATIVE_AFTER.match(text, end)
            ):
                continue  # "il primo canto del gallo", "il primo canto che imparò"
            if group is not None:
                canto, family = _in_group(group, value), "group_ordinal"
            else:
                canto, family = (value if value > 0 else None), "ordinal"  # ("l'ultimo canto")
                if canto and self._foreign(start, end):
                    continue  # "il primo Canto dell'Inferno"
            if canto and 1 <= canto <= 120 and self.free(start, end):
                self.add(CantoMention(start, end, [canto], family))


@cache
def _last_words() -> frozenset[str]:
    """Every word that can end an ordinal before "Canto" ("primo", "neuvième", "último")."""
    return ordinal_last_words() | frozenset(_FROM_THE_END)


def _in_group(index: int, value: int) -> int | None:
    """The ``value``-th canto of group ``index`` (from the end when negative), if it has one."""
    grp = load_groups()[index]
    canto = grp.first + value - 1 if value > 0 else grp.last + value + 1
    return canto if grp.first <= canto <= grp.last else None


def _adjective_group(adjectives: tuple[re.Pattern | None, ...], word: str) -> int | None:
    """The group whose adjective ``word`` is ("Pisaner", "Pisano"), if any."""
    return next((i for i, a in enumerate(adjectives) if a and a.fullmatch(word)), None)
