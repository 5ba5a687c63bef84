"""Short quotations (issue #18, family 6): two to four words in quotation marks that match one
line of the poem exactly and nowhere else, with a frequency test over the poem's words keeping
common phrases out. Sentences written for these tests, against Canto I's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from cantobatch.extract.quote import STOPWORDS, QuoteAligner
from cantobatch.extract.short_quotes import ShortQuoteIndex
from cantobatch.poem import load_poem_text


@pytest.fixture(scope="module")
def aligner(cantos_dir: Path) -> QuoteAligner:
    return QuoteAligner(load_poem_text(cantos_dir))


def found(aligner: QuoteAligner, text: str) -> list[tuple[int, tuple[int, ...], str]]:
    return [(q.canto, q.lines, text[q.start : q.end]) for q in aligner.align(text)]


@pytest.mark.parametrize(
    ("text", "line", "evidence"),
    [
        ('Pound keeps the "bellying canvas" of the Latin.', 6, "bellying canvas"),
        ("The “Kimmerian lands” lie at the edge of the world.", 12, "Kimmerian lands"),
        ('A "close-webbed mist" hides the sun from them.', 13, "close-webbed mist"),
        ('The shades come "out of Erebus" to drink.', 29, "out of Erebus"),
        ('He offers "sterile bulls" at home in Ithaca.', 25, "sterile bulls"),
        ('The "narrow sword" keeps them off.', 39, "narrow sword"),
        ('The seer stands there "Holding his golden wand".', 59, "Holding his golden wand"),
        ("Pound's 'sunless dead' are Homer's.", 61, "sunless dead"),
        ("la «bellying canvas» di Divus", 6, "bellying canvas"),
        ("Kenner’s ‘Kimmerian lands’ are nowhere on a map.", 12, "Kimmerian lands"),
    ],
)
def test_a_short_quotation_of_one_line(aligner, text, line, evidence):
    assert found(aligner, text) == [(1, (line,), evidence)]


@pytest.mark.parametrize(
    "text",
    [
        'Everyone knows "the ship" of Theseus.',  # one content word, two words
        'Kenner says "and then" too often.',  # no content word
        'A story of "the dead" in Dublin.',
        'The ferry left "came we then" in the Scots version.',  # twice in the canto
        'The Metro poem ends on "petals on a wet, black bough".',  # not in the poem
        "He is a 'man of no name' in the ballad.",  # the words, not as the poem has them
        'Four words "and then went down" is a run the long aligner would need five for.',
        'The words "ship, Set keel" run across two lines of the poem.',
        "unquoted words like bellying canvas are not a quotation",
    ],
)
def test_common_phrases_and_other_texts_are_refused(aligner, text):
    assert found(aligner, text) == []


def test_long_quotations_still_win(aligner):
    text = 'Pound opens with "And then went down to the ship," a phrase from Divus.'
    assert found(aligner, text) == [(1, (1,), "And then went down to the ship")]


def test_a_phrase_found_in_two_cantos_is_refused(tmp_path: Path):
    (tmp_path / "canto_001.txt").write_text("Bore us out onward with bellying canvas\n")
    (tmp_path / "canto_002.txt").write_text("the bellying canvas again\nand once more\n")
    index = ShortQuoteIndex(load_poem_text(tmp_path), STOPWORDS)
    assert index.find('the "bellying canvas" of the ship') == []
    assert [(q.canto, q.line) for q in index.find('the "onward with bellying" sail')] == [(1, 1)]


def test_the_frequency_test(tmp_path: Path):
    (tmp_path / "canto_001.txt").write_text(
        "the sea the sea the sea and the dark sea\nwe came to the dark water\n"
    )
    index = ShortQuoteIndex(load_poem_text(tmp_path), STOPWORDS)
    assert not index.distinctive(("dark", "sea"))  # both frequent in the poem
    assert index.distinctive(("dark", "water"))  # "water" once
    assert not index.distinctive(("the", "water"))  # one content word, two words
    assert index.distinctive(("to", "the", "water"))
