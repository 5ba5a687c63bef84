"""Bibliographic metadata: who wrote a document, where and when.

From what the file carries — a PDF's information dictionary and XMP packet (and a DOI printed on
its first page), an HTML page's ``citation_*`` tags (Highwire Press, as journals and repositories
emit them), Dublin Core, Open Graph and JSON-LD — and from a sidecar a reference manager exports
next to the documents (BibTeX ``.bib``, CSL JSON ``.json``, e.g. a Zotero export), matched to a
document by attachment path, file name, citation key, or Zotero's "Author - Year - Title" file
name. Per field the first source that has it wins (a sidecar, then the file's scholarly tags, then
generic ones), and ``Bibliography.source`` says which source gave which fields.

A sidecar is looked up in the corpus root and in every directory from there down to the
document's; each directory's sidecars are parsed once and re-read when the directory or a
sidecar changes. Discovery leaves sidecar files out of the corpus (``is_sidecar``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import fields

from cantobatch.data import Bibliography

FIELDS = ("title", "authors", "year", "container", "doi", "url")

# --- values -----------------------------------------------------------------------------------

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_LABELLED_DOI = re.compile(r"(?:\bdoi\s*:?\s*|doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_SPACES = re.compile(r"\s+")


def clean_doi(value: str | None) -> str | None:
    """A bare DOI ("10.1234/abc") from "doi:10.1234/abc", "https://doi.org/10.1234/abc", ..."""
    match = _DOI.search(value or "")
    return match.group(1).rstrip(".,;:)]}'\"") if match else None


def year_of(value) -> int | None:
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    match = _YEAR.search(str(value or ""))
    return int(match.group(1)) if match else None


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    return value or None


def _authors(values) -> tuple[str, ...]:
    if isinstance(values, str):
        values = re.split(r"\s*;\s*|\s+and\s+|\s*&\s*", values)
    return tuple(a for a in (_text(v) for v in values or ()) if a)


def candidate(**values) -> dict:
    """A source's fields, cleaned, without the empty ones."""
    out = {
        "title": _text(values.get("title")),
        "authors": _authors(values.get("authors")),
        "year": year_of(values.get("year")),
        "container": _text(values.get("container")),
        "doi": clean_doi(values.get("doi")),
        "url": _text(values.get("url")),
    }
    return {key: value for key, value in out.items() if value}


def combine(candidates: list[tuple[str, dict]]) -> Bibliography | None:
    """Per field, the first candidate (in the order given) that has it; None if none has any."""
    chosen: dict = {}
    used: dict[str, list[str]] = {}
    for name, values in candidates:
        for key in FIELDS:
            if key not in chosen and values.get(key):
                chosen[key] = values[key]
                used.setdefault(name, []).append(key)
    if not chosen:
        return None
    source = "; ".join(f"{name}:{','.join(keys)}" for name, keys in used.items())
    return Bibliography(**chosen, source=source)


def _ascandidate(bib: Bibliography | None) -> dict:
    return {f.name: getattr(bib, f.name) for f in fields(Bibliography)} if bib else {}


# --- PDF --------------------------------------------------------------------------------------

_XMP_START = b"<x:xmpmeta"
_XMP_END = b"</x:xmpmeta>"
_XMP_MAX = 1 << 20


