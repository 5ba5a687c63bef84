#!/usr/bin/env bash
# Rebuild this adapter and measure it against the base model on the dev set (from the repo root).
# Training: about 8 minutes (142 steps) on 2 shared CPU cores (see README.md); evaluation: one vLLM engine at a
# time, a few minutes each.
set -euo pipefail
out=${1:-adapters/smollm2-poundtech}
cantobatch train --data training/poundtech101.jsonl --data training/train.jsonl \
    --base smollm2 -o "$out" --prompt-format poundtech --lr 1e-3 --epochs 2 --eval-every 20
# Dev-set scores: the base model in its own best format (chat + few-shot) vs this adapter.
cat > /tmp/smollm2-base.toml <<'TOML'
extractor = "llm"
[llm]
model = "smollm2"
prompt_format = "chat"
serve = "merged"
TOML
cantobatch eval training/dev.jsonl --config /tmp/smollm2-base.toml --extractor llm --json > /tmp/before.json
cantobatch eval training/dev.jsonl --config adapters/smollm2-poundtech.toml --extractor llm --json > /tmp/after.json
python - "$out" <<'PY'
import json, sys
from cantobatch.train import record_scores
keys = ("canto", "line", "exact")
def flat(path):
    text = open(path).read()  # vLLM may log to stdout before the JSON object
    d = json.loads(text[text.index("\n{") + 1 :] if not text.startswith("{") else text)
    d = d.get("llm", d)
    out = {}
    for k in keys:
        v = d[k]
        if isinstance(v, dict):
            out.update({f"{k}_{m}": v[m] for m in ("precision", "recall", "f1") if m in v})
        else:
            out[k] = v
    out["errors"] = d.get("errors")
    return out
record_scores(sys.argv[1], flat("/tmp/before.json"), flat("/tmp/after.json"),
              how="training/dev.jsonl (355 examples), `cantobatch eval --extractor llm`; base: chat "
                  "prompt with few-shot turns, no adapter; after: this adapter, poundtech prompt, merged.")
PY
