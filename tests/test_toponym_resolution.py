"""Tests of geodata._toponym_resolution through find_places: ranking homonyms, the place chosen,
roles, spans."""

from __future__ import annotations

import pytest

from geodata.gazetteer import Gazetteer
from geodata.geocoding import find_places, find_places_in_article
from tests.conftest import km_from, only_place


def test_countries_as_governments_are_actors(gazetteer: Gazetteer) -> None:
    mentions = find_places("Russia and Turkey agreed on a truce.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Russia", "actor"), ("Turkey", "actor")]


def test_possessive_country_is_an_actor(gazetteer: Gazetteer) -> None:
    assert only_place("Russia's defence ministry spoke.", gazetteer).role == "actor"


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Thousands fled into Turkey.", "Turkey"),
        ("Militants remain inside Syria.", "Syria"),
        ("The delegation flew to Russia.", "Russia"),
    ],
)
def test_countries_after_locative_words_are_locations(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = only_place(sentence, gazetteer)
    assert (mention.text, mention.role, mention.geo_precision) == (text, "location", "country")


def test_country_qualifying_a_venue_is_a_location_before_the_venue(gazetteer: Gazetteer) -> None:
    mentions = find_places("Both leaders met in Russia's Sochi.", gazetteer)
    assert [(m.text, m.place.place_id, m.role) for m in mentions] == [
        ("Russia", "country:RU", "location"),
        ("Sochi", "venue:sochi", "location"),
    ]


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
    mention = only_place(sentence, gazetteer)
    assert (mention.text, mention.place.place_id) == (text, "site:hmeimim-air-base")


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Talks under the Sochi agreement stalled.", "Sochi"),
        ("A new round of the Astana process opened.", "Astana"),
        ("They revived the Manbij road map.", "Manbij"),
    ],
)
def test_places_naming_agreements(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = only_place(sentence, gazetteer)
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


def test_us_abbreviation_keeps_its_full_stop(gazetteer: Gazetteer) -> None:
    mention = only_place("The U.S. envoy left.", gazetteer)
    assert (mention.text, mention.place.place_id) == ("U.S.", "country:US")


def test_same_governorate_wins_among_homonyms(tiny: Gazetteer) -> None:
    assert only_place("Smoke rose over Qasr.", tiny).place.place_id == "gn:12"  # more populous
    mentions = find_places("Smoke rose over Marj and Qasr.", tiny)
    assert [m.place.place_id for m in mentions] == ["gn:13", "gn:11"]  # same governorate


def test_capitals_joined_to_an_actor_are_actors(gazetteer: Gazetteer) -> None:
    mentions = find_places("Both Moscow and Ankara expected a deal.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Moscow", "actor"), ("Ankara", "actor")]


@pytest.mark.parametrize("name", ["al-Bab", "Al Bab", "Al-Bab"])
def test_article_belongs_to_the_name_as_written(gazetteer: Gazetteer, name: str) -> None:
    mention = only_place(f"Rebels entered {name} at dawn.", gazetteer)
    assert (mention.text, mention.place.place_id) == (name, "gn:174018")


def test_english_article_words_stay_out_of_the_span(gazetteer: Gazetteer) -> None:
    assert only_place("As Idlib burned, talks went on.", gazetteer).text == "Idlib"


def test_country_after_a_place_is_a_location(gazetteer: Gazetteer) -> None:
    mentions = find_places("Troops waited near Afrin, Syria, for orders.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Afrin", "location"), ("Syria", "location")]


def test_outlet_names_are_not_places(gazetteer: Gazetteer) -> None:
    assert find_places("The Daily Sabah reported it.", gazetteer) == ()


@pytest.mark.parametrize(
    "name", ["Turkey-Syria border", "Syrian-Turkish border", "Turkish border", "Turkish-Syrian border"]
)
def test_the_border_is_one_place(gazetteer: Gazetteer, name: str) -> None:
    mention = only_place(f"Convoys massed at the {name}.", gazetteer)
    assert (mention.text, mention.place.place_id, mention.role) == (name, "border:SY-TR", "location")
    assert 250 < mention.uncertainty_km < 450


def test_countries_on_a_border_are_locations(gazetteer: Gazetteer) -> None:
    mentions = find_places("Convoys massed on Turkey's border with Syria.", gazetteer)
    assert [(m.text, m.role) for m in mentions] == [("Turkey", "location"), ("Syria", "location")]


@pytest.mark.parametrize(
    "sentence", ["The Washington Post and Russia Today ran it.", "Syria Direct reported a strike."]
)
def test_outlet_names_give_no_place(gazetteer: Gazetteer, sentence: str) -> None:
    assert find_places(sentence, gazetteer) == ()


@pytest.mark.parametrize("name", ["Reyhanlı", "Reyhanli", "REYHANLI", "Reyhanli̇"])
def test_reyhanli_in_hatay(gazetteer: Gazetteer, name: str) -> None:
    mention = only_place(f"Refugees crossed to {name} overnight.", gazetteer)
    assert (mention.place.place_id, mention.place.country, mention.place.admin1) == (
        "town:reyhanli",
        "TR",
        "TR.31",
    )
    assert gazetteer["admin1:TR.31"].name == "Hatay"
    assert km_from(mention, 36.567, 36.268) < 5


