"""The patterns and small pure helpers of the citation grammar (used by ``scan``).

The module constants are regex sources; ``rx.NAME`` is the compiled pattern, compiled on first
use, so importing the grammar costs nothing and a run compiles only what its passages need.
Patterns that start with a determiner ("the first Pisan canto") are only tried just before
ordinal words (``anchored``): run at every position they were most of the grammar's cost.
Likewise a pattern that opens with a look-behind or ``\b`` makes the engine try it at every
position; such patterns are tried only where ``starts`` (str.find) says a match can begin
(``matches_at``), which gives the same matches as ``finditer``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from functools import cache, lru_cache

from cantobatch.extract import grammar as g


class LazyPatterns:
    """Named regex sources, each compiled on first access and then a plain attribute."""

    def __init__(self, **sources: str) -> None:
        self._sources = sources

    def compile_all(self) -> None:
        """Compile every pattern now (before forking workers, or to time it)."""
        for name in self._sources:
            getattr(self, name)

    def __getattr__(self, name: str) -> re.Pattern:
        if name.startswith("_") or name not in self._sources:
            raise AttributeError(name)
        pattern = re.compile(self._sources[name])
        setattr(self, name, pattern)  # later lookups find the attribute and skip __getattr__
        return pattern


MAX_LINE = 999
MAX_LINE_SPAN = 400
PLURAL_LINE_COUNT = (
    5  # "the last lines" with no count: the user's labels take five (poundtech101, 101)
)


# --- patterns ---------------------------------------------------------------------------------

KEYWORD = r"(?<![A-Za-z])(?:[Cc]antos?|CANTOS?|[Cc]antares)(?![A-Za-z])"
ROMAN_UP = g.ROMAN
ROMAN_ANY = g.ROMAN_ANY
ARABIC = g.ARABIC
WORD_NUMBER = rf"(?i:{g.CARDINAL_WORD})"
DASH = g.DASH
DASH_SIGN = r"\s*[-‐‑–—−]\s*"
LIST_SEP = g.LIST_SEP
LINE_NUM = r"\d{1,3}(?![\d])"
LINE_ITEM = rf"{LINE_NUM}(?:{g.DASH}{LINE_NUM})?(?!\s*[:/]\s*\d)(?!\.\d)"
LINE_LIST = rf"{LINE_ITEM}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){LINE_ITEM})*"
SUFFIX_LINES = (
    rf"(?:\s*:\s*(?:ll?\.\s*|lines?\s+)?|\s*,?\s*(?:ll?\.|ll\s|lines?\s)\s*)(?P<lines>{LINE_LIST})"
)
SUFFIX_DOT_LINE = rf"\.(?P<lines>{LINE_ITEM})"  # "I.23"
PAGE = r"\d{1,4}(?:[-–]\d{1,4})?(?![\d/])"
SUFFIX_PAGE = (
    rf"\s*/\s*(?P<page>{PAGE})|\s+at\s+p(?:age|\.)\s*(?P<page2>{PAGE})"
    rf"|\s*\(\s*p(?:age|\.)\s*(?P<page3>{PAGE})\s*\)|\s*,\s*(?:pages?|pp?\.)\s*(?P<page4>{PAGE})"
)
ARABIC_PAGE = (
    r"(?<![\w/.,:\-])(?P<canto>\d{1,3})(?P<slash> ?/ ?)(?P<page>\d{1,4})(?:[-–]\d{1,4})?(?![\d/])"
)
C_PAGE = r"(?<![A-Za-z0-9])C(?P<canto>\d{1,3})[./](?P<page>\d{1,4})(?![\d/])"
LINE_KW = rf"(?<![A-Za-z])(?:ll\.?|l\.|[Ll]ines?|LL\.|LINES?)\s*(?P<lines>{LINE_LIST})"
LINE_WORDS = (
    rf"(?<![A-Za-z])[Ll]ines?\s+(?P<a>{g.CARDINAL_WORD})(?:{g.DASH}(?P<b>{g.CARDINAL_WORD}))?"
)
GREEK_EQ = rf"=\s*(?P<lines>{LINE_NUM}(?:\s*(?:[-–]|\.\.)\s*{LINE_NUM}))"

ORD_SPECIAL = (
    r"(?:second|third)[-\s]+(?:to|from)[-\s]+(?:the[-\s]+)?last|last[-\s]+but[-\s]+one|"
    r"penultimate|antepenultimate|last|final|opening|closing"
)
ORD = rf"(?:{ORD_SPECIAL}|{g.ORDINAL_WORD}|{g.ORDINAL_NUM})"
# One optional lowercase word between the determiner and the ordinal: "the very last line".
ADJ = rf"(?:(?!(?:{ORD}|and|or|of|in|lines?|cantos?)\b)[a-z]+\s+)?"
DETERMINER = (
    r"(?:\b(?:[Tt]he|Pound['’]s|[Hh]is|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)|(?<=['’]s)|(?<=s['’]))"
)
LINE_DET = r"(?:\b(?:[Tt]he|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)|(?<=['’]s))"
ORDINAL_LINE = (
    rf"{LINE_DET}\s+{ADJ}(?P<ord>{ORD})\s+line\b(?!s)"
    r"(?:\s+from\s+the\s+(?P<end>end|bottom)|\s+but\s+(?P<but>one|two))?"
)
COUNT = rf"(?:{g.COUNT}|couple\s+of|pair\s+of)"
COUNT_LINES = (
    rf"{LINE_DET}\s+{ADJ}(?P<which>first|last|opening|closing|final)\s+(?P<count>{COUNT})"
    r"(?:\s+lines?\b|(?=\s+(?:of|in)\b))"
)
PAIR_LINES = (
    rf"{LINE_DET}\s+(?P<w1>first|last|opening|closing|final)(?:\s+(?P<c1>{COUNT}))?\s+and\s+"
    rf"(?:the\s+)?(?P<w2>first|last|closing|final)(?:\s+(?P<c2>{COUNT}))?\s+lines?\b"
)
PLURAL_LINES = rf"{LINE_DET}\s+{ADJ}(?P<which>first|last|opening|closing|final)\s+lines\b"
RELATIVE_DIRECTIONS = ("following", "next", "subsequent", "succeeding", "preceding", "previous")
# "Canto LXXXI … In the next canto": the canto after (or before) the one last cited
RELATIVE_CANTO = r"\b(?P<dir>next|following|succeeding|preceding|previous)\s+[Cc]anto(?![A-Za-z])"
RELATIVE_LINES = (
    rf"\b(?P<dir>{'|'.join(RELATIVE_DIRECTIONS)})\s+"
    rf"(?:(?P<count>{g.COUNT})\s+)?(?P<noun>lines?)\b"
)
CONTEXT = r"(?i)(?<![a-z])cantos?(?![a-z])|(?<![A-Za-z])(?:ll?\.\s*\d|lines?\b)"
# Not after an abbreviation: "the Pisan Cantos, esp. LXXXI", "cf. XLV", "St. Elizabeths"
SENTENCE_END = (
    r"(?<!\b(?:[Cc]f|St|Dr|Mr))(?<!\b(?:esp|e\.g|i\.e|viz|Mrs))"  # (one width per look-behind)
    r"[.!?][\"”’)\]]*\s+(?=[A-Z“\"‘(\[])"
)
SENTENCE_START = r"(?:^|[.!?;][\"”’)\]]*\s+|[(\[“\"‘]\s*)$"
PREPOSITIONS = frozenset(
    [
        "in",
        "of",
        "for",
        "see",
        "cf",
        "cf.",
        "from",
        "and",
        "to",
        "with",
        "at",
        "also",
        "compare",
        "both",
        "between",
        "like",
        "unlike",
        "through",
        "into",
        "within",
        "on",
    ]  # noqa: SIM905
)
NUMBER_ORD = rf"(?:{g.ORDINAL_WORD}|{g.ORDINAL_NUM})"
ORDINAL_LIST = (
    rf"{DETERMINER}\s+(?P<ords>{NUMBER_ORD}(?:\s*,\s*{NUMBER_ORD})*\s*,?\s+(?:and|or)\s+"
    rf"{NUMBER_ORD})\s+[Cc]antos\b"
)
FROM_TO = (
    rf"\b[Ff]rom\s+[Cc]anto\s+(?P<a>{g.ROMAN_ANY}|\d{{1,3}})\s+(?:to|through|until|till)\s+"
    rf"[Cc]anto\s+(?P<b>{g.ROMAN_ANY}|\d{{1,3}})\b"
)
CANTO_THROUGH = (
    rf"[Cc]anto\s+(?P<a>{g.ROMAN_ANY}|\d{{1,3}})(?:\s*[-–—]\s*|\s+(?:through|thru)(?:\s+to)?\s+)"
    rf"[Cc]anto\s+(?P<b>{g.ROMAN_ANY}|\d{{1,3}})\b"
)
KEYWORD_THE_ORDINAL = rf"\s+the\s+(?P<ord>{g.ORDINAL_WORD})(?![\w-])"  # "Canto the Seventeenth"
ORDINAL_TAIL_NOUN = (
    r"\s+(?:centur(?:y|ies)|years?|birthday|anniversary|days?|times?|street|regiment|division|"
    r"congress|psalm|dynasty|parallel|floor|minutes?|per\s*cent|percent|pages?|chapters?|lines?|"
    r"verses?|stanzas?|editions?|printings?|sessions?|amendments?|parts?|books?|volumes?|letters?|"
    r"poems?|chapters?|sections?|times|things|persons?|class|places?|quarters?|halves|acts?|"
    r"scenes?|essays?|drafts?|versions?|issues?|numbers?)\b"
)


@cache
def group_patterns() -> tuple[re.Pattern, re.Pattern]:
    groups = g.load_groups()
    names = "|".join(
        f"(?P<g{i}>{'|'.join(f'(?:{p})' for p in grp.names + grp.lower)})"
        for i, grp in enumerate(groups)
        if grp.names or grp.lower
    )
    adjectives = "|".join(
        f"(?P<a{i}>{'|'.join(f'(?:{p})' for p in grp.adjective)})"
        for i, grp in enumerate(groups)
        if grp.adjective
    )
    ordinal = re.compile(
        # "the eleventh and last": any word before "and last" (checked later: a small pattern here
        # compiles far faster than a second copy of every ordinal word)
        rf"{DETERMINER}\s+{ADJ}(?:(?P<pre>[a-z]+(?:-[a-z]+)?|\d{{1,3}}(?:st|nd|rd|th))\s+and\s+"
        r"(?=(?:last|final)\b))?"
        rf"(?P<ord>{ORD})(?:\s+(?P<count>{COUNT}))?"
        rf"(?:\s+(?:{adjectives}))?(?:\s+(?P<kw>[Cc]antos?)(?![A-Za-z]))?"
        rf"(?:(?:\s+(?:in|of|from|among)\s+(?:[Tt]he\s+)?(?:(?:Pound|his)['’]?s?\s+)?"
        rf"(?:{g.COUNT}\s+)?|\s+)[‘“\"']?(?:{names})"
        rf"|\s+of\s+(?P<whole>(?:Pound['’]s|his|the)\s+[Cc]antos)(?![A-Za-z]))?"
    )
    return re.compile(names), ordinal


@cache
def group_triggers() -> dict[str, tuple[int, ...]]:
    """Each trigger word of the group table → the indices of the groups it may name."""
    out: dict[str, list[int]] = {}
    for i, grp in enumerate(g.load_groups()):
        for word in grp.triggers:
            out.setdefault(word, []).append(i)
    return {word: tuple(ids) for word, ids in out.items()}


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
def group_name_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile("|".join(f"(?:{p})" for p in grp.names)) for grp in g.load_groups())


@cache
def group_lower_patterns() -> tuple[re.Pattern | None, ...]:
    """Each group's lower-case names ("the pisan cantos"), or None."""
    groups = g.load_groups()
    return tuple(re.compile("|".join(f"(?:{p})" for p in grp.lower)) if grp.lower else None
                 for grp in groups)  # fmt: skip


