"""The citation grammar's patterns for scholarship in Italian, French, Spanish, Portuguese and
German (``scan_foreign``): counts, ordinals and the groups' titles in those languages. Registered
in ``patterns.rx`` with the rest (``sources``); the sources built from the number words are
functions, built on first use (``foreign_numbers``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from cantobatch.extract.grammar import foreign_numbers as fn
from cantobatch.extract.grammar.groups import load_groups

# Counts over the poem in other languages: "i primi trenta Cantos", "i tre primi canti", "les
# trois premiers Cantos", "los tres primeros Cantos", "os dois primeiros Cantos", "die ersten
# sieben Cantos"
_FOREIGN_FIRST = r"(?:primi|prime|premiers|premières|primeros|primeras|primeiros|primeiras|ersten)"
# After a foreign group title's ordinal: "il terzo dei Canti pisani", "el último de los …"
_FOREIGN_OF = r"(?:dei|degli|delle|de\s+los|de\s+las|des|dos|das|der|di|de)"
FOREIGN_OF_BEFORE = rf"\s+{_FOREIGN_OF}\s+[«“\"„\x27]?$"
# Before a foreign group title, words that pick out some of its cantos: "uno dei Canti pisani",
# "einer der Pisaner Cantos", "alcuni dei …" (which are not said)
FOREIGN_SOME_BEFORE = (
    r"(?i:\b(?:un[oa]?|um|uma|une|einer|eines|ein|eine|alcun[ie]|algun[oa]s|alguns|algumas|"
    r"quelques(?:-uns)?|einige|molti|molte|muchos|muitos|plusieurs|mehrere|qualche)\s+"
    rf"(?:{_FOREIGN_OF}\s+)?)[«“\"„\x27]?$"
)
# "Canto" after a foreign ordinal ("il primo Canto"), with the group's adjective before or after
FOREIGN_CANTO = r"(?P<kw>Canto|canto|Cantos|CANTO)(?![^\W\d_])"
FOREIGN_ADJECTIVE_BEFORE = r"(?P<adj>[^\W\d_]+(?:-[^\W\d_]+)*)\s+$"
FOREIGN_ADJECTIVE_AFTER = r"\s+(?P<adj>[^\W\d_]+)"
# After a lower-case "canto": a song's or a poem's ("il primo canto che imparò", "del gallo")
FOREIGN_RELATIVE_AFTER = r"\s+(?:che|que|qui|den|das|dem|del|della|dello|di|de|du|do|da)\s+[a-zà-ÿ]"


def _foreign_count_before() -> str:  # "gli undici canti pisani", "due dei Canti pisani"
    return rf"(?<!\d)(?P<count>\d{{1,3}}|{fn.cardinal_word()})\s+(?:{_FOREIGN_OF}\s+)?[«“\"„\x27]?$"


def _foreign_first_count() -> str:  # (a source built on first use: its number words are many)
    count = rf"(?:\d{{1,3}}|{fn.cardinal_word()})"
    return (
        rf"(?<![^\W\d_])(?:(?P<c1>{count})\s+{_FOREIGN_FIRST}|{_FOREIGN_FIRST}\s+(?P<c2>{count}))"
        r"\s+(?P<kw>Cantos|cantos|Canti|canti|Cantares|cantares)(?![^\W\d_])"
    )


def sources() -> dict[str, str | Callable[[], str]]:
    """Every pattern source of this module by name (upper-case strings, and the functions that
    build the sources of number words), for ``patterns.rx``."""
    out: dict[str, str | Callable[[], str]] = {
        name: value
        for name, value in globals().items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }
    out["FOREIGN_FIRST_COUNT"] = _foreign_first_count
    out["FOREIGN_COUNT_BEFORE"] = _foreign_count_before
    return out


@cache
def foreign_title_patterns() -> tuple[re.Pattern | None, ...]:
    """Each group's titles in other languages ("i Canti pisani"), or None."""
    groups = load_groups()
    return tuple(re.compile("|".join(f"(?:{p})" for p in grp.foreign)) if grp.foreign else None
                 for grp in groups)  # fmt: skip


@cache
def foreign_adjective_patterns() -> tuple[re.Pattern | None, ...]:
    """Each group's adjective beside "Canto", in other languages or English ("Pisaner",
    "Pisano", "Pisan"), or None."""
    groups = load_groups()
    return tuple(
        re.compile("|".join(f"(?:{p})" for p in grp.foreign_adjective + grp.adjective))
        if grp.foreign_adjective or grp.adjective
        else None
        for grp in groups
    )
