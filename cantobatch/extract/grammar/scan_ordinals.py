"""The scanner's stages for ordinals and groups: "the fourth and fifth cantos"
(``ordinal_lists``), "the forty-fifth canto", "the first Pisan canto" (``ordinals``) and named
groups, "the Pisan Cantos" (``groups``).
"""

from __future__ import annotations

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.group_names import group_index, group_name_matches
from cantobatch.extract.grammar.groups import load_groups
from cantobatch.extract.grammar.locate import anchored, sentence_index
from cantobatch.extract.grammar.numerals import (
    count_value,
    ordinal_slice,
    ordinal_value,
    phrase_count,
)
from cantobatch.extract.grammar.patterns import group_lower_patterns, group_patterns, rx
from cantobatch.extract.grammar.scan_numerals import NumeralReading
from cantobatch.extract.grammar.scan_state import CantoMention

_POSSESSIVES = ("'s", "’s", "s'", "s’")  # before "first canto": whose canto


class OrdinalStages(NumeralReading):
    """Stages that find cantos named by ordinal words or by a group's name."""

    def ordinal_lists(self) -> None:
        """ "the fourth and fifth cantos", "the seventy-fourth and eighty-first cantos"."""
        if "antos" not in self.text:  # the pattern ends in "[Cc]antos"
            return
        for m in anchored(self.text, rx.ORDINAL_LIST, self.anchors):
            words = rx.ORDINAL_LIST_SEP.split(m.group("ords"))
            values = [ordinal_value(rx.WORD_SEP.sub(" ", w.lower())) for w in words]
            cantos = [v for v in values if g.valid_canto(v)]
            if (
                len(cantos) == len(values)
                and self.free(m.start(), m.end())
                and not self._foreign(m.start(), m.end())
            ):
                self.add(CantoMention(m.start(), m.end(), cantos, "ordinal"))

    def ordinals(self, context: bool) -> None:
        self.ordinal_lists()
        groups = load_groups()
        _, ordinal = group_patterns()
        for m in anchored(self.text, ordinal, self.anchors):
            if not self.free(m.start(), m.end()):
                continue
            gi, ai = group_index(m, "g"), group_index(m, "a")
            which = rx.WORD_SEP.sub(" ", m.group("ord").lower())
            if m.group("but"):  # "the last canto but one" counts back from the last
                if which not in ("last", "final"):
                    continue
                which = "second to last" if m.group("but") == "one" else "third to last"
            count = phrase_count(m.group("count")) if m.group("count") else None
            kw = m.group("kw")
            if kw and rx.RANKING_AFTER.match(self.text, m.end()):
                # "the first canto to be written at Pisa": which one is not said, and a group
                # named inside ("the last canto in Thrones to be drafted") is not cited whole
                self._take(m.start(), m.end())
                continue
            idx = gi if gi is not None else ai
            if idx is None and kw and self.text[m.start() - 2 : m.start()] in _POSSESSIVES:
                idx = gi = self._group_ending_at(m.start() - 2)  # "Rock-Drill's first canto"
            if idx is not None:
                if ai is not None and gi is None and not kw:
                    continue  # "the first Pisan" with no noun: not enough
                if count is None and kw and kw.lower() == "cantos":
                    # "the last cantos of Thrones": how many is not said, and the group only
                    # says where they sit
                    self._take(m.start(), m.end())
                    continue
                grp = groups[idx]
                cantos = ordinal_slice(which, count, grp.first, grp.last)
                end = m.end() if gi is not None else m.end("but" if m.group("but") else "kw")
                family = "group_ordinal"
            elif kw or m.group("whole"):
                if count is None and kw and kw.lower() == "cantos":
                    continue  # "the first cantos": vague
                n = ordinal_value(which)
                if n is None and m.group("pre"):  # "the thirtieth and last canto"
                    n = ordinal_value(rx.WORD_SEP.sub(" ", m.group("pre").lower()))
                if n is None or (count and n != 1):
                    continue  # "the last canto": of what?
                cantos = list(range(1, count + 1)) if count else [n]
                end, family = m.end(), "ordinal"
            else:
                n = ordinal_value(which)
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
                if rx.COMPOUND_AFTER.match(tail):
                    continue  # "the twentieth-century reader": a compound adjective
                cantos, end, family = [n], m.end("ord"), "ordinal"
            if not cantos or not all(g.valid_canto(c) for c in cantos):
                continue
            # A group's name makes the canto Pound's, whatever poem the sentence named before.
            if family != "group_ordinal" and self._foreign(m.start(), end):
                continue
            if (
                family == "ordinal"
                and self.text[m.start() - 2 : m.start()] in _POSSESSIVES
                and rx.OTHER_POSSESSOR_BEFORE.search(self.text, max(0, m.start() - 24), m.start())
            ):
                continue  # "Pope's second canto": another poet's (not "Pound's", "his")
            self.add(CantoMention(m.start(), end, cantos, family))

    def _group_ending_at(self, end: int) -> int | None:
        """The group whose name ends at ``end`` ("Rock-Drill" in "Rock-Drill's"), if any."""
        lower = group_lower_patterns()
        for i in self.triggered_groups():
            if any(m.end() == end for m in group_name_matches(i, self.text[:end])):
                return i
            lower_names = lower[i]
            if lower_names and any(m.end() == end for m in lower_names.finditer(self.text[:end])):
                return i
        return None

    def groups(self) -> None:
        groups = load_groups()
        found = []
        lower = group_lower_patterns() if self.has_keyword else ()
        for i in self.triggered_groups():
            found += [(m.start(), -m.end(), i, m) for m in group_name_matches(i, self.text)]
            lower_names = lower[i] if lower else None
            if lower_names:  # "the pisan cantos"
                found += [(m.start(), -m.end(), i, m) for m in lower_names.finditer(self.text)]
        for _, _, i, m in sorted(found, key=lambda x: x[:2]):
            if not self.free(m.start(), m.end()):
                continue
            before = self.text[max(0, m.start() - 24) : m.start()]
            if rx.INDEFINITE_BEFORE.search(before):
                continue  # "a Pisan canto", "one of the Pisan Cantos": which one is not said
            counted = rx.COUNT_BEFORE_GROUP.search(before) if before[-1:].isspace() else None
            if counted and (count_value(counted.group("count")) or 0) < len(groups[i].cantos):
                continue  # "two Pisan cantos": which two is not said
            grp = groups[i]
            if m.group() in grp.context_only and not (self.has_keyword or "Pound" in self.text):
                continue  # "The Pisans fought Genoa": the people, in a passage not about Pound
            if (
                len(grp.cantos) > 1
                and m.group().lower().endswith("canto")
                and not rx.EVERY_BEFORE.search(before)
            ):
                # "the Pisan canto with the ants", "this Adams canto", "the eleventh Pisan canto"
                # that no ordinal pattern read: one canto of the group, which is not said
                continue
            if rx.VAGUE_CANTO_OF_BEFORE.search(before):
                continue  # "a canto of Thrones": the group only says where one canto sits
            if ("'s" in before or "’s" in before) and rx.POET_OWNS_BEFORE.search(before):
                continue  # "Dante's hell cantos": another poet's
            if rx.FOREIGN_OWNS_AFTER.match(self.text, m.end(), m.end() + 48):
                continue  # "the Hell Cantos of the Inferno"
            if self.parenthesised(m.end()):
                continue
            self.add(CantoMention(m.start(), m.end(), grp.cantos, "group", explicit=False))
