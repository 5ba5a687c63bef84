"""The cascade (``[merge] policy = "cascade"``), measured side by side in one run.

    .venv/bin/python bench/cascade.py                 # recall, routed share, router cost
    .venv/bin/python bench/cascade.py --index         # + index: cascade vs the LLM on everything

1. **Router recall**: of the passages of training/hard.jsonl, training/test.jsonl and
   training/poundtech101.jsonl whose rules answer is not exactly right, the share the router
   sends to the LLM (goal >= 0.90), per set and overall, with the ones it misses.
2. **Routed share** on corpus passages (goal <= 0.20): the sample corpus (corpora/, ingested and
   split), the bench book (bench/ingest.py's generated PDF) and bench/rules.py's passages at its
   dense and sparse densities, with the reasons; and what the router costs beside the rules.
3. ``--index``: ``index`` of the same corpus (corpora/ and PDFs of bench/rules.py's dense text)
   with the cascade and with the LLM on every passage (``--llm-all``, policy ``grounded``), the
   small model of configs/cpu-smollm2.toml on the CPU, LLM cache off, each in a fresh process:
   LLM passages (goal >= 5x fewer) and wall-clock (goal >= 3x less).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cantobatch.config import Config  # noqa: E402
from cantobatch.data import Passage  # noqa: E402
from cantobatch.evaluate import canto_set, line_set  # noqa: E402
from cantobatch.examples import read_examples  # noqa: E402
from cantobatch.extract.cascade import CascadeExtractor  # noqa: E402
from cantobatch.extract.grammar.rules import RulesExtractor  # noqa: E402

RECALL_SETS = (
    REPO / "training" / "hard.jsonl",
    REPO / "training" / "test.jsonl",
    REPO / "training" / "poundtech101.jsonl",
)
CASCADE = Config(extractor="hybrid").with_overrides(merge={"policy": "cascade"})


class _NoLLM:
    """Stands in for the LLM where only the first stage (grammar + router) is measured."""

    name = "llm"

    def identity(self) -> dict[str, str]:
        return {"extractor": "llm", "method": "llm"}

    def extract_batch(self, passages):
        raise AssertionError("the first stage never calls the LLM")

    def close(self) -> None:
        pass


def first_stage():
    return CascadeExtractor(CASCADE, llm=_NoLLM())


def recall() -> None:
    print("## Router recall: passages whose rules answer is not exactly right, routed\n")
    print("| data | n | rules not exact | routed of those | recall | routed, all passages |")
    print("|---|---:|---:|---:|---:|---:|")
    cascade, missed = first_stage(), []
    total_wrong = total_hit = 0
    for path in RECALL_SETS:
        examples = read_examples(path, [])
        passages = [Passage.from_text(ex.text, passage_id=str(i)) for i, ex in enumerate(examples)]
        firsts = cascade.first_stage(passages)
        wrong = hit = 0
        for ex, first in zip(examples, firsts, strict=True):
            pred = [(r.canto, tuple(r.lines)) for r in first.references]
            exact = canto_set(pred) == canto_set(ex.references) and line_set(pred) == line_set(
                ex.references
            )
            if exact:
                continue
            wrong += 1
            if first.meta["routed"]:
                hit += 1
            else:
                missed.append((path.name, ex.id or f"line {ex.line_no}", ex.text))
        routed = sum(1 for f in firsts if f.meta["routed"])
        total_wrong, total_hit = total_wrong + wrong, total_hit + hit
        print(f"| {path.name} | {len(examples)} | {wrong} | {hit} | {hit / max(wrong, 1):.3f} "
              f"| {routed} ({routed / len(examples):.3f}) |")  # fmt: skip
    print(
        f"| **all three** | | {total_wrong} | {total_hit} | **{total_hit / total_wrong:.3f}** | |"
    )
    print("\nNot routed (rules not exactly right):\n")
    for name, ident, text in missed:
        print(f"- {name} {ident}: {text[:110]!r}")


def corpus_passages(root: Path) -> list[Passage]:
    from cantobatch.config import IngestConfig
    from cantobatch.ingest.discover import discover
    from cantobatch.ingest.reader import Reader
    from cantobatch.split import split_document

    with Reader(IngestConfig()) as reader:
        return [p for f in discover(root) for p in split_document(reader.read(f))]


def share(label: str, passages: list[Passage]) -> None:
    firsts = first_stage().first_stage(passages)
    reasons = Counter(f.meta["routed"] for f in firsts if f.meta["routed"])
    routed = sum(reasons.values())
    counts = ", ".join(f"{r} {n}" for r, n in reasons.most_common()) or "-"
    print(f"| {label} | {len(passages)} | {routed} | {routed / len(passages):.3f} | {counts} |")


def shares(args: argparse.Namespace) -> None:
    from ingest_bare import make_long_pdf
    from rules import make_passages

    print("\n## Routed share on corpus passages (goal <= 0.20)\n")
    print("| corpus | passages | routed | share | reasons |")
    print("|---|---:|---:|---:|---|")
    share("sample corpus (corpora/)", corpus_passages(REPO / "corpora"))
    with tempfile.TemporaryDirectory(prefix="cb-bench-cascade-") as tmp:
        make_long_pdf(Path(tmp) / "book.pdf", args.book_pages)
        share(f"bench book (bench/ingest.py, {args.book_pages} pages)", corpus_passages(Path(tmp)))
    for label, density in (("dense", 0.35), ("sparse", 0.02)):
        texts = make_passages(args.passages, density=density)
        passages = [Passage.from_text(t, passage_id=str(i)) for i, t in enumerate(texts)]
        share(f"bench/rules.py passages, {label} ({density})", passages)

    texts = make_passages(args.passages, density=0.35)
    passages = [Passage.from_text(t, passage_id=str(i)) for i, t in enumerate(texts)]
    rules, cascade = RulesExtractor(), first_stage()
    rules.extract_batch(passages[:20])
    cascade.first_stage(passages[:20])
    best = {"rules": float("inf"), "rules + router": float("inf")}
    for _ in range(3):
        for label, run in (
            ("rules", lambda: rules.extract_batch(passages)),
            ("rules + router", lambda: cascade.first_stage(passages)),
        ):
            start = time.perf_counter()
            run()
            best[label] = min(best[label], time.perf_counter() - start)
    print("\n| first stage, dense passages | passages/s |")
    print("|---|---:|")
    for label, seconds in best.items():
        print(f"| {label} | {len(passages) / seconds:,.0f} |")
    print(f"| router cost / rules cost | {best['rules + router'] / best['rules'] - 1:.2f} |")


INDEX_PROBE = """
import json, sys, time
from cantobatch.config import load_config
from cantobatch.pipeline import run_index

