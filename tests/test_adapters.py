"""Adapters vLLM cannot serve: inspection, and conversion into an exactly equivalent servable pair.

Unit tests use a tiny random Llama with tied embeddings (like SmolLM2); the vLLM test uses the real
small model and the real engine, started once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
peft = pytest.importorskip("peft")

from click.testing import CliRunner  # noqa: E402
from safetensors import safe_open  # noqa: E402

from cantobatch.adapter_convert import convert_adapter  # noqa: E402
from cantobatch.adapters import (  # noqa: E402
    AdapterError,
    adapter_hash,
    inspect_adapter,
    lora_scaling,
)
from cantobatch.cli import cli  # noqa: E402

VOCAB = 96


def _tiny_base(directory: Path, tied: bool = True, shard: str | None = None) -> Path:
    config = transformers.LlamaConfig(
        vocab_size=VOCAB,
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=8,
        max_position_embeddings=64,
        tie_word_embeddings=tied,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=0,
    )
    torch.manual_seed(0)
    model = transformers.LlamaForCausalLM(config)
    with torch.no_grad():  # a larger spread than the init, so logits and greedy tokens vary
        for param in model.parameters():
            param.mul_(8.0)
    if shard:
        model.save_pretrained(directory, max_shard_size=shard)
    else:
        model.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory) -> Path:
    return _tiny_base(tmp_path_factory.mktemp("tiny") / "base")


def _load(base: Path):
    return transformers.AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32).eval()


def make_adapter(base: Path, out: Path, seed: int = 1, std: float = 0.3, **lora) -> Path:
    """A peft LoRA adapter with non-zero B (and perturbed modules_to_save copies)."""
    model = _load(base)
    config = peft.LoraConfig(task_type="CAUSAL_LM", **lora)
    peft_model = peft.get_peft_model(model, config)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * std)
            elif "modules_to_save" in name:
                param.add_(torch.randn(param.shape, generator=generator) * std)
    peft_model.save_pretrained(out)
    return out


def peft_model(base: Path, adapter: Path):
    return peft.PeftModel.from_pretrained(_load(base), str(adapter)).eval()


def converted_model(result):
    model = _load(result.base_dir)
    if result.adapter_dir is None:
        return model
    return peft.PeftModel.from_pretrained(model, str(result.adapter_dir)).eval()


def _ids() -> torch.Tensor:
    return torch.tensor([[1, 5, 17, 33, 60, 2, 9, 41], [1, 90, 3, 3, 72, 11, 50, 8]])


def _logits(model) -> torch.Tensor:
    with torch.no_grad():
        return model(_ids()).logits


def _greedy(model) -> list[list[int]]:
    with torch.no_grad():
        out = model.generate(
            input_ids=_ids(), max_new_tokens=10, do_sample=False, pad_token_id=0, eos_token_id=None
        )
    return out[:, _ids().shape[1] :].tolist()


def _keys(path: Path) -> list[str]:
    with safe_open(str(path), framework="pt") as fh:
        return list(fh.keys())  # noqa: SIM118


def assert_equivalent(base: Path, adapter: Path, result) -> float:
    """peft on the original pair and transformers(+peft) on the converted pair agree."""
    original, converted = peft_model(base, adapter), converted_model(result)
    reference = _logits(original)
    diff = (reference - _logits(converted)).abs().max().item()
    effect = (reference - _logits(_load(base))).abs().max().item()
    assert effect > 1.0, "the adapter must change the logits, or the test shows nothing"
    assert diff < 1e-4, f"max |Δlogit| {diff} (adapter effect {effect})"
    assert _greedy(original) == _greedy(converted)
    return diff


# --- inspect ---------------------------------------------------------------------------------


def test_inspect_lm_head_adapter_is_not_servable(tiny_base, tmp_path):
    adapter = make_adapter(
        tiny_base, tmp_path / "a", r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "lm_head"]
    )
    report = inspect_adapter(adapter)
    assert report.servable_by_vllm is False
    assert report.convertible is True
    assert any(reason.startswith("lm_head") for reason in report.reasons)
    assert report.has_lm_head_lora and not report.has_embed_tokens_lora
    assert not report.has_lm_head_full and report.modules_to_save == ()
    # peft saves a full copy of the tied embedding beside the lm_head delta
    assert report.base_copies == ("lm_head",)
    assert report.target_modules == ("lm_head", "q_proj", "v_proj")
    ranks = report.ranks()
    assert ranks["lm_head"] == 4 and ranks["model.layers.1.self_attn.v_proj"] == 4
    assert len(ranks) == 2 * 2 + 1
    assert report.dtypes == ("F32",)
    assert report.peft_type == "LORA" and report.r == 4 and report.lora_alpha == 8
    assert report.adapter_hash == adapter_hash(adapter)


def test_inspect_attention_only_adapter_is_servable(tiny_base, tmp_path):
    adapter = make_adapter(tiny_base, tmp_path / "a", r=2, target_modules=["q_proj", "v_proj"])
    report = inspect_adapter(adapter)
    assert report.servable_by_vllm is True
    assert report.reasons == ()
    assert not report.has_lm_head_lora and report.base_copies == ()


def test_inspect_modules_to_save(tiny_base, tmp_path):
    adapter = make_adapter(
        tiny_base,
        tmp_path / "a",
        r=2,
        target_modules=["q_proj"],
        modules_to_save=["lm_head", "embed_tokens"],
    )
    report = inspect_adapter(adapter)
    assert report.servable_by_vllm is False
    assert report.has_lm_head_full and report.has_embed_tokens_full
    assert not report.has_lm_head_lora
    assert any(reason.startswith("modules_to_save") for reason in report.reasons)
    assert report.to_dict()["modules_to_save"] == ("lm_head", "embed_tokens")


def test_inspect_rejects_a_directory_without_adapter(tmp_path):
    with pytest.raises(AdapterError, match="adapter_config.json is missing"):
        inspect_adapter(tmp_path)


# --- convert ---------------------------------------------------------------------------------


def test_convert_lm_head_adapter_is_exact_and_unties(tiny_base, tmp_path):
    adapter = make_adapter(
        tiny_base, tmp_path / "a", r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "lm_head"]
    )
    result = convert_adapter(adapter, tiny_base, tmp_path / "out")
    assert result.merged_lora == ("lm_head",) and result.untied is True
    config = json.loads((result.base_dir / "config.json").read_text())
    assert config["tie_word_embeddings"] is False
    assert json.loads((tiny_base / "config.json").read_text())["tie_word_embeddings"] is True
    assert "lm_head.weight" in _keys(result.base_dir / "model.safetensors")
    assert "lm_head.weight" not in _keys(tiny_base / "model.safetensors")
    new_keys = _keys(result.adapter_dir / "adapter_model.safetensors")
    assert not [k for k in new_keys if "lm_head" in k or "embed" in k]
    assert len(new_keys) == 2 * 2 * 2  # q, v × A, B × 2 layers
    new_report = inspect_adapter(result.adapter_dir)
    assert new_report.servable_by_vllm is True
    assert new_report.target_modules == ("q_proj", "v_proj")
    assert_equivalent(tiny_base, adapter, result)
    # the input embeddings stay the base's: only lm_head carries the delta
    untied = _load(result.base_dir)
    assert torch.equal(untied.model.embed_tokens.weight, _load(tiny_base).model.embed_tokens.weight)
    assert not torch.equal(untied.lm_head.weight, untied.model.embed_tokens.weight)


def test_convert_respects_rslora_and_rank_and_alpha_patterns(tiny_base, tmp_path):
    adapter = make_adapter(
        tiny_base,
        tmp_path / "a",
        r=4,
        lora_alpha=8,
        use_rslora=True,
        rank_pattern={"lm_head": 2},
        alpha_pattern={"lm_head": 3},
        target_modules=["q_proj", "lm_head"],
    )
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert lora_scaling(config, "lm_head", 2) == pytest.approx(3 / 2**0.5)
    assert lora_scaling(config, "model.layers.0.self_attn.q_proj", 4) == pytest.approx(8 / 2)
    result = convert_adapter(adapter, tiny_base, tmp_path / "out")
    assert_equivalent(tiny_base, adapter, result)


def test_convert_modules_to_save_into_the_base(tiny_base, tmp_path):
    adapter = make_adapter(
        tiny_base,
        tmp_path / "a",
        r=2,
        target_modules=["q_proj"],
        modules_to_save=["lm_head", "embed_tokens"],
    )
    result = convert_adapter(adapter, tiny_base, tmp_path / "out")
    assert set(result.replaced_full) == {"lm_head", "model.embed_tokens"}
    assert result.merged_lora == () and result.untied is True
    new_config = json.loads((result.adapter_dir / "adapter_config.json").read_text())
    assert new_config["modules_to_save"] is None
    assert inspect_adapter(result.adapter_dir).servable_by_vllm is True
    assert_equivalent(tiny_base, adapter, result)


def test_convert_lm_head_only_adapter_leaves_no_adapter(tiny_base, tmp_path):
    adapter = make_adapter(tiny_base, tmp_path / "a", r=2, target_modules=["lm_head"])
    result = convert_adapter(adapter, tiny_base, tmp_path / "out")
    assert result.adapter_dir is None and not (tmp_path / "out" / "adapter").exists()
    assert_equivalent(tiny_base, adapter, result)


def test_convert_uses_the_base_copy_peft_loads(tiny_base, tmp_path):
    """peft loads the saved lm_head.base_layer copy into the (tied) model; so must the copy."""
    from safetensors.torch import load_file, save_file

    adapter = make_adapter(tiny_base, tmp_path / "a", r=2, target_modules=["q_proj", "lm_head"])
    weights = adapter / "adapter_model.safetensors"
    tensors = load_file(str(weights))
    tensors["base_model.model.lm_head.base_layer.weight"] += 0.5
    save_file(tensors, str(weights), metadata={"format": "pt"})
    result = convert_adapter(adapter, tiny_base, tmp_path / "out")
    assert assert_equivalent(tiny_base, adapter, result) < 1e-4


def test_convert_sharded_untied_base_with_embedding_lora(tmp_path):
    base = _tiny_base(tmp_path / "base", tied=False, shard="8KB")
    assert (base / "model.safetensors.index.json").is_file()
    adapter = make_adapter(
        base, tmp_path / "a", r=2, target_modules=["embed_tokens", "lm_head", "v_proj"]
    )
    report = inspect_adapter(adapter)
    assert report.has_embed_tokens_lora and report.has_lm_head_lora
    result = convert_adapter(adapter, base, tmp_path / "out")
    assert set(result.merged_lora) == {"lm_head", "model.embed_tokens"}
    assert result.untied is False
    index = json.loads((result.base_dir / "model.safetensors.index.json").read_text())
    assert set(index["weight_map"]) == set(
        json.loads((base / "model.safetensors.index.json").read_text())["weight_map"]
    )
    assert_equivalent(base, adapter, result)


def test_convert_is_idempotent_and_records_provenance(tiny_base, tmp_path):
    adapter = make_adapter(tiny_base, tmp_path / "a", r=2, target_modules=["v_proj", "lm_head"])
    out = tmp_path / "out"
    first = convert_adapter(adapter, tiny_base, out)
    prov = json.loads((out / "cantobatch-conversion.json").read_text())
    assert prov["source_hash"] == adapter_hash(adapter)
    assert prov["base"] == str(tiny_base.resolve())
    assert prov["lora_scaling"] == {"lm_head": pytest.approx(8 / 2)}
    assert first.reused is False
    again = convert_adapter(adapter, tiny_base, out)
    assert again.reused is True and again.base_dir == first.base_dir
    other = make_adapter(tiny_base, tmp_path / "b", seed=7, r=2, target_modules=["lm_head"])
    with pytest.raises(AdapterError, match="--overwrite"):
        convert_adapter(other, tiny_base, out)
    replaced = convert_adapter(other, tiny_base, out, overwrite=True)
    assert replaced.adapter_dir is None and not (out / "adapter").exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")]
    assert leftovers == []


def test_convert_refuses_a_mismatched_base(tmp_path):
    tied_base = _tiny_base(tmp_path / "base")
    adapter = make_adapter(tied_base, tmp_path / "a", r=2, target_modules=["lm_head"])
    config = json.loads((adapter / "adapter_config.json").read_text())
    config["r"] = 3
    (adapter / "adapter_config.json").write_text(json.dumps(config))
    with pytest.raises(AdapterError, match="rank 3 but its weights have rank 2"):
        convert_adapter(adapter, tied_base, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- CLI -------------------------------------------------------------------------------------


def test_cli_adapter_check_and_convert(tiny_base, tmp_path):
    adapter = make_adapter(tiny_base, tmp_path / "a", r=4, target_modules=["q_proj", "lm_head"])
    runner = CliRunner()
    result = runner.invoke(cli, ["adapter", "check", str(adapter)])
    assert result.exit_code == 0, result.output
    assert "servable by vLLM: no" in result.output
    assert "lm_head" in result.output and "q_proj" in result.output
    as_json = runner.invoke(cli, ["adapter", "check", str(adapter), "--json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert data["servable_by_vllm"] is False and data["ranks"]["lm_head"] == 4

    out = tmp_path / "out"
    converted = runner.invoke(
        cli, ["adapter", "convert", str(adapter), "--base", str(tiny_base), "-o", str(out)]
    )
    assert converted.exit_code == 0, converted.output
    assert str(out / "base") in converted.output and str(out / "adapter") in converted.output
    check_new = runner.invoke(cli, ["adapter", "check", str(out / "adapter")])
    assert check_new.exit_code == 0 and "servable by vLLM: yes" in check_new.output

    missing = runner.invoke(cli, ["adapter", "check", str(tmp_path)])
    assert missing.exit_code == 1
    assert "adapter_config.json is missing" in missing.output


# --- the small model: peft original vs converted pair in transformers and in vLLM ----------------

PROMPTS = [
    '### Question: "In Canto IX Pound quotes the Malatesta letters (ll. 1-28)."\n ### Answer: ',
    '### Question: "The Pisan Cantos open with LXXIV."\n ### Answer: ',
    "The Cantos of Ezra Pound begin with a descent to the underworld:",
    "Hugh Kenner wrote that the ideogram",
    "Canto XLV, the usura canto, says",
]
MAX_NEW = 16
EOS = 2


def _until_eos(tokens: list[int]) -> list[int]:
    return tokens[: tokens.index(EOS) + 1] if EOS in tokens else tokens


@pytest.fixture(scope="module")
def smollm2_pair(small_model_path, tmp_path_factory):
    """An lm_head + q_proj + v_proj adapter on SmolLM2, its conversion, and peft's greedy answers."""
    work = tmp_path_factory.mktemp("smollm2")
    adapter = make_adapter(
        small_model_path,
        work / "adapter",
        std=0.05,
        r=8,
        lora_alpha=16,
        target_modules=["q_proj", "v_proj", "lm_head"],
    )
    result = convert_adapter(adapter, small_model_path, work / "converted")
    tokenizer = transformers.AutoTokenizer.from_pretrained(small_model_path)
    prompt_ids = [tokenizer(p).input_ids for p in PROMPTS]
    original = peft_model(small_model_path, adapter)
    reference = []  # per prompt: (greedy tokens, their logprobs) from peft on the original pair
    with torch.no_grad():
        for ids in prompt_ids:
            out = original.generate(
                input_ids=torch.tensor([ids]),
                max_new_tokens=MAX_NEW,
                do_sample=False,
                output_logits=True,
                return_dict_in_generate=True,
                pad_token_id=EOS,
            )
            tokens = _until_eos(out.sequences[0, len(ids) :].tolist())
            logprobs = [
                torch.log_softmax(step[0].float(), -1)[tok].item()
                for step, tok in zip(out.logits, tokens, strict=True)
            ]
            reference.append((tokens, logprobs))
    base_tokens = []
    plain = _load(small_model_path)
    with torch.no_grad():
        for ids in prompt_ids:
            out = plain.generate(
                input_ids=torch.tensor([ids]),
                max_new_tokens=MAX_NEW,
                do_sample=False,
                pad_token_id=EOS,
            )
            base_tokens.append(_until_eos(out[0, len(ids) :].tolist()))
    del original, plain
    return {
        "base": small_model_path,
        "adapter": adapter,
        "result": result,
        "prompt_ids": prompt_ids,
        "reference": reference,
        "base_tokens": base_tokens,
    }


