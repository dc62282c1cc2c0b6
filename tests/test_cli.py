"""The command line, called as ``geodata.__main__.main([...])``: export views and imports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from geodata import formats
from geodata.__main__ import main
from tests.conftest import ACLED_CSV, UCDP_CSV, ZONES_DIR


@pytest.fixture
def clean_acled(tmp_path: Path) -> Path:
    """The small ACLED file without its bad rows (so exports exit 0)."""
    table = pd.read_csv(ACLED_CSV, dtype=str, keep_default_na=False)
    path = tmp_path / "acled_clean.csv"
    table[table["event_id_cnty"].isin(["SYR1001", "SYR1002", "SYR1003"])].to_csv(path, index=False)
    return path


def run_export(tmp_path: Path, *args: str) -> int:
    return main(["export", "--zones", str(ZONES_DIR), "--out", str(tmp_path), *args])


@pytest.mark.parametrize("fmt", formats.FORMATS)
def test_export_every_format(
    tmp_path: Path, clean_acled: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_export(
        tmp_path,
        "--layers",
        "zones,imported",
        "--imported",
        str(clean_acled),
        "--date",
        "2019-03-20",
        "--format",
        fmt,
    )
    assert code == 0
    name = f"atlas_zones-imported_2019-03-20_30d.{formats.SUFFIXES[fmt]}"
    path = tmp_path / name
    assert path.is_file()
    assert f"wrote {path}" in capsys.readouterr().out
    if fmt == "csv":
        back = pyogrio.read_dataframe(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
        assert set(back["event_id"]) == {"acled:SYR1001", "acled:SYR1002", "acled:SYR1003"}
    elif fmt == "gpkg":
        assert {name for name, _ in pyogrio.list_layers(path)} >= {"zones_polygons", "imported_points"}
    else:
        assert len(pyogrio.read_dataframe(path)) == 2 + 3  # zones in force + imported events
        meta = json.loads(formats.sidecar_path(path).read_text(encoding="utf-8"))
        assert meta["as_of"] == "2019-03-20"
        assert meta["dataset_version"].startswith("sha256:")  # the imported file is not committed


def test_export_filters_are_in_the_name(tmp_path: Path, clean_acled: Path) -> None:
    code = run_export(
        tmp_path,
        "--layers",
        "zones",
        "--layers",
        "imported",
        "--imported",
        str(clean_acled),
        "--kinds",
        "attack,de_escalation_zone",
        "--zone",
        "test-idlib-area",
        "--bbox",
        "36,35,37,36",
        "--date",
        "2019-03-20",
        "--window",
        "all",
    )
    assert code == 0
    [path] = list(tmp_path.glob("atlas_*.geojson"))
    assert path.name == (
        "atlas_zones-imported_2019-03-20_all-before_kinds-attack+de_escalation_zone_"
        "zone-test-idlib-area_bbox-36,35,37,36.geojson"
    )
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert [f["properties"].get("zone_id") or f["properties"]["event_id"] for f in features] == [
        "test-idlib-area",
        "acled:SYR1001",
    ]


def test_export_reports_skipped_rows_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_export(tmp_path, "--layers", "imported", "--imported", str(ACLED_CSV))
    assert code == 1
    err = capsys.readouterr().err
    assert "acled_small.csv: row 6: missing coordinates" in err


def test_export_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_export(tmp_path, "--layers", "zones", "--zone", "nowhere") == 2
    assert "no zone with zone_id 'nowhere'" in capsys.readouterr().err
    assert run_export(tmp_path, "--layers", "zones,roads") == 2
    assert run_export(tmp_path, "--layers", "zones", "--format", "csv") == 2
    assert "csv holds events" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        run_export(tmp_path, "--bbox", "37,35,36,36")
    assert caught.value.code == 2


def test_import_writes_geojson_and_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "acled.geojson"
    code = main(["import", str(ACLED_CSV), "--format", "acled", "--out", str(out)])
    assert code == 1  # three rows were skipped
    captured = capsys.readouterr()
    assert "acled_small.csv: 8 rows read, 5 loaded, 3 skipped" in captured.out
    assert "skipped row 7: event_date '32 March 2019' cannot be read" in captured.err
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) == 5
    assert {f["properties"]["layer"] for f in features} == {"imported"}


def test_import_detects_the_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ucdp.geojson"
    main(["import", str(UCDP_CSV), "--out", str(out)])
    assert "6 rows read, 3 loaded, 3 skipped" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["features"][0]["properties"]["dataset"] == "ucdp"


def test_import_of_another_layout_names_missing_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.csv"
    other.write_text("id,latitude,longitude\n1,35,36\n", encoding="utf-8")
    assert main(["import", str(other), "--out", str(tmp_path / "x.geojson")]) == 1
    err = capsys.readouterr().err
    assert "neither an ACLED nor a UCDP GED CSV export" in err
    assert "missing column(s)" in err
    assert not (tmp_path / "x.geojson").exists()
