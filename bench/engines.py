"""Engines benchmark, side by side in one run on the same PDFs (issue #14):

1. ingest+split pages/s: local 1 worker, local 2 workers (goal ≥ 1.6× one worker on 2 cores),
   Ray on this machine (2 CPUs) — with an extractor that returns nothing, so reading and
   splitting are what is timed;
2. the whole `index` run with rules, the same three ways;
3. Ray's overhead against the local engine with the same parallelism (goal ≤ 15%, ≥ 500 pages).

Every configuration writes a fresh output folder; the rounds interleave the configurations so a
busy machine slows them alike; the best round of each is reported (ray.init is outside the
timing: a cluster is started once, not per run). Each local run is a fresh Python process, as
`cantobatch index` is, timed from run_index on (its imports are not). "ray, 2 CPUs" runs in this
process's Ray job, whose worker processes stay from run to run (imports done, a Reader each, the
extractor built), as in a notebook (an untimed run on 4 documents starts them first); "ray, new job" is a fresh driver
process connecting to a cluster (a new one, started after the other rounds, that has run one
untimed new job), timed from run_index on, as `cantobatch index --engine ray --ray-address auto`
is: its job's worker processes start cold. Before each new job the bench pauses (untimed) while
the workers of the job before it exit, as on a cluster that no other job is using.

    .venv/bin/python bench/engines.py [--docs 32] [--pages 64] [--rounds 2] [--out FILE.md]
    .venv/bin/python bench/engines.py --docs 512   # 32,768 pages, each run's start amortised: ~17 min
    .venv/bin/python bench/engines.py --workers 1,2,4,8,16 --no-ray   # on a machine of 16 cores
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
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


def configs(workers: list[int], ray: bool) -> dict[str, dict]:
    """The engines to compare: the local engine with each number of workers, then Ray."""
    found = {f"local, {n} worker{'s' if n > 1 else ''}": {"workers": n} for n in workers}
    if ray:
        found["ray, 2 CPUs"] = {"engine": "ray"}
        found["ray, new job"] = {"engine": "ray", "new_job": True}
    return found


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (the local engine's workers and
    parse processes; not Ray's workers)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(
    corpus: Path, out: Path, extract: bool, new_job: bool = False, **engine
) -> tuple[float, float, int]:
    """(seconds, CPU seconds, pages) of one run. The local engine runs in a fresh process, as the
    CLI does: in this long-lived one (Ray, Ray Data and pandas imported, the earlier runs'
    objects), the one-worker engine, which extracts in the driver, was slower (rules, 32,768
    pages: 100.7-123.4 s, against 88.9 s in a fresh process), flattering the workers. Ray's
    started job runs here: keeping its workers from run to run is the point of it."""
    if new_job:
        import ray

        address = ray.get_runtime_context().gcs_address
        seconds, cpu = _in_new_process(["--new-job", address], corpus, out, extract)
    elif engine.get("engine", "local") == "local":
        seconds, cpu = _in_new_process(["--local", str(engine["workers"])], corpus, out, extract)
    else:
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


def _in_new_process(mode: list[str], corpus: Path, out: Path, extract: bool) -> tuple[float, float]:
    """(seconds, CPU seconds) of run_index in a new Python process running this script in ``mode``:
    ``--local N`` (the local engine with N workers; CPU: the process and its workers) or
    ``--new-job ADDRESS`` (a new Ray job on that cluster; CPU not measured: nan)."""
    command = [sys.executable, __file__, *mode, str(corpus), str(out)]
    done = subprocess.run(
        command + (["--rules"] if extract else []), capture_output=True, text=True, check=True
    )
    seconds, cpu = done.stdout.split()[-2:]
    return float(seconds), float(cpu)


def local_run(workers: int, corpus: Path, out: Path, extract: bool) -> None:
    """One local run in this (new) process: print its seconds and CPU seconds."""
    extractor = None if extract else NoCitations()
    started, cpu = time.perf_counter(), _cpu()
    run_index(corpus, out, Config(), show_progress=False, extractor=extractor, workers=workers)
    print(time.perf_counter() - started, _cpu() - cpu)


# Untimed, before each new job: a finished job's workers are killed when its driver exits (traced:
# within 0.3 s), and their teardown (Python's, with pandas, pyarrow and a Reader: ~0.4 s of CPU
# each) would otherwise run inside the next timed job, which a CLI run on an otherwise idle
# cluster does not pay.
SETTLE_S = 3.0


def new_job(address: str, corpus: Path, out: Path, extract: bool) -> None:
    """A new driver: connect (not timed), then print the seconds of run_index."""
    import ray

    ray.init(address=address, log_to_driver=False)
    extractor = None if extract else NoCitations()
    started = time.perf_counter()
    run_index(corpus, out, Config(), show_progress=False, extractor=extractor, engine="ray")
    print(time.perf_counter() - started, float("nan"))
    ray.shutdown()


def main() -> int:
    if sys.argv[1:2] == ["--new-job"]:
        address, corpus, out = sys.argv[2:5]
        new_job(address, Path(corpus), Path(out), "--rules" in sys.argv)
        return 0
    if sys.argv[1:2] == ["--local"]:
        workers, corpus, out = sys.argv[2:5]
        local_run(int(workers), Path(corpus), Path(out), "--rules" in sys.argv)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=32)
    parser.add_argument("--pages", type=int, default=64, help="pages per PDF")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    parser.add_argument(
        "--workers", default="1,2", help="the local engine's worker counts, e.g. 1,2,4,8,16"
    )
    parser.add_argument("--no-ray", action="store_true", help="the local engine only")
    args = parser.parse_args()
    workers = sorted({int(n) for n in args.workers.split(",")} | {1})
    engines = configs(workers, ray=not args.no_ray)
    here = Path(__file__).resolve().parents[1]
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(here), os.environ.get("PYTHONPATH")])
    )
    if not args.no_ray:
        import ray

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
        if not args.no_ray:  # this job's workers started, as in a session that has run before
            distinct_copies(tmp / "book.pdf", tmp / "warm", 4)
            for extract in (False, True):
                timed(tmp / "warm", tmp / f"warm-out{extract}", extract, engine="ray")
        # A new job's worker processes displace the idle ones of this process's job: the new
        # jobs run after every round of the others, so that "ray, 2 CPUs" keeps its workers.
        plan = [
            [n for n in engines if "new_job" not in engines[n]],
            [n for n in engines if "new_job" in engines[n]],
        ]
        for phase, names in enumerate(plan):
            if phase and names:
                # A new cluster for the new jobs: this process's job keeps its started workers
                # (Readers, extractors, ray.data) on the old one, which a new job's workers
                # would displace, paying their teardown inside its timing.
                ray.shutdown()
                ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
                # Untimed: the cluster's first Ray Data job starts Ray Data's two detached
                # actors (stats, autoscaling coordinator: ~1 s of CPU each, once a cluster)
                timed(tmp / "warm", tmp / "warm-new-job", False, new_job=True)
            for _ in range(args.rounds):
                for extract in (False, True):
                    for name in names:
                        if "new_job" in engines[name]:
                            time.sleep(SETTLE_S)
                        run += 1
                        seconds, cpu, pages = timed(
                            corpus, tmp / f"out{run}", extract, **engines[name]
                        )
                        key = (name, extract)
                        if seconds < best.get(key, float("inf")):
                            best[key], cpu_of[key] = seconds, cpu
                        print(
                            f"  {name:<17} {'rules' if extract else 'ingest+split':<13} "
                            f"{seconds:6.2f}s  cpu {cpu:6.2f}s  load {os.getloadavg()[0]:.2f}",
                            file=sys.stderr,
                        )
    if not args.no_ray:
        ray.shutdown()
    lines = [
        f"corpus: {args.docs} PDFs × {args.pages} pages = {pages} pages; {os.cpu_count()} cores "
        f"(load {os.getloadavg()[0]:.2f} at the end); best of {args.rounds} rounds",
        "",
        "| engine | ingest+split s (CPU s) | pages/s | × 1 worker | index (rules) s (CPU s) "
        "| pages/s | × 1 worker |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in engines:
        cells = []
        for extract in (False, True):
            s, base = best[(name, extract)], best[("local, 1 worker", extract)]
            cpu = "n/a" if name.startswith("ray") else f"{cpu_of[(name, extract)]:.1f}"
            cells += [f"{s:.2f} ({cpu})", f"{pages / s:.1f}", f"{base / s:.2f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for extract, what in ((False, "ingest+split"), (True, "index (rules)")):
        if args.no_ray or 2 not in workers:
            break
        local_s = best[("local, 2 workers", extract)]
        for name in ("ray, 2 CPUs", "ray, new job"):
            lines.append(
                f"{name} overhead vs local 2 workers, {what}: "
                f"{100 * (best[(name, extract)] / local_s - 1):+.1f}%"
            )
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
