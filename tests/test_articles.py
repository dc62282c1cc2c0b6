"""Tests for geodata.articles: reading files, splitting the page, publication dates, bad input."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.articles import ManifestRow, read_article, read_articles, read_manifest

ARTICLES = Path(__file__).parent / "data" / "articles"
BODY = "Joint patrols resumed near the town on Friday after a pause of several weeks, officials said.\n"


def read(name: str) -> tuple:
    return read_article(ARTICLES / name)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


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


def test_one_bad_file_never_hides_the_others(tmp_path: Path) -> None:
    write(tmp_path, "a_good.txt", f"Title\n{BODY}")
    write(tmp_path, "b_empty.txt", "")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02")
    write(tmp_path, "d_good.txt", f"Other title\n{BODY}")
    articles, problems = read_articles(tmp_path)
    assert [a.file for a in articles] == ["a_good.txt", "d_good.txt"]
    errors = {p.file for p in problems if p.severity == "error"}
    assert errors == {"b_empty.txt", "c_binary.txt"}


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


def test_manifest_row_without_a_file_is_reported(tmp_path: Path) -> None:
    shutil.copy(ARTICLES / "no_date.txt", tmp_path)
    write(tmp_path, "manifest.csv", "file,published,outlet,url\nmissing.txt,2019-01-01,X,u\n")
    articles, problems = read_articles(tmp_path)
    assert len(articles) == 1
    assert any("missing.txt" in p.message for p in problems)


@pytest.mark.parametrize("name", ["no_date.txt", "comments_unnamed.txt"])
def test_article_without_a_date_is_kept_with_a_warning(name: str) -> None:
    article, problems = read(name)
    assert article is not None
    assert article.date_source == "none"
    assert [p.severity for p in problems] == ["warning"]


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


@given(data=st.binary(max_size=2000))
@settings(max_examples=60)
def test_any_bytes_give_an_article_or_a_problem_naming_the_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(data)
        article, problems = read_article(path)
    assert article is not None or any(p.severity == "error" for p in problems)
    assert all(p.file == "x.txt" for p in problems)


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


def test_missing_or_empty_folder_is_reported(tmp_path: Path) -> None:
    articles, problems = read_articles(tmp_path / "nowhere")
    assert articles == ()
    assert "no such folder" in problems[0].message
    articles, problems = read_articles(tmp_path)
    assert "no .txt articles" in problems[0].message


# --- links, odd files, wide encodings and manifest rows ---------------------------------------------


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
