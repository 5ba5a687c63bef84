"""Text cleanup of PDF pages, plain functions over strings, tested on known text.

- NFKC (ligatures, compatibility characters), pdfium's soft-hyphen marks turned back into "-\\n";
- running headers, footers and folios found where they recur at page edges (``running_lines``);
- line-end de-hyphenation that keeps real compounds (see ``keep_hyphen``);
- lines inside a paragraph joined by "\\n", paragraphs by "\\n\\n" (see ``join_lines``).
"""

from __future__ import annotations

import re
import unicodedata

# pdfium reports a hyphen it takes for a line-end soft hyphen as U+FFFE (or 0x02) and joins the lines.
_PDFIUM_SOFT_HYPHEN = re.compile("[\ufffe\x02][ \t]*(?:\r?\n)?")
_INLINE_SOFT_HYPHEN = "\u00ad"

# First halves that are whole words and usually start a compound ("twentieth-century",
# "well-known"), not the first syllable of a word split at a line end.
_COMPOUND_HEADS = """
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
    fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
    one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    sixty seventy eighty ninety hundred thousand half quarter
    self well ill semi quasi pseudo neo mid late early long short high low near far full
    old new never ever much little cross fine open wide deep great grand step world
"""
COMPOUND_HEADS = frozenset(_COMPOUND_HEADS.split())
# Continuations that are suffixes: the word was split, whatever its first half ("long-ing").
_SPLIT_SUFFIXES = "ly ness ing ings er ers ed est ish dom ship ment ments s es"
SPLIT_SUFFIXES = frozenset(_SPLIT_SUFFIXES.split())

_LINE_END_HYPHEN = re.compile(r"(?<![-\w])(\w+)-$")
_FIRST_WORD = re.compile(r"^([^\W\d_]\w*)")  # a continuation starts with a letter
_FIRST_NUMBER = re.compile(r"^(\d+)\b")


def keep_hyphen(head: str, tail: str, vocabulary: set[str] | None = None) -> bool:
    """Whether ``head-`` at a line end followed by ``tail`` is a real hyphen (else a split word).

    The rule, in order: a capitalised continuation keeps it ("Rock-Drill", "Graeco-Roman"); digits
    keep it ("445-446"); the document's own usage decides when the joined word or the hyphenated
    pair occurs elsewhere in it; a suffix continuation is a split ("long-ing"); a first half in
    ``COMPOUND_HEADS`` keeps it ("twentieth-century"); anything else is a split ("Malat-esta").
    """
    if tail[:1].isupper():
        return True
    if any(c.isdigit() for c in head + tail):
        return True
    if vocabulary:
        if _used((head + tail).lower(), vocabulary):
            return False
        if _used(f"{head}-{tail}".lower(), vocabulary):
            return True
    if tail.lower() in SPLIT_SUFFIXES:
        return False
    return head.lower() in COMPOUND_HEADS


def dehyphenate_lines(lines: list[str], vocabulary: set[str] | None = None) -> list[str]:
    """Merge each line ending in "word-" with the next line starting with a word."""
    out: list[str] = []
    for line in lines:
        if out and line and out[-1].endswith("-"):
            previous = out[-1]
            head = _LINE_END_HYPHEN.search(previous)
            tail = _FIRST_WORD.match(line)
            if head and not tail and head.group(1).isdigit():
                tail = _FIRST_NUMBER.match(line)  # "pp. 445-" / "446": a number range
            if head and tail:
                hyphen = "-" if keep_hyphen(head.group(1), tail.group(1), vocabulary) else ""
                out[-1] = previous[:-1] + hyphen + line
                continue
        out.append(line)
    return out


def normalize_page(raw: str) -> list[str]:
    """A page's raw text as NFKC lines, right-stripped; pdfium soft hyphens back to "-\\n"."""
    if "\ufffe" in raw or "\x02" in raw:
        raw = _PDFIUM_SOFT_HYPHEN.sub("-\n", raw)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _INLINE_SOFT_HYPHEN in raw:
        # A soft hyphen at a line end splits a word; inside a line it is invisible.
        raw = raw.replace(_INLINE_SOFT_HYPHEN + "\n", "-\n").replace(_INLINE_SOFT_HYPHEN, "")
    if not unicodedata.is_normalized("NFKC", raw):
        raw = unicodedata.normalize("NFKC", raw)
    return [line.rstrip() for line in raw.split("\n")]


