"""One progress helper for every long loop: tqdm on stderr, switched off by ``enabled=False``."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any


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


def progress(iterable: Iterable | None = None, *, enabled: bool = True, **kwargs: Any):
    """A tqdm bar (rates and ETA on stderr) when ``enabled``, else a silent stand-in."""
    if not enabled:
        return _Silent(iterable)
    from tqdm.auto import tqdm

    kwargs.setdefault("file", sys.stderr)
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("smoothing", 0.1)
    return tqdm(iterable, **kwargs)
