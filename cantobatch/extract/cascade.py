"""The cascade (``[merge] policy = "cascade"``): the LLM reads only what the grammar cannot settle.

Two stages, so that a caller batching across documents can count only the passages that will
reach the model (``pipeline.run_index`` does):

1. ``first_stage(passages)``: the grammar on every passage (with the quotation aligner and the page
   concordance when the poem's text is given), then the router (``extract.router``): each
   Extraction carries ``meta["routed"]``, a reason from ``router.REASONS`` or None;
2. ``finish(passages, firsts)``: the LLM on the routed passages alone, in one ``extract_batch``
   (the LLM extractor cuts it into ``llm.batch_size`` batches), merged with the grammar's answer by
   the ``grounded`` rule (``merge.merge_references``); an unrouted passage keeps the grammar's
   answer untouched.

``extract_batch`` is both stages at once. ``--llm-all`` (policy ``grounded``) is the hybrid with the
model on every passage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cantobatch.config import Config
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.errors import ExtractionError
from cantobatch.extract.base import Extractor
from cantobatch.extract.merge import merge_references

ROUTED_MERGE = "grounded"  # how a routed passage's LLM answer joins the grammar's


class CascadeExtractor:
    name = "hybrid"

    def __init__(
        self, config: Config, rules: Extractor | None = None, llm: Extractor | None = None
    ) -> None:
        if rules is None:
            from cantobatch.extract.grammar.rules import RulesExtractor

            rules = RulesExtractor(config, trace=True)
            if config.quote.cantos_text or config.quote.concordance:
                from cantobatch.extract.quote import WithPoemText

                rules = WithPoemText(rules, config)
        if llm is None:
            from cantobatch.extract.llm import LLMExtractor

            llm = LLMExtractor(config)  # (its engine starts on the first routed passage)
        self.rules, self.llm = rules, llm

    def identity(self) -> dict[str, str]:
        from cantobatch.extract.router import router_hash

        rules, llm = self.rules.identity(), self.llm.identity()
        merged = {f"rules_{k}": v for k, v in rules.items() if k not in ("extractor", "method")}
        merged.update({k: v for k, v in llm.items() if k not in ("extractor", "method")})
        return {**merged, "method": "hybrid", "merge_policy": "cascade", "router": router_hash()}

    def first_stage(self, passages: Sequence[Passage]) -> list[Extraction]:
        """The grammar's (and aligner's) answer for every passage, with its route in meta."""
        from cantobatch.extract.grammar.rules import GrammarTrace
        from cantobatch.extract.router import route

        out = []
        for passage, first in zip(passages, self.rules.extract_batch(passages), strict=True):
            meta = dict(first.meta)
            trace = meta.pop("grammar_trace", None) or GrammarTrace()
            reason = None
            if first.ok:
                try:
                    reason = route(passage.text, first.references, trace)
                except Exception as exc:  # a router fault never costs the grammar's answer
                    meta["route_error"] = f"{type(exc).__name__}: {exc}"
            out.append(dataclasses.replace(first, meta={**meta, "routed": reason}))
        return out

    def finish(self, passages: Sequence[Passage], firsts: Sequence[Extraction]) -> list[Extraction]:
        """The LLM on the routed passages, merged by ``grounded``; the others as they were."""
        routed = [i for i, f in enumerate(firsts) if f.meta.get("routed")]
        answers = self.llm.extract_batch([passages[i] for i in routed]) if routed else []
        if len(answers) != len(routed):
            raise ExtractionError(
                f"the LLM extractor returned {len(answers)} results for {len(routed)} routed "
                "passages; extract_batch must return one per passage"
            )
        by_llm = dict(zip(routed, answers, strict=True))
        results = []
        for i, first in enumerate(firsts):
            answer = by_llm.get(i)
            if answer is None:
                results.append(dataclasses.replace(first, method="hybrid"))
                continue
            llm_refs = tuple(map(self._resolve, answer.references)) if answer.ok else ()
            results.append(
                Extraction(
                    passage_id=first.passage_id,
                    references=merge_references(first.references, llm_refs, ROUTED_MERGE),
                    # an LLM failure keeps the grammar's answer and is recorded as the error
                    error=first.error or (f"llm: {answer.error}" if answer.error else None),
                    method="hybrid",
                    raw=answer.raw,
                    prompt_tokens=answer.prompt_tokens,
                    output_tokens=answer.output_tokens,
                    meta={**first.meta, "llm": dict(answer.meta)},
                )
            )
        return results

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        return self.finish(passages, self.first_stage(passages))

    def _resolve(self, ref: Reference) -> Reference:
        """An LLM reference's lines against the poem's text, as the grammar's were."""
        resolve = getattr(self.rules, "resolve", None)
        return resolve(ref) if resolve is not None else ref

    def close(self) -> None:
        self.rules.close()
        self.llm.close()
