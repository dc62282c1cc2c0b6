"""What the review page reads: the queue, one event's details and history, an article's text.

Plain data only (frozen dataclasses); the page renders it, escaping every piece of text, since
articles are untrusted. Nothing here needs an editor: reading is open to viewers.

The queue puts first what most needs a person (:func:`priority`): an event the machine now sees
differently from the person's version, unlocated events, events placed only to a region, low
confidence, dates inferred from context or the publication date or known only to the month, and
events whose reports the machine read as different kinds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import sqlalchemy as sa
from shapely.geometry import Point

from geodata._errors import StoreError, UsageError
from geodata.gazetteer import Gazetteer
from geodata.place_search import project_gazetteer
from geodata.sentences import parse_article as split_paragraphs
from geodata.store_reextract import parse_stored
from geodata.store_tables import articles, disagreements, event_sources, events, history, review_actions

if TYPE_CHECKING:
    from geodata.store import Store

__all__ = [
    "ArticleText",
    "Candidate",
    "Disagreement",
    "EventDetail",
    "HistoryEntry",
    "QueueFilter",
    "QueueItem",
    "Report",
    "SentenceSpan",
    "article_text",
    "disagreement_list",
    "event_detail",
    "event_history",
    "priority",
    "review_queue",
]

#: Confidence below which an event is flagged.
LOW_CONFIDENCE = 0.6
#: Place precisions that say only the region.
REGIONAL = ("governorate", "country")
#: A place vaguer than this (km) is regional too.
REGIONAL_KM = 50.0


@dataclass(frozen=True)
class SentenceSpan:
    """One sentence of a paragraph as the pipeline splits it: its number and character span."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class ArticleText:
    """A stored article as the pipeline reads it: body paragraphs and their sentences."""

    article_id: int
    name: str
    title: str
    outlet: str
    url: str
    published: dt.date | None
    content_hash: str
    paragraphs: tuple[str, ...]
    sentences: tuple[tuple[SentenceSpan, ...], ...]


def article_text(store: Store, article_id: int) -> ArticleText:
    """The article's body paragraphs and sentences (what a person selects an event's sentence in)."""
    with store._transaction() as conn:
        row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
    if row is None:
        raise StoreError(f"the store {store.where} has no article {article_id}")
    article, problems = parse_stored(row)
    if article is None:
        raise UsageError(f"article {article_id} ({row['name']}) cannot be read: {'; '.join(problems)}")
    _, split = split_paragraphs(article.body)
    sentences = tuple(tuple(SentenceSpan(s.number, s.start, s.end) for s in paragraph) for paragraph in split)
    return ArticleText(
        article_id, row["name"], row["title"], row["outlet"], row["url"] or "", row["published"],
        row["content_hash"], tuple(article.body), sentences,
    )  # fmt: skip


