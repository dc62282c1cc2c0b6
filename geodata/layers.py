"""Build the folium map of a view: zones in force, events of the window, the offline reference layer.

:func:`build_map` is a pure function of the data and a :class:`~geodata.view.MapView` (the map of one
view, as a saved page or a test inspects it). The app uses :func:`build_base_map` instead: the same
layers for every date plus the imported events as one canvas layer (:mod:`geodata.fastpoints`), built
once and filtered in the browser by :func:`live_state`, so a slider step never rebuilds the map.
Each layer key (zone kind, event kind, reference) becomes one named ``FeatureGroup`` holding one
``GeoJson`` layer, so the drawn features can be counted by family (every feature carries ``layer`` and
``kind``).

Styling: zone kinds and event kinds have colour-blind-safe colours (Paul Tol's "bright" scheme for
zones, Okabe-Ito for events). A zone whose boundary is known only to within ``accuracy_km`` of a
kilometre or more gets a dashed outline and a soft band that wide around it. A planned event is a
hollow dashed ring, an occurred one a filled dot; an event located only to a district, governorate or
country is drawn as a circle of its uncertainty radius, not as a dot. Events fade with age in the window.

All text is escaped before it becomes HTML (:func:`escape`): article sentences, outlets and places are
untrusted input, and folium places tooltip text inside JavaScript template strings as well.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geodata import fastpoints, settings
from geodata._errors import UsageError
from geodata.schema import EVENT_KINDS, ZONE_KINDS
from geodata.temporal import in_force_mask, in_window_mask, parse_day
from geodata.view import IMPORTED, LAYER_KEYS, REFERENCE, MapView

#: A zone boundary known only to within this many km (or worse) is drawn as approximate.
APPROXIMATE_KM: float = 1.0
#: Event locations this coarse are drawn as their uncertainty circle, not as a point.
REGION_PRECISIONS: frozenset[str] = frozenset({"district", "governorate", "country"})
#: Events outside this box (lon/lat: west, south, east, north; Syria plus a margin) are not drawn:
#: talks in Sochi, Moscow or Astana belong in the "not on the map" list, not at the map's edge.
SYRIA_BOUNDS: tuple[float, float, float, float] = (35.3, 32.0, 42.7, 37.6)
#: Coordinate decimals of the drawn reference layer (~100 m).
REFERENCE_DECIMALS: int = 3
#: Fading: an event at the far end of the window keeps this fraction of its opacity.
OLDEST_OPACITY: float = 0.3
#: Window used for fading when the window is "all".
FADE_DAYS_ALL: int = 365


@dataclass(frozen=True)
class LayerStyle:
    """How a layer key is drawn and named."""

    label: str
    colour: str


ZONE_STYLES: dict[str, LayerStyle] = {
    "de_escalation_zone": LayerStyle("De-escalation zones", "#4477AA"),
    "demilitarized_zone": LayerStyle("Demilitarized zone", "#EE6677"),
    "security_corridor": LayerStyle("Security corridor (M4)", "#CCBB44"),
    "patrol_area": LayerStyle("Patrol areas", "#228833"),
    "patrol_route": LayerStyle("Patrol routes", "#AA3377"),
    "observation_post": LayerStyle("Observation posts", "#222222"),
}
EVENT_STYLES: dict[str, LayerStyle] = {
    "patrol": LayerStyle("Patrols", "#0072B2"),
    "agreement": LayerStyle("Agreements", "#009E73"),
    "talks": LayerStyle("Talks", "#56B4E9"),
    "attack": LayerStyle("Attacks", "#D55E00"),
    "displacement": LayerStyle("Displacement", "#E69F00"),
    "statement": LayerStyle("Statements", "#CC79A7"),
    "deployment": LayerStyle("Deployments", "#000000"),
    "other": LayerStyle("Other events", "#999999"),
}
REFERENCE_STYLE = LayerStyle("Reference: Syria and governorates (UN OCHA)", "#6b6b6b")
IMPORTED_STYLE = LayerStyle("Imported events (ACLED, UCDP)", "#333333")
IMPORTED_RING = IMPORTED_STYLE.colour
LAYER_STYLES: dict[str, LayerStyle] = {
    **ZONE_STYLES,
    **EVENT_STYLES,
    IMPORTED: IMPORTED_STYLE,
    REFERENCE: REFERENCE_STYLE,
}

OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
REFERENCE_ATTRIBUTION = "Boundaries: UN OCHA / UNCS COD-AB Syria v02 (CC BY 3.0 IGO)"

# A jsDelivr npm address: package@version, then the file inside the package.
_NPM_URL = re.compile(r"https://cdn\.jsdelivr\.net/npm/([^/]+@[^/]+)/(.+)")
# Characters that end or interpolate a JavaScript template string; folium puts tooltip text in one.
_JS_TEMPLATE_ENTITIES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape(text: object) -> str:
    """``text`` as HTML text that is also inert inside a JavaScript template string.

    ``html.escape`` stops tags and attributes; the backtick, ``$`` and backslash are also replaced by
    character references because folium writes tooltips into `` `...` `` literals, where ``${...}``
    would run.
    """
    value = text if isinstance(text, str) else "" if _missing(text) else str(text)
    return html.escape(value, quote=True).translate(_JS_TEMPLATE_ENTITIES)


def link(url: object, text: object) -> str:
    """An escaped link to ``url`` if it is an http(s) address; otherwise just the escaped text."""
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'
    return escape(text)


def build_map(
    zones: gpd.GeoDataFrame,
    events: gpd.GeoDataFrame,
    view: MapView,
    *,
    reference: gpd.GeoDataFrame | None = None,
    bands: gpd.GeoSeries | None = None,
    sources: Mapping[str, tuple[str, str]] | None = None,
    imported: gpd.GeoDataFrame | None = None,
    tiles: bool = True,
) -> folium.Map:
    """The map of ``view``: visible zones in force on its day, visible events of its window.

    Parameters
    ----------
    zones
        All zones (``ZONE_PROPERTIES`` columns, EPSG:4326); those in force on ``view.day`` are drawn.
    events
        All events (``EVENT_PROPERTIES`` columns, Point or null geometry, EPSG:4326).
    view
        Day, window and visible layer keys.
    reference
        The offline base layer (:func:`load_reference`), drawn when ``reference`` is visible.
    bands
        Uncertainty bands of the zones (:func:`accuracy_bands`), index-aligned with ``zones``;
        computed here when not given (the app passes cached ones).
    sources
        Outlet and URL of each article file, to link the other articles reporting an event.
    imported
        Events imported from ACLED or UCDP files (same columns as ``events`` and more), drawn as
        small dark-ringed dots when ``imported`` and their kind are visible.
    tiles
        Add OpenStreetMap tiles; without them the reference layer keeps the map readable.
    """
    fmap = folium.Map(location=[35.0, 38.8], zoom_start=7, tiles=None, prefer_canvas=True, control_scale=True)
    if tiles:
        folium.TileLayer("OpenStreetMap", attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(fmap)
    west, south, east, north = SYRIA_BOUNDS
    fmap.fit_bounds([[south + 0.3, west + 0.2], [north - 0.2, east - 0.3]])
    if reference is not None and REFERENCE in view.visible:
        _reference_group(reference).add_to(fmap)
    _draw_zones(fmap, zones, view, bands)
    _draw_events(fmap, events, view, sources or {}, imported)
    present = {*zones["kind"], *events["kind"]}
    if imported is not None and not imported.empty:
        present |= {IMPORTED, *imported["kind"]}
    _Legend(legend_html(view, kinds=present)).add_to(fmap)
    return fmap


def build_base_map(
    zones: gpd.GeoDataFrame,
    events: gpd.GeoDataFrame,
    initial: MapView,
    *,
    reference: gpd.GeoDataFrame | None = None,
    bands: gpd.GeoSeries | None = None,
    sources: Mapping[str, tuple[str, str]] | None = None,
    points: fastpoints.PointData | None = None,
    tiles: bool = True,
) -> folium.Map:
    """The live map: every zone, article event and reference feature of every date, the imported
    events as one canvas layer, and the live view that filters them in the browser.

    Unlike :func:`build_map`, the result does not depend on the view: a slider step or a toggle
    only sends :func:`live_state` of the new view into the page (``window.atlas.setState``), so the
    app can hand the same map to ``st_folium`` on every run and the map's frame is never rebuilt.
    ``initial`` is the state the map starts in when the page has none yet.

    Parameters
    ----------
    zones, events, reference, bands, sources, tiles
        As for :func:`build_map` (all dates are drawn; the browser shows those of the view).
    points
        The imported events encoded by :func:`encode_points` (``None``: none imported).
    """
    fmap = folium.Map(location=[35.0, 38.8], zoom_start=7, tiles=None, prefer_canvas=True, control_scale=True)
    # Only Leaflet is used (see `offline`): the other libraries folium links cost the page ~6 requests.
    fmap.default_js = [(name, url) for name, url in fmap.default_js if name == "leaflet"]
    fmap.default_css = [(name, url) for name, url in fmap.default_css if name == "leaflet_css"]
    if tiles:
        folium.TileLayer("OpenStreetMap", attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(fmap)
    west, south, east, north = SYRIA_BOUNDS
    fmap.fit_bounds([[south + 0.3, west + 0.2], [north - 0.2, east - 0.3]])
    if reference is not None:
        _reference_group(reference).add_to(fmap)
    everything = MapView(initial.day, initial.window_days, frozenset(LAYER_KEYS))
    if bands is None:
        bands = accuracy_bands(zones)
    for kind in ZONE_KINDS:
        rows = zones[zones["kind"] == kind]
        if not rows.empty:
            _zone_group(kind, rows, bands.reindex(rows.index)).add_to(fmap)
    drawn = events_on_map(events)
    for kind in EVENT_KINDS:
        rows = drawn[drawn["kind"] == kind]
        if not rows.empty:
            _event_group(EVENT_STYLES[kind].label, rows, None, sources or {}).add_to(fmap)
    present = {*zones["kind"], *events["kind"]}
    if points is not None and points.count:
        present |= {
            IMPORTED,
            *(EVENT_KINDS[k] for k in np.unique(fastpoints.decode(points.payload, points.count)["kind"])),
        }
    _Legend(legend_html(everything, kinds=present)).add_to(fmap)
    fastpoints.FastPoints(
        points if points is not None and points.count else None,
        live_state(initial),
        colours={kind: style.colour for kind, style in EVENT_STYLES.items()},
        ring=IMPORTED_RING,
        oldest=OLDEST_OPACITY,
    ).add_to(fmap)
    return fmap


def encode_points(imported: gpd.GeoDataFrame) -> fastpoints.PointData:
    """The drawable imported events (:func:`events_on_map`), encoded for the canvas layer; the
    encoding's ``order`` indexes the rows of ``events_on_map(imported)``."""
    return fastpoints.encode(events_on_map(imported), region_precisions=REGION_PRECISIONS)


