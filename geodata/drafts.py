"""Drafts: the events one sentence reports, before context completes them.

A leading "Following their meeting in Sochi last week, ..." clause yields its own background event
when it has its own date; each clause ("..., and forces shelled ...") may report one event, a strong
verb preferred to a noun, a noun that refers back ("The talks came a week after ...") last, and the
terms of an agreement ("The deal envisages ...") never (the clauses and their triggers ranked:
:mod:`geodata.clauses`); a statement is an event when it has its own date or is all the sentence
reports. Each draft gets its date (:mod:`geodata.event_dates`), place
(:mod:`geodata.roles`) and status (:mod:`geodata.draft_status`: ``planned`` for plans and future
dates, ``ongoing`` for progressive or "since ..." events, else ``occurred``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from geodata.article_context import anaphor
from geodata.articles import Article
from geodata.clauses import (
    clause_triggers,
    leading_clause,
    quote_span,
    reported_content_start,
    speaker_start,
    with_cues,
)
from geodata.cues import Cue, Cues
from geodata.dates import DateInterval, DateMention
from geodata.draft_status import draft_status
from geodata.event_dates import choose_date, dates_of, gap, interval_of, is_report_date, statement_dates
from geodata.lexicon import trigger_patterns
from geodata.place_mentions import MentionLike, vague
from geodata.roles import choose_place, held_somewhere
from geodata.sentences import Sentence
from geodata.triggers import Trigger

__all__ = ["Draft", "SentenceView", "sentence_drafts"]


@dataclass
class Draft:
    trigger: Trigger
    status: str
    date: DateInterval | None
    date_text: str
    place: MentionLike | None
    place_explicit: bool
    actor_span: tuple[int, int]
    speaker: tuple[int, int] | None
    held: bool = False  # talks or a signing: placed at a venue, never by the context
    venue: bool = False  # placed at a venue abroad named in the sentence
    at_venue: bool = False  # placed at a venue ("in"/"at" a place) the sentence names
    fallback: MentionLike | None = None  # what talks are about, when nothing better places them

    @property
    def kind(self) -> str:
        return self.trigger.kind

    @property
    def date_explicit(self) -> bool:
        return self.date is not None


class SentenceView:
    """What the drafting of one sentence reads: its text, cues, places, dates and triggers."""

    def __init__(
        self,
        sentence: Sentence,
        cues: Cues,
        mentions: Sequence[MentionLike],
        dates: Sequence[DateMention],
        article: Article,
        triggers: Sequence[Trigger],
        planned: frozenset[int],
    ) -> None:
        self.sentence = sentence
        self.text = sentence.text
        self.cues = cues
        self.mentions = mentions
        self.dates = dates
        self.article = article
        self.triggers = triggers
        self.planned = planned  # token index of each trigger whose mood is "planned"


def sentence_drafts(view: SentenceView, referent: MentionLike | None) -> list[Draft]:
    """The events of one sentence: a background one from a leading clause, then those of each
    clause that reports something of its own, then the statement when it has its own date or is
    all the sentence reports.

    ``referent`` is the place "the town" or "the area" refers back to, if the sentence says so.
    """
    text, raw, dates = view.text, view.triggers, view.dates
    area = anaphor(view.cues, "area_anaphora") if referent is not None else None
    drafts: list[Draft] = []
    main_from = 0
    leading = leading_clause(view)
    according = text.startswith("According to")
    if leading is not None:
        background = [t for t in raw if t.end <= leading and t.kind in ("talks", "agreement")]
        # "After the reports of attacks on troops in Idlib, the president held an emergency
        # meeting": the leading clause sets the scene, the main clause's event is the news.
        # Not "Since Saturday night shells have landed in Kilis, ...": a clause of its own.
        scene = (
            text.split(" ", 1)[0].lower() in _SCENE_OPENINGS
            and any(t.end <= leading for t in raw)
            and any(t.start >= leading and t.kind != "statement" for t in raw)
        )
        if background or according or scene:
            main_from = leading
        if background and not according:
            draft = _draft(view, background[0], dates, (0, main_from))
            # Background needs its own date: "Under the additional protocol to the 2018 Sochi
            # memorandum, ..." names an old agreement, not one made at publication.
            if _viable(draft) and draft.date_explicit:
                drafts.append(draft)
    span = (main_from, len(text))
    dated = any(d.start >= main_from for d in dates)
    main = [t for t in raw if t.start >= main_from]
    triggers = with_cues(main, view, main_from, dated=dated)
    statement, own_dates = statement_dates(triggers, dates, view.cues)
    reports = [d for d in dates if d in own_dates or is_report_date(d, view.cues, raw)]
    usable = [d for d in dates if d not in reports]
    reported_from = reported_content_start(view, statement, span)
    content: list[Draft] = []
    for clause, candidates in clause_triggers(view, span, triggers):
        previous = content[-1] if content else None
        taken: list[Draft] = []
        settled = False  # the clause's own event is found; only companions may follow
        for trigger in candidates:
            if settled and not _companion(trigger, taken, view):
                continue
            own = dates_of(trigger, raw, usable, view.cues)
            where = (reported_from, clause[1]) if clause[0] < reported_from <= trigger.start else clause
            draft = _draft(view, trigger, own, where, anaphor=area)
            if leading is not None and main_from and text.startswith("Since") and draft.date is None:
                draft = _since_clause(draft, dates, view.article, main_from)
            draft = _completed(draft, previous, referent)
            if draft.date is None and reports and draft.status != "planned":
                draft = _by_report(draft, reports[-1])
            if _viable(draft, lead=view.sentence.paragraph == 0):
                if previous is None or not _repeats(draft, previous, view):
                    taken.append(draft)
                settled = True
        content.extend(_shared_venue(taken))
        content.extend(_listed_sites(view, taken, clause))
    drafts.extend(content)
    press = statement is not None and trigger_patterns()[statement.pattern].press
    # "After the leaders' press conference, ...": the scene, not the news.
    scene_setting = (
        statement is not None
        and leading is not None
        and statement.end <= leading
        and text.split(" ", 1)[0].lower() in _SCENE_OPENINGS
    )
    if (
        statement is not None
        and not scene_setting
        and (own_dates or not drafts or press)
        and _speaks_for_itself(view, statement, drafts, press=press)
    ):
        draft = _draft(view, statement, own_dates, span)
        if _viable(draft):
            drafts.append(draft)
    return drafts


# "... killed in and around Tel Abyad, two Syriac Christians in Qamishli, and one more civilian in
# Ras al-Ain": a count and the place it happened in, the event word left out. Our own pattern
# (no library parses this ellipsis): a list separator, a count, a few words, then "in"/"at".
_COUNT_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|several|\\d+"
_LISTED_SITE = re.compile(
    r"(?:,|\band|\bas well as)\s+(?:and\s+)?(?:"
    + _COUNT_WORDS
    + r")\b[^,;.]{0,40}?\b(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SITE_KINDS = frozenset({"attack", "displacement"})


def _listed_sites(view: SentenceView, taken: Sequence[Draft], clause: tuple[int, int]) -> list[Draft]:
    """The same kind of event at each further place a list names with its own count ("..., two
    civilians in Qamishli and one in Ras al-Ain"): one event per place, as an analyst records."""
    first = next((d for d in taken if d.kind in _SITE_KINDS and d.place is not None), None)
    if first is None or first.place is None:
        return []
    extra: list[Draft] = []
    seen = {first.place.place.place_id}
    for mention in view.mentions:
        if not (max(clause[0], first.place.end) <= mention.start < clause[1]):
            continue
        if mention.place.place_id in seen or vague(mention) or mention.geo_precision not in ("town", "point"):
            continue
        if _LISTED_SITE.search(view.text, max(0, mention.start - 70), mention.start):
            extra.append(replace(first, place=mention, place_explicit=True, at_venue=False))
            seen.add(mention.place.place_id)
    return extra


_RETALIATION = frozenset({"back", "retaliated", "retaliate", "retaliates", "retaliating"})
_SCENE_OPENINGS = frozenset({"after", "following", "amid", "despite"})


def _speaks_for_itself(
    view: SentenceView, statement: Trigger, drafts: Sequence[Draft], *, press: bool = False
) -> bool:
    """Whether a statement is an event of its own: not when it announces talks or an agreement
    that took place ("Erdogan and Putin announced that they had agreed ..."), unless it was made
    to the press (``press``: "..., the spokesman told reporters on Thursday", a briefing of its
    own), nor when an unnamed source relays what happened ("a local military source told Sputnik
    that ..."), nor a passive with no speaker ("it was announced on Friday")."""
    if not press and any(d.kind in _HELD and d.status != "planned" for d in drafts):
        return False
    start = speaker_start(view, statement)
    speaker = view.text[start : statement.start].strip().lower()
    if not speaker or speaker.startswith("it "):
        return False  # "it was announced on Friday": nobody in particular
    said_before = (
        statement.start if view.text[statement.start : statement.end].startswith("t") else len(view.text)
    )
    if press and not view.cues.has("official", start, said_before):
        return False  # a witness telling a news agency what happened is a source, not news
    return not any(view.cues.within("anonymous_speaker", start, statement.start))


def _companion(trigger: Trigger, taken: Sequence[Draft], view: SentenceView) -> bool:
    """Whether a clause that already reports an event reports this one too: talks and the
    agreement they ended with ("agreed ... after talks in Moscow"), or an event named in a time
    phrase ("an explosive device went off during a joint patrol", "after the Oct. 22 deal")."""
    kinds = {draft.kind for draft in taken}
    if trigger.kind in kinds:
        return False
    if trigger.kind in _HELD and kinds & _HELD and trigger.strong:
        return True
    # "after weeks of fighting" is background; "during the joint patrol", "after the Oct. 22
    # deal" name an event of their own.
    timed = view.cues.before("accompanying", trigger.first, tokens=8)
    return timed is not None and trigger.kind in _NAMED_IN_PASSING


_HELD = frozenset({"talks", "agreement"})
_NAMED_IN_PASSING = frozenset({"talks", "agreement", "patrol"})


def _shared_venue(drafts: list[Draft]) -> list[Draft]:
    """Talks and an agreement of one clause share the venue one of them names."""
    venues = [d.place for d in drafts if d.held and d.at_venue]
    if not venues:
        return drafts
    return [
        replace(d, place=venues[0], place_explicit=True, at_venue=True) if d.held and not d.at_venue else d
        for d in drafts
    ]


def _by_report(draft: Draft, report: DateMention) -> Draft:
    """An event whose sentence dates only the report ("..., the governor said early on Friday")
    happened by then: the two days before the report, and its day."""
    day = report.point
    interval = DateInterval(day.start - dt.timedelta(days=2), day.end, "range")
    return replace(draft, date=interval, date_text=report.text)


def _completed(draft: Draft, previous: Draft | None, referent: MentionLike | None) -> Draft:
    """A later clause shares the date of the first ("... on Tuesday, and forces shelled ..."); an
    event with no place of its own takes the place "the town" or "the area" refers to."""
    if previous is not None and draft.date is None and previous.date is not None:
        draft = replace(draft, date=previous.date, date_text=previous.date_text)
    unplaced = draft.place is None or vague(draft.place)
    if unplaced and referent is not None and draft.kind not in ("talks", "agreement"):
        draft = replace(draft, place=referent, place_explicit=True)
    return draft


def _repeats(draft: Draft, previous: Draft, view: SentenceView) -> bool:
    """Whether a later clause only goes on about the event of the clause before (never a
    retaliation: "..., adding that Turkish forces had hit back" is the other side's attack)."""
    doc = view.sentence.doc
    words = {doc[k].lower_ for k in range(draft.trigger.first, draft.trigger.last)}
    if draft.kind == "attack" and not words.isdisjoint(_RETALIATION):
        return False
    same_place = draft.place is None or (
        previous.place is not None and draft.place.place.place_id == previous.place.place.place_id
    )
    return draft.kind == previous.kind and same_place


def _viable(draft: Draft, *, lead: bool = False) -> bool:
    """Keep an event only when the sentence itself dates it or places it below country level,
    or when the lead paragraph reports it with a verb ("thousands of civilians have been driven
    from their homes": what the article is about, dated and placed by it); a statement only when
    it has its own date ("told Sputnik on Thursday") or was made to the press ("told reporters":
    the report dates it)."""
    placed = draft.place is not None and not vague(draft.place)
    if draft.kind == "statement":
        return draft.date_explicit or trigger_patterns()[draft.trigger.pattern].press
    return draft.date_explicit or placed or (lead and draft.trigger.strong)


def _since_clause(draft: Draft, dates: Sequence[DateMention], article: Article, main_from: int) -> Draft:
    # "Since the Sochi agreement in September, ... have lost their lives": from then until
    # publication.
    in_clause = [d for d in dates if d.end <= main_from]
    if not in_clause or article.published is None:
        return draft
    start = in_clause[0].point.start
    interval = DateInterval(start, max(start, article.published), "range")
    return replace(draft, date=interval, date_text=in_clause[0].text, status="ongoing")


def _draft(
    view: SentenceView,
    trigger: Trigger,
    dates: Sequence[DateMention],
    span: tuple[int, int],
    *,
    anaphor: Cue | None = None,
) -> Draft:
    text = view.text
    quote = quote_span(text, trigger.start)
    place_span = quote or span
    speaker = None
    if trigger.kind == "statement":
        # Where it was said, not what it was about: "X revealed that talks ... in Idlib".
        said = next((c for c in view.cues.within("said_end", trigger.end, span[1])), None)
        place_span = (max(span[0], speaker_start(view, trigger)), said.start if said else span[1])
        speaker = (speaker_start(view, trigger), trigger.start)
    placement = choose_place(trigger, view.sentence, view.mentions, place_span, view.cues)
    place = placement.place
    held = held_somewhere(trigger, text)
    # "deployed police to posts around the town on Tuesday, after talks ... in Qamishli": the
    # town referred to is nearer the event word than the place named.
    if (
        place is not None
        and anaphor is not None
        and not held
        and gap(trigger, anaphor.start, anaphor.end) < gap(trigger, place.start, place.end)
    ):
        place = None
    venue = held and place is not None and place.place.country != "SY"
    clause_dates = [d for d in dates if span[0] <= d.start < span[1]]
    chosen = choose_date(trigger, clause_dates, view.cues)
    date = interval_of(trigger, chosen) if chosen else None
    status = draft_status(view, trigger, span, date, quote)
    return Draft(
        trigger=trigger,
        status=status,
        date=date,
        date_text=chosen.text if chosen else "",
        place=place,
        place_explicit=place is not None,
        actor_span=span,
        speaker=speaker,
        held=held,
        venue=venue,
        at_venue=placement.at_venue,
        fallback=placement.fallback,
    )
