"""The review page: editors check the machine's events, correct them and add what it missed.

``app.py`` offers this page only to a signed-in editor; it checks again itself, and every write goes
through ``geodata.review`` with the session's ``Editor`` (which ``editors.require`` checks: a value
put into the session state is no editor) and the row version the editor saw when the event was
opened, so a save over someone else's newer change is refused and shown with both versions. Text
from articles, people and the gazetteer is shown as text: table cells, ``st.text``, or the escaped
HTML of ``geodata.review_panel.sentence_html``. The page is made of panels: the queue and its
filters (``review_queue_panel.py``), the opened event with its small map and history
(``review_event_panel.py``), its actions (``review_actions.py``, with the forms of
``review_forms.py``) and "Add an event the machine missed" (``review_add_panel.py``); the store is
the map page's (``store_cache.py``). This file only does the page's frame and wiring.
"""

from __future__ import annotations

import sys

import streamlit as st

from geodata import loading, panels
from geodata._errors import AtlasError
from ui import review_add_panel, review_event_panel, review_queue_panel, signin, store_cache

INTRO = (
    "The machine's events, those that most need a person first. Open one, check its sentence, "
    "place and date, then accept, correct or reject it; every action is kept with who and when, "
    "and can be undone. Later runs of the pipeline keep your decisions."
)

SEEDS_RUN = (
    "This run reads its article events from the folder {folder} (--seeds), not from the event store, "
    "so there is nothing here to review. Review works on the store: start the app without --seeds."
)


def review_page() -> None:
    editor = signin.signed_in()
    if editor is None:
        st.text("The review page is for editors: sign in from the sidebar.")
        return
    source = loading.app_inputs(sys.argv[1:])
    if not source.events_from_store:  # the map shows the folder's events: reviewing the store's would mislead
        st.text(SEEDS_RUN.format(folder=source.seeds))
        return
    try:
        found = store_cache.event_store(source.store)
    except AtlasError as exc:
        st.error(panels.markdown_text(f"The event store cannot be used: {exc}"))
        return
    for name in ("seen", "gen"):
        st.session_state.setdefault(name, {})
    st.title("Review")
    st.caption(INTRO)
    if st.session_state.get("done"):
        st.success(st.session_state.pop("done"))
    articles = found.articles()
    opened = review_queue_panel.queue_panel(found, articles, str(source.zones))
    if opened is not None:
        review_event_panel.show_event(found, editor, opened)
    default = review_queue_panel.first_article(found, opened)
    review_add_panel.add_panel(found, editor, articles, default)


review_page()
