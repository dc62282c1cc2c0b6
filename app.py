"""De-escalation Atlas: Syria's de-escalation zones and the events of the news, as of a chosen date.

Run with ``streamlit run app.py``; options go after ``--``: ``--zones DIR``, ``--seeds DIR``,
``--events FILE`` (an ACLED or UCDP CSV export, repeatable), ``--no-tiles`` (no OpenStreetMap tiles) and
``--offline [MIRROR]`` (no tiles, Leaflet inlined from the npm mirror, default ``.cdn-mirror``: nothing
is fetched from the internet).
This file only does widgets, caching and wiring; the map, filters, panels and exports live in ``geodata``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit_folium

from geodata import fastpoints, formats, imports, layers, panels, settings, view, zones
from geodata._errors import UsageError
from geodata.schema import EVENT_KINDS, EVENT_PROPERTIES, ZONE_KINDS

if TYPE_CHECKING:
    import altair as alt

FALLBACK_RANGE = (dt.date(2017, 5, 4), dt.date(2020, 12, 31))
DEFAULT_DAY = dt.date(2019, 3, 8)
PLAY_SECONDS = 1.0
#: Above this many events, downloads are built when clicked, not on every run.
EAGER_DOWNLOAD_ROWS = 500
#: Rows shown in the events tables (the caption gives the full count).
TABLE_ROWS = 200
#: The date slider's label; the map follows the slider with this label in the page (see send_view).
DAY_LABEL = "As of"
FORMAT_LABELS = {"geojson": "GeoJSON", "geojsonseq": "GeoJSON sequence", "gpkg": "GeoPackage", "csv": "CSV"}

Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Inputs:
    """Where the data comes from, with fingerprints so cached results notice edited files."""

    zones: Path
    seeds: Path
    imported: tuple[Path, ...]
    tiles: bool
    offline: Path | None
    key: tuple[Fingerprint, Fingerprint, Fingerprint]


def inputs() -> Inputs:
    parser = argparse.ArgumentParser(prog="streamlit run app.py --")
    parser.add_argument("--zones", type=Path, default=settings.ZONES_DIR, help="zone folder")
    parser.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="article folder")
    parser.add_argument("--events", type=Path, action="append", default=[], help="ACLED/UCDP CSV file")
    parser.add_argument("--no-tiles", action="store_true", help="no OpenStreetMap tiles")
    parser.add_argument(
        "--offline", type=Path, nargs="?", const=settings.ROOT / ".cdn-mirror", help="npm mirror"
    )
    args = parser.parse_known_args(sys.argv[1:])[0]
    files = tuple(args.events)
    key = (fingerprint(args.zones.glob("*")), fingerprint(args.seeds.glob("*")), fingerprint(files))
    tiles = not (args.no_tiles or args.offline)
    return Inputs(args.zones, args.seeds, files, tiles, args.offline, key)


def fingerprint(paths: Iterable[Path]) -> Fingerprint:
    """Names, sizes and times of files: the cache key that notices edited data."""
    files = sorted(p for p in paths if p.is_file())
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


@st.cache_data(show_spinner="Loading zones…")
def load_zones(source: Inputs) -> tuple[gpd.GeoDataFrame, list[str]]:
    zone_set = zones.load_zones(source.zones)
    return zone_set.zones, [str(p) for p in zone_set.problems]


@st.cache_data(show_spinner="Reading events from the articles…")
def load_events(source: Inputs) -> tuple[gpd.GeoDataFrame, list[str], dict[str, tuple[str, str]]]:
    columns = {name: pd.Series(dtype=object) for name in EVENT_PROPERTIES}
    empty = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(crs=settings.WGS84))
    try:
        events = importlib.import_module("geodata.events")
    except ImportError as exc:
        return empty, [f"events are not shown: the events module cannot be loaded ({exc})"], {}
    try:
        run = events.extract_events(source.seeds)
        frame = events.events_frame(run.events)
    except Exception as exc:  # shown to the user as a warning, never swallowed
        return (
            empty,
            [f"events are not shown: reading {source.seeds} failed ({type(exc).__name__}: {exc})"],
            {},
        )
    articles = {article.file: (article.outlet, article.url) for article in run.articles}
    return frame, [str(p) for p in run.problems], articles


@st.cache_resource(show_spinner="Importing event files…", max_entries=4)
def load_imported(source: Inputs) -> tuple[gpd.GeoDataFrame | None, list[str]]:
    """Shared, not copied (``cache_data`` would unpickle 100,000 rows on every run); never mutated."""
    if not source.imported:
        return None, []
    run = imports.load_event_files(list(source.imported))
    return run.events, [str(p) for p in run.problems]


def frames(source: Inputs) -> dict[str, gpd.GeoDataFrame]:
    loaded = {"zones": load_zones(source)[0], "events": load_events(source)[0]}
    imported = load_imported(source)[0]
    return loaded if imported is None else loaded | {"imported": imported}


@st.cache_data
def reference() -> gpd.GeoDataFrame:
    return layers.load_reference()


@st.cache_data
def bands(source: Inputs) -> gpd.GeoSeries:
    return layers.accuracy_bands(load_zones(source)[0])


@st.cache_resource(show_spinner="Matching events to zones…", max_entries=4)
def membership(source: Inputs) -> pd.DataFrame:
    """Which events touch which zones, for every event and zone (the zone panel only counts)."""
    loaded = frames(source)
    return panels.zone_membership(loaded["zones"], panels.shown_events(loaded))


@st.cache_resource(show_spinner="Encoding the imported events for the map…")
def points(source: Inputs) -> fastpoints.PointData | None:
    imported = load_imported(source)[0]
    return None if imported is None else layers.encode_points(imported)


@st.cache_resource(show_spinner="Preparing the map…", max_entries=4)
def live_map(source: Inputs, initial: view.MapView) -> tuple[dict[str, Any], list[str]]:
    """The map component's arguments (the same on every run, so its frame is never rebuilt) and
    warnings. ``st_folium`` renders the whole map on every call (~150 ms with the zones and the
    reference layer); the map does not change, so its output is captured once and replayed."""
    fmap = layers.build_base_map(
        load_zones(source)[0],
        load_events(source)[0],
        initial,
        reference=reference(),
        bands=bands(source),
        sources=load_events(source)[2],
        points=points(source),
        tiles=source.tiles,
    )
    notes = []
    if source.offline is not None:
        try:
            layers.offline(fmap, source.offline)
        except UsageError as exc:
            notes.append(f"{exc}; the map loads its libraries from the internet instead")
    captured: dict[str, Any] = {}
    replay = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **arguments: captured.update(arguments)
    try:
        # render=False: st_folium renders the map itself as well; rendering the whole figure first
        # only did the same work twice (same arguments, ~0.1 s less on the first run).
        streamlit_folium.st_folium(
            fmap,
            key="map",
            height=600,
            use_container_width=True,
            returned_objects=["last_clicked"],
            render=False,
        )
    finally:
        streamlit_folium._component_func = replay
    return captured, notes


def send_view(slot: Any, current: view.MapView) -> None:
    """Hand the view to the map already in the page: a tiny script (``fastpoints.state_script``),
    which also lets the map follow the date slider at once, before this run's answer arrives."""
    script = fastpoints.state_script(layers.live_state(current), slider_label=DAY_LABEL)
    slot.html(script, unsafe_allow_javascript=True)


