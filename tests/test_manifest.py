"""Tests for geodata.manifest: reading manifest.csv, one problem per bad row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geodata.manifest import read_manifest
from tests.conftest import write


def test_manifest_problems_are_reported_per_line(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", "file,published,outlet,url\na.txt,20/02/2019,X,u\na.txt,,X,u\n")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert set(rows) == {"a.txt"}
    assert [p.feature for p in problems] == ["line 2", "line 3"]


def test_manifest_with_a_wrong_header_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", "name,date\na.txt,2019-01-01\n")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert rows == {}
    assert "header" in problems[0].message


def test_a_duplicate_manifest_row_keeps_the_first(tmp_path: Path) -> None:
    write(
        tmp_path,
        "manifest.csv",
        "file,published,outlet,url\na.txt,2019-02-20,First,u\na.txt,2019-03-01,Second,v\n",
    )
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert rows["a.txt"].outlet == "First"
    assert [str(p) for p in problems] == [
        "manifest.csv: line 3: a.txt is listed twice; the first row (line 2) is kept"
    ]


def test_a_row_with_an_extra_value_is_reported_alone(tmp_path: Path) -> None:
    write(
        tmp_path,
        "manifest.csv",
        "file,published,outlet,url\na.txt,2019-02-20,Reuters, London,https://x.example/a\nb.txt,2019-02-21,AP,u\n",
    )
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert set(rows) == {"b.txt"}
    assert [str(p) for p in problems] == [
        "manifest.csv: line 2: has 5 values where the header has 4 (a comma inside a value needs quotes); "
        "row ignored"
    ]


def test_an_extra_column_in_the_header_is_only_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", "file,published,outlet,url,notes\na.txt,2019-02-20,X,u,checked\n")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert rows["a.txt"].published == dt.date(2019, 2, 20)
    assert [(p.severity, p.message) for p in problems] == [("warning", "column(s) notes are not read")]


def test_a_short_manifest_row_is_kept_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "manifest.csv", "file,published,outlet,url\na.txt,2019-02-20\n")
    rows, problems = read_manifest(tmp_path / "manifest.csv")
    assert (rows["a.txt"].published, rows["a.txt"].outlet) == (dt.date(2019, 2, 20), "")
    assert [p.severity for p in problems] == ["warning"]
