"""The live map's datasets prepared from frames (:mod:`geodata.map_datasets`): the points table, the
datasets of the zones, events and base map, the date range and the stops."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geodata import basemap, layers, livemap, map_datasets, view
from geodata.schema import EVENT_KINDS
from tests import builders

REGIONS = layers.REGION_PRECISIONS

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
records = st.lists(
    st.tuples(
        st.floats(35.3, 42.7),
        st.floats(32.0, 37.6),
        days,
        st.integers(0, 40),
        st.sampled_from(EVENT_KINDS),
        st.sampled_from(["occurred", "planned"]),
        st.sampled_from(["town", "district", "governorate", "point"]),
        st.sampled_from([0.5, 5.0, 25.0, 75.0, 150.0]),
    ),
    max_size=40,
)


def frame_of(rows: list[tuple]) -> pd.DataFrame:
    events = [
        builders.event(
            f"e{i}",
            lonlat=(lon, lat),
            date_start=start.isoformat(),
            date_end=(start + dt.timedelta(days=length)).isoformat(),
            kind=kind,
            status=status,
            geo_precision=precision,
            uncertainty_km=km,
        )
        for i, (lon, lat, start, length, kind, status, precision, km) in enumerate(rows)
    ]
    return builders.events_frame(events)


def columns(points: map_datasets.PointData) -> dict[str, np.ndarray]:
    return {name: points.table.column(name).to_numpy() for name, _ in map_datasets.POINT_COLUMNS}


# --- the points table ---


@settings(max_examples=60, deadline=None)
@given(records)
def test_points_round_trip(rows: list[tuple]) -> None:
    frame = frame_of(rows)
    points = map_datasets.encode_points(frame)
    assert [field.type for field in points.table.schema] == [kind for _, kind in map_datasets.POINT_COLUMNS]
    got = columns(points)
    source = frame.iloc[points.order]
    np.testing.assert_allclose(got["lon"] / 1e5, source.geometry.x, atol=0.6e-5)
    np.testing.assert_allclose(got["lat"] / 1e5, source.geometry.y, atol=0.6e-5)  # lat is not lon
    starts = [(livemap.EPOCH + dt.timedelta(days=int(d))).isoformat() for d in got["start"]]
    assert starts == list(source["date_start"])
    assert list(got["start"]) == sorted(got["start"])
    ends = [(livemap.EPOCH + dt.timedelta(days=int(d))).isoformat() for d in got["end"]]
    assert ends == list(source["date_end"])
    assert [EVENT_KINDS[k] for k in got["kind"]] == list(source["kind"])
    assert list(got["flags"] & 1) == list((source["status"] == "planned").astype(int))
    radius = [points.radii[r] for r in got["radius"]]
    expected = np.where(source["geo_precision"].isin(list(REGIONS)), source["uncertainty_km"], 0.0)
    assert radius == list(expected)
    spans = got["end"].astype(int) - got["start"].astype(int)
    assert points.max_duration == max(spans, default=0)


def test_points_outside_syria_or_unlocated_are_not_encoded() -> None:
    frame = builders.events_frame(
        [
            builders.event("in"),
            builders.event("moscow", lonlat=(37.6, 55.75)),
            builders.event("nowhere", lonlat=None),
        ]
    )
    points = map_datasets.encode_points(frame)
    assert points.count == 1
    assert list(layers.events_on_map(frame).iloc[points.order]["event_id"]) == ["in"]


def test_missing_dates_are_never_in_a_bounded_window() -> None:
    frame = frame_of([(36.0, 35.0, dt.date(2019, 3, 8), 0, "attack", "occurred", "town", 5.0)] * 2)
    frame.loc[0, "date_start"] = None
    frame.loc[1, "date_end"] = None
    got = columns(map_datasets.encode_points(frame))
    assert map_datasets.NO_START in got["start"]  # after every day: start <= day never holds
    assert 0 in got["end"]  # the page reads 0 as "no end"


def test_too_many_distinct_radii_are_refused() -> None:
    rows = [
        (36.0, 35.0, dt.date(2019, 1, 1), 0, "attack", "occurred", "district", float(r))
        for r in range(1, 300)
    ]
    with pytest.raises(ValueError, match="255 distinct"):
        map_datasets.encode_points(frame_of(rows))


def test_points_dataset_is_typed_columns_whose_version_follows_their_content() -> None:
    frame = frame_of([(36.0, 35.0, dt.date(2019, 1, 1), 3, "attack", "occurred", "town", 5.0)])
    points = map_datasets.encode_points(frame)
    first = map_datasets.points_dataset(points)
    assert isinstance(first.data, bytes)  # forwarded by Streamlit as they are, no data frame to test
    header, found = livemap.unpack_columns(first.data)
    assert header == {"role": "dataset", "name": "imported", "version": first.version,
                      "meta": {"count": 1, "radii": [0.0], "maxDuration": 3}}  # fmt: skip
    assert [(name, kind) for name, (kind, _) in found.items()] == [
        (name, str(kind)) for name, kind in map_datasets.POINT_COLUMNS
    ]
    for name, (kind, data) in found.items():
        assert np.array_equal(
            np.frombuffer(data, dtype=np.dtype(kind).newbyteorder("<")), columns(points)[name]
        )
    assert map_datasets.points_dataset(map_datasets.encode_points(frame)).version == first.version
    frame.loc[0, "date_end"] = "2019-01-09"
    assert map_datasets.points_dataset(map_datasets.encode_points(frame)).version != first.version


def test_events_at_finds_every_event_of_the_window_at_a_point() -> None:
    frame = builders.events_frame(
        [
            builders.event("a", lonlat=(36.5, 35.5), date_start="2019-03-01", date_end="2019-03-01"),
            builders.event("b", lonlat=(36.5, 35.5), date_start="2019-03-05", date_end="2019-03-05"),
            builders.event("old", lonlat=(36.5, 35.5), date_start="2018-01-01", date_end="2018-01-01"),
            builders.event("elsewhere", lonlat=(36.6, 35.5)),
        ]
    )
    points = map_datasets.encode_points(frame)
    found = map_datasets.events_at(frame, points, (36.5, 35.5), view.MapView(dt.date(2019, 3, 8), 30))
    assert set(found["event_id"]) == {"a", "b"}
    hidden = view.MapView(dt.date(2019, 3, 8), 30, frozenset(view.LAYER_KEYS) - {"imported"})
    assert map_datasets.events_at(frame, points, (36.5, 35.5), hidden).empty


# --- the datasets ---


def payload(dataset: livemap.Dataset) -> Any:
    assert dataset.data["role"] == "dataset"
    assert dataset.data["version"] == dataset.version
    return json.loads(dataset.data["json"])


def test_zones_are_sent_largest_first_with_day_numbers_and_escaped_popups() -> None:
    zones = builders.sample_zones()
    zones.loc[0, "name"] = builders.XSS
    sent = payload(map_datasets.zones_dataset(zones))["zones"]["features"]
    area = zones.set_index("zone_id").geometry.to_crs("EPSG:32637").area
    ids = [f["properties"]["id"] for f in sent]
    assert list(area[ids]) == sorted(area[ids], reverse=True)
    first = next(f["properties"] for f in sent if f["properties"]["id"] == zones.loc[0, "zone_id"])
    assert first["from"] == livemap.day_number(dt.date.fromisoformat(zones.loc[0, "valid_from"]))
    assert "<img" not in first["tip"]
    assert "&lt;img" in first["pop"]


def test_a_smaller_zone_inside_a_larger_one_is_drawn_after_it() -> None:
    """The demilitarized strip lies inside the Idlib zone: drawn later, it is the one clicked."""
    big = builders.zone("big", geometry=box(36.0, 35.0, 37.5, 36.5))
    strip = builders.zone("strip", kind="demilitarized_zone", geometry=box(36.5, 35.5, 36.7, 36.0))
    sent = payload(map_datasets.zones_dataset(builders.zones_frame([strip, big])))["zones"]["features"]
    assert [f["properties"]["id"] for f in sent] == ["big", "strip"]


def test_region_events_carry_their_radius_and_points_do_not() -> None:
    events = builders.events_frame(
        [
            builders.event("town"),
            builders.event("region", geo_precision="governorate", uncertainty_km=62.0),
            builders.event("nowhere", lonlat=None),
        ]
    )
    sent = {
        f["properties"]["id"]: f["properties"]
        for f in payload(map_datasets.events_dataset(events))["events"]["features"]
    }
    assert set(sent) == {"town", "region"}
    assert sent["region"]["radius_m"] == 62_000
    assert sent["town"]["radius_m"] is None
    assert sent["town"]["start"] == livemap.day_number(dt.date(2019, 3, 8))


def test_a_preview_is_its_own_dataset_drawn_like_the_events_and_named_in_the_config() -> None:
    """An article being added travels as the ``preview`` dataset (the stored events' stay as they
    are), with the same features; the map mount names it, and a new start id asks the page to move."""
    found = builders.events_frame([builders.event("new-1"), builders.event("new-2", kind="attack")])
    preview = map_datasets.preview_dataset(found)
    assert preview.name == livemap.PREVIEW == "preview"
    assert payload(preview) == payload(map_datasets.events_dataset(found))
    assert preview.version != map_datasets.events_dataset(builders.events_frame([])).version
    stored = map_datasets.events_dataset(builders.sample_events())
    dates = livemap.DateRange((dt.date(2019, 1, 1),) * 2, (dt.date(2019, 1, 1),) * 2)
    start = view.MapView(dt.date(2019, 3, 8))
    config = livemap.map_config([stored, preview], start=start, camera=None, dates=dates, stop_days=[])
    assert config["datasets"] == {"events": stored.version, "preview": preview.version}
    assert config["previewLabel"] == livemap.PREVIEW_LABEL
    moved = livemap.map_config([stored], start=start, camera=None, dates=dates, stop_days=[], start_id=1)
    assert (moved["start"], moved["startId"]) == (config["start"], 1)


def test_basemap_sends_roads_borders_and_labels_by_zoom_and_credits_its_sources() -> None:
    sent = payload(map_datasets.basemap_dataset(layers.load_reference(), basemap.load_basemap()))
    assert len(sent["areas"]["features"]) == 15
    assert {f["properties"]["ref"] for f in sent["roads"]["features"]} == {"M4", "M5"}
    assert "Turkey" in {f["properties"]["neighbour"] for f in sent["borders"]["features"]}
    labels = {f["properties"]["name"]: f["properties"] for f in sent["labels"]["features"]}
    assert {"Idlib", "Aleppo", "Damascus"} <= set(labels)
    assert labels["Damascus"]["min_zoom"] <= labels["Saraqib"]["min_zoom"]
    assert set(sent["labelStyle"]["kinds"]) >= {"town", "governorate", "country"}
    (credit,) = sent["attribution"]
    assert "GeoNames" in credit
    assert "UN OCHA" in credit


def test_without_the_basemap_the_governorates_are_still_named() -> None:
    sent = payload(map_datasets.basemap_dataset(layers.load_reference()))
    names = {f["properties"]["name"] for f in sent["labels"]["features"]}
    assert {"Idleb", "Aleppo", "Damascus"} <= names  # OCHA spells it Idleb


# --- the date range, the stops and the config ---


def test_the_core_period_leaves_out_outliers_and_the_full_range_reaches_every_event() -> None:
    own = pd.Series(["2016-01-01", *[f"2019-{m:02d}-10" for m in range(1, 13)] * 3, "2024-11-26"])
    imported = pd.Series(["2017-01-01", "2026-03-04"])
    dates = map_datasets.date_range([own], more=[imported])
    assert dates.core == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert dates.full == (dt.date(2016, 1, 1), dt.date(2026, 3, 4))


def test_stops_are_event_starts_and_zone_changes() -> None:
    zones = builders.zones_frame([builders.zone("z", valid_from="2018-09-17", valid_to="2020-03-05")])
    events = builders.events_frame([builders.event("e", date_start="2019-03-08")])
    assert map_datasets.stops(zones, events) == [
        dt.date(2018, 9, 17),
        dt.date(2019, 3, 8),
        dt.date(2020, 3, 6),
    ]
