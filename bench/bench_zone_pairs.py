"""The imported events matched to the zones they fall in (``panels.zone_membership``, what the map
page computes once per imported version for the Zones tab, after the layer is read) against a
baseline commit's.

The baseline is taken from git (``git archive``, ``bench/ab.py``) into a temporary folder; each side
runs in a fresh process of its own, alternating, ``--repeat`` times; each process reads the file
as the app does (``imports.load_event_files``) and the zones of this checkout's data folders (both
sides: ``$ATLAS_DATA_DIR``), then times one ``zone_membership`` in wall-clock and CPU time (CPU:
less swayed by the other jobs of a shared machine). The two sides' pairs must be equal (each
process writes them; the frames are compared).

Run: ``PYTHONPATH=. python bench/bench_zone_pairs.py --file big.csv [--base 57c7ce5] [--repeat 3]``
(``bench/make_acled.py`` writes such a file).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

from bench import ab
from geodata import settings

ROOT = ab.ROOT
DATA = settings.DATA_DIR_VARIABLE

#: Run in the child, with the side's tree first on the path: the match's times as JSON.
CHILD = """
import json, sys, time
from pathlib import Path
from geodata import imports, panels, settings, zones
path, out = Path(sys.argv[1]), Path(sys.argv[2])
layer, zone_set = imports.load_event_files([path]).events, zones.load_zones(settings.ZONES_DIR).zones
start, start_cpu = time.perf_counter(), time.process_time()
pairs = panels.zone_membership(zone_set, layer)
times = [time.perf_counter() - start, time.process_time() - start_cpu]
pairs.to_pickle(out)
print(json.dumps(times))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True, help="an ACLED or UCDP file")
    parser.add_argument("--base", default="57c7ce5", help="the baseline commit")
    parser.add_argument("--repeat", type=int, default=3, help="processes per side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trees = {"baseline": ab.baseline_tree(args.base, folder), "today": ROOT}
        wall: dict[str, list[float]] = {name: [] for name in trees}
        cpu: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.repeat):
            for name, tree in trees.items():
                # the same data folders (zones, reference) for both sides: the pairs must be comparable
                seconds, cpu_seconds = ab.run_child(
                    tree, CHILD, [str(args.file.resolve()), str(folder / f"{name}.pkl")],
                    env={DATA: str(settings.DATA_DIR)},
                )  # fmt: skip
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
        before, after = (pd.read_pickle(folder / f"{name}.pkl") for name in trees)
        pd.testing.assert_frame_equal(before, after)
        print(f"{args.file.name}: {len(after):,} event-zone pairs (the same as the baseline's)")
        for label, times in (("wall", wall), ("CPU", cpu)):
            ab.print_pairs(label, times)


if __name__ == "__main__":
    main()
