"""cantobatch train: pad/EOS/masking on the real tokenizer of the small model, the held-out split,
the model card, and a few real training steps on CPU."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from cantobatch.adapter_card import model_card, read_metadata, record_scores
from cantobatch.cli import cli
from cantobatch.errors import ConfigError
from cantobatch.examples import Example, read_examples
from cantobatch.extract.prompts import poundtech_prompt, renderer
from cantobatch.files import file_sha256 as sha256_file
from cantobatch.references import parse_answer
from cantobatch.train import (
    TrainConfig,
    answer_text,
    choose_pad_token,
    collate,
    encode,
    heldout_split,
    prompt_builder,
)


@pytest.fixture(scope="module")
def tokenizer(small_model_path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(small_model_path))


def test_pad_is_distinct_from_eos(tokenizer):
    assert tokenizer.pad_token_id == tokenizer.eos_token_id == 2  # the model as shipped
    pad = choose_pad_token(tokenizer)
    assert pad.token_id != tokenizer.eos_token_id and pad.token_id != tokenizer.bos_token_id
    assert not pad.added and tokenizer.pad_token_id == pad.token_id
    assert pad.token not in tokenizer.chat_template  # never a token the prompt uses


def test_labels_mask_prompt_and_keep_eos(tokenizer):
    choose_pad_token(tokenizer)
    eos = tokenizer.eos_token_id
    prompt = prompt_builder("chat", tokenizer)("See Canto LXXIV, l. 3.")
    answer = answer_text([{"canto": 74, "lines": [3]}])
    enc = encode(tokenizer, prompt, answer, max_length=2048)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(answer, add_special_tokens=False)["input_ids"]
    assert enc.input_ids == prompt_ids + answer_ids + [eos]
    assert enc.labels[: len(prompt_ids)] == [-100] * len(prompt_ids)
    assert enc.labels[len(prompt_ids) :] == answer_ids + [eos]
    assert enc.labels[-1] == eos


def test_padding_keeps_the_eos_label(tokenizer):
    pad = choose_pad_token(tokenizer)
    eos = tokenizer.eos_token_id
    short = encode(tokenizer, poundtech_prompt("canto 2"), answer_text([{"canto": 2}]), 512)
    long = encode(tokenizer, poundtech_prompt("Cantos 8-11, the Malatesta cantos"),
                  answer_text([{"canto": c} for c in (8, 9, 10, 11)]), 512)  # fmt: skip
    batch = collate([short, long], pad.token_id)
    n = len(short.input_ids)
    width = len(long.input_ids)
    assert batch["input_ids"].shape == (2, width)
    assert batch["input_ids"][0, n:].tolist() == [pad.token_id] * (width - n)
    assert batch["labels"][0, n:].tolist() == [-100] * (width - n)
    assert batch["attention_mask"][0].tolist() == [1] * n + [0] * (width - n)
    assert batch["labels"][0, n - 1].item() == eos  # the seed's pad == eos masked this away
    assert (
        batch["labels"][1, -1].item() == eos and batch["attention_mask"][1].tolist() == [1] * width
    )


def test_encode_skips_too_long(tokenizer):
    assert encode(tokenizer, poundtech_prompt("x " * 600), answer_text([]), max_length=100) is None


def test_prompt_is_the_extractors(tokenizer):
    passage = "In Canto XLV Pound attacks usura."
    assert prompt_builder("poundtech", tokenizer)(passage) == poundtech_prompt(passage)
    assert prompt_builder("chat", tokenizer)(passage) == renderer("chat", tokenizer)(passage)


def test_answer_text_is_what_the_extractor_grammar_emits():
    from cantobatch.extract.llm import seed_grammar

    text = answer_text([{"canto": 81, "lines": [-2, -1]}, {"canto": 2, "lines": []}])
    assert text == '{"references": [{"canto": 81, "lines": [-2, -1]}, {"canto": 2, "lines": []}]}'
    assert parse_answer(text) == [{"canto": 81, "lines": [-2, -1]}, {"canto": 2, "lines": []}]
    grammar = seed_grammar()  # the separators the answer grammar forces
    assert '"{\\"references\\": ["' in grammar and '(", " ref)' in grammar


def _examples(n: int) -> list[Example]:
    return [Example(text=f"Passage {i} on Canto {i % 120 + 1}.", references=()) for i in range(n)]


def test_heldout_split_disjoint_deterministic_and_order_free():
    examples = _examples(400)
    train, held = heldout_split(examples, 0.1, seed=0)
    assert len(train) + len(held) == 400
    assert not {e.text for e in train} & {e.text for e in held}
    assert 20 <= len(held) <= 60  # about 10%
    shuffled = examples[:]
    random.Random(1).shuffle(shuffled)
    train2, held2 = heldout_split(shuffled, 0.1, seed=0)
    assert {e.text for e in held2} == {e.text for e in held}
    assert {e.text for e in heldout_split(examples, 0.1, seed=1)[1]} != {e.text for e in held}


def test_heldout_split_keeps_normalised_duplicates_together():
    a = Example(text="See Canto I, l. 3.", references=((1, (3,)),))
    b = Example(text="see canto i l 3", references=((1, (3,)),))
    for seed in range(20):
        train, held = heldout_split([a, b, *_examples(30)], 0.3, seed)
        assert (a in held) == (b in held)


def test_heldout_split_holds_out_at_least_one():
    train, held = heldout_split(_examples(3), 0.01)
    assert len(held) == 1 and len(train) == 2
    assert heldout_split(_examples(3), 0.0) == (_examples(3), [])


def test_config_refuses_lm_head():
    with pytest.raises(ConfigError, match="lm_head"):
        TrainConfig(data=("x",), base="b", output="o", target_modules=("q_proj", "lm_head"))


# --- a real run: a few steps on CPU through the CLI --------------------------------------------


@pytest.fixture(scope="module")
def trained(small_model_path, poundtech101, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("train")
    data = tmp / "seed16.jsonl"
    lines = poundtech101.read_text(encoding="utf-8").splitlines()[:16]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp / "adapter"
    res = CliRunner().invoke(
        cli,
        [
            "train",
            "--data",
            str(data),
            "--base",
            str(small_model_path),
            "-o",
            str(out),
            "--max-steps",
            "6",
            "--eval-every",
            "3",
            "--eval-fraction",
            "0.25",
            "--lr",
            "1e-3",
            "--batch-size",
            "4",
            "--prompt-format",
            "poundtech",
        ],  # fmt: skip
    )
    assert res.exit_code == 0, res.output
    return data, out, res


@pytest.mark.slow
def test_training_writes_a_servable_adapter(trained):
    data, out, res = trained
    assert (out / "adapter_model.safetensors").is_file()
    config = json.loads((out / "adapter_config.json").read_text())
    assert sorted(config["target_modules"]) == ["k_proj", "o_proj", "q_proj", "v_proj"]
    assert "lm_head" not in json.dumps(config["target_modules"]) and not config["modules_to_save"]
    assert config["r"] == 8 and config["lora_alpha"] == 16
    meta = read_metadata(out)
    assert meta["prompt_format"] == "poundtech"
    assert meta["pad_token_id"] != meta["eos_token_id"] == 2
    assert "kept step" in res.output


@pytest.mark.slow
def test_training_lowers_heldout_loss_and_keeps_the_best(trained, small_model_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from cantobatch.train import heldout_loss

    data, out, _ = trained
    meta = read_metadata(out)
    losses = [e["heldout_loss"] for e in meta["evals"]]
    assert [e["step"] for e in meta["evals"]] == [0, 3, 6]
    assert losses[-1] < losses[0]
    best = min((e for e in meta["evals"] if e["step"] > 0), key=lambda e: e["heldout_loss"])
    assert meta["best_step"] == best["step"] and meta["best_heldout_loss"] == best["heldout_loss"]
    # the saved weights are the kept checkpoint: reloading them gives its held-out loss
    tok = AutoTokenizer.from_pretrained(str(small_model_path))
    pad = choose_pad_token(tok)
    _, held = heldout_split(read_examples(data), 0.25, seed=0)
    items = [
        encode(tok, poundtech_prompt(e.text), answer_text(e.reference_dicts), 1024) for e in held
    ]
    # in the run's own precision: on a GPU the run is in bf16, and the same weights reloaded in
    # fp32 on the CPU gave 2.640 against the recorded 2.654 (an H200); in bf16 they agree exactly
    device, dtype = meta["device"], getattr(torch, meta["dtype"])
    base = AutoModelForCausalLM.from_pretrained(str(small_model_path), dtype=dtype).to(device)
    model = PeftModel.from_pretrained(base, str(out))
    assert heldout_loss(model, items, pad.token_id, 4) == pytest.approx(
        meta["best_heldout_loss"], abs=1e-3
    )


@pytest.mark.slow
def test_model_card_contents(trained):
    data, out, _ = trained
    card = (out / "README.md").read_text()
    meta = read_metadata(out)
    assert meta["base_model"] in card
    assert sha256_file(data) in card and str(data) in card
    for e in meta["evals"]:
        assert f"| {e['step']} |" in card and f"{e['heldout_loss']:.4f}" in card
    assert "rank 8, alpha 16" in card and "q_proj, k_proj, v_proj, o_proj" in card
    assert "not measured" in card
    assert "cantobatch train --data" in card and "--prompt-format poundtech" in card
    record_scores(out, {"canto_f1": 0.25}, {"canto_f1": 0.5}, how="dev set, llm extractor")
    card = (out / "README.md").read_text()
    assert "| canto_f1 | 0.2500 | 0.5000 |" in card and "not measured" not in card
    assert model_card(read_metadata(out)) == card
