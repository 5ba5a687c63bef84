"""Page concordance: canto/page citations become line ranges for one edition."""

from __future__ import annotations

from pathlib import Path

import pytest

from cantobatch.concordance import load_concordance
from cantobatch.config import Config
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.errors import ConfigError
from cantobatch.extract.quote import WithPoemText
from cantobatch.extract.registry import build_extractor
from cantobatch.index import citation_rows

# A made-up table: two editions that break Canto LXXIV differently; page 446 holds the end
# of one canto and the start of the next (two rows).
TABLE = """edition,canto,page,first_line,last_line
Test 1970,74,445,1,30
Test 1970,74,446,31,58
Test 1970,LXXV,446,1,4
Test 1970,1,3,1,40
Test 1970,1,4,41,76
Other 1990,74,445,1,26
"""


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "pages.csv"
    path.write_text(TABLE, encoding="utf-8")
    return path


def test_lines_for_a_page_and_a_page_range(table):
    concordance = load_concordance(table, "Test 1970")
    assert concordance.lines_for(74, "445") == tuple(range(1, 31))
    assert concordance.lines_for(75, "446") == (1, 2, 3, 4)  # roman canto in the table
    assert concordance.lines_for(74, "445-6") == tuple(range(1, 59))
    assert concordance.lines_for(74, "445–446") == tuple(range(1, 59))
    assert concordance.lines_for(74, "447") is None
    assert concordance.lines_for(76, "445") is None
    assert load_concordance(table, "Other 1990").lines_for(74, "445") == tuple(range(1, 27))


def test_edition_must_be_chosen_when_there_are_several(table, tmp_path):
    with pytest.raises(ConfigError, match="several editions .*Other 1990, Test 1970.*edition = "):
        load_concordance(table)
    with pytest.raises(ConfigError, match="edition 'Penguin' is not in"):
        load_concordance(table, "Penguin")
    single = tmp_path / "one.csv"
    single.write_text("edition,canto,page,first_line,last_line\nE,1,3,1,40\n", encoding="utf-8")
    assert load_concordance(single).edition == "E"


def test_bad_rows_are_all_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "edition,canto,page,first_line,last_line\n"
        "E,74,445,1,30\n"
        "E,74,445,31,40\n"  # repeats (74, 445)
        "E,130,1,1,2\n"  # no such canto
        "E,74,447,9,3\n"  # backwards
        "E,74,448,one,3\n",  # not a number
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_concordance(path)
    message = str(err.value)
    for row in ("row 3:", "row 4:", "row 5:", "row 6:"):
        assert row in message
    missing = tmp_path / "cols.csv"
    missing.write_text("edition,canto,page\nE,1,3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks column.*first_line, last_line"):
        load_concordance(missing)


class PageCitations:
    name = "fake"

    def identity(self) -> dict[str, str]:
        return {"extractor": "fake"}

    def extract_batch(self, passages):
        refs = (
            Reference(74, (), cited_page="445", family="page", evidence="74/445"),
            Reference(74, (), cited_page="999", family="page", evidence="74/999"),
            Reference(1, (), cited_page="4", family="page", evidence="1/4"),
        )
        return [Extraction(p.passage_id, refs) for p in passages]

    def close(self) -> None:
        pass


def test_page_citations_become_lines_with_the_concordance(table, cantos_dir):
    config = Config().with_overrides(
        quote={
            "concordance": str(table),
            "edition": "Test 1970",
            "cantos_text": str(cantos_dir),
        }
    )
    wrapped = WithPoemText(PageCitations(), config)
    assert wrapped.identity()["concordance"].startswith("Test 1970:")
    passage = Passage.from_text("see 74/445, 74/999 and 1/4", "p")
    [result] = wrapped.extract_batch([passage])
    on_page, missing, canto_i = result.references
    assert on_page.lines == tuple(range(1, 31)) and on_page.absolute_lines == on_page.lines
    assert on_page.cited_page == "445" and on_page.flags == ("page_concordance",)
    assert (missing.lines, missing.flags) == ((), ("page_not_in_concordance",))
    assert canto_i.lines == tuple(range(41, 77)) and canto_i.flags == ("page_concordance",)
    rows = citation_rows(passage, result, wrapped.identity(), "run")
    assert sum(1 for r in rows if r["canto"] == 74 and r["line"] is not None) == 30
    assert {r["line_flag"] for r in rows if r["cited_page"] == "999"} == {"page_not_in_concordance"}


def test_without_a_concordance_page_citations_stay_canto_only(cantos_dir):
    config = Config().with_overrides(quote={"cantos_text": str(cantos_dir)})
    [result] = WithPoemText(PageCitations(), config).extract_batch([Passage.from_text("x", "p")])
    assert [(r.lines, r.cited_page, r.flags) for r in result.references] == [
        ((), "445", ()),
        ((), "999", ()),
        ((), "4", ()),
    ]


def test_rules_page_citation_with_concordance_alone(table):
    # A concordance without the poem text still wraps the chosen extractor.
    config = Config(extractor="rules").with_overrides(
        quote={"concordance": str(table), "edition": "Test 1970"}
    )
    extractor = build_extractor("rules", config)
    assert isinstance(extractor, WithPoemText) and extractor.aligner is None
    [result] = extractor.extract_batch([Passage.from_text("as in 74/445, the wind", "p")])
    [ref] = [r for r in result.references if r.canto == 74]
    assert (ref.cited_page, ref.lines[0], ref.lines[-1]) == ("445", 1, 30)
