"""Reading: SourceFile → Document, every file parsed in a persistent worker process.

``Reader`` sends each file (PDF, HTML, text) to a child process (``cantobatch.ingest.worker``),
so that a per-file time limit (``IngestConfig.parse_timeout_s``) can kill a hung parse and a
native crash costs one file; ``prefetch`` lets the worker parse the next file while this process
works on the last. A problem of one file becomes the Document's status, never an exception.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cantobatch.config import IngestConfig
from cantobatch.data import Document, Page, Region, sha256_hex
from cantobatch.errors import IngestError
from cantobatch.files import file_sha256, read_regular_bytes
from cantobatch.ingest.discover import SourceFile, unreadable_id
from cantobatch.ingest.worker import HEADER, QUICK_EXIT, decode, encode


def _failed(file: SourceFile, doc_id: str, status: str, error: str | None, **extra) -> Document:
    return Document(
        doc_id=doc_id,
        source=file.source,
        kind=file.kind,
        status=status,
        bytes=file.size,
        error=error,
        **extra,
    )


class _Worker:
    """A child Python process running ``cantobatch.ingest.worker.serve``: requests and results are
    length-prefixed pickles over its stdin/stdout (``worker.encode``). A plain subprocess rather than multiprocessing:
    it never re-imports the caller's ``__main__`` (scripts without a main guard, notebooks)."""

    def __init__(self, startup_timeout_s: float) -> None:
        import cantobatch

        env = dict(os.environ)
        package_root = str(Path(cantobatch.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            # (no interpreter teardown at the end: the Reader's close waits for the exit)
            [
                sys.executable,
                "-c",
                "from cantobatch.ingest.worker import serve; serve()" + QUICK_EXIT,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
            # its own session: Ctrl-C on the terminal reaches the run, which stops the worker
            # itself (no KeyboardInterrupt traceback from the child, no half-parsed file)
            start_new_session=True,
        )
        self.startup_timeout_s, self.started = startup_timeout_s, False  # see wait_started

    def wait_started(self) -> None:
        """Wait for the process's "ready" (its imports done), once; IngestError if it fails."""
        if self.started:
            return
        if self.receive(self.startup_timeout_s) != "ready":  # (the Reader kills it)
            raise IngestError(
                "the parse worker process did not start (see the error above); "
                "check that pypdfium2, pypdf, bs4 and lxml are installed: pip install -e ."
            )
        self.started = True

    def send(self, request) -> None:
        self.process.stdin.write(encode(request))

    def receive(self, timeout_s: float):
        """The next message; ``_TIMED_OUT`` if none within ``timeout_s``; EOFError if it died."""
        deadline = time.monotonic() + timeout_s
        header = self._read_exact(HEADER.size, deadline)
        if header is None:
            return _TIMED_OUT
        (length,) = HEADER.unpack(header)
        body = self._read_exact(length, deadline + 60)  # once it answers, the rest follows
        if body is None:
            return _TIMED_OUT
        return decode(body)

    def _read_exact(self, count: int, deadline: float) -> bytes | None:
        fd = self.process.stdout.fileno()
        chunks, missing = [], count
        while missing:
            # An answer already waiting is taken even past the deadline: the parse finished.
            remaining = max(0.0, deadline - time.monotonic())
            if not select.select([fd], [], [], remaining)[0]:
                return None
            chunk = os.read(fd, min(missing, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.stdin.close()  # the worker exits at end of input
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process.stdout.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError, ValueError):
                pipe.close()


_TIMED_OUT = object()


@dataclass
class _Job:
    """A file sent to the worker: what to send, and how its answer becomes a Document."""

    file: SourceFile
    request: tuple
    finish: Callable[[object], Document]  # the worker's answer → the Document
    failed: Callable[[str, str], object]  # (status, error) → an answer, when the worker fails
    sent: float = 0.0  # time.monotonic() when sent: the time limit counts from here
    broken: bool = False  # the worker died as the request was sent


class Reader:
    """Reads SourceFiles into Documents, each parsed in a persistent worker process under a time
    limit (``IngestConfig.parse_timeout_s``); a timed-out or crashed worker is replaced.

    ``prefetch(file)`` sends the next file to the worker at once, so that it parses while this
    process splits and extracts the previous one; ``read(file)`` then collects it. Use as a context
    manager (or call ``close``).
    """

    STARTUP_TIMEOUT_S = 120.0

    def __init__(self, config: IngestConfig | None = None) -> None:
        self.config = config or IngestConfig()
        self._worker: _Worker | None = None
        self._pending: _Job | None = None  # the one file in the worker's hands
        self._ready: dict[SourceFile, Document] = {}  # prefetched, not yet read

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is not None and self._worker is not None:
            self._worker.kill()  # interrupted or failed: do not wait for the parse in hand
            self._worker = None
        self.close()

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker process (it is started again if ``read`` is called later)."""
        worker, self._worker = getattr(self, "_worker", None), None
        self._pending, self._ready = None, {}
        if worker is not None:
            worker.close()

    def start(self) -> None:
        """Start the parse process now, without waiting for it (otherwise the first read starts
        it): its imports then overlap whatever the caller does before reading. The first file
        sent waits for its "ready", so the time limit never counts the start."""
        if self._worker is None:
            self._worker = _Worker(self.STARTUP_TIMEOUT_S)

    def _start_worker(self) -> None:
        """Start the parse process if need be, and wait for its "ready"."""
        self.start()
        try:
            self._worker.wait_started()
        except BaseException:
            self._worker.kill()
            self._worker = None  # the next read starts another
            raise

    def _delay_for(self, file: SourceFile) -> float:
        """Seconds the worker waits before parsing ``file``: 0, except in tests of the time limit
        (which override this); a delay goes to the worker as a ``sleep`` message of its own."""
        return 0.0

    def read(self, file: SourceFile, doc_id: str | None = None) -> Document:
        """The Document for ``file``; every problem of the file is a status, never an exception.

        ``doc_id``: the file's sha256 when the caller has hashed it already (the run's plan does),
        so that the file is not hashed again here."""
        if self._pending is not None:
            if self._pending.file == file:
                return self._collect()
            other = self._pending.file
            self._ready[other] = self._collect()  # free the worker; read(other) returns it
        if file in self._ready:
            return self._ready.pop(file)
        job = self._prepare(file, doc_id)
        if isinstance(job, Document):
            return job
        self._send(job)
        return self._collect()

    def prefetch(self, file: SourceFile, doc_id: str | None = None) -> None:
        """Start reading ``file`` now, if the worker is free; ``read(file)`` returns the result."""
        if self._pending is not None or file in self._ready:
            return
        job = self._prepare(file, doc_id)
        if isinstance(job, Document):
            self._ready[file] = job
        else:
            self._send(job)

    def _send(self, job: _Job) -> None:
        self._start_worker()
        job.sent = time.monotonic()
        self._pending = job
        delay = self._delay_for(job.file)
        try:
            if delay:
                self._worker.send(("sleep", delay))
            self._worker.send(job.request)
        except OSError:  # the worker died (it is reported when the answer is collected)
            job.broken = True

    def _collect(self) -> Document:
        """The pending file's Document: the worker's answer, or a timeout or crash status."""
        job, self._pending = self._pending, None
        file, limit = job.file, self.config.parse_timeout_s
        try:
            if job.broken:
                raise EOFError
            answer = self._worker.receive(job.sent + limit - time.monotonic())
        except (EOFError, OSError):
            code = self._worker.process.poll()
            return self._lose_worker(
                job,
                "error",
                f"{file.source}: the {file.kind.upper()} parser crashed (exit code {code}); "
                "the file is probably damaged",
            )
        if answer is _TIMED_OUT:
            return self._lose_worker(
                job,
                "timeout",
                f"{file.source}: parsing took longer than ingest.parse_timeout_s={limit:g}s; "
                "the parse was killed (raise the limit if the file is just large)",
            )
        return job.finish(answer)

    def _lose_worker(self, job: _Job, status: str, error: str) -> Document:
        """Kill the worker (a new one starts for the next file); the job's file gets ``status``."""
        self._worker.kill()
        self._worker = None
        return dataclasses.replace(job.finish(job.failed(status, error)), retry=True)

    def _prepare(self, file: SourceFile, known_id: str | None = None) -> Document | _Job:
        """A Document when the file needs no parsing (a status says why), else its worker job."""

        def hashed() -> str:
            try:
                return known_id or file_sha256(file.path)
            except OSError:
                return unreadable_id(file.source)

        if file.status is not None:
            unreadable = file.status in ("unreadable", "symlink_loop")
            doc_id = unreadable_id(file.source) if unreadable else hashed()
            return _failed(file, doc_id, file.status, file.error)
        if file.size > self.config.max_bytes:
            return _failed(
                file,
                hashed(),
                "too_large",
                f"{file.source}: {file.size} bytes is above ingest.max_bytes="
                f"{self.config.max_bytes}; raise it in the config to read this file",
            )
        try:
            if file.kind == "pdf":  # the worker reads the file itself: only hash it here
                return self._pdf_job(file, known_id or file_sha256(file.path))
            data = read_regular_bytes(file.path)
        except OSError as exc:
            return _failed(
                file,
                unreadable_id(file.source),
                "unreadable",
                f"{file.source}: {exc.strerror or exc}",
            )
        doc_id = sha256_hex(data) if known_id is None else known_id
        if file.path.suffix.lower() == ".pdf":
            what = "an HTML page" if file.kind == "html" else "not a PDF (no %PDF- header)"
            return _failed(
                file,
                doc_id,
                "not_pdf",
                f"{file.source}: named .pdf but its bytes are {what}; "
                "fetch the real PDF or rename the file to its true type",
            )
        if file.kind in ("html", "text"):
            return _Job(
                file,
                (file.kind, (data, doc_id), file.source, ()),
                finish=lambda document: document,
                failed=lambda status, error: _failed(file, doc_id, status, error),
            )
        return _failed(file, doc_id, "unsupported", f"{file.source}: unsupported file type")

    def _pdf_job(self, file: SourceFile, doc_id: str) -> _Job:
        from cantobatch.ingest.pdf import PdfResult

        def finish(result: PdfResult) -> Document:
            return Document(
                doc_id=doc_id,
                source=file.source,
                kind="pdf",
                status=result.status,
                bytes=file.size,
                text=result.text,
                pages=tuple(Page(*span) for span in result.pages),
                error=result.error,
                title=result.title,
                reader=result.reader,
                regions=tuple(Region(*region) for region in result.regions),
                furniture_lines=result.furniture_lines,
                bib=result.bib,
            )

        options = (self.config.max_pages, self.config.strip_headers, self.config.columns)
        return _Job(
            file,
            ("pdf", str(file.path), file.source, options),
            finish=finish,
            failed=lambda status, error: PdfResult(status=status, error=error),
        )


def read(file: SourceFile, config: IngestConfig | None = None) -> Document:
    """Read one file. For many files use a ``Reader``: it keeps its PDF worker between files."""
    with Reader(config) as reader:
        return reader.read(file)
