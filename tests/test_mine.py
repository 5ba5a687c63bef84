"""cantobatch mine: selection, review, dedup, dev exclusion and the per-document cap, on a real index
directory written with the index's own part writer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cantobatch.cli import cli
from cantobatch.examples import read_examples
from cantobatch.index import read_pandas, write_part
from cantobatch.mine import MineConfig, dedup_key, mine, per_document_cap

AGREE = "On the descent in Canto I, ll. 1-3, Pound follows the Nekuia closely."
GROUNDED = "The close of Canto LXXXI, the last line, turns on vanity."
UNGROUNDED = "Canto XLIX is the Seven Lakes canto."
DISAGREE = "Compare Canto IV with the Malatesta sequence."
DISTRACT = "Dante's Inferno, canto V, and the bel canto tradition shaped the Mauberley poems."
PLAIN = "Pound moved to Rapallo in 1924 and stayed there for twenty years."


def _passage(pid: str, doc: str, seq: int, text: str, page: int | None = None) -> dict:
    return {"passage_id": pid, "doc_id": doc, "source": f"{doc}.pdf", "seq": seq, "page": page,
            "char_start": 0, "char_end": len(text), "text": text}  # fmt: skip


def _cite(p: dict, canto: int, method: str, line: int | None = None, evidence: str | None = None,
          start: int | None = None) -> dict:  # fmt: skip
    if evidence is not None and start is None:
        start = p["text"].index(evidence)
    return {
        "passage_id": p["passage_id"], "doc_id": p["doc_id"], "source": p["source"], "page": p["page"],
        "canto": canto, "line": line, "line_cited": line, "method": method,
        "evidence": evidence, "evidence_start": start,
        "evidence_end": None if evidence is None else start + len(evidence),
    }  # fmt: skip


def _build(tmp_path: Path, passages: list[dict], citations: list[dict]) -> Path:
    """An index as a finished run leaves it: parts, the state directory, the manifest last."""
    out = tmp_path / "out"
    write_part(out, "passages", "p0", passages)
    if citations:
        write_part(out, "citations", "c0", citations)
    (out / "_state").mkdir()
    (out / "manifest.json").write_text(
        json.dumps({"documents": len({p["doc_id"] for p in passages})})
    )
    return out


@pytest.fixture
def index(tmp_path: Path) -> Path:
    agree = _passage("pa", "d1", 0, AGREE, page=3)
    grounded = _passage("pg", "d2", 0, GROUNDED)
    ungrounded = _passage("pu", "d3", 0, UNGROUNDED)
    disagree = _passage("pd", "d4", 0, DISAGREE)
    distract = _passage("pn", "d5", 0, DISTRACT)
    plain = _passage("pp", "d6", 0, PLAIN)
    cites = [
        # rules and llm agree on canto 1 and its lines 1-3
        *[_cite(agree, 1, "rules+llm", ln, "Canto I, ll. 1-3") for ln in (1, 2, 3)],
        # rules only, but its evidence is the passage text at the recorded span
        _cite(grounded, 81, "rules", -1, "Canto LXXXI, the last line"),
        # rules only, evidence not at the recorded span: not confirmed
        _cite(ungrounded, 49, "rules", None, "Canto XLIX", start=5),
        # rules found canto 4, the llm found canto 4 and canto 8: a disagreement on 8
        _cite(disagree, 4, "rules+llm", None, "Canto IV"),
        _cite(disagree, 8, "llm"),
    ]
    return _build(tmp_path, [agree, grounded, ungrounded, disagree, distract, plain], cites)


def _by_text(examples):
    return {e["input"]: e for e in examples}


def test_positives_agree_or_grounded_with_user_labels(index):
    result = mine(index, MineConfig(max_per_doc_share=1.0))
    got = _by_text(result.examples)
    assert json.loads(got[AGREE]["output"]) == {"references": [{"canto": 1, "lines": [1, 2, 3]}]}
    assert got[AGREE]["selected_by"] == "agree"
    assert got[AGREE]["methods"] == ["llm", "rules"]
    assert got[AGREE]["page"] == 3 and got[AGREE]["passage_id"] == "pa"
    # the line as cited, negative position kept
    assert json.loads(got[GROUNDED]["output"]) == {"references": [{"canto": 81, "lines": [-1]}]}
    assert got[GROUNDED]["selected_by"] == "grounded"
    assert UNGROUNDED not in got and DISAGREE not in got and PLAIN not in got
    assert json.loads(got[DISTRACT]["output"]) == {"references": []}
    assert got[DISTRACT]["kind"] == "mined_negative"
    # the llm ran on this index and did not find canto 49: that is a disagreement, not a skip
    assert result.counts["review"] == 2


def test_grounded_rule_is_configurable(index):
    strict = mine(index, MineConfig(max_per_doc_share=1.0, grounded=False))
    texts = {e["input"] for e in strict.examples}
    assert AGREE in texts and GROUNDED not in texts


def test_review_file_lists_disagreements(index):
    result = mine(index, MineConfig(max_per_doc_share=1.0))
    assert [r["input"] for r in result.review] == [UNGROUNDED, DISAGREE]
    assert result.review[0]["disagreements"] == [{"canto": 49, "line": None, "found_by": ["rules"]}]
    rec = result.review[1]
    assert rec["rules"] == [{"canto": 4, "lines": []}]
    assert rec["llm"] == [{"canto": 4, "lines": []}, {"canto": 8, "lines": []}]
    assert rec["disagreements"] == [{"canto": 8, "line": None, "found_by": ["llm"]}]


def test_no_review_when_only_rules_ran(tmp_path):
    p = _passage("p1", "d1", 0, UNGROUNDED)
    out = _build(tmp_path, [p], [_cite(p, 49, "rules", None, "Canto XLIX", start=5)])
    result = mine(out, MineConfig(max_per_doc_share=1.0))
    assert result.review == [] and result.examples == []
    assert result.counts["unconfirmed"] == 1


def test_negatives_limited_by_ratio(tmp_path):
    ps = [_passage(f"n{i}", f"d{i}", 0, f"{DISTRACT} ({i})") for i in range(5)]
    pos = _passage("pa", "da", 0, AGREE)
    cites = [_cite(pos, 1, "rules+llm", 1, "Canto I, ll. 1-3")]
    out = _build(tmp_path, [*ps, pos], cites)
    result = mine(out, MineConfig(max_per_doc_share=1.0, negative_ratio=2.0))
    kinds = [e["kind"] for e in result.examples]
    assert kinds.count("mined_positive") == 1 and kinds.count("mined_negative") == 2
    assert result.counts["negatives_over_ratio"] == 3


def test_dedup_key_ignores_case_punctuation_and_spacing():
    assert dedup_key("  Canto  I, ll.\u00a01–3! ") == dedup_key("canto i ll 1–3")
    assert dedup_key("ﬁne\tDAY") == "fine day"  # NFKC folds the ligature


def test_exclude_and_dev_and_internal_duplicates(index, tmp_path):
    exclude = tmp_path / "seed.jsonl"
    # the same passage with different case, spacing and punctuation is a duplicate
    variant = "on the DESCENT in canto I ll 1 3   pound follows the nekuia closely"
    exclude.write_text(json.dumps({"input": variant, "output": '{"references": []}'}) + "\n")
    dev = tmp_path / "dev.jsonl"
    # a dev input contained in a mined passage removes the passage
    dev.write_text(
        json.dumps({"input": "the last line, turns on vanity", "output": '{"references": []}'})
        + "\n"
    )
    config = MineConfig(max_per_doc_share=1.0, negative_ratio=None)
    result = mine(index, config, exclude=[exclude], dev=[dev])
    texts = {e["input"] for e in result.examples}
    assert AGREE not in texts and GROUNDED not in texts and DISTRACT in texts
    assert result.counts["excluded_duplicate"] == 1 and result.counts["dev_overlap"] == 1


def test_duplicate_passages_in_two_documents_emitted_once(tmp_path):
    a, b = _passage("x1", "d1", 0, AGREE), _passage("x2", "d2", 0, AGREE.upper())
    cites = [_cite(p, 1, "rules+llm", 1, p["text"][8:24]) for p in (a, b)]
    result = mine(_build(tmp_path, [a, b], cites), MineConfig(max_per_doc_share=1.0))
    assert len(result.examples) == 1 and result.counts["duplicate"] == 1


def test_per_document_cap():
    assert per_document_cap([10, 1, 1, 1, 1], 0.2) == 1
    assert per_document_cap([10, 10, 10, 10, 10], 0.2) == 10
    assert per_document_cap([100, 5, 5, 5, 5, 5, 5, 5, 5], 0.2) == 10
    assert per_document_cap([3, 3], 0.2) == 0  # two documents can never be under 20% each


def test_cap_applied_and_output_deterministic(tmp_path):
    passages, cites = [], []
    for doc, n in (("big", 12), ("a", 2), ("b", 2), ("c", 2), ("d", 2), ("e", 2)):
        for i in range(n):
            text = f"In {doc} item {i}: see Canto I, l. {i + 1} and the Nekuia."
            p = _passage(f"{doc}{i}", doc, i, text)
            passages.append(p)
            cites.append(_cite(p, 1, "rules", i + 1, f"Canto I, l. {i + 1}"))
    out = _build(tmp_path, passages, cites)
    result = mine(out, MineConfig(max_per_doc_share=0.2))
    per_doc: dict[str, int] = {}
    for e in result.examples:
        per_doc[e["doc_id"]] = per_doc.get(e["doc_id"], 0) + 1
    assert max(per_doc.values()) <= 0.2 * len(result.examples)
    assert per_doc["big"] == 2 and result.counts["over_document_cap"] == 10
    # the same index written in another order mines the same file
    out2 = _build(tmp_path / "again", passages[::-1], cites[::-1])
    assert mine(out2, MineConfig(max_per_doc_share=0.2)).examples == result.examples


def _two_document_index(tmp_path: Path, sizes: dict[str, int]) -> Path:
    passages, cites = [], []
    for doc, n in sizes.items():
        for i in range(n):
            p = _passage(f"{doc}{i}", doc, i, f"In {doc} item {i}: see Canto I, l. {i + 1}.")
            passages.append(p)
            cites.append(_cite(p, 1, "rules", i + 1, f"Canto I, l. {i + 1}"))
    return _build(tmp_path, passages, cites)


def test_few_documents_get_an_equal_share_not_zero_examples(tmp_path):
    # Two documents can never be under 20% each: an equal share is the nearest cap that holds.
    out = _two_document_index(tmp_path, {"big": 6, "small": 2})
    result = mine(out, MineConfig(max_per_doc_share=0.2))
    per_doc: dict[str, int] = {}
    for e in result.examples:
        per_doc[e["doc_id"]] = per_doc.get(e["doc_id"], 0) + 1
    assert per_doc == {"big": 2, "small": 2} and result.counts["over_document_cap"] == 4
    assert result.warnings == [
        "max_per_doc_share=0.2 needs examples from at least 5 documents and they come from 2: "
        "capped at an equal share instead (1/2: at most 2 per document), 4 of 8 kept; "
        "--max-per-doc-share 1 keeps them all"
    ]


def test_cli_mine_on_one_document_keeps_its_examples_and_says_why(tmp_path):
    out = _two_document_index(tmp_path, {"only": 3})
    target, dev = tmp_path / "m.jsonl", tmp_path / "dev.jsonl"
    dev.write_text("")
    res = CliRunner().invoke(cli, ["mine", str(out), "-o", str(target), "--dev", str(dev)])
    assert res.exit_code == 0, res.output
    assert len(read_examples(target)) == 3
    assert f"3 examples (3 positive, 0 negative) → {target}\n" in res.stdout
    assert res.stderr == (
        "warning: max_per_doc_share=0.2 needs examples from at least 5 documents and they all "
        "come from one: all 3 kept\n"
    )


def test_cli_mine_writes_user_format(index, tmp_path):
    target, review = tmp_path / "mined.jsonl", tmp_path / "review.jsonl"
    dev = tmp_path / "dev.jsonl"
    dev.write_text("")
    res = CliRunner().invoke(
        cli,
        [
            "mine",
            str(index),
            "-o",
            str(target),
            "--review",
            str(review),
            "--max-per-doc-share",
            "1",
            "--dev",
            str(dev),
        ],  # fmt: skip
    )
    assert res.exit_code == 0, res.output
    examples = read_examples(target)  # readable as the user's format, provenance kept
    assert {e.text for e in examples} == {AGREE, GROUNDED, DISTRACT}
    assert all({"source", "page", "passage_id", "methods"} <= e.extra.keys() for e in examples)
    assert [e.text for e in read_examples(review)] == [UNGROUNDED, DISAGREE]
    assert "3 examples" in res.output


def test_cli_mine_refuses_a_non_index_in_one_line(tmp_path):
    (tmp_path / "passages.parquet").mkdir()  # even with a table's name in it
    res = CliRunner().invoke(cli, ["mine", str(tmp_path), "-o", str(tmp_path / "x.jsonl")])
    assert res.exit_code == 1
    assert res.output.endswith(
        f"Error: {tmp_path} is not a cantobatch index: run `cantobatch index CORPUS -o {tmp_path}`"
        " first\n"
    )
    assert "Traceback" not in res.output and not (tmp_path / "x.jsonl").exists()


def test_mine_refuses_an_interrupted_index_in_one_line(tmp_path):
    out = tmp_path / "out"
    p = _passage("p1", "d1", 0, GROUNDED)
    write_part(out, "documents", "u1", [{"doc_id": "d1", "source": "d1.pdf", "status": "ok"}])
    write_part(out, "passages", "u1", [p])
    write_part(out, "citations", "c1", [_cite(p, 81, "rules", -1, "Canto LXXXI, the last line")])
    (out / "_state").mkdir()  # a run began; it never finished
    (out / "_state" / "c1.done").write_text('{"citations": 1, "source": "d1.pdf"}')
    (out / "manifest.json").write_text('{"complete": false, "documents": 3}')
    res = CliRunner().invoke(cli, ["mine", str(out), "-o", str(tmp_path / "m.jsonl")])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output == (
        f"Error: index incomplete: {out} holds 1 of 3 documents (its run stopped before the "
        f"end); run `cantobatch index CORPUS -o {out}` again to finish it\n"
    )
    assert not (tmp_path / "m.jsonl").exists()


def test_mine_on_an_index_whose_first_run_finished_no_document(tmp_path):
    (tmp_path / "out" / "_state").mkdir(parents=True)
    res = CliRunner().invoke(cli, ["mine", str(tmp_path / "out"), "--dev", str(tmp_path / "out")])
    assert res.exit_code == 2  # --dev must be a file: a usage error
    res = CliRunner().invoke(cli, ["mine", str(tmp_path / "out"), "-o", str(tmp_path / "m.jsonl")])
    assert res.exit_code == 1
    assert res.output.splitlines()[-1] == (
        f"Error: index incomplete: {tmp_path / 'out'} holds 0 documents (its run stopped before "
        f"the end); run `cantobatch index CORPUS -o {tmp_path / 'out'}` again to finish it"
    )


def test_index_fixture_is_readable(index):
    assert len(read_pandas(index, "passages")) == 6
