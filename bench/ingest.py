"""Ingest benchmark: cantobatch's PDF reading + splitting vs a bare pypdfium2 text loop, rerun cost,
and peak memory at two corpus sizes — all measured side by side in one run.

    .venv/bin/python bench/ingest.py [--pages 200] [--docs 8]

Prints pages/s of (a) a bare pypdfium2 loop (open, get_text_range per page), (b) cantobatch's Reader
(worker process, cleanup, de-hyphenation, header removal) + split_document on the same PDFs, and the
ratio b/a (goal ≥ 0.8); the time of `index` on an unchanged corpus against the first run (goal ≤ 5%);
and the peak RSS of an index run at 1× and 4× the corpus (goal: flat).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "the canto opens with a descent and the voice of Tiresias returns through the Latin of "
    "Divus while usury thickens the line and the ledger of Malatesta records stones paid "
    "for in the temple at Rimini where the poem turns from history to the Pisan cantos"
).split()


def make_pdf(path: Path, pages: int, seed: int) -> None:
    """A one-column scholarly PDF: running header, page number footer, hyphenated line ends."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 9)
        c.drawString(72, 800, "READING THE LATER CANTOS")
        c.drawString(300, 40, str(number))
        c.setFont("Times-Roman", 11)
        y = 770
        while y > 70:
            line = " ".join(rng.choice(WORDS) for _ in range(12))
            if rng.random() < 0.1:
                line += (
                    f" Canto {rng.choice(['LXXIV', 'IX', 'XLV', 'I'])}, ll. {rng.randint(1, 40)}-"
                )
            elif rng.random() < 0.1:
                line += " Malat-"
            c.drawString(72, y, line)
            y -= 14
        c.showPage()
    c.save()


def bare_pdfium(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def cantobatch_ingest(paths: list[Path], root: Path) -> int:
    from cantobatch.config import IngestConfig
    from cantobatch.ingest import Reader, discover
    from cantobatch.split import split_document

    pages = 0
    files = [f for f in discover(root) if f.path in set(paths)]
    with Reader(IngestConfig()) as reader:
        for file in files:
            doc = reader.read(file)
            split_document(doc)
            pages += len(doc.pages)
    return pages


def timed(fn, *args) -> tuple[float, int]:
    start = time.perf_counter()
    n = fn(*args)
    return time.perf_counter() - start, n


def index_rss(corpus: Path, out: Path) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of `cantobatch index` in a fresh process."""
    code = (
        "import resource, sys, time; from cantobatch.pipeline import run_index; t = time.perf_counter();"
        f"run_index({str(corpus)!r}, {str(out)!r}, show_progress=False);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    line = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, rss = line.stdout.split()
    return float(seconds), int(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="pages per PDF")
    parser.add_argument("--docs", type=int, default=6, help="PDFs in the 1x corpus")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cb-bench-ingest-"))
    try:
        small, large = tmp / "corpus1x", tmp / "corpus4x"
        small.mkdir()
        large.mkdir()
        for i in range(args.docs * 4):
            make_pdf(large / f"doc{i:03d}.pdf", args.pages, seed=i)
            if i < args.docs:
                shutil.copy(large / f"doc{i:03d}.pdf", small / f"doc{i:03d}.pdf")
        paths = sorted(small.glob("*.pdf"))

        bare_pdfium(paths[:1])  # warm both paths (imports, page cache)
        cantobatch_ingest(paths[:1], small)
        t_bare, n_bare = timed(bare_pdfium, paths)
        t_ours, n_ours = timed(cantobatch_ingest, paths, small)
        assert n_bare == n_ours, (n_bare, n_ours)

        t_first, rss_small = index_rss(small, tmp / "out1")
        t_rerun, _ = index_rss(small, tmp / "out1")
        _, rss_large = index_rss(large, tmp / "out4")

        print(f"corpus: {len(paths)} PDFs x {args.pages} pages = {n_bare} pages")
        print("| measure | value |")
        print("|---|---|")
        print(f"| bare pypdfium2 loop | {n_bare / t_bare:.0f} pages/s |")
        print(f"| cantobatch ingest + split | {n_ours / t_ours:.0f} pages/s |")
        print(f"| ratio ingest+split / bare (goal >= 0.8) | {t_bare / t_ours:.2f} |")
        print(f"| index, first run (rules) | {t_first:.2f} s |")
        print(f"| index, rerun on unchanged corpus | {t_rerun:.2f} s |")
        print(f"| ratio rerun / first (goal <= 0.05) | {t_rerun / t_first:.3f} |")
        print(f"| peak RSS, 1x corpus ({len(paths)} docs) | {rss_small / 1024:.0f} MiB |")
        print(f"| peak RSS, 4x corpus ({4 * len(paths)} docs) | {rss_large / 1024:.0f} MiB |")
        print(f"| ratio RSS 4x / 1x (goal ~1) | {rss_large / rss_small:.2f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