_DIGITS = re.compile(r"\d+")
_ROMAN = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_ROMAN_CHARS = frozenset("mdclxvi")
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}


def _roman_value(token: str) -> int:
    total = 0
    for char, after in zip(token, token[1:] + " ", strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if _ROMAN_VALUES.get(after, 0) > value else value
    return total


def _is_roman(token: str) -> bool:
    return bool(token) and _ROMAN_CHARS.issuperset(token) and bool(_ROMAN.fullmatch(token))


def _line_key(line: str) -> str:
    """A line with page numbers masked, so "THE CANTOS 445" and "THE CANTOS 446" compare equal."""
    tokens = _DIGITS.sub("#", line.lower()).split()
    for i, token in enumerate(tokens):
        if _ROMAN_CHARS.issuperset(token) and _ROMAN.fullmatch(token):  # (split: never empty)
            tokens[i] = "#"
    return " ".join(tokens)


def _numbers(line: str) -> list[int]:
    """The arabic and roman numbers of a line ("xii READING 445" → [12, 445])."""
    lower = line.lower()
    found = [int(d) for d in _DIGITS.findall(lower)]
    found.extend(_roman_value(token) for token in lower.split() if _is_roman(token))
    return found


def edge_indices(lines: list[str], depth: int) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:depth] + filled[-depth:]))


def running_lines(edges: list[list[str]], labels: list[str | None] | None = None) -> list[set[int]]:
    """Which of each page's edge lines (its first and last lines) are page furniture: for each
    page, the indices into ``edges[page]`` to remove.

    A line is furniture when its digit-masked form recurs at a page edge across the document (on
    at least 2 pages of a document of up to 8 pages, else 3) and its numbers are either the same
    on every page ("PROCEEDINGS 2026", "week 6") or the page's folio: its printed label, or a
    number that keeps the same distance from the physical page number on several pages (on 3,
    or on 2 that follow each other), as it does on at least half of the pages the line recurs
    on. A title that recurs with a number that changes otherwise ("Canto XLV", "Canto LXXIV"
    on slides) stays text.
    """
    count = len(edges)
    labels = labels or [None] * count
    if count < 2:
        return [set() for _ in edges]
    threshold = 2 if count <= 8 else 3
    keys = {line: _line_key(line) for lines in edges for line in lines}
    occurrences: dict[str, list[tuple[int, int]]] = {}  # key → (page, index)
    for page, lines in enumerate(edges):
        for i, line in enumerate(lines):
            if keys[line]:
                occurrences.setdefault(keys[line], []).append((page, i))
    # Only lines that recur are read for their numbers (most edge lines are text).
    recurring = {
        key: [(p, i, _numbers(edges[p][i]) if edges[p][i].lower() != key else []) for p, i in found]
        for key, found in occurrences.items()
        if len({p for p, _ in found}) >= threshold
    }
    # The numbers that change from page to page (a constant "2026" or "of 12" is no folio).
    varying: dict[str, list[tuple[int, int, list[int]]]] = {}
    for key, found in recurring.items():
        lengths = {len(numbers) for _, _, numbers in found}
        slots = range(lengths.pop()) if len(lengths) == 1 else None
        if slots is not None:
            changing = [k for k in slots if len({numbers[k] for _, _, numbers in found}) > 1]
            found = [(p, i, [numbers[k] for k in changing]) for p, i, numbers in found]
        varying[key] = found
    offset_pages: dict[int, set[int]] = {}
    for found in varying.values():
        for page, _, numbers in found:
            for number in numbers:
                offset_pages.setdefault(number - page, set()).add(page)
    folio_offsets = {
        offset
        for offset, pages in offset_pages.items()
        if len(pages) >= 3 or (len(pages) == 2 and max(pages) - min(pages) == 1)
    }

    def folio(page: int, line: str, numbers: list[int]) -> bool:
        label = (labels[page] or "").lower()
        return (
            not numbers
            or any(number - page in folio_offsets for number in numbers)
            or bool(label and label in line.lower().split())
        )

    out: list[set[int]] = [set() for _ in edges]
    for found in varying.values():
        consistent = [(p, i) for p, i, numbers in found if folio(p, edges[p][i], numbers)]
        if 2 * len(consistent) >= len(found):
            for page, i in consistent:
                out[page].add(i)
    return out


