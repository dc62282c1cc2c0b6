"""De-escalation Atlas: Syria's de-escalation zones and the events of the news, as of a chosen date.

Run with ``streamlit run app.py``; options go after ``--`` (``geodata.loading.app_inputs``):
``--store PATH|URL`` (the event store; default ``$ATLAS_STORE`` or the user's file, filled with
``seeds/`` on first use), ``--zones DIR``, ``--seeds DIR`` and ``--events FILE`` (read instead of the
store's article and imported events, as ``export --seeds/--imported``) and ``--tiles``. The map is one
component of our own (``geodata.livemap``): the day, window, layers, zoom and centre live in the
page, which tells this script the view for the tables, counts, downloads and the link. Analysts add
articles in the sidebar (``geodata.adding``) once signed in as an editor (``geodata.editors``), and
review the machine's events on the review page (``review_page.py``), which only editors are offered.
This file only does widgets, caching and layout; the data come in through one cached loader,
:func:`load`, keyed by the store's token.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from typing import Any

import pandas as pd
import streamlit as st

import signin
from geodata import adding, editors, export, formats, layers, livemap, loading, panels, store, view
from geodata._errors import AtlasError

DEFAULT_DAY = dt.date(2019, 3, 8)
TABLE_ROWS = 200  # rows shown in the events table (the caption gives the full count)
EAGER_DOWNLOAD_ROWS = 500  # above this many features, downloads are built when clicked
FORMAT_LABELS = {"geojson": "GeoJSON", "geojsonseq": "GeoJSON sequence", "gpkg": "GeoPackage", "csv": "CSV"}
HOW_TO_READ = (
    "**How to read this map:** coloured areas are the agreements in force on the day shown; dots are the "
    "events of the days before it (fainter: older; a dashed ring: placed only within a region; a number: "
    "several events at one place). Move the slider or press Play; click a zone or an event for its sources."
)
REVIEWED = "Only the events a person accepted, corrected or added (rejected events are never shown)."
ADD_HINT = " Analysts add articles in the sidebar (» at the top left)."
ATLAS_MAP = st.components.v2.component("atlas_map", js=livemap.script(), css=livemap.stylesheet())
Source = loading.Inputs


@st.cache_resource(show_spinner="Opening the event store (a new one is filled with the seed articles)…")
def event_store(where: str) -> store.Store:
    return store.open_store(where)  # shared by all sessions (thread-safe); a failure is not cached


def opened(source: Source) -> tuple[store.Store | None, str | None, str | None, str | None]:
    """The store, its tokens (cache keys: every write changes the first, imports the second) and,
    if it cannot be used, why."""
    if not source.uses_store:
        return None, None, "files", None
    try:
        found = event_store(source.store)
        return found, found.token(), "files" if source.imported else found.imported_token(), None
    except AtlasError as exc:
        return None, None, None, str(exc)


@st.cache_resource(show_spinner="Reading zones and events…", max_entries=4)
def load(source: Source, token: str | None) -> loading.Loaded:
    """The one place the data come in: zones, the store's events (or the files given), the base map."""
    return loading.load(source, event_store(source.store) if token else None)


@st.cache_resource(show_spinner="Preparing the imported events…", max_entries=2)
def imported_points(source: Source, version: str | None, _token: str | None) -> Any:
    """The imported events' points, kept while they do not change (``version``): saving an article
    does not prepare 100,000 imported events again."""
    frames = load(source, _token).frames
    return livemap.encode_points(frames["imported"]) if "imported" in frames else None


@st.cache_resource(show_spinner="Matching imported events to zones…", max_entries=2)
def imported_zones(source: Source, version: str | None, _token: str | None) -> Any:
    """The imported events' zone pairs (for the Zones tab, worked out after the map is drawn)."""
    frames = load(source, _token).frames
    return panels.zone_membership(frames["zones"], frames["imported"]) if "imported" in frames else None


@st.cache_resource(show_spinner="Preparing the map…", max_entries=4)
def prepared(source: Source, token: str | None, version: str | None) -> livemap.Prepared:
    data, points = load(source, token), imported_points(source, version, token)
    return livemap.prepare(data.frames, reference=layers.load_reference(), basemap=data.basemap,
                           sources=data.sources, points=points)  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=2)
def reviewed_events(source: Source, token: str | None) -> livemap.Dataset:
    """The events dataset with only the events a person vouched for (``export.by_review``, the rule
    ``view.shown`` applies to the tables and downloads): what the page gets with "Reviewed events only"."""
    data = load(source, token)
    kept = export.by_review(data.frames["events"], reviewed_only=True, include_rejected=False)
    return livemap.events_dataset(kept, data.sources)


