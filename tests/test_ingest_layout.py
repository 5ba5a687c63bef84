"""PDF reading order from character boxes: columns, full-width blocks, footnotes, page furniture.

The PDFs are written by scripts/make_fidelity.py (tests/fixtures/fidelity, each with the text it
must give in NAME.expected.json) and scripts/make_fixtures.py (tests/fixtures/ingest).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cantobatch.config import IngestConfig
from cantobatch.ingest.cleanup import running_lines
from cantobatch.ingest.discover import discover
from cantobatch.ingest.layout import PageLayout, Unit, split_at_gutters
from cantobatch.ingest.reader import Reader
from cantobatch.ingest.reading_order import order_page
from cantobatch.split import split_document

FIDELITY = Path(__file__).parent / "fixtures" / "fidelity"
INGEST = Path(__file__).parent / "fixtures" / "ingest"


def flat(text: str) -> str:
    return " ".join(text.split())


def expected(name: str) -> dict:
    return json.loads((FIDELITY / f"{Path(name).stem}.expected.json").read_text(encoding="utf-8"))


def body_text(document) -> str:
    """The document's text without its footnote regions."""
    text = document.text
    for region in sorted(document.regions, key=lambda r: -r.char_start):
        text = text[: region.char_start] + text[region.char_end :]
    return flat(text)


@pytest.fixture(scope="module")
def read():
    with (
        Reader(IngestConfig(parse_timeout_s=60)) as reader,
        Reader(IngestConfig(parse_timeout_s=60, columns=False)) as stream,
    ):
        files = {f.source: f for root in (FIDELITY, INGEST) for f in discover(root)}

        def read(name: str, columns: bool = True):
            return (reader if columns else stream).read(files[name])

        yield read


def paragraphs_in_order(document, paragraphs: list[str]) -> list[str]:
    """The expected paragraphs that are not found whole, in order, in the body text."""
    body, cursor, missing = body_text(document), 0, []
    for paragraph in paragraphs:
        at = body.find(flat(paragraph), cursor)
        if at < 0:
            missing.append(paragraph)
        else:
            cursor = at + len(flat(paragraph))
    return missing


@pytest.mark.parametrize(
    "name", ["two_column_interleaved.pdf", "two_column_stream.pdf", "three_column_newsletter.pdf"]
)
def test_columns_are_read_one_after_another(read, name: str) -> None:
    document = read(name)
    assert document.status == "ok"
    assert paragraphs_in_order(document, expected(name)["body"]) == []


def test_interleaved_columns_without_layout_are_garbled(read) -> None:
    # What the text layer gives in stream order: the columns' lines alternate.
    document = read("two_column_interleaved.pdf", columns=False)
    text = flat(document.text)
    assert "Sigismundo is presented through Criticism of the Malatesta sequence" in text
    assert paragraphs_in_order(document, expected("two_column_interleaved.pdf")["body"])


def test_a_word_hyphenated_at_the_foot_of_a_column_is_joined(read) -> None:
    text = read("two_column_interleaved.pdf").text
    assert "Kenner called the method ideogrammic; a bookkeeper" in flat(text)
    assert "ideogra-" not in text


def test_a_full_width_quotation_separates_two_bands_of_columns(read) -> None:
    body = body_text(read("two_column_stream.pdf"))
    band_one = body.index("paint is the debt.")  # the end of the first band's right column
    quote = body.index("No house of good stone")
    band_two = body.index("The paraphrase keeps")  # the second band's left column
    assert band_one < quote < band_two
    assert body.index("fifty in the first printing") < band_one  # column 1, then column 2


def test_footnotes_are_regions_tied_to_their_page(read) -> None:
    document = read("two_column_interleaved.pdf")
    notes = [(r.page, document.text[r.char_start : r.char_end]) for r in document.regions]
    assert [
        (n["page"], n["text"]) for n in expected("two_column_interleaved.pdf")["notes"]
    ] == notes
    assert all(r.kind == "footnote" for r in document.regions)
    passages = split_document(document)
    footnotes = [p for p in passages if p.region == "footnote"]
    assert [(p.page, p.text[:2]) for p in footnotes] == [(1, "1 "), (1, "2 "), (2, "3 ")]
    assert all(p.region == "body" for p in passages if p not in footnotes)
    # A note at the foot of the left column only, in a document written column after column.
    stream = read("two_column_stream.pdf")
    assert [r.page for r in stream.regions] == [1, 1]


