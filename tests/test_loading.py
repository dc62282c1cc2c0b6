"""What the app loads (``geodata/loading.py``): its options, and its layers from the event store or
from the folders and files given instead (as ``export --seeds/--imported`` reads them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal

from geodata import events, imports, loading, settings
from geodata.store import open_store
from geodata.store_open import default_store_path
from tests.conftest import ACLED_CSV, UCDP_CSV


def test_the_store_is_the_option_else_the_environment_else_the_users_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ATLAS_STORE", str(tmp_path / "env.gpkg"))
    assert loading.app_inputs([]).store == str(tmp_path / "env.gpkg")
    assert loading.app_inputs(["--store", "postgresql://db/atlas"]).store == "postgresql://db/atlas"
    monkeypatch.delenv("ATLAS_STORE")
    assert loading.app_inputs([]).store == str(default_store_path())


def test_folders_and_files_given_take_the_place_of_the_stores_layers(tmp_path: Path) -> None:
    plain = loading.app_inputs([])
    assert (plain.uses_store, plain.events_from_store) == (True, True)
    seeds = loading.app_inputs(["--seeds", str(settings.SEEDS_DIR)])
    assert (seeds.uses_store, seeds.events_from_store) == (True, False)  # imported: the store's
    both = loading.app_inputs(["--seeds", str(settings.SEEDS_DIR), "--events", str(ACLED_CSV)])
    assert not both.uses_store
    assert {Path(name).name for name, _, _ in both.key} >= {"manifest.csv", ACLED_CSV.name}


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
