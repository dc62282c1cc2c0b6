"""The parts of a sentence the drafting reads: clauses, quotations and the speaker's words.

A leading "Since ...,", "Following ...," clause (:func:`leading_clause`); the clauses that may
report an event, each with its triggers ranked, the likeliest news first (:func:`clause_triggers`:
a strong verb before a noun, a noun that refers back to an event already reported last, the terms
of an agreement never); the quotation a trigger stands in (:func:`quote_span`); where a speaker's
words start and where what they said starts (:func:`speaker_start`,
:func:`reported_content_start`). Read by :mod:`geodata.drafts`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Protocol

from geodata.cues import Cues
from geodata.dates import DateMention
from geodata.sentences import Sentence
from geodata.triggers import Trigger

__all__ = [
    "ClauseView",
    "clause_triggers",
    "leading_clause",
    "quote_span",
    "reported_content_start",
    "speaker_start",
    "with_cues",
]


class ClauseView(Protocol):
    """What the clauses of a sentence are read from (:class:`geodata.drafts.SentenceView`)."""

    sentence: Sentence
    text: str
    cues: Cues
    dates: Sequence[DateMention]
    triggers: Sequence[Trigger]


def speaker_start(view: ClauseView, statement: Trigger) -> int:
    """Where the speaker's words start: after the comma that ends a reported event ("An air
    strike ... killed 22 soldiers, the governor of Hatay said"), else at the sentence's start
    ("Last month, the deputy minister, Sergei Vershinin, announced that ...")."""
    if not any(t.kind != "statement" and t.end <= statement.start for t in view.triggers):
        return 0
    end = statement.start
    while (comma := view.text.rfind(", ", 0, end)) >= 0:
        if view.text[comma + 2 : statement.start].strip(" ,"):
            return comma + 2
        end = comma
    return 0


def reported_content_start(view: ClauseView, statement: Trigger | None, span: tuple[int, int]) -> int:
    """Where what a speaker said starts ("X told reporters in Ankara that ..."): the reporting
    part names where it was said, not where the reported events happened."""
    if statement is None:
        return span[0]
    end = next((cue.end for cue in view.cues.within("said_end", statement.end, span[1])), None)
    content_after = any(t.kind != "statement" and t.start > statement.end for t in view.triggers)
    return end if end is not None and content_after else span[0]


def leading_clause(view: ClauseView) -> int | None:
    """Where the main clause starts after a leading "Since ...,", "Following ...," clause."""
    if not view.cues.has("leading", 0, 1):
        return None
    comma = view.text.find(",", 3, 122)
    if comma < 0:
        return None
    return comma + 2 if view.text[comma + 1 : comma + 2] == " " else comma + 1


def with_cues(triggers: Sequence[Trigger], view: ClauseView, start: int, *, dated: bool) -> list[Trigger]:
    """Drop nouns ("patrols") unless the clause has a date, an action or a future cue."""
    if all(t.strong for t in triggers):
        return list(triggers)
    if dated or view.cues.has("action", start) or view.cues.has("future", start):
        return list(triggers)
    return [t for t in triggers if t.strong]


def clause_triggers(
    view: ClauseView, span: tuple[int, int], triggers: Sequence[Trigger]
) -> list[tuple[tuple[int, int], list[Trigger]]]:
    """The clauses of ``span`` that may report an event, each with its triggers best first.

    The first clause with a content trigger always counts; a later one ("..., and its membership
    was finalised after the guarantors met in Ankara in September") only with a strong trigger or
    a date of its own. Each clause runs until the next counted one, so a date or place is read in
    its own clause.
    """
    inner = [cue.end for cue in view.cues.within("clause_cut", span[0], span[1])]
    if not inner:  # one clause, as most sentences
        content = [t for t in triggers if span[0] <= t.start < span[1] and t.kind != "statement"]
        return [(span, _ranked(content, view, span[0]))] if content else []
    cuts = sorted({span[0], *inner, span[1]})
    found: list[tuple[int, list[Trigger]]] = []
    for start, end in itertools.pairwise(cuts):
        inside = [t for t in triggers if start <= t.start < end and t.kind != "statement"]
        dated = any(start <= d.start < end for d in view.dates)
        if inside and (not found or dated or any(t.strong for t in inside)):
            found.append((start, inside))
    result: list[tuple[tuple[int, int], list[Trigger]]] = []
    for k, (start, inside) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else span[1]
        begin = span[0] if k == 0 else start
        result.append(((begin, end), _ranked(inside, view, start)))
    return result


def _ranked(triggers: Sequence[Trigger], view: ClauseView, start: int) -> list[Trigger]:
    """Content triggers of a clause, the likeliest news first.

    A strong trigger beats a noun ("a suicide bomber rammed ... a joint patrol" is an attack), and
    a definite noun opening the clause ("The talks came a week after ...") refers back to an event
    already reported, so it comes last; otherwise the first named comes first. When the clause
    describes the terms of an agreement ("The deal envisages the withdrawal of ..."), only the
    agreement is a candidate.
    """
    content = [t for t in triggers if t.kind != "statement"]
    terms = [t for t in content if t.kind == "agreement" and _followed_by(view.cues, "terms", t)]
    if terms:
        return terms[:1]  # the terms themselves ("the withdrawal of ...") are not events
    if len(content) < 2:
        return content  # nothing to rank (and no cue to read)
    # A relative clause gives background ("a Syrian national who had been killed the day before"),
    # and what a deal provides for is its terms ("under a deal that calls for the militia to pull
    # back"): their events come after the main clause's.
    doc = view.sentence.doc
    return sorted(
        content,
        key=lambda t: (
            # "agreed to set up a zone", "agreed that troops would pull back": the agreement is
            # the news, what was agreed is its content.
            not (t.kind == "agreement" and t.last < len(doc) and doc[t.last].lower_ in _AGREED_WHAT),
            _refers_back(t, view, start),
            view.cues.before("terms", t.first, tokens=8) is not None,
            view.cues.before("relative_clause", t.first, tokens=12) is not None,
            not t.strong,
            t.start,
        ),
    )


_AGREED_WHAT = frozenset({"to", "that", "on"})


def _followed_by(cues: Cues, name: str, trigger: Trigger) -> bool:
    return any(cue.first == trigger.last for cue in cues[name])


def _refers_back(trigger: Trigger, view: ClauseView, start: int) -> bool:
    opening = view.text[start : trigger.start].strip()
    opens = (
        any(
            cue.end == trigger.start - 1
            and view.text[start:].lstrip().startswith(opening)
            and cue.start >= start
            for cue in view.cues["anaphoric_opening"]
        )
        and len(opening.split()) <= 2
    )
    return opens and (_followed_by(view.cues, "linking", trigger) or _came_after(view.cues, trigger))


_SEQUENCE_VERBS = frozenset({"came", "come", "comes", "followed", "follows", "follow"})


def _came_after(cues: Cues, trigger: Trigger) -> bool:
    """ "The attacks on Turkish troops in Idlib came after rebels retook ...": the noun's own verb,
    past its phrase, places it after another event, so it refers to one already reported."""
    doc = cues.sentence.doc
    for cue in cues["linking"]:
        if trigger.last <= cue.first < trigger.last + 8 and doc[cue.first].lower_ in _SEQUENCE_VERBS:
            return not cues.break_between(trigger.last, cue.first)
    return False


_QUOTE_MARKS = ('"', "“", "”")


def quote_span(text: str, position: int) -> tuple[int, int] | None:
    """The quotation the character at ``position`` is in, if any (punctuation, not words: no
    pattern list needed)."""
    if not any(mark in text for mark in _QUOTE_MARKS):
        return None
    opened: int | None = None
    spans: list[tuple[int, int]] = []
    for k, char in enumerate(text):
        if char in _QUOTE_MARKS:
            if opened is None and char != "”":
                opened = k
            elif opened is not None:
                spans.append((opened, k + 1))
                opened = None
            elif not spans:  # a quote opened in an earlier sentence and closed in this one
                spans.append((0, k + 1))
    return next(((a, b) for a, b in spans if a <= position < b and b - a > 4), None)
