"""Tests for geodata.reference_time: time phrases counted from the narrative's reference time."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.dates import DateInterval, find_dates
from geodata.reference_time import AnaphoricPhrase, anaphoric_phrases, anchored, reference_of, resolve

D = dt.date.fromisoformat
DAY = DateInterval(D("2019-09-13"), D("2019-09-13"), "day")
MONTH = DateInterval(D("2018-09-01"), D("2018-09-30"), "month")


@pytest.mark.parametrize(
    ("sentence", "unit", "count", "exact"),
    [
        ("Two days later the convoy turned back.", "day", 2, True),
        ("The bridge was shelled a few hours earlier.", "hour", -3, False),
        ("The truce collapsed nine months later.", "month", 9, True),
        ("Days later, the talks resumed.", "day", 3, False),
        ("The following morning the guns fell silent.", "day", 1, True),
        ("The next week both sides met again.", "week", 1, True),
        ("There had been clashes the previous night.", "day", -1, True),
        ("The night before, drones circled the base.", "day", -1, True),
        ("Later that day the mayor spoke.", "day", 0, True),
        ("On the same day a second blast was heard.", "day", 0, True),
        ("A convoy arrived in the evening.", "day", 0, True),
        ("A year afterwards the post was abandoned.", "year", 1, True),
    ],
)
def test_phrases_counted_from_the_reference_time(sentence: str, unit: str, count: int, exact: bool) -> None:
    (phrase,) = anaphoric_phrases(sentence)
    assert (phrase.unit, phrase.count, phrase.exact) == (unit, count, exact)
    assert sentence[phrase.start : phrase.end] == phrase.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Two days ago the convoy turned back.",  # counted from the writer's day
        "The day before yesterday the convoy turned back.",
        "Later this week the envoy will arrive.",
        "He said that the day of the vote was near.",
        "That day of mourning was observed across the region.",
        "The talks will resume next week.",
    ],
)
def test_phrases_counted_from_the_writers_day_are_not_anaphoric(sentence: str) -> None:
    assert anaphoric_phrases(sentence) == ()


def test_days_shift_a_day_and_keep_its_precision() -> None:
    assert resolve(AnaphoricPhrase("two days later", 0, 1, "day", 2), DAY) == DateInterval(
        D("2019-09-15"), D("2019-09-15"), "day"
    )
    assert resolve(AnaphoricPhrase("the previous night", 0, 1, "day", -1), DAY).start == D("2019-09-12")
    assert resolve(AnaphoricPhrase("that day", 0, 1, "day", 0), DAY) == DAY


def test_hours_reach_one_day_towards_the_phrase() -> None:
    earlier = resolve(AnaphoricPhrase("a few hours earlier", 0, 1, "hour", -3, exact=False), DAY)
    assert (earlier.start, earlier.end) == (D("2019-09-12"), D("2019-09-13"))
    later = resolve(AnaphoricPhrase("hours later", 0, 1, "hour", 3, exact=False), DAY)
    assert (later.start, later.end) == (D("2019-09-13"), D("2019-09-14"))


def test_months_from_a_month_or_a_day_give_a_month() -> None:
    phrase = AnaphoricPhrase("nine months later", 0, 1, "month", 9)
    assert resolve(phrase, MONTH) == DateInterval(D("2019-06-01"), D("2019-06-30"), "month")
    assert resolve(phrase, DAY) == DateInterval(D("2020-06-01"), D("2020-06-30"), "month")


def test_weeks_from_a_day_are_that_week_give_or_take() -> None:
    found = resolve(AnaphoricPhrase("a week later", 0, 1, "week", 1), DAY)
    assert (found.start, found.end, found.precision) == (D("2019-09-17"), D("2019-09-23"), "week")


def test_an_inexact_count_is_a_range_after_the_reference() -> None:
    found = resolve(AnaphoricPhrase("days later", 0, 1, "day", 3, exact=False), DAY)
    assert (found.start, found.end, found.precision) == (D("2019-09-14"), D("2019-09-16"), "range")


def test_a_reference_in_the_same_sentence_comes_first() -> None:
    text = "Rebels shelled the post on September 13 and two days later the army withdrew."
    found = find_dates(text, reference=D("2019-10-01"))
    dates = anchored(found, anaphoric_phrases(text), reference=MONTH)
    assert [(d.text, d.interval.start) for d in dates] == [
        ("September 13", D("2019-09-13")),
        ("two days later", D("2019-09-15")),
    ]


def test_a_phrase_with_no_reference_dates_nothing() -> None:
    # Counted from publication, "two days later" would lie in the future.
    text = "Two days later the army withdrew."
    found = find_dates(text, reference=D("2019-10-01"))
    assert found  # dates.find_dates reads it from the publication date
    assert anchored(found, anaphoric_phrases(text), reference=None) == ()


def test_the_reference_a_sentence_sets_is_its_last_date() -> None:
    found = find_dates("Since May 2017, and again on 3 June 2019, shells fell.", reference=D("2019-10-01"))
    assert reference_of(found) == DateInterval(D("2019-06-03"), D("2019-06-03"), "day")
    assert reference_of(found, before=found[1].start).start == D("2017-05-01")
    assert reference_of(()) is None
