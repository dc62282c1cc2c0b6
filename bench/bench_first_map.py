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
**restart** (a new server on the same files: today's app reads the kept points, and sends the map it
kept, ``geodata/map_cache.py``, before it imports the data stack), and on the
restart a **new session** (a second page on the same server, in the same browser context as the
restart's page: today's app then reads the datasets the browser keeps, ``static/datasets.js``, and
is sent only their versions). Each server gets a new browser context. The floor is measured both
ways: a first page in a new context, and a second page in that context (the new session's floor:
Streamlit's scripts come from the browser's cache). The baseline app (``--baseline``,
default e83d517: before the kept points, the lazy imports and the map drawn before the imported
layer is read) is run from ``git archive`` of that commit, the same way.

With ``--breakdown``, each restart and new session of today's app also prints where its seconds
went, on one clock (the wall clock; ``performance.timeOrigin`` is the navigation's start): the
browser's navigation and resource timing, the page's marks (``performance.mark`` in
``geodata/static/datasets.js`` and ``livemap.js``: script evaluated, each dataset received, or asked
of the browser's store and restored, and decoded, the map mounted, drawn, the points painted), the
server's marks (``$ATLAS_TIMINGS``, ``geodata/timing.py``: the script's run reaching the map page,
its cached loaders, the map sent) and the WebSocket's frames as Playwright reports them (its
opening, the browser's first message: the run's request, the frames received with their sizes).
The frames travel to this process too, so the breakdown's runs are a little slower than the plain
ones; they are printed apart and not counted in the table.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_first_map.py [--sizes 100000 1000000] [--repeat 3]
[--breakdown]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, sync_playwright

from bench import make_acled
from bench.ab import baseline_tree
from geodata import __main__ as cli
from geodata import timing
from geodata.store import open_store
from tests.browser import harness

ROOT = harness.ROOT
QUERY = "date=2024-06-01&window=all"
TARGETS = {"first start, 100,000": 4.0, "new session, 100,000": 2.0, "first start, 1,000,000": 8.0}


def first_map(context: BrowserContext, url: str, marks: Path | None = None) -> float:
    """Page load, in a new page of ``context``, until the imported points are drawn; then the wait
    for the script's run to end (its last widgets shown: today's app reads the imported layer after
    the map, and the page keeps its large datasets in the browser once idle), so the next session
    meets an idle server. With ``marks`` (the server's ``$ATLAS_TIMINGS`` file), print where the
    time went (:func:`breakdown`)."""
    page = context.new_page()
    frames: list[tuple[float, str]] = []
    if marks is not None:
        page.on("websocket", lambda socket: watch_socket(socket, frames))
    began = time.monotonic()
    page.goto(f"{url}/?{QUERY}")
    harness.wait_for_map(page, points=True, timeout=900_000)
    elapsed = time.monotonic() - began
    drawn = time.time()
    page.get_by_role("button", name=re.compile("^Download the whole dataset")).wait_for(timeout=900_000)
    if marks is not None:
        print_breakdown(breakdown(page, frames, timing.read_marks(marks), drawn=drawn, ended=time.time()))
    kept = page.evaluate("() => window.atlas && window.atlas.kept")
    if kept and "imported" not in kept["restored"]:  # today's app, on a first page: the points kept
        page.wait_for_function(
            "() => window.atlas.keepError || window.atlas.kept.written.some((w) => w.startsWith('imported '))"
        )
    page.close()
    return elapsed


def watch_socket(socket: WebSocket, frames: list[tuple[float, str]]) -> None:
    """Record, on the wall clock, the WebSocket's opening, the browser's first message (the
    script's run requested) and each frame received with its size."""
    frames.append((time.time(), "socket: opened"))
    sent: list[int] = []

    def on_sent(payload: str | bytes) -> None:
        if not sent:
            frames.append((time.time(), "socket: first message sent (run requested)"))
        sent.append(len(payload))

    socket.on("framesent", on_sent)
    socket.on(
        "framereceived", lambda payload: frames.append((time.time(), f"socket: {len(payload):,} B received"))
    )


#: What the page reports: its time origin, navigation timing, resources and marks (public API).
PAGE_TIMELINE = """() => ({
  origin: performance.timeOrigin,
  navigation: performance.getEntriesByType("navigation").map((e) => e.toJSON())[0] || {},
  resources: performance.getEntriesByType("resource").map((e) =>
    [e.name, e.initiatorType, e.startTime, e.responseEnd, e.encodedBodySize]),
  marks: performance.getEntriesByType("mark").map((e) => [e.name, e.startTime]),
  timings: window.atlas ? window.atlas.timings : {},
})"""


