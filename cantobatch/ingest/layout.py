"""Reading order of a PDF page from pdfium's character boxes: columns, bands, rows, footnotes.

pdfium gives a page's text in content-stream order, broken into lines where the baseline changes.
A typesetter that writes a two-column page line by line across both columns makes pdfium join
the two columns' lines into one ("…Characteristically, Sigis- Pound dramatises…").

``page_layout`` looks at a page cheaply first (a page costs a few dozen character-box calls, not
one per character): the left edges of a sample of its lines (does any start far from the
margin?) and the gaps between the text objects of its longest middle line (does it cross a
gutter?). A page without a sign of columns is a *flow* page: its lines stay in stream order, and
only the lines at its foot are measured (footnotes are set smaller). Otherwise every line becomes
a ``Unit`` with its position and:

1. ``find_gutters``: the gutters, from the lines that sit inside one column, or, when nearly
   every line was joined across the columns, from gaps that recur at the same place in the
   longest lines;
2. ``split_at_gutters``: a line that crosses a gutter is cut where its words really leave a gap
   there (pdfium writes a space at every gap, so the cut is at a word's start: found word by
   word from where the line's width puts the gutter, two character boxes a word, usually one
   word); one without a gap spans the columns (a title, an abstract, a block quote);
3. ``reading_order.order_page`` (pure, no pdfium) then reads the page: bands top to bottom,
   columns left to right, footnotes apart.
"""

from __future__ import annotations

import re
from collections import Counter

MIN_CHARS = 12  # a line this long is evidence for a column (folios and line numbers are not)
MIN_GAP = 8.0  # points: a gutter is at least this wide (word spaces are far narrower)
SMALL = 0.85  # a line this much smaller than the body type may be a footnote
_SOFT_HYPHEN_ROWS = re.compile("[^\ufffe\x02]*[\ufffe\x02]|[^\ufffe\x02]+")


class Unit:
    """A piece of a pdfium line: its text, x extent and vertical extent (PDF points, y up).

    ``x0``, ``bottom`` and ``top`` are the loose box of its first character; ``x1`` is the right
    edge of its last character, measured only on pages that may have columns (else None);
    ``first``/``last`` are the pdfium character indices of its first and last visible characters.
    """

    __slots__ = ("text", "x0", "x1", "bottom", "top", "first", "last")

    def __init__(self, text, x0, x1, bottom, top, first, last) -> None:
        self.text = text
        self.x0 = x0
        self.x1 = x1
        self.bottom = bottom
        self.top = top
        self.first = first
        self.last = last

    def __repr__(self) -> str:
        return f"Unit({self.text[:30]!r}, x0={self.x0:.0f}, x1={self.x1}, y={self.bottom:.0f})"


class _Chars:
    """Loose character boxes of one pdfium text page (a raw ``FPDF_TEXTPAGE``): ``box(i)`` →
    (left, right, bottom, top); ``text`` is the page's pdfium text (index i is character i)."""

    def __init__(self, textpage, text: str) -> None:
        import ctypes

        import pypdfium2.raw as pdfium_c

        self.raw = textpage
        self.text = text
        self.rect = pdfium_c.FS_RECTF()
        self.ref = ctypes.byref(self.rect)
        self.loose_box = pdfium_c.FPDFText_GetLooseCharBox
        self.count_rects = pdfium_c.FPDFText_CountRects
        self.get_rect = pdfium_c.FPDFText_GetRect
        self.doubles = [ctypes.c_double() for _ in range(4)]
        self.double_refs = [ctypes.byref(d) for d in self.doubles]

    def box(self, index: int) -> tuple[float, float, float, float]:
        self.loose_box(self.raw, index, self.ref)
        rect = self.rect
        return rect.left, rect.right, rect.bottom, rect.top

    def measure(self, units: list[Unit]) -> None:
        """Set ``x1`` of every unit that has none."""
        raw, loose_box, ref, rect = self.raw, self.loose_box, self.ref, self.rect
        for unit in units:
            if unit.x1 is None:
                loose_box(raw, unit.last, ref)
                unit.x1 = max(rect.right, unit.x0)

    def object_spans(self, first: int, last: int) -> list[tuple[float, float]]:
        """x extents of the text objects of characters ``first..last``, left to right, merged."""
        raw, get_rect, refs = self.raw, self.get_rect, self.double_refs
        left, _, right, _ = self.doubles
        spans = []
        append = spans.append
        for index in range(self.count_rects(raw, first, last - first + 1)):
            get_rect(raw, index, *refs)
            x0, x1 = left.value, right.value
            append((x0, x1) if x0 <= x1 else (x1, x0))
        spans.sort()
        merged: list[tuple[float, float]] = []
        for x0, x1 in spans:
            if merged and x0 <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
            else:
                merged.append((x0, x1))
        return merged


