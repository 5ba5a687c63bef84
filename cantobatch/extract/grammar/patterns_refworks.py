"""The citation grammar's patterns for reference-work notations (``scan_refworks``,
``conventions``, ``scan_cantos.canto_pages``' runs of cantos), for a group named as the book
that holds an exact citation (``scan_ordinals.exact_after_groups``) and for numerals set off
after a count of cantos (``scan_cantos.counted_apposition``). Registered in
``patterns.rx`` with the rest (``sources``).
"""

from __future__ import annotations

from cantobatch.extract.grammar import lexicon as g

_PAGE = r"\d{1,4}(?:[-–]\d{1,4})?(?![\d/])"  # (as patterns.PAGE)
_LINE_NUM = r"\d{1,3}(?![\d])"
_LINE_ITEM = rf"{_LINE_NUM}(?:{g.DASH}{_LINE_NUM})?(?!\s*[:/]\s*\d)(?!\.\d)"
_LINE_LIST = rf"{_LINE_ITEM}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){_LINE_ITEM})*"

# Canto/page pairs that show a document cites by canto and page (conventions.py): with the keyword
# or the sigil ("Canto 74/425", "(C 45/229)", "C45/229"), or bare ("45/230", "XIII/58")
KEYWORD_PAGE = (
    rf"(?:(?<![A-Za-z])(?:[Cc]antos?|CANTOS?)\s+|(?<![\w.])C\s*)(?:\d{{1,3}}|{g.ROMAN_UP})"
    r"\s?/\s?\d{1,4}(?![\d/])"
)
PAIR_FOR_CONVENTION = (
    r"(?<![\w/.,:\-])(?P<canto>\d{1,3}|[IVXLC]{1,7})\s?/\s?(?P<page>\d{1,4})(?![\d/])"
)
# After "85/89", a noun it counts or measures: not a run of cantos ("45/50 votes", "85/89 mmHg")
RUN_NOUN_AFTER = (
    r"\s*(?:%|per\s*cent|mm|(?!(?:i|wa|ha|doe|a|thu|thi|plu|u)s\b)[a-z]+s\b)"
    r"|\s+(?:of|time|split|majority|vote|scores?)\b"
)
# Before "85/90", a word that makes it a score or a vote: "scored 85/90", "a vote of 45/50", or
# bars of music: "at bar 45/46", "mm. 81/82"
RUN_SCORE_BEFORE = (
    r"\b(?:scor\w*|rat(?:ed|ing|io)s?|vot\w*|split|odds|grade[sd]?|marks?|points?|bars?|mm?\.|"
    r"measures?)\s+(?:of\s+)?$"
)
# Terrell's cross-references, canto:gloss in square brackets ("[76:217]", "[cf. 74:279; 80:361]",
# "[79:44; 91/612]"): every item a canto:gloss pair (more glosses after a comma) or canto/page,
# never after a word ("a[74:78]"); the items are read by GLOSS_PAIR
_GLOSS_LEAD = r"(?:(?:cf\.|see(?:\s+also)?|also|and)\s+)?"
_GLOSS_ITEM = (
    r"(?:\d{1,3}\s?:\s?\d{1,3}(?:\s*,\s*\d{1,3}(?![\d:/]))*|\d{1,3}\s?/\s?\d{1,4}(?:[-–]\d{1,4})?)"
)
BRACKET_GLOSSES = (
    rf"(?<![\w\])])\[\s*{_GLOSS_LEAD}{_GLOSS_ITEM}(?:\s*[;,]\s*{_GLOSS_LEAD}{_GLOSS_ITEM})*\s*\]"
)
GLOSS_PAIR = r"(?P<canto>\d{1,3})\s?:\s?\d{1,3}"
RATIO_BEFORE = r"\b(?:ratios?|proportions?|scales?|odds|scores?)\s+(?:of\s+)?$"
# (LXXXV, 545), (C XLV, 229): a roman canto and its page in parentheses (or brackets, or after
# a semicolon inside them: "(XCIII, 623; XCIV, 634)"); "C" is the Cantos' sigil
PAREN_BEFORE = r"[(\[;]\s*(?:C\s+)?$"
PAREN_PAGE_AFTER = rf"\s*,\s*(?P<page>{_PAGE})\s*(?=[)\];])"
# A footnote's "C." for Canto before its numeral and page: "C. 13, pp. 58-60", "C. XCIX, p. 722"
SIGIL_DOT_PAGE = (
    r"(?<![\w.])C\.\s?(?P<canto>\d{1,3}(?!\d)|(?=[IVXLC])"
    rf"{g.ROMAN_UP}(?![A-Za-z]))\s*,\s*pp?\.\s*(?P<page>{_PAGE})"
)
# A footnote that repeats the last work cited: "Ibid., LXXX, 505.", "Id., XCIII, p. 623;": after
# it a roman canto and its page close the note (or its item)
IBID_BEFORE = r"\b(?:[Ii]bid|[Ii]d)\.?,\s*$"
IBID_PAGE_AFTER = rf"\s*,\s*(?:pp?\.\s*)?(?P<page>{_PAGE})\s*(?=[.;)\]]|$)"
# The Cantos Project's gloss numbers: "OCCEP IV: n.13", "XXVII: n.5"
NOTE_AFTER = r"\s*:\s*n(?:ote)?\.?\s*\d{1,3}(?!\d)"
# A sigil that names the poem before a canto's numeral, not another book: "(C XLV", "OCCEP IV"
SIGIL_BEFORE = r"(?:(?:^|[(\[;]\s*)C|\bOCCEP)\s+$"
# Just after a group's name, the canto it holds and its lines: "The Pisan Cantos, 81: 148-56",
# "(Rock-Drill 85: 1-2)"
GROUP_EXACT_AFTER = rf"\s*,?\s*(?P<canto>\d{{1,3}})\s*:\s*(?:ll?\.\s*)?(?P<lines>{_LINE_LIST})"
# Later in the group's sentence, after a preposition: "In the Pisan Cantos …; at 83: 70-75 …" (a
# space after the colon or a range of lines, not a time: "at 9:30")
GROUP_EXACT_LATER = (
    rf"(?:\b(?:at|in|see|cf\.|compare|from)\s+|\(\s*)(?P<canto>\d{{1,3}})\s*:(?:\s+|\s*ll?\.\s*|"
    rf"(?=\d{{1,3}}\s*[-–]))(?P<lines>{_LINE_LIST})"
)
# Between a group and a canto it holds, words that name both in their own right: "The Pisan
# Cantos, and Canto 81 above all, …", "Canto 62 and the Adams Cantos"
COORDINATED = (
    r"\s*,?\s*(?:and|as\s+well\s+as|along\s+with|together\s+with)\s+(?:(?:[Tt]he|[Ii]ts|his)\s+)?"
)

# Numerals set off after a count of cantos (scan_cantos.counted_apposition): "Two cantos, 47 and
# 49, are paired", "Both cantos—72 and 73—were withheld"; the count just before the keyword
COUNT_BEFORE_KEYWORD = (
    r"(?<![\w-])(?P<count>[Bb]oth|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine"
    r"|[Tt]en)\s+(?:(?:other|more|later|earlier|early|late|short|long)\s+)?$"
)
COUNTED_LIST_GAP = r",\s*|\s*[—–]\s*"
COUNTED_LIST_END = r"\s*(?:[,;:.!?)—–]|$)"

# A sentence that is only a group's name, a heading ("Section: Rock-Drill.", "The Adams Cantos."):
# what stands before and after the name in its sentence
HEADING_BEFORE = r"\s*(?:(?:Section|Part|Book|Sequence)\s*[:.\-–—]?\s*)?(?:[Tt]he\s+)?"
HEADING_AFTER = r"\s*(?:\(\s*\d{4}\s*\)\s*)?[.:]?\s*"


def sources() -> dict[str, str]:
    """Every pattern source of this module by name (its upper-case strings), for ``patterns.rx``."""
    return {
        name: value
        for name, value in globals().items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }
