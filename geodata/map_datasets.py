"""The live map's datasets, prepared from the data's frames: what :mod:`geodata.livemap` (the page's
half, which needs no data stack) sends to the page.

:func:`prepare` makes, once per version of the data, the datasets of the base map
(:func:`basemap_dataset`), the zones (:func:`zones_dataset`), the article events
(:func:`events_dataset`) and the imported events' points (:func:`encode_points`,
:func:`points_dataset`), the slider's dates (:func:`date_range`) and the stops of Prev/Next
(:func:`stops`). The app keeps what it prepared on disk (:mod:`geodata.map_cache`), so a freshly
started server sends its first map before this module, pandas and geopandas are imported.

Imported events (ACLED-sized, a million and more) travel as columns of 15 bytes per event,
sorted by first day (:func:`encode_points`; the page's format is :func:`geodata.livemap.pack_columns`):

============  ========  ===============================================================
column        type      meaning
============  ========  ===============================================================
``lon``       int32     longitude in 1e-5 degrees (about 1 m)
``lat``       int32     latitude in 1e-5 degrees
``start``     uint16    first day, days since 1970-01-01 (``NO_START``: no start date)
``end``       uint16    last day (0: no end date, so never in a bounded window)
``kind``      uint8     index into ``EVENT_KINDS``
``flags``     uint8     bit 0: planned
``radius``    uint8     0: a point; else index into the ``radii`` table (uncertainty km)
============  ========  ===============================================================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geodata import layers, settings
from geodata.basemap import Basemap
from geodata.livemap import EPOCH, PREVIEW, Dataset, DateRange, day_number, pack_columns, text_dataset
from geodata.schema import EVENT_KINDS
from geodata.temporal import parse_day
from geodata.view import IMPORTED, MapView

#: ``start`` of an event without a start date: after every day, so never drawn.
NO_START: int = 65535
#: Columns of the points table: name, Arrow type.
POINT_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("lon", pa.int32()),
    ("lat", pa.int32()),
    ("start", pa.uint16()),
    ("end", pa.uint16()),
    ("kind", pa.uint8()),
    ("flags", pa.uint8()),
    ("radius", pa.uint8()),
)
#: Coordinates of the points table are in units of 1e-5 degrees.
COORD_SCALE: float = 1e5
#: Share of the dated moments (zone starts and ends, article event dates) the slider's core
#: period holds by default; the rest (and every imported event) is one click away ("All dates").
CORE_SHARE: float = 0.9


@dataclass(frozen=True)
class PointData:
    """Events encoded for the canvas layer.

    Attributes
    ----------
    table
        The columns of ``POINT_COLUMNS``, one row per event, sorted by ``start``.
    order
        For each row of ``table``, its row position in the encoded frame.
    radii
        Uncertainty (km) of each ``radius`` code; code 0 is a point (0 km).
    max_duration
        Longest ``end - start`` in days (how far before a window the page looks).
    """

    table: pa.Table
    order: np.ndarray
    radii: tuple[float, ...]
    max_duration: int

    @property
    def count(self) -> int:
        """Number of points."""
        return int(self.table.num_rows)


@dataclass(frozen=True)
class Prepared:
    """Everything the map component needs from one version of the data (see :func:`prepare`)."""

    datasets: tuple[Dataset, ...]
    points: PointData | None
    dates: DateRange
    stops: tuple[dt.date, ...]


# --- datasets ---


def day_numbers(values: pd.Series, *, missing: int) -> np.ndarray:
    """ISO date strings as days since ``EPOCH`` (``missing`` where null), clipped to uint16."""
    days = (pd.to_datetime(values, format="%Y-%m-%d", errors="coerce") - pd.Timestamp(EPOCH)).dt.days
    return days.fillna(missing).clip(0, NO_START).to_numpy(dtype="uint16")


def _day_or_none(value: object) -> int | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    text = str(value).strip()
    return day_number(parse_day(text)) if text else None


def _json_dataset(name: str, payload: Mapping[str, Any]) -> Dataset:
    return text_dataset(name, json.dumps(payload, separators=(",", ":"), sort_keys=True, allow_nan=False))


def _geometry(geom: BaseGeometry, decimals: int = 5) -> dict[str, Any]:
    rounded: BaseGeometry = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    mapped: dict[str, Any] = mapping(rounded)
    return mapped


def zones_dataset(zones: gpd.GeoDataFrame, bands: gpd.GeoSeries | None = None) -> Dataset:
    """The zones of every date, largest first (so a smaller zone inside a larger one, such as the
    demilitarized strip inside the Idlib zone, is drawn on top and takes the click), with their
    tooltip and popup HTML (escaped by :mod:`geodata.layers`) and the uncertainty bands of the
    approximate ones (drawn beneath, never clickable)."""
    if bands is None:
        bands = layers.accuracy_bands(zones)
    area = zones.geometry.to_crs(settings.METRIC_CRS).area.to_numpy()
    records = zones.drop(columns=zones.geometry.name).to_dict("records")
    features, band_features = [], []
    for position in np.argsort(-area, kind="stable"):
        record, geom = records[position], zones.geometry.iloc[position]
        span = {"from": _day_or_none(record["valid_from"]), "to": _day_or_none(record["valid_to"])}
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(geom),
                "properties": {
                    "id": record["zone_id"],
                    "kind": record["kind"],
                    "approximate": bool(record["accuracy_km"] >= layers.APPROXIMATE_KM),
                    "tip": layers.zone_tooltip_html(record),
                    "pop": layers.zone_tooltip_html(record, links=True),
                    **span,
                },
            }
        )
        band = bands.iloc[position]
        if band is not None and not band.is_empty:
            band_features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(band, 4),
                    "properties": {"id": record["zone_id"], "kind": record["kind"], **span},
                }
            )
    payload = {
        "zones": {"type": "FeatureCollection", "features": features},
        "bands": {"type": "FeatureCollection", "features": band_features},
    }
    return _json_dataset("zones", payload)


def events_dataset(
    events: gpd.GeoDataFrame, sources: Mapping[str, tuple[str, str]] | None = None, *, name: str = "events"
) -> Dataset:
    """The article events that can be drawn (:func:`geodata.layers.events_on_map`) with their
    tooltip and popup HTML; ``sources`` links the other articles of an event (outlet and URL by
    file name). An event located only to a region carries its uncertainty radius in metres.
    ``name`` is ``events`` (the stored events) or ``preview`` (:func:`preview_dataset`)."""
    drawn = layers.events_on_map(events)
    records = drawn.drop(columns=drawn.geometry.name).to_dict("records")
    features = []
    for record, geom in zip(records, drawn.geometry, strict=True):
        region = record["geo_precision"] in layers.REGION_PRECISIONS and not layers.missing(
            record["uncertainty_km"]
        )
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(geom),
                "properties": {
                    "id": record["event_id"],
                    "kind": record["kind"],
                    "planned": record["status"] == "planned",
                    "start": _day_or_none(record["date_start"]),
                    "end": _day_or_none(record["date_end"]),
                    "radius_m": float(record["uncertainty_km"]) * 1000 if region else None,
                    "tip": layers.event_tooltip_html(record),
                    "pop": layers.event_popup_html(record, sources=sources or {}),
                },
            }
        )
    return _json_dataset(name, {"events": {"type": "FeatureCollection", "features": features}})


def preview_dataset(events: gpd.GeoDataFrame) -> Dataset:
    """The events of an article being added, before it is saved: drawn above everything, ringed in
    black, whatever the day, window and layers (the page fits the map to them when they arrive)."""
    return events_dataset(events, name=PREVIEW)


def basemap_dataset(reference: gpd.GeoDataFrame, basemap: Basemap | None = None) -> Dataset:
    """The offline base map: the country outline and governorates (``reference``: ``name``,
    ``level``), and from ``basemap`` (:func:`geodata.basemap.load_basemap`) the M4 and M5, the
    borders by neighbour and the place labels with the zoom each shows from, their anchor and the
    label style the labelling rule assumed. Without ``basemap``, the governorates are still named
    (a label inside each, from zoom 7)."""
    areas = [
        {"type": "Feature", "geometry": _geometry(geom, 3), "properties": {"name": name, "level": level}}
        for name, level, geom in zip(reference["name"], reference["level"], reference.geometry, strict=True)
    ]
    payload: dict[str, Any] = {"areas": {"type": "FeatureCollection", "features": areas}}
    attribution = layers.REFERENCE_ATTRIBUTION
    if basemap is not None:
        document = basemap.to_dict()
        payload |= {key: document[key] for key in ("roads", "borders", "labels")}
        payload["labelStyle"] = document["label_style"]
        attribution = document["attribution"]  # names the same OCHA boundaries, and the rest
    else:
        governorates = reference[reference["level"] == "governorate"]
        inside = governorates.geometry.representative_point()
        payload["labels"] = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(p.x, 4), round(p.y, 4)]},
                    "properties": {"name": name, "kind": "governorate", "min_zoom": 7, "anchor": "centre"},
                }
                for name, p in zip(governorates["name"], inside, strict=True)
            ],
        }
    payload["attribution"] = [layers.escape(attribution)]
    return _json_dataset("basemap", payload)


def encode_points(imported: gpd.GeoDataFrame) -> PointData:
    """Encode the drawable imported events (:func:`geodata.layers.events_on_map`) for the canvas
    layer; ``order`` indexes the rows of ``events_on_map(imported)``."""
    events = layers.events_on_map(imported)
    return encode_point_columns(
        lon=events.geometry.x.to_numpy(),
        lat=events.geometry.y.to_numpy(),
        start=day_numbers(events["date_start"], missing=NO_START),
        end=day_numbers(events["date_end"], missing=0),
        kind=events["kind"],
        geo_precision=events["geo_precision"],
        uncertainty_km=events["uncertainty_km"],
        planned=(events["status"] == "planned").to_numpy(),
    )


def encode_point_columns(
    *,
    lon: np.ndarray,
    lat: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    kind: pd.Series,
    geo_precision: pd.Series,
    uncertainty_km: pd.Series,
    planned: np.ndarray,
) -> PointData:
    """The points of drawable events given column by column (``start`` and ``end`` as
    :func:`day_numbers`), one row each, in their order: :func:`encode_points` and
    :mod:`geodata.import_points` (which reads the map's columns of ACLED/UCDP files, no frame)."""
    order = np.argsort(start, kind="stable")
    region = geo_precision.isin(list(layers.REGION_PRECISIONS)).to_numpy()[order]
    km = pd.to_numeric(uncertainty_km, errors="coerce").fillna(0).to_numpy()[order]
    km = np.where(region & (km > 0), km, 0.0)
    radii, radius = np.unique(km, return_inverse=True)
    if not len(radii) or radii[0] != 0:
        radii, radius = np.concatenate([[0.0], radii]), radius + 1
    if len(radii) > 256:
        raise ValueError(f"at most 255 distinct uncertainty radii can be encoded, not {len(radii) - 1}")
    columns = {
        "lon": np.round(np.asarray(lon)[order] * COORD_SCALE),
        "lat": np.round(np.asarray(lat)[order] * COORD_SCALE),
        "start": start[order],
        "end": end[order],
        "kind": _kind_codes(kind)[order],
        "flags": np.asarray(planned)[order],
        "radius": np.asarray(radius).ravel(),
    }
    table = pa.table(
        {
            name: pa.array(np.asarray(columns[name]).astype(arrow.to_pandas_dtype()), type=arrow)
            for name, arrow in POINT_COLUMNS
        }
    )
    spans = columns["end"].astype(int) - columns["start"].astype(int)
    valid = (columns["start"] != NO_START) & (columns["end"] != 0)
    return PointData(
        table=table,
        order=order,
        radii=tuple(float(r) for r in radii),
        max_duration=int(max(spans[valid].max(initial=0), 0)),
    )


def _kind_codes(kinds: pd.Series) -> np.ndarray:
    """Each kind's position in ``EVENT_KINDS`` (an unknown kind: ``other``'s), looked up once per
    distinct kind."""
    codes = {name: i for i, name in enumerate(EVENT_KINDS)}
    found, distinct = pd.factorize(kinds, use_na_sentinel=False)
    coded = pd.Series(distinct, dtype=object).map(codes).fillna(codes["other"]).to_numpy(dtype="int64")
    return coded[found] if len(found) else np.zeros(0, dtype="int64")


def points_dataset(points: PointData) -> Dataset:
    """The imported events for the page: their columns (:func:`geodata.livemap.pack_columns`), the
    radius table, the count and the longest span; the version is a hash of all of them."""
    digest = hashlib.blake2b(digest_size=8)
    for column in points.table.columns:
        for buffer in column.chunks[0].buffers() if column.num_chunks else ():
            if buffer is not None:
                digest.update(buffer)
    digest.update(json.dumps([points.radii, points.max_duration]).encode())
    version = digest.hexdigest()
    meta = {"count": points.count, "radii": list(points.radii), "maxDuration": points.max_duration}
    columns = [
        (
            name,
            str(kind),
            points.table.column(name)
            .to_numpy()
            .astype(np.dtype(kind.to_pandas_dtype()).newbyteorder("<"))
            .tobytes(),
        )
        for name, kind in POINT_COLUMNS
    ]
    header = {"role": "dataset", "name": "imported", "version": version, "meta": meta}
    return Dataset("imported", version, pack_columns(header, columns))


def events_at(
    imported: gpd.GeoDataFrame, points: PointData, lonlat: tuple[float, float], view: MapView
) -> gpd.GeoDataFrame:
    """The imported events ``view`` shows at exactly ``lonlat`` (to the encoding's 1e-5 degree): what
    a click on a point of the canvas layer stands for. ``points`` is ``encode_points(imported)``."""
    x, y = (round(value * COORD_SCALE) for value in lonlat)
    lon = points.table.column("lon").to_numpy()
    lat = points.table.column("lat").to_numpy()
    hits = points.order[(lon == x) & (lat == y)]
    rows = layers.events_on_map(imported).iloc[np.sort(hits)]
    if IMPORTED not in view.visible:
        return rows.iloc[:0]
    rows = rows[rows["kind"].isin(list(view.visible))]
    return layers.events_in_window(rows, view)


# --- one version of the data ---


def prepare(
    frames: Mapping[str, gpd.GeoDataFrame],
    *,
    reference: gpd.GeoDataFrame,
    basemap: Basemap | None = None,
    sources: Mapping[str, tuple[str, str]] | None = None,
    points: PointData | None = None,
    imported_dates: Sequence[str] = (),
) -> Prepared:
    """The datasets of ``frames`` (``zones``, ``events`` and, when files were imported,
    ``imported``) and of the base map (``reference`` and ``basemap``), the imported events' points,
    the slider's dates and the stops of Prev/Next: what the app computes once per version of its
    data. ``points`` are ``encode_points(frames["imported"])`` when already made (the app keeps
    them while the imported events do not change, as articles are added); ``imported_dates`` are
    the earliest and latest dates of imported events not in ``frames`` (:mod:`geodata.point_cache`)."""
    zones, events, imported = frames["zones"], frames["events"], frames.get("imported")
    if points is None and imported is not None:
        points = encode_points(imported)
    datasets = [basemap_dataset(reference, basemap), zones_dataset(zones), events_dataset(events, sources)]
    if points is not None:
        datasets.append(points_dataset(points))
    own = [zones["valid_from"], zones["valid_to"], events["date_start"], events["date_end"]]
    more = [pd.Series(list(imported_dates), dtype=object)]
    more += [] if imported is None else [imported["date_start"], imported["date_end"]]
    return Prepared(tuple(datasets), points, date_range(own, more=more), tuple(stops(zones, events)))


def date_range(dated: Iterable[pd.Series], *, more: Iterable[pd.Series] = ()) -> DateRange:
    """The slider's core period and full range.

    ``dated`` are the columns of the record's own moments (zone ``valid_from``/``valid_to``, article
    event ``date_start``/``date_end``): the core period is the central ``CORE_SHARE`` of those
    dates, widened to whole months. ``more`` (imported events' dates) only widens the full range,
    which runs from the earliest to the latest date of all, so every event can be reached.
    """
    own = _days(dated)
    every = np.concatenate([own, _days(more)])
    if not len(every):
        today = dt.date.today()
        return DateRange((today, today), (today, today))
    full = (_date(every.min()), _date(every.max()))
    if not len(own):
        return DateRange(full, full)
    low, high = np.quantile(own, [(1 - CORE_SHARE) / 2, (1 + CORE_SHARE) / 2], method="nearest")
    first, last = _date(low).replace(day=1), _date(high)
    last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return DateRange((max(first, full[0]), min(last, full[1])), full)


def _days(columns: Iterable[pd.Series]) -> np.ndarray:
    parts = [
        (pd.to_datetime(column, format="%Y-%m-%d", errors="coerce").dropna() - pd.Timestamp(EPOCH)).dt.days
        for column in columns
    ]
    values = [part.to_numpy(dtype=np.int64) for part in parts if len(part)]
    return np.concatenate(values) if values else np.zeros(0, dtype=np.int64)


def _date(days: float) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def stops(zones: pd.DataFrame, events: pd.DataFrame) -> list[dt.date]:
    """The days Prev/Next jump between: article event starts, and the days zones begin and end."""
    ends = pd.to_datetime(zones["valid_to"], format="%Y-%m-%d", errors="coerce") + pd.Timedelta(days=1)
    values = [*events["date_start"].dropna(), *zones["valid_from"].dropna(), *ends.dropna().dt.date]
    return sorted({parse_day(value) if isinstance(value, str) else value for value in values})
