"""Quotation alignment: passages per second, and how the time grows from 1x to 4x the corpus.

A deterministic corpus of scholarly filler passages, one in ten quoting Canto I (1-3 lines,
sometimes joined by " / ", sometimes with a word changed or an ellipsis, an OCR slip or a word
hyphenated across a line break), is aligned against
the poem text. Printed side by side in one run: time and passages/s at 1x, 2x and 4x the corpus
(different passages each time, caches cleared before each, sizes interleaved over several
rounds and the best time of each kept), the ratio t(4x)/t(1x) (about 4 for
a near-linear method), the same with a poem of the whole work's size (synthetic), and recall /
false positives on the planted quotations.

    .venv/bin/python bench/quotes.py [--passages 3000] [--cantos texts/cantos]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from pathlib import Path

from cantobatch.extract.quote import QuoteAligner, similarity
from cantobatch.poem import Canto, PoemText, load_poem_text, normalize_word

REPO = Path(__file__).resolve().parents[1]

SUBJECTS = [
    "Pound's method", "The ideogrammic juxtaposition", "Kenner's reading", "The Malatesta sequence",
    "This passage", "The periplum", "Divus's Latin", "The Homeric descent", "Eliot's objection",
    "The draft of 1917", "Terrell's Companion", "The nekuia", "Bacigalupo's account",
    "The usury cantos", "The Pisan sequence", "The critical tradition",
]  # fmt: skip
VERBS = [
    "suggests", "obscures", "reworks", "anticipates", "complicates", "returns to", "echoes",
    "stages", "undermines", "translates", "foregrounds", "resists",
]  # fmt: skip
OBJECTS = [
    "the relation between history and myth", "the poem's economy of reference",
    "a modernist theory of translation", "the reader's sense of an ending",
    "the authority of the source text", "the problem of the long poem",
    "the voice of the wandering narrator", "an ethics of attention", "the archive of the Renaissance",
    "a politics of the vernacular", "the music of the line", "the persistence of the classical",
]  # fmt: skip
TAILS = [
    "as several critics have noted.", "and then the argument turns elsewhere.",
    "which is not to say that the design is complete.", "in ways that later cantos make explicit.",
    "though the evidence of the drafts is mixed.", "and the effect is cumulative.",
    "as the letters to his father show.", "even where the syntax breaks down.",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, {rng.choice(TAILS)}"


def quotation(rng: random.Random, lines: list[str]) -> tuple[str, set[int]]:
    """A quotation of 1-3 consecutive lines, styled as scholars quote; returns it and its lines."""
    first = rng.randrange(len(lines) - 6)
    count = rng.choice((1, 1, 2, 3))
    chosen = [lines[first + k].strip().strip('"') for k in range(count)]
    while len(" ".join(chosen).split()) < 5:  # below the default minimum length: take more
        chosen.append(lines[first + count].strip().strip('"'))
        count += 1
    expected = set(range(first + 1, first + count + 1))
    style = rng.random()
    if style < 0.4:
        text = " / ".join(chosen)
    elif style < 0.7:
        text = " ".join(chosen)
    elif style < 0.85 and count > 2:  # a line left out
        text = chosen[0] + " … " + chosen[-1]
        expected = {first + 1, first + count}
    else:
        words = " ".join(chosen).split()
        if len(words) >= 8:  # one word changed, in the middle
            words[len(words) // 2] = "otherwise"
        text = " ".join(words)
    return f"“{damage(rng, text)}”", expected


def damage(rng: random.Random, text: str) -> str:
    """What print and PDFs do: an OCR slip in a long word, or a word hyphenated at a line end."""
    words = text.split(" ")
    long_words = [k for k, w in enumerate(words[1:-1], 1) if w.isalpha() and len(w) >= 8]
    if not long_words:
        return text
    k, roll = rng.choice(long_words), rng.random()
    if roll < 0.15:
        cut = rng.randrange(2, len(words[k]) - 2)
        words[k] = words[k][:cut] + rng.choice("cnrl") + words[k][cut + 1 :]
    elif roll < 0.3:
        cut = rng.randrange(2, len(words[k]) - 2)
        words[k] = words[k][:cut] + "-\n" + words[k][cut:]
    return " ".join(words)


def corpus(n: int, seed: int, lines: list[str]) -> list[tuple[str, set[int] | None]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [sentence(rng) for _ in range(rng.randint(5, 9))]
        expected = None
        if rng.random() < 0.1:
            quote, expected = quotation(rng, lines)
            parts.insert(rng.randrange(len(parts)), f"As Pound has it, {quote}.")
        out.append((" ".join(parts), expected))
    return out


def timed(aligner: QuoteAligner, passages: list[tuple[str, set[int] | None]]):
    """CPU seconds of one run (wall time on a shared machine measures the neighbours), with cold
    word caches and the collector paused (as timeit does: its pauses grow with every live
    object, the whole generated corpus included, not with the work measured)."""
    normalize_word.cache_clear()
    similarity.cache_clear()
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        found = [aligner.align(text) for text, _ in passages]
        return time.process_time() - start, found
    finally:
        gc.enable()


def synthetic_poem(poem: PoemText, cantos: int, lines_each: int, seed: int) -> PoemText:
    """The real Canto I plus ``cantos - 1`` cantos of its words reshuffled: a poem of the whole
    work's size (The Cantos run to some 25,000 lines) for the cost of a large index."""
    rng = random.Random(seed)
    words = " ".join(poem.cantos[1].lines).split()
    out = {1: poem.cantos[1]}
    for number in range(2, cantos + 1):
        lines = tuple(" ".join(rng.choices(words, k=rng.randint(4, 11))) for _ in range(lines_each))
        out[number] = Canto(number, lines, f"synthetic {number}")
    return PoemText(out, "synthetic")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=3000, help="passages in the 1x corpus")
    parser.add_argument("--cantos", default=str(REPO / "texts" / "cantos"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    args = parser.parse_args()

    poem = load_poem_text(args.cantos)
    start = time.perf_counter()
    aligner = QuoteAligner(poem)
    build = time.perf_counter() - start
    lines = list(poem.cantos[1].lines)
    full = corpus(4 * args.passages, args.seed, lines)
    chars = sum(len(t) for t, _ in full) / len(full)
    print(
        f"poem: {len(poem.cantos)} canto(s), {len(aligner.index)} shingles indexed in {build * 1000:.1f} ms"
    )
    print(f"corpus: {len(full)} passages generated, {chars:.0f} chars each on average")
    timed(aligner, corpus(500, args.seed + 1, lines))  # warm-up, not measured
    # Sizes are interleaved round by round and the best time of each kept, so that load from
    # other processes on a shared machine does not fall on one size only.
    factors = (1, 2, 4)
    times = dict.fromkeys(factors, float("inf"))
    found_all: list = []
    for _ in range(args.rounds):
        for factor in factors:
            seconds, found = timed(aligner, full[: factor * args.passages])
            times[factor] = min(times[factor], seconds)
            if factor == 4:
                found_all = found
    print(f"{'size':>5} {'passages':>9} {'cpu s':>8} {'passages/s':>11}  (best of {args.rounds})")
    for factor in factors:
        n = factor * args.passages
        print(f"{factor:>4}x {n:>9} {times[factor]:>8.3f} {n / times[factor]:>11.0f}")
    print(
        f"t(2x)/t(1x) = {times[2] / times[1]:.2f}   t(4x)/t(1x) = {times[4] / times[1]:.2f}"
        "  (linear: 2 and 4)"
    )

    big = synthetic_poem(poem, 120, 200, args.seed)
    start = time.perf_counter()
    big_aligner = QuoteAligner(big)
    big_build = time.perf_counter() - start
    timed(big_aligner, corpus(500, args.seed + 1, lines))  # warm-up
    poem_times = {"Canto I": float("inf"), "120 cantos": float("inf")}
    for _ in range(args.rounds):
        for name, each in (("Canto I", aligner), ("120 cantos", big_aligner)):
            poem_times[name] = min(poem_times[name], timed(each, full[: args.passages])[0])
    big_lines = sum(len(c) for c in big.cantos.values())
    print(
        f"poem size: Canto I ({len(lines)} lines) vs 120 cantos ({big_lines} lines, "
        f"{len(big_aligner.index)} shingles, index built in {big_build:.2f} s): "
        f"{args.passages / poem_times['Canto I']:.0f} vs "
        f"{args.passages / poem_times['120 cantos']:.0f} passages/s at 1x, "
        f"ratio {poem_times['120 cantos'] / poem_times['Canto I']:.2f}"
    )

    for name, found in (("Canto I", found_all), ("120 cantos", timed(big_aligner, full)[1])):
        planted, hit, exact, false_pos = score(full, found)
        print(
            f"{name}: planted quotations {planted}; found {hit} ({hit / planted:.1%}), "
            f"lines exactly right {exact} ({exact / planted:.1%}); "
            f"quotations reported in passages without one: {false_pos}"
        )


def score(full, found_all) -> tuple[int, int, int, int]:
    planted = hit = exact = false_pos = 0
    for (_, expected), quotes in zip(full, found_all, strict=True):
        if expected is None:
            false_pos += len(quotes)
            continue
        planted += 1
        got = {line for q in quotes if q.canto == 1 for line in q.lines}
        hit += bool(got & expected)
        exact += got == expected and all(q.canto == 1 for q in quotes)
    return planted, hit, exact, false_pos


if __name__ == "__main__":
    main()
