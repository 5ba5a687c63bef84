"""`cantobatch index`: the overnight job, its progress and its summary."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cantobatch.cli.app import (
    build_config,
    cantos_text_option,
    cli,
    config_option,
    extractor_option,
    llm_all_option,
)


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
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Unit worker processes of the local engine (default: the machine's cores).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: this machine; ray: a Ray cluster through Ray Data (pip install -e '.[ray]').",
)
@click.option(
    "--ray-address",
    default=None,
    help="The Ray cluster: auto, or ray://HEAD:10001 (default: [ray] address, else a local Ray).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Drop what is gone: let the run replace an index of another corpus in OUT, or remove "
    "more than half of its documents (refused without it; a few removed files need no flag).",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Check OUT without indexing: every finished unit's parts against the size and sha256 "
    "recorded when they were written, and stray temp files; exit 1 if anything is wrong.",
)
@click.option("--quiet", is_flag=True, help="No progress (the summary is still printed).")
@click.option("--json", "as_json", is_flag=True, help="The summary as one JSON object on stdout.")
def index(
    corpus,
    out,
    config_path,
    extractor,
    cantos_text,
    concordance,
    llm_all,
    workers,
    engine,
    ray_address,
    prune,
    verify,
    quiet,
    as_json,
):
    """Index a corpus of PDFs, HTML pages and text files into Parquet tables.

    Walks CORPUS (a directory, recursively, or a single file), reads every PDF, HTML, .txt and
    .md file (types sniffed from the bytes), splits documents into passages, extracts the cantos
    and lines they cite, and writes OUT/documents.parquet, OUT/passages.parquet,
    OUT/citations.parquet (and OUT/errors.parquet for passages whose extraction failed). Reruns
    skip finished work: an unchanged corpus costs a hash per file, a new file costs only that
    file, a killed run resumes where it stopped.

    Documents that cannot be read (encrypted, corrupt, scanned …) do not stop the run: they are
    rows of documents.parquet with their status and error, and the exit code is still 0.

    Every core is used: --workers N unit processes (default: the machine's cores; the tables are
    the same for any N). --engine ray runs the same stages on a Ray cluster (README "Many
    machines"); the corpus and OUT must then be on a filesystem every node mounts at the same path.

    OUT is protected: a run refuses (exit 1, nothing written) when OUT holds the index of another
    corpus, or when more than half of its documents are gone from CORPUS (a disk not mounted?);
    --prune lets it drop them. A few removed files are dropped without it, and the summary names
    them. Ctrl-C (or SIGTERM) stops after the unit in hand, keeps every finished unit and exits
    130; the same command resumes.

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
        cantobatch index corpora/ -o outputs/ --workers 4
        cantobatch index /shared/corpus -o /shared/out --engine ray --ray-address auto
        cantobatch index corpora/ -o outputs/ --verify
    """
    from cantobatch.engines.pool import default_workers
    from cantobatch.pipeline import run_index

    if verify:
        _verify(out)
        return
    quote = {k: v for k, v in {"cantos_text": cantos_text, "concordance": concordance}.items() if v}
    config = build_config(config_path, extractor, llm_all, quote=quote or None)
    summary = run_index(
        corpus,
        out,
        config,
        show_progress=not quiet,
        workers=workers or default_workers(),
        engine=engine,
        ray_address=ray_address,
        prune=prune,
    )
    if as_json:
        click.echo(json.dumps(_summary_record(summary, corpus, out)))
    else:
        click.echo(_summary_text(summary, out), err=True)


def _verify(out: str) -> None:
    from cantobatch.errors import DataError
    from cantobatch.pipeline import verify_index
    from cantobatch.tables import open_index

    open_index(out)  # not an index, or an interrupted one: its one line
    checked, problems = verify_index(out)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise DataError(
            f"{out}: {len(problems)} problem(s) in {checked} finished units; run the same "
            "`cantobatch index` command without --verify to redo the damaged units"
        )
    click.echo(f"{out}: {checked} finished units, every part as written")


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
        "removed_documents": summary.removed_documents,
        "repaired": summary.repaired,
        "this_run": {
            "documents_read": summary.documents_ingested,
            "documents_extracted": summary.documents_extracted,
            "passages_extracted": summary.passages_extracted,
            "prompt_tokens": summary.prompt_tokens,
            "output_tokens": summary.output_tokens,
            "llm_passages": summary.llm_passages,
            "routed": dict(summary.routed.most_common()),
            "seconds": round(summary.seconds, 3),
            "engine": summary.engine,
            "workers": summary.workers,
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
        + _removed(summary.removed_documents)
        + (
            f"repaired: {len(summary.repaired)} units whose parts were missing or damaged, redone\n"
            if summary.repaired
            else ""
        )
        + (
            f"llm: {summary.llm_passages} passages{_routes(summary)}\n"
            if summary.llm_passages
            else ""
        )
        + f"tables: {Path(out) / 'citations.parquet'} (and documents, passages)"
    )


def _removed(sources: list[str], shown: int = 10) -> str:
    """'2 documents removed: a.pdf, b.html' (files gone from the corpus, dropped from OUT)."""
    if not sources:
        return ""
    more = f" and {len(sources) - shown} more" if len(sources) > shown else ""
    noun = "document" if len(sources) == 1 else "documents"
    return f"{len(sources)} {noun} removed: {', '.join(sources[:shown])}{more}\n"


def _routes(summary) -> str:
    if not summary.routed:
        return ""
    counts = ", ".join(f"{reason} {n}" for reason, n in summary.routed.most_common())
    return f" (routed by the cascade: {counts})"
