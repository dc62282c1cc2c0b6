"""Reading event CSVs row by row: the columns chosen, rows that cannot be read, the vectorised row checks."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodata import csv_rows
from geodata._errors import DataError, Problem


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_chosen_columns_hold_what_reading_every_column_holds(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "a.csv",
        [" ID ,Latitude,notes,Other", 'x1,35.5,"a, ""quoted""\nnote",o1', "x2, 36 ,,o2"],
    )
    everything, problems = csv_rows.read_rows(path, lambda names: None)
    chosen, chosen_problems = csv_rows.read_rows(path, lambda names: {"id", "latitude", "notes"})
    assert problems == chosen_problems == []
    assert list(everything.columns) == ["id", "latitude", "notes", "other"]
    assert list(chosen.columns) == ["id", "latitude", "notes"]
    pd.testing.assert_frame_equal(chosen, everything[["id", "latitude", "notes"]])
    assert chosen.loc[0, "notes"] == 'a, "quoted"\nnote'


def test_a_column_named_twice_in_two_spellings_is_read_as_without_a_choice(tmp_path: Path) -> None:
    path = _write(tmp_path / "twice.csv", ["id,ID,x", "1,2,3"])
    everything, _ = csv_rows.read_rows(path, lambda names: None)
    chosen, _ = csv_rows.read_rows(path, lambda names: {"id"})
    pd.testing.assert_frame_equal(chosen, everything)


@pytest.mark.parametrize("ragged", [False, True])
def test_a_name_repeated_in_the_same_spelling_is_seen_and_never_chosen(tmp_path: Path, ragged: bool) -> None:
    # The choice sees every name of the header, once; the columns named alike are all kept (a
    # ragged row sends the file to the record-by-record reader, which must not choose one either).
    lines = ["id,x,X,x,,", "1,2,3,4,5,6", "7,8,9,10,11,12"]
    path = _write(tmp_path / "twice.csv", [*lines, "13"] if ragged else lines)
    seen: list[list[str]] = []

    def everything(names: list[str]) -> None:
        seen.append(names)
        return None

    table, _ = csv_rows.read_rows(path, everything)
    assert seen == [["id", "x", "x", "x", "", ""]]
    assert list(table.columns) == ["id", "x", "x", "x", "", ""]
    assert table.iloc[:, 3].tolist() == ["4", "10"]
    chosen, _ = csv_rows.read_rows(path, lambda names: {"id"})
    assert chosen["id"].tolist() == ["1", "7"]
    if not ragged:  # the repeats are not chosen: Arrow's reader reads the rest alone
        assert list(chosen.columns) == ["id"]


def test_a_choice_may_refuse_the_file_before_its_rows_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "refused.csv", ["id,id", "1,2", "3"])

    def refuse(names: list[str]) -> None:
        raise DataError([Problem("refused.csv", f"names {names[0]} twice")])

    with pytest.raises(DataError, match=r"refused\.csv: names id twice"):
        csv_rows.read_rows(path, refuse)


def test_a_row_with_a_wrong_field_count_is_reported_whatever_the_choice(tmp_path: Path) -> None:
    path = _write(tmp_path / "ragged.csv", ["id,lat,x", "1,2,3", "4,5", "6,7,8,9", "10,11,12"])
    table, problems = csv_rows.read_rows(path, lambda names: {"id", "lat"})
    assert [p.feature for p in problems] == ["row 3", "row 4"]
    assert list(table["id"]) == ["1", "10"]
    assert list(table.index) == [0, 3]


def test_converting_distinct_values_gives_what_converting_every_row_gives() -> None:
    rng = random.Random(3)
    pool = ["1", "2", "36.5", "", "x", "-inf", "nan", "1e2", "0x10", "35.61370", "007"]
    for size in (0, 1, 50, 2000):
        for choices in (pool, ["1", "2", "3"], ["", "abc"]):
            values = pd.Series([rng.choice(choices) for _ in range(size)], dtype="str")
            values.index = values.index * 3 + 5  # not a plain range: the index is kept
            convert = lambda texts: pd.to_numeric(texts.replace("", None), errors="coerce")  # noqa: E731
            pd.testing.assert_series_equal(csv_rows.per_distinct(values, convert), convert(values))
            pd.testing.assert_series_equal(
                csv_rows.mapped(values, {"1": "one", "36.5": "lat"}), values.map({"1": "one", "36.5": "lat"})
            )


def test_missing_values_are_converted_row_by_row() -> None:
    days = pd.Series(pd.to_datetime(["2019-03-01", None, "2019-03-01"]))
    convert = lambda d: d.dt.strftime("%Y-%m-%d")  # noqa: E731
    pd.testing.assert_series_equal(csv_rows.per_distinct(days, convert), convert(days))


def test_converting_distinct_rows_gives_what_converting_every_row_gives() -> None:
    rng = random.Random(5)

    def convert(rows: pd.DataFrame) -> pd.DataFrame:
        # A row's result depends on both its columns, each read on its own row.
        late = rows["day"] + pd.Timedelta(days=3)
        named = rows["code"].map({"1": "one", "2": "two"}).fillna(rows["code"] + "!")
        return pd.DataFrame({"end": rows["day"].where(rows["code"] != "2", late), "named": named})

    for size in (0, 1, 50, 2000):
        days = pd.to_datetime([rng.choice(["2019-03-01", "2019-03-02", "2020-01-31"]) for _ in range(size)])
        codes = [rng.choice(["1", "2", "", "x"]) for _ in range(size)]
        table = pd.DataFrame({"day": days, "code": pd.Series(codes, dtype="str")})
        table.index = table.index * 3 + 5  # not a plain range: the index is kept
        pd.testing.assert_frame_equal(csv_rows.per_distinct_row(table, convert), convert(table))


@pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])
def test_every_bad_row_is_reported_and_one_row_keeps_all_its_messages(order: list[str]) -> None:
    table = pd.DataFrame({"latitude": ["", "x", "95", "35"], "longitude": ["1", "2", "3", "4"]})
    checks = csv_rows.RowProblems(table, "f.csv")
    masks = {"a": pd.Series([True, False, True, False]), "b": pd.Series([True, True, False, False])}
    for name in order:
        checks.add(masks[name], f"problem {name}")
    csv_rows.coordinates(table, checks)
    found = [(p.feature, p.message) for p in checks.problems()]
    assert [feature for feature, _ in found] == ["row 2"] * 3 + ["row 3"] * 2 + ["row 4"] * 2
    assert ("row 3", "coordinates are not numbers: latitude 'x', longitude '2'") in found
    assert list(~checks.bad) == [False, False, False, True]


def test_repeats_are_those_pandas_finds() -> None:
    rng = random.Random(4)
    for size in (0, 1, 50, 2000):
        values = pd.Series([rng.choice(["a", "b", "", "SYR1", "syr1"]) for _ in range(size)], dtype="str")
        assert list(csv_rows.repeats(values)) == list(values.duplicated(keep="first"))
    with_missing = pd.Series(["a", None, "a", None, "b"], dtype="str")
    assert list(csv_rows.repeats(with_missing)) == [False, False, True, True, False]


def test_distinct_rows_codes_each_combination_in_order_of_first_appearance() -> None:
    # Equal values in one column but not the other are different rows; NaN is a value like any other.
    xs = pd.Series([1.0, 2.0, 1.0, np.nan, 2.0, 1.0, np.nan])
    ys = pd.Series(["a", "a", "b", "c", "a", "a", "c"])
    key, first = csv_rows.distinct_rows([xs, ys])
    assert key.tolist() == [0, 1, 2, 3, 1, 0, 3]
    assert first.tolist() == [0, 1, 2, 3]
    rows = list(zip(xs.fillna(-1), ys, strict=True))
    assert [rows[i] for i in first] == list(dict.fromkeys(rows))