def early_view() -> view.MapView | None:
    """The view the widgets hold as the run starts (``None`` on a session's first run or while a
    play step is pending): sent before anything else, so the map moves at once."""
    state = st.session_state
    if "day" not in state or "window" not in state or "pending_day" in state:
        return None
    visible = frozenset(k for k in view.LAYER_KEYS if state.get(f"layer_{k}"))
    return view.MapView(state.day, view.parse_window(state.window), visible)


def show_map(source: Inputs) -> dict[str, Any] | None:
    """Show the map (the same on every run); return what it sends back (``last_clicked``)."""
    arguments, notes = live_map(source, view.MapView(DEFAULT_DAY))
    for note in notes:
        st.warning(note)
    returned: dict[str, Any] | None = streamlit_folium._component_func(**arguments)
    return returned


@st.cache_data(max_entries=64, show_spinner=False)
def download(source: Inputs, current: view.MapView | None, fmt: str) -> tuple[str, bytes]:
    """File name and bytes of what ``current`` shows (``None``: the whole dataset), as ``fmt``."""
    return view.download(frames(source), current, fmt, sources=[source.zones, source.seeds, *source.imported])


def download_button(
    column: Any, source: Inputs, current: view.MapView | None, fmt: str, *, label: str
) -> None:
    """A download of ``current`` (``None``: everything); built on click when the data are large."""
    loaded = frames(source)
    name = view.download_name(loaded, current, fmt)
    payload: Any = lambda: download(source, current, fmt)[1]  # noqa: E731
    if sum(len(frame) for frame in loaded.values()) <= EAGER_DOWNLOAD_ROWS:
        payload = payload()
    column.download_button(
        f"{label} ({FORMAT_LABELS[fmt]})",
        payload,
        file_name=name,
        mime=formats.MEDIA_TYPES[fmt],
        on_click="ignore",
    )


