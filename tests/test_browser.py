"""End to end in a real headless Chromium: the map draws, the slider and the toggles change it, the
download is valid GeoJSON equal to the CLI's export, and article text never runs as code.

Needs Debian's ``chromium`` and the CDN mirror (``python tests/browser/cdn_mirror.py``); ``.ci/run``
provides both. Outside CI a missing one skips these tests; in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import datetime as dt
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

from geodata import events, export, layers, settings, view, zones
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
    assert "kinds-" in saved.suggested_filename
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
