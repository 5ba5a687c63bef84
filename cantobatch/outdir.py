"""The output folder of an ``index`` run: its lock, unit markers, parts, garbage and manifest.

``OUT/<table>.parquet/<unit>.parquet`` are the parts (``index`` names the tables and schemas);
``OUT/_state/<unit>.done`` marks a unit whose parts are all written (written last); ``OUT/manifest.json``
describes the last complete run. Several writers (processes, machines of a Ray cluster) may write
parts of one run at once: every temp file carries its writer's host, pid and a random tag, and
garbage collection never deletes a temp file another live writer may still rename.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from cantobatch import index
from cantobatch.data import Passage
from cantobatch.errors import RunLockedError
from cantobatch.files import atomic_path, atomic_write_text, file_sha256, temp_owner, writer_host

STATE_DIR = "_state"
LOCK_FILE = ".cantobatch.lock"
# A temp file of another machine (whose pids cannot be checked) is garbage only past this age.
FOREIGN_TEMP_AGE_S = 6 * 3600.0
PASSAGE_FIELDS = [f.name for f in dataclasses.fields(Passage)]


class OutputDir:
    """``OUT`` of an index run. Cheap to construct and picklable (a path), so every worker of a
    run (a process, a Ray task or actor) builds its own and writes its units' parts through it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"OutputDir({str(self.path)!r})"

    def __reduce__(self):
        return (OutputDir, (str(self.path),))

    @property
    def state(self) -> Path:
        return self.path / STATE_DIR

    def create(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)

    # -- the lock ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on OUT for the run; refuse a second concurrent run clearly.

        ``flock`` is released by the kernel when the process dies, so a killed run never leaves a
        stale lock behind. Only the run's driver holds it; its workers write under it.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        handle = open(self.path / LOCK_FILE, "a+")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise RunLockedError(
                f"another cantobatch run (pid {holder}) is writing to {self.path}; "
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

    # -- units --------------------------------------------------------------------------------

    def marker(self, unit: str) -> Path:
        return self.state / f"{unit}.done"

    def is_done(self, unit: str) -> bool:
        return self.marker(unit).exists()

    def mark_done(self, unit: str, info: dict[str, Any]) -> None:
        atomic_write_text(self.marker(unit), json.dumps(info, sort_keys=True))

    def indexed_sources(self) -> set[str]:
        """The sources of the documents this folder holds (its document units' markers)."""
        sources = set()
        for marker in self.state.glob("*.done") if self.state.is_dir() else ():
            try:
                info = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if "status" in info and "source" in info:
                sources.add(info["source"])
        return sources

    def manifest(self) -> dict[str, Any]:
        """The last run's manifest ({} when there is none or it cannot be read)."""
        try:
            return json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def mark_retry(self, unit: str, info: dict[str, Any]) -> None:
        """A unit whose failure may be transient: not done, the next run tries again; ``info``
        counts the ``attempts``."""
        atomic_write_text(self.state / f"{unit}.retry", json.dumps(info, sort_keys=True))

    def attempts(self, unit: str) -> int:
        """How many times a unit has failed transiently (its ``.retry`` marker), 0 if never."""
        try:
            info = json.loads((self.state / f"{unit}.retry").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        return int(info.get("attempts", 0))

    def write_part(self, table: str, unit: str, rows: Sequence[dict[str, Any]]) -> Path:
        return index.write_part(self.path, table, unit, rows)

    def write_unit(
        self, unit: str, parts: dict[str, Sequence[dict[str, Any]]], info: dict[str, Any]
    ) -> None:
        """Write a unit's parts (table → rows), then its done-marker: the marker comes last, so a
        unit with a marker is always whole."""
        written = {table: self.write_part(table, unit, rows) for table, rows in parts.items()}
        # each part's size and sha256, so a rerun (and --verify) can tell a damaged part
        records = {table: _part_record(path) for table, path in written.items()}
        self.mark_done(unit, {**info, "parts": records})

    def write_unit_streamed(
        self, unit: str, pieces: Iterable[dict[str, Sequence[dict[str, Any]]]], info: dict[str, Any]
    ) -> None:
        """``write_unit`` for rows that come in pieces (table → rows each): every piece is a row
        group of the unit's parts, written as it comes; the marker counts the citations."""
        import pyarrow.parquet as pq

        writers: dict[str, Any] = {}
        rows = 0
        with contextlib.ExitStack() as stack:
            for piece in pieces:
                for table, piece_rows in piece.items():
                    if table not in writers:
                        final = self.path / f"{table}.parquet" / f"{unit}.parquet"
                        final.parent.mkdir(parents=True, exist_ok=True)
                        tmp = stack.enter_context(atomic_path(final, fsync=True))
                        writers[table] = stack.enter_context(
                            pq.ParquetWriter(tmp, index.SCHEMAS[table], compression="zstd")
                        )
                    writers[table].write_table(index.to_table(piece_rows, index.SCHEMAS[table]))
                rows += len(piece.get("citations", ()))
            # the writers close (footers written) before their files are renamed
        records = {
            table: _part_record(self.path / f"{table}.parquet" / f"{unit}.parquet")
            for table in writers
        }
        self.mark_done(unit, {**info, "citations": rows, "parts": records})

    def check_unit(self, unit: str) -> str | None:
        """None when a done unit's parts are as its marker records them; else what is wrong."""
        try:
            info = json.loads(self.marker(unit).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return f"{self.marker(unit)}: the done-marker cannot be read"
        for table, want in sorted(info.get("parts", {}).items()):
            path = self.path / f"{table}.parquet" / f"{unit}.parquet"
            try:
                size = path.stat().st_size
            except OSError:
                return f"{path}: missing"
            if size != want["bytes"]:
                return f"{path}: {size} bytes, not the {want['bytes']} written (truncated?)"
            if file_sha256(path) != want["sha256"]:
                return f"{path}: damaged (its sha256 is not the one written)"
        return None

    def repair(self, units: Iterable[str]) -> list[str]:
        """Un-mark the done units among ``units`` whose parts are missing or damaged, so that the
        run redoes them (a document unit's citation unit is redone with it). Returns what was
        wrong, one line per unit."""
        problems = []
        for unit in units:
            if self.is_done(unit) and (problem := self.check_unit(unit)) is not None:
                self.marker(unit).unlink(missing_ok=True)
                problems.append(problem)
        return problems

    def verify(self) -> tuple[int, list[str]]:
        """Check every done unit's parts and look for stray temp files, changing nothing.
        Returns the number of units checked and the problems found."""
        markers = sorted(self.state.glob("*.done")) if self.state.is_dir() else []
        problems = [p for m in markers if (p := self.check_unit(m.name[: -len(".done")]))]
        for name in index.ALL_TABLES:
            directory = self.path / f"{name}.parquet"
            for part in sorted(directory.iterdir()) if directory.is_dir() else ():
                if part.name.startswith(".") and _stale_temp(part):
                    problems.append(
                        f"{part}: a temp file its writer left (the next run removes it)"
                    )
        return len(markers), problems

    def read_passages(self, doc_unit: str) -> list[Passage]:
        """The passages a done document unit wrote."""
        part = self.path / "passages.parquet" / f"{doc_unit}.parquet"
        # ParquetFile, not read_table: the latter imports pyarrow.dataset (and pandas), ~1 s.
        rows = pq.ParquetFile(part).read(columns=PASSAGE_FIELDS).to_pylist()
        return [Passage(**row) for row in rows]

    # -- after a complete run --------------------------------------------------------------------

    def collect_garbage(self, keep: Iterable[str]) -> int:
        """Delete parts and markers of units not in ``keep`` (stale settings, removed files) and
        temp files of dead writers. Returns the number of parts (and temp files) removed.

        A temp file is deleted only when its writer is gone: on this host, a pid no longer alive;
        from another host (a Ray worker), older than ``FOREIGN_TEMP_AGE_S``.
        """
        keep = set(keep)
        removed = 0
        for name in index.ALL_TABLES:
            directory = self.path / f"{name}.parquet"
            if not directory.is_dir():
                continue
            for part in directory.iterdir():
                if part.name.startswith("."):
                    if _stale_temp(part):
                        part.unlink(missing_ok=True)
                        removed += 1
                elif part.suffix != ".parquet" or part.stem not in keep:
                    part.unlink(missing_ok=True)
                    removed += 1
        for marker in self.state.iterdir() if self.state.is_dir() else ():
            if marker.name.startswith("."):
                if _stale_temp(marker):
                    marker.unlink(missing_ok=True)
            elif marker.name.split(".", 1)[0] not in keep:
                marker.unlink(missing_ok=True)
        return removed

    def remove_stale_temps(self) -> int:
        """Delete the temp files of writers that are gone (a killed worker's), nothing else."""
        removed = 0
        folders = [self.path / f"{name}.parquet" for name in index.ALL_TABLES] + [self.state]
        for folder in folders:
            for path in folder.glob(".*") if folder.is_dir() else ():
                if _stale_temp(path):
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        from cantobatch import __version__

        record = {"cantobatch": __version__, "schema_version": index.SCHEMA_VERSION, **manifest}
        atomic_write_text(
            self.path / "manifest.json", json.dumps(record, indent=2, sort_keys=True, default=str)
        )

    # -- reading back -----------------------------------------------------------------------------

    def document_statuses(self) -> Counter:
        # Part by part, without pyarrow.dataset (whose import alone costs more than a rerun).
        return Counter(
            str(status)
            for part in (self.path / "documents.parquet").glob("*.parquet")
            for status in pq.ParquetFile(part).read(columns=["status"]).column("status").to_pylist()
        )

    def count_rows(self, table: str) -> int:
        return index.count_rows(self.path, table)

    def count_references(self) -> tuple[int, int]:
        return index.count_references(self.path)


def error_row(passage: Passage, method: str, error: str, run_id: str) -> dict[str, Any]:
    """A row of ``errors.parquet``: a passage whose extraction failed, and why."""
    return {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "source": passage.source,
        "method": method,
        "error": error,
        "run_id": run_id,
    }


def _part_record(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "sha256": file_sha256(path)}


def _stale_temp(path: Path) -> bool:
    owner = temp_owner(path.name)
    if owner is None:  # an older name (``.x.tmp-<pid>``) or a stray dot-file: by age
        return _age(path) > FOREIGN_TEMP_AGE_S
    host, pid = owner
    if host != writer_host():
        return _age(path) > FOREIGN_TEMP_AGE_S
    return not _alive(pid)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