def clicked_events(
    source: Inputs, current: view.MapView, returned: dict[str, Any] | None
) -> gpd.GeoDataFrame | None:
    """The imported events of the view at the point clicked on the map (the map snaps a click on a
    point to that point's coordinates); ``None`` when no point was clicked."""
    where = (returned or {}).get("last_clicked")
    imported, encoded = load_imported(source)[0], points(source)
    if not where or imported is None or encoded is None:
        return None
    rows = layers.events_at(imported, encoded, (where["lng"], where["lat"]), current)
    return rows if len(rows) else None


def init_state(first: dt.date, last: dt.date) -> None:
    """On a new session, set the widgets from the link (``?date=…&window=…&layers=…``)."""
    if "day" in st.session_state:
        return
    params = st.query_params.to_dict()
    start, notes = view.from_params(params, first=first, last=last, default_day=DEFAULT_DAY)
    st.session_state.day = start.day
    st.session_state.window = view.window_label(start.window_days)
    for key in view.LAYER_KEYS:
        st.session_state[f"layer_{key}"] = key in start.visible
    st.session_state.link_notes = notes


def apply_pending() -> None:
    """Apply what the previous run's play step asked for (widget values can only change before the
    widgets are drawn)."""
    pending = st.session_state.pop("pending_day", None)
    if pending is not None:
        st.session_state.day = pending
    if st.session_state.pop("stop_play", False):
        st.session_state.play = False


def play_step(stops: list[dt.date], day: dt.date) -> None:
    """While playing, move to the next event date after a pause; stop after the last one."""
    time.sleep(PLAY_SECONDS)
    target = view.step_day(stops, day, forward=True)
    if target is None:
        st.session_state.stop_play = True
    else:
        st.session_state.pending_day = target
    st.rerun()


def step(stops: list[dt.date], *, forward: bool) -> None:
    target = view.step_day(stops, st.session_state.day, forward=forward)
    if target is not None:
        st.session_state.day = target


