"""Every export format, read back by tools we did not write: GDAL, check-geojson, geojson-pydantic."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyogrio
import pytest
import shapely
from geojson_pydantic import Feature, FeatureCollection
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from geodata import export, formats
from geodata._errors import UsageError
from geodata.schema import EVENT_KINDS
from tests.conftest import event, events_frame

VALIDATORS = Path(__file__).parent / "validators"
CHECK_GEOJSON = VALIDATORS / "node_modules" / "@placemarkio" / "check-geojson"
ALL = export.ExportView(layers=export.LAYERS, day=None)
AS_OF = export.ExportView(layers=("zones", "events", "imported"), day=dt.date(2019, 3, 20))


def write(
    frames: dict[str, gpd.GeoDataFrame], folder: Path, fmt: str, view: export.ExportView = ALL
) -> tuple[Path, dict[str, gpd.GeoDataFrame]]:
    selected = export.select(frames, view)
    name = export.export_name(view, suffix=formats.SUFFIXES[fmt])
    info = export.describe(view, selected, fmt=fmt, name=name)
    path = folder / name
    formats.write(selected, path, fmt=fmt, info=info)
    return path, selected


@pytest.fixture(scope="session")
def check_geojson() -> list[str]:
    """The command that runs @placemarkio/check-geojson (installed by .ci/run)."""
    node = shutil.which("node")
    if node is None or not CHECK_GEOJSON.is_dir():
        reason = "node or @placemarkio/check-geojson missing: run `npm ci --prefix tests/validators`"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return [node, str(VALIDATORS / "check_geojson.cjs")]


@pytest.mark.parametrize("view", [ALL, AS_OF], ids=["all", "as-of"])
def test_geojson_reads_back_in_gdal(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path, view: export.ExportView
) -> None:
    path, selected = write(sample_frames, tmp_path, "geojson", view)
    back = pyogrio.read_dataframe(path)
    assert back.crs.to_epsg() == 4326
    assert len(back) == sum(len(frame) for frame in selected.values())
    assert list(back["layer"].drop_duplicates()) == list(view.layers)
    # GDAL reads the JSON-FG time member: zones get an interval, single-day events a date.
    assert {"time", "time_start", "time_end"} <= set(back.columns)


def test_geojson_passes_check_geojson(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path, check_geojson: list[str]
) -> None:
    paths = [write(sample_frames, tmp_path, fmt)[0] for fmt in ("geojson", "geojsonseq")]
    result = subprocess.run([*check_geojson, *map(str, paths)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == {str(path): [] for path in paths}


def test_check_geojson_catches_a_broken_file(tmp_path: Path, check_geojson: list[str]) -> None:
    # The validator is only worth running if it can fail: a position with one number.
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type":"Point","coordinates":[36.5]}', encoding="utf-8")
    result = subprocess.run([*check_geojson, str(broken)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "position" in result.stdout


def test_geojson_passes_geojson_pydantic(sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path) -> None:
    path, _ = write(sample_frames, tmp_path, "geojson")
    collection = FeatureCollection.model_validate_json(path.read_text(encoding="utf-8"))
    assert len(collection.features) == sum(len(frame) for frame in sample_frames.values())


def test_geojsonseq_is_rfc8142(sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path) -> None:
    path, selected = write(sample_frames, tmp_path, "geojsonseq")
    text = path.read_text(encoding="utf-8")
    records = text.split(formats.RS)
    assert records[0] == ""  # every record starts with RS
    assert all(record.endswith("}\n") and record.count("\n") == 1 for record in records[1:])
    for record in records[1:]:
        Feature.model_validate_json(record)
    back = pyogrio.read_dataframe(path)
    assert len(back) == len(records) - 1 == sum(len(frame) for frame in selected.values())


def test_gpkg_has_one_layer_per_family_and_geometry_type(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    path, selected = write(sample_frames, tmp_path, "gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers == {
        "zones_polygons": "MultiPolygon",
        "zones_lines": "MultiLineString",
        "zones_points": "Point",
        "events_points": "Point",
        "events_unlocated": None,
        "imported_points": "Point",
        "reference_polygons": "MultiPolygon",
        formats.METADATA_TABLE: None,
        "layer_styles": None,
    }
    counts = {layer: pyogrio.read_info(path, layer=layer)["features"] for layer in layers}
    assert counts["events_points"] + counts["events_unlocated"] == len(selected["events"])
    assert counts["zones_polygons"] + counts["zones_lines"] + counts["zones_points"] == len(selected["zones"])
    assert not list(tmp_path.glob("*.aux.xml"))  # everything is inside the GeoPackage


def test_gpkg_dates_are_date_fields(sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path) -> None:
    # QGIS's temporal controller lists DATE fields for "separate fields for start and end".
    path, _ = write(sample_frames, tmp_path, "gpkg")
    for layer, start, end in (
        ("zones_polygons", "valid_from", "valid_to"),
        ("events_points", "date_start", "date_end"),
        ("imported_points", "date_start", "date_end"),
    ):
        info = pyogrio.read_info(path, layer=layer)
        types = dict(zip(info["fields"], info["ogr_types"], strict=True))
        assert types[start] == types[end] == "OFTDate", layer
    zones = pyogrio.read_dataframe(path, layer="zones_polygons")
    assert zones["valid_from"].iloc[0] == dt.datetime(2017, 5, 4)
    assert zones["valid_to"].isna().iloc[0]  # still in force: an open end


def test_gpkg_records_what_it_holds(sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path) -> None:
    path, _ = write(sample_frames, tmp_path, "gpkg", AS_OF)
    with sqlite3.connect(path) as db:
        meta = dict(db.execute(f"SELECT key, value FROM {formats.METADATA_TABLE}").fetchall())
    assert meta["as_of"] == "2019-03-20"
    assert meta["window_days"] == "30"
    assert meta["layers"] == "zones,events,imported"
    assert meta["dataset_version"].startswith(("git:", "sha256:"))
    assert meta["name"] == path.name


def test_csv_holds_events_with_lon_lat(sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path) -> None:
    path, selected = write(sample_frames, tmp_path, "csv")
    back = pyogrio.read_dataframe(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    assert len(back) == len(selected["events"]) + len(selected["imported"])
    assert set(back["layer"]) == {"events", "imported"}
    patrol = back[back["event_id"] == "ev-patrol"].iloc[0]
    assert (patrol.geometry.x, patrol.geometry.y) == (36.6, 35.6)  # lon, lat
    unlocated = back[back["event_id"] == "ev-statement"].iloc[0]
    assert unlocated.geometry is None or unlocated.geometry.is_empty
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["layer", "event_id", "kind"]
    assert header[-2:] == ["lon", "lat"]


def test_csv_holds_the_event_families_only(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    selected = export.select(sample_frames, ALL)
    assert list(formats.layers_for(selected, "csv")) == ["events", "imported"]
    assert list(formats.layers_for(selected, "gpkg")) == list(export.LAYERS)


def test_csv_of_zones_only_is_a_usage_error(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    selected = export.select(sample_frames, export.ExportView(layers=("zones",)))
    with pytest.raises(UsageError, match="csv holds events"):
        formats.events_csv(selected)


def test_text_formats_get_a_sidecar(sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path) -> None:
    path, _ = write(sample_frames, tmp_path, "geojson", AS_OF)
    meta = json.loads(formats.sidecar_path(path).read_text(encoding="utf-8"))
    assert formats.sidecar_path(path).name == path.name + ".meta.json"
    assert meta["as_of"] == "2019-03-20"
    assert meta["counts"].startswith("zones=2,events=2,imported=")
    assert "valid_from/valid_to" in meta["temporal_fields"]


def test_render_serves_the_same_bytes_as_the_file(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    path, selected = write(sample_frames, tmp_path, "geojson")
    info = export.describe(ALL, selected, fmt="gpkg", name="x.gpkg")
    assert formats.render(selected, fmt="geojson", info=info) == path.read_bytes()
    assert formats.render(selected, fmt="gpkg", info=info).startswith(b"SQLite format 3\x00")


def test_unknown_format_is_a_usage_error(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    selected = export.select(sample_frames, ALL)
    info = export.describe(ALL, selected, fmt="kml", name="x.kml")
    with pytest.raises(UsageError, match="unknown format 'kml'"):
        formats.render(selected, fmt="kml", info=info)


# Events anywhere in Syria's extent, at any precision, on any day of the conflict years.
_events = st.lists(
    st.tuples(
        st.floats(35.6, 42.4, allow_nan=False),
        st.floats(32.3, 37.3, allow_nan=False),
        st.sampled_from(EVENT_KINDS),
        st.dates(dt.date(2011, 1, 1), dt.date(2024, 12, 31)),
        st.integers(0, 40),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


@given(rows=_events, fmt=st.sampled_from(["geojson", "geojsonseq", "gpkg", "csv"]))
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_round_trip_keeps_features_and_geometries(
    rows: list[tuple[float, float, str, dt.date, int, bool]], fmt: str, tmp_path: Path
) -> None:
    frame = events_frame(
        [
            (
                event(f"ev-{i}", kind, day.isoformat(), (day + dt.timedelta(days=span)).isoformat()),
                Point(lon, lat) if located else None,
            )
            for i, (lon, lat, kind, day, span, located) in enumerate(rows)
        ]
    )
    selected = {"events": frame}
    info = export.describe(export.ExportView(layers=("events",)), selected, fmt=fmt, name="x")
    path = tmp_path / f"round.{formats.SUFFIXES[fmt]}"
    formats.write(selected, path, fmt=fmt, info=info)
    if fmt == "gpkg":
        names = [name for name, _ in pyogrio.list_layers(path) if name.startswith("events_")]
        parts = [pyogrio.read_dataframe(path, layer=name) for name in names]
        back = gpd.GeoDataFrame(gpd.pd.concat(parts, ignore_index=True))
    elif fmt == "csv":
        back = pyogrio.read_dataframe(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    else:
        back = pyogrio.read_dataframe(path)
    back = back.set_index("event_id").loc[list(frame["event_id"])]
    assert [str(kind) for kind in back["kind"]] == list(frame["kind"])
    # An export of unlocated events only has no geometry column at all (a GeoPackage attribute table).
    read_back = back["geometry"] if "geometry" in back else [None] * len(back)
    for original, read in zip(frame.geometry.values, read_back, strict=True):
        if original is None:
            assert read is None or read.is_empty
        else:
            assert abs(read.x - original.x) <= 5e-7
            assert abs(read.y - original.y) <= 5e-7


_boxes = st.lists(
    st.tuples(
        st.floats(35.6, 42.0, allow_nan=False),
        st.floats(32.3, 37.0, allow_nan=False),
        st.floats(0.001, 0.4, allow_nan=False),
        st.booleans(),
    ),
    min_size=1,
    max_size=5,
)


@given(boxes=_boxes, fmt=st.sampled_from(["geojson", "gpkg"]))
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_round_trip_keeps_polygons_counter_clockwise(
    boxes: list[tuple[float, float, float, bool]], fmt: str, tmp_path: Path
) -> None:
    polygons = []
    for west, south, size, clockwise in boxes:
        ring = [(west, south), (west + size, south), (west + size, south + size), (west, south + size)]
        polygons.append(Polygon(ring[::-1] if clockwise else ring))
    frame = gpd.GeoDataFrame(
        {"zone_id": [f"z{i}" for i in range(len(polygons))], "kind": "patrol_area"},
        geometry=polygons,
        crs="EPSG:4326",
    )
    selected = {"zones": frame}
    info = export.describe(export.ExportView(layers=("zones",)), selected, fmt=fmt, name="x")
    path = tmp_path / f"zones.{formats.SUFFIXES[fmt]}"
    formats.write(selected, path, fmt=fmt, info=info)
    back = pyogrio.read_dataframe(path, layer="zones_polygons" if fmt == "gpkg" else None)
    back = back.set_index("zone_id").loc[list(frame["zone_id"])]
    for original, read in zip(polygons, back.geometry.values, strict=True):
        part = read.geoms[0] if read.geom_type == "MultiPolygon" else read
        assert part.exterior.is_ccw
        assert part.equals_exact(shapely.orient_polygons(original), tolerance=1e-6)


# --- GeoPackage version -------------------------------------------------------------------------------


def test_gpkg_is_version_1_2(sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path) -> None:
    # GDAL 3.6 (QGIS 3.22, Debian 12) warns that a 1.4 file "may only be partially supported".
    path, _ = write(sample_frames, tmp_path, "gpkg")
    with sqlite3.connect(path) as db:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
    assert application_id.to_bytes(4, "big") == b"GPKG"
    assert user_version == 10200


# --- formula-safe CSV ---------------------------------------------------------------------------------

HOSTILE = (
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    "＝1+1",
)


@pytest.mark.parametrize("cell", HOSTILE)
def test_formula_cells_are_made_text(cell: str) -> None:
    assert formats.formula_safe(gpd.pd.Series([cell])).iloc[0] == "'" + cell


@pytest.mark.parametrize("cell", ["-5", "+3", "-12.5", " -0.25 ", "1e5", "Saraqib", "a = b", "", "x@y.org"])
def test_plain_numbers_and_text_are_left_alone(cell: str) -> None:
    assert formats.formula_safe(gpd.pd.Series([cell])).iloc[0] == cell


def test_formula_safe_leaves_missing_values_and_numbers() -> None:
    values = gpd.pd.Series([None, -3.5, "=1", gpd.pd.NA], dtype=object)
    assert formats.formula_safe(values).tolist() == [None, -3.5, "'=1", gpd.pd.NA]


def _hostile_events() -> gpd.GeoDataFrame:
    rows = [
        (
            event(f"ev-{i}", "attack", "2019-03-08", "2019-03-09", quote=cell, place=cell),
            Point(-0.5 + i, 35.25),
        )
        for i, cell in enumerate(HOSTILE)
    ]
    rows.append((event("-7", "patrol", "2019-03-08", "2019-03-08", quote="-7"), Point(36.5, -1.75)))
    return events_frame(rows)


def test_csv_export_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    selected = {"events": _hostile_events()}
    info = export.describe(export.ExportView(layers=("events",)), selected, fmt="csv", name="x.csv")
    path = tmp_path / "x.csv"
    formats.write(selected, path, fmt="csv", info=info)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row, cell in zip(rows, HOSTILE, strict=False):
        assert row["quote"] == row["place"] == "'" + cell
    assert [row["lon"] for row in rows[:3]] == ["-0.5", "0.5", "1.5"]  # negative coordinates stay numbers
    assert (rows[-1]["event_id"], rows[-1]["quote"], rows[-1]["lat"]) == ("-7", "-7", "-1.75")


@pytest.fixture(scope="module")
def soffice() -> str:
    """LibreOffice's ``soffice`` (Debian ``libreoffice-calc-nogui``, installed by .ci/run)."""
    found = shutil.which("soffice")
    if found is None:
        reason = "soffice missing: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def test_csv_opens_in_libreoffice_with_dates_and_no_formula(soffice: str, tmp_path: Path) -> None:
    selected = {"events": _hostile_events()}
    info = export.describe(export.ExportView(layers=("events",)), selected, fmt="csv", name="x.csv")
    path = tmp_path / "events.csv"
    formats.write(selected, path, fmt="csv", info=info)
    # Comma-separated UTF-8 with a header: what the import dialog offers for this file. Its own profile
    # folder, so runs in parallel never share (and lock) one.
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={profile}",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    converted = tmp_path / "events.xlsx"
    assert converted.is_file(), result.stdout + result.stderr
    sheet = openpyxl.load_workbook(converted).active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(HOSTILE) + 1
    for row, cell in zip(rows, HOSTILE, strict=False):
        assert row["quote"].data_type == "s"  # text, never a formula ("f")
        # Shown as written, with the apostrophe (Calc keeps it visible; it turns a lone CR into LF).
        assert row["quote"].value == "'" + cell.replace("\r", "\n")
    assert rows[0]["date_start"].value == dt.datetime(2019, 3, 8)  # a date, not text
    assert rows[0]["date_end"].is_date
    assert rows[0]["lon"].value == -0.5
    assert rows[0]["lon"].data_type == "n"
    assert rows[-1]["lat"].value == -1.75
    assert rows[-1]["quote"].value == -7  # a plain number in a text column is still that number


