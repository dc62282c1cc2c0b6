"""Articles to add to the store: text files, web pages saved from a browser, and seed-style folders.

An article to add is its text (first line the title, then the body, as in ``seeds/``) and what is
known about it besides (:class:`ArticleMeta`: a name, and the publication date, outlet and URL when
known). :func:`read_file` reads a ``.txt`` file as the pipeline reads seeds, or a ``.html``/``.htm``
page saved from a browser, whose main text, title, date, site name and address trafilatura takes
out (page furniture, menus and reader comments left behind); what the user gives on the command
line wins over what the page says; :func:`read_bytes` does the same for a file's bytes (an upload in
the app). :func:`read_folder` reads a folder laid out like ``seeds/`` (text
files and ``manifest.csv``). Problems are collected, never raised, so one bad file never hides the
others.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geodata import article_text, articles, manifest
from geodata._collector import paused
from geodata._errors import Problem

if TYPE_CHECKING:
    from trafilatura.settings import Document

__all__ = [
    "HTML_SUFFIXES",
    "TEXT_SUFFIXES",
    "ArticleInput",
    "ArticleMeta",
    "read_bytes",
    "read_file",
    "read_folder",
]

log = logging.getLogger(__name__)

TEXT_SUFFIXES: tuple[str, ...] = (".txt",)
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm")


@dataclass(frozen=True)
class ArticleMeta:
    """What is known about an article besides its text.

    Parameters
    ----------
    name
        The article's name in the output (``article``, ``also_reported_in``): its file name, or any
        short name for pasted text. The store makes it unique.
    published
        Publication date, when known; otherwise the pipeline reads a dateline or infers one.
    outlet, url
        Where it was published (empty when unknown).
    """

    name: str
    published: dt.date | None = None
    outlet: str = ""
    url: str = ""

    def manifest_row(self) -> manifest.ManifestRow:
        """The same facts as a ``manifest.csv`` row, which is how the pipeline takes them."""
        return manifest.ManifestRow(self.name, self.published, self.outlet, self.url)


@dataclass(frozen=True)
class ArticleInput:
    """An article ready to add: its text (first line the title) and what is known about it."""

    text: str
    meta: ArticleMeta


def read_file(
    path: Path,
    *,
    published: dt.date | None = None,
    outlet: str = "",
    url: str = "",
    title: str = "",
) -> tuple[ArticleInput | None, list[Problem]]:
    """Read one ``.txt`` article or saved ``.html`` page; the keywords override what the file says.

    Returns
    -------
    article, problems
        ``article`` is ``None`` when nothing could be read (problems then say why).
    """
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, [Problem(path.name, f"cannot read: {exc.strerror or exc}")]
        return _read_page(path.name, data, published=published, outlet=outlet, url=url, title=title)
    if suffix not in TEXT_SUFFIXES:
        return None, [Problem(path.name, _NOT_AN_ARTICLE)]
    text, problems = article_text.read_text(path)
    return _text_input(path.name, text, problems, published=published, outlet=outlet, url=url, title=title)


def read_bytes(
    name: str,
    data: bytes,
    *,
    published: dt.date | None = None,
    outlet: str = "",
    url: str = "",
    title: str = "",
) -> tuple[ArticleInput | None, list[Problem]]:
    """Read an article that came as bytes (a file uploaded in the app) as :func:`read_file` reads a
    file called ``name``: ``.txt`` text, or a ``.html``/``.htm`` page's main text and facts."""
    suffix = Path(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return _read_page(name, data, published=published, outlet=outlet, url=url, title=title)
    if suffix not in TEXT_SUFFIXES:
        return None, [Problem(name, _NOT_AN_ARTICLE)]
    text, problems = article_text.decode_text(name, data)
    return _text_input(name, text, problems, published=published, outlet=outlet, url=url, title=title)


_NOT_AN_ARTICLE = f"not an article file ({', '.join(TEXT_SUFFIXES + HTML_SUFFIXES)})"
#: Share of control characters (other than tabs, line ends and form feeds) above which decoded
#: "text" is taken for a binary file: the decoder falls back to latin-1, which accepts any bytes.
_MAX_CONTROL_SHARE = 0.01


def _text_input(
    name: str,
    text: str | None,
    problems: list[Problem],
    *,
    published: dt.date | None,
    outlet: str,
    url: str,
    title: str,
) -> tuple[ArticleInput | None, list[Problem]]:
    if text is None:
        return None, problems
    sample = text[:8192]
    controls = sum(1 for c in sample if (c < " " and c not in "\t\n\r\f") or "\x7f" <= c <= "\x9f")
    if controls > max(_MAX_CONTROL_SHARE * len(sample), 8):  # a stray control character or two is text
        return None, [Problem(name, "binary file (control characters throughout), not a text article")]
    if title:
        text = f"{title}\n{text}"
    meta = ArticleMeta(name, published, outlet, url)
    return ArticleInput(text, meta), problems


def _read_page(
    name: str, data: bytes, *, published: dt.date | None, outlet: str, url: str, title: str
) -> tuple[ArticleInput | None, list[Problem]]:
    import trafilatura  # a quarter of a second to import: loaded when a web page is first read
    from trafilatura.settings import Document

    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=False, include_images=False
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        return None, [Problem(name, "no article text found in this page")]
    body = (document.text or "").strip()
    page_title = title or (document.title or "").strip()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if page_title and lines and lines[0] == page_title:
        lines = lines[1:]  # the page's own heading, taken out with the text
    if not page_title:
        page_title, lines = lines[0], lines[1:]
    if not lines:
        return None, [Problem(name, "no article text found in this page")]
    problems: list[Problem] = []
    meta = ArticleMeta(
        name,
        published or _page_date(document, name, problems),
        outlet or (document.sitename or "").strip(),
        url or (document.url or "").strip(),
    )
    return ArticleInput("\n".join([page_title, *lines]) + "\n", meta), problems


def _page_date(document: Document, name: str, problems: list[Problem]) -> dt.date | None:
    value = (document.date or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        problems.append(
            Problem(name, f"the page's date {value!r} is not a date; ignored", severity="warning")
        )
        return None


def read_folder(folder: Path) -> tuple[list[tuple[ArticleInput, articles.Article]], list[Problem]]:
    """Every article of a seeds-style folder (``*.txt`` and ``manifest.csv``), in file-name order.

    Each comes with the :class:`~geodata.articles.Article` the pipeline reads from it, so adding a
    folder reads each file once for the text and once for the pipeline, as ``events`` does.
    """
    with paused():
        return _read_folder(folder)


def _read_folder(folder: Path) -> tuple[list[tuple[ArticleInput, articles.Article]], list[Problem]]:
    read, problems = articles.read_articles(folder)
    found: list[tuple[ArticleInput, articles.Article]] = []
    out = list(problems)
    for article in read:
        text, text_problems = article_text.read_text(Path(folder) / article.file)
        if text is None:  # changed or removed since read_articles read it
            out.extend(text_problems)
            continue
        given = article.published if article.date_source == "manifest" else None
        meta = ArticleMeta(article.file, given, article.outlet, article.url)
        found.append((ArticleInput(text, meta), article))
    return found, out
