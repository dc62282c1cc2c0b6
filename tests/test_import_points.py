"""The imported events' map points read from the files' map columns equal those of the full reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import make_acled
from geodata import import_points, imports, layers, point_cache
from tests.builders import with_column
from tests.conftest import ACLED_CSV, UCDP_CSV

#: Values that leave a generated ACLED row out, or change what it becomes (column, value): every
#: kind of bad row the readers report, padded and odd values that still load, and rows that load
#: but are not drawn (outside the map's box).
ACLED_SPOILS: tuple[tuple[str, str], ...] = (
    ("latitude", ""),
    ("longitude", "east"),
    ("latitude", "inf"),
    ("latitude", "95"),
    ("longitude", "-200"),
    ("event_date", "31 February 2019"),
    ("event_date", "2019-03-10 00:00:00.000"),
    ("event_date", ""),
    ("time_precision", "4"),
    ("geo_precision", "0"),
    ("event_id_cnty", ""),
    ("event_id_cnty", "SYR100001"),  # the id of an earlier row
    ("fatalities", "2.5"),
    ("fatalities", "many"),
    ("fatalities", "3.0"),
    ("latitude", "  36.2 "),
    ("geo_precision", " 2"),
    ("event_date", "2019-03-15"),
    ("event_date", "15/03/2019"),
    ("longitude", "20.5"),  # in the world, not in Syria's box: loaded, not drawn
    ("latitude", "32.0"),  # on the box's edge: drawn
    ("sub_event_type", "Agreement"),
    ("event_type", "Something new"),
    ("notes", '=HYPERLINK("x")'),
)
#: The same for UCDP GED rows.
UCDP_SPOILS: tuple[tuple[str, str], ...] = (
    ("date_start", "2019-02-30"),
    ("date_end", "soon"),
    ("date_end", "2018-01-01"),  # before its start
    ("date_start", "2019-03-10T10:00:00"),
    ("where_prec", "8"),
    ("date_prec", "9"),
    ("best", "x"),
    ("id", ""),
    ("id", "300001"),
    ("type_of_violence", "4"),
    ("latitude", "40.1"),  # outside Syria's box
    ("where_prec", "6"),
    ("event_clarity", "2"),
)


def spoiled(rows: pd.DataFrame, spoils: tuple[tuple[str, str], ...], path: Path, every: int = 7) -> Path:
    """``rows`` written to ``path`` with every ``every``-th row given the next of ``spoils``."""
    rows = rows.astype(str)
    for n, i in enumerate(range(3, len(rows), every)):
        column, value = spoils[n % len(spoils)]
        rows.loc[i, column] = value
    rows.to_csv(path, index=False)
    return path


def acled_file(path: Path, count: int = 1500, seed: int = 5, first_id: int = 100000) -> Path:
    rows = make_acled.make_rows(count, seed=seed)
    rows["event_id_cnty"] = [f"SYR{first_id + i}" for i in range(count)]
    return spoiled(rows, ACLED_SPOILS, path)


def ucdp_file(path: Path, count: int = 400) -> Path:
    small = pd.read_csv(UCDP_CSV, dtype=str, keep_default_na=False)
    rows = small.iloc[np.arange(count) % len(small)].reset_index(drop=True)
    rows["id"] = [str(300001 + i) for i in range(count)]
    rng = np.random.default_rng(3)
    rows["latitude"] = (rng.uniform(32.5, 37.0, count)).round(4).astype(str)
    rows["longitude"] = (rng.uniform(35.8, 42.0, count)).round(4).astype(str)
    starts = pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 2500, count), unit="D")
    rows["date_start"] = starts.strftime("%Y-%m-%d")
    rows["date_end"] = (starts + pd.to_timedelta(rng.integers(0, 40, count), unit="D")).strftime("%Y-%m-%d")
    rows["where_prec"] = rng.choice(list("1234567"), count)
    rows["date_prec"] = rng.choice(list("12345"), count)
    return spoiled(rows, UCDP_SPOILS, path, every=5)


def assert_same_points(paths: list[Path]) -> point_cache.CachedPoints:
    """The fast read's points equal ``encode(load_event_files(paths).events)`` in every part."""
    fast = import_points.read_points(paths)
    full = point_cache.encode(imports.load_event_files(paths).events)
    assert fast is not None
    assert fast.points.table.schema == full.points.table.schema
    assert fast.points.table.equals(full.points.table)
    assert fast.points.order.dtype.kind == full.points.order.dtype.kind == "i"
    np.testing.assert_array_equal(fast.points.order, full.points.order)
    assert fast.points.radii == full.points.radii
    assert fast.points.max_duration == full.points.max_duration
    assert fast.dates == full.dates
    return fast


