"""`cantobatch extract` and `cantobatch audit` through click's CliRunner: exit codes, exact output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cantobatch.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_extract_one_text():
    result = run("extract", "Canto XLVII, ll.1-3")
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "id": None,
        "input": "Canto XLVII, ll.1-3",
        "references": [{"canto": 47, "lines": [1, 2, 3]}],
        "evidence": [
            {
                "canto": 47,
                "lines": [1, 2, 3],
                "start": 0,
                "end": 19,
                "text": "Canto XLVII, ll.1-3",
                "method": "rules",
            }
        ],
    }


def test_extract_prints_one_line_per_text_in_order():
    result = run("extract", "the Cantos", "(81/520)", "--extractor", "rules")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(x["input"], x["references"]) for x in lines] == [
        ("the Cantos", []),
        ("(81/520)", [{"canto": 81, "lines": []}]),
    ]
    assert lines[1]["evidence"][0]["text"] == "81/520"


def test_extract_input_file(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "a", "input": "the Hell Cantos"})
        + "\n\n"
        + json.dumps({"text": "Inferno XV"})
        + "\n",
        encoding="utf-8",
    )
    result = run("extract", "--input", str(path))
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [x["id"] for x in lines] == ["a", None]
    assert lines[0]["references"] == [{"canto": 14, "lines": []}, {"canto": 15, "lines": []}]
    assert lines[1]["references"] == [] and lines[1]["evidence"] == []


def test_extract_malformed_lines_get_error_records_and_the_others_are_answered(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "a", "input": "Canto I"}\n'
        b'{"id": "b", "input": "Canto II"\n'  # the closing brace is missing
        b'{"id": "c", "nope": 1}\n'
        b"\n"
        b"[1, 2]\n"
        b"\xff\xfe\n"
        b'{"id": "d", "text": "Canto III"}\n'
    )
    result = run("extract", "--input", str(path))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["line"], r.get("error")) for r in records] == [
        ("a", 1, None),
        (None, 2, "invalid JSON: Expecting ',' delimiter: line 1 column 32 (char 31)"),
        ("c", 3, 'needs a string "input" or "text"'),
        (None, 5, "not a JSON object but an array"),
        (None, 6, "not UTF-8 text: 'utf-8' codec can't decode byte 0xff in position 0: "
         "invalid start byte"),
        ("d", 7, None),
    ]  # fmt: skip
    assert records[1] == {"id": None, "line": 2, "error": records[1]["error"]}
    assert [r["references"] for r in records if "error" not in r] == [
        [{"canto": 1, "lines": []}],
        [{"canto": 3, "lines": []}],
    ]
    assert result.stderr == (
        f'warning: {path}: 4 malformed line(s) (2, 3, 5, 6) answered with an "error" record\n'
    )


def test_extract_input_with_only_malformed_lines_answers_each(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("not json\n", encoding="utf-8")
    result = run("extract", "--input", str(path), "--extractor", "llm")  # no engine is started
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "id": None,
        "line": 1,
        "error": "invalid JSON: Expecting value: line 1 column 1 (char 0)",
    }


def test_extract_needs_something_to_read():
    result = run("extract")
    assert result.exit_code == 2
    assert "give a TEXT to read, or --input FILE.jsonl" in result.output


def test_extract_help_ends_with_an_example():
    result = run("extract", "--help")
    assert result.exit_code == 0
    assert 'cantobatch extract "Canto IX, ll.1-28"' in result.output


def test_audit_lists_findings(tmp_path):
    path = tmp_path / "labels.jsonl"
    rows = [
        {"input": "Canto XLII", "output": json.dumps({"references": [{"canto": 42, "lines": []}]})},
        {"input": "Canto XLII", "output": json.dumps({"references": [{"canto": 52, "lines": []}]})},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run("audit", str(path))
    assert result.exit_code == 0
    assert result.output == (
        f"{path}:2: wrong_canto: the text says 'Canto XLII' (canto 42) but the label has canto 52\n"
        "    evidence [0:10]: Canto XLII\n"
        "1 finding(s)\n"
    )
    as_json = run("audit", "--json", str(path))
    assert as_json.exit_code == 0
    assert json.loads(as_json.output)["line_no"] == 2
    assert run("audit", "--check", str(path)).exit_code == 1


def _labelled(tmp_path, *lines: str):
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


GOOD = json.dumps({"input": "Canto XLII", "output": '{"references": [{"canto": 52, "lines": []}]}'})


def test_audit_reports_malformed_lines_skips_them_and_counts(tmp_path):
    path = _labelled(tmp_path, "{bad", GOOD, '{"input": "Canto I"}')
    result = run("audit", str(path))
    assert result.exit_code == 0
    assert result.stderr == (
        f"{path}:1: invalid JSON: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1) (skipped)\n"
        f'{path}:3: has "input" but no "output" (skipped)\n'
        f"{path}: 1 example(s) read, 2 malformed line(s) skipped (--strict stops at the first)\n"
    )
    assert result.stdout.startswith(f"{path}:2: wrong_canto: ")
    assert result.stdout.endswith("1 finding(s)\n")


@pytest.mark.parametrize("command", ["audit", "eval"])
def test_strict_stops_at_the_first_malformed_line(tmp_path, command):
    path = _labelled(tmp_path, GOOD, '{"input": "Canto I"}', "{bad")
    result = run(command, "--strict", str(path))
    assert result.exit_code == 1
    assert result.output == f'Error: {path}:2: has "input" but no "output"\n'


@pytest.mark.parametrize("command", ["audit", "eval"])
def test_no_valid_example_is_an_error_not_a_perfect_score(tmp_path, command):
    empty = _labelled(tmp_path)
    result = run(command, str(empty))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {empty}: no valid example (the file is empty); each line must be a JSON object "
        'with "input" and "output" (or "text" and "references")\n'
    )
    bad = _labelled(tmp_path, '{"text": 3}', "", "[]")
    result = run(command, str(bad))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{bad}:1: the text is not a string (skipped)\n"
        f"{bad}:3: not a JSON object (skipped)\n"
        f"Error: {bad}: no valid example (all 2 non-blank line(s) malformed); each line must be a "
        'JSON object with "input" and "output" (or "text" and "references")\n'
    )
    assert "1.000" not in result.output


def test_audit_of_the_users_file(poundtech101):
    result = run("audit", "--json", str(poundtech101))
    assert result.exit_code == 0
    assert [json.loads(x)["line_no"] for x in result.output.splitlines()] == [61, 68, 69]


def test_extract_cantos_text_reaches_the_quote_extractor(cantos_dir):
    text = "Pound opens: And then went down to the ship, set keel to breakers"
    result = run("extract", "--extractor", "quote", "--cantos-text", str(cantos_dir), text)
    assert result.exit_code == 0
    record = json.loads(result.output)
    assert [r["canto"] for r in record["references"]] == [1]
    assert {e["method"] for e in record["evidence"]} == {"quote"}
