"""The live map's page half (:mod:`geodata.livemap`): the map's config, the scripts, what the mounts
carry, what the page sends back, and the page's date-window, in-force and fading rules run in Node
against the library's own (the datasets prepared from frames: ``tests/test_map_datasets.py``).

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

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import layers, livemap, map_datasets, pickmap, view
from geodata.temporal import in_force_mask, in_window_mask
from tests import builders

REGIONS = layers.REGION_PRECISIONS
NODE = shutil.which("node")
IN_CI = os.environ.get("CI", "").lower() == "true"

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


# --- the config and the scripts ---


def test_map_config_holds_the_start_view_and_no_data() -> None:
    sets = [map_datasets.zones_dataset(builders.sample_zones())]
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
    ``datasets.js`` alone (with the browser's store of kept datasets), which the map's and the pick
    map's scripts include too."""
    data = livemap.data_script()
    assert len(data) < 12_000
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


KEPT_RUNNER = """
const fs = require("fs"), vm = require("vm");
const marks = [], asked = [];
const context = {performance: {now: () => 0, mark: (name) => marks.push(name)}, setTimeout: setTimeout};
vm.createContext(context);
const files = process.argv.slice(1).map((f) => fs.readFileSync(f, "utf8"));
vm.runInContext(files.join("\\n"), context);
const data = context.AtlasData;
for (const [name, version] of [["zones", "0123456789abcdef"], ["imported", "fedcba9876543210"]])
  data.mount({data: {role: "dataset", name, version, kept: true},
              setStateValue: (state, value) => asked.push([name, state, value])});
setTimeout(() => process.stdout.write(JSON.stringify({
  asked, marks, held: data.dataset("zones"),
  keep: {cookie: data.keep.cookie, most: data.keep.most, version: data.keep.version.source},
})), 50);
"""


def test_a_kept_dataset_the_browser_does_not_hold_is_asked_for() -> None:
    """Mounts naming kept datasets that the browser's store cannot give (here, no IndexedDB at
    all) make the page report each version as its mount's state ``missing`` (the server then sends
    it whole). The page's cookie, its bound and its version pattern are the ones the server reads."""
    found = run_page_script(KEPT_RUNNER)
    assert found["asked"] == [
        ["zones", "missing", "0123456789abcdef"],
        ["imported", "missing", "fedcba9876543210"],
    ]
    assert found["held"] is None
    assert found["marks"][1:] == [
        *(f"atlas: asked the browser's store for {name}" for name in ("zones", "imported")),
        *(f"atlas: missing {name}" for name in ("zones", "imported")),
    ]
    assert found["keep"]["cookie"] == livemap.KEPT_COOKIE
    assert found["keep"]["most"] <= livemap.KEPT_MOST
    assert found["keep"]["version"] == f"^{livemap.VERSION.pattern}$"


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("0123456789abcdef", {"0123456789abcdef"}),
        ("0123456789abcdef.fedcba9876543210", {"0123456789abcdef", "fedcba9876543210"}),
        ("", set()),
        (None, set()),
        (["0123456789abcdef"], set()),
        ("0123456789ABCDEF", set()),  # the versions are lowercase
        ("0123456789abcdef.../../etc/passwd", set()),  # one bad part: the whole cookie is ignored
        ("0123456789abcdef.", set()),
        ("0123456789abcdef0", set()),
        (".".join(["0123456789abcdef"] * (livemap.KEPT_MOST + 1)), set()),
        ("0123456789abcdef;x=1", set()),
    ],
)
def test_the_kept_versions_cookie_is_read_strictly(cookie: object, expected: set[str]) -> None:
    assert livemap.kept_versions(cookie) == expected


def test_a_kept_mount_names_the_dataset_and_carries_none_of_it() -> None:
    dataset = livemap.text_dataset("zones", json.dumps({"zones": list(range(1000))}))
    assert livemap.VERSION.fullmatch(dataset.version)
    mount = livemap.kept_mount(dataset)
    assert mount == {"role": "dataset", "name": "zones", "version": dataset.version, "kept": True}
    points = map_datasets.points_dataset(map_datasets.encode_points(builders.events_frame(
        [builders.event("a", lonlat=(36.5, 35.5), date_start="2019-03-01")]
    )))  # fmt: skip
    assert livemap.VERSION.fullmatch(points.version)


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


# --- what the mounts carry ---


