"""The citation grammar: a deterministic extractor whose every reference is grounded in a span.

``extract_references(text)`` scans a passage in stages, most specific first, and never lets two
mentions share characters:

1. spans that only look like citations are blocked (bel canto, Canto General, "Three Cantos");
2. the keyword "Canto(s)" followed by numerals: lists, ranges, ``:ll.`` lines, ``/page`` suffixes;
   then reference-work notations: Terrell's ``[74:12]``, ``(LXXXV, 545)``, ``OCCEP IV: n.13``;
3. bare roman numerals with a canto suffix (``IX:ll.15-28``, ``LXXI/418``, ``I.23``) and
   canto/page pairs (``(74/445)``, ``C46.231``; small pages in a document that cites so) and
   runs of cantos written with a slash (``85/89``);
4. ordinals (``the forty-fifth canto``, ``the first Pisan canto``, ``the last in Thrones``);
5. named groups (``the Pisan Cantos`` → 74–84) and numerals in parentheses after them;
6. bare roman numerals in a canto context (``in XLV``, ``of XI``, ``XX’s``), refusing regnal,
   volume and chapter numerals and other poems' cantos, then bare arabic lists after a cited
   arabic canto (``the memories of 76 and 80``) and ``the next/previous canto``;
7. line references (``ll. 4-8``, ``the last three lines``, ``the following three lines``), each
   attached to the canto it names or to the nearest canto before it, unless another text owns
   them (``Inferno XXVI, ll. 90-142``, ``Homer's line 12``);
8. a passage that names another poem in cantos (or its poet) and neither Pound nor his poem owns
   the cantos it numbers, sentences away from the name too (``owners``).

The conventions are the user's (see training/README.md): ranges expanded, positions from the
end negative, a whole canto has no lines, a group that only locates a numbered canto is dropped.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from cantobatch.data import Extraction, Passage, Reference, sha256_hex
from cantobatch.extract.base import extract_each
from cantobatch.extract.grammar.conventions import Conventions, document_conventions
from cantobatch.extract.grammar.groups import load_groups
from cantobatch.extract.grammar.locate import sentence_index
from cantobatch.extract.grammar.owners import owned_mentions, ur_cantos
from cantobatch.extract.grammar.patterns import rx
from cantobatch.extract.grammar.scan import CantoMention, LineMention, Scanner

if TYPE_CHECKING:
    from cantobatch.config import Config

# --- resolution -------------------------------------------------------------------------------


# (start, end, canto, lines, family, cited_page): a reference before it becomes a Reference
_Row = tuple[int, int, int, tuple[int, ...], str, "str | None"]


def extract_references(text: str, conventions: Conventions | None = None) -> list[Reference]:
    """Every explicit canto/line citation in ``text``, each with the span that grounds it.
    ``conventions``: the notation of the passage's document (``document_conventions`` over all
    its passages); without it, the passage's own."""
    return _references(Scanner(text, conventions))


@dataclass(frozen=True)
class GrammarTrace:
    """What the scanner saw besides its references (read by the cascade's router,
    ``extract/router.py``): spans it took without citing anything (``refused``: another poem's
    numerals, blocked phrases, the poem as a whole), as ``(start, end)``, and mentions it found but
    resolved into no reference (``unresolved``: a line with no canto, a weak numeral, a group that
    only locates a numbered canto), as ``(start, end, family)``."""

    refused: tuple[tuple[int, int], ...] = ()
    unresolved: tuple[tuple[int, int, str], ...] = ()


def trace_references(
    text: str, conventions: Conventions | None = None
) -> tuple[list[Reference], GrammarTrace]:
    """``extract_references`` and the scanner's trace of what it refused or left open."""
    scan = Scanner(text, conventions)
    refs = _references(scan)
    spans = [(r.evidence_start or 0, r.evidence_end or 0) for r in refs]
    mentions = [*scan.cantos, *scan.lines]
    unresolved = tuple(
        sorted(
            (m.start, m.end, m.family)
            for m in mentions
            if not any(s <= m.start and m.end <= e for s, e in spans)
        )
    )
    found = {(m.start, m.end) for m in mentions}
    refused = tuple(sorted(span for span in scan.taken if span not in found))
    return refs, GrammarTrace(refused, unresolved)


