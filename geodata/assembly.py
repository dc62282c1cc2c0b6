"""Assembly: an article's sentences, triggers, cues, places and dates turned into events.

For each body sentence with a trigger (:mod:`geodata.triggers`) whose mood is asserted or planned
(:mod:`geodata.modality`):

1. a leading "Following their meeting in Sochi last week, ..." clause yields its own background
   event when it has its own date; each clause ("..., and forces shelled ...") may report one
   event, a strong verb preferred to a noun, a noun that refers back ("The talks came a week
   after ...") last, and the terms of an agreement ("The deal envisages ...") never; a statement
   is an event when it has its own date or is all the sentence reports;
2. the status comes from modality and tense (``planned`` for plans and future dates, ``ongoing``
   for progressive or "since ..." events, else ``occurred``);
3. the date and the place come from the sentence (:mod:`geodata.event_dates`,
   :mod:`geodata.roles`); missing ones from context: the previous sentence's date, the place "the
   town" refers to, the venue of talks reported in the sentence before, the paragraph's or the
   article's main place for a field event, the dateline abroad for talks reported the same week
   or for a statement, else a window around publication and no place.

Every article has a time budget: one that overruns it is named as a problem, keeps the events
found so far, and the run goes on with the next article.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from geodata import settings
from geodata._collector import paused
from geodata._errors import Problem
from geodata.actors import actors
from geodata.article_context import ArticleContext, anaphor
from geodata.articles import Article, read_articles
from geodata.drafts import Draft, SentenceView, sentence_drafts
from geodata.event_dates import undated
from geodata.event_records import Event, EventRun, Source
from geodata.lexicon import trigger_patterns
from geodata.merging import merge_events
from geodata.modality import mood
from geodata.place_mentions import MentionLike, PlaceFinder, candidate_ids, default_place_finder, vague
from geodata.triggers import sentence_triggers

__all__ = ["ARTICLE_BUDGET_SECONDS", "extract_events", "extract_from_articles"]

#: Default time budget of one article: a real article takes milliseconds.
ARTICLE_BUDGET_SECONDS: float = 10.0


class _BudgetExceededError(Exception):
    """Raised inside an article that ran past its time budget."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


# --- finishing --------------------------------------------------------------------------------


def _finish(draft: Draft, view: SentenceView, context: ArticleContext) -> Event:
    """Complete a draft from context: a place and a date when the sentence gave none."""
    sentence = view.sentence
    p, i = sentence.paragraph, sentence.number
    article = context.article
    place, place_explicit = draft.place, draft.place_explicit
    sentence_place = place
    if draft.kind == "statement":
        # Where the sentence says it was said, else unlocated (a dateline is the reporter's); but
        # a statement made at talks the article reported ("At his press conference after the
        # session, ...") was made at their venue.
        if place is None and context.last_venue is not None and _at_talks(view, draft):
            place = context.last_venue[2]
    elif trigger_patterns()[draft.trigger.pattern].remote:
        place = place if draft.at_venue else None  # a phone call happens nowhere in particular
    elif draft.held:
        place, place_explicit = _held_place(draft, context, p, i)
    elif (place is None or vague(place)) and anaphor(view.cues, "area_anaphora") is None:
        # A field event the sentence places nowhere, or only in "northern Syria", takes the place
        # the paragraph or the article is about. (When the sentence refers back to "the town" and
        # no town was named before, it stays unlocated: the article's main place may be a
        # governorate it does not mean.)
        found = context.last_place(p, i) or context.main_place()
        # "forces will patrol in Syrian territory along the Turkish border": a context place
        # outside the country the sentence names (Sochi, where the deal was signed) is not it.
        if found is not None and (place is None or _inside(found, place)):
            place = found
    in_sentence = place is not None and any(place is m for m in view.mentions)
    place_source = "text" if in_sentence else "context"
    if draft.held and place is not None and place is draft.fallback and place is not sentence_place:
        place_source = "subject"
    date, date_source = draft.date, "text"
    last_date = context.last_date(p, i) if date is None else None
    if last_date is not None:
        date, date_source = last_date, "context"
    elif date is None and article.published is not None:
        date, date_source = undated(draft.status, article.published), "publication"
    confidence = 0.45 + 0.2 * draft.date_explicit + 0.2 * place_explicit + 0.1 * draft.trigger.strong
    source = Source(
        article.file,
        sentence.text,
        article.outlet,
        article.url,
        article.published,
        paragraph=p,
        sentence_index=i,
        start=sentence.start,
        end=sentence.end,
        trigger=sentence.text[draft.trigger.start : draft.trigger.end],
        date_text=draft.date_text,
        place_text=place.text if place is not None and any(place is m for m in view.mentions) else "",
        candidates=candidate_ids(context.find_places, place),
    )
    return Event(
        kind=draft.kind,
        status=draft.status,
        date=date,
        place=place.place.name if place else "",
        place_id=place.place.place_id if place else "",
        lon=place.place.lon if place else None,
        lat=place.place.lat if place else None,
        geo_precision=place.geo_precision if place else "",
        uncertainty_km=place.uncertainty_km if place else None,
        actors=actors(
            sentence, draft.actor_span, view.mentions, speaker=draft.speaker, matches=context.lexicon
        ),
        sources=(source,),
        confidence=round(min(confidence, 0.95), 2),
        place_country=place.place.country if place else "",
        place_source=place_source if place else "text",
        place_admin1=getattr(place.place, "admin1", "") if place else "",
        date_source=date_source,
    )


