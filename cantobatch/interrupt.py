"""Clean interrupts of a long run: Ctrl-C or SIGTERM asks the run to stop between units.

``StopOnSignal`` catches SIGINT and SIGTERM while a run holds it: the first asks the run to stop
at the next unit boundary (``requested``; finished units are kept, the current one is finished),
the second raises KeyboardInterrupt at once (the current unit is abandoned: its temp files are
removed, its marker never written). The run turns either into ``RunInterrupted`` (exit 130).
"""

from __future__ import annotations

import signal
import sys
import threading


class StopOnSignal:
    """A context manager holding SIGINT/SIGTERM handlers (only in the main thread: elsewhere,
    signals are not ours to take and ``requested`` stays False)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, announce: bool = True) -> None:
        self.requested = False
        self.announce = announce
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopOnSignal:
        if threading.current_thread() is threading.main_thread():
            for number in self.SIGNALS:
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _handle(self, number: int, frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt  # the second signal: abandon the current unit now
        self.requested = True
        if self.announce:
            name = "Ctrl-C" if number == signal.SIGINT else signal.Signals(number).name
            print(
                f"{name}: stopping after the current unit (again to stop at once)",
                file=sys.stderr,
                flush=True,
            )
