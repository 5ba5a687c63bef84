"""The project's labelled data (training/*.jsonl) passes its own checks, and the checks catch faults."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location(
        "check_dataset", REPO / "scripts" / "check_dataset.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_dataset"] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def test_project_dataset_passes_all_checks(checker, poundtech101):
    report = checker.check(
        REPO / "training" / "dev.jsonl",
        REPO / "training" / "train.jsonl",
        poundtech101,
    )
    assert report.problems == []
    assert report.warnings == []
    total = sum(sum(c.values()) for c in report.counts.values())
    assert total >= 450
    negatives = sum(report.counts[f][k] for f in report.counts for k in checker.NEGATIVE_KINDS)
    assert negatives / total >= 0.30


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _rec(text: str, refs: list[dict], example_id: str, kind: str) -> dict:
    return {
        "input": text,
        "output": json.dumps({"references": refs}),
        "id": example_id,
        "kind": kind,
    }


def test_checker_reports_wrong_split_negative_with_label_and_copy_of_seed(checker, tmp_path):
    seed = _write(
        tmp_path / "seed.jsonl", [{"input": "Canto LXXXIII", "output": '{"references": []}'}]
    )
    dev = _write(
        tmp_path / "dev.jsonl",
        [
            _rec("Canto IV", [{"canto": 4, "lines": []}], "roman-001", "roman"),
            _rec("Inferno XXVI", [{"canto": 26, "lines": []}], "neg_dante-001", "neg_dante"),
            _rec("canto  lxxxiii", [{"canto": 83, "lines": []}], "roman-002", "roman"),
            _rec("Canto IX", [{"canto": 9, "lines": []}], "roman-004", "roman"),  # 4 % 5 → train
            _rec("Canto V and Canto VI", [{"canto": 5, "lines": []}], "roman-003", "roman"),
        ],
    )
    train = _write(tmp_path / "train.jsonl", [_rec("Canto IV", [], "arabic-005", "arabic")])
    report = checker.check(dev, train, seed)
    text = "\n".join(report.problems)
    assert "neg_dante-001): a negative kind must have no references" in text
    assert "roman-004): the split rule puts this id in train" in text
    assert "roman-002): copies seed.jsonl line 1" in text
    assert "arabic-005): same input as roman-001" in text
    assert "arabic-005): a positive kind needs at least one reference" in text
    assert "dev: negatives are 20%, need 30%" in text
    assert any("roman-003" in w and "[6]" in w for w in report.warnings)


def test_split_rule_is_by_id_number(checker):
    assert [checker.split_of(f"range-{n:03d}") for n in range(1, 6)] == [
        "dev",
        "dev",
        "dev",
        "train",
        "train",
    ]


def test_heldout_test2_passes_its_checks(checker, poundtech101):
    training = REPO / "training"
    report = checker.check_heldout(
        training / "test2.jsonl",
        [training / "dev.jsonl", training / "train.jsonl", training / "test.jsonl"],
        poundtech101,
    )
    assert report.problems == []
    counts = report.counts["test2.jsonl"]
    total = sum(counts.values())
    refusals = sum(n for kind, n in counts.items() if kind.endswith("_neg"))
    assert total >= 150 and 0.4 <= refusals / total <= 0.6


def test_heldout_checker_catches_faults(checker, tmp_path):
    other = _write(
        tmp_path / "dev.jsonl",
        [_rec("Canto IV", [{"canto": 4, "lines": []}], "roman-001", "roman")],
    )
    held = _write(
        tmp_path / "test2.jsonl",
        [
            {
                **_rec(
                    "canto  iv",
                    [{"canto": 4, "lines": []}],
                    "test2-group_foreign-001",
                    "group_foreign",
                ),
                "source": "x",
            },
            {
                **_rec("Inf. V", [{"canto": 5, "lines": []}], "test2-owned_neg-001", "owned_neg"),
                "source": "x",
            },
            _rec("Cantos pisanos", [], "test2-group_foreign-003", "group_foreign"),
        ],
    )
    text = "\n".join(checker.check_heldout(held, [other]).problems)
    assert "group_foreign-001): same input as dev.jsonl line 1" in text
    assert "owned_neg-001): a refusal kind (owned_neg) must have no references" in text
    assert "group_foreign-003): needs a 'source'" in text
    assert "group_foreign-003): a positive kind needs at least one reference" in text
    assert "ids of kind 'group_foreign' are not numbered 1..n in order" in text


def test_hard_set_passes_its_checks(checker, poundtech101):
    training = REPO / "training"
    others = [training / f for f in ("dev.jsonl", "train.jsonl", "test.jsonl")]
    report = checker.check_heldout(
        training / "hard.jsonl",
        others,
        poundtech101,
        prefix="hard",
        kinds=checker.HARD_KINDS,
        refusal=checker._hard_refusal,
    )
    assert report.problems == []
    counts = report.counts["hard.jsonl"]
    assert sum(counts.values()) >= 80
    assert set(counts) == set(checker.HARD_KINDS)


def test_hard_checker_reports_kind_source_negative_and_copies(checker, tmp_path):
    dev = _write(
        tmp_path / "dev.jsonl",
        [_rec("Canto IV", [{"canto": 4, "lines": []}], "roman-001", "roman")],
    )
    ok = {"source": "Terrell"}
    hard = _write(
        tmp_path / "hard.jsonl",
        [
            _rec("canto  iv", [{"canto": 4, "lines": []}], "hard-nickname-001", "nickname") | ok,
            _rec("The Usura canto", [{"canto": 45, "lines": []}], "hard-usura-001", "usura") | ok,
            _rec("the Hanno canto", [{"canto": 40, "lines": []}], "hard-nickname-002", "nickname"),
            _rec(
                "Epstein's Rock Drill",
                [{"canto": 85, "lines": []}],
                "hard-hard_negative-001",
                "hard_negative",
            )
            | ok,
        ],
    )
    problems = checker.check_heldout(
        hard, [dev], prefix="hard", kinds=checker.HARD_KINDS, refusal=checker._hard_refusal
    ).problems
    text = "\n".join(problems)
    assert "(hard-nickname-001): same input as dev.jsonl line 1" in text
    assert "(hard-usura-001): kind 'usura' is not one of description" in text
    assert "(hard-nickname-002): needs a 'source'" in text
    assert (
        "(hard-hard_negative-001): a refusal kind (hard_negative) must have no references" in text
    )


@pytest.mark.parametrize("probe", ["probe3", "probe4", "probe5"])
def test_the_probes_pass_their_held_out_checks(checker, poundtech101, probe):
    training = REPO / "training"
    others = [training / f"{name}.jsonl" for name in ("dev", "train", "test", "test2")]
    others += [training / f"probe{n}.jsonl" for n in (3, 4, 5) if f"probe{n}" != probe]
    report = checker.check_heldout(training / f"{probe}.jsonl", others, poundtech101, prefix=probe)
    assert report.problems == []
    counts = report.counts[f"{probe}.jsonl"]
    refusals = sum(n for kind, n in counts.items() if kind.endswith("_neg"))
    assert sum(counts.values()) >= 100 and 0.3 <= refusals / sum(counts.values()) <= 0.6
