"""The prepared map kept on disk (:mod:`geodata.map_cache`): its key changes with every input that can
change what the map shows (so a stale map cannot be shown), it reads back what was kept, and a
missing, partial, corrupt or foreign file reads as nothing (the app then prepares the map as before)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from geodata import __main__ as cli
from geodata import app_options, livemap, map_cache, settings
from geodata.intake import ArticleMeta
from geodata.store import open_store
from tests import builders

ACLED = settings.ROOT / "tests" / "data" / "acled_small.csv"
TEXT = "Turkish and Russian troops conducted a joint patrol near Saraqib on 12 May 2024, the ministry said.\n"


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "atlas.gpkg"
    open_store(path, seeds=None, cache=False).close()
    return path


@pytest.fixture
def zones(tmp_path: Path) -> Path:
    folder = tmp_path / "zones"
    folder.mkdir()
    builders.write_zone_file(folder, "test.geojson", builders.sample_zones())
    return folder


def digest(*argv: str) -> str | None:
    """The key's digest of the app started with ``argv`` (the app takes it on every run)."""
    found = map_cache.key(app_options.app_inputs(argv))
    return None if found is None else found.digest


def kept_map() -> map_cache.KeptMap:
    points = livemap.pack_columns(
        {"role": "dataset", "name": "imported", "version": "p1"}, [("lon", "int32", b"1234")]
    )
    datasets = (livemap.text_dataset("zones", '{"zones":[]}'), livemap.Dataset("imported", "p1", points))
    dates = livemap.DateRange(
        (dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2016, 1, 1), dt.date(2026, 3, 4))
    )
    return map_cache.KeptMap(datasets, dates, (dt.date(2019, 3, 8), dt.date(2020, 3, 6)))


def test_the_key_is_the_same_while_nothing_changes(store_file: Path, zones: Path) -> None:
    first = map_cache.key(app_options.app_inputs(["--store", str(store_file), "--zones", str(zones)]))
    assert first is not None
    assert digest("--store", str(store_file), "--zones", str(zones)) == first.digest
    with open_store(store_file, seeds=None, cache=False) as store:
        assert first.token == store.token()  # the token the app's usual path reads


def test_a_zone_file_edited_changes_the_key(store_file: Path, zones: Path) -> None:
    before = digest("--store", str(store_file), "--zones", str(zones))
    path = zones / "test.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace("}", " }", 1), encoding="utf-8")
    assert digest("--store", str(store_file), "--zones", str(zones)) != before
    (zones / "another.geojson").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert len({before, digest("--store", str(store_file), "--zones", str(zones))}) == 2


def test_an_article_added_to_the_store_changes_the_key(store_file: Path, zones: Path) -> None:
    before = digest("--store", str(store_file), "--zones", str(zones))
    with open_store(store_file, seeds=None, cache=False) as store:
        store.add_article(TEXT, ArticleMeta("patrol.txt", dt.date(2024, 5, 13), "Wire", ""), by="test")
    after = digest("--store", str(store_file), "--zones", str(zones))
    assert after is not None
    assert after != before


def test_events_imported_into_the_store_change_the_key(store_file: Path, zones: Path) -> None:
    before = digest("--store", str(store_file), "--zones", str(zones))
    assert cli.main(["import", str(ACLED), "--store", str(store_file)]) in (0, 1)  # bad rows are reported
    assert digest("--store", str(store_file), "--zones", str(zones)) != before


def test_seeds_and_events_files_changed_change_the_key(tmp_path: Path, store_file: Path, zones: Path) -> None:
    seeds, events = tmp_path / "seeds", tmp_path / "events.csv"
    seeds.mkdir()
    (seeds / "a.txt").write_text(TEXT, encoding="utf-8")
    shutil.copy(ACLED, events)
    argv = ("--store", str(store_file), "--zones", str(zones), "--seeds", str(seeds), "--events", str(events))
    before = digest(*argv)
    assert before is not None
    assert before != digest("--store", str(store_file), "--zones", str(zones))  # files instead of the store
    (seeds / "a.txt").write_text(TEXT + "More.\n", encoding="utf-8")
    after_seeds = digest(*argv)
    with events.open("a", encoding="utf-8") as out:
        out.write("\n")
    after_events = digest(*argv)
    assert len({before, after_seeds, after_events}) == 3


