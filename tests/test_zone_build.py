"""``zones/build_zones.py`` reproduces the committed zone layers from ``zones/digitised/``.

The committed GeoJSON is the source of truth; this guards against hand edits of the output that the
digitised sources do not carry, and against sources edited without rebuilding. Geometries are
compared as data (equal after snapping, or a negligible symmetric difference), properties exactly.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box, shape
from shapely.geometry.base import BaseGeometry

from geodata import settings

BUILD_SCRIPT = settings.ZONES_DIR / "build_zones.py"


@cache
def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_zones", BUILD_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zones")
    _load_build_script().build(out)
    return out


def _by_id(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["zone_id"]: f for f in data["features"]}


def test_build_writes_exactly_the_committed_files(built: Path) -> None:
    committed = sorted(p.name for p in settings.ZONES_DIR.glob("*.geojson"))
    assert sorted(p.name for p in built.glob("*.geojson")) == committed


@pytest.mark.parametrize("name", sorted(p.name for p in settings.ZONES_DIR.glob("*.geojson")))
def test_build_reproduces_committed_file(built: Path, name: str) -> None:
    committed, fresh = _by_id(settings.ZONES_DIR / name), _by_id(built / name)
    assert list(fresh) == list(committed)
    for zone_id, feature in committed.items():
        assert fresh[zone_id]["properties"] == feature["properties"], zone_id
        old, new = shape(feature["geometry"]), shape(fresh[zone_id]["geometry"])
        assert old.geom_type == new.geom_type, zone_id
        if old.geom_type.endswith("Polygon"):
            assert old.symmetric_difference(new).area <= 1e-9 * old.area, zone_id
        else:
            assert shapely.equals_exact(old, new, tolerance=1e-6), zone_id


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    _load_build_script().build(tmp_path)
    for path in built.glob("*.geojson"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_widths_are_the_agreed_distances() -> None:
    module = _load_build_script()
    assert module.DMZ_DEPTH_M == 15_000
    assert module.M4_HALF_WIDTH_M == 6_000
    assert module.NE_STRIP_DEPTH_M == 10_000


def test_border_margin_stays_below_the_loader_tolerance() -> None:
    module = _load_build_script()
    assert 0 < module.BORDER_TOWN_MARGIN_M < settings.OUTLINE_TOLERANCE_KM * 1000
    with pytest.raises(ValueError, match="tolerance"):
        module.grown_outline(box(0, 0, 1, 1), settings.OUTLINE_TOLERANCE_KM * 1000)


def _edge(edge_id: str, coords: list[tuple[float, float]]) -> dict[str, Any]:
    return {"properties": {"edge_id": edge_id}, "geometry": {"type": "LineString", "coordinates": coords}}


def test_polygon_from_edges_closes_the_traced_edges_in_order() -> None:
    module = _load_build_script()
    edges = [
        _edge("north", [(0.0, 1.0), (1.0, 1.0)]),
        _edge("east", [(1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]),
        _edge("west", [(0.0, 0.0), (0.0, 1.0)]),
    ]
    polygon = module.polygon_from_edges(edges)
    assert polygon.equals(box(0, 0, 1, 1))


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ([_edge("a", [(0, 1), (1, 1)]), _edge("b", [(1, 0.9), (0, 0), (0, 1)])], "edge b starts"),
        ([_edge("a", [(0, 1), (1, 1)]), _edge("b", [(1, 1), (1, 0), (0, 0)])], "do not close"),
        ([_edge("a", [(0, 0), (1, 1)]), _edge("b", [(1, 1), (1, 0), (0, 1), (0, 0)])], "cross"),
    ],
)
def test_polygon_from_edges_rejects_gaps_and_crossings(edges: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _load_build_script().polygon_from_edges(edges)


def _outline() -> BaseGeometry:
    return shapely.union_all(
        [shape(f["geometry"]) for f in json.loads(settings.OUTLINE_FILE.read_text())["features"]]
    )


def test_turkish_border_walk_runs_west_from_the_tigris() -> None:
    module = _load_build_script()
    outline = _outline()
    border = module.turkish_border_east_of(outline, 38.0)
    (east_lon, east_lat), (west_lon, west_lat) = border.coords[0], border.coords[-1]
    # Starts at the Tigris tripoint and ends near Jarablus, not on the Iraqi border.
    assert east_lon > 42.3
    assert 36.9 < east_lat < 37.4
    assert 37.9 < west_lon < 38.0
    assert 36.6 < west_lat < 36.9
    assert min(lat for _, lat in border.coords) > 36.5  # never runs south along Iraq


def test_dmz_keeps_the_left_side_of_the_contact_line() -> None:
    module = _load_build_script()
    # Heading east along 35.5 N, the left (opposition) side is north.
    line = LineString([(36.3, 35.5), (36.9, 35.5)])
    zone = box(36.0, 35.0, 37.2, 36.0)
    dmz = module.idlib_dmz(line, zone)
    assert dmz.bounds[1] >= 35.5 - 1e-6
    depth_deg = dmz.bounds[3] - 35.5
    assert 0.13 < depth_deg < 0.14  # 15 km of latitude


@hypothesis_settings(max_examples=25, deadline=None)
@given(
    lon=st.floats(36.0, 41.5),
    lat=st.floats(32.8, 36.8),
    radius_km=st.floats(0.5, 60.0),
)
def test_finish_always_gives_valid_ccw_six_decimal_geometry_inside_syria(
    lon: float, lat: float, radius_km: float
) -> None:
    module = _load_build_script()
    outline = _outline()
    blob = Point(lon, lat).buffer(radius_km / 100.0, quad_segs=3)
    assume(blob.intersects(outline))
    done = module.finish(blob, outline)
    assert done.is_valid
    assert done.geom_type in ("Polygon", "MultiPolygon")
    coords = shapely.get_coordinates(done)
    assert np.array_equal(np.round(coords, 6), coords)
    polygons = [done] if done.geom_type == "Polygon" else list(done.geoms)
    assert all(p.exterior.is_ccw for p in polygons)
    assert done.difference(outline.buffer(1e-5)).is_empty
