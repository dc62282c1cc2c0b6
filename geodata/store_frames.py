"""The store's events as the GeoDataFrames the app, the export and the tables read.

The columns and their types are those of ``events.events_frame`` (``EVENT_PROPERTIES``) and of
``imports.read_events`` (``IMPORT_PROPERTIES``), so a layer from the store and the same layer read
from files are equal frames (the store tests check it). Points come from the ``lon``/``lat``
columns, not the geometry column: one float pair per row is the cheapest thing to load.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.feather as pa_feather
import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.engine import Connection

from geodata import settings
from geodata.imports import IMPORT_PROPERTIES
from geodata.schema import EVENT_PROPERTIES
from geodata.store_tables import events, history, imported, store_info

__all__ = ["events_frame", "imported_frame", "imported_version"]

log = logging.getLogger(__name__)

_DATES = ("date_start", "date_end", "published")
_NUMBERS = ("uncertainty_km", "confidence", "fatalities")


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


def imported_frame(conn: Connection, *, cache: Path | None = None) -> gpd.GeoDataFrame:
    """The ``imported`` layer, in the order the events were imported.

    With ``cache`` (a folder), the rows are also kept there as an Arrow file named after the store
    and the revision of its last import or load, and read from it while that is still the last one:
    100,000 rows come out of SQLite or PostgreSQL through Python's database drivers in seconds, out
    of an Arrow file in a fraction of that. Imported events change only by import or load.
    """
    if cache is None:
        return _finish(_rows(conn))
    snapshot = cache / f"imported-{imported_version(conn)}.arrow"
    try:
        table = pa_feather.read_table(snapshot).to_pandas()
    except (OSError, pa.ArrowInvalid):
        table = _rows(conn)
        _write_snapshot(table, snapshot)
    return _finish(table)


def _rows(conn: Connection) -> pd.DataFrame:
    names = list(IMPORT_PROPERTIES)
    # Dates as the stored text on SQLite (no parsing of 100,000 values); PostgreSQL gives dates.
    columns = [
        sa.type_coerce(imported.c[n], sa.String).label(n) if n in _DATES else imported.c[n] for n in names
    ]
    result = conn.execute(sa.select(*columns, imported.c.lon, imported.c.lat).order_by(imported.c.id))
    # Plain tuples: pandas probes each row for attributes, which SQLAlchemy's Row answers slowly.
    table = pd.DataFrame(list(map(tuple, result.all())), columns=[*names, "lon", "lat"], dtype=object)
    for name in _DATES:
        table[name] = _iso(table[name])
    return table


def _finish(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """The layer's column types, as ``imports`` gives them, from rows read either way."""
    for name in ("lon", "lat", "uncertainty_km", "confidence"):
        table[name] = table[name].astype("float64")
    table["fatalities"] = table["fatalities"].astype("Int64")
    geometry = gpd.points_from_xy(table.pop("lon"), table.pop("lat"), crs=settings.WGS84)
    for name in IMPORT_PROPERTIES:
        if name not in _NUMBERS:
            column = table[name].astype(object)
            table[name] = column.where(column.notna(), None)
    return gpd.GeoDataFrame(table, geometry=geometry, crs=settings.WGS84)


def imported_version(conn: Connection) -> str:
    """The store's id and the revision of its last import or load (what the imported rows depend on)."""
    store_id = conn.execute(sa.select(store_info.c.store_id)).scalar_one()
    last = conn.execute(
        sa.select(sa.func.max(history.c.revision)).where(history.c.entity.in_(("imports", "store")))
    ).scalar_one()
    return f"{store_id}-{last or 0}"


def _write_snapshot(table: pd.DataFrame, path: Path) -> None:
    """Write the rows beside their old snapshots, atomically, and remove the old ones."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        pa_feather.write_feather(pa.Table.from_pandas(table, preserve_index=False), tmp)
        os.replace(tmp, path)
        for old in path.parent.glob("imported-*.arrow"):  # the folder is this store's own
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a cache that cannot be written is only slower next time
        log.warning("cannot keep the imported events' snapshot in %s: %s", path.parent, exc)


def _iso(values: pd.Series) -> pd.Series:
    if values.empty or all(v is None or isinstance(v, str) for v in values.head(1)):
        return values.astype(object)
    return values.map(lambda v: v.isoformat() if isinstance(v, dt.date) else v).astype(object)
