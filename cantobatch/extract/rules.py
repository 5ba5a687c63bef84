"""The citation grammar: a deterministic extractor whose every reference is grounded in a span.

``extract_references(text)`` scans a passage in stages, most specific first, and never lets two
mentions share characters:

1. spans that only look like citations are blocked (bel canto, Canto General, "Three Cantos");
2. the keyword "Canto(s)" followed by numerals: lists, ranges, ``:ll.`` lines, ``/page`` suffixes;
3. bare roman numerals with a canto suffix (``IX:ll.15-28``, ``LXXI/418``, ``I.23``) and
   canto/page pairs (``(74/445)``, ``C46.231``);
4. ordinals (``the forty-fifth canto``, ``the first Pisan canto``, ``the last in Thrones``);
5. named groups (``the Pisan Cantos`` → 74–84) and numerals in parentheses after them;
6. bare roman numerals in a canto context (``in XLV``, ``of XI``, ``XX’s``), refusing regnal,
   volume and chapter numerals and other poems' cantos;
7. line references (``ll. 4-8``, ``the last three lines``, ``the following three lines``), each
   attached to the canto it names or to the nearest canto before it.

The conventions are the user's (see ../shared/data/README.md): ranges expanded, positions from the
end negative, a whole canto has no lines, a group that only locates a numbered canto is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from cantobatch.data import Extraction, Passage, Reference, sha256_hex
from cantobatch.extract import grammar as g

if TYPE_CHECKING:
    from cantobatch.config import Config

MAX_LINE = 999
MAX_LINE_SPAN = 400
PLURAL_LINES = 5  # "the last lines" with no count: the user's labels take five (poundtech101, 101)


@dataclass
class _Canto:
    start: int
    end: int
    cantos: list[int]
    family: str
    lines: list[int] = field(default_factory=list)
    cited_page: str | None = None
    explicit: bool = True  # a numeral or ordinal names the canto (groups are not explicit)
    weak: bool = False  # kept only if a line reference attaches to it ("(XX) Lines 87 and 88")


@dataclass
class _Lines:
    start: int
    end: int
    lines: list[int]
    family: str
    relative: int = 0  # +n: the n lines after the previous reference, -n: the n before it


# --- patterns ---------------------------------------------------------------------------------

_KEYWORD = re.compile(r"(?<![A-Za-z])(?:[Cc]antos?|CANTOS?|[Cc]antares)(?![A-Za-z])")
_ROMAN_UP = re.compile(g.ROMAN)
_ROMAN_ANY = re.compile(g.ROMAN_ANY)
_ARABIC = re.compile(g.ARABIC)
_WORD_NUMBER = re.compile(rf"(?i:{g.CARDINAL_WORD})")
_DASH = re.compile(g.DASH)
_DASH_SIGN = re.compile(r"\s*[-‐‑–—−]\s*")
_LIST_SEP = re.compile(g.LIST_SEP)
_LINE_NUM = r"\d{1,3}(?![\d])"
_LINE_ITEM = rf"{_LINE_NUM}(?:{g.DASH}{_LINE_NUM})?(?!\s*[:/]\s*\d)(?!\.\d)"
_LINE_LIST = rf"{_LINE_ITEM}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){_LINE_ITEM})*"
_SUFFIX_LINES = re.compile(
    rf"(?:\s*:\s*(?:ll?\.\s*|lines?\s+)?|\s*,?\s*(?:ll?\.|lines?\s)\s*)(?P<lines>{_LINE_LIST})"
)
_SUFFIX_DOT_LINE = re.compile(rf"\.(?P<lines>{_LINE_ITEM})")  # "I.23"
_PAGE = r"\d{1,4}(?:[-–]\d{1,4})?(?![\d/])"
_SUFFIX_PAGE = re.compile(
    rf"\s*/\s*(?P<page>{_PAGE})|\s+at\s+p(?:age|\.)\s*(?P<page2>{_PAGE})"
    rf"|\s*\(\s*p(?:age|\.)\s*(?P<page3>{_PAGE})\s*\)|\s*,\s*(?:pages?|pp?\.)\s*(?P<page4>{_PAGE})"
)
_ARABIC_PAGE = re.compile(
    r"(?<![\w/.,:\-])(?P<canto>\d{1,3})/(?P<page>\d{1,4})(?:[-–]\d{1,4})?(?![\d/])"
)
_C_PAGE = re.compile(r"(?<![A-Za-z0-9])C(?P<canto>\d{1,3})[./](?P<page>\d{1,4})(?![\d/])")
_LINE_KW = re.compile(
    rf"(?<![A-Za-z])(?:ll\.?|l\.|[Ll]ines?|LL\.|LINES?)\s*(?P<lines>{_LINE_LIST})"
)
_LINE_WORDS = re.compile(
    rf"(?<![A-Za-z])[Ll]ines?\s+(?P<a>{g.CARDINAL_WORD})(?:{g.DASH}(?P<b>{g.CARDINAL_WORD}))?"
)
_GREEK_EQ = re.compile(rf"=\s*(?P<lines>{_LINE_NUM}(?:\s*(?:[-–]|\.\.)\s*{_LINE_NUM}))")

_ORD_SPECIAL = (
    r"(?:second|third)[-\s]+(?:to|from)[-\s]+(?:the[-\s]+)?last|last[-\s]+but[-\s]+one|"
    r"penultimate|antepenultimate|last|final|opening|closing"
)
_ORD = rf"(?:{_ORD_SPECIAL}|{g.ORDINAL_WORD}|{g.ORDINAL_NUM})"
# One optional lowercase word between the determiner and the ordinal: "the very last line".
_ADJ = rf"(?:(?!(?:{_ORD}|and|or|of|in|lines?|cantos?)\b)[a-z]+\s+)?"
_DETERMINER = r"(?:\b(?:[Tt]he|Pound['’]s|[Hh]is|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)|(?<=['’]s))"
_LINE_DET = r"(?:\b(?:[Tt]he|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)|(?<=['’]s))"
_ORDINAL_LINE = re.compile(
    rf"{_LINE_DET}\s+{_ADJ}(?P<ord>{_ORD})\s+line\b(?!s)"
    r"(?:\s+from\s+the\s+(?P<end>end|bottom)|\s+but\s+(?P<but>one|two))?"
)
_COUNT = rf"(?:{g.COUNT}|couple\s+of|pair\s+of)"
_COUNT_LINES = re.compile(
    rf"{_LINE_DET}\s+{_ADJ}(?P<which>first|last|opening|closing|final)\s+(?P<count>{_COUNT})"
    r"(?:\s+lines?\b|(?=\s+(?:of|in)\b))"
)
_PAIR_LINES = re.compile(
    rf"{_LINE_DET}\s+(?P<w1>first|last|opening|closing|final)(?:\s+(?P<c1>{_COUNT}))?\s+and\s+"
    rf"(?:the\s+)?(?P<w2>first|last|closing|final)(?:\s+(?P<c2>{_COUNT}))?\s+lines?\b"
)
_PLURAL_LINES = re.compile(
    rf"{_LINE_DET}\s+{_ADJ}(?P<which>first|last|opening|closing|final)\s+lines\b"
)
_RELATIVE_LINES = re.compile(
    rf"\b(?P<dir>following|next|subsequent|succeeding|preceding|previous)\s+"
    rf"(?:(?P<count>{g.COUNT})\s+)?(?P<noun>lines?)\b"
)
_CONTEXT = re.compile(r"(?i)(?<![a-z])cantos?(?![a-z])|(?<![A-Za-z])(?:ll?\.\s*\d|lines?\b)")
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[A-Z“\"‘(\[])")
_SENTENCE_START = re.compile(r"(?:^|[.!?;][\"”’)\]]*\s+|[(\[“\"‘]\s*)$")
_PREPOSITIONS = frozenset(
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
_NUMBER_ORD = rf"(?:{g.ORDINAL_WORD}|{g.ORDINAL_NUM})"
_ORDINAL_LIST = re.compile(
    rf"{_DETERMINER}\s+(?P<ords>{_NUMBER_ORD}(?:\s*,\s*{_NUMBER_ORD})*\s*,?\s+(?:and|or)\s+"
    rf"{_NUMBER_ORD})\s+[Cc]antos\b"
)
_FROM_TO = re.compile(
    rf"\b[Ff]rom\s+[Cc]anto\s+(?P<a>{g.ROMAN_ANY}|\d{{1,3}})\s+(?:to|through|until|till)\s+"
    rf"[Cc]anto\s+(?P<b>{g.ROMAN_ANY}|\d{{1,3}})\b"
)
_ORDINAL_TAIL_NOUN = re.compile(
    r"\s+(?:centur(?:y|ies)|years?|birthday|anniversary|days?|times?|street|regiment|division|"
    r"congress|psalm|dynasty|parallel|floor|minutes?|per\s*cent|percent|pages?|chapters?|lines?|"
    r"verses?|stanzas?|editions?|printings?|sessions?|amendment|part|book|volume|letter|poem)\b"
)


@cache
def _group_patterns() -> tuple[re.Pattern, re.Pattern]:
    groups = g.load_groups()
    names = "|".join(
        f"(?P<g{i}>{'|'.join(f'(?:{p})' for p in grp.names)})"
        for i, grp in enumerate(groups)
        if grp.names
    )
    adjectives = "|".join(
        f"(?P<a{i}>{'|'.join(f'(?:{p})' for p in grp.adjective)})"
        for i, grp in enumerate(groups)
        if grp.adjective
    )
    ordinal = re.compile(
        rf"{_DETERMINER}\s+{_ADJ}(?P<ord>{_ORD})(?:\s+(?P<count>{_COUNT}))?"
        rf"(?:\s+(?:{adjectives}))?(?:\s+(?P<kw>[Cc]antos?)(?![A-Za-z]))?"
        rf"(?:(?:\s+(?:in|of|from|among)\s+(?:[Tt]he\s+)?(?:(?:Pound|his)['’]?s?\s+)?"
        rf"(?:{g.COUNT}\s+)?|\s+)[‘“\"']?(?:{names})"
        rf"|\s+of\s+(?P<whole>(?:Pound['’]s|his|the)\s+[Cc]antos)(?![A-Za-z]))?"
    )
    return re.compile(names), ordinal


@cache
def _all_triggers() -> tuple[str, ...]:
    return tuple({t for grp in g.load_groups() for t in grp.triggers})


@cache
def _group_name_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile("|".join(f"(?:{p})" for p in grp.names)) for grp in g.load_groups())


_ORDINAL_NUMERIC = re.compile(r"\d(?:st|nd|rd|th)\b")
_ROMAN_WORD = re.compile(r"\b[IVXLC]+\b")
_C_DIGIT = re.compile(r"C\d")
_DET_BEFORE = re.compile(
    r"\b(?:[Tt]he|Pound['’]s|[Hh]is|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)\s|['’]s\s"
)


def _ordinal_positions(text: str, lower: str) -> list[int]:
    """Where ordinal words start ("first", "eighty-first", "81st", "last"): substring checks,
    because a regex over every passage for these rare words was the grammar's main cost."""
    positions = []
    for token in g.ORDINAL_TOKENS:
        at = lower.find(token)
        while at >= 0:
            end = at + len(token)
            if (at == 0 or not lower[at - 1].isalpha()) and (
                end == len(lower) or not lower[end].isalpha()
            ):
                positions.append(at)
            at = lower.find(token, end)
    positions += [m.start() for m in _ORDINAL_NUMERIC.finditer(text)]
    return sorted(positions)


