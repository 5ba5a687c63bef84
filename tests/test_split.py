"""Passages: exact slices, paragraph/sentence boundaries, bounded length, stable ids, pages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cantobatch.config import SplitConfig
from cantobatch.data import Document, Page, Region
from cantobatch.split import split_document


def doc(text: str, kind: str = "text", pages: tuple[Page, ...] | None = None) -> Document:
    return Document(
        doc_id="d" * 64,
        source="x.txt",
        kind=kind,
        status="ok",
        bytes=len(text),
        text=text,
        pages=pages or (Page(1, None, 0, len(text)),),
    )


PARA = "Pound opens Canto I with Odysseus. The descent follows Homer closely. " * 3


def test_short_paragraphs_are_packed_whole_and_never_cut():
    text = "\n\n".join(f"Paragraph {i}. {PARA}" for i in range(6))
    passages = split_document(doc(text), SplitConfig(max_chars=500, overlap_chars=0))
    paragraphs = [p.strip() for p in text.split("\n\n")]
    for p in passages:
        assert p.text == text[p.char_start : p.char_end]
        assert len(p.text) <= 500
        # each passage is a run of whole paragraphs
        assert all(part.strip() in paragraphs for part in p.text.split("\n\n"))
    assert [p.seq for p in passages] == list(range(len(passages)))


def test_long_paragraph_is_cut_at_sentences_not_inside_abbreviations():
    sentence = "In Canto IX, ll. 4-8 Sigismundo builds; Inf. XVII is Dante's, cf. Purg. V. "
    text = sentence * 12
    passages = split_document(doc(text), SplitConfig(max_chars=300, overlap_chars=0))
    assert len(passages) > 1
    for p in passages:
        assert p.text.startswith("In Canto IX"), p.text[:40]
        assert p.text.endswith("Purg. V.")


def test_overlong_sentence_is_cut_at_whitespace():
    text = "word " * 400
    passages = split_document(doc(text.strip()), SplitConfig(max_chars=200, overlap_chars=0))
    assert all(len(p.text) <= 200 for p in passages)
    assert " ".join(p.text for p in passages).split() == text.split()


def test_overlap_repeats_a_short_previous_sentence():
    text = " ".join(f"Sentence number {i} cites Canto {i}." for i in range(1, 60))
    config = SplitConfig(max_chars=200, overlap_chars=60)
    passages = split_document(doc(text), config)
    for a, b in zip(passages, passages[1:], strict=False):
        assert b.char_start < a.char_end  # the next passage starts inside the previous one
        assert a.text.endswith(b.text.split(". ")[0] + ".")


def test_ids_are_stable_and_depend_on_settings():
    text = "\n\n".join(PARA for _ in range(8))
    a = split_document(doc(text), SplitConfig(max_chars=400))
    b = split_document(doc(text), SplitConfig(max_chars=400))
    c = split_document(doc(text), SplitConfig(max_chars=500))
    assert [p.passage_id for p in a] == [p.passage_id for p in b]
    assert not {p.passage_id for p in a} & {p.passage_id for p in c}
    assert len({p.passage_id for p in a}) == len(a)


def test_pdf_passages_know_their_page_and_label():
    page1, page2 = "First page text. " * 10, "Second page text. " * 10
    text = page1.strip() + "\n\n" + page2.strip()
    split_at = len(page1.strip()) + 2
    pages = (Page(1, "xii", 0, split_at), Page(2, "xiii", split_at, len(text)))
    passages = split_document(doc(text, "pdf", pages), SplitConfig(max_chars=200, overlap_chars=0))
    assert (passages[0].page, passages[0].page_label) == (1, "xii")
    assert (passages[-1].page, passages[-1].page_label) == (2, "xiii")


def test_empty_document_has_no_passages():
    assert split_document(doc("")) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abc XIV.\n", min_size=0, max_size=300), min_size=1, max_size=8).map(
        "\n\n".join
    ),
    st.integers(min_value=100, max_value=400),
)
def test_passages_cover_all_words_in_order(text, max_chars):
    passages = split_document(doc(text), SplitConfig(max_chars=max_chars, overlap_chars=0))
    for p in passages:
        assert p.text == text[p.char_start : p.char_end]
        assert p.text.strip() == p.text and p.text
    starts = [p.char_start for p in passages]
    assert starts == sorted(starts)
    assert " ".join(p.text for p in passages).split() == text.split()


def test_footnotes_are_their_own_passages_tied_to_their_page():
    body = ("Canto LXXIV opens the sequence. " * 10).strip() + "\n\n"
    body += ("The ledger is memory. " * 10).strip()
    note_one, note_two = "1 See 74/445.", "2 On the dating see Canto LXXX, ll. 24-31."
    text = f"{body}\n\n{note_one}\n\n{note_two}"
    start_one = len(body) + 2
    start_two = start_one + len(note_one) + 2
    pages = (Page(1, "445", 0, 330), Page(2, "446", 332, len(body)))
    document = Document(
        doc_id="d" * 64,
        source="x.pdf",
        kind="pdf",
        status="ok",
        bytes=1,
        text=text,
        pages=pages,
        regions=(
            Region(start_one, start_one + len(note_one), "footnote", 2),
            Region(start_two, len(text), "footnote", 1),
        ),
    )
    passages = split_document(document, SplitConfig(max_chars=2000, overlap_chars=0))
    # The body fits one passage, but never takes in a note; each note is a passage of its own,
    # short as it is, with the page it is printed on.
    assert [(p.region, p.text, p.page, p.page_label) for p in passages] == [
        ("body", body, 1, "445"),
        ("footnote", note_one, 2, "446"),
        ("footnote", note_two, 1, "445"),
    ]
    assert all(p.text == text[p.char_start : p.char_end] for p in passages)


def _page_at_by_scan(document: Document, offset: int) -> Page | None:
    """page_at as a scan over every page (what the binary search must agree with)."""
    for page in document.pages:
        if page.char_start <= offset < page.char_end:
            return page
    last = document.pages[-1] if document.pages else None
    return last if last is not None and offset >= last.char_start else None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=0, max_size=12))
def test_page_at_finds_the_page_a_scan_finds(lengths):
    """Pages as pdf.assemble lays them out ("\\n\\n" between pages, empty pages allowed): the
    binary search gives the page a scan gives for every offset, gaps and past the end included."""
    pages, offset = [], 0
    for number, length in enumerate(lengths, start=1):
        if number > 1:
            offset += 2
        pages.append(Page(number, str(number), offset, offset + length))
        offset += length
    document = doc("x" * offset, kind="pdf", pages=tuple(pages)) if pages else None
    if document is None:
        document = Document("d" * 64, "x.pdf", "pdf", "ok", 0, text="", pages=())
    for at in range(-1, offset + 4):
        assert document.page_at(at) == _page_at_by_scan(document, at)
    for page in pages:
        assert document.page_numbered(page.number) is page
    assert document.page_numbered(len(pages) + 1) is None
