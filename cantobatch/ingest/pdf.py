"""PDF text: pypdfium2 first, pypdf (with its crypto extra) when pdfium cannot open a file.

``extract_pdf`` runs inside the Reader's worker process (``cantobatch.ingest.worker``), so a
parse that hangs can be killed. It returns a picklable ``PdfResult``. With pdfium, each page is
read in reading order from its character boxes (``layout``: columns, full-width blocks, rows,
footnotes); the text then goes through the string cleanup of ``cleanup`` (NFKC, soft hyphens,
running heads and folios, de-hyphenation, paragraphs). The document's text is its pages' body
text, page after page, then its footnotes, each a ``footnote`` region tied to its page.
"""

from __future__ import annotations

import codecs
import logging
from dataclasses import dataclass, replace

from cantobatch.data import Bibliography
from cantobatch.ingest import layout, reading_order
from cantobatch.ingest.cleanup import (  # noqa: F401 - re-exported: the cleanup is tested here
    carry_split_words,
    clean_pages,
    dehyphenate_lines,
    document_vocabulary,
    edge_indices,
    join_lines,
    keep_hyphen,
    normalize_page,
    running_lines,
    strip_running_lines,
)

# pdfium keeps at most 32,767 bytes of one string in a content stream (a 2-byte font: 16,383
# characters); a line that long is a string it cut, and pypdf reads the whole of it.
PDFIUM_STRING_LIMIT = 16383

# --- result -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfResult:
    status: str
    error: str | None = None
    reader: str | None = None  # "pypdfium2" or "pypdf"
    text: str = ""
    pages: tuple[tuple[int, str | None, int, int], ...] = ()  # (number, label, start, end)
    title: str | None = None
    regions: tuple[tuple[int, int, str, int], ...] = ()  # (start, end, "footnote", page)
    furniture_lines: int = 0
    bib: Bibliography | None = None


# --- the document's text ----------------------------------------------------------------------

Page = str | layout.PageLayout  # raw text (no usable positions), or the page's layout


@dataclass
class CleanText:
    pages: list[str]  # each page's body text
    notes: list[tuple[int, str]]  # (page number, footnote text)
    furniture_lines: int


def clean_document(
    pages: list[Page], labels: list[str | None], strip_headers: bool = True
) -> CleanText:
    """Pages (raw text, or ``layout.page_layout``) → cleaned body text per page and footnotes;
    running heads and folios removed (unless that would leave no text at all)."""
    pages = [layout.PageLayout(lines=normalize_page(p)) if isinstance(p, str) else p for p in pages]
    removed: list[set[int]] = [set() for _ in pages]
    if strip_headers:
        edges = [page.edges() for page in pages]
        texts = [page.texts() for page in pages]
        furniture = running_lines(
            [[lines[i] for i in idx] for lines, idx in zip(texts, edges, strict=True)], labels
        )
        removed = [{idx[k] for k in drop} for idx, drop in zip(edges, furniture, strict=True)]
        if all(
            not any(line.strip() for i, line in enumerate(lines) if i not in drop)
            for lines, drop in zip(texts, removed, strict=True)
        ):
            removed = [set() for _ in pages]  # every line is "furniture": then it is the text
    height = layout.body_height(pages)
    bodies: list[list[str]] = []
    notes: list[tuple[int, list[str]]] = []
    for number, (page, drop) in enumerate(zip(pages, removed, strict=True), start=1):
        lines, page_notes = reading_order.order_page(page, drop, height)
        bodies.append(normalize_page("\n".join(lines)))
        notes.extend((number, normalize_page("\n".join(note))) for note in page_notes)
    needs_vocabulary = any(line.endswith("-") for lines in bodies for line in lines) or any(
        line.endswith("-") for _, lines in notes for line in lines
    )
    if needs_vocabulary:
        vocabulary = document_vocabulary(bodies + [lines for _, lines in notes])
        carry_split_words(bodies, vocabulary)
        bodies = [dehyphenate_lines(lines, vocabulary) for lines in bodies]
        notes = [(number, dehyphenate_lines(lines, vocabulary)) for number, lines in notes]
    return CleanText(
        pages=[join_lines(lines) for lines in bodies],
        notes=[(number, join_lines(lines)) for number, lines in notes],
        furniture_lines=sum(len(drop) for drop in removed),
    )


