"""The README's promises: its recipes run, every command is documented and has a teaching --help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pipeline_helpers import write_corpus

from cantobatch.cli import cli

README = (__import__("pathlib").Path(__file__).parents[1] / "README.md").read_text()


def python_block_after(heading: str) -> str:
    section = README.split(heading, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def indexed(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2)
    (corpus / "pisan.txt").write_text(
        "Canto LXXIV opens the Pisan sequence; Canto LXXXI turns to Aphrodite.", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["index", str(corpus), "-o", str(tmp_path / "outputs"), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_pandas_recipe_runs_on_an_index(indexed, capsys):
    exec(python_block_after("## Querying with pandas"), {})
    printed = capsys.readouterr().out
    assert "pisan.txt" in printed and "doc000.txt" in printed  # both cite cantos 74-84


def test_duckdb_recipe_runs_on_an_index(indexed, capsys):
    exec(python_block_after("## Querying with DuckDB"), {})
    printed = capsys.readouterr().out
    assert "canto" in printed and "74" in printed


def all_commands():
    for name, command in sorted(cli.commands.items()):
        if hasattr(command, "commands"):
            for sub in sorted(command.commands):
                yield f"{name} {sub}"
        else:
            yield name


@pytest.mark.parametrize("command", list(all_commands()))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`cantobatch {command} --help` shows no example"
    assert f"cantobatch {command}" in README, f"README does not mention `cantobatch {command}`"


def layout_paths() -> set[str]:
    """The paths the README's Layout map names: each entry's first word, under the folders above
    it (two spaces a level; a line indented further continues the entry above)."""
    block = README.split("## Layout", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    paths, folders = set(), []
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent >= 16:
            continue
        name = line.split()[0]
        folders = folders[: indent // 2]
        paths.add("/".join([*folders, name.rstrip("/")]))
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
    return paths


def test_the_layout_names_every_module_and_only_what_exists():
    root = Path(__file__).resolve().parents[1]
    named = layout_paths()
    assert {"cantobatch/cli/app.py", "cantobatch/extract/grammar/rules.py"} <= named
    gone = sorted(path for path in named if not (root / path).exists())
    assert not gone, f"the README's Layout names {gone}, which do not exist"
    modules = {
        path.relative_to(root).as_posix()
        for path in (root / "cantobatch").rglob("*.py")
        if path.name != "__init__.py" or path.parent.name == "cantobatch"
    }
    missing = sorted(modules - named)
    assert not missing, f"add {missing} to the README's Layout"
