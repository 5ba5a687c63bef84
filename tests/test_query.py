"""`cantobatch query`: one hit per (passage, canto) with the evidence that makes it a hit."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from report_helpers import index_small_corpus

from cantobatch.cli import cli
from cantobatch.query import format_hit, run_query, snippet
from cantobatch.tables import open_index

PISAN = (
    "ledgers.pdf, p. 1 (printed xi)  cantos 74–84  [rules]\n"
    "    Ledgers and Stones (test fixture).\n"
    "    … letters of the postbag, which are long and patient and well-known to every reader of "
    "the Malatesta group. The [[Pisan cantos]] come later, in 1945. The canto opens: And then "
    "went down to the ship, Set keel to breakers, forth on the godly sea, …\n"
)
KENNER_74 = (
    "notes/kenner.txt  canto 74, ll. 1–3  [rules]\n"
    "    Kenner reads the whole of [[Canto LXXIV as elegy; see ll. 1-3]] of it. The Usura Canto "
    "is the sermon of the poem, and Canto XLV, ll. 1-4, its refrain.\n"
)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return index_small_corpus(tmp_path_factory.mktemp("query"))


def run(*args):
    return CliRunner().invoke(cli, ["query", *map(str, args)])


def test_text_shows_where_what_how_and_the_cited_words(out):
    result = run(out, "--canto", "74")
    assert result.exit_code == 0
    assert result.stdout == PISAN.replace("cantos 74–84", "canto 74") + KENNER_74
    assert result.stderr == "2 references in 2 documents\n"


def test_a_group_name_is_printed_once_with_its_cantos_folded(out):
    result = run(out, "--canto", "Pisan")
    assert result.exit_code == 0
    assert result.stdout == PISAN + KENNER_74
    assert result.stderr == "12 references in 2 documents\n"  # 11 Pisan cantos + Kenner's 74


def test_ranges_and_roman_ranges_select_the_same_hits(out):
    by_name = run(out, "--canto", "Pisan", "--json").stdout
    assert run(out, "--canto", "LXXIV-LXXXIV", "--json").stdout == by_name
    assert run(out, "--canto", "74-80", "--canto", "81-84", "--json").stdout == by_name


def test_json_has_one_object_per_hit_with_integers(out):
    result = run(out, "--canto", "45", "--canto", "74", "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["source"], r["canto"]) for r in rows] == [
        ("ledgers.pdf", 74),
        ("notes/kenner.txt", 45),
        ("notes/kenner.txt", 74),
    ]
    ledgers, kenner45, kenner74 = rows
    assert ledgers["page"] == 1 and isinstance(ledgers["page"], int)
    assert ledgers["page_label"] == "xi" and ledgers["title"] == "Ledgers and Stones (test fixture)"
    assert kenner45["lines"] == [1, 2, 3, 4] and kenner74["lines"] == [1, 2, 3]
    assert kenner45["page"] is None and kenner45["methods"] == ["rules"]
    assert [e["text"] for e in kenner74["evidence"]] == [
        "Canto LXXIV",  # the whole-canto row's evidence
        "Canto LXXIV as elegy; see ll. 1-3",  # the line rows'
    ]
    start, end = kenner45["evidence"][0]["start"], kenner45["evidence"][0]["end"]
    assert kenner45["text"][start:end] == "Canto XLV, ll. 1-4"
    assert "[[Canto XLV, ll. 1-4]]" in kenner45["snippet"]


def test_a_terminal_gets_the_cited_words_in_bold(out):
    (hit,) = run_query(open_index(out), cantos=[45])
    bold = format_hit(hit, mark=("\x1b[1m", "\x1b[22m"))
    assert "and \x1b[1mCanto XLV, ll. 1-4\x1b[22m, its refrain." in bold
    assert bold.splitlines()[0] == "notes/kenner.txt  canto 45, ll. 1–4  [rules]"


def test_csv_is_one_row_per_hit_with_a_header(out):
    result = run(out, "--canto", "74", "--csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["source"], r["canto"], r["lines"], r["page"]) for r in rows] == [
        ("ledgers.pdf", "74", "", "1"),
        ("notes/kenner.txt", "74", "1-3", ""),
    ]
    assert rows[1]["evidence"] == "Canto LXXIV as elegy; see ll. 1-3"
    assert rows[0]["title"] == "Ledgers and Stones (test fixture)"


def test_line_doc_method_and_limit_filters(out):
    line = run(out, "--line", "4", "--json").stdout.splitlines()
    assert [json.loads(r)["canto"] for r in line] == [45]  # only canto 45 cites a line 4
    doc = [
        json.loads(r)["source"]
        for r in run(out, "--doc", "KENNER", "--json").stdout.split("\n")
        if r
    ]
    assert doc == ["notes/kenner.txt", "notes/kenner.txt"]  # a substring, any case
    glob = run(out, "--doc", "*.pdf", "--json").stdout.splitlines()
    assert len(glob) == 24 and all(json.loads(r)["source"] == "ledgers.pdf" for r in glob)
    assert len(run(out, "--method", "rules", "--json").stdout.splitlines()) == 26
    assert len(run(out, "--limit", "3", "--json").stdout.splitlines()) == 3
    none = run(out, "--method", "llm")  # a method this index does not hold: no hits, no error
    assert (none.exit_code, none.stdout, none.stderr) == (0, "", "no references match\n")


def test_an_unknown_method_is_a_usage_error(out):
    result = run(out, "--method", "grammar")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--method': 'grammar' is not a method: choose from llm, quote, rules"
        in (result.output)
    )


def test_a_bad_canto_is_a_usage_error(out):
    result = run(out, "--canto", "Inferno")
    assert result.exit_code == 2
    assert "Invalid value for '--canto': 'Inferno' is not a canto" in result.output


def test_a_folder_that_is_not_an_index_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "outputs").mkdir()
    for command in ("query", "stats", "report"):
        result = CliRunner().invoke(cli, [command, str(tmp_path / "outputs")])
        assert result.exit_code == 1
        assert result.output == (
            f"Error: {tmp_path / 'outputs'} is not a cantobatch index: run "
            f"`cantobatch index CORPUS -o {tmp_path / 'outputs'}` first\n"
        )


def test_json_and_csv_together_are_a_usage_error(out):
    result = run(out, "--json", "--csv")
    assert result.exit_code == 2 and "--json and --csv are exclusive" in result.output


TEXT = (
    "Readers of the sequence have long argued about where it begins. In the summer of 1945 "
    "Pound wrote the first of the Pisan Cantos, and Canto LXXIV opens with the enormous "
    "tragedy of the dream in the peasant's bent shoulders; the rest of the paragraph turns to "
    "the camp, the guards and the mountain seen from the cage."
)


def test_snippet_cuts_at_word_boundaries_around_the_marked_words():
    start = TEXT.index("Canto LXXIV")
    result = snippet(TEXT, [(start, start + len("Canto LXXIV"))], width=40)
    assert result == (
        "… the first of the Pisan Cantos, and [[Canto LXXIV]] opens with the enormous tragedy of "
        "the …"
    )
    assert snippet(TEXT, [(start, start + 11)], mark=("<b>", "</b>"), width=6) == (
        "… and <b>Canto LXXIV</b> opens …"
    )
    assert snippet(TEXT, [(start, start + 11)], width=5).endswith("[[Canto LXXIV]] …")  # not 'open'


def test_snippet_joins_distant_evidence_and_shows_the_start_without_any():
    a = TEXT.index("Readers")
    b = TEXT.index("cage")
    assert snippet(TEXT, [(b, b + 4), (a, a + 7)], width=10) == (
        "[[Readers]] of the … from the [[cage]]."
    )
    assert snippet("short text", []) == "short text"
    assert snippet(TEXT, [], width=20) == "Readers of the sequence have long argued …"  # 40 chars
    assert snippet(TEXT, [], width=18) == "Readers of the sequence have long …"  # never half a word
    # Overlapping spans are marked once.
    assert snippet("see Canto LXXIV, l. 3", [(4, 15), (4, 21)]) == "see [[Canto LXXIV, l. 3]]"


def test_bibliographic_columns_and_regions_show_in_query_and_report(tmp_path):
    """The index's bibliographic columns (documents: authors list<string>, year int16,
    container …) and the passage's region appear in query and report output, with the schemas
    the index writes."""
    from cantobatch import index as ix
    from cantobatch.report.payload import build_payload

    out = tmp_path / "out"
    (out / "_state").mkdir(parents=True)
    (out / "manifest.json").write_text('{"complete": true}')  # a finished run's
    row = dict(passage_id="p1", doc_id="d1", source="kenner.pdf")
    ix.write_part(out, "documents", "u", [dict(doc_id="d1", source="kenner.pdf", status="ok",
                  title="The Pound Era", authors=["Kenner, Hugh"], year=1971,
                  container="University of California Press")])  # fmt: skip
    ix.write_part(out, "passages", "u", [dict(row, seq=0, page=3, page_label="47",
                  text="See Canto LXXIV.", region="footnote")])  # fmt: skip
    ix.write_part(out, "citations", "u", [dict(row, canto=74, page=3, page_label="47",
                  evidence_start=4, evidence_end=15, evidence="Canto LXXIV", method="rules")])  # fmt: skip

    assert run(out).stdout == (
        "kenner.pdf, p. 3 (printed 47), footnote  canto 74  [rules]\n"
        "    Kenner, Hugh (1971). The Pound Era. University of California Press.\n"
        "    See [[Canto LXXIV]].\n"
    )
    record = json.loads(run(out, "--json").stdout)
    assert (record["region"], record["authors"], record["year"]) == (
        "footnote",
        ["Kenner, Hugh"],
        1971,
    )
    sheet = next(csv.DictReader(io.StringIO(run(out, "--csv").stdout)))
    assert (sheet["region"], sheet["authors"], sheet["year"], sheet["doi"]) == (
        "footnote",
        "Kenner, Hugh",
        "1971",
        "",
    )
    payload = build_payload(open_index(out))
    assert payload["docs"]["bib"] == [
        "Kenner, Hugh (1971). The Pound Era. University of California Press."
    ]
    assert payload["passages"]["region"] == ["footnote"]
