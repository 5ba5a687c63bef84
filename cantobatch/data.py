"""The records that flow between stages. Frozen dataclasses; this module imports nothing internal."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field

# Document statuses. "ok" and "partial" documents have text; every other status is a recorded
# failure or skip.
DOC_STATUSES = (
    "ok",
    "partial",  # read, but some pages could not be loaded (the error says which); indexed as ok
    "empty",  # parsed fine, no text at all (HTML with no main text, empty .txt)
    "no_text",  # PDF without a text layer (scanned)
    "needs_password",  # PDF encrypted with a user password
    "corrupt",  # truncated or damaged file
    "not_pdf",  # named .pdf but is something else (HTML saved as .pdf, ...)
    "too_many_pages",  # absurd page count, refused
    "too_large",  # above IngestConfig.max_bytes, refused
    "timeout",  # parsing exceeded the per-file time limit
    "unreadable",  # permission denied, I/O error
    "zero_bytes",
    "symlink_loop",
    "unsupported",  # a file type cantobatch does not read (recorded, skipped)
    "duplicate",  # the same bytes as another file of the corpus (indexed once, under the first path)
    "decode_error",
    "error",  # anything else; the message says what
)


def sha256_hex(data: bytes | str, length: int = 64) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:length]


@dataclass(frozen=True)
class Page:
    """One physical page of a document (PDF), or the single pseudo-page of HTML/text."""

    number: int  # 1-based physical page number
    label: str | None  # printed page label from the PDF, if any
    char_start: int  # offset of this page's text in Document.text
    char_end: int


def _char_start(page: Page) -> int:
    return page.char_start


@dataclass(frozen=True)
class Region:
    """A span of Document.text that is not body text: a footnote, tied to the page it is printed on.

    Text outside every region is body text.
    """

    char_start: int
    char_end: int
    kind: str  # "footnote"
    page: int | None = None  # 1-based physical page (PDF); None for HTML


@dataclass(frozen=True)
class Bibliography:
    """Who wrote a document, where and when, from what the file carries or a sidecar names."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    container: str | None = None  # journal, book, proceedings or site
    doi: str | None = None  # bare, "10.1234/abc"
    url: str | None = None
    source: str | None = None  # where each field came from: "highwire:title,authors; opengraph:url"


@dataclass(frozen=True)
class Document:
    doc_id: str  # sha256 of the file's bytes
    source: str  # path relative to the corpus root, POSIX separators
    kind: str  # "pdf", "html", "text", or "unknown"
    status: str  # one of DOC_STATUSES
    bytes: int
    text: str = ""
    pages: tuple[Page, ...] = ()
    error: str | None = None
    title: str | None = None
    reader: str | None = None  # which reader produced the text ("pypdfium2", "pypdf", "lxml", …)
    encoding: str | None = None  # HTML/text: the encoding used to decode the bytes
    regions: tuple[Region, ...] = ()  # footnotes (everything else is body text)
    furniture_lines: int | None = None  # PDF: running heads, footers and folios removed
    bib: Bibliography | None = None
    # a failure that may not happen again (the parse timed out or crashed, the file changed while
    # being read): the next run tries again, a bounded number of times
    retry: bool = False

    @property
    def ok(self) -> bool:
        """Whether the document has text to index ("ok", or "partial": some pages missing)."""
        return self.status in ("ok", "partial")

    def page_at(self, offset: int) -> Page | None:
        """The page containing character ``offset`` of ``text`` (the last page for an offset past
        its end; None for one between pages). Pages are in text order: a binary search."""
        at = bisect.bisect_right(self.pages, offset, key=_char_start) - 1
        if at < 0:
            return None
        page = self.pages[at]
        return page if offset < page.char_end or at == len(self.pages) - 1 else None

    def page_numbered(self, number: int) -> Page | None:
        """The page with physical number ``number`` (pages are numbered 1, 2, … in order)."""
        if 0 < number <= len(self.pages) and self.pages[number - 1].number == number:
            return self.pages[number - 1]
        return next((p for p in self.pages if p.number == number), None)


@dataclass(frozen=True)
class Passage:
    passage_id: str
    doc_id: str
    source: str
    text: str
    char_start: int = 0  # offsets into Document.text
    char_end: int = 0
    page: int | None = None  # physical page of char_start (PDF)
    page_label: str | None = None
    seq: int = 0  # position of the passage within its document
    region: str = "body"  # "body" or "footnote"

    @classmethod
    def from_text(cls, text: str, passage_id: str | None = None, source: str = "") -> Passage:
        """A stand-alone passage for ad-hoc text (``cantobatch extract``, evaluation)."""
        pid = passage_id if passage_id is not None else sha256_hex(text, 16)
        return cls(passage_id=pid, doc_id="", source=source, text=text, char_end=len(text))


@dataclass(frozen=True)
class Reference:
    """One reference to a canto, optionally to some of its lines, with the text that grounds it.

    ``lines`` follow the user's convention: positive from the start, -1 the last line, and an empty
    tuple for the canto as a whole. Evidence offsets are into the passage text.
    """

    canto: int
    lines: tuple[int, ...] = ()
    evidence_start: int | None = None
    evidence_end: int | None = None
    evidence: str | None = None
    method: str = "rules"
    family: str | None = (
        None  # grammar family: roman, arabic, ordinal, range, group, page, quote, ...
    )
    cited_page: str | None = None  # "445" in "74/445"
    score: float | None = None  # match score (quotations), 1.0 for exact rules
    absolute_lines: tuple[int, ...] | None = None  # lines resolved against the poem text, if known
    flags: tuple[str, ...] = ()  # e.g. "out_of_range:130", "ungrounded"

    def as_dict(self) -> dict:
        return {"canto": self.canto, "lines": list(self.lines)}


@dataclass(frozen=True)
class Extraction:
    """The result of one extractor on one passage. ``error`` set means the passage failed."""

    passage_id: str
    references: tuple[Reference, ...] = ()
    error: str | None = None
    method: str = "rules"
    raw: str | None = None  # the model's raw answer, for LLM extractors
    prompt_tokens: int = 0
    output_tokens: int = 0
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def ok(self) -> bool:
        return self.error is None
