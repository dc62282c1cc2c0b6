"""The binary points encoding, the state handed to the map's page, and the folium element."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import folium
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import fastpoints, layers
from geodata.schema import EVENT_KINDS
from geodata.temporal import in_window_mask
from tests import builders

REGIONS = layers.REGION_PRECISIONS
COLOURS = {kind: style.colour for kind, style in layers.EVENT_STYLES.items()}

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
records = st.lists(
    st.tuples(
        st.floats(35.3, 42.7),
        st.floats(32.0, 37.6),
        days,
        st.integers(0, 40),
        st.sampled_from(EVENT_KINDS),
        st.sampled_from(["occurred", "planned"]),
        st.sampled_from(["town", "district", "governorate", "exact"]),
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


@settings(max_examples=60, deadline=None)
@given(records)
def test_encoding_round_trips(rows: list[tuple]) -> None:
    frame = frame_of(rows)
    encoded = fastpoints.encode(frame, region_precisions=REGIONS)
    assert len(encoded.payload) == fastpoints.POINT_BYTES * len(frame)
    columns = fastpoints.decode(encoded.payload, encoded.count)
    source = frame.iloc[encoded.order]
    np.testing.assert_allclose(columns["lon"] / 1e5, source.geometry.x, atol=0.6e-5)
    np.testing.assert_allclose(columns["lat"] / 1e5, source.geometry.y, atol=0.6e-5)  # lat is not lon
    starts = [fastpoints.EPOCH + dt.timedelta(days=int(d)) for d in columns["start"]]
    assert [d.isoformat() for d in starts] == list(source["date_start"])
    assert list(columns["start"]) == sorted(columns["start"])
    ends = [(fastpoints.EPOCH + dt.timedelta(days=int(d))).isoformat() for d in columns["end"]]
    assert ends == list(source["date_end"])
    assert [EVENT_KINDS[k] for k in columns["kind"]] == list(source["kind"])
    assert list(columns["flags"] & 1) == list((source["status"] == "planned").astype(int))
    radius = [encoded.radii[r] for r in columns["radius"]]
    expected = np.where(source["geo_precision"].isin(list(REGIONS)), source["uncertainty_km"], 0.0)
    assert radius == list(expected)
    spans = columns["end"].astype(int) - columns["start"].astype(int)
    assert encoded.max_duration == max(spans, default=0)


def test_points_are_sorted_by_start_day() -> None:
    frame = frame_of(
        [
            (36.0, 35.0, dt.date(2020, 1, 5), 0, "attack", "occurred", "town", 5.0),
            (36.1, 35.1, dt.date(2018, 1, 5), 3, "talks", "planned", "town", 5.0),
        ]
    )
    encoded = fastpoints.encode(frame, region_precisions=REGIONS)
    assert list(encoded.order) == [1, 0]
    assert encoded.max_duration == 3


def test_missing_dates_are_never_in_a_bounded_window() -> None:
    frame = frame_of([(36.0, 35.0, dt.date(2019, 3, 8), 0, "attack", "occurred", "town", 5.0)] * 2)
    frame.loc[0, "date_start"] = None
    frame.loc[1, "date_end"] = None
    columns = fastpoints.decode(fastpoints.encode(frame, region_precisions=REGIONS).payload, 2)
    assert fastpoints.NO_START in columns["start"]  # after every day: start <= day never holds
    assert 0 in columns["end"]  # before every window: end >= first never holds


@settings(max_examples=40, deadline=None)
@given(records.filter(bool), days, st.sampled_from([1, 7, 30, 365, None]))
def test_day_numbers_filter_like_in_window_mask(rows: list[tuple], day: dt.date, window: int | None) -> None:
    """The browser's filter (day numbers, see fastpoints.js `_filter`) selects what Python selects."""
    frame = frame_of(rows)
    encoded = fastpoints.encode(frame, region_precisions=REGIONS)
    columns = fastpoints.decode(encoded.payload, encoded.count)
    state = fastpoints.live_state(day, window, frozenset(EVENT_KINDS), fade_all_days=365, oldest=0.3)
    chosen = columns["start"] <= state["day"]
    if state["first"] is not None:
        chosen &= columns["end"] >= state["first"]
    expected = in_window_mask(frame["date_start"], frame["date_end"], day, window)
    assert set(encoded.order[chosen]) == set(np.flatnonzero(expected.to_numpy()))


def test_live_state_names_the_window_and_the_visible_kinds() -> None:
    state = fastpoints.live_state(
        dt.date(2019, 3, 8),
        30,
        frozenset({"attack", "patrol_area", "imported"}),
        fade_all_days=365,
        oldest=0.3,
    )
    assert state["dayIso"] == "2019-03-08"
    assert state["firstIso"] == "2019-02-07"
    assert state["day"] - state["first"] == 29
    assert state["kinds"] == ["attack", "patrol_area"]
    assert state["imported"] is True
    assert state["reference"] is False
    everything = fastpoints.live_state(dt.date(2019, 3, 8), None, frozenset(), fade_all_days=365, oldest=0.3)
    assert everything["first"] is None
    assert everything["span"] == 365


def test_state_script_cannot_close_its_script_element() -> None:
    state = {"dayIso": "</script><img src=x onerror=alert(1)>"}
    script = fastpoints.state_script(state)
    assert script.count("</script>") == 1
    assert script.endswith("</script>")
    payload = re.search(r"var s = (.*?), label = null;", script)
    assert payload is not None
    assert json.loads(payload.group(1)) == state


def test_the_points_travel_in_a_data_island_not_in_the_script() -> None:
    frame = frame_of([(36.5, 35.5, dt.date(2019, 3, 8), 0, "attack", "occurred", "town", 5.0)])
    encoded = fastpoints.encode(frame, region_precisions=REGIONS)
    fmap = folium.Map()
    state = fastpoints.live_state(
        dt.date(2019, 3, 8), 30, frozenset(EVENT_KINDS), fade_all_days=365, oldest=0.3
    )
    fastpoints.FastPoints(encoded, state, colours=COLOURS).add_to(fmap)
    page = fmap.get_root().render()
    data = base64.b64encode(encoded.payload).decode("ascii")
    island = f'<script type="application/octet-stream" id="{fastpoints.DATA_ID}">{data}</script>'
    assert page.count(data) == 1
    assert island in page
    assert "new window.AtlasPoints" in page


def test_too_many_distinct_radii_are_refused() -> None:
    rows = [
        (36.0, 35.0, dt.date(2019, 1, 1), 0, "attack", "occurred", "district", float(r))
        for r in range(1, 300)
    ]
    with pytest.raises(ValueError, match="255 distinct"):
        fastpoints.encode(frame_of(rows), region_precisions=REGIONS)
