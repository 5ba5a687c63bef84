"""Extractors by name: ``build_extractor(name, config)`` and the hash of an extractor's identity.

The names are ``config.EXTRACTOR_NAMES``; each extractor's module is imported only when built, so
naming one costs nothing and a Ray worker builds its extractor from the config alone.
"""

from __future__ import annotations

from cantobatch.config import EXTRACTOR_NAMES, Config
from cantobatch.data import sha256_hex
from cantobatch.errors import ConfigError
from cantobatch.extract.base import Extractor


def identity_hash(identity: dict[str, str]) -> str:
    """A short name for everything that determines an extractor's output (see ``identity``)."""
    return sha256_hex(repr(sorted(identity.items())), 16)


def build_extractor(name: str, config: Config) -> Extractor:
    """Construct an extractor from its name and the run's config alone (so a Ray worker can too)."""
    if name == "rules":
        from cantobatch.extract.grammar.rules import RulesExtractor

        extractor: Extractor = RulesExtractor(config)
    elif name == "llm":
        from cantobatch.extract.llm import LLMExtractor

        extractor = LLMExtractor(config)
    elif name == "hybrid" and config.merge.policy == "cascade":
        from cantobatch.extract.cascade import CascadeExtractor

        return CascadeExtractor(config)  # (it reads the poem's text itself, before routing)
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
