"""Rules-extractor benchmark: passages/s, and its cost per page beside ingest's, in one run.

    .venv/bin/python bench/rules.py [--passages 3000] [--pages 240]

Builds realistic passages (~1,500 chars, the default split size) from the project's labelled
sentences (training/*.jsonl) interleaved with citation-free scholarly prose, times
``RulesExtractor.extract_batch`` over them, then writes a PDF of the same prose (reportlab) and
times cantobatch's ingest (``Reader.read`` + ``split_document``) on it against the rules
extractor on the passages ingest produced, and the same on the project's sample PDFs
(corpora/pdf). Goal: rules cost under 10% of ingest time per page. First, in a fresh
interpreter, what importing the grammar and its first use cost (patterns compile on first use).
Last, whole ``index`` runs on copies of the dense PDF, with the rules and with an extractor that
finds nothing, alternating: what the rules add to the run's wall-clock (the worker parses the next
file while the rules read the last one) and to its CPU time.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROSE = (
    "The poem moves by juxtaposition rather than argument, and the reader who expects a story "
    "finds instead a field of voices, documents and remembered scenes. Kenner called this the "
    "ideogrammic method; later critics have preferred to speak of collage, or of a poetics of "
    "citation in which the source is never quite absorbed. Pound's letters of the period show "
    "him reading economic history, Chinese chronicles and the correspondence of the American "
    "founders with the same appetite, and the drafts keep the marks of that reading. "
)


def sentences() -> list[str]:
    out = []
    for name in ("dev.jsonl", "train.jsonl"):
        path = REPO / "training" / name
        if path.exists():
            out += [json.loads(line)["input"] for line in path.read_text("utf-8").splitlines()]
    return out or ["Canto XLV, ll. 1-10 is the usura litany; compare LXXXI/520."]


def make_passages(n: int, seed: int = 0, density: float = 0.35) -> list[str]:
    """~1,500-char passages; ``density`` is the share of parts that are labelled sentences."""
    return make_counted_passages(n, seed, density)[0]


def make_counted_passages(n: int, seed: int = 0, density: float = 0.35) -> tuple[list[str], int]:
    """``make_passages`` and how many labelled (citing or distractor) sentences went in."""
    rng = random.Random(seed)
    pool = sentences()
    passages, labelled = [], 0
    for _ in range(n):
        parts: list[str] = []
        while sum(map(len, parts)) < 1500:
            if rng.random() < density:
                parts.append(rng.choice(pool))
                labelled += 1
            else:
                parts.append(PROSE[: rng.randint(80, 500)])
        passages.append(" ".join(parts)[:1500])
    return passages, labelled


def make_pdf(path: Path, text: str, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    words, c = text.split(), canvas.Canvas(str(path), pagesize=A4, invariant=1)
    i = 0
    for _ in range(pages):
        c.setFont("Times-Roman", 11)
        for y in range(770, 70, -14):
            line = " ".join(words[(i + k) % len(words)] for k in range(12))
            i += 12
            c.drawString(72, y, line)
        c.showPage()
    c.save()


def _worker_cpu_s(reader) -> float:
    sys.path.insert(0, str(REPO / "bench"))
    from ingest_bare import _worker_cpu_s as worker_cpu_s

    return worker_cpu_s(reader)


def timed(fn, repeat: int, reader=None):
    """(wall s, CPU s, result) of ``fn()`` over ``repeat`` runs: the fastest wall-clock, the mean
    CPU (this process and the Reader's worker, whose /proc clock ticks every 10 ms: a mean of
    several runs, not the luckiest). CPU is far less sensitive to a loaded machine."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        cpu = time.process_time() + (_worker_cpu_s(reader) if reader else 0.0)
        start = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() + (_worker_cpu_s(reader) if reader else 0.0) - cpu)
    return min(walls), sum(cpus) / len(cpus), result


def time_rules(passages, repeat: int):
    from cantobatch.extract.grammar.rules import RulesExtractor

    extractor = RulesExtractor()
    extractor.extract_batch(passages[:20])  # compile the patterns first
    wall, cpu, results = timed(lambda: extractor.extract_batch(passages), repeat)
    return wall, cpu, sum(len(r.references) for r in results)


def row(label: str, wall: float, cpu: float, unit: str = " ms/page") -> None:
    digits = ",.0f" if wall >= 100 else ".2f"
    print(f"| {label} | {wall:{digits}}{unit} | {cpu:{digits}}{unit} |")


