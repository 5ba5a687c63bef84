"""Quotation alignment: find passages that quote the poem and map them to canto and lines.

Text-reuse style (as passim does it): every canto's normalised words are indexed by word
n-grams ("shingles"); a passage's shingles that hit the index are seeds, and each seed is
extended in both directions word by word, tolerating what quoting in scholarship does to a
text: an OCR slip inside a word (character edit distance), one changed, added or dropped word
(or one word for two), a word split across a PDF line break or two words run together, line
breaks replaced by " / " (punctuation is not a word) and an ellipsis ("...", "…") standing for
an omission; stretches a few words apart, or across an ellipsis, are chained into one
quotation. Seeds made only of very common words, and shingles frequent in the poem itself, are
not indexed, so "and then the" never starts a match; a match must also hold
``quote.min_words`` words, two of them content words, and score (matched words over alignment
steps) at least ``quote.min_score``. Function words matched at an edge on a line that no
content word of the quotation reaches are dropped. A quotation covers the lines that hold its
words (lines skipped by an ellipsis are not covered). The cost is one dictionary lookup per
passage word plus work proportional to the matches: near-linear in the corpus.

``QuoteExtractor`` runs this alone (``--extractor quote``); ``WithPoemText`` wraps any other
extractor, adds its quotations, and resolves every reference's lines against the text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cantobatch.config import Config
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.errors import ConfigError
from cantobatch.extract.base import Extractor, extract_each, failure
from cantobatch.poem import PoemText, load_poem_text, resolve_lines, tokenize

NGRAM = 3
MAX_POSTINGS = 8  # a shingle found more often than this in the poem is too common to seed
MAX_ELLIPSIS_WORDS = 150  # how far an ellipsis may jump ahead in the poem
MIN_CONTENT_WORDS = 2
MAX_CHAIN_GAP = 3  # words between two matching stretches that still make one quotation

# Function words: a shingle made only of these is not indexed; they do not count as content.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now o of off on once only or other our ours
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through thus thy thee thou to too under until up upon very was we
    were what when where which while who whom why will with would yet you your yours""".split()  # noqa: SIM905
)

_ELLIPSIS_RE = re.compile(r"\.\s?\.\s?\.|…")


@lru_cache(maxsize=262144)
def similarity(a: str, b: str) -> float:
    """1.0 for equal words; 1 - edits/length for an OCR slip (1 edit up to 7 letters, 2 above).

    Words under four letters must be equal: "the" and "she" are different words, not a slip.
    """
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    longest = max(la, lb)
    if min(la, lb) < 4 or abs(la - lb) > 2:
        return 0.0
    allowed = 1 if longest <= 7 else 2
    previous = list(range(lb + 1))
    for x in range(1, la + 1):
        current = [x] + [0] * lb
        best = x
        for y in range(1, lb + 1):
            cost = 0 if a[x - 1] == b[y - 1] else 1
            current[y] = min(previous[y] + 1, current[y - 1] + 1, previous[y - 1] + cost)
            best = min(best, current[y])
        if best > allowed:
            return 0.0
        previous = current
    distance = previous[lb]
    return 1.0 - distance / longest if distance <= allowed else 0.0


@dataclass(frozen=True)
class Quotation:
    canto: int
    lines: tuple[int, ...]  # every poem line with a word of the quotation, ascending
    start: int  # character offsets of the quotation in the passage
    end: int
    score: float
    words: int  # passage words the quotation spans
    ambiguous: bool = False  # the same words are also found elsewhere in the poem


@dataclass
class _Run:
    canto: int
    pairs: list[tuple[int, int, float]]  # (passage word, poem word, credit), passage order
    ops: int
    credit: float

    @property
    def first(self) -> int:
        return self.pairs[0][0]

    @property
    def last(self) -> int:
        return self.pairs[-1][0]


