"""Reading order of a laid-out PDF page (``layout.PageLayout``): pure, no pdfium.

Bands top to bottom, broken by lines that span the columns (a title, an abstract, a quotation set
across the page, and lines alone in one column set off by space around them); in a band, the
columns left to right, each top to bottom; pieces of one visual row joined; a paragraph gap is a
blank line. On every page, a run of smaller-type lines at the foot of a column (or of the page)
that starts with a note number is the page's footnotes, one note per number; on a flow page
(one column, stream order) the lines at its foot measured by ``layout`` decide.
"""

from __future__ import annotations

import re

from cantobatch.ingest.layout import SMALL, PageLayout, Unit

# A footnote starts with its number (or a symbol), then its text: "2 On the dating", "¹On", "* See".
_NOTE_START = re.compile(r"^(?:(\d{1,3})(?![\d.,:/–-]\d)|[*†‡§¶]+)\s*\S")
SPAN = -1


def _column(unit: Unit, gutters) -> int:
    """The column index of a unit, or SPAN when it crosses a gutter from one column to the next."""
    column = 0
    for g0, g1 in gutters:
        if unit.x0 < g0 - 1 and unit.x1 > g1 + 1:
            return SPAN
        if unit.x0 >= (g0 + g1) / 2:
            column += 1
    return column


def _runs(units: list[Unit], gutters) -> list[tuple[bool, list[Unit]]]:
    """(spanning, units) runs in reading order: bands top to bottom, columns left to right."""
    if all(a.top >= b.top for a, b in zip(units, units[1:], strict=False)):
        ordered = units  # already top to bottom (the common case): no sort
    else:
        ordered = sorted(units, key=_top_of, reverse=True)
    if not gutters:
        return [(False, ordered)]
    columns = [_column(unit, gutters) for unit in ordered]
    _lone_blocks(ordered, columns)
    runs: list[tuple[bool, list[Unit]]] = []
    band: dict[int, list[Unit]] = {}

    def flush() -> None:
        runs.extend((False, band[column]) for column in sorted(band))
        band.clear()

    for unit, column in zip(ordered, columns, strict=True):
        if column == SPAN:
            flush()
            if runs and runs[-1][0]:
                runs[-1][1].append(unit)
            else:
                runs.append((True, [unit]))
        else:
            band.setdefault(column, []).append(unit)
    flush()
    return runs


def _overlap(a: Unit, b: Unit) -> bool:
    low = min(a.top - a.bottom, b.top - b.bottom)
    return min(a.top, b.top) - max(a.bottom, b.bottom) > 0.3 * low


def _lone_blocks(ordered: list[Unit], columns: list[int]) -> None:
    """Mark as spanning (in ``columns``) the lines that sit inside one column with nothing beside
    them, when they end a spanning block (the short last line of an abstract) or form a block of
    three or more set off by space above and below, between text in another column (a quotation
    set across the page, narrower than a column)."""
    count = len(ordered)
    alone = [False] * count
    start = 0
    while start < count:  # rows across the page: units that overlap the row's first one
        end = start + 1
        while end < count and _overlap(ordered[start], ordered[end]):
            end += 1
        present = {columns[k] for k in range(start, end)} - {SPAN}
        if len(present) == 1:
            for k in range(start, end):
                alone[k] = columns[k] != SPAN
        start = end
    for i in range(1, count):  # the tail of a spanning block
        previous, unit = ordered[i - 1], ordered[i]
        gap = previous.bottom - unit.top
        if alone[i] and columns[i - 1] == SPAN and gap <= 0.6 * (unit.top - unit.bottom):
            columns[i] = SPAN
    i = 0
    while i < count:
        j = i
        while j < count and alone[j] and columns[j] == columns[i] != SPAN:
            j += 1
        if j - i >= 3 and _set_off(ordered, columns, i, j):
            columns[i:j] = [SPAN] * (j - i)
        i = max(j, i + 1)


def _set_off(ordered: list[Unit], columns: list[int], i: int, j: int) -> bool:
    """Whether lines ``i..j-1`` of one column have other columns' text above and below them and
    more than a line's spacing to their own column's text above and below."""
    column, height = columns[i], ordered[i].top - ordered[i].bottom
    others = [k for k in range(len(ordered)) if columns[k] not in (column, SPAN)]
    if not (any(k < i for k in others) and any(k >= j for k in others)):
        return False
    above = [k for k in range(i) if columns[k] == column]
    below = [k for k in range(j, len(ordered)) if columns[k] == column]
    gap_above = ordered[above[-1]].bottom - ordered[i].top if above else height
    gap_below = ordered[j - 1].bottom - ordered[below[0]].top if below else height
    return gap_above > 0.6 * height and gap_below > 0.6 * height