def test_the_map_mount_is_its_config_as_one_text() -> None:
    config = {"role": "map", "datasets": {"zones": "v1"}, "start": {"day": 1}}
    mount = livemap.map_mount(config)
    assert mount["role"] == "map"
    assert all(isinstance(value, str) for value in mount.values())  # nothing for Streamlit to test
    assert json.loads(mount["config"]) == config


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(livemap.COLUMN_TYPES)), st.binary(max_size=40)), max_size=5),
       st.text(max_size=30))  # fmt: skip
def test_columns_are_packed_and_read_back(columns: list[tuple[str, bytes]], text: str) -> None:
    named = [(f"c{i}", kind, data) for i, (kind, data) in enumerate(columns)]
    packed = livemap.pack_columns({"name": text}, named)
    header, found = livemap.unpack_columns(packed)
    assert header == {"name": text}
    assert livemap.packed_header(packed) == {
        "name": text,
        "columns": json.loads(packed[4 : 4 + int.from_bytes(packed[:4], "little")])["columns"],
    }
    assert found == {name: (kind, data) for name, kind, data in named}
    placed = json.loads(packed[4 : 4 + int.from_bytes(packed[:4], "little")])["columns"]
    assert all(offset % 8 == 0 for _, _, offset, _ in placed)  # a typed array starts on its size


def test_packing_refuses_unknown_types_and_reading_refuses_what_is_not_packed() -> None:
    with pytest.raises(ValueError, match="distinct names"):
        livemap.pack_columns({}, [("a", "float64", b"")])
    with pytest.raises(ValueError, match="distinct names"):
        livemap.pack_columns({}, [("a", "uint8", b""), ("a", "uint8", b"")])
    packed = livemap.pack_columns({}, [("a", "int32", b"\x01\x00\x00\x00")])
    for bad in (b"", b"\xff\xff\xff\xff{}", packed[:-2], b"\x02\x00\x00\x00[]"):
        with pytest.raises(ValueError, match=r"not a dataset of columns|not within the data|Expecting"):
            livemap.unpack_columns(bad)
    for bad in (b"", b"\x02\x00\x00\x00[]", b"\x04\x00\x00\x00\xff\xfe{}"):
        with pytest.raises(ValueError, match=r"not a dataset of columns|Expecting|codec"):
            livemap.packed_header(bad)


UNPACK_RUNNER = """
const fs = require("fs"), vm = require("vm");
const context = {performance: {now: () => 0, mark: () => {}}, setTimeout, TextDecoder};
vm.createContext(context);
const files = process.argv.slice(1).map((f) => fs.readFileSync(f, "utf8"));  // datasets.js, livemap.js
vm.runInContext(files.join("\\n") + "\\nAtlasLive", context);
const packed = Buffer.from(fs.readFileSync(0, "utf8"), "hex");
const copy = new Uint8Array(packed.length + 3);  // Streamlit's bytes need not start on a multiple of 4
copy.set(packed, 3);
context.AtlasData.mount({data: copy.subarray(3)});
const set = context.AtlasData.dataset("imported");
const out = {meta: set.meta};
for (const [name, v] of Object.entries(set.columns)) out[name] = [v.constructor.name, Array.from(v)];
process.stdout.write(JSON.stringify(out));
"""


def test_the_page_reads_the_points_columns_as_packed() -> None:
    """``datasets.js`` makes one typed array per column of the points' bytes, of the type and values
    :func:`geodata.map_datasets.points_dataset` packed, even when the bytes start at an odd offset."""
    frame = builders.events_frame(
        [
            builders.event("a", lonlat=(36.5, 35.5), date_start="2019-03-01", date_end="2019-03-04"),
            builders.event("b", lonlat=(-36.6, 35.4), date_start="2019-02-05", status="planned"),
        ]
    )
    points = map_datasets.encode_points(frame[frame["event_id"] == "a"])
    dataset = map_datasets.points_dataset(points)
    assert isinstance(dataset.data, bytes)
    found = run_page_script(UNPACK_RUNNER, dataset.data.hex())
    assert found.pop("meta") == {"count": 1, "radii": [0.0], "maxDuration": 3}
    arrays = {"int32": "Int32Array", "uint16": "Uint16Array", "uint8": "Uint8Array"}
    assert found == {
        name: [arrays[str(kind)], points.table.column(name).to_pylist()]
        for name, kind in map_datasets.POINT_COLUMNS
    }
