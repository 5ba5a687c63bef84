"""PDF text: pypdfium2 first, pypdf (with its crypto extra) when pdfium cannot open a file.

``extract_pdf`` runs inside the Reader's worker process (``cantobatch.ingest.worker``), so a
parse that hangs can be killed. It returns a picklable ``PdfResult``; the cleanup steps are plain
functions over strings, tested on known text:

- NFKC (ligatures, compatibility characters), pdfium's soft-hyphen marks turned back into "-\\n";
- running headers, footers and bare page numbers removed when they repeat across pages;
- line-end de-hyphenation that keeps real compounds (see ``keep_hyphen``);
- lines inside a paragraph joined by "\\n", paragraphs by "\\n\\n" (see ``join_lines``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

# --- result -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfResult:
    status: str
    error: str | None = None
    reader: str | None = None  # "pypdfium2" or "pypdf"
    text: str = ""
    pages: tuple[tuple[int, str | None, int, int], ...] = ()  # (number, label, start, end)
    title: str | None = None


# --- cleanup ----------------------------------------------------------------------------------

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


def _line_key(line: str) -> str:
    """A line with page numbers masked, so "THE CANTOS 445" and "THE CANTOS 446" compare equal."""
    tokens = _DIGITS.sub("#", line.lower()).split()
    for i, token in enumerate(tokens):
        if _ROMAN_CHARS.issuperset(token) and _ROMAN.fullmatch(token):
            tokens[i] = "#"
    return " ".join(tokens)


def _edge_indices(lines: list[str], depth: int) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:depth] + filled[-depth:]))


def strip_running_lines(pages: list[list[str]], depth: int = 2) -> list[list[str]]:
    """Remove running headers/footers and bare page numbers: lines among the first or last ``depth``
    non-blank lines of a page whose digit-masked form recurs at a page edge across the document
    (on at least 2 pages in a document of up to 8 pages, else on at least 3)."""
    if len(pages) < 2:
        return pages
    threshold = 2 if len(pages) <= 8 else 3
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_line_key(lines[i]) for i in _edge_indices(lines, depth)})
    running = {key for key, n in counts.items() if key and n >= threshold}
    if not running:
        return pages
    out = []
    for lines in pages:
        drop = {i for i in _edge_indices(lines, depth) if _line_key(lines[i]) in running}
        out.append([line for i, line in enumerate(lines) if i not in drop])
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
        if head and tail and tail.group(1)[:1].islower():
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
    filled = sorted(len(line) for line in lines if line)
    if not filled:
        return ""
    full = filled[int(len(filled) * 0.8)] if len(filled) >= 4 else 0
    parts: list[str] = []
    for line in lines:
        if not line:
            if parts and parts[-1] != "\n\n":
                parts.append("\n\n")
            continue
        if parts and parts[-1] != "\n\n":
            parts.append("\n")
        parts.append(line)
        if full and len(line) < 0.85 * full and _SENTENCE_END.search(line):
            parts.append("\n\n")
    while parts and parts[-1] == "\n\n":
        parts.pop()
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


def assemble(
    texts: list[str], labels: list[str | None]
) -> tuple[str, tuple[tuple[int, str | None, int, int], ...]]:
    """Join page texts with "\\n\\n"; each page's (number, label, start, end) in the result."""
    spans = []
    offset = 0
    for number, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
        if number > 1:
            offset += 2
        spans.append((number, label, offset, offset + len(text)))
        offset += len(text)
    return "\n\n".join(texts), tuple(spans)


# --- extraction -------------------------------------------------------------------------------


def _finish(
    reader: str,
    raw_pages: list[str],
    labels: list[str | None],
    title: str | None,
    strip_headers: bool,
    source: str,
) -> PdfResult:
    texts = clean_pages(raw_pages, strip_headers)
    text, spans = assemble(texts, labels)
    if not text.strip():
        return PdfResult(
            status="no_text",
            reader=reader,
            error=f"{source}: none of its {len(raw_pages)} page(s) has a text layer (a scan?); "
            "run OCR on it (e.g. ocrmypdf) and index the OCRed copy",
            pages=spans,
            title=title,
        )
    return PdfResult(status="ok", reader=reader, text=text, pages=spans, title=title)


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


def _with_pdfium(path: str, max_pages: int, strip_headers: bool, source: str) -> PdfResult | str:
    """The pdfium result, or the reason pdfium could not open the file (a str)."""
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
        raw_pages: list[str] = []
        labels: list[str | None] = []
        failed_pages = []
        for index in range(count):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
                raw_pages.append(textpage.get_text_range())
                textpage.close()
                page.close()
            except pdfium.PdfiumError:
                # One damaged page costs its text, not the document's.
                failed_pages.append(index + 1)
                raw_pages.append("")
            labels.append(pdf.get_page_label(index) or None)
        title = (pdf.get_metadata_value("Title") or "").strip() or None
    if failed_pages and len(failed_pages) == count:
        return f"no page could be loaded (pages {failed_pages[0]}-{failed_pages[-1]})"
    result = _finish("pypdfium2", raw_pages, labels, title, strip_headers, source)
    if failed_pages and result.status == "ok":
        pages = ", ".join(map(str, failed_pages[:20])) + (" ..." if len(failed_pages) > 20 else "")
        return replace(result, error=f"{source}: page(s) {pages} could not be loaded; text missing")
    return result


def _with_pypdf(path: str, max_pages: int, strip_headers: bool, source: str) -> PdfResult:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return _needs_password(source, "pypdf")
    count = len(reader.pages)
    if count > max_pages:
        return _too_many(source, count, max_pages, "pypdf")
    raw_pages = [page.extract_text() or "" for page in reader.pages]
    labels: list[str | None] = [None] * count
    if "/PageLabels" in reader.trailer["/Root"]:
        labels = list(reader.page_labels)
    title = reader.metadata.title if reader.metadata else None
    return _finish("pypdf", raw_pages, labels, (title or "").strip() or None, strip_headers, source)


def extract_pdf(
    path: str, max_pages: int, strip_headers: bool = True, source: str = ""
) -> PdfResult:
    """Text and pages of the PDF at ``path``; every problem of the file becomes a status."""
    source = source or path
    first = _with_pdfium(path, max_pages, strip_headers, source)
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
