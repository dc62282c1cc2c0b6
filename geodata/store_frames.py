"""The store's events as the GeoDataFrames the app, the export and the tables read.

The columns and their types are those of ``events.events_frame`` (``EVENT_PROPERTIES``) and of
``imports.read_events`` (``IMPORT_PROPERTIES``), so a layer from the store and the same layer read
from files are equal frames (the store tests check it). Points come from the ``lon``/``lat``
columns, not the geometry column: one float pair per row is the cheapest thing to load.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.engine import Connection

from geodata import settings
from geodata.imports import IMPORT_PROPERTIES
from geodata.schema import EVENT_PROPERTIES
from geodata.store_tables import events, imported

__all__ = ["events_frame", "imported_frame"]

_DATES = ("date_start", "date_end", "published")


def events_frame(conn: Connection) -> gpd.GeoDataFrame:
    """The ``events`` layer, ordered as ``events.events_frame`` orders it (date, kind, id; undated last)."""
    columns = [events.c[name] for name in EVENT_PROPERTIES] + [events.c.lon, events.c.lat]
    rows = list(conn.execute(sa.select(*columns)).all())
    rows.sort(key=lambda r: (r.date_start is None, r.date_start or dt.date.min, r.kind, r.event_id))
    records: list[dict[str, Any]] = []
    geometry: list[Point | None] = []
    for row in rows:
        record = dict(zip(EVENT_PROPERTIES, row, strict=False))
        for name in _DATES:
            value = record[name]
            record[name] = value.isoformat() if value is not None else None
        record["actors"] = ", ".join(record["actors"])
        records.append(record)
        located = row.lon is not None and row.lat is not None
        geometry.append(
            Point(round(row.lon, settings.COORD_DECIMALS), round(row.lat, settings.COORD_DECIMALS))
            if located
            else None
        )
    return gpd.GeoDataFrame(records, columns=list(EVENT_PROPERTIES), geometry=geometry, crs=settings.WGS84)


def imported_frame(conn: Connection) -> gpd.GeoDataFrame:
    """The ``imported`` layer, in the order the events were imported."""
    names = list(IMPORT_PROPERTIES)
    # Dates as the stored text on SQLite (no parsing of 100,000 values); PostgreSQL gives dates.
    columns = [
        sa.type_coerce(imported.c[n], sa.String).label(n) if n in _DATES else imported.c[n] for n in names
    ]
    result = conn.execute(sa.select(*columns, imported.c.lon, imported.c.lat).order_by(imported.c.id))
    table = pd.DataFrame(result.all(), columns=[*names, "lon", "lat"], dtype=object)  # as imports builds it
    for name in _DATES:
        table[name] = _iso(table[name])
    for name in ("lon", "lat", "uncertainty_km"):
        table[name] = table[name].astype("float64")
    table["confidence"] = table["confidence"].astype("float64")
    table["fatalities"] = table["fatalities"].astype("Int64")
    geometry = gpd.points_from_xy(table.pop("lon"), table.pop("lat"), crs=settings.WGS84)
    for name in names:
        if table[name].dtype == object:
            table[name] = table[name].where(table[name].notna(), None)
    return gpd.GeoDataFrame(table, geometry=geometry, crs=settings.WGS84)


def _iso(values: pd.Series) -> pd.Series:
    if values.empty or all(v is None or isinstance(v, str) for v in values.head(1)):
        return values.astype(object)
    return values.map(lambda v: v.isoformat() if isinstance(v, dt.date) else v).astype(object)
