"""The imported events' map points read straight from ACLED / UCDP GED files, without their events.

A freshly started server given ``--events`` files nobody has read before must draw its first map
before anything else, and reading a million rows into the events frame (every mapped column as
text, a shapely Point per row) took most of that first map. The points need few of the columns, so
this reads only the layouts' ``MAP_COLUMNS`` and checks them by the layouts' own rules
(:func:`geodata.imports.read_map_rows`, :func:`geodata.import_layouts.check_rows`), keeps the first
event of each id across the files (:func:`geodata.imports.first_of_each`, as
:func:`geodata.imports.load_event_files` does), keeps those the map draws
(:func:`geodata.layers.within_bounds`) and encodes them
(:func:`geodata.map_datasets.encode_point_columns`) in the order they have in
``layers.events_on_map(load_event_files(paths).events)``. So :func:`read_points` equals
``point_cache.encode(load_event_files(paths).events)``: the same table, ``order`` (which indexes the
frame's drawable rows, for the clicks of :func:`geodata.map_datasets.events_at`), radii, longest span
and dates, which ``tests/test_import_points.py`` checks on good, bad and repeated rows. The app reads
the events frame itself after the map is sent, for the tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from geodata import import_layouts, imports, layers, map_datasets, point_cache
from geodata._errors import DataError
from geodata.import_layouts import Checked

__all__ = ["read_points"]


def read_points(paths: Sequence[Path]) -> point_cache.CachedPoints:
    """The map points of the events :func:`geodata.imports.load_event_files` reads from ``paths``.

    A file the full reader leaves out (a :class:`~geodata._errors.DataError`: unreadable, in
    neither layout, or naming a column of its layout twice) is left out here too; its problem is
    reported with the tables, which read the file again. Both readers judge the header whole, so
    reading fewer columns never sees other values than the full reader.
    """
    parts: list[Checked] = []
    for path in paths:
        try:
            parts.append(imports.read_map_rows(path))
        except DataError:
            continue
    # One file's events have distinct ids already (the layouts' checks leave out every later row
    # with an id, csv_rows.unique_ids): only several files are searched for repeats.
    if len(parts) > 1:
        keep = imports.first_of_each(_joined(parts, lambda part: part.columns["event_id"]))
    else:
        keep = np.ones(sum(len(part.lon) for part in parts), dtype=bool)
    lon = _joined(parts, lambda part: part.lon)[keep]
    lat = _joined(parts, lambda part: part.lat)[keep]
    drawn = layers.within_bounds(lon, lat).to_numpy(dtype=bool)

    def on_map(name: str) -> pd.Series:
        return _joined(parts, lambda part: part.columns[name])[keep][drawn]

    start, first_days = _days(parts, "date_start", keep, missing=map_datasets.NO_START)
    end, last_days = _days(parts, "date_end", keep, missing=0)
    points = map_datasets.encode_point_columns(
        lon=lon[drawn].to_numpy(dtype="float64"),
        lat=lat[drawn].to_numpy(dtype="float64"),
        start=start[drawn],
        end=end[drawn],
        kind=on_map("kind"),
        geo_precision=on_map("geo_precision"),
        uncertainty_km=on_map("uncertainty_km"),
        planned=np.full(int(drawn.sum()), import_layouts.STATUS == "planned"),
    )
    return point_cache.CachedPoints(points, point_cache.date_span([first_days, last_days]))


def _days(
    parts: Sequence[Checked], column: str, keep: np.ndarray, *, missing: int
) -> tuple[np.ndarray, pd.Series]:
    """Of the kept rows: the day numbers of ``column`` (:func:`geodata.map_datasets.day_numbers`
    of the ISO days the events frame holds) and the distinct ISO days (which give the earliest and
    latest). Each file's days are made ISO text as :func:`geodata.imports.read_events` makes them
    (:func:`geodata.imports.iso_days`, file by file), once per distinct day."""
    numbers: list[np.ndarray] = []
    texts: list[pd.Series] = []
    seen = 0
    for part in parts:
        found, distinct = pd.factorize(part.columns[column], use_na_sentinel=False)
        numbers.append(found + seen)
        texts.append(imports.iso_days(pd.Series(distinct)))
        seen += len(distinct)
    if not parts:
        return np.zeros(0, dtype="uint16"), pd.Series([], dtype=object)
    every = pd.concat(texts, ignore_index=True)
    codes = np.concatenate(numbers)[keep]
    used = np.zeros(len(every), dtype=bool)
    used[codes] = True
    days = map_datasets.day_numbers(every, missing=missing)[codes]
    return days, every[used].astype(object)


def _joined(parts: Sequence[Checked], column: Callable[[Checked], pd.Series]) -> pd.Series:
    """One column of every file's checked rows, file after file (the events frame's row order)."""
    if not parts:
        return pd.Series([], dtype=object)
    return pd.concat([column(part) for part in parts], ignore_index=True)
