"""Zone layers: load every file in ``zones/``, validate it, and select what is in force on a day.

Each zone file is a GeoJSON FeatureCollection (RFC 7946) of hand-digitised features whose flat
properties follow :class:`geodata.schema.ZoneProperties`. Loading never stops at the first problem:
every problem of every file is collected as a :class:`~geodata._errors.Problem` naming the file and
the ``zone_id`` (or the feature's position), broken features and files are left out, and all the
others still load. The app shows the problems as warnings; ``python -m geodata validate`` prints them
and exits 1.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pydantic
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geodata import settings
from geodata._errors import Problem
from geodata.schema import ZONE_KIND_GEOMETRIES, ZONE_PROPERTIES, ZoneProperties
from geodata.temporal import in_force_mask

log = logging.getLogger(__name__)

#: CRS names that mean "WGS84 lon/lat" in a legacy GeoJSON ``crs`` member.
_WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
        "urn:ogc:def:crs:EPSG:4326",
        "OGC:CRS84",
    }
)


@dataclass(frozen=True)
class ZoneSet:
    """The result of loading a folder of zone files.

    Attributes
    ----------
    zones
        One row per valid feature: the properties of ``ZONE_PROPERTIES`` (dates as ISO strings,
        ``valid_to`` and ``end_reason`` possibly null), ``file`` (the file it came from) and
        ``geometry`` in EPSG:4326.
    problems
        Every problem found, errors (the feature or file was left out) and warnings.
    files
        Names of the files read, loaded or not.
    """

    zones: gpd.GeoDataFrame
    problems: tuple[Problem, ...]
    files: tuple[str, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that left a feature or a file out."""
        return tuple(p for p in self.problems if p.severity == "error")


@cache
def load_outline(path: Path = settings.OUTLINE_FILE) -> BaseGeometry:
    """Syria's outline as one (multi)polygon in EPSG:4326."""
    outline = gpd.read_file(path)
    return shapely.union_all(outline.geometry.values)


@cache
def _outline_with_tolerance(path: Path, tolerance_km: float) -> BaseGeometry:
    outline = gpd.GeoSeries([load_outline(path)], crs=settings.WGS84)
    grown = outline.to_crs(settings.METRIC_CRS).buffer(tolerance_km * 1000)
    geom: BaseGeometry = grown.to_crs(settings.WGS84).iloc[0]
    shapely.prepare(geom)
    return geom


def load_zones(
    folder: Path = settings.ZONES_DIR,
    *,
    outline_file: Path = settings.OUTLINE_FILE,
    tolerance_km: float = settings.OUTLINE_TOLERANCE_KM,
) -> ZoneSet:
    """Load and validate every ``*.geojson`` file in ``folder``.

    Parameters
    ----------
    folder
        The folder of zone files (subfolders are not read).
    outline_file
        Syria's outline; every zone must lie inside it, give or take ``tolerance_km``.
    tolerance_km
        How far outside the outline a zone may reach before it is an error.

    Returns
    -------
    ZoneSet
        Valid features of all files, and every problem found.
    """
    boundary = _outline_with_tolerance(outline_file, tolerance_km)
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    paths = sorted(folder.glob("*.geojson"))
    if not paths:
        problems.append(Problem(str(folder), "no zone files (*.geojson) in this folder"))
    for path in paths:
        file_rows, file_problems = read_zone_file(path, boundary=boundary)
        rows.extend(file_rows)
        problems.extend(file_problems)
    rows, dup_problems = _drop_duplicate_ids(rows)
    problems.extend(dup_problems)
    for problem in problems:
        log.debug("%s", problem)  # callers report the problems (the CLI prints each once)
    return ZoneSet(_frame(rows), tuple(problems), tuple(p.name for p in paths))


