"""Searching the gazetteer by name or alias (``geodata/place_search.py``)."""

from __future__ import annotations

import pytest

from geodata.gazetteer import Gazetteer
from geodata.place_search import search_places


@pytest.mark.parametrize(
    ("query", "place_id"),
    [
        ("Saraqib", "gn:164816"),
        ("Khan Sheikhoun", "gn:168325"),  # an alias: the name matched is shown
        ("khan shaykh", "gn:168325"),  # as typed, unfinished
        ("Maarat al-Numan", "gn:167611"),
        ("Ma'arrat an-Nu'man", "gn:167611"),
        ("SY07", "SY07"),  # a place id
    ],
)
def test_names_aliases_spellings_and_ids_find_the_place(
    gazetteer: Gazetteer, query: str, place_id: str
) -> None:
    found = search_places(query, gazetteer, limit=5)
    assert place_id in [m.place_id for m in found]


def test_an_exact_name_comes_first_and_the_area_before_the_town(gazetteer: Gazetteer) -> None:
    found = search_places("Idlib", gazetteer)
    assert [m.place_id for m in found[:2]] == ["SY07", "gn:169389"]  # the governorate, then the city
    assert (found[0].matched, found[0].name) == ("Idlib", "Idleb")
    assert found[1].lon == pytest.approx(36.63, abs=0.05)


def test_nothing_to_search_finds_nothing_and_the_limit_holds(gazetteer: Gazetteer) -> None:
    assert search_places("", gazetteer) == []
    assert search_places("al-", gazetteer) == []  # only an Arabic article
    assert search_places("zzzzqqq", gazetteer) == []
    assert len(search_places("a", gazetteer, limit=3)) == 3