INDEX_PROBE = """
import json, resource, sys, time
from cantobatch.config import Config
from cantobatch.data import Extraction
from cantobatch.pipeline import run_index


class Nothing:
    name = "nothing"

    def identity(self):
        return {"extractor": "nothing"}

    def extract_batch(self, passages):
        return [Extraction(p.passage_id, method="nothing") for p in passages]

    def close(self):
        pass


corpus, out, which = sys.argv[1:]
start = time.perf_counter()
run_index(corpus, out, Config(), extractor=None if which == "rules" else Nothing(),
          show_progress=False)
wall = time.perf_counter() - start
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps([wall, sum(u.ru_utime + u.ru_stime for u in usage)]))
"""


def index_runs(corpus: Path, rounds: int) -> dict[str, tuple[float, float]]:
    """(best wall s, mean CPU s incl. the parse worker) of a fresh-process ``index`` of
    ``corpus``, with the rules and with an extractor that finds nothing, alternating."""
    seen: dict[str, list[tuple[float, float]]] = {"rules": [], "nothing": []}
    for _ in range(rounds):
        for which in seen:
            with tempfile.TemporaryDirectory(prefix="cb-bench-index-") as out:
                done = subprocess.run(
                    [sys.executable, "-c", INDEX_PROBE, str(corpus), out, which],
                    cwd=REPO, capture_output=True, text=True, check=True,
                )  # fmt: skip
            seen[which].append(tuple(json.loads(done.stdout)))
    return {
        which: (min(w for w, _ in runs), sum(c for _, c in runs) / len(runs))
        for which, runs in seen.items()
    }


IMPORT_PROBE = """
import json, time
t0 = time.perf_counter()
import cantobatch.data
t1 = time.perf_counter()
import cantobatch.extract.grammar.rules as rules
t2 = time.perf_counter()
rules.RulesExtractor().identity()
t3 = time.perf_counter()
rules.extract_references("Canto IX, ll. 1-28, and the first Pisan canto (LXXIV/425)")
t4 = time.perf_counter()
from cantobatch.extract.grammar.patterns import group_name_patterns, group_patterns
try:
    from cantobatch.extract.grammar.patterns import rx
    rx.compile_all()
except ImportError:  # a grammar from before lazy compilation, timed for comparison
    pass
group_patterns(), group_name_patterns()
t5 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]))
"""


