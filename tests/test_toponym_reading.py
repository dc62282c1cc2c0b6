"""Tests of geodata._toponym_reading through find_places: which names count, and the words around
a name (governorate or town, district, directions)."""

from __future__ import annotations

import pytest

from geodata.gazetteer import Gazetteer
from geodata.geocoding import find_places
from tests.conftest import km_from, only_place


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Shells fell across Idlib province today.", "Idlib province"),
        ("Troops moved into the governorate of Idlib.", "governorate of Idlib"),
        ("Villages in Idleb province emptied.", "Idleb province"),
        ("Fighting spread to Idlib's countryside.", "Idlib's countryside"),
        ("Strikes hit rural Idlib.", "Idlib"),
        ("Aid convoys crossed the villages of Idlib.", "Idlib"),
    ],
)
def test_regional_idlib_is_the_governorate(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = only_place(sentence, gazetteer)
    assert (mention.text, mention.place.place_id) == (text, "SY07")
    assert mention.geo_precision == "governorate"
    assert mention.uncertainty_km == gazetteer["SY07"].uncertainty_km > 20
    assert mention.role == "location"


@pytest.mark.parametrize(
    "sentence",
    ["Convoys went to Idlib.", "Aid reached Syria's Idlib at last.", "Residents fled Idlib's streets."],
)
def test_bare_seat_name_is_the_city(gazetteer: Gazetteer, sentence: str) -> None:
    mentions = [m for m in find_places(sentence, gazetteer) if m.place.kind != "country"]
    assert [(m.place.place_id, m.geo_precision) for m in mentions] == [("gn:169389", "town")]


@pytest.mark.parametrize(
    ("sentence", "place_id"),
    [
        ("Residents of besieged Aleppo queued for bread.", "gn:170063"),
        ("Barrel bombs fell on the eastern neighbourhoods of Aleppo.", "gn:170063"),
        ("The siege of Aleppo ended in December.", "gn:170063"),
        ("Shelling hit villages in Aleppo province.", "SY02"),
        ("Shelling hit the Aleppo countryside.", "SY02"),
        ("IS fighters left Raqqa's streets.", "gn:172955"),
        ("Airstrikes hit Raqqa province.", "SY11"),
        ("Rebels shelled the city of Hama.", "gn:170017"),
        ("Rebels advanced in northern Hama countryside.", "part:SY05:north"),
    ],
)
def test_city_or_governorate_from_the_words_around(
    gazetteer: Gazetteer, sentence: str, place_id: str
) -> None:
    assert only_place(sentence, gazetteer).place.place_id == place_id


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Shops opened in Idlib city.", "Idlib city"),
        ("The city of Idlib was calm.", "city of Idlib"),
    ],
)
def test_idlib_city_is_the_town(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = only_place(sentence, gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == (
        text,
        "gn:169389",
        "town",
    )


def test_damascus_bare_is_the_city(gazetteer: Gazetteer) -> None:
    mention = only_place("Buses left for Damascus.", gazetteer)
    assert (mention.place.place_id, mention.geo_precision) == ("gn:170654", "town")


def test_town_countryside_is_district(gazetteer: Gazetteer) -> None:
    mention = only_place("Raids hit the Manbij countryside.", gazetteer)
    assert (mention.place.place_id, mention.geo_precision) == ("gn:167357", "district")
    assert mention.uncertainty_km >= 15


@pytest.mark.parametrize(
    "sentence",
    ["Turkish forces crossed the line.", "A Syrian and an Iranian envoy met Kurdish leaders."],
)
def test_demonyms_are_not_places(gazetteer: Gazetteer, sentence: str) -> None:
    assert find_places(sentence, gazetteer) == ()


@pytest.mark.parametrize(
    "name", ["Maarat al-Numan", "Ma'arrat an-Nu'man", "Maarat al-Nouman", "Ma‘arrat an Nu‘mān"]
)
def test_maarat_variants_are_one_town(gazetteer: Gazetteer, name: str) -> None:
    mention = only_place(f"Residents returned to {name} on foot.", gazetteer)
    assert (mention.text, mention.place.place_id) == (name, "gn:167611")


@pytest.mark.parametrize("name", ["Tronba", "Trumba", "Tarnabah"])
def test_tronba_variants(gazetteer: Gazetteer, name: str) -> None:
    assert only_place(f"The patrol started at {name}.", gazetteer).place.place_id == "town:tronba"


def test_lower_case_words_are_not_places(gazetteer: Gazetteer) -> None:
    # "hama" and "bab" are aliases, but not written like names here.
    assert find_places("the hama and bab of it all", gazetteer) == ()


def test_demonym_alias_in_the_file_is_ignored(tiny: Gazetteer) -> None:
    assert find_places("Turkish troops.", tiny) == ()


@pytest.mark.parametrize(
    ("sentence", "text", "place_id"),
    [
        ("Strikes hit rural Damascus overnight.", "rural Damascus", "SY03"),
        ("Strikes hit eastern Ghouta overnight.", "eastern Ghouta", "region:eastern-ghouta"),
    ],
)
def test_lower_case_leading_words(gazetteer: Gazetteer, sentence: str, text: str, place_id: str) -> None:
    mention = only_place(sentence, gazetteer)
    assert (mention.text, mention.place.place_id) == (text, place_id)


def test_leading_word_alone_is_not_a_name(gazetteer: Gazetteer) -> None:
    # "north" opens no alias on its own and is written in lower case: nothing to find.
    assert find_places("They moved north and west.", gazetteer) == ()


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
    mention = only_place(sentence, gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == (text, place_id, "district")
    assert mention.uncertainty_km >= 15


def test_facility_of_a_seat_is_the_town(gazetteer: Gazetteer) -> None:
    mention = only_place("Drones hit the Tartus naval base.", gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == ("Tartus", "gn:163345", "town")


@pytest.mark.parametrize(
    ("sentence", "text", "place_id"),
    [
        ("Strikes hit northwest Syria.", "northwest Syria", "part:country:SY:northwest"),
        ("Kurdish forces in north-east Syria regrouped.", "north-east Syria", "part:country:SY:northeast"),
        ("Rebels hold the north of Syria.", "north of Syria", "part:country:SY:north"),
        ("Strikes hit southern Idlib.", "southern Idlib", "part:SY07:south"),
        (
            "Villages in northwestern Idleb province emptied.",
            "northwestern Idleb province",
            "part:SY07:northwest",
        ),
        (
            "Fighting spread to Idlib's southern countryside.",
            "Idlib's southern countryside",
            "part:SY07:south",
        ),
        ("Troops shelled the northern districts of Hama.", "northern districts of Hama", "part:SY05:north"),
    ],
)
def test_directions_give_the_part_of_a_governorate_or_of_syria(
    gazetteer: Gazetteer, sentence: str, text: str, place_id: str
) -> None:
    mention = only_place(sentence, gazetteer)
    assert (mention.text, mention.place.place_id, mention.role) == (text, place_id, "location")
    parent = gazetteer["country:SY" if "country" in place_id else place_id.split(":")[1]]
    assert mention.uncertainty_km < parent.uncertainty_km
    assert km_from(mention, parent.lon, parent.lat) < parent.uncertainty_km


def test_a_direction_without_a_part_keeps_the_country(gazetteer: Gazetteer) -> None:
    mention = only_place("Jets struck targets in northern Iraq.", gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == ("Iraq", "country:IQ", "country")


def test_besieged_eastern_aleppo_is_the_city(gazetteer: Gazetteer) -> None:
    assert only_place("Aid never reached besieged eastern Aleppo.", gazetteer).place.place_id == "gn:170063"


@pytest.mark.parametrize(
    "sentence",
    [
        "Vladimir Putin met Recep Tayyip Erdogan.",
        "Defence Minister Hulusi Akar said so.",
        "Interior Minister Suleyman Soylu spoke.",
        "Rami Abdulrahman heads the monitor.",
        "David Cameron and Ariel Sharon were not there.",
    ],
)
def test_personal_names_are_not_places(gazetteer: Gazetteer, sentence: str) -> None:
    assert find_places(sentence, gazetteer) == ()


def test_alternate_names_abroad_need_their_country(gazetteer: Gazetteer) -> None:
    # "Hawler" is a GeoNames alternate name of Erbil: alone it is weak evidence.
    assert find_places("Hawler hosted the meeting.", gazetteer) == ()
    mentions = find_places("Hawler, in Iraq, hosted the meeting.", gazetteer)
    assert [m.place.place_id for m in mentions] == ["gn:95446", "country:IQ"]


def test_the_news_agency_sana_is_not_sanaa(gazetteer: Gazetteer) -> None:
    assert find_places("SANA reported the strike.", gazetteer) == ()


def test_seat_names_listed_with_governorates_are_governorates(gazetteer: Gazetteer) -> None:
    listed = find_places("Four zones were set up in Idlib, Aleppo, Latakia and Homs.", gazetteer)
    assert [m.place.place_id for m in listed] == ["SY07", "SY02", "SY06", "SY04"]
    road = find_places("Traffic resumed between Aleppo and Damascus.", gazetteer)
    assert [m.place.place_id for m in road] == ["gn:170063", "gn:170654"]  # Damascus is a city