def test_the_small_files_give_the_same_points() -> None:
    assert assert_same_points([ACLED_CSV]).points.count > 0
    assert_same_points([UCDP_CSV])
    assert_same_points([ACLED_CSV, UCDP_CSV])


def test_files_with_bad_rows_of_every_kind_give_the_same_points(tmp_path: Path) -> None:
    acled = acled_file(tmp_path / "acled.csv")
    run = imports.load_event_files([acled])
    reasons = {p.message.split(" ")[0] for p in run.problems}
    # Not a trivial case: rows left out for many reasons, and loaded events left off the map.
    assert {
        "missing",
        "coordinates",
        "event_date",
        "time_precision",
        "fatalities",
        "event_id_cnty",
    } <= reasons
    points = assert_same_points([acled])
    assert 0 < points.points.count < len(run.events) < run.rows_read
    ucdp = ucdp_file(tmp_path / "ucdp.csv")
    run = imports.load_event_files([ucdp])
    assert {"date_start", "date_end", "where_prec", "date_prec", "best", "missing", "id"} <= {
        p.message.split(" ")[0] for p in run.problems
    }
    assert 0 < assert_same_points([ucdp]).points.count < len(run.events)


def test_several_files_keep_the_first_of_a_repeated_id(tmp_path: Path) -> None:
    first = acled_file(tmp_path / "first.csv", count=900, seed=5)
    # Its first 300 ids are the first file's last 300 (other places, dates and kinds).
    second = acled_file(tmp_path / "second.csv", count=800, seed=6, first_id=100600)
    run = imports.load_event_files([first, second])
    assert any("is already loaded from first.csv" in p.message for p in run.problems)
    assert_same_points([first, second])
    assert_same_points([second, first])


def test_a_mixed_acled_and_ucdp_pair_gives_the_same_points(tmp_path: Path) -> None:
    acled, ucdp = acled_file(tmp_path / "acled.csv"), ucdp_file(tmp_path / "ucdp.csv")
    points = assert_same_points([acled, ucdp])
    assert_same_points([ucdp, acled, ACLED_CSV])
    frame = imports.load_event_files([acled, ucdp]).events
    drawn = layers.events_on_map(frame)
    # ``order`` indexes the full frame's drawn rows: the clicks on points find their events.
    assert set(drawn.iloc[points.points.order]["dataset"]) == {"acled", "ucdp"}


def test_a_file_the_full_reader_leaves_out_is_left_out_here_too(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(imports.ACLED_COLUMNS) + "\n", encoding="utf-8")
    assert_same_points([other, ACLED_CSV, empty, header_only])
    assert assert_same_points([other]).points.count == 0
    assert assert_same_points([]).dates == ()


def test_rows_with_a_wrong_field_count_go_through_the_record_reader_alike(tmp_path: Path) -> None:
    acled = acled_file(tmp_path / "acled.csv", count=300)
    lines = acled.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].rstrip("\n") + ",extra\n"
    lines[9] = ",".join(lines[9].split(",")[:5]) + "\n"
    acled.write_text("".join(lines), encoding="utf-8")
    assert any("fields where the header has" in p.message for p in imports.read_events(acled).problems)
    assert_same_points([acled])


@pytest.mark.parametrize("repeat", ["Notes", "LATITUDE", "notes", "latitude"])
def test_a_header_naming_a_column_twice_is_left_out_as_the_full_reader_leaves_it_out(
    tmp_path: Path, repeat: str
) -> None:
    # In either spelling, a map column or not: the file's events (new ids, drawn at the repeat's
    # latitude if it were read) are on neither reader's map.
    acled = acled_file(tmp_path / "acled.csv", count=300, first_id=200000)
    path = with_column(acled, tmp_path / "twice.csv", repeat, "35.5")
    points = assert_same_points([ACLED_CSV, path, UCDP_CSV])
    assert points.points.count == assert_same_points([ACLED_CSV, UCDP_CSV]).points.count


@pytest.mark.parametrize("repeat", ["Tags", "tags", ""])
def test_a_repeat_of_a_column_no_reader_reads_changes_no_point(tmp_path: Path, repeat: str) -> None:
    acled = acled_file(tmp_path / "acled.csv", count=300)
    table = pd.read_csv(acled, dtype=str, keep_default_na=False)
    table.insert(0, repeat, "x", allow_duplicates=True)
    table.insert(len(table.columns), "", "x", allow_duplicates=True)  # and an unnamed one (or two)
    path = tmp_path / "repeat.csv"
    table.to_csv(path, index=False)
    assert assert_same_points([path]).points.table.equals(assert_same_points([acled]).points.table)