def events_at(
    imported: gpd.GeoDataFrame, points: fastpoints.PointData, lonlat: tuple[float, float], view: MapView
) -> gpd.GeoDataFrame:
    """The imported events ``view`` shows at exactly ``lonlat`` (to the encoding's 1e-5 degree): what
    a click on a point of the canvas layer stands for. ``points`` is ``encode_points(imported)``."""
    columns = fastpoints.decode(points.payload, points.count)
    x, y = (round(value * fastpoints.COORD_SCALE) for value in lonlat)
    hits = points.order[(columns["lon"] == x) & (columns["lat"] == y)]
    rows = events_on_map(imported).iloc[np.sort(hits)]
    if IMPORTED not in view.visible:
        return rows.iloc[:0]
    rows = rows[rows["kind"].isin(list(view.visible))]
    return events_in_window(rows, view)


def live_state(view: MapView) -> dict[str, Any]:
    """What the live map needs to show ``view`` (:func:`geodata.fastpoints.live_state`)."""
    return fastpoints.live_state(
        view.day, view.window_days, view.visible, fade_all_days=FADE_DAYS_ALL, oldest=OLDEST_OPACITY
    )


def _draw_zones(
    fmap: folium.Map, zones: gpd.GeoDataFrame, view: MapView, bands: gpd.GeoSeries | None
) -> None:
    in_force = zones[in_force_mask(zones["valid_from"], zones["valid_to"], view.day)]
    if bands is None:
        bands = accuracy_bands(in_force)
    for kind in ZONE_KINDS:
        rows = in_force[in_force["kind"] == kind]
        if kind in view.visible and not rows.empty:
            _zone_group(kind, rows, bands.reindex(rows.index)).add_to(fmap)


