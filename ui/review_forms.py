"""The review page's form parts and its one way to write: the event's fields, its place (kept, a
gazetteer place or a point), the check of a point before anything is saved, and :func:`write`,
which runs a review action and keeps the row versions it made (a conflict keeps the form as it
is). What the fields mean and what is refused are ``geodata.review``'s and ``geodata.pickmap``'s;
this file only draws the widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from geodata import panels, pickmap, review, review_panel
from geodata._errors import AtlasError, ConflictError
from geodata.place_search import project_gazetteer, search_places
from geodata.schema import DATE_PRECISIONS, EVENT_KINDS, EVENT_STATUSES, GEO_PRECISIONS


def form_key(event_id: int) -> str:
    """The prefix of the opened event's form widgets (a new one after each save: fresh values)."""
    return f"e{event_id}-{st.session_state.gen.get(event_id, 0)}-"


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
    st.session_state.seen = review_panel.versions_seen(st.session_state.seen, result.versions)
    st.session_state.gen[event_id] = st.session_state.gen.get(event_id, 0) + 1  # forms show the new values
    st.session_state.update(
        conflict=None, done=f"{done} (action {result.action_id}; it can be undone in the history)."
    )
    st.rerun()


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
