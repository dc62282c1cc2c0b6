"""Which date phrase of a sentence dates which event, and what an undated event gets.

:mod:`geodata.dates` finds the date phrases of a sentence and resolves them to intervals; this
stage assigns them to events:

- a date belongs to the event word nearest to it ("Rebels completed the withdrawal ..., meeting
  the deadline of the deal struck last month": "last month" dates the deal);
- a date of the report ("..., the ministry said on Wednesday") dates the statement; an event the
  sentence dates by nothing else happened by then (the two days before, and that day);
- a deadline ("by October 15", "until the end of the month") never dates an agreement or talks:
  an agreement is dated by its signing;
- an agreement, talks or a statement happen at a point: "since May 2017, a memorandum signed in
  Astana" dates the signing to May 2017, not the whole span since;
- with no date of its own, an event takes the previous sentence's date in the paragraph, else a
  window around publication (:func:`undated`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence

from geodata.cues import Cues
from geodata.dates import DateInterval, DateMention
from geodata.triggers import Trigger

__all__ = ["choose_date", "dates_of", "is_deadline", "is_report_date", "statement_dates", "undated"]

POINT_KINDS = frozenset({"agreement", "talks", "statement"})
_DEADLINE_WORDS = ("by ", "until ", "till ", "before ")
# What ends a dateline that opens a paragraph: "12 May 2019; AFP:", "May 12, 2019 - ", "(AFP)".
_DATELINE_END = re.compile(r"\s*(?:[;:|/(]|[-–—]\s)")


def gap(trigger: Trigger, start: int, end: int) -> int:
    """Characters between a trigger and a span (0 when they touch or overlap)."""
    return max(start - trigger.end, trigger.start - end, 0)


def is_report_date(date: DateMention, cues: Cues, triggers: Sequence[Trigger] = ()) -> bool:
    """Whether the date dates a report: it follows a reporting verb in the same clause, before
    what was reported ("told X on April 28", "told party heads in Ankara on Thursday that ...").
    Not when an event word of ``triggers`` comes between ("said the withdrawal began early on
    Monday": Monday dates the withdrawal), nor when the verb qualifies the event word just before
    it ("under the agreement made in Sochi on Oct 22", "a truce announced on Monday": the date is
    the agreement's)."""
    text = cues.sentence.text
    if date.start == 0 and _DATELINE_END.match(text, date.end):
        return True  # "23 Oct 2021; MEMO: ...": a dateline run into the lead dates the report
    if is_deadline(date, cues):
        return False
    for cue in cues["report"]:
        if any(t.kind != "statement" and t.last == cue.first for t in triggers):
            continue
        if cue.end <= date.start and date.start - cue.end <= 100:
            between = text[cue.end : date.start]
            if any(mark in between for mark in (",", ";", " that ")):
                continue
            if any(t.kind != "statement" and cue.end <= t.start and t.end <= date.start for t in triggers):
                continue
            return True
    return False


def is_deadline(date: DateMention, cues: Cues) -> bool:
    """Whether the date is a deadline ("by October 15", "no later than May 1")."""
    if date.text.lower().startswith(_DEADLINE_WORDS):
        return True
    return any(cue.end <= date.start and date.start - cue.end <= 5 for cue in cues["deadline"])


def dates_of(
    trigger: Trigger, triggers: Sequence[Trigger], dates: Sequence[DateMention], cues: Cues
) -> list[DateMention]:
    """The dates that may date ``trigger``: not those nearer another kind of event word."""
    if len({t.kind for t in triggers}) < 2:
        return list(dates)
    return [d for d in dates if min(triggers, key=lambda t: _reach(t, d, cues)).kind == trigger.kind]


def _reach(trigger: Trigger, date: DateMention, cues: Cues) -> tuple[bool, int]:
    """How far a date is from a trigger: first whether a clause break lies between them ("... on
    Tuesday, and civilians fled": Tuesday dates the raids), then in characters."""
    sentence = cues.sentence
    at = bisect.bisect_right(sentence.offsets[0], sentence.origin + date.start, sentence.first, sentence.last)
    token = max(sentence.first, at - 1)
    first, last = sorted((token, trigger.first))
    return cues.break_between(first, last), gap(trigger, date.start, date.end)


def choose_date(trigger: Trigger, dates: Sequence[DateMention], cues: Cues) -> DateMention | None:
    """The date phrase nearest the trigger, skipping dates of the report and, for agreements
    and talks, deadlines."""
    if not dates:
        return None
    if trigger.kind in ("agreement", "talks"):
        dates = [d for d in dates if not is_deadline(d, cues)]
        if not dates:
            return None
    if trigger.kind != "statement":
        own = [d for d in dates if not is_report_date(d, cues, (trigger,))]
        dates = own or dates
    dates = [d for d in dates if not _in_other_relative_clause(d, trigger, cues)]
    if not dates:
        return None
    return min(dates, key=lambda d: min(abs(d.start - trigger.end), abs(trigger.start - d.end)))


def _in_other_relative_clause(date: DateMention, trigger: Trigger, cues: Cues) -> bool:
    """Whether the date sits in a relative clause set off by commas that the trigger is not in
    ("Talks to settle the war, which broke out in 2011, have been held ...": 2011 dates the
    war's outbreak, not the talks)."""
    text = cues.sentence.text
    for cue in cues["relative_clause"]:
        if cue.start >= date.start or text[max(0, cue.start - 2) : cue.start].strip() != ",":
            continue
        if "," in text[cue.end : date.start]:
            continue
        close = text.find(",", date.end)
        end = close if close >= 0 else len(text)
        return not (cue.start <= trigger.start < end)
    return False


def interval_of(trigger: Trigger, date: DateMention) -> DateInterval:
    """The interval a date phrase gives an event of ``trigger``'s kind."""
    return date.point if trigger.kind in POINT_KINDS else date.interval


def statement_dates(
    triggers: Sequence[Trigger], dates: Sequence[DateMention], cues: Cues
) -> tuple[Trigger | None, list[DateMention]]:
    """The reporting trigger, and the dates that belong to it rather than to what it reports.

    The date of the report ("..., Aksoy told Sputnik on Thursday", "the governor said early on
    Friday") dates the statement; so does a date before the reporting verb when the reported
    event comes after it ("Last month, X announced that joint patrols will be conducted").
    """
    statements = [t for t in triggers if t.kind == "statement"]
    statement = next((t for t in statements if t.strong), statements[0] if statements else None)
    if statement is None:
        return None, []
    own = [d for d in dates if is_report_date(d, cues, triggers)]
    content_after = any(t.kind != "statement" and t.start > statement.end for t in triggers)
    if content_after:
        own += [d for d in dates if d.end <= statement.start and d not in own]
    elif not any(t.kind != "statement" and t.start < statement.start for t in triggers):
        # "On Monday the UN voiced hope that ...": with no other event word in the sentence
        # before it, a date before the statement is the statement's.
        own += [d for d in dates if d.end <= statement.start and d not in own]
    return statement, sorted(own, key=lambda d: d.start)


def undated(status: str, published: dt.date) -> DateInterval:
    """No date in the text: a reported event happened in the days before publication; a planned
    one is due in the weeks after. Both are ranges, so the map does not pretend to know the day."""
    if status == "planned":
        return DateInterval(published, published + dt.timedelta(days=30), "range")
    return DateInterval(published - dt.timedelta(days=6), published, "range")
