"""The index read back: nullable integers for pandas, the not-an-index error, references."""

from __future__ import annotations

import pandas as pd
import pytest
from report_helpers import index_small_corpus, write_synthetic_index

from cantobatch.index import SCHEMA_VERSION
from cantobatch.tables import NotAnIndexError, hits, open_index


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return index_small_corpus(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic") / "out"
    write_synthetic_index(out, citations=3000, seed=1)
    return out


def test_open_index_refuses_a_folder_that_is_not_an_index(tmp_path):
    (tmp_path / "outputs").mkdir()
    for folder in (tmp_path / "outputs", tmp_path / "missing"):
        with pytest.raises(NotAnIndexError) as info:
            open_index(folder)
        assert str(info.value) == (
            f"{folder} is not a cantobatch index: run `cantobatch index CORPUS -o {folder}` first"
        )


def test_open_index_knows_an_index_by_its_manifest_or_its_state(small, tmp_path):
    assert open_index(small).manifest["schema_version"] == SCHEMA_VERSION
    (tmp_path / "_state").mkdir()  # a run that started and stopped: refused, in one line
    with pytest.raises(NotAnIndexError, match=r"^index incomplete: .* holds 0 documents"):
        open_index(tmp_path)


def test_hits_fold_rows_into_one_reference_per_passage_and_canto(synthetic):
    index = open_index(synthetic)
    found = hits(index.read("citations"))
    cites = pd.read_parquet(synthetic / "citations.parquet")
    groups = cites.groupby(["passage_id", "canto"])
    assert len(found) == groups.ngroups
    assert sum(h.rows for h in found) == len(cites) == 3000
    lines = groups["line"].agg(lambda s: tuple(sorted(set(s.dropna().astype(int)))))
    assert {(h.passage_id, h.canto): h.lines for h in found} == lines.to_dict()
    methods = groups["method"].agg(lambda s: tuple(sorted(set(s.astype(str)))))
    assert {(h.passage_id, h.canto): h.methods for h in found} == methods.to_dict()
    one = next(h for h in found if h.rows > 1)
    assert one.spans == ((one.spans[0][0], one.spans[0][1]),)  # one span, repeated per line row


def test_query_stats_and_report_never_import_the_extractors(small, tmp_path):
    """Looking at an index needs neither the grammar nor a model: only Parquet readers load."""
    import subprocess
    import sys
    from pathlib import Path

    code = f"""
import sys
from click.testing import CliRunner
from cantobatch.cli import cli
for args in (["query", {str(small)!r}, "--canto", "Pisan"], ["stats", {str(small)!r}],
             ["report", {str(small)!r}, "-o", {str(tmp_path / "r.html")!r}]):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
print(sorted(m for m in sys.modules
             if m.startswith(("cantobatch.extract", "cantobatch.ingest", "cantobatch.pipeline"))))
"""
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
