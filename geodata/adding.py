"""The "Add an article" panel's data: what the analyst typed or uploaded, what to say about it, the
preview's table, and where the map goes after saving.

The panel (in ``app.py``) only draws widgets. An article is pasted text or an uploaded ``.txt`` /
``.html`` file (read by :func:`geodata.intake.read_bytes`: the page's main text through trafilatura)
with the title, outlet, URL and publication date the analyst gives (:class:`Draft`,
:func:`article_input`). *Preview* runs the pipeline through :meth:`geodata.store.Store.preview`
(nothing saved); :func:`preview_notes` and :func:`preview_table` say what it found, and
:func:`saveable` whether *Save* may store exactly what was previewed (a stored duplicate, an
unreadable text or a text changed since the preview may not be saved). After saving,
:func:`saved_note` says what was stored and :func:`view_after_saving` moves the map to the article's
events when the current view would not show any.

Every message is Markdown in which the text that came from the analyst or the article (titles, file
names, errors) is one inline code span (:func:`geodata.panels.markdown_text`), so it is shown as
the characters it is, never as a link, an image or formatting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import pandas as pd

from geodata._errors import Problem
from geodata.article_text import MAX_ARTICLE_BYTES
from geodata.intake import ArticleInput, ArticleMeta, read_bytes
from geodata.layers import events_in_window, events_on_map
from geodata.panels import events_table, markdown_text
from geodata.store_add import AddResult, Preview
from geodata.temporal import parse_day
from geodata.view import MapView

__all__ = [
    "MAX_TEXT_CHARS",
    "MAX_UPLOAD_MB",
    "PREVIEW_COLUMNS",
    "UPLOAD_TYPES",
    "Draft",
    "Note",
    "article_input",
    "panel_notes",
    "preview_notes",
    "preview_table",
    "saveable",
    "saved_note",
    "view_after_saving",
]

#: Largest file the panel takes, in MB (a page saved from a browser, with its scripts and styles,
#: is rarely over 2 MB; the article text in it is read up to ``MAX_ARTICLE_BYTES``).
MAX_UPLOAD_MB: int = 5
#: Longest text the panel takes, in characters (its bytes are checked against ``MAX_ARTICLE_BYTES``).
MAX_TEXT_CHARS: int = MAX_ARTICLE_BYTES
#: File types the panel takes (as the file picker lists them).
UPLOAD_TYPES: tuple[str, ...] = ("txt", "html", "htm")
#: Columns of the preview table (headings of :func:`geodata.panels.events_table`).
PREVIEW_COLUMNS: tuple[str, ...] = ("From", "To", "What", "Status", "Where", "Located to", "Sentence")


@dataclass(frozen=True)
class Draft:
    """What the analyst gave: pasted ``text`` or an ``upload`` (file name and bytes), and the facts.

    An empty ``title`` leaves the title to the text (its first line) or the page; an empty
    ``published`` leaves the date to the text (a dateline) or the page.
    """

    text: str = ""
    upload: tuple[str, bytes] | None = None
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: dt.date | None = None


@dataclass(frozen=True)
class Note:
    """One message for the panel: its level (Streamlit's ``st.info``, ``st.success``...) and Markdown."""

    level: Literal["info", "success", "warning", "error"]
    markdown: str


def article_input(draft: Draft) -> tuple[ArticleInput | None, tuple[Note, ...]]:
    """The article to preview and save, or ``None`` with the notes saying what is missing or wrong."""
    url = draft.url.strip()
    if url and not url.startswith(("https://", "http://")):
        return None, (
            Note("error", f"The URL {markdown_text(url)} is not a web address (http:// or https://)."),
        )
    title, outlet = draft.title.strip(), draft.outlet.strip()
    if draft.upload is not None:
        name, data = draft.upload
        if len(data) > MAX_UPLOAD_MB * 1_000_000:
            size = f"{len(data) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_MB} MB"
            return None, (Note("error", f"{markdown_text(name)} is {size}."),)
        item, problems = read_bytes(
            name, data, published=draft.published, outlet=outlet, url=url, title=title
        )
        return item, tuple(_problem_note(p) for p in problems)
    text = draft.text.strip()
    if not text:
        return None, ()
    if len(text.encode()) > MAX_ARTICLE_BYTES:
        limit = f"{MAX_ARTICLE_BYTES // 1_000_000} MB"
        return None, (Note("error", f"The text is longer than an article can be ({limit})."),)
    first = text.splitlines()[0].strip()
    if title and " ".join(first.split()).casefold() != " ".join(title.split()).casefold():
        text = f"{title}\n{text}"
    return ArticleInput(text + "\n", ArticleMeta("", draft.published, outlet, url)), ()


def saveable(preview: Preview | None, item: ArticleInput | None) -> bool:
    """Whether *Save* may store ``item``: it was previewed as it is now, could be read, and is not
    already stored. (An article the pipeline failed on may be saved: it is kept with its error.)"""
    return (
        preview is not None
        and item is not None
        and (preview.text, preview.meta) == (item.text, item.meta)
        and preview.article is not None
        and preview.duplicate_of is None
    )


def panel_notes(preview: Preview | None, item: ArticleInput | None) -> tuple[Note, ...]:
    """What the panel says of the last preview: :func:`preview_notes` while the text and facts are
    those previewed, else that they changed since."""
    if preview is None:
        return ()
    if item is not None and (preview.text, preview.meta) != (item.text, item.meta):
        return (
            Note("info", "The text or its facts changed since the preview: preview it again to save it."),
        )
    return preview_notes(preview)


def preview_notes(preview: Preview) -> tuple[Note, ...]:
    """What the preview found: a stored duplicate (named), why the text cannot be read, a pipeline
    error, the events found and where they are, and the reader's warnings."""
    if preview.duplicate_of is not None:
        number, name, title = preview.duplicate_of
        return (
            Note(
                "warning",
                f"Already in the store as article {number}, {markdown_text(title)} "
                f"({markdown_text(name)}): it is not saved twice.",
            ),
        )
    if preview.article is None:
        return tuple(Note("error", markdown_text(p.message)) for p in preview.run.problems) or (
            Note("error", "The text cannot be read as an article: a title line and a body are needed."),
        )
    notes = []
    if preview.error:
        notes.append(
            Note(
                "error",
                f"The pipeline failed on this article: {markdown_text(preview.error)}. Saving keeps it with "
                "this error; `python -m geodata reextract` tries it again.",
            )
        )
    found = preview.frame
    on_map = len(events_on_map(found))
    words = f"{_count(len(found), 'event')} found" if len(found) else "No event found"
    if len(found):
        words += f", {on_map} on the map (ringed in black)" if on_map else ", none of them on the map"
        words += "; the table under the map lists them"
    notes.append(Note("info", f"{words}. Nothing is saved yet."))
    warnings = [p.message for p in preview.run.problems if p.severity == "warning"]
    notes.extend(Note("warning", markdown_text(text)) for text in warnings)
    return tuple(notes)


def preview_table(preview: Preview) -> pd.DataFrame:
    """The preview's events as people read them (``PREVIEW_COLUMNS``), newest first."""
    table = events_table(preview.frame)
    return table[[c for c in PREVIEW_COLUMNS if c in table.columns]]


def saved_note(result: AddResult, preview: Preview) -> Note:
    """What saving ``preview``'s article did, in words: added (with its events, new or merged into
    stored ones), kept with its extraction error, or not saved as already stored."""
    if result.status == "duplicate" and result.duplicate_of is not None:
        number, _, title = result.duplicate_of
        return Note("warning", f"Not saved: already stored as article {number}, {markdown_text(title)}.")
    title = preview.article.title if preview.article is not None else result.name
    stored = f"Saved as article {result.article_id}, {markdown_text(title)}"
    if result.status == "failed":
        return Note("warning", f"{stored}, with its extraction error: {markdown_text(result.error or '')}.")
    merged = result.events - result.new_events
    found = f"{_count(result.events, 'event')} ({result.new_events} new, {merged} merged into stored events)"
    return Note("success", f"{stored}: {found}.")


def view_after_saving(found: gpd.GeoDataFrame, current: MapView) -> MapView | None:
    """The view to move to after saving an article whose events are ``found`` (the preview's), or
    ``None`` when the current view already shows one of them (or none can be drawn): the day of the
    newest one's end, with the kinds of the article's events made visible."""
    located = events_on_map(found)
    located = located[located["date_start"].notna()]
    if located.empty:
        return None
    if len(events_in_window(located[located["kind"].isin(list(current.visible))], current)):
        return None
    ends = located["date_end"].where(located["date_end"].notna(), located["date_start"])
    day = max(parse_day(str(value)) for value in ends)
    return dataclasses.replace(current, day=day, visible=current.visible | frozenset(located["kind"]))


def _problem_note(problem: Problem) -> Note:
    return Note("error" if problem.severity == "error" else "warning", markdown_text(problem))


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
