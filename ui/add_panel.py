"""The sidebar's "Add an article" on the map page: paste or upload, preview on the map and in a
table, save (for a signed-in editor, ``signin``). The rules (what may be saved, the notes shown,
where the map moves after saving) are ``geodata.adding``'s; this file only draws the widgets.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geodata import adding, editors, store, view
from ui import signin


def add_panel(found: store.Store, last: tuple[view.MapView, view.Camera | None]) -> None:
    """The sidebar's "Add an article": paste or upload, preview on the map and in a table, save.
    ``last`` is the view the page last reported: after saving, the map moves from it to the article."""
    form, bar = st.session_state.setdefault("add_form", 0), st.sidebar  # a new form (empty) after saving
    bar.subheader("Add an article")
    text = bar.text_area("Paste its text (first line: the title, unless given below)", height=160,
                         max_chars=adding.MAX_TEXT_CHARS, key=f"text{form}")  # fmt: skip
    file = bar.file_uploader("or upload a .txt file or a web page saved as .html", type=adding.UPLOAD_TYPES,
                             max_upload_size=adding.MAX_UPLOAD_MB, key=f"file{form}")  # fmt: skip
    title, outlet, url = (bar.text_input(label, key=f"{label}{form}") for label in ("Title", "Outlet", "URL"))
    published = bar.date_input("Published (empty: read from the text)", value=None, key=f"published{form}",
                               min_value=dt.date(1990, 1, 1), max_value=dt.date.today())  # fmt: skip
    upload = (file.name, file.getvalue()) if file is not None else None
    item, notes = adding.article_input(adding.Draft(text or "", upload, title, outlet, url, published))
    left, right = bar.columns(2)
    if left.button("Preview", disabled=item is None, width="stretch") and item is not None:
        with bar, st.spinner("Reading the article…"):
            st.session_state.update(preview=found.preview(item.text, item.meta), saved=None)
    preview = st.session_state.get("preview")
    if right.button("Save", type="primary", disabled=not adding.saveable(preview, item), width="stretch"):
        save(found, st.session_state.preview, last)
    for note in (*notes, *adding.panel_notes(preview, item), *filter(None, [st.session_state.get("saved")])):
        getattr(bar, note.level)(note.markdown)


def save(found: store.Store, preview: store.Preview, last: tuple[view.MapView, view.Camera | None]) -> None:
    """Store the previewed article, move the map to its events if the view shows none, empty the form."""
    editor = signin.signed_in()
    if editor is None:  # signed out (or the account removed) since the form was drawn
        st.session_state.update(saved=None, preview=None)
        st.rerun()
    assert editor is not None
    result = found.add_article(preview.text, preview.meta, by=editors.require(editor), preview=preview)
    moved = adding.view_after_saving(preview.frame, last[0])
    if moved is not None:  # a new start id: the page moves even to a view it was sent before
        st.session_state.update(start=(moved, last[1], []), start_id=st.session_state.get("start_id", 0) + 1)
    st.session_state.update(
        saved=adding.saved_note(result, preview), preview=None, add_form=st.session_state.add_form + 1
    )
    st.rerun()
