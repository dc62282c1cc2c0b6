"""Tests for geodata.roles: the site attached to the trigger, venues, where statements were made."""

from __future__ import annotations

import pytest
from _analyse import analyse
from _fake_places import fake_find_places

from geodata.gazetteer import load_gazetteer
from geodata.place_mentions import default_place_finder
from geodata.roles import choose_place


def placed(text: str, kind: str) -> tuple[str, bool]:
    sentence, cues, triggers = analyse(text)
    trigger = next(t for t in triggers if t.kind == kind)
    placement = choose_place(
        trigger, sentence, fake_find_places(sentence.text), (0, len(sentence.text)), cues
    )
    return (placement.place.text if placement.place else ""), placement.at_venue


@pytest.mark.parametrize(
    ("sentence", "kind", "place"),
    [
        # The place attached to the trigger, not one merely named (nor a capital).
        ("Russian jets bombed Saraqib after officials in Aleppo warned Moscow.", "attack", "Saraqib"),
        ("Officials in Aleppo said bombs exploded in Ankara.", "attack", "Ankara"),
        ("Turkey informed Moscow of the attack.", "attack", ""),
        # A list of places after a preposition is attached as a whole, the finest first.
        ("Troops surrounded the towns of Idlib, Saraqib and Afrin.", "other", "Saraqib"),
        ("Troops surrounded Idlib in the north of Syria.", "other", "Idlib"),
        # Talks at their venue, not their subject; a describing word before the venue is skipped.
        ("The ministers held talks on Idlib in Moscow on Monday.", "talks", "Moscow"),
        ("After talks in the coastal city of Sochi, they left.", "talks", "Sochi"),
        ("They discussed the situation in Idlib at talks.", "talks", ""),
        # A town "near" which it happened narrows the area named just before it.
        ("Troops patrolled the Idlib countryside near Saraqib on Monday.", "patrol", "Saraqib"),
        ("Jets bombed villages in Idlib, close to the town of Saraqib.", "attack", "Saraqib"),
        ("Jets bombed Idlib and then Saraqib.", "attack", "Idlib"),
        # What the event is for names a goal, not its site.
        ("Troops patrolled on Monday, meant to push the fighters out of Manbij.", "patrol", ""),
        ("Troops patrolled Afrin on Monday, meant to push the fighters out of Manbij.", "patrol", "Afrin"),
    ],
)
def test_site_and_venue(sentence: str, kind: str, place: str) -> None:
    assert placed(sentence, kind)[0] == place


def test_a_statement_is_placed_where_it_was_said() -> None:
    assert placed("The minister told reporters in Ankara that shells hit Saraqib.", "statement") == (
        "Ankara",
        True,
    )
    assert placed("The minister told reporters that shells hit Saraqib.", "statement") == ("", False)


def test_forces_move_to_or_from_the_post_the_sentence_names_not_the_area_describing_it() -> None:
    finder = default_place_finder(load_gazetteer())
    sentence, cues, triggers = analyse(
        "The Morek observation post, the biggest Turkish post in the north of Hama, was evacuated on Monday."
    )
    trigger = next(t for t in triggers if t.kind == "deployment")
    placement = choose_place(trigger, sentence, finder(sentence.text), (0, len(sentence.text)), cues)
    assert placement.place is not None
    assert placement.place.place.feature_code == "OP"
