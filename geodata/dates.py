"""Dates in news sentences, resolved against the publication date into intervals.

``find_dates(sentence, reference=published)`` finds phrases such as "yesterday", "last week",
"on Tuesday", "April 28", "Sept. 17", "in early May", "since early December", "May 2017" or
"April 25 and 26" and turns each into a :class:`DateInterval` (first day, last day, precision
``day | week | month | year | range``).

Regular expressions find the candidate phrases first, and cues of tense tell whether each
looks back or ahead (:mod:`geodata._date_phrases`); ``dateparser`` (cached) turns the
absolute ones ("Sept. 17", "March 8th", "09 April, 2019", "May 2017") into calendar dates, with
``RELATIVE_BASE`` set to the publication date and ``PREFER_DATES_FROM`` chosen by the tense of the
sentence. Our own rules cover what dateparser lacks: it returns one instant, never an interval
("last week" is a calendar week, "early May" is 1-10 May), it has no "since ..." intervals, and for
a weekday it skips the reference day itself, while news convention reads "on Tuesday" in an article
published on a Tuesday as that very day. A bare weekday in the past tense is one of the five days
before publication, the day itself, or the day after (a story dated Thursday in one time zone
reporting what happened "early on Friday" in another); in the future tense, one of the next seven.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import dateparser

from geodata._date_phrases import (
    MONTHS,
    NUM,
    NUMBERS,
    PATTERNS,
    RELATIVE_LOWER,
    SINCE,
    SINCE_INSIDE,
    TENSELESS,
    WEEKDAYS,
    clause_breaks,
    clause_is_future,
    is_future,
    kinds_needed,
    names_no_year,
)

__all__ = [
    "DateInterval",
    "DateMention",
    "find_dated",
    "find_dates",
    "parse_dateline",
]


@dataclass(frozen=True)
class DateInterval:
    """A closed interval of days with the precision the text gave it.

    Parameters
    ----------
    start, end
        First and last day, both inclusive.
    precision
        ``"day"``, ``"week"``, ``"month"``, ``"year"`` or ``"range"`` (``schema.DATE_PRECISIONS``).
    """

    start: dt.date
    end: dt.date
    precision: str

    def overlaps(self, other: DateInterval) -> bool:
        """Whether the two closed intervals share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: DateInterval) -> bool:
        """Whether ``other`` lies wholly inside this interval."""
        return self.start <= other.start and other.end <= self.end

    @property
    def days(self) -> int:
        """Length in days (1 for a single day)."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class DateMention:
    """A date phrase found in a sentence: its text, character span and resolved interval.

    ``anchor`` is the date a "since ..." phrase starts from ("since May 2017": May 2017), and
    the interval itself otherwise.
    """

    text: str
    start: int
    end: int
    interval: DateInterval
    anchor: DateInterval | None = None

    @property
    def point(self) -> DateInterval:
        """The date the phrase names, without a "since ..." extension to the reference date."""
        return self.anchor or self.interval


def find_dates(
    sentence: str, *, reference: dt.date, future: bool | None = None, nearest: bool = False
) -> tuple[DateMention, ...]:
    """Find the date phrases in ``sentence`` and resolve them against ``reference``.

    Parameters
    ----------
    sentence
        One sentence of an article.
    reference
        The publication date: "yesterday", "on Tuesday" or "April 28" are read relative to it.
    future
        Whether the sentence speaks of the future. By default it is guessed per date phrase from
        its clause: "X will patrol Idlib, it was announced on Friday" dates the announcement to
        the last Friday. In the future a yearless "April 28" or "early May" resolves forwards, a
        weekday to the next one.
    nearest
        Whether ``reference`` is only the earliest day the page can have been published (a page
        dated by the latest date its text tells): a date whose year the text does not give in
        figures ("On November 1", "in late May", "in March last year") is then the one nearest
        ``reference``, after as well as before. By default it is the last one before (the next
        one in the future; "last year" counts from ``reference``), right when the day of
        publication is known. A "since ..." phrase keeps its reading either way.

    Returns
    -------
    tuple of DateMention
        In order of appearance; overlapping candidates keep the longest.
    """
    needs = kinds_needed(sentence)
    if not needs:
        return ()
    sentence_future = is_future(sentence) if future is None else future
    found: list[DateMention] = []
    breaks: tuple[list[int], list[int]] | None = None
    lowered = sentence.lower()
    for kind, pattern in PATTERNS:
        if kind not in needs:
            continue
        if kind == "relative" and len(lowered) == len(sentence):
            matches = RELATIVE_LOWER.finditer(lowered)  # faster than case-insensitive
        else:
            matches = pattern.finditer(sentence)
        for match in matches:
            forward = sentence_future
            if future is None and kind not in TENSELESS:
                if breaks is None:
                    breaks = clause_breaks(sentence)
                forward = clause_is_future(sentence, match.start(), match.end(), sentence_future, breaks)
            interval = _resolve(kind, match, reference, forward)
            if interval is None:
                continue
            start, anchor = match.start(), None
            since = SINCE.search(sentence[max(0, start - 12) : start])
            if since is not None:
                start, anchor = start - (min(start, 12) - since.start()), interval
                interval = DateInterval(interval.start, max(reference, interval.start), "range")
            elif SINCE_INSIDE.match(match.group(0)):  # the "month" pattern takes "since May" whole
                anchor = interval
                interval = DateInterval(interval.start, max(reference, interval.start), "range")
            elif nearest and names_no_year(kind, match):
                interval = _nearer_year(interval, reference)
            text = sentence[start : match.end()]
            found.append(DateMention(text, start, match.end(), interval, anchor))
    return _drop_overlaps(found)


def find_dated(sentence: str) -> tuple[DateMention, ...]:
    """The date phrases of ``sentence`` that need no publication date: those naming their year in
    figures ("5 March 2020", "in October 2019", "in 2018"), read as if nothing were known of the
    page. Spans counted to the page's day ("since 2018", "the past two years") are left out.

    A page with no known date still dates these (an event "set up in 2018"), and a page's own
    date is inferred from them (:mod:`geodata.publication_dates`).
    """
    if not _HAS_YEAR.search(sentence):
        return ()
    found = find_dates(sentence, reference=_NO_DAY, future=False)
    return tuple(m for m in found if m.interval.precision != "range" and _HAS_YEAR.search(m.text))


# The reference for phrases read with none: before any date the project reads, so a phrase that
# needed a real one (a weekday, "last year") cannot pass for a dated one.
_NO_DAY = dt.date(1900, 1, 1)


def _nearer_year(interval: DateInterval, reference: dt.date) -> DateInterval:
    """``interval`` a year later when that puts its first day nearer ``reference``."""
    try:
        later = DateInterval(
            interval.start.replace(year=interval.start.year + 1),
            interval.end.replace(year=interval.end.year + 1),
            interval.precision,
        )
    except ValueError:  # 29 February
        return interval
    if abs((later.start - reference).days) < abs((interval.start - reference).days):
        return later
    return interval


_PRECISION = {"day": 0, "week": 1, "range": 2, "month": 3, "year": 4}


def _drop_overlaps(found: list[DateMention]) -> tuple[DateMention, ...]:
    if len(found) < 2:
        return tuple(found)  # most sentences name one date
    kept: list[DateMention] = []
    # Longest first; of equals the more precise ("October 15", not "by October"), then the first.
    for mention in sorted(
        found, key=lambda m: (-(m.end - m.start), _PRECISION[m.interval.precision], m.start)
    ):
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return tuple(sorted(kept, key=lambda m: m.start))


def _resolve(kind: str, match: re.Match[str], reference: dt.date, forward: bool) -> DateInterval | None:
    groups = match.groupdict()
    text = match.group(0)
    if kind == "numeric":
        day = _dateparser_day(text, reference, forward)
        return None if day is None else DateInterval(day, day, "day")
    if kind == "relative":
        return _relative(text.lower(), reference)
    if kind == "weekday":
        return _weekday(groups["wd"].lower(), (groups["w"] or "").lower(), reference, forward)
    month_text = groups.get("m") or groups.get("m_") or ""
    if kind == "part_month":
        return _part_of_month(groups["q"].lower(), month_text, groups["y"], reference, forward)
    if kind == "year":
        whole = int(groups["y"])
        return DateInterval(dt.date(whole, 1, 1), dt.date(whole, 12, 31), "year")
    if kind in ("month_day", "day_range"):
        return _month_day(kind, groups, reference, forward)
    month = _month_number(month_text)
    named_year = _year_word(groups.get("y"), reference)
    year = _nearest_year(month, None, reference, forward) if named_year is None else named_year
    return _month_interval(year, month)


def _month_day(
    kind: str, groups: dict[str, str | None], reference: dt.date, forward: bool
) -> DateInterval | None:
    month_text = groups.get("m") or groups.get("m_") or ""
    year = groups.get("y")
    if kind == "day_range":
        first, last = _day_number(groups["d1"] or ""), _day_number(groups["d2"] or "")
        if last <= first:
            return None
        start = _dateparser_day(f"{month_text} {first} {year or ''}", reference, forward)
        if start is None:
            return None
        return DateInterval(start, start.replace(day=last), "range")
    day_text = groups.get("d") or groups.get("d_") or ""
    day = _dateparser_day(f"{month_text} {day_text} {year or ''}", reference, forward)
    return None if day is None else DateInterval(day, day, "day")


def _dateparser_day(phrase: str, reference: dt.date, forward: bool) -> dt.date | None:
    """A calendar day from a phrase such as "Sept. 17", "March 8th" or "20.02.2019".

    dateparser reads the phrase; the year of a yearless phrase is then our rule (nearest before
    publication, or after it in the future tense), as dateparser's PREFER_DATES_FROM would do.
    Keeping dateparser's input free of the publication date lets one cached parse serve every
    article: a parse costs about a millisecond, more than the rest of a sentence's analysis.
    """
    parts = _dateparser_parts(" ".join(phrase.split()))
    if parts is None:
        return None
    year, month, day = parts
    if year is None:
        year = _nearest_year(month, day, reference, forward)
    try:
        return dt.date(year, month, day)
    except ValueError:  # 29 February in a common year
        return None


# Formats dateparser tries (with strptime) before its general parser: about 20 times faster on
# the shapes news uses, and the general parser still takes anything else.
_DAY_FORMATS = [
    "%B %d",
    "%b %d",
    "%d %B",
    "%d %b",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%Y-%m-%d",
]
_DATELINE_FORMATS = [
    *_DAY_FORMATS[4:],
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%B %d %Y %H:%M",
    "%d %B %Y %H:%M",
]


def _for_formats(text: str) -> str:
    """ "Sept. 17th, 2019" -> "Sep 17 2019": the shape strptime formats expect."""
    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text)
    text = re.sub(r"\bSept\b", "Sep", text)
    if not re.search(r"\d[./]\d", text):
        text = text.replace(".", " ")
    return " ".join(text.replace(",", " ").split())


@lru_cache(maxsize=16384)
def _dateparser_parts(phrase: str) -> tuple[int | None, int, int] | None:
    parsed = dateparser.parse(
        _for_formats(phrase),
        date_formats=_DAY_FORMATS,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(2000, 1, 1),  # a leap year, so 29 February parses
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": "DMY",
        },
    )
    if parsed is None:
        return None
    year = parsed.year if _HAS_YEAR.search(phrase) else None
    return year, parsed.month, parsed.day


def _month_number(text: str) -> int:
    key = text.rstrip(".").lower()
    return MONTHS[key if key in MONTHS else key[:3]]


def _day_number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _year_word(text: str | None, reference: dt.date) -> int | None:
    if not text:
        return None
    offsets = {"this year": 0, "last year": -1, "next year": 1}
    lowered = text.lower()
    return reference.year + offsets[lowered] if lowered in offsets else int(text)


def _nearest_year(month: int, day: int | None, reference: dt.date, forward: bool) -> int:
    """Year putting ``month``/``day`` nearest before ``reference`` (after it when ``forward``).

    With ``day=None`` a whole month is meant, and the reference's own month counts either way.
    """
    ref = (reference.month, reference.day if day is not None else 0)
    when = (month, day if day is not None else 0)
    if forward:
        return reference.year if when >= ref else reference.year + 1
    return reference.year if when <= ref else reference.year - 1


def _month_interval(year: int, month: int) -> DateInterval:
    last = calendar.monthrange(year, month)[1]
    return DateInterval(dt.date(year, month, 1), dt.date(year, month, last), "month")


def _part_of_month(
    qualifier: str, month_text: str, year_text: str | None, reference: dt.date, forward: bool
) -> DateInterval:
    lowered = month_text.lower()
    if lowered.endswith("month"):
        shift = {"this month": 0, "the month": 0, "last month": -1, "next month": 1}[lowered]
        whole = _shift_month(reference, shift)
    else:
        month = _month_number(month_text)
        year = _year_word(year_text, reference) or _nearest_year(month, None, reference, forward)
        whole = _month_interval(year, month)
    if qualifier == "early" or "beginning" in qualifier:
        return DateInterval(whole.start, whole.start.replace(day=10), "range")
    if qualifier.startswith("mid"):
        return DateInterval(whole.start.replace(day=11), whole.start.replace(day=20), "range")
    return DateInterval(whole.start.replace(day=21), whole.end, "range")


def _shift_month(reference: dt.date, months: int) -> DateInterval:
    index = reference.year * 12 + reference.month - 1 + months
    return _month_interval(index // 12, index % 12 + 1)


def _weekday(name: str, modifier: str, reference: dt.date, forward: bool) -> DateInterval:
    target = WEEKDAYS[name]
    if modifier == "next" or (forward and modifier != "last"):
        day = reference + dt.timedelta(days=(target - reference.weekday()) % 7)
    else:
        day = reference - dt.timedelta(days=(reference.weekday() - target) % 7)
        if modifier == "last" and day == reference:
            day -= dt.timedelta(days=7)
        elif not modifier and (reference - day).days == 6:
            # A bare weekday six days back is the day after the page's date: news calls a week
            # ago "last Friday", and a story dated Thursday by one time zone reports what
            # happened "early on Friday" in another.
            day = reference + dt.timedelta(days=1)
    return DateInterval(day, day, "day")


# Phrases ending with one of these words: the first and last day, in days from the reference.
_SIMPLE_RELATIVE = (
    ("yesterday", -1, -1, "day"),
    ("today", 0, 0, "day"),
    ("tonight", 0, 0, "day"),
    ("last night", -1, -1, "day"),
    ("tomorrow", 1, 1, "day"),
    # "The ceasefire will take effect at midnight": the night after the reference day.
    ("midnight", 0, 1, "range"),
    ("overnight", -1, 0, "range"),
)


def _relative(text: str, reference: dt.date) -> DateInterval | None:
    one = dt.timedelta(days=1)
    for word, first, last, precision in _SIMPLE_RELATIVE:
        if text.endswith(word) and ("this" not in text or word == "today"):
            return DateInterval(reference + first * one, reference + last * one, precision)
    if text.endswith("weekend"):
        # The last Saturday and Sunday before the reference day ("over the weekend").
        saturday = reference - dt.timedelta(days=(reference.weekday() - 5) % 7 or 7)
        return DateInterval(saturday, saturday + one, "range")
    unit = re.search(r"(week|month|year|morning|afternoon|evening)", text)
    if unit is None:
        return _counted(text, reference)
    word = unit.group(1)
    if word in ("morning", "afternoon", "evening"):
        return DateInterval(reference, reference, "day")
    if "this" in text:
        whole = _calendar_unit(word, reference, 0)
        if text.startswith("earlier"):
            return DateInterval(whole.start, reference, "range")
        if text.startswith("later"):
            return DateInterval(reference, whole.end, "range")
        return whole
    counted = re.search(rf"\b{NUM} (?:days?|weeks?|months?|years?)\b", text)
    if counted or re.search(r"ago|ahead|later|earlier (?!this)|past|recent|coming", text):
        return _counted(text, reference)
    shift = -1 if "last" in text else 1 if "next" in text else 0
    return _calendar_unit(word, reference, shift)


def _calendar_unit(unit: str, reference: dt.date, shift: int) -> DateInterval:
    if unit == "week":
        monday = reference - dt.timedelta(days=reference.weekday()) + dt.timedelta(weeks=shift)
        return DateInterval(monday, monday + dt.timedelta(days=6), "week")
    if unit == "month":
        return _shift_month(reference, shift)
    year = reference.year + shift
    return DateInterval(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def _counted(text: str, reference: dt.date) -> DateInterval | None:
    match = re.search(rf"(?:({NUM}) )?(day|week|month|year)s?", text)
    if match is None:
        return None
    # "in recent weeks", "over the past days": a few, without a number.
    count_text = match.group(1) or "few"
    count = int(count_text) if count_text.isdigit() else NUMBERS[count_text]
    if count_text == "few" and match.group(2) != "day":
        count = 3
    days = count * {"day": 1, "week": 7, "month": 30, "year": 365}[match.group(2)]
    span = dt.timedelta(days=days)
    unit = match.group(2)
    if "ago" in text or "earlier" in text or "ahead" in text or "later" in text:
        sign = -1 if ("ago" in text or "earlier" in text) else 1
        if unit == "month":
            return _shift_month(reference, sign * count)
        if unit == "year":
            return _calendar_unit("year", reference, sign * count)
        day = reference + sign * span
        if unit == "day":
            return DateInterval(day, day, "day")
        three = dt.timedelta(days=3)  # "a week ago": that week, give or take
        return DateInterval(day - three, day + three, "week")
    if "coming" in text or "next" in text or text.startswith("within"):
        return DateInterval(reference, reference + span, "range")
    return DateInterval(reference - span, reference, "range")


_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DATELINE_PREFIX = re.compile(
    r"(?i)^\s*(?:published|updated|posted|last updated|first published|date)\s*(?:on|:)?\s*"
)


def parse_dateline(line: str) -> dt.date | None:
    """The date of a dateline such as "Published 20.02.2019 00:07" or "09 April, 2019".

    Only full dates (day, month and year) count; anything else returns ``None``.
    """
    # A cheap look first: dateparser is slow, and most lines are not datelines.
    if len(line) > 80 or not _HAS_YEAR.search(line):
        return None
    text = _DATELINE_PREFIX.sub("", line)
    text = re.split(r"\s+(?:by|\|)\s+|\s+-\s+", text)[0]  # "March 3, 2019 by admin | News"
    return _strict_day(text.strip(" |-–"))


@lru_cache(maxsize=1024)
def _strict_day(text: str) -> dt.date | None:
    parsed = dateparser.parse(
        _for_formats(text),
        date_formats=_DATELINE_FORMATS,
        languages=["en"],
        settings={"STRICT_PARSING": True, "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"},
    )
    return None if parsed is None else parsed.date()
