"""Canto selections as scholars write them, and the poem's published sections."""

from __future__ import annotations

import pytest

from cantobatch.sections import fold, fold_lines, parse_cantos, section_of, sections


def test_sections_cover_every_canto_once_in_order():
    covered = [c for s in sections() for c in s.cantos]
    assert covered == list(range(1, 121))
    assert [s.name for s in sections()][:3] == [
        "A Draft of XXX Cantos",
        "Eleven New Cantos",
        "The Fifth Decad of Cantos",
    ]
    assert (section_of(74).name, section_of(85).name, section_of(72).name) == (
        "The Pisan Cantos",
        "Section: Rock-Drill",
        "Italian Cantos",
    )
    assert (section_of(51).first, section_of(52).first, section_of(71).last) == (42, 52, 71)
    assert section_of(117).name == section_of(120).name == "Drafts & Fragments"


@pytest.mark.parametrize(
    ("spec", "cantos"),
    [
        ("74", (74,)),
        ("LXXIV", (74,)),
        ("xlv", (45,)),
        ("XXX", (30,)),  # a numeral before a section's short name
        ("74-76", (74, 75, 76)),
        ("LXXIV-LXXVI", (74, 75, 76)),
        ("LXXIV–LXXVI", (74, 75, 76)),
        ("Pisan", tuple(range(74, 85))),
        ("the Pisan Cantos", tuple(range(74, 85))),
        ("Rock-Drill", tuple(range(85, 96))),
        ("Thrones", tuple(range(96, 110))),
        ("Malatesta", (8, 9, 10, 11)),  # a group of the grammar's table
        ("Drafts & Fragments", tuple(range(110, 121))),
        ("1, 74-75, Usura", (1, 45, 74, 75)),
    ],
)
def test_parse_cantos(spec, cantos):
    assert parse_cantos(spec) == cantos


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("CXXX", "canto 130 is outside 1-120"),
        ("0", "canto 0 is outside 1-120"),
        ("84-74", "'84-74': the range runs backwards"),
        ("Draft", "'Draft' could mean"),
        ("Inferno", "'Inferno' is not a canto, a range or a section name"),
        (" , ", "' , ' names no canto"),
    ],
)
def test_parse_cantos_errors_say_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match="^" + __import__("re").escape(message)):
        parse_cantos(spec)


def test_fold():
    assert fold([5, 1, 2, 3, 7, 8]) == "1–3, 5, 7–8"
    assert fold([]) == ""
    assert fold([12, 13], dash="-") == "12-13"
    assert fold_lines([12, 13, 14, 15]) == "ll. 12–15"
    assert fold_lines([3]) == "l. 3"
    assert fold_lines([]) == ""
