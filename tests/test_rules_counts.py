"""Counts over the poem (issue #18, family 3), on sentences written for these tests: "the first
N cantos" of the poem or of a group named before ("the first two of these", "the first four
cantos of the section"), in English, Italian, French, Spanish, Portuguese and German; a count
whose cantos are not said ("the first cantos", "the first three cantos Pound published")."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first four cantos were drafted in Paris.", span(1, 4)),
        ("New Directions reprinted the first 41 cantos in 1940.", span(1, 41)),
        ("Kenner reads the first sixteen Cantos as one movement.", span(1, 16)),
    ],
)
def test_the_first_cantos_of_the_poem(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Of the Malatesta cantos, the first two follow the letters in the postbag.", [8, 9]),
        ("In the Pisan Cantos, the last two of them are the quietest.", [83, 84]),
        (
            "As for the China cantos, the first five of these follow de Mailla closely.",
            span(52, 56),
        ),
        (
            "Pound planned Rock-Drill so that the first four cantos of the section stand apart.",
            span(85, 88),
        ),
        (
            "Terrell's glosses on the Adams cantos thin out after the first three of the sequence.",
            span(62, 64),
        ),
        # a later elliptic ordinal counts in the same group
        ("Of the Adams cantos, the first two are dense, and the third is lighter.", span(62, 64)),
        ("Rock-Drill's first four cantos are Chinese; the fifth opens the Paradiso.", span(85, 89)),
    ],
)
def test_a_count_picks_out_cantos_of_the_group_named_before(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I primi tre Cantos traducono Omero, Ovidio e il Cid.", span(1, 3)),
        ("Bacigalupo commenta i primi 16 Cantos.", span(1, 16)),
        ("Les deux premiers Cantos descendent chez les morts.", [1, 2]),
        ("Los tres primeros Cantos fueron reescritos en 1923.", span(1, 3)),
        ("Os dois primeiros Cantos descem ao Hades.", [1, 2]),
        ("Die ersten sieben Cantos kreisen um Homer und Ovid.", span(1, 7)),
        ("Nei primi venti canti di Pound la storia è veneziana.", span(1, 20)),
    ],
)
def test_counts_in_other_languages(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The first two cantos Pound sent to Harriet Monroe were later withdrawn.",
        "The first three cantos that Pound wrote were discarded.",
        "The first of the cantos he drafted at St Elizabeths was never finished.",
        "The first cantos are Homeric.",
        "In the opening cantos the dead speak.",
        "The first few cantos are the easiest.",
        "The middle cantos lean on Jefferson.",
        "I primi tre canti dell'Inferno seguono la selva.",
        "Les trois premiers chants de l'Iliade sont les plus lus.",
        "Los tres primeros cantos de Os Lusíadas narran el viaje.",
        "Die ersten drei Gesänge der Odyssee spielen auf Ithaka.",
        "I primi due canti popolari della raccolta sono toscani.",
    ],
)
def test_counts_that_name_no_cantos(text):
    assert cantos(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the count is of something else: the group is named in its own right
        ("Of the Adams cantos, the first two years of the Works are the source.", span(62, 71)),
        ("The first two of his letters mention the Malatesta Cantos.", span(8, 11)),
    ],
)
def test_a_count_of_something_else_leaves_the_group_whole(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a participle with its complement says which cantos are counted: not cantos 1-3
        ("The first three cantos published in Poetry in 1917 were later cut down.", []),
        ("The first two cantos drafted at Rapallo were never printed.", []),
        # no such clause: the poem's first cantos
        ("The first three cantos establish the voyage.", [1, 2, 3]),
        # (not "in Poetry's pages": the magazine of 1917 makes them the Ur-Cantos,
        # test_rules_ur_and_set_against.py)
        ("The first two cantos, in Faber's pages, look odd.", [1, 2]),
    ],
)
def test_first_cantos_named_by_a_participle_clause(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two cantos, 47 and 49, are often read together.", [47, 49]),
        ("The two cantos, 17 and 47, bracket the decade.", [17, 47]),
        ("Three cantos, 14, 15 and 16, make a descent.", [14, 15, 16]),
        ("Both cantos, 72 and 73, were withheld until 1987.", [72, 73]),
        ("Both cantos—72 and 73—were written in Italian.", [72, 73]),
        ("Two cantos, 45 and 51.", [45, 51]),
    ],
)
def test_numerals_set_off_after_a_count_of_cantos_are_those_cantos(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # not as many as the count says
        "Two cantos, 45 and 51 and 74, are quoted.",
        # the numbers measure something: the list does not close
        "Two cantos, 12 and 13 pages long, were cut.",
        # years
        "In two cantos, 1925 and 1930, little changed.",
        # another poem's
        "Two cantos, 3 and 4, of Don Juan were burned.",
        "Byron wrote two cantos, 3 and 4, in Ravenna.",
    ],
)
def test_look_alikes_of_a_counted_list_of_cantos(text):
    assert cantos(text) == []