def _draw_events(
    fmap: folium.Map,
    events: gpd.GeoDataFrame,
    view: MapView,
    sources: Mapping[str, tuple[str, str]],
    imported: gpd.GeoDataFrame | None,
) -> None:
    drawn = events_on_map(events_in_window(events, view))
    for kind in EVENT_KINDS:
        rows = drawn[drawn["kind"] == kind]
        if kind in view.visible and not rows.empty:
            _event_group(EVENT_STYLES[kind].label, rows, view, sources).add_to(fmap)
    if imported is not None and IMPORTED in view.visible:
        rows = events_on_map(events_in_window(imported, view))
        rows = rows[rows["kind"].isin(list(view.visible))]
        if not rows.empty:
            _event_group(IMPORTED_STYLE.label, rows, view, {}, family=IMPORTED).add_to(fmap)


def offline(fmap: folium.Map, mirror: Path) -> folium.Map:
    """Make ``fmap`` load nothing from the internet: Leaflet inlined from a local npm mirror.

    folium links Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers on public CDNs.
    Our maps use only Leaflet (no folium ``Popup``, no awesome markers, no layer control), so offline
    the other libraries are dropped and Leaflet's script and stylesheet, read from ``mirror`` (the
    folder ``tests/browser/cdn_mirror.py`` fills with ``npm pack``, e.g. ``leaflet@1.9.3/dist/leaflet.js``),
    are inlined as ``data:`` URLs. Use it with ``tiles=False``.

    Raises
    ------
    UsageError
        If the mirror lacks the Leaflet version folium asks for.
    """
    wanted = dict([*fmap.default_js, *fmap.default_css])
    fmap.default_js = [("leaflet", _data_url(_mirrored(wanted["leaflet"], mirror), "application/javascript"))]
    fmap.default_css = [("leaflet_css", _data_url(_mirrored(wanted["leaflet_css"], mirror), "text/css"))]
    return fmap


