"""Sidecars: the bibliography a reference manager exports next to the documents.

A ``.bib``/``.bibtex`` file (BibTeX or BibLaTeX, e.g. Zotero's or Better BibTeX's export) or a CSL
JSON ``.json`` file (a list of items, Zotero's "CSL JSON" export) in the corpus root or in any
directory between it and a document. An entry describes a document when, in this order:

1. one of its attachment paths (BibTeX ``file``, CSL ``file``) is the document, or has its name;
2. its citation key (BibTeX key, CSL ``id`` or ``citation-key``) is the document's file stem;
3. the document's file name is Zotero's "Author - Year - Title" for the entry.

``metadata_for(source, corpus_root)`` is the entry's ``Bibliography`` (None when no entry names
the document). Sidecar files are not documents: ``is_sidecar`` lets discovery leave them out.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cantobatch.data import Bibliography, Document, sha256_hex
from cantobatch.files import open_regular, read_regular_bytes
from cantobatch.ingest.metadata import candidate, combine

BIB_SUFFIXES = (".bib", ".bibtex")
_CSL_HEAD = re.compile(rb'^\s*\[\s*(?:\{\s*"(?:id|type|title|author|citation-key)"|\])')

# --- BibTeX -----------------------------------------------------------------------------------

_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
            "H": "\u030b", "r": "\u030a", "k": "\u0328"}  # fmt: skip
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
            "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "&": "&", "%": "%", "_": "_",
            "$": "$", "#": "#"}  # fmt: skip
_ACCENT = re.compile(r"\\([`'\"^~=.]|[cvuHrk](?=[\s{]))\s*(?:\{\s*(\\?\w)\s*\}|(\\?\w))")
_LETTER = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|[oOlLi]|[&%_$#])(?![A-Za-z])\s?")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*")


def latex_to_text(value: str) -> str:
    """The text of a BibTeX value: accents composed, braces and formatting commands dropped."""
    value = _ACCENT.sub(
        lambda m: (m.group(2) or m.group(3)).lstrip("\\") + _ACCENTS[m.group(1)], value
    )
    value = _LETTER.sub(lambda m: _LETTERS[m.group(1)], value)
    value = _COMMAND.sub("", value).replace("{", "").replace("}", "")
    value = value.replace("---", "—").replace("--", "–").replace("~", " ")
    return " ".join(unicodedata.normalize("NFC", value).split())


def _read_value(text: str, pos: int) -> tuple[str, int]:
    """A field value at ``pos``: {braced}, "quoted", a number or a macro, joined by #."""
    parts = []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        if text[pos] in '{"':
            close = "}" if text[pos] == "{" else '"'
            depth, start = 0, pos + 1
            pos += 1
            while pos < len(text) and not (text[pos] == close and depth == 0):
                if text[pos] == "{":
                    depth += 1
                elif text[pos] == "}":
                    depth -= 1
                elif text[pos] == "\\":
                    pos += 1
                pos += 1
            parts.append(text[start:pos])
            pos += 1
        else:
            match = _BARE.match(text, pos)
            if match:
                parts.append(match.group(0))
                pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos < len(text) and text[pos] == "#":
            pos += 1
            continue
        break
    return "".join(parts), pos


_BARE = re.compile(r"[^\s,#})]+")
_ENTRY_END = re.compile(r"\s*,?\s*[})]")
_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_FIELD = re.compile(r"\s*,?\s*([A-Za-z][\w:.+-]*)\s*=\s*")


def parse_bibtex(text: str) -> list[dict[str, str]]:
    """BibTeX entries as dicts: ``ENTRYTYPE``, ``ID`` (the citation key) and fields, lower-cased
    names, raw values (see ``latex_to_text``). @string, @comment and @preamble are skipped."""
    entries = []
    pos = 0
    while True:
        match = _ENTRY.search(text, pos)
        if not match:
            return entries
        kind = match.group(1).lower()
        pos = match.end()
        if kind in ("comment", "preamble", "string"):
            continue
        comma = text.find(",", pos)
        if comma < 0:
            return entries
        entry = {"ENTRYTYPE": kind, "ID": text[pos:comma].strip()}
        pos = comma + 1
        while True:
            field = _FIELD.match(text, pos)
            if not field:
                break
            value, pos = _read_value(text, field.end())
            entry[field.group(1).lower()] = value
        entries.append(entry)
        end = _ENTRY_END.match(text, pos)
        pos = end.end() if end else pos + 1


def _bibtex_attachments(value: str) -> list[str]:
    """Paths of a BibTeX ``file`` field: Zotero "desc:path:mime;...", JabRef ":path:PDF", or plain
    paths separated by ";" (escaped colons, as in "C\\:\\\\Users", are part of the path)."""
    paths = []
    for item in re.split(r"(?<!\\);", value):
        pieces = re.split(r"(?<!\\):", item)
        path = pieces[1] if len(pieces) >= 3 else item
        path = path.replace("\\:", ":").replace("\\\\", "\\").strip()
        if path:
            paths.append(path)
    return paths


