"""The scanner's stages for ordinals and groups: "the fourth and fifth cantos"
(``ordinal_lists``), "the forty-fifth canto", "the first Pisan canto" (``ordinals``) and named
groups, "the Pisan Cantos" (``groups``).
"""

from __future__ import annotations

import re

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.group_names import group_index, group_name_matches
from cantobatch.extract.grammar.groups import load_groups
from cantobatch.extract.grammar.locate import anchored, sentence_index
from cantobatch.extract.grammar.numerals import (
    count_value,
    line_list,
    ordinal_slice,
    ordinal_value,
    phrase_count,
)
from cantobatch.extract.grammar.patterns import (
    group_lower_patterns,
    group_patterns,
    group_upper_patterns,
    rx,
)
from cantobatch.extract.grammar.scan_foreign import FOREIGN_BEFORE_TITLE, ForeignStages
from cantobatch.extract.grammar.scan_state import CantoMention

_POSSESSIVES = ("'s", "’s", "s'", "s’")  # before "first canto": whose canto
_SLICE_WORDS = frozenset(["first", "last", "opening", "closing", "final", "initial", "concluding"])


class OrdinalStages(ForeignStages):
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
            if (
                (kw and rx.RANKING_AFTER.match(self.text, m.end()))
                or ((kw or m.group("whole")) and rx.RELATIVE_CLAUSE_AFTER.match(self.text, m.end()))
                or (kw and count and rx.PARTICIPLE_CLAUSE_AFTER.match(self.text, m.end()))
            ):
                # "the first canto to be written at Pisa", "the first three cantos Pound
                # published", "the first of the cantos he wrote in Italian": which are meant is
                # not said, and a group named inside ("the last
                # canto in Thrones to be drafted") is not cited whole
                self._take(m.start(), m.end())
                continue
            idx = gi if gi is not None else ai
            if idx is None and kw and self.text[m.start() - 2 : m.start()] in _POSSESSIVES:
                idx = gi = self._group_ending_at(m.start() - 2)  # "Rock-Drill's first canto"
            anaphor = None
            if idx is None and count and which in _SLICE_WORDS and not m.group("whole"):
                # "Of the Adams cantos, the first two …", "the first four cantos of the section":
                # a count of the group named just before
                anaphor = self._slice_of_group_before(m, bool(kw))
                if anaphor:
                    idx = gi = anaphor[0]
            elif idx is None and count is None and not kw and not m.group("whole"):
                # "Of the Pisan Cantos, the first opens …": one canto of the group just named
                anaphor = self._group_of_phrase_before(m, which)
                if anaphor:
                    idx = gi = anaphor[0]
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
                if anaphor:
                    end = anaphor[1]
                family = "group_ordinal"
                if cantos:
                    self.group_slices.append((m.start(), idx))
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
                sliced = self._sliced_group_in_sentence(m.start())
                if sliced is not None and rx.ELLIPTIC_AFTER_SLICE.match(tail):
                    # "Of the Adams cantos, the first two are dense, and the third is lighter"
                    grp = groups[sliced]
                    if grp.first + n - 1 <= grp.last:
                        self.add(
                            CantoMention(m.start(), m.end("ord"), [grp.first + n - 1], "ordinal")
                        )
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
            # A group's name makes the canto Pound's, whatever poem the sentence named before,
            # unless another poem owns the name just after it ("the last of the Italian cantos
            # of the Orlando Furioso", as "the Hell Cantos of the Inferno" in ``groups``).
            if family != "group_ordinal" and self._foreign(m.start(), end):
                continue
            if family == "group_ordinal" and rx.FOREIGN_OWNS_AFTER.match(self.text, end, end + 48):
                self._take(m.start(), end)
                continue
            if (
                family == "ordinal"
                and self.text[m.start() - 2 : m.start()] in _POSSESSIVES
                and rx.OTHER_POSSESSOR_BEFORE.search(self.text, max(0, m.start() - 24), m.start())
            ):
                continue  # "Pope's second canto": another poet's (not "Pound's", "his")
            self.add(CantoMention(m.start(), end, cantos, family))

    def _slice_of_group_before(self, m: re.Match, kw: bool) -> tuple[int, int] | None:
        """For "the first two" (of these, of them) or "the first four cantos of the section":
        the group named before it (its name then only says where they sit, and is taken) and
        where the count's phrase ends; None when it counts something else ("the first two
        years") or no group was named before."""
        text = self.text
        tail = rx.SLICE_OF_GROUP.match(text, m.end())
        if tail is None and (kw or not rx.SLICE_NO_NOUN.match(text, m.end())):
            return None
        found = self._group_named_before(m.start())
        if found is None:
            return None
        index, start, end = found
        self._take(start, end)
        return index, tail.end() if tail else m.end()

    def _group_of_phrase_before(self, m: re.Match, which: str) -> tuple[int, int] | None:
        """For a single ordinal with no noun ("the first opens", "the first, 'Provisions',"):
        the group named in an "of" phrase just before it, its name taken (it only says where the
        canto sits), and where the ordinal ends; None otherwise ("Of the Pisan Cantos, the
        first edition …", "the Pisan Cantos were the first part …")."""
        text = self.text
        if not text[max(0, m.start() - 3) : m.start()].rstrip().endswith(","):
            return None  # (the cheap test first: a comma ends the group's "of" phrase)
        tail = text[m.end("ord") : m.end("ord") + 40]
        if not (rx.ELLIPTIC_AFTER_SLICE.match(tail) or rx.SLICE_NO_NOUN.match(tail)):
            return None
        found = self._group_named_before(m.start())
        if found is None:
            return None
        index, start, end = found
        grp, n = load_groups()[index], ordinal_value(which)
        if not ordinal_slice(which, None, grp.first, grp.last) or (
            n is not None and grp.first < n <= grp.last
        ):
            return None  # "Of the Pisan sequence, the eighty-first": the canto's own number
        if not rx.GROUP_THEN_ORDINAL.fullmatch(text, end, m.start()):
            return None
        if not rx.OF_BEFORE_GROUP.search(text, max(0, start - 40), start):
            return None
        self._take(start, end)
        return index, m.end("ord")

    def _group_named_before(self, pos: int) -> tuple[int, int, int] | None:
        """The group named last before ``pos`` in its sentence or the one before it: (index,
        start, end) of its name."""
        sentences = self.sentences
        here = sentence_index(sentences, pos)
        window = sentences[max(0, here - 1)][0]
        lower = group_lower_patterns() if self.has_keyword else ()
        best = None
        for i in self.triggered_groups():
            matches = list(group_name_matches(i, self.text[:pos]))
            if lower and lower[i]:
                matches += list(lower[i].finditer(self.text, 0, pos))
            for found in matches:
                if found.start() >= window and (best is None or found.end() > best[2]):
                    best = (i, found.start(), found.end())
        return best

    def _sliced_group_in_sentence(self, pos: int) -> int | None:
        """The group a count picked cantos from earlier in the sentence of ``pos``, if any."""
        if not self.group_slices:
            return None
        here = sentence_index(self.sentences, pos)
        found = [
            i
            for at, i in self.group_slices
            if at < pos and sentence_index(self.sentences, at) == here
        ]
        return found[-1] if found else None

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
        if self.has_capital_names():  # "THE PISAN CANTOS" as a heading
            for i, upper in enumerate(group_upper_patterns()):
                if upper:
                    found += [(m.start(), -m.end(), i, m) for m in upper.finditer(self.text)]
        for _, _, i, m in sorted(found, key=lambda x: x[:2]):
            if not self.free(m.start(), m.end()):
                continue
            before = self.text[max(0, m.start() - 24) : m.start()]
            if rx.INDEFINITE_BEFORE.search(before):
                continue  # "a Pisan canto", "one of the Pisan Cantos": which one is not said
            last = before.rsplit(None, 1)[-1:]  # (the other languages' words, looked for only
            if last and last[0].lower() in FOREIGN_BEFORE_TITLE:  # after one of theirs)
                if rx.FOREIGN_SOME_BEFORE.search(before):
                    continue  # "uno dei Pisan Cantos"
                if self.group_ordinal_before(m, i):
                    continue  # "il secondo dei Pisan Cantos"
            counted = rx.COUNT_BEFORE_GROUP.search(before) if before[-1:].isspace() else None
            if counted and (count_value(counted.group("count")) or 0) < len(groups[i].cantos):
                continue  # "two Pisan cantos": which two is not said
            grp = groups[i]
            if m.group() in grp.context_only and not (
                self.has_keyword or "Pound" in self.text or "section" in self.lower
            ):
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

    def exact_after_groups(self) -> None:
        """ "The Pisan Cantos, 81: 148-56", "(Rock-Drill 85: 1-2)": a canto of the group named just
        before, with its lines, or after a preposition later in the group's sentence ("In the
        Pisan Cantos …; at 83: 70-75"). The group then only says where the canto sits, unless
        it is named in a clause of its own (``rules``)."""
        if ":" not in self.text:
            return
        named = [c for c in self.cantos if c.family == "group"]
        if not named:
            return
        text = self.text
        for grp in named:
            m = rx.GROUP_EXACT_AFTER.match(text, grp.end)
            if m:
                self._add_exact(m, grp)
        for m in rx.GROUP_EXACT_LATER.finditer(text):
            here = sentence_index(self.sentences, m.start())
            before = [
                c
                for c in named
                if c.end <= m.start() and sentence_index(self.sentences, c.start) == here
            ]
            if before:
                self._add_exact(m, before[-1])

    def _add_exact(self, m: re.Match, grp: CantoMention) -> None:
        canto = int(m.group("canto"))
        lines = line_list(m.group("lines"))
        if canto in grp.cantos and lines and self.free(m.start("canto"), m.end()):
            self.add(CantoMention(m.start("canto"), m.end(), [canto], "lines", lines))
