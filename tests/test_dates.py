"""Tests for geodata.dates: date phrases resolved against publication (or, on a page dated by its
text, nearest that date), and datelines."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.dates import DateInterval, find_dated, find_dates, parse_dateline

D = dt.date.fromisoformat


def only(sentence: str, reference: str, *, future: bool | None = None) -> DateInterval:
    mentions = find_dates(sentence, reference=D(reference), future=future)
    assert len(mentions) == 1, mentions
    return mentions[0].interval


@pytest.mark.parametrize(
    ("sentence", "reference", "start", "end", "precision"),
    [
        ("Yesterday, forces shelled the town.", "2019-02-20", "2019-02-19", "2019-02-19", "day"),
        ("They met last week in the capital.", "2019-02-20", "2019-02-11", "2019-02-17", "week"),
        ("Last month, the minister spoke.", "2019-04-29", "2019-03-01", "2019-03-31", "month"),
        ("It was announced on Tuesday.", "2019-04-09", "2019-04-09", "2019-04-09", "day"),
        ("On Thursday, an official said so.", "2020-02-20", "2020-02-20", "2020-02-20", "day"),
        ("He spoke to a paper on April 28.", "2019-04-29", "2019-04-28", "2019-04-28", "day"),
        ("This was announced on March 8th.", "2019-03-08", "2019-03-08", "2019-03-08", "day"),
        ("The deal was reached on Sept. 17 by both.", "2019-02-20", "2018-09-17", "2018-09-17", "day"),
        ("Patrols began on Nov. 1 in the city.", "2019-02-20", "2018-11-01", "2018-11-01", "day"),
        ("In February of this year, they met.", "2019-03-08", "2019-02-01", "2019-02-28", "month"),
        ("People have fled since early December.", "2020-02-20", "2019-12-01", "2020-02-20", "range"),
        ("Since May 2017, the memorandum holds.", "2019-03-08", "2017-05-01", "2019-03-08", "range"),
        ("In September 2018, they signed it.", "2019-03-08", "2018-09-01", "2018-09-30", "month"),
        ("It was agreed back in June 2018.", "2019-02-20", "2018-06-01", "2018-06-30", "month"),
        ("The round was held on April 25 and 26.", "2019-04-29", "2019-04-25", "2019-04-26", "range"),
        ("In the last few days, two attacks hit.", "2019-04-29", "2019-04-24", "2019-04-29", "range"),
        ("They took control of the city in 2016.", "2019-02-20", "2016-01-01", "2016-12-31", "year"),
        ("Monday's visit was the third.", "2019-04-09", "2019-04-08", "2019-04-08", "day"),
        ("Troops moved in in recent weeks.", "2020-02-20", "2020-01-30", "2020-02-20", "range"),
        ("It happened in the last two weeks.", "2020-02-20", "2020-02-06", "2020-02-20", "range"),
        ("It happened two days ago.", "2020-02-20", "2020-02-18", "2020-02-18", "day"),
        ("It happened earlier this month.", "2020-02-20", "2020-02-01", "2020-02-20", "range"),
        ("They will meet later this year.", "2020-02-20", "2020-02-20", "2020-12-31", "range"),
        ("It will take place next week.", "2020-02-20", "2020-02-24", "2020-03-01", "week"),
    ],
)
def test_issue_phrases_resolve_against_publication(
    sentence: str, reference: str, start: str, end: str, precision: str
) -> None:
    assert only(sentence, reference) == DateInterval(D(start), D(end), precision)


def test_early_may_in_future_tense_is_the_coming_may() -> None:
    interval = only("Patrols will be conducted in early May.", "2019-04-29")
    assert interval == DateInterval(D("2019-05-01"), D("2019-05-10"), "range")


def test_early_may_in_past_tense_is_the_last_may() -> None:
    interval = only("Patrols were conducted in early May.", "2019-04-29")
    assert interval.start == D("2018-05-01")


def test_yearless_day_goes_forward_for_planned_events() -> None:
    assert only("Talks will be held on April 28.", "2019-04-29").start == D("2020-04-28")
    assert only("Talks were held on April 28.", "2019-04-29").start == D("2019-04-28")


def test_a_leading_date_phrase_takes_the_tense_of_its_main_clause() -> None:
    # What the leaders agreed "would" happen does not move the day they met into next year.
    past = "On March 3, the two ministers met in Vienna and agreed that the talks would resume."
    assert only(past, "2019-05-10").start == D("2019-03-03")
    assert only("On June 2, the ministers will meet again.", "2019-05-10").start == D("2019-06-02")
    assert only("Early on Monday, the convoy will set off.", "2019-05-10").start == D("2019-05-13")


def test_weekday_in_future_tense_is_the_next_one() -> None:
    assert only("They will meet on Friday.", "2019-04-09").start == D("2019-04-12")


def test_caption_style_full_date_keeps_its_own_year() -> None:
    assert only("Seen near a town, January 23, 2018.", "2019-04-29").start == D("2018-01-23")


def test_modal_may_is_not_a_month() -> None:
    assert find_dates("Fighters may attack the patrols.", reference=D("2019-04-29")) == ()


def test_mentions_are_in_order_with_spans() -> None:
    sentence = "Talks on Monday followed a strike on Sunday."
    mentions = find_dates(sentence, reference=D("2019-04-09"))
    assert [sentence[m.start : m.end] for m in mentions] == ["Monday", "Sunday"]
    assert [m.interval.start for m in mentions] == [D("2019-04-08"), D("2019-04-07")]


def test_since_keeps_the_anchor_date() -> None:
    (mention,) = find_dates("Since May 2017, it holds.", reference=D("2019-03-08"))
    assert mention.point == DateInterval(D("2017-05-01"), D("2017-05-31"), "month")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published 20.02.2019 00:07", "2019-02-20"),
        ("09 April, 2019", "2019-04-09"),
        ("Updated: March 3, 2020", "2020-03-03"),
        ("Posted on March 3, 2019 by admin", "2019-03-03"),
    ],
)
def test_parse_dateline(line: str, expected: str) -> None:
    assert parse_dateline(line) == D(expected)


def test_parse_dateline_needs_a_full_date() -> None:
    assert parse_dateline("Turkish forces are seen near the town") is None
    assert parse_dateline("March 2019") is None


days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


@given(reference=days, weekday=st.sampled_from(["Monday", "Wednesday", "Saturday", "Sunday"]))
def test_weekday_is_within_five_days_before_publication_or_the_day_after(
    reference: dt.date, weekday: str
) -> None:
    interval = only(f"It happened on {weekday}.", reference.isoformat())
    assert reference - dt.timedelta(days=5) <= interval.start <= reference + dt.timedelta(days=1)
    assert interval.start.strftime("%A") == weekday
    last = only(f"It happened last {weekday}.", reference.isoformat())
    assert reference - dt.timedelta(days=7) <= last.start < reference


def test_a_weekday_after_the_page_date_is_the_next_day() -> None:
    # A Thursday page (time zones) reporting what a governor said "early on Friday".
    assert only("The governor said early on Friday.", "2020-02-27").start == dt.date(2020, 2, 28)
    # A Saturday page announcing a programme "airing Sunday".
    assert only("The interview, airing Sunday, was recorded in Ankara.", "2019-10-12").start == dt.date(
        2019, 10, 13
    )


@given(reference=days, month=st.integers(1, 12), day=st.integers(1, 28))
def test_yearless_date_is_within_the_year_before_publication(
    reference: dt.date, month: int, day: int
) -> None:
    name = dt.date(2001, month, day).strftime("%B")
    interval = only(f"It happened on {name} {day}.", reference.isoformat(), future=False)
    assert reference - dt.timedelta(days=366) < interval.start <= reference


@given(text=st.text(max_size=200), reference=days)
def test_any_text_gives_well_formed_intervals(text: str, reference: dt.date) -> None:
    for mention in find_dates(text, reference=reference):
        assert mention.interval.start <= mention.interval.end
        assert mention.interval.precision in ("day", "week", "month", "year", "range")
        assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("The ceasefire will take effect at midnight.", "2020-03-06", "2020-03-07"),
        ("Ministers will meet within seven days.", "2020-03-06", "2020-03-13"),
        ("Convoys have crossed the border since the beginning of the month.", "2020-03-01", "2020-03-06"),
        ("People have fled their homes since December.", "2019-12-01", "2020-03-06"),
    ],
)
def test_more_relative_phrases(sentence: str, start: str, end: str) -> None:
    (mention,) = find_dates(sentence, reference=D("2020-03-06"))
    assert (mention.interval.start, mention.interval.end) == (D(start), D(end))


def test_midnight_on_a_named_day_is_that_day() -> None:
    (mention,) = find_dates("A truce starting at midnight on Thursday.", reference=D("2019-08-02"))
    assert mention.interval == DateInterval(D("2019-08-01"), D("2019-08-01"), "day")


def test_since_a_month_keeps_the_month_as_anchor() -> None:
    (mention,) = find_dates("Aid has flowed since December.", reference=D("2020-03-06"))
    assert mention.point == DateInterval(D("2019-12-01"), D("2019-12-31"), "month")


def test_weekend_and_overnight_are_the_days_just_before() -> None:
    (weekend,) = find_dates("Fighters pulled back over the weekend.", reference=D("2018-10-10"))
    (night,) = find_dates("Warplanes struck overnight.", reference=D("2019-05-10"))
    assert (weekend.interval.start, weekend.interval.end) == (D("2018-10-06"), D("2018-10-07"))
    assert (night.interval.start, night.interval.end) == (D("2019-05-09"), D("2019-05-10"))


def test_a_past_clause_in_a_future_sentence_looks_back() -> None:
    sentence = "Under the memorandum agreed in Sochi on September 17, the zone is to be empty by October 10."
    first = find_dates(sentence, reference=D("2018-10-10"))[0]
    assert first.interval.start == D("2018-09-17")


@pytest.mark.parametrize(
    ("sentence", "reference", "start"),
    [
        # A page that tells nothing later than 31 October 2019 was published then or after:
        # "November 1" is the one right after, not the one a year before.
        ("On November 1 troops patrolled Manbij.", "2019-10-31", "2019-11-01"),
        ("On September 30 troops patrolled Manbij.", "2019-10-31", "2019-09-30"),
        ("Talks were held in late November.", "2019-10-31", "2019-11-21"),
        ("Talks were held on November 4 and 5.", "2019-10-31", "2019-11-04"),
        ("They agreed on it in November.", "2019-10-31", "2019-11-01"),
        ("They agreed on it in March last year.", "2019-12-31", "2019-03-01"),
        # A year in figures, a "since ..." phrase and a counted phrase keep their reading.
        ("On November 1, 2018 troops patrolled Manbij.", "2019-10-31", "2018-11-01"),
        ("Aid has flowed since November.", "2019-10-31", "2018-11-01"),
        ("They met seven months ago.", "2019-10-31", "2019-03-01"),
        ("It happened earlier this year.", "2019-10-31", "2019-01-01"),
        # No 29 February the year after: the date stays.
        ("It happened on February 29.", "2021-01-01", "2020-02-29"),
    ],
)
def test_nearest_reads_a_yearless_date_nearest_the_reference(
    sentence: str, reference: str, start: str
) -> None:
    (mention,) = find_dates(sentence, reference=D(reference), nearest=True)
    assert mention.interval.start == D(start)


def test_without_nearest_a_yearless_date_is_the_last_before_the_reference() -> None:
    (mention,) = find_dates("On November 1 troops patrolled Manbij.", reference=D("2019-10-31"))
    assert mention.interval.start == D("2018-11-01")


@given(reference=days, month=st.integers(1, 12), day=st.integers(1, 28))
def test_nearest_is_within_half_a_year_of_the_reference(reference: dt.date, month: int, day: int) -> None:
    name = dt.date(2001, month, day).strftime("%B")
    (mention,) = find_dates(f"It happened on {name} {day}.", reference=reference, future=False, nearest=True)
    assert abs((mention.interval.start - reference).days) <= 183


def test_a_future_in_a_relative_clause_does_not_move_the_date_ahead() -> None:
    # Read on the last day of the month (a page whose address gives only the month): the "will"
    # of the relative clause does not make "On Tuesday" the next Tuesday.
    (found,) = find_dates(
        "On Tuesday Russia is hosting a congress, which it hopes will open talks on a constitution.",
        reference=dt.date(2018, 1, 31),
    )
    assert found.interval == DateInterval(dt.date(2018, 1, 30), dt.date(2018, 1, 30), "day")


def test_find_dated_keeps_only_phrases_naming_their_year() -> None:
    found = find_dated("The posts set up in 2018 and on 5 March 2020 stayed since 2019, until last Tuesday.")
    assert [(d.text, d.interval.precision) for d in found] == [("in 2018", "year"), ("5 March 2020", "day")]
    assert find_dated("On Tuesday, a year ago, nothing moved.") == ()
