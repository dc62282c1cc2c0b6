"""Dates in news sentences, resolved against the publication date into intervals.

``find_dates(sentence, reference=published)`` finds phrases such as "yesterday", "last week",
"on Tuesday", "April 28", "Sept. 17", "in early May", "since early December", "May 2017" or
"April 25 and 26" and turns each into a :class:`DateInterval` (first day, last day, precision
``day | week | month | year | range``).

A cheap regular expression finds the candidate phrases first; ``dateparser`` (cached) turns the
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

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import dateparser

__all__ = [
    "DateInterval",
    "DateMention",
    "find_dates",
    "is_future",
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


_MONTHS = {
    name: index
    for index in range(1, 13)
    for name in {calendar.month_name[index].lower(), calendar.month_abbr[index].lower()}
}
_MONTHS["sept"] = 9
_WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "couple of": 2,
    "few": 5,
    "several": 5,
}

# Month names are matched case-sensitively so that the modal "may" is never a month.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![a-z]))"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple of|few|several|\d{1,2})"
_I = "(?i:{})"  # a case-insensitive piece inside a case-sensitive pattern

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("numeric", rf"\b(?:\d{{1,2}}[./]\d{{1,2}}[./]{_YEAR}|{_YEAR}-\d{{2}}-\d{{2}})\b"),
        (
            "day_range",
            rf"\b(?=[JFMASOND])(?P<m>{_MONTH}) (?P<d1>{_DAY}) {_I.format('(?:and|to|-|–)')} ?(?P<d2>{_DAY})"
            rf"(?:,? (?P<y>{_YEAR}))?\b",
        ),
        (
            "part_month",
            _I.format(r"\b(?=[emlt])(?P<q>early|mid|mid-|late|(?:the )?end of|(?:the )?beginning of)")
            + rf" ?(?P<m>{_MONTH}|{_I.format('this month|last month|next month|the month')})"
            + rf"(?:,? (?P<y>{_YEAR}))?",
        ),
        (
            "month_day",
            rf"\b(?=[JFMASOND0-9])(?:(?P<m>{_MONTH}) (?P<d>{_DAY})|(?P<d_>{_DAY}) (?:of )?(?P<m_>{_MONTH}))"
            rf"(?:,? (?P<y>{_YEAR}))?\b",
        ),
        (
            "month_year",
            rf"\b(?=[JFMASOND])(?P<m>{_MONTH}),? (?:of )?"
            rf"(?P<y>{_YEAR}|{_I.format('this year|last year|next year')})",
        ),
        (
            "month",
            _I.format(r"\b(?=[isbutfdlna])(?:in|since|by|until|till|from|during|last|next|this|before|after)")
            + rf" (?P<m>{_MONTH})(?![\w-])",
        ),
        (
            "year",
            _I.format(r"\b(?=[isbufdoel])(?:in|since|by|until|from|during|of|early|late)")
            + rf" (?P<y>{_YEAR})\b",
        ),
        (
            "relative",
            _I.format(
                r"\b(?:yesterday|today|tonight|tomorrow"
                r"|this (?:morning|afternoon|evening|week|month|year)"
                r"|(?:earlier|later) this (?:week|month|year)|last (?:night|week|month|year)"
                r"|next (?:week|month|year)|at midnight(?! on| of)|overnight"
                r"|(?:over |during |at )?(?:the|last) weekend"
                rf"|(?:in |over |during )?(?:the )?(?:last|past|recent|coming|next) (?:{_NUM} )?"
                r"(?:days?|weeks?|months?)"
                rf"|within (?:the next )?{_NUM} (?:days?|weeks?|months?)"
                rf"|{_NUM} (?:days?|weeks?|months?|years?) (?:ago|ahead|later|earlier))\b"
            ),
        ),
        (
            "weekday",
            # (Each pattern's look-ahead names the letters it can start with: most positions of
            # a sentence are then rejected at once.)
            "(?=[lntLNTMWFS])"
            + _I.format(r"(?:\b(?P<w>last|next|this) )?")
            + rf"\b(?P<wd>{_WEEKDAY})(?:'s|’s)?\b",
        ),
    )
)
_MONTH_NAME = re.compile("(?=[JFMASOND])" + _MONTH)
# Words one of which every relative phrase contains (looked for with ``in``: a few substring
# searches in C cost a third of one search with a regular expression).
_RELATIVE_WORDS = (
    "yesterday",
    "today",
    "tonight",
    "tomorrow",
    "week",
    "month",
    "year",
    "days",
    "night",
    "morning",
    "afternoon",
    "evening",
)
_DIGIT = re.compile(r"\d")
_PART_WORD = re.compile(r"early|mid|late|end of|beginning of")
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
_NUMERIC_HINT = re.compile(r"\d[./-]\d")


def _needs(sentence: str) -> set[str]:
    """The patterns worth running on ``sentence``: each needs a digit, a month name or a keyword,
    checked here far faster than the pattern itself would fail.

    Most sentences need none and are skipped at once.
    """
    lowered = sentence.lower()
    needs = {"relative"} if any(word in lowered for word in _RELATIVE_WORDS) else set()
    digit = _DIGIT.search(sentence) is not None
    month = _MONTH_NAME.search(sentence) is not None
    if month:
        needs.add("month")
        if digit:
            needs |= {"day_range", "month_day"}
        if digit or "year" in lowered:
            needs.add("month_year")
    if (month or "month" in lowered) and _PART_WORD.search(lowered):
        needs.add("part_month")
    if digit:
        if _YEAR_DIGITS.search(sentence):
            needs.add("year")
        if _NUMERIC_HINT.search(sentence):
            needs.add("numeric")
    if "day" in lowered:
        needs.add("weekday")
    return needs


_RELATIVE_LOWER = re.compile(dict(_PATTERNS)["relative"].pattern[4:-1])
_SINCE = re.compile(r"(?i)\bsince\s+(?:the\s+)?$")
_SINCE_INSIDE = re.compile(r"(?i)since\s")

# Matched on a lower-cased copy; the look-ahead for the cues' first letters lets the matcher skip
# most positions without trying every cue (the same trick as the trigger lexicon's).
_FUTURE = re.compile(
    r"\b(?=[wsgpedaiutn])(?:will|shall|won't|going to|plan(?:s|ned|ning)? to|planning|scheduled"
    r"|expected to|set to|due to|is to|are to|to be held|upcoming|ahead|next week|next month"
    r"|would be held|would (?:take place|meet|start|begin|resume|go ahead)|tomorrow)\b"
)


@lru_cache(maxsize=4096)
def is_future(sentence: str) -> bool:
    """Whether ``sentence`` speaks of the future (a cue such as "will", "planning", "scheduled")."""
    return _FUTURE.search(sentence.lower()) is not None


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
    needs = _needs(sentence)
    if not needs:
        return ()
    sentence_future = is_future(sentence) if future is None else future
    found: list[DateMention] = []
    breaks: tuple[list[int], list[int]] | None = None
    lowered = sentence.lower()
    for kind, pattern in _PATTERNS:
        if kind not in needs:
            continue
        if kind == "relative" and len(lowered) == len(sentence):
            matches = _RELATIVE_LOWER.finditer(lowered)  # faster than case-insensitive
        else:
            matches = pattern.finditer(sentence)
        for match in matches:
            forward = sentence_future
            if future is None and kind not in _TENSELESS:
                if breaks is None:
                    breaks = _clause_breaks(sentence)
                forward = _clause_is_future(sentence, match.start(), match.end(), sentence_future, breaks)
            interval = _resolve(kind, match, reference, forward)
            if interval is None:
                continue
            start, anchor = match.start(), None
            since = _SINCE.search(sentence[max(0, start - 12) : start])
            if since is not None:
                start, anchor = start - (min(start, 12) - since.start()), interval
                interval = DateInterval(interval.start, max(reference, interval.start), "range")
            elif _SINCE_INSIDE.match(match.group(0)):  # the "month" pattern takes "since May" whole
                anchor = interval
                interval = DateInterval(interval.start, max(reference, interval.start), "range")
            elif nearest and _names_no_year(kind, match):
                interval = _nearer_year(interval, reference)
            text = sentence[start : match.end()]
            found.append(DateMention(text, start, match.end(), interval, anchor))
    return _drop_overlaps(found)


# Phrases naming a month by its name, with a year or without.
_MONTH_KINDS = frozenset({"month_day", "day_range", "month", "month_year", "part_month"})


def _names_no_year(kind: str, match: re.Match[str]) -> bool:
    """Whether a phrase names a month but not the number of its year: "November 1", "late May",
    "March last year" (counted from publication); not "May 2017", nor "late last month"."""
    groups = match.groupdict()
    month = groups.get("m") or groups.get("m_") or ""
    year = groups.get("y") or ""
    return kind in _MONTH_KINDS and not year[:1].isdigit() and not month.lower().endswith("month")


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


# Phrases whose reading does not depend on tense ("yesterday", "last week", "in 2019"): the tense
# of their clause is not worked out.
_TENSELESS = frozenset({"relative", "year"})
_CLAUSE_BREAK = re.compile(r"[,;:–—]|\bthat\b")
# "Under the memorandum agreed in Sochi on September 17, the zone is to be ...": a clause with a
# past participle of its own is past, whatever the rest of the sentence says.
_PAST_PARTICIPLE = re.compile(
    r"\b(?!(?:planned|scheduled|expected|proposed|envisaged|intended)\b)[a-z]{3,}ed\b"
)
_PAST = re.compile(
    r"(?i)\b(?:was|were|had|did|said|announced|told|reported|stated|confirmed|revealed|added"
    r"|ago|yesterday|last)\b"
)


def _clause_is_future(
    sentence: str,
    start: int,
    end: int,
    sentence_future: bool,
    breaks: tuple[list[int], list[int]] | None = None,
) -> bool:
    """Tense of the clause around a date phrase, falling back on the sentence's.

    ``breaks`` are the sentence's clause breaks (:func:`_clause_breaks`), when the caller already
    has them.
    """
    if breaks is None:
        breaks = _clause_breaks(sentence)
    ends, starts = breaks
    # The breaks are in order and do not overlap: the last ending before the phrase, the first
    # starting after it.
    before = bisect.bisect_right(ends, start)
    after = bisect.bisect_left(starts, end)
    left = ends[before - 1] if before else 0
    right = starts[after] if after < len(starts) else len(sentence)
    clause = sentence[left:right]
    if _BARE_PHRASE.fullmatch(sentence[left:start] + " " + sentence[end:right]):
        # A date phrase set off on its own ("On Oct 22, the leaders met ... and agreed that
        # troops would pull back"): its tense is the main clause's, up to the reported "that".
        clause = _REPORTED.split(sentence[right:], maxsplit=1)[0]
    if is_future(clause):
        return True
    return sentence_future and _PAST.search(clause) is None and _PAST_PARTICIPLE.search(clause) is None


# What may stand beside a date phrase set off by commas: a preposition or "early"/"late".
_BARE_PHRASE = re.compile(r"(?i)[\s,;:–—]*(?:(?:on|in|at|by|early|late|then)[\s,;:–—]+)*")
_REPORTED = re.compile(r"\bthat\b")


def _clause_breaks(sentence: str) -> tuple[list[int], list[int]]:
    """Where the sentence's clause breaks end, and where they start (both in order)."""
    found = [m.span() for m in _CLAUSE_BREAK.finditer(sentence)]
    return [end for _, end in found], [start for start, _ in found]


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
    return _MONTHS[key if key in _MONTHS else key[:3]]


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
    target = _WEEKDAYS[name]
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
    counted = re.search(rf"\b{_NUM} (?:days?|weeks?|months?|years?)\b", text)
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
    match = re.search(rf"(?:({_NUM}) )?(day|week|month|year)s?", text)
    if match is None:
        return None
    # "in recent weeks", "over the past days": a few, without a number.
    count_text = match.group(1) or "few"
    count = int(count_text) if count_text.isdigit() else _NUMBERS[count_text]
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
