"""Reading a CSV file of events row by row: every value as text, rows that cannot be read reported
by number, and the vectorised checks that flag bad rows (each with its message, every bad row
reported) for :mod:`geodata.imports`, which maps the rows that pass into events.

Rows are numbered as in a spreadsheet: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from geodata._errors import DataError, Problem, UsageError

#: Given the header's names (stripped, lower case, every one: a name given twice is there twice), the
#: names whose values are wanted, or ``None`` for all of them. It may raise to refuse the file before
#: its rows are read.
ColumnChoice = Callable[[list[str]], Collection[str] | None]


def _read_fast(path: Path, columns_for: ColumnChoice) -> pd.DataFrame | None:
    """The file as text columns through Arrow's multithreaded CSV reader (0.1 s for 100,000 ACLED
    rows, against 0.5 s for Python's ``csv``), or ``None`` when it cannot say what :func:`_read_slow`
    would: unreadable, not UTF-8, a row with too few or too many fields (Arrow cannot say which row),
    or a column to keep whose name the header gives twice."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if not header:
        return None
    # Only the columns the caller wants are converted (Arrow still parses and counts every field, so
    # a row with too few or too many fields still sends the file to the slow reader); when it wants
    # all, or a wanted column is named twice in different spellings, all are kept, so the columns
    # seen are what reading everything gives.
    names = [c.strip().lower() for c in header]
    wanted = columns_for(names)
    keep = header
    if wanted is not None:
        kept = [name for name in names if name in wanted]
        if len(set(kept)) == len(kept):
            keep = [raw for raw, name in zip(header, names, strict=True) if name in wanted]
    # Arrow gives the first of two columns named alike for both, silently; the slow reader keeps
    # each. A repeated name of a column not kept is harmless (a spreadsheet's unnamed columns).
    repeated = {raw for raw in header if header.count(raw) > 1}
    if repeated.intersection(keep):
        return None
    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(keep, pa.string()),
                strings_can_be_null=False,
                include_columns=keep,
            ),
        )
    except (pa.ArrowException, OSError):
        return None
    if table.column_names != keep:
        return None
    frame: pd.DataFrame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
    return frame


