"""Tests for geodata.event_records: events as records and as a GeoDataFrame."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _fake_places import fake_find_places

from geodata.dates import DateInterval
from geodata.event_records import PIPELINE_VERSION, Event, Source, events_frame
from geodata.events import extract_events
from geodata.schema import DATE_PRECISIONS, EVENT_KINDS, EVENT_PROPERTIES, EVENT_STATUSES, GEO_PRECISIONS

SEEDS = Path(__file__).parent.parent / "seeds"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def seed_run():
    return extract_events(SEEDS, find_places=fake_find_places)


def test_frame_has_exactly_the_schema_columns_and_valid_values(seed_run) -> None:
    frame = events_frame(seed_run.events)
    assert list(frame.columns) == [*EVENT_PROPERTIES, "geometry"]
    assert frame.crs == "EPSG:4326"
    assert set(frame["kind"]) <= set(EVENT_KINDS)
    assert set(frame["status"]) <= set(EVENT_STATUSES)
    assert set(frame["date_precision"].dropna()) <= set(DATE_PRECISIONS)
    assert set(frame["geo_precision"].dropna()) <= set(GEO_PRECISIONS)
    assert frame["event_id"].is_unique


def test_geometry_is_lon_lat() -> None:
    event = Event("attack", "occurred", None, place="Saraqib", place_id="x", lon=36.80, lat=35.86)
    point = events_frame([event]).geometry.iloc[0]
    assert (point.x, point.y) == (36.80, 35.86)


def test_unlocated_event_has_null_geometry() -> None:
    event = Event("attack", "occurred", DateInterval(D("2018-09-17"), D("2018-09-17"), "day"))
    assert events_frame([event]).geometry.iloc[0] is None


def test_output_is_deterministic(seed_run) -> None:
    again = extract_events(SEEDS, find_places=fake_find_places)
    assert events_frame(seed_run.events).to_json() == events_frame(again.events).to_json()


def test_each_source_points_back_at_its_sentence_and_phrases(seed_run) -> None:
    by_file = {article.file: article for article in seed_run.articles}
    for event in seed_run.events:
        for source in event.sources:
            paragraph = by_file[source.article].body[source.paragraph]
            assert paragraph[source.start : source.end] == source.sentence
            assert source.sentence_index >= 0
            assert source.trigger
            assert source.trigger in source.sentence
            assert not source.date_text or source.date_text in source.sentence
            assert not source.place_text or source.place_text in source.sentence
            assert not source.place_text or source.candidates


def test_new_fields_have_defaults_and_the_version_is_a_string() -> None:
    source = Source("a.txt", "Sentence.")
    assert (source.paragraph, source.start, source.candidates, source.date_text) == (-1, -1, (), "")
    assert Event("talks", "occurred", None, sources=(source,)).candidates == ()
    assert isinstance(PIPELINE_VERSION, str)
    assert PIPELINE_VERSION
