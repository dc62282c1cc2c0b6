"""Export views: layers, date and filters, RFC 7946 GeoJSON with JSON-FG time, names and versions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import GeometryCollection, Point, Polygon, shape

from geodata import export, settings
from geodata._errors import UsageError
from geodata.schema import EVENT_KINDS
from tests.conftest import DATA

DAY = dt.date(2019, 3, 20)
GOLDEN = DATA / "golden_export_2019-03-20.geojson"


def ids(frame: gpd.GeoDataFrame, column: str) -> set[str]:
    return set(frame[column])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"layers": ("zones", "roads")}, "unknown layer(s) roads"),
        ({"layers": ()}, "no layer"),
        ({"kinds": ("riot",)}, "unknown kind(s) riot"),
        ({"window_days": 0}, "at least one day"),
        ({"day": dt.date(1, 1, 1)}, "a 30-day events window ending 0001-01-01 would begin before 1 January"),
        (
            {"day": dt.date(2019, 3, 8), "window_days": 800_000},
            "a 800000-day events window ending 2019-03-08",
        ),
        ({"bbox": (37.0, 35.0, 36.0, 36.0)}, "west < east"),
        ({"bbox": (35.0, 36.0, 37.0, 95.0)}, "latitude -90..90"),
    ],
)
def test_view_rejects_what_cannot_be_exported(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        export.ExportView(**changes)


def test_default_layers_are_all_but_reference() -> None:
    assert export.ExportView().layers == ("zones", "events", "imported")


def test_parse_bbox_is_west_south_east_north() -> None:
    assert export.parse_bbox("35.5, 32.3,42.4,37.3") == (35.5, 32.3, 42.4, 37.3)
    with pytest.raises(UsageError, match="four numbers"):
        export.parse_bbox("35,32,north,37")


def test_as_of_date_keeps_zones_in_force_and_events_in_window(
    sample_frames: dict[str, gpd.GeoDataFrame],
) -> None:
    view = export.ExportView(layers=("zones", "events"), day=DAY, window_days=30)
    selected = export.select(sample_frames, view)
    assert ids(selected["zones"], "zone_id") == {"test-idlib-area", "test-post"}
    # 2019-02-19 .. 2019-03-20: the patrol and the attack (which ended on 03-05), not February's statement.
    assert ids(selected["events"], "event_id") == {"ev-patrol", "ev-attack"}


def test_window_all_keeps_every_event_up_to_the_day(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=("events",), day=DAY, window_days=None)
    assert ids(export.select(sample_frames, view)["events"], "event_id") == {
        "ev-patrol",
        "ev-attack",
        "ev-statement",
    }


def test_imported_events_are_filtered_by_their_window(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=("imported",), day=dt.date(2019, 3, 9), window_days=1)
    # ACLED SYR1002 is dated within the week around 8 March (5-11 March), SYR1003 within March;
    # UCDP 300001 is on 10 March, outside the one-day window.
    assert ids(export.select(sample_frames, view)["imported"], "event_id") == {
        "acled:SYR1002",
        "acled:SYR1003",
    }


def test_kinds_filter_each_family_by_its_own_vocabulary(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=("zones", "events"), day=None, kinds=("patrol_route", "attack"))
    selected = export.select(sample_frames, view)
    assert ids(selected["zones"], "zone_id") == {"test-m4-route"}
    assert ids(selected["events"], "event_id") == {"ev-attack"}
    only_events = export.ExportView(layers=("zones", "events"), day=None, kinds=("patrol",))
    selected = export.select(sample_frames, only_events)
    assert len(selected["zones"]) == len(sample_frames["zones"])
    assert ids(selected["events"], "event_id") == {"ev-patrol"}


def test_zone_filter_keeps_the_zone_and_the_events_inside_it(
    sample_frames: dict[str, gpd.GeoDataFrame],
) -> None:
    view = export.ExportView(layers=("zones", "events", "imported"), day=None, zone_id="test-idlib-area")
    selected = export.select(sample_frames, view)
    assert ids(selected["zones"], "zone_id") == {"test-idlib-area"}
    assert ids(selected["events"], "event_id") == {"ev-patrol"}
    zone = sample_frames["zones"].set_index("zone_id").geometry["test-idlib-area"]
    assert selected["imported"].geometry.covered_by(zone).all()
    assert len(selected["imported"]) == 6


def test_zone_filter_works_without_exporting_the_zones(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=("events",), zone_id="test-idlib-area")
    assert ids(export.select(sample_frames, view)["events"], "event_id") == {"ev-patrol"}


def test_unknown_zone_names_the_known_ones(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    with pytest.raises(UsageError, match=r"no zone with zone_id 'nowhere'.*test-idlib-area"):
        export.select(sample_frames, export.ExportView(layers=("events",), zone_id="nowhere"))


def test_bbox_keeps_features_that_meet_it(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=("zones", "events", "reference"), bbox=(36.5, 35.5, 36.7, 35.7))
    selected = export.select(sample_frames, view)
    assert ids(selected["zones"], "zone_id") == {"test-idlib-area"}
    assert ids(selected["events"], "event_id") == {"ev-patrol"}
    assert ids(selected["reference"], "name") == {"Syria", "Idleb"}


def test_rejected_events_are_left_out_unless_asked_and_reviewed_only_keeps_the_vouched_for(
    sample_frames: dict[str, gpd.GeoDataFrame],
) -> None:
    frames = dict(sample_frames)
    states = ["accepted", "rejected", "machine", "added"]
    frames["events"] = frames["events"].assign(review=states)
    by_id = dict(zip(frames["events"]["event_id"], states, strict=True))

    def kept(**review: bool) -> set[str]:
        chosen = export.select(frames, export.ExportView(("events", "imported"), **review))
        assert len(chosen["imported"]) == len(frames["imported"])  # other people's records pass
        return {by_id[i] for i in chosen["events"]["event_id"]}

    assert kept() == {"accepted", "machine", "added"}
    assert kept(include_rejected=True) == set(states)
    assert kept(reviewed_only=True) == {"accepted", "added"}
    assert kept(reviewed_only=True, include_rejected=True) == {"accepted", "added", "rejected"}
    view = export.ExportView(("events",), reviewed_only=True, include_rejected=True)
    assert export.export_name(view).endswith("_reviewed_with-rejected.geojson")
    info = export.describe(view, {}, fmt="geojson", name="x.geojson")
    assert info.as_dict()["review"] == "reviewed events only, rejected ones included"


def test_layer_not_loaded_is_left_out(sample_events: gpd.GeoDataFrame) -> None:
    selected = export.select({"events": sample_events}, export.ExportView(layers=export.LAYERS))
    assert list(selected) == ["events"]


def test_collection_is_rfc7946(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=export.LAYERS, day=None)
    collection = export.feature_collection(export.select(sample_frames, view))
    assert set(collection) == {"type", "features"}  # no crs, no other member
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if geometry is None:
            continue
        geom = shape(geometry)
        assert geom.geom_type != "GeometryCollection"
        coords = shapely.get_coordinates(geom)
        assert (abs(coords.round(settings.COORD_DECIMALS) - coords) < 1e-12).all()
        assert ((coords[:, 0] >= -180) & (coords[:, 0] <= 180) & (abs(coords[:, 1]) <= 90)).all()
        for polygon in getattr(geom, "geoms", [geom]):
            if polygon.geom_type == "Polygon":
                assert polygon.exterior.is_ccw


def test_lon_lat_order_and_rounding() -> None:
    frame = gpd.GeoDataFrame({"kind": ["x"]}, geometry=[Point(36.12345678, 35.98765432)], crs=settings.WGS84)
    feature = export.feature_collection({"events": frame})["features"][0]
    assert list(feature["geometry"]["coordinates"]) == [36.123457, 35.987654]  # [longitude, latitude]


def test_clockwise_polygon_is_written_counter_clockwise() -> None:
    clockwise = Polygon([(36, 35), (36, 36), (37, 36), (37, 35)])
    assert not clockwise.exterior.is_ccw
    frame = gpd.GeoDataFrame({"name": ["cw"]}, geometry=[clockwise], crs=settings.WGS84)
    ring = export.feature_collection({"zones": frame})["features"][0]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw


def test_geometry_collection_is_refused() -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["gc"]}, geometry=[GeometryCollection([Point(36, 35)])], crs=settings.WGS84
    )
    with pytest.raises(UsageError, match="GeometryCollection"):
        export.feature_collection({"zones": frame})


def test_property_mixing_types_is_refused() -> None:
    frame = gpd.GeoDataFrame(
        {"fatalities": [3, "three"]}, geometry=[Point(36, 35), Point(36, 35)], crs=settings.WGS84
    )
    with pytest.raises(UsageError, match="'fatalities' mixes number and string"):
        export.feature_collection({"events": frame})


def test_nested_property_is_refused() -> None:
    frame = gpd.GeoDataFrame({"actors": [["a", "b"]]}, geometry=[Point(36, 35)], crs=settings.WGS84)
    with pytest.raises(UsageError, match="'actors' is a nested array"):
        export.feature_collection({"events": frame})


def test_every_property_keeps_one_type_across_layers(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=export.LAYERS, day=None)
    features = export.feature_collection(export.select(sample_frames, view))["features"]
    export.check_properties(features)  # raises if not
    layers = {f["properties"]["layer"] for f in features}
    assert layers == set(export.LAYERS)


def test_json_fg_time_member(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=("zones", "events"), day=None)
    features = export.feature_collection(export.select(sample_frames, view))["features"]
    times = {f["properties"].get("zone_id") or f["properties"]["event_id"]: f.get("time") for f in features}
    assert times["test-idlib-area"] == {"interval": ["2017-05-04", ".."]}
    assert times["test-m4-route"] == {"interval": ["2020-03-15", "2020-08-25"]}
    assert times["ev-patrol"] == {"date": "2019-03-08"}
    assert times["ev-attack"] == {"interval": ["2019-03-01", "2019-03-05"]}


def test_dates_are_iso_strings(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(layers=("zones", "events", "imported"), day=None)
    for feature in export.feature_collection(export.select(sample_frames, view))["features"]:
        for key in export.DATE_COLUMNS:
            value = feature["properties"].get(key)
            if value is not None:
                assert dt.date.fromisoformat(value).isoformat() == value


def test_dumps_is_deterministic(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    view = export.ExportView(day=DAY)
    first = export.dumps(export.feature_collection(export.select(sample_frames, view)))
    again = export.dumps(export.feature_collection(export.select(sample_frames, view)))
    assert first == again
    assert first.endswith("}\n")


def test_name_says_date_window_and_filters() -> None:
    view = export.ExportView(
        layers=("zones", "events"),
        day=DAY,
        window_days=7,
        kinds=("patrol",),
        zone_id="test-idlib-area",
        bbox=(36.0, 35.0, 37.5, 36.5),
    )
    assert (
        export.export_name(view, suffix="gpkg")
        == "atlas_zones-events_2019-03-20_7d_kinds-patrol_zone-test-idlib-area_bbox-36,35,37.5,36.5.gpkg"
    )
    assert export.export_name(export.ExportView(layers=("zones",))) == "atlas_zones_all-dates.geojson"


@pytest.mark.parametrize(
    ("kinds", "part"),
    [
        (("patrol",), "_kinds-patrol"),  # one kept, seven hidden: name the kept one
        (tuple(k for k in EVENT_KINDS if k != "attack"), "_without-attack"),  # one hidden: name it
        (EVENT_KINDS, ""),  # nothing hidden
        (
            ("de_escalation_zone", *(k for k in EVENT_KINDS if k != "other")),
            "_kinds-de_escalation_zone_without-other",
        ),
    ],
)
def test_name_says_the_shorter_of_kept_and_hidden_kinds(kinds: tuple[str, ...], part: str) -> None:
    view = export.ExportView(layers=("zones", "events"), kinds=kinds)
    assert export.export_name(view) == f"atlas_zones-events_all-dates{part}.geojson"


def test_info_records_view_counts_and_version(
    sample_frames: dict[str, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    source = tmp_path / "input.csv"
    source.write_text("a\n1\n", encoding="utf-8")
    view = export.ExportView(layers=("zones", "events"), day=DAY, kinds=("attack",), bbox=(36, 35, 38, 37))
    selected = export.select(sample_frames, view)
    info = export.describe(view, selected, fmt="geojson", name="x.geojson", sources=[source]).as_dict()
    assert info["as_of"] == "2019-03-20"
    assert info["window_days"] == 30
    assert info["kinds"] == "attack"
    assert info["bbox"] == "36,35,38,37"
    assert info["counts"] == "zones=2,events=1"
    # A file outside the checkout has no commit: the version is its content hash.
    assert info["dataset_version"] == f"sha256:{info['content_sha256']}"
    json.dumps(info)  # flat and JSON-ready
    # Layers read from the event store: its token comes first (the app's downloads and export alike).
    stored = export.describe(view, selected, fmt="geojson", name="x.geojson", sources=[source], store="id@7")
    assert stored.dataset_version == f"store:id@7; sha256:{info['content_sha256']}"


def test_content_hash_follows_the_content(tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    source.write_text("a\n1\n", encoding="utf-8")
    first = export.content_hash([tmp_path])
    assert export.content_hash([source]) == first
    source.write_text("a\n2\n", encoding="utf-8")
    assert export.content_hash([tmp_path]) != first


def test_no_commit_for_files_outside_the_checkout(tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    source.write_text("a\n", encoding="utf-8")
    assert export.git_commit([source]) is None


def test_reference_layer_has_outline_and_governorates() -> None:
    reference = export.reference_frame()
    assert (reference["kind"] == "outline").sum() == 1
    assert (reference["kind"] == "governorate").sum() == 14
    assert reference.crs.to_epsg() == 4326


def golden_collection(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    view = export.ExportView(layers=("zones", "events", "imported"), day=DAY, window_days=30)
    return export.feature_collection(export.select(frames, view))


def test_golden_export_of_a_fixed_date(sample_frames: dict[str, gpd.GeoDataFrame]) -> None:
    # Compared as data (properties, time, geometry within the precision), not as bytes.
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["features"]
    actual = golden_collection(sample_frames)["features"]
    assert [f["properties"] for f in actual] == [f["properties"] for f in expected]
    assert [f.get("time") for f in actual] == [f.get("time") for f in expected]
    for got, want in zip(actual, expected, strict=True):
        if want["geometry"] is None:
            assert got["geometry"] is None
        else:
            assert shape(got["geometry"]).equals_exact(shape(want["geometry"]), tolerance=1e-6)
