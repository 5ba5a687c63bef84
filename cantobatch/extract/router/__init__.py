"""The cascade's router: which passages the grammar cannot settle, and why.

``route(text, references, trace)`` reads a passage with what the grammar made of it (its
references, quotations included, and its ``GrammarTrace``: what it refused, what it left open)
and returns the first reason it finds to send the passage to the LLM, or None. A passage with no
such signal is never routed. The signals are local: each is a span of the passage that the
grammar's references do not explain, so a grammar that learns a form stops the route by itself.

Reasons (``REASONS``, in the order they are looked for):

* ``refwork_notation`` — a reference work's notation left unread: Terrell's ``[74:12]`` gloss
  pairs, ``91:109``, sigla such as ``OCCEP XXIII: n.2``, ``(C XLV, 229)``;
* ``foreign_canto_word`` — a sentence in another language with a canto word (canto, canti, chant,
  cantar, Gesang …), a group title (Decade, Tronos, Pisaner …) or a numeral, nothing read there;
* ``other_poem_named`` — a canto read from an ordinal, a bare or low numeral or a group while
  another poem or poet (or the Commedia's places: "the eighth circle") is named before it (in
  the sentence or the one before) and Pound is not named as its owner or writer after it;
* ``weak_refusal`` — a refused canto whose owner (another poem) is not named next to it;
* ``restricted_ordinal`` — an ordinal read at face value, or refused, though a clause
  restricts it ("the first canto Pound finished", "the first of the cantos he wrote in Italian");
* ``group_locator`` — a group expanded in a sentence where a singular "canto" or its first or
  last picks one of it ("the canto that closes Eleven New Cantos", "the Pisan canto that …",
  "Of the Adams Cantos, the last is …");
* ``unattributed_numeral`` — a numeral or canto/page-like pair near canto words that no
  reference took ("in 18, in 38 and in Canto 78");
* ``unresolved_canto_word`` — canto vocabulary naming one canto or a set, with nothing read:
  a nickname ("the Van Buren canto", "the DTC cantos"), a described canto ("the canto that …",
  "the canto of Yao"), a count ("the eleven cantos written at Pisa", "runs for two cantos"),
  "which canto"; and the poem's opening or close with no canto word ("Pound opens his poem
  with …"), its first or last canto;
* ``lines_without_canto`` — a line reference the grammar could attach to no canto, in a passage
  that talks of cantos;
* ``unplaced_quotation`` — quotation marks around verse-like text (" / " line breaks, archaic or
  foreign diction, a page pair after it) that no reference placed, no canto cited beside it.

The poem as a whole ("The Cantos"), vague sets ("the later cantos", "a canto", "117 cantos"),
other poems' cantos named beside them, music (the grammar's refusals) route nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from cantobatch.data import Reference
from cantobatch.extract.grammar.rules import GrammarTrace, sources_hash
from cantobatch.extract.router import marks, words
from cantobatch.extract.router.view import Signal, View

__all__ = ["REASONS", "Signal", "route", "router_hash", "signals"]

# (reason, finder) in the order they are looked for
_FINDERS = (
    ("refwork_notation", marks.refwork),
    ("foreign_canto_word", marks.foreign),
    ("other_poem_named", marks.other_poem),
    ("weak_refusal", marks.weak_refusal),
    ("restricted_ordinal", marks.restricted),
    ("group_locator", marks.group_locator),
    ("unattributed_numeral", marks.numeral),
    ("unresolved_canto_word", words.canto_words),
    ("unresolved_canto_word", words.poem_position),
    ("lines_without_canto", words.lines),
    ("unplaced_quotation", words.quotations),
)
REASONS = tuple(dict.fromkeys(reason for reason, _ in _FINDERS))


@cache
def router_hash() -> str:
    """Changes whenever any module of the router changes (part of the cascade's identity)."""
    return sources_hash(Path(__file__).resolve().parent)


def route(text: str, references: Sequence[Reference], trace: GrammarTrace) -> str | None:
    """The first reason to send the passage to the LLM, or None."""
    found = signals(text, references, trace, first=True)
    return found[0].reason if found else None


def signals(
    text: str, references: Sequence[Reference], trace: GrammarTrace, first: bool = False
) -> list[Signal]:
    """Every signal in the passage, by reason in ``REASONS`` order (only the first: ``first``)."""
    view = View(text, references, trace)
    out: list[Signal] = []
    for _, finder in _FINDERS:
        for signal in finder(view):
            out.append(signal)
            if first:
                return out
    return out
