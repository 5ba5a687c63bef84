"""A passage owned by another poem (issue #18, family 2), on sentences written for these tests:
a passage that names another poem divided into cantos, or its poet, and names neither Pound nor
his poem, owns every canto it numbers up to that poem's last, sentences away from the name too;
a heading ("DON JUAN", "Inferno: Canto XX") owns what follows it."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, refs


@pytest.mark.parametrize(
    "text",
    [
        # the poet alone, the canto a sentence (or two) away
        "Byron began the third canto at Geneva in 1816. By the fourth canto the pilgrim has "
        "reached Rome.",
        "Tasso finished the poem in 1575. The crusaders rest for a while. Canto XV sends the "
        "knights to the Fortunate Isles.",
        "Camões wrote ten cantos. Canto V holds Adamastor.",
        "Dante faints at the end of Francesca's story. Canto VI begins with the gluttons.",
        "Spenser's Book III ends with the House of Busirane. The eleventh and twelfth cantos hold "
        "the rescue of Amoret.",
        # the poem named, its cantos numbered after the name
        "Canto II of Marmion describes the convent. Canto VI is the battle.",
        "Neruda's Chant général, in the French version, gives its ninth canto to the woodcutter. "
        "Canto XII is Macchu Picchu.",
        "Orlando Furioso is Ariosto's life work; Canto XXXIV sends Astolfo to the moon.",
        # a heading owns what follows it
        "ORLANDO FURIOSO\n\nThe hippogriff carries Ruggiero off in Canto IV; Canto X has Angelica "
        "on the rock.",
        "PURGATORIO\n\nCanto XXVI closes on Arnaut. Lines 140-147 are in Provençal.",
        "Paradiso: Canto XXXIII\n\nBernard prays to the Virgin; in Canto XXXI he has replaced "
        "Beatrice.",
        # typed without capitals
        "the paradiso closes in the rose. canto 31 gives bernard his place.",
        # in other languages
        "En el canto XXVIII del Infierno Dante encuentra a Bertran de Born.",
    ],
)
def test_another_poems_passage_owns_its_cantos(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Pound or his poem named: each canto is decided where it stands
        ("Dante's journey starts in a dark wood; Pound's Canto I starts at sea.", [1]),
        ("Spenser is the Elizabethan source the Cantos use in Canto XII.", [12]),
        ("Byron's Italian years haunt Canto LXXVI of the Pisan Cantos.", [76]),
        ("Byron's Don Juan began in 1818; Canto XVI of the Cantos answers it.", [16]),
        # past the other poem's last canto: Pound's
        ("Dante's Inferno has thirty-four cantos; Canto XLV has none of its terror.", [45]),
        ("In Don Juan, Byron digresses everywhere. Canto LXXXI does not.", [81]),
        # ... and a passage that numbers such a canto is about Pound's poem
        (
            "Tasso finished his poem in 1575. Canto XVII opens on Venice and Canto LXXVI "
            "returns to it.",
            [17, 76],
        ),
        # the other poem cited by its own numeral in the same sentence: a second canto is Pound's
        ("As in Inferno XVIII, the landscape of Canto XIV is excremental.", [14]),
        # canto/page pairs and Terrell's brackets are notations of Pound's poem
        ("Dante's usurers are recalled at 14/61 and [15:3].", [14, 15]),
    ],
)
def test_pound_named_or_past_the_other_poems_end(text, expected):
    assert cantos(text) == expected


def test_a_poem_that_names_neither_is_not_an_owner():
    # "the inferno of the camp" is a common noun in a capitalised passage: no owner
    assert cantos("The inferno of the camp at Pisa is the setting of Canto LXXIV.") == [74]
    assert cantos("Homer's underworld opens the poem: Canto I is a translation.") == [1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Italian and English titles in sentence case own their cantos as the capitalised do
        ("Orlando furioso, canto XXXIV, sends Astolfo to the moon.", []),
        ("Orlando innamorato, canto II, is Boiardo's.", []),
        ("Jerusalem delivered, canto XII, tells of Clorinda.", []),
        # Pound named: the canto is his, whatever title is compared
        ("Pound's Canto XX borrows from the Orlando furioso.", [20]),
        ("In the Divine comedy, canto V is Francesca; Pound's Canto V is Venice.", [5]),
    ],
)
def test_titles_in_sentence_case(text, expected):
    assert cantos(text) == expected