@cache
def group_name_starts() -> tuple[str | None, ...]:
    """For each group name pattern, ``first_chars`` (see there), or None."""
    return tuple(first_chars(p) for p in group_name_patterns())


@cache
def group_name_anchors() -> tuple[tuple[tuple[str, int], ...] | None, ...]:
    """For each group name pattern, the (literal, non-space characters before it) pairs of
    ``literal_anchors`` (see there), or None; a pair is left out when another's literal starts
    its literal and allows as much before ("Pisan" finds every "Pisans")."""
    out = []
    for pattern in group_name_patterns():
        anchors = literal_anchors(pattern)
        if anchors is None:
            out.append(None)
            continue
        pairs = {(literal, before) for literals, before in anchors for literal in literals}
        out.append(
            tuple(
                sorted(
                    (lit, before)
                    for lit, before in pairs
                    if not any(
                        (o_lit, o_before) != (lit, before)
                        and lit.startswith(o_lit)
                        and o_before >= before
                        for o_lit, o_before in pairs
                    )
                )
            )
        )
    return tuple(out)


def group_name_matches(index: int, text: str):
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
    try:  # the parser is private to ``re``; without it, plain scans
        from re import _constants as c
        from re import _parser

        tree = _parser.parse(pattern.pattern, pattern.flags)
    except (ImportError, AttributeError, re.error):
        return None
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
                inner = [width(branch) for branch in av[1]]
                if None in inner:
                    return None
                total += max(inner)
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
    return None if None in anchors else tuple(anchors)


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
    try:  # the parser is private to ``re``; without it, plain scans
        from re import _constants as c
        from re import _parser

        tree = _parser.parse(pattern.pattern, pattern.flags)
    except (ImportError, AttributeError, re.error):
        return None
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
            found = [first(part) for part in parts]
            if any(f is None for f in found):
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


