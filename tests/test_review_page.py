"""The review page (``review_page.py``) run headless with Streamlit's AppTest: an editor opens an
event of the queue, corrects its date and its place (found by a gazetteer search), rejects another
(a reason is required), adds one from a sentence, undoes an action, merges two events and splits
them again, and filters the queue; every write reaches the store
with the editor's name and shows in the event's history; article text is escaped; and two sessions
that opened the same event cannot overwrite each other: the second save is refused with both
versions, and its form keeps the editor's values (on the embedded store and on PostGIS)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geodata import editors, review_queue, settings
from geodata.intake import ArticleMeta
from geodata.store import Store, open_store
from tests.conftest import drop_postgis_database, new_postgis_database
from tests.test_app import app_store, seeded_file, sign_in, start

__all__ = ["app_store", "seeded_file"]  # fixtures this module uses

PAGE = "review_page.py"


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
    rows = {r["Field"]: r for r in ben.dataframe[1].value.to_dict("records")}
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
