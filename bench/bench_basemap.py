"""Loading the offline basemap and writing its JSON, against baselines measured in the same run.

Run from the project root: ``PYTHONPATH=. python bench/bench_basemap.py``. Times are the best of
``--repeat`` runs (the machine is shared; the best run is the least disturbed one):

- **load**: ``load_basemap`` without its cache (read, check and build the three GeoDataFrames);
- **parse baseline**: ``json.loads`` of the same three files, the least any loader must do;
- **read_file**: ``geopandas.read_file`` of the three files (pyogrio), the usual way to load them;
- **to_json**: ``Basemap.to_json``, and the size of the document the browser receives.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import geopandas as gpd

from geodata import basemap, settings

FILES = (basemap.ROADS_FILE, basemap.BORDERS_FILE, basemap.LABELS_FILE)


def _best_ms(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main(repeat: int = 20) -> None:
    """Print the timings and ratios."""
    paths = [settings.BASEMAP_DIR / name for name in FILES]
    load = basemap.load_basemap.__wrapped__  # the uncached function
    layers = load(settings.BASEMAP_DIR)
    parse_ms = _best_ms(lambda: [json.loads(p.read_text(encoding="utf-8")) for p in paths], repeat)
    read_file_ms = _best_ms(lambda: [gpd.read_file(p) for p in paths], repeat)
    load_ms = _best_ms(lambda: load(settings.BASEMAP_DIR), repeat)
    json_ms = _best_ms(layers.to_json, repeat)
    size_kb = len(layers.to_json().encode("utf-8")) / 1024
    print(f"features: {len(layers.roads)} roads, {len(layers.borders)} borders, {len(layers.labels)} labels")
    print(
        f"load_basemap (uncached): {load_ms:.1f} ms; {load_ms / parse_ms:.1f}x json.loads ({parse_ms:.1f} ms)"
    )
    print(
        f"geopandas.read_file of the same files: {read_file_ms:.1f} ms ({read_file_ms / load_ms:.1f}x load)"
    )
    print(f"Basemap.to_json: {json_ms:.1f} ms; {size_kb:.1f} KB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    main(parser.parse_args().repeat)
