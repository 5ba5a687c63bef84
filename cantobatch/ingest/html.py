"""HTML: decode the bytes ourselves, drop boilerplate, keep the main content's block and line structure.

The main content is the page's <main>, <article>, role=main or #content element (else <body>).
Inside it, web chrome goes: elements named by the classes and ids that MediaWiki, WordPress
(and Jetpack), Blogger and Drupal give their navigation, edit links, share and like buttons,
post meta ("Posted by … comments"), related posts, comment threads, tag lists, category boxes and
cookie banners (``CHROME_PARTS``/``CHROME_NAMES``), ARIA landmarks that are not content, hidden
elements, and lines that are chrome whatever their markup ("[edit]", "Retrieved from …"). An
element that holds the article's text (``CONTENT_PARTS``, <article>, <main>) is never removed.
Headings, block quotations and poem lines (<br>) stay. Footnotes (a notes section, MediaWiki's
references, a list its note marks link to) become footnote regions after the text, one per note,
with their number. Nothing a page links to is ever fetched: BeautifulSoup only parses the bytes.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from cantobatch.data import Bibliography, Document, Page, Region
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

# A class or id is chrome when it is one of CHROME_NAMES, or one of its "-"/"_" parts is in
# CHROME_PARTS ("post-footer", "sd-sharing", "jp-relatedposts", "mw-editsection", ...).
CHROME_PARTS = frozenset(
    """footer sidebar widget share sharing sharedaddy social related relatedposts comments comment
    respond cookie cookies consent gdpr breadcrumb breadcrumbs pager pagination navigation nav
    navbar menu toolbar editsection catlinks printfooter navbox noprint backlink jump skip meta
    submitted tags labels links feed feeds subscribe newsletter advert advertisement ads sponsored
    likes masthead colophon tabs toc""".split()
)
CHROME_NAMES = frozenset(
    """screen-reader-text visually-hidden element-invisible sr-only hidden siteSub contentSub
    secondary site-header header mw-indicators status-msg-wrap post-author post-timestamp
    post-icons share-button date-header vector-page-toolbar vector-dropdown mw-portlet""".split()
)
# Classes that hold the article's text: these and their ancestors are never chrome.
CONTENT_PARTS = frozenset(
    """post-body entry-content post-content article-body article-content mw-parser-output
    mw-content-text field--name-body field-name-body node__content story-body""".split()
)
_CHROME_ROLES = frozenset(
    "navigation banner contentinfo complementary search menu menubar toolbar dialog alertdialog "
    "doc-backlink".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Lines that are chrome whatever their markup (a whole line must match).
_CHROME_LINE = re.compile(
    r"""^(?:\[\s*edit\s*\]|edit\ links|(?:jump|skip)\ to\ (?:main\ )?(?:navigation|search|content)
    |retrieved\ from\ .*|categor(?:y|ies)\s*:.*|share\ this:?|like\ this:?|loading\.\.\.
    |posted\ by\ .{1,80}|\d+\ comments?:?|no\ comments:?|post\ a\ comment|(?:newer|older)\ posts?.*
    |subscribe\ to:.*|(?:log\ in|register)(?:\ or\ register)?\ to\ post\ comments
    |leave\ a\ (?:reply|comment).*|this\ (?:web)?site\ uses\ cookies.*)$""",
    re.I | re.X,
)
_NOTES_CLASSES = frozenset({"footnotes", "references", "reflist", "endnotes", "notes"})
_BACKLINK = re.compile(r"^\s*(?:\^|↑|↩|⤴)+\s*(?:[a-z]\s+)*")

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


def _names(tag) -> list[str]:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    ident = tag.get("id")
    return [*classes, ident] if ident else list(classes)


def _is_chrome(tag) -> bool:
    if tag.get("role") in _CHROME_ROLES or tag.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(tag.get("style") or ""):
        return True
    for name in _names(tag):
        if name in CHROME_NAMES or not CHROME_PARTS.isdisjoint(re.split(r"[-_]+", name.lower())):
            return True
    return False


def _is_content(tag) -> bool:
    if tag.name in ("article", "main"):
        return not _is_chrome(tag)  # a comment is an <article class="comment-body"> too
    return tag.get("itemprop") == "articleBody" or any(
        name in CONTENT_PARTS for name in _names(tag)
    )


def drop_chrome(main) -> int:
    """Remove web chrome inside ``main`` (never an element that holds the article's text);
    returns the number of elements removed."""
    protected = set()
    for tag in [main, *main.find_all(True)]:
        if _is_content(tag):
            protected.add(id(tag))
            protected.update(id(parent) for parent in tag.parents)
    removed = 0
    for tag in main.find_all(True):
        if tag.decomposed or id(tag) in protected:
            continue
        if tag.name == "header" and tag.find_parent(["article", "main"]) is None:
            chrome = True  # the site's header; an article's own <header> holds its title
        else:
            chrome = tag.name != "header" and _is_chrome(tag)
        if chrome:
            tag.decompose()
            removed += 1
    return removed


def take_notes(main) -> list[str]:
    """Remove the page's footnotes from ``main``; their texts, each with its number, in order.

    Notes are the items of a notes section (class or id footnotes, references, endnotes, notes;
    role doc-endnotes) or of a list whose items the page's note marks link to.
    """
    from bs4 import Tag

    targets = {a["href"][1:] for a in main.select("sup a[href^='#']")}
    containers = []
    for tag in main.find_all(True):
        if tag.decomposed or any(tag in c.descendants for c in containers):
            continue
        names = {n.lower() for n in _names(tag)}
        is_notes = tag.get("role") == "doc-endnotes" or not names.isdisjoint(_NOTES_CLASSES)
        if not is_notes and tag.name in ("ol", "ul") and targets:
            items = tag.find_all("li", recursive=False)
            is_notes = bool(items) and all(li.get("id") in targets for li in items)
        if is_notes and tag.find("li") is not None:
            containers.append(tag)
    notes = []
    for container in containers:
        for ordered in (
            container.find_all(["ol", "ul"]) if container.name not in ("ol", "ul") else [container]
        ):
            if not isinstance(ordered, Tag) or ordered.decomposed:
                continue
            number = int(ordered.get("start", 1)) if str(ordered.get("start", "1")).isdigit() else 1
            for li in ordered.find_all("li", recursive=False):
                if str(li.get("value", "")).isdigit():
                    number = int(li["value"])
                for backlink in li.select(
                    ".mw-cite-backlink, .footnote-backref, a[href^='#fnref']"
                ):
                    backlink.decompose()
                text = _BACKLINK.sub("", " ".join(render(li).split()))
                if text:
                    notes.append(f"{number} {text}")
                number += 1
        container.decompose()
    return notes


def _drop_chrome_lines(text: str) -> tuple[str, int]:
    lines = text.split("\n")
    kept = [line for line in lines if not _CHROME_LINE.match(line.strip())]
    text = _MANY_NL.sub("\n\n", "\n".join(kept)).strip("\n")
    return text, len(lines) - len(kept)


@dataclass(frozen=True)
class MainText:
    text: str
    title: str | None = None
    notes: tuple[str, ...] = ()
    bib: Bibliography | None = None
    chrome: int = 0  # chrome elements and lines removed


def extract_main_text(markup: str, parser: str = "lxml") -> MainText:
    """The main text, title, footnotes and bibliography of a page parsed with ``parser``
    ("lxml" or "html.parser")."""
    from cantobatch.ingest.metadata import html_bibliography

    soup = _soup(markup, parser)
    title = None
    if soup.title is not None:
        title = _SPACES.sub(" ", soup.title.get_text()).strip() or None
    bib = html_bibliography(soup, title)  # before <script> (JSON-LD) goes
    for tag in soup.find_all(DROP_TAGS):
        # An article's own <header> holds its title: only the site's header is dropped.
        if not tag.decomposed and not (
            tag.name == "header" and tag.find_parent(["article", "main"]) is not None
        ):
            tag.decompose()
    main = _main_element(soup)
    chrome = drop_chrome(main)
    notes = take_notes(main)
    for sup in main.find_all("sup"):
        # A footnote reference ("Siena.<sup><a href="#fn1">1</a></sup>") would glue its number
        # to the text ("Siena.1"); the note itself is a footnote region with that number.
        link = sup.find("a", href=True)
        if link is not None and link["href"].startswith("#") and _NOTE_MARK.match(sup.get_text()):
            sup.decompose()
    text, lines = _drop_chrome_lines(render(main))
    return MainText(text, title, tuple(notes), bib, chrome + lines)


def read_html(data: bytes, *, doc_id: str, source: str) -> Document:
    """An HTML page as a Document: main text, footnotes as regions after it, title and
    bibliography, one pseudo-page; ``empty`` if no main text."""
    markup, encoding = decode_html(data)
    markup = markup.replace("\x00", "")  # a stray NUL is a parse error, never text
    main, parser = MainText(""), "lxml"
    for parser in ("lxml", "html.parser"):
        # lxml gives up on some broken markup; the stdlib parser is slower but more forgiving.
        main = extract_main_text(markup, parser)
        if main.text or main.notes:
            break
    text = main.text
    regions = []
    for note in main.notes:
        note = normalize_unicode(note)
        start = len(text) + 2 if text else 0
        text = f"{text}\n\n{note}" if text else note
        regions.append(Region(start, len(text), "footnote"))
    title = normalize_unicode(main.bib.title) if main.bib and main.bib.title else None
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
        regions=tuple(regions),
        bib=main.bib,
    )
