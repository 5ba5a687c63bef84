"""One progress helper for every long loop.

On a terminal: tqdm bars on stderr. Anywhere else (a log file, a pipe, a CI job): no bars, whose
``\\r`` redraws turn a log into one endless line; instead the index run prints one plain line at a
steady interval (``RunProgress``: documents, passages, passages/s, ETA), every 30 s unless
``$CANTOBATCH_PROGRESS_INTERVAL`` (seconds) says otherwise. ``enabled=False`` silences both.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import IO, Any

from cantobatch.errors import ConfigError

INTERVAL_ENV = "CANTOBATCH_PROGRESS_INTERVAL"
DEFAULT_INTERVAL_S = 30.0


class _Silent:
    def __init__(self, iterable: Iterable | None = None) -> None:
        self._iterable = iterable

    def __iter__(self):
        return iter(self._iterable or ())

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        return None

    def close(self) -> None:
        return None


def is_terminal(stream: IO | None = None) -> bool:
    """Whether ``stream`` (default stderr) is a terminal, where bars redraw in place."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def progress(iterable: Iterable | None = None, *, enabled: bool = True, **kwargs: Any):
    """A tqdm bar (rates and ETA on stderr) when ``enabled`` and stderr is a terminal, else a
    silent stand-in (off a terminal the run's plain lines report instead, see RunProgress)."""
    if not enabled or not is_terminal(kwargs.get("file")):
        return _Silent(iterable)
    from tqdm.auto import tqdm

    kwargs.setdefault("file", sys.stderr)
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("smoothing", 0.1)
    return tqdm(iterable, **kwargs)


def interval_from_env() -> float:
    """Seconds between plain progress lines: ``$CANTOBATCH_PROGRESS_INTERVAL``, else 30."""
    raw = os.environ.get(INTERVAL_ENV, "").strip()
    if not raw:
        return DEFAULT_INTERVAL_S
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigError(
            f"{INTERVAL_ENV}={raw!r} is not a positive number of seconds; "
            f"unset it (default {DEFAULT_INTERVAL_S:g}) or set e.g. {INTERVAL_ENV}=60"
        )
    return value


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class RunProgress:
    """The index run's progress over its documents.

    On a terminal, a tqdm bar with the passages as its postfix. Elsewhere, a thread prints
    ``progress: 120/200 documents (60%), 4512 passages, 85.3 passages/s, 0:00:53 elapsed, ETA
    0:00:35`` every ``interval`` seconds, whether or not a document finished meanwhile (a long LLM
    batch still shows the run is alive). The ETA counts only documents worked on in this run:
    documents a rerun skips are done at once and would make it too short.
    """

    def __init__(
        self,
        total: int,
        *,
        enabled: bool = True,
        stream: IO | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.documents = 0  # done, skipped included
        self.worked = 0  # done by this run
        self.passages = 0  # passages read by this run
        self.lines = 0  # plain lines printed
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._bar = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        if not enabled:
            return
        if is_terminal(stream):
            self._bar = progress(total=total, desc="documents", unit="doc", file=stream)
            return
        self.interval = interval_from_env() if interval is None else interval
        self._thread = threading.Thread(target=self._tick, name="cantobatch-progress", daemon=True)
        self._thread.start()

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, documents: int = 1, *, passages: int = 0, skipped: bool = False) -> None:
        self.documents += documents
        self.passages += passages
        if not skipped:
            self.worked += documents
        if self._bar is not None:
            self._bar.update(documents)
            if passages:
                self._bar.set_postfix(passages=self.passages, refresh=False)

    def line(self) -> str:
        """The plain progress line for now."""
        elapsed = max(self._clock() - self._started, 1e-9)
        share = f" ({self.documents / self.total:.0%})" if self.total else ""
        remaining = self.total - self.documents
        if not remaining:
            eta = "done"
        elif self.worked:
            eta = "ETA " + _clock(elapsed / self.worked * remaining)
        else:
            eta = "ETA unknown"
        return (
            f"progress: {self.documents}/{self.total} documents{share}, {self.passages} passages, "
            f"{self.passages / elapsed:.1f} passages/s, {_clock(elapsed)} elapsed, {eta}"
        )

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            print(self.line(), file=self._stream or sys.stderr, flush=True)
            self.lines += 1

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
