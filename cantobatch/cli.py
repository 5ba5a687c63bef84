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

# --- commands: lines ------------------------------------------------------------------------

# --- commands: mine, train ------------------------------------------------------------------


def main() -> None:  # pragma: no cover
    cli(prog_name="cantobatch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