def breakdown(
    page: Page, frames: list[tuple[float, str]], marks: list[tuple[str, float]], *, drawn: float, ended: float
) -> list[tuple[float, str, str]]:
    """The session's moments in milliseconds since its navigation started, in order: ``(ms,
    source, what)``, ``source`` one of ``browser``, ``page``, ``server``, ``socket``, ``bench``.
    Many small socket frames are summed (each frame over 50 KB is listed)."""
    found = page.evaluate(PAGE_TIMELINE)
    origin = float(found["origin"]) / 1000  # seconds since the epoch, like the server's and the bench's

    def ms(wall: float) -> float:
        return (wall - origin) * 1000

    nav = found["navigation"]
    rows = [
        (nav.get(k, 0.0), "browser", f"navigation: {k}") for k in ("responseEnd", "domContentLoadedEventEnd")
    ]
    scripts = [r for r in found["resources"] if r[1] == "script" or r[0].endswith(".js")]
    if scripts:
        size = sum(r[4] for r in scripts)
        rows.append((max(r[3] for r in scripts), "browser", f"{len(scripts)} scripts fetched ({size:,} B)"))
    stcore = [r for r in found["resources"] if "/_stcore/" in r[0]]
    if stcore:
        first = min(stcore, key=lambda r: r[2])
        rows.append((first[2], "browser", f"first request to the server: {first[0].rsplit('/', 1)[-1]}"))
    rows += [(start, "page", name) for name, start in found["marks"] if name.startswith("atlas: ")]
    rows += [(ms(t), "server", name) for name, t in marks if t >= origin]
    small, small_bytes = 0, 0
    for t, what in frames:
        size = int(what.split()[1].replace(",", "")) if what.endswith("B received") else None
        if size is not None and size < 50_000:
            small, small_bytes = small + 1, small_bytes + size
            continue
        rows.append((ms(t), "socket", what))
    rows.append((ms(drawn), "bench", "wait_for_map: points drawn"))
    rows.append((ms(ended), "bench", f"run ended (last widget); frames < 50 KB: {small}, {small_bytes:,} B"))
    steps = found["timings"].items()
    rows += [(-1.0, "page", f"timing {k}: {v:.1f} ms") for k, v in steps if isinstance(v, int | float)]
    return sorted(rows)


def print_breakdown(rows: list[tuple[float, str, str]]) -> None:
    """One line per moment; the page's own step timings (``debug.atlas.timings``) first."""
    for at, source, what in rows:
        print(f"    {'' if at < 0 else f'{at:.0f} ms':>9} {source:>7}  {what}")


def floor_paint(browser: Browser) -> tuple[float, float]:
    """Streamlit's own bare app: its first paint in a new browser context, then in a second page of
    that context (a new session in the same browser, as the apps' new sessions are measured)."""
    with harness.running_app(script=ROOT / "bench" / "floor_app.py") as url:
        context = harness.hermetic_context(browser, harness.Traffic())
        times = []
        for _ in range(2):
            page = context.new_page()
            began = time.monotonic()
            page.goto(f"{url}/?date=2019-03-08")
            page.wait_for_function("() => window.__floorDay === '2019-03-08'")
            times.append(time.monotonic() - began)
            page.close()
        context.close()
        return times[0], times[1]


def starts(
    browser: Browser, tree: Path, args: list[str], env: dict[str, str], *, marks: Path | None = None
) -> tuple[float, float, float]:
    """First start, restart and the restart's new session (seconds), on the cache folder of ``env``;
    with ``marks``, the restart's server writes its timing marks there and both its sessions print
    their breakdown. Each server gets a new browser context (nothing in the browser's caches); the
    new session is a second page in the restart's context (a new session in the same browser)."""
    env = env | {"PYTHONPATH": str(tree)}
    times = []
    for start in range(2):
        run_env = env | ({timing.ENV_VAR: str(marks)} if start and marks is not None else {})
        with harness.running_app(args, script=tree / "app.py", cwd=tree, env=run_env, timeout=600) as url:
            context = harness.hermetic_context(
                browser, harness.Traffic(), viewport={"width": 1400, "height": 1000}
            )
            shown = marks if start else None
            if shown:
                print("  restart:")
            times.append(first_map(context, url, shown))
            if start:
                if shown:
                    print("  new session:")
                times.append(first_map(context, url, shown))
            context.close()
    return times[0], times[1], times[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store-max", type=int, default=100_000)
    parser.add_argument("--baseline", default="e83d517")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="first, one run of today's app per source printing where its time goes",
    )
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
        floors: list[tuple[float, float]] = []
        for size in args.sizes:
            acled = tmp / f"acled-{size}.csv"
            make_acled.make_rows(size, seed=1).to_csv(acled, index=False)
            sources = {"files": ["--events", str(acled)]}
            if size <= args.store_max:
                store = tmp / f"store-{size}.gpkg"
                cli.main(["import", str(acled), "--store", str(store)])  # as a user imports
                sources["store"] = ["--store", str(store)]
            for source, app_args in sources.items() if args.breakdown else ():
                print(f"{size:,} {source} today, breakdown (ms since the navigation started):", flush=True)
                cache = tmp / f"cache-{size}-{source}-breakdown"
                shutil.copytree(filled, cache)
                marks = tmp / f"marks-{size}-{source}.jsonl"
                starts(browser, ROOT, app_args, env | {"XDG_CACHE_HOME": str(cache)}, marks=marks)
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
    if not results:
        return
    floor = statistics.median(first for first, _ in floors)
    second = statistics.median(again for _, again in floors)
    print(f"\nStreamlit floor (floor_app.py) first paint: median {floor:.2f} s of {len(floors)}; "
          f"a second page in the same browser: {second:.2f} s (the new session's floor)")  # fmt: skip
    header = "first start (s) | restart (s) | new session (s) | x floor (new session: x its second page)"
    print(f"| events | source | app | {header} |")
    print("|---|---|---|---|---|---|---|")
    for key, runs in results.items():
        medians = [statistics.median(run[i] for run in runs) for i in range(3)]
        size, source, app = key.split()
        cells = " | ".join(f"{m:.2f} ({min(r[i] for r in runs):.2f}-{max(r[i] for r in runs):.2f})"
                           for i, m in enumerate(medians))  # fmt: skip
        ratios = " / ".join(f"{m / f:.2f}" for m, f in zip(medians, (floor, floor, second), strict=True))
        print(f"| {size} | {source} | {app} | {cells} | {ratios} |")
    print(f"\nmedians, ranges in brackets; targets (s): {TARGETS}")


if __name__ == "__main__":
    main()
