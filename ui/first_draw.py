"""The imported events read for the tables only once the page has drawn their points.

A server that has not read the imported layer yet (a first start on a new ``--events`` file, a
restart with the points kept on disk) sends the map its points first and reads the whole layer for
the tables, counts and downloads after (``ui/map_loaders.py``'s ``load``: 10-12 s at 1,000,000
events, Arrow's parse on every core). Done at once, that read shares the machine with the page
receiving and drawing the points (``bench/README.md``: 0.4-2 s more to the first map at 1M). So the
map page waits: the page reports the version of the imported points it has drawn (the map
component's state ``drawn``, ``static/livemap.js``), which reruns the script, and only then is the
layer read. Meanwhile the page says where the tables will come.

The wait never leaves the tables missing: a session whose page has not reported within
``WAIT_SECONDS`` (a browser that cannot draw, a tab in the background) reads the layer anyway, on a
rerun asked for by a fragment that checks the time (``st.fragment(run_every=...)``). A layer this
process has read already (another session's, or an earlier run's) is never waited for.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import streamlit as st

from geodata import livemap

__all__ = ["WAITING", "WAIT_SECONDS", "read", "waits"]

#: A session reads the imported layer after this many seconds even if its page never reports.
WAIT_SECONDS: float = 6.0
#: What the page says where the tables will come, meanwhile.
WAITING: str = (
    "Reading the {count:,} imported events for the tables, counts and downloads once the map has drawn them…"
)
_SESSION_KEY = "first_draw_wait"  # session state: (version waited for, when the wait began)


@st.cache_resource(show_spinner=False)
def _read() -> set[str]:
    """The versions of the imported points whose layer this process has read (cleared with the
    loaders' caches, ``st.cache_resource.clear()``)."""
    return set()


def _points(datasets: Sequence[livemap.Dataset]) -> tuple[str, bytes] | None:
    """The version and packed columns of the imported points among ``datasets``, if any."""
    found = (d for d in datasets if d.name == "imported")
    return next(((d.version, d.data) for d in found if isinstance(d.data, bytes)), None)


def waits(datasets: Sequence[livemap.Dataset], drawn: object) -> bool:
    """Whether this run leaves the imported layer unread, waiting for the page to report it has
    drawn the imported points of ``datasets`` (``drawn``: the version it reports, the page's
    text); when it does, it shows where the tables will come and asks for a rerun once the wait
    is over."""
    points = _points(datasets)
    if points is None or points[0] in _read() or drawn == points[0]:
        return False
    (shown, data), (version, began) = points, st.session_state.get(_SESSION_KEY) or (None, 0.0)
    if version != shown:
        began = time.monotonic()
        st.session_state[_SESSION_KEY] = (shown, began)
    left = began + WAIT_SECONDS - time.monotonic()
    if left <= 0:
        return False
    count = livemap.packed_header(data)["meta"]["count"]
    st.info(WAITING.format(count=count))
    _rerun_after(began + WAIT_SECONDS)
    return True


def read(datasets: Sequence[livemap.Dataset]) -> None:
    """Note that the imported layer of ``datasets``' points has been read: no session waits for it."""
    points = _points(datasets)
    if points is not None:
        _read().add(points[0])


@st.fragment(run_every=1.0)
def _rerun_after(deadline: float) -> None:
    """Rerun the whole script once ``deadline`` (``time.monotonic()``) has passed."""
    if time.monotonic() >= deadline:
        st.rerun(scope="app")
