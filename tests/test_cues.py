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


def test_every_lexicon_cue_name_is_answered_and_records_are_in_order() -> None:
    from geodata.lexicon import read_group

    sentence, cues, _ = analyse("Forces did not move, did not fire and did not withdraw.")
    names = {name for name, _ in read_group("cue")}
    assert names <= set(cues)  # asked names are plain look-ups, filled when the cues are made
    negations = cues["negation"]
    assert [sentence.text[c.start : c.end] for c in negations] == ["not", "not", "not"]
    assert [c.first for c in negations] == sorted(c.first for c in negations)
    assert list(cues["denial"]) == []  # a name the sentence lacks
