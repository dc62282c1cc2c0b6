"""Pausing Python's cyclic garbage collector around bulk work that makes no reference cycles.

Reading a folder of articles and writing a batch to the store allocate many short-lived objects
and no cycles, so reference counting frees them all; the cyclic collector's passes would walk
everything the process holds (the gazetteer's indexes too) for nothing. The events pipeline pauses
it with this too (``assembly.extract_from_articles``: about a tenth faster, bench/README.md).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused"]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic collector; switch it back on afterwards (even on error), if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
