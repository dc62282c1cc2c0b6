"""The event store against what it replaces, as ratios measured in one run.

1. **add**: ``python -m geodata add`` of N synthetic articles (``bench_pipeline``'s ~5 KB articles)
   into a new embedded store, against the pipeline alone on the same folder (``extract_events``:
   reading, dates, places, events, merging). CPU time of this process, best of R, interleaved.
   Target: add at >= 0.8x the pipeline's speed (storage costs <= 25 %).
2. **first frames**: what the app loads before its first map, in a fresh process each time (best of
   R, wall time inside the process after the imports): from the store (open it, zones from their
   files, ``Store.frames()`` with the seeds' events and 100,000 imported ACLED events) against from
   files as today (zones, ``extract_events(seeds/)``, ``imports.load_event_files`` of the 100k CSV).
   Targets: <= 1.2x (embedded), <= 1.5x (PostGIS). The store is measured twice: with the snapshot
   of the imported events that ``import`` leaves in the user's cache folder (``store_frames``), and
   without one (a machine that never read this store, e.g. a colleague's on a team's PostGIS store:
   100,000 rows through the database driver).
3. **saving one article**: ``Store.add_article(..., preview=...)`` after ``Store.preview`` (the app's
   flow: the pipeline has run for the preview), into a store holding the seeds and the N articles;
   wall time, median of S saves. Target: <= 300 ms.

PostGIS is measured when ``--postgis URL`` (a database it may fill; e.g. from
``bash .ci/postgis.sh start``) or ``$ATLAS_TEST_POSTGIS_URL`` is given: a fresh database is made for
each store from the server's ``atlas`` database (which has the postgis extension).

Usage: ``PYTHONPATH=. python bench/bench_store.py [--articles 1000] [--imported 100000] [--repeat 3]``.
This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import synthetic_article, write_corpus

from geodata import events, imports, intake
from geodata.store import open_store

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: the app's first load, from files or from the store.
FIRST_FRAMES = """
import json, sys, time
from pathlib import Path
from geodata import events, imports, settings, zones
from geodata.store import open_store
mode, source = sys.argv[1], sys.argv[2]
start = time.perf_counter()
layers = {"zones": zones.load_zones(settings.ZONES_DIR).zones}
if mode == "files":
    layers["events"] = events.events_frame(events.extract_events(settings.SEEDS_DIR).events)
    layers["imported"] = imports.load_event_files([Path(source)]).events
