"""A group named as the book that holds an exact citation (issue #18, family 4), on sentences
written for these tests: "The Pisan Cantos, 81: 148-56" cites canto 81, lines 148-156, and the
group only says where it sits; a group named in its own right beside a canto ("The Pisan Cantos,
and Canto 81 above all, …", or in a clause of its own) is still the group."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, refs, span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The letters are quoted whole (The Malatesta Cantos, 9: 20-31).", [(9, span(20, 31))]),
        ("Thrones, 100: 12-14, names the Sacred Edict's translator.", [(100, span(12, 14))]),
        ("Crystal and water close the section (Rock-Drill 94: 3-5).", [(94, span(3, 5))]),
        ("Drafts and Fragments, 113: 1-4, opens with the sun.", [(113, span(1, 4))]),
        ("The Adams Cantos, 62: 1-10, begin with Braintree.", [(62, span(1, 10))]),
        ("Pound's Chinese history starts here (China Cantos, 53: 1-6).", [(53, span(1, 6))]),
    ],
)
def test_canto_and_lines_after_the_group_that_holds_them(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In the China Cantos the dynasties pass quickly; at 53: 30-35 Yao and Shun appear.",
            [(n, span(30, 35) if n == 53 else []) for n in span(52, 61)],
        ),
        (
            "The Adams Cantos, and Canto 62 in particular, lean on the Works.",
            [(n, []) for n in span(62, 71)],
        ),
        ("Canto 62 and the Adams Cantos lean on the Works.", [(n, []) for n in span(62, 71)]),
        (
            "Thrones was finished at St Elizabeths; Canto 96 had appeared in 1956.",
            [(n, []) for n in span(96, 109)],
        ),
    ],
)
def test_a_group_named_in_its_own_right_beside_a_canto(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the group only says where the numbered canto sits (the user's convention)
        ("Canto LXXXI opens the third part of the Pisan Cantos.", [81]),
        ("Cantos 91-95 close Rock-Drill.", span(91, 95)),
        # a time is not a canto's lines
        ("In the Malatesta Cantos the train left at 9:30 for Rimini.", span(8, 11)),
        # a number that is not one of the group's cantos is not read after it
        ("Of the Pisan Cantos, 12: 5-6 is no citation at all.", span(74, 84)),
    ],
)
def test_groups_beside_numbers(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The wife is fourteen (Cathay, 12: 5-6).",
        "The seafarer's exile (The Seafarer, 3: 1-4) is Pound's too.",
        "The opening (Guide to Kulchur, 57: 2-9) praises Frobenius.",
        "Astolfo's vial (Orlando Furioso, 34: 83-87).",
    ],
)
def test_other_books_chapter_and_lines_refuse(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a heading that is only the group's name says where the next sentence's canto sits
        ("Section: Rock-Drill. Canto LXXXV opens with the ideogram ling.", [85]),
        ("The Adams Cantos. Canto LXII begins with the birth of Adams.", [62]),
        ("Thrones (1959). Canto 96 opens with Leucothea.", [96]),
        # not a heading, a canto outside the group, or no canto in the next sentence: the group
        ("Pound then wrote Thrones. Canto 96 opens with Leucothea.", list(range(96, 110))),
        ("The Adams Cantos. Canto XLV is the usura canto.", [45, *range(62, 72)]),
        (
            "The Pisan Cantos. They were written in a cage. Canto 74 opens with Manes.",
            list(range(74, 85)),
        ),
    ],
)
def test_a_heading_group_locates_the_next_sentences_canto(text, expected):
    assert cantos(text) == expected
