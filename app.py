"""De-escalation Atlas: Syria's de-escalation zones and the events of the news, as of a chosen date.

Run with ``streamlit run app.py``; options go after ``--`` (``geodata.loading.app_inputs``): ``--store
PATH|URL`` (the event store; default ``$ATLAS_STORE`` or the user's file, filled with ``seeds/`` on first
use), ``--zones DIR``, ``--seeds DIR`` and ``--events FILE`` (read instead of the store's article and
imported events, as ``export --seeds/--imported``) and ``--tiles``. The map is a component of our own
(``geodata.livemap``; its datasets go in a small one, ``ui/map_data.py``): the day, window, layers, zoom
and centre live in the page, which tells this script the view for the tables, counts, downloads and the
link. Analysts add articles in the sidebar (``geodata.adding``) once signed in as an editor
(``geodata.editors``), and review the machine's events on the review page (``ui/review_page.py``), which
only editors are offered. This file only does widgets, caching and layout (the Add panel is
``ui/add_panel.py``, what surrounds the map ``ui/map_details.py``; the store is opened by
``ui/store_cache.py``, shared with the review page); the data come in through cached loaders keyed by the
store's tokens: :func:`base` and the imported events' kept points first (the map), then :func:`load` (the
tables).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from typing import Any

import streamlit as st

from geodata import export, layers, livemap, loading, map_datasets, panels, point_cache, store, timing, view
from ui import add_panel, map_data, map_details, signin, store_cache

DEFAULT_DAY = dt.date(2019, 3, 8)
HOW_TO_READ = (
    "**How to read this map:** coloured areas are the agreements in force on the day shown; dots are the "
    "events of the days before it (fainter: older; a dashed ring: placed only within a region; a number: "
    "several events at one place). Move the slider or press Play; click a zone or an event for its sources."
)
REVIEWED = "Only the events a person accepted, corrected or added (rejected events are never shown)."
ADD_HINT = " Analysts add articles in the sidebar (» at the top left)."
ATLAS_MAP = st.components.v2.component("atlas_map", js=livemap.script(), css=livemap.stylesheet())
Source = loading.Inputs


def rerun() -> None:
    """A change of the map's view, click or width only reruns the script (which reads the new values)."""


def store_of(source: Source, token: str | None) -> store.Store | None:
    return store_cache.event_store(source.store) if token else None


@st.cache_resource(show_spinner="Reading zones and events…", max_entries=4)
@timing.timed("base")
def base(source: Source, token: str | None) -> loading.Loaded:
    """Zones, the store's article events (or the files given) and the base map: what the map needs
    before the imported events, whose points come from :func:`imported_points`."""
    return loading.load(source, store_of(source, token), imported=False)


@st.cache_resource(show_spinner="Reading the imported events…", max_entries=4)
@timing.timed("load")
def load(source: Source, token: str | None) -> loading.Loaded:
    """Everything, imported events included (for the tables, counts and downloads, after the map)."""
    return loading.with_imported(base(source, token), source, store_of(source, token))


@st.cache_resource(show_spinner="Preparing the imported events…", max_entries=2)
@timing.timed("imported points")
def imported_points(
    source: Source, version: str | None, _token: str | None
) -> point_cache.CachedPoints | None:
    """The imported events' points, kept while they do not change (``version``) and on disk."""
    path = loading.points_path(source, store_of(source, _token), version)
    return point_cache.kept(path, lambda: load(source, _token).frames.get("imported"))


@st.cache_resource(show_spinner="Preparing the map…", max_entries=4)
@timing.timed("prepared")
def prepared(source: Source, token: str | None, version: str | None) -> map_datasets.Prepared:
    data, kept = base(source, token), imported_points(source, version, token)
    return map_datasets.prepare(data.frames, reference=layers.load_reference(), basemap=data.basemap,
                           sources=data.sources, points=kept.points if kept else None,
                           imported_dates=kept.dates if kept else ())  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=2)
def reviewed_events(source: Source, token: str | None) -> livemap.Dataset:
    """The events a person vouched for (``export.by_review``, as ``view.shown``): "Reviewed events only"."""
    data = base(source, token)
    kept = export.by_review(data.frames["events"], reviewed_only=True, include_rejected=False)
    return map_datasets.events_dataset(kept, data.sources)


