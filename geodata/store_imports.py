"""ACLED / UCDP events imported into the store.

An import run (one file read by :func:`geodata.imports.read_events`) becomes one ``imports`` row
(file name, dataset, SHA-256 of the file, rows read, loaded, skipped, at, by) and its events become
``imported`` rows. Imported events are unique by ``event_id`` (``acled:<id>``, ``ucdp:<id>``): a new
export of the same dataset replaces the events it holds again and adds the rest, so importing an
updated file twice does not double anything. One history row records the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from geodata.imports import IMPORT_PROPERTIES, ImportRun
from geodata.store_tables import encode_points, imported, imports
from geodata.store_write import Txn, batches

__all__ = ["ImportResult", "write_import"]


@dataclass(frozen=True)
class ImportResult:
    """One file imported into the store: how many of its events are new and how many replaced."""

    file: str
    dataset: str
    import_id: int
    rows_read: int
    loaded: int
    skipped: int
    replaced: int


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_import(txn: Txn, run: ImportRun, path: Path) -> ImportResult:
    """Write one import run's events into the store (inside ``txn``)."""
    frame = run.events
    dataset = str(frame["dataset"].iloc[0]) if len(frame) else "none"
    row = {
        "file": path.name, "dataset": dataset, "sha256": file_digest(path), "rows_read": run.rows_read,
        "loaded": len(frame), "skipped": run.skipped, "imported_at": txn.now, "imported_by": txn.by,
    }  # fmt: skip
    import_id = txn.conn.execute(sa.insert(imports).returning(imports.c.id), [row]).scalar_one()
    ids = frame["event_id"].tolist()
    replaced = _delete(txn, ids)
    rows = _rows(frame, import_id, txn.conn.dialect.name)
    for chunk in batches(rows):
        txn.conn.execute(sa.insert(imported), chunk)
    txn.record("import", "imports", import_id, after=row | {"replaced": replaced}, note=path.name)
    return ImportResult(path.name, dataset, import_id, run.rows_read, len(frame), run.skipped, replaced)


def _delete(txn: Txn, ids: Sequence[str]) -> int:
    removed = 0
    for chunk in batches(ids):
        removed += txn.conn.execute(sa.delete(imported).where(imported.c.event_id.in_(chunk))).rowcount
    return removed


def _rows(frame: pd.DataFrame, import_id: int, dialect: str) -> list[dict[str, Any]]:
    table = pd.DataFrame({name: frame[name] for name in IMPORT_PROPERTIES})
    # Object columns keep None as None (a float column would turn it into NaN, which PostgreSQL keeps).
    for name in ("date_start", "date_end", "published"):
        table[name] = _objects(
            [dt.date.fromisoformat(v) if isinstance(v, str) and v else None for v in table[name]], table
        )
    table["fatalities"] = _objects([None if pd.isna(v) else int(v) for v in table["fatalities"]], table)
    for name in ("uncertainty_km", "confidence"):
        table[name] = _objects([None if pd.isna(v) else float(v) for v in table[name]], table)
    lon, lat = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    table["lon"], table["lat"] = lon, lat
    table["geom"] = encode_points(lon.tolist(), lat.tolist(), dialect)
    table["import_id"] = import_id
    names = [str(name) for name in table.columns]
    columns = [table[name].tolist() for name in table.columns]  # plain Python values, column by column
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _objects(values: list[Any], table: pd.DataFrame) -> pd.Series:
    return pd.Series(values, index=table.index, dtype=object)