def assemble(
    texts: list[str], labels: list[str | None], notes: list[tuple[int, str]] = ()
) -> tuple[
    str, tuple[tuple[int, str | None, int, int], ...], tuple[tuple[int, int, str, int], ...]
]:
    """Join page texts with "\\n\\n", then the footnotes; each page's (number, label, start, end)
    and each footnote's (start, end, "footnote", page) in the result."""
    spans = []
    offset = 0
    for number, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
        if number > 1:
            offset += 2
        spans.append((number, label, offset, offset + len(text)))
        offset += len(text)
    parts = ["\n\n".join(texts)]
    regions = []
    for number, note in notes:
        if not note:
            continue
        if offset:
            parts.append("\n\n")
            offset += 2
        parts.append(note)
        regions.append((offset, offset + len(note), "footnote", number))
        offset += len(note)
    return "".join(parts), tuple(spans), tuple(regions)


# --- extraction -------------------------------------------------------------------------------


def _finish(
    reader: str,
    pages: list[Page],
    labels: list[str | None],
    info: dict[str, str],
    strip_headers: bool,
    source: str,
    path: str,
) -> PdfResult:
    from cantobatch.ingest.metadata import pdf_bibliography, read_xmp

    clean = clean_document(pages, labels, strip_headers)
    text, spans, regions = assemble(clean.pages, labels, clean.notes)
    bib = pdf_bibliography(info, read_xmp(path), clean.pages[0] if clean.pages else "")
    if not text.strip():
        return PdfResult(
            status="no_text",
            reader=reader,
            error=f"{source}: none of its {len(pages)} page(s) has a text layer (a scan?); "
            "run OCR on it (e.g. ocrmypdf) and index the OCRed copy",
            pages=spans,
            title=bib.title if bib else None,
            bib=bib,
        )
    return PdfResult(
        status="ok",
        reader=reader,
        text=text,
        pages=spans,
        title=bib.title if bib else None,
        regions=regions,
        furniture_lines=clean.furniture_lines,
        bib=bib,
    )


def _too_many(source: str, count: int, max_pages: int, reader: str) -> PdfResult:
    return PdfResult(
        status="too_many_pages",
        reader=reader,
        error=f"{source}: {count} pages is above ingest.max_pages={max_pages}; "
        "raise max_pages in the config if the file is genuine",
    )


def _needs_password(source: str, reader: str) -> PdfResult:
    return PdfResult(
        status="needs_password",
        reader=reader,
        error=f"{source}: encrypted with a user password; decrypt it (qpdf --decrypt "
        "--password=... in.pdf out.pdf) and index the decrypted copy",
    )


