"""Take the README's screenshot (``docs/screenshot.png``) of the real app in headless Chromium.

Run ``python -m tests.browser.screenshot [OUT] [QUERY]`` from the checkout; the default view is
8 March 2019 (the first joint patrols announced), events of the last 90 days, zoomed on the
north-west where the zones are, so the place labels, the M4 and M5 and the zones read at once.
Nothing is fetched from outside (the harness refuses and records every such request).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser import harness

DEFAULT_QUERY = "date=2019-03-08&window=90&zoom=7.5&lat=35.6&lon=37.6"


def take(out: Path, query: str = DEFAULT_QUERY) -> Path:
    """Start the app, open ``?query``, wait for the map and save a screenshot to ``out``."""
    traffic = harness.Traffic()
    with sync_playwright() as playwright, harness.running_app() as url:
        browser = harness.launch(playwright)
        context = harness.hermetic_context(browser, traffic, viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        harness.watch(page, traffic)
        page.goto(f"{url}/?{query}")
        harness.wait_for_map(page)
        page.wait_for_timeout(1500)  # let the chart and the tables settle
        page.screenshot(path=str(out))
        context.close()
        browser.close()
    if traffic.errors or traffic.refused:
        raise RuntimeError("; ".join([*traffic.errors, *(f"asked for {url}" for url in traffic.refused)]))
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else harness.ROOT / "docs" / "screenshot.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    print(take(target, *(sys.argv[2:3] or [DEFAULT_QUERY])))
