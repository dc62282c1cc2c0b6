"""How the map's layers look and read: styles, tooltips and popups, fading, what can be drawn.

The app's live map (:mod:`geodata.livemap`) and the folium map of one view (:mod:`geodata.foliummap`)
both draw with these: the colour and label of each layer key, the tooltip and popup HTML of zones and
events, :func:`event_opacity` (fading), :func:`events_on_map` (what has a place in Syria),
:func:`accuracy_bands` and the offline reference layer (:func:`load_reference`). This module imports
no folium, so the app's first map does not wait for it.

Styling (the constants are :mod:`geodata.styles`, re-exported here): zone kinds and event kinds
have colour-blind-safe colours (Paul Tol's "bright" scheme for zones, Okabe-Ito for events). A zone
whose boundary is known only to within ``accuracy_km`` of a kilometre or more gets a dashed outline
and a soft band that wide around it. A planned event is a hollow dashed ring, an occurred one a
filled dot; an event located only to a district, governorate or country is drawn as a circle of
its uncertainty radius, not as a dot. Events fade with age in the window.

All text is escaped before it becomes HTML (:func:`escape`): article sentences, outlets and places are
untrusted input, and folium places tooltip text inside JavaScript template strings as well.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import settings
from geodata.export import by_review
from geodata.styles import (  # re-exported: the maps and tests read the styles here
    EVENT_STYLES as EVENT_STYLES,
)
from geodata.styles import (
    FADE_DAYS_ALL as FADE_DAYS_ALL,
)
from geodata.styles import (
    IMPORTED_RING as IMPORTED_RING,
)
from geodata.styles import (
    IMPORTED_STYLE as IMPORTED_STYLE,
)
from geodata.styles import (
    LAYER_STYLES as LAYER_STYLES,
)
from geodata.styles import (
    OLDEST_OPACITY as OLDEST_OPACITY,
)
from geodata.styles import (
    OSM_ATTRIBUTION as OSM_ATTRIBUTION,
)
from geodata.styles import (
    REFERENCE_ATTRIBUTION as REFERENCE_ATTRIBUTION,
)
from geodata.styles import (
    REFERENCE_STYLE as REFERENCE_STYLE,
)
from geodata.styles import (
    ZONE_STYLES as ZONE_STYLES,
)
from geodata.styles import (
    LayerStyle as LayerStyle,
)
from geodata.temporal import in_window_mask, parse_day
from geodata.view import IMPORTED as IMPORTED
from geodata.view import REFERENCE as REFERENCE
from geodata.view import MapView

#: A zone boundary known only to within this many km (or worse) is drawn as approximate.
APPROXIMATE_KM: float = 1.0
#: Event locations this coarse are drawn as their uncertainty circle, not as a point.
REGION_PRECISIONS: frozenset[str] = frozenset({"district", "governorate", "country"})
#: Events outside this box (lon/lat: west, south, east, north; Syria plus a margin) are not drawn:
#: talks in Sochi, Moscow or Astana belong in the "not on the map" list, not at the map's edge.
SYRIA_BOUNDS: tuple[float, float, float, float] = (35.3, 32.0, 42.7, 37.6)
#: Coordinate decimals of the drawn reference layer (~100 m).
REFERENCE_DECIMALS: int = 3
# Characters that end or interpolate a JavaScript template string; folium puts tooltip text in one.
_JS_TEMPLATE_ENTITIES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape(text: object) -> str:
    """``text`` as HTML text that is also inert inside a JavaScript template string.

    ``html.escape`` stops tags and attributes; the backtick, ``$`` and backslash are also replaced by
    character references because folium writes tooltips into `` `...` `` literals, where ``${...}``
    would run.
    """
    value = text if isinstance(text, str) else "" if missing(text) else str(text)
    return html.escape(value, quote=True).translate(_JS_TEMPLATE_ENTITIES)


def link(url: object, text: object) -> str:
    """An escaped link to ``url`` if it is an http(s) address; otherwise just the escaped text."""
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'
    return escape(text)


def events_in_window(events: gpd.GeoDataFrame, view: MapView) -> gpd.GeoDataFrame:
    """The events whose dates touch the view's window (all kinds, located or not)."""
    return events[in_window_mask(events["date_start"], events["date_end"], view.day, view.window_days)]


