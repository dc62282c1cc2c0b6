"""The status of a draft event: ``planned``, ``ongoing`` or ``occurred``.

``planned`` when the trigger's mood is planned (:mod:`geodata.modality`), when its date lies after
publication, or when a future cue bears on it ("will patrol", "talks are scheduled for ...", "a
phone call ... was planned"); ``ongoing`` for a present progressive, an "ongoing" cue, a date range
running through publication with "since", or people still away ("are camped near the border");
else ``occurred``. Read by :mod:`geodata.drafts` for each draft it makes.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from geodata.articles import Article
from geodata.cues import Cues
from geodata.dates import DateInterval
from geodata.triggers import Trigger

__all__ = ["StatusView", "draft_status"]


class StatusView(Protocol):
    """What the status of a draft reads of its sentence (:class:`geodata.drafts.SentenceView`)."""

    text: str
    cues: Cues
    article: Article
    planned: frozenset[int]  # token index of each trigger whose mood is "planned"


def _after_publication(
    date: DateInterval, published: dt.date, trigger: Trigger, cues: Cues, clause: tuple[int, int]
) -> bool:
    """Whether the event is dated after publication: not the day after a page dated the day
    before by its time zone ("said early on Friday" on a Thursday page), unless future."""
    if date.start <= published:
        return False
    return (date.start - published).days > 1 or _future(trigger, cues, clause)


def _future(trigger: Trigger, cues: Cues, clause: tuple[int, int]) -> bool:
    """Whether a future cue bears on the trigger: before it in its clause ("will jointly patrol",
    "agreed to conduct patrols": not the agreeing itself), or right after it ("talks are scheduled
    for ..."), but not in a clause of its own ("ended with agreements on how the zone will work")
    nor "as planned"."""
    done = {cue.first + 1 for cue in cues["as_planned"]}
    doc = cues.sentence.doc
    for cue in cues.within("future", *clause):
        if cue.first in done:
            continue
        if cue.first < trigger.last and trigger.first < cue.last:
            # A modal the trigger pattern itself holds ("will patrol") still says future; a cue
            # that is the event word ("agreed to") does not.
            if cue.first == trigger.first and doc[cue.first].lower_ in _MODALS:
                return True
            continue
        before = cue.last <= trigger.first and trigger.first - cue.last < 12
        if before and not (
            cues.break_between(cue.last, trigger.first) or _relative_between(cues, cue.last, trigger.first)
        ):
            return True
        after = cue.first >= trigger.last and cue.first - trigger.last < 3
        if after and not _relative_between(cues, trigger.last, cue.first):
            return True
        if cue.first >= trigger.last and _predicate_of(cues, trigger, cue.first):
            return True
    return False


_MODALS = frozenset({"will", "shall", "'ll"})
_AUXILIARIES = frozenset({"is", "are", "was", "were", "has", "have", "had", "will", "would", "be", "been"})
_PREDICATE_REACH = 15  # tokens from a noun to its verb: "a phone call between X and Y was planned"


def _predicate_of(cues: Cues, trigger: Trigger, token: int) -> bool:
    """Whether doc token ``token`` belongs to the predicate of the trigger's noun phrase: the
    first auxiliary after the trigger comes right before it ("a phone call between the two
    presidents was planned for this evening", "the next round of talks is scheduled for ..."),
    with no relative pronoun or clause break on the way."""
    if token - trigger.last > _PREDICATE_REACH:
        return False
    doc = cues.sentence.doc
    auxiliary = next((k for k in range(trigger.last, token) if doc[k].lower_ in _AUXILIARIES), None)
    if auxiliary is None or auxiliary + 1 != token:
        return False
    broken = cues.break_between(trigger.last, auxiliary)
    return not (broken or _relative_between(cues, trigger.last, auxiliary))


def _relative_between(cues: Cues, first: int, last: int) -> bool:
    return any(first <= cue.first < last for cue in cues["relative_pronoun"])


def _progressive(cues: Cues, clause: tuple[int, int]) -> bool:
    """A present progressive in the clause ("are having talks", "has been shelling"): "is/are",
    "has been", an optional "-ly" adverb, then an "-ing" word."""
    doc = cues.sentence.doc
    for cue in cues.within("progressive_aux", *clause):
        k = cue.last
        if k < len(doc) and doc[k].lower_.endswith("ly"):
            k += 1
        if k < len(doc) and doc[k].is_alpha and len(doc[k]) > 4 and doc[k].lower_.endswith("ing"):
            return True
    return False


def draft_status(
    view: StatusView,
    trigger: Trigger,
    span: tuple[int, int],
    date: DateInterval | None,
    quote: tuple[int, int] | None,
) -> str:
    published = view.article.published
    clause = span
    if trigger.kind == "statement":
        clause = (span[0], trigger.end)  # "announced that X will ...": the announcing is past
    if quote is not None:
        clause = quote
    cues = view.cues
    if trigger.first in view.planned:
        return "planned"
    # A page dated only by the latest date its text tells was published then or later: a date
    # after it says nothing about the future.
    if (
        published is not None
        and date is not None
        and view.article.date_source != "inferred"
        and _after_publication(date, published, trigger, cues, clause)
    ):
        return "planned"
    if _future(trigger, cues, clause):
        return "planned"
    lowered = view.text[clause[0] : clause[1]].lower()
    since = date is not None and published is not None and "since" in lowered
    if since and date is not None and published is not None and date.start < published <= date.end:
        return "ongoing"
    # "7,000 people have left the town since the fighting began in late November": a perfect
    # with "since" runs up to publication, whatever the date names.
    perfect = cues.has("perfect", *clause)
    if since and perfect and date is not None and published is not None and date.start < published:
        return "ongoing" if trigger.kind not in ("agreement", "talks") else "occurred"
    if (cues.has("ongoing", *clause) or _progressive(cues, clause)) and trigger.kind != "agreement":
        return "ongoing"
    if trigger.kind == "displacement" and cues.before("be_present", trigger.first, tokens=2) is not None:
        return "ongoing"  # "thousands are camped near the border", "are displaced": still away
    return "occurred"
