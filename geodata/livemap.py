"""The live map: what the app's map component receives, and the page script that draws it.

The app mounts two Streamlit components (``st.components.v2``):

- the datasets' (its script is :func:`data_script`: ``static/datasets.js`` alone, since Streamlit
  sends a component's script with every mount) once per **dataset** (made by
  :mod:`geodata.map_datasets`), each mount carrying one :class:`Dataset`. A dataset does not
  change between runs, so Streamlit sends it to the page once and only a reference to it
  afterwards; it is sent again only when its ``version`` (a hash of its content) changes. The
  page holds the datasets once for all its maps (``AtlasData``). It also keeps the larger ones in
  the browser (IndexedDB, by version, the latest few) and lists their versions in the cookie
  ``KEPT_COOKIE``; a new session in the same browser is sent only the name and version of a dataset
  the cookie lists (:func:`kept_mount`, the cookie read strictly by :func:`kept_versions`), and the
  whole dataset only if the page reports it missing (``ui/map_data.py``).
- the map's (its script is :func:`script`: Leaflet, ``datasets.js`` and ``livemap.js``; its style
  sheet :func:`stylesheet`) once as the **map** (:func:`map_config`): the versions of the datasets
  to draw, the styles, the date range, the stops of Prev/Next and the view to start from. It too is
  the same on every run.

Everything the user changes lives in the page: the day (slider, date box, Prev/Next, Play), the
events window, the visible layers, zoom and centre. The page redraws at once, from the data it
already holds, and tells the server the view (debounced) as the component's state value ``view``:
the URL's query parameters (:func:`geodata.view.to_params` plus ``zoom``, ``lat``, ``lon``), which
the app reads with :func:`geodata.view.from_params` and :func:`geodata.view.camera_from_params` for
its tables, counts, downloads and the address bar. A click on an imported point is sent back as the
trigger value ``clicked`` (``{"lon": ..., "lat": ...}``, snapped to the point). Once a frame has shown
the imported points, the page reports their version as the state value ``drawn``: a server that has
not read the imported layer for its tables waits for it (``ui/first_draw.py``).

The rules the page applies are the library's: the date window (:mod:`geodata.temporal`), "in force",
and fading (:func:`geodata.layers.event_opacity`) are written once more in ``static/livemap.js``
because the page must apply them without the server; ``tests/test_livemap.py`` runs that file in
Node and checks it against the Python functions over random intervals, windows and days.

This module is the page's half of the map and needs only the standard library (the data's half,
which prepares the datasets from frames, is :mod:`geodata.map_datasets`): the app's light path
(:mod:`geodata.map_cache`) sends a kept map with it before pandas, geopandas and SQLAlchemy are
imported. For the same reason what a mount carries has plain text and numbers at its first level
(a dataset's JSON text, the map's configuration as JSON text under ``config``, :func:`map_mount`)
or is bytes (the imported events' points, :func:`pack_columns`): Streamlit looks for data frames
among the first-level values of a mount's mapping, and that look imports pandas.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from geodata import settings
from geodata import styles as look
from geodata.kinds import EVENT_KINDS, ZONE_KINDS
from geodata.view import IMPORTED, LAYER_KEYS, REFERENCE, WINDOWS, Camera, MapView, read_link, window_label

EPOCH: dt.date = dt.date(1970, 1, 1)
#: From this zoom on, region-located points also get their dashed uncertainty circle.
CIRCLE_ZOOM: int = 9
#: The page tells the server the view this long after the last change (milliseconds).
REPORT_DELAY_MS: int = 250
#: Play: one step every this many milliseconds, at most this many days per step.
PLAY_INTERVAL_MS: int = 800
PLAY_STEP_DAYS: int = 7
#: The dataset of an article's events before it is saved (:func:`preview_dataset`).
PREVIEW: str = "preview"
#: What the page says of a previewed event (its tooltip's first line).
PREVIEW_LABEL: str = "Preview of the article being added, not saved yet"
#: The map's height in the page, in pixels.
MAP_HEIGHT: int = 620
_STATIC = settings.STATIC_DIR
#: Where the live map starts when the link names no zoom and centre: Syria, whole.
FRAME: tuple[float, float, float, float] = (35.5, 32.3, 42.4, 37.4)
#: Typed-array names of the points' columns as the page makes them (``static/datasets.js``).
COLUMN_TYPES: frozenset[str] = frozenset({"int32", "uint16", "uint8"})
_HEADER = struct.Struct("<I")
#: The cookie in which the page lists the versions of the datasets it keeps in the browser
#: (``static/datasets.js``, its ``KEEP.cookie``): versions joined by ``.``.
KEPT_COOKIE: str = "atlas_datasets"
#: At most this many versions are read from that cookie (the page keeps fewer, ``KEEP.most``).
KEPT_MOST: int = 16
#: A dataset's version: 16 hexadecimal digits (an 8-byte BLAKE2b digest).
VERSION = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Dataset:
    """One dataset as the map component receives it.

    Attributes
    ----------
    name
        ``basemap``, ``zones``, ``events`` or ``imported``.
    version
        A hash of the content: the page replaces its copy only when this changes.
    data
        What the component's mount sends: ``role``, ``name``, ``version`` and a JSON text under
        ``json``; for the imported events, bytes (:func:`pack_columns`).
    """

    name: str
    version: str
    data: Mapping[str, Any] | bytes


@dataclass(frozen=True)
class DateRange:
    """The dates the slider offers: ``core`` by default, ``full`` after one click ("All dates")."""

    core: tuple[dt.date, dt.date]
    full: tuple[dt.date, dt.date]


# --- the page's script ---


@cache
def bundle(files: tuple[str, ...], entry: str, *, leaflet: bool = True) -> str:
    """The script of a component: Leaflet (unless ``leaflet`` is false), then ``files`` of
    ``static/`` in order, then the module's default export, which hands the component to ``entry``
    (a function of those files). The live map is one such component, the review page's pick map
    (:mod:`geodata.pickmap`) another, and the datasets' (:func:`data_script`) a third, without Leaflet."""
    library = [(settings.LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")] if leaflet else []
    parts = [*library, *((_STATIC / name).read_text(encoding="utf-8") for name in files)]
    return "\n".join(parts) + f"\nexport default function (component) {{ return {entry}(component); }}\n"


@cache
def styles(files: tuple[str, ...]) -> str:
    """The style sheet of a map component: Leaflet's, then ``files`` of ``static/`` in order."""
    leaflet = (settings.LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    return "\n".join([leaflet, *((_STATIC / name).read_text(encoding="utf-8") for name in files)])


def script() -> str:
    """The map component's JavaScript: Leaflet, ``datasets.js``, ``livemap.js``, and the module's
    default export."""
    return bundle(("datasets.js", "livemap.js"), "AtlasLive.mount")


@cache
def data_script() -> str:
    """The datasets' component's JavaScript: ``datasets.js`` alone (no Leaflet) and its default
    export. Streamlit sends a component's script with each of its mounts; the datasets' mounts
    carry this one (a few kilobytes) rather than the map's (about 200 KB)."""
    return bundle(("datasets.js",), "AtlasData.mount", leaflet=False)


def stylesheet() -> str:
    """The component's CSS: Leaflet's, then ours (``livemap.css``)."""
    return styles(("livemap.css",))


# --- datasets ---


def day_number(day: dt.date) -> int:
    """``day`` as days since ``EPOCH``."""
    return (day - EPOCH).days


def text_dataset(name: str, text: str) -> Dataset:
    """The dataset ``name`` of the JSON ``text``; its version is a hash of the text."""
    version = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return Dataset(name, version, {"role": "dataset", "name": name, "version": version, "json": text})


def pack_columns(header: Mapping[str, Any], columns: Sequence[tuple[str, str, bytes]]) -> bytes:
    """A dataset of typed columns as one mount's bytes: the length of a JSON header (uint32, little
    endian), the header (``header`` plus ``columns``: name, type, offset and length in bytes of
    each), then each column's little-endian values at an offset that is a multiple of 8.

    Streamlit forwards bytes as they are, and ``static/datasets.js`` reads the header and makes
    one typed array per column; a data frame (an Arrow table) would have Streamlit import pandas
    to recognise it."""
    names = [name for name, _, _ in columns]
    if any(kind not in COLUMN_TYPES for _, kind, _ in columns) or len(set(names)) != len(names):
        raise ValueError(f"columns must have distinct names and types among {sorted(COLUMN_TYPES)}")
    placed: list[tuple[str, str, int, int]] = []
    offset = 0
    for name, kind, values in columns:  # offsets within the body; the header's length is not known yet
        placed.append((name, kind, offset, len(values)))
        offset += -(-len(values) // 8) * 8
    start = 8
    while True:  # the header holds the columns' offsets, which follow it: written until they settle
        text = json.dumps({**header, "columns": [[n, k, start + o, s] for n, k, o, s in placed]},
                          separators=(",", ":"), sort_keys=True).encode()  # fmt: skip
        after = -(-(_HEADER.size + len(text)) // 8) * 8
        if after == start:
            break
        start = after
    out = bytearray(_HEADER.pack(len(text)) + text)
    for (_, _, values), (_, _, at, _) in zip(columns, placed, strict=True):
        out += bytes(start + at - len(out)) + values
    return bytes(out)


def packed_header(data: bytes) -> dict[str, Any]:
    """The JSON header of :func:`pack_columns`'s bytes (its ``columns``: name, type, offset and
    length of each), read without copying the columns.

    Raises
    ------
    ValueError
        If ``data`` does not start with such a header (too short, not JSON, not a mapping).
    """
    try:
        (length,) = _HEADER.unpack_from(data, 0)
        header = json.loads(bytes(data[_HEADER.size : _HEADER.size + length]))
    except (struct.error, TypeError) as exc:
        raise ValueError(f"not a dataset of columns: {exc}") from exc
    if not isinstance(header, dict):
        raise ValueError("not a dataset of columns: its header is not a mapping")
    return header


def unpack_columns(data: bytes) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """The header and the columns (name: type, bytes) of :func:`pack_columns`'s bytes.

    Raises
    ------
    ValueError
        If ``data`` is not such bytes (too short, a header that is not JSON, a column outside them).
    """
    header = packed_header(data)
    length = _HEADER.unpack_from(data, 0)[0]
    try:
        found = {}
        for name, kind, at, size in header.pop("columns"):
            if kind not in COLUMN_TYPES or at < _HEADER.size + length or at + size > len(data):
                raise ValueError(f"column {name!r} is not within the data")
            found[str(name)] = (str(kind), bytes(data[at : at + size]))
    except (struct.error, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a dataset of columns: {exc}") from exc
    return header, found


def kept_versions(cookie: object) -> frozenset[str]:
    """The dataset versions the page says it keeps: the value of the cookie ``KEPT_COOKIE``.

    The cookie is the browser's text, which anyone can set: it is only ever compared with the
    versions of the datasets about to be sent, and anything but a list of at most ``KEPT_MOST``
    versions (16 lowercase hexadecimal digits each, joined by ``.``) is ignored whole."""
    if not isinstance(cookie, str) or not cookie or len(cookie) > KEPT_MOST * 17:
        return frozenset()
    versions = cookie.split(".")
    if not all(VERSION.fullmatch(version) for version in versions):
        return frozenset()
    return frozenset(versions)


def kept_mount(dataset: Dataset) -> dict[str, Any]:
    """What a dataset's mount carries when the page keeps that version: its name and version
    only. The page reads the dataset from its own store (``static/datasets.js``); when it finds it
    missing after all (storage cleared), it reports the version as the mount's state ``missing``
    and the server sends the dataset whole (``ui/map_data.py``)."""
    return {"role": "dataset", "name": dataset.name, "version": dataset.version, "kept": True}


def map_mount(config: Mapping[str, Any]) -> dict[str, str]:
    """What the map's mount carries: :func:`map_config`'s ``config`` as one JSON text (the page
    parses it), so Streamlit finds no mapping among the mount's first-level values to test for a
    data frame (which imports pandas)."""
    return {"role": "map", "config": json.dumps(config, separators=(",", ":"), sort_keys=True)}


# --- the map mount ---


def map_config(
    datasets: Sequence[Dataset],
    *,
    start: MapView,
    camera: Camera | None,
    dates: DateRange,
    stop_days: Sequence[dt.date],
    tiles: bool = False,
    start_id: int = 0,
) -> dict[str, Any]:
    """What the map mount carries (the same on every run of a session).

    Parameters
    ----------
    datasets
        The datasets to draw (their names and versions; the data travel in their own mounts).
    start
        The view the page starts from (the link's, or the default).
    camera
        Zoom and centre to start from; ``None`` frames Syria.
    dates
        The slider's core period and full range.
    stop_days
        The days Prev/Next jump between (:func:`geodata.map_datasets.stops`).
    tiles
        Draw OpenStreetMap tiles beneath the base map (they need the internet; credited only once
        a tile has loaded).
    start_id
        Changed by the server when it asks the page to move to ``start`` (after an article is
        saved), so the page moves even to a view it was asked for before.
    """
    styles = {
        **{
            key: {"label": s.label, "colour": s.colour, "group": "zones"}
            for key, s in look.ZONE_STYLES.items()
        },
        **{
            key: {"label": s.label, "colour": s.colour, "group": "events"}
            for key, s in look.EVENT_STYLES.items()
        },
        IMPORTED: {"label": look.IMPORTED_STYLE.label, "colour": look.IMPORTED_RING, "group": "events"},
        REFERENCE: {
            "label": "Base map: borders, governorates, roads, places",
            "colour": "#6b6b6b",
            "group": "base",
        },
    }
    return {
        "role": "map",
        "datasets": {dataset.name: dataset.version for dataset in datasets},
        "layers": list(LAYER_KEYS),
        "zoneKinds": list(ZONE_KINDS),
        "eventKinds": list(EVENT_KINDS),
        "styles": styles,
        "windows": [window_label(days) for days in WINDOWS],
        "start": start_state(start, camera),
        "startId": start_id,
        "range": {
            "core": [day_number(dates.core[0]), day_number(dates.core[1])],
            "full": [day_number(dates.full[0]), day_number(dates.full[1])],
        },
        "stops": [day_number(day) for day in stop_days],
        "frame": list(FRAME),
        "fade": {"oldest": look.OLDEST_OPACITY, "allDays": look.FADE_DAYS_ALL},
        "circleZoom": CIRCLE_ZOOM,
        "tiles": tiles,
        "osmAttribution": look.OSM_ATTRIBUTION,
        "reportDelay": REPORT_DELAY_MS,
        "play": {"interval": PLAY_INTERVAL_MS, "days": PLAY_STEP_DAYS},
        "height": MAP_HEIGHT,
        "importedLabel": "Imported event",
        "previewLabel": PREVIEW_LABEL,
    }


def start_state(view: MapView, camera: Camera | None) -> dict[str, Any]:
    """A view as the page holds it: day number, window in days (``None``: all before), visible
    layer keys, and zoom and centre (``None`` when not set)."""
    return {
        "day": day_number(view.day),
        "window": view.window_days,
        "layers": [key for key in LAYER_KEYS if key in view.visible],
        "zoom": None if camera is None else camera.zoom,
        "lat": None if camera is None else camera.lat,
        "lon": None if camera is None else camera.lon,
    }


# --- what the page sends back ---


def read_view(
    state: object, *, start: MapView, camera: Camera | None, dates: DateRange
) -> tuple[MapView, Camera | None]:
    """The view the page reports as its ``view`` state (the link's query parameters), read like a
    link (:func:`geodata.view.read_link`, within the full date range); ``start`` and ``camera``
    until the page has reported anything. The state comes from the browser: anything that is not
    a usable parameter is ignored, as in a link."""
    if not isinstance(state, Mapping) or not state:
        return start, camera
    params = {str(key): str(value) for key, value in state.items()}
    current, seen, _ = read_link(params, first=dates.full[0], last=dates.full[1], default_day=start.day)
    return current, seen


def clicked_point(value: object) -> tuple[float, float] | None:
    """The ``(lon, lat)`` a map component reports clicked (the live map's ``clicked`` trigger: an
    imported point; the pick map's ``picked``: a place), or ``None`` when there is none or it is not
    a pair of finite numbers."""
    if not isinstance(value, Mapping):
        return None
    lon, lat = value.get("lon"), value.get("lat")
    numbers = [v for v in (lon, lat) if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != 2 or not all(math.isfinite(v) for v in numbers):
        return None
    return float(lon), float(lat)  # type: ignore[arg-type]
