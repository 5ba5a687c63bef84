"""Signals read from words: canto vocabulary with nothing read (nicknames, described cantos,
counts, questions), line references with no canto, and quotations of verse no reference placed.
"""

from __future__ import annotations

import re

from cantobatch.extract.grammar.numerals import count_value
from cantobatch.extract.router.view import (
    CANTO_WORD,
    ENGLISH_FUNCTION,
    FOREIGN_FUNCTION,
    FOREIGN_WORK,
    ORDINALISH,
    POETS,
    WORDS,
    Signal,
    View,
    owner_beside,
)

# --- unresolved_canto_word ------------------------------------------------------------------

_DETERMINERS = frozenset("the this that these those his its their our".split())  # noqa: SIM905
_GENERIC = frozenset(
    "a an each every any no some several many most all other another such both few".split()  # noqa: SIM905
)
_QUESTION = frozenset(["which", "what"])
_VAGUE = frozenset(
    """late later latest early earlier middle final last first opening closing next previous
    preceding following other same single whole entire long longer longest short shorter new old
    unfinished published individual particular given typical average little great famous present
    current own lyric remaining subsequent separate various numbered unnumbered real actual
    american chinese italian""".split()  # noqa: SIM905
)
_RELATIVE_AFTER = re.compile(r"\s*(?:that|which|where|in\s+which|whose|Pound|he|she)\b")
_CLAUSE_AFTER = re.compile(r"\s*(?:of|on|about|from|with)\b")
# words that end the modifiers of a canto word when read leftwards (verbs, prepositions)
_STOP = frozenset(
    """is are was were be been being has have had and or but not as so than then of in on at to for
    by with from into over under after before about between labelled called named known
    called""".split()  # noqa: SIM905
)
_METALINGUISTIC = frozenset("word term title name label heading".split())  # noqa: SIM905
_NOUN_USE = re.compile(r"\s+(?:form|forms|sequence|structure|numbers?|numbering|titles?|breaks?"
                       r"|divisions?|length|unit|units|project|manuscripts?|typescripts?)\b")  # fmt: skip
_LEFT_WORDS = re.compile(r"((?:[\w'’\-]+[ \t\n]+){0,5})$")
_GROUP_NOUN = re.compile(r"\b(?:section|sequence|suite|decad|decade)\b")


def canto_words(view: View):
    text = view.text
    matches = [*CANTO_WORD.finditer(text)] if "cant" in view.lower else []
    if view.has("section", "sequence", "suite", "decad"):
        matches += [m for m in _GROUP_NOUN.finditer(text) if _capital_modifier(text, m.start())]
    for m in sorted(matches, key=lambda m: m.start()):
        start, end = m.start(), m.end()
        if view.covered(start, end, slack=2) or view.ends_at(start) or view.in_group(start, end):
            continue
        index = view.sentence(start)
        word = m.group()
        kind = _canto_phrase(view, start, end, word)
        if kind is None:
            continue
        if view.foreign(index):
            continue  # foreign_canto_word's to judge
        sentence = view.sentences[index]
        if owner_beside(view, start, end) or (
            FOREIGN_WORK.search(text, *sentence) and not _pounds_subject(text, sentence[0])
        ):
            # another poem's canto named in its sentence (not a sentence about Pound's): a sure
            # refusal; far away: a weak one
            continue
        explicit = view.explicit_in(index)
        singular = word.lower() == "canto"
        if kind == "nickname" and singular and explicit and not _names_beside(text, start, end):
            explicit = []  # "the first canto … the Zagreus canto that …": a second canto
        if kind == "count":
            explicit = [r for r in explicit if not ORDINALISH.fullmatch(r.evidence or "")]
            if explicit:
                continue
        elif kind in ("anaphor", "described_or_anaphor"):
            # "the canto" after a canto was read: that one (a described canto without one)
            if view.read_before(start) or explicit:
                continue
        elif explicit or (kind == "question" and (view.refs_in(index) or view.refs_in(index + 1))):
            continue
        yield Signal("unresolved_canto_word", start, end)


