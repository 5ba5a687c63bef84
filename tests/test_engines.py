"""The engines share every stage: --workers 2 and --engine ray write the tables --workers 1 writes
(rows sorted), on the sample corpus and on a generated corpus with bad files; a kill -9 of a Ray
driver mid-run, rerun, gives the same tables."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import CountingExtractor, write_corpus

from cantobatch.config import Config, SplitConfig
from cantobatch.errors import ConfigError
from cantobatch.pipeline import STATE_DIR, run_index

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora"
BAD_FILES = Path(__file__).parent / "fixtures" / "ingest"
TABLES = ("documents", "passages", "citations", "errors", "routes")


def tables(out: Path) -> dict[str, pd.DataFrame]:
    """Every table, all columns as text, rows sorted: what an engine must reproduce exactly."""
    result = {}
    for name in TABLES:
        df = pd.read_parquet(out / f"{name}.parquet").astype(str)
        result[name] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return result


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in TABLES:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory) -> Path:
    """~50 documents: text files citing cantos, the sample PDFs and HTML, damaged and encrypted
    PDFs, an HTML page named .pdf, an empty file, a copy of a file."""
    root = tmp_path_factory.mktemp("mixed")
    write_corpus(root / "texts", 30)
    shutil.copytree(SAMPLE, root / "sample")
    shutil.copytree(BAD_FILES, root / "bad")
    (root / "bad" / "empty.pdf").write_bytes(b"")
    (root / "copy.txt").write_bytes((root / "texts" / "doc000.txt").read_bytes())
    return root


@pytest.fixture(scope="module")
def ray_local():
    """One local Ray for the module (2 CPUs, no dashboard); its workers import the tests' helpers."""
    ray = pytest.importorskip("ray", reason="the ray extra: pip install -e '.[ray]'")
    paths = [str(ROOT), str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    # vLLM's engine core in the actor's process (as the session engine runs it in tests)
    os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def index(corpus: Path, out: Path, config: Config, **kw) -> None:
    run_index(corpus, out, config, show_progress=False, **kw)


def quote_config(cantos_dir: Path) -> Config:
    return Config().with_overrides(quote={"cantos_text": str(cantos_dir)})


def test_two_workers_write_the_tables_of_one(tmp_path, mixed_corpus):
    config = Config()
    index(mixed_corpus, tmp_path / "one", config, workers=1)
    index(mixed_corpus, tmp_path / "two", config, workers=2)
    assert_same_tables(tmp_path / "one", tmp_path / "two")
    docs = tables(tmp_path / "one")["documents"]
    assert len(docs) >= 50 and (docs["status"] != "ok").sum() >= 8  # the bad files are rows
    assert len(tables(tmp_path / "one")["citations"]) > 100


def test_two_workers_with_a_passed_extractor_batch_in_the_driver(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 8)
    config = Config(split=SplitConfig(max_chars=300, overlap_chars=0))
    index(corpus, tmp_path / "one", config, extractor=CountingExtractor(), workers=1)
    two = CountingExtractor()
    index(corpus, tmp_path / "two", config, extractor=two, workers=2)
    assert two.calls >= 1 and two.passages_seen == len(tables(tmp_path / "one")["passages"])
    assert_same_tables(tmp_path / "one", tmp_path / "two")


def test_workers_must_be_positive(tmp_path):
    with pytest.raises(ConfigError, match="at least 1"):
        index(SAMPLE, tmp_path / "out", Config(), workers=0)


def test_ray_tasks_hold_every_unit_once_and_about_the_same_bytes():
    from cantobatch.engines.ray_data import tasks_of
    from cantobatch.ingest.discover import SourceFile
    from cantobatch.stages import Unit

    sizes = [1_000_000] * 8 + [10] * 24  # the big files first: equal slices would be lopsided
    units = [
        Unit(
            SourceFile(Path(f"f{i}.pdf"), f"f{i}.pdf", size, "pdf", None), f"d{i}", f"u{i}", f"c{i}"
        )
        for i, size in enumerate(sizes)
    ]
    tasks = tasks_of(units, cpus=2)
    assert len(tasks) == 4  # two a CPU
    assert sorted(u.doc_id for t in tasks for u in t) == sorted(u.doc_id for u in units)
    for task in tasks:  # plan order kept inside a task
        assert [units.index(u) for u in task] == sorted(units.index(u) for u in task)
    assert [sum(u.file.size for u in t) for t in tasks] == [2_000_060] * 4  # dealt by size
    assert len(tasks_of(units, cpus=2, most=4)) == 8  # no task above 4 files on average
    assert len(tasks_of(units[:3], cpus=8)) == 3  # never an empty task


def test_ray_warm_up_starts_a_worker_a_cpu_and_no_more_than_the_tasks():
    from cantobatch.engines.ray_data import warm_up
    from cantobatch.stages import run_ids

    sent = []

    class Ray:  # ray.remote(num_cpus=...)(fn).remote(...), recorded
        @staticmethod
        def remote(**_):
            return lambda fn: type(
                "Remote", (), {"remote": staticmethod(lambda *a: sent.append(a))}
            )

    config = Config()
    ids = run_ids(config, {"method": "rules"})
    warm_up(Ray, config, ids, None, True, cpus=16, tasks=3)
    assert len(sent) == 3  # three files on a big cluster: three workers, not sixteen
    sent.clear()
    warm_up(Ray, config, ids, None, True, cpus=2, tasks=4)
    assert len(sent) == 2  # one a CPU


def test_a_prepared_ray_worker_keeps_a_started_reader_and_its_extractor():
    pytest.importorskip("ray", reason="the ray extra: pip install -e '.[ray]'")
    from cantobatch.engines import ray_data
    from cantobatch.stages import run_ids

    config = Config()
    ids = run_ids(config, {"method": "rules"})
    try:
        ray_data.prepare_worker(config, ids, None, True)
        reader, extractor = ray_data._KEPT["reader"][1], ray_data._KEPT["extractor"][1]
        assert reader._worker is not None and reader._worker.process.poll() is None  # started
        ray_data.prepare_worker(config, ids, None, True)
        assert ray_data._KEPT["extractor"][1] is extractor  # kept, not built again
        other = run_ids(config, {"method": "rules", "grammar": "changed"})
        assert ray_data._worker_extractor(config, other, None) is not extractor
        ray_data.prepare_worker(config, ids, b"not a pickle", True)  # the tasks report it, not this
        assert "extractor" not in ray_data._KEPT  # the one it replaced was closed, not kept
    finally:
        ray_data._KEPT.pop("reader")[1].close()
        ray_data._KEPT.pop("extractor", None)


def test_ray_writes_the_local_tables_on_the_sample_corpus(tmp_path, ray_local):
    index(SAMPLE, tmp_path / "local", Config())
    index(SAMPLE, tmp_path / "ray", Config(), engine="ray")
    assert_same_tables(tmp_path / "local", tmp_path / "ray")


@pytest.mark.parametrize("quote", [False, True], ids=["rules", "rules+quote"])
def test_ray_writes_the_local_tables_with_bad_files(tmp_path, mixed_corpus, ray_local, quote):
    from conftest import CANTOS_TEXT

    config = quote_config(CANTOS_TEXT) if quote else Config()
    index(mixed_corpus, tmp_path / "local", config, workers=2)
    index(mixed_corpus, tmp_path / "ray", config, engine="ray")
    assert_same_tables(tmp_path / "local", tmp_path / "ray")
    docs = tables(tmp_path / "ray")["documents"].set_index("source")
    assert docs.loc["bad/corrupted.pdf", "status"] != "ok"  # a bad PDF stays a row with its reason
    assert docs.loc["bad/corrupted.pdf", "error"] not in ("", "None")
    if quote:
        assert (tables(tmp_path / "ray")["citations"]["method"] == "quote").any()


def test_a_ray_rerun_does_no_work(tmp_path, ray_local):
    index(SAMPLE, tmp_path / "ray", Config(), engine="ray")
    summary = run_index(SAMPLE, tmp_path / "ray", Config(), show_progress=False, engine="ray")
    assert summary.documents_ingested == 0 and summary.documents_extracted == 0


def test_ray_refuses_a_corpus_a_node_cannot_see(tmp_path, ray_local):
    from cantobatch.engines.ray_data import check_shared
    from cantobatch.outdir import OutputDir

    out = OutputDir(tmp_path / "out")
    check_shared(ray_local, SAMPLE, out)  # this machine's node sees both
    with pytest.raises(ConfigError, match="cannot see the corpus .*shared filesystem"):
        check_shared(ray_local, tmp_path / "only-on-the-driver", out)
    assert not list(out.state.iterdir())  # the probe is gone


def test_kill_9_of_a_ray_driver_then_rerun_gives_the_same_tables(tmp_path, ray_local):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 12)
    config = Config(split=SplitConfig(max_chars=300, overlap_chars=0)).with_overrides(
        ray={"batch_size": 1}
    )
    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).parent)!r}]
        from pipeline_helpers import CountingExtractor
        from cantobatch.config import Config, SplitConfig
        from cantobatch.pipeline import run_index
        config = Config(split=SplitConfig(max_chars=300, overlap_chars=0)).with_overrides(
            ray={{"batch_size": 1, "cpu_actors": 1}}
        )
        run_index({str(corpus)!r}, {str(tmp_path / "out")!r}, config, show_progress=False,
                  engine="ray", extractor=CountingExtractor(sleep=1.0))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    driver = subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and driver.poll() is None:
        if citation_units_done(tmp_path / "out") >= 2:
            break
        time.sleep(0.1)
    assert driver.poll() is None, "the run ended before it could be killed"
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait()
    assert 2 <= citation_units_done(tmp_path / "out") < 12  # killed mid-run
    again = run_index(
        corpus,
        tmp_path / "out",
        config,
        show_progress=False,
        engine="ray",
        extractor=CountingExtractor(),
    )
    assert 0 < again.documents_extracted <= 10  # only what the killed run left
    assert 0 < again.passages_extracted < len(tables(tmp_path / "out")["passages"])
    index(corpus, tmp_path / "clean", config, extractor=CountingExtractor())
    assert_same_tables(tmp_path / "out", tmp_path / "clean")


