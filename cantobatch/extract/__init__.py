"""Extractors: rules (citation grammar), llm (vLLM + LoRA), quote (alignment), hybrid (merge)."""

from cantobatch.extract.base import Extractor, build_extractor

__all__ = ["Extractor", "build_extractor"]
