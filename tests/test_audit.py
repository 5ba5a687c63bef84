"""The audit finds labels that contradict their text, and leaves correct labels alone."""

from __future__ import annotations

import json

from cantobatch.audit import audit_example, audit_file
from cantobatch.examples import parse_record


def example(text: str, refs: list[dict], line_no: int = 1):
    return parse_record({"input": text, "output": json.dumps({"references": refs})}, line_no)


def whole(*cantos: int) -> list[dict]:
    return [{"canto": c, "lines": []} for c in cantos]


def test_the_users_file_has_exactly_the_three_confirmed_errors(poundtech101):
    findings = audit_file(poundtech101)
    got = [(f.line_no, f.kind, f.labelled, f.expected, f.evidence) for f in findings]
    assert got == [
        # "Cantos III, XVII and LXXVI" labelled 3, 17, 71
        (61, "wrong_canto", (71,), (76,), "LXXVI"),
        # "an event he recounts in Canto LXI" labelled 51
        (68, "wrong_canto", (51,), (61,), "Canto LXI"),
        # "appeared in Cantos LII–LXXI" labelled 52…70
        (69, "range_cut_short", tuple(range(52, 71)), tuple(range(52, 72)), "Cantos LII–LXXI"),
    ]
    text = poundtech101.read_text(encoding="utf-8").splitlines()
    for f in findings:
        passage = json.loads(text[f.line_no - 1])["input"]
        assert passage[f.evidence_start : f.evidence_end] == f.evidence


def test_correct_labels_give_no_findings(repo_root):
    # The project's hand-labelled sets follow the conventions: the audit must stay silent there.
    for name in ("dev.jsonl", "train.jsonl"):
        path = repo_root / "training" / name
        if path.exists():
            assert audit_file(path) == [], name


def test_wrong_canto():
    (f,) = audit_example(example("Ezra's bank appears in Canto XLII.", whole(52)))
    assert (f.kind, f.labelled, f.expected, f.evidence) == (
        "wrong_canto",
        (52,),
        (42,),
        "Canto XLII",
    )


def test_range_cut_short():
    (f,) = audit_example(example("See Cantos 85-88 on Benton.", whole(85, 86, 87)))
    assert f.kind == "range_cut_short" and f.expected == (85, 86, 87, 88) and "88" in f.message


def test_lines_missing():
    labelled = [{"canto": 47, "lines": [10, 11, 12]}]
    (f,) = audit_example(example("XLVII:ll.10-14 is the ploughing passage.", labelled))
    assert f.kind == "lines_missing" and f.labelled == (10, 11, 12)
    assert f.expected == (10, 11, 12, 13, 14)


def test_agreeing_or_interpretive_labels_are_not_findings():
    assert audit_example(example("Canto XLII opens the bank.", whole(42))) == []
    # A label that adds a canto the grammar cannot see is interpretation, not contradiction.
    assert audit_example(example("Canto XLII opens the bank story.", whole(42, 43, 44))) == []
    # A label that leaves out a canto the text names is not "labelled as another canto".
    assert audit_example(example("Cantos XIV and XV are the Hell Cantos.", whole(14))) == []
    # Negative examples with nothing explicit stay silent.
    assert audit_example(example("The Cantos as a whole.", [])) == []
