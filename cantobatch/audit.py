"""Check a labelled file against the citation grammar: labels that contradict what the text says.

Only explicit numerals are trusted (``Canto LXXVI``, ``Cantos LII–LXXI``, ``ll.15-28``), so a finding
is a contradiction, not a disagreement of interpretation:

- ``wrong_canto``: the text names canto X, the label lacks X and has a canto Y that the text never
  names ("Cantos III, XVII and LXXVI" labelled 3, 17, 71);
- ``range_cut_short``: the text gives a range and the label has most of it but not all;
- ``lines_missing``: the text gives a line range of a canto and the label has only part of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from cantobatch.data import Reference
from cantobatch.examples import Example, read_examples
from cantobatch.extract.grammar.rules import extract_references

EXPLICIT_FAMILIES = frozenset({"roman", "arabic", "list", "range", "lines", "page"})


@dataclass(frozen=True)
class Finding:
    line_no: int  # 1-based line of the example in its file
    id: str | None
    kind: str  # wrong_canto, range_cut_short, lines_missing
    message: str
    evidence: str  # the text that says otherwise
    evidence_start: int
    evidence_end: int
    labelled: tuple[int, ...]  # what the label has (cantos, or lines of the canto)
    expected: tuple[int, ...]  # what the text says

    def as_dict(self) -> dict:
        out = asdict(self)
        out["labelled"] = list(self.labelled)
        out["expected"] = list(self.expected)
        return out


def audit_example(example: Example) -> list[Finding]:
    found = extract_references(example.text)
    refs = [r for r in found if r.family in EXPLICIT_FAMILIES]
    found_anywhere = {r.canto for r in found}
    labelled = {c for c, _ in example.references}
    label_lines: dict[int, set[int]] = {}
    for canto, lines in example.references:
        label_lines.setdefault(canto, set()).update(lines)
    findings: list[Finding] = []

    def finding(kind: str, message: str, ref: Reference, has, expected) -> None:
        findings.append(
            Finding(
                example.line_no,
                example.id,
                kind,
                message,
                ref.evidence or "",
                ref.evidence_start or 0,
                ref.evidence_end or 0,
                tuple(sorted(has)),
                tuple(sorted(expected)),
            )
        )

    # Ranges: every canto of an explicit range, grouped by its evidence span.
    spans: dict[tuple[int, int], list[Reference]] = {}
    for r in refs:
        if r.family == "range":
            spans.setdefault((r.evidence_start, r.evidence_end), []).append(r)
    for members in spans.values():
        expected = {r.canto for r in members}
        have = expected & labelled
        if len(have) * 2 >= len(expected) and have != expected:
            missing = sorted(expected - labelled)
            finding(
                "range_cut_short",
                f"the text gives cantos {min(expected)}-{max(expected)}; the label lacks "
                f"{', '.join(map(str, missing))}",
                members[0],
                have,
                expected,
            )

    # Single cantos named explicitly but labelled as a canto the text never names.
    unexplained = sorted(labelled - found_anywhere)
    for r in refs:
        if r.family == "range" or r.canto in labelled or not unexplained:
            continue
        other = min(unexplained, key=lambda y: abs(y - r.canto))
        unexplained.remove(other)
        finding(
            "wrong_canto",
            f"the text says {r.evidence!r} (canto {r.canto}) but the label has canto {other}",
            r,
            {other},
            {r.canto},
        )

    # Line ranges given explicitly but labelled in part.
    for r in refs:
        if r.family != "lines" or len(r.lines) < 2 or r.canto not in label_lines:
            continue
        have = set(r.lines) & label_lines[r.canto]
        if have and have != set(r.lines):
            missing = sorted(set(r.lines) - have)
            finding(
                "lines_missing",
                f"the text gives canto {r.canto} lines {r.lines[0]}-{r.lines[-1]}; the label lacks "
                f"{', '.join(map(str, missing))}",
                r,
                have,
                set(r.lines),
            )
    return findings


def audit_examples(examples: Iterable[Example]) -> list[Finding]:
    return [f for example in examples for f in audit_example(example)]


def audit_file(path: str | Path) -> list[Finding]:
    """Findings for a labelled file in the user's format (raises DataError on a malformed line)."""
    return audit_examples(read_examples(path))
