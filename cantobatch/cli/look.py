"""Looking at an index: `query`, `stats` and `report`."""

from __future__ import annotations

import json
import sys

import click

from cantobatch.cli.app import (
    cli,
)


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
    never cited), per published section of the poem, and per document. An index built with
    policy "cascade" also shows how many passages were routed to the LLM, by reason.

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
