"""Check the project's labelled data: training/dev.jsonl and training/train.jsonl.

Usage:  python scripts/check_dataset.py [--seed training/poundtech101.jsonl]

Checks (a failure exits 1 and says which record is wrong):
  - every line parses in the user's format, with an ``id`` and a ``kind`` from KINDS;
  - ids are ``<kind>-<NNN>``, unique, and each sits in the file the fixed split rule names
    (dev when NNN % 5 is 1, 2 or 3, else train);
  - negative kinds (``neg_*``) have no references, every other kind has at least one;
  - at least 30% negatives overall and in each file; every kind present in both files;
  - no input appears twice, and none appears in the user's file (compared after normalising
    case, Unicode form, quotes, dashes and whitespace).
It also prints warnings for a human to read: an explicit "Canto N" (roman or arabic) in a positive
example whose N is not among the gold cantos. These are prompts for a second look, not errors.

The held-out sets with kinds of their own are checked by ``check_heldout``, each alone: ids
``<prefix>-<kind>-NNN`` unique and numbered within their kind, a ``source`` on every record,
refusals without references and the others with some, and no input shared with dev, train, test
or the user's file: ``training/test2.jsonl`` (issue #18's families; refusal kinds end in ``_neg``)
and ``training/hard.jsonl`` (``--hard``: the router's measure, kinds from HARD_KINDS; its refusals
are ``hard_negative``, and ``other_poem_far`` may hold either).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cantobatch.examples import BadLine, Example, read_examples  # noqa: E402
from cantobatch.references import from_roman  # noqa: E402

POSITIVE_KINDS = (
    "roman",
    "arabic",
    "ordinal_word",
    "range",
    "list",
    "lines",
    "first_last",
    "page",
    "group",
    "group_ordinal",
    "multi",
    "context",
)
NEGATIVE_KINDS = (
    "neg_dante",
    "neg_other_poem",
    "neg_music",
    "neg_other_work",
    "neg_whole",
    "neg_regnal",
    "neg_year_page",
    "neg_canton",
    "neg_ur",
    "neg_lines",
)
KINDS = POSITIVE_KINDS + NEGATIVE_KINDS
MIN_NEGATIVE_SHARE = 0.30
DEV_RESIDUES = (1, 2, 3)  # id number % 5 in these → dev; otherwise train
_ID_RE = re.compile(r"^(?P<kind>[a-z_]+)-(?P<num>\d{3})$")
_CANTO_NUMERAL_RE = re.compile(r"\bcantos?\s+([IVXLC]+|\d{1,3})\b", re.IGNORECASE)


def normalise(text: str) -> str:
    """Text as compared for duplicates: NFKC, casefolded, quotes/dashes unified, spaces collapsed."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = re.sub(r"[‘’`´]", "'", t)
    t = re.sub(r"[“”]", '"', t)
    t = re.sub(r"[‐-―−]", "-", t)
    return " ".join(t.split())


def split_of(example_id: str) -> str:
    m = _ID_RE.match(example_id)
    if m is None:
        raise ValueError(f"id {example_id!r} is not <kind>-<NNN>")
    return "dev" if int(m["num"]) % 5 in DEV_RESIDUES else "train"


def is_negative(kind: str | None) -> bool:
    return bool(kind) and kind.startswith("neg_")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=dict)  # file name → kind → n

    @property
    def ok(self) -> bool:
        return not self.problems


def _explicit_cantos(text: str) -> set[int]:
    found = set()
    for m in _CANTO_NUMERAL_RE.finditer(text):
        token = m.group(1)
        try:
            found.add(int(token) if token.isdigit() else from_roman(token))
        except ValueError:
            continue
    return found


def check(dev_path: Path, train_path: Path, seed_path: Path | None = None) -> Report:
    report = Report()
    files: dict[str, list[Example]] = {}
    for name, path in (("dev", dev_path), ("train", train_path)):
        bad: list[BadLine] = []
        files[name] = read_examples(path, bad)
        report.problems.extend(f"{path}:{b.line_no}: {b.reason}" for b in bad)
        report.counts[name] = Counter(ex.kind for ex in files[name])

    seen_ids: set[str] = set()
    seen_text: dict[str, str] = {}
    for name, examples in files.items():
        for ex in examples:
            where = f"{name}:{ex.line_no} ({ex.id})"
            if ex.id is None or ex.kind is None:
                report.problems.append(f"{where}: needs both id and kind")
                continue
            if ex.kind not in KINDS:
                report.problems.append(f"{where}: unknown kind {ex.kind!r}")
            m = _ID_RE.match(ex.id)
            if m is None or m["kind"] != ex.kind:
                report.problems.append(f"{where}: id must be '{ex.kind}-NNN'")
            elif split_of(ex.id) != name:
                report.problems.append(f"{where}: the split rule puts this id in {split_of(ex.id)}")
            if ex.id in seen_ids:
                report.problems.append(f"{where}: duplicate id")
            seen_ids.add(ex.id)
            key = normalise(ex.text)
            if key in seen_text:
                report.problems.append(f"{where}: same input as {seen_text[key]}")
            seen_text[key] = ex.id
            if is_negative(ex.kind) and ex.references:
                report.problems.append(f"{where}: a negative kind must have no references")
            if not is_negative(ex.kind) and not ex.references:
                report.problems.append(f"{where}: a positive kind needs at least one reference")
            if not is_negative(ex.kind):
                gold = {c for c, _ in ex.references}
                missing = _explicit_cantos(ex.text) - gold
                if missing:
                    report.warnings.append(
                        f"{where}: text names canto(s) {sorted(missing)} not in the gold label"
                    )

    for name, examples in files.items():
        if examples:
            share = sum(is_negative(ex.kind) for ex in examples) / len(examples)
            if share < MIN_NEGATIVE_SHARE:
                report.problems.append(f"{name}: negatives are {share:.0%}, need 30%")
    for kind in KINDS:
        for name in files:
            if report.counts[name][kind] == 0:
                report.problems.append(f"{name}: no example of kind {kind!r}")

    if seed_path is not None:
        seed_texts = {normalise(ex.text): ex.line_no for ex in read_examples(seed_path, [])}
        for name, examples in files.items():
            for ex in examples:
                if normalise(ex.text) in seed_texts:
                    report.problems.append(
                        f"{name}:{ex.line_no} ({ex.id}): copies {seed_path.name} line "
                        f"{seed_texts[normalise(ex.text)]}"
                    )
    return report


# training/hard.jsonl (the router's measure): kinds a grammar cannot settle from the surface
HARD_KINDS = (
    "description",
    "nickname",
    "quote_not_canto1",
    "foreign",
    "refwork_no_keyword",
    "other_poem_far",
    "hard_negative",
)


def _test2_refusal(kind: str) -> bool | None:
    return kind.endswith("_neg")


def _hard_refusal(kind: str) -> bool | None:
    # other_poem_far holds both: another poem's canto alone, or beside one of Pound's
    return True if kind == "hard_negative" else None if kind == "other_poem_far" else False


def check_heldout(
    path: Path,
    others: list[Path],
    seed_path: Path | None = None,
    *,
    prefix: str = "test2",
    kinds: tuple[str, ...] | None = None,
    refusal=_test2_refusal,
) -> Report:
    """Check a held-out set with kinds of its own (``test2.jsonl``: the families of issue #18;
    ``hard.jsonl``: ``prefix="hard", kinds=HARD_KINDS, refusal=_hard_refusal``).

    ``refusal(kind)`` says whether the kind's examples must have no references (True), must have
    some (False), or may have either (None)."""
    id_re = re.compile(rf"^{prefix}-(?P<kind>[a-z_0-9]+)-(?P<num>\d{{3}})$")
    report = Report()
    bad: list[BadLine] = []
    examples = read_examples(path, bad)
    report.problems.extend(f"{path}:{b.line_no}: {b.reason}" for b in bad)
    report.counts[path.name] = Counter(ex.kind for ex in examples)
    elsewhere: dict[str, str] = {}
    for other in [*others, *([seed_path] if seed_path is not None else [])]:
        for ex in read_examples(other, []):
            elsewhere.setdefault(normalise(ex.text), f"{other.name} line {ex.line_no}")
    seen_ids: set[str] = set()
    seen_text: dict[str, str] = {}
    numbers: dict[str, list[int]] = {}
    for ex in examples:
        where = f"{path.name}:{ex.line_no} ({ex.id})"
        if kinds is not None and ex.kind not in kinds:
            report.problems.append(f"{where}: kind {ex.kind!r} is not one of {', '.join(kinds)}")
        m = id_re.match(ex.id or "")
        if m is None or m["kind"] != ex.kind:
            report.problems.append(f"{where}: id must be '{prefix}-{ex.kind}-NNN'")
        else:
            numbers.setdefault(ex.kind, []).append(int(m["num"]))
        if ex.id in seen_ids:
            report.problems.append(f"{where}: duplicate id")
        seen_ids.add(ex.id)
        if not str(ex.extra.get("source") or "").strip():
            report.problems.append(f"{where}: needs a 'source' (where the form was read)")
        must_refuse = refusal(ex.kind or "")
        if must_refuse and ex.references:
            report.problems.append(f"{where}: a refusal kind ({ex.kind}) must have no references")
        if must_refuse is False and not ex.references:
            report.problems.append(f"{where}: a positive kind needs at least one reference")
        key = normalise(ex.text)
        if key in seen_text:
            report.problems.append(f"{where}: same input as {seen_text[key]}")
        seen_text[key] = ex.id or where
        if key in elsewhere:
            report.problems.append(f"{where}: same input as {elsewhere[key]}")
    for kind, nums in numbers.items():
        if nums != list(range(1, len(nums) + 1)):
            report.problems.append(
                f"{path.name}: ids of kind {kind!r} are not numbered 1..n in order"
            )
    return report


def summary(report: Report) -> str:
    rows = ["| kind | dev | train | all |", "|---|---:|---:|---:|"]
    dev, train = report.counts.get("dev", Counter()), report.counts.get("train", Counter())
    for kind in KINDS:
        rows.append(f"| {kind} | {dev[kind]} | {train[kind]} | {dev[kind] + train[kind]} |")
    n_dev, n_train = sum(dev.values()), sum(train.values())
    neg = sum(dev[k] + train[k] for k in NEGATIVE_KINDS)
    rows.append(f"| **all** | {n_dev} | {n_train} | {n_dev + n_train} |")
    rows.append("")
    rows.append(f"negatives: {neg} of {n_dev + n_train} ({neg / max(1, n_dev + n_train):.1%})")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=REPO / "training" / "dev.jsonl")
    parser.add_argument("--train", type=Path, default=REPO / "training" / "train.jsonl")
    parser.add_argument("--seed", type=Path, default=REPO / "training" / "poundtech101.jsonl")
    parser.add_argument("--hard", type=Path, default=REPO / "training" / "hard.jsonl")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed.exists() else None
    if seed is None:
        print(f"note: {args.seed} not found; the overlap check with the user's file is skipped")
    report = check(args.dev, args.train, seed)
    print(summary(report))
    for w in report.warnings:
        print(f"warning: {w}")
    for p in report.problems:
        print(f"PROBLEM: {p}")
    test2 = REPO / "training" / "test2.jsonl"
    probes = [REPO / "training" / f"probe{n}.jsonl" for n in (3, 4, 5)]
    earlier = [args.dev, args.train, REPO / "training" / "test.jsonl"]
    # test2, the third round's two probes, written apart, and the fourth's (training/README.md)
    for path, others, prefix in [
        (test2, earlier, "test2"),
        *(
            (probe, [*earlier, test2, *(o for o in probes if o != probe)], probe.stem)
            for probe in probes
        ),
    ]:
        if not path.exists():
            continue
        held = check_heldout(path, [o for o in others if o.exists()], seed, prefix=prefix)
        counts = held.counts[path.name]
        refusals = sum(n for kind, n in counts.items() if kind.endswith("_neg"))
        print(f"\n{path.name}: {sum(counts.values())} examples, {refusals} refusals")
        for p in held.problems:
            print(f"PROBLEM: {p}")
        report.problems.extend(held.problems)
    if args.hard.exists():
        others = [args.dev, args.train, REPO / "training" / "test.jsonl"]
        held = check_heldout(
            args.hard, others, seed, prefix="hard", kinds=HARD_KINDS, refusal=_hard_refusal
        )
        counts = held.counts[args.hard.name]
        detail = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        print(f"\n{args.hard.name}: {sum(counts.values())} examples ({detail})")
        for p in held.problems:
            print(f"PROBLEM: {p}")
        report.problems.extend(held.problems)
    print("OK" if report.ok else f"{len(report.problems)} problem(s)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