def test_with_seeds_and_events_files_the_store_is_not_read(tmp_path: Path, zones: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    argv = ("--zones", str(zones), "--seeds", str(seeds), "--events", str(ACLED))
    found = map_cache.key(app_options.app_inputs(["--store", str(tmp_path / "none.gpkg"), *argv]))
    assert found is not None
    assert found.token is None


def test_the_data_files_and_the_code_are_in_the_key(
    store_file: Path, zones: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ("--store", str(store_file), "--zones", str(zones))
    basemap = tmp_path / "basemap"
    shutil.copytree(settings.BASEMAP_DIR, basemap)
    monkeypatch.setattr(settings, "BASEMAP_DIR", basemap)
    before = digest(*argv)
    first = sorted(p for p in basemap.iterdir() if p.suffix == ".geojson")[0]
    first.write_bytes(first.read_bytes() + b"\n")
    edited = digest(*argv)
    monkeypatch.setattr(map_cache, "code_version", lambda: "another version")
    assert len({before, edited, digest(*argv)}) == 3


def test_the_code_version_covers_the_library_source() -> None:
    found = map_cache.code_version()
    assert found == map_cache.code_version()
    done = subprocess.run(
        [sys.executable, "-c", "from geodata import map_cache; print(map_cache.code_version())"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(settings.ROOT)},
    )  # fmt: skip
    assert done.stdout.strip() == found  # the same in another process, so a fresh server finds the map


def test_an_upgraded_package_changes_the_installed_list(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    (site / "pandas-2.2.3.dist-info").mkdir(parents=True)
    (site / "pandas").mkdir()
    before = map_cache.installed([site, site])
    assert before == ["pandas-2.2.3.dist-info"]
    (site / "pandas-2.2.3.dist-info").rename(site / "pandas-2.3.0.dist-info")
    assert map_cache.installed([site]) != before
    assert map_cache.installed([tmp_path / "missing"]) == []


def test_no_key_for_a_database_url_or_a_file_that_is_no_store(tmp_path: Path, zones: Path) -> None:
    assert digest("--store", "postgresql://atlas@localhost/atlas", "--zones", str(zones)) is None
    assert digest("--store", str(tmp_path / "missing.gpkg"), "--zones", str(zones)) is None
    (tmp_path / "text.gpkg").write_text("not a database", encoding="utf-8")
    assert digest("--store", str(tmp_path / "text.gpkg"), "--zones", str(zones)) is None
    with sqlite3.connect(tmp_path / "other.gpkg") as conn:
        conn.execute("CREATE TABLE t (x)")
    assert digest("--store", str(tmp_path / "other.gpkg"), "--zones", str(zones)) is None


def test_a_kept_map_is_read_back(store_file: Path, zones: Path) -> None:
    found = map_cache.key(app_options.app_inputs(["--store", str(store_file), "--zones", str(zones)]))
    assert found is not None
    assert map_cache.read(found) is None  # nothing kept yet
    kept = kept_map()
    assert map_cache.keep(found, found.token, kept)
    assert map_cache.read(found) == kept


def test_a_map_prepared_from_another_version_of_the_store_is_not_kept(store_file: Path, zones: Path) -> None:
    found = map_cache.key(app_options.app_inputs(["--store", str(store_file), "--zones", str(zones)]))
    assert found is not None
    assert not map_cache.keep(found, "another-store@7", kept_map())
    assert map_cache.read(found) is None


def test_a_new_map_replaces_the_old_one(store_file: Path, zones: Path) -> None:
    argv = ["--store", str(store_file), "--zones", str(zones)]
    old = map_cache.key(app_options.app_inputs(argv))
    assert old is not None
    map_cache.keep(old, old.token, kept_map())
    with open_store(store_file, seeds=None, cache=False) as store:
        store.add_article(TEXT, ArticleMeta("patrol.txt", dt.date(2024, 5, 13), "Wire", ""), by="test")
    new = map_cache.key(app_options.app_inputs(argv))
    assert new is not None
    assert map_cache.read(new) is None  # the old map is not the new version's
    map_cache.keep(new, new.token, kept_map())
    assert [p.name for p in new.folder.iterdir()] == [map_cache.path_for(new).name]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # partial
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit of a dataset
        lambda data: b"not a map",
        lambda data: data[:10] + b"\xff" * 8 + data[18:],  # the header's length
        lambda data: data.replace(b'"format":"1"', b'"format":"0"'),
        lambda data: b"",
    ],
)
def test_a_damaged_file_reads_as_nothing(
    store_file: Path, zones: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    found = map_cache.key(app_options.app_inputs(["--store", str(store_file), "--zones", str(zones)]))
    assert found is not None
    map_cache.keep(found, found.token, kept_map())
    path = map_cache.path_for(found)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="geodata.map_cache"):
        assert map_cache.read(found) is None
    assert "ignoring the kept map" in caplog.text


def test_a_map_of_another_key_in_its_place_is_not_read(store_file: Path, zones: Path) -> None:
    found = map_cache.key(app_options.app_inputs(["--store", str(store_file), "--zones", str(zones)]))
    assert found is not None
    other = map_cache.Key("0" * 64, found.folder, found.token)
    map_cache.keep(other, other.token, kept_map())
    map_cache.path_for(other).rename(map_cache.path_for(found))
    assert map_cache.read(found) is None


def test_the_light_modules_import_no_data_stack() -> None:
    """What the app's light path imports (the options, the key, the kept map, the map's page half,
    the view's links) needs neither pandas, geopandas, shapely, numpy, SQLAlchemy nor pydantic."""
    check = (
        "import sys\n"
        "from geodata import app_options, livemap, map_cache, styles, view\n"
        "heavy = ('pandas', 'geopandas', 'shapely', 'numpy', 'pyarrow', 'sqlalchemy', 'pydantic')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(settings.ROOT)},
    )  # fmt: skip
    assert done.stdout.strip() == "[]"
