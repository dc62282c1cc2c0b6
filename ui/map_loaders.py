"""The map page's cached loaders: the store opened, its data read and the map prepared, each kept
while the store's tokens stay the same (:mod:`geodata.loading`). ``app.py`` imports this module
(and with it pandas, geopandas and SQLAlchemy) only when it needs the data: after the map is sent
when the prepared map was kept on disk (:mod:`geodata.map_cache`), before it otherwise."""

from __future__ import annotations

from typing import Any, NamedTuple

import streamlit as st

from geodata import (
    export,
    layers,
    livemap,
    loading,
    map_cache,
    map_datasets,
    panels,
    point_cache,
    store,
    timing,
)
from ui import store_cache

Source = loading.Inputs


class Opened(NamedTuple):
    """The store of the app's options (``None``: not used, or it cannot be), its tokens (the
    cache keys of :func:`geodata.loading.opened`) and, if it cannot be used, why."""

    store: store.Store | None
    token: str | None
    version: str | None
    error: str | None


def opened(source: Source) -> Opened:
    """The store of ``source`` with its tokens (opened once per process, ``ui/store_cache.py``)."""
    return Opened(*loading.opened(source, store_cache.event_store))


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
    """The imported events' points, kept while they do not change (``version``) and on disk. New
    ``--events`` files are read for the map's columns only (:func:`geodata.loading.file_points`):
    their events, for the tables, are read after the map is sent (:func:`load`)."""
    path = loading.points_path(source, store_of(source, _token), version)
    return point_cache.kept(
        path, lambda: load(source, _token).frames.get("imported"), points=lambda: loading.file_points(source)
    )


def points(source: Source, found: Opened) -> map_datasets.PointData | None:
    """The imported events' points (what a click on one of them stands for), as the map drew them."""
    kept = imported_points(source, found.version, found.token)
    return kept.points if kept else None


@st.cache_resource(show_spinner="Preparing the map…", max_entries=4)
@timing.timed("prepared")
def prepared(
    source: Source, token: str | None, version: str | None, _key: map_cache.Key | None
) -> map_cache.KeptMap:
    """The map's datasets, dates and stops of this version of the data, kept on disk under ``_key``
    (the fingerprint taken before the store was read) for the next server."""
    data, kept = base(source, token), imported_points(source, version, token)
    ready = map_datasets.prepare(data.frames, reference=layers.load_reference(), basemap=data.basemap,
                                 sources=data.sources, points=kept.points if kept else None,
                                 imported_dates=kept.dates if kept else ())  # fmt: skip
    made = map_cache.KeptMap(ready.datasets, ready.dates, ready.stops)
    if _key is not None:
        map_cache.keep(_key, token, made)
    return made


@st.cache_resource(show_spinner=False, max_entries=2)
def reviewed_events(source: Source, token: str | None) -> livemap.Dataset:
    """The events a person vouched for (``export.by_review``, as ``view.shown``): "Reviewed events only"."""
    data = base(source, token)
    kept = export.by_review(data.frames["events"], reviewed_only=True, include_rejected=False)
    return map_datasets.events_dataset(kept, data.sources)


def preview_dataset(preview: Any) -> livemap.Dataset:
    """The events of the article being added (``ui/add_panel.py``'s preview), before it is saved."""
    return map_datasets.preview_dataset(preview.frame)


@st.cache_resource(show_spinner="Matching events to zones…", max_entries=4)
def zone_pairs(source: Source, key: str | None, layer: str, _token: str | None) -> Any:
    """The events of ``layer`` paired with the zones they fall in (the Zones tab), kept while ``key``
    stays the same: the store's token for article events, its imported token for imported ones."""
    frames = load(source, _token).frames
    return panels.zone_membership(frames["zones"], frames[layer]) if layer in frames else None
