"""Merging reports of the same event, within and across articles, into one event.

Two reports are one event when they have the same kind, compatible statuses, nested dates of at
most 31 days, and compatible places (the same place, or a country and a place in it); talks and
agreements also when they share two actors or one is placed only at country level, as reports often
place them by their subject rather than their venue. The merged event keeps the narrowest date and
the finest place of its reports, and lists every source, first report first. Each event is
compared only with the events filed under its own kind and months, so a run stays near-linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from geodata.event_records import Event, Source
from geodata.place_mentions import PRECISION_RANK as _PRECISION_RANK

__all__ = ["merge_events"]


def _same_status(a: str, b: str) -> bool:
    return a == b or {a, b} == {"occurred", "ongoing"}


def _dates_match(a: Event, b: Event, a_articles: set[str]) -> bool:
    if a.date is None or b.date is None:
        # Undated (a page with no date): one event only within one article; across articles
        # nothing says two undated reports are of the same happening.
        return a.date is b.date and not a_articles.isdisjoint(b.articles)
    # Across articles one date must hold the other; within one, overlapping ones are one event
    # ("by the report of April 28" and "held on April 25 and 26").
    same_article = not a_articles.isdisjoint(b.articles)
    nested = a.date.contains(b.date) or b.date.contains(a.date)
    if not (nested or (same_article and a.date.overlaps(b.date))):
        return False
    if max(a.date.days, b.date.days) > 31:
        return False  # "since September" and "yesterday" are not one event
    # A date guessed from publication says nothing about which event another article means.
    guessed = "publication" in (a.date_source, b.date_source)
    return not guessed or not a_articles.isdisjoint(b.articles)


def _places_match(a: Event, b: Event) -> bool:
    if not a.place_id or not b.place_id or a.place_id == b.place_id:
        return True
    # A country contains its places: "visiting Russia" and "talks in Moscow" can be one event; and
    # a governorate its towns ("patrols in Idleb province", "patrolling in Idlib").
    country_level = "country" in (a.geo_precision, b.geo_precision)
    if country_level:
        return a.place_country == b.place_country
    governorate = "governorate" in (a.geo_precision, b.geo_precision)
    return governorate and bool(a.place_admin1) and a.place_admin1 == b.place_admin1


def _loose_match(a: Event, b: Event, a_articles: set[str]) -> bool:
    """Talks and agreements are often placed by their subject, not their venue, in one report;
    and an undated mention of "the talks" means the talks its own article dates."""
    if a.kind not in ("talks", "agreement") or a.date is None or b.date is None:
        return False
    guessed = "publication" in (a.date_source, b.date_source)
    if guessed and not a_articles.isdisjoint(b.articles):
        return True
    narrow = a.date if a.date.days <= b.date.days else b.date
    shared = len(set(a.actors) & set(b.actors))
    country_level = "country" in (a.geo_precision, b.geo_precision)
    about = "subject" in (a.place_source, b.place_source)  # placed by what it was about
    return narrow.days <= 31 and (shared >= 2 or country_level or about)


def _mergeable(a: Event, b: Event, a_articles: set[str]) -> bool:
    if a.kind == "statement" and len(set(a.actors) & set(b.actors)) < 2:
        return False  # two statements are one only when the same speakers made them
    return (
        a.kind == b.kind
        and _same_status(a.status, b.status)
        and _dates_match(a, b, a_articles)
        and (_places_match(a, b) or _loose_match(a, b, a_articles))
        and not _numbered_apart(a, b)
        and _retaliation(a) == _retaliation(b)
    )


def _retaliation(event: Event) -> bool:
    """Whether the event is a strike back ("forces hit back", "retaliated"): the other side's
    attack, never one with the attack it answers."""
    return event.kind == "attack" and any(
        source.trigger.lower().endswith(" back") or source.trigger.lower().startswith("retaliat")
        for source in event.sources
    )


_ORDINAL_WORDS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
)
_ORDINAL = re.compile(r"(?i)\b(?:(\d+)(?:st|nd|rd|th)|(" + "|".join(_ORDINAL_WORDS) + r"))\b")
_ORDINAL_REACH = 40  # characters before the event word: "the 11th TUR-RF Combined Land Patrol"


@lru_cache(maxsize=4096)
def _ordinal(sentence: str, trigger: str) -> int | None:
    """The number an event word carries in its sentence ("the tenth joint patrol": 10)."""
    at = sentence.find(trigger)
    if at < 0:
        return None
    found = list(_ORDINAL.finditer(sentence, max(0, at - _ORDINAL_REACH), at))
    if not found or len(sentence[found[-1].end() : at].split()) > 3:
        return None
    digits, word = found[-1].groups()
    return int(digits) if digits else _ORDINAL_WORDS.index(word.lower()) + 1


def _numbered_apart(a: Event, b: Event) -> bool:
    """Whether the two carry different numbers: the tenth and the eleventh patrol, the 12th and
    the 13th round of talks, are two events however close their dates."""
    if a.kind not in ("patrol", "talks"):
        return False
    numbers_a = {n for s in a.sources if (n := _ordinal(s.sentence, s.trigger)) is not None}
    if not numbers_a:
        return False
    numbers_b = {n for s in b.sources if (n := _ordinal(s.sentence, s.trigger)) is not None}
    return bool(numbers_b) and numbers_a.isdisjoint(numbers_b)


def _combine(a: Event, b: Event, *, new_article: bool) -> Event:
    """``a`` with what ``b`` adds (date, place, actors); the caller gathers the sources."""
    # Keep the narrowest date the text gave; a date guessed from publication only as a last resort.
    date, date_source = min(
        ((a.date, a.date_source), (b.date, b.date_source)),
        key=lambda d: (_DATE_SOURCE_RANK[d[1]], d[0].days if d[0] else 1 << 30),
    )
    best = a if _place_rank(a) <= _place_rank(b) else b
    confidence = max(a.confidence, b.confidence) + (0.05 if new_article else 0)
    return replace(
        a,
        date=date,
        status=a.status if a.status == b.status else "occurred",
        place=best.place,
        place_id=best.place_id,
        lon=best.lon,
        lat=best.lat,
        geo_precision=best.geo_precision,
        uncertainty_km=best.uncertainty_km,
        place_country=best.place_country,
        place_source=best.place_source,
        place_admin1=best.place_admin1,
        actors=tuple(dict.fromkeys(a.actors + b.actors)),
        confidence=round(min(confidence, 0.95), 2),
        date_source=date_source,
    )


_DATE_SOURCE_RANK = {"text": 0, "context": 1, "publication": 2}


def _place_rank(event: Event) -> tuple[bool, bool, int, float]:
    # A venue named in a text beats what talks were about, and for talks and agreements a venue
    # abroad beats a place in Syria (what they were about, in one report); then the finest place.
    held_in_syria = event.kind in ("talks", "agreement") and event.place_country == "SY"
    return (
        event.place_source == "subject",
        held_in_syria,
        _PRECISION_RANK.get(event.geo_precision, 9),
        -event.confidence,
    )


def merge_events(events: Iterable[Event]) -> tuple[Event, ...]:
    """Merge reports of the same event (same kind and status, nested dates, compatible places).

    The first report stays first in ``sources``; the merged event keeps the narrowest date and the
    finest place of its reports. Order of the result follows the first report of each event.
    """
    merged: list[Event] = []
    sources: list[list[Source]] = []  # gathered apart: re-tupling them on every merge is quadratic
    articles: list[set[str]] = []
    # A merge needs one kind, nested dates of at most 31 days (so a shared month) and compatible
    # places, so each event is compared only with the clusters filed under its own keys.
    buckets: dict[tuple[object, ...], list[int]] = {}
    for event in events:
        lookups, filings = _bucket_keys(event)
        candidates = sorted({i for key in lookups for i in buckets.get(key, ())})
        target = next((i for i in candidates if _mergeable(merged[i], event, articles[i])), None)
        if target is not None:
            new_article = not articles[target].issuperset(event.articles)
            merged[target] = _combine(merged[target], event, new_article=new_article)
            sources[target].extend(event.sources)
            articles[target].update(event.articles)
            continue
        merged.append(event)
        sources.append(list(event.sources))
        articles.append(set(event.articles))
        for key in filings:
            buckets.setdefault(key, []).append(len(merged) - 1)
    return tuple(
        event if len(src) == len(event.sources) else replace(event, sources=tuple(src))
        for event, src in zip(merged, sources, strict=True)
    )


def _bucket_keys(event: Event) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Keys to look up partners under, and keys to file the event under."""
    if event.date is None:
        months: list[int | None] = [None]
    elif event.date.days > 31:
        return [], []  # too wide to be merged with anything
    else:
        first = event.date.start.year * 12 + event.date.start.month
        last = event.date.end.year * 12 + event.date.end.month
        months = list(range(first, last + 1))
    lookups: list[tuple[object, ...]] = []
    filings: list[tuple[object, ...]] = []
    for month in months:
        base = (event.kind, month)
        filings.append((*base, "all"))
        if event.kind in ("talks", "agreement") or not event.place_id:
            lookups.append((*base, "all"))  # loosely placed: any place may match
            filings.append((*base, "loose"))
            continue
        lookups += [(*base, "id", event.place_id), (*base, "loose")]
        filings += [(*base, "id", event.place_id), (*base, "in", event.place_country)]
        if event.place_admin1:  # a governorate and the places in it
            governorate = event.geo_precision == "governorate"
            filings.append((*base, "gov" if governorate else "in1", event.place_admin1))
            lookups.append((*base, "in1" if governorate else "gov", event.place_admin1))
        if event.geo_precision == "country":
            lookups.append((*base, "in", event.place_country))
            filings.append((*base, "country", event.place_country))
        else:
            lookups.append((*base, "country", event.place_country))
    return lookups, filings
