"""HTML and text reading: boilerplate removal, block and line structure, charsets."""

from __future__ import annotations

import codecs
import threading
import time
from pathlib import Path

import pytest

import cantobatch.ingest.html as html
from cantobatch.config import IngestConfig
from cantobatch.ingest.discover import SourceFile, discover
from cantobatch.ingest.html import decode_html, read_html
from cantobatch.ingest.reader import Reader, read
from cantobatch.ingest.text import decode_bytes, read_text

CORPUS = Path(__file__).parents[1] / "corpora"


def page(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def text_of(data: bytes) -> str:
    document = read_html(data, doc_id="x", source="t.html")
    assert document.status == "ok", document.error
    return document.text


# --- the corpus pages -------------------------------------------------------------------------


def corpus_document(name: str):
    return read(next(f for f in discover(CORPUS) if f.source == name))


def test_article_page_keeps_the_article_and_drops_boilerplate() -> None:
    document = corpus_document("html/usura_essay.html")
    assert (document.status, document.kind, document.reader) == ("ok", "html", "lxml")
    assert document.title == "The Ledger and the Lyric: Usura in Canto XLV | Modernist Notes"
    assert document.encoding == "utf-8"
    text = document.text
    assert text.startswith(
        "The Ledger and the Lyric: Usura in Canto XLV\n\nAn essay in three parts"
    )
    assert "(Cantos 8–11)" in text and "IX:ll.15-28" in text
    assert "On the Siena cantos see 42/209" in text  # footnotes are article text
    assert "Monte dei Paschi of Siena.\n\n" in text  # the reference mark "1" is gone
    for boilerplate in (
        "Essays on Canto LXXXI",  # <header>
        "Inferno canto XXVI",  # <nav>
        "Canto XC",  # <form>
        "Canto 99",  # <script>
        "site.css",
        "font-family",  # <style>
        "Hugh Selwyn Mauberley",  # <aside>
        "Cite as",  # <footer>
        "tracking pixel",  # comment
        "Canto 100",  # <noscript>
    ):
        assert boilerplate not in text
    # Paragraph structure: blocks separated by one blank line, inline elements kept in the line.
    assert "\n\nA refrain and its ledger\n\n" in text
    assert "Its refrain, with usura, gives it" in text
    assert document.pages[0].char_end == len(text)


def test_experiment_page_keeps_poem_lines(cantos_dir: Path) -> None:
    canto = (cantos_dir / "canto_001.txt").read_text(encoding="utf-8").splitlines()
    document = corpus_document("html/poundian_experiment_3.html")
    text = document.text
    assert "\n".join(canto[0:3]) in text  # <br> line breaks
    assert "\n".join(canto[24:28]) in text
    assert "\n".join(canto[-2:]) in text
    assert "All experiments" not in text and "experiment 3 of 5" not in text  # outside #content
    assert "last line                    I: -1            I: 76" in text  # <pre> spacing kept


def test_text_file_keeps_paragraphs_and_indented_lines() -> None:
    document = corpus_document("text/seminar_notes.txt")
    assert (document.status, document.kind, document.reader) == ("ok", "text", "text")
    assert "\n\nXX:1-20 is the Provencal opening" in document.text
    assert "    Souls out of Erebus, cadaverous dead, of brides\n" in document.text


# --- structure --------------------------------------------------------------------------------


def test_br_pre_and_blocks() -> None:
    data = page(
        "<p>First   paragraph\n  wraps <b>here</b>.</p>"
        "<blockquote>Line one<br>Line two<br/><br>After a blank line</blockquote>"
        "<pre>\n  indented\n    more  spaces</pre>"
        "<ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>Canto</td><td>I</td></tr><tr><td>line</td><td>1</td></tr></table>"
    )
    assert text_of(data) == (
        "First paragraph wraps here.\n\n"
        "Line one\nLine two\n\nAfter a blank line\n\n"
        "  indented\n    more  spaces\n\n"
        "one\n\ntwo\n\n"
        "Canto I\n\nline 1"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<nav>menu</nav><main><p>main text</p></main><article>other</article>", "main text"),
        ("<div>chrome</div><article><p>article text</p></article>", "article text"),
        ('<div>chrome</div><div role="main"><p>role text</p></div>', "role text"),
        ('<div>chrome</div><div id="content"><p>content text</p></div>', "content text"),
        ("<div>all of</div><p>the body</p>", "all of\n\nthe body"),
    ],
)
def test_main_content_choice(body: str, expected: str) -> None:
    assert text_of(page(body)) == expected


def test_footnote_reference_marks_are_dropped_notes_kept() -> None:
    data = page(
        '<p>Siena.<sup><a href="#fn1">1</a></sup> The 1<sup>st</sup> and E=mc<sup>2</sup>.</p>'
        '<ol><li id="fn1">See 42/209.</li></ol>'
    )
    # The note list its marks link to is a footnote region, numbered like the mark.
    assert text_of(data) == "Siena. The 1st and E=mc2.\n\n1 See 42/209."


