"""The opened event's actions on the review page, as tabs: accept it, edit it (its fields, place
and actors), reject it with a reason, merge another event into it, split reports off. Each write
goes through ``geodata.review`` with the session's editor and the version the editor saw (via
``review_forms.write``); this file only draws the widgets."""

from __future__ import annotations

from typing import Any

import streamlit as st

from geodata import editors, review, review_panel, review_queue, store
from geodata._errors import AtlasError
from ui import review_forms, review_queue_panel


def edit_tab(found: store.Store, editor: editors.Editor, event: dict[str, Any], seen: int, key: str) -> None:
    form = review_forms.event_fields(event, key)
    st.text(f"Place now: {event.get('place') or 'unlocated'} ({event.get('geo_precision') or '-'})")
    form |= review_forms.place_fields(key)
    actors = st.text_input(
        "Actors (comma-separated)", ", ".join(event.get("actors") or []), key=f"{key}actors"
    )
    form["actors"] = review_panel.actor_names(actors)
    note = st.text_input("Note (why; the source)", key=f"{key}note")
    saved = st.button("Save the correction", type="primary", key=f"{key}save")
    if saved and not review_forms.point_refused(form):
        changes = review_panel.edit_changes(event, form)
        if not changes:
            st.info("Nothing to save: the form is what the event already says.")
            return
        review_forms.write(
            event["id"],
            lambda: review.edit(found, editor, event["id"], changes, version=seen, note=note),
            f"Event {event['id']} corrected",
        )


def merge_tab(found: store.Store, editor: editors.Editor, event_id: int, seen: int, key: str) -> None:
    other = st.number_input(
        "The other event's id (its reports join this one)",
        min_value=1,
        value=None,
        step=1,
        key=f"{key}other",
    )
    if other is None or other == event_id:
        return
    try:
        theirs = review_queue_panel.detail(found.where, found.token(), int(other)).event
    except AtlasError as exc:
        st.text(str(exc))
        return
    place = theirs["place"] or "unlocated"
    st.text(f"Event {other}: {theirs['kind']}, {theirs['date_start']}, {place}")
    if st.button(f"Merge event {other} into event {event_id}", key=f"{key}merge"):
        versions = (seen, int(theirs["version"]))
        review_forms.write(
            event_id,
            lambda: review.merge(found, editor, event_id, int(other), versions=versions),
            f"Event {other} merged into event {event_id}",
        )


def actions(found: store.Store, editor: editors.Editor, info: review_queue.EventDetail, seen: int) -> None:
    event, event_id = dict(info.event), int(info.event["id"])
    key = review_forms.form_key(event_id)
    accept, edit, reject, merge, split = st.tabs(["Accept", "Edit", "Reject", "Merge", "Split"])
    with accept:
        note = st.text_input("Note (optional)", key=f"{key}anote")
        if st.button("Accept the event as it is", key=f"{key}accept"):
            review_forms.write(
                event_id,
                lambda: review.accept(found, editor, event_id, version=seen, note=note),
                f"Event {event_id} accepted",
            )
    with edit:
        edit_tab(found, editor, event, seen, key)
    with reject:
        reason = st.text_input("Why is it not an event? (required)", key=f"{key}reason")
        if st.button("Reject the event", key=f"{key}reject", disabled=not reason.strip()):
            review_forms.write(
                event_id,
                lambda: review.reject(found, editor, event_id, reason=reason, version=seen),
                f"Event {event_id} rejected",
            )
    with merge:
        merge_tab(found, editor, event_id, seen, key)
    with split:
        sentences = {r.key: r.sentence for r in info.reports}
        chosen = st.multiselect(
            "Reports that are another event",
            list(sentences),
            key=f"{key}split",
            format_func=lambda k: sentences[k][:120],
        )
        if st.button("Split them off into a new event", key=f"{key}dosplit", disabled=not chosen):
            review_forms.write(
                event_id,
                lambda: review.split(found, editor, event_id, chosen, version=seen),
                f"Event {event_id} split",
            )
