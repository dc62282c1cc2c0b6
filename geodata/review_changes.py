"""What a person may change in an event, checked: the fields :func:`geodata.review.edit` and
:func:`geodata.review.add_event` take, turned into ``events`` columns (every problem said at once).

A place is given by ``place_id`` (a gazetteer id: its name, point, country, governorate,
precision and uncertainty come with it unless given too) or by ``lon`` and ``lat`` (a clicked
point, with ``geo_precision`` and ``uncertainty_km``); ``place_id=None`` without a point makes the
event unlocated. Dates are ``datetime.date`` or ISO text, both ends or neither; a person's dates
and places are marked ``date_source``/``place_source`` ``person``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from geodata._errors import UsageError
from geodata.gazetteer import Gazetteer
from geodata.schema import DATE_PRECISIONS, EVENT_KINDS, EVENT_STATUSES, GEO_PRECISIONS

__all__ = ["EDITABLE", "LAT_RANGE", "LON_RANGE", "UNCERTAINTY_RANGE", "validated"]

#: What :func:`edit` (and :func:`add_event`) take: event fields, and ``place_id`` (a gazetteer id).
EDITABLE: tuple[str, ...] = (
    "kind", "status", "date_start", "date_end", "date_precision", "place", "place_id", "geo_precision",
    "uncertainty_km", "lon", "lat", "actors",
)  # fmt: skip


#: The values a person's point may take (degrees, and kilometres of uncertainty).
LON_RANGE: tuple[float, float] = (-180.0, 180.0)
LAT_RANGE: tuple[float, float] = (-90.0, 90.0)
UNCERTAINTY_RANGE: tuple[float, float] = (0.0, 20_000.0)


def _date(value: Any, name: str, problems: list[str]) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{name} {value!r} is not a date (YYYY-MM-DD)")
        return None


def _number(value: Any, name: str, low: float, high: float, problems: list[str]) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append(f"{name} {value!r} is not a number")
        return None
    if not low <= number <= high:
        problems.append(f"{name} {number:g} is outside {low:g}..{high:g}")
    return number


def validated(changes: Mapping[str, Any], row: Mapping[Any, Any], gazetteer: Gazetteer) -> dict[str, Any]:
    """The ``events`` columns a change sets, checked against the vocabularies (every problem at once)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise UsageError(f"cannot change {', '.join(unknown)}; a person may change {', '.join(EDITABLE)}")
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, vocabulary in (("kind", EVENT_KINDS), ("status", EVENT_STATUSES)):
        if name in changes:
            if changes[name] not in vocabulary:
                problems.append(f"{name} {changes[name]!r} is not one of {', '.join(vocabulary)}")
            values[name] = changes[name]
    if {"date_start", "date_end", "date_precision"} & set(changes):
        _dates(changes, row, values, problems)
    _place(changes, gazetteer, values, problems)
    if "actors" in changes:
        given = changes["actors"]
        names = [given] if isinstance(given, str) else list(given or ())
        if not all(isinstance(n, str) for n in names):
            problems.append("actors are names (text)")
        values["actors"] = [str(n).strip() for n in names if str(n).strip()]
    if problems:
        raise UsageError("; ".join(problems))
    return values


def _dates(
    changes: Mapping[str, Any], row: Mapping[Any, Any], values: dict[str, Any], problems: list[str]
) -> None:
    start = _date(changes.get("date_start", row["date_start"]), "date_start", problems)
    end = _date(changes.get("date_end", row["date_end"]), "date_end", problems)
    if "date_start" in changes and "date_end" not in changes:
        end = start if row["date_end"] is None or (start and row["date_end"] < start) else end
    precision = changes.get("date_precision", row["date_precision"])
    if (start is None) != (end is None):
        problems.append("give both date_start and date_end, or neither")
    elif start is not None and end is not None:
        if end < start:
            problems.append(f"date_end {end} is before date_start {start}")
        if precision is None:
            precision = "day" if start == end else "range"
        if precision not in DATE_PRECISIONS:
            problems.append(f"date_precision {precision!r} is not one of {', '.join(DATE_PRECISIONS)}")
    else:
        precision = None
    values |= {"date_start": start, "date_end": end, "date_precision": precision, "date_source": "person"}


def _place(
    changes: Mapping[str, Any], gazetteer: Gazetteer, values: dict[str, Any], problems: list[str]
) -> None:
    precision = changes.get("geo_precision")
    if precision is not None and precision not in GEO_PRECISIONS:
        problems.append(f"geo_precision {precision!r} is not one of {', '.join(GEO_PRECISIONS)}")
    radius = _number(changes.get("uncertainty_km"), "uncertainty_km", *UNCERTAINTY_RANGE, problems)
    point = changes.get("lon") is not None or changes.get("lat") is not None
    place_id = changes.get("place_id")
    if place_id is not None:
        found = gazetteer.get(str(place_id))
        if found is None:
            problems.append(f"place_id {place_id!r} is not in the gazetteer")
            return
        values |= {
            "place": changes.get("place") or found.name, "place_id": found.place_id, "lon": found.lon,
            "lat": found.lat, "geo_precision": precision or found.geo_precision,
            "uncertainty_km": found.uncertainty_km if radius is None else radius,
            "place_country": found.country or None, "place_admin1": found.admin1 or None,
            "place_source": "person",
        }  # fmt: skip
    elif point:
        lon = _number(changes.get("lon"), "lon", *LON_RANGE, problems)
        lat = _number(changes.get("lat"), "lat", *LAT_RANGE, problems)
        if lon is None or lat is None:
            problems.append("a clicked place needs both lon and lat")
        if precision is None or radius is None:
            problems.append("a clicked place needs its geo_precision and uncertainty_km")
        values |= {
            "place": changes.get("place") or None, "place_id": None, "lon": lon, "lat": lat,
            "geo_precision": precision, "uncertainty_km": radius, "place_country": None,
            "place_admin1": None, "place_source": "person",
        }  # fmt: skip
    elif "place_id" in changes or ("lon" in changes and "lat" in changes):
        values |= {
            "place": None, "place_id": None, "lon": None, "lat": None, "geo_precision": None,
            "uncertainty_km": None, "place_country": None, "place_admin1": None, "place_source": "person",
        }  # fmt: skip
    else:
        if "place" in changes:
            values["place"] = changes["place"] or None
        if precision is not None:
            values["geo_precision"] = precision
        if radius is not None:
            values["uncertainty_km"] = radius
