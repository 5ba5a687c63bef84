"""The local engine with N unit workers (``index --workers N``): every core of one machine.

Each worker is a child Python process (``serve``) that runs whole units: it reads a file through
its own ``Reader`` (whose parse process keeps the per-file time limit), splits it, writes the
document unit, and, for the CPU extractors (rules, quote), extracts and writes the citation unit
too. For an LLM extractor (and an extractor passed in by the caller) the workers send the
passages back and this process batches them across documents for the one model, as the
in-process engine does. The driver keeps two units queued per worker, so a worker's parse process
reads the next file while the worker splits and extracts the last.

Plain subprocesses over length-prefixed pickles (like the Reader's), not multiprocessing: nothing
re-imports the caller's ``__main__``, and a worker exits when its input closes, so a killed
driver leaves no workers behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import subprocess
import sys
import traceback
from collections import deque
from pathlib import Path

from cantobatch.config import LLM_EXTRACTORS, Config
from cantobatch.errors import CantobatchError
from cantobatch.ingest.worker import QUICK_EXIT, child_pipe, encode, read_message
from cantobatch.outdir import OutputDir
from cantobatch.progress import RunProgress
from cantobatch.stages import (
    RunIds,
    Tally,
    Unit,
    extract_citation_unit,
    run_document_unit,
)

QUEUED_PER_WORKER = 2  # units sent ahead to each worker: its parse process prefetches the next


def default_workers() -> int:
    """The machine's cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def extracts_in_workers(config: Config, injected: bool) -> bool:
    """Whether unit workers extract (the CPU extractors) or send passages back (an LLM's batches)."""
    return not injected and config.extractor not in LLM_EXTRACTORS


