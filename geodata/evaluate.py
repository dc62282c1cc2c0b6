"""Score the current events pipeline against the events people reviewed in the store.

``python -m geodata evaluate`` runs the pipeline as it is now over every stored article that has a
reviewed event and compares its events with the people's:

- **gold**: events a person accepted, corrected (edited, merged, split) or added, as they left
  them; **known false**: what a person rejected (each of its reports' sentence and kind);
  events no person looked at (``machine``) are neither, and predictions that meet only them are
  not counted either way.
- A predicted event **matches** a gold event when it has the gold kind and one of its reports is a
  sentence one of the gold event's reports is (the same article and sentence, as the store's
  report keys tell: :mod:`geodata.store_events`). The idea is that of the test scorers
  (``tests/_news_gold.py``): same kind, same quoted sentence.
- **Recall**: gold events matched. **Precision**: predictions matching a gold event, out of those
  matching a gold event or a known false one. **Date accuracy**: matched gold events whose
  best match's dates overlap the gold dates (both undated counts). **Place accuracy**: matched
  gold events whose best match lies within the gold place's uncertainty (at least
  :data:`PLACE_KM`) of the gold point, or is unlocated where the gold event is.

Per kind, gold events count under their kind, predictions under theirs. The reviewed events were
chosen and corrected while looking at the machine's output, and a pipeline tuned until it agrees
with them is measured on its development data: report such figures as development figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from pyproj import Geod

from geodata import events as pipeline
from geodata.events import Event
from geodata.schema import EVENT_KINDS, REVIEWED_STATES
from geodata.store_add import extract_batch
from geodata.store_events import pipeline_version, report_keys
from geodata.store_reextract import parse_stored
from geodata.store_tables import articles, event_sources, events

if TYPE_CHECKING:
    from geodata.store import Store

__all__ = ["PLACE_KM", "Evaluation", "KindScore", "evaluate", "score"]

#: A predicted place this close to the gold point is right, however small the gold uncertainty.
PLACE_KM = 10.0
# Distances on the WGS84 ellipsoid (pyproj is already a dependency).
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Gold:
    """A reviewed event: its kind, dates, point and uncertainty, and its reports' sentences."""

    id: int
    kind: str
    date_start: dt.date | None
    date_end: dt.date | None
    lon: float | None
    lat: float | None
    uncertainty_km: float | None
    sentences: frozenset[str]


@dataclass(frozen=True)
class KindScore:
    """One kind's counts: gold events, those found, those found with the right date and place;
    predictions matching gold, and predictions matching only known false events."""

    kind: str
    gold: int
    found: int
    date_right: int
    place_right: int
    true_predictions: int
    false_predictions: int


@dataclass(frozen=True)
class Evaluation:
    """The scores of one pipeline version against the store's reviewed events."""

    pipeline_version: str
    articles: int
    known_false: int
    kinds: tuple[KindScore, ...]

    def _sum(self, name: str) -> int:
        return sum(int(getattr(k, name)) for k in self.kinds)

    @property
    def gold(self) -> int:
        return self._sum("gold")

    @property
    def recall(self) -> float | None:
        return _ratio(self._sum("found"), self.gold)

    @property
    def precision(self) -> float | None:
        true = self._sum("true_predictions")
        return _ratio(true, true + self._sum("false_predictions"))

    @property
    def date_accuracy(self) -> float | None:
        return _ratio(self._sum("date_right"), self._sum("found"))

    @property
    def place_accuracy(self) -> float | None:
        return _ratio(self._sum("place_right"), self._sum("found"))

    def table(self) -> str:
        """The scores as a text table, one line per kind and the total."""
        head = f"{'kind':<13}{'gold':>6}{'found':>7}{'recall':>8}{'precision':>11}{'date':>7}{'place':>7}"
        lines = [head, "-" * len(head)]
        for k in self.kinds:
            found = k.found
            precision = _ratio(k.true_predictions, k.true_predictions + k.false_predictions)
            lines.append(
                f"{k.kind:<13}{k.gold:>6}{found:>7}{_pct(_ratio(found, k.gold)):>8}{_pct(precision):>11}"
                f"{_pct(_ratio(k.date_right, found)):>7}{_pct(_ratio(k.place_right, found)):>7}"
            )
        lines.append("-" * len(head))
        lines.append(
            f"{'all':<13}{self.gold:>6}{self._sum('found'):>7}{_pct(self.recall):>8}{_pct(self.precision):>11}"
            f"{_pct(self.date_accuracy):>7}{_pct(self.place_accuracy):>7}"
        )
        return "\n".join(lines)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _sentence(key: str) -> str:
    return key.rsplit(":", 2)[0]


