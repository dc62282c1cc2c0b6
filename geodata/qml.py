"""QGIS styles for the GeoPackage export: the app's colours and the layers' time settings, ready to play.

A GeoPackage may carry QGIS styles in a ``layer_styles`` table (the table QGIS itself writes with
*Save Style → In Database*; its columns are :data:`STYLE_COLUMNS`). QGIS applies the row marked
``useAsDefault`` when it opens a layer, so an exporter who opens our file sees the zones and events in
the app's colours (taken from :data:`geodata.layers.ZONE_STYLES` and :data:`~geodata.layers.EVENT_STYLES`,
the one place they are set), and every dated layer already has its temporal settings: *Dynamic
Temporal Control*, *Separate fields for start and end date/time* on ``valid_from``/``valid_to`` (zones)
or ``date_start``/``date_end`` (events), limits *Include start, include end* (our end dates are
inclusive). Opening the temporal controller and pressing play animates the file.

The style of a layer is a QML document (QGIS's XML). No library writes QML outside QGIS itself (the
PyQGIS API needs a QGIS installation, which an export must not), so :func:`layer_qml` builds the few
elements QGIS needs with :mod:`xml.etree.ElementTree` (which escapes every value): a categorised
renderer on ``kind`` with one simple symbol per kind, and the ``temporal`` element. Everything left
out takes QGIS's defaults. ``tests/test_qml.py`` opens a real export in QGIS and checks the result.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from geodata.schema import EVENT_KINDS, ZONE_KIND_GEOMETRIES

if TYPE_CHECKING:
    from geodata.layers import LayerStyle

#: Columns of QGIS's ``layer_styles`` table, in its order.
STYLE_COLUMNS: tuple[str, ...] = (
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
)
STYLE_TABLE: str = "layer_styles"
#: Start and end fields of each dated family (QGIS "separate fields for start and end").
TEMPORAL_FIELDS: dict[str, tuple[str, str]] = {
    "zones": ("valid_from", "valid_to"),
    "events": ("date_start", "date_end"),
    "imported": ("date_start", "date_end"),
}
#: Values of QGIS's enums written in the ``temporal`` element (``QgsVectorLayerTemporalProperties``).
_MODE_START_AND_END_FIELDS = "2"
_LIMIT_INCLUDE_BEGIN_INCLUDE_END = "1"
#: Fill opacity of zone areas, as in the app (``fillOpacity`` 0.25).
ZONE_FILL_ALPHA: float = 0.25
#: Fill opacity of event dots, as in the app (``fillOpacity`` 0.8).
EVENT_FILL_ALPHA: float = 0.8
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"


@dataclass(frozen=True)
class Symbol:
    """How one category is drawn: QGIS symbol type, symbol-layer class and its options."""

    kind: str
    label: str
    symbol_type: str
    layer_class: str
    options: Mapping[str, str]


def layer_qml(family: str, part: str) -> str | None:
    """The QML style of the GeoPackage layer ``<family>_<part>``, or ``None`` if it gets none.

    Parameters
    ----------
    family
        ``zones``, ``events``, ``imported`` or ``reference``.
    part
        ``polygons``, ``lines``, ``points`` or ``unlocated`` (no geometry: only the temporal settings).
    """
    symbols = _symbols(family, part)
    temporal = TEMPORAL_FIELDS.get(family)
    if not symbols and temporal is None:
        return None
    categories = (["Symbology"] if symbols else []) + (["Temporal"] if temporal else [])
    root = ET.Element("qgis", {"styleCategories": "|".join(categories)})
    if temporal is not None:
        _temporal(root, *temporal)
    if symbols:
        _renderer(root, symbols)
    return _DOCTYPE + ET.tostring(root, encoding="unicode")


def styles_table(layers: Iterable[tuple[str, str, str | None]], *, when: dt.datetime) -> pd.DataFrame:
    """The ``layer_styles`` rows for the written GeoPackage layers.

    Parameters
    ----------
    layers
        ``(family, part, geometry column)`` of each layer written; the geometry column is ``None``
        for a table without geometry.
    when
        The ``update_time`` of the styles (QGIS picks the newest default).
    """
    rows = []
    for family, part, geometry_column in layers:
        qml = layer_qml(family, part)
        if qml is None:
            continue
        name = f"{family}_{part}"
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",  # QGIS looks styles up with f_table_schema=''
                "f_table_name": name,
                "f_geometry_column": geometry_column or "",
                "styleName": name,
                "styleQML": qml,
                "styleSLD": "",
                "useAsDefault": True,
                "description": "De-escalation Atlas: app colours, dates for the temporal controller",
                "owner": "",
                "ui": "",
                "update_time": when,
            }
        )
    table = pd.DataFrame(rows, columns=list(STYLE_COLUMNS))
    return table.astype({"useAsDefault": bool, "update_time": "datetime64[ms, UTC]"})


def hex_to_rgba(colour: str, alpha: float = 1.0) -> str:
    """``#4477AA`` as QGIS writes colours: ``68,119,170,255`` (red, green, blue, alpha 0-255)."""
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{round(alpha * 255)}"


