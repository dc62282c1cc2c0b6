"""Tests for geodata.draft_status: whether a draft event is planned, ongoing or occurred."""

from __future__ import annotations

import datetime as dt

from _fake_places import fake_find_places

from geodata.articles import Article
from geodata.events import Event, extract_from_articles

D = dt.date.fromisoformat


def events_of(*body: str, published: str = "2021-03-14") -> tuple[Event, ...]:
    art = Article("t.txt", "T", None, None, body, published=D(published), date_source="manifest")
    return extract_from_articles([art], fake_find_places)[0]


def test_a_future_cue_in_a_clause_of_its_own_does_not_make_a_plan() -> None:
    (event,) = events_of("Talks in Ankara ended on Monday with documents on how the zone will work.")
    assert event.status == "occurred"
    (patrol,) = events_of(
        "The tenth joint patrol near Saraqib was carried out as planned on Monday.", published="2021-03-17"
    )
    assert patrol.status == "occurred"


def test_future_cues_in_the_trigger_after_its_noun_phrase_and_ahead_of() -> None:
    # "will" held by the trigger pattern itself ("will patrol") still says future.
    (patrol,) = events_of("Turkish and Russian troops will patrol jointly near Saraqib.")
    assert patrol.status == "planned"
    # The predicate of the event noun, however long its phrase: "was planned for".
    (call,) = events_of("A phone call between the two presidents was planned for Monday evening.")
    assert (call.kind, call.status) == ("talks", "planned")
    # "ahead of the meeting": the meeting is still to come.
    events = events_of("The envoy spoke to reporters in Ankara ahead of the committee's first meeting.")
    assert {(e.kind, e.status) for e in events} == {("statement", "occurred"), ("talks", "planned")}
    # A past verb after a relative pronoun is not the noun's predicate.
    (talks,) = events_of("Talks in Ankara, which were planned long ago, took place on Friday.")
    assert talks.status == "occurred"


def test_an_event_noun_being_considered_is_a_plan() -> None:
    (talks,) = events_of("A summit of the three leaders in Ankara was being considered, the minister said.")
    assert (talks.kind, talks.status) == ("talks", "planned")


def test_people_who_are_camped_somewhere_are_still_displaced() -> None:
    (camped,) = events_of("Thousands of families are camped near Saraqib.")
    assert (camped.kind, camped.status) == ("displacement", "ongoing")
    (fled,) = events_of("Thousands of families fled Saraqib on Friday.")
    assert fled.status == "occurred"


def test_a_date_after_an_inferred_publication_is_not_the_future() -> None:
    inferred = Article(
        "t.txt", "T", None, None, ("Troops patrolled Manbij on 3 March 2020.",),
        published=dt.date(2020, 2, 1), date_source="inferred",
    )  # fmt: skip
    (event,) = extract_from_articles([inferred], fake_find_places)[0]
    assert event.status == "occurred"