def _bibtex_entry(entry: dict[str, str]) -> tuple[dict, list[str], list[str]]:
    """(fields, attachment paths, citation keys) of a BibTeX entry."""
    text = {k: latex_to_text(v) for k, v in entry.items() if k not in ("file", "url", "doi")}
    authors = re.split(r"\s+and\s+", text.get("author") or text.get("editor") or "")
    values = candidate(
        title=text.get("title"),
        authors=[a for a in authors if a and a.lower() != "others"],
        year=text.get("year") or text.get("date"),
        container=text.get("journal") or text.get("journaltitle") or text.get("booktitle"),
        doi=entry.get("doi"),
        url=entry.get("url"),
    )
    return values, _bibtex_attachments(entry.get("file", "")), [entry["ID"]]


# --- CSL JSON ---------------------------------------------------------------------------------


def _csl_entry(item: dict) -> tuple[dict, list[str], list[str]]:
    """(fields, attachment paths, citation keys) of a CSL JSON item."""
    authors = []
    for person in item.get("author") or item.get("editor") or []:
        if isinstance(person, dict):
            name = person.get("literal") or ", ".join(
                filter(None, [person.get("family"), person.get("given")])
            )
            authors.append(name)
    issued = item.get("issued") or {}
    year = None
    if isinstance(issued, dict):
        parts = issued.get("date-parts") or [[]]
        year = (
            (parts[0][0] if parts and parts[0] else None)
            or issued.get("raw")
            or issued.get("literal")
        )
    values = candidate(
        title=item.get("title"),
        authors=authors,
        year=year,
        container=item.get("container-title"),
        doi=item.get("DOI"),
        url=item.get("URL"),
    )
    files = item.get("file") or item.get("attachments") or []
    files = [files] if isinstance(files, str) else files
    paths = [f.get("path") if isinstance(f, dict) else f for f in files]
    identifier = str(item.get("id", ""))
    keys = [
        k
        for k in (item.get("citation-key"), identifier, identifier.rstrip("/").rsplit("/", 1)[-1])
        if k
    ]
    return values, [p for p in paths if isinstance(p, str)], keys


# --- lookup -----------------------------------------------------------------------------------


def is_sidecar(name: str, head: bytes) -> bool:
    """Whether a file is a reference manager's export (BibTeX, CSL JSON) rather than a document."""
    lower = name.lower()
    if lower.endswith(BIB_SUFFIXES):
        return True
    return lower.endswith(".json") and bool(_CSL_HEAD.match(head.removeprefix(b"\xef\xbb\xbf")))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return " ".join(
        re.sub(r"[^\w]+", " ", "".join(c for c in text if not unicodedata.combining(c))).split()
    )


@dataclass(frozen=True)
class _Entry:
    values: dict
    paths: tuple[str, ...]  # absolute, normalised
    names: tuple[str, ...]  # attachment file names, lower-case
    keys: tuple[str, ...]  # citation keys, lower-case
    label: str  # "bibtex:refs.bib"

    def bibliography(self) -> Bibliography | None:
        return combine([(self.label, self.values)])


def _load(path: Path) -> list[_Entry]:
    try:
        data = read_regular_bytes(path)
    except OSError:
        return []
    text = data.decode("utf-8-sig", errors="replace")
    if path.name.lower().endswith(BIB_SUFFIXES):
        raw, label, make = parse_bibtex(text), f"bibtex[{path.name}]", _bibtex_entry
    else:
        try:
            raw = json.loads(text)
        except ValueError:
            return []
        raw = raw.get("items", []) if isinstance(raw, dict) else raw
        raw, label, make = (
            [i for i in raw if isinstance(i, dict)],
            f"csl-json[{path.name}]",
            _csl_entry,
        )
    entries = []
    for item in raw:
        values, attachments, keys = make(item)
        absolute = [os.path.normpath(path.parent / a) for a in attachments]
        names = [re.split(r"[\\/]", a)[-1].lower() for a in attachments]
        entries.append(
            _Entry(values, tuple(absolute), tuple(names), tuple(k.lower() for k in keys), label)
        )
    return entries


