"""Run configuration: frozen dataclasses loaded from TOML (configs/*.toml), validated on creation."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from cantobatch.errors import ConfigError

# The names several modules need (the CLI's choices, validation, the extractors), listed once.
EXTRACTOR_NAMES = ("rules", "llm", "hybrid", "quote")
LLM_EXTRACTORS = ("llm", "hybrid")  # the extractors that run the LLM (batched by llm.batch_size)
# "cascade": the grammar on every passage, the LLM only on those the router sends it (merged by
# "grounded"); the others merge every passage's two answers
MERGE_POLICIES = ("confirm", "grounded", "union", "rules_first", "intersection", "cascade")
PROMPT_FORMATS = ("chat", "poundtech")  # "poundtech": the seed adapter's format


def cantobatch_home() -> Path:
    """Cache directory for models, merged adapters and LLM results ($CANTOBATCH_HOME)."""
    return Path(os.environ.get("CANTOBATCH_HOME", Path.home() / ".cache" / "cantobatch"))


@dataclass(frozen=True)
class IngestConfig:
    # Per-file parse limit (PDF, HTML, text): one pathological file cannot hang the night.
    parse_timeout_s: float = 60.0
    max_pages: int = 5000  # above this a PDF is refused as too_many_pages
    max_bytes: int = 512 * 1024 * 1024
    strip_headers: bool = True  # remove running headers/footers/page numbers repeated across pages
    columns: bool = True  # PDF pages in reading order from character boxes: columns, footnotes
    # Passages of one document extracted and written at a time: a huge page's citations are
    # streamed to its parts in pieces this size, so memory stays bounded (not part of the ids).
    stream_passages: int = 2000

    def __post_init__(self) -> None:
        if self.parse_timeout_s <= 0:
            raise ConfigError("ingest.parse_timeout_s must be positive")
        if self.max_pages < 1:
            raise ConfigError("ingest.max_pages must be at least 1")
        if self.stream_passages < 1:
            raise ConfigError("ingest.stream_passages must be at least 1")


@dataclass(frozen=True)
class SplitConfig:
    # ~1,500 chars ≈ 400 tokens: with the prompt and answer it fits a 7B model's 4k context with room.
    max_chars: int = 1500
    overlap_chars: int = 150  # carried over from the previous passage, cut at a sentence start
    min_chars: int = 20  # shorter passages (stray headings) are merged into a neighbour

    def __post_init__(self) -> None:
        if self.max_chars < 100:
            raise ConfigError("split.max_chars must be at least 100")
        if not 0 <= self.overlap_chars < self.max_chars // 2:
            raise ConfigError("split.overlap_chars must be >= 0 and below half of split.max_chars")


@dataclass(frozen=True)
class LLMConfig:
    model: str = "smollm2"  # a local directory, a hub id, or a name known to `cantobatch models`
    adapter: str | None = None  # LoRA adapter directory
    prompt_format: str = "chat"  # "poundtech" (the seed adapter's format) or "chat"
    serve: str = "merged"  # "lora" (LoRARequest per batch) or "merged" (adapter merged into a copy)
    max_tokens: int = 96
    retry_max_tokens: int = 384
    batch_size: int = 256  # passages submitted to the engine at once
    dtype: str = "bfloat16"
    max_model_len: int = 2048
    gpu_memory_utilization: float = 0.85
    enforce_eager: bool = True
    max_lora_rank: int = 16
    quantization: str | None = None  # e.g. "bitsandbytes" for 4-bit on a GPU
    kv_cache_gib: int = 2  # VLLM_CPU_KVCACHE_SPACE on CPU
    seed: int = 0
    cache: bool = True  # result cache keyed by passage text, model, adapter, prompt, decoding
    cache_path: str | None = None  # SQLite file; default $CANTOBATCH_HOME/llm-cache.sqlite
    # "seed": a grammar for exactly the seed file's JSON layout ({"canto": 1, "lines": [1]}, the
    # spacing the user's adapter and the chat examples use); "compact": the JSON schema, no spaces.
    json_style: str = "seed"

    def __post_init__(self) -> None:
        if self.prompt_format not in PROMPT_FORMATS:
            raise ConfigError(
                f"llm.prompt_format must be 'poundtech' or 'chat', not {self.prompt_format!r}"
            )
        if self.serve not in ("lora", "merged"):
            raise ConfigError(f"llm.serve must be 'lora' or 'merged', not {self.serve!r}")
        if self.max_tokens < 8 or self.retry_max_tokens < self.max_tokens:
            raise ConfigError("llm.max_tokens must be >= 8 and llm.retry_max_tokens >= max_tokens")
        if self.batch_size < 1:
            raise ConfigError("llm.batch_size must be at least 1")
        if self.json_style not in ("seed", "compact"):
            raise ConfigError(
                f"llm.json_style must be 'seed' or 'compact', not {self.json_style!r}"
            )


@dataclass(frozen=True)
class MergeConfig:
    # How rules and LLM results combine; chosen from measured dev-set precision/recall (see README).
    # "cascade": the LLM reads only the passages the router sends it (extract/cascade.py).
    policy: str = (
        "confirm"  # "confirm", "grounded", "union", "rules_first", "intersection", "cascade"
    )

    def __post_init__(self) -> None:
        if self.policy not in MERGE_POLICIES:
            raise ConfigError(
                f"merge.policy {self.policy!r} is not one of {', '.join(MERGE_POLICIES)}"
            )


@dataclass(frozen=True)
class QuoteConfig:
    cantos_text: str | None = None  # directory with one file per canto, one poem line per file line
    min_words: int = 5  # a quotation shorter than this many words does not count
    min_score: float = 0.8
    concordance: str | None = None  # CSV: edition, canto, page, first_line, last_line
    edition: str | None = None

    def __post_init__(self) -> None:
        if self.min_words < 2:
            raise ConfigError("quote.min_words must be at least 2")
        if not 0 < self.min_score <= 1:
            raise ConfigError("quote.min_score must be in (0, 1]")


@dataclass(frozen=True)
class RayConfig:
    """``index --engine ray``: the cluster and how the stages use it (README "Many machines")."""

    address: str | None = None  # None: a local Ray on this machine; "auto"; "ray://head:10001"
    cpus_per_reader: float = 1.0  # CPUs a read+split task reserves (its parse process is one core)
    batch_size: int = (
        16  # documents per extraction batch (an LLM actor sees their passages at once)
    )
    gpu_actors: int = 0  # LLM extractors: one actor per GPU, each with its own vLLM engine (0: CPU)
    cpu_actors: int = 0  # rules, quote: Ray tasks at once (0: one per CPU of the cluster)

    def __post_init__(self) -> None:
        if self.cpus_per_reader <= 0:
            raise ConfigError("ray.cpus_per_reader must be positive")
        if self.batch_size < 1:
            raise ConfigError("ray.batch_size must be at least 1")
        if self.gpu_actors < 0 or self.cpu_actors < 0:
            raise ConfigError("ray.gpu_actors and ray.cpu_actors must be >= 0")


@dataclass(frozen=True)
class Config:
    extractor: str = "rules"
    ingest: IngestConfig = field(default_factory=IngestConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    merge: MergeConfig = field(default_factory=MergeConfig)
    quote: QuoteConfig = field(default_factory=QuoteConfig)
    ray: RayConfig = field(default_factory=RayConfig)
    source: str | None = None  # the file this config was read from

    def __post_init__(self) -> None:
        if self.extractor not in EXTRACTOR_NAMES:
            raise ConfigError(
                f"extractor {self.extractor!r} is unknown; choose one of {', '.join(EXTRACTOR_NAMES)}"
            )

    def with_overrides(self, **sections: dict[str, Any] | Any) -> Config:
        """Copy with top-level values or section dicts replaced: ``with_overrides(llm={"adapter": p})``."""
        changes: dict[str, Any] = {}
        for key, value in sections.items():
            if value is None:
                continue
            current = getattr(self, key)
            if dataclasses.is_dataclass(current) and isinstance(value, dict):
                changes[key] = _build(
                    type(current), {**dataclasses.asdict(current), **value}, f"[{key}]"
                )
            else:
                changes[key] = value
        return replace(self, **changes)


_SECTIONS = {
    "ingest": IngestConfig,
    "split": SplitConfig,
    "llm": LLMConfig,
    "merge": MergeConfig,
    "quote": QuoteConfig,
    "ray": RayConfig,
}


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"{where} has unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    check_types(cls, values, where)
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


_EXPECTED = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def check_types(cls: type, values: dict[str, Any], where: str) -> None:
    """Raise ConfigError naming the key and the expected type for a value of the wrong type.

    The types are the dataclass's annotations; an integer is a number, a boolean is not an integer.
    """
    hints = typing.get_type_hints(cls)
    for name, value in values.items():
        hint = hints.get(name)
        if hint is None or hint is Any:
            continue
        union = typing.get_origin(hint) in (types.UnionType, typing.Union)
        options = typing.get_args(hint) if union else (hint,)
        if value is None and type(None) in options:
            continue  # an optional field left unset
        kinds = [k for k in options if k is not type(None)]
        if any(_fits(value, kind) for kind in kinds):
            continue
        expected = " or ".join(_EXPECTED.get(k, f"a {getattr(k, '__name__', k)}") for k in kinds)
        raise ConfigError(f"{where} {name}: expected {expected}, got {_describe(value)}")


def _fits(value: Any, kind: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind in (int, float):
        numbers = (int,) if kind is int else (int, float)
        return isinstance(value, numbers) and not isinstance(value, bool)
    return isinstance(value, typing.get_origin(kind) or kind)


def _describe(value: Any) -> str:
    """A TOML value as a person reads it: ``the string '8'``, ``the boolean true``."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, list):
        return f"the array {value!r}"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "no value"
    return f"the {type(value).__name__} {value}"


def load_config(path: str | Path | None = None) -> Config:
    """Read a TOML config. Relative paths inside it are resolved against the file's directory's parent
    when they exist there, so configs/*.toml can name ``training/...`` or ``adapters/...``."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    top: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: [{key}] must be a table")
            top[key] = _build(_SECTIONS[key], _resolve_paths(value, path), f"{path} [{key}]")
        elif key == "extractor":
            check_types(Config, {key: value}, str(path))
            top[key] = value
        else:
            raise ConfigError(
                f"{path}: unknown key {key!r}; known: extractor, {', '.join(_SECTIONS)}"
            )
    return Config(source=str(path), **top)


_PATH_KEYS = {"adapter", "cantos_text", "concordance", "model"}


def _resolve_paths(section: dict[str, Any], config_path: Path) -> dict[str, Any]:
    out = dict(section)
    for key in _PATH_KEYS & out.keys():
        value = out[key]
        if isinstance(value, str) and not Path(value).is_absolute():
            for base in (config_path.parent, config_path.parent.parent):
                candidate = base / value
                if candidate.exists():
                    out[key] = str(candidate.resolve())
                    break
    return out
