"""Tests for geodata.actors: the actors an event's clause names, the speaker first."""

from __future__ import annotations

from _analyse import analyse
from _fake_places import fake_find_places

from geodata.actors import actors


def test_the_speaker_comes_first_among_the_actors() -> None:
    text = "Russian jets struck Saraqib, Turkish Foreign Minister Mevlut Cavusoglu told reporters."
    sentence, _, _ = analyse(text)
    start, end = text.index("Turkish"), text.index("told")
    everyone = (0, len(text))
    assert actors(sentence, everyone, ())[:2] == ("Russia", "Turkey")
    assert actors(sentence, everyone, (), speaker=(start, end))[:2] == ("Turkey", "Mevlut Cavusoglu")


def test_a_person_is_a_run_of_capitalised_words_that_are_not_titles_or_places() -> None:
    text = "Shells hit Saraqib, said Ahmed al-Hamwi of the White Helmets in Idlib."
    sentence, _, _ = analyse(text)
    found = actors(sentence, (0, len(text)), fake_find_places(text))
    assert "Ahmed al-Hamwi" in found
    assert not {"Saraqib", "Idlib"} & set(found)
