"""Ingest throughput against a bare pypdfium2 text loop over the same PDFs, side by side.

    python bench/ingest_bare.py [--pages 200] [--copies 4] [--rounds 3]

Builds (once, in a temp directory) a scholarly PDF of --pages pages with scripts/make_corpus.py's
typesetter (running heads, footnotes, hyphenation, page labels), copies it --copies times next to
the corpus PDFs, then times in alternating rounds:

- bare: open each file with pypdfium2 and call get_text_range() on every page;
- ingest: cantobatch's Reader (worker process, hashing, cleanup, labels) on the same files.

Prints pages/s of both (best round each) and the ratio ingest / bare. The Reader's worker is
started before timing (a one-time cost per run, printed separately).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

REPO = Path(__file__).resolve().parents[1]


def bare_pdfium_pages_per_s(paths: list[Path]) -> tuple[float, int]:
    """(pages/s, pages) of the plainest pypdfium2 text loop over ``paths``."""
    import pypdfium2 as pdfium

    pages = 0
    started = time.perf_counter()
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return pages / (time.perf_counter() - started), pages


def ingest_pages_per_s(paths: list[Path], reader=None) -> tuple[float, int]:
    """(pages/s, pages) of cantobatch's Reader + split_document over ``paths`` (all must read ok)."""
    from cantobatch.ingest.discover import SourceFile
    from cantobatch.ingest.reader import Reader
    from cantobatch.split import split_document

    own = reader is None
    reader = reader or Reader()
    pages = 0
    started = time.perf_counter()
    for path in paths:
        file = SourceFile(path, path.name, path.stat().st_size, "pdf", None)
        document = reader.read(file)
        if document.status != "ok":
            raise RuntimeError(f"{path}: {document.status}: {document.error}")
        split_document(document)
        pages += len(document.pages)
    elapsed = time.perf_counter() - started
    if own:
        reader.close()
    return pages / elapsed, pages


def _worker_cpu_s(reader) -> float:
    """CPU seconds the Reader's worker process has used (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{reader._worker.process.pid}/stat").read_text().rsplit(")", 1)[1]
    except (AttributeError, OSError):
        return 0.0
    utime, stime = fields.split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def make_long_pdf(path: Path, pages: int) -> None:
    """A --pages page one-column book chapter built from the course reader's prose."""
    sys.path.insert(0, str(REPO / "scripts"))
    import make_corpus as mc

    body = mc.Style(font="Vera", size=10, leading=13)
    heading = mc.Style(font="VeraBd", size=12, leading=18, space_after=8)
    frame = mc.Frame(x=54, top=648 - 70, bottom=54, width=432 - 108)
    notes = {**mc.PREFACE_NOTES, **mc.CHAPTER_NOTES}
    flow = mc.Flow(lambda i: [frame], notes, note_width=frame.width)
    blocks = mc.PREFACE + mc.CHAPTER
    while len(flow.pages) <= pages:
        for kind, content in blocks:
            if kind == "h":
                flow.heading(content, heading)
            elif kind == "v":
                flow.verse(content, mc.Style(font="VeraIt", size=9, leading=11))
            else:
                flow.paragraph(content, body)
    flow.pages = flow.pages[:pages]

    def decorate(c, index: int) -> None:
        c.setFont("Vera", 7.5)
        if index % 2:
            c.drawString(54, 648 - 40, f"{index + 1}    READING THE LATER CANTOS")
        else:
            c.drawRightString(432 - 54, 648 - 40, f"STONES AND LEDGERS    {index + 1}")

    c = mc._canvas(path, mc.BOOK, "Bench book", "cantobatch bench", "bench")
    c.addPageLabel(0, style="ARABIC", start=1)
    flow.render(c, decorate)
    c.save()


def make_two_column_pdf(path: Path, pages: int) -> None:
    """A --pages page PDF of two-column pages: the fidelity corpus's interleaved article and
    column-after-column essay (scripts/make_fidelity.py), repeated."""
    from pypdf import PdfReader, PdfWriter

    fidelity = REPO / "tests" / "fixtures" / "fidelity"
    sources = [
        PdfReader(fidelity / name)
        for name in ("two_column_interleaved.pdf", "two_column_stream.pdf")
    ]
    writer = PdfWriter()
    while len(writer.pages) < pages:
        for reader in sources:
            for page in reader.pages:
                if len(writer.pages) < pages:
                    writer.add_page(page)
    with open(path, "wb") as handle:
        writer.write(handle)


