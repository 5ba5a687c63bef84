"""`cantobatch report`: one self-contained HTML file to browse an index.

The page carries its CSS, its JavaScript and the index's data inline (a Content-Security-Policy
forbids every network load), so it opens from a file:// URL and can be sent by email. The data is
compact (see :mod:`cantobatch.report.payload`) and the page renders one canto, one page of
references or one document at a time, never the whole index.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

from cantobatch.errors import DataError
from cantobatch.report.payload import build_payload
from cantobatch.tables import Index

TEMPLATES = Path(__file__).resolve().parents[1] / "resources"
COMPRESS_ABOVE = 1_000_000  # bytes of JSON above which "auto" compresses the data
COMPRESS = ("auto", "always", "never")


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    bytes: int
    compressed: bool  # the data is gzip+base64 (see COMPRESS_ABOVE)
    documents: int
    passages: int  # passages whose text the page carries (those that cite a canto)
    references: int


def build_report(
    index: Index, output: str | Path, title: str | None = None, compress: str = "auto"
) -> ReportSummary:
    """Write the report of ``index`` to ``output`` (atomically: temp file, then rename).

    ``compress``: "auto" gzips the data (base64 in the page) when its JSON passes
    COMPRESS_ABOVE bytes; "always"; "never" (plain JSON: any browser, and greppable)."""
    if compress not in COMPRESS:
        raise DataError(f"compress must be one of {', '.join(COMPRESS)}, not {compress!r}")
    payload = build_payload(index, title=title)
    html, compressed = render_html(payload, compress)
    output = Path(output)
    if output.is_dir():
        raise DataError(f"{output} is a directory: give a file name, e.g. -o {output}/report.html")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, output)
    return ReportSummary(
        path=output,
        bytes=output.stat().st_size,
        compressed=compressed,
        documents=payload["counts"]["documents"],
        passages=payload["counts"]["citing_passages"],
        references=payload["counts"]["references"],
    )


def render_html(payload: dict, compress: str = "auto") -> tuple[str, bool]:
    """The page (template + CSS + JS + the payload in a non-executed script element), and whether
    the payload was compressed."""
    template = (TEMPLATES / "report.html").read_text(encoding="utf-8")
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    compressed = compress == "always" or (compress == "auto" and len(data) > COMPRESS_ABOVE)
    if compressed:
        packed = gzip.compress(data.encode("utf-8"), compresslevel=6, mtime=0)
        data, encoding, mime = base64.b64encode(packed).decode("ascii"), "gzip+base64", "text/plain"
    else:
        # '<' escaped inside the JSON strings: no text in the data can close the script element.
        data, encoding, mime = data.replace("<", "\\u003c"), "json", "application/json"
    html = (
        template.replace("{{TITLE}}", escape(payload["title"]))
        .replace("{{ENCODING}}", encoding)
        .replace("{{MIME}}", mime)
        .replace("/*{{CSS}}*/", css)
        .replace("/*{{JS}}*/", js)
        .replace("{{DATA}}", data)
    )
    return html, compressed