def _read_slow(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The file read record by record with Python's ``csv``, so that a row with too few or too many
    fields is reported with its number and left out, and every other row is kept (pandas' parser
    refuses the whole file for one long row and fills a short one with blanks, silently). Every
    column is kept, also those the header names alike: which of them counts is the caller's choice."""
    header: list[str] | None = None
    records: list[list[str]] = []
    index: list[int] = []
    problems: list[Problem] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        number = -1  # data records, counted as the fast reader counts them (blank lines skipped)
        try:
            for fields in csv.reader(handle, strict=True):
                if not fields:
                    continue
                if header is None:
                    header = fields
                    continue
                number += 1
                if len(fields) == len(header):
                    records.append(fields)
                    index.append(number)
                    continue
                fix = (
                    "a value is missing"
                    if len(fields) < len(header)
                    else "a comma inside a value needs quotes"
                )
                problems.append(
                    Problem(
                        path.name,
                        f"has {len(fields)} fields where the header has {len(header)} ({fix}); row left out",
                        f"row {number + 2}",
                    )
                )
        except csv.Error as exc:
            raise DataError(
                [Problem(path.name, f"cannot be read as CSV: {exc}", f"row {number + 3}")]
            ) from exc
    if header is None:
        raise DataError([Problem(path.name, "is empty: no header row")])
    table = pd.DataFrame(records, columns=header, index=pd.Index(index, dtype="int64"), dtype=object)
    if len(records) == 0:
        table = table.astype(object)
    return table, problems


def read_rows(path: Path, columns_for: ColumnChoice) -> tuple[pd.DataFrame, list[Problem]]:
    """Every data row as text (we parse and report each value ourselves), indexed by its position
    among the data rows, and the rows that could not be read.

    ``columns_for`` is given the header's names once, before any row is read, when the header can
    be read as it stands (else the table's columns are every name of the header, repeats included);
    what it raises is raised here. Columns named alike are all kept, never one chosen among them.
    """
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give one ACLED or UCDP GED CSV file")
    fast = _read_fast(path, columns_for) if path.is_file() else None
    problems: list[Problem] = []
    try:
        if fast is not None:
            table = fast
        else:
            table, problems = _read_slow(path)
    except FileNotFoundError as exc:
        raise DataError([Problem(path.name, "file not found")]) from exc
    except UnicodeDecodeError as exc:
        raise DataError([Problem(path.name, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from exc
    except OSError as exc:
        raise DataError([Problem(path.name, f"cannot be read: {exc.strerror or exc}")]) from exc
    table.columns = [str(c).strip().lower() for c in table.columns]
    return table, problems


class RowProblems:
    """Collects per-row messages from vectorised checks; rows with any are skipped."""

    def __init__(self, table: pd.DataFrame, file: str) -> None:
        self.file = file
        self.bad = pd.Series(False, index=table.index)
        self.messages: list[tuple[int, str]] = []

    def add(self, mask: pd.Series, message: str | Callable[[pd.Series], pd.Series]) -> None:
        """Flag the rows of ``mask`` with ``message``, or with ``message(mask)``: a function that
        builds the texts of the flagged rows only (building one per row cost more than the check)."""
        flagged = mask.to_numpy(dtype=bool)
        if not flagged.any():
            return
        texts = message(mask) if callable(message) else pd.Series(message, index=mask.index[flagged])
        for index in mask.index[flagged]:
            self.messages.append((int(index), str(texts[index])))
        self.bad |= mask

    def problems(self) -> list[Problem]:
        # Spreadsheet numbering: the header is row 1, the first data row is row 2.
        return [Problem(self.file, msg, f"row {index + 2}") for index, msg in sorted(self.messages)]


def per_distinct(values: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``convert(values)``, computed once per distinct value and spread back over the rows.

    Events repeat their places, dates and counts (a million ACLED rows hold a few thousand distinct
    coordinates), so converting the distinct texts only is several times faster; the conversions
    used here read each value on its own, and the set of distinct values (which decides the result's
    dtype) is the same, so the result is the same as converting every row.
    """
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():  # a missing value: no distinct text stands for it
        return convert(values)
    converted = convert(pd.Series(uniques, dtype=values.dtype))
    # Taken from the converted array itself: building a million Arrow strings back from Python
    # objects cost more than the conversion.
    return pd.Series(converted.array.take(codes), index=values.index, name=values.name)


def per_distinct_row(table: pd.DataFrame, convert: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """``convert(table)``, computed once per distinct row of ``table`` and spread back over the rows.

    :func:`per_distinct` for a value made of several columns (a day and its precision, a type and
    its sub-type): a million events hold a few thousand distinct pairs. ``convert`` must read each
    row on its own and give one row per row; the result has ``table``'s index.
    """
    key, first = distinct_rows([table[column] for column in table.columns])
    converted = convert(table.iloc[first])
    spread = converted.take(key)
    spread.index = table.index
    return spread


def distinct_rows(columns: Sequence[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """The code of each row's distinct combination of ``columns``' values (numbered from 0 in the
    order the combinations first appear) and the first row of each code.

    Found by hashing each column's values and then the codes so far (``pd.factorize``): sorting the
    rows instead (``np.unique`` with ``axis=0``) took 3 s for a million rows of three numbers.
    """
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        # One code per distinct row so far (at most the row count, so the product stays in int64).
        key, _ = pd.factorize(key * len(uniques) + codes)
    # Codes are given in the order the rows first appear, so a row is the first of its code when its
    # code exceeds every code before it (a pass over the rows, where np.unique sorts them).
    new = np.ones(len(key), dtype=bool)
    new[1:] = key[1:] > np.maximum.accumulate(key)[:-1]
    return key, np.flatnonzero(new)


def mapped(values: pd.Series, mapping: Mapping[str, object]) -> pd.Series:
    """``values.map(mapping)``, looked up once per distinct code."""
    return per_distinct(values, lambda codes: codes.map(mapping))


def numbers(values: pd.Series) -> pd.Series:
    return per_distinct(values, lambda texts: pd.to_numeric(texts.replace("", None), errors="coerce"))


def coordinates(table: pd.DataFrame, checks: RowProblems) -> tuple[pd.Series, pd.Series]:
    lat = numbers(table["latitude"])
    lon = numbers(table["longitude"])
    empty = (table["latitude"] == "") | (table["longitude"] == "")
    checks.add(empty, "missing coordinates (latitude/longitude)")
    unreadable = ~empty & (lat.isna() | lon.isna())
    checks.add(
        unreadable,
        lambda rows: (
            "coordinates are not numbers: latitude "
            + table.loc[rows, "latitude"].map(repr)
            + ", longitude "
            + table.loc[rows, "longitude"].map(repr)
        ),
    )
    outside = ~lat.between(-90, 90) | ~lon.between(-180, 180)
    checks.add(
        lat.notna() & lon.notna() & outside,
        lambda rows: (
            "coordinates outside the world: latitude "
            + lat[rows].astype(str)
            + ", longitude "
            + lon[rows].astype(str)
            + " (latitude -90..90, longitude -180..180)"
        ),
    )
    return lon, lat


def codes(values: pd.Series, mapping: Mapping[str, object], column: str, checks: RowProblems) -> pd.Series:
    unknown = ~values.isin(list(mapping))
    checks.add(
        unknown, lambda rows: f"{column} " + values[rows].map(repr) + f" is not one of {', '.join(mapping)}"
    )
    return values


def required_text(values: pd.Series, column: str, checks: RowProblems) -> None:
    checks.add(values == "", f"missing {column}")


def deaths(values: pd.Series, column: str, checks: RowProblems) -> None:
    # A count of deaths: a whole number (spreadsheets may add ".0"), or empty when unknown.
    bad = (values != "") & ~values.str.fullmatch(r"\d+(?:\.0+)?").fillna(False).astype(bool)
    checks.add(
        bad,
        lambda rows: (
            f"{column} " + values[rows].map(repr) + " is not a number of deaths (a whole number, or empty)"
        ),
    )


def unique_ids(ids: pd.Series, column: str, checks: RowProblems) -> None:
    """An id names one event: the first row with it is kept, each later one is reported and left out."""
    candidates = ids[~checks.bad & (ids != "")]
    repeat = pd.Series(repeats(candidates), index=candidates.index)
    if not repeat.any():
        return
    first = candidates.index.to_series().groupby(candidates.to_numpy()).transform("first")
    first_row = (first + 2).reindex(ids.index)
    checks.add(
        repeat.reindex(ids.index, fill_value=False),
        lambda rows: (
            f"{column} "
            + ids[rows].map(repr)
            + " is also on row "
            + first_row[rows].astype("int64").astype(str)
            + "; only the first is kept"
        ),
    )


def repeats(values: pd.Series) -> np.ndarray:
    """``values.duplicated(keep="first")``: each value seen before, from the values' codes (pandas'
    ``duplicated`` hashes each of a million Arrow strings again, several times slower)."""
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    seen = np.ones(len(codes), dtype=bool)
    seen[np.unique(codes, return_index=True)[1]] = False
    return seen
