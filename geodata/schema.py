"""Property names and allowed values of every layer, in one place.

Zones and events are exchanged as GeoJSON Features with *flat, single-typed* properties (QGIS
mangles nested objects and columns that mix types). The pydantic models here are the executable
form of the schemas documented in ``zones/README.md`` and ``seeds/README.md``; validation of input
files and the exporters both read from them, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from geodata.kinds import EVENT_KINDS as EVENT_KINDS
from geodata.kinds import ZONE_KINDS as ZONE_KINDS
from geodata.kinds import EventKind as EventKind
from geodata.kinds import ZoneKind as ZoneKind

#: Which geometry types each zone kind may have.
ZONE_KIND_GEOMETRIES: dict[str, tuple[str, ...]] = {
    "de_escalation_zone": ("Polygon", "MultiPolygon"),
    "demilitarized_zone": ("Polygon", "MultiPolygon"),
    "security_corridor": ("Polygon", "MultiPolygon"),
    "patrol_area": ("Polygon", "MultiPolygon"),
    "patrol_route": ("LineString", "MultiLineString"),
    "observation_post": ("Point",),
}

EventStatus = Literal["occurred", "planned", "ongoing"]
EVENT_STATUSES: tuple[str, ...] = get_args(EventStatus)
DatePrecision = Literal["day", "week", "month", "year", "range"]
DATE_PRECISIONS: tuple[str, ...] = get_args(DatePrecision)
GeoPrecision = Literal["point", "town", "district", "governorate", "country"]
GEO_PRECISIONS: tuple[str, ...] = get_args(GeoPrecision)
#: Where an event read out of the articles stands in review (issue 13): ``machine`` until a
#: person acts on it; ``accepted`` as the machine made it, ``edited`` (corrected, merged or
#: split), ``rejected`` (not an event), ``added`` (one the pipeline missed).
ReviewState = Literal["machine", "accepted", "edited", "rejected", "added"]
REVIEW_STATES: tuple[str, ...] = get_args(ReviewState)
#: The states a person has vouched for: what "reviewed only" keeps.
REVIEWED_STATES: tuple[str, ...] = ("accepted", "edited", "added")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ZoneId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class ZoneProperties(BaseModel):
    """The properties every zone Feature carries (see ``zones/README.md``)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    zone_id: ZoneId
    name: NonEmpty
    kind: ZoneKind
    agreement: NonEmpty
    signed: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    end_reason: str | None
    parties: NonEmpty
    sources: NonEmpty
    accuracy_km: float = Field(gt=0, le=100)
    method: NonEmpty
    notes: str

    @field_validator("signed", "valid_from", "valid_to", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        # GeoJSON carries dates as strings; accept only full ISO dates (YYYY-MM-DD).
        if isinstance(value, str):
            try:
                if not _ISO_DATE.fullmatch(value):
                    raise ValueError(value)
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc
        return value

    @field_validator("sources")
    @classmethod
    def _sources_have_url(cls, value: str) -> str:
        if "http" not in value:
            raise ValueError("sources must name at least one URL")
        return value


#: Zone property names, in the order they are written.
ZONE_PROPERTIES: tuple[str, ...] = tuple(ZoneProperties.model_fields)

#: The properties of every event record, whatever made it (issue 3's output schema); events imported
#: from ACLED or UCDP have these too.
EVENT_RECORD_PROPERTIES: tuple[str, ...] = (
    "event_id",
    "kind",
    "status",
    "date_start",
    "date_end",
    "date_precision",
    "place",
    "place_id",
    "geo_precision",
    "uncertainty_km",
    "actors",
    "article",
    "also_reported_in",
    "outlet",
    "url",
    "published",
    "quote",
    "confidence",
)
#: Event property names of the articles' events, in the order they are written: the record's, then
#: ``review`` (one of ``REVIEW_STATES``; ``machine`` for the pipeline's own output).
EVENT_PROPERTIES: tuple[str, ...] = (*EVENT_RECORD_PROPERTIES, "review")
