"""`cantobatch stats`: what an index holds, by document status, method, canto and section, and
(an index built by the cascade) the passages routed to the LLM, by reason.

Counts are of *references* (one canto cited by one passage, its lines folded; see
:mod:`cantobatch.tables`) unless they say rows: ``citations.parquet`` has a row per cited line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from cantobatch.references import MAX_CANTO, MIN_CANTO
from cantobatch.sections import fold, section_of, sections
from cantobatch.tables import HIT_COLUMNS, Hit, Index, hits, reason


def compute_stats(index: Index, top: int = 10) -> dict[str, Any]:
    """Every count `cantobatch stats` prints, as plain JSON-ready values; ``top`` bounds the
    most/least cited lists (``by_canto`` and ``documents`` are complete)."""
    documents = index.read("documents", ["doc_id", "source", "status", "error"]).to_pylist()
    passages = index.read("passages", ["passage_id", "doc_id"])
    citations = index.read("citations", HIT_COLUMNS)
    found = hits(citations)
    return {
        "index": str(index.path),
        "documents": _documents(documents),
        "passages": {
            "total": passages.num_rows,
            "citing": len({h.passage_id for h in found}),
        },
        "references": _references(found, citations.num_rows),
        "routes": _routes(index.read("routes", ["passage_id", "reason"]).to_pylist()),
        "cantos": _cantos(found, top),
        "sections": _sections(found),
        "by_document": _by_document(documents, passages.column("doc_id").to_pylist(), found),
    }


def _documents(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by status; the documents not read, and those read in part ("partial": indexed,
    some pages unreadable), each with the reason."""
    by_status = Counter(str(d["status"]) for d in documents)
    documents = sorted(documents, key=lambda d: (d["status"], d["source"]))

    def listed(keep) -> list[dict[str, Any]]:
        return [
            {
                "source": d["source"],
                "status": d["status"],
                "reason": reason(d["source"], d["error"]),
            }
            for d in documents
            if keep(d["status"])
        ]

    return {
        "total": len(documents),
        "by_status": dict(sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0]))),
        "not_read": listed(lambda status: status not in ("ok", "partial")),
        "partial": listed(lambda status: status == "partial"),
    }


