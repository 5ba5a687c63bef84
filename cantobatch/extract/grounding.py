"""Grounding an LLM's canto in the passage: where the text names it, as evidence for the merge.

An LLM answer says *which* cantos; it does not say where. ``ground`` finds the canto's roman or
arabic numeral, an ordinal word before "canto", or the name of a group containing it, so that the
hybrid merge can accept grounded LLM-only cantos and flag the rest ("ungrounded").
"""

from __future__ import annotations

import re

from cantobatch.data import Reference
from cantobatch.references import to_roman

_WORD_CANTO = re.compile(r"\bcantos?\b", re.IGNORECASE)


def grounded_reference(text: str, canto: int, lines: tuple[int, ...]) -> Reference:
    """A Reference with an evidence span where the canto is named in the passage, else flagged."""
    found = ground(text, canto)
    if found is None:
        return Reference(canto=canto, lines=lines, method="llm", flags=("ungrounded",))
    start, end, family = found
    return Reference(
        canto=canto, lines=lines, method="llm", evidence_start=start, evidence_end=end,
        evidence=text[start:end], family=family,
    )  # fmt: skip


def ground(text: str, canto: int) -> tuple[int, int, str] | None:
    """Where ``text`` names ``canto``: its roman or arabic numeral, an ordinal + "canto", or a group.

    Returns (start, end, family) of the first match or None. A single-letter roman numeral (I, V, X,
    L, C) counts only after "Canto(s)" or before a line number, so the pronoun "I" grounds nothing.
    """
    roman = to_roman(canto)
    if len(roman) > 1:
        m = re.search(rf"(?<![A-Za-z0-9]){roman}(?![A-Za-z0-9])", text)
        if m:
            return m.start(), m.end(), "roman"
    else:
        m = re.search(rf"\b[Cc]antos?\s+({roman})(?![A-Za-z0-9])", text) or re.search(
            rf"(?<![A-Za-z0-9'’])({roman})(?=\s*[:.,]\s*(?:ll?\.?\s*)?\d)", text
        )
        if m:
            return m.start(1), m.end(1), "roman"
    m = re.search(rf"(?<![\d.,/]){canto}(?![\d])", text)
    if m:
        return m.start(), m.end(), "arabic"
    ordinal = _ordinal_match(text, canto)
    if ordinal:
        return ordinal
    for group in _groups():
        if group.first <= canto <= group.last:
            for pattern in group.names:
                gm = re.search(pattern, text)
                if gm:
                    return gm.start(), gm.end(), "group"
    return None


def _ordinal_match(text: str, canto: int) -> tuple[int, int, str] | None:
    from cantobatch.extract.grammar.numerals import ordinal_value

    for m in re.finditer(r"[A-Za-z]+(?:-[a-z]+)?", text):
        if ordinal_value(m.group(0)) == canto and _WORD_CANTO.search(text, m.end(), m.end() + 30):
            return m.start(), m.end(), "ordinal"
    return None


def _groups():
    try:
        from cantobatch.extract.grammar.groups import load_groups

        return load_groups()
    except Exception:  # noqa: BLE001 - no group table, no group grounding
        return ()
