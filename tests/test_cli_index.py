"""`cantobatch index` and `cantobatch query` through click's CliRunner: exit codes and output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pipeline_helpers import write_corpus

from cantobatch.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


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


def test_index_quiet_hides_progress_not_the_summary(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("CANTOBATCH_PROGRESS_INTERVAL", "0.001")
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out), "--quiet"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "progress:" not in result.stderr
    assert result.stderr == (
        "documents: 3 ok, failed: 1 unsupported, 1 zero_bytes\n"
        "passages: 5  references (passage, canto): 27  cited lines: 3  extraction errors: 0\n"
        f"this run: 5 documents read, 5 passages extracted, {_seconds(result.stderr)}s\n"
        f"tables: {out / 'citations.parquet'} (and documents, passages)\n"
    )


def _seconds(summary: str) -> str:
    return summary.split("extracted, ", 1)[1].split("s\n", 1)[0]


def test_index_json_prints_the_summary_as_one_object_on_stdout(corpus, tmp_path):
    (corpus / "copy.txt").write_bytes((corpus / "notes.txt").read_bytes())
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out), "--json"])
    assert result.exit_code == 0 and result.stderr == ""
    summary = json.loads(result.stdout)
    assert result.stdout.count("\n") == 1
    assert summary["documents"] == {
        "total": 6,
        "ok": 3,
        "partial": 0,
        "duplicate": 1,  # copy.txt: counted apart, not as a failure
        "failed": {"unsupported": 1, "zero_bytes": 1},
    }
    cites = pd.read_parquet(out / "citations.parquet")
    assert summary["citation_rows"] == len(cites)
    assert summary["references"] == len(cites[["passage_id", "canto"]].drop_duplicates())
    lines = cites.dropna(subset=["line_cited"])[["passage_id", "canto", "line_cited"]]
    assert summary["cited_lines"] == len(lines.drop_duplicates()) == 3
    assert summary["passages"] == len(pd.read_parquet(out / "passages.parquet"))
    assert summary["extraction_errors"] == 0
    assert summary["this_run"]["documents_read"] == 6
    assert summary["tables"]["citations"] == str(out / "citations.parquet")


def test_index_summary_counts_duplicates_apart_from_failures(corpus, tmp_path):
    (corpus / "copy.txt").write_bytes((corpus / "notes.txt").read_bytes())
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert "documents: 3 ok, 1 duplicate, failed: 1 unsupported, 1 zero_bytes\n" in result.stderr


def test_index_summary_counts_partial_documents_as_indexed_not_failed(corpus, tmp_path):
    # A PDF whose first page pdfium cannot load: its other pages are indexed ("partial").
    shutil.copy(FIXTURES / "damaged_first_page.pdf", corpus / "damaged.pdf")
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert (
        "documents: 3 ok, 1 partial (indexed; some pages unreadable), "
        "failed: 1 unsupported, 1 zero_bytes\n"
    ) in result.stderr
    passages = pd.read_parquet(tmp_path / "o" / "passages.parquet")
    assert (passages["source"] == "damaged.pdf").any()
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(tmp_path / "j"), "--json"])
    documents = json.loads(result.stdout)["documents"]
    assert (documents["ok"], documents["partial"], documents["total"]) == (3, 1, 6)
    assert documents["failed"] == {"unsupported": 1, "zero_bytes": 1}


def test_index_accepts_a_single_file_as_corpus(corpus, tmp_path):
    out = tmp_path / "one"
    result = CliRunner().invoke(cli, ["index", str(corpus / "notes.txt"), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"]["ok"] == summary["documents"]["total"] == 1
    # "Canto LXXIV as elegy; see ll. 1-3": one reference, three cited lines, in four rows.
    assert (summary["references"], summary["cited_lines"], summary["citation_rows"]) == (1, 3, 4)
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs["source"]) == ["notes.txt"]
    assert set(pd.read_parquet(out / "citations.parquet")["canto"]) == {74}


def test_index_missing_corpus_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"Error: Invalid value for 'CORPUS': Path '{tmp_path / 'nope'}' does not exist."
    )
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--config", "missing.toml"],
            "Invalid value for '--config': File 'missing.toml' does not exist.",
        ),
        (["-o", "README"], "Invalid value for '-o' / '--out': Directory 'README' is a file."),
        (["--extractor", "regex"], "Invalid value for '--extractor': 'regex' is not one of"),
    ],
)
def test_index_usage_mistakes_exit_2(corpus, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README").write_text("a file")
    result = CliRunner().invoke(cli, ["index", str(corpus), *args])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1].startswith(f"Error: {message}")


def test_index_bad_config_is_one_line(corpus, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[split]\nmax_chars = 10\n")
    result = CliRunner().invoke(cli, ["index", str(corpus), "--config", str(bad)])
    assert result.exit_code == 1
    assert result.output == f"Error: {bad} [split]: split.max_chars must be at least 100\n"
    assert result.output.count("\n") == 1


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[llm]\nbatch_size = "8"\n', "[llm] batch_size: expected an integer, got the string '8'"),
        ("[llm]\nbatch_size = true\n", "[llm] batch_size: expected an integer, got the boolean true"),
        ("[llm]\nbatch_size = 8.5\n", "[llm] batch_size: expected an integer, got the number 8.5"),
        ("[ingest]\nstrip_headers = 1\n", "[ingest] strip_headers: expected true or false, got the integer 1"),
        ('[split]\nmax_chars = "big"\n', "[split] max_chars: expected an integer, got the string 'big'"),
        ('[quote]\nmin_score = "high"\n', "[quote] min_score: expected a number, got the string 'high'"),
        ("[llm]\nadapter = 3\n", "[llm] adapter: expected a string, got the integer 3"),
        ("[merge]\npolicy = [1, 2]\n", "[merge] policy: expected a string, got the array [1, 2]"),
        ("extractor = 5\n", "extractor: expected a string, got the integer 5"),
    ],
)  # fmt: skip
def test_a_config_value_of_the_wrong_type_names_the_key_and_the_type(
    corpus, tmp_path, toml, message
):
    bad = tmp_path / "x.toml"
    bad.write_text(toml)
    result = CliRunner().invoke(
        cli, ["index", str(corpus), "-o", str(tmp_path / "o"), "--config", str(bad)]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: {bad} {message}\n"


def test_an_integer_is_a_number_in_a_config(corpus, tmp_path):
    from cantobatch.config import load_config

    good = tmp_path / "x.toml"
    good.write_text("[ingest]\nparse_timeout_s = 30\n[quote]\nmin_score = 1\n")
    config = load_config(good)
    assert (config.ingest.parse_timeout_s, config.quote.min_score) == (30, 1)


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


def test_references_and_cited_lines_are_counted_distinct_per_passage(tmp_path):
    from cantobatch.index import count_references, write_part

    def row(passage, canto, line, method="rules"):
        return {"passage_id": passage, "doc_id": "d", "source": "s.txt", "canto": canto,
                "line_cited": line, "method": method}  # fmt: skip

    write_part(tmp_path, "citations", "a", [
        row("p1", 74, None), row("p1", 74, None),  # Canto LXXIV named twice: one reference
        row("p1", 74, 1), row("p1", 74, 1, "quote"), row("p1", 74, -1),  # lines 1 and -1
        row("p1", 1, None), row("p2", 74, 1),  # another canto; another passage
    ])  # fmt: skip
    write_part(tmp_path, "citations", "b", [])
    assert count_references(tmp_path) == (3, 3)
