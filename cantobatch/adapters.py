"""Inspect peft LoRA adapters and convert the parts vLLM cannot serve into an exact equivalent.

A peft adapter may carry things vLLM's LoRA loader refuses or that only some vLLM builds accept:
LoRA deltas on ``lm_head``/``embed_tokens`` (and the full ``base_layer`` copies peft saves beside
them), and ``modules_to_save`` (full trained copies of whole modules). ``convert_adapter`` moves all
of those into a copy of the base model, where they are exact:

    lm_head' = W + scaling * (B @ A)        scaling = alpha / r  (alpha / sqrt(r) with rsLoRA)

untying ``lm_head`` from the input embeddings when the base ties them, and writes a new adapter that
holds only the remaining LoRA deltas (q_proj, v_proj …). Serving base' + adapter' gives the same
logits as peft serving base + adapter, up to the base's dtype rounding of the merged weights.

Only safetensors, json and torch are needed here (torch lazily); transformers and peft are not.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import time
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


@dataclass(frozen=True)
class ConvertResult:
    """Where a conversion wrote the servable pair, and what it moved into the base."""

    out_dir: Path
    base_dir: Path  # the base model copy with merged weights
    adapter_dir: Path | None  # None when no LoRA delta was left (serve the base alone)
    merged_lora: tuple[str, ...]  # modules whose LoRA delta went into the base
    replaced_full: tuple[str, ...]  # modules_to_save written into the base
    untied: bool
    source_hash: str
    reused: bool = False  # an existing identical conversion was found and returned


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
    """sha256 over the adapter's config and weights file: names an adapter by its content."""
    path = Path(path)
    digest = hashlib.sha256()
    for file in (path / CONFIG_NAME, _weights_file(path)):
        digest.update(file.name.encode() + b"\0")
        with open(file, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


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


# --- converting ------------------------------------------------------------------------------


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


class _BaseWeights:
    """Tensor names, files and dtypes of a base model directory in safetensors format."""

    def __init__(self, base_dir: Path) -> None:
        self.dir = base_dir
        self.index_file = base_dir / "model.safetensors.index.json"
        if self.index_file.is_file():
            self.index = json.loads(self.index_file.read_text(encoding="utf-8"))
            self.weight_map: dict[str, str] = dict(self.index["weight_map"])
        elif (base_dir / "model.safetensors").is_file():
            self.index = None
            meta = _tensor_meta(base_dir / "model.safetensors")
            self.weight_map = dict.fromkeys(meta, "model.safetensors")
        else:
            raise AdapterError(
                f"base model {base_dir} has no model.safetensors(.index.json); conversion needs "
                "a safetensors checkpoint (re-save the model with save_pretrained)"
            )

    def dtype(self, key: str):
        torch = _torch()
        names = {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32}
        _, dtype = _tensor_meta(self.dir / self.weight_map[key])[key]
        return names[dtype] if dtype in names else self.get(key).dtype

    def get(self, key: str):
        safe_open = require("safetensors", "cpu", "adapter conversion").safe_open
        with safe_open(str(self.dir / self.weight_map[key]), framework="pt") as fh:
            return fh.get_tensor(key)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resolve_base(base: str | Path) -> Path:
    local = Path(base).expanduser()
    if not local.is_dir():
        from cantobatch.models import ensure_model

        resolved = ensure_model(str(base))
        if not isinstance(resolved, Path):
            raise AdapterError(
                f"base model {base!r} is not a local directory; conversion writes a copy of the "
                "base, so download it first (e.g. huggingface-cli download "
                f"{base} --local-dir models/base) and pass that directory"
            )
        local = resolved
    if not (local / "config.json").is_file():
        raise AdapterError(f"base model directory {local} has no config.json")
    return local.resolve()


def _link_or_copy(src: Path, dst: Path) -> None:
    """Unchanged base files are hard-linked (never written to afterwards), else copied."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _existing(
    out_dir: Path, source_hash: str, base_dir: Path, merged_dtype: str
) -> ConvertResult | None:
    prov_file = out_dir / PROVENANCE_NAME
    if not prov_file.is_file():
        return None
    prov = _read_json(prov_file)
    same = (
        prov.get("source_hash") == source_hash
        and prov.get("base") == str(base_dir)
        and prov.get("base_config_sha256") == _file_sha256(base_dir / "config.json")
        and prov.get("merged_dtype") == merged_dtype
    )
    if not same:
        return None
    return ConvertResult(
        out_dir=out_dir,
        base_dir=out_dir / "base",
        adapter_dir=out_dir / "adapter" if prov.get("adapter_written") else None,
        merged_lora=tuple(prov["merged_lora"]),
        replaced_full=tuple(prov["replaced_full"]),
        untied=bool(prov["untied"]),
        source_hash=source_hash,
        reused=True,
    )


def convert_adapter(
    path: str | Path,
    base: str | Path,
    out_dir: str | Path,
    overwrite: bool = False,
    merged_dtype: str = "float32",
) -> ConvertResult:
    """Write ``out_dir/base`` (base + lm_head/embedding deltas + modules_to_save) and
    ``out_dir/adapter`` (the remaining LoRA deltas) so that vLLM serves exactly what peft serves.

    ``merged_dtype``: "float32" stores the changed tensors (W + ΔW, saved full weights) in float32,
    so the conversion itself rounds nothing (a bf16 W + ΔW flips near-tied greedy tokens; the
    server still casts to its own dtype); "base" stores them in the base's dtype (smaller).

    Idempotent: an ``out_dir`` already converted from the same adapter bytes and base is reused.
    """
    if merged_dtype not in ("float32", "base"):
        raise AdapterError(f"merged_dtype must be 'float32' or 'base', not {merged_dtype!r}")
    torch = _torch()
    st = _safetensors_torch()
    path = Path(path)
    out_dir = Path(out_dir).expanduser().resolve()
    report = inspect_adapter(path)
    if not report.convertible:
        raise AdapterError(f"cannot convert {path}: {'; '.join(report.reasons)}")
    base_dir = _resolve_base(base)
    found = _existing(out_dir, report.adapter_hash, base_dir, merged_dtype)
    if found is not None:
        return found
    if out_dir.exists() and not overwrite:
        raise AdapterError(
            f"{out_dir} exists and holds another conversion; choose a new -o directory or "
            "pass --overwrite"
        )

    config = _read_config(path)
    tensors = _load_tensors(_weights_file(path))
    parts: dict[str, dict] = {}
    for key, tensor in tensors.items():
        module, part = _split_key(key)
        parts.setdefault(module, {})[part] = tensor
    kinds = {m.module: m.kind for m in report.modules if m.kind != "base_copy"}

    weights = _BaseWeights(base_dir)
    base_config = _read_json(base_dir / "config.json")
    embed_keys = [k for k in weights.weight_map if k.endswith("embed_tokens.weight")]
    lm_key = "lm_head.weight"
    tied = bool(base_config.get("tie_word_embeddings")) or lm_key not in weights.weight_map
    if tied and len(embed_keys) != 1:
        raise AdapterError(
            f"base model {base_dir} ties lm_head to the input embeddings but its input embedding "
            "is not one '*embed_tokens.weight' tensor; this architecture is not supported"
        )
    embed_key = embed_keys[0] if embed_keys else None

    def base_key(module: str, param: str = "weight") -> str:
        key = f"{module}.{param}"
        if key not in weights.weight_map and not (tied and key == lm_key):
            raise AdapterError(
                f"the adapter changes {module} but the base model {base_dir} has no tensor {key}; "
                "is --base the model this adapter was trained on?"
            )
        return key

    new: dict[str, object] = {}  # base tensor name → new value (fp32 while being built)

    def current(key: str):
        if key in new:
            return new[key]
        if tied and key == lm_key:
            return new[embed_key] if embed_key in new else weights.get(embed_key).float()
        return weights.get(key).float()

    # 1. peft loads the base-weight copies it saved into the model (into both, when tied).
    copies_used = []
    for module, tparts in sorted(parts.items()):
        for part, tensor in tparts.items():
            if not part.startswith("base_layer"):
                continue
            param = part.split(".", 1)[1] if "." in part else "weight"
            key = base_key(module, param)
            value = tensor.float()
            if tied and key in (lm_key, embed_key):
                for shared in (lm_key, embed_key):
                    if shared in new and not torch.equal(new[shared], value):
                        raise AdapterError(
                            f"{path} holds two different base copies of the tied embeddings "
                            "(lm_head and embed_tokens); peft's result depends on load order"
                        )
                    new[shared] = value
            else:
                new[key] = value
            copies_used.append(key)

    # 2. LoRA deltas on lm_head / embed_tokens are merged into the copy.
    merged, scaling = [], {}
    for module, kind in kinds.items():
        if module.rsplit(".", 1)[-1] not in EMBEDDING_NAMES or kind not in (
            "lora",
            "embedding_lora",
        ):
            continue
        tparts = parts[module]
        if kind == "lora":
            a, b = tparts["lora_A"].float(), tparts["lora_B"].float()
            delta = b @ a  # (out, in) like nn.Linear.weight
            if config.get("fan_in_fan_out"):
                delta = delta.T
        else:
            a, b = tparts["lora_embedding_A"].float(), tparts["lora_embedding_B"].float()
            delta = (b @ a).T  # peft's Embedding delta: (num_embeddings, embedding_dim)
        scaling[module] = lora_scaling(config, module, a.shape[0])
        key = base_key(module)
        new[key] = current(key) + scaling[module] * delta
        merged.append(module)

    # 3. modules_to_save: their saved full weights replace the base's.
    replaced = []
    for module, kind in kinds.items():
        if kind != "full":
            continue
        for param, tensor in parts[module].items():
            new[base_key(module, param)] = tensor.float()
        replaced.append(module)

    untie = tied and any(k in new for k in (lm_key, embed_key))
    if untie and lm_key not in new:
        new[lm_key] = current(lm_key)  # the embeddings changed, lm_head keeps the original

    # The dtype each tensor has in the base (lm_head takes the embeddings' dtype), or float32.
    def out_dtype(key: str):
        if merged_dtype == "float32":
            return torch.float32
        return weights.dtype(embed_key if (tied and key == lm_key) else key)

    new = {k: v.to(out_dtype(k)).contiguous() for k, v in new.items()}

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the result is an ordinary model directory
    try:
        base_out = work / "base"
        _write_base(weights, base_dir, base_out, new, embed_key, untie, base_config, st)
        adapter_written = _write_adapter(path, parts, kinds, merged, config, work, out_dir, st)
        provenance = {
            "source_adapter": str(path.resolve()),
            "source_hash": report.adapter_hash,
            "base": str(base_dir),
            "base_config_sha256": _file_sha256(base_dir / "config.json"),
            "merged_lora": sorted(merged),
            "lora_scaling": scaling,
            "replaced_full": sorted(replaced),
            "base_copies_used": sorted(set(copies_used)),
            "untied": untie,
            "merged_dtype": merged_dtype,
            "adapter_written": adapter_written,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        # written last: its presence marks a complete conversion
        (work / PROVENANCE_NAME).write_text(json.dumps(provenance, indent=2) + "\n")
        if out_dir.exists():
            trash = out_dir.parent / f".{out_dir.name}-old-{os.getpid()}"
            out_dir.rename(trash)
            work.rename(out_dir)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            work.rename(out_dir)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return ConvertResult(
        out_dir=out_dir,
        base_dir=out_dir / "base",
        adapter_dir=out_dir / "adapter" if adapter_written else None,
        merged_lora=tuple(sorted(merged)),
        replaced_full=tuple(sorted(replaced)),
        untied=untie,
        source_hash=report.adapter_hash,
    )


def _write_base(weights, base_dir, base_out, new, embed_key, untie, base_config, st) -> None:
    safe_open = require("safetensors", "cpu", "adapter conversion").safe_open
    base_out.mkdir()
    weight_map = dict(weights.weight_map)
    for key in new:
        if key not in weight_map:  # lm_head.weight of an untied copy: beside the embeddings
            weight_map[key] = weight_map[embed_key]
    rewrite: dict[str, list[str]] = {}
    for key in new:
        rewrite.setdefault(weight_map[key], []).append(key)
    for item in sorted(base_dir.iterdir()):
        if item.name.startswith(".cantobatch") or item.name in rewrite:
            continue
        if item.name in ("config.json", "model.safetensors.index.json"):
            continue
        if item.is_dir():
            shutil.copytree(item, base_out / item.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(item, base_out / item.name)
    for shard, keys in rewrite.items():
        src = base_dir / shard
        if src.is_file():
            with safe_open(str(src), framework="pt") as fh:
                metadata = fh.metadata() or {"format": "pt"}
                tensors = {k: fh.get_tensor(k) for k in fh.keys()}  # noqa: SIM118
        else:
            metadata, tensors = {"format": "pt"}, {}
        tensors.update({k: new[k] for k in keys})
        st.save_file(tensors, str(base_out / shard), metadata=metadata)
    if weights.index is not None:
        index = dict(weights.index)
        index["weight_map"] = dict(sorted(weight_map.items()))
        added = [k for k in new if k not in weights.weight_map]
        if added and "total_size" in index.get("metadata", {}):
            extra = sum(new[k].numel() * new[k].element_size() for k in added)
            index["metadata"] = {
                **index["metadata"],
                "total_size": index["metadata"]["total_size"] + extra,
            }
        (base_out / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")
    config = dict(base_config)
    if untie:
        config["tie_word_embeddings"] = False
        if (
            isinstance(config.get("text_config"), dict)
            and "tie_word_embeddings" in config["text_config"]
        ):
            config["text_config"] = {**config["text_config"], "tie_word_embeddings": False}
    (base_out / "config.json").write_text(json.dumps(config, indent=2) + "\n")


def _write_adapter(path, parts, kinds, merged, config, work, out_dir, st) -> bool:
    keep = sorted(
        m for m, k in kinds.items() if k in ("lora", "embedding_lora") and m not in merged
    )
    if not keep:
        return False
    adapter_out = work / "adapter"
    adapter_out.mkdir()
    tensors = {}
    for module in keep:
        for part, tensor in parts[module].items():
            if part.startswith("base_layer"):
                continue
            suffix = f"{part}.weight" if part in ("lora_A", "lora_B") else part
            tensors[f"{PREFIX}{module}.{suffix}"] = tensor.contiguous()
    st.save_file(tensors, str(adapter_out / WEIGHTS_NAME), metadata={"format": "pt"})
    new_config = dict(config)
    new_config["target_modules"] = sorted({m.rsplit(".", 1)[-1] for m in keep})
    new_config["modules_to_save"] = None
    new_config["base_model_name_or_path"] = str(out_dir / "base")
    for pattern in ("rank_pattern", "alpha_pattern"):
        if new_config.get(pattern):
            new_config[pattern] = {
                k: v
                for k, v in new_config[pattern].items()
                if any(re.match(rf"(.*\.)?({k})$", m) for m in keep)
            }
    (adapter_out / CONFIG_NAME).write_text(json.dumps(new_config, indent=2, sort_keys=True) + "\n")
    for item in Path(path).iterdir():  # README, tokenizer files … travel unchanged
        if (
            item.is_file()
            and item.name not in (CONFIG_NAME, WEIGHTS_NAME)
            and not item.name.startswith("adapter_model")
        ):
            shutil.copy2(item, adapter_out / item.name)
    return True


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
