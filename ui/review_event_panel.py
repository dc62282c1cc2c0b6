"""The opened event on the review page: its summary, any refused save beside the event as saved
now, its sentences with their articles, the small map where a click places it (``geodata.pickmap``;
the click fills the Edit tab's point, previewed until saved), the actions (``review_actions``), its
reports and the geocoder's candidates, and its history with undo and the machine's disagreements.
Text from articles, people and the gazetteer is shown as text (table cells, ``st.text`` or the
escaped HTML of ``geodata.review_panel``); this file only draws the widgets."""

from __future__ import annotations

import functools

import geopandas as gpd
import streamlit as st

from geodata import (
    basemap,
    editors,
    layers,
    livemap,
    map_datasets,
    pickmap,
    review,
    review_panel,
    review_queue,
    store,
)
from geodata._errors import AtlasError
from geodata.schema import GEO_PRECISIONS
from ui import map_data, review_actions, review_forms, review_queue_panel

CONFLICT_CAPTION = "Your change beside the event as saved now"


@st.cache_resource(show_spinner=False)
def reference() -> gpd.GeoDataFrame:
    return layers.load_reference()


@st.cache_resource(show_spinner=False)
def basemap_data() -> livemap.Dataset:
    return map_datasets.basemap_dataset(reference(), basemap.load_basemap())


def pick_map(info: review_queue.EventDetail, key: str) -> None:
    """The event's place on the pick map; a click there fills the Edit tab's point (``key``), which
    the map previews with the uncertainty chosen until it is saved."""
    name, state = f"pick-{info.event['id']}", st.session_state
    component = st.components.v2.component("atlas_pick", js=pickmap.script(), css=pickmap.stylesheet())

    def picked() -> None:  # before the run: the form's widgets take the point
        point = pickmap.picked_point(state[name].get("picked"))
        if point is not None:
            state.update({f"{key}how": "a point", f"{key}lon": point[0], f"{key}lat": point[1]})

    preview = None
    if state.get(f"{key}how") == "a point":
        preview = pickmap.preview_point({
            "lon": state.get(f"{key}lon"), "lat": state.get(f"{key}lat"),
            "geo_precision": state.get(f"{key}geo", GEO_PRECISIONS[0]),
            "uncertainty_km": state.get(f"{key}km", pickmap.DEFAULT_KM),
        })  # fmt: skip
    candidates = [c for r in info.reports for c in r.candidates]
    map_data.send(basemap_data(), "pick-basemap")
    config = pickmap.map_config(info.event, candidates, preview=preview)
    component(key=name, data=config, on_picked_change=picked)


def history(found: store.Store, editor: editors.Editor, info: review_queue.EventDetail, seen: int) -> None:
    event_id = int(info.event["id"])
    st.html(
        review_panel.html_table(review_panel.history_table(info.history), caption="History, oldest first")
    )
    for action_id, action in review_panel.undoable_actions(info.history).items():
        if st.button(f"Undo action {action_id} ({action})", key=f"undo{action_id}"):
            review_forms.write(event_id, functools.partial(review.undo, found, editor, action_id),
                               f"Action {action_id} undone")  # fmt: skip
    for item in info.disagreements:
        st.text(f"The machine disagrees (pipeline {item.pipeline_version}, {item.found_at:%Y-%m-%d}):")
        st.dataframe(review_panel.disagreements_table(item), hide_index=True)
        keep, take = st.columns(2)
        for column, take_machine, label in ((keep, False, "Keep mine"), (take, True, "Take the machine's")):
            if column.button(label, key=f"resolve{item.id}{take_machine}"):
                settle = functools.partial(review.resolve, found, editor, item.id, take_machine=take_machine,
                                           version=seen)  # fmt: skip
                review_forms.write(event_id, settle, f"Disagreement {item.id} settled")


def conflict(event_id: int, current: int) -> None:
    """A refused save: the change beside the event as saved now; the form keeps the editor's values."""
    shown = st.session_state.get("conflict")
    if not shown or shown["event"] != event_id:
        return
    st.error(
        "Not saved: someone else changed this event since you opened it. Both versions are below; "
        "your values are still in the form."
    )
    st.text(shown["message"])
    both = review_panel.conflict_table(shown["mine"], shown["theirs"])
    st.html(review_panel.html_table(both, caption=CONFLICT_CAPTION))  # text, readable in the page
    if st.button("Start again from the saved version"):
        st.session_state.seen[event_id] = current
        st.session_state.gen[event_id] = st.session_state.gen.get(event_id, 0) + 1
        st.session_state.conflict = None
        st.rerun()


def show_event(found: store.Store, editor: editors.Editor, event_id: int) -> None:
    try:
        info = review_queue_panel.detail(found.where, found.token(), event_id)
    except AtlasError as exc:
        st.text(f"Event {event_id} cannot be opened: {exc}")
        return
    event = info.event
    seen = st.session_state.seen.setdefault(event_id, int(event["version"]))
    st.subheader(f"Event {event_id}")
    st.html(review_panel.html_table(review_panel.event_summary(event, seen=seen)))
    with st.container():  # always there: what follows keeps its place, so the open tab stays open
        if seen != event["version"]:
            st.warning(f"This event has changed since you opened it (now version {event['version']}).")
        conflict(event_id, int(event["version"]))
    text_side, map_side = st.columns([3, 2])
    with text_side:
        for report in info.reports:
            st.html(review_panel.sentence_html(report))
            st.text(f"{report.title or report.article}, {report.outlet}, {report.published or ''}")
            url = review_panel.safe_url(report.url)
            if url:
                st.link_button("Open the article", url)
            elif report.url:
                st.text(f"Address (not a web link): {report.url}")
    with map_side:
        pick_map(info, review_forms.form_key(event_id))
    review_actions.actions(found, editor, info, seen)
    reports_tab, history_tab = st.tabs(["Reports and the geocoder's candidates", "History"])
    with reports_tab:
        st.dataframe(review_panel.reports_table(info.reports), hide_index=True)
        st.dataframe(review_panel.candidates_table(info.reports), hide_index=True)
    with history_tab:
        history(found, editor, info, seen)
