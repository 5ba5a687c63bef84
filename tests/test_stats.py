"""`cantobatch stats`: every count checked against pandas on the same tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from report_helpers import index_small_corpus, write_synthetic_index

from cantobatch.cli import cli
from cantobatch.sections import sections
from cantobatch.stats import compute_stats
from cantobatch.tables import open_index


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("stats") / "out"
    write_synthetic_index(out, citations=5000, seed=2)
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return index_small_corpus(tmp_path_factory.mktemp("stats-small"))


def references(out) -> pd.DataFrame:
    """One row per (passage, canto): what stats calls a reference, computed with pandas."""
    cites = pd.read_parquet(out / "citations.parquet")
    return cites.groupby(["passage_id", "canto"], as_index=False).agg(
        doc_id=("doc_id", "first"), methods=("method", lambda s: set(s.astype(str)))
    )


def test_counts_match_pandas(synthetic):
    stats = compute_stats(open_index(synthetic), top=5)
    docs = pd.read_parquet(synthetic / "documents.parquet")
    passages = pd.read_parquet(synthetic / "passages.parquet")
    cites = pd.read_parquet(synthetic / "citations.parquet")
    refs = references(synthetic)

    assert stats["documents"]["total"] == len(docs)
    assert stats["documents"]["by_status"] == docs["status"].astype(str).value_counts().to_dict()
    failed = docs[~docs["status"].isin(["ok", "partial"])]
    assert {x["source"] for x in stats["documents"]["not_read"]} == set(failed["source"])
    assert stats["passages"] == {"total": len(passages), "citing": cites["passage_id"].nunique()}
    assert stats["references"]["total"] == len(refs)
    assert stats["references"]["citation_rows"] == len(cites) == 5000
    by_method = refs["methods"].explode().value_counts().to_dict()
    assert stats["references"]["by_method"] == by_method

    per_canto = refs.groupby("canto").size()
    docs_per_canto = refs.groupby("canto")["doc_id"].nunique()
    for row in stats["cantos"]["by_canto"]:
        assert row["references"] == per_canto.get(row["canto"], 0)
        assert row["documents"] == docs_per_canto.get(row["canto"], 0)
    assert stats["cantos"]["never_cited"] == sorted(set(range(1, 121)) - set(per_canto.index))
    most = per_canto.reset_index(name="n").sort_values(["n", "canto"], ascending=[False, True])
    assert [r["canto"] for r in stats["cantos"]["most_cited"]] == most["canto"].head(5).tolist()
    least = per_canto.reset_index(name="n").sort_values(["n", "canto"])
    assert [r["canto"] for r in stats["cantos"]["least_cited"]] == least["canto"].head(5).tolist()

    for section, row in zip(sections(), stats["sections"], strict=True):
        mine = refs[refs["canto"].between(section.first, section.last)]
        assert (row["name"], row["references"], row["documents"], row["cantos_cited"]) == (
            section.name,
            len(mine),
            mine["doc_id"].nunique(),
            mine["canto"].nunique(),
        )
    assert sum(row["references"] for row in stats["sections"]) == len(refs)

    per_doc = {r["source"]: r for r in stats["by_document"]}
    refs_per_doc = refs.merge(docs[["doc_id", "source"]]).groupby("source").size()
    passages_per_doc = passages.groupby("source").size()
    for source, n in refs_per_doc.items():
        assert per_doc[source]["references"] == n
        assert per_doc[source]["passages"] == passages_per_doc[source]
    assert [r["references"] for r in stats["by_document"]] == sorted(
        (r["references"] for r in stats["by_document"]), reverse=True
    )


EXPECTED = """\
documents: 4 (2 ok, 1 needs_password, 1 zero_bytes)
  not read: needs_password  user_password.pdf: encrypted with a user password; decrypt it (qpdf --decrypt --password=... in.pdf out.pdf) and index the decrypted copy
  not read: zero_bytes      empty.txt: the file is empty
passages: 2 (2 cite a canto)
references: 26 (32 citation rows); by method: rules 26
cantos cited: 25 of 120
  never cited: 1–7, 10–44, 46–73, 96–120
  most cited: 74 (2), 8 (1), 9 (1)
  least cited: 8 (1), 9 (1), 45 (1)
by section (references, documents, cantos cited):
  A Draft of XXX Cantos         1–30        2       1    2
  Eleven New Cantos            31–41        0       0    0
  The Fifth Decad of Cantos    42–51        1       1    1
  China Cantos                 52–61        0       0    0
  Adams Cantos                 62–71        0       0    0
  Italian Cantos               72–73        0       0    0
  The Pisan Cantos             74–84       12       2   11
  Section: Rock-Drill          85–95       11       1   11
  Thrones                     96–109        0       0    0
  Drafts & Fragments         110–120        0       0    0
by document (references, citing passages / passages, cantos):
  ledgers.pdf            24       1 / 1        24
  notes/kenner.txt        2       1 / 1         2
  empty.txt               0       0 / 0         0  zero_bytes
