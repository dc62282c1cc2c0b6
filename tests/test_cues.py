"""Tests for geodata.cues: cue positions and clause breaks in a sentence."""

from __future__ import annotations

from _analyse import analyse


def test_cues_are_found_with_their_token_and_character_spans() -> None:
    sentence, cues, _ = analyse("Troops did not withdraw; they will stay, officials said.")
    (negation,) = cues["negation"]
    assert sentence.text[negation.start : negation.end] == "not"
    assert sentence.doc[negation.first].text == "not"
    assert cues.has("future")
    assert cues.has("report")
    assert list(cues["nothing such"]) == []


def test_before_and_after_stay_in_the_clause() -> None:
    _, cues, triggers = analyse("Turkey did not attack, but shelled the town.")
    attack, shelled = triggers
    assert cues.before("negation", attack.first, tokens=6) is not None
    assert cues.before("negation", shelled.first, tokens=6) is None  # past "but" and a comma
    assert cues.before("negation", shelled.first, tokens=6, same_clause=False) is not None
    assert cues.break_between(attack.last, shelled.first)