def _references(scan: Scanner) -> list[Reference]:
    text = scan.text
    if not scan.may_cite():
        return []
    scan.keywords()
    scan.bracket_glosses()
    scan.note_numbers()
    scan.parenthesised_pages()
    scan.sigil_pages()
    scan.bare_with_suffix()
    scan.canto_pages()
    triggered = bool(scan.triggered_groups())
    context = scan.has_context() or bool(scan.cantos) or triggered
    scan.ordinals(context)
    scan.foreign_counts()
    scan.foreign_ordinals()
    scan.foreign_groups()
    scan.groups()
    scan.exact_after_groups()
    scan.bare_in_context(context or bool(scan.cantos))
    scan.relative_cantos()
    scan.line_mentions()
    owned = owned_mentions(scan)  # another poem's, named elsewhere in the passage
    owned |= ur_cantos(scan)  # "the first three cantos published in Poetry in 1917"
    cantos = sorted(scan.cantos, key=attrgetter("start"))
    starts = [c.start for c in cantos]  # for _target to bisect

    # Lines first: a positional line may pick one canto out of a group ("the last line of the
    # Pisan Cantos" → 84), and then the group is not expanded.
    rows: list[_Row] = []
    targeted: set[int] = set()
    # Lines given with their canto ("IX:ll.15-28") anchor relative phrases too.
    events = [(c.start, c.cantos[0], c.lines) for c in cantos if c.lines and id(c) not in owned]
    for mention in sorted(scan.lines, key=attrgetter("start")):
        if mention.relative:
            earlier = [e for e in events if e[0] < mention.start and any(x > 0 for x in e[2])]
            if not earlier:
                continue
            _, canto, base = max(earlier, key=lambda e: e[0])
            base = [x for x in base if x > 0]
            if mention.relative > 0:
                lines = list(range(max(base) + 1, max(base) + 1 + mention.relative))
            else:
                lines = list(range(min(base) + mention.relative, min(base)))
            if not lines or lines[0] < 1:
                continue
            start, end = mention.start, mention.end
        else:
            found = _target(text, mention, cantos, starts, scan)
            if found is None or id(found[0]) in owned:
                continue
            target, canto = found
            targeted.add(id(target))
            lines = mention.lines
            start, end = min(mention.start, target.start), max(mention.end, target.end)
            if end - start > 300:
                start, end = mention.start, mention.end
        rows.append((start, end, canto, tuple(lines), mention.family, None))
        events.append((mention.start, canto, lines))

    # A group that only says where an explicitly numbered canto sits (in its clause, not named beside
    # it in its own right) is not expanded.
    explicit = [c for c in cantos if c.explicit and not c.weak]
    for c in cantos:
        if (c.weak and id(c) not in targeted) or id(c) in owned:
            continue
        if not c.explicit:
            if id(c) in targeted or _locates_a_group(text, c, cantos):
                continue
            members = set(c.cantos)
            inside = [x for x in explicit if members & set(x.cantos)]
            if inside:  # (the clauses are found only then)
                clauses = scan.clauses
                here = sentence_index(clauses, c.start)
                if any(
                    sentence_index(clauses, x.start) == here and not _coordinated(text, c, x)
                    for x in inside
                ):
                    continue
                if _heads(text, c, inside, scan.sentences):
                    continue
        canto_lines = tuple(c.lines)
        rows.extend((c.start, c.end, n, canto_lines, c.family, c.cited_page) for n in c.cantos)

    out, seen = [], set()
    for start, end, canto, row_lines, family, page in sorted(rows, key=itemgetter(0, 1)):
        if (canto, row_lines, start, end) in seen:
            continue
        seen.add((canto, row_lines, start, end))
        # canto, lines, evidence_start, evidence_end, evidence, method, family, cited_page, score
        # (by position: keywords cost a third more, and there are thousands)
        out.append(
            Reference(canto, row_lines, start, end, text[start:end], "rules", family, page, 1.0)
        )
    return out


def _coordinated(text: str, group: CantoMention, canto: CantoMention) -> bool:
    """The group and a canto it holds named side by side in their own right: "The Pisan Cantos,
    and Canto 81 above all, …", "Canto 62 and the Adams Cantos"."""
    if canto.start >= group.end:
        return bool(rx.COORDINATED.fullmatch(text, group.end, canto.start))
    return bool(rx.COORDINATED.fullmatch(text, canto.end, group.start))


def _heads(
    text: str, group: CantoMention, inside: list[CantoMention], sentences: list[tuple[int, int]]
) -> bool:
    """The group's name is a heading, a sentence of its own ("Section: Rock-Drill. Canto LXXXV
    opens …"), and the next sentence names a canto it holds: the heading says where that sits."""
    here = sentence_index(sentences, group.start)
    start, end = sentences[here]
    if not (
        rx.HEADING_BEFORE.fullmatch(text, start, group.start)
        and rx.HEADING_AFTER.fullmatch(text, group.end, end)
    ):
        return False
    return any(sentence_index(sentences, x.start) == here + 1 for x in inside)


