"""The poem text through a whole `index` run: quotation rows, absolute lines, flags, pages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cantobatch.config import Config
from cantobatch.pipeline import run_index

ESSAY = """On the voyage out

The last line of Canto I ends on a colon. Earlier the canto has the crew
embark: "Bore us out onward with bellying canvas, Circe's this craft, the
trim-coifed goddess." Some editions print the opening at 74/445, which is a
different matter, and one student cited Canto I, l. 80, which does not exist.
"""

PAGES = "edition,canto,page,first_line,last_line\nMade-up 1970,74,445,1,30\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "essay.txt").write_text(ESSAY, encoding="utf-8")
    return root


def citations(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "citations.parquet")


def test_index_with_poem_text_and_concordance(corpus, tmp_path, cantos_dir):
    pages = tmp_path / "pages.csv"
    pages.write_text(PAGES, encoding="utf-8")
    config = Config(extractor="rules").with_overrides(
        quote={"cantos_text": str(cantos_dir), "concordance": str(pages)}
    )
    out = tmp_path / "out"
    run_index(corpus, out, config, show_progress=False)
    table = citations(out)

    last = table[(table.method == "rules") & (table.line_cited == -1)]
    assert list(zip(last.canto, last.line, strict=True)) == [(1, 76)]

    quoted = table[table.method == "quote"].sort_values("line")
    assert list(quoted.line) == [6, 7]
    assert set(quoted.family) == {"quote"} and (quoted.score == 1.0).all()
    assert quoted.evidence.iloc[0].startswith("Bore us out onward")

    past = table[(table.canto == 1) & (table.line == 80)]
    assert list(past.line_flag) == ["out_of_range"]

    page = table[table.canto == 74]
    assert sorted(page.line) == list(range(1, 31))
    assert set(page.cited_page) == {"445"} and set(page.line_flag) == {"page_concordance"}


def test_index_with_the_quote_extractor_alone(corpus, tmp_path, cantos_dir):
    config = Config(extractor="quote").with_overrides(quote={"cantos_text": str(cantos_dir)})
    out = tmp_path / "out"
    run_index(corpus, out, config, show_progress=False)
    table = citations(out)
    assert set(table.method) == {"quote"}
    assert sorted(table.line) == [6, 7]
    assert set(table.extractor) == {"quote"}
