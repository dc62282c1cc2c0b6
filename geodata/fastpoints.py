"""Draw large event sets (ACLED-sized, 100,000 points and more) on one canvas, filtered in the browser.

A folium layer with one Leaflet object per event, rebuilt on every slider step, does not scale: at
100,000 events a step takes tens of seconds. Here the points are sent **once**, in a compact
columnar binary form, and the map never changes afterwards; a slider step only sends the new
:func:`live_state` (a few hundred bytes) into the map's page, where ``fastpoints.js`` filters the
typed arrays and redraws one canvas.

Binary layout (:func:`encode`; little-endian, column after column, ``n`` points, 15 bytes each,
base64 in the page, so 20 characters per point on the wire):

============  ========  ===============================================================
column        type      meaning
============  ========  ===============================================================
``lon``       int32     longitude in 1e-5 degrees (about 1 m)
``lat``       int32     latitude in 1e-5 degrees
``start``     uint16    first day, days since 1970-01-01 (``NO_START``: no start date)
``end``       uint16    last day (0: no end date, so never in a bounded window)
``kind``      uint8     index into ``EVENT_KINDS``
``flags``     uint8     bit 0: planned
``radius``    uint8     0: a point; else index into the ``radii`` table (uncertainty km)
============  ========  ===============================================================

Points are sorted by ``start``, so the browser finds a window's candidates by binary search
(``maxDuration``, the longest event, bounds how far before the window's start to look). The filter
is :func:`geodata.temporal.in_window_mask` on day numbers: start <= day and, for a bounded window,
end >= the window's first day; the tests check the browser's selection against it, id for id.
``order`` maps encoded positions back to rows of the encoded frame (for popups and tests).

The JavaScript (``fastpoints.js``, plain ES2017 over Leaflet) is inlined into the map once. It also
holds the *live view*: zones, accuracy bands, article events and the reference layer are few, so
folium draws them for every date and the live view shows or hides each feature (and fades the
events) on every state, which keeps the map's HTML identical across steps; ``st_folium`` then keeps
its frame (it re-mounts only when the map's script changes). :func:`state_script` is the other half,
in the page around the frame: it delivers each state and lets the map follow the date slider at the
key press, before the server's run has answered.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geodata.schema import EVENT_KINDS
from geodata.temporal import window_start

EPOCH: dt.date = dt.date(1970, 1, 1)
#: ``start`` of an event without a start date: after every day, so never drawn.
NO_START: int = 65535
#: Bytes per encoded point.
POINT_BYTES: int = 15
#: Columns of the binary layout: name, numpy dtype.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("lon", "<i4"),
    ("lat", "<i4"),
    ("start", "<u2"),
    ("end", "<u2"),
    ("kind", "u1"),
    ("flags", "u1"),
    ("radius", "u1"),
)
#: Coordinates are stored in units of 1e-5 degrees.
COORD_SCALE: float = 1e5
#: From this zoom on, region-located points also get their dashed uncertainty circle.
CIRCLE_ZOOM: int = 9
#: id of the element of the page that holds the base64 points (see :class:`FastPoints`).
DATA_ID: str = "atlas-points-data"
_JS_FILE = Path(__file__).with_name("fastpoints.js")


@dataclass(frozen=True)
class PointData:
    """Events encoded for the canvas layer.

    Attributes
    ----------
    payload
        The binary columns (see the module docstring).
    count
        Number of points.
    order
        For each encoded point, its row position in the encoded frame.
    radii
        Uncertainty (km) of each ``radius`` code; code 0 is a point (0 km).
    max_duration
        Longest ``end - start`` in days (how far before a window the browser looks).
    """

    payload: bytes
    count: int
    order: np.ndarray
    radii: tuple[float, ...]
    max_duration: int


def day_numbers(values: pd.Series, *, missing: int) -> np.ndarray:
    """ISO date strings as days since ``EPOCH`` (``missing`` where null), clipped to uint16."""
    days = (pd.to_datetime(values, format="%Y-%m-%d", errors="coerce") - pd.Timestamp(EPOCH)).dt.days
    return days.fillna(missing).clip(0, NO_START).to_numpy(dtype="uint16")


def day_number(day: dt.date) -> int:
    """``day`` as days since ``EPOCH``."""
    return (day - EPOCH).days


def encode(events: pd.DataFrame, *, region_precisions: frozenset[str]) -> PointData:
    """Encode located events (Point geometry in EPSG:4326) for the canvas layer.

    Parameters
    ----------
    events
        Events with ``kind``, ``status``, ``date_start``, ``date_end``, ``geo_precision``,
        ``uncertainty_km`` and Point geometry, all located (see :func:`geodata.layers.events_on_map`).
    region_precisions
        ``geo_precision`` values drawn as an uncertainty circle rather than a point.
    """
    start = day_numbers(events["date_start"], missing=NO_START)
    order = np.argsort(start, kind="stable")
    frame = events.iloc[order]
    codes = {kind: i for i, kind in enumerate(EVENT_KINDS)}
    region = frame["geo_precision"].isin(list(region_precisions)).to_numpy()
    km = pd.to_numeric(frame["uncertainty_km"], errors="coerce").fillna(0).to_numpy()
    km = np.where(region & (km > 0), km, 0.0)
    radii, radius = np.unique(km, return_inverse=True)
    if not len(radii) or radii[0] != 0:
        radii, radius = np.concatenate([[0.0], radii]), radius + 1
    if len(radii) > 256:
        raise ValueError(f"at most 255 distinct uncertainty radii can be encoded, not {len(radii) - 1}")
    columns = {
        "lon": np.round(frame.geometry.x.to_numpy() * COORD_SCALE),
        "lat": np.round(frame.geometry.y.to_numpy() * COORD_SCALE),
        "start": start[order],
        "end": day_numbers(frame["date_end"], missing=0),
        "kind": frame["kind"].map(codes).fillna(codes["other"]).to_numpy(),
        "flags": (frame["status"] == "planned").to_numpy(),
        "radius": radius,
    }
    payload = b"".join(np.asarray(columns[name]).astype(dtype).tobytes() for name, dtype in COLUMNS)
    spans = columns["end"].astype(int) - columns["start"].astype(int)
    valid = (columns["start"] != NO_START) & (columns["end"] != 0)
    return PointData(
        payload=payload,
        count=len(frame),
        order=order,
        radii=tuple(float(r) for r in radii),
        max_duration=int(max(spans[valid].max(initial=0), 0)),
    )


def decode(payload: bytes, count: int) -> dict[str, np.ndarray]:
    """The columns of an encoded payload (the inverse of :func:`encode`'s packing)."""
    columns: dict[str, np.ndarray] = {}
    offset = 0
    for name, dtype in COLUMNS:
        width = np.dtype(dtype).itemsize
        columns[name] = np.frombuffer(payload, dtype=dtype, count=count, offset=offset)
        offset += width * count
    return columns


@cache
def script_library() -> str:
    """The JavaScript of the canvas layer and the live view (``fastpoints.js``)."""
    return _JS_FILE.read_text(encoding="utf-8")


class FastPoints(MacroElement):
    """A folium element: the canvas points layer and the live view, on the map it is added to.

    Add it last (after the zone, event and reference layers): the live view collects the features
    on the map when it starts. The points travel in the page's header as a data island
    (``<script type="application/octet-stream">``, never run), not in the map's script: branca
    compiles every rendered script as a Jinja template (about 65 ms per MB on each render), and
    ``st_folium`` hashes and re-sends the script on every run. Its first state is ``initial``
    (:func:`live_state`); later states come through ``window.atlas.setState``
    (see :func:`state_script`).

    Parameters
    ----------
    points
        The encoded events (:func:`encode`), or ``None`` for a map without a points layer.
    initial
        The first state (:func:`live_state`).
    colours
        Colour of each event kind (all of ``EVENT_KINDS``).
    label
        What the popup calls the points (``Imported event``).
    ring
        Outline colour of the points.
    oldest
        Opacity kept by the oldest events of a window (``layers.OLDEST_OPACITY``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.library }}
        (function () {
            var map = {{ this._parent.get_name() }};
            window.map = window.map || map;
            {% if this.points is not none %}
            var options = {{ this.options|tojson }};
            options.data = document.getElementById({{ this.data_id|tojson }}).textContent;
            window.atlas.points = new window.AtlasPoints(options);
            window.atlas.points.addTo(map);
            {% endif %}
            window.atlas.live = new window.AtlasLive(map);
            var pending = null;
            try { pending = window.parent && window.parent !== window && window.parent.__atlasState; }
            catch (e) { pending = null; }
            window.atlas.setState(pending || {{ this.initial|tojson }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        points: PointData | None,
        initial: dict[str, Any],
        *,
        colours: dict[str, str],
        label: str = "Imported event",
        ring: str = "#333333",
        oldest: float = 0.3,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped
        self._name = "FastPoints"
        self.library = script_library()
        self.points = points
        self.initial = initial
        self.options: dict[str, Any] = {}
        self.data_id = DATA_ID
        self.data = ""
        if points is not None:
            self.data = base64.b64encode(points.payload).decode("ascii")
            self.options = {
                "count": points.count,
                "kinds": [{"key": kind, "colour": colours[kind]} for kind in EVENT_KINDS],
                "radii": list(points.radii),
                "maxDuration": points.max_duration,
                "label": label,
                "ring": ring,
                "oldest": oldest,
                "circleZoom": CIRCLE_ZOOM,
            }

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's is untyped
        """Put the data island in the page's header, then render the script."""
        if self.points is not None:
            island = _DataIsland(self.data_id, self.data)
            self.get_root().header.add_child(island, name=self.data_id)  # type: ignore[attr-defined]
        super().render(**kwargs)  # type: ignore[no-untyped-call]


class _DataIsland(Element):
    """``<script type="application/octet-stream">`` holding base64 text: the browser never runs it,
    and its fixed template keeps branca from compiling megabytes of data as Jinja."""

    _template = Template(
        '<script type="application/octet-stream" id="{{ this.dom_id }}">{{ this.text }}</script>'
    )

    def __init__(self, dom_id: str, text: str) -> None:
        super().__init__()
        self.dom_id = dom_id
        self.text = text


def live_state(
    day: dt.date,
    window_days: int | None,
    visible: frozenset[str],
    *,
    fade_all_days: int,
    oldest: float,
    imported_key: str = "imported",
    reference_key: str = "reference",
) -> dict[str, Any]:
    """The state the map's page needs for a view: day, window, visible kinds and layers.

    ``day``/``first`` are day numbers (``first`` is ``None`` for "all before"), ``dayIso``/
    ``firstIso`` the same as ISO strings (zones and article events compare strings, like
    :mod:`geodata.temporal`), ``span`` the fading span in days.
    """
    first = window_start(day, window_days)
    return {
        "window": window_days,
        "day": day_number(day),
        "first": None if first is None else day_number(first),
        "dayIso": day.isoformat(),
        "firstIso": None if first is None else first.isoformat(),
        "span": window_days or fade_all_days,
        "oldest": oldest,
        "kinds": sorted(k for k in visible if k not in (imported_key, reference_key)),
        "imported": imported_key in visible,
        "reference": reference_key in visible,
    }


# The script of `state_script`, run in the page around the map's frame (see its docstring).
_PAGE_SCRIPT = """<script>(function () {
  var s = __STATE__, label = __LABEL__;
  function send(state) {
    document.querySelectorAll("iframe").forEach(function (f) {
      try { var w = f.contentWindow; if (w && w.atlas && w.atlas.setState) w.atlas.setState(state); }
      catch (e) { /* another component's frame, not ours */ }
    });
  }
  function atDay(base, iso) {
    var t = Date.parse(iso + "T00:00:00Z");
    if (!iso || isNaN(t) || iso === base.dayIso) return base;
    var next = Object.assign({}, base, {day: Math.round(t / 86400000), dayIso: iso});
    if (base.window !== null) {
      next.first = next.day - base.window + 1;
      next.firstIso = new Date(next.first * 86400000).toISOString().slice(0, 10);
    }
    return next;
  }
  function sliderDay() {
    var found = null;
    document.querySelectorAll("[aria-valuetext]").forEach(function (el) {
      if (el.getAttribute("aria-label") === label) found = el.getAttribute("aria-valuetext");
    });
    return found;
  }
  if (label !== null) s = atDay(s, sliderDay());
  window.__atlasState = s;
  window.__atlasStateAt = Date.now();
  window.__atlasSend = send;
  window.__atlasAtDay = atDay;
  send(s);
  if (label === null || window.__atlasFollow) return;
  window.__atlasFollow = new MutationObserver(function (records) {
    records.forEach(function (r) {
      var base = window.__atlasState;
      if (!base || r.target.getAttribute("aria-label") !== label) return;
      var next = window.__atlasAtDay(base, r.target.getAttribute("aria-valuetext"));
      if (next !== base) { window.__atlasState = next; window.__atlasSend(next); }
    });
  });
  var watched = {subtree: true, attributes: true, attributeFilter: ["aria-valuetext"]};
  window.__atlasFollow.observe(document.body, watched);
})();</script>"""


def state_script(state: dict[str, Any], *, slider_label: str | None = None) -> str:
    """HTML with a script, for the page *around* the map's frame, that hands ``state`` to the map.

    It keeps the state on the parent window (where the map picks it up when it starts) and, if the
    map is already running, calls ``atlas.setState`` in every map frame. The state is JSON written
    into a script: ``<`` is escaped so no value can close the script element.

    With ``slider_label``, the map also follows the page's date slider of that ``aria-label`` (its
    ``aria-valuetext`` must be an ISO date): when the user moves it, the map gets the last state
    with the slider's day at once, before the server has answered, and a late answer for an
    earlier day does not move the map back. The window and the visible kinds always come from the
    server. Installed once per page.
    """
    data = json.dumps(state, sort_keys=True).replace("<", "\\u003c")
    label = json.dumps(slider_label).replace("<", "\\u003c")
    return _PAGE_SCRIPT.replace("__STATE__", data).replace("__LABEL__", label)
