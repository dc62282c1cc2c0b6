"""Scoring the pipeline against the hand annotations in ``tests/data/``.

Written for the tests: a predicted event matches a gold event when it has the same kind (or one of
its ``kinds_ok``) and one of its sources is a sentence of a gold article containing that article's
gold quote fragment. ``gold_events.json`` annotates the seeds (development data);
``heldout_gold.json`` annotates ``heldout/``, articles written apart from the pipeline's tuning.
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
HELDOUT_DIR = Path(__file__).parent / "data" / "heldout"
HELDOUT_GOLD_FILE = Path(__file__).parent / "data" / "heldout_gold.json"


def load_gold(path: Path = GOLD_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def matches(gold: dict[str, Any], event: Event) -> bool:
    if event.kind != gold["kind"] and event.kind not in gold.get("kinds_ok", ()):
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
    status_accuracy: float = 0.0
    wrong: tuple[str, ...] = ()

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.2f}, recall {self.recall:.2f}, "
            f"dates {self.date_accuracy:.2f}, places {self.place_accuracy:.2f}, "
            f"status {self.status_accuracy:.2f}"
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


def score(
    events: Sequence[Event], *, same_place: SamePlace = _same_name, gold_file: Path = GOLD_FILE
) -> Score:
    """Precision, recall and date/place/status accuracy of ``events`` against a gold annotation.

    ``same_place(event, name)`` says whether the event's place is the gold place called ``name``.
    Accuracies are over the required gold events found; ``wrong`` names those with a wrong date (d),
    place (p) or status (s).
    """
    gold = load_gold(gold_file)["events"]
    required = [g for g in gold if not g.get("optional")]
    found = {g["id"]: [e for e in events if matches(g, e)] for g in gold}
    hit = [g for g in required if found[g["id"]]]
    useful = [e for e in events if any(matches(g, e) for g in gold)]
    # Several events may come from one sentence ("airstrikes hit X on Tuesday, and forces shelled
    # Y"): a gold event is paired with the one of them that fits it best.
    pairs = [
        (g, max(found[g["id"]], key=lambda e, g=g: (_place_ok(g, e, same_place), _date_ok(g, e))))
        for g in hit
    ]
    dates = sum(_date_ok(g, e) for g, e in pairs)
    places = sum(_place_ok(g, e, same_place) for g, e in pairs)
    statuses = sum(g["status"] == e.status for g, e in pairs)
    wrong = tuple(
        g["id"]
        + ":"
        + "".join(
            flag
            for flag, ok in (
                ("d", _date_ok(g, e)),
                ("p", _place_ok(g, e, same_place)),
                ("s", g["status"] == e.status),
            )
            if not ok
        )
        for g, e in pairs
        if not (_date_ok(g, e) and _place_ok(g, e, same_place) and g["status"] == e.status)
    )
    return Score(
        precision=len(useful) / len(events) if events else 0.0,
        recall=len(hit) / len(required),
        date_accuracy=dates / len(pairs) if pairs else 0.0,
        place_accuracy=places / len(pairs) if pairs else 0.0,
        missed=tuple(g["id"] for g in required if not found[g["id"]]),
        spurious=tuple(e.sources[0].sentence[:60] for e in events if e not in useful),
        status_accuracy=statuses / len(pairs) if pairs else 0.0,
        wrong=wrong,
    )
