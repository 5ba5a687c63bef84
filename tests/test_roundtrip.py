"""The learning loop end to end on the sample corpus, each step reading what the previous one wrote:

index (rules) → mine → train a few steps → index again with the new adapter (hybrid: rules + the
small model served by vLLM with the adapter merged in).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cantobatch.adapter_card import read_metadata
from cantobatch.cli import cli
from cantobatch.examples import read_examples
from cantobatch.index import read_pandas

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def _run(args: list[str]) -> str:
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_index_mine_train_index_again(
    repo_root: Path, small_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = repo_root / "corpora"
    first, second = tmp_path / "first", tmp_path / "second"
    _run(["index", str(corpus), "-o", str(first), "--extractor", "rules", "--quiet"])
    passages = read_pandas(first, "passages")
    assert len(read_pandas(first, "citations")) > 0

    mined, review = tmp_path / "mined.jsonl", tmp_path / "review.jsonl"
    dev = repo_root / "training" / "dev.jsonl"
    out = _run(["mine", str(first), "-o", str(mined), "--review", str(review),
                "--dev", str(dev), "--max-per-doc-share", "0.5"])  # fmt: skip
    examples = read_examples(mined)
    assert examples, out
    assert {e.extra["passage_id"] for e in examples} <= set(passages["passage_id"])
    assert any(e.references for e in examples)

    adapter = tmp_path / "adapter"
    _run(["train", "--data", str(mined), "--base", str(small_model_path), "-o", str(adapter),
          "--prompt-format", "poundtech", "--max-steps", "2", "--eval-fraction", "0.2",
          "--batch-size", "2", "--lr", "1e-3"])  # fmt: skip
    meta = read_metadata(adapter)
    assert meta["data"][0]["path"] == str(mined) and meta["steps"] == 2

    config = tmp_path / "loop.toml"
    config.write_text(
        'extractor = "hybrid"\n[llm]\n'
        f"model = {json.dumps(str(small_model_path))}\nadapter = {json.dumps(str(adapter))}\n"
        'prompt_format = "poundtech"\nserve = "merged"\nkv_cache_gib = 1\nmax_model_len = 1024\n'
        "cache = false\n",
        encoding="utf-8",
    )
    # the engine core in-process: vLLM's child process needs a __main__ guard pytest lacks
    monkeypatch.setenv("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
    monkeypatch.setenv("VLLM_CACHE_ROOT", str(small_model_path.parent.parent / "vllm-cache"))
    _run(["index", str(corpus), "-o", str(second), "--config", str(config), "--quiet"])
    again = read_pandas(second, "passages")
    assert sorted(again["text"]) == sorted(passages["text"])
    cites = read_pandas(second, "citations")
    assert len(cites) > 0
    assert set(cites["extractor"].astype(str)) == {"hybrid"}
    # every row names the adapter the loop just trained
    assert all(str(a).startswith(str(adapter)) for a in cites["adapter"])
    assert set(cites["prompt_format"].astype(str)) == {"poundtech"}