# --- the queue -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    """Which events the queue lists.

    Attributes
    ----------
    article_id
        Only events reported by this article.
    kinds
        Only these kinds (empty: all).
    zone_id
        Only events placed inside this zone (needs the zones frame).
    date_from, date_to
        Only events whose dates meet this interval (either end open).
    include_reviewed
        Also events a person has reviewed (by default only machine events, and reviewed ones the
        machine now disagrees with).
    """

    article_id: int | None = None
    kinds: tuple[str, ...] = ()
    zone_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    include_reviewed: bool = False


@dataclass(frozen=True)
class QueueItem:
    """One event in the queue, with why it is there."""

    id: int
    event_id: str
    version: int
    review: str
    kind: str
    status: str
    date_start: dt.date | None
    date_end: dt.date | None
    place: str | None
    geo_precision: str | None
    confidence: float
    articles: tuple[str, ...]
    priority: float
    reasons: tuple[str, ...]


def priority(row: Mapping[Any, Any], report_kinds: Sequence[str], open_items: int) -> tuple[float, list[str]]:
    """How much an event needs a person (higher first), and why, in words."""
    score, reasons = 0.0, []
    if open_items:
        score += 5
        reasons.append("the machine now disagrees with the person's version")
    if row["lon"] is None:
        score += 3
        reasons.append("unlocated")
    elif row["geo_precision"] in REGIONAL or (row["uncertainty_km"] or 0) > REGIONAL_KM:
        score += 2
        reasons.append(
            f"located only to a region ({row['geo_precision']}, ±{row['uncertainty_km'] or 0:g} km)"
        )
    if len(set(report_kinds) | {row["kind"]}) > 1:
        score += 2
        reasons.append(
            "the articles' reports read as different kinds: " + ", ".join(sorted(set(report_kinds)))
        )
    if row["confidence"] < LOW_CONFIDENCE:
        score += (1 - row["confidence"]) * 4
        reasons.append(f"low confidence ({row['confidence']:.2f})")
    if row["date_start"] is None:
        score += 2
        reasons.append("undated")
    elif row["date_source"] in ("context", "publication"):
        score += 1.5
        reasons.append(
            f"date inferred from the {'context' if row['date_source'] == 'context' else 'publication date'}"
        )
    elif row["date_precision"] not in ("day", None):
        score += 0.5
        reasons.append(f"dated only to the {row['date_precision']}")
    return score, reasons


def review_queue(
    store: Store, filters: QueueFilter = QueueFilter(), *, zones: gpd.GeoDataFrame | None = None
) -> list[QueueItem]:
    """The events to review, most needed first (then by date, then id)."""
    area = None
    if filters.zone_id is not None:
        if zones is None:
            raise UsageError("the zone filter needs the zones")
        chosen = zones[zones["zone_id"] == filters.zone_id]
        if chosen.empty:
            raise UsageError(f"no zone {filters.zone_id!r}; known: {', '.join(sorted(zones['zone_id']))}")
        area = chosen.geometry.iloc[0]
    query = sa.select(*(c for c in events.columns if c.name != "geom"))
    if filters.kinds:
        query = query.where(events.c.kind.in_(list(filters.kinds)))
    if filters.article_id is not None:
        reported = sa.select(event_sources.c.event_id).where(event_sources.c.article_id == filters.article_id)
        query = query.where(events.c.id.in_(reported))
    with store._transaction() as conn:
        rows = conn.execute(query).mappings().all()
        kinds: dict[int, list[str]] = defaultdict(list)
        names: dict[int, list[str]] = defaultdict(list)
        links = (
            sa.select(event_sources.c.event_id, event_sources.c.kind, articles.c.name)
            .join(articles, articles.c.id == event_sources.c.article_id)
            .order_by(event_sources.c.event_id, event_sources.c.position)
        )
        for link in conn.execute(links):
            kinds[link.event_id].append(link.kind)
            names[link.event_id].append(link.name)
        counted = sa.select(disagreements.c.event_id, sa.func.count()).where(disagreements.c.status == "open")
        open_items: dict[int, int] = dict(conn.execute(counted.group_by(disagreements.c.event_id)).all())
    found = []
    for row in rows:
        items = open_items.get(row["id"], 0)
        if row["review"] != "machine" and not items and not filters.include_reviewed:
            continue
        if not _meets(row, filters, area):
            continue
        score, reasons = priority(row, kinds[row["id"]], items)
        found.append(
            QueueItem(
                row["id"], row["event_id"], row["version"], row["review"], row["kind"], row["status"],
                row["date_start"], row["date_end"], row["place"], row["geo_precision"], row["confidence"],
                tuple(dict.fromkeys(names[row["id"]])), round(score, 3), tuple(reasons),
            )
        )  # fmt: skip
    found.sort(key=lambda item: (-item.priority, item.date_start or dt.date.max, item.id))
    return found


def _meets(row: Mapping[Any, Any], filters: QueueFilter, area: Any) -> bool:
    if filters.date_from is not None or filters.date_to is not None:
        if row["date_start"] is None:
            return False
        if filters.date_to is not None and row["date_start"] > filters.date_to:
            return False
        if filters.date_from is not None and row["date_end"] < filters.date_from:
            return False
    if area is not None:
        return row["lon"] is not None and bool(area.covers(Point(row["lon"], row["lat"])))
    return True


# --- one event ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A gazetteer place the geocoder chose among (the chosen one first)."""

    place_id: str
    name: str
    kind: str
    country: str
    lon: float | None
    lat: float | None
    uncertainty_km: float | None
    chosen: bool


@dataclass(frozen=True)
class Report:
    """One report of an event: the sentence in its paragraph, and the article it is from.

    ``paragraph_text[span_start:span_end] == sentence`` when the span is known (reports stored
    before schema 3 have none: ``span_start`` is ``None``).
    """

    key: str
    article_id: int
    article: str
    title: str
    outlet: str
    url: str
    published: dt.date | None
    paragraph: int | None
    paragraph_text: str | None
    sentence: str
    span_start: int | None
    span_end: int | None
    machine_kind: str
    trigger: str
    date_text: str
    place_text: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of an event: by a person's action (``action_id``) or by the machine."""

    id: int
    at: dt.datetime
    by: str
    action: str
    note: str | None
    action_id: int | None
    undone_by: int | None
    changed: Mapping[str, tuple[Any, Any]]
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True)
class Disagreement:
    """What a later pipeline run proposes for an event a person reviewed.

    ``fields`` maps each field to ``(machine, person)``; ``machine`` is the whole proposal, or
    ``None`` when the machine no longer finds the event.
    """

    id: int
    event_id: int
    found_at: dt.datetime
    pipeline_version: str
    status: str
    fields: Mapping[str, tuple[Any, Any]]
    machine: Mapping[str, Any] | None


