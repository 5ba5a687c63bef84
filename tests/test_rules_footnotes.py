"""Footnote forms left from probe4 (issue #18, the fourth round), on sentences written for these
tests: a footnote's "C." for Canto before a numeral and its page ("C. 13, pp. 58-60"), and a roman
canto and its page after "Ibid." ("Ibid., LXXX, 505."), each with its look-alikes."""

from __future__ import annotations

import pytest
from rules_helpers import cantos


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Confucian passage is quoted at C. 13, pp. 58-60.", [13]),
        ("See C. XCIX, p. 722, on the Sacred Edict.", [99]),
        ("Smith, C. 45, pp. 229-30; C. 81, p. 541.", [45, 81]),
        ("Compare C.74, p. 450.", [74]),
        # beside another poem's canto, not owned by it
        ("Unlike the Inferno, C. 45, p. 229 names the bankers.", [45]),
    ],
)
def test_c_dot_before_a_canto_and_its_page_is_canto(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a page that could not be the canto's: a volume, a chapter, a letter
        "C. 2, p. 310 of the Letters gives the date.",
        "Carroll F. Terrell, C. 13, p. 3.",
        # circa, in lower case
        "Written c. 45, p. 229 in the register.",
        # no page after it
        "C. 13 was the code of the file.",
        # another poem's canto
        "Inferno, C. 5, p. 30, has Francesca.",
        "Don Juan, C. 3, p. 12.",
    ],
)
def test_look_alikes_of_c_dot_and_a_page_are_refused(text):
    assert cantos(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ibid., LXXXIII, 548.", [83]),
        ("Ibid., LXXIV, p. 450; ibid., LXXXI, 541.", [74, 81]),
        ("Id., XCIII, 623.", [93]),
        ("12. Ibid., XLV, 229", [45]),
    ],
)
def test_a_roman_canto_and_its_page_after_ibid_is_canto(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a volume and its page: no canto is printed there
        "Ibid., II, 521.",
        "Ibid., XII, 9.",
        # the note goes on past the page: more numbers may follow
        "Ibid., XLV, 229 and passim.",
        # no Ibid. before it
        "Letters, LXXX, 505.",
    ],
)
def test_look_alikes_of_ibid_and_a_page_are_refused(text):
    assert cantos(text) == []
