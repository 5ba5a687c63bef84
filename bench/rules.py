"""Rules-extractor benchmark: passages/s, and its cost per page beside ingest's, in one run.

    .venv/bin/python bench/rules.py [--passages 3000] [--pages 60]

Builds realistic passages (~1,500 chars, the default split size) from the project's labelled
sentences (training/*.jsonl) interleaved with citation-free scholarly prose, times
``RulesExtractor.extract_batch`` over them, then writes a PDF of the same prose (reportlab) and
times cantobatch's ingest (``Reader.read`` + ``split_document``) on it against the rules
extractor on the passages ingest produced, and the same on the project's sample PDFs
(corpora/pdf). Goal: rules cost under 10% of ingest time per page.
"""

from __future__ import annotations

import argparse
import json
import random
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
    rng = random.Random(seed)
    pool = sentences()
    passages = []
    for _ in range(n):
        parts: list[str] = []
        while sum(map(len, parts)) < 1500:
            parts.append(
                rng.choice(pool) if rng.random() < density else PROSE[: rng.randint(80, 500)]
            )
        passages.append(" ".join(parts)[:1500])
    return passages


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


def time_rules(passages) -> tuple[float, int]:
    from cantobatch.extract.rules import RulesExtractor

    extractor = RulesExtractor()
    extractor.extract_batch(passages[:20])  # warm the compiled patterns
    start = time.perf_counter()
    results = extractor.extract_batch(passages)
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(r.references) for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=60, help="pages of the PDF ingest reads")
    args = parser.parse_args()

    from cantobatch.data import Passage

    print("| measure | value |")
    print("|---|---|")
    for label, density in (
        ("dense: ~3 citing sentences a page", 0.35),
        ("sparse: ~1 in 3 pages", 0.02),
    ):
        texts = make_passages(args.passages, density=density)
        passages = [Passage.from_text(t, passage_id=str(i)) for i, t in enumerate(texts)]
        t_rules, n_refs = time_rules(passages)
        chars = sum(map(len, texts))
        rate = len(passages) / t_rules
        print(f"| rules, {label} ({n_refs} refs) | {rate:,.0f} passages/s |")
        print(f"| rules, {label}, per 2,000-char page | {t_rules / (chars / 2000) * 1000:.2f} ms |")
    texts = make_passages(args.passages)

    try:
        from cantobatch.config import IngestConfig
        from cantobatch.ingest import Reader, discover
        from cantobatch.split import split_document
    except ImportError as exc:
        print(f"| ingest comparison | needs cantobatch.ingest ({exc}) |")
        return
    with tempfile.TemporaryDirectory(prefix="cb-bench-rules-") as tmp:
        root = Path(tmp)
        make_pdf(root / "doc.pdf", " ".join(texts[:200]), args.pages)  # the dense text
        (file,) = list(discover(root))
        with Reader(IngestConfig()) as reader:
            reader.read(file)  # start the worker and warm the caches
            start = time.perf_counter()
            doc = reader.read(file)
            doc_passages = split_document(doc)
            t_ingest = time.perf_counter() - start
        t_doc_rules, _ = time_rules(doc_passages)
    pages = len(doc.pages)
    print(f"| ingest + split (dense PDF, {pages} pages) | {t_ingest / pages * 1000:.2f} ms/page |")
    print(f"| rules on those passages | {t_doc_rules / pages * 1000:.2f} ms/page |")
    print(f"| rules / ingest per page, dense (goal < 0.10) | {t_doc_rules / t_ingest:.3f} |")
    corpus = REPO / "corpora" / "pdf"
    if corpus.is_dir() and any(corpus.glob("*.pdf")):
        t_ingest, t_doc_rules, pages = 0.0, 0.0, 0
        with Reader(IngestConfig()) as reader:
            files = list(discover(corpus))
            reader.read(files[0])  # warm
            for file in files:
                start = time.perf_counter()
                doc = reader.read(file)
                doc_passages = split_document(doc)
                t_ingest += time.perf_counter() - start
                t_doc_rules += time_rules(doc_passages)[0]
                pages += len(doc.pages)
        print(
            f"| ingest + split (corpora/pdf, {pages} pages) | {t_ingest / pages * 1000:.2f} ms/page |"
        )
        print(f"| rules on those passages | {t_doc_rules / pages * 1000:.2f} ms/page |")
        print(
            f"| rules / ingest per page, corpora/pdf (goal < 0.10) | {t_doc_rules / t_ingest:.3f} |"
        )


if __name__ == "__main__":
    main()
