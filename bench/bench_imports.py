"""Reading an ACLED export (``imports.read_events``) against the reader of a baseline commit.

The baseline's ``geodata/imports.py`` is taken from git (``git show <commit>:geodata/imports.py``)
and loaded beside today's (it imports the same unchanged ``geodata`` modules); the two read the same
file alternately, best of ``--repeat`` wall-clock runs each, and must give the same events and
problems. The file is written by ``bench/make_acled.py`` (or given with ``--file``).

Run: ``PYTHONPATH=. python bench/bench_imports.py [--rows 200000] [--base c68f157] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import pandas as pd

from geodata import imports

ROOT = Path(__file__).resolve().parent.parent


def baseline(commit: str, folder: Path) -> ModuleType:
    """The baseline commit's ``geodata/imports.py`` as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{commit}:geodata/imports.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = folder / "imports_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("imports_baseline", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["imports_baseline"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--file", type=Path, help="an ACLED or UCDP file instead of a generated one")
    parser.add_argument("--base", default="c68f157", help="the baseline commit")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = baseline(args.base, folder)
        path = args.file
        if path is None:
            path = folder / "acled.csv"
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "make_acled.py"), str(args.rows), str(path)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        times: dict[str, list[float]] = {"baseline": [], "today": []}
        runs = {}
        for _ in range(args.repeat):
            for name, module in (("baseline", old), ("today", imports)):
                start = time.perf_counter()
                runs[name] = module.read_events(path)
                times[name].append(time.perf_counter() - start)
        a, b = runs["baseline"], runs["today"]
        pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)
        assert a.problems == b.problems
        assert a.row_numbers == b.row_numbers
        assert a.rows_read == b.rows_read
        before, after = min(times["baseline"]), min(times["today"])
        print(f"{path.name}: {a.rows_read} rows, {len(b.events)} events, {len(b.problems)} problems (same)")
        for name, best in (("baseline " + args.base, before), ("today", after)):
            runs_text = ", ".join(f"{t:.2f}" for t in times[name.split()[0]])
            print(f"read_events {name}: {best:.2f} s (runs {runs_text})")
        print(f"today / baseline: {after / before:.2f}")


if __name__ == "__main__":
    main()
