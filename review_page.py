"""The review page: editors check the machine's events, correct them and add what it missed.

``app.py`` offers this page only to a signed-in editor; it checks again itself, and every write goes
through ``geodata.review`` with the session's ``Editor`` (which ``editors.require`` checks: a value
put into the session state is no editor) and the row version the editor saw when the event was
opened, so a save over someone else's newer change is refused and shown with both versions. Text
from articles, people and the gazetteer is shown as text: table cells, ``st.text``, or the escaped
HTML of ``geodata.review_panel.sentence_html``. The tables and highlighting are made in
``geodata.review_panel``, the small map where a click places the event in ``geodata.pickmap`` (a
click fills the Edit tab's point, previewed on the map until it is saved); this file only does
widgets and wiring.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st

import signin
from geodata import (
    basemap,
    editors,
    layers,
    livemap,
    loading,
    panels,
    pickmap,
    review,
    review_panel,
    review_queue,
    store,
    zones,
)
from geodata._errors import AtlasError, ConflictError
from geodata.place_search import project_gazetteer, search_places
from geodata.schema import DATE_PRECISIONS, EVENT_KINDS, EVENT_STATUSES, GEO_PRECISIONS

CONFLICT_CAPTION = "Your change beside the event as saved now"
PICK_MAP = st.components.v2.component("atlas_pick", js=pickmap.script(), css=pickmap.stylesheet())


@st.cache_resource(show_spinner="Opening the event store…")
def event_store(where: str) -> store.Store:
    return store.open_store(where)


@st.cache_resource(show_spinner=False)
def zone_frame(folder: str) -> gpd.GeoDataFrame:
    return zones.load_zones(Path(folder)).zones


@st.cache_resource(show_spinner=False)
def reference() -> gpd.GeoDataFrame:
    return layers.load_reference()


@st.cache_data(max_entries=16, show_spinner="Reading the queue…")
def queue(
    where: str, token: str, folder: str, wanted: review_queue.QueueFilter
) -> list[review_queue.QueueItem]:
    return review_queue.review_queue(event_store(where), wanted, zones=zone_frame(folder))


@st.cache_data(max_entries=32, show_spinner=False)
def detail(where: str, token: str, event_id: int) -> review_queue.EventDetail:
    return review_queue.event_detail(event_store(where), event_id)


@st.cache_resource(show_spinner=False)
def basemap_data() -> livemap.Dataset:
    return livemap.basemap_dataset(reference(), basemap.load_basemap())


def form_key(event_id: int) -> str:
    """The prefix of the opened event's form widgets (a new one after each save: fresh values)."""
    return f"e{event_id}-{st.session_state.gen.get(event_id, 0)}-"


def pick_map(info: review_queue.EventDetail, key: str) -> None:
    """The event's place on the pick map; a click there fills the Edit tab's point (``key``), which
    the map previews with the uncertainty chosen until it is saved."""
    name, state = f"pick-{info.event['id']}", st.session_state

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
    PICK_MAP(key="pick-basemap", data=basemap_data().data, height=0)  # reaches the page once
    config = pickmap.map_config(info.event, candidates, preview=preview)
    PICK_MAP(key=name, data=config, on_picked_change=picked)


def point_refused(form: dict[str, Any]) -> bool:
    """Say what is wrong with the form's point, if anything (then nothing is saved)."""
    problems = pickmap.point_problems(form)
    if problems:
        st.error(panels.markdown_text("Not saved: " + " ".join(problems)))
    return bool(problems)


def write(event_id: int, action: Callable[[], review.ActionResult], done: str) -> None:
    """Run one review action; keep the versions it made; on a conflict keep the form as it is."""
    try:
        result = action()
    except ConflictError as exc:
        st.session_state.conflict = {
            "event": event_id,
            "message": str(exc),
            "mine": exc.mine,
            "theirs": exc.theirs,
        }
        st.rerun()
    except AtlasError as exc:
        st.error(panels.markdown_text(f"Not saved: {exc}"))
        return
    seen = st.session_state.seen
    for touched, version in result.versions.items():
        if version is None:
            seen.pop(touched, None)
        else:
            seen[touched] = version
    st.session_state.gen[event_id] = st.session_state.gen.get(event_id, 0) + 1  # forms show the new values
    st.session_state.update(
        conflict=None, done=f"{done} (action {result.action_id}; it can be undone in the history)."
    )
    st.rerun()


