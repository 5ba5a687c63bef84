"""The Parquet citation index: explicit schemas, atomic part writers, and readers for pandas.

Each table is a directory of parts (``OUT/citations.parquet/<unit>.parquet``), so that
``pandas.read_parquet(OUT / "citations.parquet")`` reads it in one call. Parts are named by the
content hash of the unit that wrote them, written to a temp name and renamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cantobatch.data import Document, Extraction, Passage
from cantobatch.files import atomic_path

# 2: documents and passages name their settings hash ingest_id (was run_id).
# 3: documents gain furniture_lines and the bibliographic columns (authors, year, container, doi,
# url, meta_source; title is the bibliographic title when one is known), passages gain region
# (body or footnote), and status may be "partial" (indexed; some pages could not be read).
SCHEMA_VERSION = 3
# the index proper; "errors" lists failed passages, "routes" the cascade's route of each passage
TABLES = ("documents", "passages", "citations")

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
        pa.field("ingest_id", pa.string()),  # hash of the ingest/split settings that made the row
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
        pa.field("ingest_id", pa.string()),  # as in documents
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

# One row per passage the cascade's router read (``[merge] policy = "cascade"``): the reason it
# sent the passage to the LLM (extract/router: REASONS), or null when the grammar's answer stood.
ROUTES_SCHEMA = pa.schema(
    [
        pa.field("passage_id", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("reason", _dict_str),
        pa.field("run_id", pa.string()),
    ],
    metadata=_META,
)


def _pandas_nullable_ints(schema: pa.Schema) -> pa.Schema:
    """The schema with pandas metadata that reads its nullable integer columns back as pandas'
    nullable integers (``Int16``, ``Int32`` …): without it ``pandas.read_parquet`` turns an integer
    column with a null into float64 (page 3 → 3.0)."""
    names = {pa.int8(): "Int8", pa.int16(): "Int16", pa.int32(): "Int32", pa.int64(): "Int64"}
    columns = [
        {
            "name": f.name,
            "field_name": f.name,
            "pandas_type": str(f.type),
            "numpy_type": names[f.type],
            "metadata": None,
        }
        for f in schema
        if f.nullable and f.type in names
    ]
    pandas = {"index_columns": [], "column_indexes": [], "columns": columns}
    return schema.with_metadata({**schema.metadata, b"pandas": json.dumps(pandas).encode()})


DOCUMENTS_SCHEMA, PASSAGES_SCHEMA, CITATIONS_SCHEMA, ERRORS_SCHEMA, ROUTES_SCHEMA = (
    _pandas_nullable_ints(s)
    for s in (DOCUMENTS_SCHEMA, PASSAGES_SCHEMA, CITATIONS_SCHEMA, ERRORS_SCHEMA, ROUTES_SCHEMA)
)

SCHEMAS = {
    "documents": DOCUMENTS_SCHEMA,
    "passages": PASSAGES_SCHEMA,
    "citations": CITATIONS_SCHEMA,
    "errors": ERRORS_SCHEMA,
    "routes": ROUTES_SCHEMA,
}
ALL_TABLES = tuple(SCHEMAS)


def document_row(doc: Document, n_passages: int, ingest_id: str) -> dict[str, Any]:
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
        "reader": doc.reader,
        "encoding": doc.encoding,
        "furniture_lines": doc.furniture_lines,
        "authors": list(bib.authors) if bib is not None and bib.authors else None,
        "year": bib.year if bib is not None else None,
        "container": bib.container if bib is not None else None,
        "doi": bib.doi if bib is not None else None,
        "url": bib.url if bib is not None else None,
        "meta_source": bib.source if bib is not None else None,
        "ingest_id": ingest_id,
    }


def passage_rows(passages: Iterable[Passage], ingest_id: str) -> list[dict[str, Any]]:
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
            "ingest_id": ingest_id,
            "region": p.region,
        }
        for p in passages
    ]


def route_row(passage: Passage, reason: str | None, run_id: str) -> dict[str, Any]:
    return {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "source": passage.source,
        "reason": reason,
        "run_id": run_id,
    }


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
    table = to_table(rows, SCHEMAS[table_name])
    with atomic_path(final, fsync=True) as tmp:
        pq.write_table(table, tmp, compression="zstd")
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


def count_references(out_dir: str | Path) -> tuple[int, int]:
    """``(references, cited_lines)``: distinct (passage, canto) pairs, and distinct
    (passage, canto, line as cited) triples, of the citations table.

    Counted part by part and summed (a passage's citations are all in its document's part), in
    plain Python: pyarrow's group_by, to_numpy or a Python scalar would import pandas (~0.3 s, more
    than a rerun of an unchanged corpus costs).
    """
    references = lines = 0
    directory = Path(out_dir) / "citations.parquet"
    for part in directory.glob("*.parquet") if directory.is_dir() else ():
        table = pq.ParquetFile(part).read(columns=["passage_id", "canto", "line_cited"])
        passage, canto, line = (column.to_pylist() for column in table.columns)
        references += len(set(zip(passage, canto, strict=True)))
        lines += len({key for key in zip(passage, canto, line, strict=True) if key[2] is not None})
    return references, lines


def read_pandas(out_dir: str | Path, table_name: str):
    """The table as a pandas DataFrame (equivalent to ``pandas.read_parquet(OUT / NAME)``)."""
    return read_table(out_dir, table_name).to_pandas()
