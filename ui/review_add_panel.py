"""The review page's "Add an event the machine missed": an article, the sentence that reports the
event (as the pipeline splits it), its fields and place; written by ``geodata.review.add_event``
with the session's editor. This file only draws the widgets."""

from __future__ import annotations

from typing import Any

import streamlit as st

from geodata import editors, panels, review, review_panel, review_queue, store
from geodata._errors import AtlasError
from ui import review_forms


def add_panel(found: store.Store, editor: editors.Editor, articles: Any, default: int | None) -> None:
    """Add an event the machine missed, from a sentence of a stored article (``default``: the article
    chosen at first)."""
    st.subheader("Add an event the machine missed")
    ids = list(articles["id"])
    titles = dict(zip(articles["id"], articles["title"], strict=True))
    index = ids.index(default) if default in ids else 0
    article_id = st.selectbox(
        "Article of the new event",
        ids,
        index=index,
        key="add-article",
        format_func=lambda i: f"{i}: {titles[i]}",
    )
    if article_id is None:
        return
    options = review_panel.sentence_options(review_queue.article_text(found, int(article_id)))
    labels = dict(enumerate(label for label, _ in options))
    chosen = st.selectbox(
        "Sentence that reports it", list(labels), format_func=labels.__getitem__, key="add-sentence"
    )
    key = f"add-{st.session_state.gen.get(0, 0)}-"
    form = review_forms.event_fields({"kind": "other", "status": "occurred"}, key, of=" of the new event")
    form |= review_forms.place_fields(key, of=" of the new event")
    note = st.text_input("Note", key=f"{key}note")
    added = st.button("Add the event", key=f"{key}add", disabled=chosen is None)
    if added and not review_forms.point_refused(form):
        span = options[int(chosen)][1]
        changes = {k: v for k, v in form.items() if v is not None}
        try:
            result = review.add_event(found, editor, int(article_id), span, changes, note=note)
        except AtlasError as exc:
            st.error(panels.markdown_text(f"Not added: {exc}"))
            return
        new_id = review_panel.added_event(result.versions)
        st.session_state.seen[new_id] = result.versions[new_id]
        st.session_state.gen[0] = st.session_state.gen.get(0, 0) + 1
        st.session_state.update(opened=new_id, done=f"Event {new_id} added (action {result.action_id}).")
        st.rerun()
