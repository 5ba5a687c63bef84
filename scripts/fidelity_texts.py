"""The prose of the fidelity fixtures (scripts/make_fidelity.py), written for cantobatch.

Citations are illustrative. "word^3" is a footnote mark (a raised 3 after the word); the typesetter
hyphenates long words where a line runs out, so the same prose breaks differently in each layout.
"""

from __future__ import annotations

ARTICLE_TITLE = "Ledgers in Two Columns: Reading Order and the Malatesta Cantos"
ARTICLE_AUTHORS = ["Ann Critic", "Ben Reader"]
ARTICLE_ABSTRACT = (
    "Journals print criticism of The Cantos in two columns, and the text layer of their PDFs "
    "does not always follow the columns. This essay reads Cantos VIII to XI as a set of "
    "documents and asks what a citation index loses when a sentence that names Canto IX is "
    "broken across the gutter. Our answer is that it loses the line numbers first."
)

# (kind, text): "h" a heading, "p" a paragraph, "v" verse lines (a list).
ARTICLE_PAGE_1 = [
    ("h", "1. Sigismundo's postbag"),
    (
        "p",
        "Characteristically, Sigismundo is presented through the documents that survive him "
        "rather than through any account of his deeds. The postbag of Canto IX is a bundle of "
        "letters from agents, stewards and a child, and Pound dramatises them by letting each "
        "correspondent speak in his own idiom. The letters interrupt one another.^1",
    ),
    (
        "p",
        "The effect depends on juxtaposition. A report on the price of marble sits beside a note "
        "about a horse, and the reader of IX:ll.15-28 learns the building of the Tempio from its "
        "invoices. Kenner called the method ideogrammic; a bookkeeper would call it double entry.",
    ),
    (
        "p",
        "Criticism of the Malatesta sequence has usually preferred the hero to the ledger. The "
        "older readings follow Sigismondo from battle to battle and treat the documents as "
        "ornament, while the newer ones follow the documents and lose the man. Both readings "
        "need the line numbers of the letters, and both cite them by canto and line.",
    ),
    ("h", "2. Counting the letters"),
    (
        "p",
        "There are eleven letters in the postbag, and their boundaries are not always marked. "
        "Canto IX, lines 107-121, gives the longest of them, the steward's account of the "
        "building works, and it is quoted more often than any other passage of the sequence.^2",
    ),
]

ARTICLE_PAGE_2 = [
    (
        "p",
        "A transcription that counts differently will send the reader to the wrong letter. We "
        "have therefore kept the seminar's count, which numbers every printed line, and we give "
        "both counts where an edition divides a line. The difference is small in Canto VIII and "
        "large in Canto X, where the documents are set as prose.",
    ),
    (
        "p",
        "The documentary method returns in the Adams Cantos and in the Chinese History Cantos, "
        "and again at Pisa, where the ledger is memory itself. Canto LXXIV keeps its accounts "
        "in the names of the dead, and Canto LXXX in the addresses of the living. The reader "
        "who has learned to read the postbag has learned to read these as well.^3",
    ),
    ("h", "3. What an index keeps"),
    (
        "p",
        "An index that reads the text layer of a two-column page in the wrong order will still "
        "find most canto numbers, because a numeral rarely straddles the gutter. It will lose "
        "the line references, which follow their cantos at a distance, and it will join the "
        "halves of hyphenated words to the wrong partners. Both losses are silent.",
    ),
    (
        "p",
        "The remedy is to read the page as a reader does, column by column, and to keep the "
        "notes apart from the text they annotate. A note that cites Canto XLV belongs to the "
        "page on which it is printed, and a passage that quotes the last line of Canto I "
        "belongs to the column in which the quotation ends.",
    ),
]

ARTICLE_NOTES = {
    1: "On the postbag see 9/34-36 and the commentary on Canto IX in the Companion.",
    2: "The steward's letter is dated 1454; compare Canto X, ll. 40-48.",
    3: "On the Pisan accounts see 74/445 and Canto LXXX, ll. 24-31.",
}

