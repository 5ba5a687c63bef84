"""Write the sample corpus in corpora/: PDFs, HTML pages and a text file the project wrote itself.

    python scripts/make_corpus.py [OUT_DIR]      (default: corpora/ beside this script's parent)

The prose is written for cantobatch: citations of The Cantos in many forms, with distractors
(Dante's cantos, "bel canto", regnal numerals, years). Page references are illustrative. The output
is deterministic (reportlab invariant mode, fixed metadata, the Vera font shipped with reportlab):
running the script again gives identical bytes. Needs reportlab (the dev extra).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

REPO = Path(__file__).resolve().parents[1]
_FONTS = Path(reportlab.__file__).parent / "fonts"
for _name, _file in (("Vera", "Vera.ttf"), ("VeraIt", "VeraIt.ttf"), ("VeraBd", "VeraBd.ttf")):
    pdfmetrics.registerFont(TTFont(_name, str(_FONTS / _file)))

SOFT = "¦"  # in the prose: break the line here with a hyphen ("Malat¦esta", "twentieth-¦century")

# ------------------------------------------------------------------------------------------------
# A small typesetter: paragraphs, verse quotations, headings and footnotes flowed into frames.
# ------------------------------------------------------------------------------------------------


@dataclass
class Style:
    font: str = "Vera"
    size: float = 9.5
    leading: float = 12.5
    indent: float = 12.0  # first-line indent of a paragraph
    space_after: float = 2.0


@dataclass
class Frame:
    x: float
    top: float
    bottom: float
    width: float


@dataclass
class PageState:
    lines: list = field(default_factory=list)  # (x, y, [(text, font, size, rise)])
    notes: list = field(default_factory=list)  # footnote numbers placed on this page


class Flow:
    """Flows blocks through ``frames(page_index)``; footnotes go to the bottom of their page."""

    def __init__(self, frames, note_texts=None, note_style=None, note_width=0.0):
        self.frames = frames
        self.note_texts = note_texts or {}
        self.note_style = note_style or Style(size=7.5, leading=9.5)
        self.note_width = note_width
        self.pages: list[PageState] = [PageState()]
        self.frame_index = 0
        self.y = self._frame().top

    def _frame(self) -> Frame:
        return self.frames(len(self.pages) - 1)[self.frame_index]

    def _notes_height(self, numbers) -> float:
        if not numbers:
            return 0.0
        total = 8.0
        for n in numbers:
            total += len(self._wrap_plain(f"{n} {self.note_texts[n]}", self.note_style)) * (
                self.note_style.leading
            )
        return total

    def _advance(self) -> None:
        frames = self.frames(len(self.pages) - 1)
        if self.frame_index + 1 < len(frames):
            self.frame_index += 1
        else:
            self.pages.append(PageState())
            self.frame_index = 0
        self.y = self._frame().top

    def space(self, points: float) -> None:
        self.y -= points

    def new_page(self) -> None:
        self.pages.append(PageState())
        self.frame_index = 0
        self.y = self._frame().top

    def _place(self, segments, style: Style, x_offset: float, notes=()) -> None:
        page = self.pages[-1]
        needed = self._notes_height(page.notes + list(notes))
        if self.y - style.leading < self._frame().bottom + needed:
            self._advance()
            page = self.pages[-1]
        self.y -= style.leading
        page.lines.append((self._frame().x + x_offset, self.y, segments))
        page.notes.extend(notes)

    @staticmethod
    def _width(text: str, style: Style) -> float:
        return pdfmetrics.stringWidth(text, style.font, style.size)

    def _wrap_plain(self, text: str, style: Style) -> list[str]:
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if current and self._width(trial, style) > self.note_width:
                lines.append(current)
                current = word
            else:
                current = trial
        return [*lines, current] if current else lines

    def heading(self, text: str, style: Style) -> None:
        self.space(style.space_after)
        self._place([(text, style.font, style.size, 0)], style, 0)
        self.space(style.space_after)

    def verse(self, lines: list[str], style: Style, indent: float = 22.0) -> None:
        self.space(style.leading / 2)
        for line in lines:
            self._place([(line, style.font, style.size, 0)], style, indent)
        self.space(style.leading / 2)

    def paragraph(self, text: str, style: Style, first_indent: float | None = None) -> None:
        """Greedy line breaking; "word^3" is a footnote reference, "a¦b" a forced hyphen break."""
        width = self._frame().width
        indent = style.indent if first_indent is None else first_indent
        tokens = text.split()
        line: list[str] = []
        line_notes: list[int] = []
        x_offset = indent

        def token_width(token: str) -> float:
            word, _, note = token.partition("^")
            w = self._width(word, style)
            return w + (self._width(note, Style(size=style.size * 0.65)) if note else 0)

        def flush() -> None:
            nonlocal line, line_notes, x_offset
            segments = []
            for i, token in enumerate(line):
                word, _, note = token.partition("^")
                segments.append(((" " if i else "") + word, style.font, style.size, 0))
                if note:
                    segments.append((note, style.font, style.size * 0.65, style.size * 0.35))
            self._place(segments, style, x_offset, line_notes)
            line, line_notes, x_offset = [], [], 0.0

        space = self._width(" ", style)
        while tokens:
            token = tokens.pop(0)
            if SOFT in token:
                first, rest = token.split(SOFT, 1)
                first = first if first.endswith("-") else first + "-"
                current = sum(token_width(t) for t in line) + space * len(line)
                if line and current + token_width(first) > width - x_offset:
                    flush()
                line.append(first)
                flush()
                tokens.insert(0, rest)
                continue
            current = sum(token_width(t) for t in line) + space * len(line)
            if line and current + token_width(token) > width - x_offset:
                flush()
            line.append(token)
            if "^" in token:
                line_notes.append(int(token.partition("^")[2].rstrip(".,;:)")))
        if line:
            flush()
        self.space(style.space_after)

    def render(self, c: canvas.Canvas, decorate) -> None:
        """Draw every page: ``decorate(c, page_index)`` adds running heads and folios."""
        for index, page in enumerate(self.pages):
            decorate(c, index)
            for x, y, segments in page.lines:
                for text, font, size, rise in segments:
                    c.setFont(font, size)
                    c.drawString(x, y + rise, text)
                    x += pdfmetrics.stringWidth(text, font, size)
            if page.notes:
                self._draw_notes(c, page.notes, self.frames(index)[0])
            c.showPage()

    def _draw_notes(self, c, numbers, frame: Frame) -> None:
        style = self.note_style
        y = frame.bottom + self._notes_height(numbers) - 4
        c.setLineWidth(0.4)
        c.line(frame.x, y, frame.x + 60, y)
        y -= 4
        for n in numbers:
            for i, line in enumerate(self._wrap_plain(f"{n} {self.note_texts[n]}", style)):
                y -= style.leading
                c.setFont(style.font, style.size)
                c.drawString(frame.x + (0 if i == 0 else 8), y, line)


def _canvas(path: Path, size, title: str, author: str, subject: str) -> canvas.Canvas:
    c = canvas.Canvas(str(path), pagesize=size, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(subject)
    c.setCreator("cantobatch scripts/make_corpus.py")
    c.setProducer("reportlab (invariant mode)")
    return c


# ------------------------------------------------------------------------------------------------
# The texts. Written for this project; citations are illustrative.
# ------------------------------------------------------------------------------------------------

CANTO_I = (REPO / "texts" / "cantos" / "canto_001.txt").read_text(encoding="utf-8")
CANTO_I_LINES = CANTO_I.splitlines()

PREFACE = [
    (
        "p",
        "This reader gathers the notes written for a seminar on the middle and late Cantos. "
        "References to The Cantos give the canto and, where it matters, the line; page "
        "references are to the collected New Directions text in the form canto/page, so that "
        "74/445 points to Canto LXXIV at page 445 of that edition. Where we count lines we count "
        "every printed line, step-down lines included, as the seminar's shared transcription of "
        "Canto I does.",
    ),
    (
        "p",
        "Readers who come to Pound from Dante will remember that Inferno, canto XXVI, sends "
        "Ulysses on his last voyage past the pillars of Hercules; the Odysseus of Pound's first "
        "canto sails a different sea, and by a different book. Nor should the numeral in "
        "Elizabeth I or in Henry VIII be mistaken for a reference: the poem's own numbering "
        "runs from I to CXVII, with the drafts and fragments at the end.^1",
    ),
    (
        "p",
        "The chapter reprinted here reads the Pisan sequence against the Malat¦esta Cantos of "
        "the 1920s. Its argument is that the ledgers of Cantos 8–11 and the stones of the "
        "detention camp belong to one economy of record, and that the twentieth-¦century "
        "document, the letter and the account book, is what the later poem learns to sing "
        "in place of the bel canto it mourns. The winter of 1925/6, when the first sixteen "
        "cantos had just appeared in Paris, is the hinge of the story.",
    ),
    (
        "p",
        "We thank the students of the seminar, whose questions about where a canto begins "
        "and ends, and about what counts as a line, shaped every page of what follows. Errors "
        "of transcription are ours, and the line numbers given for Canto I follow the "
        "numbered text circulated in the first week.",
    ),
    (
        "p",
        "A word on the numbers themselves. Pound's cantos are numbered in roman figures on the "
        "page, and critics move freely between Canto XVII and canto 17; we keep whichever form "
        "the source uses. The drafts that close the poem, Canto CXVI among them, are cited "
        "like the rest, and the fragments without numbers are cited by their titles.",
    ),
]

PREFACE_NOTES = {
    1: "Hugh Selwyn Mauberley (1920) is cited by section, never by canto; its numbered "
    "poems are not cantos of the long poem.",
}

CHAPTER = [
    ("h", "Stones and Ledgers: The Pisan Sequence"),
    (
        "p",
        "The Pisan Cantos open in the aftermath of a collapse. The first line of Canto LXXIV, "
        "with its enormous tragedy of the dream, sets the register for the whole sequence, and "
        "the sequence itself, Cantos LXXIV to LXXXIV, was written in the detention training "
        "centre north of Pisa in the summer and autumn of 1945.^2 It is tempting to read the "
        "eleven cantos as a diary, and the poem invites it; but a diary does not keep accounts, "
        "and these cantos do.",
    ),
    (
        "p",
        "The accounts begin much earlier. In the Malatesta group, Cantos VIII–XI, Pound "
        "assembles the life of Sigismondo from letters, dispatches and the contents of a "
        "postbag seized at Rimini, and the verse is openly documentary. Sigismundo's "
        "epopte is presented in IX:ll.15-28, but in the following three lines we see a "
        "return to the ledger, to payments for marble and the wages of the masons. The "
        "tempio is built out of these lines as much as out of Istrian stone.",
    ),
    (
        "p",
        "It is worth setting beside this the first canto, which is also a translation of a "
        "document: Andreas Divus's Latin Odyssey, printed in officina Wecheli, 1538. The canto "
        "begins with a departure that is already a return:",
    ),
    ("v", CANTO_I_LINES[0:4]),
    (
        "p",
        "The opening lines (Canto I, ll. 1-4) carry the boat out of the Latin and into an "
        "English that remembers the Seafarer. When the poem names its source it does so "
        "with a clerk's exactness, and the last line of Canto I breaks off on a colon, as "
        "if the ledger were left open for the next entry.^3 Kenner's observation that the "
        "canto ends in the middle of a sentence is usually read as a gesture of continuity; "
        "it is also a bookkeeping habit.",
    ),
    (
        "p",
        "Usury is the negative image of this economy. The forty-fifth canto, with its "
        "litany of what cannot be made with usura, is the most quoted of the middle cantos, "
        "and Canto XLV is often taught alone, as if it were a lyric. Read in its place, "
        "between the Siena bank of Canto XLII and the Monte dei Paschi of Canto XLIII, it "
        "is a closing balance: the account of what the world's bad credit has cost in "
        "painting, weaving and song.",
    ),
    (
        "p",
        "At Pisa the ledger becomes a notebook kept in the open air. The camp's wasps and "
        "the lizard on the tent pole are entered alongside the debts of memory, and in "
        "74/445 the names of the dead come back in the order of a register rather than of "
        "a lament. A passage in Canto 76, ll. 12-16, repeats the gesture with the rain "
        "over Taishan, and the famous lines of Canto LXXXI, 'What thou lovest well remains', "
        "close the account with a reckoning of what survives.^4",
    ),
    (
        "p",
        "None of this makes the Pisan sequence a simple sequel to the Malatesta cantos. "
        "Between them lie the Chinese History Cantos (LII–LXI) and the Adams Cantos (62–71), "
        "the largest body of documentary verse in the poem, and after them come Section: "
        "Rock-¦Drill and Thrones, whose method is again the citation of records. The "
        "twentieth-¦century reader who comes to the poem through anthologies meets its "
        "lyric peaks without the ledgers that hold them up.",
    ),
    (
        "p",
        "The same could be said of the poem's music. Pound's admiration for the troubadours "
        "and for Arnaut Daniel was an admiration for motz el son, words and tune together; "
        "it was not a taste for bel canto, which he tended to hear as ornament. The line "
        "that records, in the Pisan cantos, the singing of the prisoners is a line of "
        "reportage, and its music is that of the record.^5",
    ),
    (
        "p",
        "We may end where the poem begins. Canto I, ll. 67-69, gives the passage in which "
        "the translator steps out of his translation, 'Lie quiet Divus', and names the "
        "printer and the year. The whole of The Cantos can be read as a working-out of that "
        "moment, the point at which a document admits that it is a document, and at Pisa "
        "the admission becomes the poem's subject.",
    ),
    (
        "p",
        "A last example shows how close the two kinds of record can come. In Canto LXXX the "
        "poet remembers the London of his youth, the Russian ballet and the tea rooms, and "
        "the memories arrive with dates and addresses attached, as if the register of a "
        "boarding house had been opened at random. The passage of Canto LXXX, ll. 24-31, "
        "that lists the dead of the Vorticist years reads like the roll call of 74/445 "
        "written out again from memory, and its music is the music of names.",
    ),
    (
        "p",
        "The documentary method had its critics from the start. Reviewers of A Draft of XVI "
        "Cantos complained that the Malatesta material was unreadable, and the complaint was "
        "renewed against the Adams Cantos twenty years later. What the Pisan sequence showed "
        "them, and what the seminar came to see, is that the document and the lyric are not "
        "opposites in the poem. The lyric moments of Canto LXXXI are made of the same stuff "
        "as the ledgers: a name, a date, a sum, a line remembered exactly.",
    ),
    (
        "p",
        "For teaching, the consequence is simple. A class that reads Canto XLV should read "
        "Canto XLII and Canto XLIII beside it; a class that reads the Pisan cantos should "
        "have the Malatesta group open on the desk; and a class that begins, as every class "
        "on the poem must, with Canto I, should hear in its first line the clerk as well as "
        "the singer.",
    ),
    (
        "p",
        "It remains to say what the seminar did not settle. Whether the Pisan sequence ends "
        "with Canto LXXXIV or runs on into the notes Pound kept in the camp is a question of "
        "editions, not of reading, and we have left it open. Whether the later drafts, "
        "Canto CXVI above all, revise the account or merely close it was argued every week "
        "and decided in none. And whether a reader can hold the eight hundred pages of the "
        "poem in mind at once, as its ledgers seem to ask, is a question each reader "
        "answers alone, usually at the end of a long term and with the book still open on "
        "the desk. The notes that follow this chapter in the full reader take up the first "
        "of these questions with the typescripts in hand; the second and third are left, as "
        "they should be, to the next seminar and to its readers.",
    ),
    (
        "p",
        "A note on quotation. Where the chapter quotes the poem it quotes the seminar's "
        "transcription, and where it cites lines without quoting them the numbers refer to "
        "the same text. Students who checked our line numbers against their own copies "
        "found two disagreements, both in Canto LXXXI and both caused by a turned-over "
        "line that one printing sets as a line of its own. We have kept our count and "
        "recorded theirs in the margin of the seminar copy, which is how disagreements "
        "about the poem have always been kept.",
    ),
]

CHAPTER_NOTES = {
    2: "On the dating see the letters quoted in the notes to Canto LXXX; cf. 80/493.",
    3: "The closing words of the canto, 'So that:', are discussed again below; compare the "
    "opening of Canto II.",
    4: "See Canto LXXXI, ll. 4-8, and the discussion of the Malatesta Cantos (cantos 8–11) above.",
    5: "Dante's Purgatorio, canto II, has Casella sing; Pound's prisoners sing nothing so "
    "polished.",
}

TWO_COLUMN_TITLE = "Counting Lines in The Cantos: Notes from a Digital Workshop"

TWO_COLUMN = [
    (
        "h",
        "1. The problem",
    ),
    (
        "p",
        "Scholarship on The Cantos cites the poem in at least four ways: by canto number in "
        "roman or arabic figures (Canto XVII, canto 17), by canto and page of a collected "
        "edition (17/76), by canto and line (XVII:1-8, II, ll.4-8), and by description "
        "(the first canto, the usury canto, the last line of Canto I). A citation index "
        "has to read all four, and it has to refuse the look-alikes.",
    ),
    (
        "p",
        "The look-alikes are many. Dante's Inferno, canto V, is a canto but not Pound's; "
        "bel canto is a style of singing; World War II and Pius XII are numerals without "
        "a poem; the years 1925/6 and page ranges such as pp. 445-450 are numbers that "
        "resemble line ranges. A reference to The Cantos as a whole names no canto at all.",
    ),
    ("h", "2. Lines and pages"),
    (
        "p",
        "A line citation is only as good as the count behind it. Our workshop transcription "
        "of Canto I has 76 lines, counting the step-down lines separately, so that "
        "Canto I, line 64 is the half line 'And I stepped back,' and the last 5 lines of "
        "the first canto are the Aphrodite coda. Editions that print the canto with a "
        "stanza break do not change the count.",
    ),
    (
        "p",
        "Page citations need a concordance. The form 74/445 fixes Canto LXXIV, but the "
        "page alone fixes nothing without the edition; an index should record the canto "
        "and keep the page as evidence. Where a critic writes that the Malatesta Cantos "
        "(cantos 8–11) occupy a block of pages, the group resolves to four cantos.",
    ),
    ("h", "3. Ranges and groups"),
    (
        "p",
        "Ranges are written in many ways: Cantos 8–11, VIII-XI, cantos eight through eleven. "
        "Line ranges too: IV:28-29, V:1-5 and X:9-10 appear in a single sentence of one "
        "essay we read, and the first 3 and last three lines of canto 4 in another. Groups "
        "have names: the Pisan Cantos (LXXIV–LXXXIV), the Adams Cantos, Rock-Drill, Thrones. "
        "A name counts as a citation when it is what the sentence refers to; in 'Canto "
        "LXXXI of the Pisan Cantos' it only says where the canto sits.",
    ),
    ("h", "4. Results"),
    (
        "p",
        "On the seminar's own notes the grammar found nearly every numbered citation; the "
        "misses were descriptions such as 'the forty-fifth canto' and quotations given "
        "without any number, like 'Bore sheep aboard her, and our bodies also', which is "
        "line 4 of Canto I. Quotation alignment against the poem's text recovers these when "
        "the text is available, as it is for the first canto.",
    ),
    (
        "p",
        "We close with a caution. The Cantos were published over half a century, from A "
        "Draft of XVI Cantos (1925) to the collected edition with its fragments, and the "
        "numbering was not settled until late. A citation of 'Canto LXXII' written before "
        "1987 may not refer to the canto now printed under that number.",
    ),
    ("h", "5. Method"),
    (
        "p",
        "The grammar is a set of patterns over the passage text, each keeping the span that "
        "grounds it: a numeral after the word canto, a canto and page joined by a slash, a "
        "canto and a line range joined by a colon or by ll., a group name, an ordinal. "
        "Every pattern has a test drawn from real prose, and every distractor above has a "
        "test that it is refused.",
    ),
    ("h", "References"),
    ("p", "Kenner, Hugh. The Pound Era. Berkeley: University of California Press, 1971.", 0),
    ("p", "Pound, Ezra. A Draft of XVI Cantos. Paris: Three Mountains Press, 1925.", 0),
    ("p", "Pound, Ezra. The Pisan Cantos. New York: New Directions, 1948.", 0),
    (
        "p",
        "Terrell, Carroll F. A Companion to The Cantos of Ezra Pound. Berkeley: University "
        "of California Press, 1980-1984. Vol. I, pp. 1-12 (Canto I).",
        0,
    ),
]

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>The Ledger and the Lyric: Usura in Canto XLV | Modernist Notes</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css">
<style>
  body { font-family: Georgia, serif; }
  .footnotes { font-size: smaller; }
</style>
<script>
  // analytics and a "most read" widget: never article text
  window.dataLayer = window.dataLayer || [];
  var mostRead = ["Canto 99 explained", "Canto CXX and the ending"];
</script>
</head>
<body>
<header class="site-header">
  <a href="/" class="logo">Modernist Notes</a>
  <p class="tagline">Essays on Canto LXXXI, Canto CXVI and everything between</p>
</header>
<nav>
  <ul>
    <li><a href="/cantos/">The Cantos</a></li>
    <li><a href="/cantos/74/">Canto 74</a></li>
    <li><a href="/dante/">Inferno canto XXVI</a></li>
    <li><a href="/search">Search</a></li>
  </ul>
</nav>
<form action="/search" class="search"><input name="q" value="Canto XC"><button>Go</button></form>
<main>
  <article>
    <h1>The Ledger and the Lyric: Usura in Canto XLV</h1>
    <p class="byline">An essay in three parts</p>
    <p>Canto XLV is the canto most often read alone. Its refrain, <em>with usura</em>, gives it
    the shape of a litany, and anthologies print it as if it were a lyric poem with a title.
    Read in sequence, the forty-fifth canto is a closing balance between the banking cantos
    that surround it, Canto XLII and Canto XLIII on the Monte dei Paschi of Siena.<sup><a
    href="#fn1" id="r1">1</a></sup></p>
    <p>The canto's catalogue of goods that usury spoils &mdash; the painted church, the woven
    cloth, the harvest &mdash; answers the documents of the Malatesta group (Cantos 8&ndash;11),
    in which building is paid for line by line. The contrast is sharpest in IX:ll.15-28, where
    the tempio rises out of letters and receipts.</p>
    <h2>A refrain and its ledger</h2>
    <p>Pound repeats the formula in Canto LI, the last canto of the Fifth Decad, and the
    repetition is itself a kind of bookkeeping: the debt is carried forward. Critics who
    compare the refrain with the bel canto of the opera house miss its plainness; it is closer
    to a clerk's entry than to an aria.<sup><a href="#fn2" id="r2">2</a></sup></p>
    <p>The first line of Canto I is a useful control. &ldquo;And then went down to the
    ship&rdquo; is as plain as any line in the poem, and it too is a translation of a record,
    Divus's Latin of 1538.</p>
    <section class="footnotes">
      <h2>Notes</h2>
      <ol>
        <li id="fn1">On the Siena cantos see 42/209 and the notes to Canto XLIII.</li>
        <li id="fn2">The comparison with Dante's Inferno, canto XVII, where usurers sit on the
        burning sand, is older than the canto; Pound makes it himself in prose.</li>
      </ol>
    </section>
  </article>
</main>
<aside class="related">
  <h3>Related</h3>
  <ul><li><a href="/cantos/45/">Canto XLV in full</a></li><li>Hugh Selwyn Mauberley, section IV</li></ul>
</aside>
<footer>
  <p>&copy; 2026 Modernist Notes. Cite as: Modernist Notes, Canto XLV essay, 2026.</p>
</footer>
<!-- Canto C tracking pixel: not text -->
<noscript><img src="/pixel.gif" alt="Canto 100"></noscript>
</body>
</html>
"""


