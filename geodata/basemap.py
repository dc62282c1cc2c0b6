"""The offline basemap: the M4 and M5 highways, Syria's international borders, place labels by zoom.

Without map tiles (the default: the page fetches nothing from outside) the map still has to say
where things are. ``basemap/build_basemap.py`` derives three small layers from the hand-digitised
sources in ``basemap/digitised/``, Syria's OCHA outline and our gazetteer; this module loads them
(:func:`load_basemap`) as GeoDataFrames in EPSG:4326, lon/lat, and writes them as one compact JSON
document for the browser (:meth:`Basemap.to_json`). Every road and border carries its ``sources``,
``method`` and ``accuracy_km``, every label the gazetteer record it comes from (``source``); the
files' provenance is in ``basemap/README.md``.

Where each label goes and from which zoom it shows was decided at build time by the rule of
``geodata.labelling``; the JSON carries that rule's parameters (``label_style``) so that the page
draws labels the size the rule assumed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from geodata import settings
from geodata._errors import DataError, Problem
from geodata.labelling import (
    DOT_ANCHORS,
    DOT_GAP_PX,
    DOT_RADIUS_PX,
    LABEL_KINDS,
    LABEL_STYLES,
    LINE_HEIGHT_EM,
    MAX_ZOOM,
    MIN_ZOOM,
    PADDING_PX,
)

log = logging.getLogger(__name__)

ROADS_FILE = "roads.geojson"
BORDERS_FILE = "borders.geojson"
LABELS_FILE = "labels.geojson"

#: Decimals of every coordinate in the basemap files and the JSON (about 1 m: far below what a
#: screen shows at the zooms the labels are placed for, and it keeps the JSON small).
DISPLAY_DECIMALS = 5

ROAD_REFS = ("M4", "M5")

ATTRIBUTION = (
    "Basemap: M4/M5 hand-digitised by De-escalation Atlas contributors (CC BY 4.0); "
    "borders UN OCHA / UNCS COD-AB Syria v02 (CC BY 3.0 IGO); places GeoNames (CC BY 4.0)"
)


_COLUMNS: Mapping[str, Mapping[str, type]] = MappingProxyType(
    {
        ROADS_FILE: {
            "road_id": str,
            "ref": str,
            "shared_with": str,
            "name": str,
            "via": str,
            "accuracy_km": float,
            "sources": str,
            "method": str,
            "notes": str,
        },
        BORDERS_FILE: {
            "border_id": str,
            "neighbour": str,
            "name": str,
            "accuracy_km": float,
            "sources": str,
            "method": str,
            "notes": str,
        },
        LABELS_FILE: {
            "label_id": str,
            "name": str,
            "kind": str,
            "min_zoom": int,
            "anchor": str,
            "desired_zoom": int,
            "rule": str,
            "source": str,
        },
    }
)
_GEOMETRY_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        ROADS_FILE: ("LineString",),
        BORDERS_FILE: ("LineString", "MultiLineString"),
        LABELS_FILE: ("Point",),
    }
)
#: The properties each layer sends to the browser (the rest is provenance, kept in Python).
_BROWSER_PROPERTIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "roads": ("ref", "name", "shared_with", "accuracy_km"),
        "borders": ("neighbour", "name"),
        "labels": ("name", "kind", "min_zoom", "anchor"),
    }
)


@dataclass(frozen=True)
class Basemap:
    """The three basemap layers, EPSG:4326 (lon/lat), coordinates with ``DISPLAY_DECIMALS`` decimals.

    The frames are shared by every caller of the cached :func:`load_basemap`: copy before changing.

    Attributes
    ----------
    roads
        One LineString per highway section: ``road_id``, ``ref`` (``M4``/``M5``), ``shared_with``
        (the other highway using the section, or ""), ``name``, ``via`` (the places it is drawn
        through), ``accuracy_km``, ``sources``, ``method``, ``notes``.
    borders
        One line per neighbour: ``border_id``, ``neighbour`` (Turkey, Iraq, Jordan, Israel,
        Lebanon), ``name``, ``accuracy_km``, ``sources``, ``method``, ``notes``. The coast is not
        a border and is not in it.
    labels
        One Point per label, in placement order (most important first): ``label_id``, ``name``,
        ``kind`` (one of ``LABEL_KINDS``), ``min_zoom`` (show from this zoom on), ``anchor`` (where
        the text sits, see :func:`geodata.labelling.label_boxes`), ``desired_zoom`` (what the
        rule asked for before overlaps pushed it later), ``rule``, ``source``.
    """

    roads: gpd.GeoDataFrame
    borders: gpd.GeoDataFrame
    labels: gpd.GeoDataFrame

    def route(self, ref: str) -> BaseGeometry:
        """The whole drawn course of one highway (its sections and those it shares), merged."""
        if ref not in ROAD_REFS:
            raise ValueError(f"unknown highway {ref!r}; expected one of {', '.join(ROAD_REFS)}")
        mask = (self.roads["ref"] == ref) | (self.roads["shared_with"] == ref)
        merged: BaseGeometry = shapely.line_merge(shapely.union_all(self.roads.geometry[mask].values))
        return merged

    def labels_at(self, zoom: float) -> gpd.GeoDataFrame:
        """The labels shown at ``zoom`` (``min_zoom <= zoom``)."""
        return self.labels[self.labels["min_zoom"] <= zoom]

    def to_dict(self) -> dict[str, Any]:
        """The document :meth:`to_json` writes (see there)."""
        return {
            "version": 1,
            "attribution": ATTRIBUTION,
            "zoom": {"min": MIN_ZOOM, "max": MAX_ZOOM},
            "label_style": {
                "kinds": {kind: asdict(style) for kind, style in LABEL_STYLES.items()},
                "line_height_em": LINE_HEIGHT_EM,
                "anchors": list(DOT_ANCHORS),
                "dot_radius_px": DOT_RADIUS_PX,
                "dot_gap_px": DOT_GAP_PX,
                "padding_px": PADDING_PX,
            },
            "roads": _feature_collection(self.roads, _BROWSER_PROPERTIES["roads"]),
            "borders": _feature_collection(self.borders, _BROWSER_PROPERTIES["borders"]),
            "labels": _feature_collection(self.labels, _BROWSER_PROPERTIES["labels"]),
        }

    def to_json(self) -> str:
        """One compact JSON document for the browser, to send once per page.

        Keys:

        - ``version`` (1), ``attribution`` (the credit line to show), ``zoom`` (``min``, ``max``:
          the zooms the labels were placed for);
        - ``label_style``: ``kinds`` (per label kind: ``font_px``, ``char_width_em``, ``dot``,
          ``uppercase``, ``bold``, ``letter_spacing_em``), ``anchors`` (the dot anchors),
          ``line_height_em``, ``dot_radius_px``, ``dot_gap_px``, ``padding_px``;
        - three GeoJSON FeatureCollections: ``roads`` (properties ``ref``, ``name``,
          ``shared_with``, ``accuracy_km``), ``borders`` (``neighbour``, ``name``) and ``labels``
          (``name``, ``kind``, ``min_zoom``, ``anchor``; in placement order).

        A label shows from ``min_zoom`` on; its text sits ``anchor`` of its dot (``right``,
        ``left``, ``above``, ``below``, see :func:`geodata.labelling.label_boxes`) or ``centre``d
        on its point (no dot). Coordinates are lon/lat with ``DISPLAY_DECIMALS`` decimals.
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