def _mirrored(url: str, mirror: Path) -> Path:
    match = _NPM_URL.fullmatch(url)
    path = mirror / match.group(1) / match.group(2) if match else None
    if path is None or not path.is_file():
        raise UsageError(
            f"offline mode needs {url} in the CDN mirror {mirror}; build it with "
            "`python tests/browser/cdn_mirror.py` (npm pack from the npm registry)"
        )
    return path


@cache
def _data_url(path: Path, media_type: str) -> str:
    return f"data:{media_type};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def events_in_window(events: gpd.GeoDataFrame, view: MapView) -> gpd.GeoDataFrame:
    """The events whose dates touch the view's window (all kinds, located or not)."""
    return events[in_window_mask(events["date_start"], events["date_end"], view.day, view.window_days)]


def events_on_map(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The events that can be drawn: located, and inside ``SYRIA_BOUNDS``."""
    geoms = events.geometry
    located = geoms.notna() & ~geoms.is_empty
    west, south, east, north = SYRIA_BOUNDS
    inside = located & geoms.x.between(west, east) & geoms.y.between(south, north)
    return events[inside.fillna(False).astype(bool)]


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
    span = f"{escape(zone['valid_from'])} – {escape(until) if not _missing(until) else 'no end recorded'}"
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
    if not _missing(zone.get("end_reason")):
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
        if isinstance(uncertainty, int | float) and not _missing(uncertainty)
        else ")"
    )
    parts = [
        f"<b>{escape(_kind_label(event['kind']))}</b> · {escape(event['status'])}",
        f"<b>When:</b> {escape(_date_text(event))} ({escape(event['date_precision'])})",
        f"<b>Where:</b> {where}",
        f"<blockquote style='margin:4px 0;padding-left:6px;border-left:3px solid #999'>"
        f"“{escape(event['quote'])}”</blockquote>",
        f"<b>Source:</b> {link(event.get('url'), event.get('outlet') or event.get('url'))}"
        + (f", {escape(event['published'])}" if not _missing(event.get("published")) else ""),
    ]
    if not _missing(event.get("actors")):
        parts.append(f"<b>Actors:</b> {escape(event['actors'])}")
    others = also_reported(event.get("also_reported_in"))
    if others:
        known = sources or {}
        named = [link(known[o][1], known[o][0] or o) if o in known else link(o, o) for o in others]
        parts.append("<b>Also reported in:</b> " + ", ".join(named))
    return _box("<br>".join(parts))


def also_reported(value: object) -> list[str]:
    """The other articles of an event's ``also_reported_in`` (``,`` or ``;`` separated, or a list)."""
    if _missing(value):
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[;,]\s", str(value) + " ")
    return [str(item).strip() for item in items if str(item).strip()]


def event_opacity(date_end: str, view: MapView) -> float:
    """1 for an event that reaches the view's day, fading to ``OLDEST_OPACITY`` at the window's start."""
    span = view.window_days or FADE_DAYS_ALL
    age = max((view.day - parse_day(date_end)).days, 0)
    return 1 - (1 - OLDEST_OPACITY) * min(age / span, 1)


def legend_html(view: MapView, *, kinds: Iterable[str] | None = None) -> str:
    """The legend of the visible layers: zone colours, the approximate-boundary cue, event colours
    and the status symbols, and the data attribution. ``kinds`` limits it to the kinds in the data."""
    listed = view.visible if kinds is None else view.visible & set(kinds)
    zone_rows = [
        (
            f"<div data-key='{key}'><span style='color:{s.colour};margin-right:4px'>▲</span>"
            f"{escape(s.label)}</div>"
            if key == "observation_post"
            else f"<div data-key='{key}'><span style='display:inline-block;width:14px;height:10px;"
            f"background:{s.colour};opacity:.6;margin-right:4px'></span>{escape(s.label)}</div>"
        )
        for key, s in ZONE_STYLES.items()
        if key in listed
    ]
    event_rows = [
        f"<div data-key='{key}'><span style='display:inline-block;width:10px;height:10px;border-radius:50%;"
        f"background:{s.colour};margin-right:4px'></span>{escape(s.label)}</div>"
        for key, s in EVENT_STYLES.items()
        if key in listed
    ]
    if IMPORTED in listed:
        event_rows.append(
            f"<div data-key='{IMPORTED}'><span style='display:inline-block;width:8px;height:8px;"
            f"border-radius:50%;border:1px solid {IMPORTED_RING};margin-right:4px'></span>"
            f"{escape(IMPORTED_STYLE.label)}</div>"
        )
    cues = (
        "<div><span style='display:inline-block;width:14px;border-top:2px dashed #333;margin-right:4px'>"
        "</span>approximate boundary (band = ± accuracy)</div>"
        "<div>● occurred · ◌ planned (dashed ring)</div>"
        "<div>◯ large dashed circle: located only to a region</div>"
        "<div>fainter: older within the window</div>"
    )
    return (
        "<details open style='background:rgba(255,255,255,.9);padding:4px 8px;font:11px/1.35 sans-serif;"
        "border-radius:4px;max-height:300px;max-width:230px;overflow:auto'><summary><b>Legend</b></summary>"
        + "".join(zone_rows)
        + "".join(event_rows)
        + cues
        + f"<div style='color:#555;margin-top:3px'>{escape(REFERENCE_ATTRIBUTION)}</div></details>"
    )


class _Legend(MacroElement):
    """A Leaflet control holding the legend HTML (passed as a JSON string, never as markup in JS)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "atlas-legend");
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, legend: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped
        self._name = "Legend"
        self.html = legend


def _reference_group(reference: gpd.GeoDataFrame) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=REFERENCE_STYLE.label)
    features = [
        _feature(f"reference-{i}", geom, layer=REFERENCE, kind=level, tip=escape(name))
        for i, (name, level, geom) in enumerate(
            zip(reference["name"], reference["level"], reference.geometry, strict=True)
        )
    ]
    folium.GeoJson(
        _collection(features),
        style_function=_reference_style,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    return group


def _reference_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    if feature["properties"]["kind"] == "country":
        return {"color": "#333333", "weight": 2.5, "fill": False}
    return {"color": "#8a8a8a", "weight": 1, "fillColor": "#f4f1ea", "fillOpacity": 0.5}


def _zone_group(kind: str, rows: gpd.GeoDataFrame, bands: gpd.GeoSeries) -> folium.FeatureGroup:
    style = ZONE_STYLES[kind]
    group = folium.FeatureGroup(name=style.label)
    band_features = [
        _feature(f"band-{zone_id}", band, layer="bands", kind=kind, valid_from=start, valid_to=end)
        for zone_id, band, start, end in zip(
            rows["zone_id"], bands, rows["valid_from"], _nullable(rows["valid_to"]), strict=True
        )
        if band is not None and not band.is_empty
    ]
    if band_features:
        folium.GeoJson(
            _collection(band_features),
            style_function=lambda _: {"stroke": False, "fillColor": style.colour, "fillOpacity": 0.15},
            interactive=False,
        ).add_to(group)
    records = rows.drop(columns=rows.geometry.name).to_dict("records")
    features = [
        _feature(
            record["zone_id"],
            geom,
            layer="zones",
            kind=kind,
            tip=zone_tooltip_html(record),
            pop=zone_tooltip_html(record, links=True),
            approximate=bool(record["accuracy_km"] >= APPROXIMATE_KM),
            valid_from=record["valid_from"],
            valid_to=None if _missing(record["valid_to"]) else record["valid_to"],
        )
        for record, geom in zip(records, rows.geometry, strict=True)
    ]
    folium.GeoJson(
        _collection(features),
        style_function=lambda feature: _zone_style(style.colour, feature),
        marker=_post_marker(style.colour) if kind == "observation_post" else None,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["pop"], labels=False, max_width=400),
    ).add_to(group)
    return group


def _post_marker(colour: str) -> folium.Marker:
    # A triangle, so a post never looks like an event's dot.
    icon = folium.DivIcon(
        html=f"<div style='color:{colour};font-size:15px;line-height:15px;text-align:center;"
        "text-shadow:0 0 2px #fff,0 0 2px #fff'>▲</div>",
        icon_size=(15, 15),
        icon_anchor=(7, 8),
        class_name="atlas-post",
    )
    return folium.Marker(icon=icon)


def _zone_style(colour: str, feature: Mapping[str, Any]) -> dict[str, Any]:
    properties = feature["properties"]
    style: dict[str, Any] = {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.25}
    if properties["kind"] == "patrol_route":
        style |= {"weight": 4, "fill": False}
    if properties["approximate"]:
        style["dashArray"] = "8 6"
    return style


def _event_group(
    label: str,
    rows: gpd.GeoDataFrame,
    view: MapView | None,
    sources: Mapping[str, tuple[str, str]],
    *,
    family: str = "events",
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=label)
    records = rows.drop(columns=rows.geometry.name).to_dict("records")
    points: list[dict[str, Any]] = []
    regions: list[dict[str, Any]] = []
    for record, geom in zip(records, rows.geometry, strict=True):
        region = record["geo_precision"] in REGION_PRECISIONS and not _missing(record["uncertainty_km"])
        feature = _feature(
            record["event_id"],
            geom,
            layer=family,
            kind=record["kind"],
            colour=EVENT_STYLES[record["kind"]].colour,
            tip=event_tooltip_html(record),
            pop=event_popup_html(record, sources=sources),
            status=record["status"],
            opacity=1.0 if view is None else round(event_opacity(record["date_end"], view), 3),
            radius_m=float(record["uncertainty_km"]) * 1000 if region else None,
            date_start=None if _missing(record["date_start"]) else record["date_start"],
            date_end=None if _missing(record["date_end"]) else record["date_end"],
        )
        (regions if region else points).append(feature)
    for features, marker in ((regions, folium.Circle(radius=1000)), (points, folium.CircleMarker(radius=7))):
        if features:
            folium.GeoJson(
                _collection(features),
                style_function=_event_style,
                marker=marker,
                tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
                popup=folium.GeoJsonPopup(fields=["pop"], labels=False, max_width=360),
            ).add_to(group)
    return group


def _event_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    properties = feature["properties"]
    colour, opacity = properties["colour"], properties["opacity"]
    planned = properties["status"] == "planned"
    imported = properties["layer"] == IMPORTED
    style: dict[str, Any] = {
        "color": IMPORTED_RING if imported else colour,
        "weight": 1 if imported else 2,
        "opacity": opacity,
        "fill": True,
        "fillColor": colour,
        "fillOpacity": (0.05 if planned else 0.8) * opacity,
    }
    if planned:
        style["dashArray"] = "3 3"
    if properties["radius_m"] is not None:
        style |= {"radius": properties["radius_m"], "fillOpacity": 0.08 * opacity, "dashArray": "6 4"}
    else:
        style["radius"] = 5 if imported else 7
    return style


def _feature(feature_id: str, geom: BaseGeometry, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": feature_id,
        "properties": {"id": feature_id, **properties},
        "geometry": mapping(geom),
    }


def _collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _nullable(values: pd.Series) -> list[Any]:
    return [None if _missing(value) else value for value in values]


def _kind_label(kind: object) -> str:
    return str(kind).replace("_", " ")


def _date_text(event: Mapping[str, Any]) -> str:
    start, end = event["date_start"], event["date_end"]
    return str(start) if _missing(end) or end == start else f"{start} – {end}"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and value != value
