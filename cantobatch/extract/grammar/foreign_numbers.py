"""Number words of the languages Pound's scholars write in besides English: Italian, French,
Spanish, Portuguese and German cardinals ("trenta", "trois", "sieben") and ordinals ("primo",
"quarante-neuvième", "cuadragésimo quinto", "ersten") from 1 to 120, each in the forms its
agreement gives it (primo/prima/primi, premier/première, ersten/erster …), with and without
accents.

``tables()`` maps each lower-cased word (spaces and hyphens as one space) to its value;
``cardinal_word()`` and ``ordinal_word()`` are regex sources matching any of them (compiled by
``patterns.rx``); ``foreign_count`` and ``foreign_ordinal`` read a match. All are built on first
use: importing the grammar costs nothing for them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from cantobatch.extract.grammar.lexicon import alternation

_MAX = 120


def _plain(word: str) -> str:
    """``word`` without its accents ("décimo" → "decimo")."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


# --- Italian ------------------------------------------------------------------------------------

_IT_UNITS = ["", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"]
_IT_TEENS = ["dieci", "undici", "dodici", "tredici", "quattordici", "quindici", "sedici",
             "diciassette", "diciotto", "diciannove"]  # fmt: skip
_IT_TENS = ["", "", "venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta",
            "novanta"]  # fmt: skip
_IT_ORD = ["", "primo", "secondo", "terzo", "quarto", "quinto", "sesto", "settimo", "ottavo",
           "nono", "decimo"]  # fmt: skip


def _it_cardinal(n: int) -> str:
    if n >= 100:
        rest = n - 100
        return "cento" + (_it_cardinal(rest) if rest else "")
    if n < 10:
        return _IT_UNITS[n]
    if n < 20:
        return _IT_TEENS[n - 10]
    tens, units = divmod(n, 10)
    stem = _IT_TENS[tens]
    if units in (1, 8):
        stem = stem[:-1]  # ventuno, ventotto
    return stem + ("tré" if units == 3 else _IT_UNITS[units])


def _it_ordinal(n: int) -> str:
    if n <= 10:
        return _IT_ORD[n]
    card = _it_cardinal(n)
    if card.endswith("tré"):
        return card[:-1] + "eesimo"  # ventitreesimo
    if card.endswith("sei"):
        return card + "esimo"  # ventiseiesimo
    return card[:-1] + "esimo"  # undicesimo, quarantacinquesimo, centesimo


# --- French -------------------------------------------------------------------------------------

_FR_UNITS = ["", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
             "onze", "douze", "treize", "quatorze", "quinze", "seize"]  # fmt: skip
_FR_TENS = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante"]


def _fr_cardinal(n: int) -> str:
    if n >= 100:
        rest = n - 100
        return "cent" + (" " + _fr_cardinal(rest) if rest else "")
    if n <= 16:
        return _FR_UNITS[n]
    if n < 20:
        return "dix-" + _FR_UNITS[n - 10]
    if n < 70:
        tens, units = divmod(n, 10)
        if units == 0:
            return _FR_TENS[tens]
        return _FR_TENS[tens] + (" et un" if units == 1 else "-" + _FR_UNITS[units])
    if n < 80:
        rest = n - 60
        return "soixante" + (" et onze" if rest == 11 else "-" + _fr_cardinal(rest))
    rest = n - 80
    return "quatre-vingts" if rest == 0 else "quatre-vingt-" + _fr_cardinal(rest)


def _fr_ordinal(n: int) -> str:
    if n == 1:
        return "premier"
    card = _fr_cardinal(n)
    if card.endswith("vingts"):
        card = card[:-1]  # quatre-vingts → quatre-vingtième
    if card.endswith("cinq"):
        return card + "uième"
    if card.endswith("neuf"):
        return card[:-1] + "vième"
    if card.endswith("un"):
        return card + "ième"
    return card.removesuffix("e") + "ième"


# --- Spanish and Portuguese -----------------------------------------------------------------------

_ES_UNITS = ["", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
             "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho",
             "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro",
             "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve"]  # fmt: skip
_ES_TENS = ["", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta",
            "noventa"]  # fmt: skip
_PT_UNITS = ["", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez",
             "onze", "doze", "treze", "catorze", "quinze", "dezesseis", "dezessete", "dezoito",
             "dezenove"]  # fmt: skip
_PT_TENS = ["", "", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta",
            "noventa"]  # fmt: skip
# Ordinal units and tens, shared but for spelling (Spanish first, Portuguese second)
_ES_ORD_UNITS = ["", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo",
                 "octavo", "noveno"]  # fmt: skip
_PT_ORD_UNITS = ["", "primeiro", "segundo", "terceiro", "quarto", "quinto", "sexto", "sétimo",
                 "oitavo", "nono"]  # fmt: skip
_ES_ORD_TENS = ["", "décimo", "vigésimo", "trigésimo", "cuadragésimo", "quincuagésimo",
                "sexagésimo", "septuagésimo", "octogésimo", "nonagésimo"]  # fmt: skip
_PT_ORD_TENS = ["", "décimo", "vigésimo", "trigésimo", "quadragésimo", "quinquagésimo",
                "sexagésimo", "septuagésimo", "octogésimo", "nonagésimo"]  # fmt: skip


def _es_cardinal(n: int) -> str:
    if n >= 100:
        rest = n - 100
        return "cien" if not rest else "ciento " + _es_cardinal(rest)
    if n < 30:
        return _ES_UNITS[n]
    tens, units = divmod(n, 10)
    return _ES_TENS[tens] + (" y " + _ES_UNITS[units] if units else "")


def _pt_cardinal(n: int) -> str:
    if n >= 100:
        rest = n - 100
        return "cem" if not rest else "cento e " + _pt_cardinal(rest)
    if n < 20:
        return _PT_UNITS[n]
    tens, units = divmod(n, 10)
    return _PT_TENS[tens] + (" e " + _PT_UNITS[units] if units else "")


def _iberian_ordinal(n: int, units: list[str], tens: list[str], hundred: str) -> str:
    if n >= 100:
        rest = n - 100
        return hundred + (" " + _iberian_ordinal(rest, units, tens, hundred) if rest else "")
    ten, unit = divmod(n, 10)
    words = [tens[ten]] if ten else []
    if unit:
        words.append(units[unit])
    return " ".join(words)


# --- German ---------------------------------------------------------------------------------------

_DE_UNITS = ["", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
             "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn",
             "neunzehn"]  # fmt: skip
_DE_TENS = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig",
            "neunzig"]  # fmt: skip
