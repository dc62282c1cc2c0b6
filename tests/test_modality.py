"""Tests for geodata.modality: negation and denial scope, hedges, plans, wishes, states."""

from __future__ import annotations

import pytest
from _analyse import analyse

from geodata.modality import mood


def moods(text: str, *, dated_future: bool = False) -> list[tuple[str, str]]:
    sentence, cues, triggers = analyse(text)
    return [(sentence.text[t.start : t.end], mood(t, cues, dated_future=dated_future)) for t in triggers]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Turkey has not withdrawn any of its posts.", [("withdrawn", "negated")]),
        ("The countries failed to agree on Idlib.", [("agree", "negated")]),
        (
            "Ankara denied that its troops had withdrawn from Morek.",
            [("denied", "asserted"), ("withdrawn", "negated")],
        ),
        (
            "The ministry denied casualties, but troops withdrew.",
            [("denied", "asserted"), ("withdrew", "asserted")],
        ),
        (
            "The presidents met but did not agree on a ceasefire.",
            [("met", "asserted"), ("agree", "negated"), ("ceasefire", "negated")],
        ),
        ("The talks were postponed.", [("talks", "negated")]),
        # A relative clause right after the event word may deny it.
        (
            "Reports spoke of a raid on the village, which the army denied.",
            [("raid", "negated"), ("denied", "asserted")],
        ),
        (
            "Reports spoke of a raid on the village, which the army did not deny.",
            [("raid", "asserted"), ("deny", "negated")],
        ),
    ],
)
def test_negation_and_denial_reach_their_scope_only(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert moods(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The ministers said they would meet next Thursday.", [("meet", "planned")]),
        ("Russia said an offensive would be the worst case.", [("offensive", "hypothetical")]),
        ("The officials said the talks would be held in Astana.", [("talks", "planned")]),
        (
            "They reached agreements that could end the fighting.",
            [("reached agreements", "asserted"), ("fighting", "hypothetical")],
        ),
        (
            "Militants may even attempt to attack the patrols.",
            [("attack", "hypothetical"), ("patrols", "hypothetical")],
        ),
        (
            "Officials are checking whether militants in the zone carried out the attack.",
            [("attack", "hypothetical")],
        ),
    ],
)
def test_modality(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert moods(sentence) == expected


def test_would_after_the_event_word_is_a_plan_only_when_it_says_the_event_takes_place() -> None:
    assert moods("Patrols would begin.") == [("Patrols", "planned")]
    assert moods("Patrols would be a provocation.") == [("Patrols", "hypothetical")]
    assert moods("Patrols would be a provocation.", dated_future=True) == [("Patrols", "planned")]


def test_wishes_states_and_habits_are_not_events() -> None:
    assert moods("Ankara wants the Syrian army to withdraw.") == [("withdraw", "wished")]
    assert moods("The third zone is deployed in Eastern Ghouta.") == [("deployed", "stative")]
    assert moods("Damascus and Moscow say they strike only armed factions.") == [("strike", "generic")]


def test_would_as_the_verb_of_the_phrase_the_trigger_opens() -> None:
    assert moods("The withdrawal from the exposed post would take weeks.") == [("withdrawal", "hypothetical")]
    assert moods("The talks between the two leaders would be held in Ankara.") == [("talks", "planned")]
    # "would" of another clause does not reach back.
    assert moods("The withdrawal began, and the talks would follow.")[0] == ("withdrawal", "asserted")


def test_a_perfect_with_long_tells_a_lasting_state() -> None:
    assert moods("Government troops have long besieged the enclave.") == [("besieged", "background")]
    assert moods("Government troops have besieged the enclave.") == [("besieged", "asserted")]


def test_a_pronoun_after_as_or_while_tells_what_is_happening_not_a_habit() -> None:
    assert moods("Villagers crowd the roads as they flee the fighting.") == [
        ("flee", "asserted"),
        ("fighting", "asserted"),
    ]


def test_the_sentence_dates_are_asked_for_only_when_a_bare_would_needs_them() -> None:
    asked: list[str] = []

    def dated_future() -> bool:
        asked.append("asked")
        return True

    for text in ("Turkish troops shelled the town.", "Turkey has not withdrawn.", "Patrols would begin."):
        _, cues, (trigger, *_) = analyse(text)
        mood(trigger, cues, dated_future=dated_future)
    assert asked == []
    _, cues, (trigger,) = analyse("Patrols would be a provocation.")
    assert mood(trigger, cues, dated_future=dated_future) == "planned"
    assert asked == ["asked"]
