"""Scoring the pipeline against reviewed events (``geodata/evaluate.py``): the rules, on small cases.

The whole command on a store is in ``tests/test_cli_review.py``.
"""

from __future__ import annotations

import datetime as dt

from geodata.dates import DateInterval
from geodata.evaluate import Gold, score
from geodata.events import Event

DAY = dt.date(2019, 3, 8)


def gold(gold_id: int, kind: str, sentence: str, **changes: object) -> Gold:
    values: dict[str, object] = {
        "date_start": DAY,
        "date_end": DAY,
        "lon": 36.8,
        "lat": 35.8,
        "uncertainty_km": 2.0,
    }
    values |= changes
    return Gold(gold_id, kind, sentences=frozenset({sentence}), **values)  # type: ignore[arg-type]


def predicted(
    kind: str, *sentences: str, lon: float | None = 36.8, day: dt.date = DAY
) -> tuple[Event, frozenset[str]]:
    event = Event(
        kind, "occurred", DateInterval(day, day, "day"), lon=lon, lat=35.8 if lon is not None else None
    )
    return event, frozenset(sentences)


def test_matching_needs_the_kind_and_a_shared_sentence_and_unreviewed_predictions_are_ignored() -> None:
    golds = [
        gold(1, "patrol", "a:s1"),
        gold(2, "attack", "a:s2"),
        gold(3, "talks", "b:s9", lon=None, lat=None),
    ]
    false = {("a:s3", "statement")}
    found = [
        predicted("patrol", "a:s1"),  # right
        predicted("attack", "a:s2", lon=37.5),  # found, placed 60 km off
        predicted("talks", "b:s9", day=dt.date(2019, 4, 1)),  # found, wrong date, placed though gold is not
        predicted("statement", "a:s3"),  # known false
        predicted("patrol", "a:s2"),  # a reviewed sentence, another kind: neither true nor known false
        predicted("deployment", "c:s1"),  # nobody reviewed it: ignored
    ]
    result = score(golds, false, found, version="x", articles=3)
    assert (result.gold, result.recall, result.precision) == (3, 1.0, 0.75)
    assert result.date_accuracy == 2 / 3
    assert result.place_accuracy == 1 / 3
    kinds = {k.kind: k for k in result.kinds}
    assert (kinds["statement"].gold, kinds["statement"].false_predictions) == (0, 1)
    assert "deployment" not in kinds
    assert result.table().splitlines()[-1].split() == ["all", "3", "3", "1.00", "0.75", "0.67", "0.33"]


def test_a_missed_gold_event_lowers_recall_and_nothing_reviewed_scores_nothing() -> None:
    result = score([gold(1, "patrol", "a:s1")], set(), [predicted("patrol", "a:s2")], version="x", articles=1)
    assert (result.recall, result.precision, result.date_accuracy) == (0.0, None, None)
    empty = score([], set(), [], version="x", articles=0)
    assert (empty.gold, empty.recall) == (0, None)
    assert empty.table().splitlines()[-1].split()[1:] == ["0", "0", "-", "-", "-", "-"]