def _inside(found: MentionLike, vague_place: MentionLike) -> bool:
    """Whether ``found`` may stand for the country-wide ``vague_place`` (a country, a country's
    part, or a border, which lies in two countries: ``border:SY-TR``)."""
    countries = {vague_place.place.country}
    place_id = vague_place.place.place_id
    if place_id.startswith("border:"):
        countries.update(place_id.removeprefix("border:").split("-"))
    # A country merely named ("the deal between Turkey and Russia") says less than the article:
    # only a place in Syria, or on its borders, keeps a field event from going abroad.
    return found.place.country in countries or "SY" not in countries


def _held_place(draft: Draft, context: ArticleContext, p: int, i: int) -> tuple[MentionLike | None, bool]:
    """Where talks or an agreement took place, and whether the sentence said so.

    The venue the sentence names; else a place naming them ("the Sochi agreement"); else the
    venue of talks reported in a neighbouring sentence ("... agreed to set up a zone. Speaking
    after his talks with Erdogan in Sochi, ..."); else, for a same-week report datelined abroad,
    the dateline ("MOSCOW - Putin and Erdogan agreed on Thursday ..."); else what they were about.
    A country is narrowed to the town of that country the article names most ("talks in
    Kazakhstan" ... "the Kazakh capital, Astana").
    """
    place, explicit = draft.place, draft.place_explicit
    if draft.at_venue:
        context.last_venue = (p, i, place) if place is not None else context.last_venue
    elif place is None:
        neighbour = context.neighbour_venue(p, i)
        if neighbour is not None:
            place = neighbour
        elif not draft.venue and _reported_from_venue(draft, context):
            place, explicit = context.dateline_place, True
        else:
            place = draft.fallback
    if place is not None and place.geo_precision == "country":
        place = context.town_in(place.place.country) or place
    return place, explicit


_DEFINITE = ("the", "these", "those", "his", "her", "their", "its")


def _at_talks(view: SentenceView, draft: Draft) -> bool:
    """Whether the statement's sentence names, as something already known ("the session", "the
    meetings"), the talks it was made at."""
    return any(
        t.kind == "talks"
        and t is not draft.trigger
        and view.text[: t.start].rstrip().lower().endswith(_DEFINITE)
        for t in view.triggers
    )


def _reported_from_venue(draft: Draft, context: ArticleContext) -> bool:
    dateline, published = context.dateline_place, context.article.published
    if dateline is None or dateline.place.country == "SY" or published is None:
        return False
    return draft.date is not None and abs((published - draft.date.end).days) <= 3


# --- one article, many articles ---------------------------------------------------------------


