"""Scoring against the news evaluation set in ``tests/data/news/`` (issue 11).

The set has a development half (``dev/``), a first test half (``test/``, scored once and now
development data), a second held-out half (``test2/``, scored once, development data since
2 December 2026; its files stay frozen), a third (``test3/``, scored once per pipeline,
development data since 3 December 2026; its files stay frozen too) and the frozen held-out half
``test4/``; each holds the
articles, ``manifest.csv``, ``gold.json`` (events) and ``toponyms_gold.csv`` (place names). See
``tests/data/news/README.md`` for how they were made and annotated.

An event *matches* a gold event when its kind is the gold kind (or one of ``kinds_ok``) and one of
its sources is a sentence of a gold article that contains one of that article's quote fragments
(as in :mod:`tests._gold`). A matched gold event is *right* when, in addition,

- its date interval overlaps the gold interval ``date_start``..``date_end``, and
- its place is right: within ``radius_km`` of one of the ``coords_ok`` points, or unlocated when
  ``coords_ok`` is empty (an unlocated event is also accepted when ``unlocated_ok`` is true).

Several predicted events may come from one sentence; a gold event is paired with the best of those
that match it. ``main_recall`` counts the main gold events that are right; ``precision`` is the
share of predicted events that match some gold event (optional ones included), as in
:mod:`tests._gold`.

Toponyms: a gold row (article, surface form, lon, lat) is right when the predictions for that
article contain a mention whose text contains the surface form (or is contained in it), case
aside, resolved within 161 km (100 miles, the usual geoparsing threshold) of the gold point.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyproj import Geod

from geodata.events import Event

NEWS_DIR = Path(__file__).parent / "data" / "news"
DEV_DIR = NEWS_DIR / "dev"
TEST_DIR = NEWS_DIR / "test"
TEST2_DIR = NEWS_DIR / "test2"
TEST3_DIR = NEWS_DIR / "test3"
TEST4_DIR = NEWS_DIR / "test4"
TOPONYM_KM = 161.0

# Distances on the WGS84 ellipsoid: pyproj is already a dependency and does this exactly.
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class NewsGold:
    """One half of the news set: its folder, gold events, forbidden places and gold toponyms."""

    folder: Path
    events: tuple[dict[str, Any], ...]
    forbidden_places: Mapping[str, Sequence[str]]
    toponyms: tuple[dict[str, Any], ...]

    @property
    def articles(self) -> tuple[str, ...]:
        """File names of the half's articles."""
        return tuple(sorted(p.name for p in self.folder.glob("*.txt")))


def load_news(folder: Path = DEV_DIR) -> NewsGold:
    """Read ``gold.json`` and ``toponyms_gold.csv`` of one half (``DEV_DIR`` ... ``TEST4_DIR``)."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    with (folder / "toponyms_gold.csv").open(encoding="utf-8", newline="") as handle:
        rows = [{**row, "lon": float(row["lon"]), "lat": float(row["lat"])} for row in csv.DictReader(handle)]
    return NewsGold(
        folder=folder,
        events=tuple(gold["events"]),
        forbidden_places=gold.get("forbidden_places", {}),
        toponyms=tuple(rows),
    )


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in kilometres between two WGS84 points."""
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def _fragments(gold: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for article, quote in gold["quotes"].items():
        for fragment in [quote] if isinstance(quote, str) else quote:
            yield article, fragment


def matches(gold: Mapping[str, Any], event: Event) -> bool:
    """Whether ``event`` reports ``gold``: same kind (or a ``kinds_ok``) and a quoted sentence."""
    if event.kind != gold["kind"] and event.kind not in gold.get("kinds_ok", ()):
        return False
    return any(
        source.article == article and fragment in source.sentence
        for source in event.sources
        for article, fragment in _fragments(gold)
    )


def date_ok(gold: Mapping[str, Any], event: Event) -> bool:
    """Whether the event's interval overlaps the gold interval (both ends inclusive)."""
    if event.date is None:
        return False
    start = dt.date.fromisoformat(gold["date_start"])
    end = dt.date.fromisoformat(gold["date_end"])
    return event.date.start <= end and start <= event.date.end


def place_ok(gold: Mapping[str, Any], event: Event) -> bool:
    """Whether the event is placed within a ``coords_ok`` radius, or unlocated where that is right."""
    unlocated = event.lon is None or event.lat is None
    if unlocated:
        return not gold["coords_ok"] or bool(gold.get("unlocated_ok"))
    assert event.lon is not None
    assert event.lat is not None
    return any(
        distance_km(event.lon, event.lat, lon, lat) <= radius for lon, lat, radius in gold["coords_ok"]
    )


def status_ok(gold: Mapping[str, Any], event: Event) -> bool:
    """Whether the event's status (occurred, planned, ongoing) is the gold one."""
    return bool(event.status == gold["status"])


@dataclass(frozen=True)
class CategoryCount:
    """Required gold events carrying one category tag: how many, and how many were not right."""

    total: int
    errors: int


@dataclass(frozen=True)
class NewsScore:
    """Scores of a list of events against one half of the news set.

    ``main_recall`` counts a main event only when kind, date and place are all right; ``recall``
    counts the required events found at all (kind and sentence), ``recall_right`` those found with
    date and place right. ``wrong`` lists ``id:flags`` for found required events with a wrong
    date (d), place (p) or status (s); ``missed`` the required events not found at all.
    """

    main_recall: float
    main_right: int
    main_total: int
    recall: float
    recall_right: float
    required_total: int
    precision: float
    predicted: int
    useful: int
    status_accuracy: float
    missed: tuple[str, ...]
    wrong: tuple[str, ...]
    spurious: tuple[str, ...]
    leaks: tuple[str, ...]
    categories: Mapping[str, CategoryCount] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"main recall {self.main_recall:.2f} ({self.main_right}/{self.main_total}), "
            f"recall {self.recall:.2f} (all right {self.recall_right:.2f}, {self.required_total} events), "
            f"precision {self.precision:.2f} ({self.useful}/{self.predicted}), "
            f"status {self.status_accuracy:.2f}, leaks {len(self.leaks)}"
        )

    def category_table(self) -> str:
        """One line per category: ``name errors/total``, most errors first."""
        rows = sorted(self.categories.items(), key=lambda item: (-item[1].errors, item[0]))
        return "\n".join(f"{name:28} {count.errors}/{count.total}" for name, count in rows)


