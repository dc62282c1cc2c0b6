"""ACLED-sized event sets in the browser: the app's live map against the naive rebuild, in one run.

For each size (default 1,000, 10,000 and 100,000 synthetic ACLED-layout events, ``make_acled.py``)
this runs, in headless Debian Chromium through ``tests/browser/harness.py``:

- **ours**: ``app.py --events FILE`` (the live map: points sent once, a step sends the view);
- **naive**: ``naive_app.py --events FILE`` (a new folium map with one ``folium.GeoJson`` of the
  window's points on every step).

and reports, per app: first map drawn (page load -> points drawn; ``cold`` on the server's first
run, which includes reading and encoding the file, and ``warm`` on a second page load), the slider
step (key press on the focused slider -> map redrawn: the canvas layer's redraw counter for ours,
the new frame's ``__naiveDay`` for the baseline; median), the server's run time of a step (AppTest,
in this process; median), bytes per point of the points layer in the page and bytes received over
the websocket per step, JS heap after the first step and after 50 steps (CDP
``Runtime.getHeapUsage`` after a forced GC; the naive baseline only gets a few steps at 100k, each
takes tens of seconds), and the export of the current view (``view.download`` as GeoJSON, in this
process; the baseline has no other export path, so only ours is given).

Steps are taken on the view ``--date``/``--window`` (default 2024-06-01, all events up to the day:
the heavy case, about 93 % of the events drawn) and, for ours, also on a 30-day window.

Run: ``PYTHONPATH=. /work/venv/bin/python bench/bench_scale.py [--sizes 1000 10000 100000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import CDPSession, Page, sync_playwright

from bench import make_acled
from geodata import imports, view
from tests.browser import cdn_mirror, harness

ROOT = harness.ROOT
FRAME_JS = 'document.querySelector("' + harness.MAP_FRAME.replace('"', '\\"') + '")'
OURS_READY = (
    "([day, draws]) => { const f = " + FRAME_JS + "; const w = f && f.contentWindow;"
    " return !!(w && w.atlas && w.atlas.state && w.atlas.state.dayIso === day && w.atlas.draws > draws); }"
)
NAIVE_READY = (
    "day => { const f = "
    + FRAME_JS
    + "; const w = f && f.contentWindow; return !!(w && w.__naiveDay === day); }"
)
FLOOR_READY = "day => window.__floorDay === day"
DRAWS_JS = "() => { const w = " + FRAME_JS + ".contentWindow; return w.atlas ? w.atlas.draws : 0; }"


@dataclass
class Result:
    first_cold: float = float("nan")
    first_warm: float = float("nan")
    steps: list[float] = field(default_factory=list)
    steps_30: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)
    bytes_per_point: float = float("nan")
    step_bytes: float = float("nan")
    heap_first: float = float("nan")
    heap_last: float = float("nan")
    heap_steps: int = 0
    export: float = float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def heap(cdp: CDPSession) -> float:
    """Used JS heap (MB) after a forced garbage collection (the page and its same-origin frames)."""
    cdp.send("HeapProfiler.collectGarbage")
    usage = cdp.send("Runtime.getHeapUsage")
    return (usage["usedSize"] + usage.get("backingStorageSize", 0)) / 1e6


def run_browser(
    page: Page,
    url: str,
    start: dt.date,
    window: str,
    steps: int,
    *,
    naive: bool,
    result: Result,
    pause: float = 0,
) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = [0]
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: received.__setitem__(0, received[0] + len(e["response"]["payloadData"])),
    )
    for attempt in ("cold", "warm"):
        began = time.monotonic()
        page.goto(f"{url}/?date={start}&window={window}")
        if naive:
            page.wait_for_function(NAIVE_READY, arg=start.isoformat(), timeout=600_000)
        else:
            page.wait_for_function(OURS_READY, arg=[start.isoformat(), 0], timeout=600_000)
        seconds = time.monotonic() - began
        if attempt == "cold":
            result.first_cold = seconds
        else:
            result.first_warm = seconds
    if not naive:
        result.bytes_per_point = page.evaluate(
            "() => { const w = " + FRAME_JS + ".contentWindow;"
            " return w.document.getElementById('atlas-points-data').textContent.length / w.atlas.points.n; }"
        )
    page.get_by_role("slider").first.focus()
    received[0] = 0
    for i in range(1, steps + 1):
        day = (start + dt.timedelta(days=i)).isoformat()
        page.wait_for_timeout(pause)
        draws = 0 if naive else page.evaluate(DRAWS_JS)
        began = time.monotonic()
        page.keyboard.press("ArrowRight")
        if naive:
            page.wait_for_function(NAIVE_READY, arg=day, timeout=600_000)
        else:
            page.wait_for_function(OURS_READY, arg=[day, draws], timeout=60_000)
        result.steps.append(time.monotonic() - began)
        if i == 1:
            page.wait_for_timeout(500)
            result.heap_first = heap(cdp)
    page.wait_for_timeout(1000)  # let the last run's tables and downloads arrive
    result.step_bytes = received[0] / steps
    result.heap_last = heap(cdp)
    result.heap_steps = steps


def run_steps_30(page: Page, url: str, start: dt.date, steps: int, result: Result) -> None:
    page.goto(f"{url}/?date={start}&window=30")
    page.wait_for_function(OURS_READY, arg=[start.isoformat(), 0], timeout=600_000)
    page.get_by_role("slider").first.focus()
    for i in range(1, steps + 1):
        day = (start + dt.timedelta(days=i)).isoformat()
        draws = page.evaluate(DRAWS_JS)
        began = time.monotonic()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(OURS_READY, arg=[day, draws], timeout=60_000)
        result.steps_30.append(time.monotonic() - began)


def floor_steps(page: Page, url: str, start: dt.date, steps: int) -> list[float]:
    """Key press -> the slider's new day seen by the page, in ``floor_app.py``."""
    page.goto(f"{url}/?date={start}")
    page.wait_for_function(FLOOR_READY, arg=start.isoformat(), timeout=120_000)
    page.get_by_role("slider").first.focus()
    times = []
    for i in range(1, steps + 1):
        began = time.monotonic()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(FLOOR_READY, arg=(start + dt.timedelta(days=i)).isoformat(), timeout=60_000)
        times.append(time.monotonic() - began)
    return times


