"""Tests for geodata.publication_dates: where an article's publication date comes from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geodata.articles import read_article
from geodata.manifest import ManifestRow
from tests.conftest import BODY, read, write


def test_manifest_date_comes_first_and_a_disagreeing_dateline_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", f"Title\n09 April, 2019\n{BODY}")
    row = ManifestRow("a.txt", dt.date(2019, 4, 10), "Outlet", "https://example.org/a")
    article, problems = read_article(path, manifest_row=row)
    assert (article.published, article.date_source) == (dt.date(2019, 4, 10), "manifest")
    assert article.outlet == "Outlet"
    assert any("differs from dateline" in p.message for p in problems)


def test_caption_date_is_never_the_publication_date(tmp_path: Path) -> None:
    text = f"Title\n\nTroops are seen near a town, Syria January 23, 2018. REUTERS/Some Body\n\n{BODY}"
    article, problems = read_article(write(tmp_path, "a.txt", text))
    assert article.published is None
    assert article.date_source == "none"
    assert any("no publication date" in p.message and p.severity == "warning" for p in problems)


def test_inferred_date_is_marked_and_warned() -> None:
    article, problems = read("inferred_date.txt")
    assert (article.published, article.date_source) == (dt.date(2021, 3, 6), "inferred")
    assert any("date_source=inferred" in p.message for p in problems)


@pytest.mark.parametrize("name", ["no_date.txt", "comments_unnamed.txt"])
def test_article_without_a_date_is_kept_with_a_warning(name: str) -> None:
    article, problems = read(name)
    assert article is not None
    assert article.date_source == "none"
    assert [p.severity for p in problems] == ["warning"]


def test_a_url_giving_only_the_month_dates_the_page_at_its_end(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Title\n\n" + BODY + "\n")
    row = ManifestRow("a.txt", None, "Blog", "http://example.org/2018/01/a-congress-opens/")
    article, problems = read_article(path, manifest_row=row)
    assert (article.published, article.date_source) == (dt.date(2018, 1, 31), "url")
    assert any("only the month" in p.message for p in problems)


def test_a_year_alone_does_not_date_a_page(tmp_path: Path) -> None:
    # "annexed in 2014" is when a past event happened: the page may be years later.
    text = f"Title\n\n{BODY}\nThe peninsula, which Moscow annexed in 2014, was not on the agenda.\n"
    article, problems = read_article(write(tmp_path, "a.txt", text))
    assert (article.published, article.date_source) == (None, "none")
    assert any("no publication date" in p.message for p in problems)
    # A month with its year still dates a page whose text tells nothing later.
    text = f"Title\n\n{BODY}\nThe first patrol set off in October 2019, annexed in 2014.\n"
    article, _ = read_article(write(tmp_path, "b.txt", text))
    assert (article.published, article.date_source) == (dt.date(2019, 10, 31), "inferred")
