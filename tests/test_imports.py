"""ACLED and UCDP GED imports: layouts, mappings onto our schema, bad rows reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geodata import export, imports
from geodata._errors import DataError, UsageError
from geodata.schema import DATE_PRECISIONS, EVENT_KINDS, EVENT_RECORD_PROPERTIES, GEO_PRECISIONS
from tests.builders import with_column
from tests.conftest import ACLED_CSV, UCDP_CSV


def by_id(run: imports.ImportRun) -> pd.DataFrame:
    return run.events.set_index("event_id")


def rewrite(source: Path, target: Path, **columns: list[str]) -> Path:
    """Copy ``source`` with some columns replaced (or dropped when given an empty list)."""
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    for name, values in columns.items():
        if values:
            table[name] = values + list(table[name][len(values) :])
        else:
            table = table.drop(columns=name)
    table.to_csv(target, index=False)
    return target


def test_small_files_are_in_the_published_layouts() -> None:
    # The fixtures must keep the exact column order each project publishes.
    assert tuple(pd.read_csv(ACLED_CSV, nrows=0).columns) == imports.ACLED_COLUMNS
    assert tuple(pd.read_csv(UCDP_CSV, nrows=0).columns) == imports.UCDP_COLUMNS


def test_acled_bad_rows_are_reported_with_row_numbers_and_skipped() -> None:
    run = imports.read_events(ACLED_CSV, fmt="acled")
    assert (run.rows_read, len(run.events), run.skipped) == (8, 5, 3)
    reported = {(p.feature, p.message.split(" ")[0]) for p in run.problems}
    assert reported == {("row 6", "missing"), ("row 7", "event_date"), ("row 8", "coordinates")}
    assert "outside the world" in str(run.problems[2])
    assert all(p.file == "acled_small.csv" for p in run.problems)


def test_ucdp_bad_rows_are_reported_with_row_numbers_and_skipped() -> None:
    run = imports.read_events(UCDP_CSV, fmt="ucdp")
    assert (run.rows_read, len(run.events), run.skipped) == (6, 3, 3)
    assert [p.feature for p in run.problems] == ["row 5", "row 6", "row 7"]
    assert "date_start 'not a date'" in run.problems[1].message


def test_imported_events_have_our_schema_plus_provenance() -> None:
    for path in (ACLED_CSV, UCDP_CSV):
        events = imports.read_events(path).events
        assert tuple(events.columns) == (*imports.IMPORT_PROPERTIES, "geometry")
        assert tuple(events.columns[: len(EVENT_RECORD_PROPERTIES)]) == EVENT_RECORD_PROPERTIES
        assert set(events["kind"]) <= set(EVENT_KINDS)
        assert set(events["date_precision"]) <= set(DATE_PRECISIONS)
        assert set(events["geo_precision"]) <= set(GEO_PRECISIONS)
        assert set(events["status"]) == {"occurred"}
        assert (events["date_start"] <= events["date_end"]).all()
        assert events.crs.to_epsg() == 4326


def test_acled_mapping() -> None:
    events = by_id(imports.read_events(ACLED_CSV))
    shelling = events.loc["acled:SYR1001"]
    assert shelling["kind"] == "attack"
    assert shelling["original_type"] == "Explosions/Remote violence: Shelling/artillery/missile attack"
    assert shelling["source_id"] == "SYR1001"
    assert shelling["dataset"] == "acled"
    assert (shelling["date_start"], shelling["date_end"], shelling["date_precision"]) == (
        "2019-03-15",
        "2019-03-15",
        "day",
    )
    assert (shelling["geo_precision"], shelling["uncertainty_km"]) == ("town", 5.0)
    assert shelling["fatalities"] == 2
    assert shelling["place"] == "Khan Shaykhun"
    assert shelling["actors"] == "Military Forces of Syria (2000-); Civilians (Syria)"
    assert shelling["quote"].startswith("Synthetic row written for the tests")
    assert shelling["outlet"] == "Synthetic Source"
    # ACLED gives latitude then longitude; GeoJSON order is longitude, latitude.
    assert (shelling.geometry.x, shelling.geometry.y) == (36.6512, 35.4412)


def test_acled_time_and_geo_precision() -> None:
    events = by_id(imports.read_events(ACLED_CSV))
    week = events.loc["acled:SYR1002"]  # time_precision 2, 2019-03-08, geo_precision 2
    assert (week["date_start"], week["date_end"], week["date_precision"]) == (
        "2019-03-05",
        "2019-03-11",
        "week",
    )
    assert (week["kind"], week["geo_precision"], week["uncertainty_km"]) == ("agreement", "district", 25.0)
    month = events.loc["acled:SYR1003"]  # time_precision 3, "8 March 2019", geo_precision 3
    assert (month["date_start"], month["date_end"], month["date_precision"]) == (
        "2019-03-01",
        "2019-03-31",
        "month",
    )
    assert (month["kind"], month["geo_precision"]) == ("deployment", "governorate")
    assert events.loc["acled:SYR1004", "kind"] == "other"  # a protest


@pytest.mark.parametrize("written", ["15 March 2019", "2019-03-15", "15/03/2019", "15-03-2019"])
def test_acled_date_layouts(tmp_path: Path, written: str) -> None:
    path = rewrite(ACLED_CSV, tmp_path / "acled.csv", event_date=[written])
    assert by_id(imports.read_events(path)).loc["acled:SYR1001", "date_start"] == "2019-03-15"


def test_ucdp_mapping() -> None:
    events = by_id(imports.read_events(UCDP_CSV))
    exact = events.loc["ucdp:300001"]
    assert (exact["kind"], exact["date_start"], exact["date_precision"]) == ("attack", "2019-03-10", "day")
    assert exact["original_type"] == "state-based conflict: Syria: Government"
    assert exact["actors"] == "Government of Syria; Syrian insurgents"
    assert (exact["fatalities"], exact["confidence"]) == (3, 1.0)
    assert (exact.geometry.x, exact.geometry.y) == (36.5613, 35.6137)
    unclear = events.loc["ucdp:300002"]  # event_clarity 2, where_prec 4, date_prec 2
    assert unclear["confidence"] == 0.5
    assert (unclear["geo_precision"], unclear["uncertainty_km"]) == ("governorate", 75.0)
    assert (unclear["date_start"], unclear["date_end"], unclear["date_precision"]) == (
        "2019-03-01",
        "2019-03-05",
        "range",
    )
    country = events.loc["ucdp:300003"]  # where_prec 6, date_prec 4
    assert (country["geo_precision"], country["date_precision"]) == ("country", "month")


def test_layout_is_detected_from_the_header() -> None:
    assert imports.read_events(ACLED_CSV).events["dataset"].iloc[0] == "acled"
    assert imports.read_events(UCDP_CSV).events["dataset"].iloc[0] == "ucdp"


def test_file_in_neither_layout_names_the_missing_columns(tmp_path: Path) -> None:
    path = rewrite(ACLED_CSV, tmp_path / "almost.csv", latitude=[], geo_precision=[])
    with pytest.raises(DataError, match=r"closest is ACLED.*latitude, geo_precision") as caught:
        imports.read_events(path)
    assert caught.value.problems[0].file == "almost.csv"


@pytest.mark.parametrize(
    ("source", "repeat"), [(ACLED_CSV, "LATITUDE"), (ACLED_CSV, " Notes"), (UCDP_CSV, "ID")]
)
def test_a_column_named_twice_in_two_spellings_is_an_error_naming_it(
    tmp_path: Path, source: Path, repeat: str
) -> None:
    # Which of the two holds the values cannot be known; the other files still load.
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    table[repeat] = table[repeat.strip().lower()]
    path = tmp_path / "twice.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError, match=f"names the column\\(s\\) {repeat.strip().lower()} more than once"):
        imports.read_events(path)
    assert_the_other_files_load(path)


def assert_the_other_files_load(twice: Path) -> None:
    """Read beside the two small files, ``twice`` (a header naming a column twice) is reported by
    name, and their 8 events still load."""
    run = imports.load_event_files([twice, ACLED_CSV, UCDP_CSV])
    assert len(run.events) == 8
    assert run.problems[0].file == twice.name
    assert "keep one of each" in run.problems[0].message


@pytest.mark.parametrize(
    ("source", "repeat", "at"),
    [(ACLED_CSV, "latitude", 0), (ACLED_CSV, "notes", 31), (UCDP_CSV, "id", 3), (UCDP_CSV, "date_end", 41)],
)
def test_a_column_named_twice_in_the_same_spelling_is_the_same_error(
    tmp_path: Path, source: Path, repeat: str, at: int
) -> None:
    # Before or after the column it repeats, a map column or a table's text: the values of one of
    # the two would be taken silently.
    path = with_column(source, tmp_path / "twice.csv", repeat, "1", at=at)
    with pytest.raises(DataError, match=f"names the column\\(s\\) {repeat} more than once") as caught:
        imports.read_events(path)
    assert caught.value.problems[0].file == "twice.csv"
    with pytest.raises(DataError, match=f"names the column\\(s\\) {repeat} more than once"):
        imports.read_map_rows(path)
    assert_the_other_files_load(path)


def test_a_repeat_read_record_by_record_is_the_same_error(tmp_path: Path) -> None:
    # A blank line before the header sends the file to the record-by-record reader.
    path = with_column(ACLED_CSV, tmp_path / "twice.csv", "latitude", "1")
    path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataError, match=r"names the column\(s\) latitude more than once"):
        imports.read_events(path)


def test_a_repeat_of_a_column_we_do_not_read_changes_nothing(tmp_path: Path) -> None:
    # ACLED's tags twice, and two unnamed columns (a spreadsheet's empty trailing ones).
    table = pd.read_csv(ACLED_CSV, dtype=str, keep_default_na=False)
    table.insert(5, "tags", "x", allow_duplicates=True)
    for _ in range(2):
        table.insert(len(table.columns), "", "", allow_duplicates=True)
    path = tmp_path / "acled.csv"
    table.to_csv(path, index=False)
    ucdp = with_column(UCDP_CSV, tmp_path / "ucdp.csv", "country", "Syria")
    for repeated, source in ((path, ACLED_CSV), (ucdp, UCDP_CSV)):
        run, plain = imports.read_events(repeated), imports.read_events(source)
        assert_geodataframe_equal(run.events, plain.events)
        assert [p.message for p in run.problems] == [p.message for p in plain.problems]
        assert run.row_numbers == plain.row_numbers


def test_wrong_format_named_is_an_error() -> None:
    with pytest.raises(DataError, match=r"not in the ACLED layout: missing column\(s\) event_id_cnty"):
        imports.read_events(UCDP_CSV, fmt="acled")
    with pytest.raises(UsageError, match="unknown import format 'gdelt'"):
        imports.read_events(UCDP_CSV, fmt="gdelt")


def test_unknown_precision_code_skips_the_row(tmp_path: Path) -> None:
    path = rewrite(UCDP_CSV, tmp_path / "ucdp.csv", where_prec=["9"])
    run = imports.read_events(path)
    assert "ucdp:300001" not in set(run.events["event_id"])
    assert run.problems[0].feature == "row 2"
    assert "where_prec '9' is not one of 1, 2, 3, 4, 5, 6, 7" in run.problems[0].message


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    run = imports.load_event_files([junk, ACLED_CSV, UCDP_CSV])
    assert len(run.events) == 8
    assert run.problems[0].file == "junk.csv"
    assert run.files == ("junk.csv", "acled_small.csv", "ucdp_small.csv")


def test_quoted_notes_keep_their_newlines_commas_and_quotes(tmp_path: Path) -> None:
    note = 'Shelling, then "calm".\nSecond line'
    path = rewrite(ACLED_CSV, tmp_path / "acled.csv", notes=[note])
    path.write_bytes("\ufeff".encode() + path.read_bytes())  # with a byte order mark, as Excel saves
    run = imports.read_events(path)
    assert by_id(run).loc["acled:SYR1001", "quote"] == note
    assert (len(run.events), run.skipped) == (5, 3)


def test_unreadable_files_are_named_with_the_reason(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(ACLED_CSV.read_bytes().replace(b"Idlib", b"Idl\xefb"))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    for path, reason in (
        (latin, "not UTF-8"),
        (empty, "is empty"),
        (tmp_path / "gone.csv", "not found"),
    ):
        with pytest.raises(DataError, match=reason) as caught:
            imports.read_events(path)
        assert caught.value.problems[0].file == path.name


def test_nothing_imported_is_an_empty_layer() -> None:
    run = imports.load_event_files([])
    assert run.events.empty
    assert tuple(run.events.columns) == (*imports.IMPORT_PROPERTIES, "geometry")


def test_imported_events_export_with_single_typed_properties() -> None:
    events = imports.load_event_files([ACLED_CSV, UCDP_CSV]).events
    features = export.feature_collection({"imported": events})["features"]
    export.check_properties(features)
    assert {type(f["properties"]["fatalities"]) for f in features} == {int}


# --- rows that do not fit ----------------------------------------------------------------------------


def _acled_lines() -> tuple[str, list[str]]:
    """The header and the three good single-line rows (SYR1001-SYR1003) of the small ACLED file."""
    lines = ACLED_CSV.read_text(encoding="utf-8").splitlines()
    return lines[0], [line for line in lines[1:] if line.startswith(("SYR1001", "SYR1002", "SYR1003"))]


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_row_with_too_few_fields_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    header, rows = _acled_lines()
    short = rows[1].rsplit(",", 3)[0]  # the last three fields lost (notes kept, fatalities gone)
    run = imports.read_events(_write(tmp_path / "short.csv", header, [rows[0], short, rows[2]]))
    assert [p.feature for p in run.problems] == ["row 3"]
    assert "has 28 fields where the header has 31 (a value is missing)" in run.problems[0].message
    assert list(run.events["event_id"]) == ["acled:SYR1001", "acled:SYR1003"]
    assert run.row_numbers == (2, 4)
    assert (run.rows_read, run.skipped) == (3, 1)


def test_a_row_with_too_many_fields_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    header, rows = _acled_lines()
    long = rows[2] + ",extra"
    run = imports.read_events(_write(tmp_path / "long.csv", header, [*rows[:2], long]))
    assert [str(p) for p in run.problems] == [
        "long.csv: row 4: has 32 fields where the header has 31 (a comma inside a value needs quotes); "
        "row left out"
    ]
    assert list(run.events["event_id"]) == ["acled:SYR1001", "acled:SYR1002"]


def test_a_repeated_event_id_keeps_the_first_row(tmp_path: Path) -> None:
    header, rows = _acled_lines()
    again = rows[0].replace("15 March 2019", "16 March 2019")
    run = imports.read_events(_write(tmp_path / "twice.csv", header, [*rows, again]))
    assert [str(p) for p in run.problems] == [
        "twice.csv: row 5: event_id_cnty 'SYR1001' is also on row 2; only the first is kept"
    ]
    first = by_id(run).loc["acled:SYR1001"]
    assert first["date_start"] == "2019-03-15"


def test_a_repeated_ucdp_id_is_reported_too(tmp_path: Path) -> None:
    lines = UCDP_CSV.read_text(encoding="utf-8").splitlines()
    run = imports.read_events(_write(tmp_path / "ged.csv", lines[0], [lines[1], lines[1]]))
    assert [p.feature for p in run.problems] == ["row 3"]
    assert "id '300001' is also on row 2" in run.problems[0].message


def test_fatalities_that_are_not_a_number_are_reported(tmp_path: Path) -> None:
    path = rewrite(ACLED_CSV, tmp_path / "lots.csv", fatalities=["lots", "-2", "3.0"])
    run = imports.read_events(path)
    messages = {p.feature: p.message for p in run.problems}
    assert messages["row 2"] == "fatalities 'lots' is not a number of deaths (a whole number, or empty)"
    assert messages["row 3"] == "fatalities '-2' is not a number of deaths (a whole number, or empty)"
    assert by_id(run).loc["acled:SYR1003", "fatalities"] == 3
    assert "acled:SYR1001" not in set(run.events["event_id"])


def test_an_event_in_two_files_is_loaded_once(tmp_path: Path) -> None:
    header, rows = _acled_lines()
    first = _write(tmp_path / "a.csv", header, rows[:2])
    second = _write(tmp_path / "b.csv", header, rows[1:])
    run = imports.load_event_files([first, second])
    assert list(run.events["event_id"]) == ["acled:SYR1001", "acled:SYR1002", "acled:SYR1003"]
    assert [str(p) for p in run.problems] == [
        "b.csv: row 2: event acled:SYR1002 is already loaded from a.csv row 3; left out"
    ]
    assert run.row_numbers == (2, 3, 3)


def test_a_folder_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder; give one ACLED or UCDP GED CSV file"):
        imports.read_events(tmp_path)
