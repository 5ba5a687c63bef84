"""Texts and labelled files: `extract`, `audit`, `eval` and `lines`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cantobatch.cli.app import (
    build_config,
    cantos_text_option,
    cli,
    config_option,
    extractor_option,
    llm_all_option,
    output_file_callback,
)
from cantobatch.config import EXTRACTOR_NAMES, load_config


@cli.command()
@click.argument("texts", nargs=-1)
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, exists=True),
    help='JSON Lines with "input" or "text" (and an optional "id") on each line.',
)
@extractor_option
@config_option
@cantos_text_option
@llm_all_option
def extract(texts, input_path, extractor, config_path, cantos_text, llm_all) -> None:
    """Find the cantos and lines that TEXTS (or the lines of --input) cite.

    Prints one JSON object per input: its id, the input, the references in the user's format
    (one object per canto, lines listed in full, negative from the end) and the evidence of each
    reference (character offsets into the input, the matched text, the method). Records from
    --input carry their line number; a malformed line gets a record with its "error" instead, and
    the other lines are still answered. Under the cascade ([merge] policy = "cascade") each object
    also says "routed": the reason the passage went to the LLM, or null.

    \b
    Example:
      cantobatch extract "Canto IX, ll.1-28"
      cantobatch extract --input questions.jsonl --extractor hybrid --config configs/cpu.toml
    """
    from cantobatch.data import Passage
    from cantobatch.extract.registry import build_extractor

    if not texts and not input_path:
        raise click.UsageError("give a TEXT to read, or --input FILE.jsonl")
    items = [{"id": None, "input": text} for text in texts]
    if input_path:
        items.extend(_extract_inputs(Path(input_path)))
    quote = {"cantos_text": cantos_text} if cantos_text else None
    config = build_config(config_path, extractor, llm_all, quote=quote)
    todo = [item for item in items if "error" not in item]
    passages = [
        Passage.from_text(item["input"], passage_id=f"input-{i}") for i, item in enumerate(todo)
    ]
    results = iter(())
    if passages:
        engine = build_extractor(config.extractor, config)
        try:
            results = iter(engine.extract_batch(passages))
        finally:
            engine.close()
    for item in items:
        record = item if "error" in item else _extraction_record(item, next(results))
        click.echo(json.dumps(record, ensure_ascii=False))
    bad = [str(item["line"]) for item in items if "error" in item]
    if bad:
        click.echo(
            f"warning: {input_path}: {len(bad)} malformed line(s) ({', '.join(bad)}) answered "
            'with an "error" record',
            err=True,
        )


def _extract_inputs(path: Path) -> list[dict]:
    """One item per non-blank line: ``{"id", "line", "input"}``, or ``{"id", "line", "error"}``."""
    from cantobatch.examples import json_lines

    items = []
    for line_no, obj, reason in json_lines(path):
        item_id = obj.get("id") if isinstance(obj, dict) else None
        item = {"id": None if item_id is None else str(item_id), "line": line_no}
        text = obj.get("input", obj.get("text")) if isinstance(obj, dict) else None
        if reason is None and not isinstance(text, str):
            reason = (
                'needs a string "input" or "text"'
                if isinstance(obj, dict)
                else f"not a JSON object but {_JSON_KINDS.get(type(obj), 'a value')}"
            )
        items.append({**item, "error": reason} if reason else {**item, "input": text})
    return items


_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}  # fmt: skip


def _extraction_record(item: dict, result) -> dict:
    from cantobatch.references import canonical

    record = {
        **item,
        "references": canonical(result.references),
        "evidence": [
            {
                "canto": r.canto,
                "lines": list(r.lines),
                "start": r.evidence_start,
                "end": r.evidence_end,
                "text": r.evidence,
                "method": r.method,
            }
            for r in result.references
        ],
    }
    if "routed" in result.meta:
        record["routed"] = result.meta["routed"]
    if result.error:
        record["error"] = result.error
    return record


strict_option = click.option(
    "--strict", is_flag=True, help="Stop at the first malformed line instead of skipping it."
)


def _read_labelled(data: str, strict: bool) -> tuple[list, list]:
    """eval's and audit's one policy: each malformed line reported with its number and skipped
    (--strict: the first is an error), then the counts; no valid example at all is an error."""
    from cantobatch.examples import load_labelled

    def report(b) -> None:
        click.echo(f"{data}:{b.line_no}: {b.reason} (skipped)", err=True)

    examples, bad = load_labelled(data, strict=strict, on_bad_line=report)
    if bad:
        click.echo(
            f"{data}: {len(examples)} example(s) read, {len(bad)} malformed line(s) skipped "
            "(--strict stops at the first)",
            err=True,
        )
    return examples, bad


@cli.command()
@click.argument("data", type=click.Path(dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finding.")
@click.option("--check", is_flag=True, help="Exit with status 1 when there is any finding.")
@strict_option
def audit(data, as_json, check, strict) -> None:
    """List the examples of DATA whose labels contradict what their text explicitly says.

    DATA is a labelled file in the user's format (poundtech101.jsonl). A finding is a canto
    numeral labelled as another canto, a range of cantos cut short, or an explicit line range
    labelled in part; each is shown with the line of DATA and the text that says otherwise.
    Malformed lines are reported with their line numbers and skipped, as by `eval`.

    \b
    Example:
      cantobatch audit training/poundtech101.jsonl
    """
    from cantobatch.audit import audit_examples

    examples, _ = _read_labelled(data, strict)
    findings = audit_examples(examples)
    for f in findings:
        if as_json:
            click.echo(json.dumps(f.as_dict(), ensure_ascii=False))
        else:
            where = f"{data}:{f.line_no}" + (f" ({f.id})" if f.id else "")
            click.echo(f"{where}: {f.kind}: {f.message}")
            click.echo(f"    evidence [{f.evidence_start}:{f.evidence_end}]: {f.evidence}")
    if not as_json:
        click.echo(f"{len(findings)} finding(s)")
    if check and findings:
        sys.exit(1)


# --- commands: eval -------------------------------------------------------------------------


@cli.command(name="eval")
@click.argument("data", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--extractor",
    "extractors",
    multiple=True,
    type=click.Choice(EXTRACTOR_NAMES),
    help="Extractor to score; repeat to compare several side by side (default: the config's).",
)
@config_option
@cantos_text_option
@llm_all_option
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, writable=True),
    callback=output_file_callback,
    help="Write every example whose prediction differs (gold, prediction, evidence) as JSONL.",
)
@strict_option
def eval_command(
    data, extractors, config_path, cantos_text, llm_all, as_json, errors_path, strict
) -> None:
    """Score extractors on labelled examples (the user's {"input","output"} JSONL).

    Prints micro precision, recall and F1 over the set of cantos and over the set of
    (canto, line) pairs per example, the exact-match rate, and the same per `kind`. With P and R,
    0/0 counts as 1.0. Malformed lines are reported with their line numbers and skipped
    (--strict: the first is an error); a file with no valid example is an error.

    \b
    Examples:
    cantobatch eval training/dev.jsonl
    cantobatch eval training/dev.jsonl --extractor rules --extractor hybrid --errors errs.jsonl
    cantobatch eval training/poundtech101.jsonl --json
    """
    from cantobatch.evaluate import evaluate, format_single, format_table, write_errors
    from cantobatch.extract.registry import build_extractor

    quote = {"cantos_text": cantos_text} if cantos_text else None
    config = build_config(config_path, None, llm_all, quote=quote)
    examples, bad = _read_labelled(data, strict)
    results = {}
    for name in extractors or (config.extractor,):
        extractor = build_extractor(name, config)
        try:
            results[name] = evaluate(extractor, examples, bad, config.llm.batch_size, name=name)
        finally:
            extractor.close()
    if errors_path:
        n = write_errors(errors_path, results.values())
        click.echo(f"{n} mismatched example(s) written to {errors_path}", err=True)
    if as_json:
        if len(results) == 1:
            payload = next(iter(results.values())).as_dict()
        else:
            payload = {name: r.as_dict() for name, r in results.items()}
        click.echo(json.dumps(payload, indent=2))
    elif len(results) == 1:
        click.echo(format_single(next(iter(results.values()))))
    else:
        click.echo(format_table(results))


@cli.command()
@click.argument("reference")
@cantos_text_option
@config_option
def lines(reference: str, cantos_text: str | None, config_path: str | None) -> None:
    """Print the lines a reference points to, each prefixed by its number.

    REFERENCE is CANTO[:LINES]: the canto in arabic or roman numerals, the lines as cited
    (5, 1-3, -1 for the last line, 4,7-9); without LINES, the whole canto.

    \b
    Example:
        cantobatch lines 1:1-3 --cantos-text texts/cantos
        cantobatch lines I:-1 --cantos-text texts/cantos
    """
    from cantobatch.poem import format_lines, load_poem_text, parse_canto, resolve_line_spec

    directory = cantos_text or load_config(config_path).quote.cantos_text
    if not directory:
        raise click.UsageError("give the poem's text with --cantos-text DIR (or quote.cantos_text)")
    canto_spec, _, line_spec = reference.partition(":")
    try:
        canto = parse_canto(canto_spec)
        poem = load_poem_text(directory)
        numbers = resolve_line_spec(poem, canto, line_spec.strip() or None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="REFERENCE") from exc
    for row in format_lines(poem, canto, numbers):
        click.echo(row)
