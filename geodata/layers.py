"""Build the folium map of a view: zones in force, events of the window, the offline reference layer.

:func:`build_map` is a pure function of the data and a :class:`~geodata.view.MapView`: the map of one
view as a page of its own (:func:`standalone_html`: Leaflet inlined, nothing fetched from outside).
The app's live map (:mod:`geodata.livemap`) draws the same layers with the same styles, tooltips and
popups from this module, and filters them in the page. Each layer key (zone kind, event kind,
reference) becomes one named ``FeatureGroup`` holding one ``GeoJson`` layer, so the drawn features can
be counted by family (every feature carries ``layer`` and ``kind``).

Styling: zone kinds and event kinds have colour-blind-safe colours (Paul Tol's "bright" scheme for
zones, Okabe-Ito for events). A zone whose boundary is known only to within ``accuracy_km`` of a
kilometre or more gets a dashed outline and a soft band that wide around it. A planned event is a
hollow dashed ring, an occurred one a filled dot; an event located only to a district, governorate or
country is drawn as a circle of its uncertainty radius, not as a dot. Events fade with age in the window.

All text is escaped before it becomes HTML (:func:`escape`): article sentences, outlets and places are
untrusted input, and folium places tooltip text inside JavaScript template strings as well.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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

from geodata import settings
from geodata.schema import EVENT_KINDS, ZONE_KINDS
from geodata.temporal import in_force_mask, in_window_mask, parse_day
from geodata.view import IMPORTED, REFERENCE, MapView

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

    Each group of :func:`layer_features` becomes one named ``FeatureGroup``; the parameters are
    those of :func:`layer_features`, plus ``tiles`` (OpenStreetMap tiles; without them the
    reference layer keeps the map readable).
    """
    fmap = folium.Map(location=[35.0, 38.8], zoom_start=7, tiles=None, prefer_canvas=True, control_scale=True)
    if tiles:
        folium.TileLayer("OpenStreetMap", attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(fmap)
    west, south, east, north = SYRIA_BOUNDS
    fmap.fit_bounds([[south + 0.3, west + 0.2], [north - 0.2, east - 0.3]])
    groups = layer_features(
        zones, events, view, reference=reference, bands=bands, sources=sources, imported=imported
    )
    for label, features in groups.items():
        group = folium.FeatureGroup(name=label)
        for geojson in _geojson_layers(features):
            geojson.add_to(group)
        group.add_to(fmap)
    present = {*zones["kind"], *events["kind"]}
    if imported is not None and not imported.empty:
        present |= {IMPORTED, *imported["kind"]}
    _Legend(legend_html(view, kinds=present)).add_to(fmap)
    return fmap


def layer_features(
    zones: gpd.GeoDataFrame,
    events: gpd.GeoDataFrame,
    view: MapView,
    *,
    reference: gpd.GeoDataFrame | None = None,
    bands: gpd.GeoSeries | None = None,
    sources: Mapping[str, tuple[str, str]] | None = None,
    imported: gpd.GeoDataFrame | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The GeoJSON features :func:`build_map` draws for ``view``, by the label of their group.

    Every feature has an ``id`` and the properties ``layer`` (``reference``, ``zones``, ``bands``,
    ``events`` or ``imported``) and ``kind``, plus what its style, tooltip and popup need.

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
        computed here when not given.
    sources
        Outlet and URL of each article file, to link the other articles reporting an event.
    imported
        Events imported from ACLED or UCDP files (same columns as ``events`` and more), drawn as
        small dark-ringed dots when ``imported`` and their kind are visible.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    if reference is not None and REFERENCE in view.visible:
        groups[REFERENCE_STYLE.label] = _reference_features(reference)
    in_force = zones[in_force_mask(zones["valid_from"], zones["valid_to"], view.day)]
    if bands is None:
        bands = accuracy_bands(in_force)
    for kind in ZONE_KINDS:
        rows = in_force[in_force["kind"] == kind]
        if kind in view.visible and not rows.empty:
            groups[ZONE_STYLES[kind].label] = _zone_features(kind, rows, bands.reindex(rows.index))
    drawn = events_on_map(events_in_window(events, view))
    for kind in EVENT_KINDS:
        rows = drawn[drawn["kind"] == kind]
        if kind in view.visible and not rows.empty:
            groups[EVENT_STYLES[kind].label] = _event_features(rows, view, sources or {}, family="events")
    if imported is not None and IMPORTED in view.visible:
        rows = events_on_map(events_in_window(imported, view))
        rows = rows[rows["kind"].isin(list(view.visible))]
        if not rows.empty:
            groups[IMPORTED_STYLE.label] = _event_features(rows, view, {}, family=IMPORTED)
    return groups


def _geojson_layers(features: list[dict[str, Any]]) -> list[folium.GeoJson]:
    """The folium layers of one group's features: each family with its style, tooltip and popup."""
    by_layer: dict[str, list[dict[str, Any]]] = {}
    for feature in features:
        by_layer.setdefault(feature["properties"]["layer"], []).append(feature)
    made: list[folium.GeoJson] = []
    tip = folium.GeoJsonTooltip(fields=["tip"], labels=False)
    if REFERENCE in by_layer:
        made.append(
            folium.GeoJson(_collection(by_layer[REFERENCE]), style_function=_reference_style, tooltip=tip)
        )
    if "bands" in by_layer:
        band_style = {"stroke": False, "fillOpacity": 0.15}
        made.append(
            folium.GeoJson(
                _collection(by_layer["bands"]),
                style_function=lambda f: {
                    **band_style,
                    "fillColor": ZONE_STYLES[f["properties"]["kind"]].colour,
                },
                interactive=False,
            )
        )
    if "zones" in by_layer:
        kind = by_layer["zones"][0]["properties"]["kind"]
        colour = ZONE_STYLES[kind].colour
        made.append(
            folium.GeoJson(
                _collection(by_layer["zones"]),
                style_function=lambda feature: _zone_style(colour, feature),
                marker=_post_marker(colour) if kind == "observation_post" else None,
                tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
                popup=folium.GeoJsonPopup(fields=["pop"], labels=False, max_width=400),
            )
        )
    for family in ("events", IMPORTED):
        found = by_layer.get(family, [])
        regions = [f for f in found if f["properties"]["radius_m"] is not None]
        points = [f for f in found if f["properties"]["radius_m"] is None]
        for chosen, marker in (
            (regions, folium.Circle(radius=1000)),
            (points, folium.CircleMarker(radius=7)),
        ):
            if chosen:
                made.append(
                    folium.GeoJson(
                        _collection(chosen),
                        style_function=_event_style,
                        marker=marker,
                        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
                        popup=folium.GeoJsonPopup(fields=["pop"], labels=False, max_width=360),
                    )
                )
    return made


def standalone_html(fmap: folium.Map) -> str:
    """``fmap`` as one HTML page that loads nothing from the internet: Leaflet's script and style
    sheet (shipped in ``settings.STATIC_DIR / "leaflet"``) inlined in place of folium's CDN links.

    folium also links jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers; our maps use none
    of them (no folium ``Popup`` class, no awesome markers, no layer control), so they are left out.
    Tiles are the one outside request left: build the map with ``tiles=False`` for a page that works
    offline.
    """
    leaflet = settings.STATIC_DIR / "leaflet"
    fmap.default_js = []
    fmap.default_css = []
    page = fmap.get_root().render()
    # Only "</script" (or "</style") could end the inlined element early: checked, never there.
    script = (leaflet / "leaflet.js").read_text(encoding="utf-8")
    style = (leaflet / "leaflet.css").read_text(encoding="utf-8")
    if "</script" in script.lower() or "</style" in style.lower():
        raise ValueError("the shipped Leaflet files cannot be inlined as they are (they close their element)")
    head = f"<style>{style}</style>\n<script>{script}</script>\n"
    return page.replace("<head>", "<head>\n" + head, 1)


#: The standalone page of a view leaves the imported events out above this many (unreadable).
PAGE_IMPORTED_MAX: int = 5000


def view_page(
    frames: Mapping[str, gpd.GeoDataFrame],
    view: MapView,
    *,
    reference: gpd.GeoDataFrame | None = None,
    sources: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """The map of ``view`` as one HTML page that works offline (:func:`build_map` without tiles,
    then :func:`standalone_html`): ``frames`` has ``zones``, ``events`` and maybe ``imported``,
    whose events are left out when the view shows more than ``PAGE_IMPORTED_MAX`` of them."""
    imported = frames.get("imported")
    shown = (
        0
        if imported is None
        else int(events_in_window(imported, view)["kind"].isin(list(view.visible)).sum())
    )
    if shown > PAGE_IMPORTED_MAX:
        imported = None
    fmap = build_map(
        frames["zones"],
        frames["events"],
        view,
        reference=reference,
        sources=sources,
        imported=imported,
        tiles=False,
    )
    return standalone_html(fmap)


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


def _reference_features(reference: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    return [
        _feature(f"reference-{i}", geom, layer=REFERENCE, kind=level, tip=escape(name))
        for i, (name, level, geom) in enumerate(
            zip(reference["name"], reference["level"], reference.geometry, strict=True)
        )
    ]


def _reference_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    if feature["properties"]["kind"] == "country":
        return {"color": "#333333", "weight": 2.5, "fill": False}
    return {"color": "#8a8a8a", "weight": 1, "fillColor": "#f4f1ea", "fillOpacity": 0.5}


def _zone_features(kind: str, rows: gpd.GeoDataFrame, bands: gpd.GeoSeries) -> list[dict[str, Any]]:
    band_features = [
        _feature(f"band-{zone_id}", band, layer="bands", kind=kind, valid_from=start, valid_to=end)
        for zone_id, band, start, end in zip(
            rows["zone_id"], bands, rows["valid_from"], _nullable(rows["valid_to"]), strict=True
        )
        if band is not None and not band.is_empty
    ]
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
            valid_to=None if missing(record["valid_to"]) else record["valid_to"],
        )
        for record, geom in zip(records, rows.geometry, strict=True)
    ]
    return band_features + features


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


def _event_features(
    rows: gpd.GeoDataFrame, view: MapView, sources: Mapping[str, tuple[str, str]], *, family: str
) -> list[dict[str, Any]]:
    records = rows.drop(columns=rows.geometry.name).to_dict("records")
    features = []
    for record, geom in zip(records, rows.geometry, strict=True):
        region = record["geo_precision"] in REGION_PRECISIONS and not missing(record["uncertainty_km"])
        opacity = event_opacity(record["date_end"], view, date_start=record["date_start"])
        features.append(
            _feature(
                record["event_id"],
                geom,
                layer=family,
                kind=record["kind"],
                colour=EVENT_STYLES[record["kind"]].colour,
                tip=event_tooltip_html(record),
                pop=event_popup_html(record, sources=sources),
                status=record["status"],
                opacity=round(opacity, 3),
                radius_m=float(record["uncertainty_km"]) * 1000 if region else None,
                date_start=None if missing(record["date_start"]) else record["date_start"],
                date_end=None if missing(record["date_end"]) else record["date_end"],
            )
        )
    return features


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
    return [None if missing(value) else value for value in values]


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
