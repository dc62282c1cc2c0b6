"""The live map's data and rules: the points table, the datasets, the date range, the map's config,
and the page's date-window, in-force and fading rules run in Node against the library's own.

The rules test runs ``geodata/static/livemap.js`` itself (no copy) in Node's ``vm``: the file holds
the page's only copy of the rules, so if it drifted from ``geodata.temporal`` or
``geodata.layers.event_opacity``, a random interval, window or day would tell them apart.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geodata import basemap, layers, livemap, pickmap, view
from geodata.schema import EVENT_KINDS
from geodata.temporal import in_force_mask, in_window_mask
from tests import builders

REGIONS = layers.REGION_PRECISIONS
NODE = shutil.which("node")
IN_CI = os.environ.get("CI", "").lower() == "true"

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


def columns(points: livemap.PointData) -> dict[str, np.ndarray]:
    return {name: points.table.column(name).to_numpy() for name, _ in livemap.POINT_COLUMNS}


# --- the points table ---


@settings(max_examples=60, deadline=None)
@given(records)
def test_points_round_trip(rows: list[tuple]) -> None:
    frame = frame_of(rows)
    points = livemap.encode_points(frame)
    assert [field.type for field in points.table.schema] == [kind for _, kind in livemap.POINT_COLUMNS]
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
    points = livemap.encode_points(frame)
    assert points.count == 1
    assert list(layers.events_on_map(frame).iloc[points.order]["event_id"]) == ["in"]


def test_missing_dates_are_never_in_a_bounded_window() -> None:
    frame = frame_of([(36.0, 35.0, dt.date(2019, 3, 8), 0, "attack", "occurred", "town", 5.0)] * 2)
    frame.loc[0, "date_start"] = None
    frame.loc[1, "date_end"] = None
    got = columns(livemap.encode_points(frame))
    assert livemap.NO_START in got["start"]  # after every day: start <= day never holds
    assert 0 in got["end"]  # the page reads 0 as "no end"


def test_too_many_distinct_radii_are_refused() -> None:
    rows = [
        (36.0, 35.0, dt.date(2019, 1, 1), 0, "attack", "occurred", "district", float(r))
        for r in range(1, 300)
    ]
    with pytest.raises(ValueError, match="255 distinct"):
        livemap.encode_points(frame_of(rows))


def test_points_dataset_is_an_arrow_table_whose_version_follows_its_content() -> None:
    frame = frame_of([(36.0, 35.0, dt.date(2019, 1, 1), 3, "attack", "occurred", "town", 5.0)])
    first = livemap.points_dataset(livemap.encode_points(frame))
    assert isinstance(first.data["points"], pa.Table)
    assert first.data["meta"] == {"count": 1, "radii": [0.0], "maxDuration": 3}
    assert livemap.points_dataset(livemap.encode_points(frame)).version == first.version
    frame.loc[0, "date_end"] = "2019-01-09"
    assert livemap.points_dataset(livemap.encode_points(frame)).version != first.version


def test_events_at_finds_every_event_of_the_window_at_a_point() -> None:
    frame = builders.events_frame(
        [
            builders.event("a", lonlat=(36.5, 35.5), date_start="2019-03-01", date_end="2019-03-01"),
            builders.event("b", lonlat=(36.5, 35.5), date_start="2019-03-05", date_end="2019-03-05"),
            builders.event("old", lonlat=(36.5, 35.5), date_start="2018-01-01", date_end="2018-01-01"),
            builders.event("elsewhere", lonlat=(36.6, 35.5)),
        ]
    )
    points = livemap.encode_points(frame)
    found = livemap.events_at(frame, points, (36.5, 35.5), view.MapView(dt.date(2019, 3, 8), 30))
    assert set(found["event_id"]) == {"a", "b"}
    hidden = view.MapView(dt.date(2019, 3, 8), 30, frozenset(view.LAYER_KEYS) - {"imported"})
    assert livemap.events_at(frame, points, (36.5, 35.5), hidden).empty


# --- the datasets ---


def payload(dataset: livemap.Dataset) -> Any:
    assert dataset.data["role"] == "dataset"
    assert dataset.data["version"] == dataset.version
    return json.loads(dataset.data["json"])


def test_zones_are_sent_largest_first_with_day_numbers_and_escaped_popups() -> None:
    zones = builders.sample_zones()
    zones.loc[0, "name"] = builders.XSS
    sent = payload(livemap.zones_dataset(zones))["zones"]["features"]
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
    sent = payload(livemap.zones_dataset(builders.zones_frame([strip, big])))["zones"]["features"]
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
        for f in payload(livemap.events_dataset(events))["events"]["features"]
    }
    assert set(sent) == {"town", "region"}
    assert sent["region"]["radius_m"] == 62_000
    assert sent["town"]["radius_m"] is None
    assert sent["town"]["start"] == livemap.day_number(dt.date(2019, 3, 8))


def test_a_preview_is_its_own_dataset_drawn_like_the_events_and_named_in_the_config() -> None:
    """An article being added travels as the ``preview`` dataset (the stored events' stay as they
    are), with the same features; the map mount names it, and a new start id asks the page to move."""
    found = builders.events_frame([builders.event("new-1"), builders.event("new-2", kind="attack")])
    preview = livemap.preview_dataset(found)
    assert preview.name == livemap.PREVIEW == "preview"
    assert payload(preview) == payload(livemap.events_dataset(found))
    assert preview.version != livemap.events_dataset(builders.events_frame([])).version
    stored = livemap.events_dataset(builders.sample_events())
    dates = livemap.DateRange((dt.date(2019, 1, 1),) * 2, (dt.date(2019, 1, 1),) * 2)
    start = view.MapView(dt.date(2019, 3, 8))
    config = livemap.map_config([stored, preview], start=start, camera=None, dates=dates, stop_days=[])
    assert config["datasets"] == {"events": stored.version, "preview": preview.version}
    assert config["previewLabel"] == livemap.PREVIEW_LABEL
    moved = livemap.map_config([stored], start=start, camera=None, dates=dates, stop_days=[], start_id=1)
    assert (moved["start"], moved["startId"]) == (config["start"], 1)


def test_basemap_sends_roads_borders_and_labels_by_zoom_and_credits_its_sources() -> None:
    sent = payload(livemap.basemap_dataset(layers.load_reference(), basemap.load_basemap()))
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
    sent = payload(livemap.basemap_dataset(layers.load_reference()))
    names = {f["properties"]["name"] for f in sent["labels"]["features"]}
    assert {"Idleb", "Aleppo", "Damascus"} <= names  # OCHA spells it Idleb


# --- the date range, the stops and the config ---


def test_the_core_period_leaves_out_outliers_and_the_full_range_reaches_every_event() -> None:
    own = pd.Series(["2016-01-01", *[f"2019-{m:02d}-10" for m in range(1, 13)] * 3, "2024-11-26"])
    imported = pd.Series(["2017-01-01", "2026-03-04"])
    dates = livemap.date_range([own], more=[imported])
    assert dates.core == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert dates.full == (dt.date(2016, 1, 1), dt.date(2026, 3, 4))


def test_stops_are_event_starts_and_zone_changes() -> None:
    zones = builders.zones_frame([builders.zone("z", valid_from="2018-09-17", valid_to="2020-03-05")])
    events = builders.events_frame([builders.event("e", date_start="2019-03-08")])
    assert livemap.stops(zones, events) == [dt.date(2018, 9, 17), dt.date(2019, 3, 8), dt.date(2020, 3, 6)]


def test_map_config_holds_the_start_view_and_no_data() -> None:
    sets = [livemap.zones_dataset(builders.sample_zones())]
    start = view.MapView(dt.date(2019, 3, 8), 90, frozenset({"patrol", "reference"}))
    dates = livemap.DateRange(
        (dt.date(2017, 5, 1), dt.date(2021, 1, 31)), (dt.date(2016, 1, 1), dt.date(2026, 3, 4))
    )
    config = livemap.map_config(
        sets, start=start, camera=view.Camera(8.5, 35.8, 36.7), dates=dates, stop_days=[dt.date(2019, 3, 8)]
    )
    assert config["datasets"] == {"zones": sets[0].version}
    assert config["start"] == {
        "day": livemap.day_number(dt.date(2019, 3, 8)),
        "window": 90,
        "layers": ["patrol", "reference"],
        "zoom": 8.5,
        "lat": 35.8,
        "lon": 36.7,
    }
    assert config["range"]["full"][1] == livemap.day_number(dt.date(2026, 3, 4))
    assert len(json.dumps(config)) < 10_000  # the map mount carries no data
    assert set(config["layers"]) == set(view.LAYER_KEYS)


def test_the_datasets_script_is_small_and_shared_with_the_maps() -> None:
    """Streamlit sends a component's script with each mount: the datasets' component has
    ``datasets.js`` alone, which the map's and the pick map's scripts include too."""
    data = livemap.data_script()
    assert len(data) < 10_000
    assert data.rstrip().endswith(
        "export default function (component) { return AtlasData.mount(component); }"
    )
    assert "@preserve" not in data  # no Leaflet (its licence header opens its code)
    shared = (livemap.settings.STATIC_DIR / "datasets.js").read_text(encoding="utf-8")
    assert shared in livemap.script()
    assert shared in pickmap.script()


def test_the_script_ships_leaflet_and_loads_nothing_from_elsewhere() -> None:
    script = livemap.script()
    assert script.startswith("/* @preserve\n * Leaflet 1.9.4")
    assert script.rstrip().endswith(
        "export default function (component) { return AtlasLive.mount(component); }"
    )
    assert "import(" not in script.split("Leaflet 1.9.4", 1)[1].split("var AtlasLive", 1)[1]
    assert ".leaflet-container" in livemap.stylesheet()
    assert "url(http" not in livemap.stylesheet()


# --- the page's rules against the library's, in Node ---

RUNNER = """
const fs = require("fs"), vm = require("vm");
const context = {performance: {now: () => 0}};
vm.createContext(context);
const files = process.argv.slice(1).map((f) => fs.readFileSync(f, "utf8"));  // datasets.js, livemap.js
const atlas = vm.runInContext(files.join("\\n") + "\\nAtlasLive", context);
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const r = atlas.rules;
process.stdout.write(JSON.stringify(cases.map(c => {
  const first = r.windowFirst(c.day, c.window);
  return {
    inWindow: r.inWindow(c.start, c.end, c.day, first),
    inForce: r.inForce(c.start, c.end, c.day),
    fade: r.eventFade(c.start, c.end, c.day, c.window === null ? c.allDays : c.window, c.oldest),
    iso: r.isoDay(c.day),
    dayOf: r.dayOf(r.isoDay(c.day)),
  };
})));
"""


def run_page_script(runner: str, stdin: str = "") -> Any:
    """Run ``runner`` in Node over the page's ``datasets.js`` and ``livemap.js``; its JSON output."""
    if NODE is None:
        if IN_CI:
            pytest.fail("node is missing (CI installs it with npm): the page's script cannot be run")
        pytest.skip("node is missing")
    scripts = [str(livemap.settings.STATIC_DIR / name) for name in ("datasets.js", "livemap.js")]
    done = subprocess.run(
        [NODE, "-e", runner, *scripts], input=stdin, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def run_rules(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = run_page_script(RUNNER, json.dumps(cases))
    return result


windows = st.one_of(st.sampled_from(view.WINDOWS), st.integers(1, 800))


def number(day: dt.date | None) -> int | None:
    return None if day is None else livemap.day_number(day)


def around(day: dt.date, window: int | None) -> st.SearchStrategy[dt.date | None]:
    """Dates anywhere, or right at the edges that matter: the day and the window's first day."""
    edges = [day, day - dt.timedelta(days=(window or 365) - 1)]
    near = st.builds(
        lambda edge, shift: edge + dt.timedelta(days=shift), st.sampled_from(edges), st.integers(-2, 2)
    )
    return st.one_of(st.none(), days, near)


@settings(max_examples=30, deadline=None)
@given(days, windows, st.data())
def test_the_page_applies_the_library_rules(day: dt.date, window: int | None, data: st.DataObject) -> None:
    """Date window (``temporal.in_window_mask``), in force (``temporal.in_force_mask``) and fading
    (``layers.event_opacity``), over random intervals (ends missing, or before their starts too, and
    many right at the edges of the window), days and windows: the page's answer is the library's,
    case by case."""
    pairs = data.draw(st.lists(st.tuples(around(day, window), around(day, window)), min_size=1, max_size=60))
    starts = pd.Series([None if a is None else a.isoformat() for a, _ in pairs], dtype=object)
    ends = pd.Series([None if b is None else b.isoformat() for _, b in pairs], dtype=object)
    cases = [
        {"start": number(a), "end": number(b), "day": livemap.day_number(day), "window": window,
         "allDays": layers.FADE_DAYS_ALL, "oldest": layers.OLDEST_OPACITY}
        for a, b in pairs
    ]  # fmt: skip
    page = run_rules(cases)
    assert [c["inWindow"] for c in page] == list(in_window_mask(starts, ends, day, window))
    assert [c["inForce"] for c in page] == list(in_force_mask(starts, ends, day))
    current = view.MapView(day, window)
    expected = [layers.event_opacity(b, current, date_start=a) for a, b in zip(starts, ends, strict=True)]
    assert [c["fade"] for c in page] == pytest.approx(expected, abs=1e-12)
    assert {c["iso"] for c in page} == {day.isoformat()}
    assert {c["dayOf"] for c in page} == {livemap.day_number(day)}


# --- what the page sends back ---

DATES = livemap.DateRange(
    (dt.date(2017, 5, 1), dt.date(2021, 1, 31)), (dt.date(2016, 1, 1), dt.date(2026, 3, 4))
)


def test_the_page_view_is_read_like_a_link() -> None:
    start = view.MapView(dt.date(2019, 3, 8))
    state = {
        "date": "2026-03-04",
        "window": "7",
        "layers": "imported,attack",
        "zoom": 9,
        "lat": 33.1,
        "lon": 36.4,
    }
    current, camera = livemap.read_view(state, start=start, camera=None, dates=DATES)
    assert current == view.MapView(dt.date(2026, 3, 4), 7, frozenset({"imported", "attack"}))
    assert camera == view.Camera(9.0, 33.1, 36.4)
    assert livemap.read_view(None, start=start, camera=None, dates=DATES) == (start, None)
    crafted = {"date": "[x](https://evil.example)", "window": ["7"], "layers": {"a": 1}, "zoom": "NaN"}
    current, camera = livemap.read_view(crafted, start=start, camera=None, dates=DATES)
    assert current.day == start.day
    assert camera is None


BATCH_RUNNER = """
const fs = require("fs"), vm = require("vm");
const marks = [];
const context = {performance: {now: () => 0, mark: (name) => marks.push(name)}, setTimeout: setTimeout};
vm.createContext(context);
const files = process.argv.slice(1).map((f) => fs.readFileSync(f, "utf8"));  // datasets.js, livemap.js
const atlas = vm.runInContext(files.join("\\n") + "\\nAtlasLive", context);
const heard = [], names = ["basemap", "zones", "events"];
atlas.shared.listen(() => heard.push(names.map((n) => atlas.shared.dataset(n) !== null)));
const mounted = names.map((n) =>  // the datasets' own component
  context.AtlasData.mount({data: {role: "dataset", name: n, version: "1", json: "{}"}}));
const before = heard.length;
setTimeout(() => {
  const arrived = heard.length;
  mounted.forEach((unmount) => unmount());
  setTimeout(() => process.stdout.write(JSON.stringify({before, arrived, heard, marks})), 0);
}, 0);
"""


def test_datasets_arriving_together_are_heard_once() -> None:
    """Streamlit mounts each dataset on its own; the maps rebuild and redraw once for those that
    arrive together (not once per dataset), after they are all held, and once more when they go.
    Each arrival is marked on the page's timeline (``bench_first_map.py --breakdown``)."""
    found = run_page_script(BATCH_RUNNER)
    assert found["before"] == 0
    assert found["arrived"] == 1
    assert found["heard"] == [[True, True, True], [False, False, False]]
    assert found["marks"][0] == "atlas: script evaluated"
    assert found["marks"][1:] == [
        f"atlas: {what} {n}" for n in ("basemap", "zones", "events") for what in ("received", "decoded")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"lon": 36.5, "lat": 35.5}, (36.5, 35.5)),
        ({"lon": 36, "lat": 35}, (36.0, 35.0)),
        ({"lon": "36.5", "lat": 35.5}, None),
        ({"lon": float("nan"), "lat": 35.5}, None),
        ({"lon": True, "lat": 35.5}, None),
        ("36.5,35.5", None),
        (None, None),
    ],
)
def test_a_clicked_point_is_a_pair_of_numbers_or_nothing(value: object, expected: object) -> None:
    assert livemap.clicked_point(value) == expected