def test_running_heads_and_folios_are_counted_not_kept(read) -> None:
    document = read("two_column_interleaved.pdf")
    assert document.furniture_lines == 4  # a running head and a folio on each of two pages
    assert "JOURNAL OF CANTO STUDIES" not in document.text
    assert "101" not in document.text.split() and "102" not in document.text.split()


def test_slide_titles_that_change_with_each_page_are_kept(read) -> None:
    document = read("slides.pdf")
    titles = [line for line in document.text.splitlines() if line.startswith("Canto ")]
    assert titles == [title for title, _, _ in [s.split("|") for s in _slides()]]
    assert "Pound seminar, week 6" not in document.text and "/ 10" not in document.text
    assert document.furniture_lines == 10  # the footer and its page number, one line a slide


def _slides() -> list[str]:
    body = expected("slides.pdf")["body"]
    return ["|".join(body[i : i + 3]) for i in range(0, len(body), 3)]


def test_a_document_of_nothing_but_repeated_lines_keeps_them(read) -> None:
    document = read("stamp_only.pdf")
    assert (document.status, document.furniture_lines) == ("ok", 0)
    assert document.text.count("Canto XLV: notes for the seminar") == 3


def test_a_string_pdfium_cuts_is_read_by_pypdf(read) -> None:
    # One Tj of 40,000 characters: pdfium returns 32,767 of them, as if that were all.
    document = read("long_string.pdf")
    assert (document.status, document.reader) == ("ok", "pypdf")
    assert len(document.text) >= 39_999
    assert document.text.count("Canto XLV") == 4000


def test_page_text_is_what_pypdfium2_reads() -> None:
    # The reader calls pdfium itself (no pypdfium2 page objects): the text must not change.
    import pypdfium2 as pdfium

    from cantobatch.ingest.pdf import page_text

    corpora = Path(__file__).parents[1] / "corpora"
    paths = [*FIDELITY.glob("*.pdf"), *INGEST.glob("*.pdf"), *corpora.rglob("*.pdf")]
    compared = 0
    for path in sorted(paths):
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError:
            continue  # encrypted, damaged: pypdf's, not pdfium's
        with pdf:
            for index in range(len(pdf)):
                try:
                    page = pdf[index]
                except pdfium.PdfiumError:
                    continue  # damaged_first_page.pdf's first page
                textpage = page.get_textpage()
                assert page_text(textpage.raw, textpage.count_chars()) == textpage.get_text_range()
                compared += 1
    assert compared >= 30


# --- running heads and folios, on known lines -------------------------------------------------


def test_running_lines_keep_titles_whose_number_is_not_the_folio() -> None:
    edges = [[f"Canto {n}", f"Pound seminar, week 6 {i + 1} / 5"] for i, n in enumerate(
        ["I", "IX", "XLV", "LXXIV", "CXVI"])]  # fmt: skip
    assert running_lines(edges) == [{1}] * 5


def test_running_lines_remove_folios_by_distance_or_label() -> None:
    heads = ["xi", "xii", "445", "446"]
    words = ["alpha", "beta", "gamma", "delta"]
    edges = [
        [f"{folio}  READING THE CANTOS", word] for folio, word in zip(heads, words, strict=True)
    ]
    # xi, xii keep one distance from the physical page number, 445, 446 another.
    assert running_lines(edges) == [{0}, {0}, {0}, {0}]
    # Two pages whose folios jump (a preface, then a chapter): only the labels say so.
    edges = [["xi  READING THE CANTOS", "alpha"], ["445  READING THE CANTOS", "beta"]]
    assert running_lines(edges) == [set(), set()]
    assert running_lines(edges, ["xi", "445"]) == [{0}, {0}]


def test_running_lines_keep_a_line_whose_numbers_are_mostly_not_folios() -> None:
    # "Canto I" on page 1 sits at the folio's distance, but its nine siblings do not.
    cantos = ["I", "IX", "XIII", "XVII", "XLV", "XLVII", "XLIX", "LXXIV", "LXXXI", "CXVI"]
    edges = [[f"Canto {c}", str(i + 1)] for i, c in enumerate(cantos)]
    assert running_lines(edges) == [{1}] * 10


# --- reading order, on known boxes ------------------------------------------------------------


def unit(text: str, x0: float, x1: float, y: float, size: float = 10.0) -> Unit:
    return Unit(text, x0, x1, y, y + size, 0, len(text) - 1)


