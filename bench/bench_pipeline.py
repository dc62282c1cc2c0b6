"""Throughput of the events pipeline, in articles per second on one core.

Generates synthetic ~5 KB articles (title, dateline, body paragraphs with places, dates and event
triggers, page clutter and a reader-comment thread), writes them to a temporary folder and times,
in the same run:

- the baseline: reading every file and sorting its lines into body, captions, clutter and
  comments (``read_articles``), the floor any extraction pays, and the same code before and after
  the events pipeline was rebuilt on spaCy (so the ratio compares the two);
- the pipeline: ``extract_events`` (reading, dates, places, events, merging).

It also times one pathological article (issue 10): about 96 KB repeating one place name in a
single sentence, which took 41 s when choosing the event's place was quadratic in the places
named.

Usage: ``python bench/bench_pipeline.py [--articles N] [--repeat R] [--seed S] [--dense D]
[--no-big]``. The best of R runs is reported for each, with the pipeline/baseline ratio. Times
are CPU time of this process (``time.process_time``), so other work on a shared machine disturbs
them less than wall time.
This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geodata.articles import read_articles
from geodata.events import default_place_finder, extract_events
from geodata.gazetteer import load_gazetteer

ACTORS = ("Russian", "Turkish", "Iranian", "Syrian government", "opposition", "Kurdish-led")
VENUES = ("Moscow", "Ankara", "Tehran", "Sochi", "Astana", "Geneva")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September")
TEMPLATES = (
    "{a1} and {a2} troops conducted a joint patrol near {town} on {weekday}, officials said.",
    "{a1} officials met their {a2} counterparts in {venue} on {month} {day} to discuss {gov}.",
    "Shelling hit the outskirts of {town} {rel}, killing {n} civilians, local monitors reported.",
    "About {n},000 people have fled villages around {town} since early {month}, aid groups said.",
    "The two sides signed a memorandum in {venue} in {month} {year} on a ceasefire in {gov}.",
    "A new convoy was deployed to {town} last week, according to residents.",
    "Joint patrols will begin on the highway east of {town} in early {month}, the ministry said.",
    "Analysts said the situation in {gov} remained fragile and that more talks could be needed.",
    "Residents of {town} described long queues for bread and fuel during the winter months.",
    "The agreement, which both governments praised at the time, has been violated repeatedly.",
)
# Background and comment sentences, as news has between its reports of events.
FILLER = (
    "The {a1} side has long argued that the front line cannot be held without outside support.",
    "Diplomats describe the relationship between the two capitals as cautious but pragmatic.",
    "\u201cWe want calm, and we want our people to go home,\u201d a local official told the paper.",
    "The province is home to several million people, many of them displaced from other regions.",
    "Critics say that the arrangement mostly serves the interests of the larger powers.",
    "Prices of basic goods in {town} have tripled, shopkeepers say, and electricity is scarce.",
    "Observers note that previous understandings of this kind rarely lasted more than a few months.",
)
CLUTTER = ("Share on Facebook Share on Twitter", "- Advertisement -", "0 1,523", "4 min read")
COMMENTS = (
    "Great piece, thanks for writing it!",
    "Sam Ortega",
    "I was in {town} last year and you are all wrong about this :)",
    "Kit Moreno",
    "lol you people believe anything. My uncle in {town} says the opposite.",
)


def synthetic_article(rng: random.Random, towns: list[str], govs: list[str], args_dense: float = 0.5) -> str:
    """One invented article of about 5 KB; ``args_dense`` of its sentences come from TEMPLATES."""
    published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(900))
    lines = [f"Monitors report movements near {rng.choice(towns)}", f"Published {published:%d.%m.%Y} 10:00"]
    lines.append(rng.choice(CLUTTER))
    while sum(len(line) for line in lines) < 4700:
        paragraph = " ".join(
            rng.choice(TEMPLATES if rng.random() < args_dense else FILLER).format(
                a1=rng.choice(ACTORS),
                a2=rng.choice(ACTORS),
                town=rng.choice(towns),
                gov=rng.choice(govs),
                venue=rng.choice(VENUES),
                weekday=rng.choice(WEEKDAYS),
                month=rng.choice(MONTHS),
                day=rng.randint(1, 28),
                year=rng.randint(2016, 2020),
                rel=rng.choice(("yesterday", "on Sunday", "last week", "in the last few days")),
                n=rng.randint(2, 40),
            )
            for _ in range(rng.randint(1, 3))
        )
        lines.append(paragraph)
    lines.append(rng.choice(CLUTTER))
    lines.extend(c.format(town=rng.choice(towns)) for c in COMMENTS)
    return "\n\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int, seed: int, dense: float = 0.5) -> int:
    gazetteer = load_gazetteer()
    towns = sorted(p.name for p in gazetteer if p.kind == "town" and p.country == "SY")
    govs = sorted(p.name for p in gazetteer if p.kind == "governorate")
    rng = random.Random(seed)
    size = 0
    for i in range(count):
        text = synthetic_article(rng, towns or ["Saraqib"], govs or ["Idlib"], dense)
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    return size


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def baseline(folder: Path) -> int:
    articles, _ = read_articles(folder)
    return sum(len(a.body) for a in articles)


def pathological(folder: Path) -> int:
    """Write the 96 KB article repeating one place name; return its size in bytes."""
    body = "Warplanes struck " + "Saraqib, " * 10_600 + "on Tuesday."
    (folder / "big.txt").write_text(f"One place named ten thousand times\n\n{body}\n", encoding="utf-8")
    return len(body.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--dense", type=float, default=0.5, help="share of sentences drawn from event templates"
    )
    parser.add_argument(
        "--no-big", action="store_true", help="skip the 96 KB article (the old pipeline takes ~40 s on it)"
    )
    args = parser.parse_args()
    finder = default_place_finder()  # loaded once, outside the timing, as the CLI does per run
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = write_corpus(folder, args.articles, args.seed, args.dense)
        base = best_of(args.repeat, lambda: baseline(folder))
        full = best_of(args.repeat, lambda: extract_events(folder, find_places=finder))
        run = extract_events(folder, find_places=finder)
    n = args.articles
    print(
        f"{n} synthetic articles, mean {size / n / 1000:.1f} KB, {args.dense:.0%} of sentences from "
        f"event templates, best of {args.repeat} runs, one core"
    )
    print(f"baseline (read_articles):          {n / base:8.0f} articles/s")
    print(f"pipeline (extract_events):         {n / full:8.0f} articles/s")
    print(f"pipeline / baseline time ratio:    {full / base:8.1f}x")
    print(f"events: {len(run.events)}, unlocated: {run.unlocated}")
    if args.no_big:
        return
    with tempfile.TemporaryDirectory() as tmp:
        size = pathological(Path(tmp))
        seconds = best_of(1, lambda: extract_events(Path(tmp), find_places=finder))
    print(f"one {size / 1000:.0f} KB article repeating one place name: {seconds:.2f} s")


if __name__ == "__main__":
    main()
