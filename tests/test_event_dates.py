"""Tests for geodata.event_dates: which date phrase dates which event."""

from __future__ import annotations

import datetime as dt

from _analyse import analyse

from geodata.dates import find_dates
from geodata.event_dates import choose_date, dates_of, is_deadline, is_report_date, statement_dates, undated

D = dt.date.fromisoformat


def _dated(text: str, published: str = "2018-09-17") -> tuple:
    sentence, cues, triggers = analyse(text)
    return sentence, cues, triggers, find_dates(sentence.text, reference=D(published))


def test_an_agreement_is_dated_by_its_signing_not_its_deadline() -> None:
    _, cues, triggers, dates = _dated(
        "They agreed on Monday that the zone will come into force by October 15."
    )
    agreed = triggers[0]
    assert [d.text for d in dates if is_deadline(d, cues)] == ["October 15"]
    assert choose_date(agreed, dates, cues).interval.start == D("2018-09-17")


def test_a_deadline_alone_does_not_date_talks() -> None:
    _, cues, triggers, dates = _dated("The talks must end by October 15.")
    assert choose_date(triggers[0], dates, cues) is None


def test_a_date_nearer_another_kind_of_event_word_is_not_taken() -> None:
    _, cues, triggers, dates = _dated(
        "Rebels completed the withdrawal, meeting the terms of the deal struck last month."
    )
    withdrawal = next(t for t in triggers if t.kind == "deployment")
    assert dates_of(withdrawal, triggers, dates, cues) == []


def test_the_report_date_belongs_to_the_statement() -> None:
    _, cues, triggers, dates = _dated(
        "Turkey will keep its post, spokesman Hami Aksoy told Sputnik on Thursday.", "2019-08-22"
    )
    statement, own = statement_dates(triggers, dates, cues)
    assert statement is not None
    assert [d.text for d in own] == ["Thursday"]


def test_a_date_after_the_reported_event_word_dates_the_event_not_the_report() -> None:
    _, cues, triggers, dates = _dated("Officials said the pullout started late on Sunday.", "2019-08-22")
    (pullout,) = triggers
    (sunday,) = dates
    assert not is_report_date(sunday, cues, triggers)
    assert choose_date(pullout, dates, cues) == sunday
    # Right after the reporting verb, it is the report's.
    _, cues, triggers, dates = _dated("Officials said on Sunday that the pullout started.", "2019-08-22")
    assert is_report_date(dates[0], cues, triggers)


def test_a_date_in_a_relative_clause_the_trigger_is_not_in_dates_nothing() -> None:
    _, cues, triggers, dates = _dated(
        "The negotiations over the dam, which opened in 1973, ended without a deal."
    )
    talks = next(t for t in triggers if t.kind == "talks")
    assert choose_date(talks, dates, cues) is None
    _, cues, triggers, dates = _dated("The army, which launched the offensive in May, took the town.")
    offensive = next(t for t in triggers if t.kind == "attack")
    assert choose_date(offensive, dates, cues) is not None


def test_undated_events_get_a_window_around_publication() -> None:
    assert (undated("occurred", D("2021-03-14")).start, undated("planned", D("2021-03-14")).end) == (
        D("2021-03-08"),
        D("2021-04-13"),
    )


def test_a_reporting_verb_qualifying_an_event_word_dates_that_event() -> None:
    # "the accord made in Vienna on May 3": the verb describes the accord, it reports nothing.
    _, cues, triggers, dates = _dated(
        "Officials said the convoy had reached the dam, under the accord made in Vienna on May 3.",
        "2019-06-01",
    )
    (may,) = dates
    assert not is_report_date(may, cues, triggers)
    accord = next(t for t in triggers if t.kind == "agreement")
    assert dates_of(accord, triggers, dates, cues) == [may]
    # A verb of its own still dates the report.
    _, cues, triggers, dates = _dated(
        "The ministry announced on May 3 that the convoy had left.", "2019-06-01"
    )
    assert is_report_date(dates[0], cues, triggers)


def test_a_dateline_run_into_the_lead_dates_the_report() -> None:
    # "12 May 2019; Agency: ..." opens the paragraph: the report's date, not the event's.
    _, cues, triggers, dates = _dated("12 May 2019; Agency: Troops shelled the town.", "2019-05-12")
    (dateline,) = dates
    assert is_report_date(dateline, cues, triggers)
    # A date opening a sentence as its own phrase still dates the event.
    _, cues, triggers, dates = _dated("12 May 2019 was the day troops shelled the town.", "2019-05-20")
    assert not is_report_date(dates[0], cues, triggers)
