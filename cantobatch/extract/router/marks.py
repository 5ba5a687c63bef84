"""Signals read from marks the grammar left unexplained or explained too eagerly: reference-work
notations, sentences in other languages, other poems' cantos, restricted ordinals, groups that
one canto of theirs was meant from, and numerals beside canto words.
"""

from __future__ import annotations

import re

from cantobatch.extract.grammar.numerals import count_value, numeral_value
from cantobatch.extract.router.view import (
    CANTO_WORD,
    FOREIGN_FUNCTION,
    FOREIGN_WORK,
    ORDINALISH,
    OTHER_WORKS,
    OWNER_AFTER,
    POETS,
    POUNDS,
    Signal,
    View,
    other_poem_before,
    owner_beside,
)

# --- refwork_notation -----------------------------------------------------------------------

_GLOSS_BRACKET = re.compile(
    r"\[\s*(?:cf\.\s*)?(\d{1,3})\s*:\s*\d{1,4}(?:\s*[;,]\s*(?:cf\.\s*)?\d{1,3}\s*:\s*\d{1,4})*\s*\]"
)
_GLOSS_BARE = re.compile(r"(?<![\w:./])(\d{1,3})\s?:\s?(\d{1,4})(?![\w:]|\.\d)")
_SIGLUM = re.compile(
    r"\b(?:[A-Z]{3,8}|C)\s+(?P<num>[IVXLC]+)\s*(?::\s*n\.?\s*\d+|,\s*\d{1,4}\b|\.\d)"
)


_SIGLUM_HINT = re.compile(r"[IVXLC]\s*[:,.]")  # (what every siglum holds: one pass, fast)


def refwork(view: View):
    text = view.text
    if ":" not in text and "," not in text and "[" not in text:
        return
    for m in _GLOSS_BRACKET.finditer(text):
        if 1 <= int(m.group(1)) <= 120 and not view.covered(m.start(1), m.end(1)):
            yield Signal("refwork_notation", m.start(), m.end())
    for m in _SIGLUM.finditer(text) if _SIGLUM_HINT.search(text) else ():
        if numeral_value(m.group("num")) and not view.covered(m.start("num"), m.end("num")):
            yield Signal("refwork_notation", m.start(), m.end())
    for m in _GLOSS_BARE.finditer(text) if ":" in text else ():
        canto, gloss = int(m.group(1)), m.group(2)
        if not 1 <= canto <= 120 or view.covered(m.start(1), m.end(1)):
            continue
        before = text[max(0, m.start() - 20) : m.start()]
        title = re.search(r"\b[A-Z][\w-]+\.?,?\s*$", before)
        if title and not view.ends_at(
            m.start() - (len(title.group()) - len(title.group().rstrip(" ,")))
        ):
            continue  # "John 14:6", "Cathay, 12: 5-6", a title and its page ("Rock-Drill 85: 1-2" is
            # a group of Pound's, read, and its canto)
        if len(gloss) == 2 and canto <= 24 and int(gloss) < 60:
            continue  # a time of day, "at 10:30"
        yield Signal("refwork_notation", m.start(), m.end())


# --- foreign_canto_word ---------------------------------------------------------------------


_FOREIGN_CANTO = re.compile(
    r"(?i)\bcant(?:o|i|os|ar|ares|are)\b|\bchants?\b|\bcanzone\b|gesang\w*|gesänge\w*"
)
_FOREIGN_GROUP = re.compile(
    r"\b(?:D[ée]cade|Dekade|D[ée]cada|Decad|Tronos|Troni|Trônes|Thronen|Pisan[oiae]s?|Pisans?"
    r"|Pisaner|Malatestian[oi]|malatestian[oi]|Rock-?Drill|Esquisses|Abbozzi|Borradores"
    r"|Entwürfe)\b"
)
_FOREIGN_NUMERAL = re.compile(r"(?<![\w'’])(?:[IVXLC]{2,}|\d{1,3})(?![\w'’])")


