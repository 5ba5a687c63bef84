"""The citation grammar's vocabulary: numeral and number-word sources, word lists.

The scanner that uses them is ``cantobatch.extract.grammar.scan``. Everything here is data; the
regex sources are compiled on first use by ``patterns.rx``, and numbers are read by ``numerals``.
"""

from __future__ import annotations

import re
from typing import TypeGuard

from cantobatch.references import MAX_CANTO, MIN_CANTO

# --- numerals -------------------------------------------------------------------------------

# Canonical roman numerals up to 399, bounded by letters/digits on both sides.
ROMAN_UP = r"(?:C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
ROMAN_LOW = r"(?:c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
_NB = r"(?<![A-Za-z0-9’'])"  # no letter/digit (or apostrophe, as in "I’ve") before
# No letter/digit after, nor an elided word ("Canto l'arme pietose", "canto c'era": the Italian
# verb), though a possessive may follow ("LXXXI's", "XLV’s").
_NA = r"(?![A-Za-z0-9])(?![’'](?!s\b)[^\W\d_])"
ROMAN = rf"{_NB}(?=[IVXLC])(?:{ROMAN_UP}){_NA}"
ROMAN_ANY = rf"{_NB}(?=[IVXLCivxlc])(?:{ROMAN_UP}|{ROMAN_LOW}){_NA}"
ARABIC = r"(?<![\d.,/])\d{1,3}(?![\d])"
NUMERAL = rf"(?:{ROMAN_ANY}|{ARABIC})"
# (and in other languages: "dal LXXIV al LXXXIV", "du LXXIV au LXXXIV", "LXXIV bis LXXXIV")
DASH = (
    r"(?:\s*[-‐‑–—−]\s*|\s*\.\.\s*|\s+(?:through\s+to|to|through|thru|until|till|al|allo|au|ao"
    r"|bis|hasta)\s+)"
)
# (and "XLV e LI", "XLV et LI", "XLV y LI", "XLV und LI")
LIST_SEP = (
    r"(?:\s*,\s*(?:and\s+(?:then\s+)?|&\s*|then\s+)?|\s+(?:and|&|or|e|ed|et|y|und)\s+|\s*;\s*)"
)

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORD_UNITS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
              "ninth"]  # fmt: skip
_ORD_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth"]  # fmt: skip
_ORD_TENS = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth",
             "seventieth", "eightieth", "ninetieth"]  # fmt: skip


def _number_words() -> tuple[dict[str, int], dict[str, int]]:
    cardinals: dict[str, int] = {}
    ordinals: dict[str, int] = {}
    for n in range(1, 121):
        hundreds, rest = divmod(n, 100)
        tens, units = divmod(rest, 10)
        if rest == 0:
            card, ordn = "", ""
        elif rest < 10:
            card, ordn = _UNITS[units], _ORD_UNITS[units]
        elif rest < 20:
            card, ordn = _TEENS[rest - 10], _ORD_TEENS[rest - 10]
        elif units == 0:
            card, ordn = _TENS[tens], _ORD_TENS[tens]
        else:
            card = f"{_TENS[tens]}-{_UNITS[units]}"
            ordn = f"{_TENS[tens]}-{_ORD_UNITS[units]}"
        if hundreds:
            if rest:
                for joint in (" and ", " "):
                    cardinals[f"one hundred{joint}{card}"] = n
                    cardinals[f"hundred{joint}{card}"] = n
                    ordinals[f"one hundred{joint}{ordn}"] = n
                    ordinals[f"hundred{joint}{ordn}"] = n
            else:
                cardinals["one hundred"] = cardinals["hundred"] = n
                ordinals["one hundredth"] = ordinals["hundredth"] = n
        else:
            cardinals[card] = n
            ordinals[ordn] = n
    return cardinals, ordinals


CARDINAL_WORDS, ORDINAL_WORDS = _number_words()


_SEP = r"[-‐\s]+"  # a hyphen or space inside a number word: "forty-fifth", "forty fifth"


def _alternation(words: list[str]) -> str:
    """A regex matching any of ``words``, longest first ("forty-fifth" before "forty"), written
    as a trie: a flat list of ~500 words cost milliseconds to compile and microseconds a try."""
    trie: dict = {}
    for word in words:
        node = trie
        for token in re.findall(r"[^-\s]|[-\s]", word):
            node = node.setdefault(_SEP if token in "- " else re.escape(token), {})
        node[""] = {}  # a word ends here
    return _trie_regex(trie)


