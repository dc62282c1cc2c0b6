"""What the app loads (``geodata/loading.py``): its layers from the event store or from the folders
and files given instead (as ``export --seeds/--imported`` reads them); its options are
``tests/test_app_options.py``'s."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal

from geodata import events, imports, loading, point_cache, settings
from geodata.store import open_store
from tests.builders import with_column
from tests.conftest import ACLED_CSV, UCDP_CSV


def test_the_layers_and_articles_come_from_the_store(tmp_path: Path) -> None:
    with open_store(tmp_path / "atlas.gpkg") as store:  # filled with the seeds
        store.import_events(imports.read_events(ACLED_CSV), ACLED_CSV, by="test")
        loaded = loading.load(loading.app_inputs(["--store", str(tmp_path / "atlas.gpkg")]), store)
        stored = store.frames()
        assert_geodataframe_equal(loaded.frames["events"], stored["events"])
        assert_geodataframe_equal(loaded.frames["imported"], stored["imported"])
        assert list(loaded.articles.columns) == list(loading.ARTICLE_COLUMNS)
        assert list(loaded.articles["name"]) == list(store.articles()["name"])
    seed = sorted(settings.SEEDS_DIR.glob("*.txt"))[0].name
    assert loaded.titles[seed] != seed  # a title, not the file name
    assert loaded.sources[seed][1].startswith("https://")
    assert set(loaded.frames) == {"zones", "events", "imported"}


def test_an_events_file_replaces_the_stores_imported_events_and_seeds_its_events(tmp_path: Path) -> None:
    with open_store(tmp_path / "atlas.gpkg", seeds=None) as store:
        store.import_events(imports.read_events(ACLED_CSV), ACLED_CSV, by="test")
        source = loading.app_inputs(["--seeds", str(settings.SEEDS_DIR), "--events", str(UCDP_CSV)])
        loaded = loading.load(source, store)
    assert_geodataframe_equal(loaded.frames["imported"], imports.load_event_files([UCDP_CSV]).events)
    run = events.extract_events(settings.SEEDS_DIR)
    assert_geodataframe_equal(loaded.frames["events"], events.events_frame(run.events))
    assert set(loaded.titles) == {a.file for a in run.articles}
    assert loaded.articles["extraction_error"].isna().all()


def test_without_a_store_the_events_are_empty_and_the_zones_still_load() -> None:
    loaded = loading.load(loading.app_inputs([]), None)
    assert loaded.frames["events"].empty
    assert list(loaded.frames["events"].columns) == list(events.events_frame(()).columns)
    assert len(loaded.frames["zones"])
    assert "imported" not in loaded.frames
    assert loaded.articles.empty


def test_the_points_of_events_files_are_read_without_their_layer(tmp_path: Path) -> None:
    source = loading.app_inputs(["--store", str(tmp_path / "atlas.gpkg"), "--events", str(ACLED_CSV),
                                 "--events", str(UCDP_CSV)])  # fmt: skip
    found = loading.file_points(source)
    assert found is not None
    loaded = loading.with_imported(loading.load(source, None, imported=False), source, None)
    made = point_cache.encode(loaded.frames["imported"])
    assert found.points.table.equals(made.points.table)
    assert list(found.points.order) == list(made.points.order)
    assert found.dates == made.dates
    assert loading.file_points(loading.app_inputs(["--store", str(tmp_path / "atlas.gpkg")])) is None


@pytest.mark.parametrize("repeat", ["LATITUDE", "latitude"])
def test_an_events_file_naming_a_column_twice_is_reported_with_the_others_loaded(
    tmp_path: Path, repeat: str
) -> None:
    # The map's points and the tables both leave such a file out; the problems name it.
    twice = with_column(ACLED_CSV, tmp_path / "twice.csv", repeat, "35.5")
    source = loading.app_inputs(["--events", str(twice), "--events", str(UCDP_CSV)])
    found = loading.file_points(source)
    loaded = loading.with_imported(loading.load(source, None, imported=False), source, None)
    assert any(
        p.startswith("twice.csv: names the column(s) latitude more than once") for p in loaded.problems
    )
    assert_geodataframe_equal(loaded.frames["imported"], imports.load_event_files([UCDP_CSV]).events)
    assert found is not None
    assert found.points.table.equals(point_cache.encode(loaded.frames["imported"]).points.table)
