"""Tests of geodata.geocoding: find_places, article context, capitals by description, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geodata.gazetteer import Gazetteer
from geodata.geocoding import article_context, find_places, find_places_in_article

# Module-level for the hypothesis tests (function-scoped fixtures and @given do not mix).


def test_article_context_decides_a_bare_seat_name(gazetteer: Gazetteer) -> None:
    regional = find_places_in_article(
        ["Shelling continued across Idlib province.", "Aid reached Idlib on Monday."], gazetteer
    )
    assert regional[1][0].place.place_id == "SY07"
    urban = find_places_in_article(
        ["Residents of besieged Aleppo starved.", "Aleppo fell in December."], gazetteer
    )
    assert urban[1][0].place.place_id == "gn:170063"
    alone = find_places("Aid reached Idlib on Monday.", gazetteer)
    assert alone[0].place.place_id == "gn:169389"


def test_article_context_equals_find_places_with_context(gazetteer: Gazetteer) -> None:
    sentences = [
        "Turkey's Hatay province took in refugees.",
        "Reyhanli and Kilis were shelled.",
        "Aid left Idlib.",
    ]
    context = article_context(sentences, gazetteer)
    assert find_places_in_article(sentences, gazetteer) == tuple(
        find_places(s, gazetteer, context=context) for s in sentences
    )


def test_offsets_slice_back_to_the_text(gazetteer: Gazetteer) -> None:
    sentence = "On Friday, Ma‘arrat an-Nu‘mān, Khan Sheikhoun and the city of Idlib saw clashes."
    mentions = find_places(sentence, gazetteer)
    assert len(mentions) == 3
    assert all(sentence[m.start : m.end] == m.text for m in mentions)


@hypothesis_settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.text(max_size=200))
def test_offsets_always_slice_back(gazetteer: Gazetteer, text: str) -> None:
    for mention in find_places(text, gazetteer):
        assert text[mention.start : mention.end] == mention.text
        assert mention.place.place_id in gazetteer


@hypothesis_settings(deadline=None)  # no timing in tests: the machine is shared
@given(
    st.lists(
        st.sampled_from(["Idlib", "in", "Russia", "'s", " ", ",", "province", "of", "the", "Sochi"]),
        max_size=12,
    )
)
def test_offsets_on_place_like_text(gazetteer: Gazetteer, words: list[str]) -> None:
    text = " ".join(words)
    for mention in find_places(text, gazetteer):
        assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Envoys met in the Jordanian capital, Iraq's delegation said.", [("Jordanian capital", "Amman")]),
        ("The Russian capital hosted the talks on Monday.", [("Russian capital", "Moscow")]),
        # The capital's name follows: that mention is enough.
        ("Talks in the Turkish capital Ankara ended.", [("Ankara", "Ankara")]),
        ("The Syrian capital, Damascus, was quiet.", [("Damascus", "Damascus")]),
    ],
)
def test_a_capital_named_by_its_countrys_adjective(
    gazetteer: Gazetteer, sentence: str, expected: list[tuple[str, str]]
) -> None:
    found = [(m.text, m.place.name) for m in find_places(sentence, gazetteer) if m.place.kind != "country"]
    assert found == expected
    (article,) = find_places_in_article([sentence], gazetteer)
    assert article == find_places(sentence, gazetteer)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The country the sentence names before it, by adjective or by name.
        (
            "The Syrian army said its forces control a town in the country's northwest.",
            [("the country's northwest", "part:country:SY:northwest")],
        ),
        (
            "An air strike on a market in the northwest of the country killed 11 Syrian civilians.",
            [],  # the adjective comes after: nothing tells which country before it
        ),
        (
            "A Syrian air strike on a market in the north-west of the country killed 11 people.",
            [("the north-west of the country", "part:country:SY:northwest")],
        ),
        (
            "Talks covered Syria, Idleb and the country's northeast.",
            [
                ("Syria", "country:SY"),
                ("Idleb", "gn:169389"),
                ("the country's northeast", "part:country:SY:northeast"),
            ],
        ),
        # A country without parts in the gazetteer stands itself, as "northern Iraq" does.
        (
            "Turkish troops fought militants in the country's southeast.",
            [("the country's southeast", "country:TR")],
        ),
        # An adjective qualifies another place; and "the country" with no country known is none.
        ("Syrian troops reached the country's northern border.", []),
        ("Troops moved into the country's north-west.", []),
    ],
)
def test_the_countrys_direction_is_a_part_of_the_country_it_speaks_of(
    gazetteer: Gazetteer, sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert [(m.text, m.place.place_id) for m in find_places(sentence, gazetteer)] == expected


def test_the_countrys_direction_takes_the_articles_country_when_the_sentence_names_none(
    gazetteer: Gazetteer,
) -> None:
    sentences = ["Syrian forces shelled Saraqib in Idlib.", "Troops moved into the country's north-west."]
    found = find_places_in_article(sentences, gazetteer)[1]
    assert [(m.text, m.place.place_id) for m in found] == [
        ("the country's north-west", "part:country:SY:northwest")
    ]
    assert find_places(sentences[1], gazetteer) == ()