def foreign(view: View):
    text = view.text
    if not view.may_be_foreign():
        return
    # the marks first, in one pass each: most sentences have none, and need no language
    marks: dict[int, list[tuple[re.Match, bool]]] = {}
    for pattern in (_FOREIGN_CANTO, _FOREIGN_GROUP, _FOREIGN_NUMERAL):
        if pattern is _FOREIGN_CANTO and not view.has("cant", "chant", "gesang", "gesäng", "canz"):
            continue
        for m in pattern.finditer(text):
            if pattern is _FOREIGN_NUMERAL and not 1 <= (numeral_value(m.group()) or 0) <= 120:
                continue
            marks.setdefault(view.sentence(m.start()), []).append((m, pattern is _FOREIGN_CANTO))
    for index in sorted(set(marks) | {view.sentence(s) for s, _ in view.spans}):
        if not view.foreign(index):
            continue
        s, e = view.sentences[index]
        sentence = text[s:e]
        for m, word in sorted(marks.get(index, ()), key=lambda x: x[0].start()):
            start, end = m.start(), m.end()
            if view.covered(start, end, slack=12) or owner_beside(view, start, end):
                continue
            if word and _foreign_title(sentence, start - s, end - s):
                continue
            yield Signal("foreign_canto_word", start, end)
            break
        # a canto read in a sentence of another language, with an owner after it the grammar
        # does not know ("canto XXXIII del Paraíso")
        for ref in view.refs_in(index):
            if OWNER_AFTER.match(text, ref.evidence_end) and re.match(
                r"[\s,]*\S+\s*['’]?\s*[A-Z]", text[ref.evidence_end : ref.evidence_end + 24]
            ):
                yield Signal("foreign_canto_word", ref.evidence_start, ref.evidence_end)
                break


def _foreign_title(sentence: str, start: int, end: int) -> bool:
    """A capitalised plural canto word read as a title: Pound's poem as a whole ("Les Cantos ont
    été traduits") or another book ("I Canti Orfici di Campana"); not a group ("Cantos pisans",
    "Onze Novos Cantos", "Cantares de Pisa")."""
    word = sentence[start:end]
    if not word[:1].isupper() or word.lower() in ("canto", "chant", "gesang", "cantar"):
        return False
    before = sentence[:start].split()[-2:]
    if (
        before
        and before[-1].lower() not in FOREIGN_FUNCTION
        and not re.fullmatch(r"Pound(?:s|['’]s)", before[-1])
    ):
        return False  # "Onze Novos Cantos", "Pisaner Cantos", "trois premiers Cantos"
    after = sentence[end : end + 24]
    if re.match(r"\s+[a-zà-ÿ]+(?:s|i|e|os|as)\b", after) and not re.match(
        r"\s+(?:ont|sind|sono|son|sont|são|wurden|furono|fueron|est|ist|è|es|hat|ha|a)\b", after
    ):
        return False  # "Cantos pisans", "Canti pisani"
    return not re.match(r"\s+(?:de|di|der)\s+[A-Z]", after) or bool(OTHER_WORKS.search(after))


# --- other_poem_named, weak_refusal ----------------------------------------------------------

_KEYWORD_HIGH = 46  # past every canto of the poems FOREIGN_WORK names (the Furioso has 46)


def other_poem(view: View):
    text = view.text
    seen: set[int] = set()
    for ref in view.refs:
        if ref.method != "rules" or ref.family in ("page", "quote") or ref.evidence_start in seen:
            continue
        seen.add(ref.evidence_start)
        start, end = ref.evidence_start, ref.evidence_end
        evidence = text[start:end]
        keyword = bool(re.match(r"(?i)cantos?\b", evidence)) and ref.family != "group"
        index = view.sentence(start)
        if any(r.canto > _KEYWORD_HIGH for r in view.explicit_in(index)):
            continue  # a sentence citing cantos past every other poem's: Pound's
        if POUNDS.search(text, *view.sentences[index]):
            continue  # the sentence says whose: "Pound's", "of Pound"
        # "Canto N" and a group's name are Pound's unless the other poem is in their sentence
        one = keyword or ref.family == "group"
        if other_poem_before(view, start, sentences=1 if one else 2):
            yield Signal("other_poem_named", start, end)