def test_nfkc_and_entities() -> None:
    assert text_of(page("<p>of&nbsp;ﬁne <i>ﬂowers</i> &amp; Canto&#160;XLV</p>")) == (
        "of fine flowers & Canto XLV"
    )


def test_empty_main_text_is_retried_then_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = read_html(
        page("<nav>only navigation</nav><script>x()</script>"), doc_id="e", source="e.html"
    )
    assert empty.status == "empty"
    assert "lxml and html.parser" in empty.error

    calls = []
    real = html.extract_main_text

    def lxml_finds_nothing(markup: str, parser: str = "lxml"):
        calls.append(parser)
        return html.MainText("") if parser == "lxml" else real(markup, parser)

    monkeypatch.setattr(html, "extract_main_text", lxml_finds_nothing)
    retried = read_html(page("<p>Canto I</p>"), doc_id="r", source="r.html")
    assert calls == ["lxml", "html.parser"]
    assert (retried.status, retried.reader, retried.text) == ("ok", "html.parser", "Canto I")


# --- charsets ---------------------------------------------------------------------------------


def test_utf8_bom() -> None:
    data = codecs.BOM_UTF8 + page("<p>Canto I — “Nekuia”</p>")
    assert decode_html(data)[1] == "utf-8"
    assert text_of(data) == "Canto I — “Nekuia”"


def test_meta_charset_latin1_is_read_as_cp1252() -> None:
    data = page("<p>Café, \x93Usura\x94</p>", head='<meta charset="iso-8859-1">')
    data = data.decode("utf-8").encode("latin-1")  # \x93/\x94 are cp1252 smart quotes
    markup, encoding = decode_html(data)
    assert encoding == "cp1252"
    assert text_of(data) == "Café, “Usura”"


def test_http_equiv_charset() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    data = ("<html><head>" + head + "</head><body><p>naïve</p></body></html>").encode("cp1252")
    assert decode_html(data)[1] == "cp1252"
    assert text_of(data) == "naïve"


def test_cp1252_smart_quotes_without_declaration() -> None:
    data = page("<p>Pound\u2019s \u201cfirst canto\u201d \u2014 Canto I, ll. 1\u20134</p>").decode()
    data = data.encode("cp1252")
    markup, encoding = decode_html(data)
    assert encoding == "cp1252"
    assert text_of(data) == "Pound’s “first canto” — Canto I, ll. 1–4"


def test_utf16_with_bom() -> None:
    data = codecs.BOM_UTF16_LE + page(
        "<p>Canto LXXXI: “What thou lovest well”</p>"
    ).decode().encode("utf-16-le")
    assert decode_html(data)[1] == "utf-16-le"
    assert text_of(data) == "Canto LXXXI: “What thou lovest well”"


def test_declared_utf8_that_is_not_utf8_falls_back_to_the_bytes() -> None:
    data = page(
        "<p>caf\u00e9 \u201cquoted\u201d and more text here</p>", head='<meta charset="utf-8">'
    )
    data = data.decode().encode("cp1252")
    assert decode_html(data)[1] == "cp1252"
    assert "café “quoted”" in text_of(data)


def test_text_decoding() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "é".encode()) == ("é", "utf-8")
    assert decode_bytes("Canto “I”".encode("cp1252")) == ("Canto “I”", "cp1252")
    document = read_text(b"Canto I\r\n\r\n\r\nCanto II  \r\n", doc_id="t", source="t.txt")
    assert document.text == "Canto I\n\nCanto II"
    assert read_text(b"  \n", doc_id="e", source="e.txt").status == "empty"
    binary = read_text(codecs.BOM_UTF8 + b"a\x00b", doc_id="b", source="b.txt")
    assert binary.status == "decode_error"


# --- time limit and crashes: HTML and text are parsed in the worker too ----------------------


def test_a_pathological_page_times_out_and_the_next_file_still_reads(tmp_path: Path) -> None:
    # 600,000 empty divs: no main text, so lxml's parse is retried with html.parser; together they
    # take many seconds (12 s for half this page on this machine), far beyond the 1 s limit.
    (tmp_path / "a_divs.html").write_bytes(page("<div></div>" * 600_000))
    (tmp_path / "b_notes.txt").write_text("Canto XLV is the Usura canto.\n")
    first, second = discover(tmp_path)
    with Reader(IngestConfig(parse_timeout_s=1.0)) as reader:
        reader.read(second)  # start the worker outside the timed part
        started = time.monotonic()
        timed_out = reader.read(first)
        elapsed = time.monotonic() - started
        after = reader.read(second)
    assert (timed_out.status, timed_out.kind) == ("timeout", "html")
    assert "a_divs.html: parsing took longer than ingest.parse_timeout_s=1s" in timed_out.error
    assert timed_out.bytes == first.size and len(timed_out.doc_id) == 64
    assert elapsed < 10  # killed, not waited for
    assert (after.status, after.text) == ("ok", "Canto XLV is the Usura canto.")


