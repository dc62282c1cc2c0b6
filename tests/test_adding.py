"""The "Add an article" panel's data (``geodata/adding.py``): what the analyst gives, what the preview
says, when *Save* is allowed, what saving says, and where the map goes after it.

Previews come from a real embedded store (the pipeline runs on the texts below); the store's own
behaviour on both backends is ``tests/test_store.py``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from geodata import adding, view
from geodata.adding import Draft, Note
from geodata.intake import ArticleMeta
from geodata.store import Store, open_store
from tests import builders

PATROL = """Joint patrol near Saraqib
Turkish and Russian troops conducted a joint patrol near Saraqib on 8 March 2024, the Turkish defence \
ministry said in a statement on Friday.
The patrol lasted several hours and passed without incident, the ministry said.
"""
HOSTILE = "[Session expired](https://evil.example/login) <img src=x onerror=alert(1)>"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "atlas.gpkg", seeds=None) as opened:
        yield opened


def rendered(note: Note) -> str:
    """The note as Streamlit's Markdown (GFM, autolinks) would render it."""
    return str(MarkdownIt("gfm-like").render(note.markdown))


# --- what the analyst gives ---


def test_pasted_text_gets_the_title_and_facts_given() -> None:
    body = PATROL.split("\n", 1)[1]
    item, notes = adding.article_input(
        Draft(
            body, title="Patrol", outlet=" Wire ", url="https://wire.example/1", published=dt.date(2024, 3, 9)
        ),
    )
    assert notes == ()
    assert item is not None
    assert item.text.splitlines()[0] == "Patrol"
    assert item.meta == ArticleMeta("", dt.date(2024, 3, 9), "Wire", "https://wire.example/1")


def test_a_title_already_on_the_first_line_is_not_doubled() -> None:
    item, _ = adding.article_input(Draft(PATROL, title="joint  patrol near Saraqib"))
    assert item is not None
    assert item.text == PATROL


def test_nothing_given_is_nothing_to_preview() -> None:
    assert adding.article_input(Draft("  \n ")) == (None, ())


def test_a_url_that_is_no_web_address_is_refused_as_text() -> None:
    item, (note,) = adding.article_input(Draft(PATROL, url="javascript:alert(1)"))
    assert item is None
    assert note.level == "error"
    assert "<a " not in rendered(note)
    assert "javascript:alert(1)" in rendered(note)


def test_an_upload_is_read_by_its_type_and_a_binary_one_is_named() -> None:
    item, notes = adding.article_input(Draft(upload=("patrol.txt", PATROL.encode()), outlet="Wire"))
    assert notes == ()
    assert item is not None
    assert (item.text, item.meta) == (PATROL, ArticleMeta("patrol.txt", None, "Wire", ""))
    item, (note,) = adding.article_input(Draft(upload=("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")))
    assert item is None
    assert note.level == "error"
    assert "photo.txt: binary file" in rendered(note)


def test_an_upload_over_the_limit_is_refused_with_its_size() -> None:
    data = b"x" * (adding.MAX_UPLOAD_MB * 1_000_000 + 1)
    item, (note,) = adding.article_input(Draft(upload=(f"{HOSTILE}.txt", data)))
    assert item is None
    assert f"is 5.0 MB; the limit is {adding.MAX_UPLOAD_MB} MB" in note.markdown
    assert "<a " not in rendered(note)
    assert "<img" not in rendered(note)


def test_text_longer_than_an_article_is_refused() -> None:
    item, (note,) = adding.article_input(Draft("Title\n" + "word " * 250_000))
    assert item is None
    assert note.level == "error"


# --- the preview, and when it may be saved ---