def _references(found: list[Hit], rows: int) -> dict[str, Any]:
    by_method = Counter(method for h in found for method in h.methods)
    return {
        "total": len(found),
        "citation_rows": rows,
        "by_method": dict(sorted(by_method.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def _routes(routes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The cascade's routes (``routes.parquet``, a row per passage it read): how many passages
    it sent to the LLM, by reason (``extract.router.REASONS``); None where the index has none
    (another extractor, or the cascade never ran)."""
    if not routes:
        return None
    by_reason = Counter(str(r["reason"]) for r in routes if r["reason"])
    return {
        "passages": len(routes),
        "routed": sum(by_reason.values()),
        "by_reason": dict(sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def _cantos(found: list[Hit], top: int) -> dict[str, Any]:
    refs = Counter(h.canto for h in found)
    docs: dict[int, set[str]] = defaultdict(set)
    for h in found:
        docs[h.canto].add(h.doc_id)
    by_canto = [
        {"canto": c, "references": refs[c], "documents": len(docs[c])}
        for c in range(MIN_CANTO, MAX_CANTO + 1)
    ]
    cited = [row for row in by_canto if row["references"]]
    never = [row["canto"] for row in by_canto if not row["references"]]
    return {
        "cited": len(cited),
        "never_cited": never,
        "most_cited": sorted(cited, key=lambda r: (-r["references"], r["canto"]))[:top],
        "least_cited": sorted(cited, key=lambda r: (r["references"], r["canto"]))[:top],
        "by_canto": by_canto,
    }


def _sections(found: list[Hit]) -> list[dict[str, Any]]:
    by_section: dict[str, list[Hit]] = defaultdict(list)
    for h in found:
        by_section[section_of(h.canto).name].append(h)
    out = []
    for s in sections():
        mine = by_section[s.name]
        out.append(
            {
                "name": s.name,
                "first": s.first,
                "last": s.last,
                "references": len(mine),
                "passages": len({h.passage_id for h in mine}),
                "documents": len({h.doc_id for h in mine}),
                "cantos_cited": len({h.canto for h in mine}),
            }
        )
    return out


def _by_document(
    documents: list[dict[str, Any]], passage_docs: list[str], found: list[Hit]
) -> list[dict[str, Any]]:
    passages = Counter(passage_docs)
    refs = Counter(h.doc_id for h in found)
    citing: dict[str, set[str]] = defaultdict(set)
    cantos: dict[str, set[int]] = defaultdict(set)
    for h in found:
        citing[h.doc_id].add(h.passage_id)
        cantos[h.doc_id].add(h.canto)
    rows = [
        {
            "source": d["source"],
            "status": d["status"],
            "passages": passages[d["doc_id"]],
            "citing_passages": len(citing[d["doc_id"]]),
            "references": refs[d["doc_id"]],
            "cantos": len(cantos[d["doc_id"]]),
        }
        for d in documents
    ]
    return sorted(rows, key=lambda r: (-r["references"], r["source"]))


def format_stats(stats: dict[str, Any], top: int = 10) -> str:
    """The text `cantobatch stats` prints (``top`` rows of the per-document table; 0: all)."""
    d, p, r, c = stats["documents"], stats["passages"], stats["references"], stats["cantos"]
    status = (
        ", ".join(
            f"{n} {s}" + (" (indexed; some pages unreadable)" if s == "partial" else "")
            for s, n in d["by_status"].items()
        )
        or "none"
    )
    out = [f"index: {stats['index']}", f"documents: {d['total']} ({status})"]
    out += [f"  read in part: {x['source']}: {x['reason']}" for x in d["partial"]]
    width = max((len(x["status"]) for x in d["not_read"]), default=0)
    out += [
        f"  not read: {x['status']:<{width}}  {x['source']}: {x['reason']}" for x in d["not_read"]
    ]
    out.append(f"passages: {p['total']} ({p['citing']} cite a canto)")
    methods = ", ".join(f"{m} {n}" for m, n in r["by_method"].items()) or "none"
    out.append(
        f"references: {r['total']} ({r['citation_rows']} citation rows); by method: {methods}"
    )
    routes = stats.get("routes")
    if routes:
        reasons = ", ".join(f"{k} {n}" for k, n in routes["by_reason"].items()) or "none"
        out.append(
            f"routed to the LLM (cascade): {routes['routed']} of {routes['passages']} passages; "
            f"by reason: {reasons}"
        )
    total = MAX_CANTO - MIN_CANTO + 1
    out.append(f"cantos cited: {c['cited']} of {total}")
    out.append(f"  never cited: {fold(c['never_cited']) or 'none'}")
    out.append("  most cited: " + _cantos_line(c["most_cited"]))
    out.append("  least cited: " + _cantos_line(c["least_cited"]))
    out.append("by section (references, documents, cantos cited):")
    width = max(len(s["name"]) for s in stats["sections"])
    for s in stats["sections"]:
        span = f"{s['first']}–{s['last']}"
        out.append(
            f"  {s['name']:<{width}}  {span:>7}  {s['references']:>7}  {s['documents']:>6}  "
            f"{s['cantos_cited']:>3}"
        )
    rows = stats["by_document"] if top == 0 else stats["by_document"][:top]
    out.append("by document (references, citing passages / passages, cantos):")
    width = max((len(x["source"]) for x in rows), default=0)
    for x in rows:
        out.append(
            f"  {x['source']:<{width}}  {x['references']:>7}  "
            f"{x['citing_passages']:>6} / {x['passages']:<6}  {x['cantos']:>3}"
            + ("" if x["status"] == "ok" else f"  {x['status']}")
        )
    hidden = len(stats["by_document"]) - len(rows)
    if hidden:
        out.append(f"  … {hidden} more (--top 0 for all)")
    return "\n".join(out)


def _cantos_line(rows: list[dict[str, Any]]) -> str:
    return ", ".join(f"{r['canto']} ({r['references']})" for r in rows) or "none"
