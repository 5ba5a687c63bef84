"""Progress of an overnight run: plain lines at a steady interval in a log, bars only on a terminal."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import write_corpus

from cantobatch.errors import ConfigError
from cantobatch.progress import RunProgress, interval_from_env, progress

REPO = Path(__file__).resolve().parents[1]
LINE = re.compile(
    r"progress: \d+/\d+ documents \(\d+%\), \d+ passages, \d+\.\d passages/s, "
    r"\d+:\d\d:\d\d elapsed, (ETA \d+:\d\d:\d\d|ETA unknown|done)"
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_line_gives_documents_passages_rate_and_eta():
    clock = Clock()
    bar = RunProgress(200, enabled=False, clock=clock)
    for _ in range(120):
        bar.update(1, passages=37)
    bar.update(0, passages=72)
    clock.now += 53
    assert bar.line() == (
        "progress: 120/200 documents (60%), 4512 passages, 85.1 passages/s, 0:00:53 elapsed, "
        "ETA 0:00:35"  # 53 s / 120 documents × 80 left
    )


def test_documents_a_rerun_skips_do_not_shorten_the_eta():
    clock = Clock()
    bar = RunProgress(200, enabled=False, clock=clock)
    bar.update(100, skipped=True)
    assert bar.line().endswith("ETA unknown")
    bar.update(20, passages=40)
    clock.now += 10
    assert bar.line() == (
        "progress: 120/200 documents (60%), 40 passages, 4.0 passages/s, 0:00:10 elapsed, "
        "ETA 0:00:40"  # 10 s / 20 worked × 80 left, not 10 s / 120 × 80
    )
    bar.update(80)
    assert bar.line().endswith(", done")


def test_off_a_terminal_a_thread_prints_plain_lines_at_the_interval():
    stream = io.StringIO()  # no terminal: isatty() is False
    with RunProgress(3, stream=stream, interval=0.01) as bar:
        bar.update(1, passages=4)
        deadline = time.monotonic() + 60
        while bar.lines < 3 and time.monotonic() < deadline:
            time.sleep(0.005)  # the lines come from the clock, not from updates
    text = stream.getvalue()
    assert "\r" not in text and text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) >= 3 and all(LINE.fullmatch(line) for line in lines), lines
    assert lines[-1].startswith("progress: 1/3 documents (33%), 4 passages, ")
    printed = len(lines)
    bar.update(1)
    assert len(stream.getvalue().splitlines()) == printed  # closed: the thread is gone


def test_disabled_prints_nothing_and_starts_no_thread():
    stream = io.StringIO()
    with RunProgress(3, enabled=False, stream=stream, interval=0.001) as bar:
        bar.update(3, passages=9)
    assert stream.getvalue() == "" and bar.lines == 0


def test_loop_bars_are_silent_off_a_terminal(capsys):
    assert list(progress(range(3), desc="hashing")) == [0, 1, 2]
    assert capsys.readouterr().err == ""


def test_the_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("CANTOBATCH_PROGRESS_INTERVAL", raising=False)
    assert interval_from_env() == 30.0
    monkeypatch.setenv("CANTOBATCH_PROGRESS_INTERVAL", "2.5")
    assert interval_from_env() == 2.5
    for bad in ("soon", "0", "-3"):
        monkeypatch.setenv("CANTOBATCH_PROGRESS_INTERVAL", bad)
        with pytest.raises(ConfigError) as err:
            interval_from_env()
        assert str(err.value) == (
            f"CANTOBATCH_PROGRESS_INTERVAL={bad!r} is not a positive number of seconds; unset it "
            "(default 30) or set e.g. CANTOBATCH_PROGRESS_INTERVAL=60"
        )


def _index(tmp_path: Path, *args: str, interval: str = "0.01") -> subprocess.CompletedProcess:
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        write_corpus(corpus, 4)
    env = {**os.environ, "PYTHONPATH": str(REPO), "CANTOBATCH_PROGRESS_INTERVAL": interval}
    log = tmp_path / "index.log"
    with log.open("w") as stderr:  # a file, as with `2> index.log`: not a terminal
        done = subprocess.run(
            [sys.executable, "-m", "cantobatch", "index", str(corpus), *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
            timeout=300,
        )
    done.stderr = log.read_text()
    return done


def test_a_logged_run_has_plain_progress_lines_then_the_summary(tmp_path):
    out = tmp_path / "out"
    done = _index(tmp_path, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "\r" not in done.stderr
    lines = done.stderr.splitlines()
    progress_lines = [line for line in lines if line.startswith("progress: ")]
    assert progress_lines and all(LINE.fullmatch(line) for line in progress_lines)
    cites = pd.read_parquet(out / "citations.parquet")
    references = len(cites[["passage_id", "canto"]].drop_duplicates())
    assert lines[len(progress_lines) :] == [
        "documents: 4 ok, failed: none",
        f"passages: 8  references (passage, canto): {references}  cited lines: 0  "
        "extraction errors: 0",
        lines[-2],
        f"tables: {out / 'citations.parquet'} (and documents, passages)",
    ]
    assert re.fullmatch(r"this run: 4 documents read, 8 passages extracted, \d+\.\ds", lines[-2])


def test_a_logged_run_quiet_and_json_gives_only_the_summary_object(tmp_path):
    out = tmp_path / "out"
    done = _index(tmp_path, "-o", str(out), "--quiet", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    summary = json.loads(done.stdout)
    assert summary["documents"]["ok"] == 4 and summary["passages"] == 8
    again = _index(tmp_path, "-o", str(out), "--json")  # a rerun: nothing left to do
    assert json.loads(again.stdout)["this_run"]["documents_read"] == 0


def test_a_bad_interval_is_one_line_and_exit_1(tmp_path):
    done = _index(tmp_path, "-o", str(tmp_path / "out"), interval="often")
    assert done.returncode == 1
    assert done.stderr == (
        "Error: CANTOBATCH_PROGRESS_INTERVAL='often' is not a positive number of seconds; "
        "unset it (default 30) or set e.g. CANTOBATCH_PROGRESS_INTERVAL=60\n"
    )
