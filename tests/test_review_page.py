"""The review page (``ui/review_page.py``) run headless with Streamlit's AppTest: an editor opens an
event of the queue, corrects its date and its place (found by a gazetteer search), rejects another
(a reason is required), adds one from a sentence, undoes an action, merges two events and splits
them again, and filters the queue; every write reaches the store
with the editor's name and shows in the event's history; article text is escaped; and two sessions
that opened the same event cannot overwrite each other: the second save is refused with both
versions, and its form keeps the editor's values (on the embedded store and on PostGIS). When a
new pipeline disagrees with a correction, "Keep mine" and "Take the machine's" settle it; a point
typed into the place form (or picked on the map: the form it fills is the same) is previewed on
the map and saved, and a bad one is refused with a message naming the field, nothing saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geodata import editors, events, livemap, panels, review, review_queue, settings
from geodata.dates import DateInterval
from geodata.intake import ArticleMeta
from geodata.store import Store, open_store
from tests.conftest import drop_postgis_database, new_postgis_database
from tests.test_app import app_store, seeded_file, sign_in, start

__all__ = ["app_store", "seeded_file"]  # fixtures this module uses

PAGE = "ui/review_page.py"  # as app.py names it to st.Page


@pytest.fixture
def review_store(app_store: Path, accounts_file: Path) -> Path:
    """A seeded store of this test's own, the app pointed at it (``test_app.app_store``), and the
    editors ana and ben."""
    return app_store


def review_page(editor: str = "ana") -> AppTest:
    at = start({"date": "2019-03-08"}, editor=editor)
    at.switch_page(PAGE)
    return at.run()


def open_event(at: AppTest, event_id: int) -> AppTest:
    at.number_input(key="open_id").set_value(event_id)
    return at.run()


def key(at: AppTest, event_id: int) -> str:
    """The prefix of the opened event's form widgets (it changes after each save)."""
    return f"e{event_id}-{at.session_state['gen'].get(event_id, 0)}-"


def event(where: str | Path, event_id: int) -> dict[str, Any]:
    with open_store(where) as opened:
        return dict(review_queue.event_detail(opened, event_id).event)


def machine_events(where: str | Path) -> list[int]:
    with open_store(where) as opened:
        return [item.id for item in review_queue.review_queue(opened) if item.date_start is not None]


def set_date_and_place(at: AppTest, event_id: int, day: dt.date, query: str) -> AppTest:
    prefix = key(at, event_id)
    at.date_input(key=f"{prefix}start").set_value(day)
    at.date_input(key=f"{prefix}end").set_value(day)
    at.radio(key=f"{prefix}how").set_value("from the gazetteer")
    at.run()
    at.text_input(key=f"{prefix}query").input(query)
    at.run()
    at.text_input(key=f"{prefix}note").input("per the ministry")
    return at


