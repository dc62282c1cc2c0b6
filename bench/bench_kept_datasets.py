"""A new session with the datasets the browser keeps against the same session sent them whole, on
one server, alternating, with Streamlit's floor (``floor_app.py``) measured the same way.

Today's app is started once on ``--events FILE`` (synthetic ACLED-layout events, ``make_acled.py``),
and one browser context opens a first page (which keeps the large datasets in the browser,
``geodata/static/datasets.js``). Then, ``--repeat`` times, two new sessions in that context, in
turn: **kept** (the browser's cookie lists the kept versions: the server sends only them and the
page reads the datasets from its store) and **whole** (the cookie cleared first: the server sends
the datasets whole, as before the kept datasets; the page then keeps them again). Both are second
pages of the same browser (Streamlit's scripts from its cache), so the pair differs only in how the
datasets reach the page. Each is timed from navigation until the imported points are drawn, and
the bytes the page receives over the WebSocket until then are counted. The floor is a second page
of Streamlit's bare app in a context of its own (never limited). ``--mbit`` limits the new sessions'
network as a remote user's would be (Chromium's network emulation). ``--query`` is the link's view
(``bench_first_map.py`` uses ``date=2024-06-01&window=all``, whose "Not on the map" table is
large).

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_kept_datasets.py [--size 100000] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import BrowserContext, sync_playwright

from bench import make_acled
from bench.bench_first_map import floor_paint
from tests.browser import harness


def session(
    context: BrowserContext, url: str, query: str, *, whole: bool, mbit: float | None = None
) -> tuple[float, int, list[str]]:
    """A new page of ``context`` until the points are drawn: seconds, bytes received until then, and
    the datasets the page read from its store; ``whole`` clears the cookie first; ``mbit`` limits
    the page's network (Chromium's DevTools emulation: that many Mbit/s each way, 20 ms latency)."""
    if whole:
        context.clear_cookies()
    page = context.new_page()
    if mbit is not None:
        rate = mbit * 1e6 / 8
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 20, "downloadThroughput": rate, "uploadThroughput": rate},
        )
    sizes: list[int] = []

    def heard(payload: str | bytes) -> None:
        sizes.append(len(payload))

    page.on("websocket", lambda socket: socket.on("framereceived", heard))
    began = time.monotonic()
    page.goto(f"{url}/?{query}")
    harness.wait_for_map(page, points=True, timeout=600_000)
    elapsed, received = time.monotonic() - began, sum(sizes)
    page.get_by_role("button", name=re.compile("^Download the whole dataset")).wait_for(timeout=600_000)
    kept = page.evaluate("() => window.atlas.kept")
    page.wait_for_function(  # whole: the page keeps them again, for the next kept session
        "() => window.atlas.keepError || window.atlas.kept.restored.imported ||"
        " window.atlas.kept.written.some((w) => w.startsWith('imported '))"
    )
    page.close()
    return elapsed, received, sorted(kept["restored"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--query", default="date=2024-06-01&window=all")
    parser.add_argument("--mbit", type=float, help="limit the new sessions' network to this many Mbit/s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, sync_playwright() as playwright:
        acled = Path(name) / f"acled-{args.size}.csv"
        make_acled.make_rows(args.size, seed=1).to_csv(acled, index=False)
        browser = harness.launch(playwright)
        floors = [floor_paint(browser)[1] for _ in range(2)]
        times: dict[bool, list[float]] = {False: [], True: []}
        with harness.running_app(["--events", str(acled)], timeout=600) as url:
            context = harness.hermetic_context(
                browser, harness.Traffic(), viewport={"width": 1400, "height": 1000}
            )
            print(f"first page: {session(context, url, args.query, whole=False)[0]:.2f} s", flush=True)
            for repeat in range(args.repeat):
                for whole in (False, True):
                    elapsed, received, restored = session(
                        context, url, args.query, whole=whole, mbit=args.mbit
                    )
                    times[whole].append(elapsed)
                    label = "whole" if whole else "kept "
                    print(f"run {repeat + 1} {label}: {elapsed:.2f} s, {received:,} B received until drawn, "
                          f"read from the browser: {', '.join(restored) or 'none'}", flush=True)  # fmt: skip
            context.close()
        floors += [floor_paint(browser)[1] for _ in range(2)]
        browser.close()
    kept, whole = statistics.median(times[False]), statistics.median(times[True])
    floor = statistics.median(floors)
    limit = f", network {args.mbit} Mbit/s" if args.mbit else ""
    print(f"\n{args.size:,} events, {args.query}{limit}: new session, medians of {args.repeat}")
    print(f"kept {kept:.2f} s ({min(times[False]):.2f}-{max(times[False]):.2f}), "
          f"whole {whole:.2f} s ({min(times[True]):.2f}-{max(times[True]):.2f}): "
          f"kept / whole {kept / whole:.2f}; "
          f"floor (second page of floor_app.py, median of {len(floors)}) {floor:.2f} s: "
          f"kept {kept / floor:.2f}x, whole {whole / floor:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
