"""The ACLED and UCDP GED CSV layouts: their columns, how their values map onto our event schema,
and the row checks (:mod:`geodata.csv_rows`) that decide which rows become events. One function per
layout checks the rows and gives the columns the map needs (:class:`Checked`), another the text the
tables show; :mod:`geodata.imports` reads files with them, whole or for the map's columns only, so
both readers keep the same rows by the same rules.

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
an unknown precision code, a death count that is not a whole number, or no id (or one already used
earlier in the file) is reported as a :class:`~geodata._errors.Problem` naming its row and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodata import csv_rows
from geodata._errors import DataError, Problem

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
#: Of those, the columns the row checks and the map's points read (:class:`Checked`); the others
#: are text for the tables only.
MAP_COLUMNS: dict[str, tuple[str, ...]] = {
    "acled": (
        "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "latitude",
        "longitude", "geo_precision", "fatalities",
    ),
    "ucdp": (
        "id", "type_of_violence", "where_prec", "latitude", "longitude", "date_prec", "date_start",
        "date_end", "best",
    ),
}  # fmt: skip
#: Every imported event happened (the datasets record what occurred, not plans).
STATUS = "occurred"

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
class Checked:
    """The rows of one file that pass the row checks, with the columns of their events that the
    map needs (what :func:`read_events` and :mod:`geodata.import_points` share).

    Attributes
    ----------
    layout
        ``acled`` or ``ucdp``.
    rows
        The rows that pass, as stripped text, indexed by their position among the file's data rows.
    columns
        Of those rows: ``event_id``, ``kind``, ``date_start`` and ``date_end`` (days, as
        timestamps), ``date_precision``, ``geo_precision``, ``uncertainty_km`` and ``dataset``.
    lon, lat
        Of those rows, as numbers.
    problems
        Every row left out (unreadable, or failing a check), in row order.
    rows_read
        Data rows read from the file (header excluded).
    """

    layout: str
    rows: pd.DataFrame
    columns: dict[str, Any]
    lon: pd.Series
    lat: pd.Series
    problems: tuple[Problem, ...]
    rows_read: int


def check_rows(table: pd.DataFrame, layout: str, file: str) -> Checked:
    """The rows of ``table`` (stripped text of the ``layout``'s columns, at least ``MAP_COLUMNS``)
    that pass the checks, with their map columns; ``problems`` holds those that do not."""
    return (_acled if layout == "acled" else _ucdp)(table, file)


def text_columns(rows: pd.DataFrame, layout: str) -> dict[str, Any]:
    """The columns of checked ``rows`` (all ``REQUIRED_COLUMNS``) the tables show and the map does
    not need: place, actors, outlet, quote, confidence, source id, original type, fatalities."""
    return (_acled_text if layout == "acled" else _ucdp_text)(rows)


def detect_layout(columns: Iterable[str], file: str) -> str:
    """``acled`` or ``ucdp``: the layout whose required columns the header has.

    Raises
    ------
    DataError
        If the header has neither, naming the columns missing for the closer layout; or if it names
        one of the layout's columns twice, in one spelling or two (``latitude`` and ``LATITUDE``:
        which one holds the data cannot be known), naming those columns. ``columns`` must be every
        name of the header, repeats included (:func:`geodata.csv_rows.read_rows` gives them so).
    """
    names = [c.strip().lower() for c in columns]
    present = set(names)
    missing = {name: [c for c in need if c not in present] for name, need in REQUIRED_COLUMNS.items()}
    for name, absent in missing.items():
        if not absent:
            # Only the columns we read count: a repeat of another (ACLED's tags twice, the unnamed
            # columns a spreadsheet adds after the last) changes no event, and refusing the file
            # for it would only send the user to edit a header for nothing.
            twice = [c for c in REQUIRED_COLUMNS[name] if names.count(c) > 1]
            if twice:
                raise DataError(
                    [
                        Problem(
                            file,
                            f"names the column(s) {', '.join(twice)} more than once in its header "
                            "(letter case and spaces aside), so which one holds the values is "
                            "unclear; keep one of each and read it again",
                        )
                    ]
                )
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


def _acled_dates(values: pd.Series) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in _ACLED_DATE_FORMATS:
        missing = parsed.isna().to_numpy()
        if not missing.any():
            break
        # Each format only tries the values the previous ones could not read.
        parsed[missing] = pd.to_datetime(values[missing], format=fmt, errors="coerce")
    return parsed


def _acled(table: pd.DataFrame, file: str) -> Checked:
    checks = csv_rows.RowProblems(table, file)
    csv_rows.required_text(table["event_id_cnty"], "event_id_cnty", checks)
    day = csv_rows.per_distinct(table["event_date"], _acled_dates)
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
    span = csv_rows.per_distinct_row(pd.DataFrame({"day": day, "precision": precision}), _acled_span)
    kind = csv_rows.per_distinct_row(t[["sub_event_type", "event_type"]], _acled_kind)["kind"]
    columns = {
        "event_id": "acled:" + t["event_id_cnty"],
        "kind": kind,
        "date_start": span["start"],
        "date_end": span["end"],
        "date_precision": precision,
        **_place_precision(geo_code, ACLED_GEO_PRECISION),
        "dataset": "acled",
    }
    return Checked("acled", t, columns, lon[good], lat[good], tuple(checks.problems()), len(table))


def _place_precision(codes: pd.Series, precisions: Mapping[str, tuple[str, float]]) -> dict[str, pd.Series]:
    """``geo_precision`` and ``uncertainty_km`` of a layout's place precision ``codes`` (checked)."""
    return {
        "geo_precision": csv_rows.mapped(codes, {code: v[0] for code, v in precisions.items()}),
        "uncertainty_km": csv_rows.mapped(codes, {code: v[1] for code, v in precisions.items()}),
    }


