"""Export layers as RFC 7946 GeoJSON: the one code path behind the CLI and the app's downloads.

What is written: WGS84 lon/lat with no ``crs`` member, counter-clockwise exterior rings, at most
six decimals, flat properties with dates as ISO strings, and a ``layer`` property naming the family
each feature comes from (``zones``, ``events``...). Output is deterministic: the same input gives the
same bytes, so exports can be diffed and cached.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geodata import settings
from geodata._errors import UsageError
from geodata.temporal import in_force_mask, in_window_mask

#: Layer families ``export`` knows, in the order they are written.
LAYERS: tuple[str, ...] = ("zones", "events")


@dataclass(frozen=True)
class ExportView:
    """What to export: which layers, as of which day, over which window.

    Attributes
    ----------
    layers
        Layer families to include (see ``LAYERS``).
    day
        The "as of" date: zones in force that day, events in the window ending that day.
        ``None`` exports everything.
    window_days
        Length of the events window in days; ``None`` means all events up to ``day``.
    """

    layers: tuple[str, ...] = ("zones",)
    day: dt.date | None = None
    window_days: int | None = 30

    def __post_init__(self) -> None:
        unknown = [layer for layer in self.layers if layer not in LAYERS]
        if unknown:
            raise UsageError(f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYERS)}")


def select(frames: Mapping[str, gpd.GeoDataFrame], view: ExportView) -> dict[str, gpd.GeoDataFrame]:
    """The rows of each requested layer that the view shows.

    Parameters
    ----------
    frames
        Loaded layers by family name (``zones`` with ``valid_from``/``valid_to`` columns,
        ``events`` with ``date_start``/``date_end``).
    view
        Layers, day and window to keep.
    """
    selected = {}
    for layer in view.layers:
        frame = frames.get(layer)
        if frame is None:
            raise UsageError(f"layer '{layer}' was requested but not loaded")
        if view.day is not None and layer == "zones":
            frame = frame[in_force_mask(frame["valid_from"], frame["valid_to"], view.day)]
        elif view.day is not None:
            frame = frame[in_window_mask(frame["date_start"], frame["date_end"], view.day, view.window_days)]
        selected[layer] = frame
    return selected


def feature_collection(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of the given layers, each feature tagged with its ``layer``."""
    features = []
    for layer, frame in layers.items():
        columns = [c for c in frame.columns if c != frame.geometry.name]
        records = frame[columns].to_dict("records")
        for geom, record in zip(frame.geometry.values, records, strict=True):
            properties = {"layer": layer} | {k: _json_value(v) for k, v in record.items()}
            features.append({"type": "Feature", "properties": properties, "geometry": _geometry(geom)})
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: Mapping[str, Any]) -> str:
    """Serialise deterministically (key order as built, UTF-8 text, one trailing newline)."""
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def write_geojson(collection: Mapping[str, Any], path: Path) -> None:
    """Write ``collection`` to ``path`` as UTF-8 GeoJSON."""
    path.write_text(dumps(collection), encoding="utf-8")


def export_name(view: ExportView, *, suffix: str = "geojson") -> str:
    """A file name that says what the export holds, e.g. ``atlas_zones-events_2019-03-08_30d.geojson``."""
    when = view.day.isoformat() if view.day else "all-dates"
    window = ""
    if view.day is not None and "events" in view.layers:
        window = "_all-before" if view.window_days is None else f"_{view.window_days}d"
    return f"atlas_{'-'.join(view.layers)}_{when}{window}.{suffix}"


def _geometry(geom: BaseGeometry | None) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "GeometryCollection":
        raise UsageError("GeometryCollection cannot be exported (RFC 7946 advises against it)")
    rounded = shapely.transform(geom, lambda xy: np.round(xy, settings.COORD_DECIMALS))
    oriented = shapely.orient_polygons(rounded)
    return dict(mapping(oriented))


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
