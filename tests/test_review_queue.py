"""What the review page reads (``geodata/review_queue.py``): the queue, its filters, an event's details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import geopandas as gpd
import pytest
from shapely.geometry import box

from geodata import review, settings
from geodata._errors import UsageError
from geodata.editors import Editor
from geodata.review_queue import QueueFilter, article_text, event_detail, priority, review_queue
from geodata.store import Store, open_store


@pytest.fixture
def store(new_store_url: Callable[[], str]) -> Iterator[Store]:
    with open_store(new_store_url()) as opened:
        yield opened


def test_the_queue_lists_machine_events_most_needed_first(store: Store, ana: Editor) -> None:
    queue = review_queue(store)
    assert len(queue) == 24
    assert [i.priority for i in queue] == sorted((i.priority for i in queue), reverse=True)
    top = queue[0]
    assert top.reasons  # it says why
    assert queue[-1].priority <= 0.5
    unlocated = [i for i in queue if "unlocated" in i.reasons]
    assert unlocated
    assert all(i.priority >= 3 for i in unlocated)
    review.accept(store, ana, top.id, version=top.version)
    assert top.id not in {i.id for i in review_queue(store)}  # done: out of the queue
    assert top.id in {i.id for i in review_queue(store, QueueFilter(include_reviewed=True))}


def test_priority_weighs_what_needs_a_person() -> None:
    base = {"lon": 36.6, "geo_precision": "town", "uncertainty_km": 2.0, "kind": "patrol", "confidence": 0.9,
            "date_start": dt.date(2019, 3, 8), "date_source": "text", "date_precision": "day"}  # fmt: skip
    assert priority(base, ["patrol"], 0) == (0.0, [])
    cases = [
        (base | {"lon": None}, ["patrol"], 0, "unlocated"),
        (
            base | {"geo_precision": "governorate", "uncertainty_km": 62.0},
            ["patrol"],
            0,
            "located only to a region",
        ),
        (base | {"confidence": 0.4}, ["patrol"], 0, "low confidence (0.40)"),
        (base | {"date_source": "publication"}, ["patrol"], 0, "date inferred from the publication date"),
        (base, ["patrol", "attack"], 0, "reports read as different kinds"),
        (base, ["patrol"], 1, "the machine now disagrees"),
    ]
    for row, kinds, items, reason in cases:
        score, reasons = priority(row, kinds, items)
        assert score > 0
        assert any(reason in r for r in reasons), reasons
    assert priority(base, ["patrol"], 1)[0] > priority(base | {"lon": None}, ["patrol"], 0)[0]


def test_filters_by_article_kind_date_and_zone(store: Store) -> None:
    by_article = review_queue(store, QueueFilter(article_id=1))
    assert by_article
    assert all(any(a.startswith("000_") for a in i.articles) for i in by_article)
    patrols = review_queue(store, QueueFilter(kinds=("patrol",)))
    assert {i.kind for i in patrols} == {"patrol"}
    spring = review_queue(store, QueueFilter(date_from=dt.date(2019, 4, 1), date_to=dt.date(2019, 4, 30)))
    assert spring
    for item in spring:
        assert item.date_start is not None
        assert item.date_end is not None
        assert item.date_start <= dt.date(2019, 4, 30)
        assert item.date_end >= dt.date(2019, 4, 1)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["idlib-box"]}, geometry=[box(36.0, 35.3, 37.2, 36.3)], crs=settings.WGS84
    )
    inside = review_queue(store, QueueFilter(zone_id="idlib-box"), zones=zones)
    assert inside
    for item in inside:
        event = event_detail(store, item.id).event
        assert 36.0 <= event["lon"] <= 37.2
        assert 35.3 <= event["lat"] <= 36.3
    with pytest.raises(UsageError, match="no zone 'nowhere'"):
        review_queue(store, QueueFilter(zone_id="nowhere"), zones=zones)


def test_an_events_details_show_the_sentence_in_its_paragraph_and_the_candidates(store: Store) -> None:
    item = next(i for i in review_queue(store, QueueFilter(include_reviewed=True)) if len(i.articles) > 1)
    detail = event_detail(store, item.id)
    assert [r.article for r in detail.reports] == list(item.articles)
    for report in detail.reports:
        assert report.paragraph_text is not None
        assert report.span_start is not None
        assert report.paragraph_text[report.span_start : report.span_end] == report.sentence
        assert report.title
        assert report.candidates
        assert report.candidates[0].chosen
    assert detail.reports[0].candidates[0].place_id == detail.event["place_id"]
    assert detail.history == ()  # made with the seeds: the articles' history rows list their events
    text = article_text(store, detail.reports[0].article_id)
    assert text.paragraphs[detail.reports[0].paragraph or 0] == detail.reports[0].paragraph_text
    spans = text.sentences[detail.reports[0].paragraph or 0]
    assert any(s.start == detail.reports[0].span_start for s in spans)
