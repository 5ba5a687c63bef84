"""Groups, ordinals, numerals and lists in Italian, French, Spanish, Portuguese and German
scholarship (issue #18, family 5), on sentences written for these tests, and the look-alikes an
Italian "canto" brings (Dante's, a song), other poems' cantos and other books."""

from __future__ import annotations

import pytest
from rules_helpers import cantos, refs, span

PISAN, DECAD, DRAFTS = span(74, 84), span(42, 51), span(110, 117)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Italian
        ("Il commento ai Canti pisani è di Mary de Rachewiltz.", PISAN),
        ("Pound compose gli undici canti pisani nel campo di Coltano.", PISAN),
        ("Nei “Pisani” la memoria prende il posto della storia.", PISAN),
        ("La Quinta Decade si apre sul Monte dei Paschi.", DECAD),
        ("Bacigalupo ha tradotto i XXX Cantos.", span(1, 30)),
        ("I Canti malatestiani sono un collage di lettere.", span(8, 11)),
        # French
        ("On lit les Cantos pisans dans la version de Denis Roche.", PISAN),
        ("Les Cantos chinois abrègent les annales de Mailla.", span(52, 61)),
        ("La Cinquième Décade contient le chant de l'usure.", DECAD),
        ("Les Esquisses et fragments ferment le livre.", DRAFTS),
        # Spanish and Portuguese
        ("Los Cantos pisanos se escribieron en una jaula.", PISAN),
        ("Vázquez Amaral tradujo los Cantares pisanos.", PISAN),
        ("Os Cantos Pisanos foram publicados em 1948.", PISAN),
        ("Borradores y fragmentos es el último libro de Pound.", DRAFTS),
        ("En Tronos Pound traduce el Edicto Sagrado.", span(96, 109)),
        # German
        ("Eva Hesse übersetzte die Pisaner Cantos.", PISAN),
        ("Die Pisaner Gesänge entstanden im Lager.", PISAN),
        ("Die Adams-Cantos zitieren fast nur Briefe.", span(62, 71)),
        ("Die China-Cantos folgen de Mailla.", span(52, 61)),
        ("Der Wucher-Canto ist der bekannteste.", [45]),
        ("Il Canto dell'usura fu letto alla radio.", [45]),
        # a smaller group in a larger one: the larger only says where it sits
        ("Il Canto dell'usura della Quinta Decade è il più letto.", [45]),
        ("Die Siena-Cantos der Fünften Dekade erzählen vom Monte dei Paschi.", span(42, 44)),
        ("Entwürfe und Fragmente erschien 1969.", DRAFTS),
    ],
)
def test_group_titles_in_other_languages(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il primo Canto è una traduzione da Andreas Divus.", [1]),
        ("Nel terzo Canto compare il Cid.", [3]),
        ("Il quarantanovesimo Canto è quello dei sette laghi.", [49]),
        ("Nel secondo Cantos compare la lince.", [2]),
        ("Le troisième Canto s'ouvre à Venise.", [3]),
        ("Le quatre-vingt-unième Canto contient la litanie de la vanité.", [81]),
        ("En el cuarto Canto se queman las torres de Troya.", [4]),
        ("El cuadragésimo quinto Canto es el de la usura.", [45]),
        ("No terceiro Canto aparece Veneza.", [3]),
        ("Der siebte Canto beginnt mit Homer.", [7]),
        ("Im fünfundvierzigsten Canto spricht Pound über Wucher.", [45]),
        ("Im 45. Canto steht die Litanei gegen den Wucher.", [45]),
        ("Le 45e Canto est le plus cité.", [45]),
        # a group's ordinal
        ("Il terzo dei Canti pisani si apre con una partitura.", [76]),
        ("L'ultimo dei Canti pisani finisce con il grillo.", [84]),
        ("Le dernier des Cantos pisans est le plus calme.", [84]),
        ("El primero de los Cantos pisanos evoca a Mussolini.", [74]),
        ("O último dos Cantos Pisanos é o mais breve.", [84]),
        ("Im zweiten Pisaner Canto erscheint die Musik Janequins.", [75]),
        ("O segundo Canto Pisano é quase todo música.", [75]),
    ],
)
def test_ordinals_in_other_languages(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nei Canti LXXVI e LXXVII torna la memoria di Londra.", [76, 77]),
        ("Gli undici canti dal LXXIV al LXXXIV furono scritti a Pisa.", span(74, 84)),
        ("Die Usura-Cantos XLV und LI gehören zusammen.", [45, 51]),
        ("Les Cantos XLV et LI traitent de l'usure.", [45, 51]),
        ("Los Cantares XLV y LI condenan la usura.", [45, 51]),
        ("I canti 72-73 furono scritti in italiano da Pound.", [72, 73]),
        ("Uno dei Pisan Cantos, il LXXX, ricorda Londra.", [80]),
    ],
)
def test_numerals_lists_and_ranges_in_other_languages(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # an Italian canto is also Dante's, a song, a rooster's crow
        "Il primo canto del gallo annuncia l'alba.",
        "Il terzo canto dell'Inferno si apre sulla porta.",
        "Il primo canto che imparò era una ninna nanna.",
        "Nel quinto canto del Purgatorio parla Buonconte.",
        "Le premier chant de l'Énéide raconte la tempête.",
        "Der dritte Gesang der Odyssee spielt in Pylos.",
        "El segundo cantar del Poema de mio Cid narra las bodas.",
        "No quarto canto d'Os Lusíadas parte a armada.",
        "I canti popolari pisani furono raccolti nel 1870.",
        "Uno dei canti pisani più noti è una ninna nanna.",
        "Nella quinta decade della sua vita Pound era a Rapallo.",
        "Juego de Tronos llegó a la televisión en 2011.",
        "I Canti di Leopardi si chiudono con la Ginestra.",
        "Rosalía escribió sus Cantares gallegos en 1863.",
    ],
)
def test_look_alikes_in_other_languages(text):
    assert cantos(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # some of a group, which not said
        ("Uno dei Canti pisani è dedicato alla lince.", []),
        ("Einer der Pisaner Cantos ist fast ganz Musik.", []),
        ("Due dei Canti pisani sono brevissimi.", []),
    ],
)
def test_some_of_a_group_in_other_languages(text, expected):
    assert cantos(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "vv." and "v." right after the canto's number are its lines
        ("Canto 13, vv. 1-4: Kung walked by the dynastic temple.", [(13, [1, 2, 3, 4])]),
        ("Nel Canto XLV, vv. 1-3, la litania.", [(45, [1, 2, 3])]),
        ("Canto XLV, v. 12, names the usurer.", [(45, [12])]),
        # not elsewhere: another text's verses beside a canto, another poem's canto
        ("Canto XLV echoes the Psalm; see Psalm 23, vv. 1-4.", [(45, [])]),
        ("Purgatorio XXVI, vv. 140-47, are in Provençal.", []),
    ],
)
def test_vv_after_the_canto_number_are_lines(text, expected):
    assert refs(text) == expected
