"""The panels beside the map: zone areas and event counts, events not on the map, weekly counts."""

from __future__ import annotations

import pandas as pd
import pytest
from pyproj import Geod

from geodata import imports, panels, settings
from tests import builders


def test_zone_area_is_measured_on_the_ellipsoid_scale() -> None:
    zones = builders.sample_zones()
    table = panels.zone_panel(zones, builders.sample_events())
    geodesic_km2 = abs(Geod(ellps="WGS84").geometry_area_perimeter(zones.geometry[0])[0]) / 1e6
    assert table.loc[0, "area_km2"] == pytest.approx(geodesic_km2, rel=0.001)


def test_posts_and_routes_have_no_area_or_counts() -> None:
    table = panels.zone_panel(builders.sample_zones(), builders.sample_events()).set_index("zone_id")
    measured = table.loc[["op-1", "route-1"], ["area_km2", "events_inside", "events_uncertain"]]
    assert measured.isna().all().all()


def test_events_inside_and_uncertain_are_counted_apart() -> None:
    events = builders.events_frame(
        [
            builders.event("sure", lonlat=(36.7, 35.85), uncertainty_km=1.0),
            builders.event("edge", lonlat=(36.41, 35.85), uncertainty_km=5.0),
            builders.event("region", lonlat=(36.7, 35.85), uncertainty_km=80.0, geo_precision="governorate"),
            builders.event("outside", lonlat=(38.0, 35.0), uncertainty_km=1.0),
            builders.event("unlocated", lonlat=None),
        ]
    )
    zones = builders.zones_frame([builders.zone("dez-1")])  # box 36.4-37.0 E, 35.6-36.1 N
    row = panels.zone_panel(zones, events).iloc[0]
    assert row["events_inside"] == 1
    assert row["events_uncertain"] == 2


def test_no_events_gives_zero_counts() -> None:
    zones = builders.zones_frame([builders.zone("dez-1")])
    row = panels.zone_panel(zones, builders.sample_events().iloc[0:0]).iloc[0]
    assert (row["events_inside"], row["events_uncertain"]) == (0, 0)


def test_events_off_the_map_are_listed_with_the_reason() -> None:
    table = panels.off_map(builders.sample_events())
    assert list(table["event_id"]) == ["e5", "e4"]
    assert list(table["why not on the map"]) == ["not located", "outside Syria"]


def test_weekly_counts_start_on_monday_and_add_up() -> None:
    events = builders.sample_events()
    counts = panels.weekly_counts(events)
    assert counts["events"].sum() == len(events)
    assert (pd.to_datetime(counts["week"]).dt.day_of_week == 0).all()
    assert counts.loc[counts["kind"] == "patrol", "events"].tolist() == [1, 1]


def test_events_table_is_newest_first_with_its_columns() -> None:
    table = panels.events_table(builders.sample_events())
    assert tuple(table.columns) == panels.TABLE_COLUMNS[1:]  # no layer column: one family only
    assert table["date_start"].is_monotonic_decreasing


def test_shown_events_mix_ours_and_imported_with_their_layer() -> None:
    imported = imports.load_event_files([settings.ROOT / "tests/data/acled_small.csv"]).events
    mixed = panels.shown_events(
        {"zones": builders.sample_zones(), "events": builders.sample_events(), "imported": imported}
    )
    assert mixed["layer"].value_counts().to_dict() == {"events": 5, "imported": 5}
    assert panels.events_table(mixed).columns[0] == "layer"
    assert panels.zone_panel(builders.sample_zones(), mixed)["events_inside"].notna().any()


def test_newest_keeps_the_newest_events_and_their_ties() -> None:
    events = builders.events_frame(
        [
            builders.event("a", date_start="2019-01-01"),
            builders.event("b", date_start="2019-03-01"),
            builders.event("c", date_start="2019-02-01"),
            builders.event("d", date_start="2019-02-01"),
        ]
    )
    assert set(panels.newest(events, 2)["event_id"]) == {"b", "c", "d"}
    assert set(panels.newest(events, 1)["event_id"]) == {"b"}
    assert len(panels.newest(events, 10)) == 4
    table = panels.events_table(panels.newest(events, 2)).head(2)
    assert list(table["event_id"]) == ["b", "c"]


def test_zone_panel_counts_the_same_with_a_precomputed_membership() -> None:
    zones, events = builders.sample_zones(), builders.sample_events()
    membership = panels.zone_membership(zones, events)
    for subset in (events, events.iloc[[0, 2]], events.iloc[0:0]):
        pd.testing.assert_frame_equal(
            panels.zone_panel(zones, subset, membership=membership), panels.zone_panel(zones, subset)
        )