def weak_refusal(view: View):
    """A refused canto numeral whose owner is not beside it but named away from it: the refusal
    rests on a name sentences away (a span refused for another reason, a blocked phrase or the
    poem as a whole, has no other poem named before it)."""
    text = view.text
    for start, end in view.refused:
        span = text[start:end]
        numeral = re.search(r"(?<![\w.])(?:[IVXLC]{2,}|[ivxlc]{2,}|\d{1,3})(?![\w.])", span)
        if not numeral or not 1 <= (numeral_value(numeral.group()) or 0) <= 120:
            continue
        if re.search(r"\b[IVX]+\.[ivxlc]+\b", span):
            continue  # "II.xii": a book and its canto, another poem's by its form
        if FOREIGN_WORK.search(span) or POETS.search(span) or owner_beside(view, start, end):
            continue  # its owner beside it: a sure refusal
        if re.search(r"\b(?:Book|Bk\.?|BOOK)\b", text[max(0, start - 24) : start]):
            continue  # "Book III, canto vi": a poem in books, named beside the canto
        window = text[:start]
        if FOREIGN_WORK.search(window) or POETS.search(window):
            yield Signal("weak_refusal", start, end)


# --- restricted_ordinal, group_locator -------------------------------------------------------

_RESTRICTING = re.compile(
    r"\s+(?:(?:that|which)\s+)?(?:he|she|Pound|[A-Z][a-z]+)\s+(?:had\s+|ever\s+)?"
    r"(?:wrote|written|finished|completed|drafted|published|composed|began|sent|revised|planned"
    r"|dictated|made)\b"
    r"|\s+(?:written|finished|completed|drafted|published|composed)\s+(?:in|at|after|before)\b"
)


def restricted(view: View):
    """An ordinal the grammar read at face value, or refused, though a clause after it restricts
    it to the cantos someone wrote, finished or published in some way: the canto it names is
    that set's first or last, which no count of the poem gives."""
    text = view.text
    spans = [(r.evidence_start, r.evidence_end) for r in view.refs if r.method == "rules"]
    spans += [
        (s, e)
        for s, e in view.refused
        if CANTO_WORD.search(text, s, e) and not owner_beside(view, s, e)
    ]
    for start, end in spans:
        if not ORDINALISH.search(text[start:end]):
            continue
        after = text[end : end + 60]
        if _RESTRICTING.match(after) or re.match(
            r"\s+of\s+the\s+(?:\w+\s+)?cantos\s+(?:that\s+|which\s+)?(?:he|Pound|written)\b", after
        ):
            yield Signal("restricted_ordinal", start, end)


_SINGULAR_PICK = re.compile(
    r"(?i)\b(?:the|this|that|which)\s+(?:\w+\s+)?canto\s+(?:that|which|in\s+which|where|whose|of)\b"
)


# "Of the Adams cantos, the first two …": a count of the group's first or last cantos; "the last
# is a ledger", "the last of them": one canto of it, its ordinal standing alone
_FIRST_FEW = re.compile(
    r"(?i)\bthe\s+(?:first|last|final|opening|closing)"
    r"(?:(?=\s+(?:is|was|has|had|one|of\s+them|of\s+these|of\s+the\s+group)\b)"
    r"|\s+(?P<count>\w+(?:-\w+)?)\b)"
)


