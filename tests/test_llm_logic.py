"""LLM extractor logic without the engine: answer checks, retries, grounding, cache, identity.

These use a scripted stand-in for the engine; the real path is tested in test_llm.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cantobatch.config import Config, LLMConfig
from cantobatch.data import Passage
from cantobatch.errors import ConfigError
from cantobatch.extract.grounding import ground
from cantobatch.extract.llm import LLMExtractor
from cantobatch.llm_cache import CachedResult, ResultCache


@dataclass
class Completion:
    text: str
    finish_reason: str
    token_ids: list[int]


@dataclass
class Output:
    outputs: list[Completion]
    prompt_token_ids: list[int]


@dataclass
class ScriptedEngine:
    """Answers each call from a script: one list of (text, finish_reason) per generate call."""

    script: list[list[tuple[str, str]]]
    model_id: str = "scripted"
    adapter_hash: str = ""
    calls: list[tuple[int, int]] = field(default_factory=list)  # (n prompts, max_tokens)

    def serves(self, llm: LLMConfig) -> bool:
        return True

    def tokenizer(self):
        raise AssertionError("the poundtech format needs no tokenizer")

    def generate(self, prompts, params, use_tqdm=False, adapter=True):
        answers = self.script[len(self.calls)]
        self.calls.append((len(prompts), params.max_tokens))
        assert len(answers) == len(prompts)
        if callable(use_tqdm):  # what vLLM's offline loop does with a use_tqdm callable
            assert list(use_tqdm(iter(prompts), desc="Adding requests")) == list(prompts)
            bar = use_tqdm(total=len(prompts), desc="Processed prompts", dynamic_ncols=True)
            for _ in prompts:
                bar.update(1)
                assert bar.format_dict["elapsed"] > 0
            bar.close()
        return [
            Output([Completion(text, finish, list(range(len(text) // 3 + 1)))], [0] * 10)
            for text, finish in answers
        ]

    def close(self) -> None:
        pass


def make(engine: ScriptedEngine, tmp_path: Path, **llm) -> LLMExtractor:
    values = {"prompt_format": "poundtech", "cache": False, **llm}
    config = Config(extractor="llm", llm=LLMConfig(**values))
    return LLMExtractor(
        config, engine=engine, cache_path=tmp_path / "c.sqlite", show_progress=False
    )


GOOD = '{"references":[{"canto":9,"lines":[1,2]}]}'


def test_bad_answers_are_retried_once_then_recorded(tmp_path: Path) -> None:
    engine = ScriptedEngine(
        [
            [(GOOD, "stop"), ('{"references":[{"canto":9', "length"), ("not json", "stop"),
             ('{"references":[{"canto":130,"lines":[]}]}', "stop")],
            [('{"references":[{"canto":9,"lines":[]}]}', "stop"), ("still not json", "stop"),
             ('{"references":[{"canto":130,"lines":[]}]}', "stop")],
        ]
    )  # fmt: skip
    ex = make(engine, tmp_path, max_tokens=16, retry_max_tokens=64)
    texts = ["Canto IX, ll. 1-2", "Canto IX", "junk", "Canto 130"]
    results = ex.extract_batch(
        [Passage.from_text(t, passage_id=str(i)) for i, t in enumerate(texts)]
    )
    assert engine.calls == [(4, 16), (3, 64)]
    assert results[0].ok and not results[0].meta["retried"]
    assert [(r.canto, r.lines) for r in results[0].references] == [(9, (1, 2))]
    assert results[1].ok and results[1].meta["retried"]
    assert results[1].prompt_tokens == 20  # both tries are counted
    assert results[2].error.startswith("invalid answer: not valid JSON")
    assert results[2].error.endswith("(after a retry)")
    assert "outside 1-120" in results[3].error and results[3].references == ()
    assert ex.stats.retried == 3 and ex.stats.errors == 2


def test_evidence_grounding_in_results(tmp_path: Path) -> None:
    engine = ScriptedEngine(
        [[('{"references":[{"canto":74,"lines":[]},{"canto":3,"lines":[]}]}', "stop")]]
    )
    [r] = make(engine, tmp_path).extract_batch([Passage.from_text("Pisa, in LXXIV.")])
    grounded, ungrounded = r.references
    assert (grounded.evidence, grounded.evidence_start, grounded.family) == ("LXXIV", 9, "roman")
    assert grounded.method == "llm" and grounded.flags == ()
    assert ungrounded.flags == ("ungrounded",) and ungrounded.evidence is None


@pytest.mark.parametrize(
    ("text", "canto", "found"),
    [
        ("as in LXXXI the wasp", 81, "LXXXI"),
        ("Canto I opens at sea", 1, "I"),
        ("I think the first line matters", 1, None),  # the pronoun grounds nothing
        ("see I, ll. 3-4", 1, "I"),
        ("in canto 45 Pound", 45, "45"),
        ("in 1945 Pound", 45, None),
        ("the Pisan Cantos", 80, "Pisan Cantos"),
        ("the seventeenth canto", 17, "seventeenth"),
        ("Canto XLVII", 47, "XLVII"),
        ("Canto XLVII", 7, None),
    ],
)
def test_ground(text: str, canto: int, found: str | None) -> None:
    hit = ground(text, canto)
    assert (text[hit[0] : hit[1]] if hit else None) == found


def test_cache_roundtrip_and_settings_are_separate(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    a = ResultCache(path, {"model": "m", "prompt_hash": "1"})
    b = ResultCache(path, {"model": "m", "prompt_hash": "2"})
    result = CachedResult(GOOD, None, "stop", 10, 5, False)
    a.put_many([("Canto IX", result)])
    assert a.get_many(["Canto IX", "other"]) == {next(iter(a.get_many(["Canto IX"]))): result}
    assert b.get_many(["Canto IX"]) == {}
    a.close()
    assert len(ResultCache(path, {"model": "m", "prompt_hash": "1"})) == 1


def test_identity_names_what_changes_the_output(tmp_path: Path) -> None:
    engine = ScriptedEngine([])
    base = make(engine, tmp_path).identity()
    assert base["extractor"] == "llm" and base["model"] == "scripted"
    assert base["prompt_format"] == "poundtech" and len(base["prompt_hash"]) == 16
    assert '"max_tokens": 96' in base["decoding"]
    assert (
        make(engine, tmp_path, prompt_format="chat").identity()["prompt_hash"]
        != base["prompt_hash"]
    )
    assert make(engine, tmp_path, max_tokens=32).identity()["decoding"] != base["decoding"]


def test_an_engine_for_another_model_is_refused(tmp_path: Path) -> None:
    from cantobatch.extract.llm import Engine

    engine = Engine.__new__(Engine)
    engine.config = LLMConfig(model="/models/a")
    engine.use_lora = False
    with pytest.raises(ConfigError, match="another llm config"):
        LLMExtractor(Config(extractor="llm", llm=LLMConfig(model="/models/b")), engine=engine)
    assert engine.serves(LLMConfig(model="/models/a", prompt_format="poundtech"))
    assert not engine.serves(LLMConfig(model="/models/a", adapter="/ad", serve="lora"))


@pytest.mark.parametrize("name", ["cpu-smollm2.toml", "zephyr-a10g.toml", "default.toml"])
def test_shipped_configs_load(repo_root: Path, name: str) -> None:
    from cantobatch.config import load_config

    config = load_config(repo_root / "configs" / name)
    assert config.llm.max_tokens <= config.llm.retry_max_tokens
    if name == "zephyr-a10g.toml":
        assert config.llm.prompt_format == "poundtech" and config.llm.serve == "lora"
        assert config.llm.gpu_memory_utilization == 0.90 and config.llm.max_model_len == 2048
        assert config.llm.adapter and not config.llm.quantization
    if name == "cpu-smollm2.toml":
        assert config.llm.model == "smollm2" and config.llm.serve == "merged"
        assert config.llm.enforce_eager and config.llm.prompt_format == "chat"


def test_seed_grammar_accepts_exactly_the_seed_layout(poundtech101: Path) -> None:
    from xgrammar.testing import _is_grammar_accept_string as accepts

    from cantobatch.examples import read_examples
    from cantobatch.extract.llm import seed_grammar
    from cantobatch.references import MAX_REFERENCES, dump_answer

    grammar = seed_grammar()
    examples = read_examples(poundtech101)
    # The longest seed answer expands a group to 30 cantos: the bounds must admit every seed answer.
    assert max(len(ex.references) for ex in examples) <= MAX_REFERENCES
    assert all(accepts(grammar, dump_answer(ex.reference_dicts)) for ex in examples)
    assert accepts(grammar, '{"references": []}')
    for bad in (
        '{"references":[]}',  # compact spacing is not the seed layout
        '{"references": [{"canto": 121, "lines": []}]}',
        '{"references": [{"canto": 0, "lines": []}]}',
        '{"references": [{"canto": 9, "lines": [0]}]}',
        '{"references": [{"canto": 9, "lines": [1,  2]}]}',
    ):
        assert not accepts(grammar, bad), bad
    assert accepts(seed_grammar(max_lines=2), '{"references": [{"canto": 9, "lines": [1, 2]}]}')
    assert not accepts(
        seed_grammar(max_lines=2), '{"references": [{"canto": 9, "lines": [1, 2, 3]}]}'
    )


def test_progress_bar_counts_passages_on_stderr(tmp_path: Path, capsys, monkeypatch) -> None:
    texts = ["Canto IX", "Canto X", "Canto XI"]
    engine = ScriptedEngine([[(GOOD, "stop")] * 3, [(GOOD, "stop")] * 3, [(GOOD, "stop")] * 3])
    shown = make(engine, tmp_path)
    shown.show_progress = True
    shown.extract_batch([Passage.from_text(t) for t in texts])
    assert capsys.readouterr().err == ""  # stderr is no terminal here: no bar redraws in a log
    monkeypatch.setattr("cantobatch.progress.is_terminal", lambda stream=None: True)
    shown = make(engine, tmp_path)
    shown.show_progress = True
    shown.extract_batch([Passage.from_text(t) for t in texts])
    err = capsys.readouterr().err
    assert "llm:" in err and "/3 [" in err and "passage" in err  # tqdm redraws at intervals
    hidden = make(engine, tmp_path)
    hidden.extract_batch([Passage.from_text(t) for t in texts])
    assert capsys.readouterr().err == ""
    assert hidden.stats.prompt_tokens == 30 and hidden.stats.output_tokens > 0


def test_the_engine_says_what_it_does_on_stderr_by_default(capsys):
    # (a pull, a merge and the merge's warning would otherwise go nowhere in an index run)
    from cantobatch.extract.llm import Engine

    Engine(LLMConfig()).log("merging adapter")
    assert capsys.readouterr() == ("", "merging adapter\n")
    said = []
    Engine(LLMConfig(), log=said.append).log("merging adapter")
    assert said == ["merging adapter"] and capsys.readouterr() == ("", "")
