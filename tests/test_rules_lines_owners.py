"""Two grammar rules of the probe round: a group ordinal owned by the poem named just after it,
and plural lines ("the closing lines") that yield to the numbers given after their canto."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, refs, span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first of the Italian cantos of the Orlando Furioso is Ruggiero's.", []),
        ("The second of the Hell cantos in the Inferno is the wood of suicides.", []),
        ("The last of the Italian cantos, in Pound's own Italian, mourns the dead.", [73]),
        ("The first of the Pisan Cantos, of all his work, moves Dante's readers.", [74]),
    ],
)
def test_a_group_ordinal_owned_by_the_poem_named_after_it(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The opening lines of Canto XLVII (ll. 1-6) recall Tiresias.", [(47, span(1, 6))]),
        ("The last lines of Canto 81, lines 160-172, turn on vanity.", [(81, span(160, 172))]),
        # no numbers after: the convention's last five
        ("The closing lines of Canto IV turn to the procession.", [(4, span(-5, -1))]),
    ],
)
def test_plural_lines_yield_to_their_own_numbers(text, expected):
    assert refs(text) == expected
