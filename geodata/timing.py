"""Timing marks of the app's server side, for the first-map breakdown (``bench_first_map.py
--breakdown``); off unless ``$ATLAS_TIMINGS`` names a file.

The breakdown lays the server's moments (the script's run reaching the map page, a cached loader
starting and ending, the map sent) beside the page's (``performance.mark`` in
``static/livemap.js``) and the browser's (navigation and resource timing) on one clock: each mark
is a JSON line ``{"name": ..., "t": ..., "pid": ...}`` whose ``t`` is the wall clock
(``time.time()``, seconds since the epoch), the clock ``performance.timeOrigin`` counts from too.
Lines are appended (one ``write`` of a short line each, so marks of threads and processes do not
interleave within a line); with the variable unset nothing is written and a mark costs a dictionary
look-up.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

__all__ = ["ENV_VAR", "mark", "read_marks", "span", "timed"]

#: Names the file the marks are appended to; unset or empty: no marks.
ENV_VAR: str = "ATLAS_TIMINGS"

P = ParamSpec("P")
R = TypeVar("R")


def mark(name: str) -> None:
    """Append the mark ``name`` with the wall-clock time now (when ``$ATLAS_TIMINGS`` is set)."""
    path = os.environ.get(ENV_VAR)
    if not path:
        return
    line = json.dumps({"name": name, "t": time.time(), "pid": os.getpid()}) + "\n"
    with open(path, "a", encoding="utf-8") as out:
        out.write(line)


@contextmanager
def span(name: str) -> Iterator[None]:
    """Mark ``name:start`` and ``name:end`` around the block (the end also when it raises)."""
    mark(f"{name}:start")
    try:
        yield
    finally:
        mark(f"{name}:end")


def timed(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function so each call is a :func:`span` named ``name``."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with span(name):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def read_marks(path: Path) -> list[tuple[str, float]]:
    """The marks of ``path`` as ``(name, time)`` pairs in the order written; a line that is not a
    mark (a partial last line of a process that was stopped) is skipped."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else ():
        try:
            item = json.loads(line)
            found.append((str(item["name"]), float(item["t"])))
        except (ValueError, KeyError, TypeError):
            continue
    return found
