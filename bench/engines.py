"""Engines benchmark, side by side in one run on the same PDFs (issue #14):

1. ingest+split pages/s: local 1 worker, local 2 workers (goal ≥ 1.6× one worker on 2 cores),
   Ray on this machine (2 CPUs) — with an extractor that returns nothing, so reading and
   splitting are what is timed;
2. the whole `index` run with rules, the same three ways;
3. Ray's overhead against the local engine with the same parallelism (goal ≤ 15%, ≥ 500 pages).

Every configuration writes a fresh output folder; the rounds interleave the configurations so a
busy machine slows them alike; the best round of each is reported (ray.init is outside the
timing: a cluster is started once, not per run).

    .venv/bin/python bench/engines.py [--docs 32] [--pages 64] [--rounds 2] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import distinct_copies  # noqa: E402
from ingest_bare import make_long_pdf  # noqa: E402

from cantobatch.config import Config  # noqa: E402
from cantobatch.data import Extraction  # noqa: E402
from cantobatch.pipeline import run_index  # noqa: E402


class NoCitations:
    """An extractor that finds nothing (this benchmark times reading and splitting)."""

    name = "rules"

    def identity(self) -> dict[str, str]:
        return {"method": "none"}

    def extract_batch(self, passages):
        return [Extraction(p.passage_id) for p in passages]

    def close(self) -> None:
        pass


CONFIGS = {
    "local, 1 worker": {"workers": 1},
    "local, 2 workers": {"workers": 2},
    "ray, 2 CPUs": {"engine": "ray"},
}


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (the local engine's workers and
    parse processes; not Ray's workers)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(corpus: Path, out: Path, extract: bool, **engine) -> tuple[float, float, int]:
    extractor = None if extract else NoCitations()
    started, cpu = time.perf_counter(), _cpu()
    run_index(corpus, out, Config(), show_progress=False, extractor=extractor, **engine)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    import pyarrow.parquet as pq

    pages = sum(
        p or 0
        for part in (out / "documents.parquet").glob("*.parquet")
        for p in pq.ParquetFile(part).read(columns=["pages"]).column("pages").to_pylist()
    )
    return seconds, cpu, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=32)
    parser.add_argument("--pages", type=int, default=64, help="pages per PDF")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args()
    import ray

    here = Path(__file__).resolve().parents[1]
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(here), os.environ.get("PYTHONPATH")])
    )
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    best: dict[tuple[str, bool], float] = {}
    cpu_of: dict[tuple[str, bool], float] = {}
    pages = 0
    with tempfile.TemporaryDirectory(prefix="cantobatch-engines-") as tmp:
        tmp = Path(tmp)
        make_long_pdf(tmp / "book.pdf", args.pages)
        corpus = tmp / "corpus"
        distinct_copies(tmp / "book.pdf", corpus, args.docs)
        run = 0
        for _ in range(args.rounds):
            for extract in (False, True):
                for name, engine in CONFIGS.items():
                    run += 1
                    seconds, cpu, pages = timed(corpus, tmp / f"out{run}", extract, **engine)
                    key = (name, extract)
                    if seconds < best.get(key, float("inf")):
                        best[key], cpu_of[key] = seconds, cpu
                    print(
                        f"  {name:<17} {'rules' if extract else 'ingest+split':<13} "
                        f"{seconds:6.2f}s  cpu {cpu:6.2f}s  load {os.getloadavg()[0]:.2f}",
                        file=sys.stderr,
                    )
    ray.shutdown()
    lines = [
        f"corpus: {args.docs} PDFs × {args.pages} pages = {pages} pages; {os.cpu_count()} cores "
        f"(load {os.getloadavg()[0]:.2f} at the end); best of {args.rounds} rounds",
        "",
        "| engine | ingest+split s (CPU s) | pages/s | × 1 worker | index (rules) s (CPU s) "
        "| pages/s | × 1 worker |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in CONFIGS:
        cells = []
        for extract in (False, True):
            s, base = best[(name, extract)], best[("local, 1 worker", extract)]
            cpu = "n/a" if name.startswith("ray") else f"{cpu_of[(name, extract)]:.1f}"
            cells += [f"{s:.2f} ({cpu})", f"{pages / s:.1f}", f"{base / s:.2f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for extract, what in ((False, "ingest+split"), (True, "index (rules)")):
        ray_s, local_s = best[("ray, 2 CPUs", extract)], best[("local, 2 workers", extract)]
        lines.append(
            f"Ray overhead vs local 2 workers, {what}: {100 * (ray_s / local_s - 1):+.1f}%"
        )
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