class _Child:
    """A unit worker process and its pipes."""

    def __init__(
        self,
        code: str = "from cantobatch.engines.pool import serve; serve()" + QUICK_EXIT,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        import cantobatch

        env = {**os.environ, **(extra_env or {})}
        package_root = str(Path(cantobatch.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
            # its own session: the terminal's Ctrl-C reaches only the driver, which stops the
            # workers itself (see cantobatch.interrupt)
            start_new_session=True,
        )
        self.fd = self.process.stdout.fileno()
        self.queued: deque[int] = deque()  # indices of units sent, in order

    def send(self, message) -> None:
        self.process.stdin.write(encode(message))

    def receive(self):
        message = read_message(self.fd, missing=_ENDED)
        if message is _ENDED:
            code = self.process.wait()
            raise CantobatchError(
                f"a unit worker process died (exit code {code}; see the error above); "
                "rerun to resume, or run with --workers 1"
            )
        return message

    def end_input(self) -> None:
        """Close the worker's input: it finishes and exits (``close`` waits for it)."""
        with contextlib.suppress(OSError, ValueError):
            self.process.stdin.close()

    def close(self) -> None:
        self.end_input()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


_ENDED = object()  # a worker's output ended: it died


def close_all(children: list[_Child]) -> None:
    """Stop child processes: every one told first, so that they exit side by side."""
    for child in children:
        child.end_input()
    for child in children:
        child.close()


def run_units(
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
    on_unit_done,
    workers: int,
    injected: bool = False,
    engines=None,
    stop=None,
    **_: object,
) -> None:
    """Run the plan's units on ``workers`` unit worker processes (see the module docstring)."""
    from cantobatch.engines.batching import Batcher

    here = not extracts_in_workers(config, injected)
    batcher = (
        Batcher(
            extractor,
            out,
            ids,
            tally,
            batch_limit,
            on_unit_done,
            engines,
            stream_limit=config.ingest.stream_passages,
        )
        if here
        else None
    )
    todo = deque()
    with RunProgress(len(units), enabled=show_progress) as bar:
        for i, unit in enumerate(units):
            if out.is_done(unit.doc_unit) and out.is_done(unit.cite_unit):
                bar.update(1, skipped=True)
            else:
                todo.append(i)
        if not todo:
            return
        children = [_Child() for _ in range(min(workers, len(todo)))]
        try:
            for child in children:
                if child.receive() != "ready":
                    raise CantobatchError(
                        "a unit worker process did not start; see the error above"
                    )
                child.send(("setup", config, str(corpus), str(out.path), ids, not here))

            def refill(child: _Child) -> None:
                if stop is not None and stop.requested:
                    return  # Ctrl-C: the units in hand are finished, no new one starts
                while todo and len(child.queued) < QUEUED_PER_WORKER:
                    i = todo.popleft()
                    child.queued.append(i)
                    child.send(("unit", units[i]))

            for child in children:
                refill(child)
            by_fd = {child.fd: child for child in children}
            while any(child.queued for child in children):
                ready, _, _ = select.select([c.fd for c in children if c.queued], [], [])
                for fd in ready:
                    child = by_fd[fd]
                    answer = child.receive()
                    if answer[0] == "oserror":  # a full disk: the run's one-line message
                        raise OSError(answer[1], answer[2])
                    if answer[0] == "error":
                        raise CantobatchError(f"a unit worker failed:\n{answer[1]}")
                    _, doc_counts, passages, cite_counts, n_passages = answer
                    unit = units[child.queued.popleft()]
                    refill(child)
                    tally.add(doc_counts)
                    if doc_counts.documents_ingested and on_unit_done:
                        on_unit_done(unit.doc_unit)
                    if cite_counts is not None:
                        tally.add(cite_counts)
                        if on_unit_done:
                            on_unit_done(unit.cite_unit)
                    elif passages is not None and batcher is not None:
                        batcher.add(unit, passages)
                    if passages is None and cite_counts is None:
                        bar.update(1, skipped=True)
                    else:
                        bar.update(1, passages=n_passages)
            if batcher is not None:
                batcher.flush()
        except KeyboardInterrupt:
            for child in children:  # a second Ctrl-C: do not wait for their units
                child.process.kill()
            raise
        finally:
            close_all(children)


def serve() -> None:
    """A unit worker: a setup message, then units, each answered when done, until end of input."""
    from cantobatch.ingest.reader import Reader

    out_pipe = child_pipe()

    setup = read_message(0)
    if setup is None:
        return
    _, config, corpus, out_path, ids, extract = setup
    corpus, out = Path(corpus), OutputDir(out_path)
    extractor = None
    queue: deque[Unit] = deque()
    with Reader(config.ingest) as reader:
        while True:
            if not queue:
                message = read_message(0)
                if message is None:
                    break
                queue.append(message[1])
            while select.select([0], [], [], 0)[0]:  # units already sent: prefetch the next
                message = read_message(0)
                if message is None:
                    break
                queue.append(message[1])
            unit = queue.popleft()
            read = read_ahead(reader, out, queue[0] if queue else None)
            try:
                passages, doc_counts = run_document_unit(
                    out, unit, read, config, corpus, ids.ingest_id
                )
                cite_counts = None
                if extract and passages is not None:
                    if extractor is None:
                        extractor = quiet_extractor(config)
                    cite_counts = extract_citation_unit(
                        out, unit, passages, extractor, ids, config.ingest.stream_passages
                    )
                    answer = ("done", doc_counts, None, cite_counts, len(passages))
                else:
                    answer = ("done", doc_counts, passages, None, len(passages or ()))
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                    out_pipe.write(encode(("error", traceback.format_exc())))
                else:
                    out_pipe.write(encode(("oserror", exc.errno, os.strerror(exc.errno))))
                break
            except Exception:  # a bug, not a bad file (those are statuses): stop the run
                out_pipe.write(encode(("error", traceback.format_exc())))
                break
            out_pipe.write(encode(answer))
    if extractor is not None:
        extractor.close()


def read_ahead(reader, out: OutputDir, following: Unit | None):
    """``reader.read`` that, once its file is read, sends ``following`` (this worker's next unit)
    to the parse process, which parses it while this process splits and extracts."""

    def read(file, doc_id):
        document = reader.read(file, doc_id)
        if (
            following is not None
            and following.file.status is None
            and not out.is_done(following.doc_unit)
        ):
            reader.prefetch(following.file, following.doc_id)
        return document

    return read


def quiet_extractor(config: Config):
    """The config's extractor, without progress output (a worker's: the driver shows progress)."""
    from cantobatch.engines.batching import set_progress
    from cantobatch.extract.registry import build_extractor

    extractor = build_extractor(config.extractor, config)
    set_progress(extractor, False)
    return extractor
