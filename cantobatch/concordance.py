"""Page concordance: which lines of a canto an edition prints on a page, so ``74/445`` → lines.

The CSV has a header and the columns ``edition, canto, page, first_line, last_line`` (other
columns are ignored): one row per canto per page, so a page where one canto ends and the next
begins has two rows. ``canto`` is arabic or roman; ``page`` is compared as written (``445``,
``xii``). When the file holds several editions, ``quote.edition`` in the config chooses one;
with a single edition it is used by default.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from cantobatch.data import sha256_hex
from cantobatch.errors import ConfigError
from cantobatch.poem import parse_canto

COLUMNS = ("edition", "canto", "page", "first_line", "last_line")


@dataclass(frozen=True)
class Concordance:
    edition: str
    pages: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    source: str = ""
    content_hash: str = ""

    def lines_for(self, canto: int, cited_page: str) -> tuple[int, ...] | None:
        """Lines of ``canto`` on the cited page(s) (``445``, ``445-6``, ``445–447``), else None.

        A range of pages gives the lines from the first page's first line to the last page's last
        line; None when any page of it is missing for that canto.
        """
        pages = _expand_pages(cited_page)
        spans = [self.pages.get((canto, p)) for p in pages]
        if not spans or any(s is None for s in spans):
            return None
        first = min(s[0] for s in spans if s)
        last = max(s[1] for s in spans if s)
        return tuple(range(first, last + 1))


def _expand_pages(cited: str) -> list[str]:
    text = cited.strip()
    m = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", text)
    if not m:
        return [text.lower()]
    a, b = m.group(1), m.group(2)
    if len(b) < len(a):  # "445-6" → 446
        b = a[: len(a) - len(b)] + b
    first, last = int(a), int(b)
    if last < first or last - first > 50:
        return [text.lower()]
    return [str(p) for p in range(first, last + 1)]


def load_concordance(path: str | Path, edition: str | None = None) -> Concordance:
    """Read a concordance CSV for one edition. Raises ConfigError naming every bad row."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"concordance file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"concordance file {path} cannot be read as UTF-8 CSV: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ConfigError(
            f"concordance file {path} lacks column(s) {', '.join(missing)}; "
            f"its header must name {', '.join(COLUMNS)}"
        )
    rows: dict[str, dict[tuple[int, str], tuple[int, int]]] = {}
    problems: list[str] = []
    for rownum, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        try:
            canto = parse_canto(row["canto"])
            first, last = int(row["first_line"]), int(row["last_line"])
        except ValueError as exc:
            problems.append(f"row {rownum}: {exc}")
            continue
        page = row["page"].lower()
        if not page or not row["edition"]:
            problems.append(f"row {rownum}: edition and page must not be empty")
            continue
        if not 1 <= first <= last:
            problems.append(
                f"row {rownum}: first_line {first} and last_line {last} must be 1 <= first <= last"
            )
            continue
        table = rows.setdefault(row["edition"], {})
        if (canto, page) in table:
            problems.append(f"row {rownum}: canto {canto} page {page} repeats an earlier row")
            continue
        table[(canto, page)] = (first, last)
    if problems:
        raise ConfigError(f"concordance file {path}: " + "; ".join(problems))
    if not rows:
        raise ConfigError(f"concordance file {path} has no rows")
    if edition is None:
        if len(rows) > 1:
            raise ConfigError(
                f"concordance file {path} holds several editions ({', '.join(sorted(rows))}); "
                'choose one with edition = "..." under [quote] in the config'
            )
        edition = next(iter(rows))
    if edition not in rows:
        raise ConfigError(
            f"edition {edition!r} is not in concordance file {path} (it has {', '.join(sorted(rows))})"
        )
    return Concordance(edition, rows[edition], str(path), sha256_hex(text, 16))
