"""Reading a finished index: the tables that query, stats and report are built from.

This module and its readers only read Parquet: they never import the extractors, so looking at an
index needs neither the grammar nor a model. The unit they share is the *reference*: one canto
cited by one passage, its cited lines folded together (``citations.parquet`` has one row per line).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cantobatch.errors import DataError
from cantobatch.index import SCHEMAS, read_table

METHODS = (
    "rules",
    "llm",
    "quote",
)  # what extractors write in `method` (merges join them: rules+llm)
BIBLIOGRAPHIC = ("title", "authors", "year", "container", "doi", "url")  # documents, when present
MANIFEST = "manifest.json"
STATE_DIR = "_state"


LOCK_FILE = ".cantobatch.lock"


class NotAnIndexError(DataError):
    """A folder given to query/stats/report/mine is not the output of `cantobatch index`, or its
    run stopped before the end (interrupted, killed) and nothing is running to finish it."""


@dataclass(frozen=True)
class Index:
    """An index folder opened for reading (see :func:`open_index`). ``finished_only``: a run is
    writing it; only the parts of units whose done-marker exists are read."""

    path: Path
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)
    finished_only: bool = False

    def read(self, table: str, columns: Sequence[str] | None = None, filters=None) -> pa.Table:
        """A whole table (every part), with the columns that exist among ``columns``."""
        import pyarrow.parquet as pq

        if columns is not None:
            columns = [c for c in columns if c in SCHEMAS[table].names]
        directory = self.path / f"{table}.parquet"
        parts = sorted(directory.glob("*.parquet")) if directory.is_dir() else []
        if self.finished_only:
            state = self.path / STATE_DIR
            parts = [p for p in parts if (state / f"{p.name.split('.', 1)[0]}.done").exists()]
        if not parts:
            empty = SCHEMAS[table].empty_table()
            return empty if columns is None else empty.select(columns)
        try:
            if filters is None and not self.finished_only:
                whole = read_table(self.path, table)
                return whole if columns is None else whole.select(columns)
            return pq.read_table(
                [str(p) for p in parts], schema=SCHEMAS[table], columns=columns, filters=filters
            )
        except (OSError, pa.ArrowException) as exc:
            raise DataError(
                f"{directory} cannot be read ({_first_line(exc)}): a part is missing or damaged; "
                f"run `cantobatch index CORPUS -o {self.path}` to redo it "
                "(`--verify` lists the damaged parts)"
            ) from None

    def has_column(self, table: str, column: str) -> bool:
        return column in SCHEMAS[table].names

    def frame(self, table: str, columns: Sequence[str] | None = None):
        """The table as pandas, nullable integers as ``Int16``/``Int32``/``Int64``."""
        return self.read(table, columns).to_pandas()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def run_in_progress(out: str | Path) -> bool:
    """Whether a `cantobatch index` run holds ``out``'s lock now (a shared lock cannot be had)."""
    import fcntl
    import os

    try:
        fd = os.open(Path(out) / LOCK_FILE, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock this call took
    return False


def finished_documents(out: str | Path) -> int:
    """Documents whose citation unit is done (its marker names its citation count)."""
    count = 0
    for marker in (Path(out) / STATE_DIR).glob("*.done"):
        try:
            count += "citations" in json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return count


def open_index(out: str | Path) -> Index:
    """Open ``out`` for reading; NotAnIndexError (one line, with the fix) when it is not an index,
    or when its run stopped before the end and no run is finishing it.

    An index is recognised by its ``manifest.json`` or its ``_state/`` folder (the done-markers of
    a run that has started). A run marks the manifest ``"complete": false`` once it has planned,
    and true at its end. While a run holds the index's lock, only finished units are read.
    """
    path = Path(out)
    rerun = f"`cantobatch index CORPUS -o {out}`"
    if not ((path / MANIFEST).is_file() or (path / STATE_DIR).is_dir()):
        raise NotAnIndexError(f"{out} is not a cantobatch index: run {rerun} first")
    manifest: dict[str, Any] = {}
    if (path / MANIFEST).is_file():
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(
                f"{path / MANIFEST} cannot be read ({exc}): run {rerun} again to rewrite it"
            ) from None
    if run_in_progress(path):
        return Index(path=path, manifest=manifest, finished_only=True)
    if not manifest or not manifest.get("complete", True):
        total = manifest.get("documents")
        of = f" of {total}" if total is not None else ""
        raise NotAnIndexError(
            f"index incomplete: {out} holds {finished_documents(path)}{of} documents (its run "
            f"stopped before the end); run {rerun} again to finish it"
        )
    return Index(path=path, manifest=manifest)


@dataclass(frozen=True)
class Hit:
    """One reference: a canto cited by a passage, with every row of citations.parquet behind it."""

    passage_id: str
    doc_id: str
    source: str
    page: int | None
    page_label: str | None
    canto: int
    lines: tuple[int, ...]  # absolute lines (null rows, the canto as a whole, leave it empty)
    lines_cited: tuple[int, ...]  # as cited: -1 is the last line
    methods: tuple[str, ...]  # as stored: rules, llm, quote, rules+llm ...
    spans: tuple[tuple[int, int], ...]  # evidence offsets into the passage text, sorted
    evidence: tuple[str, ...]
    cited_pages: tuple[str, ...]
    flags: tuple[str, ...]
    rows: int  # rows of citations.parquet folded into this reference

    @property
    def base_methods(self) -> tuple[str, ...]:
        return tuple(sorted({m for method in self.methods for m in method.split("+")}))


HIT_COLUMNS = (
    "passage_id",
    "doc_id",
    "source",
    "page",
    "page_label",
    "canto",
    "line",
    "line_cited",
    "line_flag",
    "cited_page",
    "evidence_start",
    "evidence_end",
    "evidence",
    "method",
)


def hits(citations: pa.Table) -> list[Hit]:
    """Fold citation rows into references, one per (passage, canto), in order of first row."""
    cols = {name: citations.column(name).to_pylist() for name in HIT_COLUMNS}
    groups: dict[tuple[str, int], list[int]] = {}
    for i, key in enumerate(zip(cols["passage_id"], cols["canto"], strict=True)):
        groups.setdefault(key, []).append(i)
    out = []
    for (passage_id, canto), rows in groups.items():
        first = rows[0]

        def values(name: str, rows: list[int] = rows) -> list:
            return [cols[name][i] for i in rows if cols[name][i] is not None]

        spans = {
            (s, e)
            for s, e in zip(
                (cols["evidence_start"][i] for i in rows),
                (cols["evidence_end"][i] for i in rows),
                strict=True,
            )
            if s is not None and e is not None
        }
        flags = {f for value in values("line_flag") for f in value.split(",")}
        out.append(
            Hit(
                passage_id=passage_id,
                doc_id=cols["doc_id"][first],
                source=cols["source"][first],
                page=cols["page"][first],
                page_label=cols["page_label"][first],
                canto=canto,
                lines=tuple(sorted(set(values("line")))),
                lines_cited=tuple(sorted(set(values("line_cited")))),
                methods=tuple(sorted(set(values("method")))),
                spans=tuple(sorted(spans)),
                evidence=tuple(dict.fromkeys(values("evidence"))),
                cited_pages=tuple(dict.fromkeys(values("cited_page"))),
                flags=tuple(sorted(flags)),
                rows=len(rows),
            )
        )
    return out


def methods_in(citations: pa.Table) -> tuple[str, ...]:
    """The base methods an index holds (``rules+llm`` counts for both)."""
    stored = pc.unique(citations.column("method").cast(pa.string())).to_pylist()
    return tuple(sorted({m for value in stored if value for m in value.split("+")}))


def reason(source: str, error: str | None) -> str:
    """A document's error without the source it starts with ('a.pdf: encrypted …' → 'encrypted …')."""
    error = error or ""
    return error[len(source) + 2 :] if error.startswith(f"{source}: ") else error


def rows_by_key(table: pa.Table, key: str) -> dict[Any, dict[str, Any]]:
    """``{row[key]: row}`` for a small table (documents)."""
    return {row[key]: row for row in table.to_pylist()}


def present(row: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The named values a row has and that are set (for columns another version may lack)."""
    return {n: row[n] for n in names if row.get(n) not in (None, "", [])}
