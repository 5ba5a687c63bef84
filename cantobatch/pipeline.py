"""The ``index`` run: plan → skip done units → ingest/split → extract → write → mark done.

The stages are public functions of ``cantobatch.stages`` and the output folder (lock, markers,
parts, garbage, manifest) is ``cantobatch.outdir.OutputDir``; this module only schedules them, in
this process. Every part is written to a temp name and renamed; the unit's done-marker
(``_state/<unit>.done``) is written last. A rerun skips done units, so an unchanged corpus costs
a hash of each file; a killed run, rerun, ends with the same tables as an uninterrupted one. After
a complete run, parts that no longer belong to the plan (removed files, changed settings) are
deleted. Passages from several documents are batched together so an LLM extractor sees large
batches.
"""

from __future__ import annotations

import errno
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cantobatch.config import LLM_EXTRACTORS, Config
from cantobatch.engines.batching import Batcher, set_progress
from cantobatch.errors import ConfigError, DiskFull, IndexProtected, IngestError, RunInterrupted
from cantobatch.extract.base import Extractor
from cantobatch.extract.registry import build_extractor
from cantobatch.interrupt import StopOnSignal
from cantobatch.outdir import LOCK_FILE, STATE_DIR, OutputDir
from cantobatch.progress import RunProgress
from cantobatch.stages import (
    PIPELINE_VERSION,
    RunIds,
    Tally,
    Unit,
    UnitCounts,
    ingest_settings_id,
    plan_units,
    run_document_unit,
    run_ids,
)

__all__ = [
    "LOCK_FILE",
    "PIPELINE_VERSION",
    "STATE_DIR",
    "RunSummary",
    "ingest_settings_id",
    "run_index",
    "run_lock",
]

RULES_BATCH = 512  # passages per extract_batch call for cheap extractors


@dataclass
class RunSummary(Tally):
    """A run's summary: the units' counts summed (``Tally``, this run's work) and the index's."""

    documents: Counter = field(default_factory=Counter)  # status → count (this corpus, all units)
    passages: int = 0
    citations: int = 0  # rows of citations.parquet: one per cited line, one per canto cited whole
    references: int = 0  # distinct (passage, canto) pairs
    cited_lines: int = 0  # distinct (passage, canto, line as cited) triples
    extraction_errors: int = 0
    removed_parts: int = 0
    removed_documents: list[str] = field(default_factory=list)  # sources gone from the corpus
    repaired: list[str] = field(default_factory=list)  # units redone: their parts were damaged
    seconds: float = 0.0
    engine: str = "local"
    workers: int = 1

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


def verify_index(out: str | Path) -> tuple[int, list[str]]:
    """`index --verify`: check every done unit's parts against the size and sha256 its marker
    records, and look for stray temp files; nothing is changed. (units checked, problems)."""
    out_dir = OutputDir(out)
    with out_dir.lock():
        return out_dir.verify()


def run_lock(out: str | Path):
    """Hold an exclusive lock on OUT for the run (``OutputDir.lock``)."""
    return OutputDir(out).lock()