@cache
def load_basemap(directory: Path = settings.BASEMAP_DIR) -> Basemap:
    """Load the three basemap layers (cached per directory).

    Parameters
    ----------
    directory
        The folder holding ``roads.geojson``, ``borders.geojson`` and ``labels.geojson``.

    Returns
    -------
    Basemap
        The layers, checked.

    Raises
    ------
    DataError
        Listing every problem of every file (missing file, bad JSON, missing or mistyped
        property, wrong geometry type, unknown label kind or highway), each naming its file and
        feature.
    """
    frames: dict[str, gpd.GeoDataFrame] = {}
    problems: list[Problem] = []
    for name in (ROADS_FILE, BORDERS_FILE, LABELS_FILE):
        frame, file_problems = _read_layer(directory / name)
        problems.extend(file_problems)
        if frame is not None:
            frames[name] = frame
    if problems:
        raise DataError(problems)
    return Basemap(roads=frames[ROADS_FILE], borders=frames[BORDERS_FILE], labels=frames[LABELS_FILE])


def _read_layer(path: Path) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, [Problem(str(path), f"cannot read the basemap layer: {exc}")]
    columns = _COLUMNS[path.name]
    values: dict[str, list[Any]] = {key: [] for key in columns}
    geometries: list[BaseGeometry] = []
    problems: list[Problem] = []
    for index, feature in enumerate(features):
        row, feature_problems = _read_feature(path, index, feature)
        problems.extend(feature_problems)
        if row is not None:
            props, geometry = row
            for key in columns:
                values[key].append(props[key])
            geometries.append(geometry)
    if problems:
        return None, problems
    return gpd.GeoDataFrame(values, geometry=geometries, crs=settings.WGS84), []


def _read_feature(
    path: Path, index: int, feature: Any
) -> tuple[tuple[dict[str, Any], BaseGeometry] | None, list[Problem]]:
    columns = _COLUMNS[path.name]
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return None, [Problem(str(path), "not a GeoJSON Feature with properties", f"feature {index + 1}")]
    where = str(props.get(next(iter(columns)), f"feature {index + 1}"))
    messages = [
        f"property {key!r} must be {_TYPE_WORDS[kind]}, got {props.get(key)!r}"
        for key, kind in columns.items()
        if not _has_type(props.get(key), kind)
    ]
    if path.name == LABELS_FILE and props.get("kind") not in LABEL_KINDS:
        messages.append(f"kind {props.get('kind')!r} is not one of {', '.join(LABEL_KINDS)}")
    if path.name == ROADS_FILE and props.get("ref") not in ROAD_REFS:
        messages.append(f"ref {props.get('ref')!r} is not one of {', '.join(ROAD_REFS)}")
    try:
        geometry = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        messages.append(f"unreadable geometry: {exc}")
    else:
        if geometry.geom_type not in _GEOMETRY_TYPES[path.name]:
            expected = " or ".join(_GEOMETRY_TYPES[path.name])
            messages.append(f"geometry is a {geometry.geom_type}, expected {expected}")
    if messages:
        return None, [Problem(str(path), message, where) for message in messages]
    return ({key: props[key] for key in columns}, geometry), []


_TYPE_WORDS: Mapping[type, str] = MappingProxyType(
    {str: "text", int: "a whole number", float: "a number above 0"}
)


def _has_type(value: object, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _feature_collection(frame: gpd.GeoDataFrame, properties: Sequence[str]) -> dict[str, Any]:
    geometries = shapely.transform(frame.geometry.values, lambda xy: np.round(xy, DISPLAY_DECIMALS))
    records = frame[list(properties)].to_dict("records")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": record, "geometry": mapping(geometry)}
            for record, geometry in zip(records, geometries, strict=True)
        ],
    }
