"""Ingest benchmark, side by side in one run:

1. pages/s of cantobatch's ingest + split against a bare pypdfium2 text loop over the same PDFs
   (goal ≥ 0.8×; see bench/ingest_bare.py), on one-column book pages, then on two-column pages
   (where reading order needs every line's position), with what bounds the latter
   (``ingest_bare.bounds``);
2. the time of `index` on an unchanged corpus against the first run (goal ≤ 5%);
3. the peak RSS of an index run at 1× and 4× the corpus (goal: flat).

    .venv/bin/python bench/ingest.py [--pages 200] [--docs 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_bare import bounds, compare, make_long_pdf, make_two_column_pdf  # noqa: E402


def distinct_copies(book: Path, directory: Path, n: int) -> list[Path]:
    """``n`` copies of a PDF with different bytes (a comment after %%EOF), so each is a document."""
    directory.mkdir(parents=True, exist_ok=True)
    data = book.read_bytes()
    paths = []
    for i in range(n):
        path = directory / f"book_{i:03d}.pdf"
        path.write_bytes(data + f"\n% copy {i}\n".encode())
        paths.append(path)
    return paths


def index_run(corpus: Path, out: Path) -> tuple[float, int]:
    """Seconds of `run_index` and peak RSS (KiB) of a fresh process indexing ``corpus``."""
    code = (
        "import resource, time\n"
        "from cantobatch.pipeline import run_index\n"
        "t = time.perf_counter()\n"
        f"run_index({str(corpus)!r}, {str(out)!r}, show_progress=False)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, rss = done.stdout.split()
    return float(seconds), int(rss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="pages per PDF")
    parser.add_argument("--docs", type=int, default=4, help="PDFs in the 1x corpus")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cantobatch-bench-") as tmp:
        tmp = Path(tmp)
        book = tmp / "book.pdf"
        make_long_pdf(book, args.pages)
        small = distinct_copies(book, tmp / "corpus1x", args.docs)
        distinct_copies(book, tmp / "corpus4x", 4 * args.docs)

        print("## ingest + split vs bare pypdfium2")
        compare(small, args.rounds)
        columns = tmp / "two_columns.pdf"
        make_two_column_pdf(columns, args.pages)
        print("\n## the same on two-column pages (the fidelity corpus's, repeated)")
        column_copies = distinct_copies(columns, tmp / "columns", args.docs)
        compare(column_copies, args.rounds)
        print("\n## what bounds two-column pages")
        bounds(column_copies, args.rounds)

        t_first, rss_1x = index_run(tmp / "corpus1x", tmp / "out1x")
        t_rerun, _ = index_run(tmp / "corpus1x", tmp / "out1x")
        t_4x, rss_4x = index_run(tmp / "corpus4x", tmp / "out4x")
        pages = args.docs * args.pages
        print("\n## index (rules extractor): rerun and memory")
        print("| measure | value |")
        print("|---|---|")
        print(f"| first run, {args.docs} PDFs / {pages} pages | {t_first:.2f} s |")
        print(f"| rerun on the unchanged corpus | {t_rerun:.3f} s |")
        print(f"| ratio rerun / first (goal <= 0.05) | {t_rerun / t_first:.3f} |")
        print(f"| first run, 4x corpus | {t_4x:.2f} s ({t_4x / t_first:.2f}x the 1x time) |")
        print(f"| peak RSS 1x / 4x | {rss_1x / 1024:.0f} / {rss_4x / 1024:.0f} MiB |")
        print(f"| ratio RSS 4x / 1x (goal ~1) | {rss_4x / rss_1x:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
