"""Tests for geodata.clauses: the leading clause, the clauses that may report an event with their
triggers ranked, quotations, and where a speaker's words and what they said start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from _analyse import analyse

from geodata.clauses import (
    clause_triggers,
    leading_clause,
    quote_span,
    reported_content_start,
    speaker_start,
)
from geodata.cues import Cues
from geodata.dates import DateMention, find_dates
from geodata.sentences import Sentence
from geodata.triggers import Trigger


@dataclass
class View:
    """A :class:`geodata.clauses.ClauseView` of one sentence, made for the tests."""

    sentence: Sentence
    text: str
    cues: Cues
    dates: Sequence[DateMention]
    triggers: Sequence[Trigger]


def view(text: str) -> View:
    sentence, cues, triggers = analyse(text)
    return View(
        sentence, sentence.text, cues, find_dates(sentence.text, reference=dt.date(2021, 3, 14)), triggers
    )


def ranked_words(text: str) -> list[list[str]]:
    v = view(text)
    return [
        [v.text[t.start : t.end] for t in found]
        for _, found in clause_triggers(v, (0, len(v.text)), v.triggers)
    ]


def test_the_main_clause_starts_after_a_leading_clause() -> None:
    v = view("Following their meeting in Sochi last week, the ministers agreed on joint patrols.")
    start = leading_clause(v)
    assert start is not None
    assert v.text[start:].startswith("the ministers")
    assert leading_clause(view("The ministers agreed on joint patrols.")) is None


def test_a_later_clause_counts_with_a_strong_trigger_and_keeps_its_own_span() -> None:
    v = view(
        "Shells hit Saraqib on Monday, and its membership was finalised after the guarantors met in Ankara."
    )
    clauses = clause_triggers(v, (0, len(v.text)), v.triggers)
    assert [[v.text[t.start : t.end] for t in found] for _, found in clauses] == [["Shells hit"], ["met"]]
    (first, _), (second, _) = clauses
    assert first[1] == second[0]
    assert "Ankara" in v.text[second[0] : second[1]]


def test_a_strong_verb_before_a_noun_and_a_noun_referring_back_last() -> None:
    assert ranked_words("A joint patrol was rammed near Ariha on Tuesday.")[0][0] == "rammed"
    assert ranked_words("The talks came a week after rebels retook Saraqib.") == [["retook", "talks"]]


def test_the_terms_of_an_agreement_are_not_candidates() -> None:
    assert ranked_words("The deal envisages the withdrawal of heavy weapons from the zone.") == [["deal"]]


def test_the_speaker_starts_after_the_reported_event_and_what_was_said_after_the_reporting() -> None:
    v = view("An air strike killed 22 soldiers, the governor of Hatay told reporters.")
    statement = next(t for t in v.triggers if t.kind == "statement")
    assert v.text[speaker_start(v, statement) :].startswith("the governor")
    v = view("The minister told reporters in Ankara that shells hit Saraqib.")
    statement = next(t for t in v.triggers if t.kind == "statement")
    assert speaker_start(v, statement) == 0
    assert v.text[reported_content_start(v, statement, (0, len(v.text))) :].lstrip().startswith("shells hit")


def test_the_quotation_a_position_stands_in() -> None:
    text = 'He said "the army will pull back from Idlib" on Friday.'
    assert quote_span(text, text.index("army")) == (8, text.index(" on Friday"))
    assert quote_span(text, text.index("Friday")) is None
    # A quote opened in an earlier sentence and closed in this one.
    closing = "the army will pull back,” he said."
    assert quote_span(closing, 4) == (0, closing.index("”") + 1)
    assert quote_span("No quotation here.", 3) is None
