"""Groups by the other names scholars use for them (issue #18, family 5, English), on sentences
written for these tests: hyphenated and quoted names, names in capitals (headings), two groups
sharing "Cantos", "the Pisans" in a passage about the poem's sections; and the look-alikes: the
angelic Thrones, the Pisans of history, a volume's count."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Reading the Hell-Cantos aloud is an endurance test.", [14, 15]),
        ("Two essays treat the 'Hell-Cantos' as satire.", [14, 15]),
        ("Critics still argue over the 'Usura' Canto.", [45]),
        ('Ruskin stands behind the "Usury" Canto.', [45]),
        ("She wrote on the Jefferson and Adams Cantos together.", [*span(31, 34), *span(62, 71)]),
        ("The Malatesta and Hell Cantos were drafted within a few years.", [8, 9, 10, 11, 14, 15]),
        ("Of the poem's sections, the Pisans are the least guarded.", span(74, 84)),
        ("Pound's XXX Cantos appeared in 1930.", span(1, 30)),
        ("He reread XVI Cantos on the boat.", span(1, 16)),
    ],
)
def test_other_names_of_groups(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THE PISAN CANTOS\n\nThe camp, the guards, the mint.", span(74, 84)),
        ("HELL CANTOS [XIV–XV]\n\nLondon as Malebolge.", [14, 15]),
        ("SECTION: ROCK-DRILL\n\nLing and the rites.", span(85, 95)),
        ("THRONES\n\nThe Sacred Edict in plain words.", span(96, 109)),
        ("DRAFTS & FRAGMENTS OF CANTOS CX–CXVII", span(110, 117)),
    ],
)
def test_group_names_in_capitals(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In Dante's heaven the Thrones mirror God's judgements.",
        "Milton's Thrones and Powers fall with Satan.",
        "The Pisans lost Sardinia to Aragon.",
        "HELL\n\nA sermon on the last things.",
        "THE PISAN ARCHIVES\n\nDeeds of the commune.",
    ],
)
def test_look_alikes_of_group_names(text):
    assert cantos(text) == []
