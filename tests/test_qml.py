"""QGIS styles in the GeoPackage: the QML itself, and a real export opened in Debian's QGIS, headless."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest

from geodata import export, formats, layers, qml
from geodata.schema import EVENT_KINDS, ZONE_KINDS

QGIS_PYTHON = Path("/usr/bin/python3")
QGIS_CHECK = Path(__file__).parent / "qgis_check.py"


def test_zone_polygon_style_has_the_app_colours_and_dates() -> None:
    root = ET.fromstring(qml.layer_qml("zones", "polygons").split("\n", 1)[1])  # type: ignore[union-attr]
    renderer = root.find("renderer-v2")
    assert renderer is not None
    assert renderer.get("attr") == "kind"
    values = [c.get("value") for c in renderer.iter("category")]
    assert values == ["de_escalation_zone", "demilitarized_zone", "security_corridor", "patrol_area"]
    colours = [
        option.get("value") for option in renderer.iter("Option") if option.get("name") == "outline_color"
    ]
    assert colours == [qml.hex_to_rgba(layers.ZONE_STYLES[kind].colour) for kind in values]
    temporal = root.find("temporal")
    assert temporal is not None
    assert (temporal.get("startField"), temporal.get("endField"), temporal.get("enabled")) == (
        "valid_from",
        "valid_to",
        "1",
    )


def test_unlocated_events_get_dates_but_no_symbols() -> None:
    root = ET.fromstring(qml.layer_qml("events", "unlocated").split("\n", 1)[1])  # type: ignore[union-attr]
    assert root.find("renderer-v2") is None
    assert root.get("styleCategories") == "Temporal"
    assert qml.layer_qml("reference", "points") is None


def test_hex_to_rgba() -> None:
    assert qml.hex_to_rgba("#4477AA") == "68,119,170,255"
    assert qml.hex_to_rgba("#000000", 0.25) == "0,0,0,64"


def test_styles_table_has_qgis_columns() -> None:
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    table = qml.styles_table([("zones", "polygons", "geom"), ("reference", "lines", "geom")], when=when)
    assert tuple(table.columns) == qml.STYLE_COLUMNS
    assert list(table["f_table_name"]) == ["zones_polygons"]  # reference lines get no style
    row = table.iloc[0]
    assert (row["f_table_schema"], row["f_geometry_column"], bool(row["useAsDefault"])) == ("", "geom", True)


def test_gpkg_holds_one_default_style_per_styled_layer(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    path = _export(sample_frames, tmp_path)
    styles = pyogrio.read_dataframe(path, layer=qml.STYLE_TABLE)
    data_layers = {name for name, _ in pyogrio.list_layers(path)} - {formats.METADATA_TABLE, qml.STYLE_TABLE}
    assert set(styles["f_table_name"]) == data_layers
    assert styles["useAsDefault"].all()


# --- QGIS itself ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def qgis() -> Path:
    """Debian's python3 with QGIS (``python3-qgis``, installed by .ci/run); in CI its absence fails."""
    probe = (
        subprocess.run(
            [str(QGIS_PYTHON), "-c", "import qgis.core"],
            capture_output=True,
            text=True,
            timeout=120,
            env=_qgis_env(),
            check=False,
        )
        if QGIS_PYTHON.exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        reason = "QGIS is not importable from /usr/bin/python3: apt-get install python3-qgis"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return QGIS_PYTHON


# Days that show, between them, every layer: the unlocated statement (February 2019), the route and an
# agreement (2020), a ranged attack cut by a week's window.
@pytest.mark.parametrize(
    ("day", "window"), [(dt.date(2019, 2, 10), 30), (dt.date(2019, 3, 8), 7), (dt.date(2020, 3, 20), 30)]
)
def test_qgis_opens_the_export_styled_and_ready_to_play(
    qgis: Path, sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path, day: dt.date, window: int
) -> None:
    path = _export(sample_frames, tmp_path)
    report = _open_in_qgis(qgis, path, day, window)
    assert report["gdal"] == [], "GDAL warned while opening the GeoPackage"
    assert report["qgis_log"] == [], "QGIS logged messages while opening the layers"
    expected = _shown_by_us(sample_frames, day, window)
    opened = report["layers"]
    assert set(opened) == {name for name, _ in pyogrio.list_layers(path)} - {qml.STYLE_TABLE}
    for name, layer in opened.items():
        assert layer["valid"], name
        if name == formats.METADATA_TABLE:
            continue
        family, part = name.rsplit("_", 1)
        assert layer["style"] == {"loaded": True, "message": "Loaded from Provider"}, name
        if part != "unlocated":
            _check_colours(name, family, layer)
        if family in qml.TEMPORAL_FIELDS:
            start, end = qml.TEMPORAL_FIELDS[family]
            assert layer["temporal"] == {"active": True, "mode": 2, "start": start, "end": end, "limit": 1}
            assert layer["shown"] == expected.get(name, []), f"{name} on {day} ({window} days)"
        else:
            assert not layer["temporal"]["active"], name


def _check_colours(name: str, family: str, layer: dict[str, Any]) -> None:
    assert (layer["renderer"], layer["attribute"]) == ("categorizedSymbol", "kind"), name
    categories = layer["categories"]
    if family == "zones":
        for kind, drawn in categories.items():
            assert kind in ZONE_KINDS
            assert drawn["fill"] == layers.ZONE_STYLES[kind].colour.lower(), (name, kind)
    elif family in ("events", "imported"):
        assert list(categories) == list(EVENT_KINDS)
        for kind, drawn in categories.items():
            assert drawn["fill"] == layers.EVENT_STYLES[kind].colour.lower(), (name, kind)
        if family == "imported":
            assert {drawn["outline"] for drawn in categories.values()} == {layers.IMPORTED_RING.lower()}
    else:
        assert {drawn["outline"] for drawn in categories.values()} == {layers.REFERENCE_STYLE.colour.lower()}


def _export(frames: dict[str, gpd.GeoDataFrame], folder: Path) -> Path:
    view = export.ExportView(layers=export.LAYERS, day=None)
    selected = export.select(frames, view)
    path = folder / "atlas.gpkg"
    formats.write(
        selected, path, fmt="gpkg", info=export.describe(view, selected, fmt="gpkg", name=path.name)
    )
    return path


def _shown_by_us(frames: dict[str, gpd.GeoDataFrame], day: dt.date, window: int) -> dict[str, list[str]]:
    """Ids of what our export holds for ``day`` and ``window``, by GeoPackage layer."""
    view = export.ExportView(layers=export.LAYERS, day=day, window_days=window)
    shown: dict[str, list[str]] = {}
    for family, frame in export.select(frames, view).items():
        if family not in qml.TEMPORAL_FIELDS:
            continue
        key = "zone_id" if family == "zones" else "event_id"
        for geom, ident in zip(frame.geometry.values, frame[key], strict=True):
            name = formats.gpkg_layer_name(family, None if geom is None else geom.geom_type)
            shown.setdefault(name, []).append(str(ident))
    return {name: sorted(ids) for name, ids in shown.items()}


def _open_in_qgis(qgis: Path, path: Path, day: dt.date, window: int) -> dict[str, Any]:
    result = subprocess.run(
        [str(qgis), str(QGIS_CHECK), str(path), day.isoformat(), str(window)],
        capture_output=True,
        text=True,
        timeout=300,
        env=_qgis_env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _qgis_env() -> dict[str, str]:
    # Headless; the project's virtualenv must not leak into Debian's python.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    env |= {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": _runtime_dir()}
    return env


def _runtime_dir() -> str:
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"atlas-qgis-runtime-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder)
