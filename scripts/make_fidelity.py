"""Write the ingest fidelity fixtures in tests/fixtures/fidelity/ (committed; rerun to regenerate).

    python scripts/make_fidelity.py [OUT_DIR]

Each document comes with NAME.expected.json: its hand-checked main text (title, body paragraphs in
reading order, footnotes with their pages), the web or page chrome that must not be in the text,
and its bibliographic metadata. bench/fidelity.py and tests/test_ingest_fidelity.py score the
reader against them.

- PDFs (standard Times fonts, so nothing is embedded and each file is a few KB): a two-column
  article whose content stream interleaves the columns line by line (left line 1, right line 1,
  left line 2, ...) on a baseline grid, so pdfium joins the two columns' lines; a two-column essay
  written column after column with a full-width block quotation between two bands of columns and
  footnotes at the foot of the left column; a three-column newsletter written row by row; slides
  whose titles repeat with a changing canto number. Full-width titles, author lines, abstracts,
  running heads and folios; words hyphenated where a line runs out, also at column ends.
- HTML pages in the markup of MediaWiki (Vector), WordPress (with Jetpack sharing), Blogger,
  Drupal and a plain academic page, with citation_*, Dublin Core, Open Graph and JSON-LD tags.
- Sidecars a reference manager exports: zotero.bib (BibTeX, matched by attachment path) and
  zotero.json (CSL JSON, matched by citation key).

Deterministic: reportlab invariant mode, fixed metadata; pypdf adds the XMP packet.
"""

from __future__ import annotations

import io
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fidelity_texts as T  # noqa: E402
from fidelity_html import HTML_PAGES  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
VOWELS = set("aeiouyAEIOUY")

# --- a small typesetter -----------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    font: str = "Times-Roman"
    size: float = 10.0
    leading: float = 12.0
    indent: float = 10.0


@dataclass
class Line:
    segments: list  # (text, font, size, rise)
    x: float = 0.0  # offset from the left edge of its column
    notes: tuple[int, ...] = ()


def _token_width(token: str, style: Style) -> float:
    word, _, note = token.partition("^")
    width = stringWidth(word, style.font, style.size)
    return width + (stringWidth(note, style.font, style.size * 0.65) if note else 0.0)


def _hyphen_split(word: str, room: float, style: Style) -> tuple[str, str] | None:
    """The longest head of ``word`` (at a vowel-consonant boundary, 3+ letters each side) that
    fits in ``room`` with its hyphen; None if there is none."""
    core = word.partition("^")[0].rstrip(".,;:)'’”")
    if not core.isalpha() or len(core) < 7:
        return None
    for i in range(len(core) - 3, 2, -1):
        if core[i - 1] in VOWELS and core[i] not in VOWELS:
            head = core[:i] + "-"
            if stringWidth(head, style.font, style.size) <= room:
                return core[:i], word[i:]
    return None


def wrap(text: str, style: Style, width: float, indent: float = 0.0) -> list[Line]:
    """Greedy line breaking with hyphenation where a line would otherwise end short;
    "word^3" is a word with footnote mark 3."""
    space = stringWidth(" ", style.font, style.size)
    lines: list[Line] = []
    current: list[str] = []
    x = indent

    def used() -> float:
        return sum(_token_width(t, style) for t in current) + space * max(0, len(current) - 1)

    def flush() -> None:
        nonlocal current, x
        segments, notes = [], []
        for i, token in enumerate(current):
            word, _, note = token.partition("^")
            segments.append(((" " if i else "") + word, style.font, style.size, 0.0))
            if note:
                segments.append((note, style.font, style.size * 0.65, style.size * 0.35))
                notes.append(int(note))
        lines.append(Line(segments, x, tuple(notes)))
        current, x = [], 0.0

    for token in text.split():
        if current and used() + space + _token_width(token, style) > width - x:
            room = width - x - used() - space
            split = _hyphen_split(token, room, style) if room > 0.15 * width else None
            if split:
                current.append(split[0] + "-")
                flush()
                current.append(split[1])
                continue
            flush()
        current.append(token)
    if current:
        flush()
    return lines