@cache
def _roman_value(numeral: str) -> int | None:
    return g.numeral_value(numeral)


def _anchored(text: str, pattern: re.Pattern, positions: list[int]):
    """Matches of a determiner-led ordinal ``pattern``, tried only just before ordinal words.

    Running such patterns at every position costs milliseconds a passage; ordinal words are rare.
    """
    end = -1
    for pos in positions:
        if pos < end:
            continue
        for det in _DET_BEFORE.finditer(text, max(0, pos - 48), pos):
            start = det.start() + 2 if det.group()[0] in "'’" else det.start()
            m = pattern.match(text, start)
            if m and m.end() > pos:
                yield m
                end = m.end()
                break


def _group_index(match: re.Match, prefix: str) -> int | None:
    for key, value in match.groupdict().items():
        if value is not None and key.startswith(prefix) and key[1:].isdigit():
            return int(key[1:])
    return None


# --- the scanner ------------------------------------------------------------------------------


class _Scan:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = text.lower()
        self.has_keyword = "cant" in self.lower
        self.taken: list[tuple[int, int]] = []
        at = self.lower.find("cant") if self.has_keyword else -1
        while at >= 0:  # the blocked phrases all hold "cant": look only around each one
            for m in g.BLOCKED.finditer(text, max(0, at - 16), min(len(text), at + 40)):
                if m.start() <= at < m.end() and (m.start(), m.end()) not in self.taken:
                    self.taken.append((m.start(), m.end()))
            at = self.lower.find("cant", at + 4)
        self.ordinal_positions = _ordinal_positions(text, self.lower)
        self._sentences: list[tuple[int, int]] | None = None
        self._romans: list[re.Match] | None = None
        self.cantos: list[_Canto] = []
        self.lines: list[_Lines] = []

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            self._sentences = _sentences(self.text)
        return self._sentences

    def romans(self) -> list[re.Match]:
        """Upper-case roman numerals standing alone (not "I’ve", not "XVIth")."""
        if self._romans is None:
            text = self.text
            self._romans = [
                m
                for m in _ROMAN_WORD.finditer(text)
                if (m.start() == 0 or text[m.start() - 1] not in "’'")
                and (m.end() == len(text) or not text[m.end()].isalnum())
                and _roman_value(m.group()) is not None
            ]
        return self._romans

    def has_context(self) -> bool:
        """The passage talks of cantos or lines (the word, or "ll. 12")."""
        low = self.lower
        return "canto" in low or "line" in low or bool("l." in low and _CONTEXT.search(self.text))

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def add(self, mention: _Canto | _Lines) -> None:
        self.taken.append((mention.start, mention.end))
        (self.cantos if isinstance(mention, _Canto) else self.lines).append(mention)

    # numerals after "Canto(s)", or a bare numeral with a suffix -----------------------------

    def _numeral(self, pos: int, arabic: bool, words: bool) -> tuple[int, int, str] | None:
        """(end, value, kind) of the numeral at ``pos``."""
        m = _ROMAN_ANY.match(self.text, pos)
        if m:
            return m.end(), g.numeral_value(m.group()), "roman" if m.group().isupper() else "low"
        m = _ARABIC.match(self.text, pos) if arabic else None
        if m:
            return m.end(), int(m.group()), "arabic"
        m = _WORD_NUMBER.match(self.text, pos) if words else None
        if m:
            return m.end(), g.count_value(m.group()), "word"
        return None

    def numbered(
        self,
        pos: int,
        start: int,
        allow_list: bool,
        arabic: bool,
        words: bool = False,
        range_words: bool = True,
    ) -> list[_Canto]:
        """Parse numerals from ``pos`` (a list, ranges, suffixes); the mentions, not yet added."""
        text, items, first_kind = self.text, [], None
        while True:
            num = self._numeral(pos, arabic, words)
            if not num:
                break
            end, first, kind = num
            if first_kind is None:
                first_kind = kind
            elif kind != first_kind:
                break
            if not g.valid_canto(first):
                break
            item_start, cantos = pos, [first]
            family = {"low": "roman", "word": "arabic"}.get(kind, kind)
            d = (_DASH if range_words else _DASH_SIGN).match(text, end)
            second = self._numeral(d.end(), arabic, words) if d else None
            if second and second[2] == kind:
                span = g.expand_range(first, second[1]) if second[1] is not None else None
                if span and g.valid_canto(span[-1]) and len(span) > 1:
                    end, cantos, family = second[0], span, "range"
            rest = text[end:]
            if items and text[pos:end] == "I" and re.match(r"\s+[a-z]", rest):
                break  # "Cantos XVI and I believe": the pronoun
            if items and re.match(r"\s*(?:lines?|ll?\.|pages?|pp?\.|years?|times)\b", rest):
                break
            lines, page = [], None
            s = _SUFFIX_LINES.match(text, end) or (
                _SUFFIX_DOT_LINE.match(text, end) if kind in ("roman", "low") else None
            )
            if s and len(cantos) == 1:
                lines = _line_list(s.group("lines"))
                if lines:
                    end, family = s.end(), "lines"
            if not lines:
                p = _SUFFIX_PAGE.match(text, end)
                if p and len(cantos) == 1:
                    page = next(x for x in p.groups() if x)
                    end, family = p.end(), "page"
            items.append(_Canto(item_start, end, cantos, family, lines, page))
            if not allow_list:
                break
            sep = _LIST_SEP.match(text, end)
            if not sep:
                break
            pos = sep.end()
        if len(items) > 1:
            for item in items:
                if item.family in ("roman", "arabic"):
                    item.family = "list"
        if items:
            items[0].start = start
        return items

    def keywords(self) -> None:
        if not self.has_keyword:
            return
        text = self.text
        for m in _FROM_TO.finditer(text):  # "from Canto LXXIV to Canto LXXXIV"
            a, b = g.numeral_value(m.group("a")), g.numeral_value(m.group("b"))
            span = g.expand_range(a, b) if a and b else None
            same = m.group("a").isdigit() == m.group("b").isdigit()
            if span and same and g.valid_canto(span[-1]) and not self._foreign(m.start(), m.end()):
                self.add(_Canto(m.start(), m.end(), span, "range"))
        for m in _KEYWORD.finditer(text):
            if not self.free(m.start(), m.end()):
                continue
            gap = re.match(
                r"[ \t\u00a0]+(?:(?:[Nn]os?\.|[Nn]umbers?)\s*)?|\n|,\s*(?=[IVXLC]{2,}\b[,;)]?)",
                text[m.end() :],
            )
            if not gap:
                self.parenthesised(m.end())
                continue
            plural = m.group().lower().endswith("s")
            vague = re.search(
                r"\b(?:[Aa]n?|[Ee]ach|[Ee]very|[Aa]ny|[Aa]nother|[Ww]hich|[Ww]hat|[Oo]ne)\s+$",
                text[max(0, m.start() - 12) : m.start()],
            )
            items = self.numbered(
                m.end() + gap.end(), m.start(), True, arabic=True, words=not vague
            )
            if items and items[0].family in ("arabic", "list", "range", "lines", "page"):
                lonely_word = _WORD_NUMBER.fullmatch(text[m.end() + gap.end() : items[0].end])
                if lonely_word and plural and len(items) == 1 and len(items[0].cantos) == 1:
                    items = []  # "in the cantos one finds": a pronoun
            if (
                plural
                and len(items) == 1
                and items[0].family == "roman"
                and text[items[0].end - 1 : items[0].end] == "I"
                and text[m.end() + gap.end() : items[0].end] == "I"
            ):
                items = []  # "the cantos I have read"
            if items and self._foreign(m.start(), items[-1].end):
                continue
            if items:
                for item in items:
                    self.add(item)
            else:
                self.parenthesised(m.end())

    def parenthesised(self, pos: int) -> bool:
        """Numerals filling a parenthesis after a group or "Cantos": "China Cantos (52–61)"."""
        m = re.match(r"\s*[’'”\"]?\s*\(\s*", self.text[pos:])
        if not m:
            return False
        start = pos + m.end()
        items = self.numbered(start, start, allow_list=True, arabic=True)
        if not items or not re.match(r"\s*\)", self.text[items[-1].end :]):
            return False
        for item in items:
            self.add(item)
        return True

    def bare_with_suffix(self) -> None:
        text = self.text
        for m in self.romans():
            if not self.free(m.start(), m.end()) or not g.valid_canto(g.numeral_value(m.group())):
                continue
            after = text[m.end() : m.end() + 3]
            if not (
                _SUFFIX_LINES.match(text, m.end())
                or _SUFFIX_PAGE.match(text, m.end())
                or re.match(r"\.\d", after)
            ):
                continue
            if self._blocked_bare(m.start(), m.end()):
                continue
            for item in self.numbered(m.start(), m.start(), allow_list=False, arabic=False):
                if item.lines or item.cited_page:
                    self.add(item)

    def canto_pages(self) -> None:
        # "1/3" is as often a fraction as Canto I, page 3: small pages need a canto context.
        context = self.has_context() or bool(self.cantos)
        for pattern in (_C_PAGE, _ARABIC_PAGE):
            if "/" not in self.text and (pattern is _ARABIC_PAGE or not _C_DIGIT.search(self.text)):
                continue
            for m in pattern.finditer(self.text):
                if not self.free(m.start(), m.end()):
                    continue
                canto, page = int(m.group("canto")), int(m.group("page"))
                if not g.valid_canto(canto) or not _plausible_page(canto, page):
                    continue
                cited = re.search(r"(?i)(?:\(|\b(?:at|see|cf\.?|in))\s*$", self.text[: m.start()])
                if pattern is _ARABIC_PAGE and page < 20 and not (context or cited):
                    continue
                if pattern is _ARABIC_PAGE and re.search(
                    r"(?:\d[-/]|\b(?:pp?|vol|no)\.?\s*)$", self.text[: m.start()]
                ):
                    continue
                self.add(_Canto(m.start(), m.end(), [canto], "page", cited_page=m.group("page")))

    # ordinals and groups ---------------------------------------------------------------------

    def ordinal_lists(self) -> None:
        """ "the fourth and fifth cantos", "the seventy-fourth and eighty-first cantos"."""
        for m in _anchored(self.text, _ORDINAL_LIST, self.ordinal_positions):
            words = re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group("ords"))
            values = [g.ordinal_value(re.sub(r"[-\s]+", " ", w.lower())) for w in words]
            if (
                all(g.valid_canto(v) for v in values)
                and self.free(m.start(), m.end())
                and not self._foreign(m.start(), m.end())
            ):
                self.add(_Canto(m.start(), m.end(), values, "ordinal"))

    def ordinals(self, context: bool) -> None:
        self.ordinal_lists()
        groups = g.load_groups()
        _, ordinal = _group_patterns()
        for m in _anchored(self.text, ordinal, self.ordinal_positions):
            if not self.free(m.start(), m.end()):
                continue
            gi, ai = _group_index(m, "g"), _group_index(m, "a")
            which = re.sub(r"[-\s]+", " ", m.group("ord").lower())
            count = _count(m.group("count")) if m.group("count") else None
            kw = m.group("kw")
            idx = gi if gi is not None else ai
            if idx is not None:
                if ai is not None and gi is None and not kw:
                    continue  # "the first Pisan" with no noun: not enough
                grp = groups[idx]
                cantos = _ordinal_slice(which, count, grp.first, grp.last)
                end = m.end() if gi is not None else m.end("kw")
                family = "group_ordinal"
            elif kw or m.group("whole"):
                if count is None and kw and kw.lower() == "cantos":
                    continue  # "the first cantos": vague
                n = g.ordinal_value(which)
                if n is None or (count and n != 1):
                    continue  # "the last canto": of what?
                cantos = list(range(1, count + 1)) if count else [n]
                end, family = m.end(), "ordinal"
            else:
                n = g.ordinal_value(which)
                tail = self.text[m.end("ord") :]
                if not (context and n and n >= 20 and count is None):
                    continue
                if _ORDINAL_TAIL_NOUN.match(tail) or re.match(r"\s+of\b", tail):
                    continue
                cantos, end, family = [n], m.end("ord"), "ordinal"
            if not cantos or not all(g.valid_canto(c) for c in cantos):
                continue
            if self._foreign(m.start(), end):
                continue
            self.add(_Canto(m.start(), end, cantos, family))

    def groups(self) -> None:
        groups = g.load_groups()
        found = []
        for i, pattern in enumerate(_group_name_patterns()):
            if any(t in self.text for t in groups[i].triggers):
                found += [(m.start(), -m.end(), i, m) for m in pattern.finditer(self.text)]
        for _, _, i, m in sorted(found, key=lambda x: x[:2]):
            if not self.free(m.start(), m.end()):
                continue
            before = self.text[max(0, m.start() - 16) : m.start()]
            if re.search(r"\b(?:[Aa]n?|[Oo]ne\s+of\s+the|[Ss]ome\s+of\s+the)\s+[‘“\"']?$", before):
                continue  # "a Pisan canto", "one of the Pisan Cantos": which one is not said
            grp = groups[i]
            if self.parenthesised(m.end()):
                continue
            self.add(_Canto(m.start(), m.end(), grp.cantos, "group", explicit=False))

    # bare numerals in a canto context ----------------------------------------------------------

    def bare_in_context(self, context: bool) -> None:
        text = self.text
        candidates: list[tuple[re.Match, bool, bool]] = []  # (match, strong, range_words)
        for m in self.romans():
            value = g.numeral_value(m.group())
            if not self.free(m.start(), m.end()) or not g.valid_canto(value):
                continue
            if self._blocked_bare(m.start(), m.end()):
                continue
            before, after = text[max(0, m.start() - 30) : m.start()], text[m.end() :]
            if re.search(r"[(/]\s*$", before) and re.match(r"\s*\)", after) and m.group() != "I":
                self.add(_Canto(m.start(), m.end(), [value], "roman", weak=True))
                continue
            word = re.search(r"([A-Za-z][A-Za-z.]*)\s+$", before)
            prev = word.group(1).lower() if word else ""
            ranged = re.match(rf"{_DASH_SIGN.pattern}(?:{g.ROMAN})", after)
            listed = re.match(rf"{g.LIST_SEP}(?!I\b)(?:{g.ROMAN})", after)
            strong = bool(ranged or listed) and not self._blocked_bare(m.start(), m.end() + 8)
            # "LXXXI’s ‘Pull down thy vanity’": a long numeral owning something is a canto
            strong = strong or bool(len(m.group()) >= 3 and re.match(r"[’']s\b", after))
            if m.group() == "I" and not ranged:
                continue
            lines_of = re.search(r"\blines?\s+(?:of|in)\s+$", before)
            if len(m.group()) < 2 and not (strong or lines_of):
                continue
            if prev not in _PREPOSITIONS and re.match(r"\s*\(\d{4}\)", after):
                continue  # a volume: "The Criterion, XIV (1935)"
            qualifies = (
                strong
                or len(m.group()) >= 3  # "called LII the start": long numerals are cantos here
                or prev in _PREPOSITIONS
                or bool(re.match(r"[’']s\b", after))
                or bool(_SENTENCE_START.search(before) and re.match(r"\s+[a-z]|\s*,", after))
                or bool(  # an apposition: "the Princess Ra-Set, XCI."
                    len(m.group()) >= 3
                    and re.search(r",\s+$", before)
                    and re.match(r"\s*(?:[.;:)]|$)", after)
                )
            )
            if qualifies:
                candidates.append((m, strong, prev == "from"))
        accept = context or len(candidates) >= 2
        for m, strong, range_words in candidates:
            if (strong or accept) and self.free(m.start(), m.end()):
                for item in self.numbered(
                    m.start(), m.start(), True, arabic=False, range_words=range_words
                ):
                    self.add(item)
        if any(
            c.family == "arabic" or (c.family in ("list", "range") and c.explicit)
            for c in self.cantos
        ):
            self.bare_arabic()

    def bare_arabic(self) -> None:
        """ "Canto 38 … repeated in 46.": an arabic numeral after "in", once cantos are arabic."""
        for m in re.finditer(r"\b(?:in|and)\s+(\d{1,3})(?=\s*(?:[.,;:)]|$))", self.text):
            n = int(m.group(1))
            if (
                g.valid_canto(n)
                and self.free(m.start(1), m.end(1))
                and not re.search(r"(?:\d\s*|\bp+\.\s*|:\s*)$", self.text[: m.start()])
            ):
                self.add(_Canto(m.start(1), m.end(1), [n], "arabic"))

    def _blocked_bare(self, start: int, end: int) -> bool:
        text = self.text
        before = text[max(0, start - 40) : start]
        if g.LABEL_NOUN.search(before):
            return True
        word = re.search(r"([A-Za-z][\w.’']*)[ \t\u00a0]+$", before)
        if word:
            w = word.group(1)
            if w[0].isupper() and w.lower() not in g.FUNCTION_WORDS and not _KEYWORD.fullmatch(w):
                return True  # "Frederick II", "The Dial LXXI", "Inf. XVII", "John XIV:6"
        if g.COUNTED_NOUN.match(text[end:]):
            return True  # "XVI Cantos", "XIX century"
        if re.match(
            r"\s*,?\s*(?:of|in|from)\s+(?:[A-Z]\w+['’]s\s+)?(?:[Tt]he\s+|Hugh\s+Selwyn\s+|Homage\s+to\s+"
            r"(?:Sextus\s+)?)?[‘“\"']?(?:"
            + g.OTHER_WORK.pattern
            + "|"
            + g.FOREIGN_WORK.pattern
            + ")",
            text[end : end + 60],
        ):
            return True
        return self._foreign(start, end)

    def _foreign(self, start: int, end: int) -> bool:
        """True when a canto number belongs to another poem: "Purgatorio, Canto 26"."""
        text = self.text
        before = text[max(0, start - 40) : start]
        cut = list(_SENTENCE_END.finditer(before))
        if cut:
            before = before[cut[-1].end() :]
        hits = list(g.FOREIGN_WORK.finditer(before))
        # A bare "Dante" near "Canto XXXVI" is Pound writing about Dante; "Dante's canto" is not.
        pound_canto = text.startswith(("Canto", "CANTO"), start)
        poet_only = hits and hits[-1].group() in ("Dante", "Byron", "Tasso", "Ariosto")
        if hits and "Pound" not in before[hits[-1].end() :] and not (pound_canto and poet_only):
            return True
        after = text[end : end + 60]
        if re.match(
            r"\s*,?\s*(?:of|in|from)\s+(?:[A-Z]\w+['’]s\s+|[Tt]he\s+|his\s+)*[‘“\"']?(?:"
            + g.FOREIGN_WORK.pattern
            + ")",
            after,
        ):
            return True
        title = re.match(
            r"\s*(?:of|in)\s+(?:[Tt]he\s+)?[‘“\"']?([A-Z][\w’']*(?:\s+[A-Z\d][\w’']*)*)", after
        )
        # "Canto I of The Rape of the Lock": a title that is not Pound's
        return bool(
            title
            and not g.POUND_TITLE.search(title.group(1))
            and not _ROMAN_UP.fullmatch(title.group(1))
        )

    # lines -------------------------------------------------------------------------------------

    def line_mentions(self) -> None:
        text = self.text
        words = "line" in self.lower
        if not (words or self.ordinal_positions or "l." in self.lower or "=" in text):
            return
        for m in _anchored(text, _PAIR_LINES, self.ordinal_positions):
            if self.free(m.start(), m.end()):
                first = _position_lines(m.group("w1"), m.group("c1"))
                second = _position_lines(m.group("w2"), m.group("c2"))
                if first and second:
                    self.add(_Lines(m.start(), m.end(), first + second, "first_last"))
        for pattern in (_COUNT_LINES, _PLURAL_LINES):
            for m in _anchored(text, pattern, self.ordinal_positions):
                if self.free(m.start(), m.end()):
                    count = m.groupdict().get("count")
                    lines = _position_lines(m.group("which"), count or str(PLURAL_LINES))
                    if lines:
                        self.add(_Lines(m.start(), m.end(), lines, "first_last"))
        for m in _anchored(text, _ORDINAL_LINE, self.ordinal_positions):
            if self.free(m.start(), m.end()):
                n = _ordinal_position(m.group("ord"))
                if n is not None and m.group("end"):
                    n = -abs(n)
                if n is not None and m.group("but"):
                    n = (-2 if m.group("but") == "one" else -3) if n == -1 else None
                if n:
                    family = "first_last" if n in (1, -1) or n < 0 else "lines"
                    self.add(_Lines(m.start(), m.end(), [n], family))
        for m in _RELATIVE_LINES.finditer(text) if words else ():
            if self.free(m.start(), m.end()):
                count = g.count_value(m.group("count")) if m.group("count") else None
                if count is None:
                    if m.group("noun") == "lines":
                        continue
                    count = 1
                sign = (
                    1 if m.group("dir") in ("following", "next", "subsequent", "succeeding") else -1
                )
                self.add(_Lines(m.start(), m.end(), [], "relative", relative=sign * count))
        for pattern in (_LINE_KW, _GREEK_EQ):
            if pattern is _GREEK_EQ and "=" not in text:
                continue
            for m in pattern.finditer(text):
                if self.free(m.start(), m.end()):
                    lines = _line_list(m.group("lines"))
                    if lines:
                        self.add(_Lines(m.start(), m.end(), lines, "lines"))
        for m in _LINE_WORDS.finditer(text) if words else ():
            if self.free(m.start(), m.end()):
                a = g.count_value(m.group("a"))
                b = g.count_value(m.group("b")) if m.group("b") else a
                span = g.expand_range(a, b, MAX_LINE_SPAN) if a and b else None
                if span:
                    self.add(_Lines(m.start(), m.end(), span, "lines"))