class PageLayout:
    """A page as ``page_layout`` read it.

    A page read by positions has ``units`` (every line, in any order) and ``gutters``. A flow
    page has ``lines`` in stream order and ``tail``: the heights of the lines measured from its
    foot, by index. ``heights`` are (height, characters) samples for the document's body type.
    """

    __slots__ = ("units", "gutters", "lines", "tail", "heights")

    def __init__(self, units=None, gutters=(), lines=None, tail=None, heights=()) -> None:
        self.units = units
        self.gutters = list(gutters)
        self.lines = lines
        self.tail = tail or {}
        self.heights = list(heights)

    def edges(self) -> list[int]:
        """Indices (into ``units`` or ``lines``) of the page's two top and two bottom lines."""
        if self.units is not None:
            tops = [-u.top for u in self.units]
            order = sorted(range(len(self.units)), key=tops.__getitem__)
        else:
            order = [i for i, line in enumerate(self.lines) if line]
        return sorted(set(order[:2] + order[-2:]))

    def texts(self) -> list[str]:
        return [u.text for u in self.units] if self.units is not None else self.lines


# --- 1. a first look --------------------------------------------------------------------------


def _pieces(text: str) -> list[tuple[int, str, bool]]:
    """(index of the first visible character, text, starts with a space) of every row of a
    page's pdfium text; a line pdfium joined at a soft hyphen is two rows."""
    pieces = []
    append = pieces.append
    pos = 0
    soft = "\ufffe" in text or "\x02" in text
    for line in text.split("\r\n"):
        if soft and ("\ufffe" in line or "\x02" in line):
            # pdfium joins the lines around a hyphen it takes for a soft one, even when the next
            # "line" is a footnote or the next column: each row is a piece of its own.
            for m in _SOFT_HYPHEN_ROWS.finditer(line):
                part = m.group()
                lead = part.lstrip()
                if lead:
                    skipped = len(part) - len(lead)
                    append((pos + m.start() + skipped, lead.rstrip(), skipped > 0))
        else:
            lead = line.lstrip()
            if lead:
                skipped = len(line) - len(lead)
                append((pos + skipped, lead.rstrip(), skipped > 0))
        pos += len(line) + 2
    return pieces if pos - 2 == len(text) else []


def page_layout(textpage, text: str, page_width: float, count: int) -> PageLayout | None:
    """How to read a page (``textpage``: a raw pdfium text page of ``count`` characters); None
    when pdfium's text and character indices disagree (a rare page, read as plain text)."""
    if len(text) != count:
        return None
    pieces = _pieces(text)
    if not pieces:
        return None if text.strip() else PageLayout(lines=[])
    chars = _Chars(textpage, text)
    gaps, indented, heights = first_look(chars, pieces, page_width)
    if gaps or indented:
        return _by_positions(textpage, text, pieces, chars, gaps)
    return _flow(pieces, chars, heights)


