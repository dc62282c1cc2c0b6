"""The publication date of an article, and where it came from.

The date comes from the manifest first, then a dateline in the text, then a date in the page's
URL, then is inferred from the date the text is "as of" or the latest date in the body that names
its month and year (with a warning). :func:`publication_date` reads it from an article's parts
(:mod:`geodata.article_parts`) and its manifest row (:mod:`geodata.manifest`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from geodata.article_parts import Parts
from geodata.dates import find_dated, parse_dateline
from geodata.manifest import ManifestRow

__all__ = ["date_in_url", "publication_date"]


def publication_date(
    parts: Parts, manifest_row: ManifestRow | None, title: str = ""
) -> tuple[dt.date | None, str, str | None, str | None]:
    """The publication date, where it came from, the dateline line, and a warning if any.

    In order: the manifest; a dateline line ("Published 20.02.2019 00:07"); a full date in the
    agency dateline ("ANTAKYA (UrduPoint News / Sputnik - 22nd August, 2019)"); a date in the
    page's URL ("/2018/09/17/", "2017-05-04", "101020191"); the date a report is "as of"
    ("Situation Report No. 4 - As of 2 January 2020", "as of January 2018"); else the latest date
    in the body naming its month and year ("5 March 2020", "in October 2019"), with a warning; else
    the last day of the month the URL files it under ("/2018/01/"), with a warning.

    A year alone never dates the page: "the peninsula, which Moscow annexed in 2014" tells when a
    past event happened, a bound the page may lie years after (read as the page's day, the year's
    last day put every "on Wednesday" and "last year" of a 2021 article in 2014). Such a page is
    left undated, for the analyst to date.
    """
    dateline = parts.datelines[0] if parts.datelines else None
    from_line = parse_dateline(dateline) if dateline else None
    if manifest_row is not None and manifest_row.published is not None:
        warning = None
        if from_line is not None and from_line != manifest_row.published:
            warning = (
                f"manifest date {manifest_row.published} differs from dateline {dateline!r}; "
                "using the manifest"
            )
        return manifest_row.published, "manifest", dateline, warning
    if from_line is not None:
        return from_line, "dateline", dateline, None
    from_agency = _full_date(parts.dateline_text)
    if from_agency is not None:
        return from_agency, "dateline", parts.dateline_text, None
    from_url = date_in_url(manifest_row.url if manifest_row else "")
    if from_url is not None:
        return from_url, "url", None, None
    as_of = _as_of([title, *parts.standfirst, *parts.body])
    latest = _infer_date(parts.body)
    for found, how in (
        (as_of, "the date the text is 'as of'"),
        (latest, "the latest full date in the text"),
    ):
        if found is not None:
            return (
                found,
                "inferred",
                None,
                f"no publication date in the manifest, a dateline or the URL; inferred {found} "
                f"from {how} (date_source=inferred)",
            )
    month = _month_in_url(manifest_row.url if manifest_row else "")
    if month is not None:
        return (
            month,
            "url",
            None,
            f"the page's address gives only the month of publication; read as its last day, {month}",
        )
    return (
        None,
        "none",
        None,
        "no publication date (no manifest row, dateline, date in the URL or full date in the "
        "text); relative dates cannot be resolved",
    )


def _full_date(text: str) -> dt.date | None:
    """A full date (day, month and year) written in ``text``, if any."""
    for mention in find_dated(text):
        if mention.interval.precision == "day":
            return mention.interval.start
    return None


# Dates in page addresses: /2018/09/17/, /2019-10/23/, 2017-05-04, and runs of digits read as
# year-month-day or day-month-year ("101020191": 10 10 2019).
_URL_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[/_-](?P<m>[01]?\d)[/_-](?P<d>[0-3]?\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>[0-3]\d)(?P<m>[01]\d)(?P<y>(?:19|20)\d{2})"),
)


def date_in_url(url: str) -> dt.date | None:
    """The publication date a page's address carries, if it carries one a reader would see.

    Examples
    --------
    >>> date_in_url("https://www.dailysabah.com/diplomacy/2018/09/17/erdogan-putin-agree")
    datetime.date(2018, 9, 17)
    >>> date_in_url("https://rudaw.net/english/middleeast/syria/101020191-amp")
    datetime.date(2019, 10, 10)
    >>> date_in_url("http://tass.com/world/957354") is None
    True
    """
    path = url.split("?", 1)[0]
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            try:
                found = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            if dt.date(1995, 1, 1) <= found <= dt.date.today():
                return found
    return None


# A year and month as folders of a page's address ("/2018/01/slug"), as blog software writes them.
_URL_MONTH = re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>0?[1-9]|1[0-2])/")


def _month_in_url(url: str) -> dt.date | None:
    """The last day of the month a page's address files it under ("/2018/01/": 31 January 2018):
    its publication date at the latest, and the day relative dates in it are read from.

    Examples
    --------
    >>> _month_in_url("http://example.org/2018/01/congress-opens/")
    datetime.date(2018, 1, 31)
    >>> _month_in_url("http://example.org/news/957354") is None
    True
    """
    match = _URL_MONTH.search(url.split("?", 1)[0])
    if match is None:
        return None
    year, month = int(match["y"]), int(match["m"])
    found = dt.date(year, month, calendar.monthrange(year, month)[1])
    return found if dt.date(1995, 1, 1) <= found <= dt.date.today() else None


_AS_OF = re.compile(r"(?i)\bas (?:of|at)\s+")


def _as_of(lines: list[str]) -> dt.date | None:
    """The date a text says it is "as of" ("As of 2 January 2020"; "as of January 2018": the
    last day of that month)."""
    for line in lines:
        for match in _AS_OF.finditer(line):
            rest = line[match.end() : match.end() + 40]
            for mention in find_dated(rest):
                if mention.start == 0:
                    return mention.interval.end
    return None


def _infer_date(body: list[str]) -> dt.date | None:
    # Only dates carrying their own year count: a relative one needs the date we are looking for.
    # And only those naming a month or a day: a year alone is a past event's (see above).
    latest: dt.date | None = None
    for paragraph in body:
        for mention in find_dated(paragraph):
            if mention.interval.precision != "year":
                end = mention.interval.end
                latest = end if latest is None or end > latest else latest
    return latest