def _count(s: str) -> int | None:
    low = s.lower()
    if low.startswith(("couple", "pair")):
        return 2
    return g.count_value(s)


def _plausible_page(canto: int, page: int) -> bool:
    # Canto n sits near page 5n-7n in the collected editions; this refuses dates and fractions.
    return page >= 3 and 4 * canto - 5 <= page <= 8 * canto + 20


def _line_list(s: str) -> list[int]:
    out: list[int] = []
    for item in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", s.strip()):
        parts = _DASH.split(item.strip(), maxsplit=1)
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
    if not out or any(n < 1 or n > MAX_LINE for n in out):
        return []
    return list(dict.fromkeys(out))


def _ordinal_position(word: str) -> int | None:
    """1-based position from the start, or negative from the end: "penultimate" → -2."""
    w = re.sub(r"[-\s]+", " ", word.lower())
    fixed = {"last": -1, "final": -1, "closing": -1, "opening": 1, "penultimate": -2,
             "antepenultimate": -3, "last but one": -2}  # fmt: skip
    if w in fixed:
        return fixed[w]
    m = re.fullmatch(r"(second|third) (?:to|from) (?:the )?last", w)
    if m:
        return -(2 if m.group(1) == "second" else 3)
    return g.ordinal_value(w)


def _position_lines(which: str, count: str | None) -> list[int]:
    n = _count(count) if count else 1
    if not n or n > MAX_LINE_SPAN:
        return []
    if which.lower() in ("first", "opening"):
        return list(range(1, n + 1))
    return list(range(-n, 0))


