"""Take the README's screenshot (``docs/screenshot.png``) of the real app in headless Chromium.

Run ``python -m tests.browser.screenshot [OUT] [QUERY]`` from the checkout after building the CDN mirror;
the default view is 8 March 2019 (the first joint patrols announced), events of the last 90 days.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser import cdn_mirror, harness

DEFAULT_QUERY = "date=2019-03-08&window=90"


def take(out: Path, query: str = DEFAULT_QUERY) -> Path:
    """Start the app, open ``?query``, wait for the map and save a screenshot to ``out``."""
    traffic = harness.Traffic()
    with sync_playwright() as playwright, harness.running_app() as url:
        browser = harness.launch(playwright)
        context = harness.hermetic_context(
            browser, traffic, cdn_mirror.build_mirror(), viewport={"width": 1440, "height": 960}
        )
        page = context.new_page()
        harness.watch(page, traffic)
        page.goto(f"{url}/?{query}")
        harness.map_frame(page)
        page.wait_for_timeout(1500)  # let the last tiles and the chart settle
        page.screenshot(path=str(out))
        browser.close()
    if traffic.errors:
        raise RuntimeError("; ".join(traffic.errors))
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else cdn_mirror.ROOT / "docs" / "screenshot.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    print(take(target, *(sys.argv[2:3] or [DEFAULT_QUERY])))
