"""`cantobatch index` and `cantobatch query` through click's CliRunner: exit codes and output."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from pipeline_helpers import write_corpus

from cantobatch.cli import cli


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    write_corpus(root, 2)
    (root / "notes.txt").write_text(
        "Kenner reads the whole of Canto LXXIV as elegy; see ll. 1-3 of it.", encoding="utf-8"
    )
    (root / "empty.txt").write_bytes(b"")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return root


def test_index_exits_0_with_failed_documents_and_prints_a_summary(corpus, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "documents: 3 ok, failed: 1 unsupported, 1 zero_bytes" in result.stderr
    docs = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert docs.loc["empty.txt", "status"] == "zero_bytes"
    assert docs.loc["image.png", "status"] == "unsupported"
    cites = pd.read_parquet(out / "citations.parquet")
    assert set(cites["method"]) == {"rules"}
    assert 74 in set(cites["canto"])


def test_index_quiet_prints_nothing(corpus, tmp_path):
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(tmp_path / "o"), "--quiet"])
    assert result.exit_code == 0 and result.output == ""


def test_index_missing_corpus_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: corpus directory {tmp_path / 'nope'} does not exist or is not a directory"
    )


def test_index_bad_config_is_one_line(corpus, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[split]\nmax_chars = 10\n")
    result = CliRunner().invoke(cli, ["index", str(corpus), "--config", str(bad)])
    assert result.exit_code == 1
    assert result.output == f"Error: {bad} [split]: split.max_chars must be at least 100\n"
    assert result.output.count("\n") == 1


def test_unknown_config_key_names_the_known_ones(corpus, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[split]\nmax_char = 1000\n")
    result = CliRunner().invoke(cli, ["index", str(corpus), "--config", str(bad)])
    assert result.exit_code == 1
    assert "unknown key(s) max_char" in result.output and "max_chars" in result.output


def test_query_prints_passages_with_source(corpus, tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out), "--quiet"])
    result = CliRunner().invoke(cli, ["query", str(out), "--canto", "LXXIV"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "doc000.txt  canto 74  [rules]\n    … 2. Pound returns to Canto XLV"
    )
    assert "paragraph 3. Pound returns to [[Canto LXXIV]] here" in result.stdout
    assert "notes.txt  canto 74, ll. 1–3  [rules]\n" in result.stdout
    js = CliRunner().invoke(cli, ["query", str(out), "--canto", "74", "--json"])
    rows = [json.loads(line) for line in js.output.splitlines()]
    assert rows and all(r["canto"] == 74 for r in rows)
    assert {r["source"] for r in rows} == {"doc000.txt", "doc001.txt", "notes.txt"}


def test_query_bad_canto_is_a_usage_error(tmp_path):
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(cli, ["query", str(tmp_path / "out"), "--canto", "CXXX"])
    assert result.exit_code == 2 and "outside 1-120" in result.output
