"""Short quotations: two to four words in quotation marks that are one line's words of the poem,
found there once and nowhere else, and not a common phrase ("swart ship", "against the buttress",
"In officina Wecheli, 1538"; not "the ship", "and then").

The long-quotation aligner (``quote.QuoteAligner``) needs five words to trust a match; a short
quotation is trusted only when it is marked as a quotation, matches a run of words on one line
exactly, occurs once in the whole poem, and passes a frequency test over the poem's own words:
one of its content words is rare in the poem (found once, or twice if it has six letters or more:
the short words are the common ones, "went down", "dark blood"), and it has a second content word
or three words in all ("against the buttress"). Function words (``quote.STOPWORDS``) are not
content words.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from cantobatch.poem import PoemText, Token, tokenize

MIN_WORDS, MAX_WORDS = 2, 4
RARE_IN_POEM = 2  # a long content word found this often or less in the poem is rare
LONG_WORD = 6  # letters
# Text between quotation marks: double, curly, guillemets, or single quotes that are not an
# apostrophe ("Pound's 'sunless dead'": the opening quote follows no letter, the closing one
# precedes none, and an apostrophe inside a word stays inside)
_QUOTED = re.compile(
    r"“(?P<a>[^”\n]{1,80})”|\"(?P<b>[^\"\n]{1,80})\"|«\s*(?P<c>[^»\n]{1,80}?)\s*»"
    r"|‘(?P<d>(?:[^’\n]|(?<=\w)’(?=\w)){1,80}?)’(?!\w)"
    r"|(?<![\w’'])'(?P<e>(?:[^'\n]|(?<=\w)'(?=\w)){1,80}?)'(?!\w)"
)


QUOTATION_MARKS = ('"', "“", "'", "‘", "«")


@dataclass(frozen=True)
class ShortQuote:
    canto: int
    line: int
    start: int  # the quoted words' span in the passage
    end: int
    words: int


class ShortQuoteIndex:
    """Every run of two to four words on one line of the poem, with how often it occurs in the
    whole poem, and how often each word does."""

    def __init__(self, poem: PoemText, stopwords: frozenset[str]) -> None:
        self.stopwords = stopwords
        self.word_counts: Counter[str] = Counter()
        self.runs: dict[tuple[str, ...], tuple[int, int]] = {}  # run → (canto, line), once
        self.run_counts: Counter[tuple[str, ...]] = Counter()
        for canto in poem.sorted_cantos():
            words: list[str] = []
            lines: list[int] = []
            for number, text in enumerate(canto.lines, start=1):
                for token in tokenize(text):
                    words.append(token.norm)
                    lines.append(number)
            self.word_counts.update(words)
            for size in range(MIN_WORDS, MAX_WORDS + 1):
                for j in range(len(words) - size + 1):
                    run = tuple(words[j : j + size])
                    self.run_counts[run] += 1  # (across lines too: "… ship, / Set keel")
                    if lines[j] == lines[j + size - 1]:
                        self.runs.setdefault(run, (canto.number, lines[j]))

    def rare(self, word: str) -> bool:
        count = self.word_counts[word]
        return count == 1 or (count <= RARE_IN_POEM and len(word) >= LONG_WORD)

    def distinctive(self, run: tuple[str, ...]) -> bool:
        """The run passes the frequency test (see the module docstring)."""
        content = [w for w in run if w not in self.stopwords]
        if not content or (len(content) == 1 and len(run) < 3):
            return False
        return any(self.rare(w) for w in content)

    def find(self, text: str, tokens: list[Token] | None = None) -> list[ShortQuote]:
        """The short quotations of the poem in ``text``, in passage order."""
        if not any(mark in text for mark in QUOTATION_MARKS):
            return []
        quoted = [m for m in _QUOTED.finditer(text) if m.lastgroup]
        if not quoted:
            return []
        tokens = tokenize(text) if tokens is None else tokens
        starts = [t.start for t in tokens]
        out = []
        for m in quoted:
            start, end = m.span(m.lastgroup)
            first = last = bisect_left(starts, start)
            while last < len(tokens) and tokens[last].end <= end:
                last += 1
            if not MIN_WORDS <= last - first <= MAX_WORDS:
                continue
            run = tuple(t.norm for t in tokens[first:last])
            found = self.runs.get(run)
            if found is None or self.run_counts[run] != 1 or not self.distinctive(run):
                continue
            out.append(
                ShortQuote(found[0], found[1], tokens[first].start, tokens[last - 1].end, len(run))
            )
        return out