def server_reruns(script: Path, events: Path, start: dt.date, window: str, steps: int) -> list[float]:
    """Wall time of AppTest runs after a slider change (the script's own work, no browser)."""
    from streamlit.testing.v1 import AppTest

    saved = sys.argv
    sys.argv = [str(script), "--events", str(events), "--no-tiles"]
    try:
        at = AppTest.from_file(str(script), default_timeout=900)
        at.query_params.update({"date": start.isoformat(), "window": window})
        at.run()
        times = []
        for i in range(1, steps + 1):
            began = time.perf_counter()
            at.slider(key="day").set_value(start + dt.timedelta(days=i)).run()
            times.append(time.perf_counter() - began)
        return times
    finally:
        sys.argv = saved


def export_time(events: Path, start: dt.date, window: str) -> float:
    frames = {"imported": imports.load_event_files([events]).events}
    current = view.MapView(start, view.parse_window(window))
    times = []
    for _ in range(5):
        began = time.perf_counter()
        view.download(frames, current, "geojson")
        times.append(time.perf_counter() - began)
    return median(times)


def bench_size(
    count: int, folder: Path, args: argparse.Namespace, browser_page: Callable[[], Page]
) -> dict[str, Result]:
    events = folder / f"acled_{count}.csv"
    make_acled.make_rows(count, seed=1).to_csv(events, index=False)
    results = {"ours": Result(), "naive": Result()}
    naive_steps = args.steps if count <= 1000 else 5 if count <= 10_000 else 2
    for name, script, steps in (
        ("ours", ROOT / "app.py", args.steps),
        ("naive", ROOT / "bench" / "naive_app.py", naive_steps),
    ):
        if name not in args.apps:
            continue
        result = results[name]
        app_args = ["--events", str(events), "--no-tiles"] if name == "ours" else ["--events", str(events)]
        with harness.running_app(app_args, script=script, timeout=300) as url:
            page = browser_page()
            run_browser(
                page,
                url,
                args.date,
                args.window,
                steps,
                naive=name == "naive",
                result=result,
                pause=args.pause,
            )
            if name == "ours":
                run_steps_30(page, url, dt.date(2019, 3, 8), min(steps, 20), result)
            page.context.close()
        result.rerun = server_reruns(
            script, events, args.date, args.window, min(steps, 5) if name == "ours" else 1
        )
        print(f"  {count:>7} {name:<5} done", file=sys.stderr, flush=True)
    results["ours"].export = export_time(events, dt.date(2019, 3, 8), "30")
    return results


