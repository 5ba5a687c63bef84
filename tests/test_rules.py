"""The citation grammar, family by family, on sentences written for these tests."""

from __future__ import annotations

import shutil

import pytest
from rules_helpers import cantos, refs, span

from cantobatch.data import Passage
from cantobatch.extract.grammar.rules import RulesExtractor, extract_references

# --- canto numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kenner reads Canto XLVII as a descent rite.", [47]),
        ("the harvest passage of canto xlvii", [47]),
        ("CANTO LXXXI opens in the tent.", [81]),
        ("Canto CXX is sometimes printed as the last.", [120]),
    ],
)
def test_roman_after_canto(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Douglas's theory is set out in Canto 38.", [38]),
        ("the money passage (canto 46) was written in 1936", [46]),
        ("What does canto number 52 say about the Leviticus laws?", [52]),
    ],
)
def test_arabic_after_canto(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The forty-fifth canto is the Usura litany.", [45]),
        ("In the Thirteenth Canto Kung walks by the dynastic temple.", [13]),
        ("the hundred-and-sixteenth canto", [116]),
        ("He singled out the thirtieth canto for its compleynt.", [30]),
        ("The fifty-second of Pound's cantos begins the Chinese history.", [52]),
        ("Of the whole Pisan sequence, the eighty-third is the gentlest.", [83]),
        ("the first three cantos", [1, 2, 3]),
        ("In the sixty-second and seventieth cantos Adams speaks.", [62, 70]),
        ("the third, fourth and seventh cantos", [3, 4, 7]),
        ("The second canto retells Ovid, and the fourth mixes Ovid with Provence.", [2, 4]),
        ("In the first canto Odysseus sails; the second half of the book is dull.", [1]),
    ],
)
def test_ordinal_words(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can you compare canto twelve with canto thirteen?", [12, 13]),
        ("cantos one and two retell the Odyssey and Ovid", [1, 2]),
    ],
)
def test_number_words_after_canto(text, expected):
    assert cantos(text) == expected


# --- ranges and lists --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cantos 42-44 tell the story of the Monte dei Paschi.", span(42, 44)),
        ("the bank is founded in Cantos XLII–XLIV", span(42, 44)),
        ("cantos 8 to 11", span(8, 11)),
        ("Cantos XCVI through CIX make up a single volume", span(96, 109)),
        ("cantos lxxxv—xcv", span(85, 95)),
        ("CX–CXVII were gathered in 1969.", span(110, 117)),
        ("From LXXXV to LXXXVIII the Benton material builds.", span(85, 88)),
        ("from Canto 96 through Canto 100 the Byzantine Eparch's book", span(96, 100)),
    ],
)
def test_ranges_expand(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cantos IV, XXI and XC share the Ecbatan image.", [4, 21, 90]),
        ("Cantos 2, 17 & 47 are the metamorphic ones.", [2, 17, 47]),
        ("See Cantos 1–3, 7, and 12–15.", [1, 2, 3, 7, 12, 13, 14, 15]),
        ("The light imagery of XC, XCI and XCIII is Neoplatonic.", [90, 91, 93]),
        ("Eleusis appears in XLVII and again in LXXXI.", [47, 81]),
        ("Kung is quoted in Canto 13 and, decades later, in 99.", [13, 99]),
    ],
)
def test_lists(text, expected):
    assert cantos(text) == expected


# --- lines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto XLV, l. 12", [(45, [12])]),
        ("Canto XLVII, ll. 30-34", [(47, span(30, 34))]),
        ("see LXXXI:ll.140-45", [(81, span(140, 145))]),
        ("XVII:1-9 and XVII:26", [(17, [*span(1, 9), 26])]),
        ("Canto 47:10-12", [(47, [10, 11, 12])]),
        ("the line is quoted at II.14", [(2, [14])]),
        ("In canto XXXVIII, lines 3 to 6, the arms dealers appear", [(38, [3, 4, 5, 6])]),
        ("III, ll.7, 9 and XXV: ll.2-4", [(3, [7, 9]), (25, [2, 3, 4])]),
        ("lines seven to nine of canto four", [(4, [7, 8, 9])]),
        ("Line 12 of the Usura canto repeats the refrain.", [(45, [12])]),
    ],
)
def test_line_references(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Which is the opening line of Canto XVII?", [(17, [1])]),
        ("the third line of canto 30", [(30, [3])]),
        ("the last line of Canto LXXXI", [(81, [-1])]),
        ("On the penultimate line of CXVI the voice breaks.", [(116, [-2])]),
        ("the last line but one of Canto IV", [(4, [-2])]),
        ("the first 4 lines of Canto XIII", [(13, [1, 2, 3, 4])]),
        ("the last four lines of Canto XLIX", [(49, [-4, -3, -2, -1])]),
        ("the final 2 of the ninetieth canto", [(90, [-2, -1])]),
        ("the first and last lines of Canto LI", [(51, [1, -1])]),
        ("the first couple of lines of Canto II", [(2, [1, 2])]),
        ("Canto XCIII's last line", [(93, [-1])]),
        ("the very last line of the Pisan Cantos", [(84, [-1])]),
        ("the first line of the first canto of Thrones", [(96, [1])]),
    ],
)
def test_positional_lines(text, expected):
    assert refs(text) == expected