def _pounds_subject(text: str, start: int) -> bool:
    """The sentence opens with something of Pound's, its subject ("Pound's London hell, headed
    by Dante's line, runs for two cantos"): another poem named inside it does not own it."""
    return bool(_POUNDS_OPENING.match(text, start))


_POUNDS_OPENING = re.compile(r"\W*(?:[Ii]n\s+)?(?:[\w-]+\s+){0,2}?Pound['’]s\b")


def _names_beside(text: str, start: int, end: int) -> bool:
    """A nickname that names the canto cited beside it: "Canto 45 is the usura canto", "Canto
    XLIX, the 'Seven Lakes' canto", "… as the Eleanor cantos", "the Seven Lakes canto (XLIX)"."""
    before = text[max(0, start - 40) : start]
    return bool(
        re.search(r"(?:\b(?:is|was|as|called|remains|becomes)|,)\s+(?:the|its)\s+[^,.;]*$", before)
        or re.match(r"\s*\(\s*(?:[IVXLC]+|\d{1,3})\s*\)", text[end : end + 12])
    )


def _capital_modifier(text: str, pos: int) -> bool:
    words = _LEFT_WORDS.search(text, 0, pos).group(1).split()
    return (
        bool(words)
        and words[-1][:1].isupper()
        and words[-1].lower() not in _DETERMINERS
        and not re.search(r"['’]s?$", words[-1])
    )


# a verb of extent before a count of cantos: the count is a set the passage spans
_EXTENT_BEFORE = re.compile(
    r"\b(?:runs?|running|ran|lasts?|lasted|lasting|spans?|spanned|spanning|fills?|filled|filling"
    r"|occup(?:ies|y|ied|ying)|takes?\s+up|took\s+up|extends?|extended|continues?|continued)"
    r"(?:\s+(?:over|for|across|through))?\s+(?:the\s+)?[\w-]+\s+$"
)


def _canto_phrase(view: View, start: int, end: int, word: str) -> str | None:
    """What a canto word not read by the grammar names: "nickname", "described", "count",
    "question", "anaphor" (a bare "the canto"), or None (the poem, a vague or generic set)."""
    text = view.text
    plural = word.lower().endswith("s") and word.lower() != "canto"
    # the words before it in its clause (not across a comma, a parenthesis or a sentence end)
    sentence_start = view.sentences[view.sentence(start)][0]
    left_text = text[max(sentence_start, start - 60) : start]
    cut = max(left_text.rfind(c) for c in ',;:()[]—–"“”')
    left = [w.strip("'’‘\"“”") for w in left_text[cut + 1 :].split()]
    modifiers: list[str] = []
    determiner = count = None
    for w in reversed(left[-4:]):
        low = w.lower()
        if (
            low in _DETERMINERS
            or low in _GENERIC
            or low in _QUESTION
            or re.fullmatch(r"[A-Z]\w+['’]s", w)
        ):
            determiner = low
            break
        value = int(low) if low.isdigit() else count_value(low)
        if value is not None and not modifiers:
            count = value
            continue
        if low in _STOP or (count is not None and value is None):
            break
        modifiers.append(w)
    if determiner in _GENERIC or any(w.lower() in _METALINGUISTIC | _GENERIC for w in modifiers):
        return None
    if determiner in _QUESTION:
        return "question"
    after = text[end : end + 40]
    capital_mod = [w for w in modifiers if w[:1].isupper() or "-" in w]
    if count is not None:
        if not plural or count >= 100 or any(w.lower() in _VAGUE for w in modifiers):
            return None
        if re.match(
            r"\s+(?:earlier|later|before|after|further|back|ahead|away)\b", after
        ) and not _EXTENT_BEFORE.search(text, max(0, start - 40), start):
            return None  # "two cantos later": a distance, not a set ("runs for two cantos
            # before …" is one)
        if count in view.set_sizes():
            return None  # "the eleven cantos" after the Pisan Cantos: those eleven
        return "count"
    if word[:1].isupper() and plural and not capital_mod:
        return None  # The Cantos, Pound's Cantos, the later Cantos
    if _NOUN_USE.match(after) or re.match(r"\s*/", after):
        return None  # "the canto form", "the form canto/page"
    if capital_mod and not all(w.lower() in _VAGUE for w in capital_mod):
        if determiner is None and left and left[0] in capital_mod and cut < 0:
            before = text[sentence_start : start - len(" ".join(left))].strip()
            if not before:
                return None  # a capital that only opens the sentence: "Pisan cantos are …"
        return "nickname"
    if plural or determiner is None:
        return None  # the later cantos, Pound's cantos, "labelled canto": a vague set
    if modifiers and all(w.lower() in _VAGUE for w in modifiers):
        return "described" if _RELATIVE_AFTER.match(after) else None
    if modifiers:
        return "nickname"  # the usury canto, the detective-story canto
    if _RELATIVE_AFTER.match(after):
        return "described"  # the canto that …, the canto in which …
    if re.search(r",\s*(?:the|this)\s+$", text[max(0, start - 12) : start]) and re.match(
        r"\s*,", after
    ):
        return None  # an apposition: "the soprano line, the canto, carries"
    if _CLAUSE_AFTER.match(after) and not re.match(r"\s*as\b", after):
        return "described_or_anaphor"  # the canto of Yao, the canto with a stanza break
    if re.match(r"\s+(?:is|was|has|had|[a-z]+s|[a-z]+ed)\b", after) and not re.match(
        r"\s+(?:as|is\s+a|was\s+a)\b", after
    ):
        return "anaphor"  # "the canto turns to …": a canto as the subject of its sentence
    return None  # "give the canto and the line": the unit, not one canto