@st.cache_resource(show_spinner="Matching events to zones…", max_entries=4)
def zone_pairs(source: Source, key: str | None, layer: str, _token: str | None) -> Any:
    """The events of ``layer`` paired with the zones they fall in (the Zones tab), kept while ``key``
    stays the same: the store's token for article events, its imported token for imported ones."""
    frames = load(source, _token).frames
    return panels.zone_membership(frames["zones"], frames[layer]) if layer in frames else None


def start_view(dates: livemap.DateRange) -> tuple[view.MapView, view.Camera | None, list[str]]:
    """The view of the link the session was opened with, or the one asked for after saving."""
    if "start" not in st.session_state:
        params, (first, last) = st.query_params.to_dict(), dates.full
        st.session_state.start = view.read_link(params, first=first, last=last, default_day=DEFAULT_DAY)
    return st.session_state.start  # type: ignore[no-any-return]


def map_page() -> None:
    """The map, its caption, chart, downloads and tables (and, for an editor, "Add an article")."""
    timing.mark("map page")  # the script's run has its imports behind it (bench_first_map.py --breakdown)
    source = loading.app_inputs(sys.argv[1:])
    events_store, token, version, store_error = loading.opened(source, store_cache.event_store)
    ready = prepared(source, token, version)
    start, start_camera, link_notes = start_view(ready.dates)
    editing = events_store is not None and source.events_from_store and signin.can_edit()
    if editing and events_store is not None:
        add_panel.add_panel(events_store, st.session_state.get("last_view", (start, start_camera)))
    st.title("De-escalation Atlas")
    st.markdown(HOW_TO_READ + (ADD_HINT if editing else ""))
    header = st.container()
    reviewed = st.toggle(
        "Reviewed events only", value=start.reviewed_only, key="reviewed_only", help=REVIEWED
    )
    preview = st.session_state.get("preview")
    datasets = [
        reviewed_events(source, token) if reviewed and d.name == "events" else d for d in ready.datasets
    ]
    datasets += [map_datasets.preview_dataset(preview.frame)] if preview is not None else []
    with st.container(horizontal=True, gap=None):
        for dataset in datasets:  # each reaches the page once; later runs send only a reference
            map_data.send(dataset, f"atlas-{dataset.name}")
    config = livemap.map_config(datasets, start=start, camera=start_camera, dates=ready.dates,
                                stop_days=ready.stops, tiles=source.tiles,
                                start_id=st.session_state.get("start_id", 0))  # fmt: skip
    result = ATLAS_MAP(key="map", data=livemap.map_mount(config), on_view_change=rerun,
                       on_clicked_change=rerun, on_narrow_change=rerun)  # fmt: skip
    timing.mark("map sent")
    current, camera = livemap.read_view(
        result.get("view"), start=start, camera=start_camera, dates=ready.dates
    )
    current = dataclasses.replace(current, reviewed_only=reviewed)  # the page draws what it is sent
    st.query_params.from_dict({**view.to_params(current), **view.camera_params(camera)})
    st.session_state.last_view = (current, camera)
    loaded = load(source, token)  # the imported events are read after the map is drawn
    shown, narrow = view.shown(loaded.frames, current), bool(result.get("narrow"))
    with header:
        map_details.notes(loaded, store_error, link_notes, shown, current)
    map_details.under_map(loaded, preview, ready.points, livemap.clicked_point(result.get("clicked")),
                          current, narrow=narrow)  # fmt: skip
    pairs = [zone_pairs(source, token, "events", token), zone_pairs(source, version, "imported", token)]
    map_details.below_map(loaded, source, token, current, shown, narrow=narrow, membership=pairs)


st.set_page_config(page_title="De-escalation Atlas", layout="wide", initial_sidebar_state="collapsed")
signin.sign_in_panel()
pages = [st.Page(map_page, title="Map", default=True)]
if signin.can_edit():  # viewers are offered the map only: the review page is no page of theirs
    pages.append(st.Page("ui/review_page.py", title="Review", url_path="review"))
st.navigation(pages, position="top").run()
