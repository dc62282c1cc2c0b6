"""Loading and validating zone files: every problem is reported by file and zone, nothing else is lost."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from geodata import zones

# A small counter-clockwise square around Idlib city (lon 36.63, lat 35.93).
SQUARE = [[36.6, 35.9], [36.7, 35.9], [36.7, 36.0], [36.6, 36.0], [36.6, 35.9]]


def feature(zone_id: str = "test-zone", **changes: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "zone_id": zone_id,
        "name": "Test zone",
        "kind": "de_escalation_zone",
        "agreement": "Test memorandum",
        "signed": "2017-05-04",
        "valid_from": "2017-05-06",
        "valid_to": "2018-05-16",
        "end_reason": "surrender deal",
        "parties": "Russia, Turkey, Iran",
        "sources": "https://example.org/a | Example title",
        "accuracy_km": 5.0,
        "method": "hand-digitised for a test",
        "notes": "",
    }
    geometry = changes.pop("geometry", {"type": "Polygon", "coordinates": [SQUARE]})
    props.update(changes)
    return {"type": "Feature", "properties": props, "geometry": geometry}


def without(prop: str) -> dict[str, Any]:
    bad = feature()
    del bad["properties"][prop]
    return bad


def write(folder: Path, name: str, features: list[dict[str, Any]], **extra: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}))
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A zone folder holding one good file, which every bad-input test expects to survive."""
    write(tmp_path, "good.geojson", [feature("good-zone")])
    return tmp_path


def messages(zone_set: zones.ZoneSet, file: str) -> str:
    return "\n".join(str(p) for p in zone_set.problems if p.file == file)


def test_good_file_loads_with_its_properties(folder: Path) -> None:
    zone_set = zones.load_zones(folder)
    assert zone_set.problems == ()
    row = zone_set.zones.iloc[0]
    assert row["zone_id"] == "good-zone"
    assert row["valid_from"] == "2017-05-06"
    assert row["file"] == "good.geojson"
    assert zone_set.zones.crs.to_epsg() == 4326


def test_lon_lat_order_is_kept(folder: Path) -> None:
    geom = zones.load_zones(folder).zones.geometry.iloc[0]
    lon, lat = geom.representative_point().coords[0]
    assert 36.6 < lon < 36.7
    assert 35.9 < lat < 36.0


BAD_CASES: list[tuple[str, Any, str]] = [
    (
        "bowtie ring",
        feature(
            geometry={
                "type": "Polygon",
                "coordinates": [[[36.6, 35.9], [36.7, 36.0], [36.7, 35.9], [36.6, 36.0], [36.6, 35.9]]],
            }
        ),
        "invalid geometry: Self-intersection",
    ),
    (
        "lat/lon swapped",
        feature(geometry={"type": "Polygon", "coordinates": [[[y, x] for x, y in reversed(SQUARE)]]}),
        "latitude and longitude look swapped",
    ),
    ("missing property", without("sources"), "missing property 'sources'"),
    (
        "clockwise ring",
        feature(geometry={"type": "Polygon", "coordinates": [list(reversed(SQUARE))]}),
        "exterior ring is clockwise",
    ),
    (
        "too many decimals",
        feature(geometry={"type": "Polygon", "coordinates": [[[x + 1e-7, y] for x, y in SQUARE]]}),
        "more than 6 decimals",
    ),
    ("unknown kind", feature(kind="safe_zone"), "property 'kind'"),
    ("dates out of order", feature(valid_to="2017-01-01"), "valid_to 2017-01-01 is before valid_from"),
    ("not an ISO date", feature(valid_from="6 May 2017"), "not an ISO date"),
    ("end without reason", feature(end_reason=None), "end_reason does not say why"),
    ("no sources", feature(sources="Reuters"), "sources must name at least one URL"),
    (
        "point for a zone",
        feature(geometry={"type": "Point", "coordinates": [36.63, 35.93]}),
        "a de_escalation_zone must be a Polygon or MultiPolygon",
    ),
    (
        "outside Syria",
        feature(geometry={"type": "Polygon", "coordinates": [[[x + 0.5, y + 1.5] for x, y in SQUARE]]}),
        "reaches outside Syria's outline",
    ),
]