ORDINAL_NUMERIC = r"\d(?:st|nd|rd|th)\b"
ORDINAL_NUMERIC_ASCII = r"[0-9](?:st|nd|rd|th)\b"  # the same on ASCII text, and faster to scan
# A run of numeral letters not followed by a word character: opens with a character class, so
# the engine skips to candidates fast (scan checks the boundary before).
ROMAN_RUN = r"[IVXLC][IVXLC]*(?!\w)"
C_DIGIT = r"C\d"
DET_BEFORE = r"\b(?:[Tt]he|Pound['’]s|[Hh]is|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)\s|['’]s\s|s['’]\s"
# "repeated in 46.": an arabic numeral after "in"; the two scouts open with a literal, so the
# engine jumps to their candidates (BARE_ARABIC opens with \b and would try every position).
BARE_ARABIC = r"\b(?:in|and)\s+(\d{1,3})(?=\s*(?:[.,;:)]|$))"
# A numeral that a list or range goes on from ("76 and 80", "96–109"): found by its digits (the
# engine skips fast to a digit), then the word before it is checked (PREP_BEFORE).
# (one leading digit class, so the engine skips to digits fast: "\d{1,3}" scanned 3x slower)
ARABIC_LIST_HEAD = r"[0-9][0-9]?[0-9]?(?![0-9])(?=\s*(?:,|and\b|&|[-–]\s*[0-9]))"
PREP_BEFORE = r"\b(?:in|of|to|and|from|for|compare|see|cf\.)\s+$"
# "… 2 to 3 drafts", "… 76 and 80 years": a plural noun after the numbers (not "is", "was", "as")
COUNTED_LIST_AFTER = r"\s*(?:%|per\s*cent|(?!(?:i|wa|ha|doe|a|thu|thi|plu|u)s\b)[a-z]+s\b)"
IN_DIGIT = r"in\s+\d"
AND_DIGIT = r"and\s+\d"
# After a numeral: "… of Dante's Inferno", "… in Homage to Sextus Propertius" (another work's).
OF_OTHER_WORK = (
    r"\s*,?\s*(?:of|in|from)\s+(?:[A-Z]\w+['’]s\s+)?(?:[Tt]he\s+|Hugh\s+Selwyn\s+|Homage\s+to\s+"
    r"(?:Sextus\s+)?)?[‘“\"']?(?:" + g.OTHER_WORK + "|" + g.FOREIGN_WORK + ")"
)
OF_FOREIGN_WORK = (  # also "Canto XIX (Inferno)", "canto V dell'Inferno", "canto XXVI del Paradiso"
    r"\s*(?:,?\s*(?:(?:of|in|from|del|della|di|de)\s+|dell['’]\s*)(?:[A-Z]\w+['’]s\s+|[Tt]he\s+|his\s+)*"
    r"|\(\s*)[‘“\"']?(?:" + g.FOREIGN_WORK + ")"
)
RANGED_ROMAN = rf"{DASH_SIGN}(?:{g.ROMAN})"  # "–XLV" after a bare numeral
LISTED_BEFORE = rf"(?P<num>{g.ROMAN}){g.LIST_SEP}$"  # "II and " before a bare numeral
# "Terrell, Companion, II, 521": a volume between a title and a page
TITLE_COMMA_BEFORE = r"\b[A-Z][\w’']+,\s*$"
PAGE_COMMA_AFTER = r"\s*,\s*\d{1,4}\b(?!\s*[-–:/])"
WORK_COMMA_BEFORE = rf"(?:{g.OTHER_WORK}|{g.FOREIGN_WORK})\s*,\s*$"  # "Lustra, " before one
THROUGH_ROMAN = rf"\s+(?:through|thru)\s+(?:{g.ROMAN})"  # " through XC" after one
LISTED_ROMAN = rf"{g.LIST_SEP}(?!I\b)(?:{g.ROMAN})"  # ", XLV" / " and XLV" after one
OF_POUND_AFTER = r"\s+(?:of|by)\s+Pound\b"  # "the third canto of Pound"
GROUP_LINK_BEFORE = r"\s+(?:of|in|from|within)\s+(?:the\s+)?[‘“\"']?$"  # "… cantos of Thrones"
LINE_OWNER = r"\s*(?:of|in|from)\s+(?:the\s+)?"  # "ll. 3-5 of (the) …": the canto that follows
# Just before a line reference, another text that owns it: "Inferno XXVI, ll. 90-142", "Homer's
# line 12" (then it is not the last canto's).
LINES_OWNED_BEFORE = (
    rf"(?:(?:{g.FOREIGN_WORK}|{g.OTHER_WORK})(?:\s+(?:{g.ROMAN_ANY}|\d{{1,3}}))?[\s,.:]*"
    r"|\b(?!Pound\b|Canto\b)[A-Z][a-z]+['’]s\s+)$"
)
WORD_FINAL_TH = r"th(?![a-z])"  # on lower-cased text: opens with a literal, so it scans fast
# Each blocked phrase but "Three Cantos", lower-cased and without its word boundaries: where
# BLOCKED may match ("in general", "four cantos" are not blocked phrases, so not looked at).
# Every branch opens with a literal (the look-behind comes after "ur"), so the engine skips fast.
BLOCK_HINT = (
    r"bel\s+canto|canto\s+f[ie]rmo|cantus\s+firmus|canto\s+general|canto\s+[jh]ondo"
    r"|gregorian\s+canto|ur(?<![a-z]ur)[-‐\s]?cant"
)
# Around "Canto(s)" and the numerals after it (scan.keywords, scan.numbered):
KEYWORD_GAP = (
    r"\s{1,3}(?:(?:numbered|[Nn]os?\.|[Nn]umbers?|(?P<from>from))\s*)?|\s*#\s*"
    r"|,\s*(?=[IVXLC]{2,}\b[,;)]?)"
)
VAGUE_BEFORE = r"\b(?:[Aa]n?|[Ee]ach|[Ee]very|[Aa]ny|[Aa]nother|[Ww]hich|[Ww]hat|[Oo]ne)\s+$"
OPEN_PAREN = r"\s*[’'”\"]?\s*\(\s*"
CLOSE_PAREN = r"\s*\)"
PRONOUN_AFTER = r"\s+(?!(?:and|or|to|through)\b)[a-z]"  # "… and I believe"
COUNTED_AFTER = r"\s*(?:lines?|ll?\.|pages?|pp?\.|years?|times)\b"  # "… and 12 lines"

