"""The review page's pick map: the opened event's place on a small map, where a click places it.

The page mounts one Streamlit component (``st.components.v2``; script :func:`script`, style sheet
:func:`stylesheet`) twice: once with the offline base map (:func:`geodata.map_datasets.basemap_dataset`,
which reaches the page once, as on the live map) and once as the map (:func:`map_config`): the
event's place and its uncertainty circle, the geocoder's candidates, and the point being placed
(the preview, with the uncertainty the editor chose) before it is saved. A click on the map sends
its longitude and latitude back as the trigger value ``picked``; :func:`picked_point` reads it
(rounded to ``DECIMALS``, about a metre), and the page puts it into the place part of the edit form,
where the editor chooses the precision and uncertainty, sees the preview, and saves.

The page script is ``static/pickmap.js``; it draws the base map with the live map's own code
(``AtlasLive.shared`` of ``static/livemap.js``, loaded with it), loads nothing from the internet
(no tiles), and puts every name into the page as text, never as markup.

:func:`point_problems` checks a typed or picked point in the form's own words before anything is
saved, with the limits :mod:`geodata.review_changes` applies to every write.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geodata import livemap
from geodata.layers import EVENT_STYLES
from geodata.review_changes import LAT_RANGE, LON_RANGE, UNCERTAINTY_RANGE
from geodata.review_queue import Candidate
from geodata.schema import GEO_PRECISIONS

__all__ = [
    "DECIMALS",
    "DEFAULT_KM",
    "FORM_LABELS",
    "HEIGHT",
    "Point",
    "frame",
    "map_config",
    "picked_point",
    "point_problems",
    "preview_point",
    "script",
    "stylesheet",
]

#: The map's height in the page, in pixels.
HEIGHT: int = 320
#: A picked point is kept to this many decimals of a degree (1e-5: about a metre).
DECIMALS: int = 5
#: The map shows at least this many kilometres around a point (a town, not a street).
MIN_VIEW_KM: float = 5.0
#: Kilometres in a degree of latitude (and of longitude at the equator), on a sphere.
KM_PER_DEGREE: float = 111.32
#: The labels of the point form's fields, which its messages name.
FORM_LABELS: Mapping[str, str] = {
    "lon": "Longitude",
    "lat": "Latitude",
    "geo_precision": "Precision",
    "uncertainty_km": "Uncertainty (km)",
}
#: The uncertainty the point form starts from (km).
DEFAULT_KM: float = 1.0
#: Colour of the point being placed (and of an event whose kind has no style).
PREVIEW_COLOUR: str = "#111111"


@dataclass(frozen=True)
class Point:
    """A place being given to an event: a point and how far the event may be from it."""

    lon: float
    lat: float
    uncertainty_km: float


def script() -> str:
    """The component's JavaScript: Leaflet, ``livemap.js`` (the base map), ``pickmap.js``."""
    return livemap.bundle(("datasets.js", "livemap.js", "pickmap.js"), "AtlasPick.mount")


def stylesheet() -> str:
    """The component's CSS: Leaflet's, the live map's (the base map's labels), ``pickmap.css``."""
    return livemap.styles(("livemap.css", "pickmap.css"))


def frame(lon: float, lat: float, km: float) -> tuple[float, float, float, float]:
    """The ``(west, south, east, north)`` box, in degrees, of the circle of ``km`` (at least
    ``MIN_VIEW_KM``) around ``(lon, lat)``."""
    reach = max(km, MIN_VIEW_KM)
    dlat = reach / KM_PER_DEGREE
    dlon = reach / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return (lon - dlon, max(lat - dlat, -85.0), lon + dlon, min(lat + dlat, 85.0))


