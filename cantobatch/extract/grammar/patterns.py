"""Every regex of the citation grammar: the fixed sources, and the patterns built from the group
table.

The module constants are regex sources; ``rx.NAME`` is the compiled pattern, compiled on first
use, so importing the grammar costs nothing and a run compiles only what its passages need.
The group table's patterns (``group_patterns``, ``group_name_patterns``, ``group_lower_patterns``)
are compiled on first call. Where these patterns are tried (only just before ordinal words, or
only where ``str.find`` says a match can begin) is ``locate``'s and ``group_names``' business.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from cantobatch.extract.grammar import lexicon as g
from cantobatch.extract.grammar import patterns_foreign as fp
from cantobatch.extract.grammar import patterns_refworks as rw
from cantobatch.extract.grammar.groups import load_groups


class LazyPatterns:
    """Named regex sources, each compiled on first access and then a plain attribute; a source
    may be a function that builds it (then only on first access too)."""

    def __init__(self, **sources: str | Callable[[], str]) -> None:
        self._sources = sources

    def compile_all(self) -> None:
        """Compile every pattern now (before forking workers, or to time it)."""
        for name in self._sources:
            getattr(self, name)

    def __getattr__(self, name: str) -> re.Pattern:
        if name.startswith("_") or name not in self._sources:
            raise AttributeError(name)
        source = self._sources[name]
        pattern = re.compile(source() if callable(source) else source)
        setattr(self, name, pattern)  # later lookups find the attribute and skip __getattr__
        return pattern


# --- patterns ---------------------------------------------------------------------------------

KEYWORD = r"(?<![A-Za-z])(?:[Cc]ant[oi]s?|CANTOS?|[Cc]antares)(?![A-Za-z])"
ROMAN_UP = g.ROMAN
ROMAN_ANY = g.ROMAN_ANY
ARABIC = g.ARABIC
WORD_NUMBER = rf"(?i:{g.CARDINAL_WORD})"
DASH = g.DASH
DASH_SIGN = r"\s*[-‐‑–—−]\s*"
LIST_SEP = g.LIST_SEP
LINE_NUM = r"\d{1,3}(?![\d])"
# (a range may repeat the keyword after a dash or "through": "l. 4 – l. 9", "line 12 through line
# 15"; not after "to", as in "compare line 4 to line 12", unless "from" opens it: LINE_FROM_TO)
LINE_AGAIN = r"(?:\s*[-‐‑–—−]\s*|\s+(?:through|thru)\s+)(?:ll?\.|lines?)\s*"
LINE_ITEM = rf"{LINE_NUM}(?:{g.DASH}{LINE_NUM}|{LINE_AGAIN}{LINE_NUM})?(?!\s*[:/]\s*\d)(?!\.\d)"
LINE_LIST = rf"{LINE_ITEM}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){LINE_ITEM})*"
# (right after the canto's number, "vv." and "v." are lines too, as Italian, French and Spanish
# scholarship writes them: "Canto 13, vv. 1-4", "Canto XLV, v. 12")
SUFFIX_LINES = (
    rf"(?:\s*:\s*(?:ll?\.\s*|lines?\s+)?|\s*,?\s*(?:ll?\.|ll\s|lines?\s|vv?\.)\s*)"
    rf"(?P<lines>{LINE_LIST})"
)
SUFFIX_DOT_LINE = rf"\.(?P<lines>{LINE_ITEM})"  # "I.23"
PAGE = r"\d{1,4}(?:[-–]\d{1,4})?(?![\d/])"
PAGE_FIRST = r"\d+"  # the first page of a PAGE
SUFFIX_PAGE = (
    rf"\s*/\s*(?P<page>{PAGE})|\s+at\s+p(?:age|\.)\s*(?P<page2>{PAGE})"
    rf"|\s*\(\s*p(?:age|\.)\s*(?P<page3>{PAGE})\s*\)|\s*,\s*(?:pages?|pp?\.)\s*(?P<page4>{PAGE})"
)
ARABIC_PAGE = (
    r"(?<![\w/.,:\-])(?P<canto>\d{1,3})(?P<slash> ?/ ?)(?P<page>(?P<first>\d{1,4})(?:[-–]\d{1,4})?)"
    r"(?![\d/])"
)
C_PAGE = r"(?<![A-Za-z0-9])C(?P<canto>\d{1,3})[./](?P<page>\d{1,4})(?![\d/])"
LINE_KW = rf"(?<![A-Za-z])(?:ll\.?|l\.|[Ll]ines?|LL\.|LINES?)\s*(?P<lines>{LINE_LIST})"
LINE_FROM_TO = (  # "from line 40 to line 52" (found at the first keyword)
    rf"(?<=[Ff]rom\s)(?:ll?\.|[Ll]ines?)\s*(?P<a>{LINE_NUM})\s+(?:to|till|until|through|thru)\s+"
    rf"(?:ll?\.|lines?)\s*(?P<b>{LINE_NUM})"
)
LINE_KEYWORD_INSIDE = r"(?<![A-Za-z])(?:ll?\.|[Ll]ines?)\s*"  # "l." in "4 – l. 9"
LINE_WORDS = (  # "line twelve", "lines two to four", "lines one and two" (a list after "lines")
    rf"(?<![A-Za-z])[Ll]ines?\s+(?P<a>{g.CARDINAL_WORD})(?:{g.DASH}(?P<b>{g.CARDINAL_WORD})"
    rf"|(?P<more>(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){g.CARDINAL_WORD})+))?"
)
GREEK_EQ = rf"=\s*(?P<lines>{LINE_NUM}(?:\s*(?:[-–]|\.\.)\s*{LINE_NUM}))"

ORD_SPECIAL = (  # (also "second last", "next-to-last": NTH_FROM_LAST)
    r"(?:second|third|2nd|3rd)[-\s]+(?:(?:to|from)[-\s]+(?:the[-\s]+)?)?last|last[-\s]+but[-\s]+one|"
    r"next[-\s]+to[-\s]+(?:the[-\s]+)?last|"
    r"penultimate|antepenultimate|last|final|opening|closing|initial|concluding"
)
ORD = rf"(?:{ORD_SPECIAL}|{g.ORDINAL_WORD}|{g.ORDINAL_NUM})"
# One optional lowercase word between the determiner and the ordinal: "the very last line".
ADJ = rf"(?:(?!(?:{ORD}|and|or|of|in|lines?|cantos?)\b)[a-z]+\s+)?"
DETERMINER = (
    r"(?:\b(?:[Tt]he|Pound['’]s|[Hh]is|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)|(?<=['’]s)|(?<=s['’]))"
)
LINE_DET = r"(?:\b(?:[Tt]he|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)|(?<=['’]s))"
ORDINAL_LINE = (
    rf"{LINE_DET}\s+{ADJ}(?P<ord>{ORD})\s+line\b(?!s)"
    r"(?:\s+from\s+the\s+(?:(?P<end>end|bottom)|top|beginning|start)|\s+but\s+(?P<but>one|two))?"
)
# After a line number, counting from the end: "line 3 from the end" (-3)
FROM_THE_END = r"\s+from\s+the\s+(?:end|bottom)\b"
COUNT = rf"(?:{g.COUNT}|couple\s+of|pair\s+of|(?:half[-\s]+(?:a[-\s]+)?)?dozen)"
# The words that pick lines from the start or the end: "the first three", "the concluding lines"
WHICH = r"(?:first|last|opening|closing|final|initial|concluding)"
COUNT_LINES = (
    rf"{LINE_DET}\s+{ADJ}(?P<which>{WHICH})\s+(?P<count>{COUNT})"
    r"(?:\s+lines?\b|(?=\s+(?:of|in)\b))"
)
# The count before the word: "the two last lines", "the three first lines" (British usage)
COUNT_FIRST_LINES = rf"{LINE_DET}\s+(?P<count>{COUNT})\s+(?P<which>{WHICH})\s+lines\b"
# After "the closing lines" (no count), the canto and the lines' own numbers: "of Canto I (ll.
# 68-76)", "of XLV, lines 1-12"; the numbers say which lines
LINES_NUMBERED_AFTER = (
    r"\s+(?:of|in)\s+(?:[Cc]anto\s+)?(?:[IVXLC]+|\d{1,3})\s*(?:\(\s*|,\s*)(?:ll?\.|lines?)\s*\d"
)
# A stanza's lines by its name: "the closing couplet" (-2, -1), "the first quatrain" (1-4)
STANZA_LINES = (
    rf"{LINE_DET}\s+{ADJ}(?P<which>{WHICH})\s+"
    r"(?P<unit>couplet|tercet|quatrain)\b(?!s)"
)
STANZA_SIZES = {"couplet": 2, "tercet": 3, "quatrain": 4}
PAIR_LINES = (
    rf"{LINE_DET}\s+(?P<w1>{WHICH})(?:\s+(?P<c1>{COUNT}))?\s+and\s+"
    rf"(?:the\s+)?(?P<w2>first|last|closing|final|concluding)(?:\s+(?P<c2>{COUNT}))?\s+lines?\b"
)
# "the first and second lines", "the penultimate and last lines": positions listed
ORDINAL_LINES_LIST = (
    rf"{LINE_DET}\s+(?P<ords>{ORD}(?:\s*,\s*{ORD})*\s*,?\s+and\s+(?:the\s+)?{ORD})\s+lines\b"
)
PLURAL_LINES = rf"{LINE_DET}\s+{ADJ}(?P<which>{WHICH})\s+lines\b"
RELATIVE_DIRECTIONS = ("following", "next", "subsequent", "succeeding", "preceding", "previous")
# "Canto LXXXI … In the next canto": the canto after (or before) the one last cited
RELATIVE_CANTO = r"\b(?P<dir>next|following|succeeding|preceding|previous)\s+[Cc]anto(?![A-Za-z])"
RELATIVE_LINES = (
    rf"\b(?P<dir>{'|'.join(RELATIVE_DIRECTIONS)})\s+"
    rf"(?:(?P<count>{g.COUNT})\s+)?(?P<noun>lines?)\b"
)
# The direction after the noun: "the two lines after it", "the line that follows" (the determiner
# and count before it: THE_COUNT_BEFORE)
LINES_AFTER_IT = (
    r"(?P<noun>lines?)\s+(?:(?P<dir>after|before|following|preceding)\s+(?:it|this|that|them|"
    r"these|those)|(?:that|which)\s+(?P<verb>follows?|precedes?))\b"
)
THE_COUNT_BEFORE = rf"\b[Tt]he\s+(?:(?P<count>{g.COUNT})\s+)?$"
# Just after a line reference, its neighbours with the noun left out: "line 12 and the two after
# it", "ll. 4-8 and the next three", "line 12 and the two following (lines)"
ELLIPTIC_RELATIVE = (
    rf",?\s+and\s+(?P<the>the)\s+(?:(?P<dir>next|following|preceding|previous)\s+(?P<count>{g.COUNT})"
    rf"|(?P<count2>{g.COUNT})\s+(?P<dir2>following|preceding|next|previous|(?:after|before)\s+"
    r"(?:it|them|that|this)))\b(?:\s+lines\b)?"
    r"(?!\s+[a-z]+s\b)"  # not "the next two cantos", "the two following pages"
)
CONTEXT = r"(?i)(?<![a-z])cantos?(?![a-z])|(?<![A-Za-z])(?:ll?\.\s*\d|lines?\b)"
# Not after an abbreviation: "the Pisan Cantos, esp. LXXXI", "cf. XLV", "St. Elizabeths"
SENTENCE_END = (
    r"(?<!\b(?:[Cc]f|St|Dr|Mr))(?<!\b(?:esp|e\.g|i\.e|viz|Mrs))"  # (one width per look-behind)
    r"[.!?][\"”’)\]]*\s+(?=[A-Z“\"‘(\[])"
)
SENTENCE_START = r"(?:^|[.!?;][\"”’)\]]*\s+|[(\[“\"‘]\s*)$"
PREPOSITIONS = frozenset(
    [
        "in",
        "of",
        "for",
        "see",
        "cf",
        "cf.",
        "from",
        "and",
        "to",
        "with",
        "at",
        "also",
        "compare",
        "both",
        "between",
        "like",
        "unlike",
        "through",
        "into",
        "within",
        "on",
    ]  # noqa: SIM905
)
NUMBER_ORD = rf"(?:{g.ORDINAL_WORD}|{g.ORDINAL_NUM})"
ORDINAL_LIST = (
    rf"{DETERMINER}\s+(?P<ords>{NUMBER_ORD}(?:\s*,\s*{NUMBER_ORD})*\s*,?\s+(?:and|or)\s+"
    rf"{NUMBER_ORD})\s+[Cc]antos\b"
)
FROM_TO = (
    rf"\b[Ff]rom\s+[Cc]anto\s+(?P<a>{g.ROMAN_ANY}|\d{{1,3}})\s+(?:to|through|until|till)\s+"
    rf"[Cc]anto\s+(?P<b>{g.ROMAN_ANY}|\d{{1,3}})\b"
)
CANTO_THROUGH = (
    rf"[Cc]anto\s+(?P<a>{g.ROMAN_ANY}|\d{{1,3}})(?:\s*[-–—]\s*|\s+(?:through|thru)(?:\s+to)?\s+)"
    rf"[Cc]anto\s+(?P<b>{g.ROMAN_ANY}|\d{{1,3}})\b"
)
KEYWORD_THE_ORDINAL = rf"\s+the\s+(?P<ord>{g.ORDINAL_WORD})(?![\w-])"  # "Canto the Seventeenth"
COMPOUND_AFTER = r"[-‐‑](?![Cc]anto)[A-Za-z]"  # "twentieth-century", "first-rate" after an ordinal
ORDINAL_TAIL_NOUN = (
    r"\s+(?:centur(?:y|ies)|years?|birthday|anniversary|days?|times?|street|regiment|division|"
    r"congress|psalm|dynasty|parallel|floor|minutes?|per\s*cent|percent|pages?|chapters?|lines?|"
    r"verses?|stanzas?|editions?|printings?|sessions?|amendments?|parts?|books?|volumes?|letters?|"
    r"poems?|chapters?|sections?|times|things|persons?|class|places?|quarters?|halves|acts?|"
    r"scenes?|essays?|drafts?|versions?|issues?|numbers?)\b"
)


ORDINAL_NUMERIC = r"\d(?:st|nd|rd|th)\b"
ORDINAL_NUMERIC_ASCII = r"[0-9](?:st|nd|rd|th)\b"  # the same on ASCII text, and faster to scan
# A run of numeral letters not followed by a word character: opens with a character class, so
# the engine skips to candidates fast (scan checks the boundary before).
ROMAN_RUN = r"[IVXLC][IVXLC]*(?!\w)"
C_DIGIT = r"C\d"
DET_BEFORE = r"\b(?:[Tt]he|Pound['’]s|[Hh]is|[Ii]ts|[Tt]his|[Tt]hat|[Tt]heir)\s|['’]s\s|s['’]\s"
# "repeated in 46.": an arabic numeral after "in"; the two scouts open with a literal, so the
# engine jumps to their candidates (BARE_ARABIC opens with \b and would try every position).
BARE_ARABIC = (
    r"\b(?:in|and|(?:begin(?:s|ning)?|(?:start|open|end)(?:s|ed|ing)?|clos(?:es|ed|ing))\s+with)"
    r"\s+(\d{1,3})"
    r"(?=\s*(?:[.,;:)]|$))"
)
# A numeral that a list or range goes on from ("76 and 80", "96–109"): found by its digits (the
# engine skips fast to a digit), then the word before it is checked (PREP_BEFORE).
# (one leading digit class, so the engine skips to digits fast: "\d{1,3}" scanned 3x slower)
ARABIC_LIST_HEAD = r"[0-9][0-9]?[0-9]?(?![0-9])(?=\s*(?:,|and\b|&|[-–]\s*[0-9]))"
PREP_BEFORE = r"\b(?:in|of|to|and|from|for|compare|see|cf\.)\s+$"
# "… 2 to 3 drafts", "… 76 and 80 years": a plural noun after the numbers (not "is", "was", "as")
COUNTED_LIST_AFTER = r"\s*(?:%|per\s*cent|(?!(?:i|wa|ha|doe|a|thu|thi|plu|u)s\b)[a-z]+s\b)"
IN_DIGIT = r"in\s+\d"
AND_DIGIT = r"and\s+\d"
WITH_DIGIT = r"with\s+\d"  # "… beginning with 90."
# After a numeral: "… of Dante's Inferno", "… in Homage to Sextus Propertius" (another work's).
OF_OTHER_WORK = (
    r"\s*,?\s*(?:of|in|from)\s+(?:[A-Z]\w+['’]s\s+)?(?:[Tt]he\s+|Hugh\s+Selwyn\s+|Homage\s+to\s+"
    r"(?:Sextus\s+)?)?[‘“\"']?(?:" + g.OTHER_WORK + "|" + g.FOREIGN_WORK + ")"
)
OF_FOREIGN_WORK = (  # also "Canto XIX (Inferno)", "canto V dell'Inferno", "canto XXVI del Paradiso"
    r"\s*(?:,?\s*(?:(?:of|in|from|del|della|di|de)\s+|dell['’]\s*)(?:[A-Z]\w+['’]s\s+|[Tt]he\s+|his\s+)*"
    r"|\(\s*)[‘“\"']?(?:" + g.FOREIGN_WORK + ")"
)
OF_FOREIGN_WORK_LOWER = (  # the same in a passage typed without capitals (FOREIGN_WORK_LOWER)
    r"\s*(?:,?\s*(?:(?:of|in|from)\s+)(?:[a-z]+['’]s\s+|the\s+|his\s+)*|\(\s*)[‘“\"']?"
    rf"(?:{g.FOREIGN_WORK_LOWER})"
)
NUMERAL_BETWEEN_LOWER = r"\b(?:[ivxlc]{2,}|[vxlc]|\d{1,3})\b"  # (not "i", the pronoun)
# Dante's canticles by their English names (Cary's Hell, Purgatory, Paradise) own the canto named
# just after them ("Dante's Hell, Canto V", "See Paradise Canto III") or just before it ("Canto
# XXVIII, of Hell"); "Pound's Paradise", "Paradise Lost" and "the Hell Cantos" are not Dante's.
CANTICLE_BEFORE = (
    r"(?:\bDante['’]s\s+(?:Hell|Purgatory|Paradise)"
    r"|(?<!Pound's\s)(?<!Pound’s\s)(?<![Hh]is\s)\b(?:Purgatory|Paradise))[,.:]?\s*"
    r"(?:[Cc]anto\s+)?$"  # (and the numeral after the keyword)
)
# A poem in books of cantos is not Pound's (his has no books): "Book III, canto vi" (Spenser,
# Ariosto's imitators), "book 2, canto 12"
BOOK_BEFORE = (
    rf"\b(?:[Bb]ook|BOOK|[Bb]k\.)\s*(?:{g.ROMAN_ANY}|\d{{1,2}})\s*[,:]?\s*(?:[Cc]anto\s+)?$"
)
# Book and canto of another poem, the canto in lower case: "II.vii.3-5", "III.vi.42" (Spenser's
# Faerie Queene); a canto of Pound's is never written after a book
BOOK_DOT_CANTO_AFTER = (
    r"\.(?=[ivxlc])(?:" + g.ROMAN_LOW + r")(?![A-Za-z0-9])(?:\.\d{1,3}(?:[-–]\d{1,3})?)?"
)
CANTICLE_AFTER = (
    r"\s*,?\s*of\s+(?:Dante['’]s\s+|[Tt]he\s+)?(?:Hell|Purgatory|Paradise)(?![\w-])"
    r"(?!\s+[Cc]antos?\b)"
)
# The first numeral in a mention's span: "Canto XXVI, ll. 140-8" → XXVI
FIRST_NUMERAL = r"(?<![A-Za-z0-9])(?:[IVXLC]+|[ivxlc]+|\d{1,3})(?![A-Za-z0-9])"
RANGED_ROMAN = rf"{DASH_SIGN}(?:{g.ROMAN})"  # "–XLV" after a bare numeral
LISTED_BEFORE = rf"(?P<num>{g.ROMAN}){g.LIST_SEP}$"  # "II and " before a bare numeral
# "Terrell, Companion, II, 521": a volume between a title and a page
TITLE_COMMA_BEFORE = r"\b[A-Z][\w’']+,\s*$"
PAGE_COMMA_AFTER = r"\s*,\s*\d{1,4}\b(?!\s*[-–:/])"
WORK_COMMA_BEFORE = rf"(?:{g.OTHER_WORK}|{g.FOREIGN_WORK})\s*,\s*$"  # "Lustra, " before one
THROUGH_ROMAN = rf"\s+(?:through|thru)\s+(?:{g.ROMAN})"  # " through XC" after one
LISTED_ROMAN = rf"{g.LIST_SEP}(?!I\b)(?:{g.ROMAN})"  # ", XLV" / " and XLV" after one
# "the third canto of Pound", "Canto XVI of the Cantos", "Canto XVI of Pound's Cantos"
OF_POUND_AFTER = r"\s+(?:of|by|in)\s+(?:Pound\b|(?:the|his|Pound['’]s)\s+Cantos\b)"
# "… cantos of Thrones", and in other languages: "der Wucher-Canto der Fünften Dekade", "il Canto
# dell'usura della Quinta Decade"
GROUP_LINK_BEFORE = (
    r"\s+(?:(?:of|in|from|within)\s+(?:the\s+)?|(?:der|des|dei|degli|delle|della|del|de\s+la|de\s+los"
    r"|du|dos|das|da)\s+)[‘“\"']?$"
)
# "ll. 3-5 of (the) …", "ll. 12 ff. of …", "line 3 et seq. of …": the canto that follows
LINE_OWNER = (
    r"(?:\s*ff?\.|\s*ff(?![A-Za-z])|,?\s*(?:et\s+)?seqq?\.|,?\s*sqq\.)?"
    r"\s*(?:of|in|from)\s+(?:the\s+)?"
)
# Just before a line reference, another text that owns it: "Inferno XXVI, ll. 90-142", "Homer's
# line 12" (then it is not the last canto's).
LINES_OWNED_BEFORE = (
    rf"(?:(?:{g.FOREIGN_WORK}|{g.OTHER_WORK})(?:\s+(?:{g.ROMAN_ANY}|\d{{1,3}}))?[\s,.:]*"
    rf"|\b(?:Hell|Purgatory|Paradise)\s+(?:{g.ROMAN_ANY}|\d{{1,3}})[\s,.:]*"
    r"|\b(?!Pound\b|Canto\b)[A-Z][a-z]+['’]s\s+)$"
)
LINES_OWNED_BEFORE_LOWER = (  # the same in a passage typed without capitals: "inferno 26, lines"
    rf"(?:{g.FOREIGN_WORK_LOWER})(?:['’]s)?(?:\s+(?:[ivxlc]+|\d{{1,3}}))?[\s,.:]*$"
)
WORD_FINAL_TH = r"th(?![a-z])"  # on lower-cased text: opens with a literal, so it scans fast
# Each blocked phrase but "Three Cantos", lower-cased and without its word boundaries: where
# BLOCKED may match ("in general", "four cantos" are not blocked phrases, so not looked at).
# Every branch opens with a literal (the look-behind comes after "ur"), so the engine skips fast.
BLOCK_HINT = (
    r"bel\s+canto|canto\s+f[ie]rmo|cantus\s+firmus|canto\s+general|canto\s+[jh]ondo"
    r"|gregorian\s+canto|ur(?<![a-z]ur)[-‐\s]?cant"
)
# Around "Canto(s)" and the numerals after it (scan_cantos.keywords, scan_numerals.numbered):
KEYWORD_GAP = (  # ("#" first: the spaces alone would match before "Canto #45" reached it)
    r"\s*#\s*|\s{1,3}(?:(?:numbered|[Nn]os?\.|[Nn]umbers?|(?P<from>from|dall?[oa]?|del|du|do|von))\s*)?"
    r"|,\s*(?=[IVXLC]{2,}\b[,;)]?)"
)
VAGUE_BEFORE = r"\b(?:[Aa]n?|[Ee]ach|[Ee]very|[Aa]ny|[Aa]nother|[Ww]hich|[Ww]hat|[Oo]ne)\s+$"
OPEN_PAREN = r"\s*[’'”\"]?\s*[(\[]\s*"
CLOSE_PAREN = r"\s*[)\]]"
PRONOUN_AFTER = r"\s+(?!(?:and|or|to|through)\b)[a-z]"  # "… and I believe"
COUNTED_AFTER = r"\s*(?:lines?|ll?\.|pages?|pp?\.|years?|times)\b"  # "… and 12 lines"

# Small patterns of the scanner's checks around a numeral (compiled once, not looked up per call):
WORD_SEP = r"[-\s]+"  # inside a number word: "forty-fifth", "forty fifth"
DOT_DIGIT = r"\.\d"
CITED_BEFORE = r"(?i)(?:\(|\b(?:at|see|cf\.?|in))\s*$"
PAGE_REF_BEFORE = r"(?:\d[-/]|\b(?:pp?|vol|no)\.?\s*)$"
ORDINAL_LIST_SEP = r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+"
ELLIPTIC_AFTER = r"\s+[a-z]+s\b|\s*[,;:)]"
OF_AFTER = r"\s+of\b"
# "the first canto to be written at Pisa", "the fifteenth and final canto to begin with 'And'":
# a rank among the cantos the clause describes, not a canto's number ("to the last" is not one)
RANKING_AFTER = (
    r"\s+to\s+(?!(?:the|a|an|this|that|these|those|his|her|its|their|our|my|your|one|which"
    r"|what|whom|it|him|them|us|me)\b)[a-z]+\b"
)
# After "the first three cantos", a clause that says which cantos are counted: "… Pound published",
# "… that he wrote" (the first he published, not cantos 1-3)
RELATIVE_CLAUSE_AFTER = (
    r"\s+(?:(?:that|which)\s+(?:I|[A-Z][a-z]+)\s+|(?:(?:that|which)\s+)?(?:Pound|he|she|they|we)\s+)"
    r"(?:(?!(?:ne|fe|se|spe|proce|succe|exce|inde)ed\b)[a-z]{2,}ed|wrote|sent|read|made|gave|began"
    r"|knew|saw|had|took|left|kept)\b"
)
# … or, after a count ("the first three cantos"), a participle with its complement: "the first
# three cantos published in Poetry in 1917" (the Ur-Cantos, not cantos 1-3). (A single ordinal so
# restricted, "Pound's first canto written in Italian", stays a reference the router sends on.)
PARTICIPLE_CLAUSE_AFTER = (
    r"\s+(?:published|printed|written|drafted|composed|issued|begun|finished|completed|sent)"
    r"\s+(?:in|at|by|for|to|as|during|before|after|while|from|under)\b"
)
# After "the first two" or "the first four cantos": what they are of, a group named before
SLICE_OF_GROUP = (
    r"\s+of\s+(?:these|them|those|the\s+(?:section|sequence|group|volume|book|decad|set|series"
    r"|suite|lot))\b"
)
# … or nothing: "the first two are the most readable", "the first three, …"
SLICE_NO_NOUN = (
    r"\s*(?:[,;:.)]|$)|\s+(?:are|were|is|was|have|had|form|make|remain|read|stand|show|open|"
    r"close|hold|contain|came|come|deal|give|set|follow|seem|belong)\b"
)
# A single ordinal with no noun right after a group named in an "of" phrase: "Of the Pisan Cantos,
# the first opens …", "Of the two Italian Cantos, the first, 'Provisions', …" (what comes before
# the group's name, and between it and the ordinal)
OF_BEFORE_GROUP = (
    r"(?:^|[.;:!?]\s+|\b[Aa]nd\s+|\b[Bb]ut\s+)[Oo]f\s+(?:(?:all\s+)?the\s+)?"
    r"(?:(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|\d{1,2})\s+)?$"
)
GROUP_THEN_ORDINAL = r"(?:\s+cantos?\b)?\s*,\s*"
# After an elliptic ordinal counted in a group: "… and the third is lighter", "at the sixth."
ELLIPTIC_AFTER_SLICE = r"\s+[a-z]+s\b|\s*(?:[,;:)]|[.!?](?:\s|$)|$)"
# Before a group's name, words that pick out some of its cantos, not which: "a Pisan canto", "one
# of the Adams cantos", "several of the Pisan Cantos", "some Pisan cantos" (but "all the Pisan
# Cantos", "each of the Pisan Cantos" are the whole group)
_SOME = (
    r"[Oo]ne|[Ss]ome|[Ss]everal|[Mm]any|[Mm]ost|(?:[Aa]\s+)?[Ff]ew|[Aa]ny|[Nn]one|[Ee]ither|"
    r"[Nn]either|[Ww]hich"
)
INDEFINITE_BEFORE = (
    rf"\b(?:[Aa]n?|(?:{_SOME})\s+of\s+(?:the|these|those)"
    r"|(?<!\b[Tt]he\s)(?<!\b[Aa]ll\s)(?<![Tt]hese\s)(?<![Tt]hose\s)(?<!\b[Ii]ts\s)"
    r"(?:[Ss]ome|[Ss]everal|[Mm]any|[Mm]ost|[Ff]ew|[Vv]arious|[Cc]ertain|[Oo]ther))\s+[‘“\"']?$"
)
# Another poet's cantos named like a group of Pound's: "Dante's hell cantos", "Byron's Italian
# cantos", "the Hell Cantos of the Inferno" ("… of Dante's kind" is not the owner)
POET_OWNS_BEFORE = rf"\b(?:{'|'.join(sorted(g.FOREIGN_POETS))})['’]s\s+$"
FOREIGN_OWNS_AFTER = rf"\s+(?:of|in|from)\s+(?:[Tt]he\s+)?(?:{g.FOREIGN_WORK})(?!['’]s)"
# A name's possessive just before an ordinal canto, not Pound's: "Pope's second canto"
OTHER_POSSESSOR_BEFORE = r"(?<![\w’'-])(?!Pound|Ezra|EP\b)[A-Z][a-z]+(?:-[A-Z][a-z]+)?['’]s$"
# "each Pisan canto", "every Adams canto": one canto at a time, but all of them
EVERY_BEFORE = r"\b(?:[Ee]ach|[Ee]very)\s+[‘“\"']?$"
# Before a group's name, a canto not said which: "a canto of Thrones", "one late canto in Rock-Drill"
VAGUE_CANTO_OF_BEFORE = (
    r"\b(?:[Aa]n?|[Oo]ne|[Aa]nother|[Ss]ome|[Aa]ny|[Tt]his|[Tt]hat)\s+(?:[a-z]+\s+)?[Cc]anto\s+"
    r"(?:of|in|from)\s+(?:the\s+)?[‘“\"']?$"
)
# A count in words before a group's name, fewer than it has ("two Pisan cantos", "two of the
# Pisan Cantos": which two is not said; "ten Adams cantos" are all ten; "the two Hell cantos";
# digits there end a line reference: "XIV:1-3 Thrones")
COUNT_BEFORE_GROUP = (
    r"(?<!\b[Tt]he\s)(?<!\b[Aa]ll\s)(?<![Tt]hese\s)(?<![Tt]hose\s)(?<!\b[Ii]ts\s)"
    rf"(?P<count>{g.CARDINAL_WORD})(?:\s+of\s+(?:the|these|those))?\s+[‘“\"']?$"
)
LOWER_WORD_BEFORE = r"([a-z]+)\s+$"
OPEN_BEFORE = r"[(/]\s*$"
# The word before a bare numeral, searched as NAME_BEFORE_FAST is (see there): the leftmost
# match never follows a letter, and the letters and dots it takes cannot be spaces.
WORD_BEFORE = r"(?<![A-Za-z])([A-Za-z][A-Za-z.]*+)\s+$"
POSSESSIVE_AFTER = r"[’']s\b"
LINES_OF_BEFORE = r"\blines?\s+(?:of|in)\s+$"
YEAR_AFTER = r"\s*\(\d{4}\)"
CLAUSE_AFTER = r"\s+[a-z]|\s*,"
LINE_END_AFTER = r"\.?[ \t]*(?:\n|$)"  # a numeral ending its line ("III", "VIII.")
COMMA_BEFORE = r",\s+$"
APPOSITION_END = r"\s*(?:[.;:)]|$)"
NUMBER_BEFORE = r"(?:\d\s*|\bp+\.\s*|:\s*)$"
NAME_BEFORE = r"([A-Za-z][\w.’']*)[ \t\u00a0]+$"
# NAME_BEFORE's search, found without trying every letter of every word: the leftmost match
# never follows a letter (that letter would start an earlier one), and giving back word
# characters cannot help the spaces after them match (possessive ``*+``).
NAME_BEFORE_FAST = r"(?<![A-Za-z])([A-Za-z][\w.’']*+)[ \t\u00a0]+$"
NUMERAL_BETWEEN = r"\b(?:[IVXLC]+|\d{1,3})\b"
TITLE_AFTER = r"\s*(?:of|in)\s+(?:[Tt]he\s+)?[‘“\"']?([A-Z][\w’']*(?:\s+[A-Z\d][\w’']*)*)"
LINE_LIST_SEP = r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*"
NTH_FROM_LAST = r"(second|third|next|2nd|3rd) (?:(?:to|from) (?:the )?)?last"

# Another poem cited by its own numeral: "Inferno XVIII", "Purg. XXVI", "Don Juan, III"
OWNER_NUMBERED = rf"(?:{g.FOREIGN_WORK})\s*,?\s*(?:{g.ROMAN_ANY}|\d{{1,3}}(?!\d))"

# ``rx.NAME`` is NAME above compiled, on first use: every upper-case string of this module (the
# pieces that only build others are never used, so never compiled) and lexicon's patterns.
rx = LazyPatterns(
    FOREIGN_WORK=g.FOREIGN_WORK,
    FOREIGN_WORK_LOWER=g.FOREIGN_WORK_LOWER,
    FOREIGN_WORK_UPPER=g.FOREIGN_WORK_UPPER,
    THE_CANTOS=g.THE_CANTOS,
    COMPARED_BEFORE=g.COMPARED_BEFORE,
    UR_CANTOS_CONTEXT=g.UR_CANTOS_CONTEXT,
    POUND_TITLE=g.POUND_TITLE,
    OTHER_WORK=g.OTHER_WORK,
    BLOCKED=g.BLOCKED,
    LABEL_NOUN=g.LABEL_NOUN,
    COUNTED_NOUN=g.COUNTED_NOUN,
    **fp.sources(),
    **rw.sources(),
    **{
        name: value
        for name, value in dict(globals()).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    },
)


# --- patterns built from the group table ------------------------------------------------------


@cache
def group_patterns() -> tuple[re.Pattern, re.Pattern]:
    groups = load_groups()
    names = "|".join(
        f"(?P<g{i}>{'|'.join(f'(?:{p})' for p in grp.names + grp.lower)})"
        for i, grp in enumerate(groups)
        if grp.names or grp.lower
    )
    adjectives = "|".join(
        f"(?P<a{i}>{'|'.join(f'(?:{p})' for p in grp.adjective)})"
        for i, grp in enumerate(groups)
        if grp.adjective
    )
    ordinal = re.compile(
        # "the eleventh and last": any word before "and last" (checked later: a small pattern here
        # compiles far faster than a second copy of every ordinal word)
        rf"{DETERMINER}\s+{ADJ}(?:(?P<pre>[a-z]+(?:-[a-z]+)?|\d{{1,3}}(?:st|nd|rd|th))\s+and\s+"
        r"(?=(?:last|final)\b))?"
        rf"(?P<ord>{ORD})(?:\s+(?P<count>{COUNT}))?"
        rf"(?:\s+(?:{adjectives}))?(?:\s+(?P<kw>[Cc]antos?)(?![A-Za-z]))?"
        r"(?:\s+but\s+(?P<but>one|two)\b)?"  # "the last Pisan canto but one"
        rf"(?:(?:\s+(?:in|of|from|among)\s+(?:[Tt]he\s+)?(?:(?:Pound|his)['’]?s?\s+)?"
        rf"(?:{g.COUNT}\s+)?|\s+)[‘“\"']?(?:{names})"
        rf"|\s+of\s+(?P<whole>(?:Pound['’]s|his|the)\s+[Cc]antos)(?![A-Za-z]))?"
    )
    return re.compile(names), ordinal


@cache
def group_name_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile("|".join(f"(?:{p})" for p in grp.names)) for grp in load_groups())


@cache
def group_lower_patterns() -> tuple[re.Pattern | None, ...]:
    """Each group's lower-case names ("the pisan cantos"), or None."""
    groups = load_groups()
    return tuple(re.compile("|".join(f"(?:{p})" for p in grp.lower)) if grp.lower else None
                 for grp in groups)  # fmt: skip


@cache
def group_upper_patterns() -> tuple[re.Pattern | None, ...]:
    """Each group's names in capitals ("THE PISAN CANTOS"), or None."""
    groups = load_groups()
    return tuple(re.compile("|".join(f"(?:{p})" for p in grp.upper)) if grp.upper else None
                 for grp in groups)  # fmt: skip