# Small patterns of the scanner's checks around a numeral (compiled once, not looked up per call):
WORD_SEP = r"[-\s]+"  # inside a number word: "forty-fifth", "forty fifth"
DOT_DIGIT = r"\.\d"
CITED_BEFORE = r"(?i)(?:\(|\b(?:at|see|cf\.?|in))\s*$"
PAGE_REF_BEFORE = r"(?:\d[-/]|\b(?:pp?|vol|no)\.?\s*)$"
ORDINAL_LIST_SEP = r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+"
ELLIPTIC_AFTER = r"\s+[a-z]+s\b|\s*[,;:)]"
OF_AFTER = r"\s+of\b"
INDEFINITE_BEFORE = r"\b(?:[Aa]n?|[Oo]ne\s+of\s+the|[Ss]ome\s+of\s+the)\s+[‘“\"']?$"
LOWER_WORD_BEFORE = r"([a-z]+)\s+$"
OPEN_BEFORE = r"[(/]\s*$"
# The word before a bare numeral, searched as NAME_BEFORE_FAST is (see there): the leftmost
# match never follows a letter, and the letters and dots it takes cannot be spaces.
WORD_BEFORE = r"(?<![A-Za-z])([A-Za-z][A-Za-z.]*+)\s+$"
POSSESSIVE_AFTER = r"[’']s\b"
LINES_OF_BEFORE = r"\blines?\s+(?:of|in)\s+$"
YEAR_AFTER = r"\s*\(\d{4}\)"
CLAUSE_AFTER = r"\s+[a-z]|\s*,"
COMMA_BEFORE = r",\s+$"
APPOSITION_END = r"\s*(?:[.;:)]|$)"
NUMBER_BEFORE = r"(?:\d\s*|\bp+\.\s*|:\s*)$"
NAME_BEFORE = r"([A-Za-z][\w.’']*)[ \t\u00a0]+$"
# NAME_BEFORE's search, found without trying every letter of every word: the leftmost match
# never follows a letter (that letter would start an earlier one), and giving back word
# characters cannot help the spaces after them match (possessive ``*+``).
NAME_BEFORE_FAST = r"(?<![A-Za-z])([A-Za-z][\w.’']*+)[ \t\u00a0]+$"
NUMERAL_BETWEEN = r"\b(?:[IVXLC]+|\d{1,3})\b"
TITLE_AFTER = r"\s*(?:of|in)\s+(?:[Tt]he\s+)?[‘“\"']?([A-Z][\w’']*(?:\s+[A-Z\d][\w’']*)*)"
LINE_LIST_SEP = r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*"
NTH_FROM_LAST = r"(second|third) (?:to|from) (?:the )?last"

rx = LazyPatterns(
    KEYWORD=KEYWORD,
    ROMAN_UP=ROMAN_UP,
    ROMAN_ANY=ROMAN_ANY,
    ARABIC=ARABIC,
    WORD_NUMBER=WORD_NUMBER,
    DASH=DASH,
    DASH_SIGN=DASH_SIGN,
    LIST_SEP=LIST_SEP,
    SUFFIX_LINES=SUFFIX_LINES,
    SUFFIX_DOT_LINE=SUFFIX_DOT_LINE,
    SUFFIX_PAGE=SUFFIX_PAGE,
    ARABIC_PAGE=ARABIC_PAGE,
    C_PAGE=C_PAGE,
    LINE_KW=LINE_KW,
    LINE_WORDS=LINE_WORDS,
    GREEK_EQ=GREEK_EQ,
    ORDINAL_LINE=ORDINAL_LINE,
    COUNT_LINES=COUNT_LINES,
    PAIR_LINES=PAIR_LINES,
    PLURAL_LINES=PLURAL_LINES,
    RELATIVE_LINES=RELATIVE_LINES,
    RELATIVE_CANTO=RELATIVE_CANTO,
    CONTEXT=CONTEXT,
    SENTENCE_END=SENTENCE_END,
    SENTENCE_START=SENTENCE_START,
    ORDINAL_LIST=ORDINAL_LIST,
    FROM_TO=FROM_TO,
    CANTO_THROUGH=CANTO_THROUGH,
    KEYWORD_THE_ORDINAL=KEYWORD_THE_ORDINAL,
    ORDINAL_TAIL_NOUN=ORDINAL_TAIL_NOUN,
    ORDINAL_NUMERIC=ORDINAL_NUMERIC,
    ORDINAL_NUMERIC_ASCII=ORDINAL_NUMERIC_ASCII,
    ROMAN_RUN=ROMAN_RUN,
    C_DIGIT=C_DIGIT,
    DET_BEFORE=DET_BEFORE,
    BARE_ARABIC=BARE_ARABIC,
    ARABIC_LIST_HEAD=ARABIC_LIST_HEAD,
    PREP_BEFORE=PREP_BEFORE,
    COUNTED_LIST_AFTER=COUNTED_LIST_AFTER,
    BLOCK_HINT=BLOCK_HINT,
    WORD_FINAL_TH=WORD_FINAL_TH,
    LINE_OWNER=LINE_OWNER,
    GROUP_LINK_BEFORE=GROUP_LINK_BEFORE,
    OF_POUND_AFTER=OF_POUND_AFTER,
    LINES_OWNED_BEFORE=LINES_OWNED_BEFORE,
    KEYWORD_GAP=KEYWORD_GAP,
    VAGUE_BEFORE=VAGUE_BEFORE,
    OPEN_PAREN=OPEN_PAREN,
    CLOSE_PAREN=CLOSE_PAREN,
    PRONOUN_AFTER=PRONOUN_AFTER,
    COUNTED_AFTER=COUNTED_AFTER,
    OF_OTHER_WORK=OF_OTHER_WORK,
    OF_FOREIGN_WORK=OF_FOREIGN_WORK,
    RANGED_ROMAN=RANGED_ROMAN,
    THROUGH_ROMAN=THROUGH_ROMAN,
    LISTED_BEFORE=LISTED_BEFORE,
    WORK_COMMA_BEFORE=WORK_COMMA_BEFORE,
    TITLE_COMMA_BEFORE=TITLE_COMMA_BEFORE,
    PAGE_COMMA_AFTER=PAGE_COMMA_AFTER,
    LISTED_ROMAN=LISTED_ROMAN,
    IN_DIGIT=IN_DIGIT,
    AND_DIGIT=AND_DIGIT,
    FOREIGN_WORK=g.FOREIGN_WORK,
    POUND_TITLE=g.POUND_TITLE,
    OTHER_WORK=g.OTHER_WORK,
    BLOCKED=g.BLOCKED,
    LABEL_NOUN=g.LABEL_NOUN,
    COUNTED_NOUN=g.COUNTED_NOUN,
    WORD_SEP=WORD_SEP,
    DOT_DIGIT=DOT_DIGIT,
    CITED_BEFORE=CITED_BEFORE,
    PAGE_REF_BEFORE=PAGE_REF_BEFORE,
    ORDINAL_LIST_SEP=ORDINAL_LIST_SEP,
    ELLIPTIC_AFTER=ELLIPTIC_AFTER,
    OF_AFTER=OF_AFTER,
    INDEFINITE_BEFORE=INDEFINITE_BEFORE,
    LOWER_WORD_BEFORE=LOWER_WORD_BEFORE,
    OPEN_BEFORE=OPEN_BEFORE,
    WORD_BEFORE=WORD_BEFORE,
    POSSESSIVE_AFTER=POSSESSIVE_AFTER,
    LINES_OF_BEFORE=LINES_OF_BEFORE,
    YEAR_AFTER=YEAR_AFTER,
    CLAUSE_AFTER=CLAUSE_AFTER,
    COMMA_BEFORE=COMMA_BEFORE,
    APPOSITION_END=APPOSITION_END,
    NUMBER_BEFORE=NUMBER_BEFORE,
    NAME_BEFORE=NAME_BEFORE,
    NAME_BEFORE_FAST=NAME_BEFORE_FAST,
    NUMERAL_BETWEEN=NUMERAL_BETWEEN,
    TITLE_AFTER=TITLE_AFTER,
    LINE_LIST_SEP=LINE_LIST_SEP,
    NTH_FROM_LAST=NTH_FROM_LAST,
)


