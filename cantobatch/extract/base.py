"""The extractor interface every method implements.

``extract_batch`` takes passages and returns one Extraction per passage, in the same order; a
passage that fails becomes an Extraction with ``error`` set, never an exception. ``identity``
names everything that changes the output (method, model, adapter, prompt, settings), so that
the pipeline can tell when earlier results are stale and the LLM cache can key on it.
Extractors are built by name in ``cantobatch.extract.registry``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cantobatch.data import Extraction, Passage


@runtime_checkable
class Extractor(Protocol):
    name: str

    def identity(self) -> dict[str, str]:
        """Everything that determines the output, as strings (stored on citation rows)."""
        ...

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]: ...

    def close(self) -> None:
        """Release engines/processes. Safe to call twice."""
        ...
