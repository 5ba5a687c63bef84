"""cantobatch: which passages of Pound scholarship cite which canto, and which lines."""

from cantobatch.config import Config, load_config
from cantobatch.data import Document, Extraction, Page, Passage, Reference
from cantobatch.errors import (
    CantobatchError,
    ConfigError,
    ExtractionError,
    IngestError,
    InvalidValue,
    MissingDependency,
)

__version__ = "0.1.0"

__all__ = [
    "CantobatchError",
    "Config",
    "ConfigError",
    "Document",
    "Extraction",
    "ExtractionError",
    "IngestError",
    "InvalidValue",
    "MissingDependency",
    "Page",
    "Passage",
    "Reference",
    "load_config",
]
