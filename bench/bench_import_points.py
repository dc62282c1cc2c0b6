"""The imported events' map points read from an ACLED file (``import_points.read_points``, what a
freshly started server given a new ``--events`` file draws first) against a baseline commit's.

The baseline is taken from git (``git archive``, ``bench/ab.py``) into a temporary folder; each side
runs in a fresh process of its own (as a first start does), alternating, ``--repeat`` times: the
first read of the process (its first map) and the best of ``--reads`` reads, in wall-clock time and
in CPU time (of all the process's threads: less swayed by the other jobs of a shared machine). The
two must give the same points (each process keeps them with ``point_cache.write``; the files are compared).

Run: ``PYTHONPATH=. python bench/bench_import_points.py --file big.csv [--base 055fd7d] [--repeat 5]``
(``bench/make_acled.py`` writes such a file).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench import ab
from geodata import point_cache

ROOT = ab.ROOT

#: Run in the child, with the side's tree first on the path: the reads' times as JSON.
CHILD = """
import json, sys, time
from pathlib import Path
from geodata import import_points, point_cache
path, out, reads = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
times, cpu = [], []
for _ in range(reads):
    start, start_cpu = time.perf_counter(), time.process_time()
    found = import_points.read_points([path])
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
point_cache.write(out, found)
print(json.dumps([times, cpu]))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True, help="an ACLED or UCDP file")
    parser.add_argument("--base", default="055fd7d", help="the baseline commit")
    parser.add_argument("--repeat", type=int, default=5, help="processes per side")
    parser.add_argument("--reads", type=int, default=2, help="reads per process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trees = {"baseline": ab.baseline_tree(args.base, folder), "today": ROOT}
        first: dict[str, list[float]] = {name: [] for name in trees}
        best: dict[str, list[float]] = {name: [] for name in trees}
        best_cpu: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.repeat):
            for name, tree in trees.items():
                out = folder / name / "points-x.arrow"
                times, cpu = ab.run_child(tree, CHILD, [str(args.file.resolve()), str(out), str(args.reads)])
                first[name].append(times[0])
                best[name].append(min(times))
                best_cpu[name].append(min(cpu))
        before, after = (point_cache.read(folder / name / "points-x.arrow") for name in trees)
        assert before is not None
        assert after is not None
        assert before.points.table.equals(after.points.table)
        assert (before.points.order == after.points.order).all()
        assert (before.points.radii, before.points.max_duration, before.dates) == (
            after.points.radii,
            after.points.max_duration,
            after.dates,
        )
        print(f"{args.file.name}: {after.points.count} points (same as the baseline's)")
        for label, times in (
            ("first read", first),
            (f"best of {args.reads} reads", best),
            (f"CPU time, best of {args.reads} reads", best_cpu),
        ):
            ab.print_pairs(label, times)


if __name__ == "__main__":
    main()
