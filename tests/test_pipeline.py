"""The resumable run: units, done-markers, reruns, crashes, kill -9, concurrent runs."""

from __future__ import annotations

import os
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
from cantobatch.errors import RunLockedError
from cantobatch.pipeline import STATE_DIR, run_index

CONFIG = Config(split=SplitConfig(max_chars=300, overlap_chars=0))


def tables(out: Path) -> dict[str, pd.DataFrame]:
    """Every table read the way users read it, rows in a canonical order."""
    result = {}
    for name in ("documents", "passages", "citations", "errors"):
        df = pd.read_parquet(out / f"{name}.parquet")
        df = df.astype({c: str for c in df.columns if str(df[c].dtype) == "category"})
        result[name] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return result


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_like=False)


def index_once(corpus: Path, out: Path, **kw) -> CountingExtractor:
    extractor = kw.pop("extractor", None) or CountingExtractor()
    run_index(corpus, out, CONFIG, extractor=extractor, show_progress=False, **kw)
    return extractor


def test_first_run_writes_three_tables_with_expected_rows(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 3)
    out = tmp_path / "out"
    summary = run_index(corpus, out, CONFIG, extractor=CountingExtractor(), show_progress=False)
    t = tables(out)
    assert sorted(t["documents"]["source"]) == ["doc000.txt", "doc001.txt", "doc002.txt"]
    assert set(t["documents"]["status"]) == {"ok"}
    # Each passage is an exact slice of its document and knows its offsets.
    for doc in sorted(corpus.iterdir()):
        text = doc.read_text()
        rows = t["passages"][t["passages"]["source"] == doc.name]
        assert len(rows) > 1
        for r in rows.itertuples():
            assert text[r.char_start : r.char_end] == r.text
    # Every paragraph names two cantos, so every passage has citations, each grounded.
    assert summary.citations == len(t["citations"]) > 0
    for r in t["citations"].merge(t["passages"][["passage_id", "text"]]).itertuples():
        assert r.text[r.evidence_start : r.evidence_end] == r.evidence
    assert summary.documents_ok == 3 and summary.documents_ingested == 3


def test_rerun_on_unchanged_corpus_does_no_work_and_keeps_tables(tmp_path):
    corpus, out, copy = tmp_path / "corpus", tmp_path / "out", tmp_path / "copy"
    write_corpus(corpus)
    index_once(corpus, out)
    before = tables(out)
    again = CountingExtractor()
    summary = run_index(corpus, out, CONFIG, extractor=again, show_progress=False)
    assert again.calls == 0 and summary.documents_ingested == 0 and summary.passages_extracted == 0
    after = tables(out)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    index_once(corpus, copy)
    assert_same_tables(out, copy)


def test_adding_a_file_processes_only_that_file(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 4)
    index_once(corpus, out)
    write_corpus(corpus, 1, start=4)
    extractor = CountingExtractor()
    summary = run_index(corpus, out, CONFIG, extractor=extractor, show_progress=False)
    assert summary.documents_ingested == 1 and summary.documents_extracted == 1
    new_passages = tables(out)["passages"].query("source == 'doc004.txt'")
    assert extractor.passages_seen == len(new_passages) > 0
    assert summary.documents_ok == 5


def test_a_copy_of_a_file_is_recorded_once_as_duplicate(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 2)
    (corpus / "zz_copy.txt").write_bytes((corpus / "doc000.txt").read_bytes())
    index_once(corpus, out)
    t = tables(out)
    copy = t["documents"].set_index("source").loc["zz_copy.txt"]
    assert copy["status"] == "duplicate" and copy["error"] == "same bytes as doc000.txt"
    assert t["passages"]["passage_id"].is_unique
    assert set(t["passages"]["source"]) == {"doc000.txt", "doc001.txt"}


