"""The cascade: the grammar on every passage, the LLM only on routed ones, the route recorded.

The LLM here is a recording fake (pipeline logic); tests/test_llm.py runs the cascade on the real
engine (``test_cascade_sends_only_routed_passages_to_the_engine``).
"""

from __future__ import annotations

import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from cantobatch.cli import cli
from cantobatch.cli.app import build_config
from cantobatch.config import Config
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.extract.cascade import CascadeExtractor
from cantobatch.extract.grammar.rules import extract_references
from cantobatch.extract.registry import build_extractor
from cantobatch.pipeline import run_index

CASCADE = Config(extractor="hybrid").with_overrides(merge={"policy": "cascade"})
SETTLED = "In Canto XLV the usura litany is repeated."
NICKNAME = "Few readers finish the Van Buren canto, which is mostly bank war."
NUMERAL = "Cunizza appears in 29, in 36 and, at length, in Canto 74."


class RecordingLLM:
    """Answers from a table by passage text; records every batch it is given."""

    name = "llm"

    def __init__(self, answers: dict[str, tuple[Reference, ...]] | None = None, error=None):
        self.answers = answers or {}
        self.error = error
        self.batches: list[list[str]] = []

    def identity(self) -> dict[str, str]:
        return {"extractor": "llm", "method": "llm", "model": "recording"}

    def extract_batch(self, passages):
        self.batches.append([p.text for p in passages])
        if self.error:
            return [Extraction(p.passage_id, error=self.error, method="llm") for p in passages]
        return [
            Extraction(p.passage_id, self.answers.get(p.text, ()), method="llm", meta={"x": 1})
            for p in passages
        ]

    def close(self) -> None:
        pass


def passages(*texts: str) -> list[Passage]:
    return [Passage.from_text(t, passage_id=f"p{i}") for i, t in enumerate(texts)]


def test_only_routed_passages_reach_the_llm_and_the_others_keep_the_rules_answer() -> None:
    grounded = Reference(36, (), 22, 24, "36", method="llm", family="arabic")
    invented = Reference(37, (), method="llm", flags=("ungrounded",))
    llm = RecordingLLM({NUMERAL: (grounded,), NICKNAME: (invented,)})
    cascade = CascadeExtractor(CASCADE, llm=llm)
    settled, nickname, numeral = cascade.extract_batch(passages(SETTLED, NICKNAME, NUMERAL))
    assert llm.batches == [[NICKNAME, NUMERAL]]  # one batch, the routed passages only
    assert settled.meta["routed"] is None and "llm" not in settled.meta
    assert settled.references == tuple(extract_references(SETTLED))  # untouched
    assert (nickname.meta["routed"], numeral.meta["routed"]) == (
        "unresolved_canto_word",
        "unattributed_numeral",
    )
    # merged by "grounded": a canto the passage names is added, an invented one is not
    assert [r.canto for r in nickname.references] == []
    assert [r.canto for r in extract_references(NUMERAL)] == [29, 74]
    assert sorted((r.canto, r.method) for r in numeral.references) == [
        (29, "rules"),
        (36, "llm"),
        (74, "rules"),
    ]
    assert numeral.meta["llm"] == {"x": 1}  # the LLM's own meta, kept beside the route
    assert all(r.method == "hybrid" for r in (settled, nickname, numeral))


def test_nothing_routed_asks_the_llm_nothing() -> None:
    llm = RecordingLLM()
    results = CascadeExtractor(CASCADE, llm=llm).extract_batch(passages(SETTLED, SETTLED))
    assert llm.batches == [] and [r.meta["routed"] for r in results] == [None, None]


def test_an_llm_failure_keeps_the_rules_answer_and_records_it() -> None:
    cascade = CascadeExtractor(CASCADE, llm=RecordingLLM(error="answer truncated"))
    [result] = cascade.extract_batch(passages(NUMERAL))
    assert result.error == "llm: answer truncated"
    assert result.references == tuple(extract_references(NUMERAL))


