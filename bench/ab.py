"""What the benches comparing a baseline commit with today's code share: the baseline's tree, a
child process run on one side, and the medians and ratios of paired runs."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def baseline_tree(commit: str, folder: Path) -> Path:
    """The project at ``commit``, unpacked (``git archive``): its app, library and data."""
    tree = folder / f"baseline-{commit}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def run_child(tree: Path, code: str, args: Sequence[str], env: Mapping[str, str] | None = None) -> Any:
    """The JSON the last line of ``python -c code args`` prints, run in a fresh process with
    ``tree`` (one side's project) first on the path."""
    run = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": os.defpath, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def print_pairs(label: str, times: Mapping[str, list[float]]) -> None:
    """Each side's median and runs, and the median of today / baseline over the paired runs."""
    for name, runs in times.items():
        shown = ", ".join(f"{t:.2f}" for t in runs)
        print(f"{label}, {name}: median {statistics.median(runs):.2f} s (runs {shown})")
    ratios = [a / b for a, b in zip(times["today"], times["baseline"], strict=True)]
    print(f"{label}, today / baseline (pairs): median {statistics.median(ratios):.2f}")