alternation = _alternation  # (foreign_numbers builds its word lists the same way)


def _trie_regex(node: dict) -> str:
    # Children start with different letters (or the separator), so at most one can match: a
    # greedy optional tail tries the longer word first, as the longest-first list did.
    branches = [token + _trie_regex(child) for token, child in sorted(node.items()) if token]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body


CARDINAL_WORD = rf"\b(?i:{_alternation(list(CARDINAL_WORDS))})\b"
ORDINAL_WORD = rf"\b(?i:{_alternation(list(ORDINAL_WORDS))})\b"
ORDINAL_NUM = r"\b\d{1,3}(?:st|nd|rd|th)\b"
_ORD_SINGLE = set(_ORD_UNITS + _ORD_TEENS + _ORD_TENS + ["hundredth"]) - {""}
# Every word that can end an ordinal phrase: a fast pre-check before the ordinal patterns run.
ORDINAL_TOKENS = frozenset(
    {w for phrase in ORDINAL_WORDS for w in re.split(r"[-\s]+", phrase) if w in _ORD_SINGLE}
    | {"last", "final", "penultimate", "antepenultimate", "opening", "closing"}
    | {"initial", "concluding"}
)
# Every ordinal token either holds one of these or ends in "th" (found by one scan instead).
ORDINAL_NEEDLES = ("first", "second", "third", "last", "final", "opening", "closing", "penultimate",
                   "initial", "concluding")  # fmt: skip
assert all(t.endswith("th") or any(n in t for n in ORDINAL_NEEDLES) for t in ORDINAL_TOKENS)
COUNT = rf"(?:\d{{1,3}}|{CARDINAL_WORD})"


def valid_canto(n: int | None) -> TypeGuard[int]:
    """Whether ``n`` numbers a canto (so, for a type checker, is an int)."""
    return n is not None and MIN_CANTO <= n <= MAX_CANTO


# --- word lists -------------------------------------------------------------------------------

