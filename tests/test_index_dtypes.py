"""The index read back with plain pandas: nullable integer columns stay integers."""

from __future__ import annotations

import pandas as pd
import pytest
from report_helpers import index_small_corpus


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return index_small_corpus(tmp_path_factory.mktemp("dtypes"))


def test_read_parquet_gives_nullable_integers_not_floats(small):
    cites = pd.read_parquet(small / "citations.parquet")
    assert str(cites["line"].dtype) == "Int16" and str(cites["line_cited"].dtype) == "Int16"
    assert str(cites["page"].dtype) == "Int32" and str(cites["evidence_start"].dtype) == "Int32"
    assert str(cites["canto"].dtype) == "int8"  # never null
    # Whole-canto rows are <NA>, and lines stay integers beside them.
    assert cites["line"].isna().any() and cites["line"].notna().any()
    kenner = cites[cites["source"] == "notes/kenner.txt"]
    assert sorted(kenner["line"].dropna().tolist()) == [1, 1, 2, 2, 3, 3, 4]
    assert all(type(x) is int for x in kenner["line"].dropna().tolist())
    assert kenner["page"].isna().all()  # a text file has no pages: <NA>, not NaN
    assert cites[cites["source"] == "ledgers.pdf"]["page"].tolist()[0] == 1
    passages = pd.read_parquet(small / "passages.parquet")
    assert str(passages["page"].dtype) == "Int32" and str(passages["seq"].dtype) == "Int32"
    documents = pd.read_parquet(small / "documents.parquet")
    assert str(documents["pages"].dtype) == "Int32" and str(documents["bytes"].dtype) == "Int64"
    assert documents.set_index("source").loc["empty.txt", "pages"] is pd.NA
