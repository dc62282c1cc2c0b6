"""End to end in a real headless Chromium: the map draws, the slider and the toggles change it, the
download is valid GeoJSON equal to the CLI's export, and article text never runs as code. At scale
(20,000 synthetic ACLED rows): the points the canvas layer draws for a view are exactly the events
of its window, a slider step keeps the map's frame, and a click on a point lists the events there.

Needs Debian's ``chromium`` and the CDN mirror (``python tests/browser/cdn_mirror.py``); ``.ci/run``
provides both. Outside CI a missing one skips these tests; in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from geojson_pydantic import FeatureCollection
from playwright.sync_api import Browser, Page, sync_playwright
from shapely.geometry import shape

from bench import make_acled
from geodata import events, export, fastpoints, imports, layers, settings, view, zones
from tests import builders
from tests.browser import cdn_mirror, harness

pytestmark = pytest.mark.browser

IN_CI = os.environ.get("CI", "").lower() == "true"
START = dt.date(2019, 3, 8)


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (browser tests must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def mirror() -> Path:
    if not cdn_mirror.is_complete():
        if shutil.which("npm") is None:
            unavailable("npm is missing, so the CDN mirror cannot be built; run .ci/run")
        cdn_mirror.build_mirror()
    return cdn_mirror.DEFAULT_MIRROR


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
    zone_frame, event_frame = data
    shown = view.shown({"zones": zone_frame, "events": event_frame}, current)
    return {"zones": len(shown["zones"]), "events": len(layers.events_on_map(shown["events"]))}


@pytest.mark.parametrize("mode", ["cdn-mirror", "offline"])
def test_article_markup_shows_as_text_and_runs_nothing(
    browser: Browser, mirror: Path, tmp_path: Path, mode: str
) -> None:
    current = view.MapView(dt.date(2019, 3, 31), None)
    fmap = layers.build_map(
        builders.sample_zones(), builders.sample_events(), current, tiles=mode != "offline"
    )
    if mode == "offline":
        layers.offline(fmap, mirror)
    page_file = tmp_path / "map.html"
    fmap.save(str(page_file))
    traffic = harness.Traffic()
    # Offline, the page must need nothing from outside: an empty mirror refuses every CDN request.
    context = harness.hermetic_context(browser, traffic, mirror if mode != "offline" else tmp_path)
    page = context.new_page()
    harness.watch(page, traffic)
    page.goto(page_file.as_uri())
    page.wait_for_function(harness.COUNT_JS.replace("return counts;", "return counts.events > 0;"))
    page.evaluate(
        "() => " + harness.FIND_MAP_JS + ".eachLayer(l => {"
        " if (l.feature && l.feature.properties.id === 'e3')"
        " l.fire('click', {latlng: l.getLatLng()}, true); })"
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "<img src=x onerror=alert(1)>" in text
    assert "${alert(2)}" in text
    assert popup.locator("img").count() == 0
    page.wait_for_timeout(300)  # give a broken image's onerror the chance to fire
    context.close()
    assert traffic.errors == []
    assert traffic.cdn_misses == []
    if mode == "offline":
        assert traffic.refused == []
        assert traffic.tiles == 0


def test_the_app_end_to_end(
    browser: Browser, mirror: Path, data: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], tmp_path: Path
) -> None:
    started = time.monotonic()
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, mirror, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    with harness.running_app() as url:
        page.goto(f"{url}/?date={START}&window=all")
        first_view = view.MapView(START, None)
        counts = harness.wait_for_counts(page, expected(data, first_view), timeout=90)
        assert counts["zones"] == expected(data, first_view)["zones"]
        assert counts["events"] == expected(data, first_view)["events"]
        assert counts["reference"] == 15
        check_an_event_popup(page, data, first_view)

        earliest = view.date_bounds(*data, fallback=(START, START))[0]
        page.get_by_role("slider").first.focus()
        page.keyboard.press("Home")
        page.wait_for_url(re.compile(f"date={earliest}"))
        moved = view.MapView(earliest, None)
        counts = harness.wait_for_counts(page, expected(data, moved))
        assert expected(data, moved) != expected(data, first_view), "the data should change over time"
        assert {k: counts.get(k, 0) for k in ("zones", "events")} == expected(data, moved)

        page.keyboard.press("End")  # the last day: zones that ended are gone, later ones have appeared
        last = view.date_bounds(*data, fallback=(START, START))[1]
        page.wait_for_url(re.compile(f"date={last}"))
        at_end = view.MapView(last, None)
        counts = harness.wait_for_counts(page, expected(data, at_end))
        assert {k: counts.get(k, 0) for k in ("zones", "events")} == expected(data, at_end)
        page.goto(f"{url}/?date={START}&window=all")
        harness.wait_for_counts(page, expected(data, first_view), timeout=60)

        page.get_by_text("Observation posts", exact=True).click()
        toggled = view.MapView(START, None, frozenset(view.LAYER_KEYS) - {"observation_post"})
        page.wait_for_url(re.compile("layers=(?!.*observation_post)"))
        counts = harness.wait_for_counts(page, expected(data, toggled))
        assert counts["zones"] == expected(data, toggled)["zones"] < expected(data, first_view)["zones"]

        with page.expect_download() as download:
            page.get_by_role("button", name="Download what is shown (GeoJSON)").click()
        saved = download.value
        payload = Path(saved.path()).read_bytes()
        page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
        if os.environ.get("ATLAS_SCREENSHOT"):
            page.screenshot(path=os.environ["ATLAS_SCREENSHOT"])
    context.close()

    assert saved.suggested_filename == export.export_name(toggled.export_view())
    assert saved.suggested_filename.endswith("_without-observation_post.geojson")
    assert_valid_geojson(payload)
    frames = {"zones": data[0], "events": data[1]}
    assert payload.decode() == export.dumps(export.feature_collection(view.shown(frames, toggled)))
    assert traffic.errors == []
    assert traffic.cdn_misses == []
    print(f"end-to-end test took {time.monotonic() - started:.1f} s, {traffic.tiles} tiles answered blank")


def check_an_event_popup(
    page: Page, data: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], current: view.MapView
) -> None:
    """Click an event drawn as a point: its popup shows a sentence of the window and its source."""
    frame = harness.map_frame(page)
    where = frame.evaluate(
        "() => { let hit = null; " + harness.FIND_MAP_JS + ".eachLayer(l => {"
        " if (!hit && l.feature && l.feature.properties.layer === 'events' && !l.feature.properties.radius_m)"
        " { const p = window.map.latLngToContainerPoint(l.getLatLng()); hit = {x: p.x, y: p.y}; } });"
        " return hit; }"
    )
    assert where is not None, "no event is drawn as a point on the start date"
    box = page.locator(harness.MAP_FRAME).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = " ".join(popup.inner_text().split())
    quotes = [" ".join(q.split()) for q in layers.events_in_window(data[1], current)["quote"]]
    assert any(quote in text for quote in quotes)
    assert "Source:" in text
    assert popup.locator("a[href^='http']").count() >= 1


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
        west, south, east, north = geom.bounds
        assert -180 <= west <= east <= 180
        assert -90 <= south <= north <= 90
        for polygon in getattr(geom, "geoms", [geom]):
            if polygon.geom_type == "Polygon":
                assert shapely.LinearRing(polygon.exterior.coords).is_ccw


def test_the_app_offline_fetches_nothing_from_outside(browser: Browser, mirror: Path, tmp_path: Path) -> None:
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, tmp_path)  # an empty mirror: every CDN refused
    page = context.new_page()
    harness.watch(page, traffic)
    with harness.running_app(["--offline", str(mirror)]) as url:
        page.goto(f"{url}/?date={START}&window=all")
        counts = harness.map_frame(page, timeout=90_000).evaluate(harness.COUNT_JS)
        assert counts["zones"] > 0
        assert counts["reference"] == 15
    context.close()
    assert traffic.refused == []
    assert traffic.tiles == 0
    assert traffic.errors == []


# --- The live map at scale: points filtered and drawn in the browser, the frame kept on a step ---


@pytest.fixture(scope="module")
def acled_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 synthetic ACLED-layout events over Syria, 2017-2024 (``bench/make_acled.py``)."""
    path = tmp_path_factory.mktemp("acled") / "acled_20k.csv"
    make_acled.make_rows(20_000, seed=7).to_csv(path, index=False)
    return path


