"""The app on the event store against the app on files, in the browser, as ratios measured in one run
(issue 12's targets: first map from the store <= 1.2x from files, <= 1.5x on PostGIS; saving one
article from the app <= 300 ms after extraction).

Each app runs as a real ``streamlit run`` in headless Debian Chromium through
``tests/browser/harness.py`` (every outside request refused), on the heavy view of
``bench_scale.py`` (``date=2024-06-01&window=all``: about 93 % of 100,000 imported events drawn):

- **files** (the baseline): ``app.py`` as it was before it read the store (commit
  ``BASELINE_COMMIT``, taken out with ``git show`` into a temporary folder and run on today's
  library) with ``--events acled.csv``: the seeds read by the pipeline and the CSV read, each fresh
  server.
- **store**: today's ``app.py --store FILE`` on an embedded store holding the seeds and the same
  100,000 events imported (``Store.import_events``), with the snapshot the import leaves in the
  user's cache folder (**warm**), and with an empty cache folder (**cold**: a machine that never
  read this store, so the rows come through the database driver).
- **PostGIS**: the same on a fresh database of the server given (``--postgis`` or
  ``$ATLAS_TEST_POSTGIS_URL``), warm and cold.

Measured as ``bench_scale.py`` measures first maps: *fresh server* (a new ``streamlit run``; page
load until the imported points are drawn) and *new session* (a second page on the same server); the
best and the median of ``--repeat`` runs, the apps interleaved.

Saving (store apps, ``--saves`` articles, each with a dated, located event): the article is pasted
in the sidebar and previewed (the extraction; not timed); then from the click on *Save* until the
store's revision goes up (**committed**: polled from this process), and until the page holds its
event and the success note shows (**on the map**: the script's run after the save, with the store
read again for the new token).

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_app_store.py [--events 100000] [--repeat 3] [--saves 10]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.engine import make_url

from bench import make_acled
from geodata import imports
from geodata.store import open_store
from tests.browser import harness

ROOT = harness.ROOT
MAP = harness.MAP
#: ``main`` before the app read the store: the app whose first map from files is the baseline.
BASELINE_COMMIT = "d638cc8"
QUERY = "date=2024-06-01&window=all"
TARGETS = {"embedded": 1.2, "PostGIS": 1.5, "save_ms": 300.0}


@dataclass
class Firsts:
    fresh: list[float] = field(default_factory=list)
    session: list[float] = field(default_factory=list)


def new_page(browser: Browser) -> Page:
    traffic = harness.Traffic()
    context = harness.hermetic_context(browser, traffic, viewport={"width": 1400, "height": 1000})
    return context.new_page()


def first_map(browser: Browser, url: str) -> float:
    page = new_page(browser)
    began = time.monotonic()
    page.goto(f"{url}/?{QUERY}")
    harness.wait_for_map(page, points=True, timeout=600_000)
    elapsed = time.monotonic() - began
    page.context.close()
    return elapsed


def measure_firsts(
    browser: Browser, args: list[str], script: Path, env: dict[str, str], into: Firsts
) -> None:
    with harness.running_app(args, script=script, env=env, timeout=300) as url:
        into.fresh.append(first_map(browser, url))
        into.session.append(first_map(browser, url))


def baseline_script(folder: Path) -> Path:
    """``app.py`` of ``BASELINE_COMMIT``, the app that read the seeds and ``--events`` files."""
    text = subprocess.run(
        ["git", "show", f"{BASELINE_COMMIT}:app.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    path = folder / "files_app.py"
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def postgis_database(server: str) -> Iterator[str]:
    url = make_url(server)
    name = f"atlas_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE atlas'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def fill(store_url: str, acled: Path) -> None:
    """The seeds (as on first use) and the imported events; the import leaves its snapshot."""
    with open_store(store_url) as store:
        store.import_events(imports.read_events(acled), acled, by="bench")


def article(number: int) -> str:
    day = 1 + number % 27
    return (
        f"Joint patrol number {number} near Saraqib\n"
        f"Turkish and Russian troops conducted a joint patrol near Saraqib on {day} May 2024, the "
        f"Turkish defence ministry said in a statement about patrol {number}.\n"
        "The patrol passed without incident, the ministry said.\n"
    )


def measure_saves(
    browser: Browser, store_url: str, env: dict[str, str], saves: int
) -> tuple[list[float], list[float]]:
    committed, shown = [], []
    with (
        open_store(store_url) as watcher,
        harness.running_app(["--store", store_url], env=env, timeout=300) as url,
    ):
        page = new_page(browser)
        page.goto(f"{url}/?date=2019-03-08&window=30")
        harness.wait_for_map(page, points=False, timeout=600_000)
        harness.sign_in(page)  # adding articles needs an editor (the account is in ``env``)
        for number in range(saves):
            text = page.get_by_label("Paste its text")
            expect(text).to_have_count(1)  # the form of the last save has gone
            text.fill(article(number))
            text.blur()
            page.get_by_role("button", name="Preview").click()
            page.wait_for_function(f"() => {MAP}.counts().preview === 1", timeout=120_000)
            save = page.get_by_role("button", name="Save")
            page.wait_for_function("b => !b.disabled", arg=save.element_handle(), timeout=60_000)
            before = watcher.revision()
            events_before = page.evaluate(f"() => {MAP}.value('events').events.features.length")
            began = time.monotonic()
            save.click()
            while watcher.revision() == before:
                time.sleep(0.005)
            committed.append((time.monotonic() - began) * 1000)
            page.wait_for_function(
                f"n => {MAP}.value('events').events.features.length > n && {MAP}.counts().preview === 0",
                arg=events_before,
                timeout=120_000,
            )
            page.get_by_text(f"Saved as article {6 + number},").wait_for(timeout=120_000)
            shown.append((time.monotonic() - began) * 1000)
        page.context.close()
    return committed, shown


def summary(committed: list[float], shown: list[float]) -> str:
    return (
        f"click -> committed: median {statistics.median(committed):5.0f}, max {max(committed):5.0f} "
        f"(target <= {TARGETS['save_ms']:.0f}); click -> on the map: median "
        f"{statistics.median(shown):5.0f}, max {max(shown):5.0f}"
    )


def line(label: str, values: list[float], base: list[float] | None, target: float | None) -> str:
    best, middle = min(values), statistics.median(values)
    text = f"   {label:32} best {best:6.2f} s  median {middle:6.2f} s"
    if base:
        text += f"  ratio {best / min(base):4.2f}x best, {middle / statistics.median(base):4.2f}x median"
    if target:
        text += f" (target <= {target}x)"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--postgis", default=os.environ.get("ATLAS_TEST_POSTGIS_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, sync_playwright() as playwright:
        tmp = Path(name)
        acled = tmp / "acled.csv"
        make_acled.make_rows(args.events, seed=1).to_csv(acled, index=False)
        warm_cache, files_app = tmp / "cache", baseline_script(tmp)
        base_env = os.environ | {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(warm_cache)}
        base_env |= harness.editor_account(tmp)
        os.environ["XDG_CACHE_HOME"] = str(warm_cache)  # fill() leaves the snapshot where the apps look
        server = postgis_database(args.postgis) if args.postgis else contextlib.nullcontext(None)
        with server as pg:
            stores = {"embedded": str(tmp / "atlas.gpkg"), **({"PostGIS": pg} if pg else {})}
            for store_url in stores.values():
                fill(store_url, acled)
            browser = harness.launch(playwright)
            runs = {"files": Firsts(), **{f"{k} {w}": Firsts() for k in stores for w in ("warm", "cold")}}
            for repeat in range(args.repeat):
                measure_firsts(browser, ["--events", str(acled)], files_app, base_env, runs["files"])
                for key, store_url in stores.items():
                    for when in ("warm", "cold"):
                        cache = warm_cache if when == "warm" else tmp / f"cold-{key}-{repeat}"
                        env = base_env | {"XDG_CACHE_HOME": str(cache)}
                        measure_firsts(
                            browser, ["--store", store_url], ROOT / "app.py", env, runs[f"{key} {when}"]
                        )
                print(f"run {repeat + 1} of {args.repeat} done", flush=True)
            heading = f"seeds + {args.events:,} imported events, {QUERY}, best and median of {args.repeat}"
            print(f"1. first map: {heading}")
            for kind in ("fresh", "session"):
                words = "fresh server" if kind == "fresh" else "new session"
                base = getattr(runs["files"], kind)
                print(line(f"files ({words})", base, None, None))
                for key in stores:
                    for when in ("warm", "cold"):
                        values = getattr(runs[f"{key} {when}"], kind)
                        print(line(f"{key} {when} ({words})", values, base, TARGETS[key]))
            print(f"2. saving one article from the app ({args.saves} saves after their previews; ms)")
            for key, store_url in stores.items():
                committed, shown = measure_saves(browser, store_url, base_env, args.saves)
                print(f"   {key:9} {summary(committed, shown)}")
            browser.close()


if __name__ == "__main__":
    main()
