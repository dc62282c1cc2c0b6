"""Tests for geodata.assembly: the time budget per article, linear work, the garbage collector."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from itertools import count

import pytest
from _fake_places import fake_find_places

from geodata.articles import Article
from geodata.assembly import extract_from_articles


def article(file: str, *body: str) -> Article:
    return Article(file, "T", None, None, body, published=dt.date(2021, 3, 14), date_source="manifest")


def test_an_article_over_its_budget_is_named_and_the_next_one_read() -> None:
    long = article("long.txt", *[f"Warplanes pounded Saraqib on Tuesday, day {i}." for i in range(50)])
    short = article("short.txt", "Joint patrols were conducted near Afrin on Friday.")
    ticks: Iterator[int] = count()
    # A clock that moves one second per look: the long article runs out of its 10 seconds.
    events, problems = extract_from_articles(
        [long, short], fake_find_places, budget=10, clock=lambda: next(ticks)
    )
    (problem,) = [p for p in problems if p.file == "long.txt"]
    assert "longer than 10 s" in problem.message
    assert "paragraph" in problem.message
    assert problem.severity == "error"
    assert {e.place for e in events} == {"Saraqib", "Afrin"}  # what was read is kept


def test_a_real_clock_with_no_budget_stops_at_once() -> None:
    events, problems = extract_from_articles(
        [article("a.txt", "Warplanes pounded Saraqib on Tuesday.")], fake_find_places, budget=-1
    )
    assert events == ()
    assert [p.file for p in problems] == ["a.txt"]


def test_a_place_named_thousands_of_times_gives_one_event() -> None:
    # The pathological input of issue 10 (a 96 KB article repeating one place): the place choice
    # is linear in the places named, so this finishes; bench/bench_pipeline.py times it.
    body = "Warplanes struck " + "Saraqib, " * 10_000 + "on Tuesday."
    events, problems = extract_from_articles([article("big.txt", body)], fake_find_places, budget=600)
    assert not [p for p in problems if p.severity == "error"]
    assert [(e.kind, e.place) for e in events] == [("attack", "Saraqib")]


@pytest.mark.parametrize("enabled", [True, False])
def test_a_run_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        extract_from_articles([article("a.txt", "Warplanes pounded Saraqib on Tuesday.")], fake_find_places)
        with pytest.raises(AttributeError):  # an error inside the run restores it too
            extract_from_articles([None], fake_find_places)  # type: ignore[list-item]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_read_article_is_freed_by_reference_counting() -> None:
    # The run pauses the cyclic collector: an article whose objects formed reference cycles
    # would stay in memory until the collector's next pass, which then walks all of them.
    body = (
        "Russian and Turkish troops conducted a joint patrol near Saraqib on Tuesday, officials said.",
        "Shelling hit the outskirts of the town yesterday, killing 4 civilians, monitors reported.",
        "Officials met in the Russian city of Sochi on March 2 to discuss Idlib.",
    )
    articles = [article(f"{i}.txt", *body) for i in range(3)]
    extract_from_articles(articles, fake_find_places)  # warm (caches, patterns)
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        events, _ = extract_from_articles(articles, fake_find_places)
        assert events
        assert gc.collect() == 0
    finally:
        (gc.enable if was else gc.disable)()


def test_a_field_event_in_syria_does_not_take_a_venue_abroad_from_context() -> None:
    events, _ = extract_from_articles(
        [
            article(
                "a.txt",
                "Leaders met in Sochi on Monday. The deal was signed in Sochi.",
                "Under the deal, troops will patrol jointly in northern Syria from Friday.",
            )
        ],
        fake_find_places,
    )
    patrol = next(e for e in events if e.kind == "patrol")
    assert patrol.place == "Syria"


def test_a_later_event_is_counted_from_the_last_date_told_not_from_publication() -> None:
    events, _ = extract_from_articles(
        [
            article(
                "t.txt",
                "Troops set up a post near Saraqib in September 2019. Shells hit Afrin nine months later.",
                "Warplanes pounded Manbij on 2 March. The next day rockets struck Latakia.",
            )
        ],
        fake_find_places,
    )
    dated = {e.place: (e.date.start, e.date.end, e.status) for e in events}
    assert dated["Afrin"] == (dt.date(2020, 6, 1), dt.date(2020, 6, 30), "occurred")
    assert dated["Latakia"] == (dt.date(2021, 3, 3), dt.date(2021, 3, 3), "occurred")
