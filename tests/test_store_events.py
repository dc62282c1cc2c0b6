"""Keys and merging of the store's machine events (``geodata/store_events.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.dates import DateInterval
from geodata.events import Event, Source, merge_events
from geodata.store_events import (
    MergeIndex,
    content_hash,
    normalise_text,
    plan_merge,
    report_keys,
    sentence_hash,
)


def event(
    kind: str, start: dt.date, days: int, place_id: str, *, article: str = "a.txt", **more: object
) -> Event:
    date = DateInterval(start, start + dt.timedelta(days=days - 1), "day" if days == 1 else "range")
    source = Source(article, f"{kind} at {place_id} from {start} ({article})")
    values: dict[str, object] = {
        "place": place_id, "place_id": place_id, "lon": 36.6, "lat": 35.9, "geo_precision": "town",
        "uncertainty_km": 5.0, "place_country": "SY", "sources": (source,),
    }  # fmt: skip
    return Event(kind, str(more.pop("status", "occurred")), date, **(values | more))  # type: ignore[arg-type]


def test_normalised_text_ignores_whitespace_and_unicode_forms() -> None:
    assert normalise_text("  Idlib\u00a0patrol\r\n\tbegins  ") == "Idlib patrol begins"
    assert content_hash("Title\nBody text.\n") == content_hash("Title \r\n Body  text.")
    assert content_hash("Title\nBody text.") != content_hash("Title\nBody text!")
    assert sentence_hash("Troops  PATROLLED\nIdlib.") == sentence_hash("troops patrolled idlib.")


def test_report_keys_are_article_sentence_kind_and_ordinal() -> None:
    a = event("attack", dt.date(2019, 3, 1), 1, "p1")
    twice = Source("a.txt", a.sources[0].sentence)  # one sentence reporting two attacks
    b = event("attack", dt.date(2019, 3, 2), 1, "p2", sources=(twice,))
    c = event("patrol", dt.date(2019, 3, 2), 1, "p2", sources=(twice,))
    digest = content_hash("the article")
    keys = [[r.key for r in reports] for reports in report_keys([a, b, c], {"a.txt": digest})]
    sentence = sentence_hash(a.sources[0].sentence)[:16]
    assert keys == [
        [f"{digest[:16]}:{sentence}:attack:0"],
        [f"{digest[:16]}:{sentence}:attack:1"],
        [f"{digest[:16]}:{sentence}:patrol:0"],
    ]
    rewrapped = Source("a.txt", a.sources[0].sentence.replace(" ", "  \n"))
    again = report_keys([Event(a.kind, a.status, a.date, sources=(rewrapped,))], {"a.txt": digest})
    assert again[0][0].key == keys[0][0]


def test_a_new_report_of_a_stored_event_updates_it_and_a_new_event_is_inserted() -> None:
    stored = event("patrol", dt.date(2019, 3, 8), 1, "p1")
    same = event("patrol", dt.date(2019, 3, 8), 1, "p1", article="b.txt")
    other = event("attack", dt.date(2019, 3, 8), 1, "p1", article="b.txt")
    hashes = {"a.txt": "a" * 64, "b.txt": "b" * 64}
    [stored_reports] = report_keys([stored], hashes)
    new = list(zip([same, other], report_keys([same, other], hashes), strict=True))
    plan = plan_merge([(7, stored, stored_reports)], new)
    [(target, merged, reports)] = plan.updates
    assert target == 7
    assert merged.articles == ("a.txt", "b.txt")
    assert [r.article for r in reports] == ["a.txt", "b.txt"]
    assert [e.kind for e, _ in plan.inserts] == ["attack"]
    assert not plan.absorbed


KINDS = ("patrol", "attack", "talks", "statement")
PLACES = ("p1", "p2", "")


@st.composite
def events_(draw: st.DrawFn) -> Event:
    kind = draw(st.sampled_from(KINDS))
    start = dt.date(2019, 1, 1) + dt.timedelta(days=draw(st.integers(0, 90)))
    place = draw(st.sampled_from(PLACES))
    return event(
        kind,
        start,
        draw(st.sampled_from((1, 3, 7, 31, 45))),
        place,
        article=draw(st.sampled_from(("a.txt", "b.txt"))),
        status=draw(st.sampled_from(("occurred", "ongoing", "planned"))),
        geo_precision=draw(st.sampled_from(("town", "district", "governorate", "country"))) if place else "",
        place_admin1=draw(st.sampled_from(("SY07", "SY02", ""))),
        place_source=draw(st.sampled_from(("text", "context", "subject"))),
        date_source=draw(st.sampled_from(("text", "context", "publication"))),
        actors=tuple(draw(st.lists(st.sampled_from(("Russia", "Turkey", "Iran")), max_size=3, unique=True))),
    )


@settings(max_examples=600, deadline=None)
@given(stored=events_(), new=events_())
def test_candidates_hold_every_event_merge_events_would_merge_with(stored: Event, new: Event) -> None:
    """The index only offers some stored events to ``merge_events``: never one it would merge.

    A new event always comes from an article the store does not hold yet.
    """
    new = dataclasses.replace(
        new, sources=tuple(dataclasses.replace(s, article="new.txt") for s in new.sources)
    )
    index = MergeIndex()
    index.put(1, stored, [])
    if len(merge_events([stored, new])) == 1:
        assert [i for i, _, _ in index.candidates(new)] == [1]