def ordinal_positions(
    text: str, lower: str, digit_runs: list[tuple[int, int]] | None = None
) -> list[int]:
    """Where ordinal words start ("first", "eighty-first", "81st", "last"): substring checks,
    because a regex over every passage for these rare words was the grammar's main cost.
    ``digit_runs``: the (start, end) of every run of ASCII digits, when known (``marks``)."""
    positions = set()
    for needle in g.ORDINAL_NEEDLES:
        at = lower.find(needle)
        while at >= 0:
            start, end = _alpha_run(lower, at, at + len(needle))
            if lower[start:end] in g.ORDINAL_TOKENS:
                positions.add(start)
            at = lower.find(needle, end)
    for m in rx.WORD_FINAL_TH.finditer(lower):  # "fourth" … "hundredth"
        start, end = _alpha_run(lower, m.start(), m.end())
        if lower[start:end] in g.ORDINAL_TOKENS:
            positions.add(start)
    if digit_runs is not None and text.isascii():
        # "81st": the last digit of a run, a suffix, then no word character (ORDINAL_NUMERIC)
        n = len(text)
        for _, end in digit_runs:
            if text[end : end + 2] in _ORDINAL_SUFFIXES and (
                end + 2 == n or not (text[end + 2].isalnum() or text[end + 2] == "_")
            ):
                positions.add(end - 1)
    elif text.isascii():
        positions.update(m.start() for m in rx.ORDINAL_NUMERIC_ASCII.finditer(text))
    else:  # ORDINAL_NUMERIC's matches, found by their suffixes (the engine skips to those fast)
        for suffix in _ordinal_suffix_scans():
            positions.update(m.start() - 1 for m in suffix.finditer(text))
    return sorted(positions)


