"""Finding the group table's names ("the Pisan Cantos", "Thrones") in a passage, fast.

Which groups a passage may name is found from their trigger words (``triggers_in``, with one
scan for the rare characters several stages look for: ``marks_pattern``); a group's names are then
tried only where a match can start (``group_name_matches``), which gives the same matches as
``finditer``. ``group_index`` says which group's branch of a combined pattern matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from cantobatch.extract.grammar.groups import load_groups
from cantobatch.extract.grammar.locate import matches_at, starts
from cantobatch.extract.grammar.pattern_starts import anchored_starts, first_chars, literal_anchors
from cantobatch.extract.grammar.patterns import group_name_patterns


@cache
def group_triggers() -> dict[str, tuple[int, ...]]:
    """Each trigger word of the group table → the indices of the groups it may name."""
    out: dict[str, list[int]] = {}
    for i, grp in enumerate(load_groups()):
        for word in grp.triggers:
            out.setdefault(word, []).append(i)
    return {word: tuple(ids) for word, ids in out.items()}


@cache
def foreign_triggers() -> tuple[re.Pattern, dict[str, tuple[int, ...]]]:
    """A pattern for the lower-case words around "cant" in the groups' foreign titles ("Cantos
    pisans"), and each word → the indices of the groups it may name."""
    out: dict[str, list[int]] = {}
    for i, grp in enumerate(load_groups()):
        for word in grp.foreign_triggers:
            out.setdefault(word, []).append(i)
    words = sorted(out, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, words)) if words else "(?!)")
    return pattern, {word: tuple(ids) for word, ids in out.items()}


@cache
def _trigger_scan() -> tuple[re.Pattern | None, tuple[str, ...]]:
    """A pattern for the capitalised trigger words, and the words left to ``in`` checks.

    A capital is rare, so one scan skips fast where twenty substring searches would each read the
    passage; it finds every occurrence only if no word is a prefix of another or holds a capital
    past its first letter (a match could hide another), so otherwise every word is checked alone.
    """
    words = sorted(group_triggers())
    capitals = [w for w in words if w[:1].isupper()]
    overlap = any(a != b and b.startswith(a) for a in capitals for b in capitals) or any(
        c.isupper() for w in capitals for c in w[1:]
    )
    if overlap or not capitals:
        return None, tuple(words)
    pattern = re.compile("|".join(map(re.escape, capitals)))
    return pattern, tuple(w for w in words if w not in capitals)


@cache
def marks_pattern() -> tuple[re.Pattern, bool]:
    """One scan for the rare characters several stages look for: runs of roman-numeral capitals
    (``ROMAN_RUN``), runs of ASCII digits, and the capitalised group trigger words of
    ``_trigger_scan``; a match is a digit run if it opens with a digit, a trigger word if its
    second letter is lower-case, else a roman run.

    Each would cost a scan of its own; together they cost one. Every branch opens with a literal
    character, so the engine skips to those characters fast and tries only the branches for the
    one it stands on. Their matches cannot overlap one another (a roman run is capitals followed
    by no word character, a trigger word a capital followed by lower-case letters, a digit run
    digits), so the scan finds exactly what separate scans would. Also whether the trigger words
    are there (not if one of them has no lower-case second letter).
    """
    trigger, others = _trigger_scan()
    words = sorted(w for w in group_triggers() if w not in others) if trigger else []
    if not all(word[1:2].islower() for word in words):
        words = []
    branches = [rf"{c}[IVXLC]*(?!\w)" for c in "IVXLC"]  # ROMAN_RUN, by its first letter
    branches += [rf"{d}[0-9]*" for d in "0123456789"]
    branches += [re.escape(word) for word in words]
    return re.compile("|".join(branches)), bool(words)


def triggers_in(
    text: str,
    lower: str | None = None,
    canto_at: list[int] | None = None,
    capitals: set[str] | None = None,
) -> set[str]:
    """The group trigger words that occur in ``text``. Lower-case ones are looked for only in
    the 32 characters before each "canto" of ``lower`` (``text`` in lower case), where every
    lower-case group name ends ("the pisan cantos"); without ``lower``, not at all.
    ``canto_at``: where "canto" occurs in ``lower``; ``capitals``: the capitalised trigger words
    in ``text`` (see ``marks_pattern``); each computed here when not given."""
    pattern, others = _trigger_scan()
    if capitals is not None and pattern:
        found = set(capitals)
    else:
        found = set(pattern.findall(text)) if pattern else set()
    if lower and others:
        if canto_at is None:
            canto_at = starts(lower, "canto")
        # One string for all the windows: a word cannot run across the NUL between two.
        windows = "\0".join([text[max(0, at - 32) : at] for at in canto_at])
        found.update(w for w in others if w in windows)
    return found


