"""Score the current pipeline on both halves of the news evaluation set, side by side.

Run from the project root::

    PYTHONPATH=. python bench/score_news.py [--half dev|test|both|test2|test3|test4]

The development half (``tests/data/news/dev``) was looked at while the extraction was tuned
(issue 11): its figures are **development figures**. The first test half (``tests/data/news/test``)
was scored once, on 2 December 2026, and has been tuned on since: its figures are development
figures too (``both`` scores these two). ``test2`` (``tests/data/news/test2``) was the held-out
half: scored once, on 2 December 2026, then tuned on the same day (pipeline 2.2.0), so its
figures are development figures too. ``test3`` (``tests/data/news/test3``) was the next held-out
half, scored once per pipeline on 2 December 2026; the fourth round of rules (pipeline 2.3.0) was
tuned on its errors on 3 December 2026, so its figures are development figures since. ``test4``
(``tests/data/news/test4``) is the frozen held-out half nobody tunes on: the coordinator scores it
once per pipeline, to report, never to decide a change; a change made after looking at its errors
turns it into development data (say so in ``tests/data/README.md``).

Events are scored with ``tests._news_gold.score_news`` (a main event is right when kind, date and
place are right) and toponyms with ``score_toponyms`` (a gold toponym is right when a mention with
the same surface form is resolved within 161 km), the same rules as the development figures.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bench.eval_toponyms import article_mentions
from geodata.events import default_place_finder, extract_events
from geodata.gazetteer import load_gazetteer
from tests._news_gold import (
    DEV_DIR,
    TEST2_DIR,
    TEST3_DIR,
    TEST4_DIR,
    TEST_DIR,
    load_news,
    score_news,
    score_toponyms,
)

FOLDERS = {"dev": DEV_DIR, "test": TEST_DIR, "test2": TEST2_DIR, "test3": TEST3_DIR, "test4": TEST4_DIR}
LABELS = {
    "dev": "development figures (tuned on)",
    "test": "old test half: scored once on 2 Dec 2026, development data since",
    "test2": "half test2: scored once on 2 Dec 2026, development data since",
    "test3": "half test3: scored once per pipeline on 2 Dec 2026, development data since 3 Dec 2026",
    "test4": "frozen held-out half test4 (never tuned on)",
}


def score(half: str) -> None:
    folder = FOLDERS[half]
    gazetteer = load_gazetteer()
    gold = load_news(folder)
    run = extract_events(folder, find_places=default_place_finder(gazetteer))
    events = score_news(run.events, gold)
    predictions = {
        article: [
            (m.text, m.lon, m.lat) for m in article_mentions((folder / article).read_text("utf-8"), gazetteer)
        ]
        for article in sorted({row["article"] for row in gold.toponyms})
    }
    toponyms = score_toponyms(predictions, gold)
    print(f"== news {half}: {LABELS[half]}, {len(run.events)} events from {folder}")
    print(f"events:   {events}")
    print(f"toponyms: {toponyms}")
    print(f"missed:   {', '.join(events.missed) or '-'}")
    print(f"wrong:    {', '.join(events.wrong) or '-'}")
    print(f"leaks:    {', '.join(events.leaks) or '-'}")
    print("required events not right, per category (errors/total):")
    print(events.category_table())
    print(f"toponyms not within 161 km: {', '.join(toponyms.wrong) or '-'}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=(*FOLDERS, "both"), default="dev")
    args = parser.parse_args(argv)
    for half in ("dev", "test") if args.half == "both" else (args.half,):
        score(half)


if __name__ == "__main__":
    main()