class _Side:
    """One direction of extension over passage words ``p`` and poem words ``q``."""

    def __init__(self, p: list[str], gap: list[bool], q: list[str], reverse: bool) -> None:
        self.p, self.gap, self.q, self.reverse = p, gap, q, reverse

    def _sim(self, i: int, j: int) -> float:
        p, q = self.p, self.q
        return similarity(p[i], q[j]) if i < len(p) and j < len(q) else 0.0

    def _joined(self, words: list[str], k: int) -> str | None:
        if k + 1 >= len(words):
            return None
        return words[k + 1] + words[k] if self.reverse else words[k] + words[k + 1]

    def _confirmed(self, i: int, j: int) -> bool:
        # An edit is accepted when two words match after it, or one content word exactly (a
        # quotation may end one word after a changed word: "and our souls also").
        s = self._sim(i, j)
        if not s:
            return False
        return self._sim(i + 1, j + 1) > 0 or (s == 1.0 and self.p[i] not in STOPWORDS)

    def _run_length(self, i: int, j: int, limit: int = 8) -> int:
        run = 0
        while run < limit and self._sim(i + run, j + run):
            run += 1
        return run

    def _resume_after_ellipsis(self, i: int, j: int) -> tuple[int | None, int]:
        """Where the quotation resumes after an ellipsis: the poem word that starts the longest
        run of matches (two at least, not only function words), and that run's length."""
        best, best_run = None, 1
        for k in range(j + 1, min(len(self.q), j + MAX_ELLIPSIS_WORDS)):
            run = self._run_length(i, k)
            informative = run >= 3 or any(self.p[i + x] not in STOPWORDS for x in range(run))
            if run > best_run and informative:
                best, best_run = k, run
        return best, best_run

    def extend(self, i: int, j: int) -> tuple[list[tuple[int, int, float]], int, float]:
        """Align forward from passage word ``i`` and poem word ``j``; stop where it breaks."""
        p, q, gap = self.p, self.q, self.gap
        pairs: list[tuple[int, int, float]] = []
        ops, credit = 0, 0.0
        while i < len(p) and j < len(q):
            if i > 0 and gap[i - 1]:  # an ellipsis just before: the quotation may skip ahead
                target, length = self._resume_after_ellipsis(i, j)
                if target is not None and length > self._run_length(i, j):
                    j = target
            s = self._sim(i, j)
            if s == 1.0:
                pairs.append((i, j, s))
                ops, credit, i, j = ops + 1, credit + s, i + 1, j + 1
                continue
            # "bel- lying" in the passage for "bellying"; "napenerve" for "nape-nerve"
            if self._joined(p, i) == q[j]:
                pairs += [(i, j, 1.0), (i + 1, j, 1.0)]
                ops, credit, i, j = ops + 1, credit + 1, i + 2, j + 1
            elif self._joined(q, j) == p[i]:
                pairs += [(i, j, 1.0), (i, j + 1, 1.0)]
                ops, credit, i, j = ops + 1, credit + 1, i + 1, j + 2
            elif s:  # an OCR slip
                pairs.append((i, j, s))
                ops, credit, i, j = ops + 1, credit + s, i + 1, j + 1
            elif self._confirmed(i + 1, j + 1):  # one word changed
                pairs.append((i, j, 0.0))
                ops, i, j = ops + 1, i + 1, j + 1
            elif self._confirmed(i + 1, j + 2):  # one word for two ("trim-coifed" → "neat")
                pairs += [(i, j, 0.0), (i, j + 1, 0.0)]
                ops, i, j = ops + 1, i + 1, j + 2
            elif self._confirmed(i + 2, j + 1):  # two words for one (or a changed word split)
                pairs += [(i, j, 0.0), (i + 1, j, 0.0)]
                ops, i, j = ops + 1, i + 2, j + 1
            elif self._confirmed(i, j + 1):  # a poem word left out
                ops, j = ops + 1, j + 1
            elif self._confirmed(i + 1, j):  # a word added in the passage
                ops, i = ops + 1, i + 1
            else:
                break
        return pairs, ops, credit