@pytest.mark.slow
def test_smollm2_original_adapter_is_flagged_and_converted_pair_matches_in_transformers(
    smollm2_pair,
):
    report = inspect_adapter(smollm2_pair["adapter"])
    assert report.servable_by_vllm is False
    assert any(reason.startswith("lm_head") for reason in report.reasons)
    result = smollm2_pair["result"]
    assert result.untied and result.merged_lora == ("lm_head",)
    assert inspect_adapter(result.adapter_dir).servable_by_vllm is True
    # the adapter changes the answers, so matching them is a real test
    changed = sum(
        ref[0] != base
        for ref, base in zip(smollm2_pair["reference"], smollm2_pair["base_tokens"], strict=True)
    )
    assert changed >= 2

    original = peft_model(smollm2_pair["base"], smollm2_pair["adapter"])
    rounded = convert_adapter(
        smollm2_pair["adapter"],
        smollm2_pair["base"],
        result.out_dir.parent / "converted-bf16",
        merged_dtype="base",
    )
    measured = {}
    for name, pair in (("float32", result), ("bf16", rounded)):
        converted = converted_model(pair)
        worst, matches = 0.0, 0
        with torch.no_grad():
            for ids, (tokens, _) in zip(
                smollm2_pair["prompt_ids"], smollm2_pair["reference"], strict=True
            ):
                full = torch.tensor([ids + tokens])
                diff = (original(full).logits - converted(full).logits).abs().max().item()
                worst = max(worst, diff)
                out = converted.generate(
                    input_ids=torch.tensor([ids]),
                    max_new_tokens=MAX_NEW,
                    do_sample=False,
                    pad_token_id=EOS,
                )
                matches += _until_eos(out[0, len(ids) :].tolist()) == tokens
        measured[name] = (worst, matches)
        print(
            f"transformers, merged {name}: max |Δlogit| {worst:.2e}, greedy {matches}/{len(PROMPTS)}"
        )
    # merged in float32 the pair is exact up to float32 summation order
    assert measured["float32"][0] < 1e-3
    assert measured["float32"][1] == len(PROMPTS)
    # stored in bf16, W + ΔW is rounded: bounded logit error (may flip a near-tied token)
    assert measured["bf16"][0] < 0.5


