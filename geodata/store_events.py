"""Machine-made events in the store: their keys, how new reports merge into stored events, rows.

Keys
----
Every report of an event (one ``Source``: an article and the sentence it was read from) gets a
**report key**, ``<article>:<sentence>:<kind>:<ordinal>``:

- ``<article>``: the first 16 hex digits of the SHA-256 of the article's normalised text (its
  ``content_hash``), so the key does not depend on the store's row ids, file names or the backend,
  and survives dump and load;
- ``<sentence>``: the first 16 hex digits of the SHA-256 of the sentence, NFKC-normalised, with
  every run of whitespace made one space and case folded (so re-wrapping a paragraph, a changed
  line ending or a non-breaking space does not change it);
- ``<kind>``: the kind the machine gave the report;
- ``<ordinal>``: 0 for the first report of that kind from that sentence in the article, 1 for the
  next (a sentence that reports two attacks), and so on, in the pipeline's output order.

An event's **machine key** is the report key of its first source. ``reextract`` matches the new run's
events to stored ones by their first report's key, then by any shared report key; a person's
decisions (the review issue) hang on the event row, which such a match finds again after any
pipeline upgrade that still reads the same sentence as the same kind. A report whose sentence the
new pipeline splits differently gets a new key; the review step can fall back to the article, the
kind and overlapping sentence text.

Merging
-------
A stored event and a new report are one event exactly when ``events.merge_events`` says so: each
new event is merged after the stored events that could take it (:meth:`MergeIndex.candidates`: its
kind, planned or not, nested dates, a compatible place; a property test checks this never leaves
out an event ``merge_events`` would merge), and the result is read back report by report
(:func:`plan_merge`). Articles added together (a folder, a batch) are read by one pipeline run, so
a store filled in one go holds exactly the pipeline's events. Articles added one at a time are
merged into the stored events one by one; merging is order-dependent, so now and then that joins
or splits an event differently from one run over all of them. ``reextract`` runs the pipeline once
over every stored article, in the order they were added, and brings the store to exactly its events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from geodata import events as pipeline
from geodata.dates import DateInterval
from geodata.events import Event, Source

__all__ = [
    "MergeIndex",
    "MergePlan",
    "MergeSession",
    "content_hash",
    "event_from_row",
    "event_row",
    "normalise_text",
    "pipeline_version",
    "report_keys",
    "sentence_hash",
]

#: Kinds whose reports may place one event at different places (a venue, a subject).
_LOOSE_KINDS = frozenset({"talks", "agreement"})
#: Place precisions that hold other places (an event there may merge with one at a place inside).
_AREAS = frozenset({"country", "governorate"})
#: Events spanning more months than this are compared with every new event of their kind.
_MAX_BUCKET_MONTHS = 13


def pipeline_version() -> str:
    """The version of the events pipeline that reads the articles (recorded on articles and events)."""
    return str(pipeline.PIPELINE_VERSION)


def normalise_text(text: str) -> str:
    """NFKC, every run of whitespace one space, no space at either end (the hashes' input)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: the same article pasted or saved twice hashes the same."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def sentence_hash(sentence: str) -> str:
    """SHA-256 (hex) of the normalised, case-folded sentence."""
    return hashlib.sha256(normalise_text(sentence).casefold().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Report:
    """One keyed report of an event (a link row of ``event_sources``)."""

    key: str
    article: str
    sentence: str
    sentence_hash: str
    kind: str
    ordinal: int
    source: Source


def report_keys(found: Sequence[Event], hashes: Mapping[str, str]) -> list[list[Report]]:
    """The keyed reports of events, parallel to ``found`` and their sources.

    ``hashes`` gives each article's content hash by its name (``Source.article``).
    """
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    digests: dict[str, str] = {}
    keyed = []
    for event in found:
        reports = []
        for source in event.sources:
            digest = digests.get(source.sentence) or digests.setdefault(
                source.sentence, sentence_hash(source.sentence)
            )
            ordinal = seen[(source.article, digest, event.kind)]
            seen[(source.article, digest, event.kind)] += 1
            key = f"{hashes[source.article][:16]}:{digest[:16]}:{event.kind}:{ordinal}"
            reports.append(Report(key, source.article, source.sentence, digest, event.kind, ordinal, source))
        keyed.append(reports)
    return keyed


# --- merging new reports into stored events ----------------------------------------------------


@dataclass
class MergePlan:
    """What merging new events into the stored ones changes.

    Attributes
    ----------
    updates
        Stored event id, its merged state, and its reports in order (stored ones and new ones).
    inserts
        New events and their reports, in order.
    absorbed
        Stored event ids that merged into another stored event (``(gone, into)``): the pipeline
        now sees them as one.
    """

    updates: list[tuple[int, Event, list[Report]]] = field(default_factory=list)
    inserts: list[tuple[Event, list[Report]]] = field(default_factory=list)
    absorbed: list[tuple[int, int]] = field(default_factory=list)


def plan_merge(
    candidates: Sequence[tuple[int, Event, Sequence[Report]]],
    new: Sequence[tuple[Event, Sequence[Report]]],
    *,
    frozen: Iterable[int] = (),
) -> MergePlan:
    """Merge ``new`` events after the stored ``candidates`` with ``merge_events``, and say what changed.

    ``frozen`` are stored events a person has reviewed: they may gain reports but are never merged
    into another stored event.
    """
    owner: dict[int, tuple[int | None, Report]] = {}
    origins_in: list[tuple[int | None, Event, Sequence[Report]]] = list(candidates)
    origins_in += [(None, event, reports) for event, reports in new]
    for origin, event, reports in origins_in:
        for source, report in zip(event.sources, reports, strict=True):
            owner[id(source)] = (origin, report)
    merged = pipeline.merge_events([event for _, event, _ in origins_in])
    if len(merged) == len(origins_in):
        return MergePlan(inserts=[(event, list(reports)) for event, reports in new])  # nothing merged
    by_value: dict[tuple[Source, str], list[tuple[int | None, Report]]] = defaultdict(list)
    if any(id(s) not in owner for event in merged for s in event.sources):
        for origin, event, reports in origins_in:
            for source, report in zip(event.sources, reports, strict=True):
                by_value[(source, report.kind)].append((origin, report))
    before = {event_id: event for event_id, event, _ in candidates}
    plan = MergePlan()
    keep = set(frozen)
    for event in merged:
        # By identity; by value should merge_events ever copy its Source records.
        origins = [owner.get(id(s)) or by_value[(s, event.kind)].pop(0) for s in event.sources]
        stored = list(dict.fromkeys(o for o, _ in origins if o is not None))
        if not stored:
            plan.inserts.append((event, [r for _, r in origins]))
            continue
        target, others = stored[0], [s for s in stored[1:] if s not in keep]
        # A reviewed event is never merged away: its own reports stay with it.
        reports = [r for o, r in origins if o is None or o == target or o in others]
        plan.absorbed.extend((gone, target) for gone in others)
        if event != before[target] or others:
            plan.updates.append((target, event, reports))
    return plan


class MergeIndex:
    """The stored events new reports may merge into, by kind and month, held in memory.

    Built from the store once per writer and kept up to date by the writer itself; the store
    rebuilds it when another writer changed the store in between (its revision moved).
    """

    def __init__(self) -> None:
        self.events: dict[int, Event] = {}
        self.reports: dict[int, list[Report]] = {}
        self.frozen: set[int] = set()
        #: Reviewed events that take no new reports (rejected ones: a new report is a new claim).
        self.closed: set[int] = set()
        # Events of a kind touching a month, all of them and by place id; place "" holds those
        # that may match any place (unplaced, a whole country, talks and agreements).
        self._months: dict[tuple[str, int | None], set[int]] = defaultdict(set)
        self._buckets: dict[tuple[str, int | None, str], set[int]] = defaultdict(set)
        self._wide: dict[str, set[int]] = defaultdict(set)

    def put(
        self,
        event_id: int,
        event: Event,
        reports: Sequence[Report],
        *,
        frozen: bool = False,
        closed: bool = False,
    ) -> None:
        """Add or replace a stored event (``frozen``: a person reviewed it; ``closed``: rejected)."""
        self.drop(event_id)
        self.events[event_id], self.reports[event_id] = event, list(reports)
        if frozen:
            self.frozen.add(event_id)
        if closed:
            self.closed.add(event_id)
        months = _months(event.date)
        if months is None:
            self._wide[event.kind].add(event_id)
        place = _place_key(event)
        for month in months or ():
            self._months[(event.kind, month)].add(event_id)
            self._buckets[(event.kind, month, place)].add(event_id)

    def drop(self, event_id: int) -> None:
        """Forget a stored event (deleted, or about to be replaced)."""
        event = self.events.pop(event_id, None)
        self.reports.pop(event_id, None)
        self.frozen.discard(event_id)
        self.closed.discard(event_id)
        if event is None:
            return
        self._wide[event.kind].discard(event_id)
        place = _place_key(event)
        for month in _months(event.date) or ():
            self._months[(event.kind, month)].discard(event_id)
            self._buckets[(event.kind, month, place)].discard(event_id)

    def candidates(self, event: Event) -> list[tuple[int, Event, list[Report]]]:
        """Stored events ``event`` could merge with, in stored order.

        ``merge_events`` merges only events of one kind and status (occurred and ongoing count as
        one) whose dates nest or that are both undated, so these are the events of its kind,
        planned or not as it is, whose dates contain its own or lie within them: a superset of
        what it may merge ``event`` with.
        """
        months = _months(event.date)
        found = set(self._wide[event.kind])
        place = _place_key(event)
        if months is None:  # a wide new event: compare with every event of its kind
            found |= {i for key, ids in self._months.items() if key[0] == event.kind for i in ids}
        elif not place:  # placed loosely: any event of its kind in those months
            for month in months:
                found |= self._months.get((event.kind, month), set())
        else:
            for month in months:
                found |= self._buckets.get((event.kind, month, place), set())
                found |= self._buckets.get((event.kind, month, ""), set())
        date, planned = event.date, event.status == "planned"
        keep = [
            i
            for i in found - self.closed
            if (self.events[i].status == "planned") == planned
            and (self.events[i].date is None) == (date is None)
            and (date is None or _nested(date, self.events[i].date))
            and _places_may_match(event, self.events[i])
        ]
        return [(i, self.events[i], self.reports[i]) for i in sorted(keep)]


def _place_key(event: Event) -> str:
    """The place an event can only merge at ("" when it may merge at other places too)."""
    loose = event.kind in _LOOSE_KINDS or event.geo_precision in _AREAS
    return "" if loose or not event.place_id else event.place_id


def _places_may_match(a: Event, b: Event) -> bool:
    """Whether the places could be one event's: talks and agreements are placed loosely (by venue or
    subject), so any; else unplaced, the same place, or a country or governorate and a place in it."""
    if a.kind in _LOOSE_KINDS or not a.place_id or not b.place_id or a.place_id == b.place_id:
        return True
    if "country" in (a.geo_precision, b.geo_precision):
        return a.place_country == b.place_country
    return "governorate" in (a.geo_precision, b.geo_precision)


def _nested(a: DateInterval, b: DateInterval | None) -> bool:
    return b is not None and (a.start <= b.start <= b.end <= a.end or b.start <= a.start <= a.end <= b.end)


class MergeSession:
    """Merge new events one by one into a :class:`MergeIndex`, and remember what to write.

    Each new event is merged (:func:`plan_merge`) with the stored events it could merge with, in
    the order they came; the index follows at once, so the next event sees the result. New events
    get provisional ids above every stored one (so they sort after them) until written.
    """

    def __init__(self, index: MergeIndex, *, first_new_id: int) -> None:
        self.index = index
        self._next = first_new_id
        self.inserted: list[int] = []
        self._new: set[int] = set()
        self.updated: set[int] = set()
        self.deleted: set[int] = set()
        self.linked: dict[int, list[Report]] = defaultdict(list)
        #: The reports updated events have in the store (what their link rows say now).
        self.stored_reports: dict[int, list[Report]] = {}

    def add(self, event: Event, reports: Sequence[Report]) -> None:
        """Merge one new event (and its keyed reports) into the stored events of the index.

        New events are not merged with each other: they come from one pipeline run, which has
        merged them already.
        """
        index = self.index
        candidates = [c for c in index.candidates(event) if c[0] not in self._new]
        if not candidates:
            self.insert(event, reports)
            return
        plan = plan_merge(candidates, [(event, reports)], frozen=index.frozen)
        for gone, _ in plan.absorbed:
            self.delete(gone)
        for target, merged, merged_reports in plan.updates:
            if target in index.frozen:
                self.link(target, merged_reports)
            else:
                self.replace(target, merged, merged_reports)
        for merged, merged_reports in plan.inserts:
            self.insert(merged, merged_reports)

    def insert(self, event: Event, reports: Sequence[Report]) -> int:
        """A new event; returns its provisional id."""
        event_id, self._next = self._next, self._next + 1
        self.index.put(event_id, event, reports)
        self.inserted.append(event_id)
        self._new.add(event_id)
        return event_id

    def replace(self, event_id: int, event: Event, reports: Sequence[Report]) -> None:
        """A machine event's new state."""
        if event_id not in self._new and event_id not in self.stored_reports:
            self.stored_reports[event_id] = list(self.index.reports.get(event_id, ()))
        self.index.put(event_id, event, reports)
        if event_id not in self._new:
            self.updated.add(event_id)

    def delete(self, event_id: int) -> None:
        """A machine event that is no more."""
        self.index.drop(event_id)
        if event_id in self._new:
            self.inserted.remove(event_id)
            self._new.discard(event_id)
        else:
            self.deleted.add(event_id)
            self.updated.discard(event_id)

    def link(self, target: int, reports: Sequence[Report]) -> None:
        # A person's event gains the new reports; its fields stay as the person left them.
        known = {r.key for r in self.index.reports[target]}
        extra = [r for r in reports if r.key not in known]
        if not extra:
            return
        old = self.index.events[target]
        sources = old.sources + tuple(r.source for r in extra)
        closed = target in self.index.closed
        reports = self.index.reports[target] + extra
        self.index.put(target, replace(old, sources=sources), reports, frozen=True, closed=closed)
        self.linked[target].extend(extra)


def _months(date: DateInterval | None) -> list[int | None] | None:
    """Month numbers an event's dates touch (``[None]`` undated); ``None`` when too wide to bucket."""
    if date is None:
        return [None]
    first = date.start.year * 12 + date.start.month
    last = date.end.year * 12 + date.end.month
    if last - first >= _MAX_BUCKET_MONTHS:
        return None
    return list(range(first, last + 1))


# --- rows ------------------------------------------------------------------------------------------


def event_row(event: Event, *, version: str, now: dt.datetime) -> dict[str, Any]:
    """The ``events`` columns of a machine event (its export properties and what merging needs)."""
    return _properties(event) | {
        "date_source": event.date_source,
        "place_country": event.place_country or None,
        "place_source": event.place_source,
        "place_admin1": event.place_admin1 or None,
        "lon": event.lon,
        "lat": event.lat,
        "pipeline_version": version,
        "updated_at": now,
    }


def _properties(event: Event) -> dict[str, Any]:
    first = event.sources[0] if event.sources else Source("", "")
    return {
        "event_id": event.event_id,
        "kind": event.kind,
        "status": event.status,
        "date_start": event.date.start if event.date else None,
        "date_end": event.date.end if event.date else None,
        "date_precision": event.date.precision if event.date else None,
        "place": event.place or None,
        "place_id": event.place_id or None,
        "geo_precision": event.geo_precision or None,
        "uncertainty_km": event.uncertainty_km,
        "actors": list(event.actors),
        "article": first.article,
        "also_reported_in": ", ".join(event.articles[1:]),
        "outlet": first.outlet,
        "url": first.url,
        "published": first.published,
        "quote": first.sentence,
        "confidence": event.confidence,
    }


def event_from_row(row: Mapping[Any, Any], sources: Sequence[Source]) -> Event:
    """Rebuild the pipeline's ``Event`` from an ``events`` row and its sources (for merging)."""
    start, end = row["date_start"], row["date_end"]
    date = DateInterval(start, end, row["date_precision"]) if start is not None and end is not None else None
    return Event(
        kind=row["kind"],
        status=row["status"],
        date=date,
        place=row["place"] or "",
        place_id=row["place_id"] or "",
        lon=row["lon"],
        lat=row["lat"],
        geo_precision=row["geo_precision"] or "",
        uncertainty_km=row["uncertainty_km"],
        actors=tuple(row["actors"]),
        sources=tuple(sources),
        confidence=row["confidence"],
        place_country=row["place_country"] or "",
        date_source=row["date_source"],
        place_source=row["place_source"],
        place_admin1=row["place_admin1"] or "",
    )