else:
    with open_store(source) as store:
        layers |= store.frames()
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": {k: len(v) for k, v in layers.items()}}))
"""


def new_database(server: str) -> str:
    url = make_url(server)
    name = f"atlas_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE atlas'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, store: str) -> None:
    engine = sa.create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(store).database}" WITH (FORCE)'))
    engine.dispose()


def bench_add(folder: Path, tmp: Path, repeat: int) -> tuple[float, float]:
    finder = events.default_place_finder()  # loaded once, outside the timing, for both
    pipeline, add = [], []
    for i in range(repeat):
        start = time.process_time()
        events.extract_events(folder, find_places=finder)
        pipeline.append(time.process_time() - start)
        with open_store(tmp / f"add{i}.gpkg", seeds=None, find_places=finder) as store:
            start = time.process_time()
            found, _ = intake.read_folder(folder)
            list(store.add_articles(found, by="bench"))
            add.append(time.process_time() - start)
    return min(pipeline), min(add)


def first_frames(mode: str, source: str, cache: Path | None = None) -> float:
    """Seconds to the first frames in a fresh process; ``cache`` is its cache folder (a new one: cold)."""
    with tempfile.TemporaryDirectory(prefix="atlas-bench-cache-") as cold:
        done = subprocess.run(
            [sys.executable, "-c", FIRST_FRAMES, mode, source],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache or cold)},
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
    return float(json.loads(done.stdout.splitlines()[-1])["seconds"])


def fill(store_url: str, acled: Path) -> None:
    with open_store(store_url, cache=False) as store:  # the seeds, as on first use; no snapshot here
        store.import_events(imports.read_events(acled), acled, by="bench")


def bench_save(store_url: str, folder: Path, saves: int) -> list[float]:
    times = []
    import random

    from geodata.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    towns = sorted(p.name for p in gazetteer if p.kind == "town" and p.country == "SY")
    govs = sorted(p.name for p in gazetteer if p.kind == "governorate")
    rng = random.Random(99)
    with open_store(store_url) as store:
        found, _ = intake.read_folder(folder)
        list(store.add_articles(found, by="bench"))
        for i in range(saves):
            text = synthetic_article(rng, towns, govs)
            meta = intake.ArticleMeta(f"save-{i}.txt", outlet="Bench")
            preview = store.preview(text, meta)
            start = time.perf_counter()
            result = store.add_article(text, meta, by="bench", preview=preview)
            times.append(time.perf_counter() - start)
            assert result.status == "added"
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--imported", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--postgis", default=os.environ.get("ATLAS_TEST_POSTGIS_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        folder = tmp / "articles"
        folder.mkdir()
        write_corpus(folder, args.articles, seed=7)
        pipeline, add = bench_add(folder, tmp, args.repeat)
        print(f"1. add of {args.articles} articles, embedded store (CPU s, best of {args.repeat})")
        print(f"   pipeline alone {pipeline:6.2f} s  {args.articles / pipeline:6.0f} articles/s")
        print(f"   add            {add:6.2f} s  {args.articles / add:6.0f} articles/s")
        print(f"   speed ratio    {pipeline / add:6.2f}x   (target >= 0.8x)")

        acled = tmp / "acled.csv"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_acled.py"), str(args.imported), str(acled)],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
        )
        stores = {"embedded": str(tmp / "frames.gpkg")}
        if args.postgis:
            stores["PostGIS"] = new_database(args.postgis)
        try:
            for store_url in stores.values():
                fill(store_url, acled)
            runs: dict[str, list[float]] = {"files": [], **{k: [] for k in stores}}
            runs |= {f"{k} warm": [] for k in stores}
            warm = {key: tmp / f"cache-{key}" for key in stores}
            for key, store_url in stores.items():
                first_frames("store", store_url, warm[key])  # writes the snapshot (not counted)
            for _ in range(args.repeat):
                runs["files"].append(first_frames("files", str(acled)))
                for key, store_url in stores.items():
                    runs[key].append(first_frames("store", store_url))  # cold: a new cache folder
                    runs[key + " warm"].append(first_frames("store", store_url, warm[key]))
            files = min(runs["files"])
            print(
                f"2. first frames: seeds + {args.imported:,} imported "
                f"(wall s in a fresh process, best of {args.repeat})"
            )
            print(f"   from files     {files:6.2f} s")
            for key, target in (("embedded", 1.2), ("PostGIS", 1.5)):
                if key in runs:
                    for label, when in ((key, "no snapshot yet"), (key + " warm", "with its snapshot")):
                        best = min(runs[label])
                        print(
                            f"   from {key:9} {best:6.2f} s  ratio {best / files:4.2f}x "
                            f"(target <= {target}x; {when})"
                        )

            print(
                f"3. saving one article after its preview ({args.saves} saves, "
                f"store with seeds + {args.articles})"
            )
            for key in stores:
                target_url = str(tmp / "save.gpkg") if key == "embedded" else new_database(args.postgis or "")
                try:
                    times = bench_save(target_url, folder, args.saves)
                finally:
                    if key == "PostGIS" and args.postgis:
                        drop_database(args.postgis, target_url)
                print(
                    f"   {key:9} median {statistics.median(times) * 1000:5.0f} ms, "
                    f"max {max(times) * 1000:5.0f} ms (target <= 300 ms)"
                )
        finally:
            if "PostGIS" in stores and args.postgis:
                drop_database(args.postgis, stores["PostGIS"])


if __name__ == "__main__":
    main()
