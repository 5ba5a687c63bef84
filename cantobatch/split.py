"""Split a Document into Passages that respect paragraphs and sentences.

A passage is an exact slice of the document's text (``doc.text[char_start:char_end]``), so evidence
offsets inside a passage map back to the document. Passages hold whole paragraphs when they fit,
whole sentences otherwise, and are cut at whitespace only when a single sentence is too long. Each
passage after the first may begin with the previous passage's last sentence when that sentence is
short (``overlap_chars``), so a line reference keeps the canto named just before it.

A document's regions (footnotes) are split apart from its body: a passage never crosses a region's
edge, each footnote gives its own passages (``region="footnote"``), tied to the page it is printed
on, and the body flows on around them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from cantobatch.config import SplitConfig
from cantobatch.data import Document, Passage, Region, sha256_hex

SPLITTER_VERSION = "2"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and an
# upper-case letter or an opening quote. Abbreviations common in Pound scholarship are excluded below.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[A-Z\"“‘(\[])")
_ABBREVIATIONS = frozenset(
    "inf purg par vol vols ch chap cf e.g i.e ll l p pp ed eds trans mr mrs ms dr st no nos fig "
    "vs viz esp c ca ibid op cit sect pt bk n nn repr rev col cols ff".split()
)


def _is_abbreviation(text: str, dot: int) -> bool:
    """True if the '.' at ``dot`` ends an abbreviation or an initial, not a sentence."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    # A single capital is an initial ("T. S. Eliot"), unless it is a roman numeral ("Canto V. The").
    return word in _ABBREVIATIONS or (
        len(word) == 1 and text[start].isupper() and word not in "ivxlcdm"
    )


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of the sentences of ``text[start:end]`` (a paragraph), whitespace trimmed."""
    cuts = [start]
    for m in _SENTENCE_END.finditer(text, start, end):
        if not (text[m.start()] == "." and _is_abbreviation(text, m.start())):
            cuts.append(m.end())
    cuts.append(end)
    return _pieces(text, cuts)


def _pieces(text: str, cuts: list[int]) -> Iterator[tuple[int, int]]:
    """The spans between consecutive ``cuts``, whitespace trimmed; blank ones are skipped."""
    for start, end in itertools.pairwise(cuts):
        span = _trim(text, start, end)
        if span:
            yield span


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _hard_split(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long sentence at the last whitespace before ``limit`` chars."""
    cuts = [start]
    while end - cuts[-1] > limit:
        at = cuts[-1]
        cut = text.rfind(" ", at + limit // 2, at + limit)
        cuts.append(at + limit if cut == -1 else cut)
    cuts.append(end)
    return _pieces(text, cuts)


def _segments(
    text: str, limit: int, start: int = 0, end: int | None = None
) -> list[tuple[int, int, bool]]:
    """(start, end, starts_paragraph) for every sentence-sized segment of ``text[start:end]``."""
    end = len(text) if end is None else end
    segments: list[tuple[int, int, bool]] = []
    pos = start
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text, start, end)]
    for para_end, next_start in [*bounds, (end, end)]:
        first = True
        if para_end - pos <= limit:
            pieces = [s for s in [_trim(text, pos, para_end)] if s]
        else:
            pieces = [
                p for s in _sentences(text, pos, para_end) for p in _hard_split(text, *s, limit)
            ]
        for s, e in pieces:
            segments.append((s, e, first))
            first = False
        pos = next_start
    return segments


def _runs(doc: Document) -> Iterator[tuple[int, int, Region | None]]:
    """(start, end, region) spans that cover the text: body runs between the regions, and each
    region (None for body)."""
    pos = 0
    for region in sorted(doc.regions, key=lambda r: r.char_start):
        if region.char_start > pos:
            yield pos, region.char_start, None
        yield region.char_start, region.char_end, region
        pos = max(pos, region.char_end)
    if pos < len(doc.text):
        yield pos, len(doc.text), None


def split_document(doc: Document, config: SplitConfig | None = None) -> list[Passage]:
    """The document's passages in order. Empty for a document without text."""
    config = config or SplitConfig()
    settings = settings_id(config)
    passages: list[Passage] = []
    for start, end, region in _runs(doc):
        _split_run(doc, start, end, region, config, settings, passages)
    return passages


def _split_run(
    doc: Document,
    run_start: int,
    run_end: int,
    region: Region | None,
    config: SplitConfig,
    settings: str,
    passages: list[Passage],
) -> None:
    """Append the passages of ``doc.text[run_start:run_end]`` (one region, or body) to ``passages``."""
    text = doc.text
    segments = _segments(text, config.max_chars, run_start, run_end)
    first = len(passages)
    i = 0
    while i < len(segments):
        start = segments[i][0]
        j = i + 1
        while j < len(segments):
            s, e, new_paragraph = segments[j]
            if e - start > config.max_chars:
                break
            # Prefer to end at a paragraph boundary once the passage is reasonably full.
            if new_paragraph and segments[j - 1][1] - start >= config.max_chars * 0.6:
                break
            j += 1
        end = segments[j - 1][1]
        if len(passages) > first and end - start < config.min_chars and j >= len(segments):
            # A stray short tail (a heading, a page number) joins the previous passage.
            prev = passages.pop()
            start = prev.char_start
        passages.append(_passage(doc, start, end, len(passages), settings, region))
        if j >= len(segments):
            break
        # Overlap: start the next passage with the previous sentence when it is short enough.
        prev_s, prev_e, _ = segments[j - 1]
        i = j - 1 if (j - 1 > i and prev_e - prev_s <= config.overlap_chars) else j


def _passage(
    doc: Document, start: int, end: int, seq: int, settings: str, region: Region | None
) -> Passage:
    page = doc.page_at(start)
    if region is not None and region.page is not None:
        # A footnote belongs to the page it is printed on, wherever its text sits.
        page = doc.page_numbered(region.page) or page
    return Passage(
        passage_id=sha256_hex(f"{doc.doc_id}:{settings}:{start}:{end}", 24),
        doc_id=doc.doc_id,
        source=doc.source,
        text=doc.text[start:end],
        char_start=start,
        char_end=end,
        page=page.number if page is not None and doc.kind == "pdf" else None,
        page_label=page.label if page is not None else None,
        seq=seq,
        region=region.kind if region is not None else "body",
    )


def settings_id(config: SplitConfig) -> str:
    return sha256_hex(
        f"{SPLITTER_VERSION}:{config.max_chars}:{config.overlap_chars}:{config.min_chars}", 12
    )