def test_the_registry_builds_the_cascade_and_its_identity_names_the_router() -> None:
    extractor = build_extractor("hybrid", CASCADE)
    try:
        assert isinstance(extractor, CascadeExtractor)
        identity = extractor.identity()
        assert identity["merge_policy"] == "cascade" and len(identity["router"]) == 16
        assert identity["rules_grammar"]
    finally:
        extractor.close()


def test_llm_all_turns_the_cascade_into_the_grounded_hybrid(tmp_path) -> None:
    config = tmp_path / "cascade.toml"
    config.write_text('extractor = "hybrid"\n[merge]\npolicy = "cascade"\n')
    assert build_config(str(config)).merge.policy == "cascade"
    assert build_config(str(config), llm_all=True).merge.policy == "grounded"
    extractor = build_extractor("hybrid", build_config(str(config), llm_all=True))
    try:
        assert not isinstance(extractor, CascadeExtractor)
        assert extractor.identity()["merge_policy"] == "grounded"
    finally:
        extractor.close()


def _corpus(root, docs: int) -> None:
    root.mkdir()
    for i in range(docs):
        text = f"{SETTLED}\n\nNotes on chapter {i}: {NICKNAME}\n\nA plain paragraph {i} here."
        (root / f"doc{i}.txt").write_text(text, encoding="utf-8")


def test_index_batches_routed_passages_across_documents_and_records_routes(tmp_path) -> None:
    _corpus(tmp_path / "corpus", docs=5)
    llm = RecordingLLM()
    cascade = CascadeExtractor(CASCADE, llm=llm)
    config = CASCADE.with_overrides(
        llm={"batch_size": 2}, split={"max_chars": 100, "overlap_chars": 0}
    )
    summary = run_index(tmp_path / "corpus", tmp_path / "out", config, extractor=cascade)
    # one routed passage a document: the LLM sees them two documents at a time
    assert [len(b) for b in llm.batches] == [2, 2, 1]
    assert summary.llm_passages == 5 and summary.routed == {"unresolved_canto_word": 5}
    routes = pq.read_table(tmp_path / "out" / "routes.parquet").to_pylist()
    passages_ = pq.read_table(tmp_path / "out" / "passages.parquet").to_pylist()
    assert sorted(r["passage_id"] for r in routes) == sorted(p["passage_id"] for p in passages_)
    routed = [r for r in routes if r["reason"]]
    assert len(routed) == 5 and {r["reason"] for r in routed} == {"unresolved_canto_word"}
    text = {p["passage_id"]: p["text"] for p in passages_}
    assert all("Van Buren" in text[r["passage_id"]] for r in routed)
    # a rerun asks the LLM nothing; the routes stay
    again = run_index(tmp_path / "corpus", tmp_path / "out", config, extractor=cascade)
    assert again.llm_passages == 0 and len(llm.batches) == 3
    assert pq.read_table(tmp_path / "out" / "routes.parquet").num_rows == len(routes)


def test_other_extractors_write_an_empty_routes_table(tmp_path) -> None:
    _corpus(tmp_path / "corpus", docs=1)
    run_index(tmp_path / "corpus", tmp_path / "out", Config(), show_progress=False)
    assert pq.read_table(tmp_path / "out" / "routes.parquet").num_rows == 0


def test_extract_prints_the_route(tmp_path) -> None:
    config = tmp_path / "cascade.toml"
    config.write_text('extractor = "hybrid"\n[merge]\npolicy = "cascade"\n')
    result = CliRunner().invoke(cli, ["extract", SETTLED, "--config", str(config)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["routed"] is None and record["references"] == [{"canto": 45, "lines": []}]
    plain = json.loads(CliRunner().invoke(cli, ["extract", SETTLED]).output)
    assert "routed" not in plain  # the rules alone route nothing
