"""De-escalation Atlas: Syria's de-escalation zones and the events of the news, as of a chosen date.

Run with ``streamlit run app.py`` (options after ``--``: ``--zones DIR``, ``--seeds DIR``, ``--no-tiles``).
This file only does widgets, caching and wiring; the map, filters, panels and exports live in ``geodata``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
from pathlib import Path

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geodata import export, layers, panels, settings, view, zones
from geodata.schema import EVENT_KINDS, EVENT_PROPERTIES, ZONE_KINDS

FALLBACK_RANGE = (dt.date(2017, 5, 4), dt.date(2020, 12, 31))
DEFAULT_DAY = dt.date(2019, 3, 8)


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="streamlit run app.py --")
    parser.add_argument("--zones", type=Path, default=settings.ZONES_DIR, help="zone folder")
    parser.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="article folder")
    parser.add_argument("--no-tiles", action="store_true", help="no OpenStreetMap tiles (offline)")
    return parser.parse_known_args(sys.argv[1:])[0]


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and times of a folder's files: the cache key that notices edited data."""
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)


@st.cache_data(show_spinner="Loading zones…")
def load_zones(folder: Path, key: object) -> tuple[gpd.GeoDataFrame, list[str]]:
    zone_set = zones.load_zones(folder)
    return zone_set.zones, [str(p) for p in zone_set.problems]


@st.cache_data(show_spinner="Reading events from the articles…")
def load_events(folder: Path, key: object) -> tuple[gpd.GeoDataFrame, list[str], dict[str, tuple[str, str]]]:
    columns = {name: pd.Series(dtype=object) for name in EVENT_PROPERTIES}
    empty = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(crs=settings.WGS84))
    try:
        events = importlib.import_module("geodata.events")
    except ImportError as exc:
        return empty, [f"events are not shown: the events module cannot be loaded ({exc})"], {}
    try:
        run = events.extract_events(folder)
        frame = events.events_frame(run.events)
    except Exception as exc:  # shown to the user below, never swallowed
        return empty, [f"events are not shown: reading {folder} failed ({type(exc).__name__}: {exc})"], {}
    sources = {article.file: (article.outlet, article.url) for article in run.articles}
    return frame, [str(p) for p in run.problems], sources


@st.cache_data
def reference() -> gpd.GeoDataFrame:
    return layers.load_reference()


@st.cache_data
def bands(folder: Path, key: object) -> gpd.GeoSeries:
    return layers.accuracy_bands(load_zones(folder, key)[0])


@st.cache_data
def whole_dataset(zone_folder: Path, zone_key: object, seed_folder: Path, seed_key: object) -> str:
    frames = {"zones": load_zones(zone_folder, zone_key)[0], "events": load_events(seed_folder, seed_key)[0]}
    everything = export.select(frames, export.ExportView(export.LAYERS, None))
    return export.dumps(export.feature_collection(everything))


def init_state(first: dt.date, last: dt.date) -> None:
    """On a new session, set the widgets from the link (``?date=…&window=…&layers=…``)."""
    if "day" in st.session_state:
        return
    start, notes = view.from_params(
        st.query_params.to_dict(), first=first, last=last, default_day=DEFAULT_DAY
    )
    st.session_state.day = start.day
    st.session_state.window = view.window_label(start.window_days)
    for key in view.LAYER_KEYS:
        st.session_state[f"layer_{key}"] = key in start.visible
    st.session_state.link_notes = notes


def step(stops: list[dt.date], *, forward: bool) -> None:
    target = view.step_day(stops, st.session_state.day, forward=forward)
    if target is not None:
        st.session_state.day = target


def sidebar(first: dt.date, last: dt.date, stops: list[dt.date]) -> view.MapView:
    with st.sidebar:
        st.slider("As of", min_value=first, max_value=last, key="day", format="YYYY-MM-DD")
        back, forward = st.columns(2)
        back.button("◀ Prev. event", on_click=step, args=(stops,), kwargs={"forward": False})
        forward.button("Next event ▶", on_click=step, args=(stops,), kwargs={"forward": True})
        st.selectbox("Events window (days)", [view.window_label(w) for w in view.WINDOWS], key="window")
        st.subheader("Layers")
        for title, keys in (("Zones", ZONE_KINDS), ("Events", EVENT_KINDS), ("Base", (view.REFERENCE,))):
            st.caption(title)
            for key in keys:
                st.checkbox(layers.LAYER_STYLES[key].label, key=f"layer_{key}")
    visible = frozenset(k for k in view.LAYER_KEYS if st.session_state[f"layer_{k}"])
    return view.MapView(st.session_state.day, view.parse_window(st.session_state.window), visible)


def timeline(counts: pd.DataFrame, day: dt.date) -> alt.LayerChart:
    kinds = [k for k in EVENT_KINDS if k in set(counts["kind"])]
    colours = alt.Scale(domain=kinds, range=[layers.EVENT_STYLES[k].colour for k in kinds])
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="week"),
            y=alt.Y("events:Q", title="events"),
            color=alt.Color("kind:N", scale=colours),
        )
    )
    marker = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]})).mark_rule(color="red").encode(x="day:T")
    return (bars + marker).properties(height=140)


st.set_page_config(page_title="De-escalation Atlas", layout="wide")
args = options()
zone_key, seed_key = fingerprint(args.zones), fingerprint(args.seeds)
zone_frame, zone_problems = load_zones(args.zones, zone_key)
event_frame, event_problems, sources = load_events(args.seeds, seed_key)
first, last = view.date_bounds(zone_frame, event_frame, fallback=FALLBACK_RANGE)
init_state(first, last)
current = sidebar(first, last, view.event_days(event_frame))
st.query_params.from_dict(view.to_params(current))

st.title("De-escalation Atlas")
for message in [*st.session_state.link_notes, *zone_problems, *event_problems]:
    st.warning(message)
shown = view.shown(zone_frame, event_frame, current)
st.caption(
    f"{current.day:%d %B %Y}: {len(shown['zones'])} zones in force, {len(shown['events'])} events in the "
    f"window ({view.window_label(current.window_days)} days). Zones: hand-digitised from the sources in "
    f"each tooltip. Map data © OpenStreetMap contributors; {layers.REFERENCE_ATTRIBUTION}."
)
fmap = layers.build_map(
    zone_frame,
    event_frame,
    current,
    reference=reference(),
    bands=bands(args.zones, zone_key),
    sources=sources,
    tiles=not args.no_tiles,
)
st_folium(fmap, key="map", height=600, use_container_width=True, returned_objects=[])
st.altair_chart(timeline(panels.weekly_counts(event_frame), current.day), width="stretch")

left, right = st.columns(2)
left.download_button(
    "Download what is shown (GeoJSON)",
    export.dumps(export.feature_collection(shown)),
    file_name=export.export_name(current.export_view()),
    mime="application/geo+json",
)
right.download_button(
    "Download the whole dataset (GeoJSON)",
    whole_dataset(args.zones, zone_key, args.seeds, seed_key),
    file_name=export.export_name(export.ExportView(export.LAYERS, None)),
    mime="application/geo+json",
)
in_window, in_force, missing = st.tabs(["Events in the window", "Zones in force", "Not on the map"])
in_window.dataframe(panels.events_table(shown["events"]), hide_index=True)
in_force.dataframe(panels.zone_panel(shown["zones"], shown["events"]), hide_index=True)
missing.dataframe(panels.off_map(shown["events"]), hide_index=True)
