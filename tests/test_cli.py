"""The command line, called as ``geodata.__main__.main([...])``: export views and imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from geodata import formats
from geodata.__main__ import main
from tests.builders import with_column
from tests.conftest import ACLED_CSV, UCDP_CSV, ZONES_DIR

ROOT = Path(__file__).resolve().parent.parent


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


# --- where files go, and what goes wrong --------------------------------------------------------------


def test_out_ending_in_a_slash_is_a_folder_made_for_the_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "exports" / "2019"
    args = ["--zones", str(ZONES_DIR), "--layers", "zones", "--date", "2019-03-20", "--out", f"{folder}/"]
    code = main(["export", *args])
    assert code == 0
    written = folder / "atlas_zones_2019-03-20.geojson"
    assert written.is_file()
    assert formats.sidecar_path(written).is_file()
    assert f"wrote {written}" in capsys.readouterr().out


def test_out_in_a_missing_folder_is_an_error_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nope" / "x.geojson"
    assert main(["export", "--zones", str(ZONES_DIR), "--layers", "zones", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: cannot write {target}: the folder {target.parent} does not exist\n"
    assert not target.parent.exists()


def test_a_full_disk_is_an_error_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    # /dev/full fails every write with ENOSPC, as a full disk does.
    assert main(["export", "--zones", str(ZONES_DIR), "--layers", "zones", "--out", "/dev/full"]) == 2
    assert capsys.readouterr().err == "error: cannot write /dev/full: the disk is full\n"


def test_a_size_limit_midway_keeps_the_old_file_and_says_so(tmp_path: Path) -> None:
    # The file system stops the export midway (RLIMIT_FSIZE in a child process): no traceback, exit 2.
    target = tmp_path / "zones.geojson"
    target.write_text('{"type":"FeatureCollection","features":[]}\n', encoding="utf-8")
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (500, 500))\n"
        "from geodata.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "export",
            "--zones",
            str(ZONES_DIR),
            "--layers",
            "zones",
            "--out",
            str(target),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == 2
    assert child.stderr == (
        f"error: cannot write {target}: the file is larger than this system allows "
        "(the file already there is unchanged)\n"
    )
    assert target.read_text(encoding="utf-8") == '{"type":"FeatureCollection","features":[]}\n'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--date", "0001-01-01"],
            "a 30-day events window ending 0001-01-01 would begin before 1 January of year 1",
        ),
        (["--date", "2019-03-08", "--window", "800000"], "a 800000-day events window ending 2019-03-08"),
    ],
)
def test_dates_and_windows_before_the_calendar_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["export", "--zones", str(ZONES_DIR), "--out", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: " + message)
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2019-13-08"], "argument --date: '2019-13-08' is not a date: month 13 does not exist"),
        (["--date", "2019-02-30"], "'2019-02-30' is not a date: February 2019 has 28 days, not 30"),
        (
            ["--window", "abc"],
            "argument --window: the window is a number of days (1 or more) or 'all', not 'abc'",
        ),
    ],
)
def test_bad_dates_and_windows_are_said_in_words(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export", *args])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "invalid" not in err


def test_import_of_a_header_naming_a_column_twice_exits_1_and_imports_the_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = with_column(ACLED_CSV, tmp_path / "twice.csv", "latitude", "35.5")
    assert main(["import", str(twice), str(UCDP_CSV)]) == 1
    captured = capsys.readouterr()
    assert "error: twice.csv: names the column(s) latitude more than once" in captured.err
    assert "Traceback" not in captured.err
    assert "twice.csv" not in captured.out
    assert "ucdp_small.csv: 6 rows read, 3 loaded, 3 skipped" in captured.out


def test_import_of_a_folder_is_an_error_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path} is a folder; give one ACLED or UCDP GED CSV file\n"


def test_import_of_a_short_row_exits_1_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ACLED_CSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "short.csv"
    path.write_text("\n".join([lines[0], lines[1], lines[2].rsplit(",", 2)[0]]) + "\n", encoding="utf-8")
    assert main(["import", str(path), "--out", f"{tmp_path}/out/"]) == 1
    captured = capsys.readouterr()
    assert "skipped row 3: has 29 fields where the header has 31" in captured.err
    assert "short.csv: 2 rows read, 1 loaded, 1 skipped" in captured.out
    assert (tmp_path / "out" / "imported_acled_short.geojson").is_file()


def test_validate_prints_each_zone_problem_once(tmp_path: Path) -> None:
    # A real process: under pytest, log records go to pytest's handlers, not to the terminal.
    broken = json.loads((ZONES_DIR / "synthetic_zones.geojson").read_text(encoding="utf-8"))
    broken["features"][0]["properties"]["accuracy_km"] = -1
    (tmp_path / "broken.geojson").write_text(json.dumps(broken), encoding="utf-8")
    child = _cli("validate", "--zones", str(tmp_path))
    assert child.returncode == 1
    assert child.stderr.count("accuracy_km") == 1


def test_validate_is_quiet_on_a_clean_checkout() -> None:
    child = _cli("validate")
    assert child.returncode == 0
    assert child.stderr == ""
    assert [line.endswith("0 errors, 0 warnings") for line in child.stdout.splitlines()] == [True] * 3


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geodata", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
