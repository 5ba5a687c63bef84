"""LoRA training of a causal LM on labelled examples (the ``train`` extra: transformers, peft).

What the seed got wrong and this module gets right, each in one function with a test:

- ``choose_pad_token``: SmolLM2 uses ``<|im_end|>`` as both EOS and pad. Padding with EOS makes code
  that masks padding also mask the final EOS, so the model never learns to stop. A distinct pad is
  chosen (an existing unused special token, or one is added) and recorded with the adapter.
- ``encode``: prompt tokens are labelled -100 (loss on the answer only); the answer is the compact
  JSON ``{"references":[...]}`` followed by the EOS id, which stays in the labels.
- ``heldout_split``: held-out examples are chosen by a hash of their normalised input, so the split
  is deterministic, stable when files are reordered, and a duplicate never lands on both sides.
- ``train``: the held-out loss is measured before training and every ``eval_every`` steps; the
  weights with the lowest held-out loss are the ones saved. Target modules default to the attention
  projections vLLM serves (no ``lm_head``). ``cantobatch.json`` beside ``adapter_config.json``
  records the prompt format, pad/EOS ids, data hashes and losses; ``README.md`` is the model card.

On CPU training is fp32; on a CUDA GPU with bitsandbytes it is QLoRA (4-bit NF4 base, bf16 compute).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cantobatch.adapter_card import write_record
from cantobatch.config import PROMPT_FORMATS
from cantobatch.errors import ConfigError, DataError, InvalidValue, MissingDependency, require
from cantobatch.examples import Example, read_examples
from cantobatch.files import atomic_directory, file_sha256
from cantobatch.mine import dedup_key

DEFAULT_TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj")
PAD_NAMES = ("<|pad|>", "<pad>", "[PAD]", "<|finetune_right_pad_id|>")
ADDED_PAD = "<|pad|>"


@dataclass(frozen=True)
class TrainConfig:
    data: tuple[str, ...]
    base: str
    output: str
    prompt_format: str = "chat"
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: tuple[str, ...] = DEFAULT_TARGET_MODULES
    epochs: float = 3.0
    lr: float = 2e-4
    batch_size: int = 4
    grad_accum: int = 1
    max_steps: int | None = None  # optimizer steps; overrides epochs
    eval_fraction: float = 0.1
    eval_every: int | None = None  # optimizer steps between held-out evaluations (default ~4/epoch)
    max_length: int = 1024  # tokens; longer examples are skipped and counted
    warmup_fraction: float = 0.05
    seed: int = 0
    threads: int | None = None  # torch CPU threads; None: the cores not already busy (at least 1)
    quantize: str = "auto"  # "auto": 4-bit on CUDA when bitsandbytes is there; "none"; "4bit"

    def __post_init__(self) -> None:
        if self.prompt_format not in PROMPT_FORMATS:
            raise ConfigError(
                f"prompt format must be chat or poundtech, not {self.prompt_format!r}"
            )
        if "lm_head" in self.target_modules:
            raise ConfigError("target modules must not include lm_head: vLLM cannot serve it")
        if self.rank < 1 or self.alpha < 1 or self.batch_size < 1 or self.grad_accum < 1:
            raise ConfigError("rank, alpha, batch size and gradient accumulation must be >= 1")
        if not 0 <= self.eval_fraction < 1:
            raise ConfigError("eval fraction must be in [0, 1)")
        if self.quantize not in ("auto", "none", "4bit"):
            raise ConfigError(f"quantize must be auto, none or 4bit, not {self.quantize!r}")
        if not self.data:
            raise ConfigError("no training data: pass --data FILE.jsonl (repeatable)")


# --- prompt and answer text ------------------------------------------------------------------


def answer_text(references: Sequence[dict[str, Any]]) -> str:
    """The training target, laid out exactly as the LLM extractor's answer grammar forces it
    (``cantobatch.extract.llm.seed_grammar``: the seed file's ``json.dumps`` layout, separators
    ", " and ": "). A model trained on another layout runs away under that grammar."""
    from cantobatch.references import dump_answer

    return dump_answer(references)


def prompt_builder(prompt_format: str, tokenizer: Any) -> Callable[[str], str]:
    """passage → prompt text: the very function the LLM extractor renders prompts with."""
    from cantobatch.extract.prompts import renderer

    try:
        return renderer(prompt_format, tokenizer)
    except InvalidValue as exc:
        raise ConfigError(str(exc)) from exc


# --- tokens ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PadChoice:
    token: str
    token_id: int
    added: bool  # True when the token was added to the vocabulary (embeddings resized)


def choose_pad_token(tokenizer: Any, template: str = "") -> PadChoice:
    """A pad token distinct from EOS (and BOS), set on ``tokenizer``.

    Keeps an existing distinct pad; else a token named like a pad; else the unknown token; else the
    first special token not used by the prompt template; else adds ``<|pad|>``.
    """
    eos, bos = tokenizer.eos_token_id, tokenizer.bos_token_id
    taken = {eos, bos}
    if tokenizer.pad_token_id is not None and tokenizer.pad_token_id not in taken:
        return PadChoice(tokenizer.pad_token, tokenizer.pad_token_id, False)
    template = template or (getattr(tokenizer, "chat_template", None) or "")
    specials = sorted(
        (i, t.content)
        for i, t in getattr(tokenizer, "added_tokens_decoder", {}).items()
        if getattr(t, "special", False)
    )
    named = [(i, s) for i, s in specials if s in PAD_NAMES]
    unk = [(tokenizer.unk_token_id, tokenizer.unk_token)] if tokenizer.unk_token else []
    unused = [(i, s) for i, s in specials if s not in template]
    for token_id, token in [*named, *unk, *unused]:
        if token_id is not None and token_id not in taken and token not in template:
            tokenizer.pad_token = token
            return PadChoice(token, token_id, False)
    tokenizer.add_special_tokens({"pad_token": ADDED_PAD})
    return PadChoice(ADDED_PAD, tokenizer.pad_token_id, True)


@dataclass(frozen=True)
class Encoded:
    input_ids: list[int]
    labels: list[int]  # -100 on the prompt; answer ids then the EOS id


def encode(tokenizer: Any, prompt: str, answer: str, max_length: int) -> Encoded | None:
    """Tokenise prompt and answer separately (as at inference: the model continues the prompt)."""
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(answer, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    if len(prompt_ids) + len(answer_ids) > max_length:
        return None
    return Encoded(prompt_ids + answer_ids, [-100] * len(prompt_ids) + answer_ids)


def collate(batch: Sequence[Encoded], pad_id: int) -> dict[str, Any]:
    """Right-pad to the longest: pad id in inputs, -100 in labels, 0 in the attention mask."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    ids, labels, mask = [], [], []
    for e in batch:
        n = width - len(e.input_ids)
        ids.append(e.input_ids + [pad_id] * n)
        labels.append(e.labels + [-100] * n)
        mask.append([1] * len(e.input_ids) + [0] * n)
    return {
        "input_ids": torch.tensor(ids, dtype=torch.long),
        "labels": torch.tensor(labels, dtype=torch.long),
        "attention_mask": torch.tensor(mask, dtype=torch.long),
    }


