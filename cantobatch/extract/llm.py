"""The LLM extractor: vLLM's offline engine, large batches, JSON-schema-constrained greedy answers.

One ``vllm.LLM`` per extractor, created on first use. Every answer is decoded under the reference
model's JSON schema (``references.json_schema``) with xgrammar and no free whitespace, so an untrained
model cannot ramble: it either closes the object (``finish_reason == "stop"``) or runs out of tokens.
A truncated or invalid answer is retried once with ``llm.retry_max_tokens``; if it fails again the
passage gets an Extraction with ``error`` set. Nothing here raises for one bad passage.

Serving an adapter: ``serve = "lora"`` sends a ``LoRARequest`` with every batch (cheap on a GPU);
``serve = "merged"`` merges the adapter once into a cached copy of the base and serves that without
LoRA (run-time LoRA measured ~4x slower on CPU, see VLLM-CPU.md).

vLLM normally runs its engine core in a child process, which needs an ``if __name__ == "__main__":``
guard in the calling script. On CPU this module keeps the engine in-process
(``VLLM_ENABLE_V1_MULTIPROCESSING=0`` unless the user set it), so it works the same from the CLI, a
notebook, pytest or a Ray worker.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cantobatch.data import Extraction, Passage
from cantobatch.errors import ConfigError, ExtractionError, require
from cantobatch.extract import prompts
from cantobatch.extract.grounding import grounded_reference
from cantobatch.llm_cache import CachedResult, ResultCache, text_key
from cantobatch.references import (
    MAX_CANTO,
    MAX_LINE_NUMBER,
    MAX_LINES,
    MAX_REFERENCES,
    MIN_CANTO,
    ReferenceParseError,
    json_schema,
    parse_answer,
)

if TYPE_CHECKING:
    from cantobatch.config import Config, LLMConfig


def _require_vllm():
    # vLLM logs to stdout by default, which would interleave with `cantobatch extract`'s JSON lines.
    os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")
    return require(
        "vllm", "cpu", "the llm extractor; on a GPU machine install the vllm extra instead"
    )


@dataclass
class EngineStats:
    """Counters the run summary can print (cumulative over the extractor's life)."""

    passages: int = 0
    cached: int = 0
    generated: int = 0  # passages answered by the engine (first try)
    retried: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    generate_calls: int = 0
    generate_s: float = 0.0
    startup_s: float = 0.0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Engine:
    """One vLLM engine for a model (and adapter), built from the llm config's engine settings."""

    def __init__(self, llm: LLMConfig, log=None) -> None:
        from cantobatch import models
        from cantobatch.adapters import adapter_hash

        self.config = llm
        # (on stderr by default: the model's pull, the adapter's merge and their warnings take long
        # or matter, and a run's output folder or JSON goes to stdout)
        self.log = log or _say
        self.model_id = models.model_id(llm.model)
        self.adapter_hash = adapter_hash(llm.adapter) if llm.adapter else ""
        self.use_lora = bool(llm.adapter) and llm.serve == "lora"
        self._llm: Any = None
        self._lora_request: Any = None
        self.stats = EngineStats()

    def serves(self, llm: LLMConfig) -> bool:
        """Whether this engine can answer for ``llm``: same model and engine settings, and the same
        adapter — or no adapter at all when this engine applies its adapter per request (LoRA)."""
        mine, theirs = self.config, llm
        same_engine = all(
            getattr(mine, f) == getattr(theirs, f)
            for f in ("model", "dtype", "max_model_len", "quantization", "seed")
        )
        if not theirs.adapter:
            return same_engine and (self.use_lora or not mine.adapter)
        return same_engine and mine.adapter == theirs.adapter and mine.serve == theirs.serve

    @property
    def started(self) -> bool:
        return self._llm is not None

    def start(self) -> Any:
        if self._llm is not None:
            return self._llm
        vllm = _require_vllm()
        from cantobatch import models

        cfg = self.config
        served: Path | str = models.ensure_model(cfg.model, log=self.log)
        if cfg.adapter and cfg.serve == "merged":
            served = models.merged_model(cfg.model, cfg.adapter, cfg.dtype, log=self.log)
        kwargs: dict[str, Any] = {
            "model": str(served),
            "dtype": cfg.dtype,
            "max_model_len": cfg.max_model_len,
            "seed": cfg.seed,
            "enforce_eager": cfg.enforce_eager,
            "enable_prefix_caching": True,
            # xgrammar honours disable_any_whitespace only as an engine setting (VLLM-CPU.md).
            "structured_outputs_config": {"backend": "xgrammar", "disable_any_whitespace": True},
        }
        if cfg.quantization:
            kwargs["quantization"] = cfg.quantization
        if self.use_lora:
            kwargs.update(enable_lora=True, max_lora_rank=cfg.max_lora_rank, max_loras=1)
        if _on_cpu():
            # KV cache size in GiB; keep both cores for the worker (+24% measured) unless the user
            # set these themselves.
            os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", str(cfg.kv_cache_gib))
            os.environ.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
            # The engine core in-process: no child process, so no __main__ guard is needed in
            # scripts, notebooks, pytest or Ray workers (and the tested path is the default one).
            os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        else:
            kwargs["gpu_memory_utilization"] = cfg.gpu_memory_utilization
        self.log(f"starting vLLM on {served}")
        t0 = time.perf_counter()
        try:
            self._llm = vllm.LLM(**kwargs)
        except Exception as exc:  # vLLM raises many types; one message with the cause and fix
            raise ExtractionError(
                f"vLLM could not start model {served} ({type(exc).__name__}: {exc}); check "
                f"llm.model, llm.max_model_len and memory settings in the config"
            ) from exc
        self.stats.startup_s = time.perf_counter() - t0
        if self.use_lora:
            from vllm.lora.request import LoRARequest

            self._lora_request = LoRARequest("adapter", 1, str(Path(cfg.adapter).resolve()))
        return self._llm

    def tokenizer(self) -> Any:
        return self.start().get_tokenizer()

    def generate(
        self, prompts_: list[str], params: Any, use_tqdm: Any = False, adapter: bool = True
    ) -> list[Any]:
        """``LLM.generate`` on a batch; ``adapter=False`` answers with the bare base model."""
        llm = self.start()
        t0 = time.perf_counter()
        lora = self._lora_request if adapter else None
        outs = llm.generate(prompts_, params, use_tqdm=use_tqdm, lora_request=lora)
        self.stats.generate_calls += 1
        self.stats.generate_s += time.perf_counter() - t0
        return outs

    def close(self) -> None:
        llm, self._llm = self._llm, None
        if llm is None:
            return
        # Best effort: the engine core may already be gone.
        with contextlib.suppress(Exception):
            llm.llm_engine.engine_core.shutdown()
        del llm
        gc.collect()


def _on_cpu() -> bool:
    try:
        from vllm.platforms import current_platform

        return bool(current_platform.is_cpu())
    except Exception:  # noqa: BLE001 - treat an unknown platform as a GPU
        return False


class LLMExtractor:
    """``extract_batch`` over vLLM with a result cache, evidence grounding and token counters."""

    name = "llm"

    def __init__(
        self,
        config: Config,
        *,
        engine: Engine | None = None,
        cache_path: str | Path | None = None,
        show_progress: bool = True,
    ) -> None:
        self.config = config
        self.llm = config.llm
        if engine is not None and not engine.serves(self.llm):
            raise ConfigError("the engine given to LLMExtractor was built for another llm config")
        self.engine = engine or Engine(self.llm)
        self._owns_engine = engine is None
        self._adapter = bool(self.llm.adapter)  # a shared LoRA engine may also serve the bare base
        self.show_progress = show_progress
        self.schema = json_schema()
        self.prompt_hash = prompts.prompt_hash(self.llm.prompt_format)
        self._render = None
        self._cache: ResultCache | None = None
        self._cache_path = cache_path
        self.stats = EngineStats()

    # --- identity -------------------------------------------------------------------------

    def decoding(self) -> dict[str, Any]:
        return {
            "temperature": 0,
            "max_tokens": self.llm.max_tokens,
            "retry_max_tokens": self.llm.retry_max_tokens,
            "schema": json.dumps(self.schema, sort_keys=True),
            "json_style": f"xgrammar-{self.llm.json_style}",
            "grammar": seed_grammar() if self.llm.json_style == "seed" else "",
            "dtype": self.llm.dtype,
            "quantization": self.llm.quantization or "",
            "serve": self.llm.serve if self.llm.adapter else "",
        }

    def identity(self) -> dict[str, str]:
        decoding = self.decoding()
        decoding["schema"] = prompts.sha256_hex(decoding["schema"], 12)
        if self.llm.json_style == "seed":
            decoding["grammar"] = prompts.sha256_hex(seed_grammar(), 12)
        return {
            "extractor": self.name,
            "method": "llm",
            "model": self.engine.model_id,
            "adapter": f"{self.llm.adapter}#{self.engine.adapter_hash}" if self.llm.adapter else "",
            "prompt_format": self.llm.prompt_format,
            "prompt_hash": self.prompt_hash,
            "decoding": json.dumps(decoding, sort_keys=True),
        }

    def _cache_setting(self) -> dict[str, str]:
        return {
            "model": self.engine.model_id,
            "adapter": self.engine.adapter_hash,
            "prompt_format": self.llm.prompt_format,
            "prompt_hash": self.prompt_hash,
            "decoding": json.dumps(self.decoding(), sort_keys=True),
        }

    @property
    def cache(self) -> ResultCache | None:
        if not self.llm.cache:
            return None
        if self._cache is None:
            from cantobatch.config import cantobatch_home

            path = self._cache_path or self.llm.cache_path or cantobatch_home() / "llm-cache.sqlite"
            self._cache = ResultCache(path, self._cache_setting())
        return self._cache

    # --- extraction -----------------------------------------------------------------------

    def prompt(self, passage_text: str) -> str:
        """The exact prompt string sent to the engine for a passage."""
        if self._render is None:
            tokenizer = self.engine.tokenizer() if self.llm.prompt_format == "chat" else None
            self._render = _fast_renderer(self.llm.prompt_format, tokenizer)
        return self._render(passage_text)

    def sampling_params(self, max_tokens: int) -> Any:
        _require_vllm()
        from vllm import SamplingParams
        from vllm.sampling_params import StructuredOutputsParams

        if self.llm.json_style == "seed":
            constraint = StructuredOutputsParams(grammar=seed_grammar())
        else:
            constraint = StructuredOutputsParams(json=self.schema)
        return SamplingParams(temperature=0.0, max_tokens=max_tokens, structured_outputs=constraint)

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        texts = [p.text for p in passages]
        cache = self.cache
        known: dict[str, CachedResult] = cache.get_many(texts) if cache is not None else {}
        cached_keys = set(known)
        todo: dict[str, str] = {}  # text hash → text, each distinct text generated once
        for text in texts:
            key = text_key(text)
            if key not in known and key not in todo:
                todo[key] = text
        if todo:
            fresh = self._generate(list(todo.values()))
            known.update(zip(todo.keys(), fresh, strict=True))
            if cache is not None:
                cache.put_many(list(zip(todo.values(), fresh, strict=True)))
        results = []
        for passage in passages:
            key = text_key(passage.text)
            results.append(self._extraction(passage, known[key], cached=key in cached_keys))
        self.stats.passages += len(passages)
        self.stats.cached += sum(1 for p in passages if text_key(p.text) in cached_keys)
        self.stats.errors += sum(1 for r in results if r.error)
        return results

    def _generate(self, texts: list[str]) -> list[CachedResult]:
        """Answers for distinct texts: batches of llm.batch_size, one retry pass for bad answers."""
        out: list[CachedResult] = []
        with _Bar(self.show_progress, len(texts)) as bar:
            for start in range(0, len(texts), self.llm.batch_size):
                chunk = texts[start : start + self.llm.batch_size]
                out.extend(self._generate_chunk(chunk, bar))
        return out

    def _generate_chunk(self, texts: list[str], bar: _Bar) -> list[CachedResult]:
        prompt_strings = [self.prompt(t) for t in texts]
        first = self.engine.generate(
            prompt_strings,
            self.sampling_params(self.llm.max_tokens),
            use_tqdm=bar.vllm_hook(),
            adapter=self._adapter,
        )
        self.stats.generate_calls += 1
        self.stats.generated += len(texts)
        results: list[CachedResult] = [_result(o) for o in first]
        bad = [i for i, r in enumerate(results) if r.error]
        # Greedy decoding repeats itself: a retry only helps with a larger budget.
        if bad and self.llm.retry_max_tokens > self.llm.max_tokens:
            again = self.engine.generate(
                [prompt_strings[i] for i in bad],
                self.sampling_params(self.llm.retry_max_tokens),
                use_tqdm=False,
                adapter=self._adapter,
            )
            self.stats.generate_calls += 1
            self.stats.retried += len(bad)
            for i, o in zip(bad, again, strict=True):
                second = _result(o)
                results[i] = CachedResult(
                    raw=second.raw,
                    error=None if second.error is None else f"{second.error} (after a retry)",
                    finish_reason=second.finish_reason,
                    prompt_tokens=results[i].prompt_tokens + second.prompt_tokens,
                    output_tokens=results[i].output_tokens + second.output_tokens,
                    retried=True,
                )
        for r in results:
            self.stats.prompt_tokens += r.prompt_tokens
            self.stats.output_tokens += r.output_tokens
        return results

    def _extraction(self, passage: Passage, result: CachedResult, cached: bool) -> Extraction:
        meta = {"finish_reason": result.finish_reason, "retried": result.retried, "cached": cached}
        # Tokens count what this run spent: a cached answer cost nothing.
        ptok, otok = (0, 0) if cached else (result.prompt_tokens, result.output_tokens)
        if result.error is not None:
            return Extraction(
                passage_id=passage.passage_id, error=result.error, method="llm", raw=result.raw,
                prompt_tokens=ptok, output_tokens=otok, meta=meta,
            )  # fmt: skip
        objs = parse_answer(result.raw or "")  # validated when generated; cannot fail here
        refs = tuple(grounded_reference(passage.text, o["canto"], tuple(o["lines"])) for o in objs)
        return Extraction(
            passage_id=passage.passage_id, references=refs, method="llm", raw=result.raw,
            prompt_tokens=ptok, output_tokens=otok, meta=meta,
        )  # fmt: skip

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._owns_engine:
            self.engine.close()


def seed_grammar(max_references: int = MAX_REFERENCES, max_lines: int = MAX_LINES) -> str:
    """EBNF for answers laid out exactly as in the seed file, within the JSON schema's bounds.

    ``{"references": [{"canto": 9, "lines": [1, 2]}]}``: the separators ", " and ": " of
    ``json.dumps`` and of the user's training data, no other whitespace, cantos 1-120, non-zero lines.
    """
    assert (MIN_CANTO, MAX_CANTO, MAX_LINE_NUMBER) == (1, 120, 999)  # the digit rules below
    return "\n".join(
        [
            'root ::= "{\\"references\\": [" refs? "]}"',
            f'refs ::= ref (", " ref){{0,{max_references - 1}}}',
            'ref ::= "{\\"canto\\": " canto ", \\"lines\\": [" lines? "]}"',
            f'lines ::= line (", " line){{0,{max_lines - 1}}}',
            'canto ::= [1-9] | [1-9] [0-9] | "1" [01] [0-9] | "120"',
            'line ::= "-"? ([1-9] | [1-9] [0-9] | [1-9] [0-9] [0-9])',
        ]
    )


def _result(output: Any) -> CachedResult:
    """One engine output → raw answer, or an error saying why it is unusable."""
    completion = output.outputs[0]
    raw = completion.text
    ptok = len(output.prompt_token_ids or ())
    otok = len(completion.token_ids or ())
    error = None
    if completion.finish_reason == "length":
        error = f"answer truncated at {otok} tokens (finish_reason=length)"
    else:
        try:
            parse_answer(raw)
        except ReferenceParseError as exc:
            error = f"invalid answer: {exc}"
    return CachedResult(raw, error, completion.finish_reason, ptok, otok, False)


def _fast_renderer(prompt_format: str, tokenizer: Any):
    """Render the template once around a marker and splice passages in (checked equal once)."""
    slow = prompts.renderer(prompt_format, tokenizer)
    marker = "\x00PASSAGE\x00"
    rendered = slow(marker)
    if rendered.count(marker) != 1:
        return slow
    head, tail = rendered.split(marker)
    probe = 'Canto "IX" <b>, ll. 1–3\n'
    if head + probe + tail != slow(probe):
        return slow
    return lambda text: head + text + tail


# --- progress -------------------------------------------------------------------------------


class _Bar:
    """One bar per extract_batch over the passages being generated, fed by vLLM per passage."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled and total > 0
        self.total = total
        self._bar = None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from cantobatch.progress import progress

            self._bar = progress(total=self.total, desc="llm", unit="passage", leave=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def vllm_hook(self) -> Any:
        """A callable vLLM's ``use_tqdm`` accepts: it makes a proxy that forwards to our bar."""
        if self._bar is None:
            return False
        bar = self._bar

        def make(iterable: Any = None, **kwargs: Any) -> Any:
            # vLLM also wraps the request-adding loop; that one is passed through unseen.
            return iterable if iterable is not None else _Forward(bar)

        return make


class _Forward:
    """What vLLM's offline loop needs from a tqdm bar, forwarding updates to ours."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar
        self._t0 = time.perf_counter()
        self.n = 0
        self.postfix = None

    @property
    def format_dict(self) -> dict[str, float]:
        return {"elapsed": max(time.perf_counter() - self._t0, 1e-9)}

    def update(self, n: int = 1) -> None:
        self.n += n
        self._bar.update(n)

    def refresh(self) -> None:
        return None

    def close(self) -> None:
        return None
