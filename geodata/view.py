"""What the user is looking at: the "as of" day, the events window and the visible layers.

A :class:`MapView` is the whole state of the map. It travels in the page address as query parameters
(``date=2019-03-08&window=30&layers=de_escalation_zone,patrol,reference``, and ``reviewed=1`` for
reviewed events only) so a link reproduces the view, and it decides what the map draws and what the
download holds, so the two cannot differ.
Where the map is looked at from, a :class:`Camera`, travels beside it (``zoom=8&lat=35.8&lon=36.7``).
Layer keys are the zone kinds, the event kinds, ``imported`` (events imported from ACLED or UCDP files,
shown when their kind is visible too) and ``reference`` (the offline outline and governorates).

Reading and writing views and links needs only the standard library: the app's light path reads the
link before the data stack is loaded (:mod:`geodata.map_cache`), so the functions of frames here
(:func:`shown`, :func:`download`...) import pandas and :mod:`geodata.export` when called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geodata.kinds import EVENT_KINDS, ZONE_KINDS
from geodata.temporal import parse_day

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from geodata import export

REFERENCE: str = "reference"
IMPORTED: str = "imported"
#: Every layer key, in the order the toggles are shown.
LAYER_KEYS: tuple[str, ...] = (*ZONE_KINDS, *EVENT_KINDS, IMPORTED, REFERENCE)
#: The layer families the map shows and the download holds.
SHOWN_FAMILIES: tuple[str, ...] = ("zones", "events", IMPORTED)
#: Events windows offered, in days; ``None`` is "all events up to the day".
WINDOWS: tuple[int | None, ...] = (7, 30, 90, 365, None)
DEFAULT_WINDOW: int | None = 30
#: Zoom levels a link may ask for (Syria whole is about 6.5; streets about 14).
ZOOMS: tuple[float, float] = (3.0, 18.0)


@dataclass(frozen=True)
class MapView:
    """The state of the map.

    Attributes
    ----------
    day
        The "as of" date: zones in force that day, events in the window ending that day.
    window_days
        Length of the events window in days, ``None`` for all events up to ``day``.
    visible
        Layer keys shown (see ``LAYER_KEYS``).
    reviewed_only
        Show only the events a person has vouched for (``export.ExportView.reviewed_only``);
        rejected events are never shown.
    """

    day: dt.date
    window_days: int | None = DEFAULT_WINDOW
    visible: frozenset[str] = field(default_factory=lambda: frozenset(LAYER_KEYS))
    reviewed_only: bool = False

    def export_view(self, families: Sequence[str] = ("zones", "events")) -> export.ExportView:
        """The export of ``families`` that holds what this view shows.

        The kinds are named when some are hidden, so the file name lists the hidden ones
        (:func:`geodata.export.export_name`); a family whose kinds are all hidden is left out (a
        family with no kind named would not be filtered), unless that leaves no family at all.
        """
        from geodata import export

        kinds = (*ZONE_KINDS, *EVENT_KINDS)
        hidden = [kind for kind in kinds if kind not in self.visible]
        shown = tuple(kind for kind in kinds if kind in self.visible) if hidden else ()
        vocabularies = {"zones": ZONE_KINDS, "events": EVENT_KINDS, IMPORTED: EVENT_KINDS}
        kept = tuple(f for f in families if self.visible.intersection(vocabularies.get(f, self.visible)))
        return export.ExportView(
            layers=kept or tuple(families),
            day=self.day,
            window_days=self.window_days,
            kinds=shown,
            reviewed_only=self.reviewed_only,
        )


@dataclass(frozen=True)
class Camera:
    """Where the map is looked at from: zoom level (fractional levels allowed) and centre (degrees,
    WGS84)."""

    zoom: float
    lat: float
    lon: float


def camera_from_params(params: Mapping[str, str]) -> tuple[Camera | None, list[str]]:
    """Read ``zoom``, ``lat`` and ``lon`` from URL query parameters (all three, or none).

    Returns
    -------
    tuple
        The camera (``None`` when the link has none or an unusable one) and what was ignored.
    """
    names = ("zoom", "lat", "lon")
    given = [name for name in names if name in params]
    if not given:
        return None, []
    try:
        zoom, lat, lon = float(params["zoom"]), float(params["lat"]), float(params["lon"])
    except (KeyError, ValueError):
        shown = ", ".join(f"{name}={params[name]!r}" for name in given)
        return None, [f"zoom and centre ignored ({shown}): the link needs zoom, lat and lon as numbers"]
    if not (ZOOMS[0] <= zoom <= ZOOMS[1] and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None, [f"zoom {zoom:g} at {lat:g}, {lon:g} is off the map; showing the whole of Syria"]
    return Camera(round(zoom, 2), round(lat, 5), round(lon, 5)), []


def camera_params(camera: Camera | None) -> dict[str, str]:
    """The query parameters of ``camera`` (none for ``None``)."""
    if camera is None:
        return {}
    return {"zoom": f"{camera.zoom:g}", "lat": f"{camera.lat:.5f}", "lon": f"{camera.lon:.5f}"}


def window_label(days: int | None) -> str:
    """How a window is written in the URL and the widget: ``30`` or ``all``."""
    return "all" if days is None else str(days)


def parse_window(value: str) -> int | None:
    """Parse a window label back (``ValueError``, in words, if it is not one of ``WINDOWS``)."""
    labels = {window_label(days): days for days in WINDOWS}
    if value not in labels:
        choices = ", ".join(labels)
        raise ValueError(f"the events window is one of {choices} (days), not {value!r}")
    return labels[value]


def from_params(
    params: Mapping[str, str], *, first: dt.date, last: dt.date, default_day: dt.date | None = None
) -> tuple[MapView, list[str]]:
    """Read a view from URL query parameters, and say what in them could not be used.

    A missing or unusable parameter falls back to its default (day: ``default_day`` or ``last``; a
    day outside [``first``, ``last``] is moved to the nearest end), so a stale link still opens.

    Returns
    -------
    tuple
        The view, and one message per parameter that was ignored or changed.
    """
    notes: list[str] = []
    day = default_day or last
    if "date" in params:
        try:
            day = parse_day(params["date"])
        except ValueError as exc:
            notes.append(f"{exc}; showing {day}")
    if not first <= day <= last:
        clamped = min(max(day, first), last)
        notes.append(f"date {day} is outside the data ({first} to {last}); showing {clamped}")
        day = clamped
    window = DEFAULT_WINDOW
    if "window" in params:
        try:
            window = parse_window(params["window"])
        except ValueError as exc:
            notes.append(f"window={params['window']!r} ignored: {exc}")
    visible = frozenset(LAYER_KEYS)
    if "layers" in params:
        keys = [key for key in params["layers"].split(",") if key]
        unknown = [key for key in keys if key not in LAYER_KEYS]
        if unknown:
            notes.append(f"unknown layer(s) in the link ignored: {', '.join(unknown)}")
        visible = frozenset(key for key in keys if key in LAYER_KEYS)
    reviewed = params.get("reviewed", "0")
    if reviewed not in ("0", "1"):
        notes.append(f"reviewed={reviewed!r} ignored: it is 1 (reviewed events only) or 0")
    return MapView(day, window, visible, reviewed_only=reviewed == "1"), notes


def read_link(
    params: Mapping[str, str], *, first: dt.date, last: dt.date, default_day: dt.date | None = None
) -> tuple[MapView, Camera | None, list[str]]:
    """:func:`from_params` and :func:`camera_from_params` together: the view and camera of a link
    (or of the live map's report, which uses the same parameters), and what in it was ignored."""
    current, notes = from_params(params, first=first, last=last, default_day=default_day)
    camera, more = camera_from_params(params)
    return current, camera, notes + more


def to_params(view: MapView) -> dict[str, str]:
    """The query parameters that reproduce ``view`` (layers in ``LAYER_KEYS`` order; ``reviewed=1``
    only when the view shows reviewed events only)."""
    params = {
        "date": view.day.isoformat(),
        "window": window_label(view.window_days),
        "layers": ",".join(key for key in LAYER_KEYS if key in view.visible),
    }
    return params | ({"reviewed": "1"} if view.reviewed_only else {})


def visible_rows(frame: gpd.GeoDataFrame, visible: Iterable[str]) -> gpd.GeoDataFrame:
    """The rows of a zones or events frame whose ``kind`` is a visible layer."""
    return frame[frame["kind"].isin(list(visible))]


def shown(frames: Mapping[str, gpd.GeoDataFrame], view: MapView) -> dict[str, gpd.GeoDataFrame]:
    """Exactly what the map shows: visible zones in force, visible events of the window, and the
    imported events of the window when ``imported`` and their kind are visible.

    Parameters
    ----------
    frames
        ``zones``, ``events`` and, when files were imported, ``imported``.
    view
        The view; its :meth:`MapView.export_view` is applied with :func:`geodata.export.select`,
        the same code path as ``python -m geodata export``, so the download equals the screen.
    """
    from geodata import export

    kept = {
        family: visible_rows(frame, view.visible)
        for family, frame in frames.items()
        if family in SHOWN_FAMILIES and (family != IMPORTED or IMPORTED in view.visible)
    }
    selected = export.select(kept, view.export_view(tuple(kept)))
    # A family whose kinds are all hidden is not exported; on screen it shows nothing.
    return {family: selected.get(family, frame.iloc[:0]) for family, frame in kept.items()}


def download(
    frames: Mapping[str, gpd.GeoDataFrame],
    view: MapView | None,
    fmt: str = "geojson",
    *,
    sources: Sequence[Path] = (),
    store: str | None = None,
) -> tuple[str, bytes]:
    """File name and bytes of what ``view`` shows (``None``: every loaded feature) in format ``fmt``.

    The steps of ``python -m geodata export``: :func:`shown` (that is :func:`geodata.export.select`),
    :func:`geodata.formats.layers_for`, :func:`geodata.export.export_name`,
    :func:`geodata.export.describe` and :func:`geodata.formats.render`; ``sources`` (the input
    folders and files) and ``store`` (the event store's token, when layers came from it) give the
    dataset version recorded in a GeoPackage.
    """
    from geodata import export, formats

    if view is None:
        wanted = export.ExportView(tuple(frames), None)
        selected = export.select(frames, wanted)
    else:
        on_screen = shown(frames, view)
        wanted = view.export_view(tuple(on_screen))
        selected = {family: on_screen[family] for family in wanted.layers}
    selected = formats.layers_for(selected, fmt)
    name = download_name(frames, view, fmt)
    info = export.describe(wanted, selected, fmt=fmt, name=name, sources=sources, store=store)
    return name, formats.render(selected, fmt=fmt, info=info)


def download_name(frames: Mapping[str, gpd.GeoDataFrame], view: MapView | None, fmt: str = "geojson") -> str:
    """The file name :func:`download` gives the export of ``view`` (cheap: nothing is selected, so
    the app can name a large download before it is asked to build it)."""
    from geodata import export, formats

    if view is None:
        wanted = export.ExportView(tuple(frames), None)
    else:
        kept = [f for f in frames if f in SHOWN_FAMILIES and (f != IMPORTED or IMPORTED in view.visible)]
        wanted = view.export_view(tuple(kept))
    return export.export_name(wanted, suffix=formats.SUFFIXES[fmt])


def step_day(days: Sequence[dt.date], day: dt.date, *, forward: bool) -> dt.date | None:
    """The nearest date of ``days`` strictly after (or before) ``day``, ``None`` if there is none."""
    later = [d for d in days if (d > day if forward else d < day)]
    if not later:
        return None
    return min(later) if forward else max(later)


def event_days(events: pd.DataFrame) -> list[dt.date]:
    """The distinct start dates of the events, sorted (the stops of the step buttons)."""
    return sorted({parse_day(value) for value in events["date_start"].dropna()})


def date_bounds(
    zones: gpd.GeoDataFrame, events: pd.DataFrame, *, fallback: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    """Earliest and latest date among zones (from, to) and events (start, end); ``fallback`` if none."""
    import pandas as pd

    values = [
        *zones.get("valid_from", pd.Series(dtype=object)).dropna(),
        *zones.get("valid_to", pd.Series(dtype=object)).dropna(),
        *events.get("date_start", pd.Series(dtype=object)).dropna(),
        *events.get("date_end", pd.Series(dtype=object)).dropna(),
    ]
    if not values:
        return fallback
    days = [parse_day(str(value)) for value in values]
    return min(days), max(days)
