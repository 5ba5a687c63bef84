"""What the router reads: the passage by sentence with the grammar's references and trace
(``View``), and the words and names several signals look for (other poems, Pound, languages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cantobatch.data import Reference
from cantobatch.extract.grammar import lexicon
from cantobatch.extract.grammar.locate import sentence_bounds, sentence_index
from cantobatch.extract.grammar.rules import GrammarTrace


@dataclass(frozen=True)
class Signal:
    """One reason to route, with the span of the passage that shows it."""

    reason: str
    start: int
    end: int


# --- what the grammar saw, by sentence ------------------------------------------------------


class View:
    def __init__(self, text: str, refs: Sequence[Reference], trace: GrammarTrace) -> None:
        self.text = text
        self.lower = text.lower()
        self.refs = [r for r in refs if r.evidence_start is not None and r.evidence_end is not None]
        self.spans = [(r.evidence_start, r.evidence_end) for r in self.refs]
        self.refused = list(trace.refused)
        self.unresolved = list(trace.unresolved)
        self.sentences = sentence_bounds(text)
        self._by_sentence: dict[int, list[Reference]] = {}
        for r in self.refs:
            self._by_sentence.setdefault(self.sentence(r.evidence_start), []).append(r)
        self._foreign: dict[int, bool] = {}
        self._may_be_foreign: bool | None = None

    def sentence(self, pos: int) -> int:
        return sentence_index(self.sentences, pos)

    def may_be_foreign(self) -> bool:
        """A function word of another language that English does not share occurs somewhere: a
        cheap test before any sentence is read for its language."""
        if self._may_be_foreign is None:
            # (function words stand before their nouns, so seldom touch punctuation)
            lower = self.lower
            found = not FOREIGN_ONLY.isdisjoint(lower.split())
            for quote in "'’" if not found else "":
                at = lower.find(quote)
                while at > 0 and not found:
                    word = lower[max(0, at - 4) : at].split()[-1:]  # dell', l', d', sull'
                    found = bool(word) and word[0].lstrip('(«“"') in _ELIDING
                    at = lower.find(quote, at + 1)
            self._may_be_foreign = found
        return self._may_be_foreign

    def has(self, *needles: str) -> bool:
        """Any of ``needles`` in the lower-cased passage (a cheap test before a pattern runs)."""
        return any(n in self.lower for n in needles)

    def foreign(self, index: int) -> bool:
        """Whether sentence ``index`` is in another language (``is_foreign``), found once."""
        if index not in self._foreign:
            self._foreign[index] = is_foreign(self.text[slice(*self.sentences[index])])
        return self._foreign[index]

    def covered(self, start: int, end: int, slack: int = 0) -> bool:
        """Inside (or within ``slack`` characters of) a reference's evidence or a refused span."""
        return any(s - slack <= start and end <= e + slack for s, e in [*self.spans, *self.refused])

    def refs_in(self, index: int) -> list[Reference]:
        return self._by_sentence.get(index, [])

    def explicit_in(self, index: int) -> list[Reference]:
        """References of the sentence named by a numeral or an ordinal (not a group's name)."""
        return [r for r in self.refs_in(index) if r.family != "group"]

    def refused_in(self, index: int) -> bool:
        return any(self.sentence(s) == index for s, _ in self.refused)

    def in_group(self, start: int, end: int) -> bool:
        """Inside a group's name the grammar found and chose not to expand (it only locates a
        numbered canto: "Canto LXXXI of the Pisan Cantos")."""
        return any(s <= start and end <= e for s, e, f in self.unresolved if f == "group")

    def ends_at(self, pos: int) -> bool:
        """A reference's evidence or a refused span ends just before ``pos`` (a space between)."""
        return any(pos - 2 <= e <= pos for _, e in [*self.spans, *self.refused])

    def set_sizes(self) -> set[int]:
        """How many cantos each group or range read in the passage holds."""
        sets: dict[tuple[int, int], set[int]] = {}
        for r in self.refs:
            if r.family in ("group", "range"):
                sets.setdefault((r.evidence_start, r.evidence_end), set()).add(r.canto)
        return {len(cantos) for cantos in sets.values()}

    def read_before(self, pos: int) -> bool:
        return any(s < pos for s, _ in self.spans)


FOREIGN_WORK = re.compile(lexicon.FOREIGN_WORK)
POETS = re.compile(r"\b(?:" + "|".join(sorted(lexicon.FOREIGN_POETS)) + r")\b")
# The Commedia named by its places: "the eighth circle", "the third bolgia", "the seventh terrace"
# (Pound's hell cantos have no numbered circles)
PLACES = re.compile(
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))"
    r"\s+(?:circle|bolgia|bolge|cornice|terrace)\b"
)
POUNDS = re.compile(r"\bPound['’]s\b|\b(?:of|by)\s+(?:Ezra\s+)?Pound\b")
POUND_WRITES = re.compile(
    r"\b(?:Pound|Ezra)(?:,?\s+who)?\s+(?:(?:is|was|has|had|still|also|then|later|\w+ly)\s+){0,3}"
    r"(?:wr(?:ote|ites|iting|itten)|compos\w+|draft\w+|revis\w+|finish\w+|put|puts|gave|gives"
    r"|open\w*|beg[ia]n\w*|end\w*|clos\w+)\b"
)