# the poem's first or last canto named as a place in it, no canto word: "Pound opens his poem
# with …", "The Cantos ends with …", "the close of the poem"
_POEM_POSITION = re.compile(
    r"\b(?:opens|opened|begins|began|starts|started|ends|ended|closes|closed|concludes|concluded)"
    r"\s+(?:his|the)\s+(?:long\s+)?(?:poem|epic|Cantos)\b"
    r"|\b(?:[Tt]he|[Hh]is)\s+(?:long\s+)?(?:poem|epic|Cantos)\s+(?:opens|begins|starts|ends|closes"
    r"|concludes)\b"
    r"|\b(?:opening|close|end|ending|beginning|start)\s+of\s+(?:the|his)\s+(?:long\s+)?"
    r"(?:poem|epic|Cantos)\b"
)


def poem_position(view: View):
    """The poem's opening or close named where no canto is read in its sentence or the ones
    beside it: its first or last canto, not the poem as a whole (another poem or poet named in
    the sentence: theirs)."""
    if not view.has("poem", "epic", "cantos") or not view.has("pound", "canto"):
        return
    text = view.text
    for m in _POEM_POSITION.finditer(text):
        index = view.sentence(m.start())
        s, e = view.sentences[index]
        if any(view.refs_in(i) for i in (index - 1, index, index + 1)):
            continue  # a canto read beside it: the one it names ("where the poem begins. Canto I")
        if view.refused_in(index) or view.foreign(index):
            continue
        if FOREIGN_WORK.search(text, s, e) or POETS.search(text, s, e):
            continue
        yield Signal("unresolved_canto_word", m.start(), m.end())
        return


# --- lines_without_canto --------------------------------------------------------------------

_LINE_FAMILIES = ("lines", "first_last", "relative")


