"""The README's exit codes: 0 ok, 1 an error (one line, no traceback), 2 a usage mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cantobatch.cli import cli

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def files(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.jsonl").write_text(
        '{"input": "Canto I", "output": "{\\"references\\": [{\\"canto\\": 1, \\"lines\\": []}]}"}\n'
    )
    (tmp_path / "index").mkdir()
    return tmp_path


USAGE_MISTAKES = [
    # (arguments, what click's one-line "Error: ..." after the usage lines says)
    (["index", "nope/"], "Invalid value for 'CORPUS': Path 'nope/' does not exist."),
    (["index", "data.jsonl", "-o", "data.jsonl"], "Directory 'data.jsonl' is a file."),
    (["index", "data.jsonl", "--config", "x.toml"], "File 'x.toml' does not exist."),
    (["query", "index", "--canto", "CXXX"], "canto 130 is outside 1-120"),
    (["extract"], "give a TEXT to read, or --input FILE.jsonl"),
    (["extract", "--input", "nope.jsonl"], "File 'nope.jsonl' does not exist."),
    (["eval", "data.jsonl", "--errors", "no/dir/errs.jsonl"], "the directory no/dir does not exist"),
    (["eval", "data.jsonl", "--extractor", "regex"], "'regex' is not one of"),
    (["audit", "nope.jsonl"], "File 'nope.jsonl' does not exist."),
    (["lines", "1:1"], "give the poem's text with --cantos-text DIR (or quote.cantos_text)"),
    (["lines", "1:0", "--cantos-text", str(REPO / "texts" / "cantos")], "line 0 does not exist"),
    (["mine", "index", "-o", "no/dir/m.jsonl"], "the directory no/dir does not exist"),
    (["mine", "index", "--max-per-doc-share", "0"], "0.0 is not in the range 0<x<=1."),
    (["mine", "index", "--negative-ratio", "-1"], "-1.0 is not in the range x>=0."),
    (["mine", "index", "--dev", "nope.jsonl"], "File 'nope.jsonl' does not exist."),
    (["models", "pull", "gpt5"], "Invalid value for NAME: unknown model 'gpt5'; known: smollm2"),
    (["train", "--data", "data.jsonl", "-o", "ad", "--eval-fraction", "1"],
     "eval fraction must be in [0, 1)"),
    (["train", "--data", "data.jsonl", "-o", "ad", "--rank", "0"],
     "rank, alpha, batch size and gradient accumulation must be >= 1"),
    (["adapter", "check", "nope"], "Directory 'nope' does not exist."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"), USAGE_MISTAKES, ids=[" ".join(a) for a, _ in USAGE_MISTAKES]
)
def test_usage_mistakes_exit_2(files, args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: ") and message in last, last
    assert result.exception is None or isinstance(result.exception, SystemExit)


ERRORS = [
    (["mine", "index"], "Error: index is not a cantobatch index: run `cantobatch index CORPUS -o index` first"),
    (["lines", "II:1", "--cantos-text", str(REPO / "texts" / "cantos")],
     f"Error: canto 2 is not in the poem text at {REPO / 'texts' / 'cantos'} (cantos loaded: 1); "
     "add its file (e.g. canto_002.txt) to that directory"),
    (["adapter", "check", "index"], "Error: index is not a peft adapter: adapter_config.json is "
     "missing; point at the directory that peft's save_pretrained wrote"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_errors_exit_1_in_one_line(files, args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == message
    assert isinstance(result.exception, SystemExit)  # no traceback: a handled error


def _cantobatch(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "cantobatch", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_a_real_process_exits_0_1_and_2(files):
    ok = _cantobatch("extract", "Canto I", cwd=files)
    assert ok.returncode == 0 and ok.stderr == ""
    error = _cantobatch("mine", "index", cwd=files)
    assert error.returncode == 1
    assert error.stderr == (
        "Error: index is not a cantobatch index: run `cantobatch index CORPUS -o index` first\n"
    )
    usage = _cantobatch("index", "nope/", cwd=files)
    assert usage.returncode == 2
    assert usage.stderr.splitlines()[-1] == (
        "Error: Invalid value for 'CORPUS': Path 'nope/' does not exist."
    )
    assert "Traceback" not in error.stderr + usage.stderr
