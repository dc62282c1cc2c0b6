"""The app's wiring, run headless with Streamlit's AppTest: the link starts the map, the view the page
reports reaches the caption, the tables, the downloads and the link, the datasets travel once, and no
text from outside our code is ever rendered as Markdown.

AppTest runs no JavaScript: the page's side is played by setting the map component's state (the
``view`` it reports: the link's parameters), exactly what ``static/livemap.js`` sends. Most tests run
on synthetic zones (written to a temporary folder) and synthetic events (the events module is
replaced by one returning ``builders.sample_events()``), so counts are known; the download test
compares the app's payload with ``python -m geodata export`` on the repository's own data.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
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
from geodata import export, imports, livemap, settings, view
from tests import builders

APP = str(settings.ROOT / "app.py")
TIMEOUT = 60
EVIL_LINKS = {
    "date": "[Session expired](https://evil.example/login)",
    "layers": "![x](https://evil.example/t.png)",
}


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


def start(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params or {})
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
    config: dict[str, Any] = json.loads(the_map.proto.json)
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
    events_table, zones_table, missing = (df.value for df in at.dataframe)
    assert len(events_table) == 5
    assert set(zones_table["Zone id"]) == {"dez-1", "dmz-1", "op-1", "route-1"}
    assert list(missing["Event id"]) == ["e5", "e4"]
    assert not any("_" in column for column in events_table.columns)


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