def test_an_editor_corrects_rejects_adds_and_undoes_on_the_page(review_store: Path) -> None:
    at = review_page()
    assert not at.exception
    assert at.title[0].value == "Review"
    queue = at.dataframe[0].value
    assert list(queue.columns)[-1] == "Why"
    assert queue["Why"].str.len().min() > 0  # each event says why it is in the queue
    first, second = machine_events(review_store)[:2]
    before = event(review_store, first)

    open_event(at, first)
    set_date_and_place(at, first, dt.date(2019, 3, 7), "Saraqib")
    at.button(key=f"{key(at, first)}save").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Event {first} corrected (action ")
    after = event(review_store, first)
    assert (after["review"], after["place_id"], after["date_start"]) == (
        "edited",
        "gn:164816",
        dt.date(2019, 3, 7),
    )
    assert after["version"] == before["version"] + 1
    (history,) = [h.proto.body for h in at.get("html") if "History, oldest first" in h.proto.body]
    assert "<td>ana</td><td>edit</td>" in history
    assert "<td>per the ministry</td>" in history
    assert f"place: {before['place']} → Saraqib" in history

    open_event(at, second)
    reject = at.button(key=f"{key(at, second)}reject")
    assert reject.disabled  # no reason, no rejection
    at.text_input(key=f"{key(at, second)}reason").input("an opinion, not an event")
    at.run()
    at.button(key=f"{key(at, second)}reject").click()
    at.run()
    assert event(review_store, second)["review"] == "rejected"

    at.selectbox(key="add-sentence").set_value(1)
    prefix = f"add-{at.session_state['gen'].get(0, 0)}-"
    at.selectbox(key=f"{prefix}kind").set_value("attack")
    at.button(key=f"{prefix}add").click()
    at.run()
    assert not at.exception
    added = at.session_state["opened"]
    assert event(review_store, added)["review"] == "added"
    assert event(review_store, added)["kind"] == "attack"

    undo = next(b for b in at.button if b.label.startswith("Undo action"))
    undo.click()
    at.run()
    assert not at.exception
    with pytest.raises(Exception, match=str(added)):
        event(review_store, added)  # the added event is gone again


def test_article_text_on_the_page_is_text(review_store: Path) -> None:
    hostile = "Joint patrol <img src=x onerror=alert(1)> near [Saraqib](https://evil.example)"
    with open_store(review_store) as opened:
        text = f"Patrol report\nTurkish and Russian troops conducted a {hostile} on 12 May 2024.\n"
        meta = ArticleMeta("hostile.txt", dt.date(2024, 5, 13), "Wire", "javascript:alert(1)")
        opened.add_article(text, meta, by="test")
        (new,) = [i.id for i in review_queue.review_queue(opened) if i.articles == ("hostile.txt",)]
    at = open_event(review_page(), new)
    (marked,) = [h for h in at.get("html") if "<mark>" in h.proto.body]
    assert "&lt;img src=x onerror=alert(1)&gt;" in marked.proto.body
    assert "<img" not in marked.proto.body
    assert "[Saraqib](https://evil.example)" in marked.proto.body
    assert not [b for b in at.get("link_button") if "javascript" in b.proto.url]
    assert any(t.value == "Address (not a web link): javascript:alert(1)" for t in at.text)


def conflict_rows(at: AppTest) -> dict[str, dict[str, str]]:
    """The refused save beside the saved event, as the page shows it: field name: its row."""
    (table,) = [h.proto.body for h in at.get("html") if "Your change beside the event" in h.proto.body]
    (frame,) = pd.read_html(io.StringIO(table), keep_default_na=False)
    return {str(r["Field"]): {k: str(v) for k, v in r.items()} for r in frame.to_dict("records")}


def conflict_between_two_sessions(where: str | Path) -> None:
    """ana and ben open the same event; ana saves; ben's save is refused with both versions shown,
    and his form still holds what he typed."""
    (event_id, *_) = machine_events(where)
    ana, ben = review_page("ana"), review_page("ben")
    for at in (ana, ben):
        open_event(at, event_id)
    set_date_and_place(ana, event_id, dt.date(2019, 3, 7), "Saraqib")
    ana.button(key=f"{key(ana, event_id)}save").click()
    ana.run()
    assert ana.success
    saved = event(where, event_id)
    set_date_and_place(ben, event_id, dt.date(2019, 3, 1), "Idlib")
    ben.button(key=f"{key(ben, event_id)}save").click()
    ben.run()
    assert not ben.exception
    assert ben.error[0].value.startswith("Not saved: someone else changed this event")
    rows = conflict_rows(ben)
    assert rows["date_start"]["Your change (not saved)"] == "2019-03-01"
    assert rows["date_start"]["Saved now"] == "2019-03-07"
    assert rows["place_id"]["Saved now"] == "gn:164816"
    assert ben.date_input(key=f"{key(ben, event_id)}start").value == dt.date(2019, 3, 1)  # kept
    assert event(where, event_id) == saved  # nothing of ben's was written
    (entry,) = [h for h in review_queue.event_history(open_store(where), event_id) if h.by in ("ana", "ben")]
    assert entry.by == "ana"


def test_two_sessions_cannot_overwrite_each_other(review_store: Path) -> None:
    conflict_between_two_sessions(review_store)


def test_two_sessions_on_postgis(
    postgis_server: Any, monkeypatch: pytest.MonkeyPatch, accounts_file: Path
) -> None:
    url = new_postgis_database(postgis_server)
    try:
        with open_store(url) as fresh:
            assert isinstance(fresh, Store)  # filled with the seeds on first use
        monkeypatch.setattr(sys, "argv", ["app.py", "--store", url])
        st.cache_resource.clear()
        st.cache_data.clear()
        conflict_between_two_sessions(url)
    finally:
        st.cache_resource.clear()  # the app's engines let go of the database before it is dropped
        drop_postgis_database(postgis_server, url)


def test_a_sign_out_closes_the_page(review_store: Path) -> None:
    at = review_page()
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    with pytest.raises(ValueError, match=r"review_page\.py"):
        at.switch_page(PAGE)
    assert sign_in(at, "ana").session_state["editor"].name == "ana"


def test_the_page_run_alone_with_a_forged_editor_writes_nothing(
    review_store: Path, accounts_file: Path
) -> None:
    """The page script run by itself (not through the app's navigation) with a forged editor and the
    widget keys of its forms set: it says it is for editors, draws no form, and the store is unchanged."""
    with open_store(review_store) as opened:
        before = opened.token()
    (event_id, *_) = machine_events(review_store)
    now = dt.datetime.now(dt.UTC)
    at = AppTest.from_file(str(settings.ROOT / PAGE), default_timeout=60)
    at.session_state["editor"] = editors.Editor(
        "ana", now, now + dt.timedelta(hours=1), accounts_file, "f" * 64
    )
    at.session_state["opened"] = event_id
    at.session_state[f"e{event_id}-0-reason"] = "crafted"
    at.session_state["seen"] = {event_id: 1}
    at.query_params.update({"edit": "1", "event": str(event_id)})
    at.run()
    assert not at.exception
    assert [t.value for t in at.text] == ["The review page is for editors: sign in from the sidebar."]
    assert not at.button
    assert not at.text_input
    with open_store(review_store) as opened:
        assert opened.token() == before


def test_the_queue_filters_by_kind_zone_article_and_dates(review_store: Path) -> None:
    at = review_page()
    everything = at.dataframe[0].value
    at.multiselect[0].set_value(["patrol"])
    at.run()
    patrols = at.dataframe[0].value
    assert set(patrols["Kind"]) == {"patrol"}
    assert len(patrols) == (everything["Kind"] == "patrol").sum()
    at.date_input[0].set_value(dt.date(2019, 4, 1))
    at.run()
    later = at.dataframe[0].value
    assert 0 < len(later) < len(patrols)
    with open_store(review_store) as opened:
        wanted = review_queue.QueueFilter(kinds=("patrol",), date_from=dt.date(2019, 4, 1))
        assert list(later["Id"]) == [item.id for item in review_queue.review_queue(opened, wanted)]
        first_article = int(opened.articles()["id"].iloc[0])
        by_article = [
            i.id
            for i in review_queue.review_queue(opened, review_queue.QueueFilter(article_id=first_article))
        ]
    at.multiselect[0].set_value([])
    at.date_input[0].set_value(None)
    at.selectbox[0].set_value(first_article)
    at.run()
    assert list(at.dataframe[0].value["Id"]) == by_article
    at.selectbox[0].set_value(None)
    at.selectbox[1].set_value(at.selectbox[1].options[1])  # a zone
    at.run()
    assert not at.exception
    assert len(at.dataframe[0].value) < len(everything)


def test_merge_two_events_then_split_them_again(review_store: Path) -> None:
    keep, other = machine_events(review_store)[:2]
    at = open_event(review_page(), keep)
    at.number_input(key=f"{key(at, keep)}other").set_value(other)
    at.run()
    at.button(key=f"{key(at, keep)}merge").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Event {other} merged into event {keep}")
    with open_store(review_store) as opened:
        merged = review_queue.event_detail(opened, keep)
        assert len(merged.reports) >= 2
        assert other not in {i.id for i in review_queue.review_queue(opened)}
    moving = merged.reports[-1].key
    at.multiselect(key=f"{key(at, keep)}split").set_value([moving])
    at.run()
    at.button(key=f"{key(at, keep)}dosplit").click()
    at.run()
    assert not at.exception
    with open_store(review_store) as opened:
        assert [r.key for r in review_queue.event_detail(opened, keep).reports] == [
            r.key for r in merged.reports[:-1]
        ]
        history = review_queue.event_history(opened, keep)
    assert [(h.by, h.action) for h in history if h.action_id] == [("ana", "merge"), ("ana", "split")]


# --- the machine disagrees: keep mine, or take the machine's ---

MACHINE_DAY = dt.date(2019, 4, 20)


def disagreements_on(where: str | Path, ana: editors.Editor, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """ana corrects the dates of two events; then a "new pipeline" (9.9.9) dates both on
    ``MACHINE_DAY``: each gets an open disagreement. Their ids."""
    chosen = machine_events(where)[:2]
    with open_store(where) as opened:
        quotes = set()
        for event_id in chosen:
            found = review_queue.event_detail(opened, event_id)
            quotes.add(found.reports[0].sentence)
            day = {"date_start": dt.date(2019, 3, 7), "date_end": dt.date(2019, 3, 7)}
            review.edit(opened, ana, event_id, day, version=int(found.event["version"]), note="per the log")
        real = events.extract_from_articles

        def upgraded(articles: Any, find_places: Any) -> Any:
            found, problems = real(list(articles), find_places)
            day = DateInterval(MACHINE_DAY, MACHINE_DAY, "day")
            return tuple(
                dataclasses.replace(e, date=day) if e.sources[0].sentence in quotes else e for e in found
            ), problems

        monkeypatch.setattr(events, "extract_from_articles", upgraded)
        monkeypatch.setattr(events, "PIPELINE_VERSION", "9.9.9")
        assert opened.reextract(by="robot").disagreements == 2
    return chosen


def open_disagreements(where: str | Path) -> dict[int, int]:
    """Event id: its open disagreement's id."""
    with open_store(where) as opened:
        return {d.event_id: d.id for d in review_queue.disagreement_list(opened)}


def test_keep_mine_and_take_the_machines_settle_a_disagreement(
    review_store: Path, ana: editors.Editor, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, taken = disagreements_on(review_store, ana, monkeypatch)
    listed = open_disagreements(review_store)
    assert set(listed) == {kept, taken}
    at = open_event(review_page(), kept)
    assert any(t.value.startswith("The machine disagrees (pipeline 9.9.9") for t in at.text)
    (table,) = [d.value for d in at.dataframe if "Machine now" in d.value.columns]
    rows = {r["Field"]: r for r in table.to_dict("records")}
    assert (rows["date_start"]["Machine now"], rows["date_start"]["Person's version"]) == (
        "2019-04-20",
        "2019-03-07",
    )  # the machine's new reading beside the person's
    at.button(key=f"resolve{listed[kept]}False").click()  # Keep mine
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Disagreement {listed[kept]} settled (action ")
    after = event(review_store, kept)
    assert (after["date_start"], after["review"]) == (dt.date(2019, 3, 7), "edited")
    assert not [b for b in at.button if b.label == "Keep mine"]  # settled: no longer offered

    open_event(at, taken)
    at.button(key=f"resolve{listed[taken]}True").click()  # Take the machine's
    at.run()
    assert not at.exception
    after = event(review_store, taken)
    assert (after["date_start"], after["date_end"], after["review"]) == (MACHINE_DAY, MACHINE_DAY, "edited")
    assert open_disagreements(review_store) == {}
    with open_store(review_store) as opened:
        for event_id in (kept, taken):
            actions = [(h.by, h.action) for h in review_queue.event_history(opened, event_id) if h.action_id]
            assert actions == [("ana", "edit"), ("ana", "resolve")]


# --- the place form's point (typed, or filled by a click on the map) ---


def point_form(at: AppTest, event_id: int, **values: Any) -> AppTest:
    prefix = key(at, event_id)
    at.radio(key=f"{prefix}how").set_value("a point")
    at.run()
    for name, value in values.items():
        widget = at.selectbox(key=f"{prefix}geo") if name == "geo" else at.number_input(key=f"{prefix}{name}")
        widget.set_value(value)
    return at.run()


def pick_map_config(at: AppTest, event_id: int) -> dict[str, Any]:
    """What the pick map of ``event_id`` was sent on the last run."""
    (mount,) = [c.proto for c in at.get("bidi_component") if c.proto.id.endswith(f"pick-{event_id}")]
    return dict(json.loads(mount.json))


def test_a_typed_point_is_previewed_then_saved(review_store: Path) -> None:
    (event_id, *_) = machine_events(review_store)
    at = point_form(
        open_event(review_page(), event_id), event_id, lon=36.71234, lat=35.90123, geo="district", km=4.0
    )
    assert not at.exception
    preview = pick_map_config(at, event_id)["preview"]
    assert (preview["lon"], preview["lat"], preview["km"]) == (36.71234, 35.90123, 4.0)
    # The base map travels in the datasets' own small component, not with the pick map's Leaflet.
    (basemap,) = [c.proto for c in at.get("bidi_component") if c.proto.id.endswith("pick-basemap")]
    assert basemap.component_name == "atlas_data"
    assert len(basemap.js_content) == len(livemap.data_script())
    assert event(review_store, event_id)["lon"] != 36.71234  # previewed, not saved
    at.button(key=f"{key(at, event_id)}save").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Event {event_id} corrected")
    after = event(review_store, event_id)
    assert (after["lon"], after["lat"], after["geo_precision"], after["uncertainty_km"]) == (
        pytest.approx(36.71234),
        pytest.approx(35.90123),
        "district",
        4.0,
    )
    assert (after["review"], after["place_id"], after["place_source"]) == ("edited", None, "person")
    assert pick_map_config(at, event_id)["preview"] is None  # the saved place is the event's now


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"lon": 236.5, "lat": 35.9}, ["Longitude 236.5 is outside -180 to 180 degrees."]),
        ({"lon": 36.7, "lat": -91.0}, ["Latitude -91 is outside -90 to 90 degrees."]),
        ({"lon": 36.7}, ["Latitude is missing: a point needs both Longitude and Latitude."]),
        ({"lon": 36.7, "lat": 35.9, "km": -3.0}, ["Uncertainty (km) must be a number from 0 to 20000."]),
    ],
)
def test_a_bad_point_is_refused_naming_its_field(
    review_store: Path, values: dict[str, float], words: list[str]
) -> None:
    (event_id, *_) = machine_events(review_store)
    with open_store(review_store) as opened:
        before = opened.token()
    at = point_form(open_event(review_page(), event_id), event_id, **values)
    assert pick_map_config(at, event_id)["preview"] is None  # nothing to preview
    at.button(key=f"{key(at, event_id)}save").click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [panels.markdown_text("Not saved: " + " ".join(words))]
    assert not at.success
    with open_store(review_store) as opened:
        assert opened.token() == before  # nothing written
    assert at.number_input(key=f"{key(at, event_id)}lon").value == values["lon"]  # the form keeps them


def test_a_seeds_run_says_review_works_on_the_store(
    review_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``--seeds`` the map shows a folder's events, not the store's: the page says so and offers
    no queue of the store's events (which the map does not show)."""
    monkeypatch.setattr(sys, "argv", [*sys.argv, "--seeds", str(settings.ROOT / "seeds")])
    at = review_page()
    assert not at.exception
    (said,) = [t.value for t in at.main.text]
    assert "--seeds" in said
    assert "start the app without --seeds" in said
    assert not at.main.number_input
    assert not at.main.button
