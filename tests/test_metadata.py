"""Bibliographic metadata: PDF information dictionary and XMP, HTML citation_* / JSON-LD / Dublin
Core / Open Graph, BibTeX and CSL JSON sidecars, and the documents table's columns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cantobatch.config import Config
from cantobatch.data import Bibliography
from cantobatch.ingest.discover import discover
from cantobatch.ingest.html import read_html
from cantobatch.ingest.metadata import (
    clean_doi,
    combine,
    parse_xmp,
    pdf_bibliography,
    read_xmp,
    year_of,
)
from cantobatch.ingest.sidecar import (
    latex_to_text,
    metadata_for,
    parse_bibtex,
    with_sidecar,
)
from cantobatch.pipeline import run_index

FIDELITY = Path(__file__).parent / "fixtures" / "fidelity"
INGEST = Path(__file__).parent / "fixtures" / "ingest"

# --- values and precedence --------------------------------------------------------------------


def test_doi_and_year_are_cleaned() -> None:
    assert clean_doi("https://doi.org/10.1234/ABC.5).") == "10.1234/ABC.5"
    assert clean_doi("doi:10.5555/jcs.2026.0012") == "10.5555/jcs.2026.0012"
    assert clean_doi("no doi here") is None
    assert (year_of("2026/01/15"), year_of("March 1925"), year_of("n.d."), year_of(1971)) == (
        2026,
        1925,
        None,
        1971,
    )


def test_each_field_comes_from_the_first_source_that_has_it() -> None:
    bib = combine(
        [
            ("bibtex[refs.bib]", {"title": "Sidecar Title", "year": 2020}),
            ("highwire", {"title": "Page Title", "authors": ("A, B",), "doi": "10.1/x"}),
            ("open-graph", {"url": "https://example.org/x", "year": 1999}),
        ]
    )
    assert bib == Bibliography(
        title="Sidecar Title",
        authors=("A, B",),
        year=2020,
        doi="10.1/x",
        url="https://example.org/x",
        source="bibtex[refs.bib]:title,year; highwire:authors,doi; open-graph:url",
    )
    assert combine([("x", {})]) is None
    merged = with_sidecar(Bibliography(title="Own", url="u", source="html:title,url"), bib)
    assert (merged.title, merged.url) == ("Sidecar Title", "https://example.org/x")


# --- PDF --------------------------------------------------------------------------------------


def test_xmp_is_found_in_the_file_and_read_by_namespace() -> None:
    packet = read_xmp(str(FIDELITY / "two_column_interleaved.pdf"))
    assert packet is not None and packet.startswith(b"<x:xmpmeta")
    assert parse_xmp(packet) == {
        "title": "Ledgers in Two Columns: Reading Order and the Malatesta Cantos",
        "authors": ("Ann Critic", "Ben Reader"),
        "year": 2026,
        "container": "Journal of Canto Studies",
        "doi": "10.5555/jcs.2026.0012",
    }
    assert read_xmp(str(INGEST / "ledgers.pdf")) is None


def test_pdf_bibliography_xmp_then_information_then_first_page_doi() -> None:
    info = {"Title": "Microsoft Word - draft.docx", "Author": "anonymous", "Subject": "x"}
    page = "Journal of Canto Studies 12 (2026) 1-20. DOI: 10.5555/jcs.2026.0001\nText."
    bib = pdf_bibliography(info, None, page)
    assert (bib.title, bib.authors, bib.doi) == (None, (), "10.5555/jcs.2026.0001")
    assert bib.source == "pdf-text:doi"
    info = {"Title": "A Title", "Author": "Critic, Ann; Reader, Ben"}
    bib = pdf_bibliography(info, None, "A reference to 10.1/other in the text is not the DOI.")
    assert (bib.title, bib.authors, bib.doi) == ("A Title", ("Critic, Ann", "Reader, Ben"), None)


# --- HTML -------------------------------------------------------------------------------------


def page(head: str) -> bytes:
    return f"<html><head><title>Site | Page</title>{head}</head><body><p>Canto I</p></body></html>".encode()


def test_highwire_tags_come_first() -> None:
    head = (
        '<meta name="citation_title" content="Counting the Nekuia">'
        '<meta name="citation_author" content="Critic, Ann">'
        '<meta name="citation_author" content="Reader, Ben">'
        '<meta name="citation_date" content="2026/01/15">'
        '<meta name="citation_journal_title" content="Journal of Canto Studies">'
        '<meta name="citation_doi" content="10.5555/x">'
        '<meta property="og:title" content="Other">'
    )
    doc = read_html(page(head), doc_id="h", source="h.html")
    assert doc.title == "Counting the Nekuia"
    assert doc.bib.authors == ("Critic, Ann", "Reader, Ben")
    assert (doc.bib.year, doc.bib.container, doc.bib.doi) == (
        2026,
        "Journal of Canto Studies",
        "10.5555/x",
    )
    assert doc.bib.source == "highwire:title,authors,year,container,doi"


def test_json_ld_scholarly_article_in_a_graph() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Page"},
            {
                "@type": "ScholarlyArticle",
                "headline": "The Usury Canto",
                "author": [{"@type": "Person", "givenName": "Cora", "familyName": "Tutor"}],
                "datePublished": "2025-09-01",
                "isPartOf": {
                    "@type": "PublicationIssue",
                    "isPartOf": {"@type": "Periodical", "name": "Pedagogy and the Cantos"},
                },
                "sameAs": "https://doi.org/10.5555/pc.57",
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    bib = read_html(page(head), doc_id="j", source="j.html").bib
    assert (bib.title, bib.authors, bib.year) == ("The Usury Canto", ("Cora Tutor",), 2025)
    assert (bib.container, bib.doi) == ("Pedagogy and the Cantos", "10.5555/pc.57")
    assert bib.source == "json-ld:title,authors,year,container,doi"


def test_dublin_core_open_graph_and_the_page_title() -> None:
    head = (
        '<meta name="DC.creator" content="Reader, Ben"><meta name="DC.date" content="2023">'
        '<meta property="og:site_name" content="Modernism Lab">'
        '<link rel="canonical" href="https://example.edu/node/7">'
    )
    bib = read_html(page(head), doc_id="d", source="d.html").bib
    assert (bib.title, bib.authors, bib.year) == ("Site | Page", ("Reader, Ben",), 2023)
    assert (bib.container, bib.url) == ("Modernism Lab", "https://example.edu/node/7")
    assert bib.source == "dublin-core:authors,year; open-graph:container; html:title,url"


# --- sidecars ---------------------------------------------------------------------------------

BIB = r"""
@string{jcs = "Journal of Canto Studies"}
@comment{a Zotero export}
@article{critic2026ledgers,
  title = {Ledgers in {Two} Columns: the {M}alatesta {C}antos},
  author = {Critic, Ann and Reader, Ben and others},
  journaltitle = "Journal of " # {Canto Studies},
  date = {2026-03},
  doi = {10.5555/jcs.2026.0012},
  file = {Full Text PDF:files/12/Critic - 2026 - Ledgers.pdf:application/pdf;Snapshot:files/12/snap.html:text/html}
}
@book{kenner1971,
  title = {The Pound Era},
  author = {Kenner, Hugh},
  publisher = {University of California Press},
  year = 1971,
  file = {C\:\\Users\\ann\\Zotero\\storage\\AB12\\pound_era.pdf}
}
@inproceedings{tutor2025,
  title = {Teaching the {Usury} Canto to {B}\"{o}hm's Students -- a Report},
  author = {Tutor, Cora},
  booktitle = {Proceedings of the Pound Digital Workshop},
  year = {2025},
}
"""


def test_bibtex_entries_are_parsed() -> None:
    entries = parse_bibtex(BIB)
    assert [e["ID"] for e in entries] == ["critic2026ledgers", "kenner1971", "tutor2025"]
    assert latex_to_text(entries[0]["title"]) == "Ledgers in Two Columns: the Malatesta Cantos"
    assert latex_to_text(entries[0]["journaltitle"]) == "Journal of Canto Studies"
    assert entries[1]["year"] == "1971"
    assert (
        latex_to_text(entries[2]["title"])
        == "Teaching the Usury Canto to Böhm's Students – a Report"
    )


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Documents in subfolders, a BibTeX and a CSL JSON sidecar in the root."""
    tmp_path = tmp_path / "corpus"
    (tmp_path / "files" / "12").mkdir(parents=True)
    shutil.copy(INGEST / "ledgers.pdf", tmp_path / "files" / "12" / "Critic - 2026 - Ledgers.pdf")
    (tmp_path / "books").mkdir()
    (tmp_path / "books" / "pound_era.txt").write_text("Canto LXXIV is read in chapter 20.\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "tutor2025.md").write_text("Canto XLV in class.\n")
    (tmp_path / "notes" / "Seminar - 2024 - The Pisan Cantos in Spring.txt").write_text(
        "Canto LXXXI.\n"
    )
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    csl = [
        {
            "id": "http://zotero.org/users/1/items/QX7",
            "type": "report",
            "title": "The Pisan Cantos in Spring: a Reading List",
            "author": [{"family": "Seminar", "given": "Pound"}],
            "issued": {"date-parts": [[2024, 3]]},
            "URL": "https://example.org/pisan",
        }
    ]
    (tmp_path / "zotero.json").write_text(json.dumps(csl), encoding="utf-8")
    (tmp_path / "settings.json").write_text('{"not": "a bibliography"}', encoding="utf-8")
    return tmp_path


def test_sidecar_entries_are_matched_to_documents(corpus: Path) -> None:
    by_path = metadata_for("files/12/Critic - 2026 - Ledgers.pdf", corpus)
    assert by_path.title == "Ledgers in Two Columns: the Malatesta Cantos"
    assert by_path.authors == ("Critic, Ann", "Reader, Ben")
    assert (by_path.year, by_path.container) == (2026, "Journal of Canto Studies")
    assert by_path.source == "bibtex[refs.bib]:title,authors,year,container,doi"
    by_name = metadata_for("books/pound_era.txt", corpus)  # no such file: the same file name
    assert by_name is None
    (corpus / "books" / "pound_era.pdf").write_bytes((INGEST / "ledgers.pdf").read_bytes())
    assert metadata_for("books/pound_era.pdf", corpus).title == "The Pound Era"
    by_key = metadata_for("notes/tutor2025.md", corpus)
    assert (by_key.title, by_key.container) == (
        "Teaching the Usury Canto to Böhm's Students – a Report",
        "Proceedings of the Pound Digital Workshop",
    )
    zotero_name = metadata_for("notes/Seminar - 2024 - The Pisan Cantos in Spring.txt", corpus)
    assert zotero_name.authors == ("Seminar, Pound",)
    assert zotero_name.source == "csl-json[zotero.json]:title,authors,year,url"


def test_an_edited_sidecar_is_read_again(corpus: Path) -> None:
    assert metadata_for("notes/tutor2025.md", corpus).year == 2025
    bib = corpus / "refs.bib"
    bib.write_text(bib.read_text().replace("year = {2025}", "year = {2024}"), encoding="utf-8")
    assert metadata_for("notes/tutor2025.md", corpus).year == 2024


def test_sidecars_are_not_documents(corpus: Path) -> None:
    files = {f.source: f.status for f in discover(corpus)}
    assert "refs.bib" not in files and "zotero.json" not in files
    assert files["settings.json"] == "unsupported"  # a JSON file that is no bibliography


def test_index_writes_the_bibliographic_columns(corpus: Path) -> None:
    out = corpus.parent / "out"
    summary = run_index(corpus, out, Config(), show_progress=False)
    assert summary.documents_failed == {"unsupported": 1}  # settings.json, not the sidecars
    table = pq.read_table(out / "documents.parquet")
    assert table.schema.metadata[b"cantobatch.schema_version"] == b"3"
    rows = {r["source"]: r for r in table.to_pylist()}
    assert "refs.bib" not in rows and "zotero.json" not in rows
    pdf = rows["files/12/Critic - 2026 - Ledgers.pdf"]
    assert pdf["title"] == "Ledgers in Two Columns: the Malatesta Cantos"
    assert pdf["authors"] == ["Critic, Ann", "Reader, Ben"]
    assert (pdf["year"], pdf["container"], pdf["doi"]) == (
        2026,
        "Journal of Canto Studies",
        "10.5555/jcs.2026.0012",
    )
    assert pdf["meta_source"].startswith("bibtex[refs.bib]:")
    assert pdf["furniture_lines"] == 6  # a running head and a folio on each of three pages
    text = rows["notes/tutor2025.md"]
    assert (text["year"], text["furniture_lines"]) == (2025, None)
    # An edited entry re-reads its document (its unit of work is named by the entry too).
    bib = corpus / "refs.bib"
    bib.write_text(bib.read_text().replace("year = {2025}", "year = {2024}"), encoding="utf-8")
    again = run_index(corpus, out, Config(), show_progress=False)
    assert again.documents_ingested == 1
    rows = {r["source"]: r for r in pq.read_table(out / "documents.parquet").to_pylist()}
    assert rows["notes/tutor2025.md"]["year"] == 2024


def test_fidelity_sidecars_fill_what_the_files_lack() -> None:
    essay = metadata_for("two_column_stream.pdf", FIDELITY)
    assert (essay.year, essay.doi) == (2025, "10.5555/pc.2025.57")
    newsletter = metadata_for("three_column_newsletter.pdf", FIDELITY)
    assert newsletter.container == "Pound Seminar Newsletter"


def test_a_pdf_that_says_nothing_about_itself_reads_without_a_bibliography(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    from cantobatch.ingest.reader import read

    c = canvas.Canvas(str(tmp_path / "bare.pdf"), invariant=1)  # title "untitled", "anonymous"
    c.drawString(72, 700, "Canto XLV, ll. 1-12.")
    c.save()
    document = read(next(iter(discover(tmp_path))))
    assert (document.status, document.text, document.bib, document.title) == (
        "ok",
        "Canto XLV, ll. 1-12.",
        None,
        None,
    )