class QuoteAligner:
    """The shingle index of a poem text and the alignment of passages against it."""

    def __init__(self, poem: PoemText, min_words: int = 5, min_score: float = 0.8) -> None:
        self.poem = poem
        self.min_words = min_words
        self.min_score = min_score
        self.ngram = min(NGRAM, min_words)
        self.words: dict[int, list[str]] = {}
        self.words_reversed: dict[int, list[str]] = {}
        self.word_lines: dict[int, list[int]] = {}
        postings: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for canto in poem.sorted_cantos():
            words, lines = [], []
            for number, text in enumerate(canto.lines, start=1):
                for token in tokenize(text):
                    words.append(token.norm)
                    lines.append(number)
            self.words[canto.number] = words
            self.words_reversed[canto.number] = words[::-1]
            self.word_lines[canto.number] = lines
            for j in range(len(words) - self.ngram + 1):
                key = tuple(words[j : j + self.ngram])
                if all(w in STOPWORDS for w in key):
                    continue
                postings.setdefault(key, []).append((canto.number, j))
        self.index = {k: v for k, v in postings.items() if len(v) <= MAX_POSTINGS}

    @property
    def settings(self) -> str:
        return (
            f"ngram={self.ngram},min_words={self.min_words},min_score={self.min_score},"
            f"max_postings={MAX_POSTINGS},max_ellipsis={MAX_ELLIPSIS_WORDS}"
        )

    def align(self, text: str) -> list[Quotation]:
        """Every quotation of the poem in ``text``, in passage order."""
        tokens = tokenize(text)
        p = [t.norm for t in tokens]
        n, k = len(p), self.ngram
        if n < self.min_words:
            return []
        index = self.index
        seeds = [(i, hit) for i in range(n - k + 1) for hit in index.get(tuple(p[i : i + k]), ())]
        if not seeds:
            return []
        gap = [
            bool(_ELLIPSIS_RE.search(text, tokens[i].end, tokens[i + 1].start))
            for i in range(n - 1)
        ]
        gap.append(False)
        p_rev, gap_rev = p[::-1], gap[-2::-1] + [False]
        runs: list[_Run] = []
        covered: set[tuple[int, int, int]] = set()
        for i, (canto, j) in seeds:
            if (i, canto, j) in covered:  # this seed lies on a run already extended
                continue
            run = self._extend_seed(p, gap, p_rev, gap_rev, i, canto, j)
            runs.append(run)
            covered.update((a, canto, b) for a, b, _ in run.pairs)
        return self._select(self._chain(runs, gap), tokens)

    def _chain(self, runs: list[_Run], gap: list[bool]) -> list[_Run]:
        """Join runs that follow each other in passage and poem with a few words between them
        (more than one word changed) or with an ellipsis between them (an omission)."""
        chains: list[_Run] = []
        for run in sorted(runs, key=lambda r: (r.first, r.pairs[0][1])):
            for x, chain in enumerate(chains):
                passage_gap = run.first - chain.last - 1
                poem_gap = run.pairs[0][1] - chain.pairs[-1][1] - 1
                if chain.canto != run.canto or passage_gap < 0 or poem_gap < 0:
                    continue
                ellipsis = any(gap[chain.last : run.first])
                if ellipsis and passage_gap <= 1 and poem_gap <= MAX_ELLIPSIS_WORDS:
                    cost = passage_gap
                elif passage_gap <= MAX_CHAIN_GAP and poem_gap <= MAX_CHAIN_GAP:
                    cost = max(passage_gap, poem_gap)
                else:
                    continue
                chains[x] = _Run(
                    chain.canto,
                    chain.pairs + run.pairs,
                    chain.ops + run.ops + cost,
                    chain.credit + run.credit,
                )
                break
            else:
                chains.append(run)
        return chains

    def _extend_seed(self, p, gap, p_rev, gap_rev, i: int, canto: int, j: int) -> _Run:
        q, k, n, m = self.words[canto], self.ngram, len(p), len(self.words[canto])
        seed = [(i + x, j + x, 1.0) for x in range(k)]
        right, ops_r, credit_r = _Side(p, gap, q, False).extend(i + k, j + k)
        left_rev, ops_l, credit_l = _Side(p_rev, gap_rev, self.words_reversed[canto], True).extend(
            n - i, m - j
        )
        left = [(n - 1 - a, m - 1 - b, c) for a, b, c in reversed(left_rev)]
        run = _Run(canto, left + seed + right, ops_l + k + ops_r, credit_l + k + credit_r)
        return self._trim(run, p)

    def _trim(self, run: _Run, p: list[str]) -> _Run:
        """Drop function words matched at either edge on a line no content word reaches.

        "... aboard her and moves on" must not claim the next line for a coincidental "and".
        """
        lines = self.word_lines[run.canto]
        content = [x for x, (a, _, c) in enumerate(run.pairs) if c > 0 and p[a] not in STOPWORDS]
        if not content:
            return run
        lo, hi = content[0], content[-1]
        while lo > 0 and lines[run.pairs[lo - 1][1]] == lines[run.pairs[content[0]][1]]:
            lo -= 1
        while (
            hi < len(run.pairs) - 1
            and lines[run.pairs[hi + 1][1]] == lines[run.pairs[content[-1]][1]]
        ):
            hi += 1
        dropped = run.pairs[:lo] + run.pairs[hi + 1 :]
        if not dropped:
            return run
        return _Run(
            run.canto,
            run.pairs[lo : hi + 1],
            run.ops - len(dropped),
            run.credit - sum(c for _, _, c in dropped),
        )

    def _select(self, runs: list[_Run], tokens) -> list[Quotation]:
        candidates = []
        for run in runs:
            words = run.last - run.first + 1
            content = len({a for a, _, c in run.pairs if c > 0 and tokens[a].norm not in STOPWORDS})
            score = run.credit / run.ops
            if words >= self.min_words and score >= self.min_score and content >= MIN_CONTENT_WORDS:
                candidates.append((run, score))
        candidates.sort(key=lambda rc: (-rc[0].credit, -rc[1], rc[0].first))
        chosen: list[tuple[_Run, float, bool]] = []
        for run, score in candidates:
            clash = next(
                (c for c in chosen if run.first <= c[0].last and c[0].first <= run.last), None
            )
            if clash is None:
                chosen.append((run, score, False))
            elif (clash[0].first, clash[0].last, clash[0].credit) == (
                run.first,
                run.last,
                run.credit,
            ):
                chosen[chosen.index(clash)] = (clash[0], clash[1], True)
        out = []
        for run, score, ambiguous in sorted(chosen, key=lambda c: c[0].first):
            lines = sorted({self.word_lines[run.canto][b] for _, b, _ in run.pairs})
            out.append(
                Quotation(
                    canto=run.canto,
                    lines=tuple(lines),
                    start=tokens[run.first].start,
                    end=tokens[run.last].end,
                    score=round(score, 3),
                    words=run.last - run.first + 1,
                    ambiguous=ambiguous,
                )
            )
        return out

    def references(self, text: str) -> list[Reference]:
        return [
            Reference(
                canto=q.canto,
                lines=q.lines,
                evidence_start=q.start,
                evidence_end=q.end,
                evidence=text[q.start : q.end],
                method="quote",
                family="quote",
                score=q.score,
                absolute_lines=q.lines,
                flags=("ambiguous",) if q.ambiguous else (),
            )
            for q in self.align(text)
        ]


