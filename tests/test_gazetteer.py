"""Tests of geodata.gazetteer: normalisation, lookup by alias, loading and validation."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pyproj
import pytest
import shapely
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geodata import settings
from geodata._errors import DataError
from geodata.gazetteer import (
    COLUMNS,
    KINDS,
    PART_CODE,
    PART_DIRECTIONS,
    Gazetteer,
    Place,
    load_gazetteer,
    normalise,
    part_id,
    validate_gazetteer,
)

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IDLIB", "idlib"),
        ("Sarāqib", "saraqib"),
        ("Ma‘arrat an-Nu‘mān", "marat numan"),
        ("Ma'arrat al-Nu'man", "marat numan"),
        ("Maarat al-Numan", "marat numan"),
        ("Dar'a", "dara"),
        ("Daraa", "dara"),
        ("Deir-ez-Zor", "deir zor"),
        ("Deir ez Zor", "deir zor"),
        ("Al-Bab", "bab"),
        ("Jisr ash-Shughur", "jisr shughur"),
        ("İdlib", "idlib"),
        ("  Khan   Shaykhun ", "khan shaykhun"),
        ("U.S.", "u s"),
        ("al-", ""),
        # A final silent h after a vowel is a spelling variant; a short word or a consonant keeps it.
        ("Tal Hamidiyah", "tal hamidiya"),
        ("Tal Hamidiya", "tal hamidiya"),
        ("Kafr Nabbuddah", "kafr nabuda"),
        ("Shah", "shah"),
        ("Sheikh", "sheikh"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_keeps_articles_inside_words() -> None:
    # Only whole tokens are articles: "Aleppo", "Ankara", "Astana" keep their first letters.
    assert normalise("Aleppo Ankara Astana Ashma") == "alepo ankara astana ashma"


@hypothesis_settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@hypothesis_settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.text(alphabet=st.characters(codec="latin-1"), max_size=30))
def test_normalise_ignores_case(text: str) -> None:
    assert normalise(text.upper()) == normalise(text.lower()) == normalise(text)


ALIAS_GROUPS = [
    ("gn:169389", ["Idlib", "Idleb"]),
    ("SY07", ["Idleb", "Idlib"]),
    ("gn:168325", ["Khan Shaykhun", "Khan Sheikhoun", "Khan Cheikhoun", "Khān Shaykhūn"]),
    ("gn:164816", ["Saraqib", "Sarakeb", "Saraqeb"]),
    (
        "gn:167611",
        ["Maarat al-Numan", "Ma'arrat an-Nu'man", "Maarat al-Nouman", "Ma‘arrat an Nu‘mān"],
    ),
    ("site:hmeimim-air-base", ["Hmeimim", "Khmeimim", "Hmeimim air base"]),
    ("town:tronba", ["Tronba", "Trumba", "Tarnabah"]),
    ("town:ain-al-havr", ["Ain al-Havr", "Ain al-Hawr", "Ain Hour"]),
    ("SY06", ["Lattakia", "Latakia"]),
    ("SY12", ["Dar'a", "Daraa"]),
    ("SY09", ["Deir-ez-Zor", "Deir ez-Zor"]),
    ("SY11", ["Raqqa", "Ar-Raqqa"]),
    ("SY08", ["Hasakah", "Al-Hasakeh"]),
    ("SY13", ["Sweida", "Suwayda", "As-Sweida"]),
    ("SY10", ["Tartus", "Tartous"]),
    ("SY14", ["Quneitra"]),
    ("SY03", ["Damascus countryside", "Rif Dimashq", "Rural Damascus"]),
    ("venue:astana", ["Astana", "Nur-Sultan"]),
    ("country:US", ["US", "U.S.", "USA", "America", "United States"]),
    ("route:m4", ["M4", "M4 highway", "Aleppo-Latakia highway"]),
    ("route:m5", ["M5", "M5 highway"]),
    ("site:nasib-crossing", ["Nasib crossing", "Nassib"]),
    ("region:eastern-ghouta", ["Eastern Ghouta", "East Ghouta"]),
    ("region:jabal-al-zawiya", ["Jabal al-Zawiya", "Jebel Zawiya"]),
    ("site:mount-barsaya", ["Mount Barsaya", "Jabal Barsaya"]),
    ("site:bab-al-hawa", ["Bab al-Hawa", "Bab el-Hawa"]),
]


@pytest.mark.parametrize(("place_id", "aliases"), ALIAS_GROUPS)
def test_aliases_find_the_place(gazetteer: Gazetteer, place_id: str, aliases: list[str]) -> None:
    for alias in aliases:
        ids = {p.place_id for p in gazetteer.lookup(alias)}
        assert place_id in ids, alias


@pytest.mark.parametrize("word", ["Syrian", "Turkish", "Russian", "Kurdish", "Tell", "the"])
def test_demonyms_and_common_words_are_not_places(gazetteer: Gazetteer, word: str) -> None:
    assert gazetteer.lookup(word) == ()


def test_stored_order_is_lon_lat(gazetteer: Gazetteer) -> None:
    idlib = gazetteer["gn:169389"]
    assert (round(idlib.lon, 2), round(idlib.lat, 2)) == (36.63, 35.93)


def test_every_governorate_is_there_with_a_radius(gazetteer: Gazetteer) -> None:
    governorates = [p for p in gazetteer if p.kind == "governorate"]
    assert sorted(p.place_id for p in governorates) == [f"SY{i:02d}" for i in range(1, 15)]
    assert all(p.uncertainty_km > 0 and p.admin1 == p.place_id for p in governorates)


def test_governorate_seats_point_to_their_governorate(gazetteer: Gazetteer) -> None:
    assert gazetteer["gn:169389"].seat_of == "SY07"
    assert gazetteer["gn:170063"].seat_of == "SY02"


def test_kinds_present(gazetteer: Gazetteer) -> None:
    assert {p.kind for p in gazetteer} == set(KINDS)


def test_real_gazetteer_validates() -> None:
    errors = [p for p in validate_gazetteer() if p.severity == "error"]
    assert errors == []


def test_broken_rows_are_reported_with_their_line() -> None:
    problems = validate_gazetteer(DATA / "gazetteer_broken.csv")
    by_line: dict[str, list[str]] = {}
    for problem in problems:
        by_line.setdefault(str(problem.feature), []).append(problem.message)
    assert "line 2" not in by_line  # the good row
    assert any("outside Syria's outline" in m for m in by_line["line 3"])
    assert any("duplicate place_id" in m for m in by_line["line 4"])
    assert any("unknown kind" in m for m in by_line["line 5"])
    assert any("source is empty" in m for m in by_line["line 6"])
    assert any("lon is not a number" in m for m in by_line["line 7"])
    assert any("pcode" in m for m in by_line["line 8"])
    assert any("uncertainty_km" in m for m in by_line["line 8"])
    assert any("<country>.<GeoNames admin1 code>" in m for m in by_line["line 9"])
    assert any("seat of unknown" in m for m in by_line["line 10"])
    assert all("gazetteer_broken.csv" in p.file for p in problems)


def test_missing_columns_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("place_id,name\nx,y\n", encoding="utf-8")
    (problem,) = validate_gazetteer(path)
    assert "missing columns" in problem.message
    assert "lon" in problem.message


def test_load_raises_with_every_problem() -> None:
    with pytest.raises(DataError) as info:
        load_gazetteer(DATA / "gazetteer_broken.csv")
    assert len(info.value.problems) >= 6


def test_duplicate_ids_are_refused() -> None:
    place = Place("x", "X", "town", 36.0, 35.0, 1.0, "SY07", "SY", "test")
    with pytest.raises(ValueError, match="duplicate"):
        Gazetteer([place, place])


def test_file_is_what_the_build_script_writes() -> None:
    sys.path.insert(0, str(settings.ROOT / "gazetteer"))
    import build_gazetteer

    rows = build_gazetteer.build()
    with settings.GAZETTEER_FILE.open(encoding="utf-8", newline="") as handle:
        stored = list(csv.DictReader(handle))
    assert len(stored) == len(rows)
    assert [r["place_id"] for r in stored] == [str(r["place_id"]) for r in rows]
    assert all(
        stored_row[c] == str(row[c]) for stored_row, row in zip(stored, rows, strict=True) for c in COLUMNS
    )


def test_normalise_keeps_repeated_digits() -> None:
    assert normalise("post 11") == "post 11"
    assert normalise("Post 11") != normalise("Post 1")


def test_geonames_admin1_codes_map_to_one_pcode_each(gazetteer: Gazetteer) -> None:
    # Data lint: point-in-polygon admin1 must agree with GeoNames' own admin1 grouping.
    source = settings.ROOT / "gazetteer" / "sources" / "geonames_cities500_SY.tsv"
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        codes = {row["geonameid"]: row["admin1_code"] for row in reader}
    pcodes: dict[str, set[str]] = {}
    for place in gazetteer:
        if place.place_id[3:] in codes:  # the Syrian extract (not the 2020 snapshot's additions)
            pcodes.setdefault(codes[place.place_id[3:]], set()).add(place.admin1)
    assert len(pcodes) == 14
    assert all(len(found) == 1 for found in pcodes.values())


# --- the region (issue 11) ------------------------------------------------------------------

GAZETTEER_DIR = settings.ROOT / "gazetteer"


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(pyproj.Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2]) / 1000


def test_own_gazetteer_validates_without_warnings() -> None:
    assert validate_gazetteer() == []


def test_region_subset_follows_the_selection() -> None:
    with (GAZETTEER_DIR / "geonames_selection.csv").open(encoding="utf-8", newline="") as handle:
        rules = {"/".join((r["country"], r["admin1"], r["min_population"])) for r in csv.DictReader(handle)}
    with (GAZETTEER_DIR / "sources" / "geonames_cities500_SY.tsv").open(
        encoding="utf-8", newline=""
    ) as handle:
        syrian = {r["geonameid"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    with (GAZETTEER_DIR / "sources" / "geonames_region.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows
    assert all(r["selected_by"] in rules for r in rows)
    assert not {r["geonameid"] for r in rows} & syrian  # Syria's own extract is not duplicated
    for row in rows:
        rule = row["selected_by"].split("/")
        if rule[1] not in ("*", "capital"):
            assert (row["countrycode"], row["admin1code"]) == (rule[0], rule[1])
        if rule[1] != "capital":
            assert int(row["population"]) >= int(rule[2])


def test_countries_are_points_inside_with_a_large_radius(gazetteer: Gazetteer) -> None:
    countries = [p for p in gazetteer if p.kind == "country"]
    assert len(countries) > 150
    assert all(p.uncertainty_km >= 20 and p.place_id == f"country:{p.country}" for p in countries)
    turkey = gazetteer["country:TR"]
    assert _km(turkey.lon, turkey.lat, 32.85, 39.93) > 150  # not Ankara
    assert _km(turkey.lon, turkey.lat, 35.0, 39.0) < 80  # central Anatolia
    assert 700 < turkey.uncertainty_km < 1000  # Edirne and the Iranian border lie within it


def test_a_country_with_a_geonames_point_sits_there(gazetteer: Gazetteer) -> None:
    # A large country whose interior point lies far from GeoNames' country feature is placed at
    # the latter (countries.csv lon, lat), keeping its Natural Earth radius.
    with (settings.ROOT / "gazetteer" / "countries.csv").open(encoding="utf-8", newline="") as handle:
        pinned = {row["iso"]: row for row in csv.DictReader(handle) if row["lon"]}
    assert {"RU", "CN", "IR"} <= set(pinned)
    for iso, row in pinned.items():
        place = gazetteer[f"country:{iso}"]
        assert (place.lon, place.lat) == (float(row["lon"]), float(row["lat"]))
        assert "GeoNames country feature" in place.source
    russia = gazetteer["country:RU"]
    assert _km(russia.lon, russia.lat, 37.62, 55.76) > 2000  # not Moscow
    assert russia.uncertainty_km > 3000


def _polygons() -> dict[str, shapely.Geometry]:
    shapes = {}
    for path, key in ((settings.GOVERNORATES_FILE, "pcode"), (settings.OUTLINE_FILE, None)):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            pid = feature["properties"][key] if key else "country:SY"
            shapes[pid] = shapely.union_all(
                [shapes.get(pid, shapely.Point()), shapely.geometry.shape(feature["geometry"])]
            )
    return shapes


def test_parts_lie_inside_their_parent(gazetteer: Gazetteer) -> None:
    for parent_id, polygon in _polygons().items():
        parent = gazetteer[parent_id]
        for direction in PART_DIRECTIONS:
            part = gazetteer[part_id(parent_id, direction)]
            assert part.feature_code == PART_CODE
            assert polygon.buffer(0.01).contains(shapely.Point(part.lon, part.lat)), part.place_id
            # Half a governorate is as wide as the governorate: its circle is about as large.
            assert part.uncertainty_km <= 1.15 * parent.uncertainty_km, part.place_id
    north, south = gazetteer[part_id("SY07", "north")], gazetteer[part_id("SY07", "south")]
    assert north.lat > gazetteer["SY07"].lat > south.lat
    assert gazetteer.lookup("southern Idleb") == ()  # reached by direction, not by name


def test_foreign_provinces_cover_their_towns(gazetteer: Gazetteer) -> None:
    hatay = gazetteer["admin1:TR.31"]
    towns = [p for p in gazetteer if p.admin1 == "TR.31" and p.kind in ("town", "venue")]
    assert {"town:reyhanli", "town:antakya"} <= {p.place_id for p in towns}
    assert all(_km(p.lon, p.lat, hatay.lon, hatay.lat) <= hatay.uncertainty_km for p in towns)
    assert gazetteer["town:antakya"].seat_of == "admin1:TR.31"


def test_syria_turkey_border_spans_the_border(gazetteer: Gazetteer) -> None:
    border = gazetteer["border:SY-TR"]
    # Ras al-Bassit on the coast and the Tigris tripoint, the two ends of the border.
    for lon, lat in ((35.92, 35.92), (42.36, 37.11)):
        assert _km(border.lon, border.lat, lon, lat) <= border.uncertainty_km


def test_alternate_names_are_kept_apart(gazetteer: Gazetteer) -> None:
    erbil = gazetteer["gn:95446"]
    assert gazetteer.is_alternate("hawler", erbil)
    assert not gazetteer.is_alternate("erbil", erbil)
    assert erbil in gazetteer.lookup("Hawler")


def test_place_names_in_arabic_script_are_found(gazetteer: Gazetteer) -> None:
    assert "gn:169389" in {p.place_id for p in gazetteer.lookup("إدلب")}


def test_loaded_gazetteer_has_the_automaton_keys(gazetteer: Gazetteer) -> None:
    text = " " + " ".join(["khan shaykhun", "idlib", "nowhere"]) + " "
    assert [key for _, _, key in gazetteer.find_keys(text)] == ["khan shaykhun", "idlib"]
