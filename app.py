"""De-escalation Atlas: Syria's de-escalation zones and the events of the news, as of a chosen date.

Run with ``streamlit run app.py``; options go after ``--``: ``--zones DIR``, ``--seeds DIR``,
``--events FILE`` (an ACLED or UCDP CSV export, repeatable) and ``--tiles`` (OpenStreetMap tiles
beneath the map, for a machine that can reach them). The map is one component of our own
(``geodata.livemap``): the day, window, layers, zoom and centre live in the page, which tells this
script the view for the tables, counts, downloads and the link. This file only does widgets,
caching and layout; the data come in through one cached loader, :func:`load`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import streamlit as st

from geodata import basemap, events, formats, imports, layers, livemap, panels, settings, view, zones
from geodata._errors import DataError

DEFAULT_DAY = dt.date(2019, 3, 8)
TABLE_ROWS = 200  # rows shown in the events table (the caption gives the full count)
EAGER_DOWNLOAD_ROWS = 500  # above this many features, downloads are built when clicked
FORMAT_LABELS = {"geojson": "GeoJSON", "geojsonseq": "GeoJSON sequence", "gpkg": "GeoPackage", "csv": "CSV"}
HOW_TO_READ = (
    "**How to read this map:** coloured areas are the agreements in force on the day shown; dots are the "
    "events of the days before it (fainter: older; a dashed ring: placed only within a region; a number: "
    "several events at one place). Move the slider or press Play; click a zone or an event for its sources."
)
ATLAS_MAP = st.components.v2.component("atlas_map", js=livemap.script(), css=livemap.stylesheet())


@dataclass(frozen=True)
class Inputs:
    """Where the data come from, with fingerprints (name, size, time) so caches notice edited files."""

    zones: Path
    seeds: Path
    imported: tuple[Path, ...]
    tiles: bool
    key: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Loaded:
    """Everything the page shows, as loaded (shared by all sessions, never changed)."""

    frames: dict[str, gpd.GeoDataFrame]
    basemap: basemap.Basemap | None
    problems: tuple[str, ...]
    titles: dict[str, str]  # article file -> title
    sources: dict[str, tuple[str, str]]  # article file -> outlet, URL


def inputs() -> Inputs:
    parser = argparse.ArgumentParser(prog="streamlit run app.py --")
    parser.add_argument("--zones", type=Path, default=settings.ZONES_DIR, help="zone folder")
    parser.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="article folder")
    parser.add_argument("--events", type=Path, action="append", default=[], help="ACLED/UCDP CSV file")
    parser.add_argument("--tiles", action="store_true", help="OpenStreetMap tiles (needs the internet)")
    args = parser.parse_known_args(sys.argv[1:])[0]
    files = [*args.zones.glob("*"), *args.seeds.glob("*"), *args.events]
    key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(files) if p.is_file())
    return Inputs(args.zones, args.seeds, tuple(args.events), args.tiles, key)


@st.cache_resource(show_spinner="Reading zones, articles and event files…", max_entries=4)
def load(source: Inputs) -> Loaded:
    """The one place the data come in: zones, the events read from the articles, imported files."""
    zone_set, run = zones.load_zones(source.zones), events.extract_events(source.seeds)
    frames = {"zones": zone_set.zones, "events": events.events_frame(run.events)}
    problems = [*map(str, zone_set.problems), *map(str, run.problems)]
    if source.imported:
        imported = imports.load_event_files(list(source.imported))
        frames["imported"] = imported.events
        problems += map(str, imported.problems)
    try:
        base: basemap.Basemap | None = basemap.load_basemap(settings.BASEMAP_DIR)
    except DataError as exc:  # the map is drawn without roads and place names; the problems are shown
        base, problems = None, [*problems, *map(str, exc.problems)]
    sources = {a.file: (a.outlet, a.url) for a in run.articles}
    return Loaded(frames, base, tuple(problems), {a.file: a.title for a in run.articles}, sources)


@st.cache_resource(show_spinner="Preparing the map…", max_entries=4)
def prepared(source: Inputs) -> livemap.Prepared:
    data = load(source)
    return livemap.prepare(
        data.frames, reference=layers.load_reference(), basemap=data.basemap, sources=data.sources
    )


@st.cache_resource(show_spinner="Matching events to zones…", max_entries=4)
def membership(source: Inputs) -> Any:
    return panels.zone_membership(load(source).frames["zones"], panels.shown_events(load(source).frames))


@st.cache_data(max_entries=64, show_spinner=False)
def download(source: Inputs, current: view.MapView | None, fmt: str) -> bytes:
    sources = [source.zones, source.seeds, *source.imported]
    return view.download(load(source).frames, current, fmt, sources=sources)[1]


def start_view(dates: livemap.DateRange) -> tuple[view.MapView, view.Camera | None, list[str]]:
    """The view of the link the session was opened with (the page owns the view afterwards)."""
    if "start" not in st.session_state:
        params, (first, last) = st.query_params.to_dict(), dates.full
        st.session_state.start = view.read_link(params, first=first, last=last, default_day=DEFAULT_DAY)
    return st.session_state.start  # type: ignore[no-any-return]


def download_button(column: Any, source: Inputs, current: view.MapView | None, fmt: str, label: str) -> None:
    frames = load(source).frames
    payload: Any = lambda: download(source, current, fmt)  # noqa: E731  (built when clicked)
    if sum(len(frame) for frame in frames.values()) <= EAGER_DOWNLOAD_ROWS:
        payload = payload()
    name = view.download_name(frames, current, fmt)
    mime = formats.MEDIA_TYPES[fmt]
    column.download_button(
        f"{label} ({FORMAT_LABELS[fmt]})", payload, file_name=name, mime=mime, on_click="ignore"
    )


@st.cache_data(max_entries=16, show_spinner="Drawing the page…")
def page_html(source: Inputs, current: view.MapView) -> str:
    from geodata import foliummap  # folium is imported when a page is asked for, not before the first map

    return foliummap.view_page(
        load(source).frames, current, reference=layers.load_reference(), sources=load(source).sources
    )


st.set_page_config(page_title="De-escalation Atlas", layout="wide")
source = inputs()
loaded, ready = load(source), prepared(source)
start, start_camera, link_notes = start_view(ready.dates)
st.title("De-escalation Atlas")
st.markdown(HOW_TO_READ)
header = st.container()
with st.container(horizontal=True, gap=None):
    for dataset in ready.datasets:  # each reaches the page once; later runs send only a reference
        ATLAS_MAP(key=f"atlas-{dataset.name}", data=dataset.data, height=0, width=1)
config = livemap.map_config(ready.datasets, start=start, camera=start_camera, dates=ready.dates,
                            stop_days=ready.stops, tiles=source.tiles)  # fmt: skip
changed = {f"on_{name}_change": lambda: None for name in ("view", "clicked", "narrow")}
result = ATLAS_MAP(key="map", data=config, **changed)
current, camera = livemap.read_view(result.get("view"), start=start, camera=start_camera, dates=ready.dates)
st.query_params.from_dict({**view.to_params(current), **view.camera_params(camera)})
shown, narrow = view.shown(loaded.frames, current), bool(result.get("narrow"))
with header:
    for message in [*link_notes, *loaded.problems]:
        st.warning(panels.markdown_text(message))
    st.caption(
        f"{panels.summary(shown, current)} Zones are hand-digitised and approximate: see their sources."
    )
clicked = livemap.clicked_point(result.get("clicked"))
if clicked is not None and ready.points is not None:
    here = livemap.events_at(loaded.frames["imported"], ready.points, clicked, current)
    st.caption(f"{len(here):,} imported event(s) of the window at the point clicked")
    st.dataframe(panels.events_table(here, compact=narrow), hide_index=True)
chart = panels.timeline_chart(panels.weekly_counts(loaded.frames["events"]), current.day)
st.altair_chart(chart, width="stretch")
fmt = st.selectbox("Download format", formats.FORMATS, format_func=FORMAT_LABELS.__getitem__)
left, right, page = st.columns(3)
download_button(left, source, current, fmt, "Download what is shown")
download_button(right, source, None, fmt, "Download the whole dataset")
html_name = view.download_name(loaded.frames, current).removesuffix(".geojson") + ".html"
page.download_button("This view as a web page (HTML, works offline)", lambda: page_html(source, current),
                     file_name=html_name, mime="text/html", on_click="ignore")  # fmt: skip
in_window, in_force, missing = st.tabs(["Events in the window", "Zones in force", "Not on the map"])
window_events = panels.shown_events(shown)
if len(window_events) > TABLE_ROWS:
    in_window.caption(
        f"The {TABLE_ROWS} newest of {len(window_events):,} events (the downloads have them all)."
    )
table = panels.events_table(panels.newest(window_events, TABLE_ROWS), titles=loaded.titles, compact=narrow)
in_window.dataframe(table.head(TABLE_ROWS), hide_index=True)
zone_rows = panels.zone_panel(shown["zones"], window_events, membership=membership(source))
in_force.dataframe(panels.zones_table(zone_rows), hide_index=True)
missing.dataframe(panels.off_map(window_events), hide_index=True)