def _symbols(family: str, part: str) -> list[Symbol]:
    # geodata.layers imports geodata.view, which imports geodata.formats, which imports this module:
    # importing it when a style is built, not at import time, keeps that cycle from forming.
    from geodata import layers

    if family == "zones":
        geometry = {"polygons": "Polygon", "lines": "LineString", "points": "Point"}.get(part)
        kinds = [k for k, allowed in ZONE_KIND_GEOMETRIES.items() if geometry in allowed]
        return [_zone_symbol(kind, layers.ZONE_STYLES[kind], part) for kind in kinds]
    if family in ("events", "imported") and part == "points":
        ring = layers.IMPORTED_RING if family == "imported" else None
        return [_event_symbol(kind, layers.EVENT_STYLES[kind], ring) for kind in EVENT_KINDS]
    if family == "reference" and part == "polygons":
        colour = layers.REFERENCE_STYLE.colour
        return [
            Symbol(kind, label, "fill", "SimpleFill", _fill(colour, alpha=0.0, width=width))
            for kind, label, width in (("outline", "Syria", "0.8"), ("governorate", "Governorates", "0.26"))
        ]
    return []


def _zone_symbol(kind: str, style: LayerStyle, part: str) -> Symbol:
    if part == "lines":
        options = {"line_color": hex_to_rgba(style.colour), "line_width": "1.2", "line_width_unit": "MM"}
        return Symbol(kind, style.label, "line", "SimpleLine", options)
    if part == "points":
        options = _marker(style.colour, alpha=1.0, outline=style.colour, shape="triangle", size="3")
        return Symbol(kind, style.label, "marker", "SimpleMarker", options)
    options = _fill(style.colour, alpha=ZONE_FILL_ALPHA, width="0.6")
    return Symbol(kind, style.label, "fill", "SimpleFill", options)


def _event_symbol(kind: str, style: LayerStyle, ring: str | None) -> Symbol:
    outline = ring or style.colour
    options = _marker(style.colour, alpha=EVENT_FILL_ALPHA, outline=outline, shape="circle", size="2.4")
    return Symbol(kind, style.label, "marker", "SimpleMarker", options)


def _fill(colour: str, *, alpha: float, width: str) -> dict[str, str]:
    return {
        "color": hex_to_rgba(colour, alpha),
        "style": "solid" if alpha > 0 else "no",
        "outline_color": hex_to_rgba(colour),
        "outline_style": "solid",
        "outline_width": width,
        "outline_width_unit": "MM",
    }


def _marker(colour: str, *, alpha: float, outline: str, shape: str, size: str) -> dict[str, str]:
    return {
        "color": hex_to_rgba(colour, alpha),
        "name": shape,
        "outline_color": hex_to_rgba(outline),
        "outline_style": "solid",
        "outline_width": "0.3",
        "outline_width_unit": "MM",
        "size": size,
        "size_unit": "MM",
    }


def _temporal(root: ET.Element, start: str, end: str) -> None:
    temporal = ET.SubElement(
        root,
        "temporal",
        {
            "enabled": "1",
            "mode": _MODE_START_AND_END_FIELDS,
            "startField": start,
            "endField": end,
            "limitMode": _LIMIT_INCLUDE_BEGIN_INCLUDE_END,
            "accumulate": "0",
            "durationField": "",
            "durationUnit": "d",
            "fixedDuration": "0",
            "startExpression": "",
            "endExpression": "",
        },
    )
    fixed = ET.SubElement(temporal, "fixedRange")
    ET.SubElement(fixed, "start")
    ET.SubElement(fixed, "end")


def _renderer(root: ET.Element, symbols: list[Symbol]) -> None:
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        {"type": "categorizedSymbol", "attr": "kind", "symbollevels": "0", "forceraster": "0"},
    )
    categories = ET.SubElement(renderer, "categories")
    container = ET.SubElement(renderer, "symbols")
    for index, symbol in enumerate(symbols):
        ET.SubElement(
            categories,
            "category",
            {"value": symbol.kind, "label": symbol.label, "symbol": str(index), "render": "true"},
        )
        element = ET.SubElement(
            container,
            "symbol",
            {"name": str(index), "type": symbol.symbol_type, "alpha": "1", "clip_to_extent": "1"},
        )
        layer = ET.SubElement(element, "layer", {"class": symbol.layer_class, "enabled": "1", "pass": "0"})
        options = ET.SubElement(layer, "Option", {"type": "Map"})
        for name, value in symbol.options.items():
            ET.SubElement(options, "Option", {"name": name, "type": "QString", "value": value})
