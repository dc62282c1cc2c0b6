"""The ACLED and UCDP GED layouts (``geodata/import_layouts.py``): the row checks and map columns
need only ``MAP_COLUMNS``, so a reader of those columns keeps the rows the full reader keeps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geodata import import_layouts
from tests.conftest import ACLED_CSV, UCDP_CSV


def test_the_map_columns_are_required_columns() -> None:
    for layout, columns in import_layouts.MAP_COLUMNS.items():
        assert set(columns) <= set(import_layouts.REQUIRED_COLUMNS[layout])


@pytest.mark.parametrize(("layout", "path"), [("acled", ACLED_CSV), ("ucdp", UCDP_CSV)])
def test_the_checks_and_map_columns_need_only_the_map_columns(layout: str, path: Path) -> None:
    table = pd.read_csv(path, dtype="str", keep_default_na=False).apply(lambda column: column.str.strip())
    every = import_layouts.check_rows(table[list(import_layouts.REQUIRED_COLUMNS[layout])], layout, "f.csv")
    few = import_layouts.check_rows(table[list(import_layouts.MAP_COLUMNS[layout])], layout, "f.csv")
    assert every.problems == few.problems
    assert len(every.problems) > 0  # the small files have bad rows
    assert list(every.rows.index) == list(few.rows.index)
    assert every.columns.keys() == few.columns.keys()
    for name, column in every.columns.items():
        if isinstance(column, pd.Series):
            pd.testing.assert_series_equal(column, few.columns[name])
        else:
            assert column == few.columns[name]
    pd.testing.assert_series_equal(every.lon, few.lon)
    pd.testing.assert_series_equal(every.lat, few.lat)
    assert set(import_layouts.text_columns(every.rows, layout)) | set(every.columns) >= {
        "place", "actors", "outlet", "quote", "event_id", "kind", "date_start", "date_end",
    }  # fmt: skip
