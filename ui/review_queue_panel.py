"""The review page's queue: its filters, the table of the events that most need a person, and the
choice of the event to open; with the page's cached reads of the store (the queue, an event's
detail), keyed by the store's token so every write shows at once. The rules (what is in the queue,
in which order, and why) are ``geodata.review_queue``'s, the table ``geodata.review_panel``'s."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st

from geodata import review_panel, review_queue, store, zones
from geodata._errors import AtlasError
from geodata.schema import EVENT_KINDS
from ui import store_cache


@st.cache_resource(show_spinner=False)
def zone_frame(folder: str) -> gpd.GeoDataFrame:
    return zones.load_zones(Path(folder)).zones


@st.cache_data(max_entries=16, show_spinner="Reading the queue…")
def queue(
    where: str, token: str, folder: str, wanted: review_queue.QueueFilter
) -> list[review_queue.QueueItem]:
    return review_queue.review_queue(store_cache.event_store(where), wanted, zones=zone_frame(folder))


@st.cache_data(max_entries=32, show_spinner=False)
def detail(where: str, token: str, event_id: int) -> review_queue.EventDetail:
    return review_queue.event_detail(store_cache.event_store(where), event_id)


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
    return review_queue.QueueFilter(article, tuple(kinds), zone, start, end, reviewed)


def queue_panel(found: store.Store, articles: Any, folder: str) -> int | None:
    """The filters, the queue and where to open an event (from the queue or by its id); the event
    opened (the one chosen last, else the queue's first), if any."""
    wanted = filters(articles, sorted(zone_frame(folder)["zone_id"]))
    items = queue(found.where, found.token(), folder, wanted)
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
    return int(opened) if opened is not None else None


def first_article(found: store.Store, event_id: int | None) -> int | None:
    """The article of the opened event's first report (what "Add an event" starts from)."""
    try:
        reports = detail(found.where, found.token(), int(event_id)).reports if event_id else ()
    except AtlasError:
        return None
    return reports[0].article_id if reports else None
