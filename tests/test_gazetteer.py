"""Tests of geodata.gazetteer: normalisation, lookup by alias, loading and validation."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geodata import settings
from geodata._errors import DataError
from geodata.gazetteer import (
    COLUMNS,
    KINDS,
    Gazetteer,
    Place,
    load_gazetteer,
    normalise,
    validate_gazetteer,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


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