def _need_text(config: Config) -> str:
    if not config.quote.cantos_text:
        raise ConfigError(
            "the quote extractor needs the poem's text: give --cantos-text DIR (or quote.cantos_text "
            "in the config), a directory with one file per canto (canto_001.txt, 2.txt, III.txt …)"
        )
    return config.quote.cantos_text


def _settings_identity(poem: PoemText, aligner: QuoteAligner) -> dict[str, str]:
    return {"poem_text": poem.text_hash, "quote_settings": aligner.settings}


class QuoteExtractor:
    """``--extractor quote``: quotation alignment alone."""

    name = "quote"

    def __init__(self, config: Config) -> None:
        self.config = config
        self.poem = load_poem_text(_need_text(config))
        self.aligner = QuoteAligner(self.poem, config.quote.min_words, config.quote.min_score)

    def identity(self) -> dict[str, str]:
        return {
            "extractor": "quote",
            "method": "quote",
            **_settings_identity(self.poem, self.aligner),
        }

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        return extract_each(passages, self.aligner.references, "quote", "quote alignment")

    def close(self) -> None:
        pass


class WithPoemText:
    """Wraps an extractor: adds quotations and resolves every reference against the poem text.

    Lines become absolute (``absolute_lines``; -1 → the canto's last line), lines past a canto's
    end are flagged ``out_of_range:<line>``, and with a page concordance a canto/page citation
    (``74/445``) without lines gets the lines printed on that page (flag ``page_concordance``, or
    ``page_not_in_concordance`` when the table lacks the page). Works with the concordance alone.
    """

    def __init__(self, inner: Extractor, config: Config) -> None:
        from cantobatch.concordance import load_concordance

        self.inner = inner
        self.config = config
        q = config.quote
        self.poem = load_poem_text(q.cantos_text) if q.cantos_text else None
        self.aligner = QuoteAligner(self.poem, q.min_words, q.min_score) if self.poem else None
        self.concordance = load_concordance(q.concordance, q.edition) if q.concordance else None

    @property
    def name(self) -> str:
        return self.inner.name

    def identity(self) -> dict[str, str]:
        out = dict(self.inner.identity())
        if self.poem and self.aligner:
            out.update(_settings_identity(self.poem, self.aligner))
        if self.concordance:
            out["concordance"] = f"{self.concordance.edition}:{self.concordance.content_hash}"
        return out

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        results = self.inner.extract_batch(passages)
        out = []
        for passage, extraction in zip(passages, results, strict=True):
            refs = [self.resolve(r) for r in extraction.references]
            meta = extraction.meta
            if self.aligner is not None:
                try:
                    refs += self.aligner.references(passage.text)
                except Exception as exc:  # the inner result stands; the failure is recorded
                    meta = {**meta, "quote_error": failure(exc, "quote alignment")}
            out.append(dataclasses.replace(extraction, references=tuple(refs), meta=meta))
        return out

    def resolve(self, ref: Reference) -> Reference:
        """The reference with its lines made absolute and checked against the text."""
        if ref.method == "quote":
            return ref
        if not ref.lines and ref.cited_page and self.concordance is not None:
            lines = self.concordance.lines_for(ref.canto, ref.cited_page)
            if lines is None:
                return dataclasses.replace(ref, flags=_add(ref.flags, ("page_not_in_concordance",)))
            ref = dataclasses.replace(
                ref, lines=lines, absolute_lines=lines, flags=_add(ref.flags, ("page_concordance",))
            )
        if ref.lines and self.poem is not None and ref.canto in self.poem:
            absolute, flags = resolve_lines(self.poem, ref.canto, ref.lines)
            ref = dataclasses.replace(ref, absolute_lines=absolute, flags=_add(ref.flags, flags))
        return ref

    def close(self) -> None:
        self.inner.close()


def _add(flags: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    return flags + tuple(f for f in more if f not in flags)
