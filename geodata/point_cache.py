"""The imported events' map points, kept on disk between server starts.

A freshly started app must draw the imported events before anything else: reading 1,000,000 rows
(from the store or an ACLED file) and encoding them (:func:`geodata.map_datasets.encode_points`) took
most of its first map. What the map needs of them is small and fixed (the points table, the radius
table, the longest span and the earliest and latest date), so it is written once, as one Arrow IPC
file, under a key that changes whenever the imported events can have changed (the store's imported
token, or the names, sizes and times of the files read), and read back by the next server.

The file is written atomically (:mod:`geodata._atomic`), carries a digest of its columns, and is
checked when read: a missing, partial, corrupt or foreign file is reported as ``None`` (the caller
encodes the points again and rewrites it), never as an error. Arrow's IPC format is used because
``pyarrow`` is already loaded for the map and reads it without copying; no cache library is needed
for one file per key.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from geodata import _atomic, map_datasets
from geodata._errors import OutputError

__all__ = ["CachedPoints", "date_span", "encode", "kept", "path_for", "read", "write"]

log = logging.getLogger(__name__)

#: Changes whenever the encoding or this file's layout changes, so older files are not read.
FORMAT: str = "1"
_META = b"atlas-points"
_ORDER = "order"


@dataclass(frozen=True)
class CachedPoints:
    """The imported events as the map needs them.

    Attributes
    ----------
    points
        ``map_datasets.encode_points`` of the imported layer.
    dates
        The earliest and the latest of the layer's ``date_start`` and ``date_end`` (ISO days; empty:
        none), which widen the slider's full range (``map_datasets.date_range``'s ``more``).
    """

    points: map_datasets.PointData
    dates: tuple[str, ...]


def encode(imported: gpd.GeoDataFrame) -> CachedPoints:
    """The points and the date span of the imported layer."""
    dates = date_span([imported["date_start"], imported["date_end"]])
    return CachedPoints(map_datasets.encode_points(imported), dates)


def date_span(columns: Sequence[pd.Series]) -> tuple[str, ...]:
    """:attr:`CachedPoints.dates` of the ISO days in ``columns`` (the layer's ``date_start`` and
    ``date_end``, or only their distinct values: the earliest and latest are the same)."""
    dated = any(column.notna().any() for column in columns)
    return tuple(day.isoformat() for day in map_datasets.date_range(columns).full) if dated else ()


def path_for(folder: Path, key: str) -> Path:
    """The file that holds the points of the imported events known by ``key`` in ``folder``."""
    return folder / f"points-{hashlib.sha256(f'{FORMAT}|{key}'.encode()).hexdigest()[:24]}.arrow"


def write(path: Path, cached: CachedPoints) -> None:
    """Keep ``cached`` at ``path`` (atomically) and remove the folder's other points files: one
    folder holds the points of one store (or of one set of files). A file that cannot be written
    is logged, not raised: the next server only encodes the points again."""
    points = cached.points
    meta = {
        "format": FORMAT,
        "radii": list(points.radii),
        "max_duration": points.max_duration,
        "dates": list(cached.dates),
        "digest": _digest(points.table, points.order),
    }
    table = points.table.append_column(_ORDER, pa.array(points.order.astype(np.int64)))
    table = table.replace_schema_metadata({_META: json.dumps(meta).encode()})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic.write_bytes(path, sink.getvalue().to_pybytes())
        for old in path.parent.glob("points-*.arrow"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, OutputError) as exc:
        log.warning("cannot keep the imported events' map points in %s: %s", path.parent, exc)


def read(path: Path) -> CachedPoints | None:
    """The points kept at ``path``; ``None`` when there are none, or the file is partial, corrupt
    or of another format (logged, never raised)."""
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
        meta = json.loads((table.schema.metadata or {})[_META])
        wanted = [*map_datasets.POINT_COLUMNS, (_ORDER, pa.int64())]
        if meta["format"] != FORMAT or [(f.name, f.type) for f in table.schema] != wanted:
            raise ValueError("not a points file of this version")
        order = table.column(_ORDER).to_numpy()
        points_table = table.drop_columns([_ORDER]).replace_schema_metadata(None).combine_chunks()
        if _digest(points_table, order) != meta["digest"]:
            raise ValueError("its content does not match its digest")
        points = map_datasets.PointData(
            table=points_table,
            order=order,
            radii=tuple(float(r) for r in meta["radii"]),
            max_duration=int(meta["max_duration"]),
        )
        return CachedPoints(points, tuple(str(day) for day in meta["dates"]))
    except FileNotFoundError:
        return None
    except (OSError, pa.ArrowException, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the imported events' map points in %s (%s); encoding them again", path, exc)
        return None


def _digest(table: pa.Table, order: np.ndarray) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for column in table.columns:
        digest.update(column.to_numpy(zero_copy_only=False).tobytes())
    digest.update(np.ascontiguousarray(order, dtype=np.int64).tobytes())
    return digest.hexdigest()


def kept(
    path: Path | None,
    imported: Callable[[], gpd.GeoDataFrame | None],
    *,
    points: Callable[[], CachedPoints | None] | None = None,
) -> CachedPoints | None:
    """The points kept at ``path`` or, when there are none there (or ``path`` is ``None``), those of
    the layer ``imported()`` gives, then kept at ``path``; ``None`` when there are no imported events.

    ``points``, when given, makes the same points as ``encode(imported())`` without the layer
    (:func:`geodata.import_points.read_points`) and is tried first; ``None`` from it: ask
    ``imported``."""
    found = read(path) if path is not None else None
    if found is not None:
        return found
    found = points() if points is not None else None
    if found is None:
        layer = imported()
        if layer is None:
            return None
        found = encode(layer)
    if path is not None:
        write(path, found)
    return found