def _verse_html(lines: list[str]) -> str:
    return "<br>\n".join(_escape(line) for line in lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


EXPERIMENT_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>POUNDIAN experiment 3: finding the Nekuia by its lines</title>
</head>
<body>
<div id="menu"><a href="../index.html">All experiments</a> &middot; <a href="2.html">Experiment 2</a></div>
<div id="content">
<h1>Experiment 3: finding the Nekuia by its lines</h1>
<p>Question: can a model that has read only the first canto recognise its lines when a critic
quotes them without a number? We gave it passages that quote Canto I and recorded the lines it
returned. The opening of the canto, lines 1&ndash;3:</p>
<blockquote class="verse">
{_verse_html(CANTO_I_LINES[0:3])}
</blockquote>
<p>The sacrifice to Tiresias, lines 25&ndash;28 of the canto:</p>
<blockquote class="verse">
{_verse_html(CANTO_I_LINES[24:28])}
</blockquote>
<p>And the last line of Canto I, which ends on a colon:</p>
<blockquote class="verse">
{_verse_html(CANTO_I_LINES[-2:])}
</blockquote>
<h2>Results</h2>
<pre>
passage                      expected         model
opening quotation            I: 1-3           I: 1-3
Tiresias quotation           I: 25-28         I: 25-27
last line                    I: -1            I: 76
</pre>
<p>The model confuses the forty-fifth canto with Canto XLV only in name: they are the same
canto, and it returned 45 for both. It did not mistake Dante's Inferno canto XXVI for a canto
of Pound's, nor Elizabeth I for a numeral worth recording.</p>
</div>
<div id="footer">POUNDIAN notebook &middot; experiment 3 of 5</div>
</body>
</html>
"""

NOTES_TXT = """Reading notes: the Cantos in seminar, week 6

Canto II, ll.4-8: the Sordello question and the seal's eyes. Compare the first 3 and last three
lines of canto 4, where the fires of Troy come back as a refrain.

XX:1-20 is the Provencal opening; the lotophagoi section follows. Pound's own note of 1927
calls it a "subject rhyme"; the phrase is not a canto reference.

The Malatesta Cantos (cantos 8-11) were drafted in 1922 and revised in the winter of 1925/6.
In Canto IX, ll. 1-28, the walls go up; in the post-bag section of Canto IX the letters speak.

Pisan Cantos: LXXIV-LXXXIV. Canto LXXXI of The Pisan Cantos has "What thou lovest well
remains"; the reference 81/520 gives the page in the collected edition.

Not references: bel canto; Inferno canto XXVI (Ulysses); Elizabeth I; The Cantos as a whole,
which we read over the term.

Quoted in class without a number:
    Souls out of Erebus, cadaverous dead, of brides
    Of youths and of the old who had borne much;
(Canto I, lines 29-30.)
"""

# ------------------------------------------------------------------------------------------------
# Writers
# ------------------------------------------------------------------------------------------------

BOOK = (432, 648)  # 6 x 9 in
LETTER = (612, 792)


def write_course_reader(path: Path) -> None:
    """One column, 6 x 9 in: a preface (pages xi-xii) and a chapter (pages 445-...), running
    heads with folios, footnotes, line-end hyphenation and /PageLabels."""
    body = Style(font="Vera", size=11, leading=17)
    heading = Style(font="VeraBd", size=12.5, leading=18, space_after=8)
    frame = Frame(x=54, top=648 - 70, bottom=54, width=432 - 108)
    notes = {**PREFACE_NOTES, **CHAPTER_NOTES}
    flow = Flow(lambda i: [frame], notes, note_width=frame.width)
    flow.heading("Preface", heading)
    for _kind, content in PREFACE:
        flow.paragraph(content, body)
    flow.new_page()
    chapter_start = len(flow.pages) - 1
    for kind, content in CHAPTER:
        if kind == "h":
            flow.heading(content, heading)
        elif kind == "v":
            flow.verse(content, Style(font="VeraIt", size=8.5, leading=11))
        else:
            flow.paragraph(content, body)

    def folio(index: int) -> str:
        if index < chapter_start:
            return _roman(11 + index)
        return str(445 + index - chapter_start)

    def decorate(c, index: int) -> None:
        c.setFont("Vera", 7.5)
        first_of_part = index in (0, chapter_start)
        if first_of_part:
            c.drawCentredString(216, 30, folio(index))  # opening pages: folio at the foot
        elif index % 2:
            c.drawString(54, 648 - 40, f"{folio(index)}    READING THE LATER CANTOS")
        else:
            c.drawRightString(432 - 54, 648 - 40, f"STONES AND LEDGERS    {folio(index)}")

    c = _canvas(
        path,
        BOOK,
        "Reading the Later Cantos: a course reader",
        "cantobatch sample corpus",
        "The Pisan Cantos and the Malatesta Cantos",
    )
    c.addPageLabel(0, style="ROMAN_LOWER", start=11)
    c.addPageLabel(chapter_start, style="ARABIC", start=445)
    flow.render(c, decorate)
    c.save()


def write_workshop_paper(path: Path) -> None:
    """Two columns on US letter, a title block across both, running head and 'Page N of M'."""
    body = Style(font="Vera", size=9.5, leading=13, indent=8)
    heading = Style(font="VeraBd", size=10, leading=15, space_after=3)
    margin = 100
    width = (612 - margin * 2 - 18) / 2

    def frames(index: int) -> list[Frame]:
        top = 792 - (150 if index == 0 else 80)
        return [Frame(margin, top, 72, width), Frame(margin + width + 18, top, 72, width)]

    flow = Flow(frames)
    for kind, content, *indent in TWO_COLUMN:
        if kind == "h":
            flow.heading(content, heading)
        else:
            flow.paragraph(content, body, *indent)
    total = len(flow.pages)

    def decorate(c, index: int) -> None:
        c.setFont("Vera", 7)
        c.drawString(margin, 792 - 48, "PROCEEDINGS OF THE POUND DIGITAL WORKSHOP 2026")
        c.drawCentredString(306, 40, f"Page {index + 1} of {total}")
        if index == 0:
            c.setFont("VeraBd", 14)
            c.drawCentredString(306, 792 - 95, TWO_COLUMN_TITLE)
            c.setFont("VeraIt", 9)
            c.drawCentredString(306, 792 - 115, "The cantobatch sample corpus")

    c = _canvas(path, LETTER, TWO_COLUMN_TITLE, "cantobatch sample corpus", "Citation formats")
    flow.render(c, decorate)
    c.save()


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


def write_corpus(out: Path) -> list[Path]:
    (out / "pdf").mkdir(parents=True, exist_ok=True)
    (out / "html").mkdir(parents=True, exist_ok=True)
    (out / "text").mkdir(parents=True, exist_ok=True)
    written = [
        out / "pdf" / "reading_the_later_cantos.pdf",
        out / "pdf" / "counting_lines_workshop.pdf",
        out / "html" / "usura_essay.html",
        out / "html" / "poundian_experiment_3.html",
        out / "text" / "seminar_notes.txt",
    ]
    write_course_reader(written[0])
    write_workshop_paper(written[1])
    written[2].write_bytes(ARTICLE_HTML.encode("utf-8"))
    written[3].write_bytes(EXPERIMENT_HTML.encode("utf-8"))
    written[4].write_bytes(NOTES_TXT.encode("utf-8"))
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REPO / "corpora"
    for path in write_corpus(out):
        print(f"{os.path.relpath(path)}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