@st.cache_resource(show_spinner="Matching events to zones…", max_entries=4)
def membership(source: Source, token: str | None, version: str | None) -> Any:
    frames = load(source, token).frames
    pairs = panels.zone_membership(frames["zones"], frames["events"])
    return pd.concat([pairs, imported_zones(source, version, token)], ignore_index=True)


@st.cache_data(max_entries=64, show_spinner=False)
def download(source: Source, token: str | None, current: view.MapView | None, fmt: str) -> bytes:
    sources = [source.zones, *([source.seeds] if source.seeds else []), *source.imported]
    return view.download(load(source, token).frames, current, fmt, sources=sources, store=token)[1]


def start_view(dates: livemap.DateRange) -> tuple[view.MapView, view.Camera | None, list[str]]:
    """The view of the link the session was opened with, or the one asked for after saving."""
    if "start" not in st.session_state:
        params, (first, last) = st.query_params.to_dict(), dates.full
        st.session_state.start = view.read_link(params, first=first, last=last, default_day=DEFAULT_DAY)
    return st.session_state.start  # type: ignore[no-any-return]


def download_button(
    column: Any, source: Source, token: str | None, current: view.MapView | None, fmt: str, label: str
) -> None:
    frames = load(source, token).frames
    payload: Any = lambda: download(source, token, current, fmt)  # noqa: E731  (built when clicked)
    if sum(len(frame) for frame in frames.values()) <= EAGER_DOWNLOAD_ROWS:
        payload = payload()
    name, mime = view.download_name(frames, current, fmt), formats.MEDIA_TYPES[fmt]
    column.download_button(
        f"{label} ({FORMAT_LABELS[fmt]})", payload, file_name=name, mime=mime, on_click="ignore"
    )


@st.cache_data(max_entries=16, show_spinner="Drawing the page…")
def page_html(source: Source, token: str | None, current: view.MapView) -> str:
    from geodata import foliummap  # folium is imported when a page is asked for, not before the first map

    data = load(source, token)
    return foliummap.view_page(data.frames, current, reference=layers.load_reference(), sources=data.sources)


def add_panel(found: store.Store, last: tuple[view.MapView, view.Camera | None]) -> None:
    """The sidebar's "Add an article": paste or upload, preview on the map and in a table, save.
    ``last`` is the view the page last reported: after saving, the map moves from it to the article."""
    form, bar = st.session_state.setdefault("add_form", 0), st.sidebar  # a new form (empty) after saving
    bar.subheader("Add an article")
    text = bar.text_area("Paste its text (first line: the title, unless given below)", height=160,
                         max_chars=adding.MAX_TEXT_CHARS, key=f"text{form}")  # fmt: skip
    file = bar.file_uploader("or upload a .txt file or a web page saved as .html", type=adding.UPLOAD_TYPES,
                             max_upload_size=adding.MAX_UPLOAD_MB, key=f"file{form}")  # fmt: skip
    facts = [bar.text_input(label, key=f"{label}{form}") for label in ("Title", "Outlet", "URL")]
    published = bar.date_input("Published (empty: read from the text)", value=None, key=f"published{form}",
                               min_value=dt.date(1990, 1, 1), max_value=dt.date.today())  # fmt: skip
    upload = (file.name, file.getvalue()) if file is not None else None
    item, notes = adding.article_input(adding.Draft(text or "", upload, *facts, published))
    left, right = bar.columns(2)
    if left.button("Preview", disabled=item is None, width="stretch") and item is not None:
        with bar, st.spinner("Reading the article…"):
            st.session_state.update(preview=found.preview(item.text, item.meta), saved=None)
    preview = st.session_state.get("preview")
    if right.button("Save", type="primary", disabled=not adding.saveable(preview, item), width="stretch"):
        save(found, st.session_state.preview, last)
    for note in (*notes, *adding.panel_notes(preview, item), *filter(None, [st.session_state.get("saved")])):
        getattr(bar, note.level)(note.markdown)


def save(found: store.Store, preview: store.Preview, last: tuple[view.MapView, view.Camera | None]) -> None:
    """Store the previewed article, move the map to its events if the view shows none, empty the form."""
    editor = signin.signed_in()
    if editor is None:  # signed out (or the account removed) since the form was drawn
        st.session_state.update(saved=None, preview=None)
        st.rerun()
    assert editor is not None
    result = found.add_article(preview.text, preview.meta, by=editors.require(editor), preview=preview)
    moved = adding.view_after_saving(preview.frame, last[0])
    if moved is not None:  # a new start id: the page moves even to a view it was sent before
        st.session_state.update(start=(moved, last[1], []), start_id=st.session_state.get("start_id", 0) + 1)
    st.session_state.update(
        saved=adding.saved_note(result, preview), preview=None, add_form=st.session_state.add_form + 1
    )
    st.rerun()