def sidebar(first: dt.date, last: dt.date, stops: list[dt.date], *, imported: bool) -> view.MapView:
    with st.sidebar:
        st.slider(DAY_LABEL, min_value=first, max_value=last, key="day", format="YYYY-MM-DD")
        back, forward = st.columns(2)
        back.button("◀ Prev. event", on_click=step, args=(stops,), kwargs={"forward": False})
        forward.button("Next event ▶", on_click=step, args=(stops,), kwargs={"forward": True})
        st.toggle("Play through the event dates", key="play")
        st.selectbox("Events window (days)", [view.window_label(w) for w in view.WINDOWS], key="window")
        st.subheader("Layers")
        extra = (view.IMPORTED,) if imported else ()
        groups = (("Zones", ZONE_KINDS), ("Events", (*EVENT_KINDS, *extra)), ("Base", (view.REFERENCE,)))
        for title, keys in groups:
            st.caption(title)
            for key in keys:
                st.checkbox(layers.LAYER_STYLES[key].label, key=f"layer_{key}")
    visible = frozenset(k for k in view.LAYER_KEYS if st.session_state.get(f"layer_{k}"))
    return view.MapView(st.session_state.day, view.parse_window(st.session_state.window), visible)


def timeline(counts: pd.DataFrame, day: dt.date) -> alt.LayerChart:
    # Imported here, not at the top: the chart comes after the map, and importing altair (~0.2 s)
    # on the server's first run would hold the first map back.
    import altair as alt

    kinds = [k for k in EVENT_KINDS if k in set(counts["kind"])]
    colours = alt.Scale(domain=kinds, range=[layers.EVENT_STYLES[k].colour for k in kinds])
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(x=alt.X("week:T", title="week"), y=alt.Y("events:Q", title="events"),
                color=alt.Color("kind:N", scale=colours))
    )  # fmt: skip
    marker = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]})).mark_rule(color="red").encode(x="day:T")
    return (bars + marker).properties(height=140)


st.set_page_config(page_title="De-escalation Atlas", layout="wide")
view_slot = st.sidebar.empty()
sent = early_view()
if sent is not None:
    send_view(view_slot, sent)
source = inputs()
data = frames(source)
problems = [*load_zones(source)[1], *load_events(source)[1], *load_imported(source)[1]]
first, last = view.date_bounds(data["zones"], data["events"], fallback=FALLBACK_RANGE)
init_state(first, last)
apply_pending()
stops = view.event_days(data["events"])
current = sidebar(first, last, stops, imported="imported" in data)
if current != sent:
    send_view(view_slot, current)
st.query_params.from_dict(view.to_params(current))

st.title("De-escalation Atlas")
for message in [*st.session_state.link_notes, *problems]:
    st.warning(message)
shown = view.shown(data, current)
st.caption(
    f"{current.day:%d %B %Y}: {len(shown['zones'])} zones in force, {len(shown['events'])} events in the "
    f"window ({view.window_label(current.window_days)} days)"
    + (f" and {len(shown['imported']):,} imported" if "imported" in shown else "")
    + ". Zones are hand-digitised and approximate: "
    f"see each tooltip's sources. Map data © OpenStreetMap contributors; {layers.REFERENCE_ATTRIBUTION}."
)
clicked = show_map(source)
st.altair_chart(timeline(panels.weekly_counts(data["events"]), current.day), width="stretch")

fmt = st.selectbox("Download format", formats.FORMATS, format_func=FORMAT_LABELS.__getitem__)
left, right = st.columns(2)
download_button(left, source, current, fmt, label="Download what is shown")
download_button(right, source, None, fmt, label="Download the whole dataset")

at_point = clicked_events(source, current, clicked)
if at_point is not None:
    st.caption(f"{len(at_point)} imported event(s) in the window at the clicked point")
    st.dataframe(panels.events_table(at_point), hide_index=True)
in_window, in_force, missing = st.tabs(["Events in the window", "Zones in force", "Not on the map"])
window_events = panels.shown_events(shown)
if len(window_events) > TABLE_ROWS:
    in_window.caption(f"The {TABLE_ROWS} newest of {len(window_events)} events (the download has them all).")
in_window.dataframe(
    panels.events_table(panels.newest(window_events, TABLE_ROWS)).head(TABLE_ROWS), hide_index=True
)
in_force.dataframe(
    panels.zone_panel(shown["zones"], window_events, membership=membership(source)), hide_index=True
)
missing.dataframe(panels.off_map(window_events), hide_index=True)
if st.session_state.get("play"):
    play_step(stops, current.day)