def strip_running_lines(
    pages: list[list[str]], depth: int = 2, labels: list[str | None] | None = None
) -> list[list[str]]:
    """Remove running headers/footers and folios (see ``running_lines``) from the first and last
    ``depth`` non-blank lines of each page."""
    edges = [edge_indices(lines, depth) for lines in pages]
    furniture = running_lines(
        [[lines[i] for i in idx] for lines, idx in zip(pages, edges, strict=True)], labels
    )
    out = []
    for lines, idx, drop in zip(pages, edges, furniture, strict=True):
        removed = {idx[k] for k in drop}
        out.append([line for i, line in enumerate(lines) if i not in removed])
    return out


def carry_split_words(pages: list[list[str]], vocabulary: set[str] | None = None) -> None:
    """A word hyphenated across a page break is completed on the earlier page (in place)."""
    for before, after in zip(pages, pages[1:], strict=False):
        last = next((i for i in range(len(before) - 1, -1, -1) if before[i].strip()), None)
        first = next((i for i, line in enumerate(after) if line.strip()), None)
        if last is None or first is None:
            continue
        head = _LINE_END_HYPHEN.search(before[last]) if before[last].endswith("-") else None
        tail = re.match(r"^(\w+)([^\s\w]*)\s*", after[first])
        if head and tail and tail.group(1)[:1].isalpha():
            hyphen = "-" if keep_hyphen(head.group(1), tail.group(1), vocabulary) else ""
            before[last] = before[last][:-1] + hyphen + tail.group(1) + tail.group(2)
            after[first] = after[first][tail.end() :]


_SENTENCE_END = re.compile(r"""[.!?:;]["'”’)\]]?$""")


def join_lines(lines: list[str]) -> str:
    """A page's lines as text: "\\n" inside a paragraph, "\\n\\n" between paragraphs.

    A paragraph ends at a blank line, or after a line that ends a sentence while being clearly
    shorter than the page's full lines (the last line of a paragraph rarely reaches the margin).
    Short unpunctuated lines (verse, headings) stay lines.
    """
    lines = [line.strip() for line in lines]
    filled = sorted(map(len, filter(None, lines)))
    if not filled:
        return ""
    full = filled[int(len(filled) * 0.8)] if len(filled) >= 4 else 0
    short = 0.85 * full
    ends = _SENTENCE_END.search
    parts: list[str] = []
    append = parts.append
    gap = None  # what goes before the next line: None (nothing yet), "\n" or "\n\n"
    for line in lines:
        if not line:
            if gap:
                gap = "\n\n"
            continue
        if gap:
            append(gap)
        append(line)
        # (the sentence end is searched for in the last two characters only)
        gap = "\n\n" if full and len(line) < short and ends(line, len(line) - 2) else "\n"
    return "".join(parts)


_PUNCTUATION = ",.;:!?)('\"“”‘’"


def document_vocabulary(pages: list[list[str]]) -> set[str]:
    """The document's lower-cased whitespace tokens (a line-end "word-" is never a compound)."""
    vocabulary: set[str] = set()
    for lines in pages:
        # Plain whitespace tokens (fast, all in C); ``_used`` allows for punctuation around them.
        vocabulary.update(" ".join(lines).lower().split())
    return vocabulary


def _used(word: str, vocabulary: set[str]) -> bool:
    """Whether ``word`` (lower case) occurs in the document, alone or with punctuation around."""
    if word in vocabulary:
        return True
    return any(word + p in vocabulary or p + word in vocabulary for p in _PUNCTUATION)


def clean_pages(raw_pages: list[str], strip_headers: bool = True) -> list[str]:
    """Raw per-page text → cleaned per-page text (same number of pages)."""
    pages = [normalize_page(raw) for raw in raw_pages]
    if strip_headers:
        pages = strip_running_lines(pages)
    needs_vocabulary = any(line.endswith("-") for lines in pages for line in lines)
    vocabulary = document_vocabulary(pages) if needs_vocabulary else None
    if needs_vocabulary:
        carry_split_words(pages, vocabulary)
        pages = [dehyphenate_lines(lines, vocabulary) for lines in pages]
    return [join_lines(lines) for lines in pages]
