"""Property: any stretch of Canto I long enough to count is found, with the lines it comes from."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cantobatch.extract.quote import STOPWORDS, QuoteAligner
from cantobatch.poem import load_poem_text, tokenize

POEM = load_poem_text(Path(__file__).resolve().parents[1] / "texts" / "cantos")
# (word as printed, poem line) for the whole canto, in order.
WORDS = [(w, n) for n, line in enumerate(POEM.cantos[1].lines, 1) for w in line.split()]
VOCABULARY = {t.norm for line in POEM.cantos[1].lines for t in tokenize(line)}
FILLER = "Critics disagree sharply regarding its provenance; scholarship remains divided."


@pytest.fixture(scope="module")
def aligner(cantos_dir) -> QuoteAligner:
    return QuoteAligner(load_poem_text(cantos_dir))


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


def span_text(start: int, length: int, joiner: str = " / ") -> str:
    pieces, previous = [], None
    for word, line in WORDS[start : start + length]:
        if previous is not None:
            pieces.append(joiner if line != previous else " ")
        pieces.append(word)
        previous = line
    return "".join(pieces)


def content_positions(start: int, length: int) -> list[int]:
    return [
        k
        for k in range(start, start + length)
        if any(t.norm not in STOPWORDS for t in tokenize(WORDS[k][0]))
    ]


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, len(WORDS) - 13), length=st.integers(12, 30), data=st.data())
def test_a_changed_word_inside_a_quotation_keeps_it(aligner, start, length, data):
    length = min(length, len(WORDS) - start)
    # The changed word's line must keep a content word: function words alone on an edge line
    # are not counted as quoted ("we then to the [place]" quotes nothing distinctive).
    content = content_positions(start, length)
    inner = [
        k
        for k in content
        if start + 4 <= k < start + length - 4
        and any(WORDS[c][1] == WORDS[k][1] for c in content if c != k)
    ]
    if not inner:
        return
    changed = data.draw(st.sampled_from(inner))
    words = [w for w, _ in WORDS[start : start + length]]
    words[changed - start] = "Zygote"  # not a word of the poem
    text = f"{FILLER} “{' '.join(words)}” {FILLER}"
    found = aligner.align(text)
    assert len(found) == 1
    assert WORDS[changed][1] in found[0].lines
    assert 0.8 <= found[0].score < 1.0


@settings(max_examples=200, deadline=None)
@given(
    first=st.integers(0, len(WORDS) - 60),
    gap=st.integers(3, 40),
    ellipsis=st.sampled_from([" … ", " ... ", " . . . ", "… "]),
)
def test_an_ellipsis_joins_two_stretches(aligner, first, gap, ellipsis):
    # Two stretches of eight words with a gap between them: one quotation over both.
    before = span_text(first, 8)
    after = span_text(first + 8 + gap, 8)
    found = aligner.align(f"{FILLER} “{before}{ellipsis}{after}” {FILLER}")
    content_lines = {WORDS[k][1] for k in content_positions(first, 8)} | {
        WORDS[k][1] for k in content_positions(first + 8 + gap, 8)
    }
    quoted_lines = {WORDS[k][1] for k in range(first, first + 8)} | {
        WORDS[k][1] for k in range(first + 8 + gap, first + 16 + gap)
    }
    # A stretch too plain to count on its own may be left out; a line never quoted never appears.
    assert all(set(q.lines) <= quoted_lines for q in found)
    if len(content_positions(first, 8)) >= 3 and len(content_positions(first + 8 + gap, 8)) >= 3:
        assert len(found) == 1
        assert content_lines <= set(found[0].lines)


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, len(WORDS) - 10), data=st.data())
def test_a_word_hyphenated_across_a_pdf_line_break(aligner, start, data):
    words = [w for w, _ in WORDS[start : start + 10]]
    long_words = [k for k, w in enumerate(words[2:8], 2) if w.isalpha() and len(w) >= 6]
    if not long_words:
        return
    k = data.draw(st.sampled_from(long_words))
    cut = data.draw(st.integers(2, len(words[k]) - 2))
    words[k] = words[k][:cut] + "-\n" + words[k][cut:]
    found = aligner.align(f"{FILLER} {' '.join(words)} {FILLER}")
    assert len(found) == 1
    content_lines = {WORDS[x][1] for x in content_positions(start + 2, 6)}
    assert content_lines <= set(found[0].lines) <= {line for _, line in WORDS[start : start + 10]}
    assert found[0].score == 1.0
