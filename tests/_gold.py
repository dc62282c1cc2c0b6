"""Scoring the pipeline against the hand annotation in ``tests/data/gold_events.json``.

Written for the tests: a predicted event matches a gold event when it has the same kind and one of
its sources is a sentence of a gold article containing that article's gold quote fragment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodata.events import Event

SamePlace = Callable[[Event, str], bool]

GOLD_FILE = Path(__file__).parent / "data" / "gold_events.json"


def load_gold() -> dict[str, Any]:
    return json.loads(GOLD_FILE.read_text(encoding="utf-8"))


def matches(gold: dict[str, Any], event: Event) -> bool:
    if event.kind != gold["kind"]:
        return False
    return any(
        source.article == article and fragment in source.sentence
        for source in event.sources
        for article, fragment in gold["quotes"].items()
    )


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    date_accuracy: float
    place_accuracy: float
    missed: tuple[str, ...]
    spurious: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.2f}, recall {self.recall:.2f}, "
            f"dates {self.date_accuracy:.2f}, places {self.place_accuracy:.2f}"
        )


def _date_ok(gold: dict[str, Any], event: Event) -> bool:
    if event.date is None:
        return False
    start, end = dt.date.fromisoformat(gold["date_start"]), dt.date.fromisoformat(gold["date_end"])
    return event.date.start <= end and start <= event.date.end


def _place_ok(gold: dict[str, Any], event: Event, same_place: SamePlace) -> bool:
    if not gold["places_ok"]:
        return not event.place
    return any(same_place(event, name) for name in gold["places_ok"])


def _same_name(event: Event, name: str) -> bool:
    return event.place == name


def score(events: Sequence[Event], *, same_place: SamePlace = _same_name) -> Score:
    """Precision, recall and date/place accuracy of ``events`` against the gold annotation.

    ``same_place(event, name)`` says whether the event's place is the gold place called ``name``.
    """
    gold = load_gold()["events"]
    required = [g for g in gold if not g.get("optional")]
    found = {g["id"]: [e for e in events if matches(g, e)] for g in gold}
    hit = [g for g in required if found[g["id"]]]
    useful = [e for e in events if any(matches(g, e) for g in gold)]
    pairs = [(g, found[g["id"]][0]) for g in hit]
    dates = sum(_date_ok(g, e) for g, e in pairs)
    places = sum(_place_ok(g, e, same_place) for g, e in pairs)
    return Score(
        precision=len(useful) / len(events) if events else 0.0,
        recall=len(hit) / len(required),
        date_accuracy=dates / len(pairs) if pairs else 0.0,
        place_accuracy=places / len(pairs) if pairs else 0.0,
        missed=tuple(g["id"] for g in required if not found[g["id"]]),
        spurious=tuple(e.sources[0].sentence[:60] for e in events if e not in useful),
    )
