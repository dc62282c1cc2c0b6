"""Tests for geodata.article_text: decoding article files and bytes, bad and odd input."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.article_text import decode_text, read_text
from geodata.articles import read_article
from tests.conftest import BODY, write


def test_empty_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    article, problems = read_article(write(tmp_path, "empty.txt", "  \n"))
    assert article is None
    assert problems[0].file == "empty.txt"
    assert "empty" in problems[0].message


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    article, problems = read_article(path)
    assert article is None
    assert "binary" in problems[0].message


def test_cp1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes(
        "Title\n“Patrols resumed on Friday near the town,” an official said to reporters.\n".encode("cp1252")
    )
    article, problems = read_article(path)
    assert article is not None
    assert article.body[0].startswith("“Patrols")
    assert problems[0].severity == "warning"
    assert "cp1252" in problems[0].message


def test_huge_file_is_read_in_part_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Title\n" + BODY * 110_000, encoding="utf-8")  # about 10 MB
    article, problems = read_article(path)
    assert article is not None
    assert article.body
    assert any("too large" in p.message and p.severity == "warning" for p in problems)


@given(data=st.binary(max_size=2000))
@settings(max_examples=60)
def test_any_bytes_give_an_article_or_a_problem_naming_the_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(data)
        article, problems = read_article(path)
    assert article is not None or any(p.severity == "error" for p in problems)
    assert all(p.file == "x.txt" for p in problems)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "unicode.txt"
    text = f"Idlib title\n{BODY}"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path.write_bytes(data)
    article, problems = read_article(path)
    assert article is not None, problems
    assert article.title == "Idlib title"
    assert article.body[0] == BODY.strip()
    assert all("publication date" in p.message for p in problems)  # only the usual missing date


def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nobom.txt"
    path.write_bytes(f"Title\n{BODY}".encode("utf-16-le"))
    article, problems = read_article(path)
    assert article is None
    assert (
        problems[0].message
        == "looks like UTF-16 (little-endian) text without a byte order mark; save it as UTF-8"
    )


@given(data=st.binary(max_size=3000))
@settings(max_examples=150, deadline=None)
def test_bytes_decode_as_the_same_file_would(data: bytes) -> None:
    """An upload's bytes and a file of the same bytes give the same text and problems."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.txt"
        path.write_bytes(data)
        assert decode_text("upload.txt", data) == read_text(path)
