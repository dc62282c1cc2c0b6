"""Tests for geodata.triggers: event words on lemmas, noun phrases that are no event, overlaps."""

from __future__ import annotations

import pytest
from _analyse import trigger_words


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The army has retaken the city.", [("other", "retaken")]),
        ("The army retook the city.", [("other", "retook")]),
        (
            "Warplanes shelled the town and troops were withdrawn.",
            [("attack", "shelled"), ("deployment", "withdrawn")],
        ),
        ("Thousands have been driven from their homes.", [("displacement", "driven from their homes")]),
        ("Families are camped in olive groves.", [("displacement", "camped")]),
        # Speaking to the press is a statement, not talks.
        ("Delegates spoke at a news conference.", [("statement", "news conference")]),
        ("The two ministers adopted a joint memorandum.", [("agreement", "adopted a joint memorandum")]),
        ("The army launched Operation Dawn at night.", [("attack", "launched Operation")]),
        ("Youths pelted the vehicles.", [("other", "pelted")]),
        ("Villagers threw stones at the vehicles.", [("other", "threw stones")]),
        ("The envoy expressed deep concern.", [("statement", "expressed deep concern")]),
        ("Army units are advancing towards the dam.", [("deployment", "advancing towards")]),
        # Movement is a deployment only when forces move.
        ("The crowd moved toward the square.", []),
        ("The garrison hit back at the gunmen.", [("attack", "hit back")]),
        ("Ankara has been moving more tanks to the front.", [("deployment", "moving more tanks")]),
        (
            "An explosive device went off near the army convoy.",
            [("attack", "device went off"), ("deployment", "convoy")],
        ),
    ],
)
def test_every_form_of_a_verb_is_matched_by_its_lemma(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert trigger_words(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Turkey has twelve observation posts in the area.",
        "Attack helicopters flew over the besieged Aleppo.",
        "Delegates said they would take part.",
        "The parties set up a joint working committee.",
        "The rebels met the deadline.",
        "They discussed the existing agreements.",
    ],
)
def test_noun_phrases_holding_a_trigger_word_are_no_trigger(sentence: str) -> None:
    assert trigger_words(sentence) == []


def test_the_longest_overlapping_match_wins() -> None:
    assert trigger_words("The army announced a conditional ceasefire.") == [
        ("agreement", "announced a conditional ceasefire")
    ]


def test_movement_is_a_deployment_only_when_forces_move() -> None:
    assert trigger_words("A mother of four arrived in the town.") == []
    assert trigger_words("Turkish troops arrived in the town.") == [("deployment", "arrived in")]


def test_a_rally_is_not_an_attack() -> None:
    assert trigger_words("Thousands rallied in the city against the deal.") == [
        ("other", "rallied"),
        ("agreement", "deal"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Evacuating a military post is a withdrawal; evacuating people is displacement.
        ("The army evacuated its hilltop post on Friday.", [("deployment", "evacuated")]),
        ("The evacuation of the base took two days.", [("deployment", "evacuation")]),
        ("The base was evacuated last week.", [("deployment", "evacuated")]),
        ("Rescuers evacuated the village on Friday.", [("displacement", "evacuated")]),
        ("Families living near the checkpoint were evacuated.", [("displacement", "evacuated")]),
    ],
)
def test_evacuating_a_military_post_is_a_withdrawal(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert trigger_words(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A deal is struck, not an attack; a truce that starts is an agreement taking effect.
        ("The deal struck by the two ministers held.", [("agreement", "deal struck")]),
        ("A shell struck the market.", [("attack", "shell struck")]),
        ("A truce that began at noon was broken.", [("agreement", "truce that began")]),
    ],
)
def test_a_deal_struck_and_a_truce_begun_are_agreements(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert trigger_words(sentence) == expected
