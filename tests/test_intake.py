"""Articles to add (``geodata/intake.py``): text files, pages saved from a browser, seed folders."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

from geodata import settings
from geodata.intake import ArticleMeta, read_bytes, read_file, read_folder

# A news page as a browser saves it: menus, share buttons, the article, reader comments, a footer.
PAGE = """<!DOCTYPE html>
<!-- saved from url=(0045)https://news.example/2019/03/joint-patrol -->
<html lang="en"><head>
<meta charset="utf-8">
<title>Joint patrol near Saraqib | Example News</title>
<link rel="canonical" href="https://news.example/2019/03/joint-patrol">
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Joint patrol near Saraqib">
<meta property="article:published_time" content="2019-03-09T08:00:00+00:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>Subscribe</li></ul></nav>
<div class="share">Share on Facebook Share on Twitter</div>
<article>
<h1>Joint patrol near Saraqib</h1>
<p>Turkish and Russian troops conducted a joint patrol near Saraqib on 8 March 2019, the Turkish
defence ministry said in a statement on Friday.</p>
<p>The patrol lasted several hours and passed without incident, the ministry said, adding that further
patrols along the M5 highway were planned for the coming weeks.</p>
<p>The Sochi memorandum of September 2018 set up a demilitarised zone around Idlib province, where
Turkey keeps twelve observation posts.</p>
</article>
<section id="comments"><h3>3 Comments</h3>
<div class="comment"><span>Sam Ortega</span><p>lol you people believe anything &lt;script&gt;</p></div>
</section>
<footer>© 2019 Example News. All rights reserved.</footer>
</body></html>
"""


def test_a_saved_page_gives_its_article_text_title_and_facts(tmp_path: Path) -> None:
    path = tmp_path / "joint-patrol.html"
    path.write_text(PAGE, encoding="utf-8")
    item, problems = read_file(path)
    assert item is not None
    assert not problems
    lines = item.text.splitlines()
    assert lines[0] == "Joint patrol near Saraqib"
    assert lines[1].startswith("Turkish and Russian troops conducted a joint patrol near Saraqib")
    assert "Sochi memorandum" in item.text
    for clutter in (
        "Subscribe",
        "Share on Facebook",
        "Sam Ortega",
        "believe anything",
        "All rights reserved",
    ):
        assert clutter not in item.text
    assert item.meta == ArticleMeta(
        "joint-patrol.html", dt.date(2019, 3, 9), "Example News", "https://news.example/2019/03/joint-patrol"
    )


def test_what_the_user_says_wins_over_the_page(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(PAGE, encoding="utf-8")
    item, _ = read_file(
        path, published=dt.date(2019, 3, 8), outlet="Wire", url="https://wire.example/1", title="Patrol"
    )
    assert item is not None
    assert item.meta == ArticleMeta("page.htm", dt.date(2019, 3, 8), "Wire", "https://wire.example/1")
    assert item.text.splitlines()[0] == "Patrol"


def test_a_page_without_an_article_and_other_files_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    assert read_file(empty)[0] is None
    assert [str(p) for p in read_file(empty)[1]] == ["empty.html: no article text found in this page"]
    sheet = tmp_path / "notes.docx"
    sheet.write_bytes(b"PK\x03\x04")
    assert [str(p) for p in read_file(sheet)[1]] == ["notes.docx: not an article file (.txt, .html, .htm)"]
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00")
    item, problems = read_file(binary)
    assert item is None
    assert "binary file" in str(problems[0])


def test_a_text_file_is_read_as_the_seeds_are(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "Title line\nA body paragraph that is long enough to be read as reporting.\n", encoding="utf-8"
    )
    item, problems = read_file(path, outlet="Wire")
    assert item is not None
    assert not problems
    assert item.text.startswith("Title line\n")
    assert item.meta == ArticleMeta("report.txt", None, "Wire", "")


def test_a_seed_folder_gives_each_article_with_its_manifest_row() -> None:
    found, problems = read_folder(settings.SEEDS_DIR)
    assert not [p for p in problems if p.severity == "error"]
    assert [item.meta.name for item, _ in found] == sorted(p.name for p in settings.SEEDS_DIR.glob("*.txt"))
    for item, article in found:
        assert item.text == (settings.SEEDS_DIR / item.meta.name).read_text(encoding="utf-8")
        assert item.meta.published == article.published  # the manifest gives every seed's date
        assert (item.meta.outlet, item.meta.url) == (article.outlet, article.url)


def test_uploaded_bytes_are_read_as_the_same_file_would_be(tmp_path: Path) -> None:
    for name, data in (
        ("joint-patrol.html", PAGE.encode()),
        ("report.txt", b"Title line\nA body paragraph long enough to be read as reporting.\n"),
        ("report.txt", codecs.BOM_UTF16_LE + "Title\nBody text of the article.\n".encode("utf-16-le")),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("notes.docx", b"PK\x03\x04"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert read_bytes(name, data, outlet="Wire") == read_file(path, outlet="Wire")


def test_a_binary_file_without_nul_bytes_is_named_not_read_as_latin_1() -> None:
    # A PDF's compressed streams decode as latin-1 (any byte does) but are no text.
    data = b"%PDF-1.7\n" + bytes(range(1, 256)) * 20
    assert b"\x00" not in data
    item, problems = read_bytes("scan.txt", data)
    assert item is None
    assert [str(p) for p in problems] == [
        "scan.txt: binary file (control characters throughout), not a text article"
    ]
    # Ordinary text with a stray control character or two is still text.
    item, _ = read_bytes("ok.txt", b"Title\nA body with a stray \x07 bell in it, and more words after it.\n")
    assert item is not None