@pytest.mark.parametrize(
    ("name", "country", "lon", "lat"),
    [
        ("Mosul", "IQ", 43.12, 36.34),
        ("Erbil", "IQ", 44.01, 36.19),
        ("Gaza", "PS", 34.47, 31.50),
        ("Jerusalem", "IL", 35.22, 31.77),
        ("Tabriz", "IR", 46.29, 38.08),
        ("Samos", "GR", 26.98, 37.75),
        ("Kilis", "TR", 37.12, 36.72),
        ("Akçakale", "TR", 38.95, 36.71),
        ("Ceylanpınar", "TR", 40.05, 36.85),
        ("Nusaybin", "TR", 41.21, 37.07),
        ("Gaziantep", "TR", 37.38, 37.06),
        ("Şanlıurfa", "TR", 38.79, 37.17),
        ("Geneva", "CH", 6.15, 46.20),
        ("Nur-Sultan", "KZ", 71.45, 51.18),
        ("Tehran", "IR", 51.42, 35.69),
    ],
)
def test_places_of_the_region_are_where_they_are(
    gazetteer: Gazetteer, name: str, country: str, lon: float, lat: float
) -> None:
    mention = only_place(f"Officials met in {name} on Monday.", gazetteer)
    assert mention.place.country == country
    assert km_from(mention, lon, lat) < 15


@pytest.mark.parametrize("name", ["Samos", "Sinjar", "Lesbos", "Chios", "Oz", "Atlantis"])
def test_a_place_is_found_or_left_unlocated_never_another(gazetteer: Gazetteer, name: str) -> None:
    # Whatever the gazetteer knows, a name never lands on an unrelated place (Samos on Damascus).
    for mention in find_places(f"Migrants reached {name} by boat.", gazetteer):
        assert mention.text == name
        assert gazetteer.lookup(name), name
        assert mention.place in gazetteer.lookup(name) or mention.place.place_id in {
            p.seat_of for p in gazetteer.lookup(name)
        }


def test_sinjar_in_iraq_or_in_syria_from_the_context(gazetteer: Gazetteer) -> None:
    iraq = [
        "Yazidis returned to the Iraqi town of Sinjar.",
        "Iraq's Sinjar was retaken.",
        "Fighting spread from Mosul to Sinjar.",
    ]
    for sentence in iraq:
        sinjar = find_places(sentence, gazetteer)[-1]
        assert (sinjar.text[-6:], sinjar.place.country) == ("Sinjar", "IQ"), sentence
    syria = find_places("Government troops took Sinjar, east of Khan Shaykhun.", gazetteer)[0]
    assert (syria.text, syria.place.country, syria.place.admin1) == ("Sinjar", "SY", "SY07")


def test_tripoli_follows_the_country_named(gazetteer: Gazetteer) -> None:
    assert (
        find_places_in_article(
            ["Syrian mercenaries fought near Tripoli.", "Libya's war went on."], gazetteer
        )[0][0].place.country
        == "LY"
    )
    assert only_place("Refugees reached Tripoli by bus.", gazetteer).place.country == "LB"  # nearer Syria


def test_turkey_is_a_point_inside_turkey_not_ankara(gazetteer: Gazetteer) -> None:
    mention = only_place("Thousands fled into Turkey.", gazetteer)
    assert mention.place.place_id == "country:TR"
    assert km_from(mention, 35.0, 39.0) < 80  # central Anatolia
    assert km_from(mention, 32.85, 39.93) > 150  # Ankara
    assert mention.uncertainty_km > 500


def test_foreign_provinces_and_their_seats(gazetteer: Gazetteer) -> None:
    assert only_place("Shells fell in Hatay province.", gazetteer).place.place_id == "admin1:TR.31"
    assert (
        only_place("Shells fell in Hatay.", gazetteer).place.place_id == "admin1:TR.31"
    )  # Antakya's alternate name
    assert only_place("Shells fell in Kilis province.", gazetteer).place.place_id == "admin1:TR.90"
    assert only_place("Shells fell on Kilis.", gazetteer).place.place_id == "town:kilis"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Pro-Damascus militias advanced.", [("Damascus", "actor")]),
        ("The Idlib-based group denied it.", []),
        ("US-led coalition jets struck.", [("US", "actor")]),
        ("The Reyhanli-based charity helped.", []),
    ],
)
def test_hyphenated_modifiers_are_no_sites(
    gazetteer: Gazetteer, sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert [(m.text, m.role) for m in find_places(sentence, gazetteer)] == expected


def test_a_capital_that_will_host_is_a_place_not_an_actor(gazetteer: Gazetteer) -> None:
    (ankara,) = find_places("Ankara will host the next round.", gazetteer)
    assert ankara.role == "location"
    (moscow,) = find_places("Moscow will send more troops.", gazetteer)
    assert moscow.role == "actor"
