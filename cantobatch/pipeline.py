"""The ``index`` run: plan → skip done units → ingest/split → extract → write → mark done.

Work is cut into units named by content hashes:

* a **document unit** (file bytes + source path + ingest/split settings) writes one part of
  ``documents.parquet`` and one of ``passages.parquet``;
* a **citation unit** (document unit + extractor identity) writes one part of
  ``citations.parquet`` and one of ``errors.parquet`` (passages whose extraction failed).

Every part is written to a temp name and renamed; the unit's done-marker (``_state/<unit>.done``)
is written last. A rerun skips done units, so an unchanged corpus costs a hash of each file; a
killed run, rerun, ends with the same tables as an uninterrupted one. After a complete run, parts
that no longer belong to the plan (removed files, changed settings) are deleted. Passages from
several documents are batched together so an LLM extractor sees large batches.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from cantobatch import index
from cantobatch.config import LLM_EXTRACTORS, Config
from cantobatch.data import Document, Extraction, Passage, sha256_hex
from cantobatch.errors import CantobatchError, IngestError, RunInterrupted, RunLockedError
from cantobatch.extract.base import Extractor
from cantobatch.extract.registry import build_extractor, identity_hash
from cantobatch.files import atomic_write_text, file_sha256
from cantobatch.ingest.discover import unreadable_id
from cantobatch.interrupt import StopOnSignal
from cantobatch.progress import RunProgress, progress
from cantobatch.split import settings_id as split_settings_id
from cantobatch.split import split_document

STATE_DIR = "_state"
LOCK_FILE = ".cantobatch.lock"
PIPELINE_VERSION = "1"
RULES_BATCH = 512  # passages per extract_batch call for cheap extractors
PENDING_LIMIT = 32  # the cascade waits for this many batches' passages at most before extracting


@dataclass
class RunSummary:
    documents: Counter = field(default_factory=Counter)  # status → count (this corpus, all units)
    passages: int = 0
    citations: int = 0  # rows of citations.parquet: one per cited line, one per canto cited whole
    references: int = 0  # distinct (passage, canto) pairs
    cited_lines: int = 0  # distinct (passage, canto, line as cited) triples
    extraction_errors: int = 0
    documents_ingested: int = 0  # document units actually (re)done in this run
    documents_extracted: int = 0  # citation units actually (re)done in this run
    passages_extracted: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    llm_passages: int = 0  # passages this run sent to the LLM (the routed ones, under the cascade)
    routed: Counter = field(default_factory=Counter)  # cascade: reason → passages, this run
    removed_parts: int = 0
    seconds: float = 0.0

    @property
    def documents_ok(self) -> int:
        return self.documents.get("ok", 0)

    @property
    def documents_partial(self) -> int:
        return self.documents.get("partial", 0)  # indexed; some pages could not be read

    @property
    def documents_duplicate(self) -> int:
        return self.documents.get("duplicate", 0)  # indexed once under their first path

    @property
    def documents_failed(self) -> dict[str, int]:
        not_failed = ("ok", "partial", "duplicate")
        return {k: v for k, v in sorted(self.documents.items()) if k not in not_failed}


@dataclass(frozen=True)
class _Unit:
    file: object  # ingest.SourceFile
    doc_id: str
    doc_unit: str
    cite_unit: str


def ingest_settings_id(config: Config) -> str:
    ingest = dataclasses.asdict(config.ingest)
    return sha256_hex(
        f"{PIPELINE_VERSION}:{sorted(ingest.items())}:{split_settings_id(config.split)}", 12
    )


@contextlib.contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on OUT for the run; refuse a second concurrent run clearly.

    ``flock`` is released by the kernel when the process dies, so a killed run never leaves a
    stale lock behind.
    """
    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / LOCK_FILE, "a+")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise RunLockedError(
            f"another cantobatch run (pid {holder}) is writing to {out}; "
            "wait for it to finish or choose another output directory with -o"
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _mark_done(state: Path, unit: str, info: dict) -> None:
    atomic_write_text(state / f"{unit}.done", json.dumps(info, sort_keys=True))


def _error_document(file, doc_id: str) -> Document:
    return Document(
        doc_id=doc_id,
        source=file.source,
        kind=file.kind,
        status=file.status or "error",
        bytes=file.size,
        error=file.error,
    )


def run_index(
    corpus: str | Path,
    out: str | Path,
    config: Config | None = None,
    *,
    extractor: Extractor | None = None,
    show_progress: bool = True,
    batch_size: int | None = None,
    on_unit_done: Callable[[str], None] | None = None,
) -> RunSummary:
    """Index ``corpus`` into ``out``. Returns counts for the run's summary.

    ``extractor`` overrides the one the config names (tests inject a fake one for pipeline logic);
    ``batch_size`` is the number of passages per extract_batch call (default: llm.batch_size for
    model extractors, 512 otherwise).
    """
    from cantobatch.ingest.discover import discover
    from cantobatch.ingest.reader import Reader
    from cantobatch.ingest.sidecar import apply_sidecar

    config = config or Config()
    corpus, out = Path(corpus), Path(out)
    if not corpus.exists():
        raise IngestError(
            f"corpus {corpus} does not exist; pass a directory (or a file) of PDF, HTML and text "
            "files",
            "error",
        )
    started = time.perf_counter()
    summary = RunSummary()
    units: list[_Unit] = []
    with run_lock(out), StopOnSignal() as stop:
        state = out / STATE_DIR
        state.mkdir(exist_ok=True)
        own_extractor = extractor is None
        extractor = extractor or build_extractor(config.extractor, config)
        _set_progress(extractor, show_progress)
        try:
            identity = {"extractor": config.extractor, **extractor.identity()}
            ingest_id = ingest_settings_id(config)
            run_id = sha256_hex(f"{ingest_id}:{identity_hash(identity)}", 12)
            units = _plan(
                discover(corpus, skip=[out]), ingest_id, run_id, show_progress, corpus, stop
            )
            # Incomplete until the end: readers refuse it if this run stops (see tables.open_index).
            _write_manifest(out, config, identity, units, corpus, complete=False)
            batch_limit = batch_size or (
                config.llm.batch_size if config.extractor in LLM_EXTRACTORS else RULES_BATCH
            )
            # The cascade's LLM reads only routed passages: count those toward its batch (and
            # bound what waits in memory), so the model still sees large batches.
            staged = hasattr(extractor, "first_stage")
            pending: list[tuple[_Unit, list[Passage], list[Extraction] | None]] = []
            load = [0, 0]  # passages for the extractor's batch, passages pending

            def flush() -> None:
                _extract_and_write(
                    pending, extractor, identity, run_id, out, state, summary, on_unit_done
                )
                pending.clear()
                load[:] = [0, 0]

            with (
                Reader(config.ingest) as reader,
                RunProgress(len(units), enabled=show_progress) as bar,
            ):
                # The worker parses the next file while this process splits and extracts.
                to_read = [
                    u.file
                    for u in units
                    if u.file.status is None and not (state / f"{u.doc_unit}.done").exists()
                ]
                following = dict(zip(to_read, to_read[1:], strict=False))

                def read(file):
                    document = apply_sidecar(reader.read(file), corpus)
                    if file in following:
                        reader.prefetch(following[file])
                    return document

                for unit in units:
                    if stop.requested:
                        break
                    passages = _document_unit(
                        unit, read, config, ingest_id, out, state, summary, on_unit_done
                    )
                    if (state / f"{unit.cite_unit}.done").exists():
                        bar.update(1, skipped=True)
                        continue
                    firsts = extractor.first_stage(passages) if staged and passages else None
                    pending.append((unit, passages, firsts))
                    load[0] += len(passages) if firsts is None else _routed(firsts)
                    load[1] += len(passages)
                    if load[0] >= batch_limit or load[1] >= PENDING_LIMIT * batch_limit:
                        flush()
                    bar.update(1, passages=len(passages))
                if pending:
                    flush()
            if stop.requested:
                raise KeyboardInterrupt
            summary.removed_parts = _collect_garbage(out, units)
            _write_manifest(out, config, identity, units, corpus, complete=True)
        except KeyboardInterrupt:
            done = sum((state / f"{u.cite_unit}.done").exists() for u in units)
            raise RunInterrupted(done, len(units)) from None
        finally:
            if own_extractor:
                extractor.close()
    _count_tables(out, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _set_progress(extractor: object, enabled: bool) -> None:
    """Pass the run's progress switch to an extractor and the extractors it wraps."""
    if hasattr(extractor, "show_progress"):
        extractor.show_progress = enabled
    for inner in ("inner", "rules", "llm"):
        if hasattr(extractor, inner):
            _set_progress(getattr(extractor, inner), enabled)


def _plan(
    files, ingest_id: str, run_id: str, show_progress: bool, corpus: Path, stop=None
) -> list[_Unit]:
    units: list[_Unit] = []
    seen_sources: set[str] = set()
    first_source: dict[str, str] = {}  # doc_id → the first path with those bytes
    for file in progress(files, desc="hashing", unit="file", enabled=show_progress, leave=False):
        if stop is not None and stop.requested:
            raise KeyboardInterrupt  # nothing is written while planning
        if file.source in seen_sources:
            continue
        seen_sources.add(file.source)
        if file.status is None:
            try:
                doc_id = file_sha256(file.path)
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
        doc_unit = sha256_hex(f"{doc_id}:{file.source}:{ingest_id}{sidecar}", 24)
        units.append(_Unit(file, doc_id, doc_unit, sha256_hex(f"{doc_unit}:{run_id}", 24)))
    return units


def _sidecar_part(file, corpus: Path) -> str:
    """A hash of ``file``'s entry in a reference manager's sidecar ("" without one): part of the
    document unit's name, so that editing the entry re-reads the document."""
    from cantobatch.ingest.sidecar import sidecar_key

    return sidecar_key(file.source, corpus) if file.status is None else ""


def _document_unit(
    unit, read, config, ingest_id, out, state, summary, on_unit_done
) -> list[Passage]:
    """Ingest + split one document, or load its passages if its unit is already done."""
    done = state / f"{unit.doc_unit}.done"
    if done.exists():
        if (state / f"{unit.cite_unit}.done").exists():
            return []
        part = out / "passages.parquet" / f"{unit.doc_unit}.parquet"
        # ParquetFile, not read_table: the latter imports pyarrow.dataset (and pandas), ~1 s.
        rows = pq.ParquetFile(part).read(columns=_PASSAGE_FIELDS).to_pylist()
        return [Passage(**row) for row in rows]
    doc = read(unit.file) if unit.file.status is None else _error_document(unit.file, unit.doc_id)
    if doc.doc_id != unit.doc_id and doc.ok:
        # The file changed between hashing and reading: record it and let the next run pick it up.
        doc = dataclasses.replace(
            doc, status="error", error="file changed while being indexed; rerun"
        )
    doc = dataclasses.replace(doc, doc_id=unit.doc_id)
    passages = split_document(doc, config.split) if doc.ok else []
    index.write_part(
        out, "documents", unit.doc_unit, [index.document_row(doc, len(passages), ingest_id)]
    )
    index.write_part(out, "passages", unit.doc_unit, index.passage_rows(passages, ingest_id))
    _mark_done(state, unit.doc_unit, {"source": unit.file.source, "status": doc.status})
    summary.documents_ingested += 1
    if on_unit_done:
        on_unit_done(unit.doc_unit)
    return passages


_PASSAGE_FIELDS = [f.name for f in dataclasses.fields(Passage)]


def _routed(firsts: list[Extraction]) -> int:
    return sum(1 for f in firsts if f.meta.get("routed"))


def _extract_and_write(
    pending, extractor, identity, run_id, out, state, summary, on_unit_done
) -> None:
    passages = [p for _, ps, _ in pending for p in ps]
    if hasattr(extractor, "first_stage"):  # the cascade: its first stage ran as documents came
        firsts = [f for _, _, fs in pending for f in fs or ()]
        results: list[Extraction] = extractor.finish(passages, firsts) if passages else []
        summary.llm_passages += _routed(firsts)
    else:
        results = extractor.extract_batch(passages) if passages else []
        if identity.get("extractor") in LLM_EXTRACTORS:
            summary.llm_passages += len(passages)
    if len(results) != len(passages):
        raise CantobatchError(
            f"extractor {identity.get('extractor')} returned {len(results)} results for "
            f"{len(passages)} passages; an extractor must return one result per passage"
        )
    summary.passages_extracted += len(passages)
    pos = 0
    for unit, ps, _ in pending:
        rows, errors, routes = [], [], []
        for passage, result in zip(ps, results[pos : pos + len(ps)], strict=True):
            summary.prompt_tokens += result.prompt_tokens
            summary.output_tokens += result.output_tokens
            if "routed" in result.meta:
                routes.append(index.route_row(passage, result.meta["routed"], run_id))
                if result.meta["routed"]:
                    summary.routed[result.meta["routed"]] += 1
            if result.error is not None:
                errors.append(
                    {
                        "passage_id": passage.passage_id,
                        "doc_id": passage.doc_id,
                        "source": passage.source,
                        "method": result.method,
                        "error": result.error,
                        "run_id": run_id,
                    }
                )
            rows.extend(index.citation_rows(passage, result, identity, run_id))
        pos += len(ps)
        index.write_part(out, "citations", unit.cite_unit, rows)
        index.write_part(out, "errors", unit.cite_unit, errors)
        index.write_part(out, "routes", unit.cite_unit, routes)
        _mark_done(state, unit.cite_unit, {"source": unit.file.source, "citations": len(rows)})
        summary.documents_extracted += 1
        if on_unit_done:
            on_unit_done(unit.cite_unit)


def _collect_garbage(out: Path, units: list[_Unit]) -> int:
    """Delete parts and markers that the current plan does not name (stale settings, removed files)."""
    keep = {u.doc_unit for u in units} | {u.cite_unit for u in units}
    removed = 0
    for name in index.ALL_TABLES:
        directory = out / f"{name}.parquet"
        if not directory.is_dir():
            continue
        for part in directory.iterdir():
            stem = part.name.split(".", 1)[0] if not part.name.startswith(".") else ""
            if part.name.startswith(".") or stem not in keep:
                part.unlink()  # stale part, or a temp file left by a killed run
                removed += 1
    for marker in (out / STATE_DIR).iterdir():
        if marker.name.startswith(".") or marker.name.split(".", 1)[0] not in keep:
            marker.unlink()
    return removed


def _write_manifest(
    out: Path,
    config: Config,
    identity: dict[str, str],
    units: list[_Unit],
    corpus: Path,
    complete: bool,
) -> None:
    from cantobatch import __version__

    manifest = {
        "cantobatch": __version__,
        "complete": complete,
        "corpus": os.path.abspath(corpus),
        "schema_version": index.SCHEMA_VERSION,
        "config": dataclasses.asdict(config),
        "extractor": identity,
        "documents": len(units),
    }
    atomic_write_text(
        out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True, default=str)
    )


def _count_tables(out: Path, summary: RunSummary) -> None:
    # Part by part, without pyarrow.dataset (whose import alone costs more than a rerun).
    summary.documents = Counter(
        str(status)
        for part in (out / "documents.parquet").glob("*.parquet")
        for status in pq.ParquetFile(part).read(columns=["status"]).column("status").to_pylist()
    )
    summary.passages = index.count_rows(out, "passages")
    summary.citations = index.count_rows(out, "citations")
    summary.references, summary.cited_lines = index.count_references(out)
    summary.extraction_errors = index.count_rows(out, "errors")
