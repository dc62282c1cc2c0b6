"""Import and export speed on a large ACLED file: our code against the bare libraries, in one run.

Writes a synthetic ACLED file of N events (``make_acled.py``), imports it, and times, best of
``--repeat`` runs each (wall clock, one process):

- **import**: ``geodata.imports.read_events`` (every row checked and reported) against Arrow's CSV
  reader alone (``pyarrow.csv.read_csv``, no checks);
- **ours**: ``geodata.formats.write`` of the ``imported`` layer as CSV, GeoJSON and GeoPackage (what
  ``python -m geodata export --layers imported --format ...`` does after loading);
- **bare**: the same rows written by the libraries alone, with none of our guarantees: pandas
  ``to_csv`` of the table with ``lon``/``lat`` columns (no formula neutralisation, not atomic, no
  sidecar), ``json.dumps`` of :func:`geodata.export.feature_collection` straight to the file, and one
  ``pyogrio.write_dataframe`` of the points (no date fields, no styles, no metadata, not atomic).

The ratio ours / bare is what the guarantees cost. Run from the project root:
``PYTHONPATH=. python bench/bench_export.py --count 100000 --repeat 3``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.csv as pacsv
import pyogrio

from bench import make_acled
from geodata import export, formats, imports


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def bare_csv(events: gpd.GeoDataFrame, path: Path) -> None:
    table = pd.DataFrame(events.drop(columns=events.geometry.name))
    table["lon"], table["lat"] = events.geometry.x, events.geometry.y
    table.to_csv(path, index=False)


def bare_geojson(events: gpd.GeoDataFrame, path: Path) -> None:
    path.write_text(json.dumps(export.feature_collection({"imported": events})), encoding="utf-8")


def bare_gpkg(events: gpd.GeoDataFrame, path: Path) -> None:
    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(events, path, layer="imported_points", driver="GPKG")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="csv,geojson,gpkg", help="comma-separated (default: all three)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "acled.csv"
        make_acled.make_rows(args.count, seed=1).to_csv(source, index=False)
        events = imports.read_events(source).events
        view = export.ExportView(layers=("imported",), day=None)
        selected = {"imported": events}
        print(f"{len(events)} imported events, best of {args.repeat} runs (seconds)")
        print(f"{'format':<8} {'ours':>8} {'bare':>8} {'ours/bare':>10}")
        ours = best_of(args.repeat, lambda: imports.read_events(source))
        floor = best_of(args.repeat, lambda: pacsv.read_csv(source))
        print(f"{'import':<8} {ours:>8.2f} {floor:>8.2f} {ours / floor:>9.2f}x")
        bare = {"csv": bare_csv, "geojson": bare_geojson, "gpkg": bare_gpkg}
        for fmt in args.formats.split(","):
            write_bare = bare[fmt]
            info = export.describe(view, selected, fmt=fmt, name=f"x.{fmt}")
            ours = best_of(
                args.repeat,
                lambda fmt=fmt, info=info: formats.write(selected, work / f"ours.{fmt}", fmt=fmt, info=info),
            )
            floor = best_of(args.repeat, lambda fmt=fmt, w=write_bare: w(events, work / f"bare.{fmt}"))
            print(f"{fmt:<8} {ours:>8.2f} {floor:>8.2f} {ours / floor:>9.2f}x")


if __name__ == "__main__":
    main()
