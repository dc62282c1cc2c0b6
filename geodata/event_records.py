"""The records the events pipeline produces, and their table form.

:class:`Event` (one event, possibly reported by several articles), :class:`Source` (one report:
the article, the sentence, and where it is in the article), :class:`EventRun` (a run's events,
problems and articles), :func:`events_frame` (events as a GeoDataFrame with exactly
``schema.EVENT_PROPERTIES``), and :data:`PIPELINE_VERSION`, which a store keeps beside each
machine-made event so a later run knows what it is replacing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
from shapely.geometry import Point

from geodata import settings
from geodata._errors import Problem
from geodata.articles import Article
from geodata.dates import DateInterval
from geodata.schema import EVENT_PROPERTIES

__all__ = ["PIPELINE_VERSION", "Event", "EventRun", "Source", "events_frame"]

#: Version of the extraction: bump it whenever the events it reads out of the same articles change.
PIPELINE_VERSION: str = "2.4.0"


@dataclass(frozen=True)
class Source:
    """One report of an event: the article and the sentence it was read from.

    Parameters
    ----------
    article, sentence, outlet, url, published
        The article's file name, the sentence as written, and the article's metadata.
    paragraph, sentence_index
        Where the sentence is: paragraph number in ``Article.body`` and sentence number in that
        paragraph, from 0 (-1 when unknown, e.g. for a hand-made record).
    start, end
        The sentence's character span in its paragraph (``body[paragraph][start:end] ==
        sentence``), -1 when unknown.
    trigger
        The words that reported the event ("shelled", "agreed to conduct").
    date_text
        The date phrase the event's date was read from ("on Tuesday"), empty when it came from
        context or publication.
    place_text
        The place as named in the sentence, empty when the place came from context.
    candidates
        Ids of the gazetteer places the geocoder chose among for that name, the chosen one first.
    """

    article: str
    sentence: str
    outlet: str = ""
    url: str = ""
    published: dt.date | None = None
    paragraph: int = -1
    sentence_index: int = -1
    start: int = -1
    end: int = -1
    trigger: str = ""
    date_text: str = ""
    place_text: str = ""
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """One event, possibly reported by several articles (``sources``, first one first).

    ``date`` is ``None`` when nothing could date it (no publication date either); ``place_*`` fields
    are empty and ``lon``/``lat`` ``None`` when it could not be located. ``date_source`` says where
    the date came from (``text``, ``context``: an earlier sentence, ``publication``: a window around
    it); ``place_source`` where the place came from (``text``: the sentence names it; ``context``:
    a neighbouring sentence, the article's main place, the dateline; ``subject``: what talks or an
    agreement were about, for want of a venue). ``place_admin1`` is the OCHA pcode of the
    governorate the place is in (Syrian places), for review and merging.
    """

    kind: str
    status: str
    date: DateInterval | None
    place: str = ""
    place_id: str = ""
    lon: float | None = None
    lat: float | None = None
    geo_precision: str = ""
    uncertainty_km: float | None = None
    actors: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    confidence: float = 0.5
    place_country: str = ""
    date_source: str = "text"
    place_source: str = "text"
    place_admin1: str = ""

    @property
    def event_id(self) -> str:
        """A stable id: a hash of kind, dates, place and the first quote."""
        start, end = (self.date.start, self.date.end) if self.date else ("", "")
        quote = self.sources[0].sentence if self.sources else ""
        key = "|".join(map(str, (self.kind, start, end, self.place_id, quote)))
        return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]

    @property
    def articles(self) -> tuple[str, ...]:
        """File names of the reporting articles, first source first, no repeats."""
        return tuple(dict.fromkeys(source.article for source in self.sources))

    @property
    def candidates(self) -> tuple[str, ...]:
        """The place ids the geocoder considered for the first report's place."""
        return self.sources[0].candidates if self.sources else ()

    @property
    def date_text(self) -> str:
        """The first report's date phrase (empty when dated from context or publication)."""
        return self.sources[0].date_text if self.sources else ""


@dataclass(frozen=True)
class EventRun:
    """The result of a run: merged events, every problem met, and the articles read."""

    events: tuple[Event, ...]
    problems: tuple[Problem, ...]
    articles: tuple[Article, ...]

    @property
    def unlocated(self) -> int:
        """How many events have no place."""
        return sum(event.lon is None for event in self.events)


def _properties(event: Event) -> dict[str, object]:
    first = event.sources[0] if event.sources else Source("", "")
    return {
        "event_id": event.event_id,
        "kind": event.kind,
        "status": event.status,
        "date_start": event.date.start.isoformat() if event.date else None,
        "date_end": event.date.end.isoformat() if event.date else None,
        "date_precision": event.date.precision if event.date else None,
        "place": event.place or None,
        "place_id": event.place_id or None,
        "geo_precision": event.geo_precision or None,
        "uncertainty_km": event.uncertainty_km,
        "actors": ", ".join(event.actors),
        "article": first.article,
        "also_reported_in": ", ".join(event.articles[1:]),
        "outlet": first.outlet,
        "url": first.url,
        "published": first.published.isoformat() if first.published else None,
        "quote": first.sentence,
        "confidence": event.confidence,
        "review": "machine",
    }


def events_frame(events: Iterable[Event]) -> gpd.GeoDataFrame:
    """Events as a GeoDataFrame in EPSG:4326: ``EVENT_PROPERTIES`` columns plus ``geometry``.

    Rows are sorted by start date, kind and id (undated last), so output is deterministic.
    Unlocated events have a null geometry.
    """
    ordered = sorted(
        events,
        key=lambda e: (e.date is None, e.date.start if e.date else dt.date.min, e.kind, e.event_id),
    )
    records = [_properties(event) for event in ordered]
    geometry = [
        Point(round(e.lon, settings.COORD_DECIMALS), round(e.lat, settings.COORD_DECIMALS))
        if e.lon is not None and e.lat is not None
        else None
        for e in ordered
    ]
    return gpd.GeoDataFrame(records, columns=list(EVENT_PROPERTIES), geometry=geometry, crs=settings.WGS84)