def test_relative_lines_follow_a_line_range():
    text = "The periplum runs through XL:ll.5-12, and the following two lines name Hanno."
    assert refs(text) == [(40, [*span(5, 12), 13, 14])]


def test_line_reference_attaches_to_the_canto_before_it():
    text = "Canto XLIX is the seven lakes canto. Around l. 30 the Chinese song enters."
    assert refs(text) == [(49, [30])]


def test_across_sentences_a_line_belongs_to_the_canto_the_sentence_opens_with():
    text = "Canto XCI answers Canto XC in kind. Its first line is a chant."
    assert refs(text) == [(90, []), (91, [1])]
    text = "The close of Canto XVI quotes Canto XIV. In the last line the war ends."
    assert refs(text) == [(14, []), (16, [-1])]


def test_line_reference_without_canto_yields_nothing():
    assert refs("ll. 14-20 are missing from the typescript.") == []
    assert refs("The penultimate line is a quotation from Cavalcanti.") == []


def test_header_numeral_counts_only_when_lines_follow():
    assert refs("(XXX) ll. 4-6 are the compleynt") == [(30, [4, 5, 6])]
    assert refs("(XXX) Pound's compleynt against pity") == []


# --- canto/page citations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_canto", "page"),
    [
        ("(76/452)", 76, "452"),
        ("as in LXXVI/460", 76, "460"),
        ("Canto XLV (p. 229) is the litany.", 45, "229"),
        ("C52.257", 52, "257"),
        ("Canto LII, p. 258", 52, "258"),
    ],
)
def test_canto_page(text, expected_canto, page):
    found = extract_references(text)
    assert [(r.canto, r.lines, r.cited_page) for r in found] == [(expected_canto, (), page)]


@pytest.mark.parametrize(
    "text", ["The rent fell by 1/3 in 1925/6.", "He was born on 10/30.", "3/4"]
)
def test_dates_and_fractions_are_not_pages(text):
    assert refs(text) == []


# --- named groups -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Malatesta cantos rebuild the Tempio in verse.", span(8, 11)),
        ("Few readers get through the Adams Cantos.", span(62, 71)),
        ("The Chinese History Cantos follow de Mailla.", span(52, 61)),
        ("the Hell Cantos", [14, 15]),
        ("the Siena cantos", span(42, 44)),
        ("The Fifth Decad opens with the Siena bank.", span(42, 51)),
        ("Eleven New Cantos came out in 1934.", span(31, 41)),
        ("In Rock-Drill the ideograms multiply.", span(85, 95)),
        ("Thrones is the least read volume.", span(96, 109)),
        ("Drafts & Fragments closes the poem.", span(110, 117)),
        ("He admired A Draft of XVI Cantos as a book object.", span(1, 16)),
        ("the Italian cantos, suppressed until 1985", [72, 73]),
        ("the usura canto", [45]),
        ("everything he wrote in Pisa", span(74, 84)),
    ],
)
def test_groups_expand(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the first Pisan canto", [74]),
        ("The ninth Pisan canto", [82]),
        ("the last canto of Thrones", [109]),
        ("the second from last canto Pound wrote in Pisa", [83]),
        ("the penultimate Adams canto", [70]),
        ("the first of the Malatesta Cantos", [8]),
        ("the last in Rock-Drill", [95]),
        ("the second of the two Italian cantos", [73]),
        ("the last two cantos of Drafts & Fragments", [116, 117]),
    ],
)
def test_group_ordinals(text, expected):
    assert cantos(text) == expected


