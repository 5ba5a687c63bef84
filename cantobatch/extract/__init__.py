"""Extractors: rules (citation grammar), llm (vLLM + LoRA), quote (alignment), hybrid (merge).

``base`` is the protocol every extractor implements; ``registry.build_extractor`` builds one by
name; the grammar behind ``rules`` is the ``grammar`` package.
"""
