"""Accuracy of the extractors on the project's dev set and the user's file, as a markdown table.

Each run names an extractor and, optionally, a config (model, adapter, prompt, merge policy). Every
run is scored on every data file in the same process, so the numbers in one table are measured side
by side. A run that cannot start (no vLLM installed, no model, a bad config) is printed as a row
saying why, never dropped. Scores are those of ``cantobatch eval``: micro P/R/F1 over the set of
cantos and the set of (canto, line) pairs per example, and the exact-match rate.

    .venv/bin/python bench/accuracy.py                      # rules, llm (base, chat), hybrid
    .venv/bin/python bench/accuracy.py --run rules --run "adapter=llm:configs/cpu-smollm2-lora.toml"
    .venv/bin/python bench/accuracy.py --run rules --by-kind --out outputs/accuracy.md
    .venv/bin/python bench/accuracy.py --run "grounded=hybrid:configs/cpu-smollm2.toml;merge.policy=grounded"

A run is ``LABEL=EXTRACTOR[:CONFIG][;SECTION.KEY=VALUE...]`` or just ``EXTRACTOR`` (label =
extractor name); the ``;`` settings override the config's (values are read as TOML: ``grounded``
needs no quotes, ``64`` is a number). Data files default to training/dev.jsonl and
training/poundtech101.jsonl; give ``--data`` to change them.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cantobatch.config import load_config  # noqa: E402
from cantobatch.errors import CantobatchError, ConfigError  # noqa: E402
from cantobatch.evaluate import EvalResult, evaluate, format_table  # noqa: E402
from cantobatch.examples import BadLine, Example, read_examples  # noqa: E402
from cantobatch.extract.registry import build_extractor  # noqa: E402

DEFAULT_DATA = (
    REPO / "training" / "dev.jsonl",
    REPO / "training" / "poundtech101.jsonl",
)
DEFAULT_RUNS = ("rules", "llm base (chat)=llm", "hybrid")


@dataclass(frozen=True)
class Run:
    label: str
    extractor: str
    config: str | None = None
    overrides: tuple[tuple[str, str, object], ...] = ()  # (section, key, value)

    @classmethod
    def parse(cls, spec: str) -> Run:
        label, _, rest = spec.partition("=")
        if not rest:
            rest = label
        rest, *settings = rest.split(";")
        extractor, _, config = rest.partition(":")
        overrides = []
        for setting in filter(None, map(str.strip, settings)):
            key, eq, value = setting.partition("=")
            section, dot, name = key.strip().partition(".")
            if not (eq and dot and name):
                raise SystemExit(f"--run {spec!r}: settings are SECTION.KEY=VALUE, not {setting!r}")
            overrides.append((section, name, _toml_value(value.strip())))
        return cls(
            label=label.strip(),
            extractor=extractor.strip(),
            config=config.strip() or None,
            overrides=tuple(overrides),
        )

    def load(self, cantos_text: str | None = None):
        config = load_config(self.config)
        sections: dict[str, dict] = {}
        for section, name, value in self.overrides:
            if not dataclasses.is_dataclass(getattr(config, section, None)):
                raise ConfigError(f"--run {self.label!r}: no config section [{section}]")
            sections.setdefault(section, {})[name] = value
        if cantos_text:
            sections.setdefault("quote", {})["cantos_text"] = cantos_text
        return config.with_overrides(**sections) if sections else config


def _toml_value(text: str):
    """``64`` → 64, ``true`` → True, ``"x"`` or a bare word → "x"."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


@dataclass
class Row:
    run: Run
    data: str
    result: EvalResult | None = None
    seconds: float = 0.0
    failure: str | None = None


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def measure(
    runs: list[Run],
    datasets: dict[str, tuple[list[Example], list[BadLine]]],
    cantos_text: str | None = None,
) -> list[Row]:
    """Build each run's extractor once, score it on every data set, close it."""
    rows: list[Row] = []
    for run in runs:
        try:
            config = run.load(cantos_text)
            extractor = build_extractor(run.extractor, config)
        except CantobatchError as exc:
            rows.extend(Row(run, name, failure=str(exc)) for name in datasets)
            continue
        except Exception as exc:  # a broken optional stack (e.g. vllm import errors) is reported
            reason = f"{type(exc).__name__}: {exc}"
            rows.extend(Row(run, name, failure=reason) for name in datasets)
            continue
        try:
            for name, (examples, bad) in datasets.items():
                start = time.perf_counter()
                try:
                    result = evaluate(
                        extractor, examples, bad, config.llm.batch_size, name=run.label
                    )
                except CantobatchError as exc:
                    rows.append(Row(run, name, failure=str(exc)))
                    continue
                rows.append(Row(run, name, result, time.perf_counter() - start))
        finally:
            extractor.close()
    return rows


def markdown(rows: list[Row]) -> str:
    head = (
        "| run | data | n | canto P | canto R | canto F1 | line P | line R | line F1 | exact "
        "| failed | s |"
    )
    out = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        if row.result is None:
            reason = (row.failure or "").replace("|", "/").splitlines()[0][:160]
            out.append(f"| {row.run.label} | {row.data} | | not run: {reason} ||||||||")
            continue
        s = row.result.scores
        cells = [
            row.run.label,
            row.data,
            str(s.n),
            *(f"{x:.3f}" for x in (s.canto.precision, s.canto.recall, s.canto.f1)),
            *(f"{x:.3f}" for x in (s.line.precision, s.line.recall, s.line.f1)),
            f"{s.exact_rate:.3f}",
            str(s.errors),
            f"{row.seconds:.1f}",
        ]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", action="append", help="LABEL=EXTRACTOR[:CONFIG] (repeatable)")
    parser.add_argument("--data", action="append", type=Path, help="labelled JSONL (repeatable)")
    parser.add_argument("--cantos-text", help="poem text directory, for quote/line resolution")
    parser.add_argument("--by-kind", action="store_true", help="also print per-kind tables")
    parser.add_argument("--out", type=Path, help="also write the markdown to this file")
    args = parser.parse_args(argv)

    runs = [Run.parse(spec) for spec in (args.run or DEFAULT_RUNS)]
    datasets: dict[str, tuple[list[Example], list[BadLine]]] = {}
    for path in args.data or DEFAULT_DATA:
        bad: list[BadLine] = []
        datasets[path.name] = (read_examples(path, bad), bad)
        for b in bad:
            print(f"{path}:{b.line_no}: {b.reason} (skipped)", file=sys.stderr)

    rows = measure(runs, datasets, args.cantos_text)
    sizes = ", ".join(f"{name} ({len(ex)})" for name, (ex, _) in datasets.items())
    parts = [
        f"Accuracy at commit {_commit()} on {sizes}; "
        "micro P/R/F1 over canto sets and (canto, line) sets; exact = both sets equal; "
        "failed = extractions that returned an error; s = extraction seconds.",
        "",
        markdown(rows),
    ]
    if args.by_kind:
        for name in datasets:
            results = {r.run.label: r.result for r in rows if r.data == name and r.result}
            if results:
                parts += ["", f"Per kind on {name} (canto F1, line F1, exact):", "", "```"]
                parts += [format_table(results), "```"]
    text = "\n".join(parts)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