def _ordinal_slice(which: str, count: int | None, first: int, last: int) -> list[int]:
    pos = _ordinal_position(which)
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


# --- resolution -------------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _evidence(text: str, start: int, end: int, ref: Reference) -> Reference:
    return Reference(
        canto=ref.canto,
        lines=ref.lines,
        evidence_start=start,
        evidence_end=end,
        evidence=text[start:end],
        method="rules",
        family=ref.family,
        cited_page=ref.cited_page,
        score=1.0,
    )


def extract_references(text: str) -> list[Reference]:
    """Every explicit canto/line citation in ``text``, each with the span that grounds it."""
    scan = _Scan(text)
    scan.keywords()
    scan.bare_with_suffix()
    scan.canto_pages()
    triggered = any(t in text for t in _all_triggers())
    context = scan.has_context() or bool(scan.cantos) or triggered
    scan.ordinals(context)
    scan.groups()
    scan.bare_in_context(context or bool(scan.cantos))
    scan.line_mentions()
    cantos = sorted(scan.cantos, key=lambda c: c.start)

    # Lines first: a positional line may pick one canto out of a group ("the last line of the
    # Pisan Cantos" → 84), and then the group is not expanded.
    line_refs: list[tuple[int, int, Reference]] = []
    targeted: set[int] = set()
    # Lines given with their canto ("IX:ll.15-28") anchor relative phrases too.
    events = [(c.start, c.cantos[0], c.lines) for c in cantos if c.lines]
    for mention in sorted(scan.lines, key=lambda m: m.start):
        if mention.relative:
            earlier = [e for e in events if e[0] < mention.start and any(x > 0 for x in e[2])]
            if not earlier:
                continue
            _, canto, base = max(earlier, key=lambda e: e[0])
            base = [x for x in base if x > 0]
            if mention.relative > 0:
                lines = list(range(max(base) + 1, max(base) + 1 + mention.relative))
            else:
                lines = list(range(min(base) + mention.relative, min(base)))
            if not lines or lines[0] < 1:
                continue
            start, end = mention.start, mention.end
        else:
            found = _target(text, mention, cantos, scan.sentences)
            if found is None:
                continue
            target, canto = found
            targeted.add(id(target))
            lines = mention.lines
            start, end = min(mention.start, target.start), max(mention.end, target.end)
            if end - start > 300:
                start, end = mention.start, mention.end
        line_refs.append((start, end, Reference(canto, tuple(lines), family=mention.family)))
        events.append((mention.start, canto, lines))

    # A group that only says where an explicitly numbered canto sits is not expanded.
    sentences = scan.sentences
    explicit = [c for c in cantos if c.explicit and not c.weak]
    refs: list[tuple[int, int, Reference]] = []
    for c in cantos:
        if c.weak and id(c) not in targeted:
            continue
        if not c.explicit:
            if id(c) in targeted:
                continue
            here = _sentence_index(sentences, c.start)
            members = set(c.cantos)
            if any(
                _sentence_index(sentences, x.start) == here and members & set(x.cantos)
                for x in explicit
            ):
                continue
        for n in c.cantos:
            ref = Reference(n, tuple(c.lines), family=c.family, cited_page=c.cited_page)
            refs.append((c.start, c.end, ref))

    out, seen = [], set()
    for start, end, ref in sorted(refs + line_refs, key=lambda r: (r[0], r[1])):
        key = (ref.canto, ref.lines, start, end)
        if key not in seen:
            seen.add(key)
            out.append(_evidence(text, start, end, ref))
    return out