@cache
def group_name_starts() -> tuple[str | None, ...]:
    """For each group name pattern, ``pattern_starts.first_chars``, or None."""
    return tuple(first_chars(p) for p in group_name_patterns())


@cache
def group_name_anchors() -> tuple[tuple[tuple[str, int], ...] | None, ...]:
    """For each group name pattern, the (literal, non-space characters before it) pairs of
    ``pattern_starts.literal_anchors``, or None; a pair is left out when another's literal starts
    its literal and allows as much before ("Pisan" finds every "Pisans")."""
    return tuple(_pruned(literal_anchors(pattern)) for pattern in group_name_patterns())


def _pruned(anchors) -> tuple[tuple[str, int], ...] | None:
    """``literal_anchors``' pairs, less each one another pair's literal finds already."""
    if anchors is None:
        return None
    pairs = {(literal, before) for literals, before in anchors for literal in literals}
    return tuple(
        sorted(
            (lit, before)
            for lit, before in pairs
            if not any(
                (o_lit, o_before) != (lit, before) and lit.startswith(o_lit) and o_before >= before
                for o_lit, o_before in pairs
            )
        )
    )


# Literal runs too common to send the engine to ("Cantos pisans" is found from "isan")
_COMMON_RUNS = frozenset(
    ["Canto", "canto", "Cantos", "cantos", "Canti", "canti", "Cantares", "cantares", "ant", "anto",
     "antos", "anti", "antares", "Cant", "cant"]
)  # fmt: skip


@cache
def _anchors_of(pattern: re.Pattern) -> tuple[str | None, tuple[tuple[str, int], ...] | None]:
    """``first_chars`` and the pruned ``literal_anchors`` of any pattern (see the group names')."""
    anchors = _pruned(literal_anchors(pattern, avoid=_COMMON_RUNS))
    return first_chars(pattern), anchors


def anchored_matches(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, tried only where a match can start (as ``group_name_matches``
    does for the group names): for the group table's other patterns, the foreign titles."""
    first, anchors = _anchors_of(pattern)
    if anchors is not None and (first is None or len(anchors) <= len(first)):
        return matches_at(pattern, text, anchored_starts(text, anchors))
    if first is not None:
        return matches_at(pattern, text, [p for ch in first for p in starts(text, ch)])
    return pattern.finditer(text)


def group_name_matches(index: int, text: str) -> Iterator[re.Match]:
    """``group_name_patterns()[index].finditer(text)``, tried only where a match can start when
    the engine cannot skip there itself ("(?<![A-Za-z])Pisans" made it try every position):
    around its literals (rare words) or, with more literals than first letters, after them."""
    pattern = group_name_patterns()[index]
    first, anchors = group_name_starts()[index], group_name_anchors()[index]
    if anchors is not None and (first is None or len(anchors) <= len(first)):
        return matches_at(pattern, text, anchored_starts(text, anchors))
    if first is not None:
        return matches_at(pattern, text, [p for ch in first for p in starts(text, ch)])
    return pattern.finditer(text)


_GROUP_TABLES: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}


def group_index(match: re.Match, prefix: str) -> int | None:
    """The table index of the first group named ``prefix`` + digits that took part in ``match``."""
    # Keyed by the source (its hash is cached), not the Pattern, whose hash reads its whole code.
    key = (match.re.pattern, prefix)
    table = _GROUP_TABLES.get(key)
    if table is None:
        named = match.re.groupindex.items()
        table = _GROUP_TABLES[key] = tuple(
            sorted((n, int(k[1:])) for k, n in named if k.startswith(prefix) and k[1:].isdigit())
        )
    values = match.groups()  # one tuple, not a dict of every named group
    for num, index in table:
        if values[num - 1] is not None:
            return index
    return None
