"""End to end in a real headless Chromium, with every request to the outside world refused and
recorded (a test fails if the page makes one): the map draws from what the project ships; the
slider, the date box, Prev/Next and Play move it; a click on the demilitarized strip opens the strip;
the link restores date, window, layers, zoom and centre; the download equals the export; imported
events (a 2026 one too) are reachable and drawn exactly as the library selects them; a new session
in the same browser reads the large datasets the browser keeps and is not sent them; text from
articles, zone files and the link stays text; a phone gets a collapsed legend and tables that fit.

Needs Debian's ``chromium`` (``.ci/run`` installs it). Outside CI a missing one skips these tests;
in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from geojson_pydantic import FeatureCollection
from playwright.sync_api import Browser, BrowserContext, Download, Page, expect, sync_playwright
from shapely.geometry import shape

from bench import make_acled
from geodata import (
    events,
    export,
    foliummap,
    imports,
    layers,
    livemap,
    map_datasets,
    settings,
    timing,
    view,
    zones,
)
from geodata.store import open_store
from tests import builders
from tests.browser import harness

pytestmark = pytest.mark.browser

IN_CI = os.environ.get("CI", "").lower() == "true"
START = dt.date(2019, 3, 8)
MAP = harness.MAP


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (browser tests must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not harness.chromium_available():
        unavailable(f"Debian chromium not found at {harness.CHROMIUM}; apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def data() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The repository's own zones and events, as the app loads them."""
    return zones.load_zones().zones, events.events_frame(events.extract_events(settings.SEEDS_DIR).events)


def expected(data: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], current: view.MapView) -> dict[str, int]:
    shown = view.shown({"zones": data[0], "events": data[1]}, current)
    return {"zones": len(shown["zones"]), "events": len(layers.events_on_map(shown["events"]))}


def day_shown(page: Page) -> dt.date:
    value = page.get_by_label("Date", exact=True).input_value()
    return dt.date.fromisoformat(value)


def assert_clean(traffic: harness.Traffic) -> None:
    assert traffic.refused == [], f"the page asked the outside world for {traffic.refused}"
    assert harness.page_errors(traffic) == []


# --- the app on the repository's own data ---


SHOWN_BUTTON = "Download what is shown (GeoJSON)"


def download_shown(page: Page) -> tuple[Download, bytes]:
    """The download of what is shown: the file as the browser saved it, and its bytes."""
    with page.expect_download() as download:
        shown_button = page.get_by_role("button", name=SHOWN_BUTTON)
        expect(shown_button).to_have_count(1)  # not the previous run's button, still on the page
        shown_button.click()
    saved = download.value
    return saved, Path(saved.path()).read_bytes()


