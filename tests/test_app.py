"""The app's wiring, run headless with Streamlit's AppTest: the link starts the map, the view the page
reports reaches the caption, the tables, the downloads and the link, the datasets travel once, and no
text from outside our code is ever rendered as Markdown. The event store: the app reads the one
``--store`` names, keyed by its token (a change shows on the next run, nothing is read again while
nothing changed), adds articles through the sidebar (preview, then save; a duplicate is named), and
says in plain text why a store cannot be used.

AppTest runs no JavaScript: the page's side is played by setting the map component's state (the
``view`` it reports: the link's parameters), exactly what ``static/livemap.js`` sends. Most tests run
on synthetic zones (written to a temporary folder) and synthetic events (the events module is
replaced by one returning ``builders.sample_events()``), so counts are known; the download test
compares the app's payload with ``python -m geodata export`` on the repository's own data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from html import escape as html_escape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import streamlit as st
from markdown_it import MarkdownIt
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import geodata.events
from bench import make_acled
from geodata import __main__ as cli
from geodata import (
    app_options,
    editors,
    export,
    imports,
    livemap,
    map_cache,
    map_datasets,
    review,
    review_queue,
    settings,
    view,
)
from geodata.intake import ArticleMeta
from geodata.store import Store, open_store
from tests import builders
from tests.conftest import EDITOR_PASSWORD, drop_postgis_database, new_postgis_database
from tests.test_intake import PAGE
from tests.test_store import failing_on
from ui import first_draw, map_details

APP = str(settings.ROOT / "app.py")
TIMEOUT = 60
EVIL_LINKS = {
    "date": "[Session expired](https://evil.example/login)",
    "layers": "![x](https://evil.example/t.png)",
}


@pytest.fixture(autouse=True)
def no_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's own editors file: by default there is none (``accounts_file`` makes one)."""
    monkeypatch.setenv(editors.ENV_VAR, str(tmp_path / "no-config" / "editors.json"))


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """File name -> bytes of every download button the app renders."""
    saved: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename: Any = None) -> str:
        if filename:
            saved[filename] = data if isinstance(data, bytes) else Path(data).read_bytes()
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return saved


@pytest.fixture
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Synthetic zones in a temporary folder, synthetic events, and the app pointed at both."""
    zones = tmp_path / "zones"
    zones.mkdir()
    builders.write_zone_file(zones, "test.geojson", builders.sample_zones())
    run = SimpleNamespace(events=(), problems=(), articles=())
    monkeypatch.setattr(geodata.events, "extract_events", lambda folder: run)
    monkeypatch.setattr(geodata.events, "events_frame", lambda events: builders.sample_events())
    monkeypatch.setattr(sys, "argv", ["app.py", "--zones", str(zones), "--seeds", str(tmp_path)])
    st.cache_resource.clear()
    st.cache_data.clear()
    yield zones
    st.cache_resource.clear()
    st.cache_data.clear()


def start(params: dict[str, str] | None = None, *, editor: str | None = None) -> AppTest:
    """The app as opened with ``params`` in its link; signed in through the sidebar as ``editor``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params or {})
    page_draws(at.run())
    return sign_in(at, editor) if editor else at


def page_draws(at: AppTest) -> AppTest:
    """What the page does once a frame shows the imported points: report their version (the map's
    state ``drawn``), on which the server reads them for the tables (``ui/first_draw.py``)."""
    if any(element.key == "atlas-imported" for element in at.get("bidi_component")):
        at.session_state["map"] = {"drawn": imported_meta(at)["version"]}
        at.run()
    return at


def sign_in(at: AppTest, name: str, password: str = EDITOR_PASSWORD) -> AppTest:
    """Fill the sidebar's sign-in form and submit it."""
    labels = {"Editor name": name, "Password": password}
    for box in at.sidebar.text_input:
        if box.label in labels:
            box.input(labels[box.label])
    (submit,) = [b for b in at.sidebar.button if b.label == "Sign in"]
    submit.click()
    return at.run()


def page_moves(at: AppTest, **params: str) -> AppTest:
    """What the page does when the user changes the view: report it as the link's parameters."""
    current = {"date": "2019-03-08", "window": "30", "layers": ",".join(view.LAYER_KEYS), **params}
    at.session_state["map"] = {"view": current}
    return at.run()


def caption(at: AppTest) -> str:
    return str(at.caption[0].value)


def map_mount(at: AppTest) -> dict[str, Any]:
    mounts = [element for element in at.get("bidi_component") if element.proto.component_name == "atlas_map"]
    (the_map,) = [m for m in mounts if json.loads(m.proto.json or "{}").get("role") == "map"]
    config: dict[str, Any] = json.loads(json.loads(the_map.proto.json)["config"])  # livemap.map_mount
    return config


def event_ids(payload: bytes, family: str = "events") -> set[str]:
    features = json.loads(payload)["features"]
    return {f["properties"]["event_id"] for f in features if f["properties"]["layer"] == family}


