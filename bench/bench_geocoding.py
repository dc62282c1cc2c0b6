"""Speed of the geocoder, as ratios against baselines measured in the same run.

Run from the project root: ``PYTHONPATH=. python bench/bench_geocoding.py``. Three measures:

1. **Throughput** of ``find_places`` on 5 KB articles: the seed texts (``settings.SEEDS_DIR``)
   cut or repeated to 5 KB, or a synthetic paragraph when no seed is there (CPU time of the
   process, best of 3). The baseline is the
   cheapest possible pass over the same text (``str.split``), so the ratio says how many plain
   word splits one geocoding pass costs, whatever the machine's load.
2. **Loading** the gazetteer (``load_gazetteer``: parse, check, index, build the automaton),
   against reading the same file with ``csv.DictReader`` and nothing else.
3. **Linearity** on one long article repeating a place name (the 96 KB case of issue 11): time
   per KB at 96 KB over time per KB at 12 KB (1.0 is linear; a quadratic matcher gives 8).

The target is 200 articles/s for the whole pipeline on one core.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path

from geodata import settings
from geodata.gazetteer import load_gazetteer, normalise
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
REPEATED = "Shelling hit Idlib again. "


def _articles() -> list[str]:
    seeds = sorted(Path(settings.SEEDS_DIR).glob("*.txt")) if settings.SEEDS_DIR.exists() else []
    texts = [p.read_text(encoding="utf-8") for p in seeds] or [SYNTHETIC]
    return [(t * (ARTICLE_BYTES // len(t) + 1))[:ARTICLE_BYTES] for t in texts]


def _rate(func: Callable[[str], object], articles: list[str], rounds: int, repeat: int = 3) -> float:
    # CPU time of this process, best of ``repeat``: the machine is shared, wall time drifts.
    times = []
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(rounds):
            for text in articles:
                func(text)
        times.append(time.process_time() - start)
    return rounds * len(articles) / min(times)


def _best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def _read_rows() -> int:
    with settings.GAZETTEER_FILE.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _load() -> None:
    normalise.cache_clear()  # a cold start: nothing normalised yet
    load_gazetteer()


def main(rounds: int = 20) -> None:
    gazetteer = load_gazetteer()
    articles = _articles()
    find_places(articles[0], gazetteer)  # warm the caches
    baseline = _rate(str.split, articles, rounds)
    geocoding = _rate(lambda text: find_places(text, gazetteer), articles, rounds)
    print(f"find_places: {geocoding:,.0f} articles/s of {ARTICLE_BYTES} B")
    print(f"str.split baseline: {baseline:,.0f} articles/s; ratio {baseline / geocoding:.0f}x")

    reading, loading = _best(_read_rows, 5), _best(_load, 5)
    size = settings.GAZETTEER_FILE.stat().st_size / 1000
    print(
        f"load_gazetteer ({len(gazetteer)} places, {size:.0f} KB): {loading * 1000:.0f} ms; "
        f"csv.DictReader alone {reading * 1000:.0f} ms; ratio {loading / reading:.1f}x"
    )

    per_kb = {}
    for size in (12_000, 96_000):
        text = (REPEATED * (size // len(REPEATED) + 1))[:size]
        per_kb[size] = _best(lambda text=text: find_places(text, gazetteer), 3) / (size / 1000)
    print(
        f"one article repeating a name: {per_kb[96_000] * 96:.2f} s for 96 KB; time per KB at 96 KB / "
        f"at 12 KB = {per_kb[96_000] / per_kb[12_000]:.2f} (1.0 is linear)"
    )


if __name__ == "__main__":
    main()
