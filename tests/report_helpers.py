"""A large synthetic index, written straight into Parquet with the index's own schemas (seconds,
not an overnight run): for the report's size and responsiveness, and the readers' counts."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cantobatch.index import SCHEMAS
from cantobatch.references import to_roman

WORDS = (
    "the ideogram of light returns in the later sequence where the ledger and the lyric meet "
    "usury stands against the craft of the mason and the weaver while the periplum moves along "
    "the coast a voice from the camp records the names of the dead in the order of a register "
    "and the reader is asked to hold the documents beside the song"
).split()
# A citation density shaped like the scholarship: the Pisan Cantos, I, XLV and the Malatesta
# group far above the rest, a long tail, and some cantos never cited.
HOT = {1: 40, 2: 12, 4: 10, 8: 15, 9: 18, 13: 14, 17: 12, 45: 35, 47: 20, 49: 15, 74: 60, 76: 25,
       79: 18, 80: 22, 81: 45, 83: 20, 116: 20}  # fmt: skip
NEVER = {19, 29, 33, 35, 66, 72, 73, 103, 118, 119}
FAILED = ("needs_password", "corrupt", "no_text", "timeout", "too_many_pages", "unsupported")


def _weights() -> list[float]:
    return [0.0 if c in NEVER else HOT.get(c, 1.0 + (c % 7) / 3) for c in range(1, 121)]


def write_synthetic_index(out: Path, citations: int = 100_000, seed: int = 0) -> dict[str, int]:
    """An index folder with about ``citations`` rows in citations.parquet (exactly that many)."""
    rng = random.Random(seed)
    weights = _weights()
    cantos = list(range(1, 121))
    docs, passages, cites = _columns(SCHEMAS["documents"]), _columns(SCHEMAS["passages"]), None
    cites = _columns(SCHEMAS["citations"])
    rows = doc_no = 0
    while rows < citations:
        doc_id = f"{doc_no:064x}"
        source = (
            f"{['pdf', 'html', 'text'][doc_no % 3]}/{rng.choice(WORDS)}_{doc_no:05d}."
            + (["pdf", "html", "txt"][doc_no % 3])
        )
        n_passages = rng.randint(8, 40)
        _add(docs, doc_id=doc_id, source=source, kind=["pdf", "html", "text"][doc_no % 3],
             status="ok", bytes=rng.randint(10_000, 900_000), pages=n_passages // 3 + 1,
             passages=n_passages, chars=n_passages * 500, title=f"Essay {doc_no} on the Cantos",
             reader="pypdfium2", ingest_id="synthetic")  # fmt: skip
        for seq in range(n_passages):
            passage_id = f"{doc_no:08x}{seq:08x}"
            words = [rng.choice(WORDS) for _ in range(rng.randint(40, 90))]
            refs = []
            if rng.random() < 0.6 and rows < citations:
                for canto in set(rng.choices(cantos, weights, k=rng.randint(1, 4))):
                    at = rng.randint(0, len(words))
                    evidence = f"Canto {to_roman(canto)}"
                    words.insert(at, evidence)
                    refs.append((canto, evidence))
            text = " ".join(words) + "."
            text = text[0].upper() + text[1:]
            page = seq // 3 + 1
            _add(passages, passage_id=passage_id, doc_id=doc_id, source=source, seq=seq,
                 page=page, page_label=str(page + 100), char_start=seq * 500,
                 char_end=seq * 500 + len(text), text=text, ingest_id="synthetic")  # fmt: skip
            for canto, evidence in refs:
                start = re.search(rf"\b{evidence}\b", text).start()
                lines = [None] if rng.random() < 0.6 else list(range(rng.randint(1, 60), 70))[:4]
                for line in lines:
                    if rows >= citations:
                        break
                    _add(cites, passage_id=passage_id, doc_id=doc_id, source=source, page=page,
                         page_label=str(page + 100), canto=canto, line=line, line_cited=line,
                         evidence_start=start, evidence_end=start + len(evidence),
                         evidence=evidence, method="rules" if rng.random() < 0.85 else "rules+llm",
                         family="roman", score=1.0, extractor="rules", run_id="synthetic")  # fmt: skip
                    rows += 1
        doc_no += 1
    for k, status in enumerate(FAILED * 3):
        _add(docs, doc_id=f"f{k:063x}", source=f"pdf/unreadable_{k:02d}.pdf", kind="pdf",
             status=status, error=f"{status.replace('_', ' ')}: synthetic failure {k}",
             bytes=1000, passages=0, chars=0, ingest_id="synthetic")  # fmt: skip
    _write(out, "documents", docs)
    _write(out, "passages", passages)
    _write(out, "citations", cites, parts=4)
    (out / "_state").mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps({"documents": len(docs["doc_id"])}))
    return {"documents": len(docs["doc_id"]), "passages": len(passages["passage_id"]), "rows": rows}


def _columns(schema: pa.Schema) -> dict[str, list]:
    return {name: [] for name in schema.names}


def _add(columns: dict[str, list], **values) -> None:
    for name, column in columns.items():
        column.append(values.get(name))


def _write(out: Path, table: str, columns: dict[str, list], parts: int = 1) -> None:
    directory = out / f"{table}.parquet"
    directory.mkdir(parents=True, exist_ok=True)
    whole = pa.table(columns, schema=SCHEMAS[table])
    step = -(-whole.num_rows // parts)
    for k in range(parts):
        pq.write_table(whole.slice(k * step, step), directory / f"part{k}.parquet")


FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
KENNER = (
    "Kenner reads the whole of Canto LXXIV as elegy; see ll. 1-3 of it.\n\n"
    "The Usura Canto is the sermon of the poem, and Canto XLV, ll. 1-4, its refrain."
)


def small_corpus(root: Path) -> Path:
    """A PDF with printed page labels, a text file citing lines, and two files that cannot be
    read (an encrypted PDF, an empty file)."""
    import shutil

    (root / "notes").mkdir(parents=True)
    shutil.copy(FIXTURES / "ledgers.pdf", root / "ledgers.pdf")
    shutil.copy(FIXTURES / "user_password.pdf", root / "user_password.pdf")
    (root / "notes" / "kenner.txt").write_text(KENNER, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def index_small_corpus(tmp: Path) -> Path:
    """`cantobatch index` (the rules) on :func:`small_corpus`; returns the output folder."""
    from click.testing import CliRunner

    from cantobatch.cli import cli

    out = tmp / "out"
    result = CliRunner().invoke(
        cli, ["index", str(small_corpus(tmp / "corpus")), "-o", str(out), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return out
