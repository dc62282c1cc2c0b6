"""Tests for the ``events`` subcommand and the events layer of ``export`` / ``validate``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geodata.__main__ import main
from geodata.schema import EVENT_PROPERTIES

SEEDS = Path(__file__).parent.parent / "seeds"


def test_events_writes_a_deterministic_feature_collection(tmp_path: Path, capsys) -> None:
    first, second = tmp_path / "a.geojson", tmp_path / "b.geojson"
    assert main(["events", "--seeds", str(SEEDS), "--out", str(first)]) == 0
    assert main(["events", "--seeds", str(SEEDS), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    collection = json.loads(first.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert list(feature["properties"]) == ["layer", *EVENT_PROPERTIES]
        geometry = feature["geometry"]
        assert geometry is None or geometry["type"] == "Point"
    assert "5 articles read" in capsys.readouterr().err


def test_events_reports_bad_files_and_keeps_the_others(tmp_path: Path, capsys) -> None:
    shutil.copy(SEEDS / "003_da0cd3bf8a04b8fc.txt", tmp_path)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01")
    out = tmp_path / "events.geojson"
    assert main(["events", "--seeds", str(tmp_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err
    assert "binary.txt: binary file" in err
    assert json.loads(out.read_text(encoding="utf-8"))["features"]


def test_export_events_layer_keeps_the_window(tmp_path: Path) -> None:
    out = tmp_path / "export.geojson"
    argv = ["export", "--layers", "events", "--seeds", str(SEEDS), "--out", str(out)]
    main([*argv, "--date", "2019-02-20", "--window", "7"])
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert features
    for feature in features:
        props = feature["properties"]
        assert props["layer"] == "events"
        assert props["date_start"] <= "2019-02-20"
        assert props["date_end"] >= "2019-02-14"


@pytest.mark.parametrize("bad", ["missing.txt,2019-01-01,X,u", "000_083de1e4d2a5b4e1.txt,29/04/2019,X,u"])
def test_validate_reports_seed_problems(tmp_path: Path, capsys, bad: str) -> None:
    shutil.copy(SEEDS / "000_083de1e4d2a5b4e1.txt", tmp_path)
    (tmp_path / "manifest.csv").write_text(f"file,published,outlet,url\n{bad}\n", encoding="utf-8")
    assert main(["validate", "--seeds", str(tmp_path)]) == 1
    assert "seeds: 1 articles read, 1 errors" in capsys.readouterr().out
