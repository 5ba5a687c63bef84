"""Write the small ingest test fixtures in tests/fixtures/ingest/ (committed; rerun to regenerate).

    python scripts/make_fixtures.py [OUT_DIR]

Each file exercises one reading path or one failure status. Symlink loops, zero-byte and unreadable
files are made by the tests themselves in a temporary directory (git and linters should never walk
a symlink loop). Deterministic: reportlab invariant mode, fixed passwords, fixed junk bytes.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import reportlab
from reportlab.lib import pdfencrypt
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

REPO = Path(__file__).resolve().parents[1]
pdfmetrics.registerFont(TTFont("Vera", str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")))

# Three pages of body lines drawn exactly as given: known line-end hyphens, a word split across a
# page break ("ac-" / "counts"), verse lines, a ligature, a running head and a folio on every page.
PAGES = [
    [
        "The tempio of Sigismondo Malat-",
        "esta was praised by a twentieth-",
        "century poet, who wrote Section: Rock-",
        "Drill in old age and set the tempio in",
        "Canto IX, where the officinal ﬁne stone is paid for.",
        "A second paragraph starts here and runs on to",
        "the end of the line, and it keeps the ledger of the ac-",
    ],
    [
        "counts, line by line, as the poem does in Canto",
        "VIII and in the well-known letters of the post-",
        "bag, which are long and patient and well-",
        "known to every reader of the Malatesta group.",
        "The Pisan cantos come later, in 1945.",
    ],
    [
        "The canto opens:",
        "",
        "And then went down to the ship,",
        "Set keel to breakers, forth on the godly sea, and",
        "We set up mast and sail on that swart ship,",
        "",
        "and the rest of the canto follows the Latin closely.",
    ],
]
RUNNING_HEAD = "LEDGERS AND STONES"
LABELS = ["xi", "xii", "445"]


def _canvas(path: Path, **kwargs) -> canvas.Canvas:
    c = canvas.Canvas(str(path), pagesize=(432, 648), invariant=1, **kwargs)
    c.setTitle("Ledgers and Stones (test fixture)")
    c.setCreator("cantobatch scripts/make_fixtures.py")
    return c


def write_lines_pdf(path: Path, pages=PAGES, labels=True, **kwargs) -> None:
    c = _canvas(path, **kwargs)
    if labels:
        c.addPageLabel(0, style="ROMAN_LOWER", start=11)
        c.addPageLabel(2, style="ARABIC", start=445)
    for index, lines in enumerate(pages):
        c.setFont("Vera", 8)
        c.drawString(54, 600, f"{RUNNING_HEAD}    {LABELS[index]}")
        c.drawCentredString(216, 36, str(index + 1))
        c.setFont("Vera", 10)
        y = 560
        for line in lines:
            if line:
                c.drawString(54, y, line)
            y -= 14
        c.showPage()
    c.save()


def write_scanned_pdf(path: Path) -> None:
    """Two pages of drawing only (what a scan without OCR looks like to a text extractor)."""
    c = _canvas(path)
    for _ in range(2):
        c.setFillGray(0.8)
        c.rect(54, 54, 324, 540, stroke=1, fill=1)
        c.showPage()
    c.save()


def write_long_string_pdf(path: Path) -> None:
    """One page whose text is a single 40,000-character string (one Tj): pdfium keeps 32,767
    characters of a string, pypdf all of them."""
    c = _canvas(path)
    c.setFont("Helvetica", 2)
    words = "Canto XLV " * 4000
    c.drawString(10, 600, words)
    c.showPage()
    c.save()


def write_stamp_pdf(path: Path) -> None:
    """Three pages that hold nothing but the same line: every line is "furniture"."""
    c = _canvas(path)
    for _ in range(3):
        c.setFont("Vera", 10)
        c.drawString(54, 560, "Canto XLV: notes for the seminar")
        c.showPage()
    c.save()


ARTICLE_AS_PDF = b"""<!DOCTYPE html>
<html><head><title>Download</title></head>
<body><p>Your download of Canto LXXIV will start shortly.</p></body></html>
"""


def write_fixtures(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "lines": out / "ledgers.pdf",
        "owner": out / "owner_password_only.pdf",
        "user": out / "user_password.pdf",
        "truncated": out / "truncated.pdf",
        "corrupted": out / "corrupted.pdf",
        "html": out / "saved_page.pdf",
        "scanned": out / "scanned.pdf",
        "pdf_as_txt": out / "really_a_pdf.txt",
        "junk_prefix": out / "http_response_prefix.pdf",
        "bad_page": out / "damaged_first_page.pdf",
        "long_string": out / "long_string.pdf",
        "stamp": out / "stamp_only.pdf",
        "nul": out / "stray_nul.txt",
        "utf16le": out / "utf16le_no_bom.txt",
        "utf16be": out / "utf16be_no_bom.md",
        "utf16html": out / "utf16le_no_bom.html",
    }
    write_lines_pdf(paths["lines"])
    # Owner password only: anyone may open it; copying is "forbidden" by a flag readers ignore.
    write_lines_pdf(
        paths["owner"],
        encrypt=pdfencrypt.StandardEncryption("", "owner-secret", canCopy=0, canModify=0),
    )
    write_lines_pdf(paths["user"], encrypt=pdfencrypt.StandardEncryption("user-secret", "owner"))
    data = paths["lines"].read_bytes()
    paths["truncated"].write_bytes(data[: len(data) // 2])
    # A PDF header followed by junk: the body is damaged beyond repair.
    junk = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(64))
    paths["corrupted"].write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + junk)
    paths["html"].write_bytes(ARTICLE_AS_PDF)
    write_scanned_pdf(paths["scanned"])
    write_lines_pdf(paths["pdf_as_txt"], pages=[PAGES[0]], labels=False)
    # An HTTP response header saved in front of the PDF, padded past 1024 bytes: pdfium refuses
    # the file, pypdf (the fallback) finds the header and reads it.
    http = b"HTTP/1.1 200 OK\nContent-Type: application/pdf\nX-Padding: " + b"x" * 1950
    paths["junk_prefix"].write_bytes(http + b"\n\n" + data)
    # The first page object's /Type damaged: pdfium cannot load that page, the others read.
    at = data.index(b"/Type /Page\n")
    paths["bad_page"].write_bytes(data[:at] + b"/Type /Pagx\n" + data[at + 12 :])
    write_long_string_pdf(paths["long_string"])
    write_stamp_pdf(paths["stamp"])
    # A text copied with a stray NUL byte in it (a damaged transfer): the text is still text.
    notes = "Seminar notes, week 6.\n\nCanto XLV, ll. 1-12, read aloud.\n" * 20
    paths["nul"].write_bytes(notes.encode() + b"\x00" + b"Canto LI repeats the refrain.\n")
    # UTF-16 saved without a byte order mark, as some Windows tools do.
    utf16 = "Notes on Canto LXXIV \u2014 the Pisan opening, ll. 1-12.\n"
    paths["utf16le"].write_bytes(utf16.encode("utf-16-le"))
    paths["utf16be"].write_bytes(utf16.encode("utf-16-be"))
    html = "<html><head><title>Canto I</title></head><body><p>Canto I, ll. 1-3.</p></body></html>"
    paths["utf16html"].write_bytes(html.encode("utf-16-le"))
    return list(paths.values())


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REPO / "tests" / "fixtures" / "ingest"
    for path in write_fixtures(out):
        print(f"{path}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