def citation_units_done(out: Path) -> int:
    state = out / STATE_DIR
    markers = list(state.glob("*.done")) if state.is_dir() else []
    return sum(1 for m in markers if '"citations"' in m.read_text())


@pytest.mark.vllm
def test_ray_runs_the_small_llm_like_the_local_engine(tmp_path, ray_local, small_model_path):
    from llm_fixtures import engine_llm_config

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2)
    config = Config(extractor="llm", split=SplitConfig(max_chars=600, overlap_chars=0))
    config = config.with_overrides(llm=engine_llm_config(small_model_path).__dict__)
    index(corpus, tmp_path / "local", config)
    summary = run_index(corpus, tmp_path / "ray", config, show_progress=False, engine="ray")
    assert_same_tables(tmp_path / "local", tmp_path / "ray")
    passages = len(tables(tmp_path / "ray")["passages"])
    assert summary.llm_passages == passages > 0 and summary.prompt_tokens > 0  # the model ran


def test_one_llm_engine_per_device_writes_the_tables_of_one(tmp_path):
    """Two extraction processes (as with two GPUs), each with its own extractor, fed batches in
    turn by the driver: the tables of the in-process extractor."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 10)
    config = Config(split=SplitConfig(max_chars=300, overlap_chars=0))
    index(corpus, tmp_path / "one", config, extractor=CountingExtractor())
    summary = run_index(
        corpus,
        tmp_path / "two",
        config,
        show_progress=False,
        extractor=CountingExtractor(),
        batch_size=16,
        llm_devices=["", ""],
    )
    assert summary.documents_extracted == 10
    assert summary.passages_extracted == len(tables(tmp_path / "one")["passages"])
    assert_same_tables(tmp_path / "one", tmp_path / "two")


def test_the_cli_runs_each_engine(tmp_path, ray_local):
    import json

    from click.testing import CliRunner

    from cantobatch.cli import cli

    runs = {}
    for name, args in {"one": ["--workers", "1"], "ray": ["--engine", "ray"]}.items():
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["index", str(SAMPLE), "-o", str(out), "--json", *args])
        assert result.exit_code == 0, result.output
        runs[name] = json.loads(result.stdout)["this_run"]
    assert runs["one"]["engine"] == "local" and runs["one"]["workers"] == 1
    assert runs["ray"]["engine"] == "ray" and runs["ray"]["documents_read"] == 5
    assert_same_tables(tmp_path / "one", tmp_path / "ray")
    bad = CliRunner().invoke(
        cli, ["index", str(SAMPLE), "-o", str(tmp_path / "x"), "--workers", "0"]
    )
    assert bad.exit_code == 2 and "--workers" in bad.output
