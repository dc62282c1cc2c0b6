"""The map of one view as a folium map, and as a page of its own that needs nothing from the internet.

:func:`build_map` is a pure function of the data and a :class:`~geodata.view.MapView`; its features
are those of :func:`layer_features` (testable without folium's internals), one named ``FeatureGroup``
per layer key (zone kind, event kind, imported events, reference). Every feature carries ``layer``
and ``kind``. :func:`standalone_html` inlines the Leaflet shipped with the project, so the saved page
of a view (:func:`view_page`, the app's HTML download) draws offline. Styles, tooltips and popups
come from :mod:`geodata.layers`, the same as the app's live map (:mod:`geodata.livemap`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geodata import settings
from geodata.layers import (
    APPROXIMATE_KM,
    EVENT_STYLES,
    IMPORTED_RING,
    IMPORTED_STYLE,
    OSM_ATTRIBUTION,
    REFERENCE_ATTRIBUTION,
    REFERENCE_STYLE,
    REGION_PRECISIONS,
    SYRIA_BOUNDS,
    ZONE_STYLES,
    accuracy_bands,
    escape,
    event_opacity,
    event_popup_html,
    event_tooltip_html,
    events_in_window,
    events_on_map,
    missing,
    zone_tooltip_html,
)
from geodata.schema import EVENT_KINDS, ZONE_KINDS
from geodata.temporal import in_force_mask
from geodata.view import IMPORTED, REFERENCE, MapView


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
    sheet (shipped in ``settings.LEAFLET_DIR``) inlined in place of folium's CDN links.

    folium also links jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers; our maps use none
    of them (no folium ``Popup`` class, no awesome markers, no layer control), so they are left out.
    Tiles are the one outside request left: build the map with ``tiles=False`` for a page that works
    offline.
    """
    leaflet = settings.LEAFLET_DIR
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
