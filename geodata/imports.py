"""Read event data others publish (ACLED and UCDP GED CSV exports) into our event schema.

Analysts bring their own events and want to see them against the zones. Each row of an ACLED or
UCDP GED CSV becomes one event with the record properties of the events we read out of articles
(``geodata.schema.EVENT_RECORD_PROPERTIES``; no ``review``), plus ``dataset`` (``acled`` or
``ucdp``), ``source_id`` (the source's own id), ``original_type`` (the source's type, before
mapping) and ``fatalities``. The ``event_id`` is ``<dataset>:<source id>`` (``acled:SYR12345``,
``ucdp:123456``), ``status`` is always ``occurred``, ``url``, ``article``, ``also_reported_in``,
``place_id`` and ``published`` are empty (the datasets do not give them per event).

The layouts, their mappings and row checks are :mod:`geodata.import_layouts`; this module reads
files with them: every mapped column (:func:`read_events`, for the tables) or only the map's
(:func:`read_map_rows`, for :mod:`geodata.import_points`).

A row with missing or non-numeric coordinates, coordinates outside the world, an unreadable date,
an unknown precision code or no id is reported as a :class:`~geodata._errors.Problem` naming its row
(numbered as in a spreadsheet: the header is row 1) and skipped; the other rows load. A file in
neither layout raises :class:`~geodata._errors.DataError` naming the missing columns, and one whose
header names a column of its layout twice (in one spelling or two) naming that column, before its
rows are read.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata import csv_rows, import_layouts, settings
from geodata._errors import DataError, Problem, UsageError
from geodata.import_layouts import (  # re-exported: the layouts were first described here
    ACLED_COLUMNS as ACLED_COLUMNS,
)
from geodata.import_layouts import MAP_COLUMNS as MAP_COLUMNS
from geodata.import_layouts import REQUIRED_COLUMNS as REQUIRED_COLUMNS
from geodata.import_layouts import UCDP_COLUMNS as UCDP_COLUMNS
from geodata.import_layouts import Checked as Checked
from geodata.import_layouts import detect_layout as detect_layout
from geodata.schema import EVENT_RECORD_PROPERTIES

log = logging.getLogger(__name__)

DATASETS: tuple[str, ...] = ("acled", "ucdp")
#: Properties of an imported event: an event record's (no ``review``: other people curate these
#: datasets), then where it came from.
IMPORT_PROPERTIES: tuple[str, ...] = (
    *EVENT_RECORD_PROPERTIES,
    "dataset",
    "source_id",
    "original_type",
    "fatalities",
)


@dataclass(frozen=True)
class ImportRun:
    """Events read from one or more ACLED / UCDP files.

    Attributes
    ----------
    events
        One row per loaded event: ``IMPORT_PROPERTIES`` and Point geometry in EPSG:4326.
    problems
        Every row (or file) left out, with the reason and the row number.
    rows_read
        Data rows read from the files (header excluded).
    files
        Names of the files read.
    row_numbers
        The row each event came from, numbered as in a spreadsheet (header = row 1), one per event.
    """

    events: gpd.GeoDataFrame
    problems: tuple[Problem, ...]
    rows_read: int
    files: tuple[str, ...]
    row_numbers: tuple[int, ...] = ()

    @property
    def skipped(self) -> int:
        """Rows read but not loaded."""
        return self.rows_read - len(self.events)


def read_events(path: Path, *, fmt: str | None = None) -> ImportRun:
    """Read one ACLED or UCDP GED CSV export.

    Parameters
    ----------
    path
        The CSV file, in the layout its project publishes.
    fmt
        ``acled`` or ``ucdp``; ``None`` detects it from the header.

    Raises
    ------
    DataError
        If the file cannot be read as CSV or lacks columns of the layout.
    UsageError
        If ``fmt`` is not a known dataset.
    """
    if fmt is not None and fmt not in DATASETS:
        raise UsageError(f"unknown import format '{fmt}'; choose from {', '.join(DATASETS)}")
    checked = _checked(path, fmt, REQUIRED_COLUMNS, *_read_table(path, REQUIRED_COLUMNS))
    text = import_layouts.text_columns(checked.rows, checked.layout)
    events = _frame({**checked.columns, **text}, checked.lon, checked.lat)
    if checked.problems:
        log.debug("%s: %d of %d rows skipped", path.name, checked.rows_read - len(events), checked.rows_read)
    # The events keep their row's position as index until here: it gives their row numbers.
    numbers = tuple((events.index.to_numpy(dtype=np.int64) + 2).tolist())
    return ImportRun(
        events.reset_index(drop=True), checked.problems, checked.rows_read, (path.name,), numbers
    )


def read_map_rows(path: Path) -> Checked:
    """The rows of one ACLED or UCDP GED export that pass the row checks (the same as
    :func:`read_events` keeps, by the same checks) and their map columns, reading only the
    columns of ``MAP_COLUMNS`` (:mod:`geodata.import_points`).

    Raises
    ------
    DataError
        If the file cannot be read as CSV, is in neither layout or names a column of its layout
        twice (as :func:`read_events` does: the header is judged whole, whichever columns are read).
    """
    return _checked(path, None, MAP_COLUMNS, *_read_table(path, MAP_COLUMNS))


def _read_table(
    path: Path, wanted: dict[str, tuple[str, ...]]
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """The rows of ``path`` as text (with at least the ``wanted`` columns of its layout), the rows
    that cannot be read, and the header's names (stripped, in lower case, repeats included).

    Raises
    ------
    DataError
        As :func:`geodata.import_layouts.detect_layout` does, before the rows are read, when the
        header is in neither layout or names a column of its layout twice.
    """
    header: list[list[str]] = []

    def columns_for(names: list[str]) -> set[str]:
        header.append(names)
        return set(wanted[detect_layout(names, path.name)])

    table, unreadable = csv_rows.read_rows(path, columns_for)
    # The table may hold only the columns asked for (Arrow's reader) or all (the record-by-record
    # reader, repeats included): the header says which layout the file is in, and _checked asks
    # detect_layout again (the header was not given to columns_for when the fast reader could not
    # read it, a blank line before it for one).
    return table, unreadable, header[-1] if header else [str(c) for c in table.columns]


def _checked(
    path: Path,
    fmt: str | None,
    wanted: dict[str, tuple[str, ...]],
    table: pd.DataFrame,
    unreadable: list[Problem],
    names: list[str],
) -> Checked:
    layout = detect_layout(names, path.name)
    if fmt is not None and layout != fmt:
        missing = [c for c in REQUIRED_COLUMNS[fmt] if c not in names]
        raise DataError(
            [
                Problem(
                    path.name, f"is not in the {fmt.upper()} layout: missing column(s) {', '.join(missing)}"
                )
            ]
        )
    # Only the columns read on are stripped (half the work, or less for the map's).
    used: pd.DataFrame = table[list(wanted[layout])].apply(lambda col: col.str.strip())
    checked = import_layouts.check_rows(used, layout, path.name)
    problems = tuple(sorted([*unreadable, *checked.problems], key=_row_order))
    return dataclasses.replace(checked, problems=problems, rows_read=len(table) + len(unreadable))


def _row_order(problem: Problem) -> int:
    return int((problem.feature or "row 0").split()[-1])


def load_event_files(paths: Sequence[Path]) -> ImportRun:
    """Read several exports (layout detected per file) into one run; a bad file never hides the rest."""
    frames: list[gpd.GeoDataFrame] = []
    problems: list[Problem] = []
    origins: list[tuple[str, int]] = []
    rows = 0
    for path in paths:
        try:
            run = read_events(path)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        frames.append(run.events)
        problems.extend(run.problems)
        origins.extend((path.name, row) for row in run.row_numbers)
        rows += run.rows_read
    events = pd.concat([empty_frame(), *frames], ignore_index=True) if frames else empty_frame()
    events = gpd.GeoDataFrame(events, geometry="geometry", crs=settings.WGS84)
    keep, repeated = _first_of_each_event(events["event_id"], origins)
    problems.extend(repeated)
    events = events[keep].reset_index(drop=True)
    numbers = tuple(row for (_, row), kept in zip(origins, keep, strict=True) if kept)
    return ImportRun(events, tuple(problems), rows, tuple(p.name for p in paths), numbers)


def _first_of_each_event(
    ids: pd.Series, origins: Sequence[tuple[str, int]]
) -> tuple[np.ndarray, list[Problem]]:
    """Which events to keep (the first with each id, across files) and a problem for each repeat."""
    repeat = ~first_of_each(ids)
    if not repeat.any():
        return ~repeat, []
    first = {event_id: i for i, event_id in reversed(list(enumerate(ids)))}
    problems = []
    for i in map(int, np.flatnonzero(repeat)):
        file, row = origins[i]
        first_file, first_row = origins[first[ids.iloc[i]]]
        problems.append(
            Problem(
                file,
                f"event {ids.iloc[i]} is already loaded from {first_file} row {first_row}; left out",
                f"row {row}",
            )
        )
    return ~repeat, problems


def first_of_each(ids: pd.Series) -> np.ndarray:
    """Which events are kept when several files are read: the first with each id."""
    kept: np.ndarray = ~csv_rows.repeats(ids)
    return kept


def empty_frame() -> gpd.GeoDataFrame:
    """An imported-events frame with no row (the ``imported`` layer when nothing was imported)."""
    columns = {name: pd.Series(dtype=object) for name in IMPORT_PROPERTIES}
    columns["uncertainty_km"] = pd.Series(dtype="float64")
    columns["confidence"] = pd.Series(dtype="float64")
    columns["fatalities"] = pd.Series(dtype="Int64")
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=settings.WGS84), crs=settings.WGS84)


def iso_days(days: pd.Series) -> pd.Series:
    """Days (timestamps at midnight) as the events' ISO dates."""
    return pd.to_datetime(days).dt.strftime("%Y-%m-%d")


def _frame(columns: dict[str, Any], lon: pd.Series, lat: pd.Series) -> gpd.GeoDataFrame:
    index = lon.index
    data = pd.DataFrame(index=index)
    for name in IMPORT_PROPERTIES:
        data[name] = columns.get(name)
    data["status"] = import_layouts.STATUS
    data["url"] = ""
    for name in ("date_start", "date_end"):
        data[name] = csv_rows.per_distinct(data[name], iso_days)
    data["uncertainty_km"] = data["uncertainty_km"].astype("float64")
    data["confidence"] = data["confidence"].astype("float64")
    data["fatalities"] = csv_rows.per_distinct(
        data["fatalities"], lambda counts: pd.to_numeric(counts, errors="coerce")
    ).astype("Int64")
    for name in IMPORT_PROPERTIES:
        if name not in ("uncertainty_km", "confidence", "fatalities"):
            data[name] = data[name].astype(object).where(data[name].notna(), None)
    geometry = gpd.points_from_xy(lon, lat, crs=settings.WGS84)
    # The index is the rows' position in the file: read_events turns it into row numbers.
    return gpd.GeoDataFrame(data, geometry=geometry, crs=settings.WGS84)
