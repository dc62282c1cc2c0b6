"""De-escalation Atlas: Syria's de-escalation zones and the events of the news, as of a chosen date.

Run with ``streamlit run app.py``; options go after ``--`` (``geodata.app_options``): ``--store
PATH|URL`` (the event store; default ``$ATLAS_STORE`` or the user's file, filled with ``seeds/`` on first
use), ``--zones DIR``, ``--seeds DIR`` and ``--events FILE`` (read instead of the store's article and
imported events, as ``export --seeds/--imported``) and ``--tiles``. The map is a component of our own
(``geodata.livemap``; its datasets go in a small one, ``ui/map_data.py``): the day, window, layers, zoom
and centre live in the page, which tells this script the view for the tables, counts, downloads and the
link. Analysts add articles in the sidebar (``geodata.adding``) once signed in as an editor
(``geodata.editors``), and review the machine's events on the review page (``ui/review_page.py``), which
only editors are offered. This file only does widgets and layout (the Add panel is ``ui/add_panel.py``,
what surrounds the map ``ui/map_details.py``); the data come in through the cached loaders of
``ui/map_loaders.py``, keyed by the store's tokens.

The map is sent before the data stack is imported when it was prepared before (by any server) and
kept on disk under a fingerprint of everything it shows (``geodata.map_cache``): a freshly started
server then reads it with the standard library and imports ``ui/map_loaders.py`` (pandas, geopandas,
SQLAlchemy) after the map, for the tables. Without a kept map (a change of the data, a PostgreSQL
store, an editor's Add panel, which needs the store first) the loaders prepare it first, and keep it; new
``--events`` files then give the map their points from their map columns only (``geodata.import_points``),
and their events are read after the map. A server that has not read the imported layer yet reads it only
once the page reports its points drawn (``ui/first_draw.py``: the read would slow the drawing), or after a
few seconds without a report; the page says meanwhile where the tables will come.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

import streamlit as st

from geodata import app_options, livemap, map_cache, timing, view
from ui import first_draw, map_data, signin

DEFAULT_DAY = dt.date(2019, 3, 8)
HOW_TO_READ = (
    "**How to read this map:** coloured areas are the agreements in force on the day shown; dots are the "
    "events of the days before it (fainter: older; a dashed ring: placed only within a region; a number: "
    "several events at one place). Move the slider or press Play; click a zone or an event for its sources."
)
REVIEWED = "Only the events a person accepted, corrected or added (rejected events are never shown)."
ADD_HINT = " Analysts add articles in the sidebar (» at the top left)."
ATLAS_MAP = st.components.v2.component("atlas_map", js=livemap.script(), css=livemap.stylesheet())


@st.cache_resource(show_spinner=False, max_entries=2)
@timing.timed("kept map")
def kept_map(digest: str, _key: map_cache.Key) -> map_cache.KeptMap:
    """The map kept on disk under ``digest``, read once per process. A miss raises ``LookupError``,
    which Streamlit does not cache: the map is kept once it is prepared, and found on a later run."""
    found = map_cache.read(_key)
    if found is None:
        raise LookupError(digest)
    return found


def light_map(key: map_cache.Key | None) -> map_cache.KeptMap | None:
    try:
        return kept_map(key.digest, key) if key is not None else None
    except LookupError:
        return None


def start_view(dates: livemap.DateRange) -> tuple[view.MapView, view.Camera | None, list[str]]:
    """The view of the link the session was opened with, or the one asked for after saving."""
    if "start" not in st.session_state:
        params, (first, last) = st.query_params.to_dict(), dates.full
        st.session_state.start = view.read_link(params, first=first, last=last, default_day=DEFAULT_DAY)
    return st.session_state.start  # type: ignore[no-any-return]


def map_page() -> None:
    """The map, its caption, chart, downloads and tables (and, for an editor, "Add an article")."""
    timing.mark("map page")  # the script's run has its imports behind it (bench_first_map.py --breakdown)
    source = app_options.app_inputs(sys.argv[1:])
    key, editor = map_cache.key(source), source.events_from_store and signin.can_edit()
    ready, found = (None if editor else light_map(key)), None  # an editor's Add panel needs the store
    if ready is None:
        from ui import map_loaders as data  # the data stack, before the map: it must be prepared

        found = data.opened(source)  # a store made on this first use has a key only now
        ready = data.prepared(source, found.token, found.version, key or map_cache.key(source))
    start, start_camera, link_notes = start_view(ready.dates)
    editing = editor and found is not None and found.store is not None
    if editing and found is not None and found.store is not None:
        from ui import add_panel

        add_panel.add_panel(found.store, st.session_state.get("last_view", (start, start_camera)))
    st.title("De-escalation Atlas")
    st.markdown(HOW_TO_READ + (ADD_HINT if editing else ""))
    header = st.container()
    reviewed = st.toggle(
        "Reviewed events only", value=start.reviewed_only, key="reviewed_only", help=REVIEWED
    )
    preview, datasets = st.session_state.get("preview"), list(ready.datasets)
    if reviewed or preview is not None:  # made from the data: the kept map holds neither
        from ui import map_loaders as data

        found = found or data.opened(source)
        events = data.reviewed_events(source, found.token) if reviewed else None
        datasets = [events if events is not None and d.name == "events" else d for d in datasets]
        datasets += [data.preview_dataset(preview)] if preview is not None else []
    with st.container(horizontal=True, gap=None):
        for dataset in datasets:  # each reaches the page once; later runs send only a reference
            map_data.send(dataset, f"atlas-{dataset.name}")
    config = livemap.map_config(datasets, start=start, camera=start_camera, dates=ready.dates,
                                stop_days=ready.stops, tiles=source.tiles,
                                start_id=st.session_state.get("start_id", 0))  # fmt: skip
    result = ATLAS_MAP(key="map", data=livemap.map_mount(config), on_view_change=map_data.rerun,
                       on_clicked_change=map_data.rerun, on_narrow_change=map_data.rerun,
                       on_drawn_change=map_data.rerun)  # fmt: skip
    timing.mark("map sent")
    current, camera = livemap.read_view(
        result.get("view"), start=start, camera=start_camera, dates=ready.dates
    )
    current = dataclasses.replace(current, reviewed_only=reviewed)  # the page draws what it is sent
    st.query_params.from_dict({**view.to_params(current), **view.camera_params(camera)})
    st.session_state.last_view = (current, camera)
    if first_draw.waits(ready.datasets, result.get("drawn")):  # the page draws the points undisturbed
        return
    from ui import map_details  # the data stack, after the map is sent
    from ui import map_loaders as data

    found = found or data.opened(source)
    loaded = data.load(source, found.token)  # the imported events are read after the map is drawn
    first_draw.read(ready.datasets)
    shown, narrow = view.shown(loaded.frames, current), bool(result.get("narrow"))
    with header:
        map_details.notes(loaded, found.error, link_notes, shown, current)
    map_details.under_map(loaded, preview, data.points(source, found),
                          livemap.clicked_point(result.get("clicked")), current, narrow=narrow)  # fmt: skip
    pairs = [data.zone_pairs(source, found.token, "events", found.token),
             data.zone_pairs(source, found.version, "imported", found.token)]  # fmt: skip
    map_details.below_map(loaded, source, found.token, current, shown, narrow=narrow, membership=pairs)


st.set_page_config(page_title="De-escalation Atlas", layout="wide", initial_sidebar_state="collapsed")
signin.sign_in_panel()
pages = [st.Page(map_page, title="Map", default=True)]
if signin.can_edit():  # viewers are offered the map only: the review page is no page of theirs
    pages.append(st.Page("ui/review_page.py", title="Review", url_path="review"))
st.navigation(pages, position="top").run()
