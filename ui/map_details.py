"""What the map page shows around the map: the notes above it, and below it the weekly chart, the
downloads and the tables of the view. The rules (what is shown, the tables' rows, the files'
contents and names) are ``geodata.view``'s, ``geodata.panels``' and ``geodata.formats``'; this file
only draws the widgets and caches the downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geodata import adding, formats, layers, loading, map_datasets, panels, view

TABLE_ROWS = 200  # rows shown in the events tables (the caption gives the full count)
EAGER_DOWNLOAD_ROWS = 500  # above this many features, downloads are built when clicked
FORMAT_LABELS = {"geojson": "GeoJSON", "geojsonseq": "GeoJSON sequence", "gpkg": "GeoPackage", "csv": "CSV"}


@st.cache_data(max_entries=64, show_spinner=False)
def download(
    _loaded: loading.Loaded, source: loading.Inputs, token: str | None, current: view.MapView | None, fmt: str
) -> bytes:
    """The file of ``current`` (``None``: the whole dataset); ``_loaded`` holds the data of
    ``(source, token)``, the cache key."""
    sources = [source.zones, *([source.seeds] if source.seeds else []), *source.imported]
    return view.download(_loaded.frames, current, fmt, sources=sources, store=token)[1]


@st.cache_data(max_entries=16, show_spinner="Drawing the page…")
def page_html(
    _loaded: loading.Loaded, source: loading.Inputs, token: str | None, current: view.MapView
) -> str:
    from geodata import foliummap  # folium is imported when a page is asked for, not before the first map

    frames, sources = _loaded.frames, _loaded.sources
    return foliummap.view_page(frames, current, reference=layers.load_reference(), sources=sources)


def download_button(
    column: Any, loaded: loading.Loaded, source: loading.Inputs, token: str | None,
    current: view.MapView | None, fmt: str, label: str,
) -> None:  # fmt: skip
    frames = loaded.frames
    payload: Any = lambda: download(loaded, source, token, current, fmt)  # noqa: E731  (built when clicked)
    if sum(len(frame) for frame in frames.values()) <= EAGER_DOWNLOAD_ROWS:
        payload = payload()
    name, mime = view.download_name(frames, current, fmt), formats.MEDIA_TYPES[fmt]
    column.download_button(
        f"{label} ({FORMAT_LABELS[fmt]})", payload, file_name=name, mime=mime, on_click="ignore"
    )


def notes(
    loaded: loading.Loaded, store_error: str | None, link_notes: Sequence[str],
    shown: dict[str, gpd.GeoDataFrame], current: view.MapView,
) -> None:  # fmt: skip
    """What could not be read, and the caption of what the map shows."""
    if store_error:
        st.error(panels.markdown_text(f"No events are shown: {store_error}"))
    for message in [*link_notes, *loaded.problems]:
        st.warning(panels.markdown_text(message))
    failed = int(loaded.articles["extraction_error"].notna().sum())
    if failed:
        st.warning(f"{failed} stored article(s) could not be read by the pipeline: see the Articles tab.")
    approximate = "Zones are hand-digitised and approximate: see their sources."
    st.caption(f"{panels.summary(shown, current)} {approximate}")


def under_map(
    loaded: loading.Loaded, preview: Any, points: map_datasets.PointData | None,
    clicked: tuple[float, float] | None, current: view.MapView, *, narrow: bool,
) -> None:  # fmt: skip
    """Right under the map: the events of the article being added, and those at the point clicked."""
    if preview is not None and preview.article is not None:
        st.caption("Events read from the article being added (not saved yet):")
        st.dataframe(adding.preview_table(preview), hide_index=True)
    if clicked is not None and points is not None:
        here = map_datasets.events_at(loaded.frames["imported"], points, clicked, current)
        st.caption(f"{len(here):,} imported event(s) of the window at the point clicked")
        st.dataframe(panels.events_table(here, compact=narrow), hide_index=True)


def below_map(
    loaded: loading.Loaded, source: loading.Inputs, token: str | None, current: view.MapView,
    shown: dict[str, gpd.GeoDataFrame], *, narrow: bool, membership: Sequence[pd.DataFrame | None],
) -> None:  # fmt: skip
    """The weekly chart, the downloads and the tabs of tables of the view ``current``; ``membership``
    pairs the events of each layer with the zones they fall in (``None``: a layer not loaded)."""
    chart = panels.timeline_chart(panels.weekly_counts(loaded.frames["events"]), current.day)
    st.altair_chart(chart, width="stretch", height=280)  # the bars, axes and legend below them
    fmt = st.selectbox("Download format", formats.FORMATS, format_func=FORMAT_LABELS.__getitem__)
    left, right, page = st.columns(3)
    download_button(left, loaded, source, token, current, fmt, "Download what is shown")
    download_button(right, loaded, source, token, None, fmt, "Download the whole dataset")
    html_name = view.download_name(loaded.frames, current).removesuffix(".geojson") + ".html"
    page.download_button("This view as a web page (HTML, works offline)",
                         lambda: page_html(loaded, source, token, current), file_name=html_name,
                         mime="text/html", on_click="ignore")  # fmt: skip
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
    pairs = pd.concat(list(membership), ignore_index=True)
    zone_rows = panels.zone_panel(shown["zones"], window_events, membership=pairs)
    in_force.dataframe(panels.zones_table(zone_rows), hide_index=True)
    off_map = panels.off_map(window_events)  # by date; a 100k file's "all" has tens of thousands
    if len(off_map) > TABLE_ROWS:
        counted = f"The {TABLE_ROWS} newest of {len(off_map):,} events not on the map"
        missing.caption(f"{counted} (the downloads have them all).")
    missing.dataframe(off_map.tail(TABLE_ROWS), hide_index=True)
    listed.dataframe(panels.articles_table(loaded.articles), hide_index=True)
