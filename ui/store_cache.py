"""The event store as the app's pages open it: one cached opener shared by the map page
(``app.py``) and the review page (``review_page.py``), so a process holds one ``Store`` (one
database engine) per store, whichever page a session opened first."""

from __future__ import annotations

import streamlit as st

from geodata import store


@st.cache_resource(show_spinner="Opening the event store (a new one is filled with the seed articles)…")
def event_store(where: str) -> store.Store:
    """The store at ``where`` (a file or a PostgreSQL URL), opened once for all sessions and pages
    (a ``Store`` is thread-safe); a failure is not cached."""
    return store.open_store(where)
