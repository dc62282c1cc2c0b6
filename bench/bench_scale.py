"""ACLED-sized event sets in the browser: the app's live map against the naive rebuild and Streamlit's
floor, measured in one run, and reported against issue 9's targets.

For each size (default 100,000 and 1,000,000 synthetic ACLED-layout events, ``make_acled.py``) this
runs, in headless Debian Chromium through ``tests/browser/harness.py`` (every outside request
refused), with the view ``--date``/``--window`` (default 2024-06-01, all events up to the day: the
heavy case, about 93 % of the events drawn):

- **ours**: ``app.py --events FILE``. *First map, fresh server*: a new ``streamlit run``, page load
  until the points are drawn (the server reads and encodes the file on that first run). *First map,
  new session*: a second page on the same server. *Step in page*: a key press on the focused day
  slider, timed inside the page from the key's event to the end of the redraw (the work one frame
  must hold), and to the next animation frame; ``--steps`` steps (median and 95th percentile). *JS
  heap*: CDP ``Runtime.getHeapUsage`` (used + backing stores, after a forced GC) after the first
  step and after the last; *page memory* is the same after the last step. *Round trip*: key press
  until the server has the new day (the address bar shows it): the page waits ``REPORT_DELAY_MS``
  for the user to pause, then the rerun; *server rerun*: the script's whole run in AppTest after
  the page reports a new day (median of 5). *Bytes per step*: websocket bytes the page receives
  for one step, after the map and its data are in the page.
- **naive**: ``naive_app.py --events FILE``: every step builds a new folium map with one
  ``folium.GeoJson`` of the window's points and hands it to ``st_folium`` (a few steps only at
  100,000: each takes tens of seconds; not run at 1,000,000).
- **floor**: ``floor_app.py``: a slider and a one-line script, Streamlit's own key press -> page
  round trip and first paint, the least any Streamlit app can do on this machine.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_scale.py [--sizes 100000 1000000] [--steps 200]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, CDPSession, Page, sync_playwright
from streamlit.testing.v1 import AppTest

from bench import make_acled
from geodata import livemap
from tests.browser import harness

ROOT = harness.ROOT
MAP = harness.MAP
# Times one key press inside the page: from the key's event to the end of the redraw, and to the
# next animation frame (when the browser can paint it).
ARM_JS = (
    "() => { window.__step = {}; const slider = " + MAP + ".ui.slider;"
    " slider.addEventListener('keydown', () => { window.__step.down = performance.now(); },"
    "   {once: true, capture: true});"
    " slider.addEventListener('input', () => { window.__step.done = performance.now();"
    "   requestAnimationFrame(() => { window.__step.frame = performance.now(); }); }, {once: true}); }"
)
NAIVE_DAY = (
    "day => [...document.querySelectorAll('iframe')].some(f => {"
    " try { return day === null ? !!f.contentWindow.__naiveDay : f.contentWindow.__naiveDay === day; }"
    " catch (e) { return false; } })"
)
TARGETS = {
    "step": 16.0,
    "first_cold_100k": 4.0,
    "first_warm_100k": 2.0,
    "first_1m": 8.0,
    "step_1m": 50.0,
    "memory_1m": 400.0,
    "heap_ratio": 1.1,
}


@dataclass
class Result:
    first_cold: float = float("nan")
    first_warm: float = float("nan")
    steps: list[float] = field(default_factory=list)
    frames: list[float] = field(default_factory=list)
    round_trip: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)
    step_bytes: float = float("nan")
    heap_first: float = float("nan")
    heap_last: float = float("nan")
    heap_steps: int = 0


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))] if values else float("nan")


def heap(cdp: CDPSession) -> float:
    """JS heap of the page in MB (used + ArrayBuffer backing stores) after a forced GC."""
    cdp.send("HeapProfiler.collectGarbage")
    usage = cdp.send("Runtime.getHeapUsage")
    return float(usage["usedSize"] + usage.get("backingStorageSize", 0)) / 1e6


def new_page(browser: Browser) -> tuple[Page, CDPSession, list[int]]:
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(len(f))))
    return page, context.new_cdp_session(page), received


def ours(browser: Browser, events: Path, query: str, steps: int) -> Result:
    result = Result()
    started = time.monotonic()
    with harness.running_app(["--events", str(events)], timeout=300) as url:
        page, cdp, received = new_page(browser)
        began = time.monotonic()
        page.goto(f"{url}/?{query}")
        harness.wait_for_map(page, points=True, timeout=600_000)
        result.first_cold = time.monotonic() - began
        print(f"  fresh server: healthy + first map {time.monotonic() - started:.1f} s", flush=True)
        page.wait_for_timeout(2000)  # the first run's tables
        slider = page.get_by_role("slider", name="Day")
        slider.focus()
        for step in range(steps):
            page.evaluate(ARM_JS)
            page.keyboard.press("ArrowLeft" if step % 2 else "ArrowRight")
            page.wait_for_function("() => window.__step.frame !== undefined")
            timing: dict[str, float] = page.evaluate("() => window.__step")
            result.steps.append(timing["done"] - timing["down"])
            result.frames.append(timing["frame"] - timing["down"])
            if step == 0:  # after the first step has settled (its rerun, the tables)
                page.wait_for_timeout(1500)
                result.heap_first = heap(cdp)
        page.wait_for_timeout(1500)
        result.heap_last, result.heap_steps = heap(cdp), steps
        for _ in range(3):  # the round trip: key press until the server has the day (in the link)
            page.wait_for_timeout(1500)
            before = page.url
            received.clear()
            began = time.monotonic()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("before => location.href !== before", arg=before, timeout=60_000)
            result.round_trip.append((time.monotonic() - began) * 1000)
            page.wait_for_timeout(1500)
            result.step_bytes = sum(received)
        page.context.close()
        second, _, _ = new_page(browser)
        began = time.monotonic()
        second.goto(f"{url}/?{query}")
        harness.wait_for_map(second, points=True, timeout=600_000)
        result.first_warm = time.monotonic() - began
        second.context.close()
    return result


def naive(browser: Browser, events: Path, query: str, steps: int) -> Result:
    result = Result()
    with harness.running_app(
        ["--events", str(events)], script=ROOT / "bench" / "naive_app.py", timeout=300
    ) as url:
        page, _, _ = new_page(browser)
        began = time.monotonic()
        page.goto(f"{url}/?{query}")
        page.wait_for_function(NAIVE_DAY, arg=None, timeout=900_000)
        result.first_cold = time.monotonic() - began
        slider = page.get_by_role("slider").first
        for step in range(steps):
            slider.focus()
            began = time.monotonic()
            page.keyboard.press("ArrowRight")
            day = (
                dt.date.fromisoformat(query.split("date=")[1][:10]) + dt.timedelta(days=step + 1)
            ).isoformat()
            page.wait_for_function(
                NAIVE_DAY,
                arg=day,
                timeout=900_000,
            )
            result.steps.append((time.monotonic() - began) * 1000)
        page.context.close()
    return result


def floor(browser: Browser, steps: int) -> Result:
    result = Result()
    with harness.running_app(script=ROOT / "bench" / "floor_app.py") as url:
        page, _, _ = new_page(browser)
        began = time.monotonic()
        page.goto(f"{url}/?date=2019-03-08")
        page.wait_for_function("() => window.__floorDay === '2019-03-08'")
        result.first_cold = time.monotonic() - began
        slider = page.get_by_role("slider").first
        slider.focus()
        day = dt.date(2019, 3, 8)
        for _ in range(steps):
            day += dt.timedelta(days=1)
            began = time.monotonic()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("day => window.__floorDay === day", arg=day.isoformat())
            result.round_trip.append((time.monotonic() - began) * 1000)
        page.context.close()
    return result


def server_reruns(events: Path, day: dt.date, window: str, count: int = 5) -> list[float]:
    """The script's whole run after the page reports a new day (AppTest, in this process)."""
    import sys

    sys.argv = ["app.py", "--events", str(events)]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    times = []
    for step in range(count):
        shown = day - dt.timedelta(days=step + 1)
        at.session_state["map"] = {
            "view": {"date": shown.isoformat(), "window": window, "layers": "imported,attack,other"}
        }
        began = time.monotonic()
        at.run()
        times.append((time.monotonic() - began) * 1000)
    return times


