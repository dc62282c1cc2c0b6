"""Tests of geodata.geocoding.find_places: matching, precision, roles, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geodata.gazetteer import Gazetteer, load_gazetteer
from geodata.geocoding import Mention, find_places

DATA = Path(__file__).parent / "data"
# Module-level for the hypothesis tests (function-scoped fixtures and @given do not mix).
_GAZETTEER = load_gazetteer()


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return _GAZETTEER


@pytest.fixture(scope="module")
def tiny() -> Gazetteer:
    return load_gazetteer(DATA / "gazetteer_tiny.csv")


def _one(sentence: str, gazetteer: Gazetteer) -> Mention:
    (mention,) = find_places(sentence, gazetteer)
    return mention


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Shells fell across Idlib province today.", "Idlib province"),
        ("Troops moved into the governorate of Idlib.", "governorate of Idlib"),
        ("Aid reached Syria's Idlib at last.", "Idlib"),
        ("Villages in northwestern Idleb province emptied.", "Idleb province"),
        ("Fighting spread to Idlib's southern countryside.", "Idlib's southern countryside"),
        ("Convoys went to Idlib.", "Idlib"),
    ],
)
def test_regional_idlib_is_the_governorate(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.place.place_id) == (text, "SY07")
    assert mention.geo_precision == "governorate"
    assert mention.uncertainty_km == gazetteer["SY07"].uncertainty_km > 20
    assert mention.role == "location"


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Shops opened in Idlib city.", "Idlib city"),
        ("The city of Idlib was calm.", "city of Idlib"),
    ],
)
def test_idlib_city_is_the_town(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == (
        text,
        "gn:169389",
        "town",
    )


def test_damascus_bare_is_the_city(gazetteer: Gazetteer) -> None:
    mention = _one("Buses left for Damascus.", gazetteer)
    assert (mention.place.place_id, mention.geo_precision) == ("gn:170654", "town")


def test_town_countryside_is_district(gazetteer: Gazetteer) -> None:
    mention = _one("Raids hit the Manbij countryside.", gazetteer)
    assert (mention.place.place_id, mention.geo_precision) == ("gn:167357", "district")
    assert mention.uncertainty_km >= 15


def test_countries_as_governments_are_actors(gazetteer: Gazetteer) -> None:
    mentions = find_places("Russia and Turkey agreed on a truce.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Russia", "actor"), ("Turkey", "actor")]


def test_possessive_country_is_an_actor(gazetteer: Gazetteer) -> None:
    assert _one("Russia's defence ministry spoke.", gazetteer).role == "actor"


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Thousands fled into Turkey.", "Turkey"),
        ("Militants remain inside northern Syria.", "Syria"),
        ("The delegation flew to Russia.", "Russia"),
    ],
)
def test_countries_after_locative_words_are_locations(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.role, mention.geo_precision) == (text, "location", "country")


@pytest.mark.parametrize(
    "sentence",
    ["Turkish forces crossed the line.", "A Syrian and an Iranian envoy met Kurdish leaders."],
)
def test_demonyms_are_not_places(gazetteer: Gazetteer, sentence: str) -> None:
    assert find_places(sentence, gazetteer) == ()


def test_country_qualifying_a_venue_gives_the_venue(gazetteer: Gazetteer) -> None:
    mention = _one("Both leaders met in Russia's Sochi.", gazetteer)
    assert (mention.text, mention.place.place_id, mention.place.kind) == (
        "Sochi",
        "venue:sochi",
        "venue",
    )


def test_mount_barsaya_and_afrin(gazetteer: Gazetteer) -> None:
    mentions = find_places("Troops held Mount Barsaya, northeast of Afrin.", gazetteer)
    assert [(m.text, m.place.place_id) for m in mentions] == [
        ("Mount Barsaya", "site:mount-barsaya"),
        ("Afrin", "gn:174186"),
    ]
    assert mentions[0].geo_precision == "point"


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Drones approached the Hmeimim airbase.", "Hmeimim airbase"),
        ("Drones approached Khmeimim again.", "Khmeimim"),
    ],
)
def test_hmeimim_is_the_base(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.place.place_id) == (text, "site:hmeimim-air-base")


@pytest.mark.parametrize(
    "name", ["Maarat al-Numan", "Ma'arrat an-Nu'man", "Maarat al-Nouman", "Ma‘arrat an Nu‘mān"]
)
def test_maarat_variants_are_one_town(gazetteer: Gazetteer, name: str) -> None:
    mention = _one(f"Residents returned to {name} on foot.", gazetteer)
    assert (mention.text, mention.place.place_id) == (name, "gn:167611")


@pytest.mark.parametrize("name", ["Tronba", "Trumba", "Tarnabah"])
def test_tronba_variants(gazetteer: Gazetteer, name: str) -> None:
    assert _one(f"The patrol started at {name}.", gazetteer).place.place_id == "town:tronba"


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Talks under the Sochi agreement stalled.", "Sochi"),
        ("A new round of the Astana process opened.", "Astana"),
        ("They revived the Manbij road map.", "Manbij"),
    ],
)
def test_places_naming_agreements(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.role) == (text, "name")


def test_capital_as_government(gazetteer: Gazetteer) -> None:
    mentions = find_places("Moscow said the talks in Ankara went well.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Moscow", "actor"), ("Ankara", "location")]


def test_routes(gazetteer: Gazetteer) -> None:
    mentions = find_places("Traffic returned to the M4 highway and the Aleppo-Hama highway.", gazetteer)
    assert [(m.text, m.place.place_id) for m in mentions] == [
        ("M4 highway", "route:m4"),
        ("Aleppo-Hama highway", "route:m5"),
    ]


def test_lower_case_words_are_not_places(gazetteer: Gazetteer) -> None:
    # "hama" and "bab" are aliases, but not written like names here.
    assert find_places("the hama and bab of it all", gazetteer) == ()


def test_us_abbreviation_keeps_its_full_stop(gazetteer: Gazetteer) -> None:
    mention = _one("The U.S. envoy left.", gazetteer)
    assert (mention.text, mention.place.place_id) == ("U.S.", "country:US")


def test_same_governorate_wins_among_homonyms(tiny: Gazetteer) -> None:
    assert _one("Smoke rose over Qasr.", tiny).place.place_id == "gn:12"  # more populous
    mentions = find_places("Smoke rose over Marj and Qasr.", tiny)
    assert [m.place.place_id for m in mentions] == ["gn:13", "gn:11"]  # same governorate


def test_demonym_alias_in_the_file_is_ignored(tiny: Gazetteer) -> None:
    assert find_places("Turkish troops.", tiny) == ()


def test_offsets_slice_back_to_the_text(gazetteer: Gazetteer) -> None:
    sentence = "On Friday, Ma‘arrat an-Nu‘mān, Khan Sheikhoun and the city of Idlib saw clashes."
    mentions = find_places(sentence, gazetteer)
    assert len(mentions) == 3
    assert all(sentence[m.start : m.end] == m.text for m in mentions)


@hypothesis_settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.text(max_size=200))
def test_offsets_always_slice_back(text: str) -> None:
    gazetteer = _GAZETTEER
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
def test_offsets_on_place_like_text(words: list[str]) -> None:
    text = " ".join(words)
    for mention in find_places(text, _GAZETTEER):
        assert text[mention.start : mention.end] == mention.text


def test_capitals_joined_to_an_actor_are_actors(gazetteer: Gazetteer) -> None:
    mentions = find_places("Both Moscow and Ankara expected a deal.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Moscow", "actor"), ("Ankara", "actor")]


@pytest.mark.parametrize("name", ["al-Bab", "Al Bab", "Al-Bab"])
def test_article_belongs_to_the_name_as_written(gazetteer: Gazetteer, name: str) -> None:
    mention = _one(f"Rebels entered {name} at dawn.", gazetteer)
    assert (mention.text, mention.place.place_id) == (name, "gn:174018")


def test_english_article_words_stay_out_of_the_span(gazetteer: Gazetteer) -> None:
    assert _one("As Idlib burned, talks went on.", gazetteer).text == "Idlib"


def test_country_after_a_place_is_a_location(gazetteer: Gazetteer) -> None:
    mentions = find_places("Troops waited near Afrin, Syria, for orders.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Afrin", "location"), ("Syria", "location")]


def test_outlet_names_are_not_places(gazetteer: Gazetteer) -> None:
    assert find_places("The Daily Sabah reported it.", gazetteer) == ()


def test_countries_naming_a_border_are_locations(gazetteer: Gazetteer) -> None:
    mentions = find_places("Convoys massed at the Turkey-Syria border.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Turkey", "location"), ("Syria", "location")]


@pytest.mark.parametrize(
    ("sentence", "text", "place_id"),
    [
        ("Strikes hit rural Damascus overnight.", "rural Damascus", "SY03"),
        ("Strikes hit eastern Ghouta overnight.", "eastern Ghouta", "region:eastern-ghouta"),
    ],
)
def test_lower_case_leading_words(gazetteer: Gazetteer, sentence: str, text: str, place_id: str) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.place.place_id) == (text, place_id)


def test_leading_word_alone_is_not_a_name(gazetteer: Gazetteer) -> None:
    # "north" opens no alias on its own and is written in lower case: nothing to find.
    assert find_places("They moved north and west.", gazetteer) == ()


@pytest.mark.parametrize(
    "sentence", ["The Washington Post and Russia Today ran it.", "Syria Direct reported a strike."]
)
def test_outlet_names_give_no_place(gazetteer: Gazetteer, sentence: str) -> None:
    assert find_places(sentence, gazetteer) == ()


@pytest.mark.parametrize(
    ("sentence", "text", "place_id"),
    [
        ("Rockets hit Jisr al-Shughur district.", "Jisr al-Shughur district", "gn:169023"),
        ("Rockets hit Idlib district.", "Idlib district", "gn:169389"),
    ],
)
def test_district_is_the_area_around_the_town(
    gazetteer: Gazetteer, sentence: str, text: str, place_id: str
) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == (text, place_id, "district")
    assert mention.uncertainty_km >= 15


def test_facility_of_a_seat_is_the_town(gazetteer: Gazetteer) -> None:
    mention = _one("Drones hit the Tartus naval base.", gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == ("Tartus", "gn:163345", "town")
