"""`cantobatch lines CANTO[:LINES]`: exact output and errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cantobatch.cli import cli


@pytest.fixture(scope="module")
def cantos(cantos_dir) -> str:
    return str(cantos_dir)


def run(*args: str):
    return CliRunner().invoke(cli, ["lines", *args])


def test_first_three_lines(cantos):
    result = run("1:1-3", "--cantos-text", cantos)
    assert result.exit_code == 0, result.output
    assert result.output == (
        " 1  And then went down to the ship,\n"
        " 2  Set keel to breakers, forth on the godly sea, and\n"
        " 3  We set up mast and sail on that swart ship,\n"
    )


def test_last_line_by_roman_numeral(cantos):
    result = run("I:-1", "--cantos-text", cantos)
    assert result.exit_code == 0, result.output
    assert result.output == "76  Bearing the golden bough of Argicida. So that:\n"


def test_lists_and_ranges_from_the_end(cantos):
    result = run("i:9,-2--1", "--cantos-text", cantos)
    assert result.exit_code == 0, result.output
    assert result.output == (
        " 9  Thus with stretched sail, we went over sea till day's end.\n"
        "75  Girdles and breast bands, thou with dark eyelids\n"
        "76  Bearing the golden bough of Argicida. So that:\n"
    )


def test_whole_canto_without_lines(cantos):
    result = run("1", "--cantos-text", cantos)
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 76


def test_poem_text_from_the_config(cantos, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(f'[quote]\ncantos_text = "{cantos}"\n', encoding="utf-8")
    result = run("1:2", "--config", str(config))
    assert result.output == " 2  Set keel to breakers, forth on the godly sea, and\n"


def test_line_past_the_end(cantos):
    result = run("1:75-80", "--cantos-text", cantos)
    assert result.exit_code == 1
    assert "canto 1 has 76 lines" in result.output and "line 80 is outside 1-76" in result.output


def test_unknown_canto(cantos):
    result = run("II:1", "--cantos-text", cantos)
    assert result.exit_code == 1
    assert "canto 2 is not in the poem text" in result.output


@pytest.mark.parametrize(
    ("reference", "message"),
    [("XIIII:1", "not a canto number"), ("1:0", "line 0 does not exist"), ("1:a-b", "not a line")],
)
def test_bad_references(cantos, reference, message):
    result = run(reference, "--cantos-text", cantos)
    assert result.exit_code == 2
    assert message in result.output


def test_poem_text_is_required():
    result = run("1:1")
    assert result.exit_code == 2
    assert "--cantos-text" in result.output