def _acled_span(days: pd.DataFrame) -> pd.DataFrame:
    """The first and last day of events on ``day`` with the time ``precision`` (day, week, month)."""
    day, precision = days["day"], days["precision"]
    month = day.dt.to_period("M")
    start = day.where(precision != "week", day - pd.Timedelta(days=3))
    start = start.where(precision != "month", month.dt.start_time)
    end = day.where(precision != "week", day + pd.Timedelta(days=3))
    end = end.where(precision != "month", month.dt.end_time.dt.normalize())
    return pd.DataFrame({"start": start, "end": end})


def _acled_kind(types: pd.DataFrame) -> pd.DataFrame:
    """Our kind of events of ACLED's ``sub_event_type`` and ``event_type``."""
    kind = csv_rows.mapped(types["sub_event_type"], ACLED_SUB_EVENT_KINDS)
    kind = kind.fillna(csv_rows.mapped(types["event_type"], ACLED_EVENT_TYPE_KINDS)).fillna("other")
    return pd.DataFrame({"kind": kind})


def _acled_text(t: pd.DataFrame) -> dict[str, Any]:
    """The columns of ACLED rows (checked) the tables show and the map does not need."""
    return {
        "place": t["location"],
        "actors": _join(t, ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")),
        "outlet": t["source"],
        "quote": t["notes"],
        "confidence": 1.0,
        "source_id": t["event_id_cnty"],
        "original_type": t["event_type"] + ": " + t["sub_event_type"],
        "fatalities": t["fatalities"],
    }


def _ucdp(table: pd.DataFrame, file: str) -> Checked:
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
        **_place_precision(where_code, UCDP_WHERE_PRECISION),
        "dataset": "ucdp",
    }
    return Checked("ucdp", t, columns, lon[good], lat[good], tuple(checks.problems()), len(table))


def _ucdp_text(t: pd.DataFrame) -> dict[str, Any]:
    """The columns of UCDP rows (checked) the tables show and the map does not need."""
    violence = csv_rows.mapped(t["type_of_violence"], UCDP_VIOLENCE_TYPES)
    return {
        "place": t["where_coordinates"],
        "actors": _join(t, ("side_a", "side_b")),
        "outlet": t["source_office"],
        "quote": t["source_headline"],
        "confidence": np.where(t["event_clarity"] == "2", 0.5, 1.0),
        "source_id": t["id"],
        "original_type": violence.fillna("type_of_violence " + t["type_of_violence"])
        + ": "
        + t["conflict_name"],
        "fatalities": t["best"],
    }


def _join(table: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    # "; ".join of the non-empty values, column by column over all rows at once.
    joined = table[columns[0]].astype(str)
    for column in columns[1:]:
        part = table[column].astype(str)
        both = (joined != "") & (part != "")
        joined = (joined + "; " + part).where(both, joined + part)
    return joined
