"""The grammar of this checkout against another checkout's, side by side in one process.

    .venv/bin/python bench/rules_ab.py /path/to/other/checkout [--rounds 12] [--changed]

Both trees' ``extract_references`` are imported under their own module objects (the other tree's
from ``cantobatch.extract.grammar.rules`` or, before the grammar package, ``cantobatch.extract
.rules``), checked to give the same references on every text (``--changed``: counted where they
differ, for a change of behaviour), then timed in alternating passes
(CPU time, garbage collection off) over the project's labelled sentences (training/*.jsonl) and
over ~1,500-character passages built as ``bench/rules.py`` builds them. Prints this/other ratios:
the best pass of each, and the totals.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load(root: Path):
    """``extract_references`` of the checkout at ``root``, its modules kept out of sys.modules."""
    for name in [k for k in sys.modules if k == "cantobatch" or k.startswith("cantobatch.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        try:
            module = importlib.import_module("cantobatch.extract.grammar.rules")
        except ImportError:
            module = importlib.import_module("cantobatch.extract.rules")
    finally:
        sys.path.remove(str(root))
    for name in [k for k in sys.modules if k == "cantobatch" or k.startswith("cantobatch.")]:
        del sys.modules[name]  # (the functions keep their own modules' globals)
    assert Path(module.__file__).resolve().is_relative_to(root.resolve())
    return module.extract_references


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, help="the other checkout (its repository root)")
    parser.add_argument(
        "--changed",
        action="store_true",
        help="time a grammar change too: count the texts the two differ on instead of stopping",
    )
    parser.add_argument("--rounds", type=int, default=12, help="timed passes of each")
    parser.add_argument("--passages", type=int, default=1500)
    args = parser.parse_args()
    this, other = load(REPO), load(args.other)
    sys.path.insert(0, str(REPO / "bench"))
    from rules import make_passages, sentences

    corpora = {"labelled sentences": sentences(), "passages": make_passages(args.passages)}
    changed = 0
    for texts in corpora.values():
        for text in texts:
            got = [dataclasses.asdict(r) for r in this(text)]
            if got != [dataclasses.asdict(r) for r in other(text)]:
                if not args.changed:
                    sys.exit(f"the two grammars differ on: {text[:200]!r}")
                changed += 1
    if changed:
        print(f"the two grammars differ on {changed} texts (--changed)")
    best = {(who, what): float("inf") for who in ("this", "other") for what in corpora}
    total = dict.fromkeys(best, 0.0)
    gc.disable()
    for r in range(args.rounds):
        order = (("this", this), ("other", other))
        for who, extract in order if r % 2 == 0 else order[::-1]:
            for what, texts in corpora.items():
                started = time.process_time()
                for text in texts:
                    extract(text)
                spent = time.process_time() - started
                best[who, what] = min(best[who, what], spent)
                total[who, what] += spent
    gc.enable()
    for what, texts in corpora.items():
        a, b = best["this", what], best["other", what]
        print(
            f"{what} ({len(texts)}): this {a * 1000:.0f} ms, other {b * 1000:.0f} ms (best of "
            f"{args.rounds}); this/other best {a / b:.3f}, "
            f"total {total['this', what] / total['other', what]:.3f}"
        )
    if not changed:
        print("the same references from both on every text")


if __name__ == "__main__":
    main()