@pytest.mark.vllm
def test_vllm_rejects_modules_to_save_and_accepts_the_converted_adapter(tiny_base, tmp_path):
    from vllm.config.lora import LoRAConfig
    from vllm.lora.peft_helper import PEFTHelper

    adapter = make_adapter(
        tiny_base, tmp_path / "a", r=2, target_modules=["q_proj"], modules_to_save=["lm_head"]
    )
    lora_config = LoRAConfig(max_lora_rank=8)
    with pytest.raises(ValueError, match="modules_to_save"):
        PEFTHelper.from_local_dir(str(adapter), None).validate_legal(lora_config)
    result = convert_adapter(adapter, tiny_base, tmp_path / "out")
    PEFTHelper.from_local_dir(str(result.adapter_dir), None).validate_legal(lora_config)


@pytest.mark.vllm
def test_vllm_loader_rejects_lm_head_lora_for_mistral_and_loads_the_converted_adapter(
    tiny_base, tmp_path
):
    """vLLM's own adapter loader, given the LoRA modules its engine would expect for a Llama and
    for a Mistral (zephyr-7b-beta) model: the original is refused for Mistral, the converted not."""
    from vllm.lora.lora_model import LoRAModel
    from vllm.lora.peft_helper import PEFTHelper
    from vllm.model_executor.models.llama import LlamaForCausalLM
    from vllm.model_executor.models.mistral import MistralForCausalLM

    adapter = make_adapter(
        tiny_base, tmp_path / "a", r=2, target_modules=["q_proj", "v_proj", "lm_head"]
    )
    result = convert_adapter(adapter, tiny_base, tmp_path / "out")
    linear = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}

    def load(directory: Path, model_class):
        return LoRAModel.from_local_checkpoint(
            str(directory),
            linear | set(model_class.embedding_modules),
            PEFTHelper.from_local_dir(str(directory), None),
            lora_model_id=1,
            device="cpu",
        )

    with pytest.raises(ValueError, match="lm_head"):
        load(adapter, MistralForCausalLM)
    assert "lm_head" in load(adapter, LlamaForCausalLM).loras  # Llama declares lm_head LoRA
    for model_class in (MistralForCausalLM, LlamaForCausalLM):
        loaded = load(result.adapter_dir, model_class)
        assert len(loaded.loras) == 2 * 2 and "lm_head" not in loaded.loras