def block_lines(blocks, style: Style, bold: Style, width: float) -> list[Line]:
    """Headings, paragraphs and verse as lines on one baseline grid (a heading has a blank
    line before it, a paragraph a first-line indent)."""
    lines: list[Line] = []
    for kind, content in blocks:
        if kind == "h":
            if lines:
                lines.append(Line([]))
            lines.extend(wrap(content, bold, width))
        elif kind == "v":
            lines.extend(Line([(verse, style.font, style.size, 0.0)], 12.0) for verse in content)
        else:
            lines.extend(wrap(content, style, width, style.indent))
    return lines


def balance(lines: list[Line], columns: int) -> list[list[Line]]:
    """Lines cut into columns of (nearly) equal length; a cut lands on a hyphenated line when
    one is within two lines of the even cut, so that a word breaks across the columns."""
    cuts, start = [], 0
    for k in range(columns - 1):
        even = start + math.ceil((len(lines) - start) / (columns - k))
        best = even
        for offset in (0, -1, 1, -2, 2):
            i = even + offset
            if start < i < len(lines) and _ends_hyphen(lines[i - 1]) and lines[i].segments:
                best = i
                break
        while best < len(lines) and not lines[best].segments:
            best += 1  # a column never starts with the blank line before a heading
        cuts.append(best)
        start = best
    bounds = [0, *cuts, len(lines)]
    return [lines[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _ends_hyphen(line: Line) -> bool:
    return bool(line.segments) and line.segments[-1][0].endswith("-")


@dataclass
class PageBuilder:
    """Draw operations of one page in content-stream order."""

    width: float
    height: float
    ops: list = field(default_factory=list)  # (x, y, segments)

    def text(self, x: float, y: float, text: str, style: Style) -> None:
        self.ops.append((x, y, [(text, style.font, style.size, 0.0)]))

    def centred(self, y: float, text: str, style: Style) -> None:
        self.text((self.width - stringWidth(text, style.font, style.size)) / 2, y, text, style)

    def lines(self, x: float, y: float, lines: list[Line], leading: float) -> float:
        for line in lines:
            if line.segments:
                self.ops.append((x + line.x, y, line.segments))
            y -= leading
        return y

    def band(self, x: float, y: float, columns, col_width: float, gutter: float, leading: float,
             interleave: bool) -> float:  # fmt: skip
        """Columns side by side from ``y`` down; returns the y below the longest."""
        positions = [x + k * (col_width + gutter) for k in range(len(columns))]
        if interleave:
            for row in range(max(len(c) for c in columns)):
                for column, left in zip(columns, positions, strict=True):
                    if row < len(column) and column[row].segments:
                        line = column[row]
                        self.ops.append((left + line.x, y - row * leading, line.segments))
        else:
            for column, left in zip(columns, positions, strict=True):
                self.lines(left, y, column, leading)
        return y - max(len(c) for c in columns) * leading

    def render(self, c: canvas.Canvas) -> None:
        for x, y, segments in self.ops:
            for text, font, size, rise in segments:
                c.setFont(font, size)
                c.drawString(x, y + rise, text)
                x += stringWidth(text, font, size)
        c.showPage()


def _canvas(target, size, title: str, authors: list[str], subject: str) -> canvas.Canvas:
    c = canvas.Canvas(target, pagesize=size, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("; ".join(authors))
    c.setSubject(subject)
    c.setCreator("cantobatch scripts/make_fidelity.py")
    c.setProducer("reportlab (invariant mode)")
    return c


def _plain(text: str) -> str:
    """Prose as printed: footnote marks as raised digits glued to the word."""
    return " ".join(word.replace("^", "") for word in text.split())


def _body(blocks) -> list[str]:
    out = []
    for kind, content in blocks:
        out.append(" ".join(content) if kind == "v" else _plain(content))
    return out


def _notes_lines(numbers, notes: dict[int, str], style: Style, width: float) -> list[Line]:
    lines = []
    for n in numbers:
        wrapped = wrap(f"{n} {notes[n]}", style, width)
        for i, line in enumerate(wrapped):
            line.x = 0.0 if i == 0 else 6.0
        lines.extend(wrapped)
    return lines


BODY = Style("Times-Roman", 10, 12, 10)
BOLD = Style("Times-Bold", 10, 12, 0)
NOTE = Style("Times-Roman", 7.5, 9, 0)
ITALIC = Style("Times-Italic", 10, 12, 0)


# --- the PDFs ---------------------------------------------------------------------------------


def write_interleaved_article(path: Path) -> dict:
    """US letter, two columns on a baseline grid written row by row across both columns."""
    width, height, margin, gutter = 612, 792, 72, 18
    col = (width - 2 * margin - gutter) / 2
    head = "JOURNAL OF CANTO STUDIES 12 (2026)"
    pages, chrome = [], [head]
    for number, blocks in enumerate((T.ARTICLE_PAGE_1, T.ARTICLE_PAGE_2), start=1):
        page = PageBuilder(width, height)
        page.text(margin, height - 40, head, Style("Times-Roman", 8))
        y = height - 80
        if number == 1:
            page.centred(y, T.ARTICLE_TITLE, Style("Times-Bold", 14))
            page.centred(y - 20, " and ".join(T.ARTICLE_AUTHORS), Style("Times-Italic", 10))
            y = page.lines(margin, y - 44, [Line([("Abstract", "Times-Bold", 9, 0.0)])], 11)
            y = page.lines(
                margin,
                y,
                wrap(T.ARTICLE_ABSTRACT, Style("Times-Italic", 9, 11), width - 2 * margin),
                11,
            )
            y -= 14
        columns = balance(block_lines(blocks, BODY, BOLD, col), 2)
        page.band(margin, y, columns, col, gutter, BODY.leading, interleave=True)
        numbers = [n for c in columns for line in c for n in line.notes]
        page.lines(margin, 40 + 9 * len(_notes_lines(numbers, T.ARTICLE_NOTES, NOTE, width - 2 * margin)),
                   _notes_lines(numbers, T.ARTICLE_NOTES, NOTE, width - 2 * margin), NOTE.leading)  # fmt: skip
        folio = str(100 + number)
        page.centred(24, folio, Style("Times-Roman", 8))
        chrome.append(folio)
        pages.append((page, numbers))
    c = _canvas(
        str(path), (width, height), T.ARTICLE_TITLE, T.ARTICLE_AUTHORS, "Journal of Canto Studies"
    )
    for page, _ in pages:
        page.render(c)
    c.save()
    _add_xmp(
        path,
        T.ARTICLE_TITLE,
        T.ARTICLE_AUTHORS,
        "Journal of Canto Studies",
        "10.5555/jcs.2026.0012",
        "2026-03-01",
    )
    body = [T.ARTICLE_TITLE, " and ".join(T.ARTICLE_AUTHORS), "Abstract", T.ARTICLE_ABSTRACT]
    body += _body(T.ARTICLE_PAGE_1) + _body(T.ARTICLE_PAGE_2)
    notes = [
        {"page": p, "text": f"{n} {T.ARTICLE_NOTES[n]}"}
        for p, (_, ns) in enumerate(pages, 1)
        for n in ns
    ]
    bib = {"title": T.ARTICLE_TITLE, "authors": T.ARTICLE_AUTHORS, "year": 2026,
           "container": "Journal of Canto Studies", "doi": "10.5555/jcs.2026.0012", "url": None}  # fmt: skip
    return {
        "layout": "two columns, interleaved",
        "body": body,
        "notes": notes,
        "chrome": chrome,
        "bib": bib,
    }


def write_stream_essay(path: Path) -> dict:
    """A4, two columns written column after column, a full-width quotation between two bands,
    footnotes at the foot of the left column, the folio in the running head."""
    width, height, margin, gutter = 595, 842, 60, 20
    col = (width - 2 * margin - gutter) / 2
    pages, chrome = [], []
    for number in (1, 2):
        page = PageBuilder(width, height)
        head = f"PEDAGOGY AND THE CANTOS    {56 + number}"
        page.text(margin, height - 40, head, Style("Times-Roman", 8))
        chrome.append(head)
        y = height - 84
        numbers: list[int] = []
        if number == 1:
            page.centred(y, T.ESSAY_TITLE, Style("Times-Bold", 14))
            page.centred(y - 20, T.ESSAY_AUTHORS[0], Style("Times-Italic", 10))
            y = page.lines(
                margin,
                y - 44,
                wrap(T.ESSAY_ABSTRACT, Style("Times-Italic", 9, 11), width - 2 * margin),
                11,
            )
            y -= 16
            first = balance(block_lines(T.ESSAY_PAGE_1, BODY, BOLD, col), 2)
            y = page.band(margin, y, first, col, gutter, BODY.leading, interleave=False) - 10
            quote = [Line([(v, "Times-Italic", 10, 0.0)], 40.0) for v in T.ESSAY_QUOTE]
            y = page.lines(margin, y, quote, BODY.leading) - 10
            second = balance(block_lines(T.ESSAY_PAGE_1_AFTER, BODY, BOLD, col), 2)
            page.band(margin, y, second, col, gutter, BODY.leading, interleave=False)
            numbers = [n for cs in (first, second) for c in cs for line in c for n in line.notes]
            lines = _notes_lines(numbers, T.ESSAY_NOTES, NOTE, col)
            page.lines(margin, 60 + NOTE.leading * len(lines), lines, NOTE.leading)
        else:
            columns = balance(block_lines(T.ESSAY_PAGE_2, BODY, BOLD, col), 2)
            page.band(margin, y, columns, col, gutter, BODY.leading, interleave=False)
        pages.append((page, numbers))
    c = _canvas(str(path), (width, height), T.ESSAY_TITLE, T.ESSAY_AUTHORS, "Pedagogy")
    for page, _ in pages:
        page.render(c)
    c.save()
    body = [T.ESSAY_TITLE, T.ESSAY_AUTHORS[0], T.ESSAY_ABSTRACT]
    body += _body(T.ESSAY_PAGE_1) + [" ".join(T.ESSAY_QUOTE)] + _body(T.ESSAY_PAGE_1_AFTER)
    body += _body(T.ESSAY_PAGE_2)
    notes = [
        {"page": p, "text": f"{n} {T.ESSAY_NOTES[n]}"}
        for p, (_, ns) in enumerate(pages, 1)
        for n in ns
    ]
    # The sidecar (zotero.bib) gives what the file lacks: container, year, DOI, URL.
    bib = {"title": T.ESSAY_TITLE, "authors": ["Tutor, Cora"], "year": 2025,
           "container": "Pedagogy and the Cantos", "doi": "10.5555/pc.2025.57",
           "url": "https://example.org/pedagogy/57"}  # fmt: skip
    return {
        "layout": "two columns, column after column",
        "body": body,
        "notes": notes,
        "chrome": chrome,
        "bib": bib,
    }


def write_newsletter(path: Path) -> dict:
    """US letter, three columns written row by row across the three, under a full-width title."""
    width, height, margin, gutter = 612, 792, 54, 14
    col = (width - 2 * margin - 2 * gutter) / 3
    style, bold = Style("Times-Roman", 9, 11, 8), Style("Times-Bold", 9, 11, 0)
    page = PageBuilder(width, height)
    page.centred(height - 70, T.NEWSLETTER_TITLE, Style("Times-Bold", 16))
    columns = balance(block_lines(T.NEWSLETTER_COLUMNS, style, bold, col), 3)
    page.band(margin, height - 110, columns, col, gutter, style.leading, interleave=True)
    c = _canvas(str(path), (width, height), T.NEWSLETTER_TITLE, ["Pound Seminar"], "Newsletter")
    page.render(c)
    c.save()
    bib = {"title": T.NEWSLETTER_TITLE, "authors": ["Seminar, Pound"], "year": 2026,
           "container": "Pound Seminar Newsletter", "doi": None, "url": None}  # fmt: skip
    return {"layout": "three columns, interleaved", "body": [T.NEWSLETTER_TITLE, *_body(T.NEWSLETTER_COLUMNS)],
            "notes": [], "chrome": [], "bib": bib}  # fmt: skip


def write_slides(path: Path) -> dict:
    """Ten landscape slides: a title naming a canto (a different one each time), two lines, a
    footer and a page number."""
    width, height = 792, 612
    c = _canvas(str(path), (width, height), "Ten cantos in ten slides", ["Cora Tutor"], "Slides")
    chrome = [T.SLIDES_FOOTER]
    body = []
    for number, (title, first, second) in enumerate(T.SLIDES, start=1):
        page = PageBuilder(width, height)
        page.text(60, height - 90, title, Style("Helvetica-Bold", 28))
        page.text(80, height - 170, first, Style("Helvetica", 18))
        page.text(80, height - 200, second, Style("Helvetica", 18))
        page.text(60, 30, T.SLIDES_FOOTER, Style("Helvetica", 10))
        page.text(width - 90, 30, f"{number} / {len(T.SLIDES)}", Style("Helvetica", 10))
        chrome.append(f"{number} / {len(T.SLIDES)}")
        page.render(c)
        body += [title, first, second]
    c.save()
    bib = {"title": "Ten cantos in ten slides", "authors": ["Cora Tutor"], "year": None,
           "container": None, "doi": None, "url": None}  # fmt: skip
    return {"layout": "slides", "body": body, "notes": [], "chrome": chrome, "bib": bib}


def _add_xmp(
    path: Path, title: str, authors: list[str], container: str, doi: str, date: str
) -> None:
    """An uncompressed XMP packet (Dublin Core and PRISM), added with pypdf."""
    from pypdf import PdfReader, PdfWriter

    creators = "".join(f"<rdf:li>{a}</rdf:li>" for a in authors)
    xmp = f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" prism:doi="{doi}"
 prism:publicationName="{container}" prism:coverDate="{date}">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(path.read_bytes())))
    writer.xmp_metadata = xmp
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())