def _sentence_index(sentences: list[tuple[int, int]], pos: int) -> int:
    for i, (s, e) in enumerate(sentences):
        if s <= pos < e:
            return i
    return len(sentences) - 1


def _target(
    text: str, mention: _Lines, cantos: list[_Canto], sentences: list[tuple[int, int]]
) -> tuple[_Canto, int] | None:
    """The canto a line reference belongs to: the one it names ("of Canto I"), else the nearest
    single canto before it in the passage."""
    follow = re.match(r"\s*(?:of|in|from)\s+(?:the\s+)?", text[mention.end :])
    if follow:
        at = mention.end + follow.end()
        for c in cantos:
            if mention.end < c.start <= at or c.start == at:
                if len(c.cantos) == 1:
                    return c, c.cantos[0]
                if c.family == "group" and mention.family == "first_last" and mention.lines:
                    if all(x < 0 for x in mention.lines):
                        return c, c.cantos[-1]
                    if all(x > 0 for x in mention.lines):
                        return c, c.cantos[0]
    before = [c for c in cantos if c.end <= mention.start]
    if not before or len(before[-1].cantos) != 1:
        return None
    nearest = before[-1]
    where = _sentence_index(sentences, nearest.start)
    if where != _sentence_index(sentences, mention.start):
        # Across a sentence boundary, a sentence naming several cantos leaves "the first line" open.
        s, e = sentences[where]
        if len({n for c in cantos if s <= c.start < e for n in c.cantos}) > 1:
            return None
    return nearest, nearest.cantos[0]


# --- the extractor ----------------------------------------------------------------------------


@cache
def grammar_hash() -> str:
    """Changes whenever the grammar's source or the group table changes."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    parts = [(here / name).read_bytes() for name in ("rules.py", "grammar.py")]
    parts.append(g.GROUPS_PATH.read_bytes())
    return sha256_hex(b"\0".join(parts), 16)


class RulesExtractor:
    """The deterministic extractor: ``extract_references`` over each passage."""

    name = "rules"

    def __init__(self, config: Config | None = None) -> None:
        self.config = config
        g.load_groups()  # fail at construction, not per passage, if the table is broken

    def identity(self) -> dict[str, str]:
        return {"extractor": "rules", "method": "rules", "grammar": grammar_hash()}

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        results = []
        for passage in passages:
            try:
                refs = tuple(extract_references(passage.text))
            except Exception as exc:  # a bad passage is recorded, the batch goes on
                results.append(
                    Extraction(
                        passage.passage_id, error=f"{type(exc).__name__}: {exc}", method="rules"
                    )
                )
                continue
            results.append(Extraction(passage.passage_id, refs, method="rules"))
        return results

    def close(self) -> None:
        pass
