"""The app's wiring, run headless with Streamlit's AppTest: link, slider, steps, window, toggles, downloads.

Most tests run on synthetic zones (written to a temporary folder) and synthetic events (the events
module is replaced by one returning ``builders.sample_events()``), so counts are known; the download
test compares the app's payload with ``python -m geodata export`` on the repository's own data.
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
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import geodata.events
from geodata import __main__ as cli
from geodata import export, imports, settings, view
from tests import builders

APP = str(settings.ROOT / "app.py")
TIMEOUT = 60


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
    st.cache_data.clear()
    yield zones
    st.cache_data.clear()


def start(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params or {})
    return at.run()


def caption(at: AppTest) -> str:
    return str(at.caption[0].value)


def event_ids(payload: bytes) -> set[str]:
    features = json.loads(payload)["features"]
    return {f["properties"]["event_id"] for f in features if f["properties"]["layer"] == "events"}


def test_the_link_sets_the_widgets(synthetic: Path) -> None:
    at = start({"date": "2019-03-20", "window": "90", "layers": "patrol,de_escalation_zone"})
    assert not at.exception
    assert at.slider(key="day").value == dt.date(2019, 3, 20)
    assert at.selectbox(key="window").value == "90"
    assert at.checkbox(key="layer_patrol").value
    assert not at.checkbox(key="layer_attack").value


def test_the_view_is_written_back_to_the_link(synthetic: Path) -> None:
    at = start({"date": "2019-03-20"})
    at.slider(key="day").set_value(dt.date(2018, 12, 1)).run()
    at.checkbox(key="layer_attack").uncheck().run()
    assert at.query_params["date"] == "2018-12-01"
    assert at.query_params["window"] == "30"
    assert "attack" not in at.query_params["layers"].split(",")
    assert "patrol" in at.query_params["layers"].split(",")


def test_moving_the_slider_changes_what_is_in_force(synthetic: Path) -> None:
    at = start({"date": "2018-10-14"})
    assert caption(at).startswith("14 October 2018: 2 zones in force")
    at.slider(key="day").set_value(dt.date(2019, 3, 8)).run()
    assert caption(at).startswith("08 March 2019: 4 zones in force")


def test_window_choice_changes_the_events(synthetic: Path, downloads: dict[str, bytes]) -> None:
    at = start({"date": "2019-04-10", "window": "7"})
    assert "0 events in the window (7 days)" in caption(at)
    at.selectbox(key="window").set_value("all").run()
    assert "5 events in the window (all days)" in caption(at)
    assert event_ids(downloads["atlas_zones-events_2019-04-10_7d.geojson"]) == set()
    assert event_ids(downloads["atlas_zones-events_2019-04-10_all-before.geojson"]) == {
        "e1",
        "e2",
        "e3",
        "e4",
        "e5",
    }


def test_step_buttons_jump_to_event_dates(synthetic: Path) -> None:
    at = start({"date": "2019-03-01"})
    at.button[1].click().run()  # next event
    assert at.slider(key="day").value == dt.date(2019, 3, 8)
    at.button[0].click().run()  # previous event
    at.button[0].click().run()
    assert at.slider(key="day").value == dt.date(2019, 2, 1)


def test_download_holds_exactly_the_visible_layers(synthetic: Path, downloads: dict[str, bytes]) -> None:
    at = start({"date": "2019-03-31", "window": "all"})
    at.checkbox(key="layer_patrol").uncheck().run()
    at.checkbox(key="layer_observation_post").uncheck().run()
    hidden = frozenset(view.LAYER_KEYS) - {"patrol", "observation_post"}
    name = export.export_name(view.MapView(dt.date(2019, 3, 31), None, hidden).export_view())
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
    st.cache_data.clear()
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


def test_failing_events_module_warns_and_the_map_still_shows(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(folder: Path) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(geodata.events, "extract_events", broken)
    at = start({"date": "2019-03-08"})
    assert not at.exception
    assert any("disk on fire" in w.value for w in at.warning)
    assert "4 zones in force, 0 events" in caption(at)


def test_broken_zone_file_is_named_and_the_rest_still_shows(synthetic: Path) -> None:
    (synthetic / "broken.geojson").write_text("{not json", encoding="utf-8")
    at = start({"date": "2019-03-08"})
    assert not at.exception
    assert any("broken.geojson" in w.value for w in at.warning)
    assert "4 zones in force" in caption(at)


def test_a_bad_link_is_reported_not_fatal(synthetic: Path) -> None:
    at = start({"date": "yesterday", "layers": "patrol,unicorns"})
    assert not at.exception
    messages = " ".join(w.value for w in at.warning)
    assert "yesterday" in messages
    assert "unicorns" in messages


def test_panels_list_zones_events_and_what_is_not_on_the_map(synthetic: Path) -> None:
    at = start({"date": "2019-03-31", "window": "all"})
    events_table, zones_table, missing = (df.value for df in at.dataframe)
    assert len(events_table) == 5
    assert set(zones_table["zone_id"]) == {"dez-1", "dmz-1", "op-1", "route-1"}
    assert list(missing["event_id"]) == ["e5", "e4"]


def test_imported_files_get_a_toggle_and_are_in_the_download(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, downloads: dict[str, bytes]
) -> None:
    acled = settings.ROOT / "tests/data/acled_small.csv"
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--events", str(acled)])
    at = start({"date": "2019-03-31", "window": "30"})
    assert not at.exception
    assert any("acled_small.csv" in w.value for w in at.warning)  # its skipped rows are reported
    assert at.checkbox(key="layer_imported").value
    imported = view.shown(
        {"imported": imports.load_event_files([acled]).events}, view.MapView(dt.date(2019, 3, 31))
    )
    assert f"and {len(imported['imported'])} imported." in caption(at)
    payload = downloads["atlas_zones-events-imported_2019-03-31_30d.geojson"]
    families = {f["properties"]["layer"] for f in json.loads(payload)["features"]}
    assert families == {"zones", "events", "imported"}
    at.checkbox(key="layer_imported").uncheck().run()
    without = json.loads(downloads["atlas_zones-events_2019-03-31_30d.geojson"])["features"]
    assert {f["properties"]["layer"] for f in without} == {"zones", "events"}


def test_offline_mode_without_a_mirror_warns_and_still_shows_the_map(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--offline", str(tmp_path / "no-mirror")])
    at = start({"date": "2019-03-08"})
    assert not at.exception
    assert any("offline mode needs" in w.value and "no-mirror" in w.value for w in at.warning)
    assert "4 zones in force" in caption(at)


def test_play_walks_through_the_event_dates_and_stops(synthetic: Path) -> None:
    at = start({"date": "2019-03-10"})
    at.toggle(key="play").set_value(True).run()
    assert at.slider(key="day").value == dt.date(2019, 3, 20)  # the last event date
    assert not at.toggle(key="play").value


def test_missing_events_module_warns_and_the_map_still_shows(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "geodata.events", None)  # import now raises ImportError
    at = start({"date": "2019-03-08"})
    assert not at.exception
    assert any("events module cannot be loaded" in w.value for w in at.warning)
    assert "4 zones in force, 0 events" in caption(at)