def _with_pdfium(
    path: str, max_pages: int, strip_headers: bool, columns: bool, source: str
) -> PdfResult | str:
    """The pdfium result, or the reason pdfium could not read the file (a str)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            return _needs_password(source, "pypdfium2")
        return str(exc)
    with pdf:
        count = len(pdf)
        if count > max_pages:
            return _too_many(source, count, max_pages, "pypdfium2")
        pages: list[Page] = []
        labels: list[str | None] = []
        failed_pages = []
        for index in range(count):
            try:
                raw, laid = _read_page(pdf, index, columns)
            except pdfium.PdfiumError:
                # One damaged page costs its text, not the document's.
                failed_pages.append(index + 1)
                raw, laid = "", None
            if raw is None:
                return f"page {index + 1} has a string longer than pdfium reads (it cuts it)"
            pages.append(laid or raw)
            labels.append(pdf.get_page_label(index) or None)
        info = pdf.get_metadata_dict(skip_empty=True)
        for key in ("doi", "DOI"):  # not a standard key, but publishers write it
            value = pdf.get_metadata_value(key)
            if value:
                info[key] = value
    if failed_pages and len(failed_pages) == count:
        return f"no page could be loaded (pages {failed_pages[0]}-{failed_pages[-1]})"
    result = _finish("pypdfium2", pages, labels, info, strip_headers, source, path)
    if failed_pages and result.status == "ok":
        pages = ", ".join(map(str, failed_pages[:20])) + (" ..." if len(failed_pages) > 20 else "")
        return replace(
            result,
            status="partial",
            error=f"{source}: page(s) {pages} could not be loaded; their text is missing",
        )
    return result


def _read_page(pdf, index: int, columns: bool) -> tuple[str | None, layout.PageLayout | None]:
    """Page ``index``'s pdfium text and, with ``columns``, its layout; (None, None) when a string
    on it is longer than pdfium reads. PdfiumError when the page cannot be loaded.

    pdfium's own calls, not pypdfium2's page and text-page objects: those register a finalizer
    and a parent link per object, ~0.03 ms a page (3% of loading and reading it)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    page = pdfium_c.FPDF_LoadPage(pdf.raw, index)
    if not page:
        raise pdfium.PdfiumError(f"Failed to load page {index + 1}.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError(f"Failed to load the text of page {index + 1}.")
        try:
            count = pdfium_c.FPDFText_CountChars(textpage)
            if count == -1:
                raise pdfium.PdfiumError(f"Failed to count the characters of page {index + 1}.")
            raw = page_text(textpage, count)
            if len(raw) >= PDFIUM_STRING_LIMIT and any(
                len(line) >= PDFIUM_STRING_LIMIT for line in raw.split("\r\n")
            ):
                return None, None
            laid = None
            if columns and raw:
                laid = layout.page_layout(textpage, raw, pdfium_c.FPDF_GetPageWidthF(page), count)
            return raw, laid
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def page_text(textpage, count: int) -> str:
    """The text of a raw pdfium text page of ``count`` characters, as pypdfium2's
    ``get_text_range()`` reads it (characters pdfium excludes at either end left out)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    text_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex
    first, last = 0, count - 1
    while first <= last and (start := text_index(textpage, first)) == -1:
        first += 1
    while first <= last and (end := text_index(textpage, last)) == -1:
        last -= 1
    if first > last:
        return ""
    buffer = (ctypes.c_ushort * (end + 2 - start))()  # with the final NUL
    written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    return codecs.decode(memoryview(buffer)[: written - 1], "utf-16-le", "ignore")


def _with_pypdf(path: str, max_pages: int, strip_headers: bool, source: str) -> PdfResult:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return _needs_password(source, "pypdf")
    count = len(reader.pages)
    if count > max_pages:
        return _too_many(source, count, max_pages, "pypdf")
    raw_pages: list[Page] = [page.extract_text() or "" for page in reader.pages]
    labels: list[str | None] = [None] * count
    if "/PageLabels" in reader.trailer["/Root"]:
        labels = list(reader.page_labels)
    info = {}
    for key, value in (reader.metadata or {}).items():
        if isinstance(value, str):
            info[key.lstrip("/")] = value
    return _finish("pypdf", raw_pages, labels, info, strip_headers, source, path)


def extract_pdf(
    path: str, max_pages: int, strip_headers: bool = True, columns: bool = True, source: str = ""
) -> PdfResult:
    """Text and pages of the PDF at ``path``; every problem of the file becomes a status.

    ``columns``: read each page in reading order from pdfium's character boxes (columns,
    footnotes); without it, pdfium's content-stream order.
    """
    source = source or path
    first = _with_pdfium(path, max_pages, strip_headers, columns, source)
    if isinstance(first, PdfResult):
        return first
    try:
        return _with_pypdf(path, max_pages, strip_headers, source)
    except Exception as exc:  # pypdf raises many types for damaged files; all mean the same here
        return PdfResult(
            status="corrupt",
            error=f"{source}: damaged or truncated PDF: pypdfium2 said {first!r}, pypdf said "
            f"{type(exc).__name__}: {exc}; re-download or repair it (qpdf in.pdf out.pdf)",
        )
