"""Tests for geodata.events: sentences, triggers, status, places, merging, output, gold scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from _fake_places import fake_find_places
from _gold import HELDOUT_DIR, HELDOUT_GOLD_FILE, load_gold, score

from geodata.articles import Article
from geodata.dates import DateInterval
from geodata.events import (
    Event,
    default_place_finder,
    extract_events,
    extract_from_articles,
    split_sentences,
)
from geodata.gazetteer import Gazetteer

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
ARTICLES = Path(__file__).parent / "data" / "articles"
D = dt.date.fromisoformat


def article(*body: str, published: str | None = "2021-03-14", file: str = "t.txt") -> Article:
    return Article(
        file=file,
        title="Title",
        dateline=None,
        dateline_place=None,
        body=body,
        published=D(published) if published else None,
        date_source="manifest" if published else "none",
    )


def events_of(*body: str, published: str | None = "2021-03-14") -> tuple[Event, ...]:
    events, _ = extract_from_articles([article(*body, published=published)], fake_find_places)
    return events


@pytest.fixture(scope="module")
def seed_run():
    return extract_events(SEEDS, find_places=fake_find_places)


# --- kinds, status, dates, places -----------------------------------------------------------


def test_planned_patrol_with_place_is_not_dated_by_its_announcement() -> None:
    # "on Friday" dates the announcement (a passive with no speaker: no statement event); the
    # patrols are planned with no date of their own.
    (event,) = events_of("Russian and Turkish troops will jointly patrol Idlib, it was announced on Friday.")
    assert (event.kind, event.status, event.place) == ("patrol", "planned", "Idlib")
    assert event.date == DateInterval(D("2021-03-14"), D("2021-04-13"), "range")
    assert event.date_source == "publication"
    assert event.actors[:2] == ("Russia", "Turkey")


def test_background_agreement_keeps_its_own_date() -> None:
    (event,) = events_of("In September 2018, the two presidents signed an agreement in Sochi.")
    assert (event.kind, event.status, event.place) == ("agreement", "occurred", "Sochi")
    assert event.date == DateInterval(D("2018-09-01"), D("2018-09-30"), "month")


def test_talks_take_the_venue_not_the_subject() -> None:
    (event,) = events_of("The ministers held talks on Idlib in Moscow on Monday.")
    assert (event.kind, event.place) == ("talks", "Moscow")


def test_attack_takes_the_site() -> None:
    (event,) = events_of(
        "Yesterday, regime forces carried out a strike on Saraqib, officials in Ankara said."
    )
    assert (event.kind, event.place, event.date.start) == ("attack", "Saraqib", D("2021-03-13"))


def test_negated_and_hypothetical_triggers_are_not_events() -> None:
    assert events_of("The countries failed to agree on Idlib on Monday.") == ()
    assert events_of("Militants may even attempt to attack the patrols in Idlib.") == ()
    assert events_of("The reports of joint patrols around Idlib are not new.") == ()


def test_statement_with_its_own_date_and_the_reported_plan() -> None:
    events = events_of("Last month, the minister announced that joint patrols will be conducted in Idlib.")
    kinds = {(e.kind, e.status) for e in events}
    assert kinds == {("patrol", "planned"), ("statement", "occurred")}
    statement = next(e for e in events if e.kind == "statement")
    assert statement.date.precision == "month"
    assert statement.date.start == D("2021-02-01")


def test_leading_clause_gives_a_background_event_and_an_ongoing_one() -> None:
    events = events_of(
        "Since the Sochi agreement in September, dozens of civilians have been killed in Idlib."
    )
    by_kind = {e.kind: e for e in events}
    assert by_kind["agreement"].place == "Sochi"
    assert by_kind["attack"].status == "ongoing"
    assert by_kind["attack"].date == DateInterval(D("2020-09-01"), D("2021-03-14"), "range")


def test_undated_event_gets_a_window_around_publication() -> None:
    (event,) = events_of("Joint patrols were conducted near Saraqib, officials said.")
    assert event.date == DateInterval(D("2021-03-08"), D("2021-03-14"), "range")
    assert event.date_source == "publication"


def test_event_without_publication_date_is_kept_undated() -> None:
    (event,) = events_of("Joint patrols were conducted near Saraqib.", published=None)
    assert event.date is None
    assert event.place == "Saraqib"


def test_no_events_or_places_from_comments_captions_or_clutter() -> None:
    from geodata.articles import read_articles

    articles, _ = read_articles(ARTICLES)
    events, _ = extract_from_articles(articles, fake_find_places)
    assert events, "the synthetic bodies do report events"
    places = {e.place for e in events}
    assert not places & {"Raqqa", "Afrin", "Aleppo", "Latakia"}
    body = {s for a in articles for p in a.body for s in split_sentences(p)}
    assert all(source.sentence in body for e in events for source in e.sources)


# --- against the hand annotation ------------------------------------------------------------


def _same_or_inside(event: Event, name: str, gazetteer: Gazetteer) -> bool:
    """Whether the event is at the gold place called ``name``, or inside it when that place is a
    governorate (the gazetteer now knows its parts: "southern Idleb" is in "Idleb")."""
    named = gazetteer.lookup(name)
    if event.place_id in {place.place_id for place in named}:
        return True
    found = gazetteer.get(event.place_id)
    pcodes = {place.admin1 for place in named if place.kind == "governorate"}
    return found is not None and found.kind == "region" and found.admin1 in pcodes


@pytest.fixture(scope="module")
def real_run(gazetteer: Gazetteer):
    return extract_events(SEEDS, find_places=default_place_finder(gazetteer))


def test_gold_precision_and_recall_with_the_project_gazetteer(real_run, gazetteer: Gazetteer) -> None:
    def same_place(event: Event, name: str) -> bool:
        return _same_or_inside(event, name, gazetteer)

    result = score(real_run.events, same_place=same_place)
    print(result)  # shown with -s; the numbers are in the final report
    # Floors a little under what the pipeline reached when written (recall 1.00, precision 0.87,
    # dates 1.00, places 0.95), so a real regression fails and small trade-offs do not.
    assert result.recall >= 0.85, result.missed
    assert result.precision >= 0.75, result.spurious
    assert result.date_accuracy >= 0.85
    assert result.place_accuracy >= 0.8


def test_gold_scores_with_the_test_gazetteer(seed_run) -> None:
    result = score(seed_run.events)
    assert result.recall >= 0.85, result.missed
    assert result.precision >= 0.75, result.spurious


def test_no_seed_event_comes_from_comments_or_clutter(real_run, gazetteer: Gazetteer) -> None:
    body = {s for a in real_run.articles for p in a.body for s in split_sentences(p)}
    assert all(source.sentence in body for e in real_run.events for source in e.sources)
    for file, names in load_gold()["forbidden_places"].items():
        forbidden = {place.place_id for name in names for place in gazetteer.lookup(name)}
        assert forbidden, "the gazetteer knows the comment thread's places"
        for event in real_run.events:
            if file in event.articles:
                assert event.place_id not in forbidden, event


@pytest.fixture(scope="module")
def heldout_run(gazetteer: Gazetteer):
    return extract_events(HELDOUT_DIR, find_places=default_place_finder(gazetteer))


def test_heldout_scores_with_the_project_gazetteer(heldout_run, gazetteer: Gazetteer) -> None:
    def same_place(event: Event, name: str) -> bool:
        return _same_or_inside(event, name, gazetteer)

    result = score(heldout_run.events, same_place=same_place, gold_file=HELDOUT_GOLD_FILE)
    print(result)  # shown with -s
    # Before any change made for them: precision 0.89, recall 0.75, dates 0.96, places 0.90, status
    # 0.94; after the general fixes they prompted: 0.99, 0.97, 1.00, 0.99, 1.00 (see
    # tests/data/README.md: these are now development figures). Floors a little under the latter.
    assert result.recall >= 0.9, result.missed
    assert result.precision >= 0.85, result.spurious
    assert result.date_accuracy >= 0.9, result.wrong
    assert result.place_accuracy >= 0.85, result.wrong
    assert result.status_accuracy >= 0.85, result.wrong


def test_no_heldout_event_comes_from_comments_captions_or_clutter(heldout_run, gazetteer: Gazetteer) -> None:
    body = {s for a in heldout_run.articles for p in a.body for s in split_sentences(p)}
    assert all(source.sentence in body for e in heldout_run.events for source in e.sources)
    for file, names in load_gold(HELDOUT_GOLD_FILE)["forbidden_places"].items():
        forbidden = {place.place_id for name in names for place in gazetteer.lookup(name)}
        for event in heldout_run.events:
            if file in event.articles:
                assert event.place_id not in forbidden, event


@pytest.mark.parametrize(
    ("sentence", "kind", "status", "place"),
    [
        (
            "Government forces captured Saraqib on Wednesday after weeks of fighting.",
            "other",
            "occurred",
            "Saraqib",
        ),
        (
            "Two soldiers have been killed in an attack near Saraqib on Friday.",
            "attack",
            "occurred",
            "Saraqib",
        ),
        (
            "The army has been shelling villages near Saraqib since early March.",
            "attack",
            "ongoing",
            "Saraqib",
        ),
        (
            "A joint patrol near Saraqib was cut short on Sunday by protesters.",
            "patrol",
            "occurred",
            "Saraqib",
        ),
        ("A Turkish military convoy entered Idlib on Monday.", "deployment", "occurred", "Idlib"),
        (
            "Russia and Turkey agreed on a ceasefire in Idlib on March 5 in Moscow.",
            "agreement",
            "occurred",
            "Moscow",
        ),
        ("Thousands of people fled Saraqib on Tuesday.", "displacement", "occurred", "Saraqib"),
        ("Warplanes pounded villages near Saraqib on Tuesday.", "attack", "occurred", "Saraqib"),
        (
            # A phone call happens nowhere in particular: Idlib is what it was about.
            "The two leaders spoke by phone on Saturday about the situation in Idlib.",
            "talks",
            "occurred",
            "",
        ),
        (
            "A suicide bomber rammed a car into a joint patrol near Saraqib on Tuesday.",
            "attack",
            "occurred",
            "Saraqib",
        ),
        ("A roadside bomb struck a patrol near Saraqib on Sunday.", "attack", "occurred", "Saraqib"),
        ("Government forces have surrounded a Turkish post near Saraqib.", "other", "occurred", "Saraqib"),
        ("By Wednesday troops had taken three villages near Saraqib.", "other", "occurred", "Saraqib"),
        ("Delegations held a new session in Astana on Monday.", "talks", "occurred", "Astana"),
        (
            "The army announced a ceasefire in Idlib starting at midnight on Thursday.",
            "agreement",
            "occurred",
            "Idlib",
        ),
        # A cessation of hostilities is a truce, placed where it holds.
        (
            "The army declared a cessation of hostilities in Afrin on Friday.",
            "agreement",
            "occurred",
            "Afrin",
        ),
        ("A market in Saraqib was hit by heavy rockets on Monday.", "attack", "occurred", "Saraqib"),
        ("Engineers reinforced the post near Saraqib on Monday.", "deployment", "occurred", "Saraqib"),
        (
            "The fighting drove tens of thousands of people from their homes near Saraqib on Monday.",
            "displacement",
            "occurred",
            "Saraqib",
        ),
        # Patrols meeting a term of a deal are no talks.
        (
            "Troops carried out a patrol near Manbij on Monday, meeting a key term of the deal.",
            "patrol",
            "occurred",
            "Manbij",
        ),
        # Where the news came from, before the reporting verb, is not where it happened.
        (
            "Officials in Aleppo say soldiers will pull out of Saraqib on Friday.",
            "deployment",
            "planned",
            "Saraqib",
        ),
        # "this post" refers back to the place named before it.
        (
            "On Monday trucks entered Saraqib as troops withdrew from this post in Idlib.",
            "deployment",
            "occurred",
            "Saraqib",
        ),
    ],
)
def test_general_sentences(sentence: str, kind: str, status: str, place: str) -> None:
    (event,) = events_of(sentence)
    assert (event.kind, event.status, event.place) == (kind, status, place)


def test_the_city_refers_back_to_the_last_town_named() -> None:
    events = events_of(
        "Officials in Idlib praised the plan. The Manbij road map was signed in June 2018. "
        "Rebels first gained control of the city in 2016."
    )
    other = next(e for e in events if e.kind == "other")
    assert other.place == "Manbij"


# --- clauses, reference and modality (cases met in the held-out articles) ------------------


def _article_with(*body: str, dateline_place: str | None = None, published: str = "2021-03-14") -> Article:
    return Article(
        file="t.txt",
        title="Title",
        dateline=None,
        dateline_place=dateline_place,
        body=body,
        published=D(published),
        date_source="manifest",
    )


def _events_in(*body: str, dateline_place: str | None = None) -> tuple[Event, ...]:
    found, _ = extract_from_articles([_article_with(*body, dateline_place=dateline_place)], fake_find_places)
    return found


def test_an_opening_that_refers_back_gives_way_to_the_news() -> None:
    (event,) = events_of("The talks came a week after two soldiers were killed near Saraqib on March 2.")
    assert (event.kind, event.place, event.date.start) == ("attack", "Saraqib", D("2021-03-02"))


def test_the_terms_of_an_agreement_are_not_events() -> None:
    events = events_of("The deal envisages the withdrawal of fighters from Manbij and joint patrols.")
    assert all(e.kind == "agreement" for e in events)


def test_a_zone_that_is_deployed_somewhere_is_a_state_not_an_event() -> None:
    assert events_of("The second zone is deployed north of Aleppo; the third is near Latakia.") == ()


def test_a_demand_is_not_an_event() -> None:
    assert events_of("Ankara wants the Syrian army to withdraw from Saraqib by the end of March.") == ()


def test_each_clause_reports_its_own_event_sharing_the_date() -> None:
    events = events_of(
        "Airstrikes hit Saraqib on Tuesday, and government forces shelled villages near Afrin."
    )
    assert sorted((e.kind, e.place, e.date.start) for e in events) == [
        ("attack", "Afrin", D("2021-03-09")),
        ("attack", "Saraqib", D("2021-03-09")),
    ]


def test_a_later_clause_keeps_its_own_venue_and_date() -> None:
    events = events_of(
        "The committee was agreed in Sochi in January 2018, and its members were chosen after the "
        "guarantors met in Ankara in September."
    )
    found = {(e.kind, e.place, e.date.start.isoformat()[:7]) for e in events}
    assert found == {("agreement", "Sochi", "2018-01"), ("talks", "Ankara", "2020-09")}


def test_an_agreement_reported_from_abroad_the_same_week_is_placed_at_the_dateline() -> None:
    sentence = "Putin and Erdogan agreed on Thursday on a ceasefire in Syria's Idlib province."
    (abroad,) = _events_in(sentence, dateline_place="Moscow")
    (home,) = _events_in(sentence)
    assert (abroad.kind, abroad.place) == ("agreement", "Moscow")
    assert home.place != "Moscow"


def test_a_ceasefire_taking_effect_is_placed_where_it_holds() -> None:
    events = _events_in(
        "Warplanes pounded Saraqib on Friday.",
        "The ceasefire will take effect at midnight, the minister told a news conference.",
    )
    ceasefire = next(e for e in events if e.kind == "agreement")
    assert (ceasefire.status, ceasefire.place, ceasefire.date.start) == (
        "planned",
        "Saraqib",
        D("2021-03-14"),
    )
    assert not any(e.kind == "talks" for e in events)  # a news conference is not talks


def test_the_area_refers_back_across_paragraphs() -> None:
    first = "Five soldiers were killed near Saraqib on Monday."
    events = _events_in(first, "Turkey retaliated and struck targets in the area.")
    retaliation = [e for e in events if any("retaliated" in s.sentence for s in e.sources)]
    assert [e.place for e in retaliation] == ["Saraqib"]
    unplaced = _events_in(first, "Turkey retaliated and struck targets.")
    assert not any("retaliated" in s.sentence for e in unplaced for s in e.sources)


def test_the_town_never_falls_back_to_a_governorate() -> None:
    events = _events_in(
        "Officials in Idlib praised the plan.", "The town has been shelled repeatedly since March."
    )
    (attack,) = [e for e in events if e.kind == "attack"]
    assert (attack.status, attack.place) == ("ongoing", "")


@pytest.mark.parametrize(
    ("sentence", "kind", "place"),
    [
        ("Rebels pulled their artillery back from Saraqib on Sunday.", "deployment", "Saraqib"),
        ("More than 7,000 people have left Saraqib since January.", "displacement", "Saraqib"),
    ],
)
def test_withdrawals_and_departures(sentence: str, kind: str, place: str) -> None:
    (event,) = events_of(sentence)
    assert (event.kind, event.place) == (kind, place)


def test_a_barrel_bomb_clause_is_its_own_attack() -> None:
    events = events_of(
        "Warplanes carried out strikes on Afrin overnight, and a barrel bomb hit a school in Saraqib."
    )
    assert sorted(e.place for e in events if e.kind == "attack") == ["Afrin", "Saraqib"]


def test_a_date_nearer_another_event_word_is_not_taken() -> None:
    events = events_of(
        "Rebels have completed the withdrawal from Saraqib, the ministry said on Wednesday, meeting the "
        "deadline of the deal signed last month."
    )
    (withdrawal,) = [e for e in events if e.kind == "deployment"]
    # Not "last month" (the deal's); dated by the report: by Wednesday.
    assert withdrawal.date == DateInterval(D("2021-03-08"), D("2021-03-10"), "range")


def test_the_town_nearer_the_event_word_wins_over_a_later_place() -> None:
    events = _events_in(
        "Fighting broke out in Saraqib.",
        "Russia deployed police around the town on Tuesday, after talks with commanders in Aleppo.",
    )
    (deployment,) = [e for e in events if e.kind == "deployment"]
    assert deployment.place == "Saraqib"


def test_people_arriving_are_not_a_deployment_but_troops_are() -> None:
    assert events_of("A mother of four arrived in Saraqib on Monday.") == ()
    (event,) = events_of("Turkish troops arrived in Saraqib on Monday.")
    assert (event.kind, event.place) == ("deployment", "Saraqib")


# --- the news evaluation set, development half (tests/data/news/README.md) ------------------


def test_news_development_half_scores(gazetteer: Gazetteer) -> None:
    from _news_gold import DEV_DIR, load_news, score_news

    run = extract_events(DEV_DIR, find_places=default_place_finder(gazetteer))
    result = score_news(run.events, load_news(DEV_DIR))
    print(result)  # shown with -s; per category: result.category_table()
    # Development figures (measured after tuning on this half; see tests/data/README.md), with a
    # small margin so that a real regression fails.
    assert result.main_recall >= DEV_MAIN_RECALL - 0.05, result.wrong
    assert result.precision >= DEV_PRECISION - 0.05, result.spurious
    assert not result.leaks


DEV_MAIN_RECALL = 0.82
DEV_PRECISION = 0.87


def test_a_statement_made_at_talks_is_placed_at_their_venue() -> None:
    events = events_of(
        "Delegations met in Astana on Monday for a new round of talks.",
        "Nothing was agreed.",
        "At his press conference after the session, the envoy said he was disappointed.",
    )
    statement = next(e for e in events if e.kind == "statement")
    assert (statement.place, statement.place_source) == ("Astana", "context")
    # With no talks referred to, a statement stays where its sentence puts it: nowhere.
    (alone,) = events_of("At a press conference, the envoy said he was disappointed.")
    assert alone.place == ""
