"""Batches of passages across documents for one extractor, and the run's progress switch passed
to an extractor (the engines share both)."""

from __future__ import annotations

from cantobatch.data import Extraction, Passage
from cantobatch.outdir import OutputDir
from cantobatch.stages import (
    RunIds,
    Tally,
    Unit,
    extract_passages,
    routed_count,
    split_results,
    stream_citation_unit,
    write_citation_unit,
)

PENDING_LIMIT = 32  # the cascade waits for this many batches' passages at most before extracting


def set_progress(extractor: object, enabled: bool) -> None:
    """Pass the run's progress switch to an extractor and the extractors it wraps."""
    if hasattr(extractor, "show_progress"):
        extractor.show_progress = enabled
    for inner in ("inner", "rules", "llm"):
        if hasattr(extractor, inner):
            set_progress(getattr(extractor, inner), enabled)


class Batcher:
    """Collects units' passages into extractor batches of about ``batch_limit`` passages and
    writes each unit's citation part when its batch is extracted. The cascade's LLM reads only
    routed passages: those count toward its batch (and what waits in memory is bounded), so the
    model still sees large batches."""

    def __init__(
        self,
        extractor,
        out: OutputDir,
        ids: RunIds,
        tally: Tally,
        batch_limit: int,
        on_done,
        engines=None,
        stream_limit: int = 2000,
    ) -> None:
        self.extractor, self.out, self.ids, self.tally = extractor, out, ids, tally
        self.batch_limit, self.on_done = batch_limit, on_done
        self.engines = engines  # an llm_pool.EnginePool: one LLM engine per GPU; None: here
        self.stream_limit = stream_limit  # ingest.stream_passages: a bigger document is streamed
        self.staged = hasattr(extractor, "first_stage")
        self.pending: list[tuple[Unit, list[Passage], list[Extraction] | None]] = []
        self.load = [0, 0]  # passages for the extractor's batch, passages pending

    def add(self, unit: Unit, passages: list[Passage]) -> None:
        if len(passages) > self.stream_limit and self.engines is None:
            # a huge document: extracted and written in pieces, so memory stays bounded
            self.flush()
            self.tally.add(
                stream_citation_unit(
                    self.out, unit, passages, self.extractor, self.ids, self.stream_limit
                )
            )
            if self.on_done:
                self.on_done(unit.cite_unit)
            return
        firsts = self.extractor.first_stage(passages) if self.staged and passages else None
        self.pending.append((unit, passages, firsts))
        self.load[0] += len(passages) if firsts is None else routed_count(firsts)
        self.load[1] += len(passages)
        if self.load[0] >= self.batch_limit or self.load[1] >= PENDING_LIMIT * self.batch_limit:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.engines is not None:
            self.engines.submit(list(self.pending))
            self.pending.clear()
            self.load[:] = [0, 0]
            return
        passages = [p for _, ps, _ in self.pending for p in ps]
        firsts = [f for _, _, fs in self.pending for f in fs or ()] if self.staged else None
        results = extract_passages(self.extractor, passages, firsts)
        batch = [(unit, ps) for unit, ps, _ in self.pending]
        for unit, ps, rs in split_results(batch, results):
            self.tally.add(write_citation_unit(self.out, unit, ps, rs, self.ids))
            if self.on_done:
                self.on_done(unit.cite_unit)
        self.pending.clear()
        self.load[:] = [0, 0]
