"""Quotation alignment against Canto I, and the extractors built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cantobatch.config import Config
from cantobatch.data import Extraction, Passage, Reference
from cantobatch.errors import ConfigError
from cantobatch.extract.quote import QuoteAligner, QuoteExtractor, WithPoemText, similarity
from cantobatch.extract.registry import build_extractor
from cantobatch.index import citation_rows
from cantobatch.poem import load_poem_text


@pytest.fixture(scope="module")
def canto_dir(cantos_dir: Path) -> Path:
    return cantos_dir


@pytest.fixture(scope="module")
def aligner(canto_dir) -> QuoteAligner:
    return QuoteAligner(load_poem_text(canto_dir))


def quotes(aligner: QuoteAligner, text: str) -> list[tuple[int, tuple[int, ...], str]]:
    return [(q.canto, q.lines, text[q.start : q.end]) for q in aligner.align(text)]


def test_one_line_quotation(aligner):
    text = 'Pound opens with "And then went down to the ship," a phrase from Divus.'
    assert quotes(aligner, text) == [(1, (1,), "And then went down to the ship")]
    assert aligner.align(text)[0].score == 1.0


def test_lines_joined_by_slashes(aligner):
    text = "the voyage: Set keel to breakers, forth on the godly sea, and / We set up mast and sail"
    assert quotes(aligner, text) == [
        (1, (2, 3), "Set keel to breakers, forth on the godly sea, and / We set up mast and sail")
    ]


def test_lines_run_together(aligner):
    text = (
        "He writes We set up mast and sail on that swart ship Bore sheep aboard her, then goes on."
    )
    assert quotes(aligner, text) == [
        (1, (3, 4), "We set up mast and sail on that swart ship Bore sheep aboard her")
    ]


def test_one_word_changed(aligner):
    text = 'the line "Bore sheep aboard her, and our souls also" misquotes the poem'
    [quote] = aligner.align(text)
    assert (quote.canto, quote.lines) == (1, (4,))
    assert text[quote.start : quote.end] == "Bore sheep aboard her, and our souls also"
    assert 0.8 <= quote.score < 1.0


def test_ocr_slip_inside_a_word(aligner):
    text = "The scan reads “Heavy with weeping, and winds from stemward” (sic)."
    [quote] = aligner.align(text)
    assert quote.lines == (5,)
    assert text[quote.start : quote.end].endswith("stemward")
    assert similarity("stemward", "sternward") > 0.7
    assert similarity("the", "she") == 0.0  # short words must match exactly


def test_ellipsis_for_an_omission(aligner):
    text = "the opening, “And then went down to the ship, … We set up mast and sail on that swart ship”"
    [quote] = aligner.align(text)
    assert quote.lines == (1, 3)  # line 2 is left out by the ellipsis
    evidence = text[quote.start : quote.end]
    assert evidence.startswith("And then went") and evidence.endswith("swart ship")
    dotted = (
        "the opening, And then went down to the ship . . . Bore us out onward with bellying canvas"
    )
    assert quotes(aligner, dotted)[0][1] == (1, 6)


@pytest.mark.parametrize(
    "text",
    [
        "Pound writes: Bore us out onward with bel-\nlying canvas, Circe's this craft, and so on",
        "Pound writes: Bore us out onward with\nbellying canvas, Circe's this craft, and so on",
    ],
)
def test_quotation_split_across_a_pdf_line_break(aligner, text):
    [quote] = aligner.align(text)
    assert quote.lines == (6, 7)
    assert text[quote.start : quote.end].endswith("Circe's this craft")
    assert quote.score == 1.0


def test_compound_run_together_or_split(aligner):
    for text in (
        "Shattered the napenerve, the soul sought Avernus",
        "Shattered the nape nerve, the soul",
    ):
        assert [q.lines for q in aligner.align(text)] == [(53,)]


def test_too_short_to_count(canto_dir, aligner):
    text = "a voyage on the godly sea, as critics say"
    assert aligner.align(text) == []
    assert aligner.align("And then Anticlea came, he writes.") == []  # 4 words
    shorter = QuoteAligner(load_poem_text(canto_dir), min_words=3)
    assert quotes(shorter, text) == [(1, (2,), "on the godly sea")]


@pytest.mark.parametrize(
    "text",
    [
        "and then, and then, and then it was over",
        "and then went on to say that the ship was lost",
        "The critic went down to the harbour and then out of the city.",
        "He said that it was of the best and that he was with them and with us.",
    ],
)
def test_common_phrases_do_not_match(aligner, text):
    assert aligner.align(text) == []


def test_several_quotations_in_one_passage_in_order(aligner):
    text = (
        "Compare “A man of no fortune, and with a name to come” with the opening "
        "“And then went down to the ship” and with Lie quiet Divus. I mean, that is Andreas Divus."
    )
    assert [q.lines for q in aligner.align(text)] == [(56,), (1,), (68,)]


def test_quote_extractor_needs_the_poem_text():
    with pytest.raises(ConfigError, match="--cantos-text"):
        QuoteExtractor(Config(extractor="quote"))


def test_quote_extractor_batch(canto_dir):
    config = Config(extractor="quote").with_overrides(quote={"cantos_text": str(canto_dir)})
    extractor = build_extractor("quote", config)
    assert isinstance(extractor, QuoteExtractor)
    passages = [
        Passage.from_text("nothing quoted here at all, only prose about the Cantos", "p0"),
        Passage.from_text("“Unwept, unwrapped in sepulchre, since toils urged other.”", "p1"),
    ]
    results = extractor.extract_batch(passages)
    assert [r.passage_id for r in results] == ["p0", "p1"]
    assert results[0].references == ()
    [ref] = results[1].references
    assert (ref.canto, ref.lines, ref.absolute_lines) == (1, (45,), (45,))
    assert (ref.method, ref.family) == ("quote", "quote")
    assert ref.evidence == "Unwept, unwrapped in sepulchre, since toils urged other"
    identity = extractor.identity()
    assert identity["extractor"] == "quote" and identity["method"] == "quote"
    assert identity["poem_text"] == load_poem_text(canto_dir).text_hash
    stricter = QuoteExtractor(config.with_overrides(quote={"min_words": 8}))
    assert stricter.identity() != identity


class FakeInner:
    """Stands in for the rules/LLM extractor: returns fixed references (pipeline logic only)."""

    name = "fake"

    def __init__(self, refs: tuple[Reference, ...]) -> None:
        self.refs = refs
        self.closed = False

    def identity(self) -> dict[str, str]:
        return {"extractor": "fake", "method": "fake"}

    def extract_batch(self, passages):
        return [Extraction(p.passage_id, self.refs, method="fake") for p in passages]

    def close(self) -> None:
        self.closed = True


def test_with_poem_text_resolves_relative_lines_and_flags_the_rest(canto_dir):
    config = Config().with_overrides(quote={"cantos_text": str(canto_dir)})
    inner = FakeInner(
        (
            Reference(1, (-1,), method="llm"),
            Reference(1, (-3, -2, -1), method="rules"),
            Reference(1, (75, 80), method="llm"),
            Reference(45, (3,), method="rules"),  # no text for Canto XLV: left as cited
        )
    )
    wrapped = WithPoemText(inner, config)
    assert wrapped.name == "fake"
    assert wrapped.identity()["extractor"] == "fake" and "poem_text" in wrapped.identity()
    passage = Passage.from_text(
        "the last line of Canto I: “Bearing the golden bough of Argicida”", "p"
    )
    [result] = wrapped.extract_batch([passage])
    last, last3, past_end, other, quote = result.references
    assert (last.lines, last.absolute_lines, last.flags) == ((-1,), (76,), ())
    assert last3.absolute_lines == (74, 75, 76)
    assert (past_end.absolute_lines, past_end.flags) == ((75, 80), ("out_of_range:80",))
    assert (other.absolute_lines, other.flags) == (None, ())
    assert (quote.method, quote.lines) == ("quote", (76,))
    rows = citation_rows(passage, result, wrapped.identity(), "run")
    by_line = {(r["method"], r["line"]): r for r in rows}
    assert by_line[("llm", 76)]["line_cited"] == -1
    assert by_line[("llm", 80)]["line_flag"] == "out_of_range"
    assert by_line[("llm", 75)]["line_flag"] is None
    wrapped.close()
    assert inner.closed


def test_last_line_of_canto_i_with_the_rules_extractor(canto_dir):
    config = Config(extractor="rules").with_overrides(quote={"cantos_text": str(canto_dir)})
    extractor = build_extractor("rules", config)
    assert isinstance(extractor, WithPoemText)
    passages = [
        Passage.from_text("the last line of Canto I", "p"),
        Passage.from_text("the last three lines of Canto I", "q"),
        Passage.from_text("Canto I, ll. 75-80", "r"),
    ]
    last, three, past = (
        [r for r in result.references if r.lines] for result in extractor.extract_batch(passages)
    )
    assert [(r.canto, r.lines, r.absolute_lines) for r in last] == [(1, (-1,), (76,))]
    assert [(r.lines, r.absolute_lines) for r in three] == [((-3, -2, -1), (74, 75, 76))]
    assert [r.flags for r in past] == [tuple(f"out_of_range:{n}" for n in (77, 78, 79, 80))]


def test_two_words_for_one(aligner):
    text = "So: Set keel to breakers, forth on the wine-dark sea, and / We set up mast and sail."
    [quote] = aligner.align(text)
    assert quote.lines == (2, 3)
    assert text[quote.start : quote.end].startswith("Set keel")
    assert 0.8 <= quote.score < 1.0


def test_a_passage_quoting_a_refrain_found_in_two_cantos_is_flagged(tmp_path):
    refrain = "The grey sea rose over the silent harbour walls"
    (tmp_path / "1.txt").write_text(f"First canto opening\n{refrain}\nand more\n", encoding="utf-8")
    (tmp_path / "2.txt").write_text(f"Second canto\nwith a line\n{refrain}\n", encoding="utf-8")
    aligner = QuoteAligner(load_poem_text(tmp_path))
    [quote] = aligner.align(f"He repeats “{refrain}” twice.")
    assert quote.ambiguous and (quote.canto, quote.lines) in {(1, (2,)), (2, (3,))}
    [ref] = aligner.references(f"He repeats “{refrain}” twice.")
    assert ref.flags == ("ambiguous",)
