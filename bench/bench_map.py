"""What building the map of one day costs (``build_map``), against what the app caches.

The app no longer rebuilds the map on a slider step (it builds ``build_base_map`` once and filters in
the browser; ``bench_scale.py`` measures that); ``build_map`` still makes the map of one view for saved
pages and tests.

A slider step reruns ``app.py``: the cached loaders return at once, and only the map of the new day is
built and rendered to the HTML/JS ``st_folium`` sends. This measures, on the repository's data, the
map build + render of one day against the work a step must *not* redo (loading the zones, reading
the events out of the articles, building the reference layer and the uncertainty bands), as ratios
measured in the same run. Run: ``PYTHONPATH=. python bench/bench_map.py``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable

from geodata import events, foliummap, layers, settings, view, zones


def best_of(function: Callable[[], object], runs: int = 5) -> float:
    """Median wall time of ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    zone_frame = zones.load_zones().zones
    event_frame = events.events_frame(events.extract_events(settings.SEEDS_DIR).events)
    cold = time.perf_counter() - start
    reference = layers.load_reference()
    bands = layers.accuracy_bands(zone_frame)
    days = [dt.date(2018, 1, 1) + dt.timedelta(days=90 * i) for i in range(10)]

    def step() -> None:
        for day in days:
            fmap = foliummap.build_map(
                zone_frame, event_frame, view.MapView(day), reference=reference, bands=bands
            )
            fmap.get_root().render()

    per_step = best_of(step) / len(days)
    cached = {
        "load zones": best_of(lambda: zones.load_zones()),
        "extract events": best_of(lambda: events.extract_events(settings.SEEDS_DIR), runs=3),
        "reference layer": best_of(layers.load_reference),
        "uncertainty bands": best_of(lambda: layers.accuracy_bands(zone_frame)),
    }
    print(f"one slider step (build + render the map): {per_step * 1000:.0f} ms")
    print(f"  first load (zones + events, cold)  {cold * 1000:6.0f} ms = {cold / per_step:4.1f} x a step")
    for name, seconds in cached.items():
        print(
            f"  {name:<18} {seconds * 1000:6.0f} ms = {seconds / per_step:4.1f} x a step (cached, not redone)"
        )


if __name__ == "__main__":
    main()
