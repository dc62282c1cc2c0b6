"""Run the app and a hermetic headless Chromium for the browser tests and the README screenshot.

The app runs as a real ``streamlit run`` on a free port. The browser is Debian's ``chromium`` driven
by Playwright; every request that leaves localhost is answered here: CDN files from the npm mirror
(:mod:`tests.browser.cdn_mirror`), map tiles with a blank tile (the reference layer keeps the map
readable), anything else aborted and recorded, so a test can fail on it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from playwright.sync_api import Browser, BrowserContext, Frame, Page, Playwright, Route
from playwright.sync_api import Error as PlaywrightError

from tests.browser import cdn_mirror

ROOT = cdn_mirror.ROOT
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# A 1x1 transparent PNG: what every tile request gets.
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"

#: Counts the features Leaflet has drawn, by family (``zones``, ``events``, ``bands``, ``reference``).
FIND_MAP_JS = "(window.map || Object.values(window).find(v => v instanceof L.Map))"
COUNT_JS = (
    """() => {
    const counts = {};
    if (typeof L === "undefined") return null;
    const map = """
    + FIND_MAP_JS
    + """;
    if (!map) return null;
    map.eachLayer(layer => {
        const family = layer.feature && layer.feature.properties && layer.feature.properties.layer;
        if (family) counts[family] = (counts[family] || 0) + 1;
    });
    return counts;
}"""
)


@dataclass
class Traffic:
    """What the page asked the outside world for."""

    mirrored: list[str] = field(default_factory=list)
    tiles: int = 0
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def cdn_misses(self) -> list[str]:
        """Refused requests to a CDN host: a file folium needs that the mirror lacks."""
        return [url for url in self.refused if any(host in url for host in cdn_mirror.CDN_HOSTS)]


def chromium_available() -> bool:
    """Whether the Debian chromium binary is there."""
    return Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None


def launch(playwright: Playwright) -> Browser:
    """Start headless Debian Chromium."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def hermetic_context(browser: Browser, traffic: Traffic, mirror: Path, **options: object) -> BrowserContext:
    """A browser context whose requests never leave this machine (see the module docstring)."""
    context = browser.new_context(accept_downloads=True, **options)  # type: ignore[arg-type]

    def answer(route: Route) -> None:
        url = route.request.url
        if url.startswith(("http://localhost", "http://127.0.0.1", "file:", "data:", "blob:")):
            route.continue_()
        elif "tile.openstreetmap.org" in url:
            traffic.tiles += 1
            route.fulfill(body=BLANK_TILE, content_type="image/png")
        elif (hit := cdn_mirror.resolve(url, mirror)) is not None:
            traffic.mirrored.append(url)
            route.fulfill(body=hit[0], content_type=hit[1], headers={"Access-Control-Allow-Origin": "*"})
        else:
            traffic.refused.append(url)
            route.abort()

    context.route("**/*", answer)
    return context


def watch(page: Page, traffic: Traffic) -> None:
    """Record uncaught page errors and any dialog (``alert`` from injected markup would be one)."""
    page.on("pageerror", lambda error: traffic.errors.append(f"page error: {error}"))

    def dialog(d: object) -> None:
        traffic.errors.append(f"dialog opened: {d.message}")  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dialog)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_app(
    app_args: Sequence[str] = (), *, timeout: float = 90, script: Path = ROOT / "app.py"
) -> Iterator[str]:
    """Run ``streamlit run <script> -- app_args`` on a free port; yield its address; stop it after.

    The server's output goes to a temporary file (a pipe nobody reads would fill up and stall a
    long run); it is shown if the server fails to start.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--", *app_args,
    ]  # fmt: skip
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, timeout, output)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float, output: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            text = output.read().decode(errors="replace")
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{text}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")


def map_frame(page: Page, *, timeout: float = 60_000) -> Frame:
    """The Leaflet map's frame, once the map has drawn at least one feature."""
    page.locator(MAP_FRAME).wait_for(timeout=timeout)
    handle = page.locator(MAP_FRAME).element_handle(timeout=timeout)
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_function(
        COUNT_JS.replace("return counts;", "return Object.keys(counts).length > 0;"), timeout=timeout
    )
    return frame


def wait_for_counts(page: Page, expected: dict[str, int], *, timeout: float = 30) -> dict[str, int]:
    """Poll the map until its feature counts equal ``expected`` (families not listed are ignored)."""
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        with contextlib.suppress(PlaywrightError, AssertionError):  # the frame is replaced on reruns
            counts = map_frame(page, timeout=5_000).evaluate(COUNT_JS) or {}
            if all(counts.get(family, 0) == n for family, n in expected.items()):
                return counts
        time.sleep(0.3)
    return counts
