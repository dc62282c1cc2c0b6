"""Tests for geodata.drafts: one sentence's events before context completes them."""

from __future__ import annotations

import datetime as dt

from _fake_places import fake_find_places

from geodata.articles import Article
from geodata.events import Event, extract_from_articles

D = dt.date.fromisoformat


def events_of(*body: str, published: str = "2021-03-14") -> tuple[Event, ...]:
    art = Article("t.txt", "T", None, None, body, published=D(published), date_source="manifest")
    return extract_from_articles([art], fake_find_places)[0]


def test_talks_and_the_agreement_they_ended_with_are_two_events_at_one_venue() -> None:
    events = events_of("Talks in Ankara ended on Monday with the signing of an agreement on Idlib.")
    assert sorted((e.kind, e.place) for e in events) == [("agreement", "Ankara"), ("talks", "Ankara")]


def test_a_patrol_named_in_a_time_phrase_is_an_event_too() -> None:
    events = events_of("A roadside bomb went off near Saraqib on Tuesday during a joint patrol.")
    assert sorted(e.kind for e in events) == ["attack", "patrol"]


def test_a_statement_dated_by_its_report_and_the_event_by_then() -> None:
    events = events_of(
        "Shells hit Saraqib, the governor told reporters in Ankara on Friday.", published="2021-03-13"
    )
    statement = next(e for e in events if e.kind == "statement")
    attack = next(e for e in events if e.kind == "attack")
    assert (statement.place, statement.date.start) == ("Ankara", D("2021-03-12"))
    assert (attack.place, attack.date.start, attack.date.end) == ("Saraqib", D("2021-03-10"), D("2021-03-12"))


def test_no_statement_for_announcing_ones_own_agreement_or_from_a_source() -> None:
    assert [
        e.kind for e in events_of("Putin and Erdogan announced on Monday that they had agreed on a zone.")
    ] == ["agreement"]
    assert "statement" not in {
        e.kind for e in events_of("On Monday a source told reporters that shells hit Saraqib.")
    }


def test_the_day_before_counts_from_the_last_dated_event() -> None:
    events = events_of(
        "Shells hit Saraqib early on Friday.", "The day before, shells hit Afrin.", published="2021-03-13"
    )
    assert {e.place: e.date.start for e in events} == {"Saraqib": D("2021-03-12"), "Afrin": D("2021-03-11")}


def test_a_briefing_to_the_press_is_an_event_of_its_own() -> None:
    # What was agreed at the talks is what the briefing is about; the briefing is news itself.
    events = events_of(
        "More must be known about what was agreed at the talks in Ankara, the ministry's spokesman"
        " told reporters on Friday.",
        published="2021-03-13",
    )
    statement = next(e for e in events if e.kind == "statement")
    assert statement.date.start == D("2021-03-12")
    # Undated, it is dated by the report; a witness telling an agency is a source, not news.
    (undated,) = events_of("The foreign minister told AFP that the convoy would turn back.")
    assert (undated.kind, undated.date_source) == ("statement", "publication")
    witness = events_of("A farmer told Reuters that the convoy turned back.")
    assert "statement" not in {e.kind for e in witness}


def test_a_leading_after_phrase_sets_the_scene_for_the_news() -> None:
    events = events_of(
        "After reports of shelling near Saraqib, the president held an emergency meeting"
        " in Ankara on Friday.",
        published="2021-03-13",
    )
    assert [(e.kind, e.place) for e in events] == [("talks", "Ankara")]
    # "Since ..." opening a clause of its own is not a scene-setting phrase.
    events = events_of("Since Friday shells have landed in Afrin, and forces shelled Saraqib.")
    assert ("attack", "Afrin") in {(e.kind, e.place) for e in events}


def test_a_news_conference_is_a_statement_where_it_was_held() -> None:
    events = events_of(
        "At a news conference in Ankara on Friday, the defence minister said the post was safe."
    )
    assert [(e.kind, e.place) for e in events] == [("statement", "Ankara")]
    # Named in an "After ..." phrase, it sets the scene for the news.
    assert (
        events_of("After the leaders' news conference, the ministers met in Ankara on Friday.")[0].kind
        == "talks"
    )


def test_a_noun_that_came_after_another_event_refers_back() -> None:
    (event,) = events_of("The strikes on the villages near Afrin came after rebels seized Saraqib on Friday.")
    assert (event.kind, event.place) == ("other", "Saraqib")
    # A noun with a verb of its own is the news.
    events = events_of("The strikes on the villages near Afrin killed four people on Friday.")
    assert [(e.kind, e.place) for e in events] == [("attack", "Afrin")]


def test_what_a_speaker_adds_is_a_clause_of_its_own() -> None:
    events = events_of(
        "Shells hit Afrin on Monday, the governor said, adding that troops pulled back from Saraqib."
    )
    assert {(e.kind, e.place) for e in events} == {("attack", "Afrin"), ("deployment", "Saraqib")}


def test_a_statement_opening_with_its_date() -> None:
    (event,) = events_of(
        "On Friday the UN envoy voiced concern that the talks might fail.", published="2021-03-13"
    )
    assert (event.kind, event.date.start) == ("statement", D("2021-03-12"))


def test_each_site_a_list_names_with_its_own_count_is_an_event() -> None:
    events = events_of(
        "Shelling killed four people in Saraqib on Monday, two children in Afrin and one man in Manbij."
    )
    assert sorted(e.place for e in events if e.kind == "attack") == ["Afrin", "Manbij", "Saraqib"]
    # An apposition is no list.
    (event,) = events_of("Shelling hit Saraqib, a town near Afrin, on Monday.")
    assert event.place == "Saraqib"


def test_the_place_that_hosts_talks_is_their_venue() -> None:
    events = events_of(
        "Ministers met in Moscow on Friday.",
        "In May the Turkish city of Ankara hosted a conference on the zone.",
        published="2021-06-13",
    )
    conference = next(e for e in events if e.date.start == D("2021-05-01"))
    assert (conference.kind, conference.place) == ("talks", "Ankara")


def test_a_strike_back_is_an_attack_of_its_own() -> None:
    events = events_of(
        "Shells hit a post near Saraqib on Monday, the ministry said, adding that the army had hit back."
    )
    assert [e.kind for e in events] == ["attack", "attack"]


def test_what_was_agreed_to_does_not_take_the_place_of_the_agreement() -> None:
    # The agreement is the news; what it provides for (a withdrawal later) is its content.
    events = events_of("An agreement to withdraw troops from Saraqib was reached in Ankara on Monday.")
    assert [(e.kind, e.status) for e in events] == [("agreement", "occurred")]
