"""``extract_events`` of two or more source trees, interleaved run by run, on one shared machine.

``bench_pipeline.py`` run from each tree in turn measures each tree minutes apart; on a machine
shared with other jobs the load changes in between, and the spread swamps a 10 % change. Here one
worker process per tree (``--worker``) loads its tree's ``geodata`` and the gazetteer once, and
the runs alternate: tree A, tree B, tree A, ... on the same synthetic corpus (``bench_pipeline``'s
default mix, 400 articles, drawn from each tree's own gazetteer as that script does). Each pair of
neighbouring runs sees about the same load, so the per-pair ratio is the robust figure; the best
and median articles/s of each tree are printed too. CPU time of each worker
(``time.process_time``).

Usage: ``python bench/bench_pipeline_ab.py --runs 12 old=/tmp/old base=/tmp/base new=.`` (the
first tree named ``base`` and one named ``new`` also give the per-pair ratio new/base).
This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_WRITE = (
    "import sys; from pathlib import Path; sys.path[:0] = ['.', 'bench', {here!r}]; "
    "from bench_pipeline import write_corpus; write_corpus(Path({folder!r}), {count}, 7, 0.5)"
)


def _worker(folder: str) -> None:
    sys.path.insert(0, os.getcwd())
    from geodata.events import default_place_finder, extract_events

    finder = default_place_finder()
    extract_events(Path(folder), find_places=finder)  # caches warm, as in bench_pipeline's best of 3
    print("ready", flush=True)
    for _ in sys.stdin:
        start = time.process_time()
        extract_events(Path(folder), find_places=finder)
        print(time.process_time() - start, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", help="name=path of a source tree (with geodata/)")
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker)
        return
    trees = dict(tree.split("=", 1) for tree in args.trees)
    here = str(Path(__file__).resolve().parent)
    times: dict[str, list[float]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        workers = {}
        for name, tree in trees.items():
            folder = Path(tmp) / name
            folder.mkdir()
            env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
            code = _WRITE.format(here=here, folder=str(folder), count=args.articles)
            subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, check=True)
            command = [sys.executable, __file__, "--worker", str(folder)]
            workers[name] = subprocess.Popen(
                command, cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
        for worker in workers.values():
            if worker.stdout is None or worker.stdout.readline().strip() != "ready":
                raise SystemExit("a worker failed to start")
        for _ in range(args.runs):
            for name, worker in workers.items():
                assert worker.stdin is not None
                assert worker.stdout is not None
                worker.stdin.write("run\n")
                worker.stdin.flush()
                times[name].append(float(worker.stdout.readline()))
        for worker in workers.values():
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait()
    n = args.articles
    for name, runs in times.items():
        print(f"{name:6s} best {n / min(runs):6.1f} articles/s, median {n / statistics.median(runs):6.1f}")
    if "base" in times and "new" in times:
        ratios = [b / a for a, b in zip(times["new"], times["base"], strict=True)]
        print(
            f"new / base speed, per pair: median {statistics.median(ratios):.2f} "
            f"(range {min(ratios):.2f}-{max(ratios):.2f}, {len(ratios)} pairs)"
        )


if __name__ == "__main__":
    main()
