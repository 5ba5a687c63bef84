"""The stages of an ``index`` run, public and free of scheduling: every engine (the local one, one
process or N; Ray Data across machines) runs these same functions, so their tables are equal.

plan_units (hash each file once) → ingest_document (read + split one file) → document_parts →
extract_passages (a batch of passages from any number of documents) → citation_parts.
``run_document_unit`` and ``write_citation_unit`` join a stage to the output folder.

Work is cut into units named by content hashes:

* a **document unit** (file bytes + source path + ingest/split settings + sidecar entry) writes
  one part of ``documents.parquet`` and one of ``passages.parquet``;
* a **citation unit** (document unit + extractor identity) writes one part of
  ``citations.parquet``, ``errors.parquet`` (passages whose extraction failed) and
  ``routes.parquet`` (the cascade's route of each passage).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cantobatch import index
from cantobatch.config import LLM_EXTRACTORS, Config
from cantobatch.data import Document, Extraction, Passage, sha256_hex
from cantobatch.errors import CantobatchError
from cantobatch.extract.registry import identity_hash
from cantobatch.files import file_sha256
from cantobatch.ingest.discover import SourceFile, unreadable_id
from cantobatch.outdir import OutputDir, error_row
from cantobatch.progress import progress
from cantobatch.split import settings_id as split_settings_id
from cantobatch.split import split_document

PIPELINE_VERSION = "1"

# read(file, doc_id) → Document: a Reader's read, with the plan's hash (the file is hashed once)
ReadFn = Callable[[SourceFile, str], Document]


@dataclass(frozen=True)
class Unit:
    """One file's work: its document unit and its citation unit (see the module docstring)."""

    file: SourceFile
    doc_id: str
    doc_unit: str
    cite_unit: str
    stamp: tuple[int, int] | None = None  # (size, mtime_ns) when hashed: a later change is seen


@dataclass(frozen=True)
class RunIds:
    """What names a run's units: the ingest/split settings and the extractor's identity."""

    ingest_id: str
    identity: dict[str, str]
    run_id: str


@dataclass(frozen=True)
class UnitCounts:
    """What one unit's work added to the run's summary (engines add these up)."""

    documents_ingested: int = 0
    documents_extracted: int = 0
    passages_extracted: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    llm_passages: int = 0
    routed: tuple[tuple[str, int], ...] = ()

    def __add__(self, other: UnitCounts) -> UnitCounts:
        summed = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in dataclasses.fields(self)
            if f.name != "routed"
        }
        routed = Counter(dict(self.routed)) + Counter(dict(other.routed))
        return UnitCounts(**summed, routed=tuple(sorted(routed.items())))


@dataclass
class Tally:
    """UnitCounts summed as units finish (mutable; ``pipeline.RunSummary`` is one)."""

    documents_ingested: int = 0  # document units actually (re)done in this run
    documents_extracted: int = 0  # citation units actually (re)done in this run
    passages_extracted: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    llm_passages: int = 0  # passages this run sent to the LLM (the routed ones, under the cascade)
    routed: Counter = field(default_factory=Counter)  # cascade: reason → passages, this run

    def add(self, counts: UnitCounts) -> None:
        for f in dataclasses.fields(UnitCounts):
            if f.name == "routed":
                self.routed.update(dict(counts.routed))
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(counts, f.name))


MAX_ATTEMPTS = 3  # reads of a file whose failure may be transient (timeout, crash, changed)


def ingest_settings_id(config: Config) -> str:
    ingest = dataclasses.asdict(config.ingest)
    del ingest["stream_passages"]  # how the run holds memory, not what it writes
    return sha256_hex(
        f"{PIPELINE_VERSION}:{sorted(ingest.items())}:{split_settings_id(config.split)}", 12
    )


def run_ids(config: Config, extractor_identity: dict[str, str]) -> RunIds:
    identity = {"extractor": config.extractor, **extractor_identity}
    ingest_id = ingest_settings_id(config)
    return RunIds(ingest_id, identity, sha256_hex(f"{ingest_id}:{identity_hash(identity)}", 12))