def live_page(browser: Browser, mirror: Path, tmp_path: Path, imported: gpd.GeoDataFrame) -> Page:
    """The live map of the sample zones and events plus ``imported``, saved and opened in Chromium."""
    fmap = layers.build_base_map(
        builders.sample_zones(),
        builders.sample_events(),
        view.MapView(START),
        points=layers.encode_points(imported),
        tiles=False,
    )
    page_file = tmp_path / "live.html"
    fmap.save(str(page_file))
    traffic = harness.Traffic()
    page = harness.hermetic_context(browser, traffic, mirror).new_page()
    harness.watch(page, traffic)
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.atlas && window.atlas.draws > 0")
    assert traffic.errors == []
    return page


@pytest.mark.parametrize(
    ("day", "window", "hidden"),
    [
        (dt.date(2019, 3, 8), 30, frozenset()),
        (dt.date(2021, 7, 1), 7, frozenset({"other"})),
        (dt.date(2017, 6, 30), None, frozenset()),
        (dt.date(2024, 12, 31), 365, frozenset({"attack"})),
    ],
)
def test_points_drawn_for_a_date_are_exactly_the_events_of_its_window(
    browser: Browser, mirror: Path, tmp_path: Path, acled_file: Path, day: dt.date, window: int | None,
    hidden: frozenset[str],
) -> None:  # fmt: skip
    imported = imports.load_event_files([acled_file]).events
    page = live_page(browser, mirror, tmp_path, imported)
    current = view.MapView(day, window, frozenset(view.LAYER_KEYS) - hidden)
    page.evaluate("state => window.atlas.setState(state)", layers.live_state(current))
    selected = page.evaluate("() => window.atlas.points.selected()")
    drawable = layers.events_on_map(imported)
    drawn_ids = set(drawable["event_id"].iloc[layers.encode_points(imported).order[selected]])
    expected = view.shown({"zones": builders.sample_zones(), "imported": imported}, current)["imported"]
    expected_ids = set(layers.events_on_map(expected)["event_id"])
    assert len(drawn_ids) == len(selected) == len(expected_ids)
    assert drawn_ids == expected_ids
    sample = selected[:: max(1, len(selected) // 50)]
    where = page.evaluate("s => s.map(i => [window.atlas.points.lon[i], window.atlas.points.lat[i]])", sample)
    rows = drawable.iloc[layers.encode_points(imported).order[sample]]
    assert [
        [round(x * 1e5), round(y * 1e5)] for x, y in zip(rows.geometry.x, rows.geometry.y, strict=True)
    ] == where
    if window is None:
        assert len(expected_ids) > 1000


def test_the_live_map_filters_zones_and_events_like_build_map(
    browser: Browser, mirror: Path, tmp_path: Path, acled_file: Path
) -> None:
    page = live_page(browser, mirror, tmp_path, imports.load_event_files([acled_file]).events.head(100))
    for day, window in ((dt.date(2018, 10, 14), 30), (dt.date(2019, 3, 31), None), (dt.date(2019, 3, 8), 7)):
        current = view.MapView(day, window)
        page.evaluate("state => window.atlas.setState(state)", layers.live_state(current))
        counts = page.evaluate(harness.COUNT_JS)
        reference = layers.build_map(builders.sample_zones(), builders.sample_events(), current)
        assert {k: counts.get(k, 0) for k in ("zones", "events")} == {
            "zones": len(layers_ids(reference, "zones")),
            "events": len(layers_ids(reference, "events")),
        }


def layers_ids(fmap: object, family: str) -> set[str]:
    from tests.test_layers import ids

    return ids(fmap, family)  # type: ignore[arg-type]


def test_a_slider_step_keeps_the_map_frame_and_a_click_finds_the_events_there(
    browser: Browser, mirror: Path, acled_file: Path
) -> None:
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, mirror, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    with harness.running_app(["--events", str(acled_file)]) as url:
        page.goto(f"{url}/?date=2019-03-08&window=30")
        frame = harness.map_frame(page, timeout=90_000)
        frame.wait_for_function("() => window.atlas && window.atlas.state && window.atlas.draws > 0")
        frame.evaluate("() => { window.__kept = 'same frame'; }")
        page.get_by_role("slider").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_url(re.compile("date=2019-03-09"))
        frame.wait_for_function("() => window.atlas.state.dayIso === '2019-03-09'", timeout=30_000)
        assert frame.evaluate("() => window.__kept") == "same frame"
        assert page.locator(harness.MAP_FRAME).count() == 1

        where = frame.evaluate(
            "() => { const p = window.atlas.points;"  # the easternmost point: away from the article events
            " const i = p.selected().reduce((a, b) => (p.lon[b] > p.lon[a] ? b : a));"
            " const pt = window.map.latLngToContainerPoint([p.lat[i] * 1e-5, p.lon[i] * 1e-5]);"
            " return {x: pt.x, y: pt.y}; }"
        )
        box = page.locator(harness.MAP_FRAME).bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        assert "Imported event" in popup.inner_text()
        page.get_by_text(re.compile(r"imported event\(s\) in the window at the clicked point")).wait_for(
            timeout=30_000
        )
        assert frame.evaluate("() => window.__kept") == "same frame"
    context.close()
    assert traffic.errors == []
    assert traffic.cdn_misses == []


def test_the_map_follows_the_date_slider_before_the_server_answers(
    browser: Browser, mirror: Path, acled_file: Path
) -> None:
    """The page script moves the map with the slider at once; a late answer for an earlier day does
    not move it back; the window is the server's."""
    imported = imports.load_event_files([acled_file]).events
    fmap = layers.build_base_map(
        builders.sample_zones(),
        builders.sample_events(),
        view.MapView(START),
        points=layers.encode_points(imported),
    )
    traffic = harness.Traffic()
    page = harness.hermetic_context(browser, traffic, mirror).new_page()
    harness.watch(page, traffic)
    page.set_content(
        '<input type="range" aria-label="As of" aria-valuetext="2019-03-08">'
        f'<iframe style="width:800px;height:600px" srcdoc="{html.escape(fmap.get_root().render())}"></iframe>'
    )
    frame = page.frames[1]
    frame.wait_for_function("() => window.atlas && window.atlas.draws > 0")

    def send(current: view.MapView) -> None:
        script = fastpoints.state_script(layers.live_state(current), slider_label="As of")
        body = script.removeprefix("<script>").removesuffix("</script>")
        page.add_script_tag(content=body)

    send(view.MapView(START, 30))
    frame.wait_for_function("() => window.atlas.state.dayIso === '2019-03-08'")
    page.evaluate("() => document.querySelector('input').setAttribute('aria-valuetext', '2019-03-20')")
    frame.wait_for_function("() => window.atlas.state.dayIso === '2019-03-20'")
    assert frame.evaluate("() => window.atlas.state.firstIso") == "2019-02-19"
    moved = view.MapView(dt.date(2019, 3, 20), 30)
    expected = layers.events_on_map(view.shown({"imported": imported}, moved)["imported"])
    assert frame.evaluate("() => window.atlas.points.nsel") == len(expected)
    send(view.MapView(dt.date(2019, 3, 9), 7))  # the server, late, for a day the slider has left
    frame.wait_for_function("() => window.atlas.state.span === 7")
    assert frame.evaluate("() => [window.atlas.state.dayIso, window.atlas.state.firstIso]") == [
        "2019-03-20",
        "2019-03-14",
    ]
    assert traffic.errors == []
