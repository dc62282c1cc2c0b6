"""Data-lint of ``seeds/``: the manifest matches the files, dates are ISO, every article reads."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from geodata.articles import read_articles, validate_seeds
from geodata.manifest import MANIFEST_COLUMNS

SEEDS = Path(__file__).parent.parent / "seeds"


def manifest_rows() -> list[dict[str, str]]:
    with (SEEDS / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == MANIFEST_COLUMNS
        return list(reader)


def test_manifest_lists_exactly_the_article_files() -> None:
    files = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert [row["file"] for row in manifest_rows()] == files


def test_manifest_dates_are_iso_and_urls_are_https() -> None:
    for row in manifest_rows():
        if row["published"]:
            assert dt.date.fromisoformat(row["published"]).isoformat() == row["published"]
        assert row["url"].startswith("https://")
        assert row["outlet"].strip()


def test_every_seed_reads_without_problems() -> None:
    articles, problems = validate_seeds(SEEDS)
    assert problems == ()
    assert len(articles) == len(manifest_rows())
    assert all(a.date_source == "manifest" and a.body for a in articles)


def test_seed_files_are_utf8_with_a_title_line() -> None:
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0].strip(), path.name


def test_readme_names_every_seed() -> None:
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    articles, _ = read_articles(SEEDS)
    for article in articles:
        assert article.file in readme
        assert article.url in readme