class _Row:
    """Units of one visual row, left to right: its text, top, bottom and tallest box."""

    __slots__ = ("units", "top", "bottom", "height", "text")

    def __init__(self, unit: Unit) -> None:
        self.units = [unit]
        self.top, self.bottom, self.height = unit.top, unit.bottom, unit.top - unit.bottom
        self.text = unit.text

    def add(self, unit: Unit, height: float) -> None:
        self.units.append(unit)
        self.bottom = min(self.bottom, unit.bottom)
        self.height = max(self.height, height)
        self.text = " ".join(u.text for u in sorted(self.units, key=_left))


def _left(unit: Unit) -> float:
    return unit.x0


def _rows(units: list[Unit]) -> list[_Row]:
    """Units (top to bottom) grouped into visual rows: a superscript note mark, or a line pdfium
    broke at one, joins the row it overlaps."""
    rows: list[_Row] = []
    row = None
    for unit in units:
        if row is not None:
            height = unit.top - unit.bottom
            lower = min(row.height, height)
            overlap = min(row.top, unit.top) - max(row.bottom, unit.bottom)
            if overlap > 0.5 * lower:
                row.add(unit, height)
                continue
        row = _Row(unit)
        rows.append(row)
    return rows


def _split_notes(lines: list[str]) -> list[list[str]]:
    """Lines of a footnote block → one list of lines per note (a new note at the next number)."""
    notes: list[list[str]] = []
    number = None
    for text in lines:
        match = _NOTE_START.match(text)
        starts = match is not None and (
            not notes
            or match.group(1) is None
            or number is None
            or int(match.group(1)) == number + 1
        )
        if starts:
            notes.append([text])
            number = int(match.group(1)) if match.group(1) else number
        else:
            notes[-1].append(text)
    return notes


def _note_start(texts: list[str], heights: list[float | None], small: float) -> int:
    """Index of the first line of the footnote block at the end of a column (len if none): the
    trailing lines in small type, from the first of them that starts with a note number."""
    start = len(texts)
    while start > 0 and heights[start - 1] is not None and heights[start - 1] < small:
        start -= 1
    while start < len(texts) and not _NOTE_START.match(texts[start]):
        start += 1
    return start


def order_page(page: PageLayout, drop: set[int], body: float) -> tuple[list[str], list[list[str]]]:
    """(body lines, notes) of a page in reading order, without its lines ``drop`` (page
    furniture); on a page read by positions, a blank line where a paragraph gap is.

    ``body`` is the document's body line height: lines at least 15% smaller at the foot of a
    column (or of the page) that start with a note number are footnotes.
    """
    small = SMALL * body if body else 0.0
    if page.units is None:
        kept = [i for i in range(len(page.lines)) if i not in drop]
        texts = [page.lines[i] for i in kept]
        end = len(texts)
        while end > 0 and len(texts[end - 1]) <= 4:
            end -= 1  # a folio under the notes stays where it is
        cut = _note_start(texts[:end], [page.tail.get(i) for i in kept[:end]], small)
        if 0 < cut < end:
            return texts[:cut] + texts[end:], _split_notes(texts[cut:end])
        return texts, []
    units = [u for i, u in enumerate(page.units) if i not in drop] if drop else page.units
    lines: list[str] = []
    notes: list[list[str]] = []
    seen_body = False
    for spanning, run in _runs(units, page.gutters):
        rows = _rows(run)
        cut = _note_start([r.text for r in rows], [r.height for r in rows], small)
        if cut < len(rows) and (seen_body or cut > 0):
            notes.extend(_split_notes([r.text for r in rows[cut:]]))
            del rows[cut:]
        if not rows:
            continue
        if spanning and lines and lines[-1]:
            lines.append("")  # a full-width block is its own paragraph
        previous = None
        for row in rows:
            if previous is not None and previous.bottom - row.top > 0.6 * row.height and lines[-1]:
                lines.append("")  # a paragraph gap
            lines.append(row.text)
            previous = row
            if not seen_body and row.height >= small:
                seen_body = True
        if spanning:
            lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return lines, notes


def _top_of(unit: Unit) -> float:
    return unit.top