def batch_limit_for(config: Config, batch_size: int | None = None) -> int:
    """Passages per extract_batch call: llm.batch_size for model extractors, 512 otherwise."""
    return batch_size or (
        config.llm.batch_size if config.extractor in LLM_EXTRACTORS else RULES_BATCH
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
    workers: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    llm_devices: list[str] | None = None,
    prune: bool = False,
) -> RunSummary:
    """Index ``corpus`` into ``out``. Returns counts for the run's summary.

    ``extractor`` overrides the one the config names (tests inject a fake one for pipeline logic);
    ``batch_size`` is the number of passages per extract_batch call (default: llm.batch_size for
    model extractors, 512 otherwise). ``workers``: unit worker processes of the local engine (1:
    everything in this process). ``engine``: "local" or "ray" (Ray Data, many machines).
    ``llm_devices``: the local engine's LLM engines, one process per device (CUDA_VISIBLE_DEVICES
    names); default: one per GPU of this machine when it has several, else the model runs here.
    ``prune``: allow the run to drop what is gone, when OUT holds another corpus's index or more
    than half of its documents are no longer in the corpus (refused otherwise: IndexProtected).
    """
    from cantobatch.ingest.discover import discover

    config = config or Config()
    corpus, out_dir = Path(corpus), OutputDir(out)
    if not corpus.exists():
        raise IngestError(
            f"corpus {corpus} does not exist; pass a directory (or a file) of PDF, HTML and text "
            "files",
            "error",
        )
    started = time.perf_counter()
    summary = RunSummary(engine=engine, workers=workers)  # the engines add their units to it
    units: list[Unit] = []
    with out_dir.lock(), StopOnSignal() as stop:
        out_dir.create()
        own_extractor = extractor is None
        # (an LLM extractor loads its model on first use: building one here only names it)
        extractor = extractor or build_extractor(config.extractor, config)
        set_progress(extractor, show_progress)
        identity = extractor.identity()
        try:
            ids = run_ids(config, identity)
            found = _until_stopped(discover(corpus, skip=[out_dir.path]), stop)
            units = plan_units(found, ids, corpus, show_progress)
            summary.removed_documents = _protect(out_dir, corpus, units, prune)
            # Parts missing or damaged since they were written: their units are done again.
            summary.repaired = out_dir.repair(n for u in units for n in (u.doc_unit, u.cite_unit))
            # Incomplete until the end: readers refuse it if this run stops (tables.open_index).
            _write_manifest(out_dir, config, ids.identity, units, corpus, complete=False)
            schedule = _engine(engine, workers)
            engines = None
            if engine == "local":
                engines = _llm_engines(
                    llm_devices,
                    config,
                    out_dir,
                    ids,
                    extractor,
                    own_extractor,
                    summary,
                    on_unit_done,
                )
            try:
                schedule(
                    units,
                    out_dir,
                    config,
                    corpus,
                    ids,
                    extractor=extractor,
                    tally=summary,
                    show_progress=show_progress,
                    batch_limit=batch_limit_for(config, batch_size),
                    on_unit_done=on_unit_done,
                    workers=workers,
                    ray_address=ray_address,
                    injected=not own_extractor,
                    engines=engines,
                    stop=stop,
                )
                if engines is not None:
                    engines.drain()
                if stop.requested:
                    raise KeyboardInterrupt
            finally:
                if engines is not None:
                    engines.close()
            summary.removed_parts = out_dir.collect_garbage(
                {u.doc_unit for u in units} | {u.cite_unit for u in units}
            )
            _write_manifest(out_dir, config, ids.identity, units, corpus, complete=True)
        except KeyboardInterrupt:
            out_dir.remove_stale_temps()  # of workers killed mid-unit
            done = sum(out_dir.is_done(u.cite_unit) for u in units)
            raise RunInterrupted(done, len(units)) from None
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise
            out_dir.remove_stale_temps()
            raise _disk_full(out_dir, units, exc) from None
        finally:
            if own_extractor:
                extractor.close()
    _count_tables(out_dir, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _protect(out: OutputDir, corpus: Path, units: list[Unit], prune: bool) -> list[str]:
    """The sources this run will drop from OUT; IndexProtected, before anything is written, when
    OUT was built from another corpus or the run would drop more than half of its documents,
    unless ``prune``."""

    built_from = out.manifest().get("corpus")
    here = os.path.realpath(corpus)
    if built_from and built_from != here and not prune:
        raise IndexProtected(
            f"{out.path} holds the index of {built_from}, not of {here}: choose another output "
            "directory with -o, or pass --prune to replace that index with this corpus's"
        )
    indexed = out.indexed_sources()
    removed = sorted(indexed - {u.file.source for u in units})
    if removed and len(removed) * 2 > len(indexed) and not prune:
        raise IndexProtected(
            f"{here} no longer holds {len(removed)} of the {len(indexed)} documents indexed in "
            f"{out.path} ({', '.join(removed[:3])}{' …' if len(removed) > 3 else ''}): check the "
            "corpus path (a disk not mounted?), or pass --prune to drop them from the index"
        )
    return removed


def _disk_full(out: OutputDir, units: list[Unit], exc: OSError) -> DiskFull:
    """One line: the folder, about how much more space the run needs, and that it resumes."""
    done = [u for u in units if out.is_done(u.cite_unit)]
    done_bytes = sum(u.file.size for u in done)
    left_bytes = sum(u.file.size for u in units if not out.is_done(u.cite_unit))
    written = sum(p.stat().st_size for p in out.path.glob("*.parquet/*.parquet"))
    ratio = written / done_bytes if done_bytes else 1.0  # index bytes per corpus byte so far
    need = max(1.0, left_bytes * ratio / 1e6)
    return DiskFull(
        f"no space left to write {out.path} ({os.strerror(exc.errno)}): free about {need:.0f} MB there "
        f"(for the {len(units) - len(done)} documents left) and rerun the same command; the "
        f"{len(done)} finished documents are kept"
    )


def _until_stopped(files, stop: StopOnSignal):
    """``files`` until a signal asks the run to stop (nothing is written while planning)."""
    for file in files:
        if stop.requested:
            raise KeyboardInterrupt
        yield file


def _engine(engine: str, workers: int):
    if engine == "ray":
        from cantobatch.engines.ray_data import run_units

        return run_units
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    if workers > 1:
        from cantobatch.engines.pool import run_units

        return run_units
    return run_units_here


def _llm_engines(devices, config, out, ids, extractor, own_extractor, tally, on_unit_done):
    """An EnginePool of one LLM engine per GPU, when the run's model has several GPUs to use."""
    if devices is None:
        if not own_extractor or config.extractor not in LLM_EXTRACTORS:
            return None
        from cantobatch.engines.llm_pool import local_gpus

        devices = local_gpus()
        if len(devices) < 2:
            return None
    from cantobatch.engines.llm_pool import EnginePool

    def written(cite_unit: str, counts: UnitCounts) -> None:
        tally.add(counts)
        if on_unit_done:
            on_unit_done(cite_unit)

    return EnginePool(
        list(devices),
        config,
        out,
        ids,
        extractor=None if own_extractor else extractor,
        on_unit=written,
    )


def run_units_here(
    units: list[Unit],
    out: OutputDir,
    config: Config,
    corpus: Path,
    ids: RunIds,
    *,
    extractor,
    tally: Tally,
    show_progress: bool,
    batch_limit: int,
    on_unit_done: Callable[[str], None] | None,
    engines=None,
    stop: StopOnSignal | None = None,
    **_: object,
) -> None:
    """The local engine with one worker: every stage in this process, the next file parsing in
    the Reader's worker process while this one splits and extracts the last."""
    from cantobatch.ingest.reader import Reader

    batcher = Batcher(
        extractor,
        out,
        ids,
        tally,
        batch_limit,
        on_unit_done,
        engines,
        stream_limit=config.ingest.stream_passages,
    )
    with (
        Reader(config.ingest) as reader,
        RunProgress(len(units), enabled=show_progress) as bar,
    ):
        to_read = [u for u in units if u.file.status is None and not out.is_done(u.doc_unit)]
        following = dict(zip((u.file for u in to_read), to_read[1:], strict=False))

        def read(file, doc_id):
            document = reader.read(file, doc_id)
            if file in following:
                nxt = following[file]
                reader.prefetch(nxt.file, nxt.doc_id)
            return document

        for unit in units:
            if stop is not None and stop.requested:
                break  # the units in hand are finished below; the rest wait for the rerun
            passages, counts = run_document_unit(out, unit, read, config, corpus, ids.ingest_id)
            _count(tally, counts, on_unit_done, unit.doc_unit)
            if passages is None or out.is_done(unit.cite_unit):
                bar.update(1, skipped=True)
                continue
            batcher.add(unit, passages)
            bar.update(1, passages=len(passages))
        batcher.flush()


def _count(tally: Tally, counts: UnitCounts, on_unit_done, unit_name: str) -> None:
    tally.add(counts)
    if counts.documents_ingested and on_unit_done:
        on_unit_done(unit_name)


def _write_manifest(
    out: OutputDir,
    config: Config,
    identity: dict[str, str],
    units: list[Unit],
    corpus: Path,
    complete: bool,
) -> None:
    import dataclasses

    out.write_manifest(
        {
            "config": dataclasses.asdict(config),
            "extractor": identity,
            "documents": len(units),
            "corpus": os.path.realpath(corpus),
            "complete": complete,
        }
    )


def _count_tables(out: OutputDir, summary: RunSummary) -> None:
    summary.documents = out.document_statuses()
    summary.passages = out.count_rows("passages")
    summary.citations = out.count_rows("citations")
    summary.references, summary.cited_lines = out.count_references()
    summary.extraction_errors = out.count_rows("errors")