def read_xmp(path: str) -> bytes | None:
    """The PDF's last uncompressed XMP packet (the spec asks writers to leave it uncompressed so
    that it can be found this way), without parsing the file; None if there is none."""
    import mmap

    try:
        with (
            open(path, "rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m,
        ):
            start = m.rfind(_XMP_START)
            if start < 0:
                return None
            end = m.find(_XMP_END, start, start + _XMP_MAX)
            return m[start : end + len(_XMP_END)] if end > 0 else None
    except (OSError, ValueError):  # an empty file cannot be mapped
        return None


def parse_xmp(data: bytes) -> dict:
    """Dublin Core and PRISM fields of an XMP packet (by namespace, whatever the prefixes)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return {}
    found: dict[str, list[str]] = {}

    def add(tag: str, value: str | None) -> None:
        namespace, _, name = tag.rpartition("}")
        if value and value.strip():
            if "purl.org/dc/elements" in namespace:
                found.setdefault(f"dc:{name}", []).append(value.strip())
            elif "prismstandard.org" in namespace or namespace.endswith("pdfx/"):
                found.setdefault(f"prism:{name}", []).append(value.strip())

    for element in root.iter():
        for attribute, value in element.attrib.items():
            add(attribute, value)
        if len(element) == 0:
            add(element.tag, element.text)
        else:  # a property whose values are rdf:li items (dc:creator → rdf:Seq → rdf:li)
            for item in element.iter():
                if item.tag.endswith("}li") and item.text:
                    add(element.tag, item.text)
    first = {key: values[0] for key, values in found.items()}
    doi = first.get("prism:doi") or next(
        (clean_doi(v) for v in found.get("dc:identifier", []) if clean_doi(v)), None
    )
    return candidate(
        title=first.get("dc:title"),
        authors=found.get("dc:creator"),
        year=first.get("prism:publicationDate")
        or first.get("prism:coverDate")
        or first.get("dc:date"),
        container=first.get("prism:publicationName"),
        doi=doi,
        url=first.get("prism:url"),
    )


# What PDF producers write when nobody filled the field in.
_PLACEHOLDER_AUTHORS = frozenset(
    "anonymous unknown administrator admin user owner author none n/a".split()
) | {"microsoft office user"}
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:untitled(?:\d+)?|document\d*|microsoft word - .*|slide \d+)$", re.I
)


def _info_authors(value: str | None) -> tuple[str, ...]:
    return tuple(a for a in _authors(value or "") if a.lower() not in _PLACEHOLDER_AUTHORS)


def _info_title(value: str | None) -> str | None:
    value = _text(value)
    return None if value is None or _PLACEHOLDER_TITLE.match(value) else value


def pdf_bibliography(
    info: dict[str, str], xmp: bytes | None, first_page: str
) -> Bibliography | None:
    """XMP first, then the information dictionary, then a DOI printed on the first page."""
    candidates = []
    if xmp:
        candidates.append(("xmp", parse_xmp(xmp)))
    candidates.append(
        (
            "pdf-info",
            candidate(
                title=_info_title(info.get("Title")),
                authors=_info_authors(info.get("Author")),
                doi=info.get("doi") or info.get("DOI") or _labelled_doi(info.get("Subject")),
            ),
        )
    )
    candidates.append(("pdf-text", candidate(doi=_labelled_doi(first_page[:5000]))))
    return combine(candidates)


def _labelled_doi(text: str | None) -> str | None:
    match = _LABELLED_DOI.search(text or "")
    return clean_doi(match.group(1)) if match else None


# --- HTML -------------------------------------------------------------------------------------

_SCHOLARLY = ("ScholarlyArticle", "Article", "BlogPosting", "NewsArticle", "Report", "Thesis",
              "Chapter", "Book", "CreativeWork", "WebPage")  # fmt: skip


def _meta(soup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        name = tag.get("name") or tag.get("property") or tag.get("itemprop")
        content = tag.get("content")
        if name and content and content.strip():
            found.setdefault(name.strip().lower(), []).append(content.strip())
    return found


def _first(meta: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        if meta.get(name):
            return meta[name][0]
    return None


def _all(meta: dict[str, list[str]], *names: str) -> list[str]:
    for name in names:
        if meta.get(name):
            return meta[name]
    return []


def _json_ld(soup) -> dict:
    """The most scholarly JSON-LD object of a page (ScholarlyArticle before Article before ...)."""
    objects = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    best, rank = None, len(_SCHOLARLY)
    for item in objects:
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        for kind in types:
            if kind in _SCHOLARLY and _SCHOLARLY.index(kind) < rank:
                best, rank = item, _SCHOLARLY.index(kind)
    if best is None:
        return {}

    def name_of(value):
        if isinstance(value, list):
            return [
                n
                for v in value
                for n in ([name_of(v)] if not isinstance(v, list) else name_of(v))
                if n
            ]
        if isinstance(value, dict):
            return value.get("name") or " ".join(
                filter(None, [value.get("givenName"), value.get("familyName")])
            )
        return value if isinstance(value, str) else None

    def container(value):
        while isinstance(value, dict):  # PublicationIssue → PublicationVolume → Periodical
            if (
                value.get("@type") in ("Periodical", "Book", "WebSite", "Blog")
                or "isPartOf" not in value
            ):
                return value.get("name")
            value = value.get("isPartOf")
        return value if isinstance(value, str) else None

    authors = name_of(best.get("author") or best.get("creator"))
    identifiers = [best.get("identifier"), best.get("sameAs"), best.get("@id")]
    doi = next((clean_doi(str(i)) for i in identifiers if i and clean_doi(str(i))), None)
    return candidate(
        title=best.get("headline") or best.get("name"),
        authors=[authors] if isinstance(authors, str) else authors,
        year=best.get("datePublished") or best.get("dateCreated"),
        container=container(best.get("isPartOf")) or name_of(best.get("publisher")),
        doi=doi,
        url=best.get("url"),
    )


def html_bibliography(soup, title: str | None) -> Bibliography | None:
    """Highwire ``citation_*``, then JSON-LD, Dublin Core, Open Graph, and the page's <title>."""
    meta = _meta(soup)
    highwire = candidate(
        title=_first(meta, "citation_title"),
        authors=_all(meta, "citation_author") or _first(meta, "citation_authors"),
        year=_first(
            meta,
            "citation_publication_date",
            "citation_date",
            "citation_year",
            "citation_online_date",
        ),  # fmt: skip
        container=_first(
            meta,
            "citation_journal_title",
            "citation_conference_title",
            "citation_book_title",
            "citation_inbook_title",
        ),  # fmt: skip
        doi=_first(meta, "citation_doi"),
        url=_first(
            meta, "citation_public_url", "citation_abstract_html_url", "citation_fulltext_html_url"
        ),  # fmt: skip
    )
    dublin_core = candidate(
        title=_first(meta, "dc.title", "dcterms.title"),
        authors=_all(meta, "dc.creator", "dcterms.creator", "dc.creator.personalname"),
        year=_first(meta, "dcterms.issued", "dc.date", "dcterms.date", "dc.date.issued"),
        container=_first(meta, "dcterms.ispartof", "dc.source", "dc.relation.ispartof"),
        doi=next(
            (d for d in map(clean_doi, _all(meta, "dc.identifier", "dcterms.identifier")) if d),
            None,
        ),
    )
    authors = [a for a in _all(meta, "article:author", "author") if not a.startswith("http")]
    open_graph = candidate(
        title=_first(meta, "og:title"),
        authors=authors,
        year=_first(meta, "article:published_time"),
        container=_first(meta, "og:site_name"),
        url=_first(meta, "og:url"),
    )
    canonical = soup.find("link", rel="canonical", href=True)
    page = candidate(title=title, url=canonical["href"] if canonical else None)
    return combine(
        [
            ("highwire", highwire),
            ("json-ld", _json_ld(soup)),
            ("dublin-core", dublin_core),
            ("open-graph", open_graph),
            ("html", page),
        ]
    )