@pytest.mark.parametrize(("case", "bad", "expected"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_feature_is_reported_and_others_still_load(
    folder: Path, case: str, bad: dict[str, Any], expected: str
) -> None:
    bad = copy.deepcopy(bad)
    bad["properties"]["zone_id"] = "bad-zone"
    write(folder, "bad.geojson", [bad, feature("sibling-zone")])
    zone_set = zones.load_zones(folder)
    report = messages(zone_set, "bad.geojson")
    assert expected in report
    assert "bad.geojson: bad-zone:" in report  # names the file and the zone
    assert set(zone_set.zones["zone_id"]) == {"good-zone", "sibling-zone"}


def test_file_that_is_not_json(folder: Path) -> None:
    (folder / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [\n  {oops}\n]}')
    zone_set = zones.load_zones(folder)
    assert "broken.geojson: not valid JSON" in messages(zone_set, "broken.geojson")
    assert "line 2" in messages(zone_set, "broken.geojson")
    assert list(zone_set.zones["zone_id"]) == ["good-zone"]


def test_file_that_is_not_utf8(folder: Path) -> None:
    (folder / "latin.geojson").write_bytes(b'{"name": "Ma\xe2rrat"}')
    zone_set = zones.load_zones(folder)
    assert "not UTF-8" in messages(zone_set, "latin.geojson")
    assert len(zone_set.zones) == 1


def test_crs_other_than_wgs84_is_an_error(folder: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32637"}}
    write(folder, "utm.geojson", [feature("utm-zone")], crs=crs)
    zone_set = zones.load_zones(folder)
    report = messages(zone_set, "utm.geojson")
    assert "'crs' member is 'urn:ogc:def:crs:EPSG::32637'" in report
    assert "utm-zone" not in set(zone_set.zones["zone_id"])
    assert len(zone_set.zones) == 1


def test_wgs84_crs_member_is_only_a_warning(folder: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    write(folder, "crs84.geojson", [feature("crs84-zone")], crs=crs)
    zone_set = zones.load_zones(folder)
    assert [p.severity for p in zone_set.problems] == ["warning"]
    assert "crs84-zone" in set(zone_set.zones["zone_id"])


def test_empty_feature_collection(folder: Path) -> None:
    write(folder, "empty.geojson", [])
    zone_set = zones.load_zones(folder)
    assert "empty.geojson: empty FeatureCollection" in messages(zone_set, "empty.geojson")
    assert len(zone_set.zones) == 1


def test_not_a_feature_collection(folder: Path) -> None:
    (folder / "geom.geojson").write_text(json.dumps({"type": "Polygon", "coordinates": [SQUARE]}))
    assert "not a GeoJSON FeatureCollection" in messages(zones.load_zones(folder), "geom.geojson")


def test_a_duplicate_id_keeps_the_first_and_names_the_duplicate(folder: Path) -> None:
    # Files load by name: again.geojson comes before good.geojson, so its feature is the first.
    write(folder, "again.geojson", [feature("good-zone", name="First")])
    zone_set = zones.load_zones(folder)
    assert [str(p) for p in zone_set.problems] == [
        "good.geojson: good-zone: zone_id is already used in again.geojson; the first is kept and this one "
        "left out (give each zone its own zone_id)"
    ]
    assert list(zone_set.zones["name"]) == ["First"]


def test_a_duplicate_id_in_one_file_keeps_the_first(folder: Path) -> None:
    write(folder, "twice.geojson", [feature("twice", name="One"), feature("twice", name="Two")])
    zone_set = zones.load_zones(folder)
    assert "twice.geojson: twice: zone_id is already used earlier in this file" in str(zone_set.problems[0])
    assert list(zone_set.zones.set_index("zone_id").loc[["twice"], "name"]) == ["One"]


def test_swapped_coordinates_are_named_not_only_the_ring_order(folder: Path) -> None:
    # A counter-clockwise ring written as [lat, lon] becomes clockwise: the cause is the swap.
    swapped = feature("swapped", geometry={"type": "Polygon", "coordinates": [[[y, x] for x, y in SQUARE]]})
    write(folder, "swapped.geojson", [swapped])
    report = messages(zones.load_zones(folder), "swapped.geojson")
    assert "latitude and longitude look swapped" in report
    assert "clockwise" not in report


def test_every_problem_of_a_file_is_reported_at_once(folder: Path) -> None:
    bad = feature("two-problems", kind="safe_zone", sources="none")
    write(folder, "bad.geojson", [bad])
    report = messages(zones.load_zones(folder), "bad.geojson")
    assert "property 'kind'" in report
    assert "sources must name at least one URL" in report


def test_empty_folder_is_reported_and_filters_still_work(tmp_path: Path) -> None:
    zone_set = zones.load_zones(tmp_path)
    assert "no zone files" in str(zone_set.problems[0])
    assert zones.zones_in_force(zone_set.zones, dt.date(2019, 1, 1)).empty


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2017-05-05", {"open-zone"}),  # the day before valid_from of good-zone
        ("2017-05-06", {"open-zone", "good-zone"}),  # first day: inclusive
        ("2018-05-16", {"open-zone", "good-zone"}),  # last day: inclusive
        ("2018-05-17", {"open-zone"}),
        ("2030-01-01", {"open-zone"}),  # null valid_to: still in force
        ("2017-05-03", set()),
    ],
)
def test_zones_in_force(folder: Path, day: str, expected: set[str]) -> None:
    write(
        folder,
        "open.geojson",
        [feature("open-zone", valid_from="2017-05-04", valid_to=None, end_reason=None)],
    )
    loaded = zones.load_zones(folder).zones
    shown = zones.zones_in_force(loaded, dt.date.fromisoformat(day))
    assert set(shown["zone_id"]) == expected


def test_date_range_spans_starts_and_known_ends(folder: Path) -> None:
    loaded = zones.load_zones(folder).zones
    assert zones.date_range(loaded) == (dt.date(2017, 5, 6), dt.date(2018, 5, 16))
