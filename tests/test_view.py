"""The view state: URL parameters, step buttons, date bounds, and "the download equals the screen"."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from geodata import export, view
from tests import builders

FIRST, LAST = dt.date(2017, 5, 4), dt.date(2020, 12, 31)
days = st.dates(min_value=FIRST, max_value=LAST)
views = st.builds(
    view.MapView,
    day=days,
    window_days=st.sampled_from(view.WINDOWS),
    visible=st.frozensets(st.sampled_from(view.LAYER_KEYS)),
    reviewed_only=st.booleans(),
)


@given(views)
def test_a_link_reproduces_the_view(shown: view.MapView) -> None:
    again, notes = view.from_params(view.to_params(shown), first=FIRST, last=LAST)
    assert again == shown
    assert notes == []


def test_the_link_keeps_reviewed_only_and_names_a_bad_value() -> None:
    assert view.to_params(view.MapView(dt.date(2019, 3, 8)))["window"] == "30"
    assert "reviewed" not in view.to_params(view.MapView(dt.date(2019, 3, 8)))
    assert view.to_params(view.MapView(dt.date(2019, 3, 8), reviewed_only=True))["reviewed"] == "1"
    start, notes = view.from_params({"reviewed": "[yes](https://evil.example)"}, first=FIRST, last=LAST)
    assert not start.reviewed_only
    assert notes == ["reviewed='[yes](https://evil.example)' ignored: it is 1 (reviewed events only) or 0"]


def test_no_parameters_gives_the_default_view() -> None:
    start, notes = view.from_params({}, first=FIRST, last=LAST, default_day=dt.date(2019, 3, 8))
    assert start == view.MapView(dt.date(2019, 3, 8), 30, frozenset(view.LAYER_KEYS))
    assert notes == []


def test_bad_parameters_fall_back_and_say_so() -> None:
    params = {"date": "8 March 2019", "window": "12", "layers": "patrol,volcanoes"}
    start, notes = view.from_params(params, first=FIRST, last=LAST)
    assert start.day == LAST
    assert start.window_days == view.DEFAULT_WINDOW
    assert start.visible == frozenset({"patrol"})
    assert len(notes) == 3
    assert "volcanoes" in notes[2]


def test_a_date_outside_the_data_is_moved_to_the_nearest_end() -> None:
    start, notes = view.from_params({"date": "2030-01-01"}, first=FIRST, last=LAST)
    assert start.day == LAST
    assert "outside the data" in notes[0]


def test_empty_layers_parameter_hides_everything() -> None:
    start, _ = view.from_params({"layers": ""}, first=FIRST, last=LAST)
    assert start.visible == frozenset()


def test_step_goes_to_the_neighbouring_event_date() -> None:
    stops = [dt.date(2019, 1, 1), dt.date(2019, 2, 1), dt.date(2019, 3, 1)]
    assert view.step_day(stops, dt.date(2019, 2, 1), forward=True) == dt.date(2019, 3, 1)
    assert view.step_day(stops, dt.date(2019, 2, 1), forward=False) == dt.date(2019, 1, 1)
    assert view.step_day(stops, dt.date(2019, 2, 15), forward=False) == dt.date(2019, 2, 1)
    assert view.step_day(stops, dt.date(2019, 3, 1), forward=True) is None


def test_event_days_are_sorted_and_distinct() -> None:
    events = builders.sample_events()
    stops = view.event_days(events)
    assert stops == sorted(set(stops))
    assert stops[0] == dt.date(2018, 9, 17)


def test_date_bounds_span_zones_and_events() -> None:
    zones, events = builders.sample_zones(), builders.sample_events()
    bounds = view.date_bounds(zones, events, fallback=(FIRST, LAST))
    assert bounds == (dt.date(2017, 5, 6), dt.date(2019, 12, 31))
    empty = events.iloc[0:0]
    assert view.date_bounds(zones.iloc[0:0], empty, fallback=(FIRST, LAST)) == (FIRST, LAST)


def test_shown_keeps_visible_kinds_in_force_and_in_window() -> None:
    zones, events = builders.sample_zones(), builders.sample_events()
    current = view.MapView(dt.date(2019, 3, 20), 30, frozenset({"de_escalation_zone", "patrol"}))
    shown = view.shown({"zones": zones, "events": events}, current)
    assert list(shown["zones"]["zone_id"]) == ["dez-1"]
    assert sorted(shown["events"]["event_id"]) == ["e1", "e2"]


def test_shown_is_the_cli_export_of_the_visible_kinds() -> None:
    zones, events = builders.sample_zones(), builders.sample_events()
    current = view.MapView(dt.date(2019, 2, 20), 90)
    frames = {"zones": zones, "events": events}
    cli = export.select(frames, export.ExportView(("zones", "events"), current.day, current.window_days))
    shown = view.shown({"zones": zones, "events": events}, current)
    assert export.dumps(export.feature_collection(shown)) == export.dumps(export.feature_collection(cli))


def test_the_map_never_shows_rejected_events_and_can_show_reviewed_ones_only() -> None:
    events = builders.sample_events()
    events = events.assign(
        review=(["accepted", "rejected", "machine", "edited"] * len(events))[: len(events)]
    )
    frames = {"zones": builders.sample_zones(), "events": events}
    every = view.shown(frames, view.MapView(dt.date(2019, 3, 31), None))
    assert set(every["events"]["review"]) == set(events["review"]) - {"rejected"}
    reviewed = view.shown(frames, view.MapView(dt.date(2019, 3, 31), None, reviewed_only=True))
    assert set(reviewed["events"]["review"]) == {"accepted", "edited"} & set(events["review"])
    assert len(reviewed["events"]) == (events["review"].isin(["accepted", "edited"])).sum()


def test_download_is_the_shown_layers_in_the_chosen_format() -> None:
    frames = {"zones": builders.sample_zones(), "events": builders.sample_events()}
    current = view.MapView(dt.date(2019, 3, 31), None, frozenset(view.LAYER_KEYS) - {"attack"})
    name, payload = view.download(frames, current)
    assert name == "atlas_zones-events_2019-03-31_all-before_without-attack.geojson"
    assert payload.decode() == export.dumps(export.feature_collection(view.shown(frames, current)))
    name, payload = view.download(frames, None, "csv")
    assert name == "atlas_zones-events_all-dates.csv"
    assert payload.decode().count("\n") == 1 + len(builders.sample_events())  # header + every event


def test_download_name_lists_the_hidden_kinds_and_stays_short() -> None:
    frames = {"zones": builders.sample_zones(), "events": builders.sample_events()}
    hide_two = view.MapView(
        dt.date(2019, 3, 31), 30, frozenset(view.LAYER_KEYS) - {"patrol", "observation_post"}
    )
    assert view.download_name(frames, hide_two) == (
        "atlas_zones-events_2019-03-31_30d_without-observation_post+patrol.geojson"
    )
    only_patrols = view.MapView(dt.date(2019, 3, 31), 30, frozenset({"patrol", *view.ZONE_KINDS}))
    assert (
        view.download_name(frames, only_patrols) == "atlas_zones-events_2019-03-31_30d_kinds-patrol.geojson"
    )
    worst = max(
        (view.MapView(dt.date(2019, 3, 31), 30, frozenset(keys)) for keys in _visible_sets()),
        key=lambda v: len(view.download_name(frames, v)),
    )
    assert len(view.download_name(frames, worst)) <= 160


def _visible_sets() -> list[set[str]]:
    # Every way of hiding a run of kinds, from either end of the list: enough to find the longest name.
    kinds = [*view.ZONE_KINDS, *view.EVENT_KINDS]
    return [set(kinds[:i]) | set(kinds[j:]) for i in range(len(kinds)) for j in range(i, len(kinds) + 1)]


def test_a_family_with_every_kind_hidden_is_left_out_of_the_download() -> None:
    frames = {"zones": builders.sample_zones(), "events": builders.sample_events()}
    no_events = view.MapView(dt.date(2019, 3, 31), 30, frozenset(view.ZONE_KINDS))
    assert view.download_name(frames, no_events) == "atlas_zones_2019-03-31.geojson"
    assert view.shown(frames, no_events)["events"].empty  # still there for the screen, empty
    name, _ = view.download(frames, no_events)
    assert {
        f["properties"]["layer"] for f in export.feature_collection(view.shown(frames, no_events))["features"]
    } == {"zones"}
    assert name == "atlas_zones_2019-03-31.geojson"


def test_a_bad_window_in_the_link_is_said_in_words() -> None:
    _, notes = view.from_params({"window": "abc", "date": "2019-13-08"}, first=FIRST, last=LAST)
    assert notes[0] == f"'2019-13-08' is not a date: month 13 does not exist; showing {LAST}"
    assert (
        notes[1] == "window='abc' ignored: the events window is one of 7, 30, 90, 365, all (days), not 'abc'"
    )
    assert not any("invalid literal" in note for note in notes)