@dataclass(frozen=True)
class EventDetail:
    """Everything the page shows about one event."""

    event: Mapping[str, Any]
    reports: tuple[Report, ...]
    history: tuple[HistoryEntry, ...]
    disagreements: tuple[Disagreement, ...] = field(default=())


def event_detail(store: Store, event_id: int, *, gazetteer: Gazetteer | None = None) -> EventDetail:
    """The event, its reports (sentence highlighted in its paragraph, article, geocoder candidates),
    its history and its open disagreements."""
    places = gazetteer or project_gazetteer()
    with store._transaction() as conn:
        row = conn.execute(sa.select(events).where(events.c.id == event_id)).mappings().first()
        if row is None:
            raise StoreError(f"the store {store.where} has no event {event_id}")
        query = (
            sa.select(
                event_sources,
                articles.c.name,
                articles.c.title,
                articles.c.outlet,
                articles.c.url,
                articles.c.published,
            )
            .join(articles, articles.c.id == event_sources.c.article_id)
            .where(event_sources.c.event_id == event_id)
            .order_by(event_sources.c.position, event_sources.c.id)
        )
        links = conn.execute(query).mappings().all()
    texts: dict[int, ArticleText] = {}
    reports = []
    for link in links:
        if link["article_id"] not in texts:
            texts[link["article_id"]] = article_text(store, link["article_id"])
        text = texts[link["article_id"]]
        number = link["paragraph"]
        known = number is not None and 0 <= number < len(text.paragraphs) and (link["span_start"] or 0) >= 0
        reports.append(
            Report(
                link["key"], link["article_id"], link["name"], link["title"], link["outlet"],
                link["url"] or "",
                link["published"], number if known else None, text.paragraphs[number] if known else None,
                link["sentence"], link["span_start"] if known else None, link["span_end"] if known else None,
                link["kind"], link["trigger"] or "", link["date_text"] or "", link["place_text"] or "",
                tuple(_candidate(places, pid, i == 0) for i, pid in enumerate(link["candidates"] or ())),
            )
        )  # fmt: skip
    fields = {c.name: row[c.name] for c in events.columns if c.name != "geom"}
    return EventDetail(
        fields,
        tuple(reports),
        tuple(event_history(store, event_id)),
        tuple(disagreement_list(store, event_id)),
    )


def _candidate(gazetteer: Gazetteer, place_id: str, chosen: bool) -> Candidate:
    place = gazetteer.get(place_id)
    if place is None:
        return Candidate(place_id, place_id, "", "", None, None, None, chosen)
    return Candidate(
        place_id, place.name, place.kind, place.country, place.lon, place.lat, place.uncertainty_km, chosen
    )


def event_history(store: Store, event_id: int) -> list[HistoryEntry]:
    """Every recorded change of the event, oldest first: the machine's and people's, with the fields
    each changed (before, after) and, for people's actions, the action that undid it if any."""
    undone = sa.select(review_actions.c.id).where(review_actions.c.undoes == history.c.action_id)
    query = (
        sa.select(history, undone.scalar_subquery().label("undone_by"))
        .where(history.c.entity == "event", history.c.entity_id == event_id)
        .order_by(history.c.id)
    )
    with store._transaction() as conn:
        rows = conn.execute(query).mappings().all()
    entries = []
    for row in rows:
        before, after = row["before"] or {}, row["after"] or {}
        names = [n for n in dict.fromkeys([*before, *after]) if n not in ("version", "updated_at")]
        changed = {n: (before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)}
        entries.append(
            HistoryEntry(
                row["id"], row["at"], row["by"], row["action"], row["note"], row["action_id"],
                row["undone_by"],
                changed, row["before"], row["after"],
            )
        )  # fmt: skip
    return entries


def disagreement_list(
    store: Store, event_id: int | None = None, *, status: str | None = "open"
) -> list[Disagreement]:
    """The "machine disagrees" items (of one event, of one status; ``None``: all), oldest first."""
    query = sa.select(disagreements).order_by(disagreements.c.id)
    if event_id is not None:
        query = query.where(disagreements.c.event_id == event_id)
    if status is not None:
        query = query.where(disagreements.c.status == status)
    with store._transaction() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        Disagreement(
            r["id"], r["event_id"], r["found_at"], r["pipeline_version"], r["status"],
            {name: (v.get("machine"), v.get("person")) for name, v in r["fields"].items()}, r["machine"],
        )
        for r in rows
    ]  # fmt: skip
