"""One error hierarchy. Messages name the thing, the cause and the fix."""

from __future__ import annotations


class CantobatchError(Exception):
    """Root of every error cantobatch raises on purpose."""


class ConfigError(CantobatchError):
    """A configuration file, option or combination of options is invalid."""


class IngestError(CantobatchError):
    """A document could not be read. Carries a machine-readable status."""

    def __init__(self, message: str, status: str = "error") -> None:
        super().__init__(message)
        self.status = status


class ExtractionError(CantobatchError):
    """An extractor could not be built or could not run at all (not a per-passage failure)."""


class InvalidValue(CantobatchError, ValueError):
    """A value given as text or by name (a numeral, a canto or line spec, a prompt format, an
    LLM's answer) is not one cantobatch can read. Also a ValueError, as Python's parsers raise."""


class DataError(CantobatchError):
    """A labelled data file or an index directory is malformed."""


class RunLockedError(CantobatchError):
    """Another run holds the output directory."""


class IndexProtected(CantobatchError):
    """A run would replace or empty an existing index (another corpus, most documents gone)."""


class DiskFull(CantobatchError):
    """The output folder's disk (or the process's file size limit) is full; finished units stay."""


class RunInterrupted(CantobatchError):
    """The run stopped on Ctrl-C or SIGTERM; its finished units are kept (exit code 130)."""

    exit_code = 130

    def __init__(self, done: int, total: int) -> None:
        super().__init__(
            f"interrupted: {done} of {total} documents done; rerun the same command to resume"
        )
        self.done, self.total = done, total


class MissingDependency(CantobatchError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, module: str, extra: str, purpose: str = "") -> None:
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(
            f"the optional dependency {module!r} is not installed{what}; "
            f"install the {extra} extra: pip install -e '.[{extra}]'"
        )
        self.module = module
        self.extra = extra


def require(module: str, extra: str, purpose: str = ""):
    """Import ``module`` or raise MissingDependency naming the extra that provides it (and the
    module that is missing: ``module`` itself or one it imports)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency(getattr(exc, "name", None) or module, extra, purpose) from exc
