"""HTML: decode the bytes ourselves, drop boilerplate, keep the main content's block and line structure.

Nothing a page links to is ever fetched: BeautifulSoup only parses the bytes given.
"""

from __future__ import annotations

import re
import warnings

from cantobatch.data import Document, Page
from cantobatch.ingest.text import decode_bytes, normalize_unicode

# Elements whose content is never article text.
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
)

# Elements that start and end a paragraph ("\n\n" around them).
_BLOCK_NAMES = (
    "address article blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure h1 h2 h3 h4 h5 h6 hgroup hr html li main menu ol p pre section summary table caption "
    "thead tbody tfoot tr ul"
)
BLOCK_TAGS = frozenset(_BLOCK_NAMES.split())
# Elements that sit on their own line without a blank line around them.
LINE_TAGS = frozenset({"br"})

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_NOTE_MARK = re.compile(r"^\s*[\[(]?(?:\d{1,3}|[*†‡§a-z])[\])]?\s*$")
_MANY_NL = re.compile(r"\n{3,}")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>``, ``http-equiv`` or an XML declaration."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_html(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: BOM, the page's own declaration, strict UTF-8, then a detector."""
    return decode_bytes(data, declared=declared_charset(data))


def _soup(markup: str, parser: str):
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, parser)


def _main_element(soup):
    for finder in (
        lambda: soup.find("main"),
        lambda: soup.find("article"),
        lambda: soup.find(attrs={"role": "main"}),
        lambda: soup.find(id="content"),
        lambda: soup.body,
    ):
        element = finder()
        if element is not None:
            return element
    return soup


def render(element) -> str:
    """Text of ``element`` with "\\n\\n" between blocks, "\\n" for ``<br>``, ``<pre>`` verbatim."""
    from bs4 import Comment, NavigableString, Tag
    from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

    skipped_strings = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
    out: list[str] = []
    pending = 0  # newlines owed before the next text: 1 after <br>, 2 after a block edge
    pre_depth = 0
    last_pre = False  # whether out[-1] came from inside <pre> (its spaces are content)
    stack: list[tuple[object, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node.name == "pre":
                pre_depth -= 1
            if node.name in BLOCK_TAGS:
                pending = 2
            continue
        if isinstance(node, NavigableString):
            if isinstance(node, skipped_strings):
                continue
            text = normalize_unicode(str(node))
            if not pre_depth:
                text = _SPACES.sub(" ", text)
                if pending or not out or out[-1].endswith((" ", "\n")):
                    text = text.lstrip(" ")
            if not text:
                continue
            if pending and out:
                if not last_pre:
                    out[-1] = out[-1].rstrip(" ")
                out.append("\n" * pending)
            pending = 0
            out.append(text)
            last_pre = bool(pre_depth)
            continue
        if not isinstance(node, Tag) or node.has_attr("hidden"):
            continue
        name = node.name
        if name in LINE_TAGS:
            pending = min(pending + 1, 2)
            continue
        if name in BLOCK_TAGS:
            pending = 2
        elif name in ("td", "th") and out and not pending:
            out.append(" ")
        if name == "pre":
            pre_depth += 1
            # A newline right after <pre> is not content (HTML parsing rule).
            first = node.contents[0] if node.contents else None
            if isinstance(first, NavigableString) and first.startswith("\n"):
                first.replace_with(first[1:])
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    if out and not last_pre:
        out[-1] = out[-1].rstrip(" ")
    return _MANY_NL.sub("\n\n", "".join(out)).strip("\n")


def extract_main_text(markup: str, parser: str = "lxml") -> tuple[str, str | None]:
    """``(main text, title)`` of a page parsed with ``parser`` ("lxml" or "html.parser")."""
    soup = _soup(markup, parser)
    title = None
    if soup.title is not None:
        title = _SPACES.sub(" ", soup.title.get_text()).strip() or None
    for tag in soup.find_all(DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for sup in soup.find_all("sup"):
        # A footnote reference ("Siena.<sup><a href="#fn1">1</a></sup>") would glue its number
        # to the text ("Siena.1"); the note itself stays in the text where the page puts it.
        link = sup.find("a", href=True)
        if link is not None and link["href"].startswith("#") and _NOTE_MARK.match(sup.get_text()):
            sup.decompose()
    return render(_main_element(soup)), title


def read_html(data: bytes, *, doc_id: str, source: str) -> Document:
    """An HTML page as a Document: main text, title, one pseudo-page; ``empty`` if no main text."""
    markup, encoding = decode_html(data)
    text, title, parser = "", None, "lxml"
    for parser in ("lxml", "html.parser"):
        # lxml gives up on some broken markup; the stdlib parser is slower but more forgiving.
        text, title = extract_main_text(markup, parser)
        if text:
            break
    if title:
        title = normalize_unicode(title)
    return Document(
        doc_id=doc_id,
        source=source,
        kind="html",
        status="ok" if text else "empty",
        bytes=len(data),
        text=text,
        pages=(Page(1, None, 0, len(text)),),
        error=None
        if text
        else f"{source}: no text in the page's main content (lxml and html.parser both tried)",
        title=title,
        reader=parser,
        encoding=encoding,
    )
