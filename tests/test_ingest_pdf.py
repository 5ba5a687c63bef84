"""PDF reading: every failure status, the pypdf fallback, the time limit, and the text cleanup.

The fixtures in tests/fixtures/ingest/ are written by scripts/make_fixtures.py; the corpus PDFs by
scripts/make_corpus.py.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cantobatch.config import IngestConfig
from cantobatch.ingest.discover import SourceFile, discover
from cantobatch.ingest.pdf import (
    carry_split_words,
    clean_pages,
    dehyphenate_lines,
    join_lines,
    keep_hyphen,
    normalize_page,
    strip_running_lines,
)
from cantobatch.ingest.reader import Reader
from cantobatch.split import split_document

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CORPUS = Path(__file__).parents[1] / "corpora"


def source(name: str, root: Path = FIXTURES) -> SourceFile:
    return next(f for f in discover(root) if f.source == name)


@pytest.fixture(scope="module")
def reader():
    with Reader(IngestConfig(parse_timeout_s=60)) as shared:
        yield shared


# --- reading the fixtures ---------------------------------------------------------------------


def test_ledgers_pdf_text_pages_and_labels(reader: Reader) -> None:
    document = reader.read(source("ledgers.pdf"))
    assert (document.status, document.kind, document.reader) == ("ok", "pdf", "pypdfium2")
    assert document.doc_id == hashlib.sha256((FIXTURES / "ledgers.pdf").read_bytes()).hexdigest()
    assert document.title == "Ledgers and Stones (test fixture)"
    assert [(p.number, p.label) for p in document.pages] == [(1, "xi"), (2, "xii"), (3, "445")]
    # Offsets: the page slices, joined by a blank line, are the text.
    slices = [document.text[p.char_start : p.char_end] for p in document.pages]
    assert "\n\n".join(slices) == document.text
    assert slices[0].startswith("The tempio of Sigismondo Malatesta was praised")
    assert slices[2].startswith("The canto opens:")
    text = document.text
    # De-hyphenation: split words joined, compounds kept.
    assert "Malatesta" in text and "Malat-" not in text
    assert "twentieth-century poet" in text
    assert "Section: Rock-Drill in old age" in text
    assert "letters of the postbag" in text  # no other evidence: a split word
    assert "well-known to every reader" in text  # "well-known" occurs inside a line
    # The word split across the page break is completed on the first page.
    assert slices[0].endswith("the ledger of the accounts,")
    assert slices[1].startswith("line by line")
    # Running head and folios are gone; the body's own numbers stay.
    assert "LEDGERS AND STONES" not in text
    assert all(line.strip() not in {"1", "2", "3"} for line in text.splitlines())
    assert "in 1945." in text
    # Ligature normalised, verse lines kept as lines.
    assert "officinal fine stone" in text
    assert (
        "And then went down to the ship,\n"
        "Set keel to breakers, forth on the godly sea, and\n"
        "We set up mast and sail on that swart ship,"
    ) in text


def test_owner_password_only_is_read(reader: Reader) -> None:
    plain = reader.read(source("ledgers.pdf"))
    document = reader.read(source("owner_password_only.pdf"))
    assert document.status == "ok"
    assert document.text == plain.text


def test_user_password_needs_password(reader: Reader) -> None:
    document = reader.read(source("user_password.pdf"))
    assert document.status == "needs_password"
    assert "user_password.pdf" in document.error and "decrypt" in document.error
    assert document.text == "" and document.pages == ()


@pytest.mark.parametrize("name", ["truncated.pdf", "corrupted.pdf"])
def test_damaged_pdfs_are_corrupt(reader: Reader, name: str) -> None:
    document = reader.read(source(name))
    assert document.status == "corrupt"
    assert name in document.error and "pypdfium2" in document.error and "pypdf" in document.error
    assert document.doc_id == hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest()


def test_html_saved_as_pdf_is_not_pdf(reader: Reader) -> None:
    document = reader.read(source("saved_page.pdf"))
    assert document.status == "not_pdf"
    assert "HTML page" in document.error


def test_pdf_without_text_layer_is_no_text(reader: Reader) -> None:
    document = reader.read(source("scanned.pdf"))
    assert document.status == "no_text"
    assert "OCR" in document.error
    assert len(document.pages) == 2


def test_too_many_pages_is_refused() -> None:
    with Reader(IngestConfig(max_pages=2)) as small:
        document = small.read(source("ledgers.pdf"))
    assert document.status == "too_many_pages"
    assert "3 pages" in document.error and "max_pages=2" in document.error


def test_pdf_named_txt_is_read_as_pdf(reader: Reader) -> None:
    document = reader.read(source("really_a_pdf.txt"))
    assert (document.kind, document.status, document.reader) == ("pdf", "ok", "pypdfium2")
    assert "Malatesta" in document.text


def test_pypdf_fallback_reads_what_pdfium_refuses(reader: Reader) -> None:
    # An HTTP header saved in front of the PDF: pdfium refuses it, pypdf reads it.
    document = reader.read(source("http_response_prefix.pdf"))
    plain = reader.read(source("ledgers.pdf"))
    assert (document.status, document.reader) == ("ok", "pypdf")
    assert [p.label for p in document.pages] == ["xi", "xii", "445"]
    assert document.text == plain.text


def test_a_damaged_page_loses_its_text_not_the_document(reader: Reader) -> None:
    document = reader.read(source("damaged_first_page.pdf"))
    # "partial", not "ok": its text is indexed, and the error says which page is missing.
    assert (document.status, document.reader) == ("partial", "pypdfium2")
    assert document.ok
    assert "page(s) 1 could not be loaded" in document.error
    assert len(document.pages) == 3
    first = document.pages[0]
    assert first.char_end == first.char_start  # no text for page 1
    assert document.text == "\n\n" + document.text[2:]  # pages stay joined by a blank line
    assert document.text[2:].startswith("counts, line by line, as the poem does in Canto")
    assert "LEDGERS AND STONES" not in document.text
    passages = split_document(document)
    assert passages and all(p.page in (2, 3) for p in passages)


class SlowReader(Reader):
    """Makes the worker sleep before parsing files whose name contains "slow"."""

    def _delay_for(self, file: SourceFile) -> float:
        return 60.0 if "slow" in file.source else 0.0


def test_timeout_kills_the_parse_and_the_next_file_still_reads(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes((FIXTURES / "ledgers.pdf").read_bytes())
    files = list(discover(tmp_path)) + [source("ledgers.pdf")]
    with SlowReader(IngestConfig(parse_timeout_s=2.0)) as reader:
        reader.read(source("ledgers.pdf"))  # start the worker outside the timed part
        started = time.monotonic()
        timed_out = reader.read(files[0])
        elapsed = time.monotonic() - started
        after = reader.read(files[1])
    assert timed_out.status == "timeout"
    assert "parse_timeout_s=2s" in timed_out.error
    assert elapsed < 30  # killed, not waited for
    assert after.status == "ok" and "Malatesta" in after.text


def test_a_crashed_worker_is_recorded_and_replaced(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes((FIXTURES / "ledgers.pdf").read_bytes())
    with SlowReader(IngestConfig(parse_timeout_s=60)) as reader:
        reader._start_worker()
        # What a segfault in pdfium looks like from the parent: the worker dies mid-parse.
        threading.Timer(0.5, reader._worker.process.kill).start()
        crashed = reader.read(next(iter(discover(tmp_path))))
        after = reader.read(source("ledgers.pdf"))
    assert crashed.status == "error"
    assert "crashed" in crashed.error
    assert after.status == "ok"


def test_a_started_reader_waits_for_its_parse_process_at_the_first_file() -> None:
    # start() only spawns the parse process (its imports overlap the caller's own work); the
    # first file sent waits for its "ready", so the time limit never counts the start.
    with Reader(IngestConfig(parse_timeout_s=60)) as reader:
        reader.start()
        worker = reader._worker
        assert worker is not None and not worker.started
        document = reader.read(source("ledgers.pdf"))
        assert reader._worker is worker and worker.started
    assert document.status == "ok" and "Malatesta" in document.text


def test_prefetched_files_read_the_same_as_files_read_one_by_one() -> None:
    files = list(discover(CORPUS))  # PDFs, HTML, text, and files with a status (skipped)
    with Reader(IngestConfig(parse_timeout_s=60)) as plain:
        expected = [plain.read(f) for f in files]
    with Reader(IngestConfig(parse_timeout_s=60)) as reader:
        got = []
        for f, after in zip(files, files[1:] + [None], strict=True):
            got.append(reader.read(f))
            if after is not None:
                reader.prefetch(after)
                in_worker = reader._pending is not None and reader._pending.file == after
                assert in_worker or after in reader._ready  # sent now, not when read
        # out of order: a prefetched file stays ready while another one is read first
        reader.prefetch(files[0])
        assert reader.read(files[1]) == expected[1]
        assert reader.read(files[0]) == expected[0]
    assert got == expected
    assert {d.kind for d in got} >= {"pdf", "html", "text"}


def test_a_prefetched_slow_file_times_out_counting_from_when_it_was_sent(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes((FIXTURES / "ledgers.pdf").read_bytes())
    with SlowReader(IngestConfig(parse_timeout_s=2.0)) as reader:
        reader.read(source("ledgers.pdf"))  # start the worker outside the timed part
        reader.prefetch(next(iter(discover(tmp_path))))
        time.sleep(2.5)  # this process busy with the previous document, past the limit
        started = time.monotonic()
        timed_out = reader.read(next(iter(discover(tmp_path))))
        waited = time.monotonic() - started
        after = reader.read(source("ledgers.pdf"))
    assert timed_out.status == "timeout" and "parse_timeout_s=2s" in timed_out.error
    assert waited < 1.5  # the limit had already passed: no second wait
    assert after.status == "ok"


def test_reader_works_from_a_script_without_main_guard(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        "from cantobatch.ingest.discover import discover\nfrom cantobatch.ingest.reader import read\n"
        f"for f in discover({str(FIXTURES)!r}):\n"
        "    if f.source == 'ledgers.pdf':\n"
        "        print(read(f).status)\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "ok", done.stderr


# --- the sample corpus ------------------------------------------------------------------------


def test_corpus_course_reader(reader: Reader) -> None:
    document = reader.read(source("pdf/reading_the_later_cantos.pdf", CORPUS))
    assert document.status == "ok"
    labels = [p.label for p in document.pages]
    assert labels[:3] == ["xi", "xii", "445"]
    assert labels[2:] == [str(n) for n in range(445, 445 + len(labels) - 2)]
    text = document.text
    assert "READING THE LATER CANTOS" not in text and "STONES AND LEDGERS" not in text
    assert "against the Malatesta Cantos of the 1920s" in text
    assert "twentieth-century document" in text
    # Footnotes are regions after the body text, each tied to the page it is printed on.
    note = next(r for r in document.regions if text[r.char_start :].startswith("1 Hugh Selwyn"))
    assert (note.kind, note.page) == ("footnote", 1)
    assert "1 Hugh Selwyn Mauberley" not in text[: document.pages[-1].char_end]
    passage = next(p for p in split_document(document) if p.text.startswith("1 Hugh Selwyn"))
    assert (passage.region, passage.page, passage.page_label) == ("footnote", 1, "xi")


def test_corpus_two_column_paper_reads_column_by_column(reader: Reader) -> None:
    document = reader.read(source("pdf/counting_lines_workshop.pdf", CORPUS))
    assert document.status == "ok"
    text = document.text
    assert "PROCEEDINGS OF THE POUND DIGITAL WORKSHOP" not in text
    assert "Page 1 of" not in text
    # The first column's paragraph reads in order before the second column's heading.
    assert text.index("refuse the look-alikes.") < text.index("3. Ranges and groups")
    assert "1925/6 and\npage ranges" in text or "1925/6 and page ranges" in text.replace("\n", " ")


# --- cleanup on known text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "tail", "keep"),
    [
        ("Malat", "esta", False),
        ("twentieth", "century", True),
        ("Rock", "Drill", True),  # capitalised continuation
        ("Graeco", "Roman", True),
        ("long", "ing", False),  # suffix continuation: a split word
        ("well", "known", True),
        ("al", "lusion", False),
        ("445", "446", True),
    ],
)
def test_keep_hyphen_rule(head: str, tail: str, keep: bool) -> None:
    assert keep_hyphen(head, tail) is keep


def test_document_usage_decides_before_the_lists() -> None:
    assert keep_hyphen("post", "bag", {"post-bag"}) is True
    assert keep_hyphen("well", "spring", {"wellspring"}) is False


def test_dehyphenate_lines() -> None:
    lines = [
        "The tempio of Sigismondo Malat-",
        "esta, a twentieth-",
        "century Rock-",
        "Drill, pp. 445-",
        "446 — and a dash at the end—",
        "stays.",
    ]
    assert dehyphenate_lines(lines) == [
        "The tempio of Sigismondo Malatesta, a twentieth-century Rock-Drill, pp. 445-446 — "
        "and a dash at the end—",
        "stays.",
    ]


def test_normalize_page_nfkc_and_pdfium_soft_hyphens() -> None:
    raw = "ﬁne ﬂower ﬀ\r\nMalat\ufffeesta and Rock\ufffeDrill\r\nsoft\u00adly and hy\u00ad\nphen"
    assert normalize_page(raw) == [
        "fine flower ff",
        "Malat-",
        "esta and Rock-",
        "Drill",
        "softly and hy-",
        "phen",
    ]


def test_strip_running_heads_folios_and_roman_numbers() -> None:
    pages = [
        ["ix", "Preface text begins here.", "More preface."],
        ["x    READING THE CANTOS", "Preface goes on.", "x"],
        ["CANTOS AND LEDGERS    445", "The chapter opens.", "Footnote 1 on this page.", "445"],
        ["446    READING THE CANTOS", "It goes on in 1945.", "446"],
        ["CANTOS AND LEDGERS    447", "And it ends on page 447.", "447"],
    ]
    assert strip_running_lines(pages) == [
        ["Preface text begins here.", "More preface."],
        ["Preface goes on."],
        ["The chapter opens.", "Footnote 1 on this page."],
        ["It goes on in 1945."],
        ["And it ends on page 447."],
    ]


def test_lines_that_do_not_repeat_are_kept() -> None:
    pages = [["A title", "text one"], ["Another start", "text two"], ["Third", "text three"]]
    assert strip_running_lines(pages) == pages
    assert strip_running_lines([["Only page", "1"]]) == [["Only page", "1"]]


def test_carry_split_words_across_pages() -> None:
    pages = [["the ledger of the ac-"], ["counts, line by line."]]
    carry_split_words(pages)
    assert pages == [["the ledger of the accounts,"], ["line by line."]]


def test_join_lines_paragraphs_and_verse() -> None:
    lines = [
        "A long line of prose that runs all the way to the right margin of",
        "the page and then ends its sentence a little early.",
        "A new paragraph starts on this line and it also runs to the right",
        "margin of the page before it stops.",
        "",
        "And then went down to the ship,",
        "Set keel to breakers, forth on the godly sea, and",
    ]
    assert join_lines(lines) == (
        "A long line of prose that runs all the way to the right margin of\n"
        "the page and then ends its sentence a little early.\n\n"
        "A new paragraph starts on this line and it also runs to the right\n"
        "margin of the page before it stops.\n\n"
        "And then went down to the ship,\n"
        "Set keel to breakers, forth on the godly sea, and"
    )


def test_clean_pages_keeps_one_text_per_page() -> None:
    pages = clean_pages(["HEAD 1\nfirst page text", "HEAD 2\nsecond page", "HEAD 3\n"])
    assert pages == ["first page text", "second page", ""]