# --- atomic exports -----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# A child process that exports many events to the file named by argv[1] as argv[2].
_BIG_EXPORT = """
import sys
from pathlib import Path
import numpy as np, shapely
import geopandas as gpd
from geodata import export, formats
from geodata.schema import EVENT_PROPERTIES
from tests.conftest import event
count = int(sys.argv[3])
row = event("x", "attack", "2019-03-08", "2019-03-09")
data = {name: [row[name]] * count for name in EVENT_PROPERTIES}
data["event_id"] = [f"ev-{i}" for i in range(count)]
rng = np.random.default_rng(1)
points = shapely.points(rng.uniform(36, 41, count), rng.uniform(33, 37, count))
frame = gpd.GeoDataFrame(data, geometry=points, crs="EPSG:4326")
selected = {"events": frame}
info = export.describe(export.ExportView(layers=("events",)), selected, fmt=sys.argv[2], name="x")
formats.write(selected, Path(sys.argv[1]), fmt=sys.argv[2], info=info)
"""


def _temporaries(target: Path) -> list[Path]:
    return [p for p in target.parent.iterdir() if p.name.startswith(f".{target.stem}.") and ".tmp" in p.name]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_an_export_killed_midway_leaves_the_old_file(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path, fmt: str
) -> None:
    target, _ = write(sample_frames, tmp_path, fmt)
    old = target.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", _BIG_EXPORT, str(target), fmt, "60000"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    caught = 0
    deadline = time.monotonic() + 120
    # Kill it with SIGKILL as soon as some of the new export is on disk: in its temporary file, or
    # (as an export written in place would do) in the target itself.
    while child.poll() is None and time.monotonic() < deadline:
        sizes = [p.stat().st_size for p in _temporaries(target) if p.exists()]
        if any(size > 0 for size in sizes) or target.stat().st_size != len(old):
            child.send_signal(signal.SIGKILL)
            caught = max([*sizes, target.stat().st_size])
            break
        time.sleep(0.002)
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "the export finished before it could be killed midway"
    assert caught > 0
    assert target.read_bytes() == old  # the old file, whole
    if fmt == "gpkg":
        assert len(pyogrio.read_dataframe(target, layer="events_points")) > 0


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_a_failed_export_keeps_the_old_file(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path, fmt: str
) -> None:
    # The file system refuses to grow a file past 200 kB (RLIMIT_FSIZE, as a full disk would): the
    # export fails with a message and the good file already there stays as it was.
    target, _ = write(sample_frames, tmp_path, fmt)
    old = target.read_bytes()
    limit = 200_000
    script = f"import resource; resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n" + _BIG_EXPORT
    script += "\n"
    child = subprocess.run(
        [sys.executable, "-c", script, str(target), fmt, "20000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == 1
    assert f"OutputError: cannot write {target}" in child.stderr
    assert target.read_bytes() == old
    assert _temporaries(target) == []


@given(
    st.lists(st.text(alphabet=st.sampled_from(" \t\r\n=+-@＝1.e5aZ'\""), max_size=8), min_size=1, max_size=20)
)
def test_formula_safe_output_never_starts_a_formula(cells: list[str]) -> None:
    safe = formats.formula_safe(gpd.pd.Series(cells, dtype=object)).tolist()
    for cell, out in zip(cells, safe, strict=True):
        assert out in (cell, "'" + cell)  # nothing else about the text changes
        first = out.lstrip(" \t\n\r\f\v")[:1]
        starts_formula = out[:1] in ("\t", "\r") or first in ("=", "+", "-", "@", "＝")
        plain_number = re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", out) is not None
        assert not starts_formula or plain_number, repr(out)
