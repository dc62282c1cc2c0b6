"""Tests for geodata._date_phrases: which date patterns a sentence needs, what a phrase names, and
the tense of its clause."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata import settings
from geodata._date_phrases import (
    MONTHS,
    PATTERNS,
    WEEKDAYS,
    clause_is_future,
    date_words,
    is_future,
    kinds_needed,
    names_no_year,
)


def test_future_cues() -> None:
    assert is_future("Patrols will begin today.")
    assert is_future("The two countries are planning to conduct patrols.")
    assert not is_future("Patrols began on Friday.")
    # Reported plans: "said the talks would be held", "would meet".
    assert is_future("He said the talks would be held in Ankara.")
    assert is_future("Officials said the ministers would meet on Friday.")
    assert not is_future("An offensive would be a catastrophe.")


def test_a_sentence_without_a_digit_month_or_keyword_needs_no_pattern() -> None:
    assert kinds_needed("Fighters may attack the patrols.") == set()  # the modal "may"
    assert kinds_needed("They met on March 3, 2019.") >= {"month", "month_day", "month_year", "year"}
    assert kinds_needed("Two days ago, on Friday.") == {"relative", "weekday"}


@pytest.mark.parametrize(
    ("phrase", "yearless"),
    [
        ("November 1", True),
        ("late May", True),
        ("in November", True),
        ("March last year", True),
        ("November 1, 2018", False),
        ("May 2017", False),
        ("late last month", False),
    ],
)
def test_what_names_a_month_without_the_number_of_its_year(phrase: str, yearless: bool) -> None:
    kind, match = next((k, m) for k, p in PATTERNS if (m := p.fullmatch(phrase)) is not None)
    assert names_no_year(kind, match) is yearless


def test_the_tense_of_the_clause_around_a_date() -> None:
    sentence = "Troops will patrol Idlib, it was announced on Friday."
    at = sentence.index("Friday")
    assert not clause_is_future(sentence, at, at + 6, is_future(sentence))
    sentence = "On June 2, the ministers will meet again."
    assert clause_is_future(sentence, 3, 9, is_future(sentence))


def test_the_date_words_are_read_from_the_lexicon() -> None:
    words = date_words()
    for index, names in enumerate(words["months"], start=1):
        for name in names:
            assert MONTHS[name.lower()] == index
            assert kinds_needed(f"They met on {name} 3.") >= {"month_day"}, name
    for index, name in enumerate(words["weekdays"]):
        assert WEEKDAYS[name.lower()] == index
    for phrase in words["future"]:
        assert is_future(f"Officials said they {phrase} patrol Idlib."), phrase
    for word in words["past"]:
        sentence = f"The talks {word} in Geneva on June 2, officials say, and will go on."
        at = sentence.index("June")
        assert not clause_is_future(sentence, at, at + 6, is_future(sentence)), word
    for word in words["forward_participles"]:
        sentence = f"The talks {word} in Geneva on June 2, officials say, and will go on."
        at = sentence.index("June")
        assert clause_is_future(sentence, at, at + 6, is_future(sentence)), word


def test_a_broken_date_words_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "LEXICON_DIR", tmp_path)
    (tmp_path / "date_words.json").write_text('{"months": [["January"]],', encoding="utf-8")
    with pytest.raises(ValueError, match=r"date_words\.json, line 1: not JSON"):
        date_words()
    (tmp_path / "date_words.json").write_text('{"months": [["January"]]}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"date_words\.json: no list weekdays, numbers"):
        date_words()


def test_a_future_in_a_relative_clause_is_that_clause_s_own() -> None:
    sentence = "On Tuesday Russia is hosting a congress, which it hopes will open talks on a constitution."
    assert is_future(sentence)
    assert not clause_is_future(sentence, 3, 10, is_future(sentence))
    # The relative clause holding the date keeps the main clause's future.
    sentence = "The talks, which begin on Monday, will last two days."
    at = sentence.index("Monday")
    assert clause_is_future(sentence, at, at + 6, is_future(sentence))
    # So does a date phrase in its own clause before the main one.
    sentence = "On Tuesday, Russia will host a congress, which opens talks."
    assert clause_is_future(sentence, 3, 10, is_future(sentence))
