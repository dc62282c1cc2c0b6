"""Throughput of ``find_places`` on 5 KB articles, against a baseline measured in the same run.

Run from the project root: ``python bench/bench_geocoding.py``. The articles are the seed texts
(``settings.SEEDS_DIR``) cut or repeated to 5 KB, or a synthetic paragraph when no seed is
there. The baseline is the cheapest possible pass over the same text (``str.split``), so the
ratio says how many plain word splits one geocoding pass costs, whatever the machine's load.
The target is 200 articles/s for the whole pipeline on one core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from geodata import settings
from geodata.gazetteer import load_gazetteer
from geodata.geocoding import find_places

ARTICLE_BYTES = 5000
SYNTHETIC = (
    "Russia and Turkey agreed on joint patrols in Idlib province. Shelling hit Khan Sheikhoun "
    "and Maarat al-Numan, while the M4 highway between Saraqib and Jisr al-Shughur stayed "
    "closed. Officials in Ankara said talks in Moscow would continue. "
    + "The statement, issued late in the evening after several hours of meetings, gave no "
    "timetable for the next steps and said that the technical details would be settled by the "
    "military delegations of both sides in the coming weeks, according to people present. " * 3
)  # about one place per 25 words, as in the seed articles


def _articles() -> list[str]:
    seeds = sorted(Path(settings.SEEDS_DIR).glob("*.txt")) if settings.SEEDS_DIR.exists() else []
    texts = [p.read_text(encoding="utf-8") for p in seeds] or [SYNTHETIC]
    return [(t * (ARTICLE_BYTES // len(t) + 1))[:ARTICLE_BYTES] for t in texts]


def _rate(func: Callable[[str], object], articles: list[str], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for text in articles:
            func(text)
    return rounds * len(articles) / (time.perf_counter() - start)


def main(rounds: int = 40) -> None:
    gazetteer = load_gazetteer()
    articles = _articles()
    find_places(articles[0], gazetteer)  # warm the caches
    baseline = _rate(str.split, articles, rounds)
    geocoding = _rate(lambda text: find_places(text, gazetteer), articles, rounds)
    print(f"find_places: {geocoding:,.0f} articles/s of {ARTICLE_BYTES} B")
    print(f"str.split baseline: {baseline:,.0f} articles/s; ratio {baseline / geocoding:.0f}x")


if __name__ == "__main__":
    main()