def _article_events(
    article: Article,
    find_places: PlaceFinder,
    clock: Callable[[], float],
    deadline: float,
    events: list[Event],
) -> None:
    """Append the events of ``article`` to ``events``, sentence by sentence, until ``deadline``."""
    context = ArticleContext(article, find_places)
    try:
        _context_events(context, clock, deadline, events)
    finally:
        context.release()


def _context_events(
    context: ArticleContext, clock: Callable[[], float], deadline: float, events: list[Event]
) -> None:
    article = context.article
    for p, sentences in enumerate(context.paragraphs):
        for i, sentence in enumerate(sentences):
            if clock() > deadline:
                raise _BudgetExceededError(f"paragraph {p + 1} of {len(context.paragraphs)}")
            matches = context.matches_in(sentence)
            if not matches:
                continue  # no event can come from it; its places and dates may never be needed
            cues = context.cues(p, i)
            found = sentence_triggers(sentence, matches, cues)
            future = _dated_future(context, p, i)
            moods = [(t, mood(t, cues, dated_future=future)) for t in found]
            kept = [t for t, m in moods if m in ("asserted", "planned")]
            if not kept:
                continue  # its dates and places are found only if a later event needs them
            planned = frozenset(t.first for t, m in moods if m == "planned")
            dates = context.dates(p, i)
            view = SentenceView(sentence, cues, context.places(p, i), dates, article, kept, planned)
            area = anaphor(cues, "area_anaphora")
            referent = context.referent(p, i, before=area.start) if area is not None else None
            events.extend(_finish(draft, view, context) for draft in sentence_drafts(view, referent))


def _dated_future(context: ArticleContext, p: int, i: int) -> Callable[[], bool]:
    """Whether sentence ``i`` of paragraph ``p`` names a date after publication, asked only when
    a trigger's mood depends on it."""
    published = context.article.published
    return lambda: published is not None and any(d.interval.start > published for d in context.dates(p, i))


def extract_from_articles(
    articles: Iterable[Article],
    find_places: PlaceFinder,
    *,
    budget: float = ARTICLE_BUDGET_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[tuple[Event, ...], tuple[Problem, ...]]:
    """Events of ``articles`` (merged across them) and the problems met on the way.

    Parameters
    ----------
    articles
        Parsed articles (:func:`geodata.articles.read_articles`).
    find_places
        Finds the places of a sentence (:func:`geodata.place_mentions.default_place_finder`).
    budget
        Seconds one article may take; an article that overruns keeps the events found so far
        and is named as a problem.
    clock
        The clock the budget is measured with.
    """
    events: list[Event] = []
    problems: list[Problem] = []
    with paused():
        for article in articles:
            found, overrun = _within_budget(article, find_places, clock, budget)
            if overrun is not None:
                message = (
                    f"took longer than {budget:g} s and was stopped at {overrun}; "
                    "the rest of the article was not read for events"
                )
                problems.append(Problem(article.file, message))
            elif not found and article.body:
                problems.append(Problem(article.file, "no event found", severity="warning"))
            events.extend(found)
        return merge_events(events), tuple(problems)


def _within_budget(
    article: Article, find_places: PlaceFinder, clock: Callable[[], float], budget: float
) -> tuple[list[Event], str | None]:
    events: list[Event] = []
    try:
        _article_events(article, find_places, clock, clock() + budget, events)
    except _BudgetExceededError as overrun:
        return events, overrun.where
    return events, None


def extract_events(
    folder: Path = settings.SEEDS_DIR,
    *,
    find_places: PlaceFinder | None = None,
    budget: float = ARTICLE_BUDGET_SECONDS,
) -> EventRun:
    """Read every article in ``folder`` and extract their events.

    Parameters
    ----------
    folder
        A folder of ``.txt`` articles, with or without ``manifest.csv``.
    find_places
        Finds the places of a sentence; defaults to the project gazetteer.
    budget
        Seconds one article may take (see :func:`extract_from_articles`).
    """
    finder = find_places or default_place_finder()
    with paused():
        articles, problems = read_articles(folder)
        events, event_problems = extract_from_articles(articles, finder, budget=budget)
    return EventRun(events, problems + event_problems, articles)