# --- data ------------------------------------------------------------------------------------


def split_key(text: str, seed: int) -> float:
    """A number in [0, 1) fixed by the normalised text and the seed."""
    digest = hashlib.sha256(f"{seed}\x1f{dedup_key(text)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def heldout_split(
    examples: Sequence[Example], fraction: float, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """(train, heldout): an example is held out when its text's hash key is below ``fraction``.

    With a positive fraction and at least two distinct texts, at least one text is held out.
    """
    if fraction <= 0:
        return list(examples), []
    keys = [split_key(e.text, seed) for e in examples]
    held = {k for k in keys if k < fraction}
    distinct = sorted(set(keys))
    if not held and len(distinct) >= 2:
        held = {distinct[0]}
    train = [e for e, k in zip(examples, keys, strict=True) if k not in held]
    heldout = [e for e, k in zip(examples, keys, strict=True) if k in held]
    return train, heldout


def load_data(paths: Sequence[str | Path]) -> tuple[list[Example], list[dict[str, Any]]]:
    """All examples of all files (exact duplicates of text and label dropped) and per-file info."""
    examples, files, seen = [], [], set()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise DataError(f"training data {path} does not exist")
        items = read_examples(path)
        kept = 0
        for ex in items:
            key = (dedup_key(ex.text), ex.references)
            if key in seen:
                continue
            seen.add(key)
            examples.append(ex)
            kept += 1
        files.append(
            {"path": str(path), "sha256": file_sha256(path), "examples": len(items), "used": kept}
        )
    if not examples:
        raise DataError(f"no examples in {', '.join(map(str, paths))}")
    return examples, files


# --- training --------------------------------------------------------------------------------


@dataclass
class TrainResult:
    output: Path
    steps: int
    best_step: int
    best_heldout_loss: float | None
    evals: list[dict[str, Any]]
    seconds: float
    metadata: dict[str, Any] = field(default_factory=dict)


def _imports():
    peft = require("peft", "train", "LoRA training")
    torch = require("torch", "train", "LoRA training")
    transformers = require("transformers", "train", "LoRA training")
    return torch, transformers, peft


def cpu_threads() -> int:
    """Cores not busy with other work. On a shared machine, more torch threads than free cores
    is far slower than fewer (measured here: 2 threads under load 8 took 20-60 s a step, 1 took 4 s)."""
    import os

    cores = os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except OSError:
        busy = 0
    return max(1, min(cores, cores - busy))


def _batches(items: list[Encoded], size: int, rng: random.Random) -> list[list[Encoded]]:
    """Shuffled batches of similar lengths (less padding), deterministic for a given rng."""
    order = items[:]
    rng.shuffle(order)
    block = size * 16
    batches = []
    for i in range(0, len(order), block):
        chunk = sorted(order[i : i + block], key=lambda e: len(e.input_ids))
        batches.extend(chunk[j : j + size] for j in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def heldout_loss(model: Any, items: Sequence[Encoded], pad_id: int, batch_size: int) -> float:
    """Mean loss per answer token (EOS included) over the held-out examples."""
    import torch

    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for i in range(0, len(items), batch_size):
            batch = {
                k: v.to(model.device) for k, v in collate(items[i : i + batch_size], pad_id).items()
            }
            n = int((batch["labels"][:, 1:] != -100).sum())
            total += float(model(**batch).loss) * n
            count += n
    model.train()
    return total / max(count, 1)


def _load_model(config: TrainConfig, base_path: str, torch: Any, transformers: Any):
    cuda = torch.cuda.is_available()
    kwargs: dict[str, Any] = {}
    quantized = False
    if cuda and config.quantize in ("auto", "4bit"):
        try:
            require("bitsandbytes", "train", "4-bit QLoRA")
        except MissingDependency:
            if config.quantize == "4bit":
                raise
        else:
            kwargs["quantization_config"] = transformers.BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="nf4",
                bnb_4bit_compute_dtype=torch.bfloat16,
                bnb_4bit_use_double_quant=True,
            )
            kwargs["device_map"] = {"": 0}
            quantized = True
    elif config.quantize == "4bit":
        raise ConfigError("4-bit QLoRA needs a CUDA GPU; use --quantize none on CPU")
    dtype = torch.bfloat16 if cuda else torch.float32
    model = transformers.AutoModelForCausalLM.from_pretrained(base_path, dtype=dtype, **kwargs)
    if cuda and not quantized:
        model = model.to("cuda")
    return model, quantized


def train(config: TrainConfig, log: Callable[[str], None] | None = None) -> TrainResult:
    """Train a LoRA adapter into ``config.output`` (see the module docstring)."""
    torch, transformers, peft = _imports()
    say = log or (lambda msg: None)
    started = time.time()
    threads = config.threads or cpu_threads()
    torch.set_num_threads(threads)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)

    from cantobatch.extract.prompts import prompt_hash
    from cantobatch.models import ensure_model

    base_path = str(ensure_model(config.base, log=say))
    tokenizer = transformers.AutoTokenizer.from_pretrained(base_path)
    if tokenizer.eos_token_id is None:
        raise ConfigError(f"the tokenizer of {config.base} has no EOS token; cannot learn to stop")
    pad = choose_pad_token(tokenizer)
    prompt = prompt_builder(config.prompt_format, tokenizer)

    examples, files = load_data(config.data)
    train_ex, held_ex = heldout_split(examples, config.eval_fraction, config.seed)

    def encode_all(items: Sequence[Example]) -> tuple[list[Encoded], int]:
        out = []
        for ex in items:
            enc = encode(
                tokenizer, prompt(ex.text), answer_text(ex.reference_dicts), config.max_length
            )
            if enc is not None:
                out.append(enc)
        return out, len(items) - len(out)

    train_items, too_long_train = encode_all(train_ex)
    held_items, too_long_held = encode_all(held_ex)
    if not train_items:
        raise DataError("no training example fits max_length; raise --max-length")
    say(f"{len(train_items)} training examples, {len(held_items)} held out")

    model, quantized = _load_model(config, base_path, torch, transformers)
    dtype = str(model.dtype).removeprefix("torch.")  # what the run computes in (before k-bit prep)
    if pad.added:
        model.resize_token_embeddings(len(tokenizer))
    if quantized:
        model = peft.prepare_model_for_kbit_training(model)
    lora = peft.LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(config.target_modules),
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = peft.get_peft_model(model, lora)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.0)

    per_epoch = math.ceil(len(train_items) / (config.batch_size * config.grad_accum))
    total_steps = config.max_steps or max(1, math.ceil(config.epochs * per_epoch))
    eval_every = config.eval_every or max(1, per_epoch // 4)
    warmup = int(config.warmup_fraction * total_steps)

    def lr_at(step: int) -> float:  # linear warmup, then linear decay to 10%
        if step < warmup:
            return config.lr * (step + 1) / (warmup + 1)
        frac = (step - warmup) / max(1, total_steps - warmup)
        return config.lr * (1 - 0.9 * frac)

    evals: list[dict[str, Any]] = []
    best_loss, best_step, best_state = None, 0, None

    def evaluate(step: int, train_loss: float | None) -> None:
        nonlocal best_loss, best_step, best_state
        if not held_items:
            evals.append({"step": step, "train_loss": train_loss, "heldout_loss": None})
            return
        loss = heldout_loss(model, held_items, pad.token_id, config.batch_size)
        evals.append({"step": step, "train_loss": train_loss, "heldout_loss": round(loss, 5)})
        say(f"step {step}/{total_steps}: held-out loss {loss:.4f}")
        if step > 0 and (best_loss is None or loss < best_loss):
            best_loss, best_step = loss, step
            best_state = {
                k: v.detach().to("cpu", copy=True)
                for k, v in model.state_dict().items()
                if "lora_" in k
            }

    evaluate(0, None)
    step, window = 0, []
    epoch = 0
    while step < total_steps:
        batches = _batches(train_items, config.batch_size, rng)
        for i in range(0, len(batches), config.grad_accum):
            group = batches[i : i + config.grad_accum]
            for g in optimizer.param_groups:
                g["lr"] = lr_at(step)
            for batch in group:
                tensors = {k: v.to(model.device) for k, v in collate(batch, pad.token_id).items()}
                loss = model(**tensors).loss / len(group)
                loss.backward()
                window.append(float(loss.detach()) * len(group))
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            if step % eval_every == 0 or step == total_steps:
                evaluate(step, round(sum(window) / len(window), 5))
                window = []
            if step >= total_steps:
                break
        epoch += 1

    if best_state is not None:
        model.load_state_dict(best_state, strict=False)
    else:
        best_step = step  # no held-out set: the last weights are kept
    seconds = time.time() - started
    out = Path(config.output)
    metadata = {
        "base_model": config.base,
        "base_model_path": base_path,
        "prompt_format": config.prompt_format,
        "prompt_hash": prompt_hash(config.prompt_format),
        "answer_format": 'seed-layout JSON {"references": [...]} followed by EOS',
        "eos_token": tokenizer.eos_token,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token": pad.token,
        "pad_token_id": pad.token_id,
        "pad_token_added": pad.added,
        "settings": {
            k: v for k, v in asdict(config).items() if k not in ("data", "base", "output")
        },
        "data": files,
        "examples": {
            "train": len(train_items),
            "heldout": len(held_items),
            "skipped_too_long": too_long_train + too_long_held,
        },
        "steps": step,
        "epochs_run": round(step / per_epoch, 2),
        "best_step": best_step,
        "best_heldout_loss": None if best_loss is None else round(best_loss, 5),
        "evals": evals,
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "dtype": dtype,
        "threads": threads,
        "quantized_4bit": quantized,
        "seconds": round(seconds, 1),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scores": {},
    }
    _save(model, out, metadata)
    say(f"adapter written to {out} ({seconds:.0f} s, best step {best_step})")
    return TrainResult(
        out, step, best_step, metadata["best_heldout_loss"], evals, seconds, metadata
    )


def _save(model: Any, out: Path, metadata: dict[str, Any]) -> None:
    """Write adapter, metadata and card to a temp sibling, then swap it into place."""
    with atomic_directory(out) as tmp:
        model.save_pretrained(str(tmp))
        write_record(tmp, metadata)
