"""Scoring: set arithmetic on hand-computed cases, both example formats, the eval command."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from cantobatch.cli import cli
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.errors import ExtractionError
from cantobatch.evaluate import (
    Counts,
    Scored,
    evaluate,
    format_table,
    result_from_items,
    score,
)
from cantobatch.examples import Example, read_examples
from cantobatch.extract import registry as extract_pkg

REPO = Path(__file__).resolve().parents[1]


class FakeExtractor:
    """Answers from a table of text → [(canto, lines)]; unknown texts get nothing (pure logic)."""

    def __init__(self, answers: dict[str, list[tuple[int, list[int]]]], name: str = "fake"):
        self.answers = answers
        self.name = name
        self.closed = False
        self.batches: list[int] = []

    def identity(self) -> dict[str, str]:
        return {"method": self.name}

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        self.batches.append(len(passages))
        out = []
        for p in passages:
            if p.text == "BOOM":
                out.append(Extraction(p.passage_id, error="model answer was not JSON"))
                continue
            if p.text.startswith("PARTIAL"):  # a fallback answer recorded with its failure
                refs = (Reference(canto=4),)
                out.append(Extraction(p.passage_id, refs, error="llm: timeout"))
                continue
            refs = tuple(
                Reference(canto=c, lines=tuple(ls), evidence=p.text[:10], evidence_start=0)
                for c, ls in self.answers.get(p.text, [])
            )
            out.append(Extraction(p.passage_id, refs, method=self.name))
        return out

    def close(self) -> None:
        self.closed = True


def ex(text: str, refs: list[tuple[int, list[int]]], kind: str | None = None) -> Example:
    return Example(text=text, references=tuple((c, tuple(ls)) for c, ls in refs), kind=kind)


def scored(gold: list, pred: list) -> Scored:
    return Scored(ex("t", gold), tuple(Reference(c, tuple(ls)) for c, ls in pred))


# --- arithmetic ----------------------------------------------------------------------------


def test_empty_gold_and_empty_prediction_is_perfect_by_the_0_over_0_convention():
    item = scored([], [])
    assert item.canto == Counts(0, 0, 0)
    assert (item.canto.precision, item.canto.recall, item.canto.f1) == (1.0, 1.0, 1.0)
    assert item.exact


def test_prediction_on_a_negative_gives_precision_0_recall_1():
    item = scored([], [(5, [])])
    assert item.canto == Counts(tp=0, fp=1, fn=0)
    assert (item.canto.precision, item.canto.recall, item.canto.f1) == (0.0, 1.0, 0.0)
    assert item.line == Counts(0, 0, 0)  # no lines on either side
    assert not item.exact


def test_nothing_predicted_for_a_positive_gives_precision_1_recall_0():
    item = scored([(9, [1, 2])], [])
    assert item.canto == Counts(0, 0, 1)
    assert item.line == Counts(0, 0, 2)
    assert (item.line.precision, item.line.recall, item.line.f1) == (1.0, 0.0, 0.0)


def test_one_canto_split_across_objects_equals_one_object_with_all_lines():
    gold = [(9, list(range(15, 29))), (9, [29, 30, 31])]
    pred = [(9, list(range(15, 32)))]
    item = scored(gold, pred)
    assert item.canto == Counts(1, 0, 0)
    assert item.line == Counts(17, 0, 0)
    assert item.exact


def test_whole_canto_object_beside_line_object_adds_no_pairs():
    item = scored([(20, [96])], [(20, []), (20, [96])])
    assert item.exact


def test_negative_line_numbers_are_distinct_from_their_positive_equivalents():
    # Canto I has 76 lines, but "the last line" (-1) is not scored as line 76.
    item = scored([(1, [-1])], [(1, [76])])
    assert item.canto == Counts(1, 0, 0)
    assert item.line == Counts(tp=0, fp=1, fn=1)
    assert not item.exact


def test_micro_average_over_partial_overlaps():
    items = [
        scored([(4, [28, 29]), (5, [1, 2, 3])], [(4, [28, 29, 30]), (6, [])]),
        scored([(45, [])], [(45, []), (51, [])]),
        scored([], []),
    ]
    s = score(items)
    # cantos: {4,5} vs {4,6}: tp1 fp1 fn1; {45} vs {45,51}: tp1 fp1; empty: nothing.
    assert s.canto == Counts(tp=2, fp=2, fn=1)
    assert s.canto.precision == pytest.approx(2 / 4)
    assert s.canto.recall == pytest.approx(2 / 3)
    assert s.canto.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    # lines: {(4,28),(4,29),(5,1),(5,2),(5,3)} vs {(4,28),(4,29),(4,30)}: tp2 fp1 fn3.
    assert s.line == Counts(tp=2, fp=1, fn=3)
    assert s.exact == 1 and s.exact_rate == pytest.approx(1 / 3)
    assert s.n == 3


def test_scores_per_kind_and_failed_extractions():
    examples = [
        ex("Canto IV", [(4, [])], "roman"),
        ex("Inferno V", [], "neg_dante"),
        ex("BOOM", [(1, [])], "roman"),
        ex("no kind", []),
    ]
    fake = FakeExtractor({"Canto IV": [(4, [])], "Inferno V": [(5, [])]})
    result = evaluate(fake, examples, batch_size=3)
    assert fake.batches == [3, 1]
    assert result.scores.errors == 1
    assert result.scores.canto == Counts(tp=1, fp=1, fn=1)
    assert set(result.by_kind) == {"roman", "neg_dante"}  # examples without a kind: overall only
    assert result.by_kind["roman"].n == 2 and result.by_kind["roman"].exact == 1
    assert result.by_kind["roman"].errors == 1
    assert result.by_kind["neg_dante"].exact == 0
    assert [m.example.text for m in result.mismatches()] == ["Inferno V", "BOOM"]


def test_a_failed_extraction_is_scored_on_the_references_it_kept():
    result = evaluate(FakeExtractor({}), [ex("PARTIAL Canto IV", [(4, [])])])
    assert result.scores.errors == 1
    assert result.scores.canto == Counts(tp=1, fp=0, fn=0)
    assert result.mismatches() == list(result.items)  # still listed: its extraction failed


def test_a_batch_that_raises_is_recorded_and_the_run_goes_on():
    class Flaky(FakeExtractor):
        def extract_batch(self, passages):
            if any(p.text == "bad batch" for p in passages):
                raise RuntimeError("engine died")
            return super().extract_batch(passages)

    examples = [ex("bad batch", [(1, [])]), ex("Canto IV", [(4, [])])]
    result = evaluate(Flaky({"Canto IV": [(4, [])]}), examples, batch_size=1)
    assert result.scores.errors == 1
    assert "RuntimeError: engine died" in result.items[0].error
    assert result.items[1].exact


def test_an_extractor_returning_the_wrong_number_of_results_is_an_error():
    class Short(FakeExtractor):
        def extract_batch(self, passages):
            return super().extract_batch(passages)[:-1]

    with pytest.raises(ExtractionError, match="returned 1 results for 2 passages"):
        evaluate(Short({}), [ex("a", []), ex("b", [])])


def test_side_by_side_table_has_a_column_group_per_extractor():
    items_a = [Scored(ex("x", [(4, [])], "roman"), (Reference(4),))]
    items_b = [Scored(ex("x", [(4, [])], "roman"), ())]
    table = format_table(
        {"rules": result_from_items("rules", items_a), "llm": result_from_items("llm", items_b)}
    )
    head, _, overall, roman, errors = table.splitlines()
    assert "rules canto F1" in head and "llm exact" in head
    assert head.index("rules canto F1") < head.index("llm canto F1")
    assert overall.split() == ["all", "1", "1.000", "1.000", "1.000", "0.000", "1.000", "0.000"]
    assert errors.split() == ["errors", "0", "0"]
    assert roman.split()[0] == "roman"


# --- formats and files ---------------------------------------------------------------------


def _lines(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_both_input_formats_score_alike(tmp_path):
    path = _lines(
        tmp_path,
        [
            json.dumps(
                {
                    "input": "IV:28-29",
                    "output": '{"references": [{"canto": 4, "lines": [28, 29]}]}',
                    "kind": "lines",
                }
            ),
            json.dumps(
                {
                    "text": "Canto LXXXI",
                    "references": [{"canto": 81, "lines": []}],
                    "id": "x2",
                    "source": "s",
                }
            ),
        ],
    )
    examples = read_examples(path)
    assert [e.references for e in examples] == [((4, (28, 29)),), ((81, ()),)]
    assert examples[1].id == "x2" and examples[1].extra == {"source": "s"}
    fake = FakeExtractor({"IV:28-29": [(4, [28, 29])], "Canto LXXXI": [(81, [])]})
    assert evaluate(fake, examples).scores.exact_rate == 1.0


# --- the eval command ----------------------------------------------------------------------


@pytest.fixture
def fake_build(monkeypatch):
    """Make ``cantobatch eval`` build fakes: 'rules' knows two answers, 'hybrid' knows one."""
    answers = {
        "rules": {"Canto XLV": [(45, [])], "the last line of Canto I": [(1, [-1])]},
        "hybrid": {"Canto XLV": [(45, [])]},
    }
    built: list[FakeExtractor] = []

    def build(name, config):
        built.append(FakeExtractor(answers[name], name))
        return built[-1]

    monkeypatch.setattr(extract_pkg, "build_extractor", build)
    return built


@pytest.fixture
def data_file(tmp_path):
    return _lines(
        tmp_path,
        [
            json.dumps(
                {
                    "input": "Canto XLV",
                    "output": '{"references": [{"canto": 45, "lines": []}]}',
                    "id": "a",
                    "kind": "roman",
                }
            ),
            "{not json",
            json.dumps(
                {
                    "input": "the last line of Canto I",
                    "output": '{"references": [{"canto": 1, "lines": [-1]}]}',
                    "id": "b",
                    "kind": "first_last",
                }
            ),
            json.dumps({"input": "no output here"}),
            json.dumps(
                {
                    "input": "Inferno XXVI",
                    "output": '{"references": []}',
                    "id": "c",
                    "kind": "neg_dante",
                }
            ),
        ],
    )


def test_eval_json_shape_and_values(fake_build, data_file):
    result = CliRunner().invoke(cli, ["eval", str(data_file), "--extractor", "rules", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"n", "canto", "line", "exact", "by_kind", "errors", "bad_lines"}
    assert payload["n"] == 3 and payload["exact"] == 1.0 and payload["errors"] == 0
    assert set(payload["canto"]) >= {"precision", "recall", "f1"}
    assert payload["line"]["tp"] == 1
    assert set(payload["by_kind"]) == {"roman", "first_last", "neg_dante"}
    assert payload["bad_lines"][0]["line"] == 2 and payload["bad_lines"][1]["line"] == 4
    assert fake_build[0].closed


def test_eval_reports_malformed_lines_with_their_numbers(fake_build, data_file):
    result = CliRunner().invoke(cli, ["eval", str(data_file), "--extractor", "rules"])
    assert result.exit_code == 0
    assert f"{data_file}:2: invalid JSON" in result.stderr
    assert f'{data_file}:4: has "input" but no "output" (skipped)' in result.stderr
    assert "exact  1.000 (3/3)" in result.stdout


def test_eval_errors_file_lists_each_mismatch_with_gold_prediction_and_evidence(
    fake_build, data_file, tmp_path
):
    errors = tmp_path / "errs.jsonl"
    result = CliRunner().invoke(
        cli, ["eval", str(data_file), "--extractor", "hybrid", "--errors", str(errors)]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in errors.read_text().splitlines()]
    assert [r["id"] for r in records] == ["b"]
    (rec,) = records
    assert rec["gold"] == [{"canto": 1, "lines": [-1]}]
    assert rec["predicted"] == [] and rec["missing_cantos"] == [1]
    assert rec["missing_lines"] == [[1, -1]] and rec["extractor"] == "hybrid"
    assert rec["input"] == "the last line of Canto I" and rec["line"] == 3


def test_eval_errors_file_carries_evidence_of_wrong_predictions(monkeypatch, data_file, tmp_path):
    def build(name, config):
        return FakeExtractor({"Inferno XXVI": [(26, [])]}, name)

    monkeypatch.setattr(extract_pkg, "build_extractor", build)
    errors = tmp_path / "errs.jsonl"
    CliRunner().invoke(cli, ["eval", str(data_file), "--errors", str(errors)])
    by_id = {r["id"]: r for r in map(json.loads, errors.read_text().splitlines())}
    assert by_id["c"]["predicted"][0]["evidence"] == "Inferno XX"
    assert by_id["c"]["extra_cantos"] == [26]


def test_eval_several_extractors_side_by_side(fake_build, data_file):
    args = ["eval", str(data_file), "--extractor", "rules", "--extractor", "hybrid"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    head, _, overall, *_ = result.stdout.splitlines()
    assert "rules canto F1" in head and "hybrid exact" in head
    assert overall.split() == ["all", "3", "1.000", "1.000", "1.000", "0.667", "0.000", "0.667"]
    payload = json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)
    assert set(payload) == {"rules", "hybrid"}
    assert payload["hybrid"]["line"]["recall"] == 0.0


def test_eval_with_the_real_rules_extractor(tmp_path):
    path = _lines(
        tmp_path,
        [
            json.dumps(
                {
                    "input": "Canto XLVII",
                    "output": '{"references": [{"canto": 47, "lines": []}]}',
                    "kind": "roman",
                }
            ),
            json.dumps(
                {
                    "input": "Canto I, ll. 1-3",
                    "output": '{"references": [{"canto": 1, "lines": [1, 2, 3]}]}',
                    "kind": "lines",
                }
            ),
            json.dumps(
                {
                    "input": "Pound began The Cantos in 1915.",
                    "output": '{"references": []}',
                    "kind": "neg_whole",
                }
            ),
        ],
    )
    result = CliRunner().invoke(cli, ["eval", str(path), "--extractor", "rules", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["n"] == 3 and payload["errors"] == 0
    assert payload["canto"]["tp"] == 2 and payload["line"]["tp"] == 3
    assert payload["exact"] == 1.0


def test_eval_on_the_project_dev_set_with_rules_matches_the_library(repo_root):
    from cantobatch.config import Config
    from cantobatch.extract.registry import build_extractor

    dev = repo_root / "training" / "dev.jsonl"
    examples = read_examples(dev)
    lib = evaluate(build_extractor("rules", Config()), examples)
    payload = json.loads(CliRunner().invoke(cli, ["eval", str(dev), "--json"]).stdout)
    assert payload["n"] == len(examples) == lib.scores.n
    assert payload["canto"]["f1"] == round(lib.scores.canto.f1, 4)
    assert set(payload["by_kind"]) == {e.kind for e in examples}


# --- bench/accuracy.py ---------------------------------------------------------------------


def test_accuracy_bench_reports_runs_that_cannot_start(repo_root, tmp_path):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "bench_accuracy", repo_root / "bench" / "accuracy.py"
    )
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_accuracy"] = bench  # dataclasses look their module up while building
    spec.loader.exec_module(bench)

    assert bench.Run.parse("adapter=llm:configs/x.toml") == bench.Run(
        "adapter", "llm", "configs/x.toml"
    )
    assert bench.Run.parse("rules") == bench.Run("rules", "rules", None)
    grounded = bench.Run.parse("g=hybrid:configs/cpu-smollm2.toml; merge.policy=grounded")
    assert grounded.overrides == (("merge", "policy", "grounded"),)
    config = grounded.load()
    assert (config.merge.policy, config.llm.prompt_format) == ("grounded", "chat")
    assert bench.Run.parse("r=rules;llm.batch_size=64").load().llm.batch_size == 64
    examples = [ex("Canto XLVII", [(47, [])], "roman"), ex("Inferno V", [], "neg_dante")]
    missing = tmp_path / "missing.toml"
    runs = [
        bench.Run("rules", "rules"),
        bench.Run("adapter", "llm", str(missing)),
        bench.Run.parse("typo=hybrid;merj.policy=union"),
        bench.Run.parse("bad=hybrid;merge.policy=sometimes"),
    ]
    rows = bench.measure(runs, {"tiny.jsonl": (examples, [])})
    table = bench.markdown(rows).splitlines()
    assert table[2].startswith("| rules | tiny.jsonl | 2 |")
    assert table[3] == (
        f"| adapter | tiny.jsonl | | not run: config file {missing} does not exist ||||||||"
    )
    assert "| typo | tiny.jsonl | | not run: --run 'typo': no config section [merj]" in table[4]
    assert table[5].startswith("| bad | tiny.jsonl | | not run: ") and "sometimes" in table[5]
