"""Tests for geodata.place_mentions: the project finder and its candidates, and the choices among
mentions (located, vague, finest)."""

from __future__ import annotations

from _fake_places import fake_find_places

from geodata.gazetteer import load_gazetteer
from geodata.place_mentions import (
    GazetteerPlaceFinder,
    candidate_ids,
    default_place_finder,
    finest,
    located,
    vague,
)


def test_the_project_finder_tells_the_candidates_it_chose_among() -> None:
    finder = default_place_finder(load_gazetteer())
    assert isinstance(finder, GazetteerPlaceFinder)
    (mention,) = [m for m in finder("Shelling hit Saraqib on Monday.") if m.text == "Saraqib"]
    candidates = finder.candidates(mention)
    assert candidates[0] == mention.place.place_id
    assert len(set(candidates)) == len(candidates)


def test_a_plain_finder_considered_only_the_place_it_gave() -> None:
    (mention,) = fake_find_places("Shelling hit Saraqib.")
    assert candidate_ids(fake_find_places, mention) == ("test:saraqib",)
    assert candidate_ids(fake_find_places, None) == ()


def test_finest_prefers_syria_then_precision_then_the_first() -> None:
    mentions = fake_find_places("Talks in Moscow on Idlib and Saraqib, then Afrin.")
    assert finest(mentions).text == "Saraqib"
    assert finest(fake_find_places("Talks in Moscow and Sochi.")).text == "Moscow"
    assert finest([]) is None


def test_a_country_is_vague_and_a_name_does_not_locate() -> None:
    (country,) = fake_find_places("Shelling in Syria.")
    assert vague(country)
    assert [m.text for m in located(fake_find_places("The Sochi agreement held in Idlib."))] == ["Idlib"]
