"""The reference model shared by every extractor, the evaluator and the trainer.

A result is ``{"references": [{"canto": <1..120>, "lines": [<int>, ...]}]}``: ``lines`` positive from
the start of the canto, negative from its end (-1 the last line), empty for the canto as a whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cantobatch.data import Reference
from cantobatch.errors import InvalidValue

MIN_CANTO = 1
MAX_CANTO = 120
# Bounds that keep a constrained decoder from running away (see VLLM-CPU.md: an untrained model
# under a schema can emit list items until max_tokens).
MAX_REFERENCES = 32  # the largest named group, A Draft of XXX Cantos, is 30 cantos
MAX_LINES = 64
MAX_LINE_NUMBER = 999


def json_schema(max_references: int = MAX_REFERENCES, max_lines: int = MAX_LINES) -> dict[str, Any]:
    """The JSON schema an LLM answer must satisfy (used for structured decoding and validation)."""
    return {
        "type": "object",
        "properties": {
            "references": {
                "type": "array",
                "maxItems": max_references,
                "items": {
                    "type": "object",
                    "properties": {
                        "canto": {"type": "integer", "minimum": MIN_CANTO, "maximum": MAX_CANTO},
                        "lines": {
                            "type": "array",
                            "maxItems": max_lines,
                            "items": {
                                "type": "integer",
                                "minimum": -MAX_LINE_NUMBER,
                                "maximum": MAX_LINE_NUMBER,
                            },
                        },
                    },
                    "required": ["canto", "lines"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["references"],
        "additionalProperties": False,
    }


class ReferenceParseError(InvalidValue):
    """An answer is not a valid references object. The message says what is wrong."""


def parse_answer(text: str) -> list[dict[str, Any]]:
    """Parse and validate a JSON answer; returns the list of ``{"canto", "lines"}`` objects.

    Raises ReferenceParseError on invalid JSON or on values outside the reference model.
    """
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceParseError(f"not valid JSON: {exc.msg} at char {exc.pos}") from exc
    return validate(obj)


def validate(obj: Any) -> list[dict[str, Any]]:
    if isinstance(obj, list):  # the expanded example form may give the list alone
        refs = obj
    elif isinstance(obj, dict) and isinstance(obj.get("references"), list):
        refs = obj["references"]
    else:
        raise ReferenceParseError('expected an object with a "references" list')
    out = []
    for i, ref in enumerate(refs):
        if not isinstance(ref, dict) or "canto" not in ref:
            raise ReferenceParseError(f"reference {i} is not an object with a canto")
        canto = ref["canto"]
        if isinstance(canto, bool) or not isinstance(canto, int):
            raise ReferenceParseError(f"reference {i}: canto {canto!r} is not an integer")
        if not MIN_CANTO <= canto <= MAX_CANTO:
            raise ReferenceParseError(
                f"reference {i}: canto {canto} outside {MIN_CANTO}-{MAX_CANTO}"
            )
        lines = ref.get("lines", [])
        if not isinstance(lines, list) or any(
            isinstance(x, bool) or not isinstance(x, int) or x == 0 for x in lines
        ):
            raise ReferenceParseError(f"reference {i}: lines must be non-zero integers")
        out.append({"canto": canto, "lines": list(lines)})
    return out


def to_references(objs: Iterable[dict[str, Any]], method: str = "gold") -> tuple[Reference, ...]:
    return tuple(
        Reference(canto=o["canto"], lines=tuple(o.get("lines", ())), method=method) for o in objs
    )


def dump_answer(refs: Iterable[Reference | dict[str, Any]]) -> str:
    """Serialise references in the user's output format (json.dumps's ", " and ": ", as the seed)."""
    items = []
    for r in refs:
        if isinstance(r, Reference):
            items.append({"canto": r.canto, "lines": list(r.lines)})
        else:
            items.append({"canto": r["canto"], "lines": list(r.get("lines", []))})
    return json.dumps({"references": items}, ensure_ascii=False)


def canonical(refs: Iterable[Reference]) -> list[dict[str, Any]]:
    """Merge references to the same canto into one object with sorted unique lines.

    Whole-canto references are dropped for a canto that also has line references, because the
    line references already name the canto. Order: by canto, positive lines then negative lines.
    """
    by_canto: dict[int, set[int]] = {}
    for r in refs:
        by_canto.setdefault(r.canto, set()).update(r.lines)
    return [
        {"canto": c, "lines": sorted(ls, key=lambda x: (x < 0, x))}
        for c, ls in sorted(by_canto.items())
    ]


def canto_set(refs: Iterable[Reference | dict[str, Any]]) -> set[int]:
    return {r.canto if isinstance(r, Reference) else r["canto"] for r in refs}


def line_set(refs: Iterable[Reference | dict[str, Any]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for r in refs:
        canto, lines = (r.canto, r.lines) if isinstance(r, Reference) else (r["canto"], r["lines"])
        out.update((canto, line) for line in lines)
    return out


# --- roman numerals: canto numbers both ways ---------------------------------------------------

_ROMAN_VALUES = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def to_roman(n: int) -> str:
    if not 0 < n < 4000:
        raise InvalidValue(f"{n} has no roman numeral (only 1-3999 have one)")
    out = []
    for value, numeral in _ROMAN_VALUES:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _roman(s: str) -> int | None:
    up = s.upper()
    if not up or not _ROMAN_RE.match(up):
        return None
    total, i = 0, 0
    for value, numeral in _ROMAN_VALUES:
        while up.startswith(numeral, i):
            total += value
            i += len(numeral)
    return total


def from_roman(s: str) -> int:
    """Value of a canonical roman numeral, upper or lower case. Raises InvalidValue otherwise."""
    value = _roman(s)
    if value is None:
        raise InvalidValue(f"{s!r} is not a canonical roman numeral")
    return value


def is_roman(s: str) -> bool:
    return _roman(s) is not None


@lru_cache(maxsize=4096)
def numeral_value(numeral: str) -> int | None:
    """Value of an arabic or roman numeral (any case); None if it is neither."""
    return int(numeral) if numeral.isdigit() else _roman(numeral)
