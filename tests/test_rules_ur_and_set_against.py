"""Two families left from probe4 (issue #18, the fourth round), on sentences written for these
tests: the 1917 Ur-Cantos ("Cantos I-III" in a sentence about the Ur-Cantos, Poetry or 1917 are
not cantos 1-3 of the poem), and a canto named after another poem that it is set against
("Compared with the Inferno, Canto XIV …", "X is allegory; Canto 47 is ritual"), each with its
look-alikes."""

from __future__ import annotations

import pytest
from rules_helpers import cantos


@pytest.mark.parametrize(
    "text",
    [
        # the magazine and the year, the Ur-Cantos named after the run (probe4's form)
        "Poetry printed Cantos I-III in its summer numbers of 1917.",
        "During 1917 Poetry ran 'Cantos 1-3', later called the Ur-Cantos, and Pound dropped them.",
        "The three Ur-Cantos (Cantos 1-3 in their first form) were dropped.",
        "In 1917 the first three cantos still began with Browning.",
        "The first two cantos as Poetry printed them are hard to find.",
        "The first two cantos, in Poetry's pages, looked odd.",
        "Harriet Monroe's Poetry magazine took Cantos I to III.",
    ],
)
def test_the_ur_cantos_are_refused(text):
    assert cantos(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one canto of the poem in a sentence about the Ur-Cantos
        ("What was left of the Ur-Cantos went into Canto I.", [1]),
        # cantos 1-3 with no word of 1917, Poetry or the Ur-Cantos
        ("Cantos I-III, as printed in 1925, form a prologue.", [1, 2, 3]),
        # a run that does not begin at the first
        ("In 1917 none of Cantos 2-3 existed in their final form.", [2, 3]),
        # the year in the sentence before: this sentence's run is the poem's
        ("Poetry took the drafts in 1917. Cantos I-III of 1925 keep little of them.", [1, 2, 3]),
        # a run past the third
        ("By 1917 he had drafted Cantos I-V.", [1, 2, 3, 4, 5]),
    ],
)
def test_look_alikes_of_the_ur_cantos(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Compared with the Inferno, Canto XIV is fouler: Pound's hell is a latrine.", [14]),
        ("Compared with the Purgatorio, Canto XVI is brief; Pound keeps its fire.", [16]),
        ("Unlike the Inferno, Canto 15 has a guide who fails, as Pound admits.", [15]),
        ("Like Don Juan, Canto XVI jokes about war; Pound met the soldiers in London.", [16]),
        ("The Divina Commedia is a pilgrimage; Canto 17 is Pound's rite.", [17]),
        ("Spenser's Faerie Queene moralises; Canto 39 sings, and Pound meant it to.", [39]),
    ],
)
def test_a_canto_set_against_another_poem_is_pounds(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dante's Inferno, Canto XXVI, tells of Ulysses' last voyage.",
        "In the Purgatorio, Canto XXVI, Arnaut Daniel answers in Provençal.",
        "Like Tasso, Canto XVI of the Gerusalemme has its garden.",
        # set against, but nothing names Pound: the other poem's passage owns it
        "Compared with the Inferno, Canto III is quiet.",
        "Don Juan is a satire; Canto XI is its London.",
    ],
)
def test_another_poems_canto_is_still_refused(text):
    assert cantos(text) == []