def plan_units(
    files: Iterable[SourceFile], ids: RunIds, corpus: Path, show_progress: bool = False
) -> list[Unit]:
    """The run's units, one per distinct source path, each file hashed once (here, only)."""
    units: list[Unit] = []
    seen_sources: set[str] = set()
    first_source: dict[str, str] = {}  # doc_id → the first path with those bytes
    for file in progress(files, desc="hashing", unit="file", enabled=show_progress, leave=False):
        if file.source in seen_sources:
            continue
        seen_sources.add(file.source)
        stamp = None
        if file.status is None:
            try:
                before = file.path.stat()
                doc_id = file_sha256(file.path)
                stamp = (before.st_size, before.st_mtime_ns)
            except OSError as exc:
                file = dataclasses.replace(
                    file, status="unreadable", error=f"cannot read: {exc.strerror}"
                )
                doc_id = unreadable_id(file.source)
            else:
                if doc_id in first_source:
                    # The same bytes twice: indexed once, the copy recorded.
                    file = dataclasses.replace(
                        file, status="duplicate", error=f"same bytes as {first_source[doc_id]}"
                    )
                first_source.setdefault(doc_id, file.source)
        else:
            doc_id = unreadable_id(file.source)
        sidecar = _sidecar_part(file, corpus)
        doc_unit = sha256_hex(f"{doc_id}:{file.source}:{ids.ingest_id}{sidecar}", 24)
        cite_unit = sha256_hex(f"{doc_unit}:{ids.run_id}", 24)
        units.append(Unit(file, doc_id, doc_unit, cite_unit, stamp))
    return units


def _sidecar_part(file: SourceFile, corpus: Path) -> str:
    """A hash of ``file``'s entry in a reference manager's sidecar ("" without one): part of the
    document unit's name, so that editing the entry re-reads the document."""
    from cantobatch.ingest.sidecar import sidecar_key

    return sidecar_key(file.source, corpus) if file.status is None else ""


def ingest_document(
    unit: Unit, read: ReadFn, config: Config, corpus: Path
) -> tuple[Document, list[Passage]]:
    """Read and split one unit's file. A problem of the file is the Document's status."""
    from cantobatch.ingest.sidecar import apply_sidecar

    file = unit.file
    if file.status is not None:
        doc = Document(
            doc_id=unit.doc_id,
            source=file.source,
            kind=file.kind,
            status=file.status or "error",
            bytes=file.size,
            error=file.error,
        )
    else:
        doc = apply_sidecar(read(file, unit.doc_id), corpus)
        if unit.stamp is not None and _stamp(file.path) != unit.stamp:
            # The file changed after it was hashed (caught mid-write?): whatever was read is not
            # the hashed bytes, so the row is keyed to none of them, and the next run reads it.
            return Document(
                doc_id=changed_id(file.source),
                source=file.source,
                kind=file.kind,
                status="error",
                bytes=file.size,
                error=f"{file.source}: the file changed while being indexed; the next run reads it",
                retry=True,
            ), []
    doc = dataclasses.replace(doc, doc_id=unit.doc_id)
    passages = split_document(doc, config.split) if doc.ok else []
    return doc, passages


def changed_id(source: str) -> str:
    """The doc_id of a file that changed while it was read: a hash of its path, not of bytes."""
    return sha256_hex("changed:" + source)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def document_parts(
    doc: Document, passages: Sequence[Passage], ingest_id: str
) -> dict[str, list[dict[str, Any]]]:
    """A document unit's rows: table → rows."""
    return {
        "documents": [index.document_row(doc, len(passages), ingest_id)],
        "passages": index.passage_rows(passages, ingest_id),
    }


def extract_passages(
    extractor: Any, passages: Sequence[Passage], firsts: Sequence[Extraction] | None = None
) -> list[Extraction]:
    """One Extraction per passage, in order. ``firsts``: the cascade's first stage, already run
    on these passages (``extractor.first_stage``); the cascade then finishes them."""
    if not passages:
        return []
    if hasattr(extractor, "first_stage"):
        firsts = list(firsts) if firsts is not None else extractor.first_stage(list(passages))
        results = extractor.finish(list(passages), firsts)
    else:
        results = extractor.extract_batch(list(passages))
    if len(results) != len(passages):
        raise CantobatchError(
            f"extractor {type(extractor).__name__} returned {len(results)} results for "
            f"{len(passages)} passages; an extractor must return one result per passage"
        )
    return results


def routed_count(firsts: Iterable[Extraction]) -> int:
    return sum(1 for f in firsts if f.meta.get("routed"))