def open_event(event_id: int) -> None:
    st.session_state.opened = event_id


def filters(articles: Any, zone_ids: list[str]) -> review_queue.QueueFilter:
    columns = st.columns([3, 3, 2, 2, 2])
    titles = dict(zip(articles["id"], articles["title"], strict=True))
    article = columns[0].selectbox(
        "Article", [None, *titles], format_func=lambda i: "All articles" if i is None else f"{i}: {titles[i]}"
    )
    kinds = columns[1].multiselect("Kinds", EVENT_KINDS)
    zone = columns[2].selectbox(
        "Zone", [None, *zone_ids], format_func=lambda z: "Any zone" if z is None else z
    )
    start = columns[3].date_input("From", value=None, min_value=dt.date(1990, 1, 1))
    end = columns[4].date_input("To", value=None, min_value=dt.date(1990, 1, 1))
    reviewed = st.toggle("Also events a person has reviewed")
    return review_queue.QueueFilter(article, tuple(kinds), zone, start, end, reviewed)  # type: ignore[arg-type]


def place_fields(key: str, *, of: str = "") -> dict[str, Any]:
    """The place part of a form: keep it, a gazetteer place (searched by name or alias) or a point."""
    kept = "none (unlocated)" if of else "keep it"
    how = st.radio(f"Place{of}", ["keep", "from the gazetteer", "a point"], horizontal=True, key=f"{key}how",
                   format_func=lambda h: kept if h == "keep" else h)  # fmt: skip
    if how == "from the gazetteer":
        query = st.text_input(f"Search the gazetteer (names and aliases){of}", key=f"{key}query")
        matches = search_places(query, project_gazetteer()) if query.strip() else []
        chosen = st.selectbox(
            f"Place found{of}",
            matches,
            key=f"{key}match-{query.strip()}",
            format_func=lambda m: (
                f"{m.name} ({m.kind}, {m.admin1 or m.country}; {m.place_id}; matched “{m.matched}”)"
            ),
        )
        return {"place_id": chosen.place_id} if chosen is not None else {}
    if how == "a point":
        left, right, precision, radius = st.columns(4)  # checked by pickmap.point_problems
        return {
            "lon": left.number_input(f"Longitude{of}", value=None, format="%.5f", key=f"{key}lon"),
            "lat": right.number_input(f"Latitude{of}", value=None, format="%.5f", key=f"{key}lat"),
            "geo_precision": precision.selectbox(f"Precision{of}", GEO_PRECISIONS, key=f"{key}geo"),
            "uncertainty_km": radius.number_input(
                f"Uncertainty (km){of}", value=pickmap.DEFAULT_KM, key=f"{key}km"
            ),
            "place": st.text_input(f"Name of the place (optional){of}", key=f"{key}name") or None,
        }
    return {}


def event_fields(event: dict[str, Any], key: str, *, of: str = "") -> dict[str, Any]:
    """Kind, status, dates and their precision, as a form shows them (starting from ``event``)."""
    kind, status, start, end, precision = st.columns(5)
    index = (
        DATE_PRECISIONS.index(event["date_precision"])
        if event.get("date_precision") in DATE_PRECISIONS
        else 0
    )
    return {
        "kind": kind.selectbox(
            f"Kind{of}", EVENT_KINDS, index=EVENT_KINDS.index(event.get("kind") or "other"), key=f"{key}kind"
        ),
        "status": status.selectbox(
            f"Status{of}",
            EVENT_STATUSES,
            index=EVENT_STATUSES.index(event.get("status") or "occurred"),
            key=f"{key}status",
        ),
        "date_start": start.date_input(
            f"First day{of}", value=event.get("date_start"), key=f"{key}start", min_value=dt.date(1990, 1, 1)
        ),
        "date_end": end.date_input(
            f"Last day{of}", value=event.get("date_end"), key=f"{key}end", min_value=dt.date(1990, 1, 1)
        ),
        "date_precision": precision.selectbox(
            f"Date precision{of}", DATE_PRECISIONS, index=index, key=f"{key}prec"
        ),
    }


