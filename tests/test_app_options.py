"""The app's options (``geodata/app_options.py``): where they point, and the files' fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata import app_options, settings
from tests.conftest import ACLED_CSV


def test_the_store_is_the_option_else_the_environment_else_the_users_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ATLAS_STORE", str(tmp_path / "env.gpkg"))
    assert app_options.app_inputs([]).store == str(tmp_path / "env.gpkg")
    assert app_options.app_inputs(["--store", "postgresql://db/atlas"]).store == "postgresql://db/atlas"
    monkeypatch.delenv("ATLAS_STORE")
    assert app_options.app_inputs([]).store == str(settings.default_store_path())


def test_folders_and_files_given_take_the_place_of_the_stores_layers(tmp_path: Path) -> None:
    plain = app_options.app_inputs([])
    assert (plain.uses_store, plain.events_from_store) == (True, True)
    seeds = app_options.app_inputs(["--seeds", str(settings.SEEDS_DIR)])
    assert (seeds.uses_store, seeds.events_from_store) == (True, False)  # imported: the store's
    both = app_options.app_inputs(["--seeds", str(settings.SEEDS_DIR), "--events", str(ACLED_CSV)])
    assert not both.uses_store
    assert {Path(name).name for name, _, _ in both.key} >= {"manifest.csv", ACLED_CSV.name}


def test_an_edited_file_changes_the_fingerprint(tmp_path: Path) -> None:
    zones = tmp_path / "zones"
    zones.mkdir()
    (zones / "a.geojson").write_text("{}", encoding="utf-8")
    before = app_options.app_inputs(["--zones", str(zones)]).key
    (zones / "a.geojson").write_text("{ }", encoding="utf-8")
    assert app_options.app_inputs(["--zones", str(zones)]).key != before
