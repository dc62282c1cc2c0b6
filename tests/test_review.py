"""People's review actions (``geodata/review.py``), on both store backends.

Every action is checked with its history and its undo; the optimistic version check with two
store handles (two sessions of the app); and that no write happens without a signed-in editor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from geodata import editors, export, review
from geodata._errors import ConflictError, StoreError, UsageError
from geodata.editors import Editor, NotSignedInError
from geodata.review_queue import QueueFilter, article_text, event_detail, event_history, review_queue
from geodata.store import Store, open_store
from geodata.store_tables import STORE_TABLES
from tests.test_store import META_A, META_B, PATROL_A, PATROL_B


@pytest.fixture
def store(new_store_url: Callable[[], str]) -> Iterator[Store]:
    """A store holding the seeds (24 machine events)."""
    with open_store(new_store_url()) as opened:
        yield opened


def by_event_id(store: Store) -> dict[str, Any]:
    """Queue items of every event, by public event id (row id and version)."""
    items = review_queue(store, QueueFilter(include_reviewed=True))
    return {item.event_id: item for item in items}


def frame_row(store: Store, event_id: str) -> dict[str, Any]:
    events = store.frames()["events"]
    [row] = events[events["event_id"] == event_id].to_dict("records")
    return row


def table_rows(store: Store, table: str) -> list[dict[str, Any]]:
    [chosen] = [t for t in STORE_TABLES if t.name == table]
    with store._transaction() as conn:
        return [dict(r) for r in conn.execute(sa.select(chosen).order_by(chosen.c.id)).mappings()]


def without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(({k: v for k, v in r.items() if k != "id"} for r in rows), key=lambda r: str(r["key"]))


def test_accept_edit_and_reject_are_recorded_and_undone(store: Store, ana: Editor) -> None:
    items = by_event_id(store)
    patrol, talks, statement = items["ev-f22be91a7e1c"], items["ev-5c8083cd26bf"], items["ev-f4b06e73d39d"]

    accepted = review.accept(store, ana, patrol.id, version=patrol.version, note="checked the source")
    assert accepted.versions == {patrol.id: 2}
    assert frame_row(store, patrol.event_id)["review"] == "accepted"

    edited = review.edit(
        store, ana, talks.id,
        {"place_id": "gn:164816", "date_start": "2019-04-09", "date_end": dt.date(2019, 4, 9)},
        version=talks.version, note="the meeting was at Saraqib the next day",
    )  # fmt: skip
    row = frame_row(store, talks.event_id)  # the public id stays; the fields are the person's
    assert (row["review"], row["place"], row["date_start"], row["date_precision"]) == (
        "edited", "Saraqib", "2019-04-09", "day",
    )  # fmt: skip
    assert row["geometry"].x == pytest.approx(36.806, abs=0.01)  # the gazetteer's Saraqib

    rejected = review.reject(store, ana, statement.id, reason="an opinion, not an event", version=1)
    assert frame_row(store, statement.event_id)["review"] == "rejected"
    exported = export.select(store.frames(), export.ExportView(("events",)))["events"]
    assert statement.event_id not in set(exported["event_id"])

    [entry] = [e for e in event_history(store, talks.id) if e.action_id == edited.action_id]
    assert (entry.by, entry.action, entry.note) == ("ana", "edit", "the meeting was at Saraqib the next day")
    assert entry.changed["place"] == ("Moscow", "Saraqib")
    assert entry.changed["review"] == ("machine", "edited")
    assert entry.changed["date_start"][1] == "2019-04-09"
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["reports"] == entry.after["reports"]
    [action] = [a for a in table_rows(store, "review_actions") if a["id"] == rejected.action_id]
    assert (action["action"], action["by"], action["note"], action["events"]) == (
        "reject", "ana", "an opinion, not an event", [statement.id],
    )  # fmt: skip

    before_undo = frame_row(store, talks.event_id)
    undone = review.undo(store, ana, edited.action_id, note="wrong event")
    assert undone.versions == {talks.id: 3}
    row = frame_row(store, talks.event_id)
    assert (row["review"], row["place"], row["date_start"]) == ("machine", "Moscow", "2019-04-08")
    history = event_history(store, talks.id)
    assert [e.action for e in history if e.action_id] == ["edit", "undo"]
    assert history[-2].undone_by == undone.action_id
    with pytest.raises(StoreError, match="undone already"):
        review.undo(store, ana, edited.action_id)
    review.undo(store, ana, undone.action_id, note="it was right after all")  # an undo can be undone
    assert frame_row(store, talks.event_id) | {"geometry": None} == before_undo | {"geometry": None}
    review.undo(store, ana, rejected.action_id)
    assert frame_row(store, statement.event_id)["review"] == "machine"


def test_an_edit_checks_every_field_and_says_all_that_is_wrong(store: Store, ana: Editor) -> None:
    item = by_event_id(store)["ev-f22be91a7e1c"]
    bad = {
        "kind": "riot", "date_start": "2019-03-09", "date_end": "2019-03-01", "place_id": "gn:0",
        "geo_precision": "street",
    }  # fmt: skip
    with pytest.raises(UsageError) as caught:
        review.edit(store, ana, item.id, bad, version=item.version)
    message = str(caught.value)
    for part in (
        "kind 'riot'",
        "date_end 2019-03-01 is before",
        "'gn:0' is not in the gazetteer",
        "'street'",
    ):
        assert part in message
    with pytest.raises(UsageError, match="cannot change confidence"):
        review.edit(store, ana, item.id, {"confidence": 1.0}, version=item.version)
    with pytest.raises(UsageError, match="needs its geo_precision and uncertainty_km"):
        review.edit(store, ana, item.id, {"lon": 36.7, "lat": 35.8}, version=item.version)
    with pytest.raises(UsageError, match="lat 95 is outside"):
        review.edit(
            store, ana, item.id, {"lon": 36.7, "lat": 95, "geo_precision": "point", "uncertainty_km": 1},
            version=item.version,
        )  # fmt: skip
    with pytest.raises(UsageError, match="nothing to change"):
        review.edit(store, ana, item.id, {"kind": "patrol"}, version=item.version)
    assert store.history()["action_id"].isna().all()  # nothing was written


def test_a_clicked_point_an_unlocated_event_and_actors(store: Store, ana: Editor) -> None:
    item = by_event_id(store)["ev-3e156880c1c5"]  # an unlocated statement
    clicked = {
        "lon": 36.71,
        "lat": 35.93,
        "geo_precision": "point",
        "uncertainty_km": 0.5,
        "place": "a checkpoint",
    }
    review.edit(store, ana, item.id, clicked | {"actors": ["Turkey", " Russia "]}, version=item.version)
    row = frame_row(store, item.event_id)
    assert (row["place"], row["geo_precision"], row["uncertainty_km"]) == ("a checkpoint", "point", 0.5)
    assert pd.isna(row["place_id"])
    assert (row["geometry"].x, row["geometry"].y, row["actors"]) == (36.71, 35.93, "Turkey, Russia")
    review.edit(store, ana, item.id, {"place_id": None}, version=item.version + 1)
    row = frame_row(store, item.event_id)
    assert row["geometry"] is None
    assert pd.isna(row["place"])


def test_merge_two_events_into_one_and_undo_it(store: Store, ana: Editor) -> None:
    items = by_event_id(store)
    keep, other = items["ev-0e861ef527f0"], items["ev-a50fcb0db1d1"]  # two patrols around Idlib in spring
    before = {r["id"]: r for r in table_rows(store, "events")}
    links_before = table_rows(store, "event_sources")
    merged = review.merge(
        store, ana, keep.id, other.id, versions=(keep.version, other.version), note="one patrol"
    )
    assert merged.versions == {keep.id: 2, other.id: None}
    frame = store.frames()["events"]
    assert other.event_id not in set(frame["event_id"])
    row = frame_row(store, keep.event_id)
    assert row["review"] == "edited"
    assert row["also_reported_in"] == other.articles[0]
    detail = event_detail(store, keep.id)
    assert [r.article for r in detail.reports] == [*keep.articles, *other.articles]

    review.undo(store, ana, merged.action_id)
    after = {r["id"]: r for r in table_rows(store, "events")}
    for event_id in (keep.id, other.id):
        assert {k: v for k, v in after[event_id].items() if k not in ("version", "updated_at")} == {
            k: v for k, v in before[event_id].items() if k not in ("version", "updated_at")
        }
    assert (after[other.id]["version"], after[keep.id]["version"]) == (2, 3)
    assert without_ids(table_rows(store, "event_sources")) == without_ids(links_before)


def test_split_one_event_into_two_by_its_reports_and_undo_it(
    new_store_url: Callable[[], str], ana: Editor
) -> None:
    with open_store(new_store_url(), seeds=None) as store:
        store.add_article(PATROL_A, META_A, by="ana")
        store.add_article(PATROL_B, META_B, by="ben")  # the same patrol: one event, two reports
        [event] = review_queue(store)
        detail = event_detail(store, event.id)
        keys = [r.key for r in detail.reports]
        with pytest.raises(UsageError, match="some but not all"):
            review.split(store, ana, event.id, keys, version=event.version)
        split = review.split(store, ana, event.id, keys[1:], version=event.version, note="two patrols")
        [new_id] = [i for i in split.versions if i != event.id]
        frame = store.frames()["events"].set_index("article")
        assert list(frame["review"]) == ["edited", "edited"]
        assert set(frame.index) == {"a.txt", "b.txt"}
        assert list(frame["also_reported_in"]) == ["", ""]
        assert [r.key for r in event_detail(store, new_id).reports] == keys[1:]
        review.undo(store, ana, split.action_id)
        [back] = store.frames()["events"].to_dict("records")
        assert (back["article"], back["also_reported_in"], back["review"]) == ("a.txt", "b.txt", "machine")
        assert [r.key for r in event_detail(store, event.id).reports] == keys


def test_add_an_event_from_a_selected_sentence(store: Store, ana: Editor) -> None:
    text = article_text(store, 1)
    reported = {(r.paragraph, r.span_start) for item in review_queue(store, QueueFilter(article_id=1))
                for r in event_detail(store, item.id).reports}  # fmt: skip
    paragraph, sentence = next(
        (p, s) for p, spans in enumerate(text.sentences) for s in spans if (p, s.start) not in reported
    )
    span = review.TextSpan(paragraph, sentence.start, sentence.end)
    added = review.add_event(
        store, ana, 1, span, {"kind": "attack", "date_start": "2019-04-20", "place_id": "gn:164816"},
        note="missed by the pipeline",
    )  # fmt: skip
    [event_id] = added.versions
    detail = event_detail(store, event_id)
    assert (detail.event["review"], detail.event["kind"], detail.event["place"]) == (
        "added",
        "attack",
        "Saraqib",
    )
    assert (detail.event["date_end"], detail.event["date_precision"]) == (dt.date(2019, 4, 20), "day")
    [report] = detail.reports
    assert report.paragraph_text is not None
    assert report.paragraph_text[report.span_start : report.span_end] == report.sentence  # type: ignore[misc]
    assert (report.article, report.title) == (text.name, text.title)
    assert frame_row(store, detail.event["event_id"])["quote"] == report.sentence
    with pytest.raises(UsageError, match="select the sentence"):
        review.add_event(store, ana, 1, review.TextSpan(paragraph, 5, 5), {"kind": "attack"})
    with pytest.raises(UsageError, match="needs its kind"):
        review.add_event(store, ana, 1, span, {})
    review.undo(store, ana, added.action_id)
    assert detail.event["event_id"] not in set(store.frames()["events"]["event_id"])


def test_two_sessions_saving_one_event_conflict_and_lose_nothing(
    new_store_url: Callable[[], str], ana: Editor, ben: Editor
) -> None:
    url = new_store_url()
    open_store(url).close()
    with open_store(url) as first, open_store(url) as second:
        item = by_event_id(first)["ev-f22be91a7e1c"]
        rejected = review.reject(
            first, ana, item.id, reason="duplicate of a later report", version=item.version
        )
        with pytest.raises(ConflictError) as caught:  # ben opened the event before ana's save
            review.edit(second, ben, item.id, {"status": "ongoing"}, version=item.version)
        assert caught.value.mine == {"status": "ongoing"}  # his change, to offer again
        assert caught.value.theirs["review"] == "rejected"  # hers, saved
        assert frame_row(second, item.event_id)["review"] == "rejected"
        with pytest.raises(ConflictError):
            review.accept(second, ben, item.id, version=item.version)
        review.edit(second, ben, item.id, {"status": "ongoing"}, version=item.version + 1)
        with pytest.raises(ConflictError, match="undo the later actions first"):
            review.undo(first, ana, rejected.action_id)  # ben changed the event since
        assert frame_row(first, item.event_id)["status"] == "ongoing"


def test_nothing_is_written_without_a_signed_in_editor(store: Store, ana: Editor, accounts_file: Any) -> None:
    item = by_event_id(store)["ev-f22be91a7e1c"]
    token = store.token()
    forged = Editor("ana", ana.signed_in_at, ana.expires_at, ana.accounts, seal="f" * 64)
    for who in ("ana", None, forged, {"name": "ana"}):
        with pytest.raises(NotSignedInError):
            review.accept(store, who, item.id, version=item.version)  # type: ignore[arg-type]
        with pytest.raises(NotSignedInError):
            review.reject(store, who, item.id, reason="x", version=item.version)  # type: ignore[arg-type]
    editors.remove_editor("ana")
    with pytest.raises(NotSignedInError):
        review.accept(store, ana, item.id, version=item.version)
    assert store.token() == token  # not one write
