"""Tests for geodata.merging: reports of one event become one event listing every source."""

from __future__ import annotations

import datetime as dt

from geodata.dates import DateInterval
from geodata.event_records import Event, Source
from geodata.merging import merge_events

D = dt.date.fromisoformat


def _event(article: str, date: DateInterval, place: str = "Sochi", **kw: object) -> Event:
    base = {"kind": "agreement", "status": "occurred", "date": date, "place": place, "place_id": place}
    return Event(**(base | kw), sources=(Source(article, f"{article} sentence"),))  # type: ignore[arg-type]


def test_same_event_in_several_articles_becomes_one() -> None:
    month = DateInterval(D("2018-09-01"), D("2018-09-30"), "month")
    day = DateInterval(D("2018-09-17"), D("2018-09-17"), "day")
    (merged,) = merge_events([_event("a.txt", month), _event("b.txt", day)])
    assert merged.articles == ("a.txt", "b.txt")
    assert merged.date == day  # the narrowest date wins


def test_different_places_or_dates_stay_apart() -> None:
    day = DateInterval(D("2018-09-17"), D("2018-09-17"), "day")
    other = DateInterval(D("2018-10-17"), D("2018-10-17"), "day")
    assert len(merge_events([_event("a", day), _event("b", other)])) == 2
    assert len(merge_events([_event("a", day), _event("b", day, place="Idlib")])) == 2


def test_overlapping_dates_are_one_event_within_an_article_only() -> None:
    by_report = DateInterval(D("2019-04-26"), D("2019-04-28"), "range")
    held = DateInterval(D("2019-04-25"), D("2019-04-26"), "range")
    assert len(merge_events([_event("a", by_report), _event("a", held)])) == 1
    assert len(merge_events([_event("a", by_report), _event("b", held)])) == 2


def test_patrols_with_different_numbers_stay_apart() -> None:
    week = DateInterval(D("2020-06-08"), D("2020-06-12"), "range")
    day = DateInterval(D("2020-06-10"), D("2020-06-10"), "day")

    def patrol(sentence: str, trigger: str, date: DateInterval) -> Event:
        source = Source("a.txt", sentence, trigger=trigger)
        return Event(
            kind="patrol", status="occurred", date=date, place="M4", place_id="M4", sources=(source,)
        )

    ninth = patrol("The ninth joint patrol was held along the road.", "patrol", week)
    tenth = patrol("On Wednesday the 10th joint Russian-Turkish patrol took place.", "patrol", day)
    again = patrol("The tenth patrol ended early.", "patrol", day)
    assert len(merge_events([ninth, tenth])) == 2
    assert len(merge_events([tenth, again])) == 1
    unnumbered = patrol("A joint patrol was held.", "patrol", day)
    assert len(merge_events([ninth, unnumbered])) == 1


def test_undated_reports_in_two_articles_stay_apart() -> None:
    assert len(merge_events([_event("a.txt", None, place=""), _event("b.txt", None, place="")])) == 2  # type: ignore[arg-type]
    assert len(merge_events([_event("a.txt", None, place=""), _event("a.txt", None, place="")])) == 1  # type: ignore[arg-type]
