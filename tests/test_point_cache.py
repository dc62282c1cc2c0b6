"""The imported events' map points kept on disk (``geodata/point_cache.py``): read back as written,
a new key after an import or an edited file, and a missing, partial, corrupt or foreign file is
encoded again with no error (the app's first map on a fresh server reads these points)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pytest

from geodata import __main__ as cli
from geodata import imports, layers, loading, map_datasets, point_cache, zones
from geodata.store import open_store
from tests.conftest import ACLED_CSV, UCDP_CSV


def imported_layer() -> gpd.GeoDataFrame:
    return imports.load_event_files([ACLED_CSV, UCDP_CSV]).events


def assert_same(found: point_cache.CachedPoints, made: point_cache.CachedPoints) -> None:
    assert found.points.table.equals(made.points.table)
    np.testing.assert_array_equal(found.points.order, made.points.order)
    assert (found.points.radii, found.points.max_duration) == (made.points.radii, made.points.max_duration)
    assert found.dates == made.dates
    assert (
        map_datasets.points_dataset(found.points).version == map_datasets.points_dataset(made.points).version
    )


def test_points_are_read_back_as_written(tmp_path: Path) -> None:
    made = point_cache.encode(imported_layer())
    assert made.points.count > 0
    assert len(made.dates) == 2
    path = point_cache.path_for(tmp_path, "store-1")
    point_cache.write(path, made)
    found = point_cache.read(path)
    assert found is not None
    assert_same(found, made)


def test_kept_encodes_once_then_reads_the_file(tmp_path: Path) -> None:
    calls: list[int] = []

    def layer() -> gpd.GeoDataFrame:
        calls.append(1)
        return imported_layer()

    path = point_cache.path_for(tmp_path, "k")
    first = point_cache.kept(path, layer)
    second = point_cache.kept(path, layer)
    assert len(calls) == 1
    assert first is not None
    assert second is not None
    assert_same(second, first)
    assert point_cache.kept(point_cache.path_for(tmp_path, "none"), lambda: None) is None


def test_the_map_from_kept_points_equals_the_map_from_the_layer(tmp_path: Path) -> None:
    imported = imported_layer()
    zone_set = zones.load_zones()
    frames = {"zones": zone_set.zones, "events": imported.iloc[:0], "imported": imported}
    reference = layers.load_reference()
    direct = map_datasets.prepare(frames, reference=reference)
    point_cache.kept(point_cache.path_for(tmp_path, "k"), lambda: imported)
    kept = point_cache.read(point_cache.path_for(tmp_path, "k"))
    assert kept is not None
    without = {name: frame for name, frame in frames.items() if name != "imported"}
    from_file = map_datasets.prepare(
        without, reference=reference, points=kept.points, imported_dates=kept.dates
    )
    assert from_file.dates == direct.dates
    assert [d.version for d in from_file.datasets] == [d.version for d in direct.datasets]


def test_an_import_gives_the_store_a_new_points_file_and_removes_the_old(tmp_path: Path) -> None:
    where = tmp_path / "atlas.gpkg"
    with open_store(where, seeds=None, cache=tmp_path / "cache") as store:
        source = loading.app_inputs(["--store", str(where)])
        store.import_events(imports.read_events(ACLED_CSV), ACLED_CSV, by="test")
        before = loading.points_path(source, store, store.imported_token())
        assert before is not None
        point_cache.kept(before, store.imported)
        store.import_events(imports.read_events(UCDP_CSV), UCDP_CSV, by="test")
        after = loading.points_path(source, store, store.imported_token())
        assert after is not None
        assert after != before
        kept = point_cache.kept(after, store.imported)
        layer = store.imported()
    assert kept is not None
    assert layer is not None
    assert kept.points.count == len(layers.events_on_map(layer))
    assert after.exists()
    assert not before.exists()


def test_the_import_command_keeps_the_points_the_app_reads(tmp_path: Path) -> None:
    where = tmp_path / "atlas.gpkg"
    assert cli.main(["import", str(UCDP_CSV), "--store", str(where)]) in (0, 1)
    with open_store(where, seeds=None) as store:  # the default cache folder (XDG_CACHE_HOME here)
        path = loading.points_path(loading.app_inputs(["--store", str(where)]), store, store.imported_token())
        layer = store.imported()
    assert path is not None
    assert path.exists()
    found = point_cache.read(path)
    assert found is not None
    assert layer is not None
    assert_same(found, point_cache.encode(layer))


def test_an_edited_events_file_gets_a_new_points_file(tmp_path: Path) -> None:
    copy = tmp_path / "acled.csv"
    copy.write_bytes(ACLED_CSV.read_bytes())
    first = loading.points_path(loading.app_inputs(["--events", str(copy)]), None, "files")
    os.utime(copy, ns=(1, 1))
    second = loading.points_path(loading.app_inputs(["--events", str(copy)]), None, "files")
    assert first is not None
    assert second is not None
    assert first != second
    assert first.parent == second.parent  # one folder per set of files: the old version is replaced


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a write cut short (by hand: the writer is atomic)
        lambda data: b"",
        lambda data: b"not arrow at all" * 10,
        "flip",  # one byte of the points' coordinates changed
    ],
    ids=["partial", "empty", "garbage", "flipped-byte"],
)
def test_a_damaged_file_is_encoded_again_without_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    imported = imported_layer()
    path = point_cache.path_for(tmp_path, "k")
    made = point_cache.kept(path, lambda: imported)
    assert made is not None
    data = path.read_bytes()
    if damage == "flip":
        at = data.find(made.points.table.column("lon").chunks[0].buffers()[1].to_pybytes()[:8])
        assert at > 0
        path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
    else:
        path.write_bytes(damage(data))  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="geodata.point_cache"):
        assert point_cache.read(path) is None
        again = point_cache.kept(path, lambda: imported)
    assert again is not None
    assert_same(again, made)
    rewritten = point_cache.read(path)
    assert rewritten is not None
    assert_same(rewritten, made)
    assert all(record.exc_info is None for record in caplog.records)
    assert "ignoring" in caplog.text


def test_a_file_of_another_layout_is_not_read(tmp_path: Path) -> None:
    made = point_cache.encode(imported_layer())
    path = point_cache.path_for(tmp_path, "k")
    point_cache.write(path, made)
    table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
    table = table.rename_columns([f"x{i}" for i in range(table.num_columns)])
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    assert point_cache.read(path) is None


def test_a_folder_that_cannot_be_written_only_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="geodata.point_cache"):
        point_cache.write(point_cache.path_for(blocker / "sub", "k"), point_cache.encode(imported_layer()))
    assert "cannot keep" in caplog.text


def test_kept_makes_the_points_the_faster_way_first_and_falls_back_to_the_layer(tmp_path: Path) -> None:
    made = point_cache.encode(imported_layer())
    layers_read: list[int] = []

    def layer() -> gpd.GeoDataFrame:
        layers_read.append(1)
        return imported_layer()

    found = point_cache.kept(point_cache.path_for(tmp_path, "fast"), layer, points=lambda: made)
    assert found is made
    assert not layers_read  # the layer is not read when the points are made without it
    found = point_cache.kept(point_cache.path_for(tmp_path, "slow"), layer, points=lambda: None)
    assert found is not None
    assert layers_read == [1]
    assert_same(found, made)
    read = point_cache.read(point_cache.path_for(tmp_path, "slow"))  # kept on disk either way
    assert read is not None
    assert_same(read, made)