@cache
def _ordinal_suffix_scans() -> tuple[re.Pattern, ...]:
    """``ORDINAL_NUMERIC`` split by suffix, each opening with its suffix: "st" after a digit …"""
    return tuple(re.compile(rf"{s}(?<=\d{s})\b") for s in ("st", "nd", "rd", "th"))


_ORDINAL_SUFFIXES = frozenset(["st", "nd", "rd", "th"])


def _alpha_run(s: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` widened to the whole run of letters around it."""
    while start and s[start - 1].isalpha():
        start -= 1
    while end < len(s) and s[end].isalpha():
        end += 1
    return start, end


@lru_cache(maxsize=4096)
def roman_value(numeral: str) -> int | None:
    return g.numeral_value(numeral)


def determiner_anchors(text: str, positions: list[int]) -> list[tuple[int, list[int]]]:
    """Each ordinal position with the starts of the determiners in the 48 chars before it (those
    with none left out): found once a passage for all the determiner-led patterns."""
    anchors = []
    for pos in positions:
        starts = [
            det.start() + 2 if det.group()[0] in "'’s" else det.start()
            for det in rx.DET_BEFORE.finditer(text, max(0, pos - 48), pos)
        ]
        if starts:
            anchors.append((pos, starts))
    return anchors


def anchored(text: str, pattern: re.Pattern, anchors: list[tuple[int, list[int]]]):
    """Matches of a determiner-led ordinal ``pattern``, tried only just before ordinal words.

    Running such patterns at every position costs milliseconds a passage; ordinal words are rare.
    """
    end = -1
    for pos, starts in anchors:
        if pos < end:
            continue
        for start in starts:
            m = pattern.match(text, start)
            if m and m.end() > pos:
                yield m
                end = m.end()
                break


def starts(text: str, needle: str, lead: str = "") -> list[int]:
    """Where ``needle`` occurs (str.find is far faster than a regex scan); with ``lead``, only
    where one of its characters comes just before, given as that character's index."""
    out, at = [], text.find(needle, 1 if lead else 0)
    while at >= 0:
        if not lead:
            out.append(at)
        elif text[at - 1] in lead:
            out.append(at - 1)
        at = text.find(needle, at + 1)
    return out


def matches_at(pattern: re.Pattern, text: str, positions: list[int]):
    """The matches ``pattern.finditer(text)`` gives, when every one starts at one of
    ``positions``: patterns that open with a look-behind scan a passage slowly."""
    return _matches_at(pattern, text, positions) if positions else iter(())


def _matches_at(pattern: re.Pattern, text: str, positions: list[int]):
    end = -1
    for pos in sorted(set(positions)):
        if pos >= end:
            m = pattern.match(text, pos)
            if m:
                end = m.end()
                yield m


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


def phrase_count(s: str) -> int | None:
    low = s.lower()
    if low.startswith(("couple", "pair")):
        return 2
    return g.count_value(s)


def plausible_page(canto: int, page: int) -> bool:
    # Canto n sits near page 5n-7n in the collected editions; this refuses dates and fractions.
    return page >= 3 and 4 * canto - 5 <= page <= 8 * canto + 20


def line_list(s: str) -> list[int]:
    if s.isdecimal():  # the common "12" and "4-8" without the general splitting
        return [int(s)] if 1 <= int(s) <= MAX_LINE else []
    first, dash, last = s.partition("-")
    if dash and first.isdecimal() and last.isdecimal():
        span = g.expand_range(int(first), int(last), limit=MAX_LINE_SPAN)
        return span if span and span[0] >= 1 and span[-1] <= MAX_LINE else []
    out: list[int] = []
    for item in rx.LINE_LIST_SEP.split(s.strip()):
        parts = rx.DASH.split(item.strip(), maxsplit=1)
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            return []
        if len(nums) == 2:
            span = g.expand_range(nums[0], nums[1], limit=MAX_LINE_SPAN)
            if span is None:
                return []
            out.extend(span)
        else:
            out.append(nums[0])
    if not out or min(out) < 1 or max(out) > MAX_LINE:
        return []
    return list(dict.fromkeys(out))


def ordinal_position(word: str) -> int | None:
    """1-based position from the start, or negative from the end: "penultimate" → -2."""
    w = rx.WORD_SEP.sub(" ", word.lower())
    fixed = {"last": -1, "final": -1, "closing": -1, "opening": 1, "penultimate": -2,
             "antepenultimate": -3, "last but one": -2}  # fmt: skip
    if w in fixed:
        return fixed[w]
    m = rx.NTH_FROM_LAST.fullmatch(w)
    if m:
        return -(2 if m.group(1) == "second" else 3)
    return g.ordinal_value(w)


def position_lines(which: str, count: str | None) -> list[int]:
    n = phrase_count(count) if count else 1
    if not n or n > MAX_LINE_SPAN:
        return []
    if which.lower() in ("first", "opening"):
        return list(range(1, n + 1))
    return list(range(-n, 0))


def ordinal_slice(which: str, count: int | None, first: int, last: int) -> list[int]:
    pos = ordinal_position(which)
    if pos is None:
        return []
    n = count or 1
    if pos > 0:
        lo = first + pos - 1
        out = list(range(lo, lo + n))
    else:
        hi = last + pos + 1
        out = list(range(hi - n + 1, hi + 1))
    return out if all(first <= c <= last for c in out) else []


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    stops = starts(text, ".") + starts(text, "!") + starts(text, "?")  # where a match can start
    for m in matches_at(rx.SENTENCE_END, text, stops):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def sentence_index(sentences: list[tuple[int, int]], pos: int) -> int:
    # The bounds are contiguous and in order: the last sentence starting at or before ``pos``
    # (tuples compare in C: (start, end) <= (pos, inf) exactly when start <= pos).
    i = bisect_right(sentences, (pos, math.inf)) - 1
    return i if i >= 0 and pos < sentences[i][1] else len(sentences) - 1
