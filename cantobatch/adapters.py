"""Inspect peft LoRA adapters: what an adapter holds, its content hash, and whether vLLM can serve
it as it is (``inspect_adapter``, ``format_report``); ``adapter_convert`` converts the parts vLLM
cannot serve into an exact equivalent.

Only safetensors, json and torch are needed here (torch lazily); transformers and peft are not.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cantobatch.errors import CantobatchError, require

PREFIX = "base_model.model."
WEIGHTS_NAME = "adapter_model.safetensors"
CONFIG_NAME = "adapter_config.json"
PROVENANCE_NAME = "cantobatch-conversion.json"
EMBEDDING_NAMES = ("lm_head", "embed_tokens")
# vLLM accepts modules_to_save only for classification heads.
VLLM_MODULES_TO_SAVE = ("classifier", "score")


class AdapterError(CantobatchError):
    """An adapter directory is unreadable, or holds something this converter cannot handle."""


@dataclass(frozen=True)
class ModuleWeights:
    """What an adapter stores for one module of the base model."""

    module: str  # module path in the base model, e.g. "model.layers.0.self_attn.q_proj"
    kind: (
        str  # "lora" | "embedding_lora" | "full" (modules_to_save) | "base_copy" | "dora" | "other"
    )
    rank: int | None  # LoRA rank read from the weights (None for full weights)
    shapes: dict[str, list[int]]  # tensor name (lora_A, lora_B, weight …) → shape
    dtype: str

    @property
    def suffix(self) -> str:
        return self.module.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class AdapterReport:
    """What an adapter contains, and whether vLLM can serve it as it is."""

    path: str
    base_model: str | None
    peft_type: str
    r: int
    lora_alpha: float
    use_rslora: bool
    use_dora: bool
    target_modules: tuple[str, ...] | str
    modules_to_save: tuple[str, ...]
    weights_file: str
    modules: tuple[ModuleWeights, ...]
    dtypes: tuple[str, ...]
    has_lm_head_lora: bool
    has_embed_tokens_lora: bool
    has_lm_head_full: bool
    has_embed_tokens_full: bool
    base_copies: tuple[
        str, ...
    ]  # modules whose full base weight peft saved (save_embedding_layers)
    servable_by_vllm: bool
    reasons: tuple[str, ...]  # why not (empty when servable)
    convertible: bool
    adapter_hash: str
    rank_pattern: dict[str, int] = field(default_factory=dict)
    alpha_pattern: dict[str, float] = field(default_factory=dict)

    def ranks(self) -> dict[str, int]:
        """Rank per LoRA module path."""
        return {m.module: m.rank for m in self.modules if m.rank is not None}

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ranks"] = self.ranks()
        return data


# --- reading ---------------------------------------------------------------------------------


def _torch():
    return require("torch", "cpu", "adapter conversion")


def _safetensors_torch():
    return require("safetensors.torch", "cpu", "adapter conversion")


def _read_config(path: Path) -> dict:
    config_file = path / CONFIG_NAME
    if not config_file.is_file():
        raise AdapterError(
            f"{path} is not a peft adapter: {CONFIG_NAME} is missing; point at the directory "
            "that peft's save_pretrained wrote"
        )
    try:
        return json.loads(config_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AdapterError(f"{config_file} is not valid JSON ({exc}); re-save the adapter") from exc


def _weights_file(path: Path) -> Path:
    for name in (WEIGHTS_NAME, "adapter_model.bin", "adapter_model.pt"):
        if (path / name).is_file():
            return path / name
    raise AdapterError(
        f"{path} has {CONFIG_NAME} but no adapter_model.safetensors or adapter_model.bin; "
        "the adapter's weights are missing"
    )


def _load_tensors(weights: Path) -> dict:
    """All tensors of an adapter weights file (safetensors, or a torch pickle read weights-only)."""
    if weights.suffix == ".safetensors":
        return _safetensors_torch().load_file(str(weights))
    torch = _torch()
    return torch.load(str(weights), map_location="cpu", weights_only=True)


def _tensor_meta(weights: Path) -> dict[str, tuple[list[int], str]]:
    """name → (shape, dtype) without loading tensor data where the format allows."""
    if weights.suffix == ".safetensors":
        with open(weights, "rb") as fh:
            size = int.from_bytes(fh.read(8), "little")
            header = json.loads(fh.read(size))
        header.pop("__metadata__", None)
        return {k: (v["shape"], v["dtype"]) for k, v in header.items()}
    return {k: (list(t.shape), str(t.dtype)) for k, t in _load_tensors(weights).items()}


def adapter_hash(path: str | Path) -> str:
    """A content hash (16 hex digits of a sha256) of a LoRA adapter directory: the names and bytes
    of ``adapter_config.json`` and every ``adapter_model*`` weights file, read in full. It names
    the adapter in citation rows, the LLM cache, merged models and conversions."""
    path = Path(path)
    if not path.is_dir() or not (path / CONFIG_NAME).is_file():
        raise AdapterError(
            f"adapter {path} is not a LoRA adapter directory (no {CONFIG_NAME}); point "
            f"llm.adapter at a peft adapter, or convert one with `cantobatch adapter convert`"
        )
    digest = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file()):
        if file.name == CONFIG_NAME or file.name.startswith("adapter_model"):
            digest.update(file.name.encode() + b"\0")
            with open(file, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 22), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def _split_key(key: str) -> tuple[str, str]:
    """'base_model.model.X.lora_A.weight' → ('X', 'lora_A'); ('X', 'weight') for full weights."""
    name = key[len(PREFIX) :] if key.startswith(PREFIX) else key
    for tail in (
        ".lora_A.weight",
        ".lora_B.weight",
        ".lora_A.bias",
        ".lora_B.bias",
        ".base_layer.weight",
        ".base_layer.bias",
        ".lora_magnitude_vector.weight",
    ):
        if name.endswith(tail):
            return name[: -len(tail)], tail[1:].removesuffix(".weight")
    for tail in (".lora_embedding_A", ".lora_embedding_B", ".lora_magnitude_vector"):
        if name.endswith(tail):
            return name[: -len(tail)], tail[1:]
    module, _, param = name.rpartition(".")
    return module, param


def _matches_suffix(module: str, names) -> bool:
    return any(module == n or module.endswith("." + n) for n in names)


def _group_modules(meta: dict[str, tuple[list[int], str]], modules_to_save) -> list[ModuleWeights]:
    grouped: dict[str, dict[str, tuple[list[int], str]]] = {}
    for key, value in meta.items():
        module, part = _split_key(key)
        grouped.setdefault(module, {})[part] = value
    out = []
    for module in sorted(grouped):
        parts = grouped[module]
        shapes = {p: list(s) for p, (s, _) in parts.items()}
        dtype = sorted({d for _, d in parts.values()})[0]
        rank = None
        if "lora_magnitude_vector" in parts:
            kind = "dora"
        elif "lora_embedding_A" in parts:
            kind, rank = "embedding_lora", shapes["lora_embedding_A"][0]
        elif "lora_A" in parts or "lora_B" in parts:
            kind = "lora"
            rank = shapes["lora_A"][0] if "lora_A" in parts else shapes["lora_B"][1]
        elif all(p.startswith("base_layer") for p in parts):
            kind = "base_copy"
        elif modules_to_save and _matches_suffix(module, modules_to_save):
            kind = "full"
        else:
            kind = "other"
        copies = {p: s for p, s in shapes.items() if p.startswith("base_layer")}
        if kind in ("lora", "embedding_lora") and copies:
            # peft's save_embedding_layers: a full copy of the base weight next to the delta
            out.append(ModuleWeights(module, "base_copy", None, copies, dtype))
            shapes = {p: s for p, s in shapes.items() if p not in copies}
        out.append(ModuleWeights(module, kind, rank, shapes, dtype))
    return out


def inspect_adapter(path: str | Path) -> AdapterReport:
    """Read an adapter directory and say what it holds and whether vLLM can serve it unchanged.

    ``servable_by_vllm`` is False when a vLLM the project supports may refuse the adapter: LoRA on
    lm_head/embed_tokens (accepted only for architectures that declare them — vLLM 0.32 serves it on
    Llama but rejects it on Mistral, zephyr-7b-beta's architecture), the base-weight copies peft
    saves with them (some releases reject ``lm_head.base_layer.weight``), modules_to_save other
    than classification heads (always rejected), DoRA and LoRA biases.
    """
    path = Path(path)
    config = _read_config(path)
    weights = _weights_file(path)
    modules_to_save = tuple(config.get("modules_to_save") or ())
    modules = _group_modules(_tensor_meta(weights), modules_to_save)
    peft_type = str(config.get("peft_type", "")).upper()

    def has(kind: str, name: str) -> bool:
        return any(m.kind == kind and m.suffix == name for m in modules)

    lm_lora = has("lora", "lm_head") or has("embedding_lora", "lm_head")
    embed_lora = has("lora", "embed_tokens") or has("embedding_lora", "embed_tokens")
    base_copies = tuple(m.module for m in modules if m.kind == "base_copy")
    reasons: list[str] = []
    blockers: list[str] = []
    if peft_type != "LORA":
        blockers.append(f"peft_type {peft_type or '?'}: only LoRA adapters are served by vLLM")
    if lm_lora:
        reasons.append(
            "lm_head: LoRA weights on lm_head; vLLM serves them only for architectures that "
            "declare lm_head a LoRA module (vLLM 0.32: LlamaForCausalLM does, MistralForCausalLM "
            "— zephyr-7b-beta — does not and rejects the adapter) — convert: merge the delta into "
            "the base copy"
        )
    if embed_lora:
        reasons.append(
            "embed_tokens: LoRA weights on embed_tokens; served only for architectures that "
            "declare it (not MistralForCausalLM) — convert: merge the delta into the base copy"
        )
    if base_copies:
        reasons.append(
            "base_layer copies: peft saved full base weights of "
            f"{', '.join(base_copies)} (save_embedding_layers); some vLLM releases fail with "
            "'lm_head.base_layer.weight is unsupported LoRA weight' (vllm-project/vllm#32599) — "
            "convert drops them"
        )
    unsupported_mts = [m for m in modules_to_save if m not in VLLM_MODULES_TO_SAVE]
    if unsupported_mts:
        reasons.append(
            f"modules_to_save: {', '.join(unsupported_mts)} (full trained copies of whole modules); "
            "vLLM accepts modules_to_save only for classifier/score heads — convert: write them "
            "into the base copy"
        )
    if config.get("use_dora") or any(m.kind == "dora" for m in modules):
        blockers.append("DoRA: vLLM does not serve DoRA adapters (merge the adapter instead)")
    if config.get("lora_bias") or any("lora_B.bias" in m.shapes for m in modules):
        blockers.append("lora_bias: vLLM does not serve LoRA biases")
    if config.get("trainable_token_indices"):
        blockers.append("trainable_token_indices: vLLM does not serve trainable tokens")
    others = [m.module for m in modules if m.kind == "other"]
    if others:
        blockers.append(f"unrecognised weights for {', '.join(others[:5])}")
    target = config.get("target_modules")
    target_modules = target if isinstance(target, str) else tuple(sorted(target or ()))
    return AdapterReport(
        path=str(path),
        base_model=config.get("base_model_name_or_path"),
        peft_type=peft_type,
        r=int(config.get("r", 0) or 0),
        lora_alpha=float(config.get("lora_alpha", 0) or 0),
        use_rslora=bool(config.get("use_rslora")),
        use_dora=bool(config.get("use_dora")),
        target_modules=target_modules,
        modules_to_save=modules_to_save,
        weights_file=weights.name,
        modules=tuple(modules),
        dtypes=tuple(sorted({m.dtype for m in modules})),
        has_lm_head_lora=lm_lora,
        has_embed_tokens_lora=embed_lora,
        has_lm_head_full=has("full", "lm_head"),
        has_embed_tokens_full=has("full", "embed_tokens"),
        base_copies=base_copies,
        servable_by_vllm=not reasons and not blockers,
        reasons=tuple(blockers + reasons),
        convertible=not blockers,
        adapter_hash=adapter_hash(path),
        rank_pattern=dict(config.get("rank_pattern") or {}),
        alpha_pattern=dict(config.get("alpha_pattern") or {}),
    )


def _pattern_value(patterns: dict, module: str, default):
    """peft's rank_pattern/alpha_pattern lookup: a key matches a module path's dotted tail."""
    for key, value in patterns.items():
        if re.match(rf"(.*\.)?({key})$", module):
            return value
    return default


def lora_scaling(config: dict, module: str, rank: int) -> float:
    """The factor peft multiplies B @ A by for ``module``: alpha/r, or alpha/sqrt(r) with rsLoRA."""
    r = _pattern_value(config.get("rank_pattern") or {}, module, config.get("r"))
    alpha = _pattern_value(config.get("alpha_pattern") or {}, module, config.get("lora_alpha"))
    if r != rank:
        raise AdapterError(
            f"{module}: the adapter config says rank {r} but its weights have rank {rank}; "
            "the adapter_config.json does not belong to these weights"
        )
    return float(alpha) / math.sqrt(r) if config.get("use_rslora") else float(alpha) / r


def format_report(report: AdapterReport) -> str:
    """A human-readable summary: header, one row per (module name, kind, rank), verdict."""
    targets = report.target_modules
    lines = [
        f"adapter          {report.path}",
        f"base model       {report.base_model or '-'}",
        f"type             {report.peft_type}  r={report.r}  alpha={report.lora_alpha:g}  "
        f"rslora={'yes' if report.use_rslora else 'no'}  dora={'yes' if report.use_dora else 'no'}",
        f"target_modules   {targets if isinstance(targets, str) else ', '.join(targets) or '-'}",
        f"modules_to_save  {', '.join(report.modules_to_save) or '-'}",
        f"weights          {report.weights_file} ({', '.join(report.dtypes)})",
        f"sha256           {report.adapter_hash}",
        "",
        f"{'module':<16} {'kind':<15} {'rank':>4} {'count':>5}  shapes",
    ]
    groups: dict[tuple, list[ModuleWeights]] = {}
    for module in report.modules:
        groups.setdefault((module.suffix, module.kind, module.rank), []).append(module)
    for (suffix, kind, rank), members in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1])):
        shapes = ", ".join(f"{p} {'x'.join(map(str, s))}" for p, s in members[0].shapes.items())
        rank_text = "-" if rank is None else str(rank)
        lines.append(f"{suffix:<16} {kind:<15} {rank_text:>4} {len(members):>5}  {shapes}")
    lines.append("")
    lines.append(f"servable by vLLM: {'yes' if report.servable_by_vllm else 'no'}")
    lines.extend(f"  - {reason}" for reason in report.reasons)
    if not report.servable_by_vllm:
        lines.append(
            "convertible: yes (cantobatch adapter convert PATH --base MODEL -o DIR)"
            if report.convertible
            else "convertible: no"
        )
    return "\n".join(lines)
