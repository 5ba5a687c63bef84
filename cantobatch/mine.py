"""Turn a citation index into training examples in the user's format, with provenance.

Selection rule (``MineConfig``), applied per passage of ``OUT/passages.parquet``:

- A *claim* is a canto, or a (canto, line) pair, found in a passage. Its *methods* are the base methods
  of the citation rows that carry it (``"rules+llm"`` counts as both ``rules`` and ``llm``).
- A claim is **confirmed** when at least ``min_agree`` (default 2) independent methods found it
  (rules and llm, rules and quote, llm and quote), or, when ``grounded=True``, when a method in
  ``grounded_methods`` (default ``rules``) found it with evidence that is exactly the passage text
  at the recorded span (``text[evidence_start:evidence_end] == evidence``).
- A passage is a **positive** when it has citations and every claim in it is confirmed. Its label is
  built from the rows in the user's convention: one object per canto in order of first appearance,
  lines from ``line_cited`` (negative positions kept), ``[]`` for a canto cited as a whole.
- A passage is a **disagreement** (written to the review file, never to the training file) when rules
  and the LLM both ran on the index and a canto or line was found by one of them and not the other.
  Other unconfirmed passages (e.g. an ungrounded rules span) are skipped and counted.
- A passage is a **negative** when it has no citation at all and its text matches the distractor
  pattern (canto/cantos, Inferno, bel canto, Mauberley, regnal or chapter numerals ...): the answer is
  ``{"references": []}``. At most ``negative_ratio`` negatives per positive are kept (chosen by hash).

Then, in this order: examples whose normalised input (NFKC, casefold, punctuation removed, whitespace
collapsed) equals an input of an ``exclude`` file or of another mined example are dropped; any passage
equal to, containing or contained in a dev-set input is dropped (never train on dev); and no document
contributes more than ``max_per_doc_share`` of the emitted examples (positives kept before negatives,
then by hash of passage id). With examples from fewer than ``1 / max_per_doc_share`` documents no
such cap can hold: each document then keeps an equal share (as many as the smallest has), and a
warning says so, rather than nothing being emitted. Output order is by source, position in the document, and passage id.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cantobatch.errors import ConfigError
from cantobatch.references import dump_answer

# Words that make a passage look like it might cite a canto, without citing one of The Cantos.
DISTRACTOR_PATTERN = (
    r"\bcant(?:o|os|i)\b|\binferno\b|\bpurgatorio\b|\bparadiso\b|\bmauberley\b|\bcathay\b"
    r"|\b(?:henry|edward|george|louis|charles|james|william|richard|pius|leo|gregory|innocent"
    r"|boniface|clement|john|philip|frederick|alfonso|ferdinand|sigismundo?)\s+[IVXLC]+\b"
    r"|\b(?:chapter|book|part|act|volume|vol\.|psalm|section|stanza|elegy|ode)\s+[IVXLC]+\b"
)
DEV_CONTAIN_MIN_CHARS = (
    25  # a normalised dev input at least this long is searched for inside passages
)


@dataclass(frozen=True)
class MineConfig:
    min_agree: int = 2  # independent methods that must agree for a claim to count as confirmed
    grounded: bool = True  # a grounded rules span confirms a claim by itself
    grounded_methods: tuple[str, ...] = ("rules",)
    negatives: bool = True
    negative_ratio: float | None = 1.0  # at most this many negatives per positive (None: no limit)
    distractor_pattern: str = DISTRACTOR_PATTERN
    max_per_doc_share: float = 0.2  # no document contributes more than this share of the examples
    review_methods: tuple[str, str] = ("rules", "llm")  # the pair whose disagreements go to review

    def __post_init__(self) -> None:
        if self.min_agree < 1:
            raise ConfigError("mine: min_agree must be at least 1")
        if not 0 < self.max_per_doc_share <= 1:
            raise ConfigError(
                f"mine: max_per_doc_share must be in (0, 1], not {self.max_per_doc_share}"
            )
        if self.negative_ratio is not None and self.negative_ratio < 0:
            raise ConfigError("mine: negative_ratio must be >= 0")
        try:
            re.compile(self.distractor_pattern)
        except re.error as exc:
            raise ConfigError(f"mine: distractor_pattern is not a valid regex: {exc}") from exc


@dataclass
class MineResult:
    examples: list[dict[str, Any]]  # user's format + provenance, in output order
    review: list[dict[str, Any]]  # disagreements for a person to label
    counts: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def dedup_key(text: str) -> str:
    """The text used for deduplication: NFKC, casefold, punctuation dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def base_methods(method: str) -> set[str]:
    """``"rules+llm"`` → ``{"rules", "llm"}``."""
    return {m.strip() for m in str(method).split("+") if m.strip()}


def _grounded(row: dict[str, Any], text: str) -> bool:
    start, end, evidence = row.get("evidence_start"), row.get("evidence_end"), row.get("evidence")
    if start is None or end is None or not evidence or _isnull(start) or _isnull(end):
        return False
    start, end = int(start), int(end)
    return 0 <= start < end <= len(text) and text[start:end] == evidence


