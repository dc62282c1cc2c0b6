"""The narrative's reference time, and the time phrases that count from it.

News dates an event once and tells what followed in order: "Rebels shelled the post late on
September 13. ... The town was hit by rockets a few hours earlier." "A few hours earlier" counts
from September 13, the time the story has reached (the *reference time* of TimeML and of
Reichenbach's tense analysis), not from the day the page was published. So do "two days later",
"the following day", "the previous night", "that day" and "nine months later"; "two days ago",
"yesterday" or "on Tuesday" count from the writer's own day (publication) and stay with
:mod:`geodata.dates`.

:func:`anaphoric_phrases` finds such phrases in a sentence and :func:`resolve` turns one into an
interval from a reference interval, keeping the reference's precision ("in September" ... "nine
months later" is a month). The reference itself is the latest explicit date told before the phrase
(:class:`geodata.article_context.ArticleContext` keeps it sentence by sentence; see
:func:`reference_of`).

Our own rules: dateparser resolves phrases against a base date only from the writer's day ("2 days
ago", "in 2 days"); it has nothing for "later", "the following day" or "that day" counted from
another date in the text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geodata.dates import DateInterval, DateMention

__all__ = ["AnaphoricPhrase", "anaphoric_phrases", "anchored", "reference_of", "resolve"]


@dataclass(frozen=True)
class AnaphoricPhrase:
    """A time phrase counted from the reference time: its span, the unit it counts in, how many
    units (``0`` for "that day", negative for "earlier") and how sure the count is (``exact``:
    "two days later"; not for "days later", "a few hours earlier")."""

    text: str
    start: int
    end: int
    unit: str  # "hour", "day", "week", "month" or "year"
    count: int
    exact: bool = True


_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2,
}  # fmt: skip
_COUNT = r"(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|\d{1,2})"
_VAGUE = r"(?P<vague>a few|a number of|several|some)"
_UNIT = r"(?P<unit>hour|day|week|month|year)s?"
# Case-insensitive; each alternative names a phrase that counts from the reference time.
_PHRASES = re.compile(
    r"(?i)\b(?:"
    # "two days later", "a few hours earlier", "days later", "nine months afterwards"
    rf"(?:(?:{_COUNT}|{_VAGUE})\s+)?{_UNIT}\s+(?P<dir>later|earlier|afterwards?)"
    # "the next day", "the following morning", "the following week"
    r"|the\s+(?:next|following)\s+(?P<after>day|morning|afternoon|evening|night|week|month|year)"
    # "the day before", "the night before": not "the day before yesterday" (the writer's day)
    r"|the\s+(?P<before>day|night|evening|eve)\s+before(?!\s+yesterday)"
    # "the previous day", "the preceding night", "the previous week"
    r"|the\s+(?:previous|preceding)\s+(?P<previous>day|morning|afternoon|evening|night|week|month|year)"
    # "that day", "the same day", "later that night", "earlier that morning", "in the evening"
    r"|(?:(?:later|earlier)\s+)?(?:that|the\s+same|in\s+the)\s+(?P<same>day|morning|afternoon|evening|night)"
    r")\b(?!\s+(?:of|when)\b)"
)
# Every phrase holds one of these words (looked for with ``in``: most sentences hold none).
_WORDS = (
    "later", "earlier", "afterward", "next", "following", "before", "previous", "preceding", "same",
    "that", "morning", "afternoon", "evening", "night",
)  # fmt: skip
_PARTS_OF_DAY = frozenset({"day", "morning", "afternoon", "evening", "night"})


def anaphoric_phrases(sentence: str) -> tuple[AnaphoricPhrase, ...]:
    """The phrases of ``sentence`` that count from the reference time, in order.

    Examples
    --------
    >>> [(p.unit, p.count) for p in anaphoric_phrases("Two days later, the army moved in.")]
    [('day', 2)]
    >>> anaphoric_phrases("Two days ago the army moved in.")
    ()
    """
    lowered = sentence.lower()
    if not any(word in lowered for word in _WORDS):
        return ()
    found = []
    for match in _PHRASES.finditer(sentence):
        phrase = _phrase(match)
        if phrase is not None:
            found.append(phrase)
    return tuple(found)


def _phrase(match: re.Match[str]) -> AnaphoricPhrase | None:
    text, start, end = match.group(0), match.start(), match.end()
    groups = match.groupdict()
    if groups["unit"]:
        count_text = (groups["n"] or "").lower()
        exact = bool(count_text)
        count = int(count_text) if count_text.isdigit() else _NUMBERS.get(count_text, 3)
        sign = -1 if groups["dir"].lower() == "earlier" else 1
        return AnaphoricPhrase(text, start, end, groups["unit"].lower(), sign * count, exact)
    if groups["after"]:
        return AnaphoricPhrase(text, start, end, _unit_of(groups["after"]), 1)
    if groups["before"]:
        return AnaphoricPhrase(text, start, end, "day", -1)
    if groups["previous"]:
        return AnaphoricPhrase(text, start, end, _unit_of(groups["previous"]), -1)
    if groups["same"]:
        return AnaphoricPhrase(text, start, end, "day", 0)
    return None


def _unit_of(word: str) -> str:
    lowered = word.lower()
    return "day" if lowered in _PARTS_OF_DAY else lowered


def resolve(phrase: AnaphoricPhrase, reference: DateInterval) -> DateInterval:
    """The interval ``phrase`` names, counted from ``reference``.

    Hours keep the reference's day and reach one day further ("a few hours earlier" than late
    on the 13th: the 12th or the 13th). Days, weeks, months and years shift the reference by that
    much, no more precise than the unit allows: "two weeks later" than a day is that day give or
    take three days, "nine months later" than a day is that month. A count that is not exact
    ("days later", "some weeks earlier") runs from the reference to the usual few units.
    """
    one = dt.timedelta(days=1)
    if phrase.unit == "hour":
        if phrase.count < 0:
            return DateInterval(reference.start - one, reference.end, "range")
        return DateInterval(reference.start, reference.end + one, "range")
    if phrase.count == 0:
        return reference
    shifted = _shifted(reference, phrase.unit, phrase.count)
    if phrase.exact:
        return shifted
    if phrase.count > 0:
        return DateInterval(reference.end + one, max(shifted.end, reference.end + one), "range")
    return DateInterval(min(shifted.start, reference.start - one), reference.start - one, "range")


def _shifted(reference: DateInterval, unit: str, count: int) -> DateInterval:
    if unit in ("day", "week"):
        shift = dt.timedelta(days=count * (7 if unit == "week" else 1))
        start, end = reference.start + shift, reference.end + shift
        if reference.days > 1:
            return DateInterval(start, end, reference.precision if unit == "week" else "range")
        if unit == "week":
            three = dt.timedelta(days=3)  # "a week later": that week, give or take
            return DateInterval(start - three, end + three, "week")
        return DateInterval(start, end, "day")
    months = count * (12 if unit == "year" else 1)
    moved = _shift_months(reference, months)
    if reference.precision in ("month", "year") or (unit == "month" and reference.days > 31):
        return moved
    if unit == "month":
        last = calendar.monthrange(moved.start.year, moved.start.month)[1]
        return DateInterval(moved.start.replace(day=1), moved.start.replace(day=last), "month")
    return DateInterval(dt.date(moved.start.year, 1, 1), dt.date(moved.start.year, 12, 31), "year")


def _shift_months(reference: DateInterval, months: int) -> DateInterval:
    """``reference`` moved by whole calendar months: a month stays a month, a day a day."""
    start = _add_months(reference.start, months)
    if reference.precision == "month":
        last = calendar.monthrange(start.year, start.month)[1]
        return DateInterval(start, start.replace(day=last), "month")
    if reference.precision == "year":
        return DateInterval(start, start.replace(month=12, day=31), "year")
    end = _add_months(reference.end, months)
    return DateInterval(start, max(start, end), reference.precision)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def reference_of(dates: Sequence[DateMention], before: int | None = None) -> DateInterval | None:
    """The reference time a sentence's dates set: the last date told before character ``before``
    (all of them when ``None``), as the date it names ("since May 2017": May 2017)."""
    told = [d for d in dates if before is None or d.end <= before]
    return told[-1].point if told else None


def anchored(
    found: Sequence[DateMention], phrases: Sequence[AnaphoricPhrase], reference: DateInterval | None
) -> tuple[DateMention, ...]:
    """The sentence's date mentions with each anaphoric phrase counted from the reference time.

    ``found`` are the mentions :func:`geodata.dates.find_dates` gave (it reads "two days later"
    from the publication date); those overlapping a phrase give way to it. A phrase with no
    reference before it in the sentence or in ``reference`` (the narrative's so far) dates
    nothing: counted from publication, "two days later" would lie in the future.
    """
    kept = [d for d in found if not any(d.start < p.end and p.start < d.end for p in phrases)]
    result = list(kept)
    for phrase in phrases:
        earlier = [d for d in result if d.end <= phrase.start]
        base = earlier[-1].point if earlier else reference
        if base is None:
            continue
        result.append(DateMention(phrase.text, phrase.start, phrase.end, resolve(phrase, base)))
        result.sort(key=lambda d: d.start)
    return tuple(result)