@pytest.mark.vllm
def test_vllm_serves_the_converted_pair_like_peft_serves_the_original(smollm2_pair, tmp_path):
    import contextlib
    import gc
    import os

    env = {
        "VLLM_ENABLE_V1_MULTIPROCESSING": "0",  # engine in this process: no spawn under pytest
        "VLLM_CPU_KVCACHE_SPACE": "1",
        "VLLM_CPU_NUM_OF_RESERVED_CPU": "0",
        "VLLM_CACHE_ROOT": str(tmp_path / "vllm-cache"),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from vllm import LLM, SamplingParams
        from vllm.lora.request import LoRARequest

        result = smollm2_pair["result"]
        # float32 isolates the conversion from bf16 compute noise; the weights are the bf16 ones
        llm = LLM(
            model=str(result.base_dir),
            enable_lora=True,
            max_lora_rank=8,
            max_loras=1,
            enforce_eager=True,
            dtype="float32",
            max_model_len=512,
            seed=0,
        )
        params = SamplingParams(temperature=0.0, max_tokens=MAX_NEW, logprobs=1)
        outputs = llm.generate(
            [{"prompt_token_ids": ids} for ids in smollm2_pair["prompt_ids"]],
            params,
            lora_request=LoRARequest("converted", 1, str(result.adapter_dir)),
        )
        with contextlib.suppress(Exception):  # free the engine before the session's own starts
            llm.llm_engine.engine_core.shutdown()
        del llm
        gc.collect()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    matches, worst = 0, 0.0
    for output, (tokens, logprobs) in zip(outputs, smollm2_pair["reference"], strict=True):
        got = _until_eos(list(output.outputs[0].token_ids))
        if got == tokens:
            matches += 1
            served = [
                step[tok].logprob
                for step, tok in zip(output.outputs[0].logprobs, tokens, strict=True)
            ]
            worst = max(worst, max(abs(a - b) for a, b in zip(served, logprobs, strict=True)))
    print(f"vLLM: greedy {matches}/{len(PROMPTS)}, max |Δlogprob| of greedy tokens {worst:.2e}")
    assert matches == len(PROMPTS)
    assert worst < 0.1


# --- what a merge into the serving dtype keeps of the adapter -----------------------------------


def test_delta_kept_measures_what_a_merge_into_bf16_keeps(tiny_base, tmp_path):
    from cantobatch.models import delta_kept

    lora = {"r": 4, "lora_alpha": 8, "target_modules": ["q_proj", "v_proj"]}
    coarse = peft_model(tiny_base, make_adapter(tiny_base, tmp_path / "coarse", std=0.3, **lora))
    fine = peft_model(tiny_base, make_adapter(tiny_base, tmp_path / "fine", std=1e-3, **lora))
    assert delta_kept(coarse, torch.bfloat16) > 0.95  # updates far above bf16's rounding
    assert delta_kept(fine, torch.bfloat16) < 0.2  # updates below it: the merge loses them
    assert delta_kept(fine, torch.float32) > 0.99


@pytest.mark.slow
def test_merged_model_warns_when_its_dtype_loses_the_adapter(
    small_model_path, tmp_path, monkeypatch
):
    from cantobatch.models import MARKER, merged_model

    monkeypatch.setenv("CANTOBATCH_HOME", str(tmp_path / "home"))
    adapter = make_adapter(
        small_model_path, tmp_path / "fine", std=1e-3, r=4, target_modules=["q_proj"]
    )
    said = []
    merged = merged_model(str(small_model_path), adapter, "bfloat16", log=said.append)
    assert json.loads((merged / MARKER).read_text())["delta_kept"] < 0.7
    assert any("keep only" in line and "llm.serve = 'lora'" in line for line in said), said
