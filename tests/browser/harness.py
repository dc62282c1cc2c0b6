"""Run the app and a hermetic headless Chromium for the browser tests, the benchmarks and the README
screenshot.

The app runs as a real ``streamlit run`` on a free port. The browser is Debian's ``chromium`` driven
by Playwright; every request that leaves this machine is refused **and recorded** (:class:`Traffic`),
nothing is answered from a mirror, so a test fails if the page asks the outside world for anything.
The live map is read through ``window.atlas`` (``geodata/static/livemap.js``), never through
Streamlit's page.
"""

from __future__ import annotations

import contextlib
import os
import re
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
from typing import IO, Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "file:", "data:", "blob:", "about:")
#: The live map of the page (the first one), once it exists.
MAP = "window.atlas && window.atlas.maps[0]"


@dataclass
class Traffic:
    """What the page asked the outside world for (every such request is refused), and its errors."""

    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def chromium_available() -> bool:
    """Whether the Debian chromium binary is there."""
    return Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None


def launch(playwright: Playwright) -> Browser:
    """Start headless Debian Chromium."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def hermetic_context(browser: Browser, traffic: Traffic, **options: Any) -> BrowserContext:
    """A browser context whose requests never leave this machine: each one that would is refused
    and recorded in ``traffic.refused``."""
    context = browser.new_context(accept_downloads=True, **options)

    def answer(route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            traffic.refused.append(url)
            route.abort()

    context.route("**/*", answer)
    return context


def watch(page: Page, traffic: Traffic) -> None:
    """Record uncaught page errors, console errors and any dialog (``alert`` from injected markup)."""
    page.on("pageerror", lambda error: traffic.errors.append(f"page error: {error}"))
    page.on("console", lambda m: traffic.errors.append(f"console: {m.text}") if m.type == "error" else None)
    # The console names no address for a failed load: record which one failed.
    page.on(
        "response", lambda r: traffic.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
    )

    def dialog(d: Any) -> None:
        traffic.errors.append(f"dialog opened: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)


STALE_MEDIA = re.compile(r"HTTP 404: http://127\.0\.0\.1:\d+/media/[0-9a-f]+\.\w+$")
#: What the browser and Streamlit's download button log for such a 404.
STALE_MEDIA_LOGS = (
    "console: Failed to load resource: the server responded with a status of 404 (Not Found)",
    "console: Client Error: Download Button source error - 404",
)


def page_errors(traffic: Traffic) -> list[str]:
    """``traffic.errors`` without the 404s of a run's replaced download files.

    Streamlit drops a script run's download files when the next run replaces its buttons; a button
    of the old run that asks for its file in between (the page's own view reports start runs, and
    tests act fast) gets a 404, which the browser and the button log. That is the server's
    housekeeping, not an error of the page: each such 404 and its two log lines are left out. The
    tests still compare every downloaded file with the export, byte for byte."""
    stale = [e for e in traffic.errors if STALE_MEDIA.match(e)]
    rest = [e for e in traffic.errors if not STALE_MEDIA.match(e)]
    for _ in stale:
        for line in STALE_MEDIA_LOGS:
            if line in rest:
                rest.remove(line)
    return rest


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_app(
    app_args: Sequence[str] = (),
    *,
    timeout: float = 90,
    script: Path = ROOT / "app.py",
    python: str = sys.executable,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Run ``streamlit run <script> -- app_args`` on a free port; yield its address; stop it after.

    The server's output goes to a temporary file (a pipe nobody reads would fill up and stall a
    long run); it is shown if the server fails to start.
    """
    port = free_port()
    command = [
        python, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--", *app_args,
    ]  # fmt: skip
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=env)
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


def wait_for_map(page: Page, *, zones: bool = True, points: bool = False, timeout: float = 90_000) -> None:
    """Wait until the live map has its zones (drawn, unless ``zones`` is false: the view hides them)
    and, with ``points``, has drawn imported points."""
    condition = f"{MAP} && {MAP}.built.zones" + (f" && {MAP}.counts().zones > 0" if zones else "")
    if points:
        condition += f" && {MAP}.counts().points > 0"
    page.wait_for_function(f"() => {condition}", timeout=timeout)


def counts(page: Page) -> dict[str, int]:
    """What the live map draws now, by family (``zones``, ``events``, ``points``, ``reference``...)."""
    result: dict[str, int] = page.evaluate(f"() => {MAP}.counts()")
    return result


def wait_for_counts(page: Page, expected: dict[str, int], *, timeout: float = 30) -> dict[str, int]:
    """Poll the map until its counts equal ``expected`` (families not listed are ignored)."""
    deadline = time.monotonic() + timeout
    now: dict[str, int] = {}
    while time.monotonic() < deadline:
        now = counts(page)
        if all(now.get(family, 0) == n for family, n in expected.items()):
            return now
        time.sleep(0.2)
    return now


#: The password of the editor accounts :func:`editor_account` makes (tests and benchmarks only).
EDITOR_PASSWORD = "a long browser password"


def editor_account(folder: Path, name: str = "ana") -> dict[str, str]:
    """An editors file in ``folder`` with the account ``name``; the environment that points the
    app at it (``$ATLAS_EDITORS_FILE``)."""
    from geodata import editors

    path = folder / "editors.json"
    editors.add_editor(name, EDITOR_PASSWORD, path=path)
    return {editors.ENV_VAR: str(path)}


def sign_in(page: Page, name: str = "ana", password: str = EDITOR_PASSWORD) -> None:
    """Open the sidebar if it is folded (the browser keeps it open once opened) and sign in; the
    page has drawn already."""
    if page.get_by_role("button", name="Expand sidebar").is_visible():
        page.get_by_role("button", name="Expand sidebar").click()
    page.get_by_text("Editors: sign in").click()
    page.get_by_label("Editor name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as editor {name}").wait_for(timeout=60_000)
