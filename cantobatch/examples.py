"""Labelled examples in the user's format: JSON Lines of ``{"input", "output"}``.

``output`` is a JSON *string* holding ``{"references": [...]}``, exactly as in the user's
``poundtech101.jsonl``. The expanded form ``{"text": ..., "references": [...]}`` is accepted on input.
Extra keys (``id``, ``kind``, ``source``, ``passage_id`` ...) are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cantobatch.errors import DataError
from cantobatch.files import atomic_path
from cantobatch.references import ReferenceParseError, dump_answer, parse_answer, validate


@dataclass(frozen=True)
class Example:
    text: str
    references: tuple[tuple[int, tuple[int, ...]], ...]  # ((canto, lines), ...) as labelled
    id: str | None = None
    kind: str | None = None
    line_no: int = 0  # 1-based line in the file it was read from
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def reference_dicts(self) -> list[dict[str, Any]]:
        return [{"canto": c, "lines": list(ls)} for c, ls in self.references]

    def to_record(self) -> dict[str, Any]:
        """The user's format, extra keys preserved after ``input``/``output``."""
        rec: dict[str, Any] = {"input": self.text, "output": dump_answer(self.reference_dicts)}
        if self.id is not None:
            rec["id"] = self.id
        if self.kind is not None:
            rec["kind"] = self.kind
        rec.update(self.extra)
        return rec


@dataclass(frozen=True)
class BadLine:
    line_no: int
    reason: str


def parse_record(obj: Any, line_no: int = 0) -> Example:
    if not isinstance(obj, dict):
        raise DataError("not a JSON object")
    if "input" in obj:
        text = obj["input"]
        if "output" not in obj:
            raise DataError('has "input" but no "output"')
        out = obj["output"]
        try:
            refs = parse_answer(out) if isinstance(out, str) else validate(out)
        except ReferenceParseError as exc:
            raise DataError(f"bad output: {exc}") from exc
    elif "text" in obj:
        text = obj["text"]
        try:
            refs = validate(obj.get("references", []))
        except ReferenceParseError as exc:
            raise DataError(f"bad references: {exc}") from exc
    else:
        raise DataError('needs "input" and "output", or "text" and "references"')
    if not isinstance(text, str):
        raise DataError("the text is not a string")
    known = {"input", "output", "text", "references", "id", "kind"}
    return Example(
        text=text,
        references=tuple((r["canto"], tuple(r["lines"])) for r in refs),
        id=None if obj.get("id") is None else str(obj["id"]),
        kind=obj.get("kind"),
        line_no=line_no,
        extra={k: v for k, v in obj.items() if k not in known},
    )


def json_lines(path: str | Path) -> Iterator[tuple[int, Any, str | None]]:
    """``(line_no, object, None)`` per non-blank line of a JSON Lines file, or
    ``(line_no, None, reason)`` for a line that is not UTF-8 or not JSON (the reason in full)."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise DataError(f"{path}: cannot open ({exc.strerror})") from exc
    with handle:
        for line_no, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield line_no, None, f"not UTF-8 text: {exc}"
                continue
            if not line.strip():
                continue
            try:
                yield line_no, json.loads(line.strip()), None
            except json.JSONDecodeError as exc:
                yield line_no, None, f"invalid JSON: {exc}"


def iter_examples(path: str | Path, errors: list[BadLine] | None = None) -> Iterator[Example]:
    """Yield examples; malformed lines are appended to ``errors`` (or raise DataError if None)."""
    for line_no, obj, reason in json_lines(path):
        if reason is None:
            try:
                yield parse_record(obj, line_no)
                continue
            except DataError as exc:
                reason = str(exc)
        if errors is None:
            raise DataError(f"{path}:{line_no}: {reason}")
        errors.append(BadLine(line_no, reason))


def read_examples(path: str | Path, errors: list[BadLine] | None = None) -> list[Example]:
    return list(iter_examples(path, errors))


def load_labelled(
    path: str | Path,
    strict: bool = False,
    on_bad_line: Callable[[BadLine], None] | None = None,
) -> tuple[list[Example], list[BadLine]]:
    """The one policy for a labelled file read by ``eval`` and ``audit``.

    A malformed line is skipped, passed to ``on_bad_line`` and returned as a BadLine (its number
    and why); with ``strict``, the first one raises DataError. A file with no valid example is an
    error either way: scores or an audit of nothing would read as a success.
    """
    bad: list[BadLine] = []
    examples = read_examples(path, None if strict else bad)
    for line in bad:
        if on_bad_line is not None:
            on_bad_line(line)
    if not examples:
        why = f"all {len(bad)} non-blank line(s) malformed" if bad else "the file is empty"
        raise DataError(
            f'{path}: no valid example ({why}); each line must be a JSON object with "input" '
            'and "output" (or "text" and "references")'
        )
    return examples, bad


def write_examples(path: str | Path, records: Iterable[Example | dict[str, Any]]) -> int:
    """Write JSON Lines atomically; returns the number of records written."""
    n = 0
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as f:
        for rec in records:
            obj = rec.to_record() if isinstance(rec, Example) else rec
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    return n