def test_the_link_starts_the_map(synthetic: Path) -> None:
    at = start({"date": "2019-03-20", "window": "90", "layers": "patrol,de_escalation_zone", "zoom": "8.5",
                "lat": "35.8", "lon": "36.7"})  # fmt: skip
    assert not at.exception
    assert map_mount(at)["start"] == {
        "day": livemap.day_number(dt.date(2019, 3, 20)),
        "window": 90,
        "layers": ["de_escalation_zone", "patrol"],
        "zoom": 8.5,
        "lat": 35.8,
        "lon": 36.7,
    }
    assert caption(at).startswith("20 March 2019: 1 zone in force;")


def test_the_view_the_page_reports_is_written_back_to_the_link(synthetic: Path) -> None:
    at = start({"date": "2019-03-20"})
    page_moves(at, date="2018-12-01", layers="patrol,de_escalation_zone", zoom="9", lat="35.9", lon="36.61")
    assert dict(at.query_params) == {
        "date": "2018-12-01",
        "window": "30",
        "layers": "de_escalation_zone,patrol",
        "zoom": "9",
        "lat": "35.90000",
        "lon": "36.61000",
    }


def test_moving_the_day_changes_what_is_in_force(synthetic: Path) -> None:
    at = start({"date": "2018-10-14"})
    assert caption(at).startswith("14 October 2018: 1 zone in force and 1 observation post;")
    page_moves(at, date="2019-03-08")
    assert caption(at).startswith("8 March 2019: 3 zones in force and 1 observation post;")


def test_the_map_mount_is_the_same_on_every_run(synthetic: Path) -> None:
    """The map and its datasets do not change as the view changes: Streamlit sends each once and a
    reference afterwards, so a step sends no data (the page has it)."""
    at = start({"date": "2019-03-08"})
    first = [element.proto.SerializeToString() for element in at.get("bidi_component")]
    page_moves(at, date="2019-04-01", window="all", layers="patrol")
    assert [element.proto.SerializeToString() for element in at.get("bidi_component")] == first
    names = sorted(element.key for element in at.get("bidi_component"))
    assert names == ["atlas-basemap", "atlas-events", "atlas-zones", "map"]
    assert len(json.dumps(map_mount(at))) < 10_000
    # Streamlit sends a component's script with each mount: the datasets' mounts carry the small
    # one of their own component, the map's mount Leaflet and the page's script.
    scripts = {element.key: element.proto for element in at.get("bidi_component")}
    assert {scripts[name].component_name for name in names[:3]} == {"atlas_data"}
    assert {len(scripts[name].js_content) for name in names[:3]} == {len(livemap.data_script())}
    assert len(scripts["map"].js_content) == len(livemap.script()) > 100_000


def test_window_choice_changes_the_events(synthetic: Path, downloads: dict[str, bytes]) -> None:
    at = start({"date": "2019-04-10", "window": "7"})
    assert "; 0 events in the 7 days up to that day." in caption(at)
    page_moves(at, date="2019-04-10", window="all")
    assert "; 5 events up to that day." in caption(at)
    assert event_ids(downloads["atlas_zones-events_2019-04-10_7d.geojson"]) == set()
    everything = event_ids(downloads["atlas_zones-events_2019-04-10_all-before.geojson"])
    assert everything == {"e1", "e2", "e3", "e4", "e5"}


def test_download_holds_exactly_the_visible_layers(synthetic: Path, downloads: dict[str, bytes]) -> None:
    at = start({"date": "2019-03-31", "window": "all"})
    visible = frozenset(view.LAYER_KEYS) - {"patrol", "observation_post"}
    page_moves(
        at, date="2019-03-31", window="all", layers=",".join(k for k in view.LAYER_KEYS if k in visible)
    )
    name = export.export_name(view.MapView(dt.date(2019, 3, 31), None, visible).export_view())
    assert name.endswith("_without-observation_post+patrol.geojson")
    features = json.loads(downloads[name])["features"]
    kinds = {(f["properties"]["layer"], f["properties"]["kind"]) for f in features}
    assert ("events", "patrol") not in kinds
    assert ("zones", "observation_post") not in kinds
    assert ("events", "attack") in kinds
    assert ("zones", "de_escalation_zone") in kinds


def test_whole_dataset_download_has_everything(synthetic: Path, downloads: dict[str, bytes]) -> None:
    start({"date": "2018-01-01", "window": "7", "layers": ""})
    whole = json.loads(downloads["atlas_zones-events_all-dates.geojson"])
    assert len(whole["features"]) == len(builders.sample_zones()) + len(builders.sample_events())


def test_download_equals_the_cli_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, bytes]
) -> None:
    monkeypatch.setattr(sys, "argv", ["app.py"])
    st.cache_resource.clear()
    at = start({"date": "2019-03-08", "window": "90"})
    assert not at.exception
    out = tmp_path / "cli.geojson"
    code = cli.main(
        ["export", "--layers", "zones,events", "--date", "2019-03-08", "--window", "90", "--out", str(out)]
    )
    assert code == 0
    name = "atlas_zones-events_2019-03-08_90d.geojson"
    assert downloads[name] == out.read_bytes()
    assert json.loads(out.read_text())["features"]