class SlowTextReader(Reader):
    def _delay_for(self, file: SourceFile) -> float:
        return 60.0 if "slow" in file.source else 0.0


def test_text_files_are_under_the_same_limit(tmp_path: Path) -> None:
    (tmp_path / "slow.md").write_text("Canto I\n")
    with SlowTextReader(IngestConfig(parse_timeout_s=1.0)) as reader:
        document = reader.read(next(iter(discover(tmp_path))))
    assert (document.status, document.kind) == ("timeout", "text")


def test_a_worker_crash_on_a_page_is_recorded_and_the_worker_replaced(tmp_path: Path) -> None:
    (tmp_path / "slow.html").write_bytes(page("<p>Canto IX</p>"))
    (tmp_path / "ok.html").write_bytes(page("<p>Canto XLV</p>"))
    ok, slow = discover(tmp_path)
    with SlowTextReader(IngestConfig(parse_timeout_s=60)) as reader:
        reader._start_worker()
        # What a segfault in lxml looks like from the parent: the worker dies mid-parse.
        threading.Timer(0.5, reader._worker.process.kill).start()
        crashed = reader.read(slow)
        after = reader.read(ok)
    assert (crashed.status, crashed.kind) == ("error", "html")
    assert "the HTML parser crashed" in crashed.error
    assert (after.status, after.text) == ("ok", "Canto XLV")


# --- web chrome and footnotes -----------------------------------------------------------------


def test_chrome_goes_but_never_the_element_that_holds_the_article() -> None:
    data = page(
        "<div class='widget Blog'><h3 class='post-title'>Canto I</h3>"
        "<div class='post-body'>The first canto borrows the Seafarer.</div>"
        "<div class='post-footer'>Posted by Ann at 09:12 <a>3 comments:</a></div></div>"
        "<div class='widget BlogArchive'>Blog Archive</div>"
        "<div class='share-buttons'>Share to Twitter</div>"
    )
    assert text_of(data) == "Canto I\n\nThe first canto borrows the Seafarer."


def test_an_article_header_stays_and_comments_go() -> None:
    data = page(
        "<header class='site-header'>Pound Notes</header><main><article>"
        "<header class='entry-header'><h1>Reading Canto XLVII</h1>"
        "<div class='entry-meta'>Posted on 3 March 2024</div></header>"
        "<div class='entry-content'><p>Canto XLVII begins with Tiresias.</p></div></article>"
        "<div id='comments'><article class='comment-body'><p>Canto XLIX next?</p></article></div>"
        "</main>"
    )
    assert text_of(data) == "Reading Canto XLVII\n\nCanto XLVII begins with Tiresias."


def test_chrome_lines_go_whatever_their_markup() -> None:
    data = page('<p>Canto XLV.</p><p>Jump to navigation</p><p>Retrieved from "x"</p><p>[edit]</p>')
    document = read_html(data, doc_id="c", source="c.html")
    assert document.text == "Canto XLV."


def test_notes_are_numbered_regions_after_the_text() -> None:
    data = page(
        "<p>See the note.<sup><a href='#n3'>3</a></sup></p>"
        "<section class='footnotes'><ol start='3'><li id='n3'>Canto XIV, l. 21."
        "<a href='#fnref3' class='footnote-back'>\u21a9</a></li><li>Canto XV.</li></ol></section>"
    )
    document = read_html(data, doc_id="n", source="n.html")
    assert document.text == "See the note.\n\n3 Canto XIV, l. 21.\n\n4 Canto XV."
    notes = [document.text[r.char_start : r.char_end] for r in document.regions]
    assert notes == ["3 Canto XIV, l. 21.", "4 Canto XV."]
    assert {(r.kind, r.page) for r in document.regions} == {("footnote", None)}


# --- stray NULs and UTF-16 without a byte order mark ------------------------------------------

INGEST = Path(__file__).parent / "fixtures" / "ingest"


def ingest_fixture(name: str):
    return next(f for f in discover(INGEST) if f.source == name)


def test_a_stray_nul_costs_nothing_but_itself() -> None:
    file = ingest_fixture("stray_nul.txt")
    assert file.kind == "text"
    document = read(file)
    assert document.status == "ok"
    assert "\x00" not in document.text
    assert document.text.endswith("Canto LI repeats the refrain.")
    # Binary data is still refused: many NULs, or control bytes that text does not have.
    assert read_text(b"a\x00b\x00c\x00", doc_id="b", source="b.txt").status == "decode_error"


@pytest.mark.parametrize(
    ("name", "kind", "encoding"),
    [
        ("utf16le_no_bom.txt", "text", "utf-16-le"),
        ("utf16be_no_bom.md", "text", "utf-16-be"),
        ("utf16le_no_bom.html", "html", "utf-16-le"),
    ],
)
def test_utf16_without_a_byte_order_mark_is_read(name: str, kind: str, encoding: str) -> None:
    file = ingest_fixture(name)
    assert file.kind == kind
    document = read(file)
    assert (document.status, document.encoding) == ("ok", encoding)
    assert "Canto" in document.text and "\x00" not in document.text
