"""Hybrid: rules and LLM on every passage, combined per canto by a measured policy.

Policies (``[merge] policy``, ``config.MERGE_POLICIES``), compared on the development set in the README's accuracy table:

* ``grounded`` — every rules reference; an LLM-only canto only when the LLM extractor found its
  numeral or group name in the passage (no ``ungrounded`` flag). Rules and LLM agreeing on a canto
  give one reference with method ``rules+llm``.
* ``union`` — every reference of either method.
* ``rules_first`` — the rules' references when they found any, else the LLM's.
* ``intersection`` — only cantos both methods found.
* ``confirm`` — the rules' references only; the LLM marks those it agrees with (``rules+llm``).
  With a model whose precision is below the grammar's, this is the measured best (README).

Lines: for a canto both found, the rules' lines are kept (they are grounded in a span); under
``union`` the LLM's extra lines are added as LLM references.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cantobatch.config import Config
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.extract.base import Extractor


def merge_references(
    rules: Sequence[Reference], llm: Sequence[Reference], policy: str = "grounded"
) -> tuple[Reference, ...]:
    rules_cantos = {r.canto for r in rules}
    llm_cantos = {r.canto for r in llm}
    both = rules_cantos & llm_cantos
    if policy == "rules_first":
        return tuple(rules) if rules else tuple(llm)
    out: list[Reference] = []
    for ref in rules:
        if ref.canto in both:
            out.append(dataclasses.replace(ref, method="rules+llm"))
        elif policy != "intersection":
            out.append(ref)
    rules_lines = {(r.canto, line) for r in rules for line in r.lines}
    for ref in llm:
        if ref.canto in both:
            extra = tuple(line for line in ref.lines if (ref.canto, line) not in rules_lines)
            if policy == "union" and extra:
                out.append(dataclasses.replace(ref, lines=extra))
        elif policy == "union" or (policy == "grounded" and "ungrounded" not in ref.flags):
            out.append(ref)  # under "confirm" and "intersection" the LLM never adds a canto
    return tuple(out)


class HybridExtractor:
    name = "hybrid"

    def __init__(
        self, config: Config, rules: Extractor | None = None, llm: Extractor | None = None
    ):
        self.policy = config.merge.policy
        if rules is None:
            from cantobatch.extract.grammar.rules import RulesExtractor

            rules = RulesExtractor(config)
        if llm is None:
            from cantobatch.extract.llm import LLMExtractor

            llm = LLMExtractor(config)
        self.rules, self.llm = rules, llm

    def identity(self) -> dict[str, str]:
        rules, llm = self.rules.identity(), self.llm.identity()
        merged = {f"rules_{k}": v for k, v in rules.items() if k not in ("extractor", "method")}
        merged.update({k: v for k, v in llm.items() if k not in ("extractor", "method")})
        return {**merged, "method": "hybrid", "merge_policy": self.policy}

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        by_rules = self.rules.extract_batch(passages)
        by_llm = self.llm.extract_batch(passages)
        results = []
        for r, m in zip(by_rules, by_llm, strict=True):
            refs = merge_references(r.references, m.references if m.ok else (), self.policy)
            # An LLM failure keeps the rules' answer, and is recorded as this passage's error.
            error = r.error or (f"llm: {m.error}" if m.error else None)
            results.append(
                Extraction(
                    passage_id=r.passage_id,
                    references=refs,
                    error=error,
                    method="hybrid",
                    raw=m.raw,
                    prompt_tokens=m.prompt_tokens,
                    output_tokens=m.output_tokens,
                )
            )
        return results

    def close(self) -> None:
        self.rules.close()
        self.llm.close()
