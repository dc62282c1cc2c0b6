"""Reading news articles saved as text: title, dateline, body, captions, clutter and comments.

An article file is text whose first line is the title; the rest is whatever was copied from the
page. :func:`read_article` decodes it (:mod:`geodata.article_text`), sorts every other line into
the parts an analyst would see (:mod:`geodata.article_parts`: dateline, captions, stand-first,
body, clutter, comments) and dates it (:mod:`geodata.publication_dates`: manifest, dateline, URL,
else inferred with a warning) into one :class:`Article`. Only body paragraphs are read for events;
nothing else may become an event or a place.

:func:`read_articles` reads a folder, with its ``manifest.csv`` (:mod:`geodata.manifest`) if
present, and returns every article it could read plus a :class:`~geodata._errors.Problem` for each
one it could not, so one bad file never hides the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geodata._errors import Problem
from geodata.article_parts import split_parts
from geodata.article_text import read_text
from geodata.manifest import MANIFEST_NAME, ManifestRow, read_manifest
from geodata.publication_dates import publication_date

__all__ = [
    "Article",
    "parse_article",
    "read_article",
    "read_articles",
    "validate_seeds",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Article:
    """A news article split into the parts a reader sees.

    Parameters
    ----------
    file
        File name (no folder), the article's identity in the output.
    title
        First line of the file.
    dateline
        The line that carried the publication date, if any ("Published 20.02.2019 00:07").
    dateline_place
        A place dateline opening the body ("ANKARA –"), if any.
    body
        Body paragraphs, in order, with a place dateline removed.
    standfirst
        Summary lines between the title and the body (no final full stop).
    captions, clutter, comments
        Photo captions, page furniture and author bios, and reader comments.
    published, date_source
        Publication date and where it came from: ``manifest``, ``dateline``, ``url`` (a date in
        the page's address), ``inferred`` (a date the text is "as of", or its latest date naming a
        month and year) or ``none``.
    outlet, url
        From the manifest (empty when unknown).
    warnings
        Everything doubtful about this article, in words (also reported as ``Problem`` warnings).
    """

    file: str
    title: str
    dateline: str | None
    dateline_place: str | None
    body: tuple[str, ...]
    standfirst: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    clutter: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    published: dt.date | None = None
    date_source: str = "none"
    outlet: str = ""
    url: str = ""
    warnings: tuple[str, ...] = ()


# --- reading one file -------------------------------------------------------------------------


def read_article(
    path: Path, *, manifest_row: ManifestRow | None = None
) -> tuple[Article | None, list[Problem]]:
    """Read and split one article file.

    Returns
    -------
    article, problems
        ``article`` is ``None`` when the file cannot be read as text (empty, binary); ``problems``
        names the file and says what was wrong or doubtful (severity ``error`` or ``warning``).
    """
    text, problems = read_text(path)
    if text is None:
        return None, problems
    return parse_article(text, path.name, manifest_row=manifest_row, problems=problems)


def parse_article(
    text: str,
    name: str,
    *,
    manifest_row: ManifestRow | None = None,
    problems: Sequence[Problem] = (),
) -> tuple[Article | None, list[Problem]]:
    """Split an article's text (first line the title) as :func:`read_article` splits a file.

    ``name`` is the article's identity in the output (a file name); ``problems`` are those met
    before, in reading the text, and come first in the result.
    """
    problems = list(problems)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        problems.append(Problem(name, "no body: an article needs a title line and a body"))
        return None, problems
    parts = split_parts(lines[0], lines[1:])
    warnings = [p.message for p in problems]
    if not parts.body:
        warnings.append("no body paragraph found (every line looked like clutter or comments)")
    published, source, dateline, date_warning = publication_date(parts, manifest_row, lines[0])
    if date_warning:
        warnings.append(date_warning)
    article = Article(
        file=name,
        title=lines[0],
        dateline=dateline,
        dateline_place=parts.dateline_place,
        body=tuple(parts.body),
        standfirst=tuple(parts.standfirst),
        captions=tuple(parts.captions),
        clutter=tuple(parts.clutter),
        comments=tuple(parts.comments),
        published=published,
        date_source=source,
        outlet=manifest_row.outlet if manifest_row else "",
        url=manifest_row.url if manifest_row else "",
        warnings=tuple(warnings),
    )
    extra = [Problem(name, w, severity="warning") for w in warnings[len(problems) :]]
    return article, problems + extra


# --- a folder ---------------------------------------------------------------------------------


def read_articles(folder: Path) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Read every ``*.txt`` article in ``folder`` (by name), with ``manifest.csv`` if present.

    Returns
    -------
    articles, problems
        Every readable article, and every problem (errors for unreadable files, warnings for
        doubtful ones, manifest rows without a file).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return (), (Problem(str(folder), "no such folder"),)
    problems: list[Problem] = []
    manifest: dict[str, ManifestRow] = {}
    manifest_path = folder / MANIFEST_NAME
    refused = _refused(manifest_path, folder) if manifest_path.exists() else None
    if refused is not None:
        problems.append(refused)
    elif manifest_path.exists():
        manifest, manifest_problems = read_manifest(manifest_path)
        problems.extend(manifest_problems)
    files = []
    for path in sorted(folder.glob("*.txt")):
        refused = _refused(path, folder)
        if refused is None:
            files.append(path)
        else:
            problems.append(refused)
    if not files:
        problems.append(Problem(str(folder), "no .txt articles in this folder", severity="warning"))
    names = {path.name for path in files}
    for missing in sorted(set(manifest) - names):
        problems.append(Problem(MANIFEST_NAME, f"lists {missing}, which is not in {folder}"))
    articles: list[Article] = []
    for path in files:
        article, article_problems = read_article(path, manifest_row=manifest.get(path.name))
        problems.extend(article_problems)
        if article is not None:
            articles.append(article)
    for problem in problems:
        logger.debug("%s: %s", problem.severity, problem)  # callers report problems themselves
    return tuple(articles), tuple(problems)


def _refused(path: Path, folder: Path) -> Problem | None:
    """Why ``path`` in ``folder`` is not read, if it is not: a link that leads out of the folder (an
    article folder must not become a way to read ``/etc/passwd``), or not a regular file (a named
    pipe would block the run forever)."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(folder.resolve()):
            return Problem(
                path.name,
                f"is a link to {target}, outside {folder}; links that leave the folder are not read",
            )
    if not path.is_file():
        return Problem(path.name, "is not a regular file (a folder, pipe or device); not read")
    return None


def validate_seeds(folder: Path) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Check a seeds folder: manifest present and matching the files, ISO dates, readable articles.

    Returns the articles read and every problem: errors for unreadable files, a missing manifest
    or manifest rows without a file; warnings for files the manifest does not list.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    manifest_path = folder / MANIFEST_NAME
    listed: set[str] = set()
    if manifest_path.exists():
        listed = set(read_manifest(manifest_path)[0])
    else:
        problems.append(Problem(MANIFEST_NAME, f"no manifest in {folder}"))
    articles, read_problems = read_articles(folder)
    problems.extend(read_problems)
    for path in sorted(folder.glob("*.txt")):
        if manifest_path.exists() and path.name not in listed:
            problems.append(Problem(path.name, "not listed in manifest.csv", severity="warning"))
    return articles, tuple(problems)
