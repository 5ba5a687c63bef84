"""The committed sample corpus and ingest fixtures are exactly what their scripts generate."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the script runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


@pytest.mark.parametrize(
    ("script", "function", "committed"),
    [
        ("make_corpus", "write_corpus", REPO / "corpora"),
        ("make_fixtures", "write_fixtures", REPO / "tests" / "fixtures" / "ingest"),
        ("make_fidelity", "write_fidelity", REPO / "tests" / "fixtures" / "fidelity"),
    ],
)
def test_generated_files_match_the_committed_ones(
    script: str, function: str, committed: Path, tmp_path: Path
) -> None:
    written = getattr(load_script(script), function)(tmp_path)
    assert written
    for path in written:
        relative = path.relative_to(tmp_path)
        assert (committed / relative).read_bytes() == path.read_bytes(), (
            f"{committed / relative} differs from what scripts/{script}.py writes; rerun it"
        )
