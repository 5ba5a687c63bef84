"""What a trained adapter records beside its weights: ``cantobatch.json`` (prompt format, pad/EOS
ids, data hashes, losses, dev-set scores) and ``README.md``, the model card written from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cantobatch.errors import DataError

METADATA_FILE = "cantobatch.json"


def write_record(adapter_dir: Path, meta: dict[str, Any]) -> None:
    """Write the metadata and the model card made from it into ``adapter_dir``."""
    (adapter_dir / METADATA_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (adapter_dir / "README.md").write_text(model_card(meta), encoding="utf-8")


def read_metadata(adapter_dir: str | Path) -> dict[str, Any]:
    path = Path(adapter_dir) / METADATA_FILE
    if not path.is_file():
        raise DataError(f"{adapter_dir} has no {METADATA_FILE}: not an adapter cantobatch trained")
    return json.loads(path.read_text(encoding="utf-8"))


def record_scores(
    adapter_dir: str | Path, before: dict[str, Any] | None, after: dict[str, Any] | None,
    how: str = "",
) -> None:  # fmt: skip
    """Store dev-set scores of the base model and of the adapter and rewrite the card."""
    adapter_dir = Path(adapter_dir)
    meta = read_metadata(adapter_dir)
    meta["scores"] = {"before": before, "after": after, "how": how}
    write_record(adapter_dir, meta)


def rebuild_command(meta: dict[str, Any]) -> str:
    s = meta["settings"]
    parts = ["cantobatch train"]
    parts += [f"--data {f['path']}" for f in meta["data"]]
    parts += [
        f"--base {meta['base_model']}",
        "-o ADAPTER_DIR",
        f"--prompt-format {meta['prompt_format']}",
    ]
    parts += [f"--rank {s['rank']}", f"--alpha {s['alpha']}", f"--epochs {s['epochs']}"]
    parts += [f"--lr {s['lr']}", f"--batch-size {s['batch_size']}"]
    if s.get("max_steps"):
        parts.append(f"--max-steps {s['max_steps']}")
    if s.get("grad_accum", 1) != 1:
        parts.append(f"--grad-accum {s['grad_accum']}")
    if s.get("eval_every"):
        parts.append(f"--eval-every {s['eval_every']}")
    if s.get("max_length", 1024) != 1024:
        parts.append(f"--max-length {s['max_length']}")
    parts += [f"--eval-fraction {s['eval_fraction']}", f"--seed {s['seed']}"]
    return " ".join(parts)


def model_card(meta: dict[str, Any]) -> str:
    """The adapter's README.md: what it was trained from, how, and how well."""
    s = meta["settings"]
    lines = [
        "# LoRA adapter trained by cantobatch",
        "",
        f"- Base model: `{meta['base_model']}`",
        f"- Prompt format: `{meta['prompt_format']}` (prompt hash `{meta.get('prompt_hash')}`; "
        f"answers: {meta['answer_format']})",
        f"- EOS: `{meta['eos_token']}` (id {meta['eos_token_id']}); pad used in training: "
        f"`{meta['pad_token']}` (id {meta['pad_token_id']}{', added' if meta['pad_token_added'] else ''})",
        f"- LoRA: rank {s['rank']}, alpha {s['alpha']}, dropout {s['dropout']}, "
        f"target modules {', '.join(s['target_modules'])}",
        f"- Training: {meta['steps']} steps ({meta['epochs_run']} epochs), lr {s['lr']}, batch size "
        f"{s['batch_size']} × accumulation {s['grad_accum']}, seed {s['seed']}, on {meta['device']}"
        f"{' (4-bit QLoRA)' if meta['quantized_4bit'] else ' (full precision)'}, {meta['seconds']} s",
        f"- Examples: {meta['examples']['train']} training, {meta['examples']['heldout']} held out "
        f"(by hash of the normalised input, fraction {s['eval_fraction']}), "
        f"{meta['examples']['skipped_too_long']} skipped as too long",
        f"- Kept checkpoint: step {meta['best_step']} (lowest held-out loss: "
        f"{meta['best_heldout_loss']})",
        "",
        "## Data",
        "",
        "| file | sha256 | examples | used |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{f['path']}` | `{f['sha256']}` | {f['examples']} | {f['used']} |" for f in meta["data"]
    ]
    lines += ["", "## Held-out loss", "", "| step | train loss | held-out loss |", "|---|---|---|"]
    for e in meta["evals"]:
        lines.append(f"| {e['step']} | {_fmt(e['train_loss'])} | {_fmt(e['heldout_loss'])} |")
    lines += ["", "## Dev-set scores (`cantobatch eval`)", ""]
    scores = meta.get("scores") or {}
    if scores.get("before") or scores.get("after"):
        if scores.get("how"):
            lines += [scores["how"], ""]
        keys = sorted({*(scores.get("before") or {}), *(scores.get("after") or {})})
        lines += ["| metric | base model | with this adapter |", "|---|---|---|"]
        for k in keys:
            b, a = (scores.get("before") or {}).get(k), (scores.get("after") or {}).get(k)
            lines.append(f"| {k} | {_fmt(b)} | {_fmt(a)} |")
    else:
        lines.append("not measured")
    lines += ["", "## Rebuild", "", "```", rebuild_command(meta), "```", ""]
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)
