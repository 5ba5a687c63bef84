"""Ingest fidelity on the generated fidelity corpus (tests/fixtures/fidelity, scripts/make_fidelity.py):
each document read as `cantobatch index` reads it, scored against its NAME.expected.json.

    .venv/bin/python bench/fidelity.py [--dir tests/fixtures/fidelity] [--no-columns] [--show NAME]

Per document and per layout group:

- sentences: expected body sentences found whole (whitespace aside) and in order in the body text
  (goal >= 99% on the two-column PDFs); "whole" counts those found out of order too;
- split: hyphenated words left split ("Malat- esta"), by words the expected text has (goal 0);
- chrome: lines of the text that hold page or web chrome (running heads, folios, navigation, share
  buttons, ...), as a share of the text's lines (goal <= 1%);
- lost: body paragraphs with fewer than half of their sentences found anywhere (goal 0);
- notes: footnotes found as footnote regions tied to the right page, of those expected;
- bib: bibliographic fields (title, authors, year, container, doi, url) equal to the expected.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_SENTENCE = re.compile(r"""(?<=[.!?])\d{0,2}["”’)]?\s+(?=[A-Z“"(])""")
_SPLIT = re.compile(r"\b(\w+)-\s+(\w+)\b")
GROUPS = {
    "two columns, interleaved": "two-column PDFs",
    "two columns, column after column": "two-column PDFs",
    "three columns, interleaved": "three-column PDF",
    "slides": "slides PDF",
}


def norm(text: str) -> str:
    return " ".join(text.split())


def sentences(paragraph: str) -> list[str]:
    return [norm(s) for s in _SENTENCE.split(paragraph) if s.strip()]


def score(document, expected: dict) -> dict:
    """The measures of one document against its expected record."""
    text = document.text
    regions = getattr(document, "regions", ())  # absent before regions existed
    notes = [(r, text[r.char_start : r.char_end]) for r in regions if r.kind == "footnote"]
    body = text
    for region, _ in sorted(notes, key=lambda n: -n[0].char_start):
        body = body[: region.char_start] + body[region.char_end :]
    flat = norm(body)
    whole = in_order = total = lost = 0
    cursor = 0
    for paragraph in expected["body"]:
        found_here = 0
        parts = sentences(paragraph)
        for sentence in parts:
            total += 1
            at = flat.find(sentence, cursor)
            if at >= 0:
                in_order += 1
                cursor = at + len(sentence)
            if sentence in flat:
                whole += 1
                found_here += 1
        if 2 * found_here < len(parts):
            lost += 1
    vocabulary = set(
        re.findall(r"[\w-]+", " ".join(expected["body"] + [n["text"] for n in expected["notes"]]))
    )
    split = sum(
        1
        for head, tail in _SPLIT.findall(text)
        if head + tail in vocabulary or f"{head}-{tail}" in vocabulary
    )
    lines = [line for line in text.splitlines() if line.strip()]
    chrome_lines = sum(1 for line in lines if any(c in line for c in expected["chrome"]))
    found_notes = 0
    for note in expected["notes"]:
        want = norm(note["text"])
        if any(norm(t) == want and r.page == note["page"] for r, t in notes):
            found_notes += 1
    bib = getattr(document, "bib", None)
    fields = 0
    for key, value in expected["bib"].items():
        got = getattr(bib, key, None) if bib is not None else None
        got = list(got) if isinstance(got, tuple) else (got or ([] if key == "authors" else None))
        fields += got == value
    return {
        "sentences": total,
        "in_order": in_order,
        "whole": whole,
        "paragraphs": len(expected["body"]),
        "lost": lost,
        "split": split,
        "lines": len(lines),
        "chrome": chrome_lines,
        "notes": len(expected["notes"]),
        "notes_found": found_notes,
        "bib_fields": len(expected["bib"]),
        "bib_ok": fields,
        "status": document.status,
    }


def read_all(directory: Path, columns: bool) -> list[tuple[dict, object]]:
    from cantobatch.config import IngestConfig
    from cantobatch.ingest.discover import discover
    from cantobatch.ingest.reader import Reader
    from cantobatch.ingest.sidecar import apply_sidecar

    expected = {}
    for path in sorted(directory.glob("*.expected.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        expected[record["source"]] = record
    files = {f.source: f for f in discover(directory) if f.source in expected}
    out = []
    with Reader(IngestConfig(columns=columns)) as reader:
        for source, record in expected.items():
            out.append((record, apply_sidecar(reader.read(files[source]), directory)))
    return out


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=REPO / "tests" / "fixtures" / "fidelity")
    parser.add_argument("--no-columns", action="store_true", help="read PDFs in stream order")
    parser.add_argument("--show", help="print the text read from this document")
    args = parser.parse_args()
    results = read_all(args.dir, columns=not args.no_columns)
    print(f"fidelity corpus: {args.dir} ({len(results)} documents); columns "
          f"{'off' if args.no_columns else 'on'}\n")  # fmt: skip
    header = "| document | layout | sentences in order | whole | split | chrome lines | lost | notes | bib |"
    print(header)
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    groups: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for record, document in results:
        m = score(document, record)
        group = GROUPS.get(record["layout"], "HTML pages")
        for key, value in m.items():
            if isinstance(value, int):
                groups[group][key] += value
        print(
            f"| {record['source']} | {record['layout']} | {m['in_order']}/{m['sentences']} | "
            f"{m['whole']}/{m['sentences']} | {m['split']} | {m['chrome']}/{m['lines']} | "
            f"{m['lost']}/{m['paragraphs']} | {m['notes_found']}/{m['notes']} | "
            f"{m['bib_ok']}/{m['bib_fields']} |"
        )
        if args.show and args.show in record["source"]:
            print(document.text)
    print("\n| group | sentences whole and in order (goal >= 99% on two columns) | hyphenated words "
          "left split (goal 0) | chrome lines kept (goal <= 1%) | body paragraphs lost (goal 0) "
          "| footnotes as regions | bib fields |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    total: dict[str, int] = defaultdict(int)
    for group in ("two-column PDFs", "three-column PDF", "slides PDF", "HTML pages"):
        g = groups.get(group)
        if not g:
            continue
        for key, value in g.items():
            total[key] += value
        print(
            f"| {group} | {_pct(g['in_order'], g['sentences'])} ({g['in_order']}/{g['sentences']}) | "
            f"{g['split']} | {_pct(g['chrome'], g['lines'])} ({g['chrome']}/{g['lines']}) | "
            f"{g['lost']}/{g['paragraphs']} | {g['notes_found']}/{g['notes']} | "
            f"{g['bib_ok']}/{g['bib_fields']} |"
        )
    print(
        f"| all | {_pct(total['in_order'], total['sentences'])} | {total['split']} | "
        f"{_pct(total['chrome'], total['lines'])} | {total['lost']}/{total['paragraphs']} | "
        f"{total['notes_found']}/{total['notes']} | {total['bib_ok']}/{total['bib_fields']} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
