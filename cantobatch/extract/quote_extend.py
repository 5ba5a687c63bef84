"""Extending a quotation's seed word by word (``_Side``), what quoting in scholarship does to a text
tolerated (``similarity``: OCR slips; changed, added and dropped words; an ellipsis), for the
aligner of ``quote``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MAX_ELLIPSIS_WORDS = 150  # how far an ellipsis may jump ahead in the poem

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