def first_look(chars: _Chars, pieces, page_width: float):
    """(gaps, indented, heights) from a sample of a page's lines: the wide gaps inside its
    longest middle line, whether two or more lines start far from the margin (both signs of
    columns), and (height, characters) of the sampled lines."""
    inner = pieces[2:-2] if len(pieces) > 8 else pieces
    candidates = [p for p in inner if len(p[1]) >= MIN_CHARS] or inner
    sample = candidates[:: max(1, len(candidates) // 8)][:8]
    boxes = [chars.box(first) for first, _, _ in sample]
    heights = [
        (top - bottom, len(p[1])) for p, (_, _, bottom, top) in zip(sample, boxes, strict=True)
    ]
    margin = min(left for left, _, _, _ in boxes)
    far = margin + 0.25 * max(page_width - 2 * margin, 1.0)
    middle = candidates[len(candidates) // 3 : 2 * len(candidates) // 3 + 1]
    longest = max(middle, key=lambda p: len(p[1]))
    gaps = []
    if len(longest[1]) >= 2 * MIN_CHARS:
        gaps = _gaps(chars.object_spans(longest[0], longest[0] + len(longest[1]) - 1))
    return gaps, sum(1 for left, _, _, _ in boxes if left > far) >= 2, heights


def _flow(pieces, chars: _Chars, heights) -> PageLayout:
    """A one-column page: lines in stream order; a line pdfium broke at a superscript note mark
    joined again; the lines at the foot measured until one in body type."""
    lines: list[str] = []
    firsts: list[int] = []
    for first, text, spaced in pieces:
        if spaced and lines:
            # " It is tempting": pdfium starts a line after a raised note mark ("1945.2").
            _, _, bottom, top = chars.box(first)
            _, _, prev_bottom, prev_top = chars.box(firsts[-1])
            if min(top, prev_top) - max(bottom, prev_bottom) > 0.5 * (top - bottom):
                lines[-1] = f"{lines[-1]} {text}"
                continue
        lines.append(text)
        firsts.append(first)
    body = sorted(h for h, _ in heights)[len(heights) // 2] if heights else 0.0
    tail = {}
    for index in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
        _, _, bottom, top = chars.box(firsts[index])
        tail[index] = top - bottom
        if len(lines[index]) > 4 and top - bottom >= SMALL * body:
            break  # body type: the foot of the page is above this line
    return PageLayout(lines=lines, tail=tail, heights=heights)


def _by_positions(textpage, text: str, pieces, chars: _Chars, gaps) -> PageLayout:
    """A page that may have columns: every line positioned, gutters found, lines cut at them.
    ``gaps``: the wide gaps inside one of its longest lines, if the first look found any."""
    loose_box, raw, ref, rect = chars.loose_box, chars.raw, chars.ref, chars.rect
    units = []
    for first, piece, _ in pieces:
        loose_box(raw, first, ref)
        units.append(
            Unit(piece, rect.left, None, rect.bottom, rect.top, first, first + len(piece) - 1)
        )
    heights = [(u.top - u.bottom, len(u.text)) for u in units]
    gutters = find_gutters(units, chars, MIN_GAP, gaps)
    if gutters:
        split = split_at_gutters(units, gutters, chars)
        if all(_supported(split, gutter) for gutter in gutters):
            return PageLayout(units=split, gutters=gutters, heights=heights)
    return PageLayout(units=units, heights=heights)


def _supported(units: list[Unit], gutter: tuple[float, float]) -> bool:
    """At least three substantial lines on each side of the gutter."""
    middle = sum(gutter) / 2
    left = sum(1 for u in units if u.x1 is not None and u.x1 <= middle and len(u.text) >= MIN_CHARS)
    right = sum(1 for u in units if u.x0 >= middle and len(u.text) >= MIN_CHARS)
    return left >= 3 and right >= 3


def body_height(pages: list[PageLayout | None]) -> float:
    """The most common line height of the document, weighted by characters (its body type)."""
    heights: Counter[float] = Counter()
    for page in pages:
        for height, size in page.heights if page is not None else ():
            heights[round(height, 1)] += size
    heights.pop(0.0, None)
    return heights.most_common(1)[0][0] if heights else 0.0


# --- 2. gutters -------------------------------------------------------------------------------


def _coverage_gaps(
    spans: list[tuple[float, float]], min_gap: float, allowed: int
) -> list[tuple[float, float]]:
    """Intervals at least ``min_gap`` wide covered by at most ``allowed`` spans, with covered
    ground on both sides."""
    events = sorted([(x0, 1) for x0, _ in spans] + [(x1, -1) for _, x1 in spans])
    gaps = []
    depth, opened, seen_cover = 0, None, False
    for x, step in events:
        before = depth
        depth += step
        if before > allowed >= depth:
            opened = x  # coverage drops to the allowed level here
        elif before <= allowed < depth:
            if opened is not None and seen_cover and x - opened >= min_gap:
                gaps.append((opened, x))
            opened = None
        if depth > allowed:
            seen_cover = True
    return gaps


def find_gutters(
    units: list[Unit], chars: _Chars, min_gap: float = MIN_GAP, gaps=()
) -> list[tuple[float, float]]:
    """The page's gutters as x intervals, left to right (none for a one-column page).

    ``gaps``: those already seen inside one of its lines, a sample like the others."""
    substantive = [u for u in units if len(u.text) >= MIN_CHARS]
    if len(substantive) < 6:
        return []
    # Running heads and folios (the page's top and bottom lines) are no evidence for columns.
    inner = sorted(substantive, key=_top)
    inner = inner[2:-2] if len(inner) > 8 else inner
    if gaps:  # lines joined across the columns: their gaps, not their ends, show the gutters
        gutters = _probe_gutters(inner, chars, min_gap, list(gaps))
        if gutters:
            return gutters
    chars.measure(inner)
    return _edge_gutters(inner, min_gap) or ([] if gaps else _probe_gutters(inner, chars, min_gap))


def _edge_gutters(units: list[Unit], min_gap: float) -> list[tuple[float, float]]:
    """Gutters seen in the lines that sit inside one column: ground that (nearly) none of them
    covers, with at least three lines on each side."""
    low, high = min(u.x0 for u in units), max(u.x1 for u in units)
    narrow = [u for u in units if u.x1 - u.x0 < 0.62 * (high - low)]
    if len(narrow) < 6:
        return []
    allowed = len(narrow) // 20  # a stray centred line may cross a gutter
    gutters = []
    for g0, g1 in _coverage_gaps([(u.x0, u.x1) for u in narrow], min_gap, allowed):
        left = sum(1 for u in narrow if u.x1 <= g0 + 1)
        right = sum(1 for u in narrow if u.x0 >= g1 - 1)
        if left >= 3 and right >= 3:
            gutters.append((g0, g1))
    return gutters


def _gaps(spans: list[tuple[float, float]], min_gap: float = MIN_GAP) -> list[tuple[float, float]]:
    """Gaps at least ``min_gap`` wide between the text objects of a line, away from its ends."""
    if len(spans) < 2:
        return []
    low, width = spans[0][0], spans[-1][1] - spans[0][0]
    return [
        (a[1], b[0])
        for a, b in zip(spans, spans[1:], strict=False)
        if b[0] - a[1] >= min_gap and a[1] > low + 0.1 * width and b[0] < low + 0.9 * width
    ]


def _probe_gutters(
    units: list[Unit], chars: _Chars, min_gap: float, seen: list | None = None
) -> list[tuple[float, float]]:
    """Gutters of a page whose lines pdfium joined across the columns: gaps between the text
    objects of its longest lines that recur at the same place in at least two of them.

    ``seen``: the gaps of one long line found already; each is then checked at its middle in
    three other long lines (a few character boxes each) instead of sampling their objects."""
    # The longest lines in the middle of the page (not its title or abstract).
    middle = units[len(units) // 5 : len(units) - len(units) // 5]
    longest = sorted((u for u in middle if len(u.text) >= 2 * MIN_CHARS), key=_length)
    if seen:
        others = longest[-4:-1]  # the longest is, most likely, the line already seen
        chars.measure(others)
        gutters = []
        for g0, g1 in seen:  # narrowed to the gap every line that confirms it leaves
            confirmed = [gap for unit in others if (gap := _gap_at(unit, (g0 + g1) / 2, chars))]
            if confirmed:
                lo, hi = (
                    max([g0] + [a for a, _ in confirmed]),
                    min([g1] + [b for _, b in confirmed]),
                )
                gutters.append((lo, hi) if hi > lo else (g0, g1))
        return gutters
    longest = longest[-4:]
    if len(longest) < 2:
        return []
    found = [_gaps(chars.object_spans(u.first, u.last), min_gap) for u in longest]
    candidates: list[tuple[float, float]] = []
    for i, gaps in enumerate(found):
        for g0, g1 in gaps:
            support, lo, hi = 1, g0, g1
            for other in found[i + 1 :]:
                for h0, h1 in other:
                    if h0 < hi and lo < h1:
                        support, lo, hi = support + 1, max(lo, h0), min(hi, h1)
                        break
            recurs = support >= 2 and support * 5 >= 2 * len(found) and hi - lo >= 0.5 * min_gap
            if recurs and not any(c0 < hi and lo < c1 for c0, c1 in candidates):
                candidates.append((lo, hi))
    return sorted(candidates)


def _gap_at(unit: Unit, x: float, chars: _Chars) -> tuple[float, float] | None:
    """The gutter-wide gap the line leaves across ``x``, if it leaves one."""
    if not unit.x0 < x < (unit.x1 or x):
        return None
    cut = _cut(unit, x, chars)
    if cut is None:
        return None
    _, right, _, (left, _, _, _) = cut
    return (right, left) if left - right >= 0.5 * MIN_GAP else None


def _top(unit: Unit) -> float:
    return unit.top


def _length(unit: Unit) -> int:
    return len(unit.text)


# --- 3. splitting lines that cross a gutter --------------------------------------------------


def split_at_gutters(
    units: list[Unit], gutters: list[tuple[float, float]], chars: _Chars
) -> list[Unit]:
    """Units with every line that has a gap at a gutter cut there; others unchanged. Only lines
    that start left of the last gutter can cross one: only their right ends are measured."""
    chars.measure([u for u in units if u.x0 < gutters[-1][0]])
    for g0, g1 in gutters:
        out: list[Unit] = []
        for unit in units:
            if unit.x0 < g0 - 1 and unit.x1 is not None and unit.x1 > g1 + 1:
                out.extend(_split(unit, g0, g1, chars))
            else:
                out.append(unit)
        units = out
    return units


def _cut(unit: Unit, x: float, chars: _Chars):
    """Where the line's words part across ``x``: (j, right, k, box) with ``j`` the last
    character left of ``x`` and ``right`` its right edge, ``k`` the first word's start right of
    ``x`` and ``box`` its loose box; None when ``x`` falls inside a word or beyond the line.

    pdfium writes a space wherever a line's characters leave a gap, so a gutter lies before the
    start of a word: the search steps word by word from where the line's width puts ``x``, two
    character boxes a step (the word's first, the previous word's last), usually one step."""
    text, first, last = chars.text, unit.first, unit.last
    width = (unit.x1 or x) - unit.x0
    guess = first + int((x - unit.x0) / width * (last - first)) if width > 0 else first
    k = _word_start(text, min(max(guess, first + 1), last), first, last)
    box = chars.box
    tried = set()
    while k is not None and k not in tried:
        tried.add(k)
        found = box(k)
        if found[0] < x:  # the word starts left of x: the cut is further right
            k = _next_word(text, k, last)
            continue
        j = k - 1
        while j > first and text[j].isspace():
            j -= 1
        right = box(j)[1]
        if right > x:  # the previous word ends right of x: further left
            k = _previous_word(text, j, first)
            continue
        return j, right, k, found
    return None


def _split(unit: Unit, g0: float, g1: float, chars: _Chars) -> list[Unit]:
    """The line cut at the gutter, or [unit] when no gap there parts its words (it spans)."""
    cut = _cut(unit, (g0 + g1) / 2, chars)
    if cut is None:
        return [unit]
    j, head_right, k, (left, _, bottom, top) = cut
    if left - head_right < 0.5 * MIN_GAP:
        return [unit]  # words close on both sides of the middle: the line spans the columns
    text, first, last = chars.text, unit.first, unit.last
    head = Unit(text[first : j + 1], unit.x0, head_right, unit.bottom, unit.top, first, j)
    tail = Unit(text[k : last + 1], left, unit.x1, bottom, top, k, last)
    return [head, tail]


def _word_start(text: str, k: int, first: int, last: int) -> int | None:
    """The start of the word at index ``k`` of a line ``first..last`` (the next word's when
    ``k`` is a space or in the line's first word)."""
    if not text[k].isspace():
        start = _start_of_word(text, k, first)
        if start > first:
            return start
    return _next_word(text, k, last)


def _start_of_word(text: str, k: int, first: int) -> int:
    while k > first and not text[k - 1].isspace():
        k -= 1
    return k


def _next_word(text: str, k: int, last: int) -> int | None:
    """The start of the first word after index ``k``, within ``..last``."""
    while k <= last and not text[k].isspace():
        k += 1
    while k <= last and text[k].isspace():
        k += 1
    return k if k <= last else None


def _previous_word(text: str, j: int, first: int) -> int | None:
    """The start of the word that holds index ``j``, unless it is the line's first word."""
    start = _start_of_word(text, j, first)
    return start if start > first else None
