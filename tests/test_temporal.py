"""The "in force on" rule and the events window."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata import temporal

days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 12, 31))


def test_parse_day_accepts_iso_and_rejects_other_formats() -> None:
    assert temporal.parse_day("2019-03-08") == dt.date(2019, 3, 8)
    assert temporal.parse_day(dt.datetime(2019, 3, 8, 12, 0)) == dt.date(2019, 3, 8)
    with pytest.raises(ValueError, match="write it as YYYY-MM-DD"):
        temporal.parse_day("8 March 2019")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2019-13-08", "'2019-13-08' is not a date: month 13 does not exist"),
        ("2019-00-08", "month 0 does not exist"),
        ("2019-02-29", "February 2019 has 28 days, not 29"),
        ("2019-04-31", "April 2019 has 30 days, not 31"),
        ("0000-01-01", "year 0 is outside 1 to 9999"),
        ("2019/03/08", "'2019/03/08' is not a date: write it as YYYY-MM-DD, e.g. 2019-03-08"),
    ],
)
def test_parse_day_says_what_is_wrong_in_words(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as caught:
        temporal.parse_day(text)
    assert "isoformat" not in str(caught.value)


def test_both_ends_are_inclusive_and_open_end_means_in_force() -> None:
    start, end = dt.date(2018, 9, 17), dt.date(2020, 3, 5)
    assert temporal.in_force(start, end, start)
    assert temporal.in_force(start, end, end)
    assert not temporal.in_force(start, end, end + dt.timedelta(days=1))
    assert not temporal.in_force(start, end, start - dt.timedelta(days=1))
    assert temporal.in_force(start, None, dt.date(2030, 1, 1))


@given(days, days, days, days)
def test_in_force_is_monotone_in_the_end_date(
    start: dt.date, end: dt.date, later: dt.date, day: dt.date
) -> None:
    # Extending an instrument's life never takes a day out of force.
    if temporal.in_force(start, end, day) and later >= end:
        assert temporal.in_force(start, later, day)
        assert temporal.in_force(start, None, day)


@given(days, st.one_of(st.none(), days), days)
def test_vectorised_rule_agrees_with_the_scalar_rule(
    start: dt.date, end: dt.date | None, day: dt.date
) -> None:
    frame = pd.DataFrame({"valid_from": [start.isoformat()], "valid_to": [end.isoformat() if end else None]})
    mask = temporal.in_force_mask(frame["valid_from"], frame["valid_to"], day)
    assert bool(mask.iloc[0]) == temporal.in_force(start, end, day)


def test_window_touches_intervals_inclusively() -> None:
    frame = pd.DataFrame(
        {
            "date_start": ["2019-03-01", "2019-02-06", "2019-02-01", "2019-03-09", "2018-09-01"],
            "date_end": ["2019-03-01", "2019-02-06", "2019-02-05", "2019-03-09", "2019-12-31"],
        }
    )
    day = dt.date(2019, 3, 8)
    mask = temporal.in_window_mask(frame["date_start"], frame["date_end"], day, 31)
    # 31 days ending 8 March start on 6 February; a month-long interval overlapping the window counts.
    assert mask.tolist() == [True, True, False, False, True]
    everything = temporal.in_window_mask(frame["date_start"], frame["date_end"], day, None)
    assert everything.tolist() == [True, True, True, False, True]


def test_window_of_zero_days_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        temporal.window_start(dt.date(2019, 1, 1), 0)