def evaluate(store: Store, *, find_places: pipeline.PlaceFinder | None = None) -> Evaluation:
    """Run the current pipeline over the articles with reviewed events and score it against them."""
    with store._transaction() as conn:
        reviewed = (
            conn.execute(sa.select(events).where(events.c.review != "machine").order_by(events.c.id))
            .mappings()
            .all()
        )
        wanted = [r["id"] for r in reviewed]
        link_columns = (
            event_sources.c.event_id,
            event_sources.c.key,
            event_sources.c.kind,
            event_sources.c.article_id,
        )
        links = conn.execute(
            sa.select(*link_columns).where(event_sources.c.event_id.in_(wanted))
        ).all() if wanted else []  # fmt: skip
        article_ids = sorted({link.article_id for link in links})
        rows = conn.execute(
            sa.select(articles).where(articles.c.id.in_(article_ids)).order_by(articles.c.id)
        ).mappings().all() if article_ids else []  # fmt: skip
    sentences: dict[int, set[str]] = defaultdict(set)
    false: set[tuple[str, str]] = set()
    review_of = {r["id"]: r["review"] for r in reviewed}
    for link in links:
        sentences[link.event_id].add(_sentence(link.key))
        if review_of[link.event_id] == "rejected":
            false.add((_sentence(link.key), link.kind))
    gold = [
        Gold(r["id"], r["kind"], r["date_start"], r["date_end"], r["lon"], r["lat"], r["uncertainty_km"],
             frozenset(sentences[r["id"]]))
        for r in reviewed if r["review"] in REVIEWED_STATES
    ]  # fmt: skip
    read = [article for article in (parse_stored(row)[0] for row in rows) if article is not None]
    finder = find_places if find_places is not None else store._place_finder()
    found, _, _ = extract_batch(read, finder)
    keyed = report_keys(found, {row["name"]: row["content_hash"] for row in rows})
    predicted = [
        (event, frozenset(_sentence(r.key) for r in reports))
        for event, reports in zip(found, keyed, strict=True)
    ]
    return score(gold, false, predicted, version=pipeline_version(), articles=len(rows))


def score(
    gold: Sequence[Gold],
    false: set[tuple[str, str]],
    predicted: Sequence[tuple[Event, frozenset[str]]],
    *,
    version: str,
    articles: int,
) -> Evaluation:
    """Score predictions (events and their reports' sentences) against gold and known false claims."""
    counts: Mapping[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in gold:
        counts[g.kind]["gold"] += 1
        matches = [e for e, said in predicted if e.kind == g.kind and said & g.sentences]
        if not matches:
            continue
        best = max(matches, key=lambda e: (_place_right(g, e), _date_right(g, e)))
        counts[g.kind]["found"] += 1
        counts[g.kind]["date_right"] += _date_right(g, best)
        counts[g.kind]["place_right"] += _place_right(g, best)
    for event, said in predicted:
        if any(event.kind == g.kind and said & g.sentences for g in gold):
            counts[event.kind]["true_predictions"] += 1
        elif any((s, event.kind) in false for s in said):
            counts[event.kind]["false_predictions"] += 1
    kinds = tuple(
        KindScore(kind, *(counts[kind][name] for name in _COUNTS)) for kind in EVENT_KINDS if kind in counts
    )
    return Evaluation(version, articles, len(false), kinds)


_COUNTS = ("gold", "found", "date_right", "place_right", "true_predictions", "false_predictions")


def _date_right(gold: Gold, event: Event) -> bool:
    if gold.date_start is None or gold.date_end is None:
        return event.date is None
    return event.date is not None and event.date.start <= gold.date_end and gold.date_start <= event.date.end


def _place_right(gold: Gold, event: Event) -> bool:
    if gold.lon is None or gold.lat is None:
        return event.lon is None
    if event.lon is None or event.lat is None:
        return False
    _, _, metres = _GEOD.inv(event.lon, event.lat, gold.lon, gold.lat)
    return bool(metres / 1000.0 <= max(gold.uncertainty_km or 0.0, PLACE_KM))