def test_group_locating_a_numbered_canto_is_not_expanded():
    assert cantos("Canto LXXX of the Pisan Cantos mourns the London dead.") == [80]
    assert cantos("The Siena cantos (XLII–XLIV) retell the bank's founding.") == span(42, 44)
    assert cantos("The Usura canto, Canto XLV, is a litany.") == [45]


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "In Inferno XXXIII Ugolino gnaws the archbishop.",
        "Inf. V is the canto of Paolo and Francesca.",
        "the fifth canto of the Inferno",
        "the fifth and sixth cantos of the Inferno",
        "Dante's Paradiso, canto XXX, shows the river of light.",
        "Purgatorio, Canto 27: Dante passes through the fire.",
    ],
)
def test_refuses_dante(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Don Juan, Canto II, has the shipwreck.",
        "In canto IV of Childe Harold's Pilgrimage Byron visits Rome.",
        "The Faerie Queene, Book II, canto vii, shows Mammon's cave.",
        "the garden of Armida in canto XVI of Gerusalemme Liberata",
        "Orlando's madness in canto XXIII of Orlando Furioso",
        "Neruda's Canto General, canto IX",
        "Canto I of The Lay of the Last Minstrel opens at Branksome.",
    ],
)
def test_refuses_other_poems(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "She trained in bel canto at Milan.",
        "The canto fermo sits in the tenor.",
        "Bach wrote a chorale over a cantus firmus.",
    ],
)
def test_refuses_music(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Mauberley III mocks the tea-rose tea-gown.",
        "Propertius XII ends the Homage.",
        "section IV of Hugh Selwyn Mauberley",
        "Cathay and Lustra appeared in 1915 and 1916.",
    ],
)
def test_refuses_other_works_of_pound(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The Cantos are the longest modernist poem.",
        "He kept adding a canto every year or two.",
        "Pound finished some 116 cantos before his silence.",
        "The later cantos grow sparer.",
        "In the Cantos I found a history of money.",
    ],
)
def test_refuses_the_cantos_as_a_whole(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Queen Elizabeth I chartered the company.",
        "Frederick II kept a menagerie in the cantos' century.",
        "The Dial LXXI printed the poem.",
        "See Vol. II of the letters and Chapter IV of the life.",
        "Part III of the study is on the cantos.",
        "Pope Pius II wrote against Sigismondo.",
        "World War II is the setting of the later cantos.",
        "Book XI of the Odyssey is the source of the nekuia in the cantos.",
    ],
)
def test_refuses_regnal_and_volume_numerals(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "In 1925 Pound moved to Rapallo and kept writing cantos.",
        "(Carpenter 1988: 445)",
        "p. 74 and pp. 80-84 of the biography",
        "The Cantonese poems were translated in Canton.",
        "Three Cantos appeared in Poetry in 1917.",
        "The Ur-Cantos were scrapped in 1923.",
        "Three Cantos I-III were later cut down.",
    ],
)
def test_refuses_years_pages_canton_and_ur_cantos(text):
    assert refs(text) == []


def test_validates_canto_numbers():
    assert refs("Canto 121 does not exist, nor does Canto CXXV.") == []
    assert refs("Canto 0") == []


# --- evidence spans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Canto XLVII, ll. 30-34 and the following three lines",
        "the last three lines of Canto XLIX, then (LXXXI/541) and the first Pisan canto",
        "Cantos IV, XXI and XC share the Ecbatan image; see also the Hell Cantos.",
        "What's the first line of canto four?",
    ],
)
def test_every_reference_is_grounded_in_its_span(text):
    found = extract_references(text)
    assert found
    for r in found:
        assert text[r.evidence_start : r.evidence_end] == r.evidence
        assert r.method == "rules" and r.score == 1.0 and r.family


def test_families_are_named():
    families = {
        r.family
        for text in [
            "Canto XLV",
            "Canto 45",
            "the forty-fifth canto",
            "Cantos 8-11",
            "Cantos IV and XXI",
            "XLV, l. 3",
            "the last line of Canto XLV",
            "(45/229)",
            "the Hell Cantos",
            "the first Pisan canto",
            "XLV:ll.1-3, and the next line",
        ]
        for r in extract_references(text)
    }
    assert families >= {"roman", "arabic", "ordinal", "range", "list", "lines", "first_last"}
    assert families >= {"page", "group", "group_ordinal", "relative"}


