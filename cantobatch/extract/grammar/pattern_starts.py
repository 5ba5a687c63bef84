"""Where a pattern's matches can start, read from its parse tree (``re``'s private parser): the
few characters every match opens with (``first_chars``), or the literal words a match holds and
how far before them it can start (``literal_anchors``, ``anchored_starts``).

Without the parser (another Python), each returns None and the callers scan plainly.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any


def _parse(pattern: re.Pattern) -> tuple[Any, ModuleType] | None:
    """``re``'s parse tree of ``pattern`` and the module of its opcodes, or None without them (the
    parser is private to ``re``): then plain scans."""
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        return _parser.parse(pattern.pattern, pattern.flags), _constants
    except (ImportError, AttributeError, re.error):
        return None


def literal_anchors(pattern: re.Pattern) -> tuple[tuple[tuple[str, ...], int], ...] | None:
    """For each alternative of ``pattern``, its first run of three or more literal characters
    (or branch of such runs) and the most non-space characters a match can hold before it, when
    that is bounded (spaces are free: ``\\s+`` may run on); None when some alternative has no
    such run, or when the pattern opens with a literal (the engine skips to that itself).

    A match then starts at most that many non-space characters before an occurrence of its
    run (``anchored_starts``): "(?i:A\\s+)?Draft\\s+of" starts at "Draft" or one letter and some
    spaces before it, and the engine, which would try it at every position, is not needed to
    find where ("Pisan", "Draft" and "[Uu]sura" names cost a scan of every position).
    """
    parsed = _parse(pattern)
    if parsed is None:
        return None
    tree, c = parsed
    if tree.state.flags & re.IGNORECASE:
        return None

    def only_spaces(items) -> bool:
        return len(items) == 1 and items[0] == (c.IN, [(c.CATEGORY, c.CATEGORY_SPACE)])

    def width(items) -> int | None:
        """The most non-space characters ``items`` can match; None when unbounded."""
        total = 0
        for op, av in items:
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero width
            if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
                total += 1
            elif op is c.SUBPATTERN:
                inner = width(av[3])
                if inner is None:
                    return None
                total += inner
            elif op is c.BRANCH:
                widths = [width(branch) for branch in av[1]]
                bounded = [w for w in widths if w is not None]
                if len(bounded) < len(widths):
                    return None
                total += max(bounded)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                if only_spaces(av[2]):
                    continue
                inner = width(av[2])
                if inner is None or av[1] >= c.MAXREPEAT:
                    return None
                total += av[1] * inner
            else:
                return None
        return total

    def literal_run(items) -> str:
        run = []
        for op, av in items:
            if op is not c.LITERAL:
                break
            run.append(chr(av))
        return "".join(run)

    def anchor(items) -> tuple[tuple[str, ...], int] | None:
        """The first run of three literals, or branch of such runs ("wrote|written"), and the
        width before it."""
        for i, (op, av) in enumerate(items):
            if op is c.LITERAL:
                run = literal_run(items[i:])
                if len(run) >= 3:
                    before = width(items[:i])
                    return None if before is None else ((run,), before)
            elif op is c.BRANCH:
                runs = tuple(literal_run(branch) for branch in av[1])
                if all(len(run) >= 3 for run in runs):
                    before = width(items[:i])
                    return None if before is None else (runs, before)
        return None

    try:
        data = list(tree.data)
        while len(data) == 1 and data[0][0] is c.SUBPATTERN and not (data[0][1][1] | data[0][1][2]):
            data = list(data[0][1][3])  # a group around the whole pattern
        if data[0][0] is c.LITERAL:
            return None  # the engine skips to a literal prefix itself, faster than finds here
        branches = data[0][1][1] if len(data) == 1 and data[0][0] is c.BRANCH else [data]
        anchors = [anchor(list(branch)) for branch in branches]
    except (AttributeError, TypeError, IndexError):  # a parser of another shape: plain scans
        return None
    found = [a for a in anchors if a is not None]
    return tuple(found) if len(found) == len(anchors) else None


def anchored_starts(text: str, anchors: tuple[tuple[str, int], ...]) -> list[int]:
    """Every position where a match can start, given (literal, before) pairs (see
    ``group_name_anchors``): up to ``before`` non-space characters (and any spaces) before each
    occurrence of each literal."""
    out: list[int] = []
    for literal, before in anchors:
        out += _before_each(text, literal, before)
    return out


def _before_each(text: str, literal: str, before: int) -> list[int]:
    """The positions from ``before`` non-space characters (and any spaces) before each
    occurrence of ``literal`` up to it."""
    out: list[int] = []
    at = text.find(literal)
    while at >= 0:
        start, left = at, before
        while start:
            if text[start - 1].isspace():
                start -= 1
            elif left:
                start, left = start - 1, left - 1
            else:
                break
        out.extend(range(start, at + 1))
        at = text.find(literal, at + 1)
    return out


def first_chars(pattern: re.Pattern) -> str | None:
    """The characters that every match of ``pattern`` starts with, when the engine would try it
    at every position (it opens with a look-behind, an optional part, a branch) and they are
    few and rare (no lower-case letters, no spaces); else None, and a plain scan is best."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    tree, c = parsed
    if tree.state.flags & re.IGNORECASE or not tree.data or tree.data[0][0] is c.LITERAL:
        return None  # case folding is not followed here; a literal start is already fast

    def first(items) -> tuple[set[str], bool] | None:
        """(possible first characters, whether ``items`` can match the empty string)."""
        out: set[str] = set()
        for op, av in items:
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero width: it only restricts where a match starts
            if op is c.LITERAL:
                return out | {chr(av)}, False
            if op is c.IN:
                for item, value in av:
                    if item is c.LITERAL:
                        out.add(chr(value))
                    elif item is c.RANGE and value[1] - value[0] < 32:
                        out.update(map(chr, range(value[0], value[1] + 1)))
                    else:
                        return None
                return out, False
            if op is c.SUBPATTERN and not (av[1] | av[2]) & re.IGNORECASE:
                parts, lowest = [av[3]], 1
            elif op is c.BRANCH:
                parts, lowest = av[1], 1
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                parts, lowest = [av[2]], av[0]
            else:
                return None
            maybe = [first(part) for part in parts]
            found = [f for f in maybe if f is not None]
            if len(found) < len(maybe):
                return None
            out.update(*(f[0] for f in found))
            if lowest and not any(f[1] for f in found):
                return out, False
        return out, True

    try:
        result = first(tree.data)
    except (AttributeError, TypeError, IndexError):  # a parser of another shape: plain scans
        return None
    if result is None or result[1]:
        return None
    chars = result[0]
    if len(chars) > 8 or any(ch.islower() or ch.isspace() for ch in chars):
        return None
    return "".join(sorted(chars))
