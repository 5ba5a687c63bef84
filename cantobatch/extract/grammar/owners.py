"""A passage owned by another poem: one that names a poem divided into cantos, or its poet, and
names neither Pound nor his poem owns every canto it numbers, however far from the name
("Byron wrote the first canto in 1818. By the fifth canto he had …"), up to that poem's last
canto; a heading ("DON JUAN", "Inferno: Canto XX") owns what follows it.

The numbered stages refuse another poem's canto where its name stands beside it (``_foreign``);
this is the passage's part, decided once the stages are done (``owned_mentions``). A passage
that numbers a canto past the other poem's last (LXXVI beside Tasso's twenty) or uses a notation
only Pound's poem has (canto/page pairs, Terrell's glosses, his groups) names his poem, and
nothing in it is owned; so is "Canto N" in a sentence that cites the other poem by its own
numeral ("As in Inferno XVIII, the landscape of Canto XIV …": the other poem has its numeral,
so this canto is another poem's).

The 1917 Ur-Cantos are owned too: "Cantos I-III" or "the first three cantos" in a sentence that
names them, Poetry (the magazine that printed them) or 1917 are those three, not cantos 1-3 of the
poem (``ur_cantos``); a single "Canto I" there is the poem's ("… became Canto I in 1925").
"""

from __future__ import annotations

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar.locate import sentence_index
from cantobatch.extract.grammar.patterns import rx
from cantobatch.extract.grammar.scan_state import CantoMention, ScanState

# Mentions in notations only Pound's poem has: never another poem's
_POUND_ONLY = frozenset(["group", "group_ordinal", "page", "gloss"])
# Group names that are things of Dante's poem too (the angels of his Paradiso), and how the
# names of his poem start
_DANTES = frozenset(["Thrones", "thrones", "THRONES"])
_DANTE_NAMES = ("dante", "inf", "purg", "par", "divin", "commedia", "enfer")


def owner_last_canto(name: str) -> int | None:
    """The last canto of the poem (or poet) ``name`` names, or None for a name too common to own
    a passage alone ("Scott")."""
    low = name.lower().replace("\n", " ")
    for article in ("the ", "os "):
        low = low.removeprefix(article)
    if low in g.OWNER_COMMON_NAMES:
        return None
    return next((last for start, last in g.OWNER_LAST_CANTO if low.startswith(start)), None)


def owned_mentions(scan: ScanState) -> set[int]:
    """The ids of ``scan.cantos`` that another poem named in the passage owns."""
    text = scan.text
    if not scan.cantos or "Pound" in text:
        return set()  # (the common cases, first)
    # "Thrones" is also an order of Dante's angels: in his passage, his
    shared = [c for c in scan.cantos if c.family == "group" and text[c.start : c.end] in _DANTES]
    candidates = [c for c in scan.cantos if c.family not in _POUND_ONLY]
    if not candidates and not shared or len(candidates) + len(shared) < len(scan.cantos):
        return set()  # none, or beside a notation only Pound's poem has
    lower_case = scan.is_lower_case()
    if lower_case:
        if "pound" in text or "ezra" in text:
            return set()
    elif "Pound" in text or "Ezra" in text or ("Cantos" in text and rx.THE_CANTOS.search(text)):
        return set()
    names = _owners(scan)
    lasts = [n for n in map(owner_last_canto, names) if n is not None]
    if not lasts:
        return set()
    last = max(lasts)
    owned = {id(c) for c in candidates if max(c.cantos) <= last}
    if len(owned) < len(candidates):
        return set()  # a canto past the other poem's last is Pound's: the passage is his too
    if owned and not lower_case:
        owned -= _cited_beside_the_others_numeral(scan, candidates)
    if shared and any(name.lower().startswith(_DANTE_NAMES) for name in names):
        owned |= {id(c) for c in shared}
    return owned


def _owners(scan: ScanState) -> list[str]:
    """The names of other poems (or their poets) that the passage holds."""
    patterns = (
        (rx.FOREIGN_WORK_LOWER,)
        if scan.is_lower_case()
        else (rx.FOREIGN_WORK, rx.FOREIGN_WORK_UPPER)
    )
    return [m.group() for p in patterns for m in p.finditer(scan.text)]


def _cited_beside_the_others_numeral(scan: ScanState, mentions: list[CantoMention]) -> set[int]:
    """ "Canto N" mentions in a sentence that cites the other poem by its own numeral."""
    keyword = [c for c in mentions if scan.text.startswith(("Canto", "canto"), c.start)]
    if not keyword:
        return set()
    sentences = scan.sentences
    numbered = {sentence_index(sentences, m.start()) for m in rx.OWNER_NUMBERED.finditer(scan.text)}
    return {id(c) for c in keyword if sentence_index(sentences, c.start) in numbered}


def ur_cantos(scan: ScanState) -> set[int]:
    """The ids of ``scan.cantos`` that are the 1917 Ur-Cantos: two or more of cantos 1-3 (from
    the first) in a sentence that names the Ur-Cantos, the magazine Poetry or 1917."""
    text = scan.text
    if "1917" not in text and "Poetry" not in text and "Ur" not in text:
        return set()  # (most passages: no word of the Ur-Cantos)
    runs = [c for c in scan.cantos if len(c.cantos) > 1 and c.cantos[0] == 1 and max(c.cantos) <= 3]
    if not runs or not rx.UR_CANTOS_CONTEXT.search(text):
        return set()
    sentences = scan.sentences
    named = {sentence_index(sentences, m.start()) for m in rx.UR_CANTOS_CONTEXT.finditer(text)}
    return {id(c) for c in runs if sentence_index(sentences, c.start) in named}