def read_zone_file(
    path: Path, *, boundary: BaseGeometry | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read one zone file: its valid features as rows, and every problem found in it.

    Parameters
    ----------
    path
        A GeoJSON FeatureCollection of zones.
    boundary
        Area every geometry must lie within (Syria's outline plus tolerance); ``None`` skips the check.
    """
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return [], [Problem(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except json.JSONDecodeError as exc:
        return [], [Problem(name, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    except OSError as exc:
        return [], [Problem(name, f"cannot be read: {exc.strerror}")]
    problems = _collection_problems(name, data)
    if any(p.severity == "error" for p in problems):
        return [], problems
    rows = []
    for index, feature in enumerate(data["features"]):
        row, feature_problems = _check_feature(name, index, feature, boundary)
        problems.extend(feature_problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def zones_in_force(zones: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """The zones in force on ``day`` (``valid_from <= day <= valid_to``, null ``valid_to`` = open)."""
    return zones[in_force_mask(zones["valid_from"], zones["valid_to"], day)]


def date_range(zones: gpd.GeoDataFrame) -> tuple[dt.date, dt.date] | None:
    """Earliest ``valid_from`` and latest known bound (``valid_to`` or ``valid_from``) of the zones."""
    if zones.empty:
        return None
    bounds = [*zones["valid_from"], *zones["valid_to"].dropna()]
    return dt.date.fromisoformat(min(bounds)), dt.date.fromisoformat(max(bounds))


def _collection_problems(name: str, data: object) -> list[Problem]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [
            Problem(
                name,
                "not a GeoJSON FeatureCollection (top-level 'type' must be 'FeatureCollection')",
            )
        ]
    problems = []
    crs = data.get("crs")
    if crs is not None:
        crs_name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        if crs_name in _WGS84_NAMES:
            problems.append(
                Problem(
                    name,
                    "has a 'crs' member; RFC 7946 GeoJSON has none (WGS84 is implied)",
                    severity="warning",
                )
            )
        else:
            problems.append(
                Problem(
                    name,
                    f"'crs' member is {crs_name or crs!r}: zone files must be WGS84 lon/lat "
                    "(EPSG:4326) with no 'crs' member (RFC 7946); reproject the file",
                )
            )
    features = data.get("features")
    if not isinstance(features, list):
        problems.append(Problem(name, "'features' is missing or not a list"))
    elif not features:
        problems.append(Problem(name, "empty FeatureCollection: the file holds no zone"))
    return problems


def _check_feature(
    name: str, index: int, feature: object, boundary: BaseGeometry | None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, [Problem(name, "not a GeoJSON Feature", f"feature {index}")]
    raw = feature.get("properties") or {}
    label = f"{raw.get('zone_id')}" if isinstance(raw.get("zone_id"), str) else f"feature {index}"
    problems = [Problem(name, msg, label) for msg in _property_problems(raw)]
    geom, geom_msgs = _geometry(feature.get("geometry"), raw.get("kind"), boundary)
    problems.extend(Problem(name, msg, label) for msg in geom_msgs)
    if problems or geom is None:
        return None, problems
    row = {key: _as_json_value(raw[key]) for key in ZONE_PROPERTIES}
    row["file"] = name
    row["geometry"] = geom
    return row, []


def _property_problems(raw: Mapping[str, Any]) -> list[str]:
    try:
        props = ZoneProperties.model_validate(raw)
    except pydantic.ValidationError as exc:
        return [_describe(error) for error in exc.errors()]
    messages = []
    if props.valid_from < props.signed:
        messages.append(f"valid_from {props.valid_from} is before signed {props.signed}")
    if props.valid_to is not None and props.valid_to < props.valid_from:
        messages.append(f"valid_to {props.valid_to} is before valid_from {props.valid_from}")
    if props.valid_to is not None and not props.end_reason:
        messages.append("valid_to is set but end_reason does not say why the zone ended")
    return messages


def _describe(error: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "properties"
    if error["type"] == "missing":
        return f"missing property '{field}'"
    if error["type"] == "extra_forbidden":
        return f"unknown property '{field}' (the schema is in zones/README.md)"
    return f"property '{field}': {error['msg']} (got {error.get('input')!r})"


def _geometry(
    raw: object, kind: object, boundary: BaseGeometry | None
) -> tuple[BaseGeometry | None, list[str]]:
    if not isinstance(raw, dict):
        return None, ["has no geometry"]
    try:
        geom = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        return None, [f"geometry cannot be read: {exc}"]
    messages = []
    allowed = ZONE_KIND_GEOMETRIES.get(kind) if isinstance(kind, str) else None
    if allowed is not None and geom.geom_type not in allowed:
        messages.append(f"a {kind} must be a {' or '.join(allowed)}, not a {geom.geom_type}")
    if geom.is_empty:
        return None, [*messages, "geometry is empty"]
    if not geom.is_valid:
        messages.append(f"invalid geometry: {shapely.is_valid_reason(geom)}")
    if boundary is not None and _looks_swapped(geom, boundary):
        # Swapping the axes also mirrors every ring, so "clockwise" would only be a symptom of it.
        lon, lat = geom.representative_point().coords[0]
        return geom, [
            *messages,
            f"lies outside Syria, at lon {lon:.3f}, lat {lat:.3f}: latitude and longitude look swapped "
            "(GeoJSON order is [longitude, latitude]; with the two exchanged it lies inside Syria)",
        ]
    messages.extend(_coordinate_problems(raw, geom))
    if boundary is not None and not messages and not boundary.contains(geom):
        messages.append(_outside_message(geom, boundary))
    return geom, messages


def _looks_swapped(geom: BaseGeometry, boundary: BaseGeometry) -> bool:
    """Outside the outline, and inside it once each coordinate's longitude and latitude are exchanged."""
    if boundary.intersects(geom):
        return False
    swapped = shapely.transform(geom, lambda xy: xy[:, ::-1])
    return bool(boundary.contains(shapely.make_valid(swapped)))


def _coordinate_problems(raw: Mapping[str, Any], geom: BaseGeometry) -> list[str]:
    messages = []
    coords = shapely.get_coordinates(geom)
    if not np.array_equal(np.round(coords, settings.COORD_DECIMALS), coords):
        messages.append(f"coordinates have more than {settings.COORD_DECIMALS} decimals (RFC 7946)")
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        polygons = [raw["coordinates"]] if geom.geom_type == "Polygon" else raw["coordinates"]
        if not all(_ring_is_ccw(rings[0]) for rings in polygons):
            messages.append(
                "exterior ring is clockwise; RFC 7946 wants counter-clockwise "
                "(fix with shapely.orient_polygons)"
            )
        if any(_ring_is_ccw(hole) for rings in polygons for hole in rings[1:]):
            messages.append("a hole (interior ring) is counter-clockwise; RFC 7946 wants clockwise")
    return messages


def _ring_is_ccw(ring: list[list[float]]) -> bool:
    return bool(shapely.LinearRing(ring).is_ccw)


def _outside_message(geom: BaseGeometry, boundary: BaseGeometry) -> str:
    lon, lat = geom.representative_point().coords[0]
    if boundary.contains(shapely.Point(lat, lon)):
        return (
            f"lies outside Syria, at lon {lon:.3f}, lat {lat:.3f}: latitude and longitude look "
            "swapped (GeoJSON order is [longitude, latitude])"
        )
    return (
        f"reaches outside Syria's outline by more than {settings.OUTLINE_TOLERANCE_KM} km "
        f"(near lon {lon:.3f}, lat {lat:.3f}); clip it to reference/syria_outline.geojson"
    )


def _as_json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _drop_duplicate_ids(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Keep the first feature with each ``zone_id`` (files by name, features in order); each later
    one is reported and left out, naming where the first is."""
    first: dict[str, dict[str, Any]] = {}
    kept, problems = [], []
    for row in rows:
        original = first.setdefault(row["zone_id"], row)
        if original is row:
            kept.append(row)
            continue
        where = "earlier in this file" if original["file"] == row["file"] else f"in {original['file']}"
        problems.append(
            Problem(
                row["file"],
                f"zone_id is already used {where}; the first is kept and this one left out "
                "(give each zone its own zone_id)",
                row["zone_id"],
            )
        )
    return kept, problems


def _frame(rows: Iterable[dict[str, Any]]) -> gpd.GeoDataFrame:
    rows = list(rows)
    columns = [*ZONE_PROPERTIES, "file"]
    # Explicit dtypes, so an empty load has the same column types as a full one.
    data = {
        col: pd.Series([row[col] for row in rows], dtype="float64" if col == "accuracy_km" else "str")
        for col in columns
    }
    frame = gpd.GeoDataFrame(data, geometry=[row["geometry"] for row in rows], crs=settings.WGS84)
    return frame.sort_values("zone_id", kind="stable").reset_index(drop=True)
