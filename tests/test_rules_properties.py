"""Property tests: roman numerals, ranges, lists and line ranges over the whole canto space."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cantobatch.extract.grammar.rules import extract_references
from cantobatch.extract.grammar.scan_numerals import WHOLE_POEM_FROM
from cantobatch.references import canonical, from_roman, is_roman, to_roman

cantos = st.integers(min_value=1, max_value=120)
dashes = st.sampled_from(["-", "–", "—", " to ", " through "])


@settings(deadline=None)  # the first call compiles the grammar; machines vary
@given(st.integers(min_value=1, max_value=3999))
def test_roman_round_trip(n):
    assert from_roman(to_roman(n)) == n
    assert from_roman(to_roman(n).lower()) == n


@settings(deadline=None)  # the first call compiles the grammar; machines vary
@given(st.text(alphabet="IVXLCDMivxlcdm", min_size=1, max_size=8))
def test_from_roman_accepts_only_canonical_numerals(s):
    try:
        value = from_roman(s)
    except ValueError:
        assert not is_roman(s)
    else:
        assert to_roman(value) == s.upper()


@pytest.mark.parametrize("bad", ["", "IIII", "VX", "IC", "MMMM", "XM", "LL", "IL", "ABC", "12"])
def test_invalid_roman_strings_are_rejected(bad):
    with pytest.raises(ValueError):
        from_roman(bad)


@settings(deadline=None)  # the first call compiles the grammar; machines vary
@given(cantos, st.booleans(), st.booleans())
def test_single_canto_in_any_notation(n, roman, lower):
    numeral = to_roman(n) if roman else str(n)
    keyword = "canto" if lower else "Canto"
    numeral = numeral.lower() if roman and lower else numeral
    text = f"Pound returns to it in {keyword} {numeral}."
    assert [(r["canto"], r["lines"]) for r in canonical(extract_references(text))] == [(n, [])]


@settings(max_examples=200, deadline=None)
@given(cantos, cantos, dashes, st.booleans())
def test_ranges_expand_to_exactly_a_to_b(a, b, dash, roman):
    a, b = min(a, b), max(a, b)
    if a == b:
        b = a + 1 if a < 120 else a
        a = b - 1
    first, last = (to_roman(a), to_roman(b)) if roman else (str(a), str(b))
    text = f"Cantos {first}{dash}{last} were written together."
    found = extract_references(text)
    if a == 1 and b >= WHOLE_POEM_FROM:  # "Cantos 1-117": the poem as a whole, no reference
        assert found == []
        return
    assert sorted({r.canto for r in found}) == list(range(a, b + 1))
    assert all(r.lines == () for r in found)


@settings(max_examples=200, deadline=None)
@given(st.lists(cantos, min_size=2, max_size=5, unique=True), st.booleans())
def test_lists_give_each_canto(numbers, roman):
    written = [to_roman(n) if roman else str(n) for n in numbers]
    # a closing "I" is followed by punctuation: "Cantos XVI and I believe" is the pronoun
    text = "Cantos " + ", ".join(written[:-1]) + " and " + written[-1] + "; they share a motif."
    assert sorted({r.canto for r in extract_references(text)}) == sorted(numbers)


@settings(max_examples=200, deadline=None)
@given(cantos, st.integers(min_value=1, max_value=300), st.integers(min_value=0, max_value=40))
def test_line_ranges_expand(n, first, length):
    last = first + length
    text = f"{to_roman(n)}:ll.{first}-{last}" if length else f"{to_roman(n)}:ll.{first}"
    found = extract_references(text)
    assert [(r.canto, r.lines) for r in found] == [(n, tuple(range(first, last + 1)))]


@settings(deadline=None)  # the first call compiles the grammar; machines vary
@given(st.integers(min_value=121, max_value=999))
def test_out_of_range_cantos_are_refused(n):
    assert extract_references(f"Canto {n} and canto {to_roman(n)}") == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Canto XLV",
                "ll. 3-5",
                "the last line",
                "Cantos 8–11",
                "(74/445)",
                "the Pisan Cantos",
                "Inferno XXVI",
                "the first Pisan canto",
                " and ",
                ", ",
                ". ",
                "the following two lines",
                "LXXXI:ll.1-4",
                "the fortieth canto",
                "in XLVII",
            ]
        ),
        max_size=8,
    )
)
def test_every_span_is_the_evidence(parts):
    text = "".join(parts)
    for r in extract_references(text):
        assert text[r.evidence_start : r.evidence_end] == r.evidence
        assert 1 <= r.canto <= 120
        assert 0 not in r.lines
        assert re.search(r"\S", r.evidence)


def test_case_folding_matches_ascii_letters_only_with_the_four_characters_the_scanner_knows():
    # scan._may_block skips the blocked-phrase patterns (compiled with IGNORECASE) for windows
    # without a hint word in ``str.lower()``; that is only sound if ``re`` matches no other
    # non-ASCII character with an ASCII letter than these four. Guard it against a new Python.
    import sys

    letter = re.compile("[a-z]", re.IGNORECASE)
    folding = {c for c in map(chr, range(128, sys.maxunicode + 1)) if letter.fullmatch(c)}
    assert folding == {"\u0130", "\u0131", "\u017f", "\u212a"}  # İ ı ſ K (Kelvin)


# The group names are found around their literal words, not by the engine trying every position
# (group_names.group_name_matches): that fast path must find exactly what a plain scan finds.
def _group_fragments() -> list[str]:
    from cantobatch.extract.grammar import groups as grammar

    words = {t for grp in grammar.load_groups() for t in grp.triggers}
    words |= {"A ", "a ", "the ", "Cantos", "cantos", "Canto", " of ", "XVI", "XXX", "Sixteen",
              "Thirty", "Section: ", "Drafts & Fragments", "Pisa", "written ", "wrote ", "in ",
              "’", "\u201d", '"', ",", ".", " ", "  ", "\n", "-", "x", "Q", "é"}  # fmt: skip
    return sorted(words)


@settings(deadline=None, max_examples=400)
@given(st.lists(st.sampled_from(_group_fragments()), min_size=1, max_size=24))
def test_group_names_found_by_their_literals_match_a_plain_scan(parts):
    from cantobatch.extract.grammar.group_names import group_name_matches
    from cantobatch.extract.grammar.patterns import group_name_patterns

    text = "".join(parts)
    for i, pattern in enumerate(group_name_patterns()):
        fast = [m.span() for m in group_name_matches(i, text)]
        assert fast == [m.span() for m in pattern.finditer(text)], (i, text)


def test_group_names_in_the_labelled_sets_match_a_plain_scan(repo_root):
    import json

    from cantobatch.extract.grammar.group_names import group_name_matches
    from cantobatch.extract.grammar.patterns import group_name_patterns

    for path in sorted((repo_root / "training").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["input"]
            for i, pattern in enumerate(group_name_patterns()):
                fast = [m.span() for m in group_name_matches(i, text)]
                assert fast == [m.span() for m in pattern.finditer(text)], (path.name, text)
