"""Dates and intervals: what is "in force on" a day, and which events fall in a window.

A zone is in force on ``day`` when ``valid_from <= day`` and (``valid_to`` is null or
``day <= valid_to``): both ends are inclusive, and a null end means still in force (or unknown).
An event with interval [``date_start``, ``date_end``] is in the window of ``days`` days ending on
``day`` when the two closed intervals touch.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # in annotations only: the day rules are read without pandas (geodata.view's links)
    import pandas as pd

_ISO_PARTS = re.compile(r"(-?\d{1,4})-(\d{1,2})-(\d{1,2})")


def parse_day(value: str | dt.date) -> dt.date:
    """Return ``value`` as a date, accepting ISO strings (``YYYY-MM-DD``).

    Raises
    ------
    ValueError
        If the string is not an ISO date; the message says what is wrong in plain words
        ("'2019-13-08' is not a date: month 13 does not exist").
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: {_why_not_a_day(text)}") from None


def _why_not_a_day(text: str) -> str:
    parts = _ISO_PARTS.fullmatch(text)
    if parts is None:
        return "write it as YYYY-MM-DD, e.g. 2019-03-08"
    year, month, day = (int(part) for part in parts.groups())
    if not 1 <= year <= dt.MAXYEAR:
        return f"year {year} is outside 1 to {dt.MAXYEAR}"
    if not 1 <= month <= 12:
        return f"month {month} does not exist"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days, not {day}"
    return "write it as YYYY-MM-DD with four-digit year and two-digit month and day, e.g. 2019-03-08"


def in_force(valid_from: dt.date, valid_to: dt.date | None, day: dt.date) -> bool:
    """Whether an instrument valid from ``valid_from`` to ``valid_to`` is in force on ``day``."""
    return valid_from <= day and (valid_to is None or day <= valid_to)


def in_force_mask(valid_from: pd.Series, valid_to: pd.Series, day: dt.date) -> pd.Series:
    """Vectorised :func:`in_force` over columns of ISO date strings (``valid_to`` may be null)."""
    iso = day.isoformat()
    # ISO dates sort as strings, which keeps the columns readable as exported.
    return (valid_from <= iso) & (valid_to.isna() | (valid_to >= iso))


def window_start(day: dt.date, days: int | None) -> dt.date | None:
    """First day of the window of ``days`` days ending on ``day`` (``None`` for "all time")."""
    if days is None:
        return None
    if days < 1:
        raise ValueError(f"a window lasts at least one day, not {days}")
    return day - dt.timedelta(days=days - 1)


def in_window_mask(date_start: pd.Series, date_end: pd.Series, day: dt.date, days: int | None) -> pd.Series:
    """Events whose [start, end] interval touches the window of ``days`` days ending on ``day``.

    With ``days=None`` the window is everything up to and including ``day``.
    """
    first = window_start(day, days)
    touches_end = date_start <= day.isoformat()
    if first is None:
        return touches_end
    return touches_end & (date_end >= first.isoformat())