def group_locator(view: View):
    text = view.text
    seen: set[int] = set()  # a group is a reference per canto: one look at each
    for ref in view.refs:
        if ref.family != "group" or ref.evidence_start in seen:
            continue
        seen.add(ref.evidence_start)
        index = view.sentence(ref.evidence_start)
        if view.explicit_in(index):
            continue
        members = {r.canto for r in view.refs if r.evidence_start == ref.evidence_start}
        if len(members) < 2:
            continue  # "the Usura Canto": a group of one
        evidence = text[ref.evidence_start : ref.evidence_end]
        if re.search(r"(?i)\bcanto\b", evidence) and not re.search(
            r"(?i)\b(?:each|every|any|a|one)\s+\w*\s*$",
            text[max(0, ref.evidence_start - 16) : ref.evidence_start],
        ):
            yield Signal("group_locator", ref.evidence_start, ref.evidence_end)
            continue
        s, e = view.sentences[index]
        for m in [*_SINGULAR_PICK.finditer(text, s, e), *_FIRST_FEW.finditer(text, s, e)]:
            if not view.covered(m.start(), m.end()) and (
                m.re is _SINGULAR_PICK
                or m.group("count") is None
                or count_value(m.group("count").lower())
            ):
                yield Signal("group_locator", m.start(), m.end())
                break


# --- unattributed_numeral -------------------------------------------------------------------

_NUMERAL = re.compile(r"(?<![\w.,/:'’\-])(?:[IVXLC]{2,}|[VXLC]|\d{1,3})(?![\w'’%]|[.,:/]\d)")
_LABEL_BEFORE = re.compile(
    r"(?i)\b(?:pp?|vol|vols|no|nos|n|nn|note|notes|fig|figs|ch|chap|chapter|section|sect|part"
    r"|book|bk|act|scene|psalm|plate|table|appendix|number|issue|letter|item|step|stage|week"
    r"|lessons?|volume|page|pages|line|lines|ll?|verse|stanza|sonnet|poem|movement|year|years"
    r"|age|aged|about|some|over|under|nearly|almost|roughly|only|exactly|least|most)\.?\s*$"
)
_NAME_BEFORE = re.compile(r"\b[A-Z][\w'’.-]*\s*,?\s*$")
_NOUN_AFTER = re.compile(r"\s*[a-z]{3,}")
_AFTER_OK = frozenset(
    "and or is was where which with in on at to for as has had are were but then while".split()  # noqa: SIM905
)


def numeral(view: View):
    text = view.text
    if not view.refs and not view.unresolved and "cant" not in view.lower:
        return  # no canto context anywhere
    for start, end, family in view.unresolved:
        if family in ("roman", "arabic", "list") and _canto_context(view, start):
            yield Signal("unattributed_numeral", start, end)
    for m in _NUMERAL.finditer(text):
        value = numeral_value(m.group())
        if not value or not 1 <= value <= 120 or view.covered(m.start(), m.end()):
            continue
        if not _canto_context(view, m.start()):
            continue
        if any(s <= m.start() < e for s, e, _ in view.unresolved):
            continue  # a line reference's number: lines_without_canto's to judge
        before = text[max(0, m.start() - 24) : m.start()]
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not text[line_start : m.start()].strip():
            continue  # a footnote's or a list's number at the start of a line
        if _LABEL_BEFORE.search(before) or owner_beside(view, m.start(), m.end()):
            continue
        name = _NAME_BEFORE.search(before)
        if name and name.group().split()[0].rstrip(",").lower() not in _CAPITAL_OK:
            continue  # "Elizabeth I", "Pius XII", "Experiment 3"
        if not m.group().isdigit() and len(m.group()) == 1:
            continue  # a lone V, X, L or C: an initial or a letter as often as a canto
        after = _NOUN_AFTER.match(text, m.end())
        if after and after.group().strip() not in _AFTER_OK:
            continue  # "117 cantos", "6 feet", "3 drafts": a count
        if not re.search(
            r"(?:\b(?:in|of|and|or|to|see|cf|also|from|at|with)\.?|[,;(])\s*$", before
        ):
            continue
        yield Signal("unattributed_numeral", m.start(), m.end())


_CAPITAL_OK = frozenset("in of and or to see cf cf. also from at with the canto cantos".split())  # noqa: SIM905


def _canto_context(view: View, pos: int) -> bool:
    """The sentence holding ``pos`` cites a canto or says "canto" (not refused)."""
    index = view.sentence(pos)
    if view.refs_in(index):
        return True
    s, e = view.sentences[index]
    return any(not view.covered(m.start(), m.end()) for m in CANTO_WORD.finditer(view.text, s, e))