def other_poem_before(view: View, pos: int, sentences: int = 2) -> re.Match | None:
    """The last other poem or poet named before ``pos`` in its sentence (or, with ``sentences``
    = 2, the one before), with no "Pound's" (or Pound writing) between it and ``pos`` and no
    numeral of its own ("Inferno XVIII … Canto XIV": the canto is Pound's)."""
    index = view.sentence(pos)
    start = view.sentences[max(0, index - sentences + 1)][0]
    window = view.text[start:pos]
    hits = [*FOREIGN_WORK.finditer(window), *POETS.finditer(window)]
    if "circle" in window or "bolgia" in window or "cornice" in window or "terrace" in window:
        hits += PLACES.finditer(window)
    if not hits:
        return None
    last = max(hits, key=lambda m: m.end())
    if POUNDS.search(window, last.end()) or POUND_WRITES.search(window, last.end()):
        return None  # Pound named as the canto's owner or writer ("Pound knew …" is a reader)
    if re.match(r"[\s,]*(?:canto\s+)?(?:[IVXLC]+|\d{1,3})\b", window[last.end() :]):
        return None
    return last


def owner_beside(view: View, start: int, end: int) -> bool:
    """Another poem named right beside a span, in its sentence: just before it, or "of the
    Inferno" after it."""
    text = view.text
    sentence_start = view.sentences[view.sentence(start)][0]
    before = text[max(0, sentence_start, start - 48) : start]
    if FOREIGN_WORK.search(before) or POETS.search(before):
        return True
    if re.search(r"\b(?!Pound)[A-Z][a-z]+['’]s\s+(?:\w+\s+){0,2}$", before):
        return True  # "Dante's canto", "Tasso's second canto"
    after = text[end : end + 48]
    owner = OWNER_AFTER.match(after)
    return bool(owner) and bool(
        FOREIGN_WORK.match(after, owner.end())
        or POETS.match(after, owner.end())
        or OTHER_WORKS.match(after, owner.end())
    )


# "of the Inferno", "dell'Inferno", "de l'Odyssée", "der Ilias": the canto's owner after it
OWNER_AFTER = re.compile(
    r"[\s,]*(?:(?:[IVXLC]+|\d{1,3})[\s,]*)?"
    r"(?:(?:of|in|from|del|della|dei|di|de|du|des|der|do|da)\s+(?:[Tt]he\s+|his\s+|la\s+|l['’])?"
    r"|(?:dell|nell|d|de\s+l)['’]\s*|d['’]\s*|\s*\(\s*)"
)
# Other poems in cantos or books, by their names in the languages of the scholarship
OTHER_WORKS = re.compile(
    r"(?:Inferno|Paradiso|Purgatorio|Para[ií]so|Purgatoire|Enfer|Paradis|Hölle|Odyss\w*|Odiss\w*"
    r"|Odisea|Ili\w*|Eneid\w*|Énéide|Aeneid|Lus[ií]adas|Os\s+Lus[ií]adas|Poema|Cid|Leopardi"
    r"|Campana|Dar[ií]o|Homer\w*|Omero|Virgil\w*|Virgilio|Ovid\w*)\b"
)


CANTO_WORD = re.compile(r"(?i)\bcantos?\b")
ORDINALISH = re.compile(
    r"(?i)\b(?:first|second|third|last|final|penultimate|opening|closing|\w+th|\w+-\w+th)\b"
)


# Function words of Italian, French, Spanish, German and Portuguese that English prose does not
# use (so an English sentence quoting a phrase stays English).
FOREIGN_FUNCTION = frozenset(
    """il lo la gli nel nella nei negli della dello degli delle dell del dei di che è per con una
    uno sono già dove anche questo questa quella poi ancora più
    le les des du de dans est une sur qui avec pour sont au aux où cette ces ce été
    el los las y es al como su sus fue en
    der die das den dem und im ist mit von ein eine einer zum zur wird wurde auf über sind sich
    nicht auch bei nach aus hat wird werden haben seine sein ihre einem einen dieser diese zwischen
    o os um uma do da dos das no na nos nas em é com não pelo pela""".split()  # noqa: SIM905
)
# those English prose also uses ("no", "do", "die", "o" …): not enough to suspect a language
FOREIGN_ONLY = FOREIGN_FUNCTION - frozenset(
    "no do die o da as es su al per con um em den des so una uno ce".split()  # noqa: SIM905
)
_ELIDING = frozenset("dell nell l d all sull".split())  # noqa: SIM905
ENGLISH_FUNCTION = frozenset(
    "the of and is in to that with his was for by which it as on from are this its be".split()  # noqa: SIM905
)
WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


_ELIDED = re.compile(r"(?:dell|nell|l|d|all|sull)['’]\w")  # dell'usura, l'ottantunesimo, d'ogni


def is_foreign(sentence: str) -> bool:
    """Two or more function words of another language, and more of them than English ones."""
    words = WORDS.findall(sentence.lower())
    foreign = set(FOREIGN_FUNCTION.intersection(words))
    foreign.update(w for w in words if ("'" in w or "’" in w) and _ELIDED.match(w))
    if len(foreign) < 2:
        return False
    return len(foreign) > sum(1 for w in words if w in ENGLISH_FUNCTION)