# --- the extractor -------------------------------------------------------------------------------


def test_extractor_returns_one_result_per_passage_in_order():
    extractor = RulesExtractor()
    passages = [
        Passage.from_text(t, passage_id=str(i)) for i, t in enumerate(["Canto XX", "", "x"])
    ]
    results = extractor.extract_batch(passages)
    assert [r.passage_id for r in results] == ["0", "1", "2"]
    assert [[ref.canto for ref in r.references] for r in results] == [[20], [], []]
    assert all(r.ok and r.method == "rules" for r in results)
    extractor.close()
    extractor.close()


def test_extractor_records_a_bad_passage_instead_of_raising():
    bad = Passage(passage_id="bad", doc_id="", source="", text=None)  # type: ignore[arg-type]
    results = RulesExtractor().extract_batch([bad, Passage.from_text("Canto I", "ok")])
    assert results[0].error and results[0].references == ()
    assert [r.canto for r in results[1].references] == [1]


def test_identity_names_the_grammar():
    identity = RulesExtractor().identity()
    assert identity["extractor"] == "rules" and identity["method"] == "rules"
    assert len(identity["grammar"]) == 16


def test_grammar_hash_covers_every_file_of_the_grammar_folder(tmp_path):
    from cantobatch.extract.grammar.rules import GRAMMAR_DIR, grammar_hash, sources_hash

    copy = tmp_path / "grammar"
    shutil.copytree(GRAMMAR_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert sources_hash(copy) == grammar_hash()
    (copy / "scan_new.py").write_text("NEW = 1\n")  # a new module counts without being listed
    with_module = sources_hash(copy)
    assert with_module != grammar_hash()
    table = copy / "groups.toml"
    table.write_text(table.read_text() + "\n# a comment\n")
    assert sources_hash(copy) not in (with_module, grammar_hash())


# --- contexts that decide ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dante and Cavalcanti dominate Canto XXXVI.", [36]),
        ("LXXXI’s “Pull down thy vanity” is the best known passage.", [81]),
        ("In a letter of 1939 he called LII the start of the Chinese sequence.", [52]),
        ("The ideogram in Canto LXXVII recurs in XCVIII and CIV.", [77, 98, 104]),
        ("In 2/6 Pound mentions So-shu.", [2]),
        ("Canto IV was first printed in 1919; Canto V in 1921.", [4, 5]),
    ],
)
def test_canto_contexts(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "John XIV:6 is quoted in a sermon.",
        "The cantos were praised in The Criterion, XIV (1935).",
        "In the late cantos, Pound cites Coke's Institutes, II.",
        "Chapter XIII of Kenner discusses the cantos; see also chapter XIV.",
        "The cantos were written in the XXth century.",
        "In his cantos Pound draws on Ovid's Metamorphoses III and Homer's Odyssey XI.",
        "the cantos I have read",
        "In the Thrones of Europe the kings fell.",
    ],
)
def test_numerals_that_are_not_cantos_in_a_canto_context(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pound cites Dante's Paradiso XXX in Canto LXXIV.", [74]),
        ("In Canto XIV, as in Book VI of the Aeneid, the descent is to hell.", [14]),
        ("Catullus XVI is obscene; Pound's Canto XVI is infernal.", [16]),
        ("King Edward VII and Canto LXXX", [80]),
        ("pp. xiv-xvi of the preface discuss Canto LXXXI.", [81]),
        ("In XVI the veterans speak; in XII, the Baldy Bacon story.", [12, 16]),
        ("Pound's usury canto (XLV) and its companion LI are the moral centre.", [45, 51]),
        ("Cantos 52–61, then 62–71, give China and Adams.", span(52, 71)),
        ("in cantos 1–11 and in 12, 13", span(1, 13)),
        ("The manuscript of LXXII was kept by Olga Rudge.", [72]),
        ("Of Cantos XLII-LI, the Fifth Decad, XLV is the best known.", span(42, 51)),
        ("The XVIIIth-century Leopoldine reforms fill Cantos 42-44.", [42, 43, 44]),
        ("Gaudier's Vortex (Blast I) anticipates the cantos.", []),
        ("In section III, the cantos are read as history.", []),
        ("(Inferno XXXIV, ll. 1-10)", []),
    ],
)
def test_mixed_numerals_in_one_sentence(text, expected):
    assert cantos(text) == expected