def map_page() -> None:
    """The map, its caption, chart, downloads and tables (and, for an editor, "Add an article")."""
    source = loading.app_inputs(sys.argv[1:])
    events_store, token, version, store_error = opened(source)
    loaded, ready = load(source, token), prepared(source, token, version)
    start, start_camera, link_notes = start_view(ready.dates)
    editing = events_store is not None and source.events_from_store and signin.can_edit()
    if editing:
        add_panel(events_store, st.session_state.get("last_view", (start, start_camera)))
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
    datasets += [livemap.preview_dataset(preview.frame)] if preview is not None else []
    with st.container(horizontal=True, gap=None):
        for dataset in datasets:  # each reaches the page once; later runs send only a reference
            ATLAS_MAP(key=f"atlas-{dataset.name}", data=dataset.data, height=0, width=1)
    config = livemap.map_config(datasets, start=start, camera=start_camera, dates=ready.dates,
                                stop_days=ready.stops, tiles=source.tiles,
                                start_id=st.session_state.get("start_id", 0))  # fmt: skip
    changed = {f"on_{name}_change": lambda: None for name in ("view", "clicked", "narrow")}
    result = ATLAS_MAP(key="map", data=config, **changed)
    current, camera = livemap.read_view(
        result.get("view"), start=start, camera=start_camera, dates=ready.dates
    )
    current = dataclasses.replace(current, reviewed_only=reviewed)  # the page draws what it is sent
    st.query_params.from_dict({**view.to_params(current), **view.camera_params(camera)})
    st.session_state.last_view = (current, camera)
    shown, narrow = view.shown(loaded.frames, current), bool(result.get("narrow"))
    with header:
        if store_error:
            st.error(panels.markdown_text(f"No events are shown: {store_error}"))
        for message in [*link_notes, *loaded.problems]:
            st.warning(panels.markdown_text(message))
        failed = int(loaded.articles["extraction_error"].notna().sum())
        if failed:
            st.warning(f"{failed} stored article(s) could not be read by the pipeline: see the Articles tab.")
        st.caption(
            f"{panels.summary(shown, current)} Zones are hand-digitised and approximate: see their sources."
        )
    if preview is not None and preview.article is not None:
        st.caption("Events read from the article being added (not saved yet):")
        st.dataframe(adding.preview_table(preview), hide_index=True)
    clicked = livemap.clicked_point(result.get("clicked"))
    if clicked is not None and ready.points is not None:
        here = livemap.events_at(loaded.frames["imported"], ready.points, clicked, current)
        st.caption(f"{len(here):,} imported event(s) of the window at the point clicked")
        st.dataframe(panels.events_table(here, compact=narrow), hide_index=True)
    chart = panels.timeline_chart(panels.weekly_counts(loaded.frames["events"]), current.day)
    st.altair_chart(chart, width="stretch", height=280)  # the bars, axes and legend below them
    fmt = st.selectbox("Download format", formats.FORMATS, format_func=FORMAT_LABELS.__getitem__)
    left, right, page = st.columns(3)
    download_button(left, source, token, current, fmt, "Download what is shown")
    download_button(right, source, token, None, fmt, "Download the whole dataset")
    html_name = view.download_name(loaded.frames, current).removesuffix(".geojson") + ".html"
    page.download_button("This view as a web page (HTML, works offline)",
                         lambda: page_html(source, token, current), file_name=html_name, mime="text/html",
                         on_click="ignore")  # fmt: skip
    tabs = ["Events in the window", "Zones in force", "Not on the map", "Articles"]
    in_window, in_force, missing, listed = st.tabs(tabs)
    window_events = panels.shown_events(shown)
    if len(window_events) > TABLE_ROWS:
        in_window.caption(
            f"The {TABLE_ROWS} newest of {len(window_events):,} events (the downloads have them all)."
        )
    table = panels.events_table(
        panels.newest(window_events, TABLE_ROWS), titles=loaded.titles, compact=narrow
    )
    in_window.dataframe(table.head(TABLE_ROWS), hide_index=True)
    zone_rows = panels.zone_panel(
        shown["zones"], window_events, membership=membership(source, token, version)
    )
    in_force.dataframe(panels.zones_table(zone_rows), hide_index=True)
    missing.dataframe(panels.off_map(window_events), hide_index=True)
    listed.dataframe(panels.articles_table(loaded.articles), hide_index=True)


st.set_page_config(page_title="De-escalation Atlas", layout="wide", initial_sidebar_state="collapsed")
signin.sign_in_panel()
pages = [st.Page(map_page, title="Map", default=True)]
if signin.can_edit():  # viewers are offered the map only: the review page is no page of theirs
    pages.append(st.Page("review_page.py", title="Review", url_path="review"))
st.navigation(pages, position="top").run()
