"""The news evaluation set (``tests/data/news/``) and its scorer (``tests/_news_gold.py``).

Nothing here runs the pipeline: the scorer is checked with events made by hand, and the data
files are checked for consistency (quotes and toponyms present in the articles, manifests
complete, the frozen halves ``test/``, ``test2/``, ``test3/`` and ``test4/`` unchanged since their
sha256 sums were recorded).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from geodata.dates import DateInterval
from geodata.events import Event, Source
from tests._news_gold import (
    DEV_DIR,
    NEWS_DIR,
    TEST2_DIR,
    TEST3_DIR,
    TEST4_DIR,
    TEST_DIR,
    NewsGold,
    distance_km,
    load_news,
    score_news,
    score_toponyms,
)

KINDS = {"patrol", "agreement", "talks", "attack", "displacement", "statement", "deployment", "other"}
STATUSES = {"occurred", "planned", "ongoing"}
PRECISIONS = {"day", "week", "month", "year", "range"}
ALL_HALVES = (DEV_DIR, TEST_DIR, TEST2_DIR, TEST3_DIR, TEST4_DIR)
HALVES = [pytest.param(folder, id=folder.name) for folder in ALL_HALVES if (folder / "gold.json").is_file()]
TEST_WRITTEN = (TEST_DIR / "gold.json").is_file()


def _event(
    kind: str,
    sentence: str,
    *,
    article: str = "a.txt",
    day: str = "2020-03-05",
    lon: float | None = 37.6,
    lat: float | None = 55.75,
    status: str = "occurred",
    place: str = "Moscow",
) -> Event:
    date = dt.date.fromisoformat(day)
    return Event(
        kind=kind,
        status=status,
        date=DateInterval(date, date, "day"),
        place=place if lon is not None else "",
        lon=lon,
        lat=lat,
        sources=(Source(article=article, sentence=sentence),),
    )


def _gold_event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "g1",
        "kind": "agreement",
        "status": "occurred",
        "date_start": "2020-03-05",
        "date_end": "2020-03-05",
        "date_precision": "day",
        "places_ok": ["Moscow"],
        "coords_ok": [[37.61781, 55.75204, 30.0]],
        "quotes": {"a.txt": "agreed on a ceasefire"},
        "main": True,
        "category": ["venue-in-other-sentence"],
    }
    base.update(fields)
    return base


def _gold(*events: dict[str, Any], toponyms: tuple[dict[str, Any], ...] = (), forbidden=None) -> NewsGold:
    return NewsGold(
        folder=Path("."), events=tuple(events), forbidden_places=forbidden or {}, toponyms=toponyms
    )


# --- the scorer ---------------------------------------------------------------------------------


def test_a_right_event_counts_for_main_recall_and_precision() -> None:
    score = score_news(
        [_event("agreement", "Putin and Erdogan agreed on a ceasefire on Thursday.")], _gold(_gold_event())
    )
    assert (score.main_recall, score.recall, score.precision) == (1.0, 1.0, 1.0)
    assert score.wrong == ()
    assert score.missed == ()
    assert score.spurious == ()


def test_a_wrong_date_or_place_is_found_but_not_right() -> None:
    sentence = "They agreed on a ceasefire."
    late = score_news([_event("agreement", sentence, day="2020-03-15")], _gold(_gold_event()))
    assert (late.main_recall, late.recall, late.wrong) == (0.0, 1.0, ("g1:d",))
    # Ankara is some 1,800 km from Moscow: outside the 30 km radius.
    ankara = score_news([_event("agreement", sentence, lon=32.85, lat=39.92)], _gold(_gold_event()))
    assert (ankara.main_recall, ankara.wrong) == (0.0, ("g1:p",))
    assert ankara.categories["venue-in-other-sentence"].errors == 1


def test_interval_overlap_and_radius_decide() -> None:
    gold = _gold(_gold_event(date_start="2020-03-01", date_end="2020-03-05", coords_ok=[[36.8, 35.86, 20.0]]))
    near = _event("agreement", "They agreed on a ceasefire.", day="2020-03-05", lon=36.9, lat=35.9)
    assert score_news([near], gold).main_recall == 1.0
    far = _event("agreement", "They agreed on a ceasefire.", day="2020-03-05", lon=37.2, lat=35.9)
    assert score_news([far], gold).wrong == ("g1:p",)


def test_an_event_to_stay_unlocated_must_have_no_place() -> None:
    gold = _gold(_gold_event(kind="talks", coords_ok=[], places_ok=[], quotes={"a.txt": "by telephone"}))
    unlocated = _event("talks", "They spoke by telephone.", lon=None, lat=None)
    assert score_news([unlocated], gold).main_recall == 1.0
    at_dateline = _event("talks", "They spoke by telephone.")
    assert score_news([at_dateline], gold).wrong == ("g1:p",)


def test_unlocated_ok_accepts_both() -> None:
    gold = _gold(_gold_event(kind="statement", unlocated_ok=True, quotes={"a.txt": "told reporters"}))
    for lon, lat in ((None, None), (37.6, 55.75)):
        assert (
            score_news([_event("statement", "He told reporters.", lon=lon, lat=lat)], gold).main_recall == 1.0
        )
    assert (
        score_news([_event("statement", "He told reporters.", lon=10.0, lat=50.0)], gold).main_recall == 0.0
    )


def test_kind_alternatives_and_quote_alternatives_match() -> None:
    gold = _gold(
        _gold_event(kinds_ok=["talks"], quotes={"a.txt": ["agreed on a ceasefire", "six hours of talks"]})
    )
    assert score_news([_event("talks", "After six hours of talks in Moscow.")], gold).main_recall == 1.0
    wrong_kind = score_news([_event("attack", "After six hours of talks in Moscow.")], gold)
    assert (wrong_kind.recall, wrong_kind.precision, wrong_kind.missed) == (0.0, 0.0, ("g1",))
    other_article = _event("agreement", "They agreed on a ceasefire.", article="b.txt")
    assert score_news([other_article], gold).recall == 0.0


def test_precision_counts_optional_matches_as_useful_and_the_rest_as_spurious() -> None:
    gold = _gold(
        _gold_event(),
        _gold_event(id="g2", kind="statement", optional=True, main=False, quotes={"a.txt": "told reporters"}),
    )
    events = [
        _event("agreement", "They agreed on a ceasefire."),
        _event("statement", "Putin told reporters."),
        _event("attack", "Comment: shelling in Aleppo is worse."),
    ]
    score = score_news(events, gold)
    assert score.precision == pytest.approx(2 / 3)
    assert score.spurious == ("Comment: shelling in Aleppo is worse.",)
    assert score.required_total == 1


def test_the_best_of_several_events_from_one_sentence_is_paired() -> None:
    gold = _gold(_gold_event(kind="attack", coords_ok=[[36.68, 35.65, 15.0]], quotes={"a.txt": "shelled"}))
    events = [
        _event("attack", "Jets struck Idlib and troops shelled Maarat.", lon=36.63, lat=35.93),
        _event("attack", "Jets struck Idlib and troops shelled Maarat.", lon=36.68, lat=35.65),
    ]
    assert score_news(events, gold).main_recall == 1.0


def test_status_is_reported_apart() -> None:
    gold = _gold(_gold_event(status="planned"))
    score = score_news([_event("agreement", "They agreed on a ceasefire.")], gold)
    assert (score.main_recall, score.status_accuracy, score.wrong) == (1.0, 0.0, ("g1:s",))


def test_places_named_only_in_comments_are_leaks() -> None:
    gold = _gold(_gold_event(), forbidden={"a.txt": ["Kafr Nabl"]})
    leak = _event("attack", "Shelling in Kafr Nabl.", place="Kafr Nabl", lon=36.57, lat=35.6)
    assert score_news([leak], gold).leaks == ("a.txt:Kafr Nabl",)


def test_categories_count_required_events_that_are_not_right() -> None:
    gold = _gold(
        _gold_event(category=["weekday", "dateline-abroad"]),
        _gold_event(id="g2", main=False, category=["weekday"], quotes={"a.txt": "on Friday"}),
        _gold_event(id="g3", optional=True, main=False, category=["weekday"], quotes={"a.txt": "later"}),
    )
    score = score_news([_event("agreement", "They agreed on a ceasefire.")], gold)
    assert score.categories["weekday"].total == 2
    assert score.categories["weekday"].errors == 1
    assert score.categories["dateline-abroad"].errors == 0
    assert "weekday" in score.category_table()


def test_toponyms_within_161_km_split_syria_and_region() -> None:
    rows = (
        {"article": "a.txt", "surface": "Idlib", "lon": 36.63, "lat": 35.93, "country": "SY"},
        {"article": "a.txt", "surface": "Reyhanli", "lon": 36.57, "lat": 36.27, "country": "TR"},
        {"article": "a.txt", "surface": "Turkey", "lon": 35.0, "lat": 39.0, "country": "TR"},
    )
    gold = _gold(toponyms=rows)
    predictions = {
        "a.txt": [
            ("Idlib province", 36.57, 35.86),  # contains the surface form, 10 km off
            ("Reyhanli", 32.85, 39.92),  # put at Ankara
            ("Turkey", 32.85, 39.92),  # Ankara is ~200 km from GeoNames' point for Turkey
        ]
    }
    score = score_toponyms(predictions, gold)
    assert (score.syria, score.syria_total) == (1.0, 1)
    assert score.region == pytest.approx(1 / 3)
    assert set(score.wrong) == {"a.txt:Reyhanli", "a.txt:Turkey"}
    assert score_toponyms({}, gold).region == 0.0


def test_distance_km_is_geodesic() -> None:
    assert distance_km(36.2, 36.2, 36.2, 37.2) == pytest.approx(110.9, abs=0.5)


# --- the data -----------------------------------------------------------------------------------


def _body(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8").split("\n", 1)[1]


@pytest.mark.parametrize("folder", HALVES)
def test_manifest_lists_every_article_with_a_real_url(folder: Path) -> None:
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["file"] for row in rows) == sorted(p.name for p in folder.glob("*.txt"))
    for row in rows:
        assert row["url"].startswith(("http://", "https://")), row
        assert "example.org" not in row["url"], row
        assert row["outlet"], row
        if row["published"]:
            dt.date.fromisoformat(row["published"])


@pytest.mark.parametrize("folder", HALVES)
def test_gold_events_are_well_formed_and_quote_the_article_body(folder: Path) -> None:
    gold = load_news(folder)
    ids = [g["id"] for g in gold.events]
    assert len(ids) == len(set(ids))
    articles = set(gold.articles)
    mains = dict.fromkeys(articles, 0)
    for g in gold.events:
        assert g["kind"] in KINDS, g["id"]
        assert set(g.get("kinds_ok", ())) <= KINDS, g["id"]
        assert g["status"] in STATUSES, g["id"]
        assert g["date_precision"] in PRECISIONS, g["id"]
        assert dt.date.fromisoformat(g["date_start"]) <= dt.date.fromisoformat(g["date_end"]), g["id"]
        assert not (g.get("main") and g.get("optional")), g["id"]
        for lon, lat, radius in g["coords_ok"]:
            assert -180 <= lon <= 180, g["id"]
            assert -90 <= lat <= 90, g["id"]
            assert 0 < radius <= 150, g["id"]
        for article, quote in g["quotes"].items():
            assert article in articles, g["id"]
            for fragment in [quote] if isinstance(quote, str) else quote:
                assert fragment in _body(folder, article), (g["id"], fragment)
            mains[article] += bool(g.get("main"))
    assert all(mains.values()), [name for name, count in mains.items() if not count]


@pytest.mark.parametrize("folder", HALVES)
def test_gold_toponyms_are_written_in_the_article_body(folder: Path) -> None:
    gold = load_news(folder)
    assert {row["article"] for row in gold.toponyms} == set(gold.articles)
    for row in gold.toponyms:
        pattern = r"(?<![\w-])" + re.escape(row["surface"]) + r"(?![\w-])"
        assert re.search(pattern, _body(folder, row["article"])), row
        assert row["feature_type"] in {"town", "city", "region", "country", "site"}, row
        assert re.fullmatch(r"[A-Z]{2}", row["country"]), row
        assert row["geonameid"] or row["source"], row


@pytest.mark.parametrize("folder", HALVES)
def test_events_built_from_the_gold_itself_score_perfectly(folder: Path) -> None:
    """The gold is self-consistent, and the scorer can fail: moving every event to 0,0 breaks it."""
    gold = load_news(folder)
    perfect, displaced = [], []
    for g in gold.events:
        article, quote = next(iter(g["quotes"].items()))
        fragment = quote if isinstance(quote, str) else quote[0]
        lon, lat = (g["coords_ok"][0][0], g["coords_ok"][0][1]) if g["coords_ok"] else (None, None)
        start, end = dt.date.fromisoformat(g["date_start"]), dt.date.fromisoformat(g["date_end"])
        common = {
            "kind": g["kind"],
            "status": g["status"],
            "date": DateInterval(start, end, g["date_precision"]),
        }
        source = (Source(article=article, sentence=f"... {fragment} ..."),)
        perfect.append(
            Event(**common, place="x" if lon is not None else "", lon=lon, lat=lat, sources=source)
        )
        displaced.append(Event(**common, place="x", lon=0.0, lat=0.0, sources=source))
    score = score_news(perfect, gold)
    assert (score.main_recall, score.recall_right, score.precision, score.status_accuracy) == (1, 1, 1, 1)
    assert score_news(displaced, gold).main_recall < 0.2


def _recorded_hashes(half: str) -> dict[str, str]:
    """The sha256 sums the README records for the files of ``half`` (``test`` ... ``test4``)."""
    readme = (NEWS_DIR / "README.md").read_text(encoding="utf-8")
    row = r"^\| `" + re.escape(half) + r"/([^`]+)` \| `([0-9a-f]{64})` \|"
    return dict(re.findall(row, readme, flags=re.MULTILINE))


def _present_hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


@pytest.mark.skipif(not TEST_WRITTEN, reason="the test half is not written yet")
def test_the_frozen_test_half_is_unchanged() -> None:
    recorded = _recorded_hashes("test")
    assert recorded, "no sha256 sums recorded for test/ in tests/data/news/README.md"
    present = _present_hashes(TEST_DIR)
    assert present == recorded, "tests/data/news/test/ changed: the frozen half must not be edited"


def test_the_frozen_held_out_half_test2_is_unchanged() -> None:
    """``test2/`` is the half nobody tunes on: every file, and only those, as recorded in the README."""
    recorded = _recorded_hashes("test2")
    assert len(recorded) >= 12 + 3, "the README must record the sha256 of every test2/ file"
    present = _present_hashes(TEST2_DIR)
    assert present == recorded, "tests/data/news/test2/ changed: the frozen held-out half must not be edited"


def test_the_frozen_held_out_half_test3_is_unchanged() -> None:
    """``test3/`` is the half nobody tunes on: every file, and only those, as recorded in the README."""
    recorded = _recorded_hashes("test3")
    assert len(recorded) >= 25 + 3, "the README must record the sha256 of every test3/ file"
    present = _present_hashes(TEST3_DIR)
    assert present == recorded, "tests/data/news/test3/ changed: the frozen held-out half must not be edited"


def test_the_frozen_held_out_half_test4_is_unchanged() -> None:
    """``test4/`` is the half nobody tunes on: every file, and only those, as recorded in the README."""
    recorded = _recorded_hashes("test4")
    assert len(recorded) >= 25 + 3, "the README must record the sha256 of every test4/ file"
    present = _present_hashes(TEST4_DIR)
    assert present == recorded, "tests/data/news/test4/ changed: the frozen held-out half must not be edited"


def test_the_halves_share_no_article() -> None:
    names = [p.name for folder in ALL_HALVES for p in folder.glob("*.txt")]
    assert {p.name for p in DEV_DIR.glob("*.txt")}
    assert len(names) == len(set(names))
    urls = []
    for folder in ALL_HALVES:
        if (folder / "manifest.csv").is_file():
            with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
                urls += [row["url"] for row in csv.DictReader(handle)]
    assert len(urls) == len(set(urls))


@pytest.mark.parametrize("folder", [TEST2_DIR, TEST3_DIR, TEST4_DIR], ids=["test2", "test3", "test4"])
def test_the_held_out_halves_reuse_no_seed_page(folder: Path) -> None:
    """Held-out pages are new: none is one of the five seed articles (``seeds/manifest.csv``)."""
    seeds = Path(__file__).parent.parent / "seeds" / "manifest.csv"
    with seeds.open(encoding="utf-8", newline="") as handle:
        seed_urls = {row["url"].rstrip("/") for row in csv.DictReader(handle)}
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        urls = {row["url"].rstrip("/") for row in csv.DictReader(handle)}
    assert seed_urls
    assert not seed_urls & urls


def _addresses(folder: Path) -> set[str]:
    """The half's page addresses, trailing slash, query string and case aside."""
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return {row["url"].split("?")[0].rstrip("/").lower() for row in csv.DictReader(handle)}


@pytest.mark.parametrize("folder", [TEST3_DIR, TEST4_DIR], ids=["test3", "test4"])
def test_a_held_out_half_reuses_no_page_of_an_earlier_half(folder: Path) -> None:
    """Held-out pages are new: no address of ``test3/`` or ``test4/`` is in a half made before it."""
    earlier = ALL_HALVES[: ALL_HALVES.index(folder)]
    others = set().union(*(_addresses(half) for half in earlier))
    assert others
    assert not _addresses(folder) & others


def test_gold_json_is_valid_json_with_an_about() -> None:
    data = json.loads((DEV_DIR / "gold.json").read_text(encoding="utf-8"))
    assert data["about"]
    assert data["events"]