def _locates_a_group(text: str, group: CantoMention, cantos: list[CantoMention]) -> bool:
    """ "the Coke cantos of Thrones": a group named only as where a smaller one sits."""
    link = rx.GROUP_LINK_BEFORE.search(text, max(0, group.start - 24), group.start)
    if not link:
        return False
    members = set(group.cantos)
    return any(
        c.end == link.start() and c.family == "group" and set(c.cantos) < members for c in cantos
    )


def _target(
    text: str,
    mention: LineMention,
    cantos: list[CantoMention],
    starts: list[int],
    scan: Scanner,
) -> tuple[CantoMention, int] | None:
    """The canto a line reference belongs to: the one it names ("of Canto I"), else the nearest
    single canto before it in the passage. ``starts``: the cantos' starts, in order."""
    follow = rx.LINE_OWNER.match(text, mention.end, mention.end + 24)
    if follow:
        at = follow.end()  # past "of the": the cantos starting after the mention, up to here
        for c in cantos[bisect_right(starts, mention.end) : bisect_right(starts, at)]:
            if len(c.cantos) == 1:
                return c, c.cantos[0]
            if c.family == "group" and mention.family == "first_last" and mention.lines:
                if all(x < 0 for x in mention.lines):
                    return c, c.cantos[-1]
                if all(x > 0 for x in mention.lines):
                    return c, c.cantos[0]
    # (a canto ending before the mention starts before it too)
    before = [c for c in cantos[: bisect_right(starts, mention.start)] if c.end <= mention.start]
    if not before:
        return None
    nearest = before[-1]
    sentences = scan.sentences  # (found only when a reference gets this far)
    where = sentence_index(sentences, nearest.start)
    if where != sentence_index(sentences, mention.start):
        # Across a sentence boundary, a sentence that opens with a canto is about that canto:
        # "Canto LI repeats Canto XLV in small. Lines 1-5 …" → LI.
        s, e = sentences[where]
        first = next(c for c in before if s <= c.start < e)
        if first.start - s <= 24:
            nearest = first
    if len(nearest.cantos) != 1:
        return None
    window = max(nearest.end, mention.start - 48), mention.start
    if rx.LINES_OWNED_BEFORE.search(text, *window):
        return None  # "Canto LXXXI. Compare Inferno XXVI, ll. 90-142": Dante's lines
    if scan.is_lower_case() and rx.LINES_OWNED_BEFORE_LOWER.search(text, *window):
        return None  # "canto 47 echoes inferno 26, lines 90-142"
    return nearest, nearest.cantos[0]


# --- the extractor ----------------------------------------------------------------------------


GRAMMAR_DIR = Path(__file__).resolve().parent


def sources_hash(folder: Path) -> str:
    """A hash of every module and table (``*.py``, ``*.toml``) in ``folder``, with their names."""
    files = sorted(p for p in folder.iterdir() if p.suffix in (".py", ".toml"))
    return sha256_hex(b"\0".join(p.name.encode() + b"\0" + p.read_bytes() for p in files), 16)


@cache
def grammar_hash() -> str:
    """Changes whenever any source of the grammar changes: this folder's modules and group table."""
    return sources_hash(GRAMMAR_DIR)


class RulesExtractor:
    """The deterministic extractor: ``extract_references`` over each passage."""

    name = "rules"

    def __init__(self, config: Config | None = None, trace: bool = False) -> None:
        self.config = config
        self.trace = trace  # keep each passage's GrammarTrace in meta["grammar_trace"]
        load_groups()  # fail at construction, not per passage, if the table is broken

    def identity(self) -> dict[str, str]:
        return {"extractor": "rules", "method": "rules", "grammar": grammar_hash()}

    def extract_batch(self, passages: Sequence[Passage]) -> list[Extraction]:
        # A document's notation is decided over all its passages in the batch (an index run hands
        # over whole documents); a passage without a doc_id is a document of its own.
        texts: dict[str, list[str]] = {}
        for passage in passages:
            if passage.doc_id and isinstance(passage.text, str):
                texts.setdefault(passage.doc_id, []).append(passage.text)
        conventions = {doc: document_conventions(found) for doc, found in texts.items()}

        def read(passage: Passage):
            convention = conventions.get(passage.doc_id)
            if not self.trace:
                return extract_references(passage.text, convention)
            found, trace = trace_references(passage.text, convention)
            return found, {"grammar_trace": trace}

        return extract_each(passages, read, "rules", with_meta=self.trace)

    def close(self) -> None:
        pass
