"""LLM extractor throughput vs a bare vLLM call, side by side in one engine; optional dev-set F1.

    python bench/llm.py                       # 64 dev passages, configs/cpu-smollm2.toml's [llm]
    python bench/llm.py -n 128 --rounds 3
    python bench/llm.py --eval 96             # also F1 of rules vs llm vs hybrid on 96 dev examples

Speed: the same prompts and SamplingParams go through ``LLMExtractor.extract_batch`` (cache off, no
progress bar) and through a bare ``LLM.generate``; rounds alternate the order after a warm-up that
fills the prefix cache, so both see the same engine state. The pipeline also retries truncated
answers; the table shows that time separately so the overhead ratio compares like with like.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=64, help="passages, evenly spread over the file")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--config", default=str(REPO / "configs" / "cpu-smollm2.toml"))
    parser.add_argument("--data", default=str(REPO / "training" / "dev.jsonl"))
    parser.add_argument("--eval", type=int, default=0, metavar="N", help="also score N examples")
    args = parser.parse_args()

    from cantobatch.config import load_config
    from cantobatch.data import Passage
    from cantobatch.examples import read_examples
    from cantobatch.extract.llm import LLMExtractor

    config = load_config(args.config).with_overrides(extractor="llm", llm={"cache": False})
    examples = read_examples(args.data)
    passages = [
        Passage.from_text(e.text, passage_id=e.id or str(i))
        for i, e in enumerate(spread(examples, args.n))
    ]
    extractor = LLMExtractor(config, show_progress=False)
    engine = extractor.engine

    t0 = time.perf_counter()
    llm = engine.start()
    startup = time.perf_counter() - t0
    prompts = [extractor.prompt(p.text) for p in passages]
    params = extractor.sampling_params(config.llm.max_tokens)
    lora = engine._lora_request

    # Time the pipeline's retry calls separately (they are work the bare call does not do).
    retry_s = [0.0]
    real_generate = engine.generate

    def timed_generate(prompts_, params_, use_tqdm=False, adapter=True):
        t = time.perf_counter()
        out = real_generate(prompts_, params_, use_tqdm=use_tqdm, adapter=adapter)
        if params_.max_tokens != config.llm.max_tokens:
            retry_s[0] += time.perf_counter() - t
        return out

    engine.generate = timed_generate

    def bare() -> tuple[float, list]:
        t = time.perf_counter()
        outs = llm.generate(prompts, params, use_tqdm=False, lora_request=lora)
        return time.perf_counter() - t, outs

    def pipeline() -> tuple[float, list]:
        retry_s[0] = 0.0
        t = time.perf_counter()
        results = extractor.extract_batch(passages)
        return time.perf_counter() - t, results

    bare(), pipeline()  # warm-up: prefix cache, grammar compilation, allocator
    bare_times, pipe_times, pipe_first = [], [], []
    results, outs = [], []
    for r in range(args.rounds):
        order = (bare, pipeline) if r % 2 == 0 else (pipeline, bare)
        for fn in order:
            dt, got = fn()
            if fn is bare:
                bare_times.append(dt)
                outs = got
            else:
                pipe_times.append(dt)
                pipe_first.append(dt - retry_s[0])
                results = got
    n = len(passages)
    b, p, pf = (statistics.median(x) for x in (bare_times, pipe_times, pipe_first))
    ptok = sum(len(o.prompt_token_ids) for o in outs) / n
    otok = sum(len(o.outputs[0].token_ids) for o in outs) / n
    retried = sum(1 for r in results if r.meta.get("retried"))
    errors = sum(1 for r in results if r.error)
    same = sum(
        1 for o, r in zip(outs, results, strict=True) if r.raw == o.outputs[0].text
    )  # first-try answers identical to the bare call (retried ones may differ)
    print(
        f"\nmodel {engine.model_id}  prompt {config.llm.prompt_format}  serve "
        f"{config.llm.serve if config.llm.adapter else 'base'}  passages {n}  rounds {args.rounds}"
    )
    print(f"engine startup {startup:.1f} s (enforce_eager={config.llm.enforce_eager})")
    print(f"{'':28}{'seconds':>9}{'passages/s':>12}")
    print(f"{'bare LLM.generate':28}{b:9.2f}{n / b:12.2f}")
    print(f"{'pipeline extract_batch':28}{p:9.2f}{n / p:12.2f}")
    print(f"{'  of which retries':28}{p - pf:9.2f}{'':>12}")
    print(f"ratio pipeline/bare (passages/s): {b / p:.3f}   without retry time: {b / pf:.3f}")
    print(f"tokens per passage: prompt {ptok:.1f}, output {otok:.1f}; retried {retried}, "
          f"errors {errors}, raw answers identical to bare {same}/{n}")  # fmt: skip

    if args.eval:
        evaluate(config, spread(examples, args.eval), extractor)
    extractor.close()


def spread(items: list, n: int) -> list:
    """``n`` items evenly spaced over the list (the dev file is grouped by kind)."""
    if n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


def evaluate(config, examples, extractor) -> None:
    """F1 of rules, the LLM alone and the hybrid on the same examples (for configs/default.toml)."""
    import tempfile

    from cantobatch.evaluate import evaluate as score
    from cantobatch.evaluate import format_table
    from cantobatch.extract.llm import LLMExtractor
    from cantobatch.extract.registry import build_extractor

    # A cached extractor on the same engine: the hybrid then reuses the LLM answers.
    cache = Path(tempfile.mkdtemp()) / "llm-cache.sqlite"
    cached_config = config.with_overrides(llm={"cache": True, "cache_path": str(cache)})
    extractor = LLMExtractor(cached_config, engine=extractor.engine, show_progress=True)
    results = {}
    rules = build_extractor("rules", config.with_overrides(extractor="rules"))
    results["rules"] = score(rules, examples, name="rules")
    t = time.perf_counter()
    results["llm"] = score(extractor, examples, name="llm")
    print(f"llm on {len(examples)} examples: {time.perf_counter() - t:.1f} s")
    try:
        from cantobatch.extract.merge import HybridExtractor

        hybrid = HybridExtractor(cached_config.with_overrides(extractor="hybrid"), llm=extractor)
        results["hybrid"] = score(hybrid, examples, name="hybrid")
    except (ImportError, TypeError) as exc:
        print(f"(hybrid not scored: {exc})")
    print(format_table(results, by_kind=True))


if __name__ == "__main__":  # vLLM spawns its engine core: keep the entry point guarded
    os.environ.setdefault("VLLM_CACHE_ROOT", str(REPO / ".cache" / "vllm"))
    main()
