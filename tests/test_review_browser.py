"""Review in a real headless Chromium (every request to the outside world refused and recorded), on
an embedded store in a temporary folder with an editors file made by ``editors.add_editor``:

- an editor signs in, corrects one event's place (gazetteer search) and date, rejects another, and
  adds one from a sentence; ``python -m geodata reextract`` runs; after a reload all four decisions
  are kept on the map (the page's own data), in ``python -m geodata export`` and in each event's
  history on the review page;
- a viewer finds no editing control on the map page and no way to the review page, not even by
  its address;
- an editor clicks the event's small map (``geodata/static/pickmap.js``) at a known pixel: the Edit
  tab's longitude and latitude are the point under that pixel (Web Mercator, worked out here from
  the map's centre and zoom), the map previews it with the uncertainty chosen, and the saved event
  (store and export) has that place, ``review=edited`` and an ``edit`` in its history;
- two editors (two browser contexts) open the same event and both save a change: the second is
  refused with both versions shown and his values kept in the form; on the embedded store and on
  PostGIS (``$ATLAS_TEST_POSTGIS_URL``; in CI a missing one fails, as in the store tests).

Needs Debian's ``chromium`` (``.ci/run`` installs it). Outside CI a missing one skips these tests;
in CI (``CI=true``) it fails them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from geodata import livemap, review_queue, settings
from geodata.store import open_store
from tests.browser import harness
from tests.conftest import drop_postgis_database, new_postgis_database

pytestmark = pytest.mark.browser

IN_CI = os.environ.get("CI", "").lower() == "true"
MAP = harness.MAP
SARAQIB = ("gn:164816", 36.80591, 35.86447)
HOSTILE_NAME = "<img src=x onerror=alert(1)> [near](http://evil.example) **here**"
NEW_DAY = dt.date(2019, 3, 7)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not harness.chromium_available():
        reason = f"Debian chromium not found at {harness.CHROMIUM}; apt-get install chromium"
        if IN_CI:
            pytest.fail(f"{reason} (browser tests must run in CI)")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store filled with the seeds, and the editor ``ana`` in an editors file of this test."""
    for name, value in harness.editor_account(tmp_path).items():
        monkeypatch.setenv(name, value)  # the app's server inherits it
    store_file = tmp_path / "atlas.gpkg"
    open_store(store_file).close()
    return store_file


def new_page(browser: Browser, traffic: harness.Traffic) -> Page:
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    harness.watch(page, traffic)
    return page


def go_to_review(page: Page) -> None:
    page.get_by_role("link", name="Review").click()
    page.get_by_role("heading", name="Review", exact=True).wait_for(timeout=60_000)


def open_event(page: Page, event_id: int) -> None:
    box = page.get_by_label("or by its id")
    box.fill(str(event_id))
    box.press("Enter")
    page.get_by_role("heading", name=f"Event {event_id}", exact=True).wait_for(timeout=60_000)


def tab(page: Page, name: str) -> None:
    """Click a tab of the opened event (not the previous event's, disabled until the rerun ends)."""
    found = page.get_by_role("tab", name=name, exact=True, disabled=False)
    expect(found).to_have_count(1, timeout=60_000)
    found.click()


def fill_date(page: Page, label: str, day: dt.date) -> None:
    """Type a day into a date field (its year, month and day segments), then leave it."""
    field = page.get_by_role("group", name=label, exact=True)
    for part, value in (("year", f"{day.year}"), ("month", f"{day.month:02d}"), ("day", f"{day.day:02d}")):
        segment = field.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
        segment.click()
        segment.press_sequentially(value)
    page.keyboard.press("Tab")