def test_a_preview_says_what_it_found_and_may_be_saved_as_it_is(store: Store) -> None:
    item, _ = adding.article_input(Draft(PATROL, outlet="Wire", published=dt.date(2024, 3, 9)))
    assert item is not None
    preview = store.preview(item.text, item.meta)
    notes = adding.preview_notes(preview)
    assert notes[0] == Note(
        "info",
        "1 event found, 1 on the map (ringed in black); the table under the map lists them. "
        "Nothing is saved yet.",
    )
    table = adding.preview_table(preview)
    assert list(table.columns) == list(adding.PREVIEW_COLUMNS)
    assert table.iloc[0][["From", "What", "Where"]].tolist() == ["2024-03-08", "patrol", "Saraqib"]
    assert adding.saveable(preview, item)
    changed, _ = adding.article_input(Draft(PATROL, outlet="Other wire", published=dt.date(2024, 3, 9)))
    assert not adding.saveable(preview, changed)
    assert "changed since the preview" in adding.panel_notes(preview, changed)[0].markdown
    assert adding.panel_notes(preview, item) == notes
    assert store.articles().empty  # nothing saved


def test_a_stored_article_is_named_and_cannot_be_saved_again(store: Store) -> None:
    item, _ = adding.article_input(Draft(PATROL, url="https://wire.example/1"))
    assert item is not None
    saved = store.add_article(item.text, item.meta, by="test")
    again, _ = adding.article_input(
        Draft("Other title\nAnother body about Idlib.", url="https://wire.example/1")
    )
    assert again is not None
    preview = store.preview(again.text, again.meta)
    (note,) = adding.preview_notes(preview)
    assert note.level == "warning"
    assert f"article {saved.article_id}" in note.markdown
    assert "Joint patrol near Saraqib" in note.markdown
    assert not adding.saveable(preview, again)


def test_an_unreadable_text_says_why_and_cannot_be_saved(store: Store) -> None:
    item, _ = adding.article_input(Draft("Only a title line"))
    assert item is not None
    preview = store.preview(item.text, item.meta)
    notes = adding.preview_notes(preview)
    assert [n.level for n in notes] == ["error"]
    assert "title line and a body" in notes[0].markdown
    assert not adding.saveable(preview, item)


def test_hostile_text_in_notes_is_text(store: Store) -> None:
    text = f"{HOSTILE}\nTurkish troops patrolled near Saraqib on 8 March 2024."
    item, _ = adding.article_input(Draft(text))
    assert item is not None
    preview = store.preview(item.text, item.meta)
    result = store.add_article(item.text, item.meta, by="test", preview=preview)
    note = adding.saved_note(result, preview)
    assert note.level == "success"
    assert "<a " not in rendered(note)
    assert "<img" not in rendered(note)
    assert "evil.example" in rendered(note)


def test_saving_says_what_was_stored(store: Store) -> None:
    item, _ = adding.article_input(Draft(PATROL))
    assert item is not None
    preview = store.preview(item.text, item.meta)
    result = store.add_article(item.text, item.meta, by="test", preview=preview)
    note = adding.saved_note(result, preview)
    assert note == Note(
        "success",
        f"Saved as article {result.article_id}, ` Joint patrol near Saraqib `: "
        "1 event (1 new, 0 merged into stored events).",
    )
    twice = store.add_article(item.text, item.meta, by="test")
    assert adding.saved_note(twice, preview).level == "warning"


# --- where the map goes after saving ---


def test_the_map_moves_to_the_article_only_when_the_view_shows_none_of_its_events() -> None:
    found = builders.events_frame(
        [
            builders.event("a", date_start="2024-03-01", date_end="2024-03-02", kind="attack"),
            builders.event("b", date_start="2024-03-05", date_end="2024-03-08"),
            builders.event("moscow", date_start="2024-05-01", date_end="2024-05-01", lonlat=(37.6, 55.7)),
        ]
    )
    hidden = frozenset(view.LAYER_KEYS) - {"attack", "patrol"}
    moved = adding.view_after_saving(found, view.MapView(dt.date(2019, 3, 8), 30, hidden))
    assert moved == view.MapView(dt.date(2024, 3, 8), 30, hidden | {"attack", "patrol"})
    assert adding.view_after_saving(found, view.MapView(dt.date(2024, 3, 20), 30)) is None
    unlocated = builders.events_frame([builders.event("x", lonlat=None)])
    assert adding.view_after_saving(unlocated, view.MapView(dt.date(2019, 3, 8))) is None