def test_removed_file_leaves_the_tables(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 3)
    index_once(corpus, out)
    (corpus / "doc001.txt").unlink()
    index_once(corpus, out)
    t = tables(out)
    assert "doc001.txt" not in set(t["documents"]["source"]) | set(t["citations"]["source"])


def test_changed_extractor_redoes_extraction_only(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 3)
    index_once(corpus, out)
    old_runs = set(tables(out)["citations"]["run_id"])
    v2 = CountingExtractor(tag="v2")
    summary = run_index(corpus, out, CONFIG, extractor=v2, show_progress=False)
    assert summary.documents_ingested == 0  # passages were read back, not re-ingested
    assert summary.documents_extracted == 3 and v2.calls >= 1
    new_runs = set(tables(out)["citations"]["run_id"])
    assert new_runs.isdisjoint(old_runs) and len(new_runs) == 1  # stale parts were removed


def test_changed_split_settings_redo_documents(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 2)
    index_once(corpus, out)
    n_before = len(tables(out)["passages"])
    config = Config(split=SplitConfig(max_chars=600, overlap_chars=0))
    summary = run_index(corpus, out, config, extractor=CountingExtractor(), show_progress=False)
    assert summary.documents_ingested == 2
    assert len(tables(out)["passages"]) < n_before


def test_failed_passages_are_recorded_not_fatal(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 2)
    (corpus / "bad.txt").write_text("Canto II and then EXPLODE.", encoding="utf-8")
    summary = run_index(corpus, out, CONFIG, extractor=CountingExtractor(), show_progress=False)
    errors = tables(out)["errors"]
    assert list(errors["source"]) == ["bad.txt"] and summary.extraction_errors == 1
    assert errors["error"][0] == "cannot parse this passage"


def test_crash_between_units_then_rerun_gives_same_tables(tmp_path):
    corpus, out, clean = tmp_path / "corpus", tmp_path / "out", tmp_path / "clean"
    write_corpus(corpus, 8)
    index_once(corpus, clean, batch_size=10)
    with pytest.raises(RuntimeError, match="simulated crash"):
        index_once(corpus, out, extractor=CountingExtractor(fail_after=2), batch_size=10)
    done_before = len(list((out / STATE_DIR).glob("*.done")))
    assert 0 < done_before < 16  # the crash left some units done and some not
    resumed = CountingExtractor()
    summary = run_index(corpus, out, CONFIG, extractor=resumed, show_progress=False, batch_size=10)
    assert summary.documents_extracted < 8  # finished units were not redone
    assert_same_tables(out, clean)


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from pipeline_helpers import CountingExtractor
    from cantobatch.config import Config, SplitConfig
    from cantobatch.pipeline import run_index
    config = Config(split=SplitConfig(max_chars=300, overlap_chars=0))
    run_index({corpus!r}, {out!r}, config, extractor=CountingExtractor(sleep=0.3),
              show_progress=False, batch_size=5)
    """
)


def test_kill_9_then_rerun_gives_same_tables(tmp_path):
    corpus, out, clean = tmp_path / "corpus", tmp_path / "out", tmp_path / "clean"
    write_corpus(corpus, 10)
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), corpus=str(corpus), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", script])
    state = out / STATE_DIR
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(state.glob("*.done"))) < 12:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    n_done = len(list(state.glob("*.done")))
    assert 12 <= n_done < 20, "the kill should land mid-run"
    index_once(corpus, out, batch_size=5)  # the lock died with the process: rerun is allowed
    index_once(corpus, clean, batch_size=5)
    assert_same_tables(out, clean)
    assert not [p for p in out.rglob(".*tmp*")], "temp files of the killed run were cleaned"


def test_second_concurrent_run_is_refused(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from cantobatch.pipeline import run_lock\n"
            f"with run_lock(Path({str(out)!r})):\n    print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunLockedError, match=rf"pid {holder.pid}\) is writing to"):
            index_once(corpus, out)
    finally:
        holder.kill()
        holder.wait()
    index_once(corpus, out)  # released when the holder died
