"""Tests of geodata.geocoding.find_places: matching, precision, roles, offsets."""

from __future__ import annotations

from pathlib import Path

import pyproj
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geodata.gazetteer import Gazetteer, load_gazetteer
from geodata.geocoding import Mention, article_context, find_places, find_places_in_article

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
        ("Villages in Idleb province emptied.", "Idleb province"),
        ("Fighting spread to Idlib's countryside.", "Idlib's countryside"),
        ("Strikes hit rural Idlib.", "Idlib"),
        ("Aid convoys crossed the villages of Idlib.", "Idlib"),
    ],
)
def test_regional_idlib_is_the_governorate(gazetteer: Gazetteer, sentence: str, text: str) -> None:
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.place.place_id) == (text, "SY07")
    assert mention.geo_precision == "governorate"
    assert mention.uncertainty_km == gazetteer["SY07"].uncertainty_km > 20
    assert mention.role == "location"


# Changed on purpose (issue 11): a bare governorate seat's name used to be the governorate
# ("Convoys went to Idlib."); it is now the city unless the text gives a governorate cue, here or
# elsewhere in the article (see test_article_context_*).
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
    assert _one(sentence, gazetteer).place.place_id == place_id


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
        ("Militants remain inside Syria.", "Syria"),
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


# Changed on purpose (issue 11): the qualifying country used to give no mention; it names where
# the next place is, so it is a location too (news gold toponyms count it).
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


# Changed on purpose (issue 11): "the Turkey-Syria border" used to give the two countries; the
# border is now a feature of its own (a point on it, a radius covering it).
@pytest.mark.parametrize(
    "name", ["Turkey-Syria border", "Syrian-Turkish border", "Turkish border", "Turkish-Syrian border"]
)
def test_the_border_is_one_place(gazetteer: Gazetteer, name: str) -> None:
    mention = _one(f"Convoys massed at the {name}.", gazetteer)
    assert (mention.text, mention.place.place_id, mention.role) == (name, "border:SY-TR", "location")
    assert 250 < mention.uncertainty_km < 450


def test_countries_on_a_border_are_locations(gazetteer: Gazetteer) -> None:
    mentions = find_places("Convoys massed on Turkey's border with Syria.", gazetteer)
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


# --- the region (issue 11) ------------------------------------------------------------------


def _km(a: Mention, lon: float, lat: float) -> float:
    return float(pyproj.Geod(ellps="WGS84").inv(a.lon, a.lat, lon, lat)[2]) / 1000


@pytest.mark.parametrize("name", ["Reyhanlı", "Reyhanli", "REYHANLI", "Reyhanli̇"])
def test_reyhanli_in_hatay(gazetteer: Gazetteer, name: str) -> None:
    mention = _one(f"Refugees crossed to {name} overnight.", gazetteer)
    assert (mention.place.place_id, mention.place.country, mention.place.admin1) == (
        "town:reyhanli",
        "TR",
        "TR.31",
    )
    assert gazetteer["admin1:TR.31"].name == "Hatay"
    assert _km(mention, 36.567, 36.268) < 5


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
    mention = _one(f"Officials met in {name} on Monday.", gazetteer)
    assert mention.place.country == country
    assert _km(mention, lon, lat) < 15


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
    assert _one("Refugees reached Tripoli by bus.", gazetteer).place.country == "LB"  # nearer Syria


def test_turkey_is_a_point_inside_turkey_not_ankara(gazetteer: Gazetteer) -> None:
    mention = _one("Thousands fled into Turkey.", gazetteer)
    assert mention.place.place_id == "country:TR"
    assert _km(mention, 35.0, 39.0) < 80  # central Anatolia
    assert _km(mention, 32.85, 39.93) > 150  # Ankara
    assert mention.uncertainty_km > 500


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
    mention = _one(sentence, gazetteer)
    assert (mention.text, mention.place.place_id, mention.role) == (text, place_id, "location")
    parent = gazetteer["country:SY" if "country" in place_id else place_id.split(":")[1]]
    assert mention.uncertainty_km < parent.uncertainty_km
    assert _km(mention, parent.lon, parent.lat) < parent.uncertainty_km


def test_a_direction_without_a_part_keeps_the_country(gazetteer: Gazetteer) -> None:
    mention = _one("Jets struck targets in northern Iraq.", gazetteer)
    assert (mention.text, mention.place.place_id, mention.geo_precision) == ("Iraq", "country:IQ", "country")


def test_besieged_eastern_aleppo_is_the_city(gazetteer: Gazetteer) -> None:
    assert _one("Aid never reached besieged eastern Aleppo.", gazetteer).place.place_id == "gn:170063"


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


def test_foreign_provinces_and_their_seats(gazetteer: Gazetteer) -> None:
    assert _one("Shells fell in Hatay province.", gazetteer).place.place_id == "admin1:TR.31"
    assert (
        _one("Shells fell in Hatay.", gazetteer).place.place_id == "admin1:TR.31"
    )  # Antakya's alternate name
    assert _one("Shells fell in Kilis province.", gazetteer).place.place_id == "admin1:TR.90"
    assert _one("Shells fell on Kilis.", gazetteer).place.place_id == "town:kilis"


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


def test_the_news_agency_sana_is_not_sanaa(gazetteer: Gazetteer) -> None:
    assert find_places("SANA reported the strike.", gazetteer) == ()


def test_seat_names_listed_with_governorates_are_governorates(gazetteer: Gazetteer) -> None:
    listed = find_places("Four zones were set up in Idlib, Aleppo, Latakia and Homs.", gazetteer)
    assert [m.place.place_id for m in listed] == ["SY07", "SY02", "SY06", "SY04"]
    road = find_places("Traffic resumed between Aleppo and Damascus.", gazetteer)
    assert [m.place.place_id for m in road] == ["gn:170063", "gn:170654"]  # Damascus is a city


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


def test_a_capital_that_will_host_is_a_place_not_an_actor(gazetteer: Gazetteer) -> None:
    (ankara,) = find_places("Ankara will host the next round.", gazetteer)
    assert ankara.role == "location"
    (moscow,) = find_places("Moscow will send more troops.", gazetteer)
    assert moscow.role == "actor"
