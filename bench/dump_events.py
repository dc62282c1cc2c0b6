"""Dump what the events pipeline reads out of every development corpus, to check a speed-up
changes nothing.

Runs ``extract_events`` on ``seeds/``, ``tests/data/heldout/``, ``tests/data/articles/``,
``tests/data/news/dev/`` and the synthetic articles of ``bench_pipeline.py`` (the default mix, all
event templates, and the 96 KB article repeating one place name), and writes one JSON document:
per corpus, the rows of ``events_frame`` (the table users and exports see), every field of every
``Event`` with its sources (place and date sources, candidates, coordinates at full precision,
quotes and offsets) and the problems. Keys sorted, so two dumps compare byte for byte.
Never run on ``tests/data/news/test/`` (the frozen test half).

Usage: ``python bench/dump_events.py OUT.json`` (write), then after a change
``python bench/dump_events.py NEW.json && cmp OUT.json NEW.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import pathological, write_corpus  # noqa: E402

from geodata.events import EventRun, default_place_finder, events_frame, extract_events  # noqa: E402

FOLDERS = ("seeds", "tests/data/heldout", "tests/data/articles", "tests/data/news/dev")


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot dump {type(value).__name__}")


def _dump(run: EventRun) -> dict[str, object]:
    frame = events_frame(run.events)
    rows = frame.drop(columns="geometry").to_dict(orient="records")
    for row, point in zip(rows, frame.geometry, strict=True):
        row["geometry"] = None if point is None else [point.x, point.y]
    return {
        "frame": rows,
        "events": [dataclasses.asdict(event) for event in run.events],
        "problems": [dataclasses.asdict(problem) for problem in run.problems],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    finder = default_place_finder()
    dump: dict[str, object] = {}
    for folder in FOLDERS:
        assert "news/test" not in folder  # the frozen test half is never read here
        dump[folder] = _dump(extract_events(ROOT / folder, find_places=finder))
    for name, count, dense in (("synthetic default mix", 400, 0.5), ("synthetic dense", 200, 1.0)):
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(Path(tmp), count, 7, dense)
            dump[name] = _dump(extract_events(Path(tmp), find_places=finder))
    with tempfile.TemporaryDirectory() as tmp:
        pathological(Path(tmp))
        dump["96 KB article"] = _dump(extract_events(Path(tmp), find_places=finder))
    text = json.dumps(dump, sort_keys=True, indent=1, default=_plain, ensure_ascii=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    total = sum(len(d["frame"]) for d in dump.values() if isinstance(d, dict))
    print(f"{args.out}: {total} events in {len(dump)} corpora")


if __name__ == "__main__":
    main()