def choose(page: Page, label: str, text: str) -> None:
    """Pick the first option of a select box that starts with ``text`` (typed to filter them)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(text)
    page.get_by_role("option").filter(has_text=text).first.wait_for()
    box.press("Enter")  # the first option left is the focused one
    expect(box).to_have_value(re.compile("^" + re.escape(text)))


def saved(page: Page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=60_000)


def stored_events(store_file: Path) -> dict[int, dict[str, Any]]:
    with open_store(store_file) as opened:
        every = review_queue.review_queue(opened, review_queue.QueueFilter(include_reviewed=True))
        return {item.id: dict(review_queue.event_detail(opened, item.id).event) for item in every}


def exported_events(atlas: Path, folder: Path) -> list[dict[str, Any]]:
    """The store's events as ``python -m geodata export`` writes them (GeoJSON features)."""
    out = folder / "export.geojson"
    exported = subprocess.run(
        [sys.executable, "-m", "geodata", "export", "--store", str(atlas), "--layers", "events",
         "--out", str(out)],
        cwd=settings.ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    features: list[dict[str, Any]] = json.loads(out.read_text())["features"]
    return features


def test_an_editors_four_decisions_survive_reextract(browser: Browser, atlas: Path, tmp_path: Path) -> None:
    before = stored_events(atlas)
    dated = [
        e for e in before.values() if e["date_start"] and e["place_id"] != SARAQIB[0] and e["lon"] is not None
    ]
    corrected, rejected = dated[0], dated[1]
    traffic = harness.Traffic()
    page = new_page(browser, traffic)
    with harness.running_app(["--store", str(atlas)]) as url:
        page.goto(f"{url}/?date=2019-03-08&window=all")
        harness.wait_for_map(page)
        harness.sign_in(page)
        go_to_review(page)

        open_event(page, corrected["id"])
        tab(page, "Edit")
        fill_date(page, "First day", NEW_DAY)
        fill_date(page, "Last day", NEW_DAY)
        page.get_by_text("from the gazetteer").first.click()
        search = page.get_by_label("Search the gazetteer (names and aliases)", exact=True)
        search.fill("Saraqib")
        search.press("Enter")
        found = page.get_by_role("combobox", name="Place found", exact=True)
        expect(found).to_have_value(re.compile(r"^Saraqib \(town"), timeout=30_000)
        note = page.get_by_label("Note (why; the source)")
        note.fill("the ministry's statement names Saraqib")
        note.press("Enter")
        page.get_by_role("button", name="Save the correction").click()
        saved(page, f"Event {corrected['id']} corrected")

        open_event(page, rejected["id"])
        tab(page, "Reject")
        reason = page.get_by_label("Why is it not an event? (required)")
        reason.fill("an opinion, not an event")
        reason.press("Enter")
        page.get_by_role("button", name="Reject the event").click()
        saved(page, f"Event {rejected['id']} rejected")

        choose(page, "Sentence that reports it", "¶1.0:")
        choose(page, "Kind of the new event", "attack")
        fill_date(page, "First day of the new event", dt.date(2019, 3, 2))
        fill_date(page, "Last day of the new event", dt.date(2019, 3, 2))
        page.get_by_role("radiogroup", name="Place of the new event").get_by_text(
            "from the gazetteer"
        ).click()
        search = page.get_by_label("Search the gazetteer (names and aliases) of the new event", exact=True)
        search.fill("Maarat al-Numan")
        search.press("Enter")
        found = page.get_by_role("combobox", name="Place found of the new event", exact=True)
        expect(found).to_have_value(re.compile(r"^Maarat"), timeout=30_000)
        page.get_by_role("button", name="Add the event").click()
        page.get_by_text(" added (action ").wait_for(timeout=60_000)
        if os.environ.get("ATLAS_REVIEW_SCREENSHOT"):
            open_event(page, corrected["id"])
            page.set_viewport_size({"width": 1400, "height": 2600})  # the page scrolls inside: show it all
            page.wait_for_timeout(1500)
            page.screenshot(path=os.environ["ATLAS_REVIEW_SCREENSHOT"])
            page.set_viewport_size({"width": 1400, "height": 1000})

        after = stored_events(atlas)
        (added_id,) = [i for i, e in after.items() if e["review"] == "added"]
        done = subprocess.run([sys.executable, "-m", "geodata", "reextract", "--store", str(atlas)],
                              cwd=settings.ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr

        kept = stored_events(atlas)
        fixed, added = kept[corrected["id"]], kept[added_id]
        assert (fixed["review"], fixed["place_id"], fixed["date_start"]) == ("edited", SARAQIB[0], NEW_DAY)
        assert kept[rejected["id"]]["review"] == "rejected"
        assert (added["review"], added["kind"]) == ("added", "attack")

        # The map: a new session (opened again) draws what the page's data hold.
        page.goto(f"{url}/?date=2019-03-08&window=all")
        harness.wait_for_map(page)
        features = page.evaluate(f"() => {MAP}.value('events').events.features")
        by_id = {f["properties"]["id"]: f for f in features}
        assert rejected["event_id"] not in by_id
        moved = by_id[fixed["event_id"]]
        assert moved["geometry"]["coordinates"] == pytest.approx(list(SARAQIB[1:]), abs=1e-5)
        assert moved["properties"]["start"] == livemap.day_number(NEW_DAY)
        assert by_id[added["event_id"]]["properties"]["kind"] == "attack"
        assert by_id[added["event_id"]]["properties"]["start"] == livemap.day_number(dt.date(2019, 3, 2))

        # The history on the review page, after signing in again (a new session).
        harness.sign_in(page)
        go_to_review(page)
        for event_id, action, words in (
            (corrected["id"], "edit", "the ministry's statement names Saraqib"),
            (rejected["id"], "reject", "an opinion, not an event"),
            (added_id, "add", ""),
        ):
            open_event(page, event_id)
            tab(page, "History")
            history = page.get_by_role("table").filter(has_text="History, oldest first")
            expect(history).to_contain_text(f"ana{action}")
            expect(history).to_contain_text(words)
        page.context.close()

    features = exported_events(atlas, tmp_path)
    rows = {f["properties"]["event_id"]: f["properties"] for f in features}
    assert rejected["event_id"] not in rows
    assert (rows[fixed["event_id"]]["review"], rows[fixed["event_id"]]["date_start"]) == (
        "edited",
        "2019-03-07",
    )
    assert rows[fixed["event_id"]]["place"] == "Saraqib"
    assert (rows[added["event_id"]]["review"], rows[added["event_id"]]["kind"]) == ("added", "attack")
    assert traffic.refused == []
    assert harness.page_errors(traffic) == []


def test_a_viewer_finds_no_way_to_edit(browser: Browser, atlas: Path) -> None:
    traffic = harness.Traffic()
    page = new_page(browser, traffic)
    with harness.running_app(["--store", str(atlas)]) as url:
        page.goto(f"{url}/?date=2019-03-08")
        harness.wait_for_map(page)
        page.get_by_role("button", name="Expand sidebar").click()
        page.get_by_text("Editors: sign in").wait_for()
        for name in ("Preview", "Save", "Sign out"):
            expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name="Review")).to_have_count(0)
        expect(page.get_by_text("Add an article")).to_have_count(0)
        expect(page.get_by_role("textbox", name="Paste its text")).to_have_count(0)
        for address in ("/review", "/review?edit=1", "/?page=review"):
            page.goto(f"{url}{address}")
            harness.wait_for_map(page)  # the map page: there is no other for a viewer
            expect(page.get_by_role("heading", name="Review", exact=True)).to_have_count(0)
            for name in (
                "Accept the event as it is",
                "Save the correction",
                "Reject the event",
                "Add the event",
            ):
                expect(page.get_by_role("button", name=name)).to_have_count(0)
        page.context.close()
    assert traffic.refused == []


