"""The `cantobatch` group, its error handling and the options several commands share."""

from __future__ import annotations

from pathlib import Path

import click

from cantobatch import __version__
from cantobatch.config import EXTRACTOR_NAMES, Config, load_config
from cantobatch.errors import CantobatchError, RunInterrupted


class _Group(click.Group):
    """Turns every CantobatchError into a one-line message and exit code 1, in one place (an
    interrupted run: its line, exit code 130)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RunInterrupted as exc:
            click.echo(str(exc), err=True)
            ctx.exit(exc.exit_code)
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


def build_config(
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


def output_file_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
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