def import_costs() -> list[float]:
    """Seconds, in a fresh interpreter: importing cantobatch.data (the package's own start-up),
    then cantobatch.extract.grammar.rules on top, RulesExtractor().identity(), the first extraction
    (it compiles the patterns it needs), and compiling all the others."""
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=240, help="pages of the PDF ingest reads")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts")
    parser.add_argument(
        "--index-copies", type=int, default=4, help="copies of the dense PDF the index runs read"
    )
    args = parser.parse_args()

    from cantobatch.data import Passage

    print("| measure | value |")
    print("|---|---|")
    package, rules_import, identity, first, rest = import_costs()
    print(f"| import cantobatch.data (package start-up) | {package * 1000:.0f} ms |")
    print(f"| then import cantobatch.extract.grammar.rules | {rules_import * 1000:.1f} ms |")
    print(f"| RulesExtractor().identity() | {identity * 1000:.1f} ms |")
    print(f"| first extraction (compiles the patterns it needs) | {first * 1000:.0f} ms |")
    print(f"| compiling all other patterns | {rest * 1000:.0f} ms |")
    print()
    print("| measure | wall-clock | CPU |")
    print("|---|---|---|")
    for label, density in (
        ("dense: ~3 citing sentences a page", 0.35),
        ("sparse: ~1 in 3 pages", 0.02),
    ):
        texts = make_passages(args.passages, density=density)
        passages = [Passage.from_text(t, passage_id=str(i)) for i, t in enumerate(texts)]
        wall, cpu, n_refs = time_rules(passages, args.repeat)
        pages = sum(map(len, texts)) / 2000
        row(f"rules, {label} ({n_refs} refs), passages/s", len(passages) / wall,
            len(passages) / cpu, "")  # fmt: skip
        row(f"rules, {label}, per 2,000-char page", wall / pages * 1000, cpu / pages * 1000)
    texts = make_passages(args.passages)

    try:
        from cantobatch.config import IngestConfig
        from cantobatch.ingest.discover import discover
        from cantobatch.ingest.reader import Reader
        from cantobatch.split import split_document
    except ImportError as exc:
        print(f"| ingest comparison | needs cantobatch.ingest ({exc}) | |")
        return

    def compare(label: str, files: list, reader) -> float:
        """Prints ingest beside the rules on ``files``; returns ingest's CPU s per 2,000 chars."""

        def ingest() -> list:
            return [p for f in files for p in split_document(reader.read(f))]

        reader.read(files[0])  # start the worker and warm the caches
        i_wall, i_cpu, doc_passages = timed(ingest, args.repeat, reader)
        pages = sum(len(reader.read(f).pages) for f in files)
        r_wall, r_cpu, _ = time_rules(doc_passages, args.repeat)
        row(f"ingest + split ({label}, {pages} pages)", i_wall / pages * 1000, i_cpu / pages * 1000)
        row("rules on those passages", r_wall / pages * 1000, r_cpu / pages * 1000)
        row(f"rules / ingest per page, {label} (goal < 0.10)", r_wall / i_wall, r_cpu / i_cpu, "")
        return i_cpu / sum(len(p.text) for p in doc_passages) * 2000

    with tempfile.TemporaryDirectory(prefix="cb-bench-rules-") as tmp:
        root = Path(tmp)
        make_pdf(root / "doc.pdf", " ".join(texts[: args.pages * 3]), args.pages)  # the dense text
        with Reader(IngestConfig()) as reader:
            ingest_cpu_per_page = compare("dense PDF", list(discover(root)), reader)
        sys.path.insert(0, str(REPO / "bench"))
        from ingest import distinct_copies  # bench/ingest.py: copies with distinct bytes

        distinct_copies(root / "doc.pdf", root / "corpus", args.index_copies)
        runs = index_runs(root / "corpus", args.repeat)
    pages = args.pages * args.index_copies
    (rw, rc), (nw, nc) = runs["rules"], runs["nothing"]
    label = f"index, {args.index_copies} copies of the dense PDF ({pages} pages)"
    row(f"{label}, no extractor", nw / pages * 1000, nc / pages * 1000)
    row(f"{label}, rules", rw / pages * 1000, rc / pages * 1000)
    row("index: (rules − no extractor) / no extractor", (rw - nw) / nw, (rc - nc) / nc, "")
    corpus = REPO / "corpora" / "pdf"
    if corpus.is_dir() and any(corpus.glob("*.pdf")):
        with Reader(IngestConfig()) as reader:
            compare("corpora/pdf", list(discover(corpus)), reader)
    density_sweep(ingest_cpu_per_page, args)


def density_sweep(ingest_cpu_per_page: float, args: argparse.Namespace) -> None:
    """The rules' CPU per 2,000-char page against how many labelled sentences (citations and
    distractors) a page holds, beside ingest's CPU per 2,000-char page of the dense PDF (which
    does not depend on what the text says): where the goal holds, and where it stops holding."""
    from cantobatch.data import Passage

    print()
    print("| labelled sentences per 2,000-char page | rules CPU | rules / ingest (goal < 0.10) |")
    print("|---|---|---|")
    points = []
    for density in (0.0, 0.02, 0.05, 0.1, 0.2, 0.35):
        texts, labelled = make_counted_passages(args.passages // 2, seed=7, density=density)
        passages = [Passage.from_text(t, passage_id=str(i)) for i, t in enumerate(texts)]
        _, cpu, _ = time_rules(passages, args.repeat)
        pages = sum(map(len, texts)) / 2000
        per_page, per_page_sentences = cpu / pages, labelled / pages
        points.append((per_page_sentences, per_page))
        print(f"| {per_page_sentences:.2f} | {per_page * 1000:.3f} ms/page | "
              f"{per_page / ingest_cpu_per_page:.3f} |")  # fmt: skip
    # least squares: rules CPU per page = fixed + each × labelled sentences
    n = len(points)
    mean_x, mean_y = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    each = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum(
        (x - mean_x) ** 2 for x, _ in points
    )
    fixed = mean_y - each * mean_x
    print(f"| fit: {fixed * 1000:.3f} ms/page + {each * 1e6:.0f} µs per labelled sentence | "
          f"ingest {ingest_cpu_per_page * 1000:.3f} ms/page | goal holds up to "
          f"{(0.10 * ingest_cpu_per_page - fixed) / each:.2f} labelled sentences a page |")  # fmt: skip


if __name__ == "__main__":
    main()