def report(results: dict[int, dict[str, Result]], floor_result: Result) -> str:
    lines = [
        f"Streamlit floor (floor_app.py): first paint {floor_result.first_cold:.2f} s, key press -> page "
        f"{median(floor_result.round_trip):.0f} ms median",
        "",
        "| events | app | first map, fresh server (s) | first map, new session (s) |"
        " step in page, median / p95 (ms) | step to next frame, median (ms) | round trip (ms) |"
        " server rerun (ms) | bytes/step | JS heap 1st -> last step (MB) | heap ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, apps in results.items():
        for name, r in apps.items():
            heap_text = (
                f"{r.heap_first:.1f} -> {r.heap_last:.1f} (after {r.heap_steps})" if r.heap_steps else ""
            )
            ratio = f"{r.heap_last / r.heap_first:.2f}" if r.heap_steps else ""
            lines.append(
                f"| {size:,} | {name} | {r.first_cold:.2f} | {r.first_warm:.2f} |"
                f" {median(r.steps):.1f} / {p95(r.steps):.1f} (n={len(r.steps)}) | {median(r.frames):.1f} |"
                f" {median(r.round_trip):.0f} | {median(r.rerun):.0f} | {r.step_bytes:,.0f} | {heap_text} |"
                f" {ratio} |"
            )
        if "naive" in apps and "ours" in apps:
            o, n = apps["ours"], apps["naive"]
            steps = median(n.steps) / median(o.steps)
            first = n.first_cold / o.first_cold
            lines.append(f"| {size:,} | naive / ours | {first:.1f}x | | {steps:.0f}x | | | | | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--date", default="2024-06-01")
    parser.add_argument("--window", default="all")
    parser.add_argument("--naive-steps", type=int, default=2)
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    query = f"date={args.date}&window={args.window}"
    results: dict[int, dict[str, Result]] = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = harness.launch(playwright)
        floor_result = floor(browser, 20)
        print(f"floor: {median(floor_result.round_trip):.0f} ms", flush=True)
        for size in args.sizes:
            path = Path(folder) / f"acled_{size}.csv"
            make_acled.make_rows(size, seed=1).to_csv(path, index=False)
            print(f"{size:,} events: ours", flush=True)
            apps = {"ours": ours(browser, path, query, args.steps)}
            apps["ours"].rerun = server_reruns(path, dt.date.fromisoformat(args.date), args.window)
            if not args.no_naive and size <= 100_000:
                print(f"{size:,} events: naive", flush=True)
                apps["naive"] = naive(browser, path, query, args.naive_steps)
            results[size] = apps
            print(report(results, floor_result), flush=True)
        browser.close()
    print(f"\nreport delay of the page: {livemap.REPORT_DELAY_MS} ms; targets: {TARGETS}")


if __name__ == "__main__":
    main()
