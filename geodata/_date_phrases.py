"""The date phrases of a sentence, and the tense of the clause each stands in.

What :func:`geodata.dates.find_dates` matches before it resolves anything: the month, weekday and
number words, one regular expression per kind of phrase (``PATTERNS``), the cheap look that says
which of them a sentence can hold (:func:`kinds_needed`), and the cues of tense that decide whether a
yearless "April 28" or a bare "on Friday" lies ahead or behind (:func:`is_future`,
:func:`clause_is_future`). Resolving a phrase into days is :mod:`geodata.dates`'s.
"""

from __future__ import annotations

import bisect
import calendar
import re
from functools import lru_cache

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
    "is_future",
    "kinds_needed",
    "names_no_year",
]

MONTHS = {
    name: index
    for index in range(1, 13)
    for name in {calendar.month_name[index].lower(), calendar.month_abbr[index].lower()}
}
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}
NUMBERS = {
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
NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple of|few|several|\d{1,2})"
_I = "(?i:{})"  # a case-insensitive piece inside a case-sensitive pattern

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
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
_FUTURE = re.compile(
    r"\b(?=[wsgpedaiutn])(?:will|shall|won't|going to|plan(?:s|ned|ning)? to|planning|scheduled"
    r"|expected to|set to|due to|is to|are to|to be held|upcoming|ahead|next week|next month"
    r"|would be held|would (?:take place|meet|start|begin|resume|go ahead)|tomorrow)\b"
)


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
_PAST_PARTICIPLE = re.compile(
    r"\b(?!(?:planned|scheduled|expected|proposed|envisaged|intended)\b)[a-z]{3,}ed\b"
)
_PAST = re.compile(
    r"(?i)\b(?:was|were|had|did|said|announced|told|reported|stated|confirmed|revealed|added"
    r"|ago|yesterday|last)\b"
)


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
    return sentence_future and _PAST.search(clause) is None and _PAST_PARTICIPLE.search(clause) is None


# What may stand beside a date phrase set off by commas: a preposition or "early"/"late".
_BARE_PHRASE = re.compile(r"(?i)[\s,;:–—]*(?:(?:on|in|at|by|early|late|then)[\s,;:–—]+)*")
_REPORTED = re.compile(r"\bthat\b")


def clause_breaks(sentence: str) -> tuple[list[int], list[int]]:
    """Where the sentence's clause breaks end, and where they start (both in order)."""
    found = [m.span() for m in _CLAUSE_BREAK.finditer(sentence)]
    return [end for _, end in found], [start for start, _ in found]
