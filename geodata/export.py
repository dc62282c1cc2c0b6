"""Choose what to export, and build it as RFC 7946 GeoJSON: the one code path behind the CLI and the app.

A view (:class:`ExportView`) names the layer families, the as-of date, the events window and the
filters (kinds, one zone, a bounding box); :func:`select` applies it to the loaded layers and
:func:`feature_collection` turns the result into GeoJSON. ``geodata.formats`` writes the same
selection as GeoJSON, GeoJSON text sequences, GeoPackage or CSV.

What is written: WGS84 lon/lat with no ``crs`` member, counter-clockwise exterior rings, at most
six decimals, no GeometryCollection, flat single-typed properties with dates as ISO strings, a
``layer`` property naming the family each feature comes from, and each feature's time as the OGC
JSON-FG ``time`` member (``{"date": ...}`` or ``{"interval": [start, end]}``, ``".."`` for an open
end). Output is deterministic: the same input gives the same bytes, so exports can be diffed.

Every export says what it holds: :func:`export_name` puts the date and filters in the file name,
and :func:`describe` builds the metadata (view, counts and dataset version: the git commit when the
inputs are committed and unchanged, else a SHA-256 of their content) written beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry

from geodata import _atomic, settings
from geodata._errors import UsageError
from geodata.schema import EVENT_KINDS, REVIEW_STATES, REVIEWED_STATES, ZONE_KINDS
from geodata.temporal import in_force_mask, in_window_mask

log = logging.getLogger(__name__)

#: Layer families ``export`` knows, in the order they are written.
LAYERS: tuple[str, ...] = ("zones", "events", "imported", "reference")
#: What an export holds when no layer is named: everything but the reference layer.
DEFAULT_LAYERS: tuple[str, ...] = ("zones", "events", "imported")
#: Families of events (``date_start``/``date_end``, points or no geometry).
EVENT_LAYERS: tuple[str, ...] = ("events", "imported")
#: Columns holding ISO dates, in any layer.
DATE_COLUMNS: tuple[str, ...] = ("signed", "valid_from", "valid_to", "date_start", "date_end", "published")

#: Which fields to give QGIS's temporal controller ("separate fields for start and end").
TEMPORAL_FIELDS: str = "zones: valid_from/valid_to; events, imported: date_start/date_end"

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class ExportView:
    """What to export: which layers, as of which day, over which window, through which filters.

    Attributes
    ----------
    layers
        Layer families to include (see ``LAYERS``).
    day
        The "as of" date: zones in force that day, events in the window ending that day.
        ``None`` exports everything.
    window_days
        Length of the events window in days; ``None`` means all events up to ``day``.
    kinds
        Zone and/or event kinds to keep. Zone kinds filter the zones, event kinds the events; a
        family for which no kind is named is not filtered. Empty keeps every kind.
    zone_id
        Keep only this zone and the events inside it.
    bbox
        ``(west, south, east, north)`` in degrees: keep features that intersect it.
    reviewed_only
        Keep only the events a person has vouched for (``schema.REVIEWED_STATES``: accepted,
        edited, added).
    include_rejected
        Keep the events a person rejected (left out by default).

    The review filters apply to layers with a ``review`` column (the articles' events); imported
    ACLED/UCDP events are other people's curated records and pass through.
    """

    layers: tuple[str, ...] = DEFAULT_LAYERS
    day: dt.date | None = None
    window_days: int | None = 30
    kinds: tuple[str, ...] = ()
    zone_id: str | None = None
    bbox: BBox | None = None
    reviewed_only: bool = False
    include_rejected: bool = False

    def __post_init__(self) -> None:
        unknown = [layer for layer in self.layers if layer not in LAYERS]
        if unknown:
            raise UsageError(f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYERS)}")
        if not self.layers:
            raise UsageError("no layer to export; choose from " + ", ".join(LAYERS))
        bad_kinds = [kind for kind in self.kinds if kind not in ZONE_KINDS + EVENT_KINDS]
        if bad_kinds:
            raise UsageError(
                f"unknown kind(s) {', '.join(bad_kinds)}; zone kinds are {', '.join(ZONE_KINDS)}, "
                f"event kinds {', '.join(EVENT_KINDS)}"
            )
        if self.window_days is not None and self.window_days < 1:
            raise UsageError(f"the events window lasts at least one day, not {self.window_days}")
        if self.day is not None and self.window_days is not None and self.window_days > self.day.toordinal():
            raise UsageError(
                f"a {self.window_days}-day events window ending {self.day} would begin before 1 January of "
                "year 1, the first day there is; choose a later date, a shorter window, or the window 'all'"
            )
        if self.bbox is not None:
            check_bbox(self.bbox)


def check_bbox(bbox: Sequence[float]) -> BBox:
    """Return ``bbox`` as ``(west, south, east, north)`` after checking it is a box on the globe.

    Raises
    ------
    UsageError
        If it does not have four numbers in lon/lat order with west < east and south < north.
    """
    if len(bbox) != 4:
        raise UsageError(f"a bounding box is west,south,east,north (4 numbers), not {len(bbox)}")
    west, south, east, north = (float(v) for v in bbox)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise UsageError(
            f"bounding box {west},{south},{east},{north} is not west,south,east,north in degrees "
            "(longitude -180..180, latitude -90..90, west < east, south < north)"
        )
    return west, south, east, north


def parse_bbox(text: str) -> BBox:
    """Parse ``"W,S,E,N"`` (degrees, lon/lat order) into a checked bounding box."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError as exc:
        raise UsageError(f"bounding box {text!r} is not four numbers W,S,E,N") from exc
    return check_bbox(values)


def select(frames: Mapping[str, gpd.GeoDataFrame], view: ExportView) -> dict[str, gpd.GeoDataFrame]:
    """The rows of each requested layer that the view shows.

    Parameters
    ----------
    frames
        Loaded layers by family name: ``zones`` (``valid_from``/``valid_to``), ``events`` and
        ``imported`` (``date_start``/``date_end``), ``reference``. With ``view.zone_id`` the
        ``zones`` frame is needed even when the zones are not exported.
    view
        Layers, day, window and filters to apply.

    Returns
    -------
    dict
        One GeoDataFrame per requested layer that ``frames`` has, in the order of ``view.layers``.
        A requested family the caller did not load (the app without imported files, say) is left
        out: there is nothing of it to export. The CLI loads every family it is asked for.
    """
    zone_area = _zone_area(frames, view.zone_id) if view.zone_id else None
    selected = {}
    for layer in view.layers:
        frame = frames.get(layer)
        if frame is None:
            log.debug("layer '%s' requested but not loaded: left out", layer)
            continue
        frame = _by_date(layer, frame, view)
        frame = _by_kind(layer, frame, view.kinds)
        frame = by_review(frame, reviewed_only=view.reviewed_only, include_rejected=view.include_rejected)
        if view.zone_id and layer == "zones":
            frame = frame[frame["zone_id"] == view.zone_id]
        elif zone_area is not None and layer in EVENT_LAYERS:
            frame = frame[frame.geometry.notna() & frame.geometry.covered_by(zone_area)]
        if view.bbox is not None:
            frame = frame[frame.geometry.notna() & frame.geometry.intersects(box(*view.bbox))]
        selected[layer] = frame
    return selected


def _by_date(layer: str, frame: gpd.GeoDataFrame, view: ExportView) -> gpd.GeoDataFrame:
    if view.day is None or layer == "reference" or frame.empty:
        return frame
    if layer == "zones":
        return frame[in_force_mask(frame["valid_from"], frame["valid_to"], view.day)]
    return frame[in_window_mask(frame["date_start"], frame["date_end"], view.day, view.window_days)]


def _by_kind(layer: str, frame: gpd.GeoDataFrame, kinds: Sequence[str]) -> gpd.GeoDataFrame:
    vocabulary = ZONE_KINDS if layer == "zones" else EVENT_KINDS if layer in EVENT_LAYERS else ()
    wanted = [kind for kind in kinds if kind in vocabulary]
    return frame[frame["kind"].isin(wanted)] if wanted else frame


def by_review(frame: gpd.GeoDataFrame, *, reviewed_only: bool, include_rejected: bool) -> gpd.GeoDataFrame:
    """The rows of an events frame the review filters keep: rejected events only when
    ``include_rejected``, and with ``reviewed_only`` only ``schema.REVIEWED_STATES`` (plus the
    rejected ones if asked). A frame without a ``review`` column is returned as it is."""
    if "review" not in frame.columns:
        return frame
    keep = set(REVIEWED_STATES) if reviewed_only else set(REVIEW_STATES) - {"rejected"}
    if include_rejected:
        keep.add("rejected")
    return frame[frame["review"].isin(sorted(keep))]


def _zone_area(frames: Mapping[str, gpd.GeoDataFrame], zone_id: str) -> BaseGeometry:
    zones = frames.get("zones")
    if zones is None:
        raise UsageError(f"--zone {zone_id} needs the zones loaded")
    rows = zones[zones["zone_id"] == zone_id]
    if rows.empty:
        known = ", ".join(sorted(zones["zone_id"]))
        raise UsageError(f"no zone with zone_id '{zone_id}'; known zones: {known or 'none'}")
    area: BaseGeometry = rows.geometry.iloc[0]
    return area


def feature_collection(layers: Mapping[str, gpd.GeoDataFrame], *, time_member: bool = True) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of the given layers, each feature tagged with its ``layer``.

    Parameters
    ----------
    layers
        Layer frames by family name (the output of :func:`select`).
    time_member
        Give each feature with dates the OGC JSON-FG ``time`` member (see :func:`json_fg_time`).

    Raises
    ------
    UsageError
        If a property would mix types across features, or is not flat (QGIS and GDAL cannot
        read such a column), or a geometry is a GeometryCollection.
    """
    features = []
    for layer, frame in layers.items():
        columns = [c for c in frame.columns if c != frame.geometry.name]
        records = frame[columns].to_dict("records")
        for geom, record in zip(clean_geometries(frame.geometry.values), records, strict=True):
            properties = {"layer": layer} | {k: _json_value(v) for k, v in record.items()}
            feature: dict[str, Any] = {"type": "Feature"}
            time = json_fg_time(properties) if time_member else None
            if time is not None:
                feature["time"] = time
            feature["properties"] = properties
            feature["geometry"] = _geometry(geom)
            features.append(feature)
    check_properties(features)
    return {"type": "FeatureCollection", "features": features}


def json_fg_time(properties: Mapping[str, Any]) -> dict[str, Any] | None:
    """The OGC JSON-FG ``time`` member of a feature with these properties, if it has dates.

    Zones are in force over ``[valid_from, valid_to]`` (``".."`` when open-ended); events happen on
    ``date_start``, or over ``[date_start, date_end]`` when the two differ.
    """
    if properties.get("valid_from"):
        return {"interval": [properties["valid_from"], properties.get("valid_to") or ".."]}
    start = properties.get("date_start")
    if not start:
        return None
    end = properties.get("date_end") or start
    return {"date": start} if end == start else {"interval": [start, end]}


def check_properties(features: Iterable[Mapping[str, Any]]) -> None:
    """Raise ``UsageError`` if a property is nested or mixes types across ``features``."""
    seen: dict[str, str] = {}
    problems = []
    for feature in features:
        for key, value in feature["properties"].items():
            kind = _json_type(value)
            if kind is None:
                continue
            if kind in ("object", "array"):
                problems.append(f"property '{key}' is a nested {kind}; exports keep properties flat")
            elif seen.setdefault(key, kind) != kind:
                problems.append(f"property '{key}' mixes {seen[key]} and {kind} values")
    if problems:
        raise UsageError("; ".join(sorted(set(problems))))


def _json_type(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list | tuple) else "object"


def dumps(collection: Mapping[str, Any]) -> str:
    """Serialise deterministically (key order as built, UTF-8 text, one trailing newline)."""
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def write_geojson(collection: Mapping[str, Any], path: Path) -> None:
    """Write ``collection`` to ``path`` as UTF-8 GeoJSON, atomically (a failed write keeps the old file)."""
    _atomic.write_text(path, dumps(collection))


def export_name(view: ExportView, *, suffix: str = "geojson") -> str:
    """A file name that says what the export holds.

    For example ``atlas_zones-events_2019-03-08_30d_kinds-patrol_zone-idlib_bbox-36,35,37.5,36.5.gpkg``:
    layers, as-of date, events window, then each filter that is set. The kinds filter is written the
    short way, for zone kinds and event kinds apart: ``kinds-a+b`` (only these) or ``without-c``
    (all but these), whichever names fewer kinds (the hidden ones on a tie). Hiding one kind in the
    app gives ``without-patrol``, not the thirteen others. The review filters add ``reviewed`` and
    ``with-rejected``.
    """
    when = view.day.isoformat() if view.day else "all-dates"
    parts = [f"atlas_{'-'.join(view.layers)}", when]
    if view.day is not None and any(layer in EVENT_LAYERS for layer in view.layers):
        parts.append("all-before" if view.window_days is None else f"{view.window_days}d")
    kinds = _kinds_part(view.kinds)
    if kinds:
        parts.append(kinds)
    if view.zone_id:
        parts.append(f"zone-{view.zone_id}")
    if view.bbox is not None:
        parts.append("bbox-" + ",".join(f"{v:g}" for v in view.bbox))
    if view.reviewed_only:
        parts.append("reviewed")
    if view.include_rejected:
        parts.append("with-rejected")
    return "_".join(parts) + f".{suffix}"


def _kinds_part(kinds: Sequence[str]) -> str | None:
    kept: set[str] = set()
    hidden: list[str] = []
    for vocabulary in (ZONE_KINDS, EVENT_KINDS):
        shown = [kind for kind in vocabulary if kind in kinds]
        others = [kind for kind in vocabulary if kind not in kinds]
        if not shown or not others:
            continue  # a vocabulary with no kind named is not filtered; one with all named hides nothing
        if len(others) <= len(shown):
            hidden.extend(others)
        else:
            kept.update(shown)
    parts = []
    if kept:
        parts.append("kinds-" + "+".join(kind for kind in kinds if kind in kept))  # in the order given
    if hidden:
        parts.append("without-" + "+".join(hidden))
    return "_".join(parts) or None


@dataclass(frozen=True)
class ExportInfo:
    """What an export holds, written beside it (sidecar JSON, or a GeoPackage metadata table).

    Attributes
    ----------
    name
        The export's file name.
    format
        One of ``geodata.formats.FORMATS``.
    view
        The view that was exported.
    counts
        Number of features per layer family, in the order written.
    dataset_version
        ``git:<commit>`` when every input is committed and unchanged in this checkout, else
        ``sha256:<hex>`` of the inputs' content; preceded by ``store:<token>;`` when layers came
        from the event store.
    content_sha256
        SHA-256 of the inputs' content (file names and bytes), always computed.
    """

    name: str
    format: str
    view: ExportView
    counts: tuple[tuple[str, int], ...]
    dataset_version: str
    content_sha256: str

    def as_dict(self) -> dict[str, Any]:
        """Flat, JSON-ready form: the sidecar's content and the GeoPackage metadata rows."""
        view = self.view
        return {
            "name": self.name,
            "format": self.format,
            "generator": "De-escalation Atlas (python -m geodata export)",
            "as_of": view.day.isoformat() if view.day else None,
            "window_days": view.window_days if view.day else None,
            "layers": ",".join(view.layers),
            "kinds": ",".join(view.kinds) or None,
            "zone_id": view.zone_id,
            "bbox": ",".join(f"{v:g}" for v in view.bbox) if view.bbox else None,
            "review": review_label(view),
            "counts": ",".join(f"{layer}={n}" for layer, n in self.counts),
            "dataset_version": self.dataset_version,
            "content_sha256": self.content_sha256,
            "crs": "OGC:CRS84 (WGS84 longitude, latitude)",
            "temporal_fields": TEMPORAL_FIELDS,
        }


def review_label(view: ExportView) -> str:
    """Which events by review status an export holds, in words (its metadata's ``review``)."""
    shown = "reviewed events only" if view.reviewed_only else "every event"
    return f"{shown}, rejected ones included" if view.include_rejected else f"{shown}, rejected ones left out"


def describe(
    view: ExportView,
    selected: Mapping[str, gpd.GeoDataFrame],
    *,
    fmt: str,
    name: str,
    sources: Sequence[Path] = (),
    store: str | None = None,
) -> ExportInfo:
    """The :class:`ExportInfo` of exporting ``selected`` (the output of :func:`select`).

    Parameters
    ----------
    sources
        The input files and folders the layers were read from (zone folder, seeds, imported files,
        reference files), for the dataset version.
    store
        The token of the event store layers were read from (:meth:`geodata.store.Store.token`):
        the dataset version then begins ``store:<token>;``.
    """
    digest = content_hash(sources)
    commit = git_commit(sources)
    version = f"git:{commit}" if commit else f"sha256:{digest}"
    return ExportInfo(
        name=name,
        format=fmt,
        view=view,
        counts=tuple((layer, len(frame)) for layer, frame in selected.items()),
        dataset_version=f"store:{store}; {version}" if store else version,
        content_sha256=digest,
    )


def content_hash(sources: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of ``sources`` (folders: every file inside, sorted)."""
    digest = hashlib.sha256()
    for path in _files(sources):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def git_commit(sources: Iterable[Path]) -> str | None:
    """``HEAD`` of the checkout holding every source, if none of them is modified or untracked.

    Returns ``None`` when git is missing, the sources are outside the checkout, or one of them
    differs from the commit: the commit would then not identify the data.
    """
    paths = [str(path.resolve()) for path in sources]
    try:
        head = _git("rev-parse", "HEAD")
        if paths:
            tracked = _git("ls-files", "--", *paths)
            dirty = _git("status", "--porcelain", "--", *paths)
            if not tracked or dirty:
                return None
    except (OSError, subprocess.SubprocessError):
        return None
    return head or None


def _git(*args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=settings.ROOT, capture_output=True, text=True, check=True, timeout=10
    )
    return result.stdout.strip()


def _files(sources: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files.extend(sorted(p for p in source.rglob("*") if p.is_file()))
        elif source.is_file():
            files.append(source)
    return files


def clean_geometry(geom: BaseGeometry | None) -> BaseGeometry | None:
    """``geom`` as every format writes it: 6 decimals, counter-clockwise exteriors, empty as ``None``.

    Raises
    ------
    UsageError
        For a GeometryCollection (RFC 7946 advises against them; GIS tools read them badly).
    """
    cleaned: BaseGeometry | None = clean_geometries(np.array([geom], dtype=object))[0]
    return cleaned


def clean_geometries(geoms: np.ndarray | Sequence[BaseGeometry | None]) -> np.ndarray:
    """:func:`clean_geometry` of each geometry, all at once (shapely's array functions: a loop over
    100,000 events cost 2 s)."""
    values = np.asarray(geoms, dtype=object)
    if (shapely.get_type_id(values) == shapely.GeometryType.GEOMETRYCOLLECTION).any():
        raise UsageError("GeometryCollection cannot be exported (RFC 7946 advises against it)")
    rounded = shapely.transform(values, lambda xy: np.round(xy, settings.COORD_DECIMALS))
    oriented = np.asarray(shapely.orient_polygons(rounded), dtype=object)
    oriented[shapely.is_missing(oriented) | shapely.is_empty(oriented)] = None
    return oriented


def _geometry(geom: BaseGeometry | None) -> dict[str, Any] | None:
    return None if geom is None else dict(mapping(geom))


def _json_value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    # pd.NA and NaT are the missing markers pandas puts in object and date columns.
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.date):  # datetime is a date too: keep its time
        return value.isoformat()
    return value


def layer_names(values: Sequence[str]) -> tuple[str, ...]:
    """Parse a ``--layers zones,events`` style list into layer names (order kept, no duplicates)."""
    names = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(names))


def reference_frame(
    outline_file: Path = settings.OUTLINE_FILE, governorates_file: Path = settings.GOVERNORATES_FILE
) -> gpd.GeoDataFrame:
    """The ``reference`` layer: Syria's outline and its governorates, with ``kind``, ``name``, ``pcode``."""
    parts = []
    for kind, path in (("outline", outline_file), ("governorate", governorates_file)):
        frame = gpd.read_file(path)
        frame = frame.assign(kind=kind)
        for column in ("name", "pcode", "source"):
            if column not in frame:
                frame[column] = None
        parts.append(frame[["kind", "name", "pcode", "source", "geometry"]])
    merged = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=settings.WGS84)
