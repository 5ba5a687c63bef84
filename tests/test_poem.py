"""Poem text: loading a canto directory, validation, normalisation, line resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from cantobatch.errors import ConfigError
from cantobatch.poem import (
    LineRangeError,
    canto_from_name,
    load_poem_text,
    normalize_words,
    parse_canto,
    parse_line_spec,
    resolve_line_spec,
    resolve_lines,
    tokenize,
)


@pytest.fixture(scope="module")
def canto_dir(cantos_dir: Path) -> Path:
    return cantos_dir


def test_canto_i_loads_with_76_lines(canto_dir):
    poem = load_poem_text(canto_dir)  # README.md beside it is ignored
    assert sorted(poem.cantos) == [1]
    assert poem.length(1) == 76
    assert poem.line_text(1, 1) == "And then went down to the ship,"
    assert poem.line_text(1, -1) == "Bearing the golden bough of Argicida. So that:"
    assert poem.line_text(1, 49) == "And he in heavy speech:"


def test_absolute_lines_from_the_end(canto_dir):
    poem = load_poem_text(canto_dir)
    assert poem.absolute(1, -1) == 76
    assert poem.absolute(1, -3) == 74
    assert poem.absolute(1, 5) == 5
    assert poem.absolute(1, 77) is None
    assert poem.absolute(1, -77) is None
    assert poem.absolute(2, 1) is None


def test_resolve_lines_flags_lines_past_the_end(canto_dir):
    poem = load_poem_text(canto_dir)
    assert resolve_lines(poem, 1, (-2, -1)) == ((75, 76), ())
    assert resolve_lines(poem, 1, (75, 80)) == ((75, 80), ("out_of_range:80",))


@pytest.mark.parametrize(
    ("stem", "canto"),
    [("canto_001", 1), ("1", 1), ("I", 1), ("canto-xlv", 45), ("Canto_120", 120), ("074", 74)],
)
def test_file_names_accepted(stem, canto):
    assert canto_from_name(stem) == canto


@pytest.mark.parametrize("stem", ["notes", "canto_121", "0", "IIII", "canto_"])
def test_file_names_refused(stem):
    assert canto_from_name(stem) is None


def test_blank_lines_are_stanza_breaks_not_lines(tmp_path):
    (tmp_path / "2.txt").write_text("first line\n\n  second line  \n\nthird\n", encoding="utf-8")
    poem = load_poem_text(tmp_path)
    canto = poem.cantos[2]
    assert canto.lines == ("first line", "  second line", "third")
    assert canto.file_lines == (1, 3, 5)


def test_every_problem_is_reported_at_once(tmp_path):
    (tmp_path / "canto_001.txt").write_text("a line\n", encoding="utf-8")
    (tmp_path / "I.txt").write_text("the same canto again\n", encoding="utf-8")
    (tmp_path / "3.txt").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a canto\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("ignored\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_poem_text(tmp_path)
    message = str(err.value)
    assert "3 problem(s)" in message
    assert (
        "I.txt: canto 1 is also given by canto_001.txt" in message
        or "canto_001.txt: canto 1 is also given by I.txt" in message
    )
    assert "3.txt: empty" in message
    assert "notes.txt: not named by a canto" in message


def test_missing_or_empty_directory(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_poem_text(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="no canto files"):
        load_poem_text(tmp_path)


def test_normalisation_of_quotes_ligatures_case_and_hyphens():
    assert normalize_words("Circe’s this craft") == normalize_words("CIRCE'S THIS CRAFT")
    assert normalize_words("the ﬁrst") == "the first"
    assert normalize_words("nape-nerve") == "nape nerve"
    assert normalize_words("bel\u00adlying “canvas”") == "bellying canvas"
    assert normalize_words("Proserpinè") == "proserpine"


def test_tokens_keep_offsets_into_the_original_text():
    text = "“Cam’st thou afoot,” he asks"
    tokens = tokenize(text)
    assert [text[t.start : t.end] for t in tokens] == ["Cam’st", "thou", "afoot", "he", "asks"]
    assert tokens[0].norm == "camst"


def test_line_specs_and_cantos():
    assert parse_canto("I") == 1 and parse_canto("xlv") == 45 and parse_canto("74") == 74
    with pytest.raises(ValueError):
        parse_canto("121")
    assert parse_line_spec("4,7-9") == [(4, 4), (7, 9)]
    assert parse_line_spec("-3--1") == [(-3, -1)]
    with pytest.raises(ValueError, match="line 0"):
        parse_line_spec("0")


def test_resolve_line_spec(canto_dir):
    poem = load_poem_text(canto_dir)
    assert resolve_line_spec(poem, 1, "-1") == [76]
    assert resolve_line_spec(poem, 1, "1-3,-2") == [1, 2, 3, 75]
    assert len(resolve_line_spec(poem, 1, None)) == 76
    with pytest.raises(LineRangeError, match="canto 1 has 76 lines"):
        resolve_line_spec(poem, 1, "70-80")
    with pytest.raises(LineRangeError, match="canto 2 is not in the poem text"):
        resolve_line_spec(poem, 2, "1")


def test_text_hash_follows_the_text_not_the_file_names(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "canto_001.txt").write_text("one\ntwo\n", encoding="utf-8")
    (b / "I.txt").write_text("one\ntwo\n", encoding="utf-8")
    assert load_poem_text(a).text_hash == load_poem_text(b).text_hash
    (b / "I.txt").write_text("one\ntwo!\n", encoding="utf-8")
    assert load_poem_text(a).text_hash != load_poem_text(b).text_hash