def lines(view: View):
    text = view.text
    for start, end, family in view.unresolved:
        if family not in _LINE_FAMILIES:
            continue
        if owner_beside(view, start, end) or re.search(
            r"\b(?!Pound)[A-Z][a-z]+['’]s\s*$", text[max(0, start - 24) : start]
        ):
            continue  # "Inferno XXVI, ll. 90-142", "Homer's line 12"
        # a canto word of its sentence that the grammar did not read, or a group it read: the
        # lines' canto is there, unnamed ("the first line of the Browning canto"); with no canto
        # in reach, the line belongs to a passage before this one and no reader can tell
        s, e = view.sentences[view.sentence(start)]
        unread = any(
            not view.covered(m.start(), m.end(), slack=2) for m in CANTO_WORD.finditer(text, s, e)
        )
        group = any(r.family == "group" for r in view.refs_in(view.sentence(start)))
        if unread or group:
            yield Signal("lines_without_canto", start, end)


# --- unplaced_quotation ---------------------------------------------------------------------

_QUOTE = re.compile(
    r"“([^”]{6,400})”|\"([^\"]{6,400})\"|«\s*([^»]{6,400}?)\s*»|„([^“”]{6,400})[“”]"
    r"|(?<![\w])‘([^’]{6,400}?)’(?![\w])|(?<![\w])'([^']{6,400}?)'(?![\w])"
)
_ARCHAIC = re.compile(
    r"(?i)\b(?:thou|thy|thee|thine|hath|doth|hast|dost|shalt|ye|o['’]er|['’]tis|\w{3,}eth)\b"
)
_NOT_ARCHAIC = frozenset("beneath teeth elizabeth macbeth seth death breath".split())  # noqa: SIM905
_PAGE_PAIR_AFTER = re.compile(r"\s*\(\s*\d{1,4}\s*/\s*\d{1,4}\s*\)")


def _verse_like(quoted: str, after: str) -> bool:
    if " / " in quoted or _PAGE_PAIR_AFTER.match(after):
        return True
    words = [w.lower() for w in WORDS.findall(quoted)]
    if len(words) < 3:
        return False
    if any(m.group().lower() not in _NOT_ARCHAIC for m in _ARCHAIC.finditer(quoted)):
        return True
    if re.search(r"[\u0370-\u03ff]", quoted):
        return True  # Greek
    foreign = [w for w in words if w in FOREIGN_FUNCTION and w not in ENGLISH_FUNCTION]
    return len(foreign) >= 1 and not any(w in ENGLISH_FUNCTION for w in words)


_SAID = re.compile(r"\s*,?\s*(?:said|says|asks|asked|replies|replied)\s+[^,.;:]{1,40},\s*$")


def _line_like(quoted: str) -> bool:
    """Four words or more, not a title ("In a Station of the Metro": its long words capitalised)."""
    words = WORDS.findall(quoted)
    long_words = [w for w in words[1:] if len(w) > 3]
    capitals = sum(w[0].isupper() for w in long_words)
    return len(words) >= 4 and not (long_words and capitals * 2 >= len(long_words))


def quotations(view: View):
    text = view.text
    if not view.has('"', "“", "«", "„", "‘", " '", "('", "\n'") and not text.startswith("'"):
        return
    quotes = [*_QUOTE.finditer(text)]
    for i, m in enumerate(quotes):
        group = next(g for g in range(1, 7) if m.group(g) is not None)
        quoted = m.group(group)
        if i and _SAID.match(text, quotes[i - 1].end(), m.start()):
            previous = quotes[i - 1]
            quoted = next(g for g in previous.groups() if g is not None) + " " + quoted
        # a quotation that opens its sentence is a line cited as a noun: "'X' turns …"
        opens = view.sentences[view.sentence(m.start())][0] >= m.start() - 1
        if not (
            _verse_like(quoted, text[m.end() : m.end() + 16])
            or (opens and _line_like(quoted) and not _SAID.match(text, m.end()))
        ):
            continue
        if any(s < m.end() and m.start() < e for s, e in view.spans):
            continue  # placed (or a citation inside it)
        index = view.sentence(m.start())
        if view.explicit_in(index) or (index and view.explicit_in(index - 1)):
            continue  # a canto cited beside it: the quotation is that canto's
        if view.refused_in(index) or owner_beside(view, m.start(), m.end()):
            continue  # another poem's, named beside it
        yield Signal("unplaced_quotation", m.start(), m.end())