def edit_tab(found: store.Store, editor: editors.Editor, event: dict[str, Any], seen: int, key: str) -> None:
    form = event_fields(event, key)
    st.text(f"Place now: {event.get('place') or 'unlocated'} ({event.get('geo_precision') or '-'})")
    form |= place_fields(key)
    actors = st.text_input(
        "Actors (comma-separated)", ", ".join(event.get("actors") or []), key=f"{key}actors"
    )
    form["actors"] = [name.strip() for name in actors.split(",") if name.strip()]
    note = st.text_input("Note (why; the source)", key=f"{key}note")
    if st.button("Save the correction", type="primary", key=f"{key}save") and not point_refused(form):
        changes = review_panel.edit_changes(event, form)
        if not changes:
            st.info("Nothing to save: the form is what the event already says.")
            return
        write(
            event["id"],
            lambda: review.edit(found, editor, event["id"], changes, version=seen, note=note),
            f"Event {event['id']} corrected",
        )


def actions(found: store.Store, editor: editors.Editor, info: review_queue.EventDetail, seen: int) -> None:
    event, event_id = dict(info.event), int(info.event["id"])
    key = form_key(event_id)
    accept, edit, reject, merge, split = st.tabs(["Accept", "Edit", "Reject", "Merge", "Split"])
    with accept:
        note = st.text_input("Note (optional)", key=f"{key}anote")
        if st.button("Accept the event as it is", key=f"{key}accept"):
            write(
                event_id,
                lambda: review.accept(found, editor, event_id, version=seen, note=note),
                f"Event {event_id} accepted",
            )
    with edit:
        edit_tab(found, editor, event, seen, key)
    with reject:
        reason = st.text_input("Why is it not an event? (required)", key=f"{key}reason")
        if st.button("Reject the event", key=f"{key}reject", disabled=not reason.strip()):
            write(
                event_id,
                lambda: review.reject(found, editor, event_id, reason=reason, version=seen),
                f"Event {event_id} rejected",
            )
    with merge:
        other = st.number_input(
            "The other event's id (its reports join this one)",
            min_value=1,
            value=None,
            step=1,
            key=f"{key}other",
        )
        if other is not None and other != event_id:
            try:
                theirs = detail(found.where, found.token(), int(other)).event
            except AtlasError as exc:
                st.text(str(exc))
            else:
                place = theirs["place"] or "unlocated"
                st.text(f"Event {other}: {theirs['kind']}, {theirs['date_start']}, {place}")
                if st.button(f"Merge event {other} into event {event_id}", key=f"{key}merge"):
                    versions = (seen, int(theirs["version"]))
                    write(
                        event_id,
                        lambda: review.merge(found, editor, event_id, int(other), versions=versions),
                        f"Event {other} merged into event {event_id}",
                    )
    with split:
        sentences = {r.key: r.sentence for r in info.reports}
        chosen = st.multiselect(
            "Reports that are another event",
            list(sentences),
            key=f"{key}split",
            format_func=lambda k: sentences[k][:120],
        )
        if st.button("Split them off into a new event", key=f"{key}dosplit", disabled=not chosen):
            write(
                event_id,
                lambda: review.split(found, editor, event_id, chosen, version=seen),
                f"Event {event_id} split",
            )