def citation_parts(
    passages: Sequence[Passage], results: Sequence[Extraction], ids: RunIds
) -> tuple[dict[str, list[dict[str, Any]]], UnitCounts]:
    """A citation unit's rows (citations, errors, routes) and what it adds to the summary."""
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    routed: Counter = Counter()
    prompt_tokens = output_tokens = 0
    llm = 0
    for passage, result in zip(passages, results, strict=True):
        prompt_tokens += result.prompt_tokens
        output_tokens += result.output_tokens
        if "routed" in result.meta:
            routes.append(index.route_row(passage, result.meta["routed"], ids.run_id))
            if result.meta["routed"]:
                routed[result.meta["routed"]] += 1
                llm += 1
        elif ids.identity.get("extractor") in LLM_EXTRACTORS:
            llm += 1
        if result.error is not None:
            errors.append(error_row(passage, result.method, result.error, ids.run_id))
        rows.extend(index.citation_rows(passage, result, ids.identity, ids.run_id))
    counts = UnitCounts(
        documents_extracted=1,
        passages_extracted=len(passages),
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        llm_passages=llm,
        routed=tuple(sorted(routed.items())),
    )
    return {"citations": rows, "errors": errors, "routes": routes}, counts


def run_document_unit(
    out: OutputDir, unit: Unit, read: ReadFn, config: Config, corpus: Path, ingest_id: str
) -> tuple[list[Passage] | None, UnitCounts]:
    """Ingest + split + write one document unit, or read its passages back if it is done.

    Returns the passages (None when the citation unit is done too: nothing left to do) and counts.
    """
    if out.is_done(unit.doc_unit):
        if out.is_done(unit.cite_unit):
            return None, UnitCounts()
        return out.read_passages(unit.doc_unit), UnitCounts()
    doc, passages = ingest_document(unit, read, config, corpus)
    info = {"source": unit.file.source, "status": doc.status}
    out.marker(unit.cite_unit).unlink(missing_ok=True)  # its citations came from an older read
    if doc.retry:
        attempts = out.attempts(unit.doc_unit) + 1
        if attempts < MAX_ATTEMPTS:
            # Parts written, no done-marker: the next run tries again.
            for table, rows in document_parts(doc, passages, ingest_id).items():
                out.write_part(table, unit.doc_unit, rows)
            out.mark_retry(unit.doc_unit, {**info, "attempts": attempts})
            return passages, UnitCounts(documents_ingested=1)
        doc = dataclasses.replace(doc, error=f"{doc.error} (tried {attempts} times)")
        info["attempts"] = attempts
    out.write_unit(unit.doc_unit, document_parts(doc, passages, ingest_id), info)
    (out.state / f"{unit.doc_unit}.retry").unlink(missing_ok=True)
    return passages, UnitCounts(documents_ingested=1)


def write_citation_unit(
    out: OutputDir,
    unit: Unit,
    passages: Sequence[Passage],
    results: Sequence[Extraction],
    ids: RunIds,
) -> UnitCounts:
    parts, counts = citation_parts(passages, results, ids)
    out.write_unit(
        unit.cite_unit, parts, {"source": unit.file.source, "citations": len(parts["citations"])}
    )
    return counts


def stream_citation_unit(
    out: OutputDir,
    unit: Unit,
    passages: Sequence[Passage],
    extractor: Any,
    ids: RunIds,
    chunk: int,
) -> UnitCounts:
    """Extract and write one citation unit ``chunk`` passages at a time (a huge document): each
    piece's rows become a row group of the unit's parts and are dropped, so memory is bounded."""
    totals: list[UnitCounts] = []

    def pieces():
        for start in range(0, len(passages), chunk):
            piece = passages[start : start + chunk]
            parts, counts = citation_parts(piece, extract_passages(extractor, piece), ids)
            totals.append(
                counts if not totals else dataclasses.replace(counts, documents_extracted=0)
            )
            yield parts

    out.write_unit_streamed(unit.cite_unit, pieces(), {"source": unit.file.source})
    return sum(totals, UnitCounts())


def extract_citation_unit(
    out: OutputDir,
    unit: Unit,
    passages: Sequence[Passage],
    extractor: Any,
    ids: RunIds,
    chunk: int,
) -> UnitCounts:
    """Extract and write one citation unit: whole, or ``chunk`` passages at a time when the
    document is larger than that (``stream_citation_unit``)."""
    if len(passages) > chunk:
        return stream_citation_unit(out, unit, passages, extractor, ids, chunk)
    return write_citation_unit(out, unit, passages, extract_passages(extractor, passages), ids)


def split_results(
    batch: Sequence[tuple[Unit, Sequence[Passage]]], results: Sequence[Extraction]
) -> list[tuple[Unit, Sequence[Passage], Sequence[Extraction]]]:
    """A batch's results cut back into its units, in order."""
    cut, pos = [], 0
    for unit, passages in batch:
        cut.append((unit, passages, results[pos : pos + len(passages)]))
        pos += len(passages)
    return cut