def cli_export(args: list[str], folder: Path) -> bytes:
    """What ``python -m geodata export ARGS`` writes (GeoJSON), as a user runs it."""
    out = folder / "export.geojson"
    done = subprocess.run([sys.executable, "-m", "geodata", "export", *args, "--out", str(out)],
                          cwd=settings.ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_the_app_end_to_end(browser: Browser, data: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    started = time.monotonic()
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    with harness.running_app() as url:
        page.goto(f"{url}/?date={START}&window=all")
        harness.wait_for_map(page)
        first_view = view.MapView(START, None)
        drawn = harness.wait_for_counts(page, expected(data, first_view))
        assert {k: drawn[k] for k in ("zones", "events")} == expected(data, first_view)
        assert drawn["reference"] == 15
        assert drawn["labels"] > 10  # place names, drawn from the basemap, by zoom
        assert drawn["events"] > drawn["markers"]  # events sharing a place are one marker with a count

        # The slider: Home and End reach the core period's ends, and the map redraws for them.
        slider = page.get_by_role("slider", name="Day")
        slider.focus()
        page.keyboard.press("Home")
        earliest = day_shown(page)
        moved = view.MapView(earliest, None)
        assert harness.counts(page)["zones"] == expected(data, moved)["zones"]
        assert expected(data, moved) != expected(data, first_view), "the data should change over time"
        page.wait_for_url(re.compile(f"date={earliest}"))
        page.keyboard.press("ArrowRight")
        assert day_shown(page) == earliest + dt.timedelta(days=1)

        # The date box, then Next and Prev (event dates and zone changes).
        stops = map_datasets.stops(*data)
        typed = min(d for d in stops if d > dt.date(2019, 4, 1))
        page.get_by_label("Date", exact=True).fill(typed.isoformat())
        assert day_shown(page) == typed
        assert {k: harness.counts(page)[k] for k in ("zones", "events")} == expected(
            data, view.MapView(typed, None)
        )
        page.wait_for_url(re.compile(f"date={typed}"))
        page.get_by_role("button", name="Next event or zone change").click()
        assert day_shown(page) == min(d for d in stops if d > typed)
        page.get_by_role("button", name="Previous event or zone change").click()
        assert day_shown(page) == typed

        # Play moves on by itself (to the next stop or a week on, whichever comes first); Pause stops.
        page.get_by_role("button", name="▶ Play").click()
        page.wait_for_function(f"() => {MAP}.day > {livemap.day_number(typed)} + 1")
        page.get_by_role("button", name="❚❚ Pause").click()
        paused = day_shown(page)
        page.wait_for_timeout(1500)
        assert day_shown(page) == paused
        assert paused > typed

        # Window, layers, zoom: all in the link; the link opens the same view.
        page.get_by_label("Date", exact=True).fill(START.isoformat())
        page.get_by_label("Events window").select_option("90")
        page.get_by_role("checkbox", name="Observation posts").uncheck()
        zoom = page.evaluate(f"() => {MAP}.map.getZoom()") + 1
        page.get_by_role("button", name="Zoom in").click()
        page.wait_for_function(f"() => {MAP}.map.getZoom() === {zoom}")
        # The link of the zoomed view (a report sent before the zoom ended carries the old zoom).
        page.wait_for_url(re.compile(f"layers=(?!.*observation_post).*zoom={zoom}&"))
        page.wait_for_url(re.compile(f"date={START}&window=90"))
        shown_view = view.MapView(START, 90, frozenset(view.LAYER_KEYS) - {"observation_post"})
        assert harness.counts(page)["zones"] == expected(data, shown_view)["zones"]
        link = page.url
        camera = page.evaluate(
            f"() => [{MAP}.map.getZoom(), {MAP}.map.getCenter().lat, {MAP}.map.getCenter().lng]"
        )
        again = context.new_page()
        harness.watch(again, traffic)
        again.goto(link)
        harness.wait_for_map(again)
        assert again.get_by_label("Date", exact=True).input_value() == START.isoformat()
        assert again.get_by_label("Events window").input_value() == "90"
        assert not again.get_by_role("checkbox", name="Observation posts").is_checked()
        restored = again.evaluate(
            f"() => [{MAP}.map.getZoom(), {MAP}.map.getCenter().lat, {MAP}.map.getCenter().lng]"
        )
        assert restored == pytest.approx(camera, abs=1e-4)
        assert harness.counts(again)["zones"] == expected(data, shown_view)["zones"]
        again.close()

        # A click on the demilitarized strip opens the strip (not the region circle of an attack
        # in Idlib, nor the Idlib zone around it).
        check_a_click_on_the_strip(page, data)

        # The download is what is shown, byte for byte the export of the same view.
        saved, payload = download_shown(page)
        if os.environ.get("ATLAS_SCREENSHOT"):
            page.screenshot(path=os.environ["ATLAS_SCREENSHOT"])
        context.close()  # before the server stops: a pending report would log a lost connection
    frames = {"zones": data[0], "events": data[1]}
    assert saved.suggested_filename == view.download_name(frames, shown_view)
    assert saved.suggested_filename.endswith("_without-observation_post.geojson")
    assert_valid_geojson(payload)
    assert payload.decode() == export.dumps(export.feature_collection(view.shown(frames, shown_view)))
    assert_clean(traffic)
    print(f"end-to-end test took {time.monotonic() - started:.1f} s")


def check_a_click_on_the_strip(page: Page, data: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    zone_frame = data[0]
    strip = zone_frame[zone_frame["kind"] == "demilitarized_zone"].iloc[0]
    others = [*zone_frame[zone_frame["kind"] == "observation_post"].geometry, *data[1].geometry.dropna()]
    free = strip.geometry.difference(shapely.union_all([shapely.buffer(p, 0.08) for p in others]))
    target = free.representative_point()
    page.evaluate(f"() => {MAP}.map.setView([{target.y}, {target.x}], 9, {{animate: false}})")
    where = page.evaluate(f"() => {MAP}.map.latLngToContainerPoint([{target.y}, {target.x}])")
    box = page.locator(".leaflet-container").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = " ".join(popup.inner_text().split())
    assert strip["name"] in text
    assert "Sochi" in text


def assert_valid_geojson(payload: bytes) -> None:
    collection = json.loads(payload)
    FeatureCollection.model_validate(collection)
    assert "crs" not in collection
    for feature in collection["features"]:
        assert feature["properties"]["layer"] in export.LAYERS
        if feature["geometry"] is None:
            continue
        geom = shape(feature["geometry"])
        assert geom.is_valid
        for polygon in getattr(geom, "geoms", [geom]):
            if polygon.geom_type == "Polygon":
                assert shapely.LinearRing(polygon.exterior.coords).is_ccw


# --- imported events: a 2026 one is reachable, and the page draws exactly the library's selection ---


@pytest.fixture(scope="module")
def acled_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 synthetic ACLED-layout events over Syria, 2017-2024, plus one on 4 March 2026 at a
    place of its own (``bench/make_acled.py``)."""
    rows = make_acled.make_rows(20_000, seed=7)
    late = rows.index[-1]
    rows.loc[late, ["event_date", "year", "time_precision", "geo_precision"]] = [
        "04 March 2026",
        2026,
        "1",
        "1",
    ]
    rows.loc[late, ["latitude", "longitude", "location"]] = [33.1234, 36.4321, "Late place"]
    path = tmp_path_factory.mktemp("acled") / "acled_20k.csv"
    rows.to_csv(path, index=False)
    return path


def test_imported_events_in_the_page(browser: Browser, acled_file: Path, tmp_path: Path) -> None:
    imported = imports.load_event_files([acled_file]).events
    points = map_datasets.encode_points(imported)
    drawable = layers.events_on_map(imported)
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    marks = tmp_path / "marks.jsonl"
    with harness.running_app(
        ["--events", str(acled_file)], env=os.environ | {timing.ENV_VAR: str(marks)}
    ) as url:
        page.goto(f"{url}/?date=2019-03-08&window=30")
        harness.wait_for_map(page, points=True)
        check_the_first_map_timeline(page, marks)
        # The run the page's report of its drawn points asks for (ui/first_draw.py) ends before the
        # legend is used: a click on a layer's box while that run's update reaches the page was once
        # lost here (CI, 3 December 2026; the cause is not known, see the note).
        page.get_by_role("button", name=SHOWN_BUTTON).wait_for(timeout=120_000)
        # The points drawn for a view are exactly the events of its window, id for id.
        for day, window, hidden in (
            (dt.date(2019, 3, 8), 30, frozenset()),
            (dt.date(2021, 7, 1), 7, frozenset({"other"})),
            (dt.date(2024, 12, 31), 365, frozenset({"attack"})),
        ):
            page.get_by_label("Events window").select_option(view.window_label(window))
            for kind in ("other", "attack"):
                box = page.get_by_role("checkbox", name=layers.EVENT_STYLES[kind].label)
                box.set_checked(kind not in hidden)
            page.get_by_label("Date", exact=True).fill(day.isoformat())
            selected = page.evaluate(f"() => {MAP}.points.selected()")
            current = view.MapView(day, window, frozenset(view.LAYER_KEYS) - hidden)
            want = layers.events_on_map(
                view.shown({"zones": builders.sample_zones(), "imported": imported}, current)["imported"]
            )
            assert set(drawable["event_id"].iloc[points.order[selected]]) == set(want["event_id"])
            assert len(selected) == len(want)
        # The 2026 event: after every zone and article, reached by typing its date.
        for kind in ("other", "attack"):
            page.get_by_role("checkbox", name=layers.EVENT_STYLES[kind].label).check()
        page.get_by_label("Events window").select_option("7")
        page.get_by_label("Date", exact=True).fill("2026-03-04")
        assert page.get_by_role("checkbox", name="All dates").is_checked()
        assert page.get_by_role("slider", name="Day").input_value() == str(
            livemap.day_number(dt.date(2026, 3, 4))
        )
        assert harness.counts(page)["points"] == 1
        page.wait_for_url(re.compile("date=2026-03-04"))
        # A click on it: a popup from the page's data, and the table of events there from the server.
        page.evaluate(f"() => {MAP}.map.setView([33.1234, 36.4321], 9, {{animate: false}})")
        where = page.evaluate(f"() => {MAP}.map.latLngToContainerPoint([33.1234, 36.4321])")
        box = page.locator(".leaflet-container").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        assert "Imported event" in popup.inner_text()
        assert "2026-03-04" in popup.inner_text()
        page.get_by_text("1 imported event(s) of the window at the point clicked").wait_for(timeout=30_000)
        context.close()
    assert_clean(traffic)


def test_a_first_start_draws_the_points_before_it_reads_them_for_the_tables(
    browser: Browser, acled_file: Path, tmp_path: Path
) -> None:
    """A fresh server given an ``--events`` file nobody has read (a cache of its own): the page
    draws the points and says where the tables will come; the server reads the imported layer only
    after the page has painted them (``ui/first_draw.py``: its ``load`` starts after the page's
    ``points painted`` mark, on one clock), then the tables and downloads come, and the download of
    what is shown equals ``python -m geodata export`` of the same file and view."""
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    marks = tmp_path / "marks.jsonl"
    env = os.environ | {timing.ENV_VAR: str(marks), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    with harness.running_app(["--events", str(acled_file)], env=env) as url:
        page.goto(f"{url}/?date=2019-03-08&window=30")
        harness.wait_for_map(page, points=True)
        page.get_by_role("button", name=SHOWN_BUTTON).wait_for(timeout=120_000)  # the tables, after the map
        expect(page.get_by_text("once the map has drawn them")).to_have_count(0)
        painted_mark = "performance.getEntriesByName('atlas: points painted')[0].startTime"
        origin, painted = page.evaluate(f"() => [performance.timeOrigin, {painted_mark}]")
        server = dict(reversed(timing.read_marks(marks)))  # each mark's first time
        assert server["map sent"] < (origin + painted) / 1000 < server["load:start"]
        _, payload = download_shown(page)
        context.close()
    exported = cli_export(["--imported", str(acled_file), "--date", "2019-03-08", "--window", "30"], tmp_path)
    assert payload == exported
    assert "imported" in {f["properties"]["layer"] for f in json.loads(payload)["features"]}
    assert_clean(traffic)


def test_a_page_that_never_reports_its_points_drawn_still_gets_the_tables(
    browser: Browser, tmp_path: Path
) -> None:
    """A browser that draws no frame (``requestAnimationFrame`` never calls back: the page cannot
    report the points drawn) still gets the tables: the waiting fragment reruns the script once
    ``ui/first_draw.WAIT_SECONDS`` have passed, and the layer is read then."""
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    context.add_init_script("window.requestAnimationFrame = function () { return 0; };")
    page = context.new_page()
    harness.watch(page, traffic)
    acled = settings.ROOT / "tests/data/acled_small.csv"
    env = os.environ | {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    with harness.running_app(["--events", str(acled)], env=env) as url:
        page.goto(f"{url}/?date=2019-03-31&window=30")
        page.wait_for_function(f"() => {MAP} && {MAP}.counts().points > 0", polling=100, timeout=90_000)
        page.get_by_text("once the map has drawn them").wait_for(timeout=30_000)
        page.get_by_role("button", name=SHOWN_BUTTON).wait_for(timeout=90_000)
        expect(page.get_by_text("once the map has drawn them")).to_have_count(0)
        context.close()
    assert_clean(traffic)


def check_the_first_map_timeline(page: Page, marks: Path) -> None:
    """The moments ``bench_first_map.py --breakdown`` lays out: the page's marks (Performance API)
    in their order, and the server's (``$ATLAS_TIMINGS``) on the same clock, within the page's life."""
    origin, names, now = page.evaluate(
        "() => [performance.timeOrigin, performance.getEntriesByType('mark').map((m) => m.name), Date.now()]"
    )
    ours = [name for name in names if name.startswith("atlas: ")]
    assert ours.index("atlas: script evaluated") < ours.index("atlas: map mounted")
    for name in ("basemap", "zones", "events", "imported"):
        assert ours.index(f"atlas: received {name}") < ours.index(f"atlas: decoded {name}")
    assert ours.index("atlas: decoded imported") < ours.index("atlas: points painted")
    assert any(name.startswith("atlas: drawn with") for name in ours)
    assert len(ours) == len(set(ours))  # once each: the first map's, not one per step
    server: dict[str, float] = {}
    for name, at in timing.read_marks(marks):
        server.setdefault(name, at)  # the first run's (the page's view report starts more)
    order = ["map page", "prepared:start", "base:start", "base:end", "prepared:end", "map sent"]
    assert [server[name] for name in order] == sorted(server[name] for name in order)
    assert origin / 1000 < server["map page"]
    assert server["map sent"] < now / 1000


# --- the datasets kept in the browser: a new session is sent only their versions ---


def received_bytes(page: Page) -> list[int]:
    """The sizes of the WebSocket frames ``page`` receives from now on (what the server sends it)."""
    sizes: list[int] = []

    def heard(payload: str | bytes) -> None:
        sizes.append(len(payload))

    page.on("websocket", lambda socket: socket.on("framereceived", heard))
    return sizes


def kept_in_page(page: Page) -> dict[str, Any]:
    """The page's own record of its kept datasets (``static/datasets.js``): written, restored, missing."""
    found: dict[str, Any] = page.evaluate("() => window.atlas.kept")
    return found


def context_with_cookie(browser: Browser, traffic: harness.Traffic, url: str, value: str) -> BrowserContext:
    """A new browser profile whose only cookie is the kept datasets' one, set to ``value``."""
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": livemap.KEPT_COOKIE, "value": value, "url": url}])
    return context


def drawn_page(
    context: BrowserContext, traffic: harness.Traffic, address: str, drawn: dict[str, int]
) -> tuple[Page, list[int]]:
    """A new page of ``context`` at ``address``, once it has drawn ``drawn``; with the sizes of the
    WebSocket frames it received."""
    page = context.new_page()
    harness.watch(page, traffic)
    frames = received_bytes(page)
    page.goto(address)
    harness.wait_for_map(page, points=True)
    assert harness.wait_for_counts(page, drawn) == drawn
    return page, frames


def test_a_new_session_reads_the_large_datasets_the_browser_keeps(browser: Browser, acled_file: Path) -> None:
    """The first page keeps the points (and the other large datasets) in the browser and lists
    their versions in a cookie; a second page in the same browser is sent only their versions (not
    the points' frame), reads them from the browser and draws the same points. A browser whose
    store was cleared (the cookie names versions it no longer holds) reports them missing and is
    sent them whole; a hostile cookie is ignored (the data are sent whole, nothing is asked)."""
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    link = "/?date=2019-03-08&window=365"
    with harness.running_app(["--events", str(acled_file)]) as url:
        first = context.new_page()
        harness.watch(first, traffic)
        first_frames = received_bytes(first)
        first.goto(url + link)
        harness.wait_for_map(first, points=True)
        version = first.evaluate("() => AtlasData.held.imported.version")
        points = map_datasets.points_dataset(
            map_datasets.encode_points(imports.load_event_files([acled_file]).events)
        )
        assert points.version == version
        packed = len(points.data)
        assert max(first_frames) > packed  # the points travelled whole
        first.wait_for_function(
            "(v) => window.atlas.kept.written.indexOf('imported ' + v) >= 0", arg=version, timeout=30_000
        )
        (cookie,) = [c for c in context.cookies() if c["name"] == livemap.KEPT_COOKIE]
        assert version in livemap.kept_versions(cookie["value"])
        drawn = harness.counts(first)

        again, again_frames = drawn_page(context, traffic, url + link, drawn)
        assert kept_in_page(again)["restored"]["imported"] == version
        assert kept_in_page(again)["missing"] == []
        # What the server sent the first page and not the second: the points' frame among them.
        only_first = collections.Counter(first_frames) - collections.Counter(again_frames)
        assert max(only_first.elements()) > packed
        assert sum(first_frames) - sum(again_frames) > packed
        selected = f"() => Array.from({MAP}.points.selected())"
        assert again.evaluate(selected) == first.evaluate(selected)
        context.close()

        # The store cleared (a new browser profile that still has the cookie): asked for, sent whole.
        cleared = context_with_cookie(browser, traffic, url, cookie["value"])
        page, frames = drawn_page(cleared, traffic, url + link, drawn)
        assert f"imported {version}" in kept_in_page(page)["missing"]
        assert max(frames) > packed  # sent whole after the page asked
        cleared.close()

        # Hostile cookies: ignored whole, never a lookup of anything they name.
        for value in ("../../etc/passwd", version.upper(), ".".join([version] * 17), f"{version}.x"):
            hostile = context_with_cookie(browser, traffic, url, value)
            page, frames = drawn_page(hostile, traffic, url + link, drawn)
            assert kept_in_page(page)["missing"] == []
            assert kept_in_page(page)["restored"] == {}
            assert max(frames) > packed
            hostile.close()
    assert_clean(traffic)


# --- hostile text: zone files, the link, articles ---


def test_text_from_outside_stays_text(browser: Browser, tmp_path: Path) -> None:
    zone_folder = tmp_path / "zones"
    zone_folder.mkdir()
    hostile = builders.sample_zones()
    hostile.loc[hostile["zone_id"] == "dmz-1", "name"] = builders.XSS
    builders.write_zone_file(zone_folder, "hostile.geojson", hostile)
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    evil = "date=[Session expired](https://evil.example/login)&layers=![x](https://evil.example/t.png)"
    with harness.running_app(["--zones", str(zone_folder)]) as url:
        page.goto(f"{url}/?{evil}")
        harness.wait_for_map(page, zones=False)  # the link's layers are unknown: none shown
        page.get_by_text("Session expired").first.wait_for()
        assert page.locator("a[href*='evil.example']").count() == 0
        assert page.locator("img[src*='evil.example']").count() == 0
        assert (
            "[Session expired](https://evil.example/login)"
            in page.get_by_text("Session expired").first.inner_text()
        )
        page.get_by_label("Date", exact=True).fill("2019-03-08")
        page.get_by_role("checkbox", name="Demilitarized zone").check()
        strip = builders.sample_zones().set_index("zone_id").geometry["dmz-1"]
        inside = strip.difference(
            builders.sample_zones().set_index("zone_id").geometry["dez-1"]
        ).representative_point()
        where = page.evaluate(f"() => {MAP}.map.latLngToContainerPoint([{inside.y}, {inside.x}])")
        box = page.locator(".leaflet-container").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        assert "<img src=x onerror=alert(1)>" in popup.inner_text()
        assert popup.locator("img").count() == 0
        page.wait_for_timeout(300)  # give a broken image's onerror the chance to fire
        context.close()
    assert [u for u in traffic.refused if "evil.example" in u] == []
    assert_clean(traffic)


def test_the_standalone_page_of_a_view_shows_markup_as_text_offline(browser: Browser, tmp_path: Path) -> None:
    current = view.MapView(dt.date(2019, 3, 31), None)
    page_file = tmp_path / "map.html"
    page_file.write_text(
        foliummap.view_page({"zones": builders.sample_zones(), "events": builders.sample_events()}, current),
        encoding="utf-8",
    )
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic)
    page = context.new_page()
    harness.watch(page, traffic)
    page.goto(page_file.as_uri())
    page.wait_for_function("() => typeof L !== 'undefined' && document.querySelectorAll('path').length > 0")
    page.evaluate(
        "() => Object.values(window).filter(v => v instanceof L.Map)[0].eachLayer(l => {"
        " if (l.feature && l.feature.properties.id === 'e3')"
        " l.fire('click', {latlng: l.getLatLng()}, true); })"
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "<img src=x onerror=alert(1)>" in text
    assert "${alert(2)}" in text
    assert popup.locator("img").count() == 0
    page.wait_for_timeout(300)
    context.close()
    assert_clean(traffic)


# --- a phone ---


def test_on_a_phone_the_legend_is_folded_and_tables_fit(browser: Browser) -> None:
    traffic = harness.Traffic()
    context = harness.hermetic_context(
        browser, traffic, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    harness.watch(page, traffic)
    with harness.running_app() as url:
        page.goto(f"{url}/?date={START}&window=all")
        harness.wait_for_map(page)
        legend = page.locator("details.atlas-legend")
        assert legend.get_attribute("open") is None
        table = page.get_by_test_id("stDataFrame").first
        table.wait_for()
        # The page says it is narrow; the server answers with the three-column table.
        table.locator("th[role=columnheader]").nth(2).wait_for(state="attached", timeout=30_000)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=stDataFrame]')"
            ".querySelectorAll('th[role=columnheader]').length === 3",
            timeout=30_000,
        )
        if os.environ.get("ATLAS_PHONE_SCREENSHOT"):
            page.screenshot(path=os.environ["ATLAS_PHONE_SCREENSHOT"], full_page=True)
        table.scroll_into_view_if_needed()
        widths = table.evaluate(
            "t => [...t.querySelectorAll('*')].filter(e => getComputedStyle(e).overflowX === 'auto' ||"
            " getComputedStyle(e).overflowX === 'scroll').map(e => [e.scrollWidth, e.clientWidth])"
        )
        assert widths, "the table has no scrolling box"
        assert all(scroll <= client + 1 for scroll, client in widths), widths
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        context.close()
    assert_clean(traffic)


# --- an analyst adds an article ---

ADDED = """Joint patrol near Saraqib resumes
Turkish and Russian troops conducted a joint patrol near Saraqib on 12 May 2024, the Turkish defence \
ministry said in a statement.
The patrol passed without incident, the ministry said.
"""


def test_an_article_added_in_the_app_is_on_the_map_and_in_the_download(
    browser: Browser, tmp_path: Path
) -> None:
    """Paste an article in the sidebar, preview it (its event drawn as a preview, from the page's
    data), save it, then find its event in the page's events and drawn, and in the download of what
    is shown, which equals ``python -m geodata export`` of the same store and view."""
    store_file = tmp_path / "atlas.gpkg"  # a new store: the app fills it with the seeds first
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    env = os.environ | harness.editor_account(tmp_path)
    with harness.running_app(["--store", str(store_file)], env=env) as url:
        page.goto(f"{url}/?date={START}&window=30")
        harness.wait_for_map(page)
        harness.sign_in(page)  # adding articles needs an editor
        page.get_by_label("Paste its text").fill(ADDED)
        page.get_by_label("Outlet").fill("Wire <b>bold</b>")
        page.get_by_label("Outlet").press("Enter")
        page.get_by_role("button", name="Preview").click()
        page.wait_for_function(f"() => {MAP}.counts().preview === 1", timeout=60_000)
        page.get_by_text("1 event found, 1 on the map").wait_for()
        page.get_by_text("Events read from the article being added").wait_for()
        previewed = page.evaluate(f"() => {MAP}.value('preview').events.features.map(f => f.properties.kind)")
        assert previewed == ["patrol"]
        if os.environ.get("ATLAS_ADD_SCREENSHOT"):
            page.wait_for_timeout(500)
            page.screenshot(path=os.environ["ATLAS_ADD_SCREENSHOT"])
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Saved as article 6").wait_for(timeout=60_000)
        # The view showed none of its events (2019): the map moves to its day, and tells the server.
        page.wait_for_url(re.compile("date=2024-05-12"), timeout=30_000)
        with open_store(store_file) as opened:
            stored = opened.frames()["events"]
        (event_id,) = stored.loc[stored["date_start"] == "2024-05-12", "event_id"]
        shown_view = view.MapView(dt.date(2024, 5, 12), 30)
        page.wait_for_function(f"() => {MAP}.counts().preview === 0 && {MAP}.counts().events === 1")
        in_page = page.evaluate(f"() => {MAP}.value('events').events.features.map(f => f.properties.id)")
        assert event_id in in_page
        drawn = page.evaluate(f"() => {MAP}.eventGroup.getLayers().flatMap(marker => marker.eventIds)")
        assert drawn == [event_id]
        page.get_by_text("12 May 2024: ").wait_for(timeout=30_000)  # the server has the new view
        saved, payload = download_shown(page)
        context.close()
    exported = cli_export(["--store", str(store_file), "--layers", "zones,events", "--date", "2024-05-12",
                           "--window", "30"], tmp_path)  # fmt: skip
    assert saved.suggested_filename == view.download_name(
        {"zones": data_zones(), "events": stored}, shown_view
    )
    assert payload == exported
    features = [f for f in json.loads(payload)["features"] if f["properties"]["layer"] == "events"]
    assert [(f["properties"]["event_id"], f["properties"]["outlet"]) for f in features] == [
        (event_id, "Wire <b>bold</b>")
    ]
    assert_clean(traffic)


def data_zones() -> gpd.GeoDataFrame:
    return zones.load_zones().zones
