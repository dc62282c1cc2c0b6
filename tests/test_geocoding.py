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
