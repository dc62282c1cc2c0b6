"""First maps against issue 9's targets: the app of a baseline commit and today's, interleaved in one
run, with Streamlit's floor (``floor_app.py``) measured in the same run.

For each size (``--sizes``; synthetic ACLED-layout events, ``make_acled.py``) and source:

- **files**: ``app.py --events FILE`` (as ``bench_scale.py`` runs it; the article events from an
  embedded store holding the seeds);
- **store**: ``app.py --store FILE``, the same events imported into an embedded store with
  ``python -m geodata import`` (as ``bench_app_store.py`` runs it, "warm": the import left its
  snapshot and, today, the map points), sizes up to ``--store-max``;

each app is started twice on a cache folder of its own (a copy of the one the import filled): the
**first start** (a freshly started server, page load until the imported points are drawn: today's
app reads and encodes the events, then keeps their points, ``geodata/point_cache.py``), then the
**restart** (a new server on the same files: today's app reads the kept points), and on the
restart a **new session** (a second page on the same server). The baseline app (``--baseline``,
default e83d517: before the kept points, the lazy imports and the map drawn before the imported
layer is read) is run from ``git archive`` of that commit, the same way.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_first_map.py [--sizes 100000 1000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from bench import make_acled
from geodata import __main__ as cli
from geodata.store import open_store
from tests.browser import harness

ROOT = harness.ROOT
QUERY = "date=2024-06-01&window=all"
TARGETS = {"first start, 100,000": 4.0, "new session, 100,000": 2.0, "first start, 1,000,000": 8.0}


def first_map(browser: Browser, url: str) -> float:
    """Page load until the imported points are drawn; then the wait for the script's run to end
    (its last widgets shown: today's app reads the imported layer after the map), so the next
    session meets an idle server."""
    context = harness.hermetic_context(browser, harness.Traffic(), viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    began = time.monotonic()
    page.goto(f"{url}/?{QUERY}")
    harness.wait_for_map(page, points=True, timeout=900_000)
    elapsed = time.monotonic() - began
    page.get_by_role("button", name=re.compile("^Download the whole dataset")).wait_for(timeout=900_000)
    context.close()
    return elapsed


def floor_paint(browser: Browser) -> float:
    with harness.running_app(script=ROOT / "bench" / "floor_app.py") as url:
        context = harness.hermetic_context(browser, harness.Traffic())
        page = context.new_page()
        began = time.monotonic()
        page.goto(f"{url}/?date=2019-03-08")
        page.wait_for_function("() => window.__floorDay === '2019-03-08'")
        elapsed = time.monotonic() - began
        context.close()
        return elapsed


def baseline_tree(commit: str, folder: Path) -> Path:
    """The project at ``commit``, unpacked (``git archive``): its app, library and data."""
    tree = folder / f"baseline-{commit}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def starts(browser: Browser, tree: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """First start, restart and the restart's new session (seconds), on the cache folder of ``env``."""
    env = env | {"PYTHONPATH": str(tree)}
    times = []
    for start in range(2):
        with harness.running_app(args, script=tree / "app.py", cwd=tree, env=env, timeout=600) as url:
            times.append(first_map(browser, url))
            if start:
                times.append(first_map(browser, url))
    return times[0], times[1], times[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store-max", type=int, default=100_000)
    parser.add_argument("--baseline", default="e83d517")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, sync_playwright() as playwright:
        tmp = Path(name)
        trees = {"baseline": baseline_tree(args.baseline, tmp), "today": ROOT}
        filled = tmp / "filled-cache"
        filled.mkdir()
        os.environ["XDG_CACHE_HOME"] = str(filled)  # where the imports below leave what they keep
        seeded = tmp / "seeded.gpkg"
        open_store(seeded).close()  # the seeds' events, for the --events runs
        env = os.environ | {"ATLAS_STORE": str(seeded)}
        browser = harness.launch(playwright)
        results: dict[str, list[tuple[float, float, float]]] = {}
        floors: list[float] = []
        for size in args.sizes:
            acled = tmp / f"acled-{size}.csv"
            make_acled.make_rows(size, seed=1).to_csv(acled, index=False)
            sources = {"files": ["--events", str(acled)]}
            if size <= args.store_max:
                store = tmp / f"store-{size}.gpkg"
                cli.main(["import", str(acled), "--store", str(store)])  # as a user imports
                sources["store"] = ["--store", str(store)]
            for repeat in range(args.repeat):
                floors.append(floor_paint(browser))
                for source, app_args in sources.items():
                    for app, tree in trees.items():
                        cache = tmp / f"cache-{size}-{source}-{app}-{repeat}"
                        shutil.copytree(filled, cache)
                        found = starts(browser, tree, app_args, env | {"XDG_CACHE_HOME": str(cache)})
                        results.setdefault(f"{size:,} {source} {app}", []).append(found)
                        times = " / ".join(f"{t:.2f}" for t in found)
                        print(f"{size:,} {source} {app} run {repeat + 1}: {times}", flush=True)
        browser.close()
    floor = statistics.median(floors)
    print(f"\nStreamlit floor (floor_app.py) first paint: median {floor:.2f} s of {len(floors)}")
    print("| events | source | app | first start (s) | restart (s) | new session (s) | x floor |")
    print("|---|---|---|---|---|---|---|")
    for key, runs in results.items():
        medians = [statistics.median(run[i] for run in runs) for i in range(3)]
        size, source, app = key.split()
        cells = " | ".join(f"{m:.2f} ({min(r[i] for r in runs):.2f}-{max(r[i] for r in runs):.2f})"
                           for i, m in enumerate(medians))  # fmt: skip
        ratios = " / ".join(f"{m / floor:.2f}" for m in medians)
        print(f"| {size} | {source} | {app} | {cells} | {ratios} |")
    print(f"\nmedians, ranges in brackets; targets (s): {TARGETS}")


if __name__ == "__main__":
    main()
