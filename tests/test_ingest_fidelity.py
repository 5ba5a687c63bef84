"""Every document of the fidelity corpus (tests/fixtures/fidelity) scored as bench/fidelity.py
scores it: its expected sentences whole and in order, no hyphenated word left split, no chrome
line kept, no paragraph lost, its footnotes as regions of the right page, its bibliography."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIDELITY = REPO / "tests" / "fixtures" / "fidelity"
NAMES = sorted(json.loads(p.read_text())["source"] for p in FIDELITY.glob("*.expected.json"))


def _bench():
    spec = importlib.util.spec_from_file_location("bench_fidelity", REPO / "bench" / "fidelity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> dict[str, dict]:
    bench = _bench()
    return {
        record["source"]: bench.score(document, record)
        for record, document in bench.read_all(FIDELITY, columns=True)
    }


def test_the_corpus_has_each_kind_of_page() -> None:
    layouts = {json.loads(p.read_text())["layout"] for p in FIDELITY.glob("*.expected.json")}
    assert {"two columns, interleaved", "two columns, column after column"} <= layouts
    assert {"MediaWiki (Vector legacy)", "WordPress (Jetpack)", "Blogger (classic template)"} <= (
        layouts
    )
    assert {"Drupal 7 (Bartik)", "academic journal page (OJS)", "slides"} <= layouts


@pytest.mark.parametrize("name", NAMES)
def test_document_reads_as_expected(scores: dict, name: str) -> None:
    m = scores[name]
    assert m["status"] == "ok"
    assert m["in_order"] == m["sentences"]
    assert (m["split"], m["chrome"], m["lost"]) == (0, 0, 0)
    assert m["notes_found"] == m["notes"]
    assert m["bib_ok"] == m["bib_fields"]


def test_the_score_sees_a_garbled_reading() -> None:
    # The same measure on the interleaved article read in stream order finds the damage.
    bench = _bench()
    results = dict(
        (record["source"], bench.score(document, record))
        for record, document in bench.read_all(FIDELITY, columns=False)
    )
    garbled = results["two_column_interleaved.pdf"]
    assert garbled["in_order"] < 0.8 * garbled["sentences"]
    assert garbled["notes_found"] == 0
