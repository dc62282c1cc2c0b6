"""Tests for geodata.article_context: what neighbouring sentences tell an event."""

from __future__ import annotations

import datetime as dt

from _fake_places import fake_find_places

from geodata.article_context import ArticleContext
from geodata.articles import Article


def context(*body: str) -> ArticleContext:
    article = Article("t.txt", "T", None, None, body, published=dt.date(2021, 3, 14), date_source="manifest")
    return ArticleContext(article, fake_find_places)


def test_the_venue_of_talks_in_the_next_sentence_or_paragraph() -> None:
    found = context("They agreed on a zone.", "Speaking after talks in Sochi, he left.")
    assert found.neighbour_venue(0, 0).text == "Sochi"
    assert (
        context("They agreed on a zone. Speaking after talks in Sochi, he left.").neighbour_venue(0, 0).text
        == "Sochi"
    )


def test_no_venue_from_a_sentence_without_talks() -> None:
    assert context("They agreed on a zone.", "Snow fell in Sochi.").neighbour_venue(0, 0) is None


def test_a_country_is_narrowed_to_the_town_the_article_names_most() -> None:
    found = context("Talks were held in Russia.", "Moscow and Sochi hosted them; Sochi was calm.")
    assert found.town_in("RU").text == "Sochi"
    assert found.town_in("KZ") is None


def test_the_town_refers_back_and_the_main_place() -> None:
    found = context("Shelling hit Saraqib and Idlib.", "The town was calm; Saraqib again.")
    assert found.referent(1, 0).text == "Saraqib"
    assert found.main_place().text == "Saraqib"


def test_the_reference_time_is_the_last_date_told_before() -> None:
    found = context(
        "Shells hit Saraqib on March 3, officials said on March 5.",
        "Nothing moved for a while.",
        "Two days later, warplanes struck Afrin. The following day the army moved in.",
    )
    # The report's date is when it was told, not when the narrative has reached.
    assert found.reference_time(2, 0).start == dt.date(2021, 3, 3)
    assert [d.interval.start for d in found.dates(2, 0)] == [dt.date(2021, 3, 5)]
    # Each step counts from the one before.
    assert [d.interval.start for d in found.dates(2, 1)] == [dt.date(2021, 3, 6)]
    assert found.reference_time(0, 0) is None


def test_a_yearless_date_on_a_page_dated_by_its_text_is_read_nearest_that_date() -> None:
    # The page tells nothing later than October 2019: it was published then or after, so
    # "November 1" is the one right after, not the one a year before.
    article = Article(
        "t.txt", "T", None, None, ("On November 1 troops patrolled Manbij.",),
        published=dt.date(2019, 10, 31), date_source="inferred",
    )  # fmt: skip
    (found,) = ArticleContext(article, fake_find_places).dates(0, 0)
    assert found.interval.start == dt.date(2019, 11, 1)
    known = Article(
        "t.txt", "T", None, None, ("On November 1 troops patrolled Manbij.",),
        published=dt.date(2019, 10, 31), date_source="manifest",
    )  # fmt: skip
    (found,) = ArticleContext(known, fake_find_places).dates(0, 0)
    assert found.interval.start == dt.date(2018, 11, 1)


def test_a_page_with_no_date_still_dates_what_names_its_year() -> None:
    article = Article(
        "t.txt", "T", None, None,
        ("Turkish soldiers set up the post in March 2018, and on Tuesday they left it since 2019.",),
        published=None, date_source="none",
    )  # fmt: skip
    found = ArticleContext(article, fake_find_places).dates(0, 0)
    # "in March 2018" needs no page date; "on Tuesday" does, and "since 2019" runs to the page's day.
    assert [(d.text, d.interval.start, d.interval.precision) for d in found] == [
        ("March 2018", dt.date(2018, 3, 1), "month")
    ]