corpus, out, policy, config_path = sys.argv[1:]
config = load_config(config_path).with_overrides(
    extractor="hybrid", merge={"policy": policy}, llm={"cache": False}
)
start = time.perf_counter()
summary = run_index(corpus, out, config, show_progress=False)
print(json.dumps({
    "seconds": time.perf_counter() - start, "llm_passages": summary.llm_passages,
    "passages": summary.passages, "citations": summary.citations,
    "errors": summary.extraction_errors, "routed": dict(summary.routed),
}))
"""


def index_runs(args: argparse.Namespace) -> None:
    from rules import make_passages, make_pdf

    config = REPO / "configs" / "cpu-smollm2.toml"
    print(f"\n## index: cascade vs the LLM on every passage ({config.name}'s model, cache off)\n")
    with tempfile.TemporaryDirectory(prefix="cb-bench-cascade-index-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(REPO / "corpora", corpus)
        # ~2.4 passages a page: each PDF gets text enough that no page repeats another
        each = args.pdf_pages * 3
        texts = make_passages(each * args.pdfs, seed=11, density=0.35)
        for i in range(args.pdfs):
            part = texts[i * each : (i + 1) * each]
            make_pdf(corpus / f"bench_{i}.pdf", " ".join(part), args.pdf_pages)
        runs = {}
        for label, policy in (("cascade", "cascade"), ("LLM on every passage", "grounded")):
            out = Path(tmp) / f"out-{policy}"
            done = subprocess.run(
                [sys.executable, "-c", INDEX_PROBE, str(corpus), str(out), policy, str(config)],
                cwd=REPO, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                print(f"| {label} | failed: {done.stderr.strip().splitlines()[-1:]} |")
                return
            runs[label] = json.loads(done.stdout.strip().splitlines()[-1])
    print("| run | passages | LLM passages | citations | extraction errors | wall s |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in runs.items():
        print(f"| {label} | {r['passages']} | {r['llm_passages']} | {r['citations']} "
              f"| {r['errors']} | {r['seconds']:.1f} |")  # fmt: skip
    cascade, every = runs["cascade"], runs["LLM on every passage"]
    fewer = every["llm_passages"] / max(cascade["llm_passages"], 1)
    print(f"\nLLM passages, all / cascade: {fewer:.1f}x fewer (goal >= 5x); wall-clock, all / "
          f"cascade: {every['seconds'] / cascade['seconds']:.1f}x less (goal >= 3x)")  # fmt: skip
    routed = ", ".join(f"{k} {v}" for k, v in sorted(cascade["routed"].items())) or "-"
    print(f"cascade routes: {routed}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1000, help="bench/rules.py passages")
    parser.add_argument("--book-pages", type=int, default=100, help="pages of the bench book")
    parser.add_argument("--index", action="store_true", help="also the two index runs (minutes)")
    parser.add_argument("--pdfs", type=int, default=2, help="bench PDFs in the index corpus")
    parser.add_argument("--pdf-pages", type=int, default=60, help="pages of each bench PDF")
    args = parser.parse_args()
    recall()
    shares(args)
    if args.index:
        index_runs(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