def test_broken_zone_file_is_named_and_the_rest_still_shows(synthetic: Path) -> None:
    (synthetic / "broken.geojson").write_text("{not json", encoding="utf-8")
    at = start({"date": "2019-03-08"})
    assert not at.exception
    assert any("broken.geojson" in w.value for w in at.warning)
    assert "3 zones in force" in caption(at)


def test_a_bad_link_is_reported_not_fatal(synthetic: Path) -> None:
    at = start({"date": "yesterday", "layers": "patrol,unicorns", "zoom": "x"})
    assert not at.exception
    messages = " ".join(w.value for w in at.warning)
    assert "yesterday" in messages
    assert "unicorns" in messages
    assert "zoom" in messages


def rendered(markdown: str) -> str:
    """The warning as a Markdown renderer with GFM autolinks makes it (Streamlit's does the same)."""
    return str(MarkdownIt("gfm-like").render(markdown))


def test_text_from_the_link_is_shown_as_text_never_as_markdown(synthetic: Path) -> None:
    at = start(EVIL_LINKS)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2
    for warning in warnings:
        html = rendered(warning)
        assert "<a " not in html
        assert "<img" not in html
        assert "evil.example" in html
    assert "[Session expired](https://evil.example/login)" in MarkdownIt().render(warnings[0])


def test_file_names_in_messages_are_text(synthetic: Path) -> None:
    (synthetic / "[click](https:evil.example).geojson").write_text("{not json", encoding="utf-8")
    at = start({"date": "2019-03-08"})
    (warning,) = [w.value for w in at.warning]
    assert "<a " not in rendered(warning)
    assert "click" in rendered(warning)


def test_panels_list_zones_events_and_what_is_not_on_the_map(synthetic: Path) -> None:
    at = start({"date": "2019-03-31", "window": "all"})
    events_table, zones_table, missing, _articles = (df.value for df in at.dataframe)
    assert len(events_table) == 5
    assert set(zones_table["Zone id"]) == {"dez-1", "dmz-1", "op-1", "route-1"}
    assert list(missing["Event id"]) == ["e5", "e4"]
    assert not any("_" in column for column in events_table.columns)


def test_the_tables_show_the_newest_rows_and_say_how_many_there_are(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 100k file's window holds tens of thousands of events, most of them outside Syria: each table
    # sends its newest rows only (the page would otherwise receive megabytes it cannot show).
    monkeypatch.setattr(map_details, "TABLE_ROWS", 1)
    at = start({"date": "2019-03-31", "window": "all"})
    events_table, _zones, missing, _articles = (df.value for df in at.dataframe)
    assert len(events_table) == 1
    assert list(missing["Event id"]) == ["e4"]
    captions = [c.value for c in at.caption]
    assert "The 1 newest of 5 events (the downloads have them all)." in captions
    assert "The 1 newest of 2 events not on the map (the downloads have them all)." in captions


def test_a_phone_gets_tables_that_fit(synthetic: Path) -> None:
    at = start({"date": "2019-03-31", "window": "all"})
    at.session_state["map"] = {"narrow": True}
    at.run()
    assert list(at.dataframe[0].value.columns) == ["From", "What", "Where"]


def test_imported_files_are_mounted_listed_and_downloaded(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, bytes]
) -> None:
    acled = settings.ROOT / "tests/data/acled_small.csv"
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--events", str(acled)])
    at = start({"date": "2019-03-31", "window": "30"})
    assert not at.exception
    assert any("acled_small.csv" in w.value for w in at.warning)  # its skipped rows are reported
    assert "atlas-imported" in {element.key for element in at.get("bidi_component")}
    imported = view.shown(
        {"imported": imports.load_event_files([acled]).events}, view.MapView(dt.date(2019, 3, 31))
    )
    assert f"and {len(imported['imported'])} imported events" in caption(at)
    payload = downloads["atlas_zones-events-imported_2019-03-31_30d.geojson"]
    assert {f["properties"]["layer"] for f in json.loads(payload)["features"]} == {
        "zones",
        "events",
        "imported",
    }
    page_moves(at, date="2019-03-31", layers=",".join(k for k in view.LAYER_KEYS if k != "imported"))
    without = json.loads(downloads["atlas_zones-events_2019-03-31_30d.geojson"])["features"]
    assert {f["properties"]["layer"] for f in without} == {"zones", "events"}


def waiting_note(at: AppTest) -> list[str]:
    return [str(i.value) for i in at.info if str(i.value).endswith("once the map has drawn them…")]