def _point(lon: Any, lat: Any) -> tuple[float, float] | None:
    """``(lon, lat)`` as floats, or ``None`` when either is missing or not a finite number."""
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def map_config(
    event: Mapping[str, Any],
    candidates: Sequence[Candidate],
    *,
    preview: Point | None = None,
    with_basemap: bool = True,
) -> dict[str, Any]:
    """What the map mount sends the page for ``event`` (a row of
    :func:`geodata.review_queue.event_detail`): its place, the candidates the geocoder did not
    choose, the ``preview`` point, and the box to show first (the event's circle, else the
    candidates', else Syria). Names are plain text; the page puts them in as text."""
    at = _point(event.get("lon"), event.get("lat"))
    km = float(event.get("uncertainty_km") or 0)
    colour = EVENT_STYLES[event["kind"]].colour if event.get("kind") in EVENT_STYLES else PREVIEW_COLOUR
    place: dict[str, Any] | None = None
    if at is not None:
        words = f"{event.get('place') or 'unnamed point'} ({event.get('geo_precision') or '-'}, ±{km:g} km)"
        place = {"lon": at[0], "lat": at[1], "km": km, "label": words, "colour": colour}
    others: list[dict[str, Any]] = []
    for c in candidates:
        spot = None if c.chosen else _point(c.lon, c.lat)
        if spot is not None:
            others.append(
                {"lon": spot[0], "lat": spot[1], "label": f"candidate: {c.name} ({c.kind}, {c.place_id})"}
            )
    if place is not None:
        box = frame(place["lon"], place["lat"], km)
    elif others:
        lons, lats = [float(c["lon"]) for c in others], [float(c["lat"]) for c in others]
        west, south, east, north = min(lons), min(lats), max(lons), max(lats)
        corner = frame(west, south, 0)
        box = (corner[0], corner[1], max(east, corner[2]), max(north, corner[3]))
    else:
        box = livemap.FRAME
    shown = None
    if preview is not None:
        shown = {
            "lon": preview.lon,
            "lat": preview.lat,
            "km": preview.uncertainty_km,
            "label": f"new place, not saved yet ({preview.lon:.5f}, {preview.lat:.5f}; "
            f"±{preview.uncertainty_km:g} km)",
            "colour": PREVIEW_COLOUR,
        }
    return {
        "role": "pick",
        "id": int(event["id"]),
        "height": HEIGHT,
        "frame": [round(v, 5) for v in box],
        "event": place,
        "candidates": others,
        "preview": shown,
        "datasets": ["basemap"] if with_basemap else [],
    }


def picked_point(value: object) -> tuple[float, float] | None:
    """The ``(lon, lat)`` the page reports picked (its ``picked`` trigger), rounded to ``DECIMALS``,
    or ``None`` when there is none, it is not a pair of finite numbers or not a place on Earth."""
    point = livemap.clicked_point(value)
    if point is None:
        return None
    lon, lat = (round(v, DECIMALS) for v in point)
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        return None
    return lon, lat


def point_problems(form: Mapping[str, Any]) -> list[str]:
    """What is wrong with the point part of a place form (``lon``, ``lat``, ``geo_precision``,
    ``uncertainty_km``), each problem naming its field as the form labels it; empty when the point
    can be saved. A form without ``lon`` and ``lat`` fields has no point part: nothing to check."""
    problems: list[str] = []
    if "lon" not in form and "lat" not in form:
        return problems
    lon, lat = form.get("lon"), form.get("lat")
    for name, value, (low, high) in (("lon", lon, LON_RANGE), ("lat", lat, LAT_RANGE)):
        label = FORM_LABELS[name]
        if value is None:
            other = FORM_LABELS["lat" if name == "lon" else "lon"]
            problems.append(f"{label} is missing: a point needs both {other} and {label}.")
        elif not (isinstance(value, int | float) and math.isfinite(value)):
            problems.append(f"{label} {value!r} is not a number.")
        elif not low <= value <= high:
            problems.append(f"{label} {value:g} is outside {low:g} to {high:g} degrees.")
    if form.get("geo_precision") not in GEO_PRECISIONS:
        problems.append(f"{FORM_LABELS['geo_precision']}: choose one of {', '.join(GEO_PRECISIONS)}.")
    km = form.get("uncertainty_km")
    low, high = UNCERTAINTY_RANGE
    if km is None or not (isinstance(km, int | float) and math.isfinite(km)) or not low <= km <= high:
        problems.append(f"{FORM_LABELS['uncertainty_km']} must be a number from {low:g} to {high:g}.")
    return problems


def preview_point(form: Mapping[str, Any]) -> Point | None:
    """The point a place form holds, when it can be saved (:func:`point_problems` finds nothing)."""
    if form.get("lon") is None or form.get("lat") is None or point_problems(form):
        return None
    return Point(float(form["lon"]), float(form["lat"]), float(form["uncertainty_km"]))
