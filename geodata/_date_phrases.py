"""The date phrases of a sentence, and the tense of the clause each stands in.

What :func:`geodata.dates.find_dates` matches before it resolves anything: the month, weekday and
number words, one regular expression per kind of phrase (``PATTERNS``), the cheap look that says
which of them a sentence can hold (:func:`kinds_needed`), and the cues of tense that decide whether a
yearless "April 28" or a bare "on Friday" lies ahead or behind (:func:`is_future`,
:func:`clause_is_future`). Resolving a phrase into days is :mod:`geodata.dates`'s.

The words (month and weekday names, number words, the prepositions a month or year follows, the
cues of the future and the past) are data: ``lexicon/date_words.json`` (see its README); the
grammar that puts them together is here. The file is read with :mod:`json`, not through
:mod:`geodata.lexicon`, so that reading dates never imports spaCy.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from geodata import settings

__all__ = [
    "MONTHS",
    "NUM",
    "NUMBERS",
    "PATTERNS",
    "RELATIVE_LOWER",
    "SINCE",
    "SINCE_INSIDE",
    "TENSELESS",
    "WEEKDAYS",
    "clause_breaks",
    "clause_is_future",
    "date_words",
    "is_future",
    "kinds_needed",
    "names_no_year",
]

_LISTS = (
    "months",
    "weekdays",
    "numbers",
    "before_month",
    "before_year",
    "beside_set_off_date",
    "future",
    "past",
    "forward_participles",
    "relative_pronouns",
)


def date_words() -> dict[str, Any]:
    """The word lists of ``lexicon/date_words.json``, by name; a clear error when the file is
    not JSON or lacks a list."""
    path = settings.LEXICON_DIR / "date_words.json"
    try:
        words = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path.name}, line {exc.lineno}: not JSON ({exc.msg})") from exc
    missing = [name for name in _LISTS if not isinstance(words, dict) or not words.get(name)]
    if missing:
        raise ValueError(f"{path.name}: no list {', '.join(missing)}")
    return dict(words)


def _either(words: Iterable[str]) -> str:
    """An alternation of ``words`` in their order (the file's), each matched literally."""
    return "|".join(re.escape(word) for word in words)


def _initials(words: Iterable[str]) -> str:
    """The letters ``words`` start with, for a look-ahead that rejects most positions at once."""
    return "".join(dict.fromkeys(word[0] for word in words))


_WORDS = date_words()
MONTHS = {name.lower(): index for index, names in enumerate(_WORDS["months"], start=1) for name in names}
WEEKDAYS = {name.lower(): index for index, name in enumerate(_WORDS["weekdays"])}
NUMBERS: dict[str, int] = dict(_WORDS["numbers"])

# Month names are matched case-sensitively so that the modal "may" is never a month.
_MONTH_INITIALS = _initials(names[0] for names in _WORDS["months"])
_AT_MONTH = f"(?=[{_MONTH_INITIALS}])"  # (each pattern's look-ahead: see "weekday" below)
_AT_MONTH_OR_DAY = f"(?=[{_MONTH_INITIALS}0-9])"
_MONTH = (
    f"(?:{_either(names[0] for names in _WORDS['months'])}"
    rf"|(?:{_either(abbreviation for names in _WORDS['months'] for abbreviation in names[1:])})\.?(?![a-z]))"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_WEEKDAY = f"(?:{_either(_WORDS['weekdays'])})"
NUM = rf"(?:{_either(NUMBERS)}|\d{{1,2}})"
_WEEKDAY_MODIFIERS = ("last", "next", "this")
_AT_WEEKDAY = (
    f"(?=[{_initials([*_WEEKDAY_MODIFIERS, *map(str.capitalize, _WEEKDAY_MODIFIERS), *_WORDS['weekdays']])}])"
)
_I = "(?i:{})"  # a case-insensitive piece inside a case-sensitive pattern

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("numeric", rf"\b(?:\d{{1,2}}[./]\d{{1,2}}[./]{_YEAR}|{_YEAR}-\d{{2}}-\d{{2}})\b"),
        (
            "day_range",
            rf"\b{_AT_MONTH}(?P<m>{_MONTH}) (?P<d1>{_DAY}) {_I.format('(?:and|to|-|–)')} ?(?P<d2>{_DAY})"
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
            rf"\b{_AT_MONTH_OR_DAY}(?:(?P<m>{_MONTH}) (?P<d>{_DAY})|(?P<d_>{_DAY}) (?:of )?(?P<m_>{_MONTH}))"
            rf"(?:,? (?P<y>{_YEAR}))?\b",
        ),
        (
            "month_year",
            rf"\b{_AT_MONTH}(?P<m>{_MONTH}),? (?:of )?"
            rf"(?P<y>{_YEAR}|{_I.format('this year|last year|next year')})",
        ),
        (
            "month",
            _I.format(rf"\b(?=[{_initials(_WORDS['before_month'])}])(?:{_either(_WORDS['before_month'])})")
            + rf" (?P<m>{_MONTH})(?![\w-])",
        ),
        (
            "year",
            _I.format(rf"\b(?=[{_initials(_WORDS['before_year'])}])(?:{_either(_WORDS['before_year'])})")
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
                rf"|(?:in |over |during )?(?:the )?(?:last|past|recent|coming|next) (?:{NUM} )?"
                r"(?:days?|weeks?|months?)"
                rf"|within (?:the next )?{NUM} (?:days?|weeks?|months?)"
                rf"|{NUM} (?:days?|weeks?|months?|years?) (?:ago|ahead|later|earlier))\b"
            ),
        ),
        (
            "weekday",
            # (Each pattern's look-ahead names the letters it can start with: most positions of
            # a sentence are then rejected at once.)
            _AT_WEEKDAY
            + _I.format(rf"(?:\b(?P<w>{_either(_WEEKDAY_MODIFIERS)}) )?")
            + rf"\b(?P<wd>{_WEEKDAY})(?:'s|’s)?\b",
        ),
    )
)
_MONTH_NAME = re.compile(_AT_MONTH + _MONTH)
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