def report(all_results: dict[int, dict[str, Result]], args: argparse.Namespace) -> None:
    print(f"view: date={args.date}, window={args.window}; {args.steps} steps for ours")
    print(
        "| events | app | first map cold (s) | first map warm (s) | step median (ms) "
        "| step, 30-day window (ms) | server rerun (ms) | bytes/point | bytes/step "
        "| heap 1st -> last step (MB) | heap ratio | export view (ms) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for count, results in all_results.items():
        for name, r in results.items():
            print(
                f"| {count:,} | {name} | {r.first_cold:.2f} | {r.first_warm:.2f} | "
                f"{median(r.steps) * 1000:.0f} (n={len(r.steps)}) | {median(r.steps_30) * 1000:.0f} | "
                f"{median(r.rerun) * 1000:.0f} | {r.bytes_per_point:.1f} | {r.step_bytes / 1000:.1f} KB | "
                f"{r.heap_first:.1f} -> {r.heap_last:.1f} (after {r.heap_steps}) | "
                f"{r.heap_last / r.heap_first:.2f} | {r.export * 1000:.0f} |"
            )
        ours, naive = results["ours"], results["naive"]
        if not (ours.steps and naive.steps):
            continue
        print(
            f"| {count:,} | naive / ours | {naive.first_cold / ours.first_cold:.1f}x | "
            f"{naive.first_warm / ours.first_warm:.1f}x | {median(naive.steps) / median(ours.steps):.0f}x "
            f"| | {median(naive.rerun) / median(ours.rerun):.0f}x | "
            f"| {naive.step_bytes / max(ours.step_bytes, 1):.0f}x | | | |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2024, 6, 1))
    parser.add_argument("--window", default="all")
    parser.add_argument("--pause", type=float, default=0, help="ms between steps (0: press at once)")
    parser.add_argument("--apps", nargs="+", default=["ours", "naive"], help="for a quick look at one side")
    args = parser.parse_args()
    if not cdn_mirror.is_complete():
        cdn_mirror.build_mirror()
    results: dict[int, dict[str, Result]] = {}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = harness.launch(playwright)

        def browser_page() -> Page:
            traffic = harness.Traffic()
            context = harness.hermetic_context(
                browser, traffic, cdn_mirror.DEFAULT_MIRROR, viewport={"width": 1400, "height": 1000}
            )
            return context.new_page()

        with harness.running_app(script=ROOT / "bench" / "floor_app.py") as url:
            page = browser_page()
            floor = floor_steps(page, url, args.date, args.steps)
            page.context.close()
        for count in args.sizes:
            results[count] = bench_size(count, Path(tmp), args, browser_page)
        browser.close()
    print(
        f"Streamlit floor (floor_app.py, key press -> day in the page): {median(floor) * 1000:.0f} ms median"
    )
    report(results, args)


if __name__ == "__main__":
    main()
