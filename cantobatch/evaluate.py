"""Score extractors against labelled examples: micro P/R/F1 at canto and line level, per kind.

An example's gold and predicted references are compared as two sets each:

- the **canto set**: every canto referenced, whether whole or by lines;
- the **line set**: every ``(canto, line)`` pair. Line numbers are compared as written: a position
  from the end (``-1``) is a different value from the positive number of the same line, because the
  labels record what the text says, not where the line falls in a given edition.

Splitting one canto over several objects, or repeating it, is therefore not an error. Counts of true
positives, false positives and false negatives are summed over examples (micro averaging).
Conventions for empty sets, used everywhere here: ``precision = tp / (tp + fp)`` and
``recall = tp / (tp + fn)``, with ``0/0 = 1.0`` (nothing predicted and nothing to find is perfect);
``f1 = 2PR / (P + R)``, ``0.0`` when ``P + R = 0``. An example is an **exact** match when both its
sets are equal. An extraction with ``Extraction.error`` set is counted in ``errors`` and scored on
the references it still returned (usually none; the hybrid keeps the rules' answer when the LLM
fails).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cantobatch.data import Extraction, Passage, Reference
from cantobatch.errors import ExtractionError
from cantobatch.examples import BadLine, Example
from cantobatch.extract.base import Extractor
from cantobatch.files import atomic_path

Pair = tuple[int, int]


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with the derived micro scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def compare(gold: set, predicted: set) -> Counts:
    return Counts(len(gold & predicted), len(predicted - gold), len(gold - predicted))


def canto_set(refs: Iterable[tuple[int, Sequence[int]]]) -> set[int]:
    return {canto for canto, _ in refs}


def line_set(refs: Iterable[tuple[int, Sequence[int]]]) -> set[Pair]:
    return {(canto, line) for canto, lines in refs for line in lines}


def _pairs(refs: Iterable[Reference]) -> list[tuple[int, tuple[int, ...]]]:
    return [(r.canto, tuple(r.lines)) for r in refs]


@dataclass(frozen=True)
class Scored:
    """One example with what an extractor predicted for it."""

    example: Example
    predicted: tuple[Reference, ...] = ()
    error: str | None = None

    @property
    def gold_cantos(self) -> set[int]:
        return canto_set(self.example.references)

    @property
    def predicted_cantos(self) -> set[int]:
        return canto_set(_pairs(self.predicted))

    @property
    def gold_lines(self) -> set[Pair]:
        return line_set(self.example.references)

    @property
    def predicted_lines(self) -> set[Pair]:
        return line_set(_pairs(self.predicted))

    @property
    def canto(self) -> Counts:
        return compare(self.gold_cantos, self.predicted_cantos)

    @property
    def line(self) -> Counts:
        return compare(self.gold_lines, self.predicted_lines)

    @property
    def exact(self) -> bool:
        return self.gold_cantos == self.predicted_cantos and self.gold_lines == self.predicted_lines


@dataclass(frozen=True)
class Scores:
    n: int = 0
    canto: Counts = field(default_factory=Counts)
    line: Counts = field(default_factory=Counts)
    exact: int = 0  # number of exact matches
    errors: int = 0  # failed extractions

    @property
    def exact_rate(self) -> float:
        return self.exact / self.n if self.n else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "canto": self.canto.as_dict(),
            "line": self.line.as_dict(),
            "exact": round(self.exact_rate, 4),
            "errors": self.errors,
        }


def score(items: Iterable[Scored]) -> Scores:
    n = exact = errors = 0
    canto, line = Counts(), Counts()
    for item in items:
        n += 1
        canto += item.canto
        line += item.line
        exact += item.exact
        errors += item.error is not None
    return Scores(n=n, canto=canto, line=line, exact=exact, errors=errors)


@dataclass(frozen=True)
class EvalResult:
    """An extractor's scores on one data set, overall and per ``kind``, with every example."""

    extractor: str
    scores: Scores
    by_kind: dict[str, Scores]
    items: tuple[Scored, ...]
    bad_lines: tuple[BadLine, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """``{"n", "canto", "line", "exact", "by_kind", "errors"}`` as printed by ``eval --json``."""
        out = self.scores.as_dict()
        out["by_kind"] = {kind: s.as_dict() for kind, s in self.by_kind.items()}
        if self.bad_lines:
            out["bad_lines"] = [{"line": b.line_no, "reason": b.reason} for b in self.bad_lines]
        return out

    def mismatches(self) -> list[Scored]:
        return [item for item in self.items if not item.exact or item.error is not None]


def run_extractor(
    extractor: Extractor,
    examples: Sequence[Example],
    batch_size: int = 256,
    progress: Callable[[int], None] | None = None,
) -> list[Scored]:
    """Run ``extractor`` over the examples' texts in batches; one Scored per example, in order.

    A batch whose ``extract_batch`` raises is recorded as an error on each of its examples (the
    run goes on); an extractor that returns the wrong number of results breaks its contract and
    raises ExtractionError.
    """
    scored: list[Scored] = []
    for start in range(0, len(examples), batch_size):
        batch = examples[start : start + batch_size]
        passages = [
            Passage.from_text(ex.text, passage_id=ex.id or f"line-{ex.line_no}") for ex in batch
        ]
        try:
            extractions: list[Extraction] = extractor.extract_batch(passages)
        except Exception as exc:  # one bad batch must not hide the scores of the others
            reason = f"extract_batch raised {type(exc).__name__}: {exc}"
            scored.extend(Scored(ex, (), reason) for ex in batch)
        else:
            if len(extractions) != len(batch):
                raise ExtractionError(
                    f"extractor {extractor.name!r} returned {len(extractions)} results for "
                    f"{len(batch)} passages; extract_batch must return one per passage"
                )
            for ex, extraction in zip(batch, extractions, strict=True):
                scored.append(Scored(ex, tuple(extraction.references), extraction.error))
        if progress is not None:
            progress(len(batch))
    return scored


def evaluate(
    extractor: Extractor,
    examples: Sequence[Example],
    bad_lines: Sequence[BadLine] = (),
    batch_size: int = 256,
    progress: Callable[[int], None] | None = None,
    name: str | None = None,
) -> EvalResult:
    items = run_extractor(extractor, examples, batch_size, progress)
    return result_from_items(name or extractor.name, items, bad_lines)


def result_from_items(
    name: str, items: Sequence[Scored], bad_lines: Sequence[BadLine] = ()
) -> EvalResult:
    kinds: dict[str, list[Scored]] = {}
    for item in items:
        if item.example.kind is not None:
            kinds.setdefault(item.example.kind, []).append(item)
    return EvalResult(
        extractor=name,
        scores=score(items),
        by_kind={kind: score(kinds[kind]) for kind in sorted(kinds)},
        items=tuple(items),
        bad_lines=tuple(bad_lines),
    )


def _refs_json(refs: Iterable[tuple[int, Sequence[int]]]) -> list[dict[str, Any]]:
    return [{"canto": c, "lines": list(ls)} for c, ls in refs]


def error_record(item: Scored, extractor: str) -> dict[str, Any]:
    """One line of ``eval --errors``: the example, gold, prediction, evidence and what differs."""
    ex = item.example
    return {
        "id": ex.id,
        "kind": ex.kind,
        "line": ex.line_no,
        "extractor": extractor,
        "input": ex.text,
        "gold": _refs_json(ex.references),
        "predicted": [
            {
                "canto": r.canto,
                "lines": list(r.lines),
                "evidence": r.evidence,
                "evidence_start": r.evidence_start,
                "evidence_end": r.evidence_end,
                "method": r.method,
            }
            for r in item.predicted
        ],
        "missing_cantos": sorted(item.gold_cantos - item.predicted_cantos),
        "extra_cantos": sorted(item.predicted_cantos - item.gold_cantos),
        "missing_lines": sorted(item.gold_lines - item.predicted_lines),
        "extra_lines": sorted(item.predicted_lines - item.gold_lines),
        "error": item.error,
    }


def write_errors(path: str | Path, results: Iterable[EvalResult]) -> int:
    """Write every mismatched example of every result as JSON Lines; returns the count."""
    n = 0
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        for result in results:
            for item in result.mismatches():
                fh.write(
                    json.dumps(error_record(item, result.extractor), ensure_ascii=False) + "\n"
                )
                n += 1
    return n


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def format_table(results: dict[str, EvalResult], by_kind: bool = True) -> str:
    """Side-by-side plain-text table: one column group per extractor, rows overall and per kind."""
    names = list(results)
    metrics = ("canto F1", "line F1", "exact")
    head = ["", "n"] + [f"{name} {m}" for name in names for m in metrics]
    rows: list[list[str]] = []

    def row(label: str, get: Callable[[EvalResult], Scores | None]) -> list[str]:
        first = next((s for s in map(get, results.values()) if s is not None), None)
        cells = [label, str(first.n if first else 0)]
        for name in names:
            s = get(results[name])
            if s is None:
                cells += ["-"] * len(metrics)
            else:
                cells += [_fmt(s.canto.f1), _fmt(s.line.f1), _fmt(s.exact_rate)]
        return cells

    rows.append(row("all", lambda r: r.scores))
    if by_kind:
        kinds = sorted({k for r in results.values() for k in r.by_kind})
        rows.extend(row(k, lambda r, k=k: r.by_kind.get(k)) for k in kinds)
    errors = ["errors", ""] + [
        str(results[n].scores.errors) if i == 0 else "" for n in names for i in range(len(metrics))
    ]
    rows.append(errors)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def format_single(result: EvalResult) -> str:
    """A readable report for one extractor: P/R/F1 at both levels, then the per-kind table."""
    s = result.scores
    out = [
        f"extractor: {result.extractor}   examples: {s.n}   failed extractions: {s.errors}",
        f"canto  P {_fmt(s.canto.precision)}  R {_fmt(s.canto.recall)}  F1 {_fmt(s.canto.f1)}",
        f"line   P {_fmt(s.line.precision)}  R {_fmt(s.line.recall)}  F1 {_fmt(s.line.f1)}",
        f"exact  {_fmt(s.exact_rate)} ({s.exact}/{s.n})",
    ]
    if result.by_kind:
        out += ["", format_table({result.extractor: result})]
    return "\n".join(out)
