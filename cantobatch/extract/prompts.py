"""Prompt formats for the LLM extractor.

``poundtech`` is byte for byte the format the user's seed adapter was trained on, so that adapter
sees exactly what it learned from. ``chat`` uses the model's own chat template with a short system
instruction and three short examples given as earlier turns (for base or newly trained chat models).

Each format has a template text with a ``{passage}`` placeholder; its hash is part of the
extractor's identity and of the result-cache key, so editing a prompt invalidates old results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cantobatch.data import sha256_hex
from cantobatch.errors import InvalidValue

PLACEHOLDER = "{passage}"

POUNDTECH_TEMPLATE = '### Question: "{passage}"\n ### Answer: '

SYSTEM = (
    "You find references to Ezra Pound's poem The Cantos in a passage of scholarship. "
    'Answer with JSON only: {"references": [{"canto": N, "lines": [...]}]}. '
    "canto is the canto's number 1-120 (roman numerals converted: LXXIV is 74). "
    "lines lists the cited line numbers (ll. 4-6 gives [4, 5, 6]; the last line is -1), "
    "or [] when the canto as a whole is meant. "
    'If no canto of Pound is cited (Dante\'s cantos do not count), answer {"references": []}.'
)

# Short, made-up examples (not from any evaluation file): a roman canto, line ranges, a negative.
FEW_SHOT: tuple[tuple[str, list[dict[str, Any]]], ...] = (
    ("In Canto XLV Pound attacks usura.", [{"canto": 45, "lines": []}]),
    (
        "See LXXXI, ll.3-5, and canto 2.",
        [{"canto": 81, "lines": [3, 4, 5]}, {"canto": 2, "lines": []}],
    ),
    ("Dante meets Ulysses in Inferno XXVI.", []),
)


def poundtech_prompt(passage: str) -> str:
    """The seed adapter's training format: ``### Question: "<passage>"\\n ### Answer: ``."""
    return POUNDTECH_TEMPLATE.replace(PLACEHOLDER, passage)


def chat_messages(passage: str) -> list[dict[str, str]]:
    """System instruction, the few-shot turns, then the passage as the last user turn."""
    messages = [{"role": "system", "content": SYSTEM}]
    for text, refs in FEW_SHOT:
        messages.append({"role": "user", "content": text})
        messages.append({"role": "assistant", "content": json.dumps({"references": refs})})
    messages.append({"role": "user", "content": passage})
    return messages


def template_text(prompt_format: str) -> str:
    """The prompt with a placeholder for the passage: what prompt_hash is computed over."""
    if prompt_format == "poundtech":
        return POUNDTECH_TEMPLATE
    if prompt_format == "chat":
        return json.dumps(chat_messages(PLACEHOLDER), ensure_ascii=False, sort_keys=True)
    raise InvalidValue(f"unknown prompt format {prompt_format!r}")


def prompt_hash(prompt_format: str) -> str:
    return sha256_hex(f"{prompt_format}\n{template_text(prompt_format)}", 16)


def renderer(prompt_format: str, tokenizer: Any = None) -> Callable[[str], str]:
    """A function passage → prompt string. ``chat`` needs the model's tokenizer (chat template)."""
    if prompt_format == "poundtech":
        return poundtech_prompt
    if prompt_format == "chat":
        if tokenizer is None or not getattr(tokenizer, "chat_template", None):
            raise InvalidValue(
                "the chat prompt format needs a model whose tokenizer has a chat template; "
                "use prompt_format = 'poundtech' for models without one"
            )

        def render(passage: str) -> str:
            return tokenizer.apply_chat_template(
                chat_messages(passage), tokenize=False, add_generation_prompt=True
            )

        return render
    raise InvalidValue(f"unknown prompt format {prompt_format!r}")
