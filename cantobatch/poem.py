"""The poem's own text: loading a directory of cantos, normalising it for matching, resolving lines.

A poem text directory holds one UTF-8 file per canto, named by the canto's number:
``canto_001.txt``, ``canto_1.txt``, ``canto-I.txt``, ``1.txt``, ``001.txt`` or ``I.txt`` (roman or
arabic, any case). Files not ending in ``.txt`` (a README) and hidden files are ignored; a ``.txt``
file whose name is not a canto is an error. One poem line per file line. Blank lines are stanza
breaks and do not count: poem line N is the N-th non-blank line, so a file with or without blank
lines between stanzas numbers its lines the same way (the printed editions' convention, and the
shared Canto I, which has no blank lines, is unchanged by it).

Matching works on normalised words (NFKC, so ligatures such as "ﬁ" become "fi"; case folded;
accents, apostrophes and soft hyphens removed; hyphenated compounds split in two) that keep the
character offsets of the original text and the poem line they come from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cantobatch.data import sha256_hex
from cantobatch.errors import ConfigError, DataError, InvalidValue
from cantobatch.references import MAX_CANTO, MIN_CANTO, numeral_value


class LineRangeError(DataError):
    """A canto or line is not in the loaded poem text (unknown canto, line past the end)."""


@dataclass(frozen=True)
class Canto:
    number: int
    lines: tuple[str, ...]  # poem line N is lines[N - 1]; trailing whitespace removed
    source: str  # the file it was read from
    file_lines: tuple[int, ...] = ()  # the file line of each poem line (blank lines skipped)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class PoemText:
    cantos: dict[int, Canto] = field(default_factory=dict)
    directory: str = ""

    @property
    def text_hash(self) -> str:
        """Hash of the text itself (not of the file names), for extractor identities."""
        body = "\n\x1e".join(f"{c.number}\n" + "\n".join(c.lines) for c in self.sorted_cantos())
        return sha256_hex(body, 16)

    def sorted_cantos(self) -> list[Canto]:
        return [self.cantos[n] for n in sorted(self.cantos)]

    def __contains__(self, canto: int) -> bool:
        return canto in self.cantos

    def length(self, canto: int) -> int | None:
        """Number of lines of ``canto``, or None when its text is not loaded."""
        c = self.cantos.get(canto)
        return len(c) if c else None

    def absolute(self, canto: int, line: int) -> int | None:
        """The positive line number of ``line`` (-1 → the last line); None if it is not in the canto."""
        n = self.length(canto)
        if n is None or line == 0:
            return None
        value = line if line > 0 else n + 1 + line
        return value if 1 <= value <= n else None

    def line_text(self, canto: int, line: int) -> str:
        """The text of one line (relative or absolute). Raises LineRangeError naming the problem."""
        c = self.cantos.get(canto)
        if c is None:
            have = ", ".join(str(n) for n in sorted(self.cantos)) or "none"
            raise LineRangeError(
                f"canto {canto} is not in the poem text at {self.directory} (cantos loaded: {have}); "
                "add its file (e.g. canto_%03d.txt) to that directory" % canto
            )
        absolute = self.absolute(canto, line)
        if absolute is None:
            raise LineRangeError(
                f"canto {canto} has {len(c)} lines ({c.source}); line {line} is outside 1-{len(c)} "
                f"(or -{len(c)} to -1 from the end)"
            )
        return c.lines[absolute - 1]


# --- loading ------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^(?:canto[ _-]?)?0*(\d{1,3}|[ivxlc]+)$", re.IGNORECASE)


def canto_from_name(stem: str) -> int | None:
    """The canto a file stem names (``canto_001``, ``1``, ``I``, ``canto-xlv``), else None."""
    m = _NAME_RE.match(stem.strip())
    if not m:
        return None
    number = numeral_value(m.group(1))
    return number if number is not None and MIN_CANTO <= number <= MAX_CANTO else None


def load_poem_text(directory: str | Path) -> PoemText:
    """Read every canto file of ``directory``. Raises ConfigError naming every problem found."""
    root = Path(directory)
    if not root.is_dir():
        raise ConfigError(
            f"poem text directory {root} does not exist or is not a directory; "
            "give --cantos-text (or quote.cantos_text) a directory with one file per canto"
        )
    problems: list[str] = []
    seen: dict[int, Path] = {}
    cantos: dict[int, Canto] = {}
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() != ".txt" or not path.is_file():
            continue
        number = canto_from_name(path.stem)
        if number is None:
            problems.append(
                f"{path.name}: not named by a canto (expected canto_001.txt, 1.txt or I.txt, 1-120)"
            )
            continue
        if number in seen:
            problems.append(f"{path.name}: canto {number} is also given by {seen[number].name}")
            continue
        seen[number] = path
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path.name}: cannot be read as UTF-8 text ({exc})")
            continue
        lines, file_lines = [], []
        for i, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                lines.append(line.rstrip())
                file_lines.append(i)
        if not lines:
            problems.append(f"{path.name}: empty (no poem lines)")
            continue
        cantos[number] = Canto(number, tuple(lines), str(path), tuple(file_lines))
    if not cantos and not problems:
        problems.append("no canto files (*.txt named canto_001.txt, 1.txt or I.txt)")
    if problems:
        raise ConfigError(
            f"poem text directory {root} has {len(problems)} problem(s): "
            + "; ".join(problems)
            + ". Fix or remove these files."
        )
    return PoemText(cantos=cantos, directory=str(root))


# --- normalisation ------------------------------------------------------------------------------

# A word: letters/digits, with apostrophes inside ("Cam'st", "Circe’s"). Hyphens separate words.
_WORD_RE = re.compile(r"[^\W_]+(?:[\u00ad'’ʼ`][^\W_]+)*")
_DROP = str.maketrans("", "", "\u00ad'’ʼ`")


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """Case-folded, NFKC (ligatures expanded), accents, apostrophes and soft hyphens removed."""
    text = unicodedata.normalize("NFKD", word.translate(_DROP))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Token:
    norm: str
    start: int  # character offsets in the original text
    end: int


def tokenize(text: str) -> list[Token]:
    """Normalised words of ``text`` with their offsets. Empty normalisations are dropped."""
    out = []
    for m in _WORD_RE.finditer(text):
        norm = normalize_word(m.group())
        if norm:
            out.append(Token(norm, m.start(), m.end()))
    return out


def normalize_words(text: str) -> str:
    """The words of ``text`` normalised and joined by single spaces (for comparisons)."""
    return " ".join(t.norm for t in tokenize(text))


# --- line specifications (the `lines` command) ----------------------------------------------------

_ITEM_RE = re.compile(r"^\s*(-?\d+)\s*(?:(?:-|–|\.\.)\s*(-?\d+)\s*)?$")


def parse_canto(spec: str) -> int:
    """``"1"``, ``"I"``, ``"i"``, ``"canto I"`` → 1. Raises InvalidValue with the reason."""
    text = spec.strip()
    text = re.sub(r"^canto\s*", "", text, flags=re.IGNORECASE)
    number = numeral_value(text)
    if number is None:
        raise InvalidValue(f"{spec!r} is not a canto number (arabic or roman)")
    if not MIN_CANTO <= number <= MAX_CANTO:
        raise InvalidValue(f"canto {number} is outside {MIN_CANTO}-{MAX_CANTO}")
    return number


def parse_line_spec(spec: str) -> list[tuple[int, int]]:
    """``"5"``, ``"1-3"``, ``"-1"``, ``"4,7-9"``, ``"-3--1"`` → a list of (first, last) items.

    Numbers are as cited: negative counts from the end. Raises InvalidValue with the reason.
    """
    items = []
    for part in spec.split(","):
        m = _ITEM_RE.match(part)
        if not m:
            raise InvalidValue(f"{part.strip()!r} is not a line or a range (5, 1-3, -1, 4,7-9)")
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) is not None else first
        if first == 0 or last == 0:
            raise InvalidValue("line 0 does not exist: lines count from 1 (or from -1 at the end)")
        items.append((first, last))
    return items


def resolve_line_spec(poem: PoemText, canto: int, spec: str | None) -> list[int]:
    """Absolute line numbers a spec points to in ``canto`` (all lines when ``spec`` is empty)."""
    c = poem.cantos.get(canto)
    if c is None:
        poem.line_text(canto, 1)  # raises the unknown-canto error
    assert c is not None
    if not spec:
        return list(range(1, len(c) + 1))
    out: list[int] = []
    for first, last in parse_line_spec(spec):
        a, b = poem.absolute(canto, first), poem.absolute(canto, last)
        for cited, value in ((first, a), (last, b)):
            if value is None:
                poem.line_text(canto, cited)  # raises the out-of-range error
        assert a is not None and b is not None
        if a > b:
            raise LineRangeError(f"range {first}-{last} runs backwards (lines {a} to {b})")
        out.extend(range(a, b + 1))
    return out


def format_lines(poem: PoemText, canto: int, lines: Iterable[int]) -> list[str]:
    """``"<number>  <text>"`` for each line, numbers right-aligned to the canto's widest number."""
    width = len(str(poem.length(canto) or 0))
    return [f"{n:>{width}}  {poem.line_text(canto, n)}" for n in lines]


def resolve_lines(
    poem: PoemText, canto: int, lines: Sequence[int]
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Absolute numbers for cited ``lines`` and flags for those outside the canto.

    A line outside the canto keeps its cited value and gets the flag ``out_of_range:<value>``.
    """
    absolute, flags = [], []
    for line in lines:
        value = poem.absolute(canto, line)
        if value is None:
            absolute.append(line)
            flags.append(f"out_of_range:{line}")
        else:
            absolute.append(value)
    return tuple(absolute), tuple(flags)
