"""The package's import graph has no cycle, counting imports inside functions and under
TYPE_CHECKING too: a module can be understood (and imported) after the ones it names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cantobatch"


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its source. ``from pkg import x``
    imports the module ``pkg.x`` when there is one, else ``pkg`` itself."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m for m in found if m in modules and m != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` (its modules in order, the first repeated at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                return path[path.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    pkg = tmp_path / "cantobatch"
    (pkg / "extract").mkdir(parents=True)
    (pkg / "config.py").write_text("def f():\n    from cantobatch.extract import base\n")
    (pkg / "extract" / "base.py").write_text("from ..config import f\n")
    modules = {"cantobatch.config": pkg / "config.py"}
    modules["cantobatch.extract.base"] = pkg / "extract" / "base.py"
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert graph == {
        "cantobatch.config": {"cantobatch.extract.base"},
        "cantobatch.extract.base": {"cantobatch.config"},
    }
    assert find_cycle(graph) == [
        "cantobatch.config",
        "cantobatch.extract.base",
        "cantobatch.config",
    ]


def test_no_import_cycle_inside_cantobatch() -> None:
    modules = module_names()
    assert {"cantobatch.config", "cantobatch.extract.registry", "cantobatch.cli"} <= set(modules)
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert "cantobatch.extract.llm" in graph["cantobatch.extract.registry"]  # inside a function
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
