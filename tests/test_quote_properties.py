"""Property: any stretch of Canto I long enough to count is found, with the lines it comes from."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cantobatch.extract.quote import STOPWORDS, QuoteAligner
from cantobatch.poem import load_poem_text, tokenize

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
POEM = load_poem_text(SHARED_DATA / "cantos") if (SHARED_DATA / "cantos").exists() else None
# (word as printed, poem line) for the whole canto, in order.
WORDS = (
    [(w, n) for n, line in enumerate(POEM.cantos[1].lines, 1) for w in line.split()] if POEM else []
)
VOCABULARY = {t.norm for line in (POEM.cantos[1].lines if POEM else ()) for t in tokenize(line)}
FILLER = "Critics disagree sharply regarding its provenance; scholarship remains divided."


@pytest.fixture(scope="module")
def aligner(shared_data) -> QuoteAligner:
    return QuoteAligner(load_poem_text(shared_data / "cantos"))


def test_filler_shares_no_word_with_the_poem():
    assert not {t.norm for t in tokenize(FILLER)} & VOCABULARY


@settings(max_examples=300, deadline=None)
@given(
    start=st.integers(0, len(WORDS) - 1),
    length=st.integers(1, 40),
    joiner=st.sampled_from([" ", " / ", "\n", "  /  "]),
)
def test_a_stretch_of_the_poem_is_found_with_its_lines(aligner, start, length, joiner):
    span = WORDS[start : start + length]
    pieces, previous = [], None
    for word, line in span:
        if previous is not None:
            pieces.append(joiner if line != previous else " ")
        pieces.append(word)
        previous = line
    quoted = "".join(pieces)
    text = f"{FILLER} “{quoted}” {FILLER}"
    # (normalised word, line) of the quotation; edge function words on a line that no content
    # word of the quotation reaches are not part of it ("... inscribed: / A").
    words = [(t.norm, line) for word, line in span for t in tokenize(word)]
    content_at = [k for k, (w, _) in enumerate(words) if w not in STOPWORDS]
    if content_at:
        lo, hi = content_at[0], content_at[-1]
        while lo > 0 and words[lo - 1][1] == words[content_at[0]][1]:
            lo -= 1
        while hi < len(words) - 1 and words[hi + 1][1] == words[content_at[-1]][1]:
            hi += 1
        words = words[lo : hi + 1]
    content_lines = {line for w, line in words if w not in STOPWORDS}
    found = aligner.align(text)
    if len(words) < aligner.min_words or len(content_at) < 2:
        assert found == []
        return
    assert len(found) == 1, [(q.lines, text[q.start : q.end]) for q in found]
    [quote] = found
    lines_of_span = {line for _, line in span}
    assert content_lines <= set(quote.lines) <= lines_of_span
    assert text[quote.start : quote.end] in quoted
    assert quote.score == 1.0