# --- sidecars ---------------------------------------------------------------------------------

ZOTERO_BIB = """% Exported by a reference manager; matched to documents by their attachments.
@article{tutor2025usury,
  title = {The Usury Canto in Class: Notes from a Seminar},
  author = {Tutor, Cora},
  journal = {Pedagogy and the {Cantos}},
  year = {2025},
  doi = {10.5555/pc.2025.57},
  url = {https://example.org/pedagogy/57},
  file = {Full Text PDF:two_column_stream.pdf:application/pdf}
}
"""

ZOTERO_CSL = [
    {
        "id": "three_column_newsletter",
        "type": "article-magazine",
        "title": "Pound Seminar Newsletter: Spring Term",
        "author": [{"family": "Seminar", "given": "Pound"}],
        "container-title": "Pound Seminar Newsletter",
        "issued": {"date-parts": [[2026, 2]]},
    }
]


def write_fidelity(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, writer in (
        ("two_column_interleaved.pdf", write_interleaved_article),
        ("two_column_stream.pdf", write_stream_essay),
        ("three_column_newsletter.pdf", write_newsletter),
        ("slides.pdf", write_slides),
    ):
        expected = writer(out / name)
        written += [out / name, _write_expected(out, name, "pdf", expected)]
    for name, (markup, expected) in HTML_PAGES.items():
        (out / name).write_bytes(markup.encode("utf-8"))
        written += [out / name, _write_expected(out, name, "html", expected)]
    (out / "zotero.bib").write_text(ZOTERO_BIB, encoding="utf-8")
    (out / "zotero.json").write_text(json.dumps(ZOTERO_CSL, indent=2) + "\n", encoding="utf-8")
    return [*written, out / "zotero.bib", out / "zotero.json"]


def _write_expected(out: Path, name: str, kind: str, expected: dict) -> Path:
    path = out / f"{Path(name).stem}.expected.json"
    record = {"source": name, "kind": kind, **expected}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REPO / "tests" / "fixtures" / "fidelity"
    for path in write_fidelity(out):
        print(f"{path}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
