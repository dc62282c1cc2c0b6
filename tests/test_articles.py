"""Tests for geodata.articles: reading a folder of articles, refused files, bad input."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from geodata.articles import read_articles
from tests.conftest import ARTICLES, BODY, write


def test_one_bad_file_never_hides_the_others(tmp_path: Path) -> None:
    write(tmp_path, "a_good.txt", f"Title\n{BODY}")
    write(tmp_path, "b_empty.txt", "")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02")
    write(tmp_path, "d_good.txt", f"Other title\n{BODY}")
    articles, problems = read_articles(tmp_path)
    assert [a.file for a in articles] == ["a_good.txt", "d_good.txt"]
    errors = {p.file for p in problems if p.severity == "error"}
    assert errors == {"b_empty.txt", "c_binary.txt"}


def test_manifest_row_without_a_file_is_reported(tmp_path: Path) -> None:
    shutil.copy(ARTICLES / "no_date.txt", tmp_path)
    write(tmp_path, "manifest.csv", "file,published,outlet,url\nmissing.txt,2019-01-01,X,u\n")
    articles, problems = read_articles(tmp_path)
    assert len(articles) == 1
    assert any("missing.txt" in p.message for p in problems)


def test_missing_or_empty_folder_is_reported(tmp_path: Path) -> None:
    articles, problems = read_articles(tmp_path / "nowhere")
    assert articles == ()
    assert "no such folder" in problems[0].message
    articles, problems = read_articles(tmp_path)
    assert "no .txt articles" in problems[0].message


def test_a_link_out_of_the_folder_is_refused_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(f"Not an article\n{BODY}", encoding="utf-8")
    write(folder, "a_good.txt", f"Title\n{BODY}")
    (folder / "b_link.txt").symlink_to(secret)
    (folder / "c_inside.txt").symlink_to(folder / "a_good.txt")  # a link within the folder is fine
    articles, problems = read_articles(folder)
    assert [a.file for a in articles] == ["a_good.txt", "c_inside.txt"]
    [refused] = [p for p in problems if p.severity == "error"]
    assert refused.file == "b_link.txt"
    assert (
        refused.message
        == f"is a link to {secret}, outside {folder}; links that leave the folder are not read"
    )


def test_a_linked_manifest_from_outside_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    outside = write(tmp_path, "elsewhere.csv", "file,published,outlet,url\n")
    (folder / "manifest.csv").symlink_to(outside)
    _, problems = read_articles(folder)
    assert any(p.file == "manifest.csv" and "outside" in p.message for p in problems)


def test_a_named_pipe_is_refused_without_waiting_on_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path, "good.txt", f"Title\n{BODY}")
    articles, problems = read_articles(tmp_path)  # would block forever if the pipe were opened
    assert [a.file for a in articles] == ["good.txt"]
    assert any(p.file == "pipe.txt" and "not a regular file" in p.message for p in problems)
