"""A single ordinal with no noun after a group named in an "of" phrase (issue #18, third round), on
sentences written for these tests: "Of the Pisan Cantos, the first opens …" cites canto 74 alone,
the group only saying which cantos the ordinal counts; an ordinal that is the canto's own number
("Of the Pisan sequence, the eighty-first") and an ordinal before a noun ("the first edition") are
not counted in the group."""

from __future__ import annotations

import pytest
from rules_helpers import cantos


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Of the Pisan Cantos, the first opens with a lament.", [74]),
        ("Of the two Italian Cantos, the first, 'Provisions', is the longer.", [72]),
        ("Of the Adams cantos, the last ends with Adams on the law.", [71]),
        ("Of the Malatesta Cantos, the second is the densest.", [9]),
        ("And of the Hell Cantos, the second is the worse.", [15]),
        ("Of the Pisan sequence, the eighty-first is the most quoted.", [81]),
    ],
)
def test_one_canto_counted_in_the_group_named_before(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the ordinal counts something else: the group is cited whole
        ("Of the Pisan Cantos, the first edition appeared in 1948.", list(range(74, 85))),
        ("The Pisan Cantos were the first part of the poem to win a prize.", list(range(74, 85))),
        # no group named in an "of" phrase just before
        ("Of the poems in Lustra, the first is lost.", []),
        ("Of Dante's cantiche, the first is the Inferno.", []),
    ],
)
def test_refusals_and_the_whole_group(text, expected):
    assert cantos(text) == expected