def pick_map(event_id: int) -> str:
    """The pick map of event ``event_id`` on the page (``window.atlasPick``, pickmap.js)."""
    return f"(window.atlasPick && window.atlasPick.maps.find(m => m.config.id === {event_id}))"


def lonlat_at(lon: float, lat: float, zoom: float, dx: float, dy: float) -> tuple[float, float]:
    """The point ``dx``, ``dy`` pixels from ``(lon, lat)`` on a Web Mercator map at ``zoom``
    (256-pixel tiles), worked out independently of Leaflet."""
    size = 256 * 2**zoom
    x = (lon + 180) / 360 * size + dx
    y = (0.5 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)) * size + dy
    return x / size * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size))))


def test_an_editor_places_an_event_by_clicking_the_map(browser: Browser, atlas: Path, tmp_path: Path) -> None:
    target = next(
        e for e in stored_events(atlas).values() if e["lon"] is not None and e["review"] == "machine"
    )
    traffic = harness.Traffic()
    page = new_page(browser, traffic)
    here = pick_map(target["id"])
    with harness.running_app(["--store", str(atlas)]) as url:
        page.goto(f"{url}/?date=2019-03-08&window=all")
        harness.wait_for_map(page)
        harness.sign_in(page)
        go_to_review(page)
        open_event(page, target["id"])
        page.wait_for_function(f"() => {here} && {here}.base !== null", timeout=60_000)  # the base map
        assert page.evaluate(f"() => {here}.config.event !== null")
        area = page.get_by_role("application", name="Map of the event's place: click to place it")
        area.scroll_into_view_if_needed()
        credit = (
            f"() => {{ const c = {here}.map.attributionControl.getContainer();"
            " return [c.offsetHeight, c.textContent]; }"
        )
        height, text = page.evaluate(credit)
        assert height <= 20, "the small map's credit line takes one line, not the map's foot"
        assert "GeoNames" in text
        page.locator(".atlas-pick .leaflet-control-attribution").hover()
        assert page.evaluate(credit)[0] > 2 * height  # pointed at, the whole credit shows
        view = page.evaluate(
            f"""() => {{ const m = {here}.map, c = m.getCenter(), s = m.getSize();
            return {{lon: c.lng, lat: c.lat, zoom: m.getZoom(), width: s.x, height: s.y}}; }}"""
        )
        dx, dy = 70, -45
        area.click(position={"x": view["width"] / 2 + dx, "y": view["height"] / 2 + dy})
        lon, lat = lonlat_at(view["lon"], view["lat"], view["zoom"], dx, dy)
        tolerance = 1.5 * 360 / (256 * 2 ** view["zoom"])  # a pixel and a half, in degrees
        tab(page, "Edit")
        longitude, latitude = (
            page.get_by_label("Longitude", exact=True),
            page.get_by_label("Latitude", exact=True),
        )
        expect(longitude).not_to_have_value("", timeout=30_000)
        shown = float(longitude.input_value()), float(latitude.input_value())
        assert shown == pytest.approx((lon, lat), abs=tolerance)
        choose(page, "Precision", "district")
        radius = page.get_by_label("Uncertainty (km)", exact=True)
        radius.fill("3")
        radius.press("Enter")
        page.wait_for_function(
            f"() => {here}.config.preview && {here}.config.preview.km === 3", timeout=30_000
        )
        preview = page.evaluate(f"() => {here}.config.preview")
        assert (preview["lon"], preview["lat"]) == pytest.approx(shown, abs=1e-5)  # previewed before saving
        assert stored_events(atlas)[target["id"]]["lon"] == target["lon"]  # not saved yet
        name = page.get_by_label("Name of the place (optional)", exact=True)
        name.fill(HOSTILE_NAME)
        name.press("Enter")
        note = page.get_by_label("Note (why; the source)")
        note.fill("placed on the map")
        note.press("Enter")
        page.get_by_role("button", name="Save the correction").click()
        saved(page, f"Event {target['id']} corrected")
        page.wait_for_function(f"() => {here} && {here}.config.preview === null", timeout=30_000)
        page.wait_for_timeout(1000)  # the mounts the message above moved have settled
        assert page.evaluate(f"() => {here}.base !== null")  # the base map is still drawn
        label = page.get_by_text(f"{HOSTILE_NAME} (district, ±3 km)", exact=True)  # the map names it, as text
        expect(label).to_be_visible(timeout=30_000)
        assert page.evaluate(f"() => {here}.div.querySelectorAll('img, script').length") == 0
        assert page.evaluate(f"() => [{here}.config.event.lon, {here}.config.event.lat]") == pytest.approx(
            list(shown), abs=1e-5
        )
        page.context.close()

    fixed = stored_events(atlas)[target["id"]]
    assert (fixed["review"], fixed["place_id"], fixed["geo_precision"]) == ("edited", None, "district")
    assert fixed["place"] == HOSTILE_NAME
    assert (fixed["lon"], fixed["lat"], fixed["uncertainty_km"]) == pytest.approx((*shown, 3.0), abs=1e-5)
    with open_store(atlas) as opened:
        history = review_queue.event_history(opened, target["id"])
    (entry,) = [h for h in history if h.action == "edit"]
    assert (entry.by, entry.note) == ("ana", "placed on the map")
    features = exported_events(atlas, tmp_path)
    (row,) = [f for f in features if f["properties"]["event_id"] == fixed["event_id"]]
    assert row["properties"]["review"] == "edited"
    assert row["geometry"]["coordinates"] == pytest.approx(list(shown), abs=1e-5)
    assert traffic.refused == []
    assert harness.page_errors(traffic) == []