def compare(paths: list[Path], rounds: int) -> float:
    """Time bare pypdfium2 and ingest+split in alternating rounds; print a table; return the ratio."""
    from cantobatch.ingest.reader import Reader

    started = time.perf_counter()
    reader = Reader()
    reader._start_worker()
    startup = time.perf_counter() - started
    bare_rates, ingest_rates, bare_cpu, ingest_cpu = [], [], [], []
    for _ in range(rounds):
        cpu = time.process_time()
        rate, pages = bare_pdfium_pages_per_s(paths)
        bare_cpu.append(time.process_time() - cpu)
        bare_rates.append(rate)
        cpu = time.process_time() + _worker_cpu_s(reader)
        rate, ingest_pages = ingest_pages_per_s(paths, reader)
        ingest_cpu.append(time.process_time() + _worker_cpu_s(reader) - cpu)
        ingest_rates.append(rate)
    reader.close()
    assert pages == ingest_pages
    print(f"PDFs: {len(paths)} files, {pages} pages; {rounds} alternating rounds")
    print(f"worker start (once per Reader): {startup:.2f} s, not in the rates")
    print(f"{'':30s}{'best':>10s}{'median':>10s}")
    print(f"{'bare pypdfium2 (pages/s)':30s}{max(bare_rates):10.1f}{median(bare_rates):10.1f}")
    print(f"{'ingest+split (pages/s)':30s}{max(ingest_rates):10.1f}{median(ingest_rates):10.1f}")
    best_ratio = max(ingest_rates) / max(bare_rates)
    print(
        f"{'ratio ingest+split / bare':30s}{best_ratio:10.2f}"
        f"{median(ingest_rates) / median(bare_rates):10.2f}"
    )
    # CPU seconds (this process + the worker) are far less sensitive to a loaded machine.
    bare_ms, ingest_ms = (1000 * min(c) / pages for c in (bare_cpu, ingest_cpu))
    print(f"{'CPU ms/page bare, ingest+split':30s}{bare_ms:10.2f}{ingest_ms:10.2f}")
    print(f"{'ratio by CPU (bare/ingest)':30s}{bare_ms / ingest_ms:10.2f}")
    # Each round's bare and ingest runs follow each other, under much the same load: the ratio
    # within a round, over the rounds, drifts less than ratios of separate bests.
    paired = sorted(b / i for b, i in zip(bare_cpu, ingest_cpu, strict=True))
    print(
        f"{'ratio by CPU, round by round':30s}{median(paired):10.2f}"
        f"   (median; range {paired[0]:.2f}-{paired[-1]:.2f} over {rounds} rounds)"
    )
    print("goal: ratio >= 0.80")
    return bare_ms / ingest_ms


def bounds(paths: list[Path], rounds: int) -> None:
    """What bounds reading order by positions, in this process (no worker, no split), CPU time
    against the bare loop: the pipeline in content-stream order ([ingest] columns = false); the
    bare loop plus one and two character boxes a line (a line's top and its end: the least any
    reading by line positions asks of pdfium); the bare loop plus pdfium's own column reader
    (FPDFText_GetBoundedText for each half of the page, the gutter taken as known, one buffer a
    page: no paragraph gaps, footnotes or full-width blocks), then with the first look that
    finds a gutter (8 character boxes and the text objects of one line); the pipeline."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from cantobatch.ingest import layout
    from cantobatch.ingest.pdf import extract_pdf

    def pages(path: Path):
        pdf = pdfium.PdfDocument(path)
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            yield page, textpage, textpage.get_text_range()
            textpage.close()
            page.close()
        pdf.close()

    def boxes(per_line: int) -> None:
        for path in paths:
            for _, textpage, text in pages(path):
                chars = layout._Chars(textpage.raw, text)
                for first, piece, _ in layout._pieces(text):
                    chars.box(first)
                    if per_line > 1:
                        chars.box(first + len(piece) - 1)

    def bounded(first_look: bool) -> None:
        for path in paths:
            for page, textpage, text in pages(path):
                pieces = layout._pieces(text)
                if first_look and pieces:
                    layout.first_look(layout._Chars(textpage.raw, text), pieces, page.get_width())
                width, height = page.get_width(), page.get_height()
                size = len(text) + 64
                buffer = (ctypes.c_ushort * size)()
                for left, right in ((0, width / 2), (width / 2, width)):
                    n = pdfium_c.FPDFText_GetBoundedText(
                        textpage, left, height, right, 0, buffer, size
                    )
                    bytes(memoryview(buffer)[: max(n, 0)]).decode("utf-16-le", "ignore")

    def pipeline(columns: bool) -> None:
        for path in paths:
            extract_pdf(str(path), 100_000, True, columns, source=path.name)

    runs = {
        "bare pypdfium2": lambda: bare_pdfium_pages_per_s(paths),
        "stream order, no columns": lambda: pipeline(False),
        "bare + 1 char box a line": lambda: boxes(1),
        "bare + 2 char boxes a line": lambda: boxes(2),
        "bare + GetBoundedText x2": lambda: bounded(False),
        "  + first look for a gutter": lambda: bounded(True),
        "reading order by positions": lambda: pipeline(True),
    }
    cpu = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.process_time()
            run()
            cpu[name].append(time.process_time() - started)
    count = sum(1 for path in paths for _ in pages(path))
    bare = min(cpu["bare pypdfium2"])
    print(f"{'in process, CPU (best round)':30s}{'ms/page':>10s}{'bare/this':>10s}")
    for name, times in cpu.items():
        print(f"{name:30s}{1000 * min(times) / count:10.3f}{bare / min(times):10.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cantobatch-bench-") as tmp:
        tmp_path = Path(tmp)
        book = tmp_path / "book_000.pdf"
        make_long_pdf(book, args.pages)
        paths = [book]
        for i in range(1, args.copies):
            paths.append(tmp_path / f"book_{i:03d}.pdf")
            shutil.copy(book, paths[-1])
        paths += sorted((REPO / "corpora").rglob("*.pdf"))
        compare(paths, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
