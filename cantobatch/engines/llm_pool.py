"""One LLM engine per GPU on this machine: the local engine's extraction across every GPU.

A process per device, started with ``CUDA_VISIBLE_DEVICES=<device>``, builds its own extractor
(its own vLLM engine on its one GPU) and extracts the batches the driver's ``Batcher`` hands it,
writing each unit's citation part and marker itself. The driver keeps one batch queued per
engine, so while a GPU decodes one batch the next one is already waiting. With one GPU (or
none) there is no pool: the driver's extractor runs in-process, as before.
"""

from __future__ import annotations

import os
import pickle
import select
import shutil
import subprocess
import traceback
from typing import Any

from cantobatch.config import Config
from cantobatch.engines.pool import _Child, close_all, quiet_extractor
from cantobatch.errors import CantobatchError
from cantobatch.ingest.worker import child_pipe, encode, read_message
from cantobatch.outdir import OutputDir
from cantobatch.stages import RunIds, extract_passages, split_results, write_citation_unit

QUEUED_PER_ENGINE = 2  # batches sent ahead to each engine: the next is ready when one ends


def local_gpus() -> list[str]:
    """This machine's GPUs as CUDA_VISIBLE_DEVICES names (the visible ones, when it is set)."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [d.strip() for d in visible.split(",") if d.strip() and d.strip() != "-1"]
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return []
    try:
        listing = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = [line for line in listing.splitlines() if line.startswith("GPU")]
    return [str(i) for i in range(len(gpus))]


class EnginePool:
    """Extraction processes, one per device; ``submit`` a batch, answers come back as counts."""

    def __init__(
        self,
        devices: list[str],
        config: Config,
        out: OutputDir,
        ids: RunIds,
        extractor: Any | None = None,
        on_unit=None,
    ) -> None:
        self.on_unit = on_unit  # (cite_unit, UnitCounts) → None, for each unit written
        self.children: list[_Child] = []
        blob = pickle.dumps(extractor) if extractor is not None else None
        for device in devices:
            child = _Child(
                "from cantobatch.engines.llm_pool import serve; serve()",
                {"CUDA_VISIBLE_DEVICES": device},
            )
            self.children.append(child)
        for child in self.children:
            if child.receive() != "ready":
                raise CantobatchError("an LLM engine process did not start; see the error above")
            child.send(("setup", config, str(out.path), ids, blob))

    def submit(self, batch: list) -> None:
        """Queue ``batch`` ([(unit, passages, firsts or None)]) on the least busy engine."""
        while min(len(c.queued) for c in self.children) >= QUEUED_PER_ENGINE:
            self._collect(block=True)
        child = min(self.children, key=lambda c: len(c.queued))
        child.queued.append(len(batch))
        child.send(("batch", batch))
        self._collect(block=False)

    def drain(self) -> None:
        while any(c.queued for c in self.children):
            self._collect(block=True)

    def _collect(self, block: bool) -> None:
        busy = [c for c in self.children if c.queued]
        if not busy:
            return
        ready, _, _ = select.select([c.fd for c in busy], [], [], None if block else 0)
        for child in busy:
            if child.fd not in ready:
                continue
            answer = child.receive()
            if answer[0] == "error":
                raise CantobatchError(f"an LLM engine process failed:\n{answer[1]}")
            child.queued.popleft()
            for cite_unit, counts in answer[1]:
                if self.on_unit:
                    self.on_unit(cite_unit, counts)

    def close(self) -> None:
        close_all(self.children)


def serve() -> None:
    """An LLM engine process: a setup message, then batches, each answered with its counts."""
    out_pipe = child_pipe()

    setup = read_message(0)
    if setup is None:
        return
    _, config, out_path, ids, blob = setup
    out = OutputDir(out_path)
    extractor = None
    try:
        while (message := read_message(0)) is not None:
            batch = message[1]
            try:
                if extractor is None:
                    extractor = pickle.loads(blob) if blob is not None else quiet_extractor(config)
                passages = [p for _, ps, _ in batch for p in ps]
                staged = all(fs is not None or not ps for _, ps, fs in batch)
                firsts = [f for _, _, fs in batch for f in fs or ()] if staged else None
                results = extract_passages(extractor, passages, firsts)
                units = [(unit, ps) for unit, ps, _ in batch]
                counts = [
                    (unit.cite_unit, write_citation_unit(out, unit, ps, rs, ids))
                    for unit, ps, rs in split_results(units, results)
                ]
            except Exception:  # a bug, not a bad passage (those are error rows): stop the run
                out_pipe.write(encode(("error", traceback.format_exc())))
                break
            out_pipe.write(encode(("done", counts)))
    finally:
        if extractor is not None:
            extractor.close()
