"""Where a place label goes on the map, and from which zoom it shows: one rule for build, tests and page.

A label's box (:func:`label_boxes`) is the room its text takes in the sizes of ``LABEL_STYLES``,
beside its dot (``DOT_ANCHORS``) or centred on its point, plus padding, in Web Mercator pixels at a
zoom. :func:`assign_min_zoom` gives labels, most important first, the first zoom and place where they
overlap none placed before; :func:`overlapping_labels` checks a placed set. The basemap build uses the
first, the tests the second, and the basemap's JSON carries the style so the page draws labels the
size this rule assumed (``geodata.basemap``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import geopandas as gpd
import numpy as np
from pyproj import Transformer

from geodata import settings

#: Labels are placed for these zooms (Web Mercator levels): 6 shows all of Syria, 12 a town.
#: A label that overlaps others up to ``MAX_ZOOM`` is left out of the basemap.
MIN_ZOOM = 6
MAX_ZOOM = 12

LABEL_KINDS = ("capital", "city", "town", "governorate", "country")


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