_DE_ORD = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}


def _de_cardinal(n: int) -> str:
    if n >= 100:
        rest = n - 100
        return "hundert" + (_de_cardinal(rest) if rest else "")
    if n < 20:
        return _DE_UNITS[n]
    tens, units = divmod(n, 10)
    if not units:
        return _DE_TENS[tens]
    return ("ein" if units == 1 else _DE_UNITS[units]) + "und" + _DE_TENS[tens]


def _de_ordinal_stem(n: int) -> str:
    if n in _DE_ORD:
        return _DE_ORD[n]
    card = _de_cardinal(n)
    if n % 100 == 1 and n > 100:
        return card[: -len("eins")] + "erst"  # hunderterst
    return card + ("t" if n % 100 < 20 and n < 100 else "st")  # zweit, zwanzigst, hundertst


# --- the tables -----------------------------------------------------------------------------------


def _with_plain(words: dict[str, int]) -> dict[str, int]:
    out = dict(words)
    for word, value in words.items():
        out.setdefault(_plain(word), value)
    return out


def _norm(word: str) -> str:
    return re.sub(r"[-\s]+", " ", word.lower())


@cache
def tables() -> tuple[dict[str, int], dict[str, int]]:
    """(cardinals, ordinals): each word, lower-cased, to its value (built on first use)."""
    cardinals: dict[str, int] = {}
    ordinals: dict[str, int] = {}
    for n in range(1, _MAX + 1):
        for card in (_it_cardinal(n), _fr_cardinal(n), _es_cardinal(n), _pt_cardinal(n),
                     _de_cardinal(n)):  # fmt: skip
            cardinals.setdefault(_norm(card), n)
        it = _it_ordinal(n)
        for ending in "oaie":  # primo, prima, primi, prime
            ordinals.setdefault(_norm(it[:-1] + ending), n)
        fr = _fr_ordinal(n)
        ordinals.setdefault(_norm(fr), n)
        if n == 1:
            ordinals.update({"première": 1, "premiers": 1, "premières": 1})
        if n == 2:
            ordinals.update({"second": 2, "seconde": 2})
        else:
            ordinals.setdefault(_norm(fr) + "s", n)
        for units, tens, hundred in (
            (_ES_ORD_UNITS, _ES_ORD_TENS, "centésimo"),
            (_PT_ORD_UNITS, _PT_ORD_TENS, "centésimo"),
        ):
            base = _iberian_ordinal(n, units, tens, hundred)
            words = base.split()
            for ending in ("o", "a", "os", "as"):
                ordinals.setdefault(
                    _norm(" ".join(w[:-1] + ending for w in words)), n
                )  # cuadragésimo quinto, cuadragésima quinta
        stem = _de_ordinal_stem(n)
        for ending in ("e", "en", "er", "es", "em"):  # der erste, im ersten, erster
            ordinals.setdefault(_norm(stem + ending), n)
    # Apocopated and older forms: "el primer canto", "el tercer", "il nono", "undécimo"
    ordinals.update({"primer": 1, "tercer": 3, "undécimo": 11, "duodécimo": 12, "sétimo": 7,
                     "nono": 9, "dritten": 3, "zweiten": 2})  # fmt: skip
    ordinals.update({"sieb" + e: 7 for e in ("ente", "enten", "enter")})  # siebente
    cardinals.update({"un": 1, "una": 1, "uma": 1, "duas": 2, "ein": 1, "eine": 1, "dreissig": 30})
    return _with_plain(cardinals), _with_plain(ordinals)


@cache
def cardinal_word() -> str:
    """A regex source matching any cardinal of ``tables`` (built on first use)."""
    return rf"(?<![^\W\d_])(?i:{alternation(list(tables()[0]))})(?![^\W\d_])"


@cache
def ordinal_word() -> str:
    """A regex source matching any ordinal of ``tables`` (built on first use)."""
    return rf"(?<![^\W\d_])(?i:{alternation(list(tables()[1]))})(?![^\W\d_])"


# Ordinals in figures: "45°", "45º", "45.º", "45e", "45ème", German "45." (before a noun)
ORDINAL_FIGURE = r"\b\d{1,3}(?:\.?[°º]|\.ª|e|ème|ª|\.)(?!\w)"


def foreign_count(word: str) -> int | None:
    """The value of a count in figures or words ("trenta", "30")."""
    return int(word) if word.isdigit() else tables()[0].get(_norm(word))


def foreign_ordinal(word: str) -> int | None:
    """The value of an ordinal in words or figures ("quarantacinquesimo", "45°", "45.")."""
    figure = re.match(r"\d{1,3}", word)
    if figure:
        return int(figure.group())
    return tables()[1].get(_norm(word))


@cache
def ordinal_last_words() -> frozenset[str]:
    """The last word of every ordinal of ``tables`` ("quinto" of "cuadragésimo quinto"), lower-
    cased: a fast check of the word before "Canto" before the ordinal is read."""
    return frozenset(word.split()[-1] for word in tables()[1])
