"""The Parquet citation index: explicit schemas, atomic part writers, and readers for pandas.

Each table is a directory of parts (``OUT/citations.parquet/<unit>.parquet``), so that
``pandas.read_parquet(OUT / "citations.parquet")`` reads it in one call. Parts are named by the
content hash of the unit that wrote them, written to a temp name and renamed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cantobatch.data import Document, Extraction, Passage

SCHEMA_VERSION = 2
TABLES = ("documents", "passages", "citations")  # the index proper; "errors" lists failed passages

_META = {b"cantobatch.schema_version": str(SCHEMA_VERSION).encode()}
_dict_str = pa.dictionary(pa.int32(), pa.string())

DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),  # sha256 of the file's bytes
        pa.field("source", pa.string(), nullable=False),  # path relative to the corpus root
        pa.field("kind", _dict_str),  # pdf, html, text, unknown
        pa.field("status", _dict_str, nullable=False),  # ok, corrupt, needs_password, ...
        pa.field("error", pa.string()),
        pa.field("bytes", pa.int64()),
        pa.field("pages", pa.int32()),
        pa.field("passages", pa.int32()),
        pa.field("chars", pa.int64()),
        pa.field("title", pa.string()),
        pa.field("reader", _dict_str),  # pypdfium2, pypdf, lxml, html.parser, text
        pa.field("encoding", pa.string()),
        pa.field("furniture_lines", pa.int32()),  # PDF running heads/folios removed
        pa.field("authors", pa.list_(pa.string())),
        pa.field("year", pa.int16()),
        pa.field("container", pa.string()),  # journal, book, proceedings, site
        pa.field("doi", pa.string()),
        pa.field("url", pa.string()),
        pa.field("meta_source", pa.string()),  # "highwire:title,authors; open-graph:url"
        pa.field("run_id", pa.string()),  # hash of the ingest/split settings that produced the row
    ],
    metadata=_META,
)

PASSAGES_SCHEMA = pa.schema(
    [
        pa.field("passage_id", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("seq", pa.int32()),  # position of the passage in its document
        pa.field("page", pa.int32()),  # physical page (PDF), null for HTML/text
        pa.field("page_label", pa.string()),  # printed page label, when the PDF has one
        pa.field("char_start", pa.int64()),  # offsets into the document's text
        pa.field("char_end", pa.int64()),
        pa.field("text", pa.string()),
        pa.field("run_id", pa.string()),
        pa.field("region", _dict_str),  # body, footnote
    ],
    metadata=_META,
)

CITATIONS_SCHEMA = pa.schema(
    [
        pa.field("passage_id", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("page", pa.int32()),
        pa.field("page_label", pa.string()),
        pa.field("canto", pa.int8(), nullable=False),  # 1..120
        pa.field(
            "line", pa.int16()
        ),  # null: the canto as a whole; absolute when the poem text is known
        pa.field("line_cited", pa.int16()),  # the line as cited: -1 is the last line
        pa.field("line_flag", pa.string()),  # e.g. "out_of_range" when past the canto's end
        pa.field("cited_page", pa.string()),  # "445" in "74/445"
        pa.field("evidence_start", pa.int32()),  # char offsets into the passage text
        pa.field("evidence_end", pa.int32()),
        pa.field("evidence", pa.string()),
        pa.field("method", _dict_str, nullable=False),  # rules, llm, quote, rules+llm, ...
        pa.field("family", _dict_str),  # grammar family: roman, arabic, group, page, quote, ...
        pa.field("score", pa.float32()),
        pa.field(
            "extractor", _dict_str
        ),  # extractor name as configured (rules, llm, hybrid, quote)
        pa.field("model", pa.string()),
        pa.field("adapter", pa.string()),
        pa.field("prompt_format", pa.string()),
        pa.field("prompt_hash", pa.string()),
        pa.field("run_id", pa.string()),  # hash of ingest/split settings + extractor identity
    ],
    metadata=_META,
)

ERRORS_SCHEMA = pa.schema(
    [
        pa.field("passage_id", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("method", _dict_str),
        pa.field("error", pa.string()),  # why extraction failed for this passage
        pa.field("run_id", pa.string()),
    ],
    metadata=_META,
)

SCHEMAS = {
    "documents": DOCUMENTS_SCHEMA,
    "passages": PASSAGES_SCHEMA,
    "citations": CITATIONS_SCHEMA,
    "errors": ERRORS_SCHEMA,
}
ALL_TABLES = tuple(SCHEMAS)


def document_row(doc: Document, n_passages: int, run_id: str) -> dict[str, Any]:
    bib = doc.bib
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "kind": doc.kind,
        "status": doc.status,
        "error": doc.error,
        "bytes": doc.bytes,
        "pages": len(doc.pages) if doc.pages else None,
        "passages": n_passages,
        "chars": len(doc.text),
        "title": bib.title if bib is not None and bib.title else doc.title,
        "reader": doc.extractor,
        "encoding": doc.encoding,
        "furniture_lines": doc.furniture_lines,
        "authors": list(bib.authors) if bib is not None and bib.authors else None,
        "year": bib.year if bib is not None else None,
        "container": bib.container if bib is not None else None,
        "doi": bib.doi if bib is not None else None,
        "url": bib.url if bib is not None else None,
        "meta_source": bib.source if bib is not None else None,
        "run_id": run_id,
    }


def passage_rows(passages: Iterable[Passage], run_id: str) -> list[dict[str, Any]]:
    return [
        {
            "passage_id": p.passage_id,
            "doc_id": p.doc_id,
            "source": p.source,
            "seq": p.seq,
            "page": p.page,
            "page_label": p.page_label,
            "char_start": p.char_start,
            "char_end": p.char_end,
            "text": p.text,
            "run_id": run_id,
            "region": p.region,
        }
        for p in passages
    ]


def citation_rows(
    passage: Passage, extraction: Extraction, identity: dict[str, str], run_id: str
) -> list[dict[str, Any]]:
    """One row per (reference, line); a whole-canto reference gives one row with a null line."""
    rows = []
    base = {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "source": passage.source,
        "page": passage.page,
        "page_label": passage.page_label,
        "extractor": identity.get("extractor"),
        "model": identity.get("model"),
        "adapter": identity.get("adapter"),
        "prompt_format": identity.get("prompt_format"),
        "prompt_hash": identity.get("prompt_hash"),
        "run_id": run_id,
    }
    for ref in extraction.references:
        common = {
            **base,
            "canto": ref.canto,
            "cited_page": ref.cited_page,
            "evidence_start": ref.evidence_start,
            "evidence_end": ref.evidence_end,
            "evidence": ref.evidence,
            "method": ref.method,
            "family": ref.family,
            "score": ref.score,
        }
        if not ref.lines:
            rows.append({**common, "line": None, "line_cited": None, "line_flag": _flag(ref)})
            continue
        absolute = ref.absolute_lines if ref.absolute_lines is not None else ref.lines
        for cited, line in zip(ref.lines, absolute, strict=True):
            rows.append(
                {**common, "line": line, "line_cited": cited, "line_flag": _flag(ref, line)}
            )
    return rows


def _flag(ref, line: int | None = None) -> str | None:
    # Flags name the lines they concern as "flag:line"; a bare flag concerns the whole reference.
    mine = [
        f.split(":", 1)[0] for f in ref.flags if ":" not in f or f.split(":", 1)[1] == str(line)
    ]
    return ",".join(sorted(set(mine))) or None


def to_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=schema)


def write_part(
    out_dir: Path, table_name: str, part_name: str, rows: Sequence[dict[str, Any]]
) -> Path:
    """Write one part of a table atomically: temp file in the same directory, fsync, rename."""
    directory = Path(out_dir) / f"{table_name}.parquet"
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{part_name}.parquet"
    tmp = directory / f".{part_name}.parquet.tmp-{os.getpid()}"
    table = to_table(rows, SCHEMAS[table_name])
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)
    return final


def read_table(out_dir: str | Path, table_name: str) -> pa.Table:
    """Read a whole table (all parts) with its declared schema; empty table if nothing written."""
    directory = Path(out_dir) / f"{table_name}.parquet"
    schema = SCHEMAS[table_name]
    if not directory.exists() or not any(directory.glob("*.parquet")):
        return schema.empty_table()
    return pq.read_table(directory, schema=schema)


def count_rows(out_dir: str | Path, table_name: str) -> int:
    """Row count from the parts' footers, without reading the data."""
    directory = Path(out_dir) / f"{table_name}.parquet"
    if not directory.is_dir():
        return 0
    return sum(pq.ParquetFile(p).metadata.num_rows for p in directory.glob("*.parquet"))


def read_pandas(out_dir: str | Path, table_name: str):
    """The table as a pandas DataFrame (equivalent to ``pandas.read_parquet(OUT / NAME)``)."""
    return read_table(out_dir, table_name).to_pandas()


def query(out_dir: str | Path, canto: int, line: int | None = None, method: str | None = None):
    """Citations of ``canto`` (and ``line``, matched against both the resolved and the cited line)
    joined with their passage text, as a pandas DataFrame ordered by source, page and position."""
    out_dir = Path(out_dir)
    filters = [("canto", "=", canto)]
    cites = pq.read_table(
        out_dir / "citations.parquet", schema=CITATIONS_SCHEMA, filters=filters
    ).to_pandas()
    if line is not None:
        cites = cites[(cites["line"] == line) | (cites["line_cited"] == line)]
    if method is not None:
        cites = cites[cites["method"].astype(str).str.split("+").apply(lambda ms: method in ms)]
    passages = (
        read_table(out_dir, "passages")
        .select(["passage_id", "seq", "char_start", "text"])
        .to_pandas()
    )
    merged = cites.merge(passages, on="passage_id", how="left")
    return merged.sort_values(["source", "seq", "evidence_start"], na_position="last").reset_index(
        drop=True
    )
