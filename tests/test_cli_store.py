"""The command line on the event store: add, reextract, import, export, store info|dump|load|upgrade.

Kept apart from ``test_cli.py`` (exports and imports of files) so the two grow without colliding.
Each test that writes uses its own store (``--store``), on both backends.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from geodata import settings
from geodata.__main__ import main
from geodata.store import open_store
from tests.conftest import ACLED_CSV, ZONES_DIR
from tests.test_intake import PAGE
from tests.test_store import PATROL_A

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(new_store_url: Callable[[], str]) -> str:
    return new_store_url()


def test_add_files_and_pages_and_say_what_became_of_each(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(PATROL_A, encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    code = main(
        ["add", str(tmp_path / "a.txt"), "--published", "2019-03-09", "--outlet", "Wire", "--store", store]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "added a.txt: 1 events (1 new, 0 merged into stored events)" in out
    assert "1 added, 0 already stored" in out
    assert (
        main(["add", str(tmp_path / "page.html"), str(tmp_path / "a.txt"), "--store", store, "--by", "ben"])
        == 0
    )
    out = capsys.readouterr().out
    # The page reports the same patrol (and more): at least one of its events merges into a stored one.
    assert re.search(r"added page\.html: \d+ events \(\d+ new, [1-9]\d* merged into stored events\)", out)
    assert "skipped a.txt: already stored as article 6, a.txt ('Joint patrol near Saraqib')" in out
    with open_store(store) as opened:
        listed = opened.articles().set_index("name")
        assert listed.loc["a.txt", "outlet"] == "Wire"
        assert listed.loc["page.html", "url"] == "https://news.example/2019/03/joint-patrol"
        assert listed.loc["page.html", "added_by"] == "ben"


def test_add_a_folder_again_stores_nothing_twice(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(settings.SEEDS_DIR), "--store", store]) == 0  # a new store has the seeds already
    out = capsys.readouterr().out
    assert "0 added, 5 already stored" in out
    assert "skipped 000_083de1e4d2a5b4e1.txt: already stored as article 1, 000_083de1e4d2a5b4e1.txt" in out


def test_add_usage_errors(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(settings.SEEDS_DIR), "--outlet", "Wire", "--store", store]) == 2
    assert "a folder's manifest.csv gives them" in capsys.readouterr().err
    assert main(["add", str(tmp_path / "missing.txt"), "--store", store]) == 1
    assert "missing.txt: no such file" in capsys.readouterr().err


def test_reextract_reports_per_article(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reextract", "--store", store]) == 0
    out = capsys.readouterr().out
    assert "reextract: 5 articles, 0 events added, 0 changed, 0 removed, 0 reviewed events kept" in out


def test_import_writes_into_the_store_and_export_reads_from_it(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "acled.geojson"
    assert main(["import", str(ACLED_CSV), "--store", store, "--out", str(out)]) == 1  # three rows skipped
    printed = capsys.readouterr()
    assert "acled_small.csv: 8 rows read, 5 loaded, 3 skipped; stored in" in printed.out
    assert "(0 replacing stored ones)" in printed.out
    assert "skipped row 7: event_date '32 March 2019' cannot be read" in printed.err
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 5

    exports = tmp_path / "exports"
    exports.mkdir()
    argv = ["export", "--zones", str(ZONES_DIR), "--layers", "events,imported", "--out", str(exports)]
    assert main([*argv, "--store", store]) == 0
    [written] = exports.glob("*.geojson")
    from_store = json.loads(written.read_text(encoding="utf-8"))["features"]
    meta = json.loads(written.with_name(written.name + ".meta.json").read_text(encoding="utf-8"))
    assert meta["dataset_version"].startswith("store:")
    layers = [f["properties"]["layer"] for f in from_store]
    assert layers.count("imported") == 5
    folder = tmp_path / "from_files.geojson"
    assert (
        main(
            [
                *argv[:-2],
                "--out",
                str(folder),
                "--seeds",
                str(settings.SEEDS_DIR),
                "--imported",
                str(ACLED_CSV),
            ]
        )
        == 1
    )
    assert json.loads(folder.read_text(encoding="utf-8"))["features"] == from_store


def test_dump_and_load_through_the_command_line(
    new_store_url: Callable[[], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target, dump = new_store_url(), new_store_url(), tmp_path / "backup.gpkg"
    with open_store(source) as opened:
        count = len(opened.frames()["events"])
    assert main(["store", "dump", str(dump), "--store", source]) == 0
    assert f"5 articles, {count} events" in capsys.readouterr().out
    assert main(["store", "load", str(dump), "--store", target]) == 0
    assert f"5 articles, {count} events" in capsys.readouterr().out
    assert main(["store", "load", str(dump), "--store", target]) == 2
    assert (
        "is not empty; load into a new store, or replace what it holds with --replace"
        in capsys.readouterr().err
    )
    assert main(["store", "info", "--store", target]) == 0
    assert (
        f"articles: 5 (0 with an extraction error); events: {count}; imported events: 0"
        in capsys.readouterr().out
    )


def test_a_store_that_cannot_be_used_is_an_error_without_a_traceback(tmp_path: Path) -> None:
    unreachable = f"postgresql://atlas@/atlas?host={tmp_path}&port=5999"
    not_ours = tmp_path / "notes.gpkg"
    not_ours.write_text("notes\n", encoding="utf-8")
    for where, message in (
        (unreachable, "error: cannot reach the PostGIS store postgresql+psycopg://atlas@/atlas"),
        (str(not_ours), f"error: {not_ours} is not a De-escalation Atlas store"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "geodata", "store", "info", "--store", where],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2
        assert message in done.stderr
        assert "Traceback" not in done.stderr