def kinds_needed(sentence: str) -> set[str]:
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


RELATIVE_LOWER = re.compile(dict(PATTERNS)["relative"].pattern[4:-1])
SINCE = re.compile(r"(?i)\bsince\s+(?:the\s+)?$")
SINCE_INSIDE = re.compile(r"(?i)since\s")

# Matched on a lower-cased copy; the look-ahead for the cues' first letters lets the matcher skip
# most positions without trying every cue (the same trick as the trigger lexicon's).
_FUTURE = re.compile(rf"\b(?=[{_initials(_WORDS['future'])}])(?:{_either(_WORDS['future'])})\b")


@lru_cache(maxsize=4096)
def is_future(sentence: str) -> bool:
    """Whether ``sentence`` speaks of the future (a cue such as "will", "planning", "scheduled")."""
    return _FUTURE.search(sentence.lower()) is not None


# Phrases naming a month by its name, with a year or without.
_MONTH_KINDS = frozenset({"month_day", "day_range", "month", "month_year", "part_month"})


def names_no_year(kind: str, match: re.Match[str]) -> bool:
    """Whether a phrase names a month but not the number of its year: "November 1", "late May",
    "March last year" (counted from publication); not "May 2017", nor "late last month"."""
    groups = match.groupdict()
    month = groups.get("m") or groups.get("m_") or ""
    year = groups.get("y") or ""
    return kind in _MONTH_KINDS and not year[:1].isdigit() and not month.lower().endswith("month")


# Phrases whose reading does not depend on tense ("yesterday", "last week", "in 2019"): the tense
# of their clause is not worked out.
TENSELESS = frozenset({"relative", "year"})
_CLAUSE_BREAK = re.compile(r"[,;:–—]|\bthat\b")
# "Under the memorandum agreed in Sochi on September 17, the zone is to be ...": a clause with a
# past participle of its own is past, whatever the rest of the sentence says.
_PAST_PARTICIPLE = re.compile(rf"\b(?!(?:{_either(_WORDS['forward_participles'])})\b)[a-z]{{3,}}ed\b")
_PAST = re.compile(rf"(?i)\b(?:{_either(_WORDS['past'])})\b")


def clause_is_future(
    sentence: str,
    start: int,
    end: int,
    sentence_future: bool,
    breaks: tuple[list[int], list[int]] | None = None,
) -> bool:
    """Tense of the clause around a date phrase, falling back on the sentence's.

    ``breaks`` are the sentence's clause breaks (:func:`clause_breaks`), when the caller already
    has them.
    """
    if breaks is None:
        breaks = clause_breaks(sentence)
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
    if not sentence_future or _PAST.search(clause) is not None or _PAST_PARTICIPLE.search(clause) is not None:
        return False
    # The sentence's future cue may stand in a relative clause of its own ("On Tuesday Russia is
    # hosting a congress, which it hopes will open talks"): that is the relative clause's tense,
    # not the date's.
    return is_future(_RELATIVE_CLAUSE.sub(lambda m: m[0] if m.start() <= start < m.end() else " ", sentence))


# A relative clause set off by a comma or a dash (", which it hopes will open talks"), up to the
# next break of punctuation ("that" may stand inside it).
_RELATIVE_CLAUSE = re.compile(rf"(?i)[,;:–—]\s*(?:{_either(_WORDS['relative_pronouns'])})\b[^,;:–—]*")


# What may stand beside a date phrase set off by commas: a preposition or "early"/"late".
_BARE_PHRASE = re.compile(rf"(?i)[\s,;:–—]*(?:(?:{_either(_WORDS['beside_set_off_date'])})[\s,;:–—]+)*")
_REPORTED = re.compile(r"\bthat\b")


def clause_breaks(sentence: str) -> tuple[list[int], list[int]]:
    """Where the sentence's clause breaks end, and where they start (both in order)."""
    found = [m.span() for m in _CLAUSE_BREAK.finditer(sentence)]
    return [end for _, end in found], [start for start, _ in found]