def _isnull(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


@dataclass
class _Claims:
    """What the rows of one passage say, claim by claim."""

    methods: dict[tuple[int, int | None], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    confirmed_by: dict[tuple[int, int | None], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    first_seen: dict[int, int] = field(default_factory=dict)
    all_methods: set[str] = field(default_factory=set)


def _collect(rows: Sequence[dict[str, Any]], text: str, config: MineConfig) -> _Claims:
    claims = _Claims()
    for row in rows:
        canto = int(row["canto"])
        line = None if _isnull(row.get("line_cited")) else int(row["line_cited"])
        methods = base_methods(row["method"])
        claims.all_methods |= methods
        grounded = config.grounded and _grounded(row, text)
        keys = [(canto, None)] if line is None else [(canto, None), (canto, line)]
        for key in keys:
            claims.methods[key] |= methods
            if grounded:
                claims.confirmed_by[key] |= methods & set(config.grounded_methods)
        start = row.get("evidence_start")
        pos = 10**9 if _isnull(start) else int(start)
        claims.first_seen[canto] = min(claims.first_seen.get(canto, pos), pos)
    return claims


def _confirmed(claims: _Claims, key: tuple[int, int | None], config: MineConfig) -> bool:
    return len(claims.methods[key]) >= config.min_agree or bool(claims.confirmed_by.get(key))


def _label(claims: _Claims, keys: Iterable[tuple[int, int | None]]) -> list[dict[str, Any]]:
    by_canto: dict[int, set[int]] = {}
    for canto, line in keys:
        by_canto.setdefault(canto, set())
        if line is not None:
            by_canto[canto].add(line)
    order = sorted(by_canto, key=lambda c: (claims.first_seen.get(c, 10**9), c))
    return [{"canto": c, "lines": sorted(by_canto[c], key=lambda x: (x < 0, x))} for c in order]


def _method_view(claims: _Claims, method: str) -> list[dict[str, Any]]:
    return _label(claims, [k for k, ms in claims.methods.items() if method in ms])


def load_exclusions(paths: Iterable[str | Path]) -> set[str]:
    """Normalised inputs of existing datasets (user format or ``{"text", ...}``)."""
    from cantobatch.examples import read_examples

    out: set[str] = set()
    for path in paths:
        out.update(dedup_key(ex.text) for ex in read_examples(path))
    return out


def mine(
    out_dir: str | Path,
    config: MineConfig | None = None,
    exclude: Sequence[str | Path] = (),
    dev: Sequence[str | Path] = (),
) -> MineResult:
    """Mine an index directory (see the module docstring for the rule). Reads, never writes."""
    from cantobatch.tables import open_index

    config = config or MineConfig()
    index = open_index(out_dir)  # the one check: not an index, or an interrupted one, is refused
    passages = index.frame("passages")
    citations = index.frame("citations")
    excluded = load_exclusions(exclude)
    dev_texts = load_exclusions(dev)
    result = mine_tables(
        passages.to_dict("records"), citations.to_dict("records"), config, excluded, dev_texts
    )
    return result


def mine_tables(
    passages: Sequence[dict[str, Any]],
    citations: Sequence[dict[str, Any]],
    config: MineConfig,
    excluded: set[str] = frozenset(),  # type: ignore[assignment]
    dev_texts: set[str] = frozenset(),  # type: ignore[assignment]
) -> MineResult:
    """The selection on plain rows (as read from the index tables)."""
    result = MineResult(examples=[], review=[])
    counts = result.counts
    by_passage: dict[str, list[dict[str, Any]]] = defaultdict(list)
    index_methods: set[str] = set()
    for row in citations:
        by_passage[str(row["passage_id"])].append(row)
        index_methods |= base_methods(row["method"])
    pair = config.review_methods
    both_ran = set(pair) <= index_methods
    distractor = re.compile(config.distractor_pattern, re.IGNORECASE)
    dev_long = [d for d in dev_texts if len(d) >= DEV_CONTAIN_MIN_CHARS]

    seen_pids: set[str] = set()
    positives, negatives = [], []
    for p in sorted(passages, key=_passage_order):
        pid = str(p["passage_id"])
        if pid in seen_pids:  # a passage repeated across runs
            continue
        seen_pids.add(pid)
        text = p.get("text") or ""
        rows = by_passage.get(pid, [])
        provenance = {
            "source": p.get("source"),
            "page": None if _isnull(p.get("page")) else int(p["page"]),
            "passage_id": pid,
            "doc_id": p.get("doc_id"),
        }
        if not rows:
            if config.negatives and distractor.search(text):
                negatives.append(
                    {
                        "input": text,
                        "output": dump_answer([]),
                        "kind": "mined_negative",
                        **provenance,
                        "methods": [],
                        "selected_by": "distractor",
                    }  # fmt: skip
                )
            else:
                counts["no_citation"] += 1
            continue
        claims = _collect(rows, text, config)
        unconfirmed = [k for k in claims.methods if not _confirmed(claims, k, config)]
        if not unconfirmed:
            agreed = all(len(ms) >= config.min_agree for ms in claims.methods.values())
            positives.append(
                {
                    "input": text,
                    "output": dump_answer(_label(claims, claims.methods)),
                    "kind": "mined_positive",
                    **provenance,
                    "methods": sorted(claims.all_methods),
                    "selected_by": "agree" if agreed else "grounded",
                }  # fmt: skip
            )
            continue
        split = [k for k in claims.methods if len(claims.methods[k] & set(pair)) == 1]
        if both_ran and split:
            result.review.append(
                {
                    "input": text,
                    "output": dump_answer(_label(claims, claims.methods)),
                    "kind": "review",
                    **provenance,
                    "methods": sorted(claims.all_methods),
                    pair[0]: _method_view(claims, pair[0]),
                    pair[1]: _method_view(claims, pair[1]),
                    "disagreements": [
                        {"canto": c, "line": ln, "found_by": sorted(claims.methods[(c, ln)])}
                        for c, ln in sorted(
                            split, key=lambda k: (k[0], k[1] is not None, k[1] or 0)
                        )
                    ],
                }
            )
            counts["review"] += 1
        else:
            counts["unconfirmed"] += 1

    counts["positive_candidates"] = len(positives)
    counts["negative_candidates"] = len(negatives)
    kept = _filter_seen(positives + negatives, excluded, dev_texts, dev_long, counts)
    pos = [e for e in kept if e["kind"] == "mined_positive"]
    neg = [e for e in kept if e["kind"] == "mined_negative"]
    if config.negative_ratio is not None:
        limit = int(config.negative_ratio * len(pos))
        neg = sorted(neg, key=lambda e: _hash("neg", e["passage_id"]))
        counts["negatives_over_ratio"] = max(0, len(neg) - limit)
        neg = neg[:limit]
    capped = _cap_per_document(pos + neg, config.max_per_doc_share, counts, result.warnings)
    result.examples = sorted(capped, key=_passage_order)
    result.review.sort(key=_passage_order)
    counts["positives"] = sum(e["kind"] == "mined_positive" for e in result.examples)
    counts["negatives"] = sum(e["kind"] == "mined_negative" for e in result.examples)
    return result


def _passage_order(p: dict[str, Any]) -> tuple:
    seq = p.get("seq")
    return (str(p.get("source") or ""), -1 if _isnull(seq) else int(seq), str(p["passage_id"]))


def _filter_seen(
    examples: list[dict[str, Any]],
    excluded: set[str],
    dev_texts: set[str],
    dev_long: list[str],
    counts: Counter,
) -> list[dict[str, Any]]:
    kept, seen = [], set()
    for ex in examples:  # positives come first, so a duplicate keeps its positive label
        norm = dedup_key(ex["input"])
        if not norm:
            counts["empty"] += 1
        elif norm in dev_texts or any(d in norm for d in dev_long) or _inside_dev(norm, dev_long):
            counts["dev_overlap"] += 1
        elif norm in excluded:
            counts["excluded_duplicate"] += 1
        elif norm in seen:
            counts["duplicate"] += 1
        else:
            seen.add(norm)
            kept.append(ex)
    return kept


def _inside_dev(norm: str, dev_long: list[str]) -> bool:
    return len(norm) >= DEV_CONTAIN_MIN_CHARS and any(norm in d for d in dev_long)


def per_document_cap(sizes: Sequence[int], share: float) -> int:
    """The largest k with k <= share * sum(min(size, k)): so no document exceeds ``share``."""
    best = 0
    for k in range(1, max(sizes, default=0) + 1):
        if k <= share * sum(min(s, k) for s in sizes) + 1e-9:
            best = k
    return best


def _cap_per_document(
    examples: list[dict[str, Any]], share: float, counts: Counter, warnings: list[str]
) -> list[dict[str, Any]]:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ex in examples:
        by_doc[str(ex.get("doc_id") or ex.get("source"))].append(ex)
    sizes = [len(v) for v in by_doc.values()]
    cap = per_document_cap(sizes, share)
    if examples and cap == 0:
        # Fewer documents than 1/share: no cap can hold, and a cap of zero would emit nothing.
        # The nearest that holds is an equal share, 1/n: as many from each as the smallest has.
        cap = per_document_cap(sizes, 1 / len(sizes))
        kept = sum(min(size, cap) for size in sizes)
        needs = (
            f"max_per_doc_share={share:g} needs examples from at least "
            f"{math.ceil(1 / share - 1e-9)} documents"
        )
        if len(sizes) == 1:
            warnings.append(f"{needs} and they all come from one: all {kept} kept")
        else:
            warnings.append(
                f"{needs} and they come from {len(sizes)}: capped at an equal share instead "
                f"(1/{len(sizes)}: at most {cap} per document), {kept} of {len(examples)} kept; "
                "--max-per-doc-share 1 keeps them all"
            )
    kept = []
    for items in by_doc.values():
        items = sorted(items, key=lambda e: (e["kind"] != "mined_positive", _hash(e["passage_id"])))
        kept.extend(items[:cap])
        counts["over_document_cap"] += max(0, len(items) - cap)
    return kept


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    from cantobatch.examples import write_examples

    return write_examples(path, records)
