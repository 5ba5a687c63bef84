"""The extractor interface every method implements, and ``extract_each``: the per-passage error
contract for extractors that read each passage alone.

``extract_batch`` takes passages and returns one Extraction per passage, in the same order; a
passage that fails becomes an Extraction with ``error`` set, never an exception. ``identity``
names everything that changes the output (method, model, adapter, prompt, settings), so that
the pipeline can tell when earlier results are stale and the LLM cache can key on it.
Extractors are built by name in ``cantobatch.extract.registry``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

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


def failure(exc: Exception, what: str = "") -> str:
    """How a passage's failure is recorded: ``"<what> failed: "`` (when given), the exception's
    type and message."""
    return f"{what + ' failed: ' if what else ''}{type(exc).__name__}: {exc}"


def extract_each(
    passages: Sequence[Passage],
    read: Callable[[str], Any],
    method: str,
    what: str = "",
    with_meta: bool = False,
) -> list[Extraction]:
    """``extract_batch`` for an extractor that reads each passage's text alone: one Extraction
    per passage, in order; a passage whose reading raises is recorded (``failure``) and the batch
    goes on. ``read`` gives the references, or with ``with_meta`` (references, meta dict)."""
    results = []
    for passage in passages:
        try:
            found = read(passage.text)
            refs, meta = (tuple(found[0]), found[1]) if with_meta else (tuple(found), {})
        except Exception as exc:  # one bad passage is recorded, never fatal to the batch
            results.append(Extraction(passage.passage_id, error=failure(exc, what), method=method))
            continue
        results.append(Extraction(passage.passage_id, refs, method=method, meta=meta))
    return results
