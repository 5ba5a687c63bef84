"""The extractor interface every method implements.

``extract_batch`` takes passages and returns one Extraction per passage, in the same order; a
passage that fails becomes an Extraction with ``error`` set, never an exception. ``identity``
names everything that changes the output (method, model, adapter, prompt, settings), so that
the pipeline can tell when earlier results are stale and the LLM cache can key on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cantobatch.data import Extraction, Passage, sha256_hex

if TYPE_CHECKING:
    from cantobatch.config import Config

EXTRACTOR_NAMES = ("rules", "llm", "hybrid", "quote")


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


def identity_hash(identity: dict[str, str]) -> str:
    return sha256_hex(repr(sorted(identity.items())), 16)


def build_extractor(name: str, config: Config) -> Extractor:
    """Construct an extractor from its name and the run's config alone (so a Ray worker can too)."""
    from cantobatch.errors import ConfigError

    if name == "rules":
        from cantobatch.extract.rules import RulesExtractor

        extractor: Extractor = RulesExtractor(config)
    elif name == "llm":
        from cantobatch.extract.llm import LLMExtractor

        extractor = LLMExtractor(config)
    elif name == "hybrid":
        from cantobatch.extract.merge import HybridExtractor

        extractor = HybridExtractor(config)
    elif name == "quote":
        from cantobatch.extract.quote import QuoteExtractor

        extractor = QuoteExtractor(config)
    else:
        raise ConfigError(f"unknown extractor {name!r}; choose one of {', '.join(EXTRACTOR_NAMES)}")
    if (config.quote.cantos_text or config.quote.concordance) and name != "quote":
        # With the poem's text, quotation alignment runs alongside and resolves line numbers;
        # a page concordance alone still turns canto/page citations into lines.
        from cantobatch.extract.quote import WithPoemText

        extractor = WithPoemText(extractor, config)
    return extractor
