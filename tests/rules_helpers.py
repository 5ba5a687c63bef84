"""Shorthands shared by the grammar's tests."""

from __future__ import annotations

from cantobatch.extract.grammar.rules import extract_references
from cantobatch.references import canonical


def refs(text: str) -> list[tuple[int, list[int]]]:
    """The extracted references in canonical form, as (canto, lines) pairs."""
    return [(r["canto"], r["lines"]) for r in canonical(extract_references(text))]


def cantos(text: str) -> list[int]:
    return [c for c, _ in refs(text)]


def span(a: int, b: int) -> list[int]:
    return list(range(a, b + 1))
