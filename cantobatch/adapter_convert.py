"""Convert the parts of a peft LoRA adapter that vLLM cannot serve into an exact equivalent.

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

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from cantobatch.adapters import (
    CONFIG_NAME,
    EMBEDDING_NAMES,
    PREFIX,
    PROVENANCE_NAME,
    WEIGHTS_NAME,
    AdapterError,
    _load_tensors,
    _read_config,
    _safetensors_torch,
    _split_key,
    _tensor_meta,
    _torch,
    _weights_file,
    inspect_adapter,
    lora_scaling,
)
from cantobatch.errors import require
from cantobatch.files import atomic_directory, file_sha256


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
        # (conversions made before the adapter hash was shortened stored all 64 hex digits)
        str(prov.get("source_hash", "")).startswith(source_hash)
        and prov.get("base") == str(base_dir)
        and prov.get("base_config_sha256") == file_sha256(base_dir / "config.json")
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

    with atomic_directory(out_dir) as work:
        base_out = work / "base"
        _write_base(weights, base_dir, base_out, new, embed_key, untie, base_config, st)
        adapter_written = _write_adapter(path, parts, kinds, merged, config, work, out_dir, st)
        provenance = {
            "source_adapter": str(path.resolve()),
            "source_hash": report.adapter_hash,
            "base": str(base_dir),
            "base_config_sha256": file_sha256(base_dir / "config.json"),
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
