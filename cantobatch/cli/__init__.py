"""The command line. It only translates: options → config → library call → output and exit code.

`app` holds the group and the shared options; each module beside it registers its commands on
import: `indexing` (index), `look` (query, stats, report), `texts` (extract, audit, eval, lines),
`learn` (models, adapter, mine, train).
"""

from __future__ import annotations

from cantobatch.cli import indexing, learn, look, texts  # noqa: F401  (registers the commands)
from cantobatch.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:  # pragma: no cover
    cli(prog_name="cantobatch")