def history(found: store.Store, editor: editors.Editor, info: review_queue.EventDetail, seen: int) -> None:
    event_id = int(info.event["id"])
    st.html(
        review_panel.html_table(review_panel.history_table(info.history), caption="History, oldest first")
    )
    undoable = {
        e.action_id: e.action for e in info.history if e.action_id is not None and e.undone_by is None
    }
    for action_id, action in undoable.items():
        if action != "undo" and st.button(f"Undo action {action_id} ({action})", key=f"undo{action_id}"):
            write(event_id, lambda a=action_id: review.undo(found, editor, a), f"Action {action_id} undone")
    for item in info.disagreements:
        st.text(f"The machine disagrees (pipeline {item.pipeline_version}, {item.found_at:%Y-%m-%d}):")
        st.dataframe(review_panel.disagreements_table(item), hide_index=True)
        keep, take = st.columns(2)
        for column, take_machine, label in ((keep, False, "Keep mine"), (take, True, "Take the machine's")):
            if column.button(label, key=f"resolve{item.id}{take_machine}"):
                write(
                    event_id,
                    lambda t=take_machine, i=item.id: review.resolve(
                        found, editor, i, take_machine=t, version=seen
                    ),
                    f"Disagreement {item.id} settled",
                )


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
        info = detail(found.where, found.token(), event_id)
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
        pick_map(info, form_key(event_id))
    actions(found, editor, info, seen)
    reports_tab, history_tab = st.tabs(["Reports and the geocoder's candidates", "History"])
    with reports_tab:
        st.dataframe(review_panel.reports_table(info.reports), hide_index=True)
        st.dataframe(review_panel.candidates_table(info.reports), hide_index=True)
    with history_tab:
        history(found, editor, info, seen)


def add_section(found: store.Store, editor: editors.Editor, articles: Any, default: int | None) -> None:
    """Add an event the machine missed, from a sentence of a stored article."""
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
    form = event_fields({"kind": "other", "status": "occurred"}, key, of=" of the new event")
    form |= place_fields(key, of=" of the new event")
    note = st.text_input("Note", key=f"{key}note")
    if st.button("Add the event", key=f"{key}add", disabled=chosen is None) and not point_refused(form):
        span = options[int(chosen)][1]
        changes = {k: v for k, v in form.items() if v is not None}
        try:
            result = review.add_event(found, editor, int(article_id), span, changes, note=note)
        except AtlasError as exc:
            st.error(panels.markdown_text(f"Not added: {exc}"))
            return
        (new_id,) = [i for i, v in result.versions.items() if v is not None]
        st.session_state.seen[new_id] = result.versions[new_id]
        st.session_state.gen[0] = st.session_state.gen.get(0, 0) + 1
        st.session_state.update(opened=new_id, done=f"Event {new_id} added (action {result.action_id}).")
        st.rerun()


def review_page() -> None:
    editor = signin.signed_in()
    if editor is None:
        st.text("The review page is for editors: sign in from the sidebar.")
        return
    source = loading.app_inputs(sys.argv[1:])
    try:
        found = event_store(source.store)
    except AtlasError as exc:
        st.error(panels.markdown_text(f"The event store cannot be used: {exc}"))
        return
    for name in ("seen", "gen"):
        st.session_state.setdefault(name, {})
    st.title("Review")
    st.caption(
        "The machine's events, those that most need a person first. Open one, check its sentence, "
        "place and date, then accept, correct or reject it; every action is kept with who and when, "
        "and can be undone. Later runs of the pipeline keep your decisions."
    )
    if st.session_state.get("done"):
        st.success(st.session_state.pop("done"))
    articles, zone_ids = found.articles(), sorted(zone_frame(str(source.zones))["zone_id"])
    wanted = filters(articles, zone_ids)
    items = queue(found.where, found.token(), str(source.zones), wanted)
    st.caption(f"{len(items)} event(s) to review")
    titles = dict(zip(articles["name"], articles["title"], strict=True))
    st.dataframe(review_panel.queue_table(items, titles), hide_index=True, height=260)
    labels = {item.id: review_panel.event_label(item) for item in items}
    pick, by_id = st.columns([3, 1])
    pick.selectbox(
        "Open an event of the queue",
        list(labels),
        index=None,
        format_func=labels.__getitem__,
        key="pick",
        on_change=lambda: open_event(st.session_state.pick),
    )
    by_id.number_input(
        "or by its id",
        min_value=1,
        value=None,
        step=1,
        key="open_id",
        on_change=lambda: open_event(st.session_state.open_id),
    )
    opened = st.session_state.get("opened") or (items[0].id if items else None)
    if opened is not None:
        show_event(found, editor, int(opened))
    add_section(found, editor, articles, first_article(found, opened))


def first_article(found: store.Store, event_id: int | None) -> int | None:
    """The article of the opened event's first report (what "Add an event" starts from)."""
    try:
        reports = detail(found.where, found.token(), int(event_id)).reports if event_id else ()
    except AtlasError:
        return None
    return reports[0].article_id if reports else None


review_page()