"""


def test_stats_text_on_a_real_index(small):
    result = CliRunner().invoke(cli, ["stats", str(small), "--top", "3"])
    assert result.exit_code == 0
    assert result.output == f"index: {small}\n" + EXPECTED + "  … 1 more (--top 0 for all)\n"


def test_stats_json_is_the_same_counts(small):
    result = CliRunner().invoke(cli, ["stats", str(small), "--json"])
    assert result.exit_code == 0
    stats = json.loads(result.output)
    assert stats["references"] == {"total": 26, "citation_rows": 32, "by_method": {"rules": 26}}
    assert stats["documents"]["not_read"][1] == {
        "source": "empty.txt",
        "status": "zero_bytes",
        "reason": "the file is empty",
    }
    assert len(stats["by_document"]) == 4 and len(stats["cantos"]["by_canto"]) == 120


def test_stats_show_partial_documents_as_read_in_part(tmp_path):
    """A PDF with a page pdfium cannot load is indexed ("partial"): counted apart, listed as read
    in part with the pages it lost, not among the documents not read."""
    import shutil

    from report_helpers import FIXTURES, small_corpus

    corpus = small_corpus(tmp_path / "corpus")
    shutil.copy(FIXTURES / "damaged_first_page.pdf", corpus / "damaged.pdf")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out), "--quiet"]).exit_code == 0
    stats = compute_stats(open_index(out))
    documents = stats["documents"]
    assert documents["by_status"]["partial"] == 1
    assert [x["source"] for x in documents["partial"]] == ["damaged.pdf"]
    assert "page(s) 1 could not be loaded" in documents["partial"][0]["reason"]
    assert "damaged.pdf" not in {x["source"] for x in documents["not_read"]}
    assert {x["source"] for x in documents["not_read"]} == {"empty.txt", "user_password.pdf"}
    text = CliRunner().invoke(cli, ["stats", str(out)]).output
    assert "1 partial (indexed; some pages unreadable)" in text.splitlines()[1]
    assert "  read in part: damaged.pdf: " in text


# passages the cascade routes, for two reasons, and one it settles (see tests/test_router.py)
_NICKNAME = "Few readers finish the Van Buren canto, which is mostly bank war."
_NUMERAL = "Cunizza appears in 29, in 36 and, at length, in Canto 74."
_SETTLED = "In Canto XLV the usura litany is repeated."


class _NoAnswerLLM:
    """Stands in for the model (pipeline logic only): answers every routed passage with nothing."""

    name = "llm"

    def identity(self) -> dict[str, str]:
        return {"extractor": "llm", "method": "llm", "model": "none"}

    def extract_batch(self, passages):
        from cantobatch.data import Extraction

        return [Extraction(p.passage_id, (), method="llm") for p in passages]

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def cascaded(tmp_path_factory):
    from cantobatch.config import Config
    from cantobatch.extract.cascade import CascadeExtractor
    from cantobatch.pipeline import run_index

    root = tmp_path_factory.mktemp("stats-cascade")
    corpus = root / "corpus"
    corpus.mkdir()
    for i in range(4):
        paragraphs = [_SETTLED, _NICKNAME] + [_NUMERAL] * (i % 2) + [f"A plain paragraph {i}."]
        (corpus / f"doc{i}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    config = Config(extractor="hybrid").with_overrides(
        merge={"policy": "cascade"}, split={"max_chars": 100, "overlap_chars": 0}
    )
    cascade = CascadeExtractor(config, llm=_NoAnswerLLM())
    run_index(corpus, root / "out", config, extractor=cascade, show_progress=False)
    return root / "out"


def test_stats_count_routes_by_reason_as_pandas_does(cascaded):
    routes = pd.read_parquet(cascaded / "routes.parquet")
    routed = routes[routes["reason"].notna()]
    by_reason = routed["reason"].astype(str).value_counts().to_dict()
    assert by_reason == {"unresolved_canto_word": 4, "unattributed_numeral": 2}
    stats = compute_stats(open_index(cascaded))
    assert stats["routes"] == {
        "passages": len(routes),
        "routed": len(routed),
        "by_reason": by_reason,
    }
    assert stats["routes"]["passages"] == len(pd.read_parquet(cascaded / "passages.parquet"))

    text = CliRunner().invoke(cli, ["stats", str(cascaded)])
    assert text.exit_code == 0, text.output
    assert (
        f"routed to the LLM (cascade): 6 of {len(routes)} passages; by reason: "
        "unresolved_canto_word 4, unattributed_numeral 2"
    ) in text.output.splitlines()
    as_json = CliRunner().invoke(cli, ["stats", str(cascaded), "--json"])
    assert json.loads(as_json.output)["routes"] == stats["routes"]


def test_stats_of_an_index_without_routes_say_nothing_of_them(small):
    assert compute_stats(open_index(small))["routes"] is None
    assert "routed" not in CliRunner().invoke(cli, ["stats", str(small)]).output
