"""The offline basemap: the M4 and M5 highways, Syria's international borders, place labels by zoom.

Without map tiles (the default: the page fetches nothing from outside) the map still has to say
where things are. ``basemap/build_basemap.py`` derives three small layers from the hand-digitised
sources in ``basemap/digitised/``, Syria's OCHA outline and our gazetteer; this module loads them
(:func:`load_basemap`) as GeoDataFrames in EPSG:4326, lon/lat, and writes them as one compact JSON
document for the browser (:meth:`Basemap.to_json`). Every road and border carries its ``sources``,
``method`` and ``accuracy_km``, every label the gazetteer record it comes from (``source``); the
files' provenance is in ``basemap/README.md``.

The module also holds the one rule for the room a label takes on the screen, :func:`label_boxes`,
and its use, :func:`assign_min_zoom`: each label gets the first zoom at which it overlaps no label
placed before it. The build uses them, the tests check the committed labels with them, and the JSON
carries their parameters (``label_style``) so that the page draws labels the size the rule assumed.
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
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from geodata import settings
from geodata._errors import DataError, Problem

log = logging.getLogger(__name__)

ROADS_FILE = "roads.geojson"
BORDERS_FILE = "borders.geojson"
LABELS_FILE = "labels.geojson"

#: Decimals of every coordinate in the basemap files and the JSON (about 1 m: far below what a
#: screen shows at the zooms the labels are placed for, and it keeps the JSON small).
DISPLAY_DECIMALS = 5

#: Labels are placed for these zooms (Web Mercator levels): 6 shows all of Syria, 12 a town.
#: A label that overlaps others up to ``MAX_ZOOM`` is left out of the basemap.
MIN_ZOOM = 6
MAX_ZOOM = 12

LABEL_KINDS = ("capital", "city", "town", "governorate", "country")
ROAD_REFS = ("M4", "M5")

ATTRIBUTION = (
    "Basemap: M4/M5 hand-digitised by De-escalation Atlas contributors (CC BY 4.0); "
    "borders UN OCHA / UNCS COD-AB Syria v02 (CC BY 3.0 IGO); places GeoNames (CC BY 4.0)"
)


@dataclass(frozen=True)
class LabelStyle:
    """How big a label of one kind is drawn.

    Parameters
    ----------
    font_px
        Font size in CSS pixels.
    char_width_em
        Width allowed per character, in em. Measured in Chromium with DejaVu Sans, a wide
        sans-serif (Debian's default): mixed-case names take at most 0.67 em a character, bold
        ones 0.63 (short names with capitals are the widest), capitals with ``letter_spacing_em``
        0.1 at most 0.85. Narrower fonts (Arial, Helvetica) fit with room to spare.
    dot
        A dot of ``DOT_RADIUS_PX`` marks the point and the text sits beside it (``anchor`` says
        where); without a dot the text is centred on the point.
    uppercase
        The page writes the name in capitals (the width allowance assumes it).
    bold
        The page writes the name in bold.
    letter_spacing_em
        Extra space after each character, in em (CSS ``letter-spacing``).
    """

    font_px: int
    char_width_em: float
    dot: bool
    uppercase: bool = False
    bold: bool = False
    letter_spacing_em: float = 0.0


LABEL_STYLES: Mapping[str, LabelStyle] = MappingProxyType(
    {
        "capital": LabelStyle(font_px=14, char_width_em=0.7, dot=True, bold=True),
        "city": LabelStyle(font_px=13, char_width_em=0.68, dot=True),
        "town": LabelStyle(font_px=11, char_width_em=0.68, dot=True),
        "governorate": LabelStyle(
            font_px=11, char_width_em=0.88, dot=False, uppercase=True, letter_spacing_em=0.1
        ),
        "country": LabelStyle(
            font_px=14, char_width_em=0.88, dot=False, uppercase=True, letter_spacing_em=0.1
        ),
    }
)
#: Where a label's text sits: beside its dot (``right``, ``left``: vertically centred on the dot;
#: ``above``, ``below``: horizontally centred on it), or ``centre``d on the point (no dot).
#: Dot labels try the four in this order, the cartographer's usual preference.
DOT_ANCHORS = ("right", "left", "above", "below")
LINE_HEIGHT_EM = 1.2
DOT_RADIUS_PX = 3.0
#: Room between the dot's edge and the text.
DOT_GAP_PX = 3.0
#: Room kept free around every label box: two labels closer than twice this overlap.
PADDING_PX = 2.0

_TILE_PX = 256.0
_MERCATOR_HALF_WORLD_M = 20037508.342789244

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
        the text sits, see :func:`label_boxes`), ``desired_zoom``
        (what the rule asked for before overlaps pushed it later), ``rule``, ``source``.
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
        ``left``, ``above``, ``below``, see :func:`label_boxes`) or ``centre``d on its point (no
        dot). Coordinates are lon/lat with ``DISPLAY_DECIMALS`` decimals.
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


def label_boxes(
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    names: Sequence[str],
    kinds: Sequence[str],
    anchors: Sequence[str],
    zoom: float,
) -> np.ndarray:
    """The screen box each label takes at ``zoom``, padding included.

    Parameters
    ----------
    lon, lat
        The labels' points, WGS84 degrees.
    names, kinds, anchors
        The text, the kind (one of ``LABEL_KINDS``) and the anchor (one of ``DOT_ANCHORS`` for
        kinds with a dot, ``centre`` for the others) of each label.
    zoom
        Web Mercator zoom level.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 4)``: ``x0, y0, x1, y1`` in world pixels at ``zoom`` (y grows southwards).
        The box holds the dot and the text, so every box contains its own point.
    """
    x, y = _world_pixels(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), zoom)
    styles = [LABEL_STYLES[kind] for kind in kinds]
    font = np.array([style.font_px for style in styles], dtype=float)
    width = np.array([len(name) for name in names]) * font * [style.char_width_em for style in styles]
    height = font * LINE_HEIGHT_EM
    reach = DOT_RADIUS_PX + DOT_GAP_PX
    anchor = np.asarray(anchors)
    # Offsets of the text box from the point, per anchor (x0, y0, x1, y1).
    offsets = np.select(
        [anchor[:, None] == a for a in ("right", "left", "above", "below")],
        [
            np.column_stack([np.full_like(width, -DOT_RADIUS_PX), -height / 2, reach + width, height / 2]),
            np.column_stack([-reach - width, -height / 2, np.full_like(width, DOT_RADIUS_PX), height / 2]),
            np.column_stack([-width / 2, -reach - height, width / 2, np.full_like(width, DOT_RADIUS_PX)]),
            np.column_stack([-width / 2, np.full_like(width, -DOT_RADIUS_PX), width / 2, reach + height]),
        ],
        default=np.column_stack([-width / 2, -height / 2, width / 2, height / 2]),
    )
    boxes: np.ndarray = offsets + np.column_stack([x, y, x, y])
    boxes[:, :2] -= PADDING_PX
    boxes[:, 2:] += PADDING_PX
    return boxes


def anchors_for(kind: str) -> tuple[str, ...]:
    """The anchors a label of ``kind`` may take, in order of preference."""
    return DOT_ANCHORS if LABEL_STYLES[kind].dot else ("centre",)


def assign_min_zoom(
    names: Sequence[str],
    kinds: Sequence[str],
    positions: Sequence[Sequence[tuple[float, float]]],
    desired: Sequence[int],
    *,
    max_zoom: int = MAX_ZOOM,
) -> list[tuple[int, int, str]]:
    """Give each label, in the order given (most important first), its first free zoom and place.

    At each zoom from its ``desired`` one on, a label tries its candidate ``positions`` (lon, lat;
    the first is its own point) and, for each, the anchors of its kind (:func:`anchors_for`), and
    takes the first that overlaps none of the labels placed before it at that zoom or any higher
    one. Label boxes are fixed in pixels while distances double with every zoom, and every box
    contains its point, so two labels apart at one zoom stay apart at every higher zoom: a label
    placed at zoom z never collides later.

    We wrote this greedy rule ourselves: web maps place labels in the renderer (Mapbox GL's symbol
    placement, Leaflet plug-ins), in the browser, per view; we found no Python library that gives
    a fixed point set its minimum zooms, and fixed zooms let the page draw labels without
    collision tests of its own.

    Returns
    -------
    list of (int, int, str)
        Per label: its minimum zoom (-1 if it finds no free place up to ``max_zoom``: left out),
        the index of the position taken, and the anchor.
    """
    zooms = range(min((int(d) for d in desired), default=max_zoom), max_zoom + 1)
    taken: dict[int, list[np.ndarray]] = {z: [] for z in zooms}
    result: list[tuple[int, int, str]] = []
    for name, kind, candidates, want in zip(names, kinds, positions, desired, strict=True):
        options = [(p, lonlat, a) for p, lonlat in enumerate(candidates) for a in anchors_for(kind)]
        zoom, chosen = _first_free(name, kind, options, range(int(want), max_zoom + 1), taken)
        position, (lon, lat), anchor = options[chosen]
        result.append((zoom, position, anchor) if zoom >= 0 else (-1, 0, ""))
        for z in range(zoom, max_zoom + 1) if zoom >= 0 else ():
            taken[z].append(label_boxes([lon], [lat], [name], [kind], [anchor], z)[0])
    return result


def _first_free(
    name: str,
    kind: str,
    options: list[tuple[int, tuple[float, float], str]],
    zooms: range,
    taken: Mapping[int, list[np.ndarray]],
) -> tuple[int, int]:
    """The first zoom in ``zooms`` with a free option, and the first such option (-1, 0 if none)."""
    lon = [lonlat[0] for _, lonlat, _ in options]
    lat = [lonlat[1] for _, lonlat, _ in options]
    boxes = {
        z: label_boxes(lon, lat, [name] * len(options), [kind] * len(options), [a for *_, a in options], z)
        for z in range(zooms.start, zooms.stop)
    }
    for z in zooms:
        free = np.ones(len(options), dtype=bool)
        for zz in range(z, zooms.stop):
            if taken[zz]:
                free &= ~_any_overlap(boxes[zz], np.asarray(taken[zz]))
        if free.any():
            return z, int(np.argmax(free))
    return -1, 0


def overlapping_labels(labels: gpd.GeoDataFrame, zoom: int) -> list[tuple[str, str]]:
    """Pairs of ``label_id`` of the labels shown at ``zoom`` whose boxes overlap (should be none)."""
    shown = labels[labels["min_zoom"] <= zoom]
    boxes = label_boxes(
        shown.geometry.x,
        shown.geometry.y,
        list(shown["name"]),
        list(shown["kind"]),
        list(shown["anchor"]),
        zoom,
    )
    clashes = _any_overlap(boxes, boxes, pairwise=True)
    ids = list(shown["label_id"])
    return [(ids[a], ids[b]) for a, b in zip(*np.nonzero(np.triu(clashes, k=1)), strict=True)]


def _any_overlap(a: np.ndarray, b: np.ndarray, *, pairwise: bool = False) -> np.ndarray:
    """Whether each box of ``a`` overlaps any box of ``b`` (or the full matrix if ``pairwise``)."""
    matrix: np.ndarray = np.asarray(
        (a[:, None, 0] < b[None, :, 2])
        & (b[None, :, 0] < a[:, None, 2])
        & (a[:, None, 1] < b[None, :, 3])
        & (b[None, :, 1] < a[:, None, 3])
    )
    return matrix if pairwise else np.asarray(matrix.any(axis=1))


@cache
def _to_mercator() -> Transformer:
    return Transformer.from_crs(settings.WGS84, "EPSG:3857", always_xy=True)


def _world_pixels(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    mx, my = _to_mercator().transform(lon, lat)
    scale = _TILE_PX * 2.0**zoom / (2 * _MERCATOR_HALF_WORLD_M)
    x = (np.asarray(mx) + _MERCATOR_HALF_WORLD_M) * scale
    y = (_MERCATOR_HALF_WORLD_M - np.asarray(my)) * scale
    return x, y


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
