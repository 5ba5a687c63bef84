"""The citation grammar on phrasings its development set did not have (sentences written for these
tests): another poem's canto in the same sentence as Pound's, ranges and lists without the keyword
repeated, line and page forms without the usual punctuation, group ordinals in new words."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, refs, span

from cantobatch.extract.grammar.rules import extract_references

# --- another poem's canto beside Pound's ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a group ordinal names Pound's poem however near Dante's numeral is
        ("After Purgatorio XXX, the last Adams canto reads like a ledger.", [71]),
        ("Paradiso XXXIII and then the second Malatesta canto: the seminar's odd pairing.", [9]),
        # "Pound's" owns the ordinal that follows another poem's canto
        (
            "Where the third canto of the Paradiso has Piccarda, Pound's third canto has the Cid.",
            [3],
        ),
    ],
)
def test_pound_canto_after_another_poems_canto(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dante's Canto XXXIII ends with the love that moves the sun.",
        "Byron's Canto III opens with a farewell to his daughter.",
        "Tasso's canto XVI has Armida's garden.",
        "Canto XIX (Inferno) is the canto of the simoniac popes.",
        "Canto X (Purgatorio) shows the humble carved in marble.",
    ],
)
def test_possessive_or_parenthesised_other_poet_refuses(text):
    assert refs(text) == []


# --- ranges and lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto LII through Canto LXI retell the dynasties.", span(52, 61)),
        ("Canto 62 – Canto 71 compress the Adams papers.", span(62, 71)),
        ("The cantos numbered XIV to XVI are set in hell and purgatory.", span(14, 16)),
        ("the cantos from 31 to 34, on Jefferson", span(31, 34)),
        ("Cantos XVII through to XXX were written in Rapallo.", span(17, 30)),
        ("Terrell needs more pages for Cantos 1 to 30 than for those to 31–41.", span(1, 41)),
    ],
)
def test_ranges_in_more_words(text, expected):
    assert cantos(text) == expected


def test_comparison_between_two_cantos_is_not_a_range():
    assert cantos("Compare Canto XLV to Canto LI.") == [45, 51]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto 38 gives the A + B theorem; the versions of 46 and 52 are angrier.", [38, 46, 52]),
        ("Canto 13 is Kung; compare 49 and 53 for the later Confucius.", [13, 49, 53]),
        # "through" between bare numerals may be a path, not a range, but "I" there is a numeral
        ("Kenner follows the light of I through XVII and CXVI.", [1, 17, 116]),
    ],
)
def test_bare_lists_and_ranges_beside_a_cited_canto(text, expected):
    assert cantos(text) == expected


def test_bare_arabic_lists_need_a_cited_arabic_canto_and_no_counted_noun():
    assert cantos("The letters of 1936 and 1937 mention it.") == []
    assert cantos("In Canto 81 Pound remembers men of 60 and 70 years.") == [81]
    assert cantos("Canto 47 went through from 2 to 3 drafts.") == [47]


# --- lines and pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto XLIX, ll 1-8, is the rain scene.", [(49, span(1, 8))]),
        ("Canto LI. ll 3-5 repeat the litany.", [(51, [3, 4, 5])]),
        ("See ll 14-16 in Canto 2.", [(2, [14, 15, 16])]),
    ],
)
def test_ll_without_a_full_stop(text, expected):
    assert refs(text) == expected


def test_ll_without_a_full_stop_and_no_canto_gives_nothing():
    assert refs("The rhythm changes in ll 14-16.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(80 / 493)", [80]),
        ("Terrell's gloss (76 /460) is brief.", [76]),
        ("the ant (81/ 521)", [81]),
    ],
)
def test_canto_page_with_spaces_round_the_slash(text, expected):
    assert cantos(text) == expected


def test_spaced_slash_still_refuses_dates_and_fractions():
    assert cantos("the winter of 1924 / 5") == []
    assert cantos("Only 1 / 3 of the proofs were corrected.") == []


# --- ordinals and groups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto the Seventeenth", [17]),
        ("the eleventh and last Pisan canto", [84]),
        ("the fourteenth and final canto of Thrones", [109]),
        ("Rock-Drill's first canto", [85]),
        ("the Pisan Cantos' last canto", [84]),
        ("The Coke cantos close the section.", [107, 108, 109]),
        ("Everyone quotes the usury canto.", [45]),
    ],
)
def test_ordinals_and_groups_in_new_words(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Don Juan, Canto the Seventh, is set at Ismail.",
        "Coke's Institutes were Pound's late reading.",
        "It was the canto the first reviewers hated.",
    ],
)
def test_new_words_keep_their_refusals(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Propertius IX and X are the elegies Pound cut hardest.",
        "Henry VII and VIII are both in the Tudor chapters.",
        "Lustra, II, III and IV",
    ],
)
def test_numerals_listed_after_another_works_numeral_refuse(text):
    assert refs(text) == []


def test_a_canto_said_to_be_pounds_after_another_poems_canto():
    text = "Don Juan canto II and the second canto of Pound both begin at sea."
    assert cantos(text) == [2]
    assert cantos("In XLVI and LII the bank returns.") == [46, 52]


def test_a_volume_between_a_title_and_a_page_is_not_a_canto():
    assert cantos("Adams, Works, III, 45, on Canto 62") == [62]
    assert cantos("Terrell, Companion, I, 120") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the \u201cAdams\u201d cantos", span(62, 71)),
        ('Critics disliked the "China" cantos.', span(52, 61)),
        ("the second \u201cPisan\u201d canto", [75]),
    ],
)
def test_group_name_in_quotation_marks(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The notes he wrote at Pisa for his daughter survive.",
        "Milton's Thrones, Dominations, Princedoms, Virtues, Powers",
        "Epstein's Rock Drill was shown in 1915.",
        "Rock Drill, the sculpture, was later cut down.",
    ],
)
def test_group_names_in_other_senses_refuse(text):
    assert refs(text) == []


def test_cantos_written_at_pisa_are_the_pisan_cantos():
    assert cantos("the cantos he composed at Pisa") == span(74, 84)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto XXXIX follows Circe. Homer's lines 135-40 are the source.", [(39, [])]),
        ("Canto LI borrows Geryon; see Inferno XVII, ll. 1-27.", [(51, [])]),
        ("In Canto XIII, as in the Analects, lines 1-4 are about silence.", [(13, [])]),
        ("Canto XLIX, as in the rain scene, lines 1-4", [(49, [1, 2, 3, 4])]),
    ],
)
def test_lines_another_text_owns_do_not_attach(text, expected):
    assert refs(text) == expected


def test_an_abbreviation_does_not_end_the_sentence():
    # the numbered canto sits in the group's sentence, so the group is not expanded
    assert refs("the Adams cantos, esp. LXVIII, ll. 3-5") == [(68, [3, 4, 5])]
    assert cantos("Compare the Siena cantos, cf. XLIII.") == [43]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what happens in the pisan cantos?", span(74, 84)),
        ("are the rock-drill cantos hard?", span(85, 95)),
        ("explain the adams cantos to me", span(62, 71)),
        ("which is the first malatesta canto?", [8]),
        ("the last of the italian cantos", [73]),
    ],
)
def test_group_names_in_lower_case_as_users_type_them(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    ["He used a rock drill in the quarry.", "a hell of a canto", "the fifth decade of his life"],
)
def test_lower_case_words_alone_are_not_group_names(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Nel canto XXXIII dell'Inferno parla Ugolino.",
        "il canto XI del Purgatorio",
        "In Memoriam, canto XCV, is the trance at night.",
        "Shelley's Queen Mab, canto VI",
    ],
)
def test_other_poems_in_italian_and_more_poems_divided_into_cantos(text):
    assert refs(text) == []


def test_a_poet_named_before_pounds_canto_keeps_it_pounds():
    assert cantos("Pound mocked Tennyson, yet Canto LXXXI has his music.") == [81]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto XLVII ends in the furrow. In the next canto, ll. 1-3, money returns.",
         [(47, []), (48, [1, 2, 3])]),
        ("Canto 74 opens in the camp; the following canto is a score by Janequin.", [(74, []), (75, [])]),
        ("Canto 52 begins the dynasties, and the previous canto ends the Decad.", [(51, []), (52, [])]),
    ],
)  # fmt: skip
def test_the_next_or_previous_canto(text, expected):
    assert refs(text) == expected


def test_the_next_canto_needs_a_cited_pound_canto():
    assert refs("In the next canto Dante meets the gluttons.") == []
    assert cantos("Canto XX ends; the next canto of the Purgatorio is another matter.") == [20]


def test_a_group_that_only_locates_a_smaller_group_is_not_expanded():
    assert cantos("Critics skip the Siena cantos of the Fifth Decad.") == span(42, 44)
    assert cantos("Thrones and its Coke cantos") == span(96, 109)


def test_an_elliptic_small_ordinal_stays_in_its_sentence():
    text = "The thirty-sixth canto survives in two drafts. In the second, the canzone is complete."
    assert cantos(text) == [36]


# --- a rank among the cantos a clause describes is not a canto's number ------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first canto to be written at Pisa looks back at the DTC tents.", []),
        ("Which was the first canto to mention Jefferson by name?", []),
        ("Canto CVI is the fifteenth and final canto to begin with that conjunction.", [106]),
        # a group named inside the ranked phrase is not cited whole either
        ("The last canto in Thrones to be drafted closes on the Coke material.", []),
        ("In the last canto of Thrones to be drafted, CIX, the Coke material returns.", [109]),
        # an ordinal with no clause after it still numbers a canto
        ("From the first canto to the last, Odysseus keeps returning.", [1]),
        ("The first Pisan canto opens on the hanged Mussolini.", [74]),
        ("The seventeenth canto, to be sure, opens in a different light.", [17]),
    ],
)
def test_a_rank_among_cantos_is_not_a_number(text, expected):
    assert cantos(text) == expected


# --- a single canto known by a name: "the Seven Lakes canto" (Canto XLIX) ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Most anthologies print the \u201cSeven Lakes\u201d canto and nothing later.", [49]),
        ('Critics praise the "Seven Lakes" Canto for its stillness.', [49]),
        ("The Seven Lakes canto comes from a painted screen.", [49]),
        ("is the seven lakes canto japanese or chinese?", [49]),
        # the name beside the canto's number: one canto, not two
        ("Canto 49, the Seven Lakes canto, is the calm before LI.", [49, 51]),
    ],
)
def test_the_seven_lakes_canto(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The seven lakes of the Hsiao and Hsiang are in Hunan.",
        "A canto about seven lakes would bore the seminar.",
        "Seven Lakes cantons lie along the border.",
    ],
)
def test_seven_lakes_without_canto_after_refuses(text):
    assert refs(text) == []


# --- "ff." / "f." after a line number, before the canto that owns it ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rite, lines 12 ff. of Canto I, is Homeric.", [(1, [12])]),
        ("The rite, line 12 ff. of Canto I, is Homeric.", [(1, [12])]),
        ("Kenner reads ll. 40ff. of Canto LXXXI as a palinode.", [(81, [40])]),
        ("See l. 7 f. in Canto XLV for the mason.", [(45, [7])]),
        ("The storm, ll. 3-5 ff. of Canto XLIX, is a painting.", [(49, [3, 4, 5])]),
        # as before: "ff." after lines that follow their canto
        ("The descent is at Canto I, ll. 12ff., and its sacrifice follows.", [(1, [12])]),
    ],
)
def test_ff_after_a_line_number_keeps_its_canto(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # another text still owns the lines; and "ff." alone is no canto
        "Compare lines 12 ff. of the Odyssey, Book XI.",
        "The gloss runs to pp. 12 ff. of the Companion.",
        "See ll. 12 ff. for the sacrifice.",
    ],
)
def test_ff_after_a_line_number_refuses_without_a_canto(text):
    assert refs(text) == []


# --- Dante's canticles by their English names: Hell, Purgatory, Paradise ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Arnaut speaks in Provençal in Canto XXVI of the Purgatory.",
        "The simoniacs are in Canto XIX of Dante's Hell.",
        "Cary translates Canto XXVIII, of Hell, line by line.",
        "See Paradise Canto III for Piccarda.",
        "In Dante's Hell, Canto V, the lovers are whirled about.",
        "Dante's Paradise, Canto XXXIII, ends in the rose.",
        "Purgatory, Canto XXVI, has the famous farewell.",
    ],
)
def test_english_names_of_dantes_canticles_own_the_canto(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Pound's own hell, paradise and purgatory stay his
        ("Pound's Paradise, Canto XC, is a vision of light.", [90]),
        ("Canto XIV of the Hell Cantos describes the bankers.", [14]),
        ("In Canto XV, in Hell, the bankers wade in slime.", [15]),
        ("Canto XC is the threshold of paradise.", [90]),
        ("Paradise Lost, Book IX, is not the source of Canto XLVII.", [47]),
        # Dante's canticle beside a canto of Pound's that has its own number
        ("Purgatory XXVI gives Canto VII its Provençal.", [7]),
    ],
)
def test_pounds_cantos_near_the_english_names_stay_his(text, expected):
    assert cantos(text) == expected


def test_lines_of_a_canticle_named_in_english_do_not_attach():
    assert refs("Canto VII borrows from Purgatory XXVI, ll. 140-148.") == [(7, [])]
    assert refs("Canto XLIX, as in the storm scene, ll. 1-4") == [(49, [1, 2, 3, 4])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no canto of Dante's passes 34: a higher number beside his canticle is Pound's
        ("Like Dante's Purgatory, Canto LXXIV climbs toward light.", [74]),
        ("Canto XC, of the Paradise Pound hoped to write, is light.", [90]),
        ("Unlike the Inferno, Canto XLV names no sinners.", [45]),
        ("After the Paradiso, Canto 90 rises into light.", [90]),
        ("Canto CXVI (Paradiso) confesses the failure.", [116]),
        # within Dante's numbers the canticle still owns it
        ("Unlike the Inferno, Canto XXXIV ends on the ice.", []),
        ("After the Paradiso, canto xxx has the river of light.", []),
        ("Canto XXVI of the Purgatorio, ll. 140-148, is Arnaut's.", []),
    ],
)
def test_a_canto_beyond_dantes_numbers_stays_pounds(text, expected):
    assert cantos(text) == expected


# --- a page far from where the canto is printed is another book's page -------------------------


def _pages(text):
    return [(r.canto, r.cited_page) for r in extract_references(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a journal's pages after the canto: the canto stays, the page is not its page
        ("Paideuma 8.2 (Fall 1979), on Canto LXXXI, pp. 243-7.", [(81, None)]),
        ("Kenner on Canto 4, pp. 412-15 of The Pound Era", [(4, None)]),
        # pages where the canto is printed are kept
        ("The ant is a centaur (Canto LXXXI, p. 520).", [(81, "520")]),
        ("Sigismondo's post-bag (Canto 9, pp. 35-36)", [(9, "35-36")]),
        ("(LXXIV/425)", [(74, "425")]),
        ("the tower in III/12", [(3, "12")]),
    ],
)
def test_a_page_suffix_far_from_the_canto_is_not_its_page(text, expected):
    assert _pages(text) == expected


def test_a_volume_and_its_page_are_not_a_canto_and_page():
    assert refs("Terrell, Companion, II, p. 521") == []
    assert refs("See Kenner, The Pound Era, XII, p. 340.") == []


# --- a range over the whole poem is The Cantos as a whole ---------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pound, Ezra. The Cantos of Ezra Pound (Cantos I\u2013CXVII). New York, 1972.", []),
        ("The word recurs across Cantos 1-117, most of all in Rock-Drill.", span(85, 95)),
        ("the index covers cantos i-cxvii", []),
        ("The 1970 edition (Cantos 1\u2013116) still lacks Canto 72.", [72]),
        # a range from the first canto that stops short of the end is cited in full
        ("Cantos 1-30 are the first draft.", span(1, 30)),
        ("Cantos I\u2013XVI were printed in Paris.", span(1, 16)),
    ],
)
def test_a_range_over_the_whole_poem_is_no_reference(text, expected):
    assert cantos(text) == expected


# --- a line range with the keyword repeated: "from line 40 to line 52", "ll. 4 – l. 9" ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("From line 40 to line 52 of Canto LXXXI the voice turns.", [(81, span(40, 52))]),
        ("Canto LXXXI, from l. 40 to l. 52, is the turn.", [(81, span(40, 52))]),
        ("In Canto XLVII, line 12 through line 15 repeat the furrow.", [(47, span(12, 15))]),
        ("Canto I, l. 4 \u2013 l. 9, is the ship.", [(1, span(4, 9))]),
    ],
)
def test_a_line_range_with_the_keyword_repeated(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "to" between two line references is a comparison unless "from" opens the range
        ("In Canto XLV compare line 4 to line 12.", [(45, [4, 12])]),
        ("Canto LXXXI sets line 40 against line 52.", [(81, [40, 52])]),
    ],
)
def test_two_line_references_without_a_range_stay_two(text, expected):
    assert refs(text) == expected


# --- a small roman numeral alone on its line is a section number, not a canto ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The early cantos are hard.\n\nIII\n\nPound began again in 1922.", []),
        ("Pound wrote many cantos.\nVIII.\nThe second part turns to Canto LII.", [52]),
        ("XII\n\nCanto XLV is a litany.", [45]),
        # not alone on its line, or past a section's numbering: a canto as before
        ("Pound began again in XVII.\nThe cantos after it are lighter.", [17]),
        ("Glosses to the cantos follow.\n\nXLV\n\nWith usura hath no man a house of stone.", [45]),
        ("CXVI\nAt line 10 Pound writes of the ball of crystal.", [116]),
    ],
)
def test_a_section_number_alone_on_its_line_is_not_a_canto(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a range of pages is the cited page, as after a roman numeral ("LXXIV/425–26")
        ("The lynx chorus (79/484-92) is a hymn.", [(79, "484-92")]),
        ("across two pages (74/425\u20136)", [(74, "425\u20136")]),
        ("(LXXIV/425\u201326)", [(74, "425\u201326")]),
        ("(76/452)", [(76, "452")]),
    ],
)
def test_a_canto_page_range_keeps_every_page(text, expected):
    assert _pages(text) == expected


# --- "Canto #45": the number sign between the keyword and its numeral ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto #45 opens with usura.", [45]),
        ("Canto # 45 opens with usura.", [45]),
        ("Cantos #74-84 are the Pisan sequence.", span(74, 84)),
        ("Canto No. 45 and Canto no. 46 stand together.", [45, 46]),
    ],
)
def test_a_number_sign_after_the_keyword(text, expected):
    assert cantos(text) == expected


def test_a_number_sign_evidence_holds_the_keyword():
    (ref,) = extract_references("See Canto #XLV on usura.")
    assert (ref.canto, ref.evidence) == (45, "Canto #XLV")


# --- the Italian verb "canto" before an elided word is not a canto's numeral -------------------


@pytest.mark.parametrize(
    "text",
    [
        '"Canto l\'arme pietose" opens the Gerusalemme.',
        "Canto c\u2019era una volta, the song begins.",
        "Io canto l\u2019amore.",
    ],
)
def test_an_elided_italian_word_after_canto_is_no_numeral(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a possessive still follows a canto's numeral
        ("Canto L's opening is Sienese banking.", [50]),
        ("Canto XLV\u2019s litany is famous.", [45]),
        ("The ants of LXXXI's close are Pisan.", [81]),
    ],
)
def test_a_possessive_after_a_numeral_stays_a_canto(text, expected):
    assert cantos(text) == expected


# --- "et seq." / "sqq." after a line number, before the canto that owns it ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rite, line 3 et seq. of Canto II, is Ovid's.", [(2, [3])]),
        ("Kenner reads ll. 40 sqq. of Canto LXXXI as a palinode.", [(81, [40])]),
        ("The storm, lines 3-5 seqq. of Canto XLIX, is a painting.", [(49, [3, 4, 5])]),
    ],
)
def test_et_seq_after_a_line_number_keeps_its_canto(text, expected):
    assert refs(text) == expected


def test_et_seq_with_no_canto_after_gives_nothing():
    assert refs("Homer's line 3 et seq. of the Nekuia is the source.") == []


# --- positions from the end in more words: "second last", "next-to-last" ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The next-to-last line of Canto CXVI speaks of the crystal.", [(116, [-2])]),
        ("the next to last line of Canto I", [(1, [-2])]),
        ("The second last line of Canto LXXXI names the hall.", [(81, [-2])]),
        ("the third last line of Canto XLVII", [(47, [-3])]),
        ("what is the 2nd-to-last line of canto 4", [(4, [-2])]),
        ("the 3rd from last line of Canto IV", [(4, [-3])]),
        # group ordinals read the same words
        ("The next-to-last Pisan canto returns to Mount Taishan.", [(83, [])]),
        ("the second last canto of Thrones", [(108, [])]),
        # "but one" after the canto counts back from the last too
        ("The last Pisan canto but one returns to Mount Taishan.", [(83, [])]),
        ("the last canto but one of Thrones", [(108, [])]),
    ],
)
def test_positions_from_the_end_in_more_words(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "next" and "second" alone keep their old readings
        ("Canto I, line 12; the next line answers it.", [(1, [12, 13])]),
        ("The second line of Canto XLV names the mason.", [(45, [2])]),
        ("the first Pisan canto but one", []),
        # "the last canto but one" of no group: of what is not said
        ("The last canto but one is lost.", []),
    ],
)
def test_next_and_second_alone_keep_their_readings(text, expected):
    assert refs(text) == expected


# --- counts of lines in more words: "the two last lines", "half a dozen", "couplet" ------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the count before the word (British usage) is the count, not five "last lines"
        ("The two last lines of Canto I break off.", [(1, [-2, -1])]),
        ("the three first lines of Canto II", [(2, [1, 2, 3])]),
        ("the two final lines of Canto LXXXI", [(81, [-2, -1])]),
        # dozens
        ("The first half-dozen lines of Canto II are about Browning.", [(2, span(1, 6))]),
        ("the first half a dozen lines of Canto II", [(2, span(1, 6))]),
        ("the last dozen lines of Canto XLVII", [(47, span(-12, -1))]),
        # a stanza named by its size
        ("The closing couplet of Canto XLV is a curse.", [(45, [-2, -1])]),
        ("Canto XLIX's first quatrain is a painting.", [(49, [1, 2, 3, 4])]),
        ("the opening tercet of Canto I", [(1, [1, 2, 3])]),
    ],
)
def test_counts_of_lines_in_more_words(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # vague or plural stanzas give the canto alone
        ("The last few lines of Canto XLIX are calm.", [(49, [])]),
        ("The couplets of Canto XLV rhyme on usura.", [(45, [])]),
        ("the last couplets of Canto XLV", [(45, [])]),
        ("the two lines of Canto I", [(1, [])]),
        # and no canto, no lines
        ("The closing couplet of the sonnet is weak.", []),
    ],
)
def test_vague_counts_and_stanzas_give_no_lines(text, expected):
    assert refs(text) == expected


# --- a poem in books of cantos is not Pound's: "Book III, canto vi" ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "In Book III, canto vi, Spenser describes the Garden of Adonis.",
        "Book II, Canto XII is the Bower of Bliss.",
        "In book 2, canto 12, Guyon destroys the Bower.",
        "Bk. II, canto vii: the cave of Mammon.",
    ],
)
def test_a_canto_inside_a_book_is_another_poems(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a book of another work ends its sentence or its clause before Pound's canto
        ("The Nekuia is Odyssey Book XI. Canto I follows it closely.", [1]),
        ("Homer's Book XI and Canto I.", [1]),
        ("In the Book of Rites, Canto LII finds its calendar.", [52]),
    ],
)
def test_a_book_elsewhere_leaves_pounds_canto(text, expected):
    assert cantos(text) == expected


# --- some of a group's cantos, not which: "several of the Pisan Cantos", "two Adams cantos" -----


@pytest.mark.parametrize(
    "text",
    [
        "Several of the Pisan Cantos mention the ants.",
        "Several Pisan cantos mention the ants.",
        "Most of the Adams cantos paraphrase the letters.",
        "Few of the China cantos are read aloud.",
        "Any of the Pisan Cantos would serve as an example.",
        "The censor cut two Pisan cantos.",
        "Two of the China cantos draw on Mailla.",
        "Some Hell cantos circulated in typescript.",
    ],
)
def test_some_of_a_groups_cantos_is_no_reference(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the whole group, counted or not
        ("The two Hell cantos are scatological.", span(14, 15)),
        ("Ten Adams cantos followed in 1940.", span(62, 71)),
        ("the eleven Pisan Cantos", span(74, 84)),
        ("All the Pisan Cantos were written in pencil.", span(74, 84)),
        ("Each of the Pisan Cantos has its own weather.", span(74, 84)),
        # digits before a group's name end a line reference, not a count
        ("Canto XIV:1-3 Thrones appeared in 1959.", [14] + span(96, 109)),
    ],
)
def test_a_whole_group_counted_or_quantified_is_expanded(text, expected):
    assert cantos(text) == expected


# --- a line reference's neighbours in more words: "line 12 and the two after it" ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the noun left out just after a line reference
        ("Canto XLVII, line 12 and the two after it are the furrow.", [(47, [12, 13, 14])]),
        ("Canto XLVII, line 12 and the next two are the furrow.", [(47, [12, 13, 14])]),
        ("In Canto I, ll. 4-5 and the three following, the ship sails.", [(1, span(4, 8))]),
        ("Canto LXXXI, l. 40, and the two preceding lines", [(81, [38, 39, 40])]),
        # the noun, then the direction
        ("Canto XLVII, line 12; the two lines after it answer.", [(47, [12, 13, 14])]),
        ("Canto XLVII, line 12; the line that follows answers.", [(47, [12, 13])]),
        ("In Canto II, line 40, and the line before it, Acoetes speaks.", [(2, [39, 40])]),
    ],
)
def test_a_line_references_neighbours_in_more_words(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # how many is not said, or no line was cited before
        ("Canto XLVII, line 12; the lines after it answer.", [(47, [12])]),
        ("Canto XLVII and the two after it are agrarian.", [(47, [])]),
        ("In Canto II the line after it is missing.", [(2, [])]),
        ("The two lines after it are lost.", []),
        # another noun after the count: not lines
        ("Canto XLV, l. 12, and the next two cantos", [(45, [12])]),
        ("Canto I, line 12 and the two following pages", [(1, [12])]),
    ],
)
def test_neighbours_need_a_count_and_a_cited_line(text, expected):
    assert refs(text) == expected


# --- book.canto.stanza of another poem: "II.vii.3-5" (The Faerie Queene) ------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Canto XLV descends from Mammon's cave (II.vii.3-5).", [45]),
        ("Canto XLV recalls the Garden of Adonis, III.vi.42.", [45]),
        ("In Canto XLV, as at II.x.71, history is a chronicle.", [45]),
        ("Canto LI and the cave of Mammon, II.vii, share a curse.", [51]),
    ],
)
def test_a_book_and_lower_case_canto_is_another_poems(text, expected):
    assert cantos(text) == expected


def test_a_numeral_with_a_dot_and_digits_is_still_a_canto():
    # an upper-case numeral with lines, or ending a sentence, is read as before
    assert refs("Canto XLV opens as II.12 closes.") == [(2, [12]), (45, [])]
    assert cantos("Canto XLV echoes II. It is the same sea.") == [2, 45]


# --- another poem's cantos named with the keyword stay its own, numerals and all ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Cantos III-V of Don Juan appeared in 1821.",
        "Cantos XVI and XVII of Don Juan are Aurora Raby's.",
        "Cantos IX and X of the Lusiads hold the Isle of Love.",
    ],
)
def test_another_poems_cantos_numerals_are_not_read_again(text):
    assert refs(text) == []


# --- another poem named in the sentence before does not own the canto that opens the next -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Astolfo reaches the moon in Orlando Furioso. Cantos I\u2013XVI came later.",
            [(n, []) for n in span(1, 16)],
        ),
        ("Farinata rises in the tenth canto of the Inferno. Canto 22 is Gibraltar.", [(22, [])]),
        (
            "Belinda dresses in Canto I of The Rape of the Lock. Canto 2, ll. 4-6, is Acoetes.",
            [(2, [4, 5, 6])],
        ),
    ],
)
def test_a_poem_named_in_the_sentence_before_does_not_own_the_canto(text, expected):
    assert refs(text) == expected


def test_the_canto_after_another_poems_sentence_keeps_its_keyword_in_evidence():
    text = "Astolfo reaches the moon in Orlando Furioso. Canto XII is the Baldy Bacon canto."
    assert [(r.canto, r.evidence) for r in extract_references(text)] == [(12, "Canto XII")]


# --- a poet's possessive before a quoted canto title: "Neruda's “Canto XII”" --------------------


@pytest.mark.parametrize(
    "text",
    [
        'Neruda\'s "Canto XII" climbs to Macchu Picchu.',
        "Byron\u2019s \u201cCanto XI\u201d mocks Keats.",
        "Tasso's 'Canto XVI' has Armida's garden.",
    ],
)
def test_a_poets_possessive_before_a_quoted_canto_owns_it(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the poet alone, or Pound's own possessive, leaves the canto Pound's
        ('Dante presides over "Canto XXXVI".', [36]),
        ('Pound\'s "Canto XLV" is a litany.', [45]),
    ],
)
def test_a_quoted_canto_without_another_poets_possessive_stays_pounds(text, expected):
    assert cantos(text) == expected


# --- lines from the start or the end in more words: "concluding", "initial", "from the end" ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The concluding line of Canto CXVI asks for pardon.", [(116, [-1])]),
        ("the concluding two lines of Canto CXVI", [(116, [-2, -1])]),
        ("The initial line of Canto I begins with 'And'.", [(1, [1])]),
        ("the concluding Pisan canto", [(84, [])]),
        # a line number counted from the end, after the canto or before it
        ("Canto I, line 3 from the end, names Andreas Divus.", [(1, [-3])]),
        ("Line 3 from the end of Canto I names Andreas Divus.", [(1, [-3])]),
        ("The fifth line from the top of Canto I is the sheep.", [(1, [5])]),
    ],
)
def test_lines_from_the_start_or_end_in_more_words(text, expected):
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # vague: which lines is not said
        ("The concluding cantos of Thrones are legal.", []),
        ("The last cantos of Thrones are legal.", []),
        ("the first Pisan cantos", []),
        # with a count they are said
        ("The last two cantos of Thrones are legal.", [(108, []), (109, [])]),
        ("In Canto I, line 3 from Divus is quoted.", [(1, [3])]),
    ],
)
def test_lines_from_the_start_or_end_keep_their_refusals(text, expected):
    assert refs(text) == expected


# --- one canto of a group, not said which: "this Pisan canto", "a canto of Thrones" ------------


@pytest.mark.parametrize(
    "text",
    [
        "Another Pisan canto mentions the ants.",
        "This Adams canto is drier than the last.",
        "The Pisan canto with the ants is the most quoted.",
        "Which China canto tells of the Tang?",
        "A late Pisan canto returns to Taishan.",
        "No Pisan canto mentions the Bank.",
        "A canto of Thrones is given to the Sacred Edict.",
        "One canto in Rock-Drill is all Chinese.",
    ],
)
def test_one_canto_of_a_group_not_said_which_is_no_reference(text):
    assert refs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each and every canto of the group, or a group of one canto, or the group's cantos
        ("Every Pisan canto has its weather.", span(74, 84)),
        ("Each Adams canto paraphrases a letter.", span(62, 71)),
        ("The Usura canto is a litany.", [45]),
        ("The cantos of Thrones are legal.", span(96, 109)),
        ("The first Pisan canto opens on the hanged Mussolini.", [74]),
        ("Canto LXXX, the longest Pisan canto, is elegiac.", [80]),
    ],
)
def test_every_canto_of_a_group_or_a_group_of_one_is_cited(text, expected):
    assert cantos(text) == expected


# --- the early "Three Cantos" with their numerals after a closing quotation mark ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Three Cantos" I-III appeared in Poetry in 1917.', []),
        ("\u201cThree Cantos\u201d II and Canto II differ.", [2]),
        ('The "Ur-Cantos" I and II were cut.', []),
    ],
)
def test_three_cantos_numerals_after_a_closing_quote_are_not_pounds_cantos(text, expected):
    assert cantos(text) == expected


# --- a group name that is also an ordinary word needs a passage about Pound: "the Pisans" -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Pisans fought Genoa at Meloria in 1284.", []),
        ("The Pisans and the Florentines were old rivals.", []),
        ("In the Pisans Pound remembers London.", span(74, 84)),
        ("The Pisans are the most quoted of the cantos.", span(74, 84)),
    ],
)
def test_the_pisans_are_the_cantos_only_in_a_passage_about_pound(text, expected):
    assert cantos(text) == expected


# --- another poet's cantos named like a group of Pound's: "Dante's hell cantos" ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dante's hell cantos are crowded with Florentines.", []),
        ("Byron's Italian cantos were written in Ravenna.", []),
        ("The Italian cantos of Childe Harold end at Rome.", []),
        ("The Hell cantos of the Inferno descend by circles.", []),
        # Pound's, whatever poet is named near them
        ("The Hell Cantos, in Dante's manner, are scatological.", span(14, 15)),
        ("Like Dante, the Hell cantos punish the usurers.", span(14, 15)),
        ("Pound's Italian cantos were written in 1944.", span(72, 73)),
    ],
)
def test_another_poets_cantos_named_like_a_pound_group(text, expected):
    assert cantos(text) == expected


# --- line numbers in words, listed: "lines one and two" ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lines one and two of Canto I set the ship on the sea.", [(1, [1, 2])]),
        ("In Canto I, lines one, two and five carry the spondees.", [(1, [1, 2, 5])]),
        ("lines two to four of Canto I", [(1, [2, 3, 4])]),
        # "line" in the singular takes one number
        ("Canto I, line one and two others", [(1, [1])]),
    ],
)
def test_line_numbers_in_words_listed(text, expected):
    assert refs(text) == expected


# --- positions listed before "lines": "the first and second lines" -----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first and second lines of Canto I are one sentence.", [(1, [1, 2])]),
        ("the first, third and fifth lines of Canto I", [(1, [1, 3, 5])]),
        ("The penultimate and last lines of Canto CXVI plead.", [(116, [-2, -1])]),
        ("the second and the third lines of Canto XLV", [(45, [2, 3])]),
        # as before
        ("the first and last lines of Canto I", [(1, [1, -1])]),
        ("The first and second lines are iambic.", []),
    ],
)
def test_positions_listed_before_lines(text, expected):
    assert refs(text) == expected


# --- a name's possessive before an ordinal canto: "Pope's second canto" is not Pound's ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pope's second canto brings on the sylphs.", []),
        ("Milton's first canto", []),
        # Pound's own, or no one's name
        ("Pound's second canto is Sordello's.", [2]),
        ("His second canto is Sordello's.", [2]),
        ("The poem's second canto is Sordello's.", [2]),
    ],
)
def test_a_names_possessive_before_an_ordinal_canto(text, expected):
    assert cantos(text) == expected


# --- an ordinal in a compound adjective is no canto: "the twentieth-century reader" -------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In the cantos, the twentieth-century document replaces the hero.", []),
        ("The twentieth-century reader of the cantos is lost without notes.", []),
        ("The eightieth-birthday tributes ignored the cantos.", []),
        # an ordinal alone in a canto context is read as before
        ("Of the cantos, the eighty-first is the most lyrical.", [81]),
    ],
)
def test_an_ordinal_in_a_compound_adjective_is_no_canto(text, expected):
    assert cantos(text) == expected


# --- other poems named without capitals in a passage typed without them -------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("compare canto 26 of the inferno with canto 47", [47]),
        ("what is in dante's canto 5", []),
        ("what does pound borrow from paradiso canto 30?", []),
        ("canto xi of don juan mocks keats", []),
        # Pound's: past Dante's numbers, or the other poem has its own numeral, or a poet alone
        ("paradiso 30 and canto 91", [91]),
        ("unlike the inferno, canto 45 has no guide", [45]),
        ("dante presides over canto 36", [36]),
        # a passage with capitals keeps the capitalised names only ("inferno" is a common noun)
        ("In the inferno of Canto XIV the usurers squat.", [14]),
    ],
)
def test_other_poems_named_without_capitals(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("canto 47 echoes inferno 26, lines 90-142", [(47, [])]),
        ("canto 47 echoes dante's lines 90-93", [(47, [])]),
        # Pound's lines still attach to his canto
        ("canto 47 echoes dante; lines 3-5 repeat the furrow", [(47, [3, 4, 5])]),
    ],
)
def test_lines_of_another_poem_named_without_capitals_do_not_attach(text, expected):
    assert refs(text) == expected
