"""Hybrid merge policies on hand-built references (the real engines have their own tests)."""

from __future__ import annotations

import pytest

from cantobatch.config import Config
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.extract.merge import HybridExtractor, merge_references

R74 = Reference(74, (), 0, 9, "Canto 74", method="rules")
R9 = Reference(9, (15, 16), 20, 30, "IX:ll.15-16", method="rules")
L74 = Reference(74, (), 0, 9, "Canto 74", method="llm")
L9 = Reference(9, (15, 16, 17), 20, 30, "IX", method="llm")
L45_GROUNDED = Reference(45, (), 40, 44, "XLV", method="llm")
L12_UNGROUNDED = Reference(12, (), method="llm", flags=("ungrounded",))


def cantos_lines(refs):
    return sorted((r.canto, r.lines, r.method) for r in refs)


def test_grounded_keeps_rules_marks_agreement_and_takes_grounded_llm_only():
    merged = merge_references([R74, R9], [L74, L9, L45_GROUNDED, L12_UNGROUNDED], "grounded")
    assert cantos_lines(merged) == [
        (9, (15, 16), "rules+llm"),
        (45, (), "llm"),
        (74, (), "rules+llm"),
    ]


def test_union_takes_everything_and_extra_llm_lines():
    merged = merge_references([R74, R9], [L74, L9, L45_GROUNDED, L12_UNGROUNDED], "union")
    assert cantos_lines(merged) == [
        (9, (15, 16), "rules+llm"),
        (9, (17,), "llm"),
        (12, (), "llm"),
        (45, (), "llm"),
        (74, (), "rules+llm"),
    ]


def test_confirm_keeps_exactly_the_rules_references_and_marks_agreement():
    merged = merge_references([R74, R9], [L74, L45_GROUNDED, L12_UNGROUNDED], "confirm")
    assert cantos_lines(merged) == [(9, (15, 16), "rules"), (74, (), "rules+llm")]


def test_intersection_and_rules_first():
    assert cantos_lines(merge_references([R74, R9], [L74], "intersection")) == [
        (74, (), "rules+llm")
    ]
    assert merge_references([R74], [L45_GROUNDED], "rules_first") == (R74,)
    assert merge_references([], [L45_GROUNDED], "rules_first") == (L45_GROUNDED,)


class _Fixed:
    def __init__(self, name, results):
        self.name, self.results, self.closed = name, results, False

    def identity(self):
        return {"extractor": self.name, "method": self.name, "model": "m"}

    def extract_batch(self, passages):
        return [self.results[p.passage_id] for p in passages]

    def close(self):
        self.closed = True


def test_llm_failure_keeps_rules_answer_and_records_the_error():
    p = Passage.from_text("Canto 74 and more", passage_id="p")
    rules = _Fixed("rules", {"p": Extraction("p", (R74,))})
    llm = _Fixed(
        "llm", {"p": Extraction("p", error="answer cut at max_tokens twice", method="llm")}
    )
    hybrid = HybridExtractor(Config(), rules=rules, llm=llm)
    [result] = hybrid.extract_batch([p])
    assert result.references == (R74,)
    assert result.error == "llm: answer cut at max_tokens twice"
    assert hybrid.identity()["merge_policy"] == "confirm"  # the measured default
    hybrid.close()
    assert rules.closed and llm.closed


def test_unknown_policy_is_a_config_error():
    from cantobatch.errors import ConfigError

    with pytest.raises(ConfigError, match="merge.policy"):
        Config().with_overrides(merge={"policy": "vote"})
