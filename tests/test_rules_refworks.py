"""Reference-work notations without the word "canto" (issue #18, family 1), on sentences written
for these tests: Terrell's ``[canto:gloss]`` brackets, the Cantos Project's ``OCCEP IV: n.13``,
the ``(C XLV, 229)`` sigil and ``(LXXXV, 545)`` pairs, Pound's own ``85/89`` for a run of cantos,
and canto/page pairs decided per document (``Conventions``). Each form with its look-alikes."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, refs, span

from cantobatch.data import Passage
from cantobatch.extract.grammar.conventions import Conventions, document_conventions
from cantobatch.extract.grammar.rules import RulesExtractor, extract_references

# --- Terrell's [canto:gloss] -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sordello: [2:1]; the Browning echo returns at [16:12].", [2, 16]),
        ("Lynx: [79:32; cf. 81:5].", [79, 81]),
        ("Artemis [30:1, 4; 79:60].", [30, 79]),
        ("Geryon [see 15:8; 51:24] is the usurer's beast.", [15, 51]),
        ("Ra-Set [91:40; 93/626] crosses in her barge.", [91, 93]),
        ("Kuanon: [74:104].", [74]),
        ("The periplum [59:19, also 74:22]", [59, 74]),
        ("Confucius, passim [13:1; 52:60; 53:102; 77:27].", [13, 52, 53, 77]),
    ],
)
def test_terrell_brackets_give_cantos_without_lines(text, expected):
    # the number after the colon is Terrell's gloss, not a line of the canto
    assert refs(text) == [(n, []) for n in expected]


def test_terrell_bracket_evidence_is_the_pair():
    (ref,) = extract_references("Cunizza da Romano [29:7] reappears.")
    assert (ref.evidence, ref.family) == ("29:7", "gloss")


@pytest.mark.parametrize(
    "text",
    [
        "Terrell quotes the prose [SP, 70, 150] and the thesis [Fang, III, 12].",
        "[EH, Letzte, 95] gives the German.",
        "Compare [Purg. XXVI, 140] for the refining fire.",
        "The verse [John 3:16] is quoted in the radio speech.",
        "[Gen. 1:3] opens the light passage in the sermon.",
        "The slice a[74:78] of the array holds the gloss numbers.",
        "The session ended at [11:30 p.m.] by the camp clock.",
        "The façade keeps the proportion [3:2] of the Tempio's arches.",
        "Terrell numbers this gloss [150:3], past the last canto.",
    ],
)
def test_brackets_that_are_not_terrells_refuse(text):
    assert refs(text) == []


# --- the Cantos Project's sigla and line form ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moody traces the Jefferson letter (Moody, OCCEP XXXI: n.14).", [(31, [])]),
        ("See OCCEP XVI: n.40 on the trenches.", [(16, [])]),
        ("(OCCEP VIII: n.2)", [(8, [])]),
        ("The Cid's ride is II: ll.4–6 in the Project's numbering.", [(2, span(4, 6))]),
        ("Sordello's lines are II: 1–3.", [(2, span(1, 3))]),
        ("Not yet glossed: XCIV/635.", [(94, [])]),
    ],
)
def test_cantos_project_citations(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "See the note in Agenda IV: n.2 on the translation.",
        "Mauberley IV: n.3 glosses the oar.",
        "Casella: see Companion to Three Cantos II, n. 12.",
        "The Browning of the Ur-Cantos is glossed in OCCEP Three Cantos, III: n.12.",
    ],
)
def test_note_numbers_after_other_works_refuse(text):
    assert refs(text) == []


# --- sigla and (canto, page) pairs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the stone that does not yield (C LI, 250)", [51]),
        ("Ferreccio cites the litany (C XLV, 229) and the ant (C LXXXI, 521).", [45, 81]),
        ("The Ashes of the Fathers passage (XC, 605) is liturgical.", [90]),
        ("The usury repetition (LI, 250) is shorter.", [51]),
        ("Benton is versified (XCIII, 623; XCIV, 634).", [93, 94]),
    ],
)
def test_parenthesised_canto_and_page(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Letters have it (II, 521).",  # a volume and a page: too far from canto II's pages
        "The figure is reproduced (Vol. XIV, 63).",
        "The review appeared (Paideuma XIV, 63).",
        "He quotes the Analects (Chapter XII, 88).",
    ],
)
def test_volume_and_page_pairs_refuse(text):
    assert refs(text) == []


# --- Pound's "85/89": a run of cantos --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He told Laughlin the new section would run 96/109.", span(96, 109)),
        ("In the letters the Pisan sequence is simply 74/84.", span(74, 84)),
        ("The typescript of 90/95 went to Milan first.", span(90, 95)),
        ("The drafts of cantos 31/34 follow Jefferson's letters.", span(31, 34)),
    ],
)
def test_slash_between_two_cantos_is_a_run(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Villon score moves from 7/8 to 25/32 in the second act.",
        "The vote was 24/19 against the censure.",
        "The committee split 45/55 on the Bollingen question.",
        "Blood pressure readings of 85/89 mmHg were noted at St Elizabeths.",
        "Caedmon issued the reading on a 33 1/3 record.",
        "The letter is dated 26/11/34.",
        "He scored 85/90 on the entrance test.",
        "In the 45/46 season the opera was revived.",
        "He had finished 3/4 of the Chinese material by 1938.",
        # bars of music, even where the passage speaks of lines
        "The score runs to 81 bars; the soprano line enters at bar 45/46.",
        "In mm. 74/75 the tenor line doubles the melody.",
        "From measures 85/89 the chorus repeats the first line.",
    ],
)
def test_fractions_scores_and_dates_are_not_runs(text):
    assert refs(text) == []


# --- canto/page pairs, decided per document ------------------------------------------------------


def _batch(texts: list[str], doc_id: str) -> list[list[tuple[int, tuple[int, ...]]]]:
    passages = [
        Passage(passage_id=str(i), doc_id=doc_id, source="", text=t, char_end=len(t))
        for i, t in enumerate(texts)
    ]
    return [
        [(r.canto, r.lines) for r in result.references]
        for result in RulesExtractor().extract_batch(passages)
    ]


def test_small_pages_count_in_a_document_that_cites_by_canto_and_page():
    index = ["Circe: 39/193, 47/236, 74/430.", "Divus: 1/5.", "So-shu: 2/6."]
    assert _batch(index, "terrell-index") == [[(39, ()), (47, ()), (74, ())], [(1, ())], [(2, ())]]


def test_small_pages_alone_are_not_pages():
    # each its own document ("" doc_id), or a document that never cites by canto and page
    assert _batch(["Divus: 1/5.", "So-shu: 2/6."], "") == [[], []]
    prose = ["Only 2/6 of the drafts survive.", "The vote was 24/19.", "Divus: 1/5."]
    assert _batch(prose, "memoir") == [[], [], []]


def test_the_keyword_with_a_page_shows_the_convention():
    texts = ["Pound cites Canto 74/425 in the letter.", "the Homeric key (1/3)", "then 2/6."]
    assert _batch(texts, "essay")[2] == [(2, ())]


def test_fractions_stay_fractions_in_a_document_that_cites_pages():
    # "1/2", "3/4", "7/8" are no canto's pages, whatever the document
    texts = ["Eleusis: 45/230, 47/236, 52/257.", "About 1/2 of it, 3/4 of the rest, in 7/8 time."]
    assert _batch(texts, "glossary")[1] == []


def test_documents_in_one_batch_are_decided_apart():
    passages = [
        Passage(passage_id="a", doc_id="index", source="", text="Eleusis: 45/230, 47/236."),
        Passage(passage_id="b", doc_id="memoir", source="", text="So-shu: 2/6."),
        Passage(passage_id="c", doc_id="index", source="", text="So-shu: 2/6."),
    ]
    found = [[r.canto for r in x.references] for x in RulesExtractor().extract_batch(passages)]
    assert found == [[45, 47], [], [2]]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Eleusis: 45/230, 47/236."], Conventions(canto_pages=True)),
        (["Eleusis: 45/230.", "Kung: 13/58."], Conventions(canto_pages=True)),
        (["See Canto 74/425."], Conventions(canto_pages=True)),
        (["(C 45/229)"], Conventions(canto_pages=True)),
        (["Eleusis: 45/230."], Conventions()),  # one bare pair is not yet a convention
        (["The vote was 24/19; 3/4 of them", "dated 26/11/34"], Conventions()),
        ([], Conventions()),
    ],
)
def test_document_conventions(texts, expected):
    assert document_conventions(texts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He sent 96/100 to Laughlin, the Coke cantos starting with 107.", [*span(96, 100), 107]),
        ("Canto 85 opens the section and it closes with 95.", [85, 95]),
    ],
)
def test_a_canto_after_begins_with_once_cantos_are_arabic(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The section begins with 12.", []),  # no arabic canto cited before
        ("Canto 74 was drafted with 30 others in mind.", [74]),
        ("Canto 74 was written in a cage, with 30 guards outside.", [74]),
    ],
)
def test_a_number_after_with_is_not_always_a_canto(text, expected):
    assert cantos(text) == expected
