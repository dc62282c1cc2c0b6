"""Tests for geodata.article_parts: body, captions, clutter, author bios, comments, datelines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geodata.articles import read_article
from tests.conftest import BODY, read, write


def test_named_comment_thread_is_separated_from_the_body() -> None:
    article, _ = read("comments_named.txt")
    assert len(article.body) == 3
    assert article.body[-1].startswith("The monitors added")
    # The first comment lost its author's name; it still belongs to the thread.
    assert article.comments[0] == "Great article, thanks!"
    assert "Dana Fielding" in article.comments
    assert not any("Raqqa" in p or "Afrin" in p for p in article.body)


def test_unnamed_comment_thread_is_found_by_its_informal_style() -> None:
    article, _ = read("comments_unnamed.txt")
    assert len(article.body) == 2
    assert len(article.comments) == 4


def test_caption_and_dateline_are_not_body() -> None:
    article, _ = read("comments_named.txt")
    assert article.captions == ("A convoy is seen on a road in a file photo. (Photo: Agency Archive)",)
    assert article.dateline == "Published 14.03.2021 09:30"
    assert article.published == dt.date(2021, 3, 14)
    assert article.date_source == "dateline"


def test_clutter_and_author_bio_are_not_body() -> None:
    article, _ = read("bio_and_clutter.txt")
    assert [p[:11] for p in article.body] == ["Delegations", "The corridor"[:11]]
    for line in (
        "0 1,204",
        "3 min read",
        "- Advertisement -",
        "Subscribe to our newsletter",
        "Leave a Reply",
    ):
        assert line in article.clutter
    assert any(line.startswith("Lena Marsh is a freelance writer") for line in article.clutter)


def test_place_dateline_is_split_off_the_body(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.txt", "Title\n\nANKARA – Officials met on Friday to discuss the new corridor plan.\n"
    )
    article, _ = read_article(path)
    assert article.dateline_place == "Ankara"
    assert article.body[0].startswith("Officials met")


def test_agency_dateline_is_split_off_the_body(tmp_path: Path) -> None:
    text = "Title\nISTANBUL (Reuters) - A convoy entered the town on Thursday, the ministry said.\n"
    article, _ = read_article(write(tmp_path, "a.txt", text))
    assert article.dateline_place == "Istanbul"
    assert article.body[0].startswith("A convoy")


def test_related_links_are_clutter_not_commenters(tmp_path: Path) -> None:
    text = (
        "Title\nPublished: 12 June 2021\n"
        "A car bomb exploded in a market in the town on Saturday, killing at least 12 people.\n"
        "Fighters have controlled the town since an offensive in 2018 that drove out other forces.\n"
        "Related Articles\nFive killed in airstrikes on a village\nComments\nJohn Doe\n"
        "This is terrible, I hope they catch those responsible.\n"
    )
    article, _ = read_article(write(tmp_path, "a.txt", text))
    assert len(article.body) == 2
    assert "Related Articles" in article.clutter
    assert article.comments[-1].startswith("This is terrible")


def test_a_closing_fact_about_a_place_is_not_an_author_bio(tmp_path: Path) -> None:
    text = f"Title\n{BODY}{BODY.replace('Friday', 'Monday')}{BODY.replace('Friday', 'Sunday')}"
    text += "Idlib is the last stronghold of the armed opposition in the country.\n"
    article, _ = read_article(write(tmp_path, "a.txt", text))
    assert article.body[-1].startswith("Idlib is the last stronghold")


def test_sub_headings_do_not_start_a_comment_thread(tmp_path: Path) -> None:
    paragraph = (
        "Officials from both countries met in the capital on Friday to discuss the corridor, "
        "the second such meeting this month, and agreed to continue the technical talks.\n"
    )
    text = "Title\n" + paragraph + "Background\n" + paragraph * 3 + "Turkish Position\n"
    text += paragraph * 3 + "What Comes Next\n" + paragraph * 2
    article, _ = read_article(write(tmp_path, "a.txt", text))
    assert len(article.body) == 9
    assert article.comments == ()


def test_a_paragraph_closed_by_hashtags_is_body_without_them(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tags.txt",
        "Title\n\nConvoys of both armies finished a first joint patrol near a border town on Friday,"
        " officials said. A reporter tells the story. #ArmyNews #Border\n",
    )
    article, _ = read_article(path)
    assert article.body == (
        "Convoys of both armies finished a first joint patrol near a border town on Friday,"
        " officials said. A reporter tells the story.",
    )
