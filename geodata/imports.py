"""Read event data others publish (ACLED and UCDP GED CSV exports) into our event schema.

Analysts bring their own events and want to see them against the zones. Each row of an ACLED or
UCDP GED CSV becomes one event with the record properties of the events we read out of articles
(``geodata.schema.EVENT_RECORD_PROPERTIES``; no ``review``), plus ``dataset`` (``acled`` or
``ucdp``), ``source_id`` (the source's own id), ``original_type`` (the source's type, before
mapping) and ``fatalities``. The ``event_id`` is ``<dataset>:<source id>`` (``acled:SYR12345``,
``ucdp:123456``), ``status`` is always ``occurred``, ``url``, ``article``, ``also_reported_in``,
``place_id`` and ``published`` are empty (the datasets do not give them per event).

Mappings (also in README.md, "Export and import"):

- Kind. ACLED ``sub_event_type`` first: Agreement -> ``agreement``; Headquarters or base
  established -> ``deployment``; any other sub-event of Strategic developments, Protests or Riots
  -> ``other``. Then ``event_type``: Battles, Explosions/Remote violence and Violence against
  civilians -> ``attack``. UCDP ``type_of_violence`` (1 state-based, 2 non-state, 3 one-sided:
  every GED event is a fatal attack) -> ``attack``. Anything else -> ``other``.
  ``original_type`` keeps ``event_type: sub_event_type`` (ACLED) or the violence type and the
  conflict name (UCDP).
- Place precision. ACLED ``geo_precision`` 1 (the town itself) -> ``town``, 5 km; 2 (near the town,
  or a part of a region) -> ``district``, 25 km; 3 (a larger region, coded at its capital) ->
  ``governorate``, 75 km. UCDP ``where_prec`` 1 (exact place) -> ``town``, 5 km; 2 (within 25 km
  of a known point) -> ``district``, 25 km; 3 (second-order division) -> ``district``, 25 km; 4
  (first-order division) -> ``governorate``, 75 km; 5 (a larger area or linear feature) ->
  ``governorate``, 150 km; 6 (the country) and 7 (waters or airspace) -> ``country``, 400 km.
  The kilometres are ``uncertainty_km``.
- Date precision. ACLED ``time_precision`` 1 -> ``day`` (``event_date``); 2 -> ``week`` (the week
  around ``event_date``, 3 days either side); 3 -> ``month`` (the calendar month of
  ``event_date``). ``event_date`` may be ``15 March 2019``, ``2019-03-15`` or ``15/03/2019``. UCDP
  keeps ``date_start`` and ``date_end``; ``date_prec`` 1 -> ``day``, 2 (2-6 days) -> ``range``,
  3 -> ``week``, 4 (8-30 days) -> ``month``, 5 (up to a year) -> ``year``.
- Text. ``place`` is ACLED ``location`` / UCDP ``where_coordinates``; ``actors`` joins actor1,
  assoc_actor_1, actor2, assoc_actor_2 (ACLED) or side_a, side_b (UCDP) with ``"; "``; ``outlet``
  is ACLED ``source`` / UCDP ``source_office``; ``quote`` is ACLED ``notes`` / UCDP
  ``source_headline``; ``fatalities`` is ACLED ``fatalities`` / UCDP ``best``.
- ``confidence`` is 1.0 (hand-coded by the dataset's team), 0.5 for UCDP rows with
  ``event_clarity`` 2 (the source is unclear about the event).

A row with missing or non-numeric coordinates, coordinates outside the world, an unreadable date,
an unknown precision code or no id is reported as a :class:`~geodata._errors.Problem` naming its row
(numbered as in a spreadsheet: the header is row 1) and skipped; the other rows load. A file in
neither layout raises :class:`~geodata._errors.DataError` naming the missing columns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata import csv_rows, settings
from geodata._errors import DataError, Problem, UsageError
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

#: The columns of an ACLED CSV export, in its order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
#: The columns of a UCDP GED CSV export, in its order.
UCDP_COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_new_id",
    "conflict_name", "dyad_new_id", "dyad_name", "side_a", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude",
    "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low",
)  # fmt: skip
#: The columns each layout must have (ACLED dropped or added a few over the years; we need these).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "acled": (
        "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
        "assoc_actor_1", "actor2", "assoc_actor_2", "location", "latitude", "longitude",
        "geo_precision", "source", "notes", "fatalities",
    ),
    "ucdp": (
        "id", "type_of_violence", "conflict_name", "side_a", "side_b", "source_office",
        "source_headline", "where_prec", "where_coordinates", "latitude", "longitude",
        "event_clarity", "date_prec", "date_start", "date_end", "best",
    ),
}  # fmt: skip

ACLED_SUB_EVENT_KINDS: dict[str, str] = {
    "Agreement": "agreement",
    "Headquarters or base established": "deployment",
}
ACLED_EVENT_TYPE_KINDS: dict[str, str] = {
    "Battles": "attack",
    "Explosions/Remote violence": "attack",
    "Violence against civilians": "attack",
}
#: ACLED ``geo_precision`` -> our ``geo_precision`` and ``uncertainty_km``.
ACLED_GEO_PRECISION: dict[str, tuple[str, float]] = {
    "1": ("town", 5.0),
    "2": ("district", 25.0),
    "3": ("governorate", 75.0),
}
ACLED_TIME_PRECISION: dict[str, str] = {"1": "day", "2": "week", "3": "month"}
#: UCDP ``where_prec`` -> our ``geo_precision`` and ``uncertainty_km``.
UCDP_WHERE_PRECISION: dict[str, tuple[str, float]] = {
    "1": ("town", 5.0),
    "2": ("district", 25.0),
    "3": ("district", 25.0),
    "4": ("governorate", 75.0),
    "5": ("governorate", 150.0),
    "6": ("country", 400.0),
    "7": ("country", 400.0),
}
UCDP_DATE_PRECISION: dict[str, str] = {"1": "day", "2": "range", "3": "week", "4": "month", "5": "year"}
UCDP_VIOLENCE_TYPES: dict[str, str] = {
    "1": "state-based conflict",
    "2": "non-state conflict",
    "3": "one-sided violence",
}

# "15 March 2019" (ACLED's own exports), ISO (its API), "15/03/2019" (dd-mm-yyyy in its codebook).
_ACLED_DATE_FORMATS = ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d-%B-%Y")


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


def detect_layout(columns: Iterable[str], file: str) -> str:
    """``acled`` or ``ucdp``: the layout whose required columns the header has.

    Raises
    ------
    DataError
        If the header has neither, naming the columns missing for the closer layout.
    """
    present = {c.strip().lower() for c in columns}
    missing = {name: [c for c in need if c not in present] for name, need in REQUIRED_COLUMNS.items()}
    for name, absent in missing.items():
        if not absent:
            return name
    closest = min(missing, key=lambda name: len(missing[name]))
    raise DataError(
        [
            Problem(
                file,
                "is neither an ACLED nor a UCDP GED CSV export; closest is "
                f"{closest.upper()}, which needs the missing column(s) {', '.join(missing[closest])}",
            )
        ]
    )


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
    table, unreadable = csv_rows.read_rows(path, _columns_to_read)
    layout = detect_layout(table.columns, path.name)
    if fmt is not None and layout != fmt:
        missing = [c for c in REQUIRED_COLUMNS[fmt] if c not in table.columns]
        raise DataError(
            [
                Problem(
                    path.name, f"is not in the {fmt.upper()} layout: missing column(s) {', '.join(missing)}"
                )
            ]
        )
    reader = _acled if layout == "acled" else _ucdp
    # Only the columns the layout maps are read on, so only those are stripped (half the work).
    used: pd.DataFrame = table[list(REQUIRED_COLUMNS[layout])].apply(lambda col: col.str.strip())
    events, problems = reader(used, path.name)
    problems = sorted([*unreadable, *problems], key=_row_order)
    rows = len(table) + len(unreadable)
    if problems:
        log.debug("%s: %d of %d rows skipped", path.name, rows - len(events), rows)
    # The events keep their row's position as index until here: it gives their row numbers.
    numbers = tuple((events.index.to_numpy(dtype=np.int64) + 2).tolist())
    return ImportRun(events.reset_index(drop=True), tuple(problems), rows, (path.name,), numbers)


def _columns_to_read(names: list[str]) -> set[str] | None:
    """The columns a layout maps, when the header is in one (else all, for the layout's error)."""
    try:
        detect_layout(names, "")
    except DataError:
        return None
    return {column for columns in REQUIRED_COLUMNS.values() for column in columns}


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
    repeat = ids.duplicated(keep="first").to_numpy()
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


def empty_frame() -> gpd.GeoDataFrame:
    """An imported-events frame with no row (the ``imported`` layer when nothing was imported)."""
    columns = {name: pd.Series(dtype=object) for name in IMPORT_PROPERTIES}
    columns["uncertainty_km"] = pd.Series(dtype="float64")
    columns["confidence"] = pd.Series(dtype="float64")
    columns["fatalities"] = pd.Series(dtype="Int64")
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=settings.WGS84), crs=settings.WGS84)


