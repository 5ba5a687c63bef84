"""Check `cantobatch train` on a CUDA GPU: what the CPU tests cannot show.

    python scripts/gpu_train_check.py [--out DIR] [--epochs 3]

On the machine with the GPU (the model pulled first: `cantobatch models pull smollm2`):

1. trains an adapter on the user's 101 examples through the CLI (bf16 on the GPU, or 4-bit QLoRA
   where bitsandbytes is installed), timed;
2. reloads the saved adapter on the GPU, in the dtype the run trained in, and recomputes the
   held-out loss that the run recorded for the kept checkpoint (they must agree);
3. greedy-decodes the held-out prompts with plain transformers (no structured decoding) and
   counts the answers that parse, and those equal to their label;
4. asks for `--quantize 4bit` where bitsandbytes is missing: a clear error, not a traceback.

Prints one line per figure and exits 1 if a check fails. Needs torch with CUDA, transformers and
peft (the `train` extra); not vLLM.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "training" / "poundtech101.jsonl"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cantobatch", *args], capture_output=True, text=True, cwd=REPO
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="adapter directory (default: a temp dir)")
    parser.add_argument("--epochs", default="3")
    parser.add_argument("--max-steps", help="stop the run early (a quick try of this script)")
    parser.add_argument(
        "--cpu", action="store_true", help="run the same checks on the CPU (to try the script)"
    )
    args = parser.parse_args()

    import importlib.util

    import torch

    device = "cpu" if args.cpu else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        print("no CUDA GPU: this check is for a GPU machine (--cpu tries it on the CPU)")
        return 1
    name = torch.cuda.get_device_name(0) if device == "cuda" else "none (--cpu)"
    has_bnb = importlib.util.find_spec("bitsandbytes") is not None
    print(f"gpu: {name}; torch {torch.__version__}; bitsandbytes: {has_bnb}")
    failures = []
    out = args.out or Path(tempfile.mkdtemp(prefix="cantobatch-gpu-")) / "adapter"

    # 1. a whole run through the CLI
    started = time.perf_counter()
    done = cli(
        "train", "--data", str(DATA), "--base", "smollm2", "-o", str(out),
        "--epochs", args.epochs, "--prompt-format", "poundtech",
        *(["--max-steps", args.max_steps] if args.max_steps else []),
    )  # fmt: skip
    seconds = time.perf_counter() - started
    print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
    if done.returncode != 0:
        print(f"FAIL: train exited {done.returncode}")
        return 1
    meta = json.loads((out / "cantobatch.json").read_text())
    evals = [e["heldout_loss"] for e in meta["evals"]]
    print(
        f"train: {meta['steps']} steps in {seconds:.1f} s wall ({meta['seconds']} s in the run), "
        f"device {meta['device']}, 4-bit {meta['quantized_4bit']}; held-out loss "
        f"{evals[0]:.4f} -> best {meta['best_heldout_loss']:.4f} at step {meta['best_step']}"
    )
    if meta["device"] != device:
        failures.append(f"the run trained on {meta['device']}, not {device}")
    if not meta["best_heldout_loss"] < evals[0]:
        failures.append("training did not lower the held-out loss")

    # 2. the saved adapter reloads to the kept checkpoint's loss, in the run's own dtype
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from cantobatch.examples import read_examples
    from cantobatch.extract.prompts import poundtech_prompt
    from cantobatch.references import parse_answer
    from cantobatch.train import answer_text, choose_pad_token, encode, heldout_loss, heldout_split

    base_path = meta["base_model_path"]
    tok = AutoTokenizer.from_pretrained(base_path)
    pad = choose_pad_token(tok)
    settings = meta["settings"]
    _, held = heldout_split(read_examples(DATA), settings["eval_fraction"], settings["seed"])
    items = [
        encode(tok, poundtech_prompt(e.text), answer_text(e.reference_dicts), 1024) for e in held
    ]
    dtype = getattr(torch, meta["dtype"])  # the run's own
    base = AutoModelForCausalLM.from_pretrained(base_path, dtype=dtype).to(device)
    model = PeftModel.from_pretrained(base, str(out)).eval()
    again = heldout_loss(model, items, pad.token_id, settings["batch_size"])
    print(
        f"reload on {device}, {dtype}: held-out loss {again:.5f} (recorded {meta['best_heldout_loss']})"
    )
    if abs(again - meta["best_heldout_loss"]) > 2e-3:
        failures.append("the reloaded adapter does not give the kept checkpoint's loss")

    # 3. greedy answers of the held-out prompts, unconstrained
    # (the adapter unmerged, as LoRA serving applies it: merged into bf16 weights, an adapter
    # trained at the default lr loses ~40% of its change, see models.delta_kept)
    parsed = exact = 0
    for number, example in enumerate(held):
        # as in training (train.encode): the prompt's tokens alone, no BOS added
        prompt = poundtech_prompt(example.text)
        ids = tok(prompt, add_special_tokens=False, return_tensors="pt").to(device)
        with torch.no_grad():
            gen = model.generate(
                **ids, max_new_tokens=96, do_sample=False, eos_token_id=tok.eos_token_id
            )
        text = tok.decode(gen[0, ids["input_ids"].shape[1] :], skip_special_tokens=True)
        if number < 3:
            print(f"  answer {number}: {text[:120]!r}")
        try:
            refs = parse_answer(text)
        except Exception:  # an unparseable answer is a figure here, not a failure
            continue
        parsed += 1
        exact += refs == parse_answer(answer_text(example.reference_dicts))
    print(f"greedy, unconstrained: {parsed}/{len(held)} answers parse, {exact} equal their label")

    # 4. 4-bit without bitsandbytes: a clear error
    if not has_bnb:
        bad = cli(
            "train", "--data", str(DATA), "--base", "smollm2", "-o", str(out.parent / "q4"),
            "--max-steps", "1", "--quantize", "4bit",
        )  # fmt: skip
        message = (bad.stderr or bad.stdout).strip().splitlines()[-1:]
        print(f"--quantize 4bit without bitsandbytes: exit {bad.returncode}: {message}")
        if bad.returncode == 0 or "Traceback" in bad.stderr:
            failures.append("--quantize 4bit without bitsandbytes did not end in a clear error")

    for failure in failures:
        print(f"FAIL: {failure}")
    print("ok" if not failures else f"{len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
