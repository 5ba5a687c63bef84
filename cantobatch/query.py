"""`cantobatch query`: the references of an index that match some filters, each with its evidence.

A hit is one reference (a canto cited by a passage, its lines folded), shown with a snippet of the
passage around the words that cite the canto, so a reader sees *why* the passage is listed.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cantobatch.sections import fold, fold_lines
from cantobatch.tables import (
    BIBLIOGRAPHIC,
    HIT_COLUMNS,
    METHODS,
    Hit,
    Index,
    hits,
    methods_in,
    present,
    rows_by_key,
)

PLAIN_MARK = ("[[", "]]")  # how the cited words are marked when the output is not a terminal
SNIPPET_WIDTH = 120  # characters of context on each side of the cited words


@dataclass(frozen=True)
class QueryHit:
    hit: Hit
    seq: int | None
    text: str
    region: str | None = None  # body or footnote, when the index records it
    document: dict[str, Any] = field(default_factory=dict, compare=False)  # bibliographic fields


def check_methods(index: Index, methods: Iterable[str]) -> None:
    """ValueError naming the known methods when one of ``methods`` is not a method."""
    known = sorted(set(METHODS) | set(methods_in(index.read("citations", ["method"]))))
    for method in methods:
        if method not in known:
            raise ValueError(f"{method!r} is not a method: choose from {', '.join(known)}")


def run_query(
    index: Index,
    cantos: Sequence[int] | None = None,
    line: int | None = None,
    doc: str | None = None,
    methods: Sequence[str] = (),
    limit: int | None = None,
) -> list[QueryHit]:
    """References matching every filter given, ordered by source, position and canto.

    ``line`` matches the absolute or the cited line (-1, the last line, as cited); ``doc`` is a
    case-insensitive substring of the source path, or a glob when it holds ``*?[``; ``methods``
    match a merged method by its parts (``rules`` matches ``rules+llm``).
    """
    filters = [("canto", "in", sorted(set(cantos)))] if cantos else None
    found = hits(index.read("citations", HIT_COLUMNS, filters=filters))
    if line is not None:
        found = [h for h in found if line in h.lines or line in h.lines_cited]
    if doc:
        found = [h for h in found if source_matches(h.source, doc)]
    if methods:
        wanted = set(methods)
        found = [h for h in found if wanted.intersection(h.base_methods)]
    if not found:
        return []
    ids = sorted({h.passage_id for h in found})
    columns = ["passage_id", "seq", "text", "region"]
    passages = rows_by_key(
        index.read("passages", columns, filters=[("passage_id", "in", ids)]), "passage_id"
    )
    doc_columns = ["doc_id", *BIBLIOGRAPHIC]
    documents = rows_by_key(index.read("documents", doc_columns), "doc_id")
    out = []
    for h in found:
        p = passages.get(h.passage_id, {})
        out.append(
            QueryHit(
                hit=h,
                seq=p.get("seq"),
                text=p.get("text") or "",
                region=p.get("region"),
                document=present(documents.get(h.doc_id, {}), BIBLIOGRAPHIC),
            )
        )
    out.sort(key=lambda q: (q.hit.source, q.seq if q.seq is not None else -1, q.hit.canto))
    return out[:limit] if limit is not None else out


def source_matches(source: str, pattern: str) -> bool:
    source, pattern = source.lower(), pattern.lower()
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(source, pattern)
    return pattern in source


def snippet(
    text: str,
    spans: Iterable[tuple[int, int]],
    width: int = SNIPPET_WIDTH,
    mark: tuple[str, str] = PLAIN_MARK,
) -> str:
    """The text around ``spans`` (±``width`` characters, cut at word boundaries), the spans marked,
    whitespace collapsed; distant spans give several windows joined by ' … '."""
    spans = _union(spans, len(text))
    if not spans:
        end = _cut_end(text, min(len(text), 2 * width), 0)
        return _squeeze(text[:end]) + (" …" if end < len(text) else "")
    windows: list[list[int]] = []
    for s, e in spans:
        start = _cut_start(text, max(0, s - width), s)
        end = _cut_end(text, min(len(text), e + width), e)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    parts = []
    for start, end in windows:
        pieces, at = [], start
        for s, e in spans:
            if s >= start and e <= end:
                pieces += [text[at:s], mark[0], text[s:e], mark[1]]
                at = e
        pieces.append(text[at:end])
        parts.append(_squeeze("".join(pieces)))
    return (
        ("… " if windows[0][0] > 0 else "")
        + " … ".join(parts)
        + (" …" if windows[-1][1] < len(text) else "")
    )


def _union(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted((max(0, s), min(length, e)) for s, e in spans):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _cut_start(text: str, start: int, limit: int) -> int:
    """Move ``start`` forward to the start of a word (never past ``limit``)."""
    if start == 0 or text[start - 1].isspace():
        return start
    match = re.search(r"\s+", text[start:limit])
    return start + match.end() if match else start


def _cut_end(text: str, end: int, limit: int) -> int:
    """Move ``end`` back to the end of a word (never before ``limit``)."""
    if end >= len(text) or text[end].isspace():
        return end
    cut = max((m.start() for m in re.finditer(r"\s+", text[limit:end])), default=None)
    return limit + cut if cut is not None else end


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def where(q: QueryHit) -> str:
    """'pdf/kenner.pdf, p. 3 (printed 47), footnote'."""
    h = q.hit
    out = h.source
    if h.page is not None:
        out += f", p. {h.page}"
        if h.page_label and h.page_label != str(h.page):
            out += f" (printed {h.page_label})"
    elif h.page_label:
        out += f", p. {h.page_label}"
    if q.region and q.region != "body":
        out += f", {q.region}"
    return out


def what(h: Hit, cantos: Sequence[int] = ()) -> str:
    """'canto 74, ll. 12–15, cited p. 445'; 'cantos 74–84' for a group cited as one."""
    cantos = sorted(set(cantos) | {h.canto})
    out = f"canto {h.canto}" if len(cantos) == 1 else f"cantos {fold(cantos)}"
    if h.lines:
        out += ", " + fold_lines(h.lines)
    if h.cited_pages:
        out += ", cited p. " + ", ".join(h.cited_pages)
    return out


def bibliography(document: dict[str, Any]) -> str:
    """'Kenner, Hugh (1971). The Pound Era. University of California Press.' from what is known."""
    authors = _text(document.get("authors"))
    year = document.get("year")
    head = " ".join(x for x in (authors, f"({year})." if year else "") if x)
    parts = [head.rstrip(".") + "." if head else ""]
    for key in ("title", "container"):
        if document.get(key):
            parts.append(_text(document[key]).rstrip(".") + ".")
    for key in ("doi", "url"):
        if document.get(key):
            parts.append(_text(document[key]))
            break
    return " ".join(p for p in parts if p)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def same_evidence(found: Sequence[QueryHit]) -> list[list[QueryHit]]:
    """Consecutive hits of one passage with the same evidence, lines and methods (a group name
    such as 'the Pisan Cantos' cites eleven cantos with one span): shown once in text."""
    runs: list[list[QueryHit]] = []
    for q in found:
        if runs and q.hit.spans and _key(runs[-1][0]) == _key(q):
            runs[-1].append(q)
        else:
            runs.append([q])
    return runs


def _key(q: QueryHit) -> tuple:
    h = q.hit
    return (h.passage_id, h.spans, h.lines, h.cited_pages, h.methods)


def format_hit(q: QueryHit, mark: tuple[str, str] = PLAIN_MARK, cantos: Sequence[int] = ()) -> str:
    """Two or three lines: where, what and how; the bibliography when known; the snippet.
    ``cantos``: the other cantos the same words cite (see :func:`same_evidence`)."""
    lines = [f"{where(q)}  {what(q.hit, cantos)}  [{', '.join(q.hit.methods)}]"]
    bib = bibliography(q.document)
    if bib:
        lines.append("    " + bib)
    lines.append("    " + snippet(q.text, q.hit.spans, mark=mark))
    return "\n".join(lines)


def hit_record(q: QueryHit) -> dict[str, Any]:
    """One JSON object per hit: integers as integers, the evidence with its offsets."""
    h = q.hit
    record: dict[str, Any] = {
        "source": h.source,
        "page": h.page,
        "page_label": h.page_label,
        "canto": h.canto,
        "lines": list(h.lines),
        "lines_cited": list(h.lines_cited),
        "cited_pages": list(h.cited_pages),
        "methods": list(h.methods),
        "flags": list(h.flags),
        "evidence": [{"start": s, "end": e, "text": q.text[s:e]} for s, e in h.spans if q.text],
        "snippet": snippet(q.text, h.spans),
        "passage_id": h.passage_id,
        "doc_id": h.doc_id,
        "seq": q.seq,
    }
    if q.region is not None:
        record["region"] = q.region
    record.update(q.document)
    record["text"] = q.text
    return record


CSV_FIELDS = (
    "source",
    "page",
    "page_label",
    "canto",
    "lines",
    "cited_page",
    "methods",
    "evidence",
    "snippet",
    "passage_id",
    "doc_id",
    "seq",
)


def csv_fields(index: Index) -> list[str]:
    extra = [c for c in BIBLIOGRAPHIC if index.has_column("documents", c)]
    return [*CSV_FIELDS, *(["region"] if index.has_column("passages", "region") else []), *extra]


def csv_row(q: QueryHit) -> dict[str, Any]:
    h = q.hit
    row = {
        "source": h.source,
        "page": h.page,
        "page_label": h.page_label,
        "canto": h.canto,
        "lines": fold(h.lines, dash="-"),
        "cited_page": "; ".join(h.cited_pages),
        "methods": "; ".join(h.methods),
        "evidence": " | ".join(q.text[s:e] for s, e in _union(h.spans, len(q.text))),
        "snippet": snippet(q.text, h.spans),
        "passage_id": h.passage_id,
        "doc_id": h.doc_id,
        "seq": q.seq,
        "region": q.region,
    }
    row.update({k: _text(v) for k, v in q.document.items()})
    return row