class Boxes:
    """Character boxes of one pdfium-like line made of (text, x, char width) parts: the space
    pdfium writes between parts has an empty box where the gap starts. Counts the boxes asked."""

    def __init__(self, *parts: tuple[str, float, float]) -> None:
        self.text, self.boxes, self.asked = "", [], 0
        for text, x, width in parts:
            if self.text:
                end = self.boxes[-1][1]
                self.text += " "
                self.boxes.append((end, end, 700.0, 710.0))
            for i, _ in enumerate(text):
                self.boxes.append((x + i * width, x + (i + 1) * width, 700.0, 710.0))
            self.text += text

    def box(self, index: int) -> tuple[float, float, float, float]:
        self.asked += 1
        return self.boxes[index]

    def measure(self, units: list[Unit]) -> None:
        for u in units:
            u.x1 = self.boxes[u.last][1]

    def line(self) -> Unit:
        return Unit(self.text, self.boxes[0][0], None, 700.0, 710.0, 0, len(self.text) - 1)


def test_a_line_across_the_gutter_is_cut_at_the_word_after_the_gap() -> None:
    # Narrow type on the left, wide on the right: the line's width puts the gutter two words
    # early, and the search steps to the gap.
    chars = Boxes(("the ledger of the Siena bank", 72, 4.0), ("and the lyric meet", 320, 9.0))
    head, tail = split_at_gutters([chars.line()], [(190.0, 320.0)], chars)
    assert (head.text, tail.text) == ("the ledger of the Siena bank", "and the lyric meet")
    assert (head.x1, tail.x0, tail.first) == (184.0, 320.0, 29)
    assert chars.asked <= 8  # a few boxes, not one per character
    # The same from the other side: wide type on the left puts the guess too late.
    chars = Boxes(("the ledger of the", 72, 9.0), ("Siena bank and the lyric meet", 320, 4.0))
    head, tail = split_at_gutters([chars.line()], [(225.0, 320.0)], chars)
    assert (head.text, tail.text) == ("the ledger of the", "Siena bank and the lyric meet")


def test_a_line_without_a_gap_at_the_gutter_spans_the_columns() -> None:
    # A title set across the page: words close on both sides of the gutter's middle.
    chars = Boxes(("A Title Set Across Both Columns Of The Page", 150, 7.0))
    assert [u.text for u in split_at_gutters([chars.line()], [(290.0, 315.0)], chars)] == [
        chars.text
    ]
    # A gap at the middle narrower than half a gutter (3 points) is a word space, not a gutter.
    chars = Boxes(("a line that runs", 204, 6.0), ("across", 303, 6.0))
    assert len(split_at_gutters([chars.line()], [(290.0, 315.0)], chars)) == 1


def test_order_page_reads_columns_and_takes_the_notes() -> None:
    units = [
        unit("A Title Across The Page", 100, 500, 700),
        unit("left one", 72, 280, 680),
        unit("right one", 320, 540, 680),
        unit("left two", 72, 280, 668),
        unit("right two", 320, 540, 668),
        unit("1 A note in small type.", 72, 400, 100, size=7),
    ]
    lines, notes = order_page(PageLayout(units=units, gutters=[(281, 319)]), set(), 10.0)
    assert lines == [
        "A Title Across The Page",
        "",
        "left one",
        "left two",
        "right one",
        "right two",
    ]
    assert notes == [["1 A note in small type."]]


def test_order_page_joins_a_row_broken_at_a_note_mark_and_drops_furniture() -> None:
    units = [
        unit("RUNNING HEAD", 72, 200, 750),
        unit("in the summer of 1945.2", 72, 200, 700),
        unit("It is tempting", 205, 300, 700),
        unit("to read the cantos as a diary.", 72, 300, 688),
    ]
    lines, notes = order_page(PageLayout(units=units), {0}, 10.0)
    assert lines == ["in the summer of 1945.2 It is tempting", "to read the cantos as a diary."]
    assert notes == []


def test_order_page_on_a_flow_page_takes_small_numbered_lines_at_its_foot() -> None:
    page = PageLayout(
        lines=["xi", "Body text in body type.", "1 First note, in small type,", "running on.",
               "2 Second note."],
        tail={4: 7.0, 3: 7.0, 2: 7.0, 1: 10.0},
    )  # fmt: skip
    lines, notes = order_page(page, {0}, 10.0)
    assert lines == ["Body text in body type."]
    assert notes == [["1 First note, in small type,", "running on."], ["2 Second note."]]
