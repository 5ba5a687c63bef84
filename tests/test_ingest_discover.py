"""Discovery: walking a corpus, sniffing kinds from bytes, recording bad files instead of failing."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

import cantobatch.ingest.discover as ingest
from cantobatch.config import IngestConfig
from cantobatch.errors import IngestError
from cantobatch.ingest.discover import SourceFile, discover, sniff
from cantobatch.ingest.reader import Reader, read

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
HTML = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>Canto I</p></body></html>"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "b" / "deep").mkdir(parents=True)
    shutil.copy(FIXTURES / "ledgers.pdf", root / "b" / "deep" / "ledgers.pdf")
    shutil.copy(FIXTURES / "ledgers.pdf", root / "b" / "really_a_pdf.txt")
    (root / "a.html").write_bytes(HTML)
    (root / "saved.pdf").write_bytes(HTML)
    (root / "notes.txt").write_bytes(b"Canto II, ll.4-8\n")
    (root / "README.md").write_bytes(b"# notes\n\nCanto IV\n")
    (root / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    (root / "empty.txt").write_bytes(b"")
    (root / ".hidden.txt").write_bytes(b"skipped")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_bytes(b"ref")
    return root


def test_discover_walks_sorted_with_relative_posix_sources(corpus: Path) -> None:
    files = list(discover(corpus))
    assert [f.source for f in files] == [
        "README.md",
        "a.html",
        "b/deep/ledgers.pdf",
        "b/really_a_pdf.txt",
        "cover.png",
        "empty.txt",
        "notes.txt",
        "saved.pdf",
    ]
    assert files == list(discover(str(corpus)))  # deterministic, str or Path
    for f in files:
        assert f.path.is_absolute() and f.path == corpus / f.source


def test_kinds_are_sniffed_from_bytes_not_suffix(corpus: Path) -> None:
    by_source = {f.source: f for f in discover(corpus)}
    assert by_source["b/deep/ledgers.pdf"].kind == "pdf"
    assert by_source["b/really_a_pdf.txt"].kind == "pdf"  # a PDF named .txt
    assert by_source["saved.pdf"].kind == "html"  # an HTML page saved as .pdf
    assert by_source["saved.pdf"].status is None  # still a candidate: reading records not_pdf
    assert by_source["a.html"].kind == "html"
    assert by_source["notes.txt"].kind == "text"
    assert by_source["README.md"].kind == "text"
    png = by_source["cover.png"]
    assert (png.kind, png.status) == ("unknown", "unsupported")
    assert ".png" in png.error


def test_zero_byte_file_is_recorded(corpus: Path) -> None:
    empty = next(f for f in discover(corpus) if f.source == "empty.txt")
    assert (empty.status, empty.size) == ("zero_bytes", 0)
    document = read(empty)
    assert document.status == "zero_bytes"
    assert document.doc_id == hashlib.sha256(b"").hexdigest()


def test_symlink_loops_are_recorded_and_the_walk_goes_on(corpus: Path) -> None:
    os.symlink("self_link", corpus / "self_link")  # a link to itself: ELOOP
    os.symlink("..", corpus / "b" / "up")  # a link to the enclosing directory
    files = list(discover(corpus))
    statuses = {f.source: f.status for f in files}
    assert statuses["self_link"] == "symlink_loop"
    assert statuses["b/up"] == "symlink_loop"
    assert "enclosing directory" in next(f.error for f in files if f.source == "b/up")
    assert statuses["b/deep/ledgers.pdf"] is None  # everything else is still found
    assert len([f for f in files if f.source.endswith("ledgers.pdf")]) == 1
    loop = next(f for f in files if f.source == "self_link")
    document = read(loop)
    assert document.status == "symlink_loop"
    assert document.doc_id == hashlib.sha256(b"unreadable:self_link").hexdigest()


def test_symlinked_file_and_directory_are_followed(corpus: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "more.txt").write_bytes(b"Canto XX")
    os.symlink(outside, corpus / "linked_dir")
    os.symlink(corpus / "notes.txt", corpus / "notes_link.txt")
    sources = {f.source: f for f in discover(corpus)}
    assert sources["linked_dir/more.txt"].kind == "text"
    assert sources["notes_link.txt"].status is None


def test_dangling_symlink_is_unreadable(corpus: Path) -> None:
    os.symlink(corpus / "gone.pdf", corpus / "dangling.pdf")
    dangling = next(f for f in discover(corpus) if f.source == "dangling.pdf")
    assert dangling.status == "unreadable"
    assert "dangling symlink" in dangling.error


def test_unreadable_file_is_recorded(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = corpus / "notes.txt"
    if os.geteuid() != 0:
        target.chmod(0)
    else:
        # root reads through chmod 000, so simulate the permission error where the file is opened.
        real_open = ingest.open_regular

        def refusing_open(path):
            if Path(path) == target:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path)

        monkeypatch.setattr(ingest, "open_regular", refusing_open)
    try:
        notes = next(f for f in discover(corpus) if f.source == "notes.txt")
    finally:
        target.chmod(0o644)
    assert notes.status == "unreadable"
    assert "Permission denied" in notes.error
    document = read(notes)
    assert (document.status, document.doc_id) == (
        "unreadable",
        hashlib.sha256(b"unreadable:notes.txt").hexdigest(),
    )


def test_file_vanishing_after_discovery_reads_as_unreadable(corpus: Path) -> None:
    notes = next(f for f in discover(corpus) if f.source == "notes.txt")
    (corpus / "notes.txt").unlink()
    document = read(notes)
    assert document.status == "unreadable"
    assert document.doc_id == hashlib.sha256(b"unreadable:notes.txt").hexdigest()


def test_missing_root_raises(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        discover(tmp_path / "nowhere")  # at the call, before any iteration


def test_a_single_file_root_is_one_source(tmp_path: Path) -> None:
    path = tmp_path / "one.html"
    path.write_bytes(HTML)
    assert [(f.source, f.kind) for f in discover(path)] == [("one.html", "html")]


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"%PDF-1.7\n...", "paper.txt", "pdf"),
        (b"junk" * 10 + b"%PDF-1.4", "x.bin", "pdf"),
        (HTML, "saved.pdf", "html"),
        (b"\n  <!-- saved -->\n<html><body>x</body></html>", "page", "html"),
        ("\ufeff<html><body>é</body></html>".encode("utf-16-le"), "p.htm", "html"),
        (b"<p>a fragment</p>", "fragment.html", "html"),
        (b"plain words", "notes.md", "text"),
        (b"plain words", "notes.csv", "unknown"),
        (b"\x00\x01binary", "data.txt", "unknown"),
    ],
)
def test_sniff(head: bytes, name: str, kind: str) -> None:
    assert sniff(head, name) == kind


def test_doc_id_is_sha256_of_the_bytes(corpus: Path) -> None:
    with Reader(IngestConfig()) as reader:
        for f in discover(corpus):
            if f.status is None and f.kind in ("pdf", "html", "text"):
                document = reader.read(f)
                assert document.doc_id == hashlib.sha256(f.path.read_bytes()).hexdigest()
                assert document.source == f.source
                assert document.bytes == f.size


def test_unsupported_and_too_large_files_are_recorded(corpus: Path) -> None:
    files = {f.source: f for f in discover(corpus)}
    png = read(files["cover.png"])
    assert png.status == "unsupported"
    assert png.doc_id == hashlib.sha256((corpus / "cover.png").read_bytes()).hexdigest()
    big = read(files["notes.txt"], IngestConfig(max_bytes=4))
    assert big.status == "too_large"
    assert "max_bytes" in big.error


def test_a_source_file_built_by_hand_reads_like_a_discovered_one(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"Canto LXXIV")
    document = read(SourceFile(path, "x.txt", path.stat().st_size, "text", None))
    assert (document.status, document.text, document.kind) == ("ok", "Canto LXXIV", "text")
