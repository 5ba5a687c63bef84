"""Discovery: a corpus directory → SourceFile records, in a deterministic order.

``discover(root)`` walks a corpus depth first and sniffs each file's kind from its bytes
(``sniff``); a problem of one file (empty, unreadable, a symlink loop, an unsupported kind)
becomes the SourceFile's status, never an exception. ``reader.Reader`` turns SourceFiles into
Documents.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cantobatch.data import sha256_hex
from cantobatch.errors import IngestError
from cantobatch.files import open_regular
from cantobatch.ingest.sidecar import is_sidecar
from cantobatch.ingest.text import looks_binary, utf16_without_bom

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SNIFF_BYTES = 4096
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|head|body|title|meta)\b", re.I)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    source: str  # path relative to the corpus root, POSIX
    size: int
    kind: str  # sniffed from bytes: "pdf", "html", "text", "unknown"
    # None: a readable candidate; else "zero_bytes", "unreadable", "symlink_loop", "unsupported"
    status: str | None
    error: str | None = None


def unreadable_id(source: str) -> str:
    """The doc_id of a file whose bytes cannot be read: a hash of its path in the corpus."""
    return sha256_hex("unreadable:" + source)


def sniff(head: bytes, name: str = "") -> str:
    """The kind of a file from its first bytes: "pdf", "html", "text" or "unknown".

    The bytes win over the name: a PDF named .txt is "pdf", an HTML page saved as .pdf is "html".
    Plain text is only recognised by suffix (.txt, .md), and only when it is not binary.
    """
    suffix = os.path.splitext(name)[1].lower()
    # The PDF spec allows junk before the header within 1024 bytes; a .pdf may have more (an HTTP
    # response saved with the file), which pdfium refuses and the pypdf fallback reads.
    if b"%PDF-" in (head if suffix == ".pdf" else head[:1024]):
        return "pdf"
    probe = head
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            probe = head[2:].decode(codec, errors="ignore").encode("ascii", errors="ignore")
    codec = utf16_without_bom(head)
    if codec:
        probe = head.decode(codec, errors="ignore").encode("ascii", errors="ignore")
    probe = probe.removeprefix(b"\xef\xbb\xbf")
    if _HTML_START.match(probe) or (
        probe.lstrip().startswith(b"<") and _HTML_ANYWHERE.search(probe)
    ):
        return "html"
    binary = looks_binary(probe)
    if suffix in HTML_SUFFIXES and not binary:
        return "html"
    if suffix in TEXT_SUFFIXES and not binary:
        return "text"
    return "unknown"


def _classify(path: Path, source: str, size: int) -> SourceFile | None:
    """The file's kind and status; None for a bibliography sidecar (read for metadata, not a
    document: see ``cantobatch.ingest.sidecar``)."""
    if size == 0:
        return SourceFile(path, source, 0, "unknown", "zero_bytes", f"{source}: the file is empty")
    try:
        with open_regular(path) as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        return SourceFile(path, source, size, "unknown", "unreadable", f"{source}: {exc.strerror}")
    kind = sniff(head, path.name)
    if kind == "unknown" and is_sidecar(path.name, head):
        return None
    if kind == "unknown" and path.suffix.lower() != ".pdf":
        # A .pdf that is not a PDF stays a candidate: reading it records not_pdf precisely.
        return SourceFile(
            path,
            source,
            size,
            kind,
            "unsupported",
            f"{source}: not a PDF, HTML or text file (suffix {path.suffix or 'none'!r}); skipped",
        )
    return SourceFile(path, source, size, kind, None)


INDEX_MARKERS = (".cantobatch.lock", "manifest.json")  # what a cantobatch index folder holds


def printable_name(name: str) -> str:
    """A file name as a ``source``: bytes that are not UTF-8 (decoded by Python as surrogates)
    escaped as ``\\xff``, so that the name can be hashed and written to Parquet."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_index_folder(path: str | Path) -> bool:
    """Whether ``path`` holds a cantobatch index (its lock file, or a manifest beside ``_state/``):
    an index's own Parquet parts and state are never part of a corpus."""
    path = Path(path)
    return (path / INDEX_MARKERS[0]).is_file() or (
        (path / INDEX_MARKERS[1]).is_file() and (path / "_state").is_dir()
    )


def discover(root: str | Path, skip: Iterable[str | Path] = ()) -> Iterator[SourceFile]:
    """Every file under ``root``, depth first with entries sorted by name; hidden entries skipped,
    and so are the folders in ``skip`` (the run's output folder) and any folder that holds a
    cantobatch index (``is_index_folder``), wherever it sits.

    Symlinks are followed; a link that loops (to itself or an enclosing directory), a dangling
    link, an unreadable file or directory and an empty file are yielded with a status, never
    raised. Raises IngestError (at the call, not on iteration) only when ``root`` does not exist.
    """
    root = Path(os.path.abspath(root))
    if not root.exists():
        raise IngestError(
            f"corpus {root} does not exist; pass a directory of PDF, HTML and text files",
            status="unreadable",
        )
    if root.is_file():
        name = printable_name(root.name)
        return iter(filter(None, [_classify(root, name, root.stat().st_size)]))
    skipped = frozenset(os.path.realpath(path) for path in skip)
    return _walk(root, "", frozenset({os.path.realpath(root)}), skipped)


def _walk(
    directory: Path, prefix: str, ancestors: frozenset[str], skipped: frozenset[str] = frozenset()
) -> Iterator[SourceFile]:
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as exc:
        source = prefix.rstrip("/") or "."
        yield SourceFile(
            directory, source, 0, "unknown", "unreadable", f"{source}/: {exc.strerror}"
        )
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = directory / entry.name
        source = prefix + printable_name(entry.name)
        try:
            info = os.stat(path)  # follows symlinks
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                yield SourceFile(
                    path, source, 0, "unknown", "symlink_loop", f"{source}: symlink loop"
                )
            elif entry.is_symlink():
                target = os.readlink(path)
                yield SourceFile(
                    path,
                    source,
                    0,
                    "unknown",
                    "unreadable",
                    f"{source}: dangling symlink to {target}",
                )
            else:
                yield SourceFile(
                    path, source, 0, "unknown", "unreadable", f"{source}: {exc.strerror}"
                )
            continue
        if stat.S_ISDIR(info.st_mode):
            real = os.path.realpath(path)
            if real in skipped or is_index_folder(path):
                continue  # an output folder: its parts are not documents
            if real in ancestors:
                yield SourceFile(
                    path,
                    source,
                    0,
                    "unknown",
                    "symlink_loop",
                    f"{source}: symlink to its own enclosing directory {real}; not followed",
                )
                continue
            yield from _walk(path, source + "/", ancestors | {real}, skipped)
        elif stat.S_ISREG(info.st_mode):
            file = _classify(path, source, info.st_size)
            if file is not None:
                yield file
        else:
            yield SourceFile(
                path,
                source,
                0,
                "unknown",
                "unsupported",
                f"{source}: not a regular file (fifo, socket or device); skipped",
            )
