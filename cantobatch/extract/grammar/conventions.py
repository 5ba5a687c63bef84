"""How a document cites the poem, decided over all its passages: notations that are precise in a
document that uses them and noise elsewhere.

``document_conventions(texts)`` reads a document's passages once; ``extract_references`` takes
the result for each passage of that document (``RulesExtractor.extract_batch`` groups a batch's
passages by ``doc_id``). A passage given alone is its own document.

- ``canto_pages``: the document cites by canto and page, so a pair with a small page ("1/5",
  "2/6") is canto 1, page 5, not a fraction. It is shown by a pair with the keyword or the sigil
  ("Canto 74/425", "(C 45/229)") or by two bare pairs whose pages are where those cantos are
  printed ("45/230, 47/236", "XIII/58"); one bare pair is not yet a convention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cantobatch.extract.grammar.lexicon import valid_canto
from cantobatch.extract.grammar.locate import matches_at, starts
from cantobatch.extract.grammar.numerals import numeral_value, plausible_page
from cantobatch.extract.grammar.patterns import rx

# A page this high is where its canto is printed, not a fraction's denominator (canto_pages
# needs a context for lower ones)
STRONG_PAGE = 20
PAIRS_FOR_A_CONVENTION = 2


@dataclass(frozen=True)
class Conventions:
    """What a document shows about its notation (see the module docstring)."""

    canto_pages: bool = False


NONE = Conventions()


def document_conventions(texts: Iterable[str]) -> Conventions:
    """The conventions the passages ``texts`` of one document show."""
    pairs = 0
    for text in texts:
        if "/" not in text:
            continue
        slashes = starts(text, "/")
        at = [p for q in slashes for p in range(q - 12, q) if p >= 0]  # (keyword and canto)
        if any(matches_at(rx.KEYWORD_PAGE, text, at)):
            return Conventions(canto_pages=True)
        for m in matches_at(rx.PAIR_FOR_CONVENTION, text, at):
            canto = numeral_value(m.group("canto"))
            page = int(m.group("page"))
            if valid_canto(canto) and page >= STRONG_PAGE and plausible_page(canto, page):
                pairs += 1
                if pairs >= PAIRS_FOR_A_CONVENTION:
                    return Conventions(canto_pages=True)
    return NONE