def score_news(events: Sequence[Event], gold: NewsGold) -> NewsScore:
    """Score ``events`` (read from the half's articles) against its gold annotation."""
    golds = gold.events
    required = [g for g in golds if not g.get("optional")]
    found = {g["id"]: [e for e in events if matches(g, e)] for g in golds}

    def best(g: Mapping[str, Any]) -> Event | None:
        candidates = found[g["id"]]
        if not candidates:
            return None
        return max(candidates, key=lambda e: (place_ok(g, e), date_ok(g, e), status_ok(g, e)))

    paired = {g["id"]: best(g) for g in required}

    def right(g: Mapping[str, Any]) -> bool:
        event = paired[g["id"]]
        return event is not None and date_ok(g, event) and place_ok(g, event)

    mains = [g for g in required if g.get("main")]
    hit = [g for g in required if paired[g["id"]] is not None]
    useful = [e for e in events if any(matches(g, e) for g in golds)]
    wrong = []
    statuses = 0
    for g in hit:
        event = paired[g["id"]]
        assert event is not None
        statuses += status_ok(g, event)
        flags = "".join(
            flag
            for flag, ok in (("d", date_ok(g, event)), ("p", place_ok(g, event)), ("s", status_ok(g, event)))
            if not ok
        )
        if flags:
            wrong.append(f"{g['id']}:{flags}")
    totals: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for g in required:
        for category in g.get("category", ()):
            totals[category] += 1
            errors[category] += not right(g)
    leaks = tuple(
        f"{article}:{event.place}"
        for event in events
        for article in event.articles
        if event.place and event.place in gold.forbidden_places.get(article, ())
    )
    main_right = sum(right(g) for g in mains)
    return NewsScore(
        main_recall=main_right / len(mains) if mains else 0.0,
        main_right=main_right,
        main_total=len(mains),
        recall=len(hit) / len(required) if required else 0.0,
        recall_right=sum(right(g) for g in required) / len(required) if required else 0.0,
        required_total=len(required),
        precision=len(useful) / len(events) if events else 0.0,
        predicted=len(events),
        useful=len(useful),
        status_accuracy=statuses / len(hit) if hit else 0.0,
        missed=tuple(g["id"] for g in required if paired[g["id"]] is None),
        wrong=tuple(wrong),
        spurious=tuple(
            e.sources[0].sentence[:60] if e.sources else e.kind for e in events if e not in useful
        ),
        leaks=leaks,
        categories={name: CategoryCount(totals[name], errors[name]) for name in sorted(totals)},
    )


@dataclass(frozen=True)
class ToponymScore:
    """Share of gold toponyms resolved within 161 km: in Syria, and over the whole region."""

    syria: float
    region: float
    syria_total: int
    region_total: int
    wrong: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"toponyms within {TOPONYM_KM:.0f} km: Syria {self.syria:.2f} ({self.syria_total}), "
            f"whole region {self.region:.2f} ({self.region_total})"
        )


#: One predicted place mention: the text as written, and where it was resolved (``None`` if not).
ToponymGuess = tuple[str, float | None, float | None]


def _same_surface(gold: str, predicted: str) -> bool:
    gold_key, predicted_key = " ".join(gold.casefold().split()), " ".join(predicted.casefold().split())
    return gold_key in predicted_key or predicted_key in gold_key


def score_toponyms(predictions: Mapping[str, Sequence[ToponymGuess]], gold: NewsGold) -> ToponymScore:
    """Score predicted place mentions per article against ``toponyms_gold.csv``.

    ``predictions`` maps an article's file name to its mentions ``(text, lon, lat)``; a gold row is
    right when one mention of its article with the same surface form lies within 161 km.
    """
    right_syria = total_syria = right_all = 0
    wrong = []
    for row in gold.toponyms:
        guesses = predictions.get(row["article"], ())
        ok = any(
            lon is not None
            and lat is not None
            and _same_surface(row["surface"], text)
            and distance_km(lon, lat, row["lon"], row["lat"]) <= TOPONYM_KM
            for text, lon, lat in guesses
        )
        right_all += ok
        if row["country"] == "SY":
            total_syria += 1
            right_syria += ok
        if not ok:
            wrong.append(f"{row['article']}:{row['surface']}")
    total = len(gold.toponyms)
    return ToponymScore(
        syria=right_syria / total_syria if total_syria else 0.0,
        region=right_all / total if total else 0.0,
        syria_total=total_syria,
        region_total=total,
        wrong=tuple(wrong),
    )