# The second essay: set in two columns written column after column, with a full-width
# block quotation between two bands of columns.
ESSAY_TITLE = "The Usury Canto in Class: Notes from a Seminar"
ESSAY_AUTHORS = ["Cora Tutor"]
ESSAY_ABSTRACT = (
    "A report on teaching Canto XLV to first-year students, with the questions they asked "
    "about its refrain and the answers the seminar could give. The canto is read beside "
    "Canto LI and the Siena cantos."
)
ESSAY_PAGE_1 = [
    ("h", "The refrain"),
    (
        "p",
        "Students meet Canto XLV as a lyric, and they are right to. Its refrain, with usura, "
        "returns thirteen times in forty-nine lines, and its catalogue of spoiled crafts reads "
        "like a litany. The first question the seminar asked was whether the repetition is a "
        "rhetorical figure or a record of damage.^1",
    ),
    (
        "p",
        "The second question was about the line count. The canto has forty-nine lines in the "
        "collected edition and fifty in the first printing, where a turned-over line is set as "
        "a line of its own. Citations such as XLV:1-12 therefore depend on the edition, and a "
        "careful index records which edition it counts.",
    ),
    (
        "p",
        "We read the canto aloud twice, once as a poem and once as an account. The second "
        "reading was slower and found more: the painters named in the closing lines are the "
        "creditors of the poem, and the church they could not paint is the debt.",
    ),
]
ESSAY_QUOTE = [  # a student's paraphrase of the canto's opening, set as verse
    "No house of good stone in the age of the loan,",
    "no block cut smooth, no wall with its painting,",
    "the line of the design lost in the interest.",
]
ESSAY_PAGE_1_AFTER = [
    (
        "p",
        "The paraphrase keeps the canto's opening, whose first line already names a building. "
        "The seminar compared it with the Tempio of the Malatesta Cantos, where the stone is "
        "paid for line by line, and with the bank of Siena in Canto XLII.",
    ),
    (
        "p",
        "The comparison is older than our seminar. Pound made it himself in the prose of the "
        "thirties, and the companion to the poem traces it to Canto XIV and the hell cantos, "
        "where usurers appear among the damned.^2",
    ),
]
ESSAY_PAGE_2 = [
    ("h", "The answer"),
    (
        "p",
        "By the end of the term the class had an answer to its first question. The refrain is "
        "both a figure and a record, because in this poem a figure is a way of keeping records. "
        "Canto LI repeats the refrain and adds a coda on the making of flies for fishing, a "
        "craft that cannot be rushed.",
    ),
    (
        "p",
        "The answer to the second question was practical. Students who cite a line of Canto "
        "XLV now give the edition and the count, and the index built from their essays keeps "
        "both. That is a small reform, but it is the kind the poem asks for.",
    ),
]
ESSAY_NOTES = {
    1: "The refrain is counted in the collected text; see Canto XLV, ll. 1-2.",
    2: "On usurers in the hell cantos see Canto XV and the note on Canto XIV, l. 21.",
}

# Three columns, written row by row across all three.
NEWSLETTER_TITLE = "Pound Seminar Newsletter: Spring Term"
NEWSLETTER_COLUMNS = [
    ("h", "Readings"),
    (
        "p",
        "This term the seminar reads the Pisan Cantos, from Canto LXXIV to Canto LXXXIV, in "
        "the order of their composition. Each meeting takes one canto and one critical essay.",
    ),
    (
        "p",
        "The first meeting reads Canto LXXIV with Kenner's chapter on the Pisan sequence. "
        "Bring the collected edition, because page references such as 74/445 follow it.",
    ),
    ("h", "Transcriptions"),
    (
        "p",
        "Our shared transcription of Canto I now numbers every printed line. Students who "
        "cite Canto I, ll. 67-69, should check the count against the transcription.",
    ),
    (
        "p",
        "Volunteers are needed for Canto LXXXI, whose famous lines on what thou lovest well "
        "are set differently in the two printings the library holds.",
    ),
    ("h", "Visitors"),
    (
        "p",
        "In the fifth week a visiting reader will talk about the Malatesta Cantos and the "
        "documents behind Canto VIII. The talk is open to everyone in the department.",
    ),
    (
        "p",
        "In the ninth week the seminar visits the library's collection of little magazines, "
        "where several of the early cantos were first printed, with changes the poem dropped.",
    ),
]

# Slides whose titles repeat with a changing number on every page (kept), with a footer and a
# page number (removed).
SLIDES = [
    ("Canto I", "The Nekuia, from Divus's Latin.", "Odysseus at the pit: lines 1-28."),
    ("Canto IX", "Sigismundo's postbag.", "Letters from agents and stewards."),
    ("Canto XIII", "Kung walks by the dynastic temple.", "Order within and without."),
    ("Canto XVII", "The light of Venice.", "A paradise before the hell cantos."),
    ("Canto XLV", "With usura.", "The refrain and its catalogue."),
    ("Canto XLVII", "Tiresias and the plough.", "The first of the agrarian cantos."),
    ("Canto XLIX", "The seven lakes.", "A canto of Chinese landscapes."),
    ("Canto LXXIV", "The Pisan opening.", "The dream of the city of Dioce."),
    ("Canto LXXXI", "What thou lovest well remains.", "The libretto and the coda."),
    ("Canto CXVI", "Came Neptunus.", "The drafts and the ending."),
]
SLIDES_FOOTER = "Pound seminar, week 6"