class _Index:
    """A folder's sidecar entries, looked up by attachment path, file name, citation key and
    year (for Zotero's "Author - Year - Title" names)."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.by_path: dict[str, _Entry] = {}
        self.by_name: dict[str, _Entry] = {}
        self.by_key: dict[str, _Entry] = {}
        self.by_year: dict[str, list[_Entry]] = {}
        for entry in entries:  # the first entry to claim a path, name or key keeps it
            for path in entry.paths:
                self.by_path.setdefault(path, entry)
            for name in entry.names:
                self.by_name.setdefault(name, entry)
            for key in entry.keys:
                self.by_key.setdefault(key, entry)
            if entry.values.get("year"):
                self.by_year.setdefault(str(entry.values["year"]), []).append(entry)


_EMPTY = _Index([])
# folder → (its mtime, its sidecars' (name, mtime, size), their index)
_CACHE: dict[str, tuple[int, tuple, _Index]] = {}


def _signature(directory: Path, names) -> tuple:
    signature = []
    for name in names:
        try:
            info = os.stat(directory / name)
        except OSError:
            continue
        signature.append((name, info.st_mtime_ns, info.st_size))
    return tuple(signature)


def _directory_index(directory: Path) -> _Index:
    """The index of the sidecars in ``directory``: one stat of the folder and of each sidecar
    per call; listed and parsed again only when one of them changed."""
    try:
        folder_mtime = os.stat(directory).st_mtime_ns
    except OSError:
        return _EMPTY
    key = str(directory)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == folder_mtime:
        signature = _signature(directory, [name for name, _, _ in cached[1]])
        if signature == cached[1]:
            return cached[2]
    try:
        names = sorted(
            n
            for n in os.listdir(directory)
            if not n.startswith(".") and n.lower().endswith((*BIB_SUFFIXES, ".json"))
        )
    except OSError:
        return _EMPTY
    sidecars = []
    for name in names:
        if name.lower().endswith(".json"):
            try:
                with open_regular(directory / name) as handle:
                    if not is_sidecar(name, handle.read(4096)):
                        continue
            except OSError:
                continue
        sidecars.append(name)
    signature = _signature(directory, sidecars)
    entries = [e for name, _, _ in signature for e in _load(directory / name)]
    index = _Index(entries) if entries else _EMPTY
    _CACHE[key] = (folder_mtime, signature, index)
    return index


def _zotero_name(stem: str, index: _Index) -> _Entry | None:
    """The entry whose Zotero "Author - Year - Title" file name ``stem`` is."""
    parts = stem.split(" - ")
    if len(parts) < 3:
        return None
    year, title = parts[1].strip(), _norm(" - ".join(parts[2:]))
    if len(title) < 8:
        return None
    for entry in index.by_year.get(year, ()):
        if _norm(entry.values.get("title", "")).startswith(title):
            return entry
    return None


def find_entry(source: str, corpus_root: str | Path) -> _Entry | None:
    """The sidecar entry that describes the document at ``source`` (relative to the root):
    by attachment path, then file name, citation key, Zotero file name; sidecars in the root
    first, then in each folder down to the document's."""
    root = Path(os.path.abspath(corpus_root))
    document = root / source
    directories = [root]
    for part in Path(source).parent.parts:
        directories.append(directories[-1] / part)
    indexes = [i for i in map(_directory_index, directories) if i is not _EMPTY]
    if not indexes:
        return None
    path, name, stem = os.path.normpath(document), document.name.lower(), document.stem
    for index in indexes:
        if path in index.by_path:
            return index.by_path[path]
    for index in indexes:
        if name in index.by_name:
            return index.by_name[name]
    for index in indexes:
        if stem.lower() in index.by_key:
            return index.by_key[stem.lower()]
    for index in indexes:
        entry = _zotero_name(stem, index)
        if entry is not None:
            return entry
    return None


def metadata_for(source: str, corpus_root: str | Path) -> Bibliography | None:
    """The bibliography a sidecar gives for the document at ``source``, or None."""
    entry = find_entry(source, corpus_root)
    return entry.bibliography() if entry is not None else None


def with_sidecar(bib: Bibliography | None, sidecar: Bibliography | None) -> Bibliography | None:
    """The sidecar's fields over the file's own (each field from the first that has it)."""
    if sidecar is None:
        return bib
    candidates: list[tuple[str, dict]] = []
    for bibliography in (sidecar, bib):
        if bibliography is None:
            continue
        for part in (bibliography.source or "").split("; "):
            name, _, keys = part.partition(":")
            values = {k: getattr(bibliography, k) for k in keys.split(",") if k}
            candidates.append((name, values))
    return combine(candidates)


def sidecar_key(source: str, corpus_root: str | Path) -> str:
    """ "" without a sidecar entry for the document, else a hash of the entry: part of the name
    of the document's unit of work, so that an edited entry re-reads the document."""
    sidecar = metadata_for(source, corpus_root)
    return "" if sidecar is None else ":" + sha256_hex(repr(sidecar), 16)


def apply_sidecar(document: Document, corpus_root: str | Path) -> Document:
    """The document with its sidecar entry's fields over its own bibliography."""
    from dataclasses import replace

    sidecar = metadata_for(document.source, corpus_root)
    if sidecar is None:
        return document
    bib = with_sidecar(document.bib, sidecar)
    return replace(document, bib=bib, title=bib.title if bib and bib.title else document.title)
