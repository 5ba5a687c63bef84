"""Prompt formats: the seed adapter's format byte for byte, the chat format, prompt hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cantobatch.extract import prompts
from cantobatch.extract.llm import _fast_renderer
from cantobatch.references import parse_answer


def test_poundtech_is_the_seed_format_byte_for_byte() -> None:
    text = 'Sigismundo’s epopte is presented in IX:ll.15-28, "dromena".'
    expected = (
        b'### Question: "Sigismundo\xe2\x80\x99s epopte is presented in IX:ll.15-28, '
        b'"dromena"."\n ### Answer: '
    )
    assert prompts.poundtech_prompt(text).encode("utf-8") == expected
    assert prompts.renderer("poundtech")(text) == prompts.poundtech_prompt(text)


def test_chat_messages_few_shot_then_passage() -> None:
    messages = prompts.chat_messages("Canto XX")
    assert messages[0]["role"] == "system" and "JSON" in messages[0]["content"]
    roles = [m["role"] for m in messages[1:]]
    assert roles == ["user", "assistant"] * len(prompts.FEW_SHOT) + ["user"]
    assert messages[-1]["content"] == "Canto XX"
    for m in messages[2:-1:2]:  # every example answer is a valid reference object
        parse_answer(m["content"])
    assert json.loads(messages[2]["content"]) == {"references": [{"canto": 45, "lines": []}]}


def test_prompt_hash_is_stable_and_names_the_template() -> None:
    assert prompts.prompt_hash("chat") == prompts.prompt_hash("chat")
    assert prompts.prompt_hash("chat") != prompts.prompt_hash("poundtech")
    assert prompts.PLACEHOLDER in prompts.template_text("chat")
    assert prompts.template_text("poundtech") == '### Question: "{passage}"\n ### Answer: '
    with pytest.raises(ValueError):
        prompts.prompt_hash("alpaca")


def test_chat_needs_a_chat_template() -> None:
    class NoTemplate:
        chat_template = None

    with pytest.raises(ValueError, match="chat template"):
        prompts.renderer("chat", NoTemplate())


def test_chat_rendering_with_the_small_models_template(small_model_path: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(small_model_path))
    slow = prompts.renderer("chat", tokenizer)
    fast = _fast_renderer("chat", tokenizer)
    for text in ("Canto I", 'quotes " and {braces} and <|im_end|>-like text', "é\n\nline 2"):
        assert fast(text) == slow(text)
    rendered = fast("Canto I")
    assert rendered.startswith("<|im_start|>system\n" + prompts.SYSTEM + "<|im_end|>\n")
    assert rendered.endswith("<|im_start|>user\nCanto I<|im_end|>\n<|im_start|>assistant\n")