def test_the_imported_events_are_read_once_the_page_has_drawn_their_points(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that has not read the imported layer sends the map its points, says where the
    tables will come and reads the layer only when the page reports the points drawn; a second
    session then gets its tables at once, and the link is written on every run."""
    acled = settings.ROOT / "tests/data/acled_small.csv"
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--events", str(acled)])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"date": "2019-03-31", "window": "30"})
    at.run()
    assert not at.exception
    count = imported_meta(at)["count"]
    assert waiting_note(at) == [first_draw.WAITING.format(count=count)]
    assert not at.dataframe  # no tables, no counts yet
    assert not at.caption
    assert at.query_params["date"] == "2019-03-31"  # the link is kept meanwhile
    at.session_state["map"] = {"drawn": "0" * 16}  # another version of the points: still waiting
    assert waiting_note(at.run())
    page_draws(at)
    assert not waiting_note(at)
    assert at.dataframe
    assert "imported events" in caption(at)
    other = start({"date": "2019-03-31", "window": "30"})  # page_draws finds nothing to report
    assert not waiting_note(other)
    other = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # a new session, no report
    assert not waiting_note(other)  # the layer was read: nothing to wait for
    assert other.dataframe


def test_without_the_page_s_report_the_tables_come_after_the_wait(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that never reports (it cannot draw, a tab in the background) still gets its tables:
    once ``WAIT_SECONDS`` have passed, the next run (which the waiting fragment asks for) reads
    the layer."""
    monkeypatch.setattr(first_draw, "WAIT_SECONDS", 0.5)
    acled = settings.ROOT / "tests/data/acled_small.csv"
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--events", str(acled)])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert waiting_note(at)
    assert not at.dataframe
    time.sleep(0.6)
    at.run()
    assert not at.exception
    assert not waiting_note(at)
    assert at.dataframe


def test_a_click_on_an_imported_point_lists_the_events_there(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    acled = settings.ROOT / "tests/data/acled_small.csv"
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--events", str(acled)])
    imported = imports.load_event_files([acled]).events
    point = imported.iloc[0]
    at = start({"date": point["date_start"], "window": "30"})
    at.session_state["map"] = {"clicked": {"lon": point.geometry.x, "lat": point.geometry.y}}
    at.run()
    assert any("imported event(s) of the window at the point clicked" in c.value for c in at.caption)
    assert point["event_id"] in set(at.dataframe[0].value["Event id"])


def test_an_imported_event_after_every_zone_and_article_can_be_reached(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A 2026 event in an imported file: the slider's full range reaches it, and the link and the
    page can show it (the date is not clamped to the zones' and articles' dates)."""
    rows = make_acled.make_rows(20, seed=3)
    rows.loc[0, ["event_date", "year", "time_precision", "geo_precision"]] = ["04 March 2026", 2026, "1", "1"]
    path = tmp_path / "late.csv"
    rows.to_csv(path, index=False)
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--events", str(path)])
    at = start({"date": "2026-03-04", "window": "7"})
    assert not at.warning or all("2026" not in w.value for w in at.warning)
    assert map_mount(at)["range"]["full"][1] == livemap.day_number(dt.date(2026, 3, 4))
    assert caption(at).startswith("4 March 2026")
    assert "1 imported event" in caption(at)


def test_a_crafted_page_state_is_read_like_a_bad_link(synthetic: Path) -> None:
    """The component's state comes from the browser: anything in it is untrusted, never fatal."""
    at = start({"date": "2019-03-08"})
    crafted = {"date": "[x](https://evil.example)", "zoom": "lots"}
    at.session_state["map"] = {"view": crafted, "clicked": "here"}
    at.run()
    assert not at.exception
    assert caption(at).startswith("8 March 2019")


# --- the event store ------------------------------------------------------------------------------

ARTICLE = """Joint patrol near Saraqib resumes
Turkish and Russian troops conducted a joint patrol near Saraqib on 12 May 2024, the Turkish defence \
ministry said in a statement.
The patrol passed without incident, the ministry said.
"""


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled with the seeds, made once; each test works on a copy of it."""
    path = tmp_path_factory.mktemp("seeded") / "atlas.gpkg"
    open_store(path).close()
    return path


@pytest.fixture
def app_store(seeded_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A seeded store of this test's own, and the app pointed at it with ``--store``."""
    path = tmp_path / "atlas.gpkg"
    shutil.copy(seeded_file, path)
    monkeypatch.setattr(sys, "argv", ["app.py", "--store", str(path)])
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def frames_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each ``Store.frames`` call (by the store it read), still reading the real store."""
    calls: list[str] = []
    real = Store.frames

    def frames(self: Store, **options: Any) -> Any:
        calls.append(self.where)
        return real(self, **options)

    monkeypatch.setattr(Store, "frames", frames)
    return calls


def paste(at: AppTest, text: str, **facts: str) -> AppTest:
    at.sidebar.text_area[0].input(text)
    for label, value in facts.items():
        heading = {"title": "Title", "outlet": "Outlet", "url": "URL"}[label]
        at.sidebar.text_input(key=f"{heading}{at.session_state['add_form']}").input(value)
    return at.run()


def button(at: AppTest, label: str) -> Any:
    (found,) = [b for b in at.sidebar.button if b.label == label]
    return found


def notes(at: AppTest) -> list[tuple[str, str]]:
    kinds = {"Success": "success", "Info": "info", "Warning": "warning", "Error": "error"}
    return [(kinds[type(e).__name__], e.value) for e in at.sidebar if type(e).__name__ in kinds]


def test_the_app_shows_the_store_given_with_store(app_store: Path, accounts_file: Path) -> None:
    at = start({"date": "2019-03-08", "window": "all"}, editor="ana")
    assert not at.exception
    with open_store(app_store) as opened:
        stored = opened.frames()["events"]
        titles = set(opened.articles()["title"])
    assert (
        f"; {len(view.shown({'events': stored}, view.MapView(dt.date(2019, 3, 8), None))['events'])} events"
        in (caption(at))
    )
    assert set(at.dataframe[3].value["Title"]) == titles  # the Articles tab
    assert "Add an article" in [h.value for h in at.sidebar.subheader]


def test_a_change_in_the_store_shows_on_the_next_run_and_nothing_is_read_while_nothing_changed(
    app_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = frames_read(monkeypatch)
    at = start({"date": "2024-05-12", "window": "7"})
    assert "; 0 events in the 7 days" in caption(at)
    page_moves(at, date="2024-05-12", window="7")
    page_moves(at, date="2024-05-13", window="7")
    assert calls == [str(app_store)]  # one read for three runs: the token did not change
    (tmp_path / "new.txt").write_text(ARTICLE, encoding="utf-8")
    assert cli.main(["add", str(tmp_path / "new.txt"), "--store", str(app_store)]) == 0  # another program
    page_moves(at, date="2024-05-13", window="7")
    assert "; 1 event in the 7 days" in caption(at)
    assert calls == [str(app_store)] * 2


def imported_meta(at: AppTest) -> dict[str, Any]:
    """The version and meta of the imported events' dataset the page was sent."""
    (mount,) = [element for element in at.get("bidi_component") if element.key == "atlas-imported"]
    data, _ = livemap.unpack_columns(mount.proto.bytes)  # the points' columns, packed
    return {"version": data["version"], **data["meta"]}


# --- the light path: a kept map sent before the data stack is imported ---

FRESH_SERVER = """
import json, sys
from geodata import livemap, timing
from streamlit.testing.v1 import AppTest

HEAVY = ("pandas", "geopandas", "shapely", "sqlalchemy", "pyogrio")
at_map, real = [], timing.mark
def mark(name):
    if name == "map sent":
        at_map.append(sorted(m for m in HEAVY if m in sys.modules))
    real(name)
timing.mark = mark
def datasets(at):  # as tests/test_app.py's (which imports the data stack, so it is not imported here)
    found = {}
    for mount in at.get("bidi_component"):
        if str(mount.key).startswith("atlas-"):
            packed = mount.proto.bytes
            data = livemap.unpack_columns(packed)[0] if packed else json.loads(mount.proto.json)
            found[data["name"]] = data["version"]
    return found
sys.argv = ["app.py", *sys.argv[1:]]
at = AppTest.from_file(%r, default_timeout=120).run()
print(json.dumps({"at_map": at_map, "exceptions": [str(e.value) for e in at.exception],
                  "datasets": datasets(at), "tables": len(at.dataframe)}))
"""


def datasets(at: AppTest) -> dict[str, str]:
    """Name -> version of the datasets the page was sent."""
    found = {}
    for mount in at.get("bidi_component"):
        if str(mount.key).startswith("atlas-"):
            data = (
                livemap.unpack_columns(mount.proto.bytes)[0]
                if mount.proto.bytes
                else json.loads(mount.proto.json)
            )
            found[data["name"]] = data["version"]
    return found


def fresh_server(*argv: str) -> dict[str, Any]:
    """Run the app once in a new process (as on a freshly started server): which of the data stack's
    modules were imported when the map was sent, the exceptions, the datasets and the tables shown."""
    source = FRESH_SERVER % APP
    done = subprocess.run(
        [sys.executable, "-c", source, "app.py", *argv], capture_output=True, text=True, timeout=300,
        cwd=settings.ROOT, env={**os.environ, "PYTHONPATH": str(settings.ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_a_fresh_server_sends_a_kept_map_before_the_data_stack_is_imported(app_store: Path) -> None:
    """The first run prepares the map and keeps it; a fresh server sends it with pandas, geopandas,
    shapely and SQLAlchemy not yet imported, then shows the rest of the page as before. An article
    added to the store changes the key: the next fresh server prepares the map again, with it."""
    at = start()
    assert not at.exception
    prepared = datasets(at)
    assert set(prepared) == {"basemap", "zones", "events"}
    light = fresh_server("--store", str(app_store))
    assert light["exceptions"] == []
    assert light["at_map"] == [[]]  # the map was sent before any of them was imported
    assert light["datasets"] == prepared  # the very datasets the usual path sent
    assert light["tables"] == len(at.dataframe) > 0  # then the tables, as before
    with open_store(app_store) as store:
        store.add_article(ARTICLE, ArticleMeta("patrol.txt", dt.date(2024, 5, 13), "Wire", ""), by="test")
    changed = fresh_server("--store", str(app_store))
    assert changed["exceptions"] == []
    assert "pandas" in changed["at_map"][0]  # no kept map for this version: prepared first
    assert changed["datasets"]["events"] != prepared["events"]
    assert changed["datasets"]["zones"] == prepared["zones"]
    again = fresh_server("--store", str(app_store))
    assert again["at_map"] == [[]]
    assert again["datasets"] == changed["datasets"]


def test_a_store_made_on_first_use_keeps_its_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's first run makes and fills the store: its map is kept then, not on the next run."""
    path = tmp_path / "new-atlas.gpkg"
    monkeypatch.setattr(sys, "argv", ["app.py", "--store", str(path)])
    st.cache_resource.clear()
    at = start()
    assert not at.exception
    key = map_cache.key(app_options.app_inputs(["--store", str(path)]))
    assert key is not None
    assert map_cache.read(key) is not None
    st.cache_resource.clear()


def test_a_damaged_kept_map_is_prepared_again_without_an_error(app_store: Path) -> None:
    at = start()
    prepared = datasets(at)
    key = map_cache.key(app_options.app_inputs(["--store", str(app_store)]))
    assert key is not None
    path = map_cache.path_for(key)
    path.write_bytes(path.read_bytes()[:-100])  # cut short
    damaged = fresh_server("--store", str(app_store))
    assert damaged["exceptions"] == []
    assert "pandas" in damaged["at_map"][0]
    assert damaged["datasets"] == prepared
    assert fresh_server("--store", str(app_store))["at_map"] == [[]]  # kept again


def test_an_added_article_does_not_prepare_the_imported_events_again(
    app_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Imported events (100,000 and more) are encoded once per import, by the import (kept for the
    app, ``geodata.point_cache``): saving an article reads and prepares only the article events."""
    encoded: list[int] = []
    real = map_datasets.encode_points
    monkeypatch.setattr(
        map_datasets, "encode_points", lambda frame: encoded.append(len(frame)) or real(frame)
    )
    acled = settings.ROOT / "tests/data/acled_small.csv"
    assert cli.main(["import", str(acled), "--store", str(app_store)]) == 1  # its bad rows are reported
    assert len(encoded) == 1  # by the import, which keeps the points
    at = start({"date": "2024-05-12", "window": "30"})
    assert "imported event" in caption(at)
    first = imported_meta(at)
    (tmp_path / "new.txt").write_text(ARTICLE, encoding="utf-8")
    assert cli.main(["add", str(tmp_path / "new.txt"), "--store", str(app_store)]) == 0
    page_moves(at, date="2024-05-12", window="30")
    assert "; 1 event and" in caption(at)  # the new article's event shows
    assert len(encoded) == 1  # the app read the kept points, and the article did not prepare them again
    assert imported_meta(at) == first
    assert cli.main(
        ["import", str(settings.ROOT / "tests/data/ucdp_small.csv"), "--store", str(app_store)]
    ) in (0, 1)
    assert len(encoded) == 2  # an import: encoded again
    page_moves(at, date="2024-05-12", window="30")
    assert imported_meta(at)["count"] > first["count"]  # the page got the new points
    assert len(encoded) == 2


def test_preview_shows_the_events_then_save_stores_them_and_the_download_equals_the_export(
    app_store: Path, accounts_file: Path, downloads: dict[str, bytes], tmp_path: Path
) -> None:
    at = start({"date": "2019-03-08", "window": "30"}, editor="ana")
    assert button(at, "Save").disabled
    paste(at, ARTICLE, outlet="Wire", url="https://wire.example/patrol")
    assert button(at, "Save").disabled  # not previewed yet
    button(at, "Preview").click()
    at.run()
    assert not at.exception
    assert notes(at)[0] == (
        "info",
        "1 event found, 1 on the map (ringed in black); the table under the map lists them. "
        "Nothing is saved yet.",
    )
    assert "preview" in map_mount(at)["datasets"]
    (mount,) = [m for m in at.get("bidi_component") if m.key == "atlas-preview"]
    (feature,) = json.loads(json.loads(mount.proto.json)["json"])["events"]["features"]
    assert feature["properties"]["kind"] == "patrol"
    assert at.dataframe[0].value.iloc[0][["From", "What", "Where"]].tolist() == [
        "2024-05-12",
        "patrol",
        "Saraqib",
    ]
    with open_store(app_store) as opened:
        assert len(opened.articles()) == 5  # nothing saved by a preview

    button(at, "Save").click()
    at.run()
    assert not at.exception
    (kind, text), *_ = notes(at)
    assert kind == "success"
    assert "Saved as article 6" in text
    assert at.sidebar.text_area[0].value == ""  # an empty form for the next article
    assert "preview" not in map_mount(at)["datasets"]
    # The view showed none of its events: the map moves to the article's day (a new start id).
    assert map_mount(at)["start"]["day"] == livemap.day_number(dt.date(2024, 5, 12))
    assert map_mount(at)["startId"] == 1
    page_moves(at, date="2024-05-12", window="30")  # the page moves, and reports it
    assert "; 1 event in the 30 days" in caption(at)
    name = "atlas_zones-events_2024-05-12_30d.geojson"
    out = tmp_path / "cli.geojson"
    code = cli.main(["export", "--layers", "zones,events", "--date", "2024-05-12", "--window", "30",
                     "--store", str(app_store), "--out", str(out)])  # fmt: skip
    assert code == 0
    assert downloads[name] == out.read_bytes()
    assert {f["properties"]["outlet"] for f in json.loads(out.read_text())["features"][-1:]} == {"Wire"}


def test_a_stored_article_is_named_and_cannot_be_saved_twice(app_store: Path, accounts_file: Path) -> None:
    seed = sorted(settings.SEEDS_DIR.glob("*.txt"))[0]
    at = start({"date": "2019-03-08"}, editor="ana")
    paste(at, seed.read_text(encoding="utf-8"))
    button(at, "Preview").click()
    at.run()
    ((kind, text),) = notes(at)
    assert kind == "warning"
    assert "Already in the store as article 1" in text
    assert seed.name in text
    assert button(at, "Save").disabled


def test_an_uploaded_page_is_previewed_and_a_binary_file_is_named(
    app_store: Path, accounts_file: Path
) -> None:
    at = start({"date": "2019-03-08"}, editor="ana")
    at.sidebar.file_uploader[0].set_value(("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/plain"))
    at.run()
    assert [k for k, _ in notes(at)] == ["error"]
    assert "binary file" in notes(at)[0][1]
    assert button(at, "Preview").disabled
    at.sidebar.file_uploader[0].set_value(("joint-patrol.html", PAGE.encode(), "text/html"))
    at.run()
    button(at, "Preview").click()
    at.run()
    assert not at.exception
    assert notes(at)[0][0] == "info"
    assert not button(at, "Save").disabled


def test_articles_the_pipeline_failed_on_are_listed_with_their_error(
    app_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        failing_on("broken.txt", patch)
        with open_store(app_store) as opened:
            meta = ArticleMeta("broken.txt", dt.date(2024, 5, 13), "Wire", "")
            assert opened.add_article(ARTICLE, meta, by="test").status == "failed"
    at = start({"date": "2019-03-08"})
    assert any("1 stored article(s) could not be read" in w.value for w in at.warning)
    articles = at.dataframe[3].value
    assert articles.iloc[0]["Title"] == "Joint patrol near Saraqib resumes"
    assert articles.iloc[0]["Extraction error"] == "RuntimeError: pipeline bug on broken.txt"


@pytest.mark.parametrize(
    "where",
    [
        "[click](evil.example) <img src=x> not a store.gpkg",
        "postgresql://nobody@127.0.0.1:1/atlas",
    ],
)
def test_a_store_that_cannot_be_used_is_an_error_in_plain_text(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "://" not in where:
        (tmp_path / where).write_text("zones, not a store", encoding="utf-8")
        where = str(tmp_path / where)
    monkeypatch.setattr(sys, "argv", ["app.py", "--store", where])
    st.cache_resource.clear()
    at = start({"date": "2019-03-08"})
    assert not at.exception
    (error,) = at.error
    html = rendered(error.value)
    assert "<a " not in html
    assert "<img" not in html
    assert ("is not a De-escalation Atlas store" in html) or ("cannot reach the PostGIS store" in html)
    assert html_escape(where.split("://")[-1], quote=False) in html  # named, as the characters it is
    assert caption(at).startswith("8 March 2019: 3 zones in force")  # the zones still show
    assert "; 0 events" in caption(at)
    assert not at.sidebar.subheader  # no Add panel without a store


def test_the_app_on_a_postgis_store(
    postgis_server: Any, monkeypatch: pytest.MonkeyPatch, accounts_file: Path
) -> None:
    url = new_postgis_database(postgis_server)
    try:
        monkeypatch.setattr(sys, "argv", ["app.py", "--store", url])
        st.cache_resource.clear()
        at = start({"date": "2024-05-12", "window": "7"}, editor="ana")
        assert not at.exception
        assert "; 0 events in the 7 days" in caption(at)
        paste(at, ARTICLE)
        button(at, "Preview").click()
        at.run()
        button(at, "Save").click()
        at.run()
        assert notes(at)[0][0] == "success"
        assert "; 1 event in the 7 days" in caption(at)
        with open_store(url) as opened:
            assert "Joint patrol near Saraqib resumes" in set(opened.articles()["title"])
    finally:
        st.cache_resource.clear()  # the app's engine lets go of the database before it is dropped
        drop_postgis_database(postgis_server, url)


# --- who may edit ----------------------------------------------------------------------------------


def sidebar_texts(at: AppTest) -> list[str]:
    return [str(t.value) for t in at.sidebar.text]


def no_edit_widgets(at: AppTest) -> None:
    """Nothing a viewer could write with: no Add panel, no text area, upload or Save, no review page."""
    assert "Add an article" not in [h.value for h in at.sidebar.subheader]
    assert not at.sidebar.text_area
    assert not at.sidebar.get("file_uploader")
    assert not [b for b in at.sidebar.button if b.label in ("Preview", "Save")]
    with pytest.raises(ValueError, match=r"review_page\.py"):
        at.switch_page("ui/review_page.py")  # not a page of this session


def test_without_accounts_the_sidebar_says_how_the_operator_makes_one(app_store: Path) -> None:
    at = start({"date": "2019-03-08"})
    assert not at.exception
    assert not at.sidebar.text_input  # no sign-in form: nobody could sign in
    assert any("python -m geodata editors add NAME" in text for text in sidebar_texts(at))
    no_edit_widgets(at)


def test_a_viewer_sees_the_sign_in_and_nothing_to_edit_with(app_store: Path, accounts_file: Path) -> None:
    at = start({"date": "2019-03-08"})
    assert [b.label for b in at.sidebar.text_input] == ["Editor name", "Password"]
    no_edit_widgets(at)


def test_a_failed_sign_in_is_said_plainly_and_gives_nothing(app_store: Path, accounts_file: Path) -> None:
    at = start({"date": "2019-03-08"}, editor="ana")
    assert "Signed in as editor ana" in sidebar_texts(at)
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    no_edit_widgets(at)
    sign_in(at, "ana", "not the password")
    assert [e.value for e in at.sidebar.error] == ["Unknown editor name or wrong password."]
    sign_in(at, "[nobody](https://evil.example)", "x")
    assert [e.value for e in at.sidebar.error] == ["Unknown editor name or wrong password."]
    no_edit_widgets(at)


def test_crafted_session_state_and_links_write_nothing(
    app_store: Path, accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forged editor (right name, wrong seal), any object with a name, the Add panel's widget keys and
    a preview put into the session state, and a link asking for the review page: no edit widgets,
    no review page, and the store's revision unchanged."""
    with open_store(app_store) as opened:
        before = opened.token()
        prepared_preview = opened.preview(ARTICLE, ArticleMeta("crafted.txt", None, "Wire", ""))
    now = dt.datetime.now(dt.UTC)
    forged = editors.Editor("ana", now, now + dt.timedelta(hours=1), accounts_file, "0" * 64)
    for fake in (forged, SimpleNamespace(name="ana"), "ana"):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.query_params.update({"date": "2019-03-08", "page": "review", "edit": "1"})
        at.session_state["editor"] = fake
        at.session_state["add_form"] = 0
        at.session_state["text0"] = ARTICLE
        at.session_state["preview"] = prepared_preview
        at.run()
        assert not at.exception
        no_edit_widgets(at)
        assert not [t for t in sidebar_texts(at) if t.startswith("Signed in")]
    with open_store(app_store) as opened:
        assert opened.token() == before
        assert len(opened.articles()) == 5


# --- reviewed events only ----------------------------------------------------------------------------


def drawn_events(at: AppTest) -> set[str]:
    (mount,) = [m for m in at.get("bidi_component") if m.key == "atlas-events"]
    return {
        f["properties"]["id"] for f in json.loads(json.loads(mount.proto.json)["json"])["events"]["features"]
    }


def test_reviewed_events_only_is_a_toggle_the_link_keeps(
    app_store: Path, ana: editors.Editor, downloads: dict[str, bytes]
) -> None:
    """The toggle sends the page only the events a person vouched for (``export.by_review``, the
    rule of the tables and downloads), the link keeps it (``reviewed=1``), and a rejected event is
    never sent."""
    with open_store(app_store) as opened:
        accepted, rejected = [item for item in review_queue.review_queue(opened) if item.date_end][:2]
        review.accept(opened, ana, accepted.id, version=accepted.version)
        review.reject(opened, ana, rejected.id, reason="not an event", version=rejected.version)
    day = max(accepted.date_end, rejected.date_end).isoformat()  # type: ignore[type-var]
    at = start({"date": day, "window": "all", "reviewed": "1"})
    assert not at.exception
    assert at.toggle(key="reviewed_only").value
    assert drawn_events(at) == {accepted.event_id}
    assert at.query_params["reviewed"] == "1"
    assert event_ids(downloads[f"atlas_zones-events_{day}_all-before_reviewed.geojson"]) == {
        accepted.event_id
    }
    at.toggle(key="reviewed_only").set_value(False)
    at.run()
    assert accepted.event_id in drawn_events(at)
    assert rejected.event_id not in drawn_events(at)
    assert len(drawn_events(at)) > 1
    assert "reviewed" not in at.query_params
    assert rejected.event_id not in event_ids(downloads[f"atlas_zones-events_{day}_all-before.geojson"])
