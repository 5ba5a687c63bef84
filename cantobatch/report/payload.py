"""The data a report page carries: compact column arrays, each passage's text stored once.

``documents`` hold every document (sorted by source); ``passages`` only those that cite a canto
(sorted by document and position); ``hits`` one reference each (sorted by passage and canto), with
its passage as an index into ``passages`` and its methods as a bit mask over ``methods``. Evidence
offsets are converted to UTF-16 code units, the unit JavaScript strings count in.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from cantobatch import __version__
from cantobatch.query import bibliography
from cantobatch.sections import fold_lines, name_key, named_ranges, sections
from cantobatch.tables import (
    BIBLIOGRAPHIC,
    HIT_COLUMNS,
    METHODS,
    Hit,
    Index,
    hits,
    present,
    reason,
)

PAYLOAD_VERSION = 1


def build_payload(index: Index, title: str | None = None) -> dict[str, Any]:
    doc_columns = ["doc_id", "source", "kind", "status", "error", "pages", "passages", "title"]
    documents = sorted(
        index.read("documents", [*doc_columns, *BIBLIOGRAPHIC]).to_pylist(),
        key=lambda d: d["source"],
    )
    citations = index.read("citations", HIT_COLUMNS)
    found = hits(citations)
    doc_of = {d["doc_id"]: i for i, d in enumerate(documents)}
    cited_ids = sorted({h.passage_id for h in found})
    passage_columns = ["passage_id", "doc_id", "seq", "page", "page_label", "text", "region"]
    passages = index.read("passages", passage_columns, filters=[("passage_id", "in", cited_ids)])
    passage_rows = sorted(
        passages.to_pylist(), key=lambda p: (doc_of.get(p["doc_id"], -1), p["seq"] or 0)
    )
    passage_of = {p["passage_id"]: i for i, p in enumerate(passage_rows)}
    found = [h for h in found if h.passage_id in passage_of]
    found.sort(key=lambda h: (passage_of[h.passage_id], h.canto))
    methods = sorted({m for h in found for m in h.base_methods}) or list(METHODS[:1])
    units = [_utf16_offsets(p["text"] or "") for p in passage_rows]
    payload = {
        "version": PAYLOAD_VERSION,
        "title": title or f"Citations of The Cantos · {index.path.resolve().name}",
        "index": str(index.path),
        "generated": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cantobatch": __version__,
        "counts": {
            "documents": len(documents),
            "passages": index.read("passages", ["passage_id"]).num_rows,
            "citing_passages": len(passage_rows),
            "references": len(found),
            "citation_rows": citations.num_rows,
        },
        "sections": [[s.name, s.short, s.first, s.last] for s in sections()],
        "names": {name_key(n): list(r) for n, r in named_ranges().items()},
        "methods": methods,
        "docs": _documents(documents),
        "passages": _passages(passage_rows, doc_of, index.has_column("passages", "region")),
        "hits": _hits(found, passage_of, methods, units),
    }
    return payload


def _documents(documents: list[dict[str, Any]]) -> dict[str, list]:
    return {
        "source": [d["source"] for d in documents],
        "kind": [d["kind"] for d in documents],
        "status": [d["status"] for d in documents],
        "error": [reason(d["source"], d["error"]) for d in documents],
        "pages": [d["pages"] for d in documents],
        "passages": [d["passages"] for d in documents],
        "title": [d["title"] or "" for d in documents],
        # A reference line when the index knows more than a title (authors, year …), else "".
        "bib": [
            bibliography(present(d, BIBLIOGRAPHIC)) if present(d, BIBLIOGRAPHIC[1:]) else ""
            for d in documents
        ],
    }


def _passages(rows: list[dict[str, Any]], doc_of: dict[str, int], region: bool) -> dict[str, list]:
    out = {
        "doc": [doc_of.get(p["doc_id"], -1) for p in rows],
        "seq": [p["seq"] for p in rows],
        "page": [p["page"] for p in rows],
        "label": [p["page_label"] for p in rows],
        "text": [p["text"] or "" for p in rows],
    }
    if region:
        out["region"] = [p.get("region") for p in rows]
    return out


def _hits(
    found: list[Hit], passage_of: dict[str, int], methods: list[str], units: list[list[int] | None]
) -> dict[str, list]:
    bit = {m: 1 << i for i, m in enumerate(methods)}
    out: dict[str, list] = {"p": [], "c": [], "l": [], "m": [], "s": [], "cp": []}
    for h in found:
        p = passage_of[h.passage_id]
        to16 = units[p]
        out["p"].append(p)
        out["c"].append(h.canto)
        out["l"].append(fold_lines(h.lines))
        out["m"].append(sum(bit[m] for m in h.base_methods))
        spans = [x for s, e in h.spans for x in (s, e)]
        out["s"].append(spans if to16 is None else [to16[min(x, len(to16) - 1)] for x in spans])
        out["cp"].append(", ".join(h.cited_pages))
    return out


def _utf16_offsets(text: str) -> list[int] | None:
    """UTF-16 offset of every code-point offset (0..len), or None when they are the same."""
    if text.isascii() or max(text) < "\U00010000":
        return None
    offsets, at = [], 0
    for c in text:
        offsets.append(at)
        at += 2 if ord(c) >= 0x10000 else 1
    offsets.append(at)
    return offsets