@pytest.fixture
def two_editors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The editors ``ana`` and ``ben``, in an editors file of this test (the app's server inherits it)."""
    for name in ("ana", "ben"):
        for variable, value in harness.editor_account(tmp_path, name).items():
            monkeypatch.setenv(variable, value)


def conflict_rows(page: Page) -> dict[str, list[str]]:
    """The refused save beside the saved event, as the page's table shows it: field: its cells."""
    table = page.get_by_role("table").filter(has_text="Your change beside the event as saved now")
    expect(table).to_have_count(1, timeout=60_000)
    rows = [
        [cell.inner_text() for cell in row.get_by_role("cell").all()]
        for row in table.get_by_role("row").all()
    ]
    return {cells[0]: cells[1:] for cells in rows if len(cells) == 3}


@pytest.mark.parametrize("backend", ["embedded", "postgis"])
def test_two_editors_in_two_browsers_get_a_conflict_and_lose_nothing(
    browser: Browser, two_editors: None, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue("postgis_server") if backend == "postgis" else None
    where = str(tmp_path / "atlas.gpkg") if server is None else new_postgis_database(server)
    try:
        open_store(where).close()  # a new store is filled with the seeds
        two_browsers_one_event(browser, where)
    finally:
        if server is not None:
            drop_postgis_database(server, where)


def two_browsers_one_event(browser: Browser, where: str) -> None:
    before = stored_events(where)
    target = next(
        e for e in before.values() if e["date_start"] and e["date_end"] and e["review"] == "machine"
    )
    ana_day, ben_day = dt.date(2019, 3, 7), dt.date(2019, 3, 1)
    traffic = {name: harness.Traffic() for name in ("ana", "ben")}
    pages = {name: new_page(browser, traffic[name]) for name in traffic}  # two contexts: two sessions
    with harness.running_app(["--store", where]) as url:
        for name, page in pages.items():
            page.goto(f"{url}/?date=2019-03-08")
            harness.wait_for_map(page)
            harness.sign_in(page, name)
            go_to_review(page)
            open_event(page, target["id"])
            tab(page, "Edit")
        for name, day in (("ana", ana_day), ("ben", ben_day)):  # both edit the event as they opened it
            page = pages[name]
            fill_date(page, "First day", day)
            fill_date(page, "Last day", day)
            note = page.get_by_label("Note (why; the source)")
            note.fill(f"{name}'s reading")
            note.press("Enter")
        pages["ana"].get_by_role("button", name="Save the correction").click()
        saved(pages["ana"], f"Event {target['id']} corrected")
        pages["ben"].get_by_role("button", name="Save the correction").click()
        ben = pages["ben"]
        ben.get_by_text("Not saved: someone else changed this event since you opened it.").wait_for(
            timeout=60_000
        )
        rows = conflict_rows(ben)
        assert rows["date_start"] == [ben_day.isoformat(), ana_day.isoformat()]  # his change, and ana's
        assert rows["date_end"] == [ben_day.isoformat(), ana_day.isoformat()]
        assert rows["review"][1] == "edited"
        expect(ben.get_by_label("Note (why; the source)")).to_have_value("ben's reading")  # his form kept
        expect(ben.get_by_role("tab", name="Edit", exact=True, selected=True)).to_have_count(1)  # still open
        expect(ben.get_by_text(f"Event {target['id']} corrected")).to_have_count(0)
        for page in pages.values():
            page.context.close()

    after = stored_events(where)[target["id"]]
    assert (after["date_start"], after["review"]) == (ana_day, "edited")
    assert after["version"] == target["version"] + 1
    with open_store(where) as opened:
        people = [
            (h.by, h.action, h.note) for h in review_queue.event_history(opened, target["id"]) if h.action_id
        ]
    assert people == [("ana", "edit", "ana's reading")]  # ben's refused save wrote nothing
    for name in traffic:
        assert traffic[name].refused == []
        assert harness.page_errors(traffic[name]) == []