def events_on_map(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The events that can be drawn: not rejected by a person (:func:`geodata.export.by_review`),
    located, and inside ``SYRIA_BOUNDS``."""
    events = by_review(events, reviewed_only=False, include_rejected=False)
    geoms = events.geometry
    located = geoms.notna() & ~geoms.is_empty
    inside = located & within_bounds(geoms.x, geoms.y)
    return events[inside.fillna(False).astype(bool)]


def within_bounds(lon: pd.Series, lat: pd.Series) -> pd.Series:
    """Which longitudes and latitudes are inside ``SYRIA_BOUNDS`` (edges included): the events
    drawn (:func:`events_on_map`, and :mod:`geodata.import_points` before any frame is made)."""
    west, south, east, north = SYRIA_BOUNDS
    return lon.between(west, east) & lat.between(south, north)


def accuracy_bands(zones: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """For each approximate zone, a band of ``accuracy_km`` either side of its boundary (else null).

    Buffered in ``settings.METRIC_CRS`` and lightly simplified (the band is a visual cue, not data).
    """
    approximate = zones["accuracy_km"] >= APPROXIMATE_KM
    metric = zones.geometry[approximate].to_crs(settings.METRIC_CRS)
    outline = metric.boundary.where(metric.geom_type.str.contains("Polygon"), metric)
    widths = zones.loc[approximate, "accuracy_km"] * 1000
    band = outline.buffer(widths, quad_segs=4).simplify(widths / 10)
    result = gpd.GeoSeries([None] * len(zones), index=zones.index, crs=settings.WGS84)
    if not band.empty:
        result[approximate] = band.to_crs(settings.WGS84)
    return result


def load_reference(
    governorates_file: Path = settings.GOVERNORATES_FILE, outline_file: Path = settings.OUTLINE_FILE
) -> gpd.GeoDataFrame:
    """The offline base layer: the 14 governorates and the national outline (``level`` column)."""
    governorates = gpd.read_file(governorates_file)[["name", "geometry"]].assign(level="governorate")
    outline = gpd.read_file(outline_file)
    # The outline is unsimplified (for validation); ~200 m is plenty for drawing it.
    country = gpd.GeoDataFrame(
        {"name": ["Syria"], "level": ["country"]},
        geometry=[shapely.union_all(outline.geometry.values).simplify(0.002)],
        crs=settings.WGS84,
    )
    frame = pd.concat([governorates.to_crs(settings.WGS84), country], ignore_index=True)
    # Drawn, never measured: 3 decimals (~100 m) halve what every map sends to the browser.
    frame["geometry"] = shapely.transform(frame.geometry.values, lambda xy: np.round(xy, REFERENCE_DECIMALS))
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.WGS84)


def zone_tooltip_html(zone: Mapping[str, Any], *, links: bool = False) -> str:
    """Tooltip (or, with ``links``, popup) of a zone: name, kind, agreement, in force from–to, how
    it ended, accuracy and sources. The tooltip names the sources' outlets; the popup lists each
    source with its link. Everything is escaped."""
    until = zone.get("valid_to")
    span = f"{escape(zone['valid_from'])} – {escape(until) if not missing(until) else 'no end recorded'}"
    entries = [entry.strip() for entry in str(zone["sources"]).split(" | ") if entry.strip()]
    if links:
        sources = "<br>".join(f"· {_linked_source(entry)}" for entry in entries)
    else:
        outlets = dict.fromkeys(entry.split(",")[0].strip() for entry in entries)
        sources = escape("; ".join(outlets)) + " <i>(click for links)</i>"
    rows = [
        f"<b>{escape(zone['name'])}</b> <i>({escape(_kind_label(zone['kind']))})</i>",
        f"<b>Agreement:</b> {escape(zone['agreement'])}",
        f"<b>In force:</b> {span}",
        f"<b>Boundary accuracy:</b> ± {float(zone['accuracy_km']):g} km",
        f"<b>Sources:</b> {sources}",
    ]
    if not missing(zone.get("end_reason")):
        rows.insert(3, f"<b>Ended:</b> {escape(zone['end_reason'])}")
    return _box("<br>".join(rows))


def _linked_source(entry: str) -> str:
    """One ``title, date, URL`` source entry with its URL as a link."""
    match = re.search(r"https?://\S+", entry)
    if match is None:
        return escape(entry)
    title = entry[: match.start()].strip().rstrip(",")
    return link(match.group(0), title or match.group(0))


def _box(content: str) -> str:
    # Leaflet tooltips do not wrap text; long sources would make one endless line.
    return (
        "<div style='white-space:normal;min-width:240px;max-width:380px;font-size:12px;line-height:1.4'>"
        f"{content}</div>"
    )


def event_tooltip_html(event: Mapping[str, Any]) -> str:
    """Short tooltip of an event: kind, status, dates and place."""
    return _box(
        f"<b>{escape(_kind_label(event['kind']))}</b> ({escape(event['status'])}), "
        f"{escape(_date_text(event))}, {escape(event['place'])}"
    )


def event_popup_html(
    event: Mapping[str, Any], *, sources: Mapping[str, tuple[str, str]] | None = None
) -> str:
    """Popup of an event: kind and status, date and place with their precision, the quoted sentence,
    outlet and link, and the other articles that report it (linked with their outlet when ``sources``
    knows the file). Every value is escaped."""
    uncertainty = event.get("uncertainty_km")
    where = f"{escape(event['place'])} ({escape(event['geo_precision'])}"
    where += (
        f", ± {float(uncertainty):g} km)"
        if isinstance(uncertainty, int | float) and not missing(uncertainty)
        else ")"
    )
    parts = [
        f"<b>{escape(_kind_label(event['kind']))}</b> · {escape(event['status'])}",
        f"<b>When:</b> {escape(_date_text(event))} ({escape(event['date_precision'])})",
        f"<b>Where:</b> {where}",
        f"<blockquote style='margin:4px 0;padding-left:6px;border-left:3px solid #999'>"
        f"“{escape(event['quote'])}”</blockquote>",
        f"<b>Source:</b> {link(event.get('url'), event.get('outlet') or event.get('url'))}"
        + (f", {escape(event['published'])}" if not missing(event.get("published")) else ""),
    ]
    if not missing(event.get("actors")):
        parts.append(f"<b>Actors:</b> {escape(event['actors'])}")
    others = also_reported(event.get("also_reported_in"))
    if others:
        known = sources or {}
        named = [link(known[o][1], known[o][0] or o) if o in known else link(o, o) for o in others]
        parts.append("<b>Also reported in:</b> " + ", ".join(named))
    return _box("<br>".join(parts))


def also_reported(value: object) -> list[str]:
    """The other articles of an event's ``also_reported_in`` (``,`` or ``;`` separated, or a list)."""
    if missing(value):
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[;,]\s", str(value) + " ")
    return [str(item).strip() for item in items if str(item).strip()]


def event_opacity(date_end: str | None, view: MapView, *, date_start: str | None = None) -> float:
    """1 for an event that reaches the view's day, fading to ``OLDEST_OPACITY`` at the window's start
    (age counted from ``date_end``, or ``date_start`` when there is no end; the span is the window,
    or ``FADE_DAYS_ALL`` days for "all"). The live map's ``fade`` in ``static/livemap.js`` is the
    same rule, checked against this one by ``tests/test_livemap.py``."""
    last = date_end if not missing(date_end) else date_start
    if missing(last):
        return 1.0
    span = view.window_days or FADE_DAYS_ALL
    age = max((view.day - parse_day(str(last))).days, 0)
    return 1 - (1 - OLDEST_OPACITY) * min(age / span, 1)


def _kind_label(kind: object) -> str:
    return str(kind).replace("_", " ")


def _date_text(event: Mapping[str, Any]) -> str:
    start, end = event["date_start"], event["date_end"]
    return str(start) if missing(end) or end == start else f"{start} – {end}"


def missing(value: object) -> bool:
    """Whether a property value is absent: None, NaN, NA, NaT or a blank string."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and value != value
