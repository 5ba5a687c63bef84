"""The poem's published sections and named groups, and canto selections written the way scholars
write them (``74``, ``74-84``, ``LXXIV-LXXXIV``, ``Pisan``) — for query, stats and report.

Reads ``resources/sections.toml`` (the volumes) and ``extract/grammar/groups.toml`` (the grammar's table
of group names) with tomllib; it never imports the grammar.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cantobatch.references import MAX_CANTO, MIN_CANTO, from_roman, to_roman

RESOURCES = Path(__file__).resolve().parent / "resources"
# The grammar's table, read as data: importing the grammar would pull the extractors into stats.
GROUPS_TOML = Path(__file__).resolve().parent / "extract" / "grammar" / "groups.toml"


@dataclass(frozen=True)
class Section:
    name: str  # "The Pisan Cantos"
    short: str  # "Pisan"
    first: int
    last: int
    year: int

    def __contains__(self, canto: int) -> bool:
        return self.first <= canto <= self.last

    @property
    def cantos(self) -> range:
        return range(self.first, self.last + 1)


@cache
def sections() -> tuple[Section, ...]:
    """The published sections in the poem's order; together they cover cantos 1-120 once."""
    table = tomllib.loads((RESOURCES / "sections.toml").read_text(encoding="utf-8"))
    return tuple(Section(**entry) for entry in table["section"])


def section_of(canto: int) -> Section:
    for section in sections():
        if canto in section:
            return section
    raise ValueError(f"canto {canto} is outside {MIN_CANTO}-{MAX_CANTO}")


@cache
def named_ranges() -> dict[str, tuple[int, int]]:
    """Every name a selection may use (sections, their short labels, the grammar's groups) →
    (first, last)."""
    groups = tomllib.loads((GROUPS_TOML).read_text(encoding="utf-8"))["group"]
    names = {g["name"]: (g["first"], g["last"]) for g in groups}
    for s in sections():
        names[s.name] = names[s.short] = (s.first, s.last)
    return names


_FILLER = {"the", "a", "of", "canto", "cantos", "section"}


def name_key(name: str) -> str:
    """'The Pisan Cantos' → 'pisan'; 'Section: Rock-Drill' → 'rock drill'; 'D&F' → 'd and f'."""
    words = re.sub(r"[^0-9a-z]+", " ", name.lower().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _FILLER)


def canto_number(value: str) -> int:
    """'74' or 'LXXIV' → 74; ValueError naming the value otherwise."""
    value = value.strip()
    try:
        number = int(value)
    except ValueError:
        try:
            number = from_roman(value)
        except ValueError:
            raise ValueError(f"{value!r} is neither a number nor a roman numeral") from None
    if not MIN_CANTO <= number <= MAX_CANTO:
        raise ValueError(f"canto {number} is outside {MIN_CANTO}-{MAX_CANTO}")
    return number


_RANGE = re.compile(r"^\s*([0-9A-Za-z]+)\s*(?:-|–|—|\.\.)\s*([0-9A-Za-z]+)\s*$")


def parse_cantos(spec: str) -> tuple[int, ...]:
    """Cantos named by ``spec``: numbers, roman numerals, ranges of either, and section or group
    names, separated by commas ('1, 74-84, LXXXI, Rock-Drill'). ValueError says what is wrong."""
    cantos: set[int] = set()
    for token in (t.strip() for t in spec.split(",")):
        if not token:
            continue
        cantos.update(_parse_token(token))
    if not cantos:
        raise ValueError(f"{spec!r} names no canto")
    return tuple(sorted(cantos))


def _parse_token(token: str) -> Iterable[int]:
    try:
        return (canto_number(token),)
    except ValueError as exc:
        numeral_error = exc
    match = _RANGE.match(token)
    if match:
        try:
            first, last = canto_number(match.group(1)), canto_number(match.group(2))
        except ValueError:
            pass
        else:
            if first > last:
                raise ValueError(f"{token!r}: the range runs backwards")
            return range(first, last + 1)
    first, last = _named(token, numeral_error)
    return range(first, last + 1)


def _named(token: str, numeral_error: ValueError) -> tuple[int, int]:
    key = name_key(token)
    names = named_ranges()
    exact = {r for n, r in names.items() if name_key(n) == key}
    if key and not exact:
        exact = {r for n, r in names.items() if re.search(rf"\b{re.escape(key)}", name_key(n))}
    if len(exact) == 1:
        return exact.pop()
    if not exact:
        if token.strip().isdigit() or re.fullmatch(r"[IVXLCivxlc]+", token.strip()):
            raise numeral_error
        known = ", ".join(s.short for s in sections())
        raise ValueError(
            f"{token!r} is not a canto, a range or a section name (names: {known}, or a group "
            "such as Malatesta or Jefferson)"
        )
    matching = sorted(n for n, r in names.items() if r in exact and key in name_key(n))
    raise ValueError(f"{token!r} could mean {', '.join(matching)}: say which")


def fold(numbers: Iterable[int], dash: str = "–") -> str:
    """[1, 2, 3, 5, 7, 8] → '1–3, 5, 7–8'."""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in ordered:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}{dash}{b}" for a, b in runs)


def fold_lines(lines: Iterable[int], dash: str = "–") -> str:
    """[12, 13, 14, 15] → 'll. 12–15'; [3] → 'l. 3'; [] → ''."""
    lines = sorted(set(lines))
    if not lines:
        return ""
    return ("l. " if len(lines) == 1 else "ll. ") + fold(lines, dash)


def roman(canto: int) -> str:
    return to_roman(canto)