# Other poems divided into cantos; a canto number next to one of these is not Pound's.
# Every name starts with a capital: the look-ahead spares the engine trying them all elsewhere.
# Italian and English titles may be in sentence case ("Orlando furioso", "Divine comedy").
FOREIGN_WORK = (
    r"\b(?=[A-Z])(?:Inferno|Purgatorio|Paradiso|Inf\.|Purg\.|Par\.|Divin[ae]\s+Comm?edia|"
    r"Divine\s+[Cc]omedy|Commedia|Dante|Don\s+Juan|Childe\s+Harold|Fa(?:e|ë)rie\s+Queene|Faery\s+Queen|Spenser|"
    r"Tasso|Gerusalemme|Jerusalem\s+[Dd]elivered|Ariosto|Orlando\s+(?:[Ff]urioso|[Ii]nnamorato)|"
    r"Boiardo|Neruda|Canto\s+[Gg]eneral|Byron|Leopardi|Lusiads|Lusíadas|Camões|Camoens|Pulci|Morgante|"
    r"Furioso|Liberata|Marmion|Lay\s+of\s+the\s+Last\s+Minstrel|Scott|Rape\s+of\s+the\s+Lock|"
    r"Dunciad|Hudibras|Lady\s+of\s+the\s+Lake|Revolt\s+of\s+Islam|Beppo|Mazeppa|"
    r"In\s+Memoriam|Tennyson|Queen\s+Mab|Shelley|Rokeby|Araucana|Ercilla|Mart[ií]n\s+Fierro|"
    r"Infierno|Para[ií]so|Enfer|Purgatoire|Chant\s+g[ée]n[ée]ral|Canto\s+[Gg]enerale)"
)
# The same names as a heading in capitals ("DON JUAN", "INFERNO"): they own a passage's cantos
# (owners.py), as the names do
FOREIGN_WORK_UPPER = (
    r"\b(?=[A-Z]{2})(?:INFERNO|PURGATORIO|PARADISO|DIVIN[AE]\s+COMM?EDIA|DIVINE\s+COMEDY|DANTE|"
    r"DON\s+JUAN|CHILDE\s+HAROLD|(?:THE\s+)?FA(?:E|Ë)RIE\s+QUEENE|SPENSER|TASSO|GERUSALEMME|"
    r"ARIOSTO|ORLANDO\s+(?:FURIOSO|INNAMORATO)|NERUDA|CANTO\s+GENERAL|BYRON|(?:OS\s+)?LUS[IÍ]ADAS|"
    r"LUSIADS|CAM[ÕO]ES|MARMION|(?:THE\s+)?RAPE\s+OF\s+THE\s+LOCK)(?![A-Z])"
)
# The last canto of each poem those names name (of the longest, for a poet): a passage owned by
# one owns only cantos up to it ("In Don Juan … Canto LXXXI" is Pound's). Keyed by how the name
# starts, lower-cased (``owner_last_canto``); poets whose name is common (Scott, Shelley,
# Tennyson) own a passage only through their poem's name.
OWNER_LAST_CANTO = (
    ("inferno", 34), ("infierno", 34), ("enfer", 34), ("inf", 34), ("purg", 33), ("par", 33),
    ("divin", 34), ("commedia", 34), ("dante", 34), ("don", 17), ("byron", 17), ("beppo", 17),
    ("mazeppa", 17), ("childe", 4), ("fa", 12), ("spenser", 12), ("tasso", 20), ("geru", 20),
    ("jerusalem", 20), ("liberata", 20), ("ariosto", 46), ("orlando furioso", 46), ("furioso", 46),
    ("orlando", 69), ("boiardo", 69), ("neruda", 15), ("canto", 15), ("chant", 15),
    ("leopardi", 41), ("lus", 10), ("cam", 10), ("pulci", 28), ("morgante", 28), ("marmion", 6),
    ("lay", 6), ("lady", 6), ("rokeby", 6), ("rape", 5), ("dunciad", 4), ("hudibras", 3),
    ("revolt", 12), ("queen", 9), ("in memoriam", 120), ("araucana", 37), ("ercilla", 37),
    ("mart", 33),
)  # fmt: skip
OWNER_COMMON_NAMES = frozenset(["scott", "shelley", "tennyson"])
# Words that set another poem against a canto named after it: "Compared with the Inferno, Canto
# XIV …", "Unlike Ariosto's cantos, Pound's …" (read up to the other poem's name)
COMPARED_BEFORE = (
    r"(?:\b[Cc]ompared\s+(?:with|to)|\b[Uu]nlike|\b[Ll]ike|\bthan|\b[Aa]s\s+against)"
    r"\s+(?:the\s+)?$"
)
# A sentence about the 1917 Ur-Cantos: their name, the magazine that printed them ("Poetry" with a
# capital inside a sentence), or their year
UR_CANTOS_CONTEXT = (
    r"\bUr[-‐\s]?[Cc]antos?\b|(?<=[a-z,;]\s)Poetry\b|\bPoetry\s+(?:magazine|\()|\b1917\b"
)
# Pound's poem named by its title in a passage (as he is by "Pound"): then no other poem owns it
THE_CANTOS = r"\b[Tt]he\s+Cantos\b(?!\s*(?:[IVXLC]+\b|\d|of\b))"
# The most distinctive of those names as a passage typed without capitals has them ("compare
# canto 26 of the inferno with canto 47"): tried only in such passages, where "inferno" cannot be
# the common noun's capital-less twin of a title.
FOREIGN_WORK_LOWER = (
    r"\b(?:inferno|purgatorio|paradiso|(?:inf|purg)\.|divin[ae]\s+comm?edia|divine\s+comedy|"
    r"commedia|dante|don\s+juan|childe\s+harold|fa(?:e|ë)rie\s+queene|spenser|tasso|gerusalemme|"
    r"ariosto|orlando\s+(?:furioso|innamorato)|furioso|lusiads|lusíadas|camões|camoens|byron|"
    r"neruda|rape\s+of\s+the\s+lock)(?![a-z])"
)
# The poets alone: near "Canto N" Pound may be writing about them ("Dante dominates Canto XXXVI").
FOREIGN_POETS = frozenset(
    ["Dante", "Byron", "Tasso", "Ariosto", "Spenser", "Neruda", "Leopardi", "Camões", "Camoens"]
    + ["Pulci", "Boiardo", "Scott", "Tennyson", "Shelley", "Ercilla"]
)
# Words in a title after "Canto N of ..." that keep the canto Pound's ("of The Pisan Cantos").
POUND_TITLE = (
    r"(?i)\b(?:cantos?|pisan|thrones|rock|drill|decad|drafts?|fragments|pound|malatesta|adams|"
    r"china|chinese|italian|hell|section|eleven|jefferson|siena|usura|directions|faber|poem|"
    r"sequence|edition|text|volume)\b"
)
# Pound's other works (and a few canonical books) numbered in sections: "Mauberley II".
OTHER_WORK = (  # capitals only, as FOREIGN_WORK
    r"\b(?=[A-Z])(?:Mauberley|Personae|Cathay|Lustra|Propertius|Ripostes|Canzoni|Exultations|Odyssey|"
    r"Iliad|Aeneid|Metamorphoses|Odes?|Analects|Confucius|Ta\s+Hio|Bible|Genesis|Exodus|Psalms?)\b"
)
# Spans that look like canto citations and are not: music, Neruda, the early "Three Cantos" (their
# numerals too, after a closing quotation mark: '"Three Cantos" I-III').
BLOCKED = (
    r"(?i:\bbel\s+canto\b|\bcanto\s+f[ie]rmo\b|\bcantus\s+firmus\b|\bcanto\s+general\b|"
    r"\bcanto\s+jondo\b|\bcanto\s+hondo\b|\bgregorian\s+canto\b)|"
    r"\bThree\s+Cantos\b(?:[”\"’']?,?\s*(?:I{1,3}|[123])\b(?:\s*(?:[-–,]|and)\s*(?:I{1,3}|[123])\b)*)?|"
    r"(?i:\bUr[-‐\s]?Cantos?\b)"
    r"(?:[”\"’']?\s*(?:I{1,3}|[123])\b(?:\s*(?:[-–,]|and)\s*(?:I{1,3}|[123])\b)*)?"
)
# Nouns that number something other than a canto: "Chapter IV", "Vol. II", "World War II".
# A final "?" marks an optional last letter; as a trie, the 126 words cost little to try.
_LABEL_NOUNS = """
    chapters? chap ch vols? volumes? parts? pt books? bk sections? sect sec acts? scenes? sc psalms?
    odes? sonnets? stanzas? poems? verses? letters? appendix appendices plates? figures? figs?
    tables? notes? items? articles? canzone canzoni elegy elegies epistles? satires? eclogues?
    georgics? century war phase type class series no nos number numbers pp? pages? issue lecture
    essay movement op opus king queen pope emperor henry louis george edward charles william james
    frederick pius leo innocent year years grade level article clause rule step stage lesson unit
    room box folder reel mss? ps canzo sestina dial vortex blast exile criterion
""".split()
_LABEL_WORDS = [w for n in _LABEL_NOUNS for w in ((n[:-2], n[:-1]) if n.endswith("?") else (n,))]
LABEL_NOUN = rf"(?i)\b(?:the\s+dial|{_alternation(_LABEL_WORDS)})\.?\s*$"
# Capitalised words that may stand just before a bare canto numeral ("In XLV", "See LXXI/418").
FUNCTION_WORDS = frozenset(
    [
        "later",
        "earlier",
        "again",
        "finally",
        "next",
        "similarly",
        "likewise",
        "moreover",
        "read",
        "ibid",
        "ibid.",
        "id.",
        "yet",
        "still",
        "even",
        "only",
        "just",
        "cantos",
        "in",
        "of",
        "see",
        "cf",
        "cf.",
        "and",
        "also",
        "compare",
        "from",
        "for",
        "to",
        "with",
        "at",
        "both",
        "between",
        "like",
        "unlike",
        "as",
        "then",
        "notes",
        "note",
        "on",
        "by",
        "into",
        "within",
        "through",
        "while",
        "where",
        "when",
        "whereas",
        "but",
        "or",
        "nor",
        "after",
        "before",
        "especially",
        "esp",
        "particularly",
        "notably",
        "e.g.",
        "i.e.",
        "viz",
        "here",
        "there",
        "thus",
        "so",
    ]
)
# Words after a numeral that show it counts or dates something else: "XVI Cantos", "XIX century".
COUNTED_NOUN = (
    r"(?i)^\s*(?:cantos|centur(?:y|ies)|siècle|secolo|dynast(?:y|ies)|olympiad|th\b|st\b|nd\b|rd\b)"
)