def _acled_dates(values: pd.Series) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in _ACLED_DATE_FORMATS:
        missing = parsed.isna().to_numpy()
        if not missing.any():
            break
        # Each format only tries the values the previous ones could not read.
        parsed[missing] = pd.to_datetime(values[missing], format=fmt, errors="coerce")
    return parsed


def _acled(table: pd.DataFrame, file: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    checks = csv_rows.RowProblems(table, file)
    csv_rows.required_text(table["event_id_cnty"], "event_id_cnty", checks)
    day = _acled_dates(table["event_date"])
    checks.add(
        day.isna(),
        lambda rows: (
            "event_date "
            + table.loc[rows, "event_date"].map(repr)
            + " cannot be read (expected e.g. 15 March 2019)"
        ),
    )
    time_code = csv_rows.codes(table["time_precision"], ACLED_TIME_PRECISION, "time_precision", checks)
    geo_code = csv_rows.codes(table["geo_precision"], ACLED_GEO_PRECISION, "geo_precision", checks)
    lon, lat = csv_rows.coordinates(table, checks)
    csv_rows.deaths(table["fatalities"], "fatalities", checks)
    csv_rows.unique_ids(table["event_id_cnty"], "event_id_cnty", checks)
    good = ~checks.bad
    t, day, time_code, geo_code = table[good], day[good], time_code[good], geo_code[good]
    precision = csv_rows.mapped(time_code, ACLED_TIME_PRECISION)
    month = day.dt.to_period("M")
    start = day.where(precision != "week", day - pd.Timedelta(days=3))
    start = start.where(precision != "month", month.dt.start_time)
    end = day.where(precision != "week", day + pd.Timedelta(days=3))
    end = end.where(precision != "month", month.dt.end_time.dt.normalize())
    kind = csv_rows.mapped(t["sub_event_type"], ACLED_SUB_EVENT_KINDS)
    kind = kind.fillna(csv_rows.mapped(t["event_type"], ACLED_EVENT_TYPE_KINDS)).fillna("other")
    columns = {
        "event_id": "acled:" + t["event_id_cnty"],
        "kind": kind,
        "date_start": start,
        "date_end": end,
        "date_precision": precision,
        "place": t["location"],
        "geo_precision": csv_rows.mapped(geo_code, {c: v[0] for c, v in ACLED_GEO_PRECISION.items()}),
        "uncertainty_km": csv_rows.mapped(geo_code, {c: v[1] for c, v in ACLED_GEO_PRECISION.items()}),
        "actors": _join(t, ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")),
        "outlet": t["source"],
        "quote": t["notes"],
        "confidence": 1.0,
        "dataset": "acled",
        "source_id": t["event_id_cnty"],
        "original_type": t["event_type"] + ": " + t["sub_event_type"],
        "fatalities": t["fatalities"],
    }
    return _frame(columns, lon[good], lat[good]), checks.problems()


def _ucdp(table: pd.DataFrame, file: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    checks = csv_rows.RowProblems(table, file)
    csv_rows.required_text(table["id"], "id", checks)
    start = pd.to_datetime(table["date_start"], format="ISO8601", errors="coerce")
    end = pd.to_datetime(table["date_end"], format="ISO8601", errors="coerce")
    checks.add(
        start.isna(), lambda rows: "date_start " + table.loc[rows, "date_start"].map(repr) + " cannot be read"
    )
    checks.add(
        end.isna(), lambda rows: "date_end " + table.loc[rows, "date_end"].map(repr) + " cannot be read"
    )
    checks.add(start.notna() & end.notna() & (end < start), "date_end is before date_start")
    date_code = csv_rows.codes(table["date_prec"], UCDP_DATE_PRECISION, "date_prec", checks)
    where_code = csv_rows.codes(table["where_prec"], UCDP_WHERE_PRECISION, "where_prec", checks)
    lon, lat = csv_rows.coordinates(table, checks)
    csv_rows.deaths(table["best"], "best", checks)
    csv_rows.unique_ids(table["id"], "id", checks)
    good = ~checks.bad
    t, where_code = table[good], where_code[good]
    violence = csv_rows.mapped(t["type_of_violence"], UCDP_VIOLENCE_TYPES)
    columns = {
        "event_id": "ucdp:" + t["id"],
        "kind": violence.notna().map({True: "attack", False: "other"}),
        "date_start": start[good].dt.normalize(),
        "date_end": end[good].dt.normalize(),
        "date_precision": csv_rows.mapped(date_code[good], UCDP_DATE_PRECISION),
        "place": t["where_coordinates"],
        "geo_precision": csv_rows.mapped(where_code, {c: v[0] for c, v in UCDP_WHERE_PRECISION.items()}),
        "uncertainty_km": csv_rows.mapped(where_code, {c: v[1] for c, v in UCDP_WHERE_PRECISION.items()}),
        "actors": _join(t, ("side_a", "side_b")),
        "outlet": t["source_office"],
        "quote": t["source_headline"],
        "confidence": np.where(t["event_clarity"] == "2", 0.5, 1.0),
        "dataset": "ucdp",
        "source_id": t["id"],
        "original_type": violence.fillna("type_of_violence " + t["type_of_violence"])
        + ": "
        + t["conflict_name"],
        "fatalities": t["best"],
    }
    return _frame(columns, lon[good], lat[good]), checks.problems()


def _join(table: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    # "; ".join of the non-empty values, column by column over all rows at once.
    joined = table[columns[0]].astype(str)
    for column in columns[1:]:
        part = table[column].astype(str)
        both = (joined != "") & (part != "")
        joined = (joined + "; " + part).where(both, joined + part)
    return joined


def _frame(columns: dict[str, Any], lon: pd.Series, lat: pd.Series) -> gpd.GeoDataFrame:
    index = lon.index
    data = pd.DataFrame(index=index)
    for name in IMPORT_PROPERTIES:
        data[name] = columns.get(name)
    data["status"] = "occurred"
    data["url"] = ""
    for name in ("date_start", "date_end"):
        data[name] = csv_rows.per_distinct(
            data[name], lambda days: pd.to_datetime(days).dt.strftime("%Y-%m-%d")
        )
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
