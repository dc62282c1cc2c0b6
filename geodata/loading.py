"""What the app loads: its layers read from the event store and the files its options name.

The app's options (:func:`geodata.app_options.app_inputs`, re-exported here, from ``streamlit run
app.py -- ...``) name the zone folder,
the event store (``--store PATH|URL``, else ``$ATLAS_STORE``, else the user's file; see
:mod:`geodata.store_open`) and, as with ``python -m geodata export``, folders and files that take
the place of the store's layers for this run: ``--seeds DIR`` reads the article events from a folder
(``export --seeds``), ``--events FILE`` the imported events from ACLED/UCDP files (``export
--imported``). Those files are read beside the store, never written into it: viewing a map must not
change a store other people use (``python -m geodata import`` puts a file in the store on purpose),
and a download then equals ``export`` with the same options.

:func:`load` gathers one version of everything the page shows; the app caches it under the store's
token (:meth:`geodata.store.Store.token`), so a change in the store shows on the next run and
nothing is read again while nothing changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata import basemap, events, import_points, imports, point_cache, settings, zones
from geodata._errors import AtlasError, DataError
from geodata.app_options import Inputs, app_inputs  # re-exported: where the app's options point
from geodata.articles import Article
from geodata.settings import default_cache_dir
from geodata.store import Store

__all__ = [
    "ARTICLE_COLUMNS", "Inputs", "Loaded", "app_inputs", "file_points", "load", "opened", "points_path",
    "store_points_path", "with_imported",
]  # fmt: skip

#: Columns of :attr:`Loaded.articles` (those of :meth:`geodata.store.Store.articles` the app shows).
ARTICLE_COLUMNS: tuple[str, ...] = (
    "name", "title", "outlet", "url", "published", "events", "added_at", "added_by", "extraction_error",
)  # fmt: skip


@dataclass(frozen=True)
class Loaded:
    """Everything the page shows, as loaded (shared by all sessions, never changed).

    Attributes
    ----------
    frames
        ``zones``, ``events`` and, when there are any, ``imported``.
    articles
        The articles behind ``events`` (``ARTICLE_COLUMNS``, oldest first); ``extraction_error``
        is set for those the pipeline failed on (stored with their error; ``reextract`` retries).
    """

    frames: dict[str, gpd.GeoDataFrame]
    basemap: basemap.Basemap | None
    problems: tuple[str, ...]
    articles: pd.DataFrame

    @property
    def titles(self) -> dict[str, str]:
        """Article name -> title."""
        return dict(zip(self.articles["name"], self.articles["title"], strict=True))

    @property
    def sources(self) -> dict[str, tuple[str, str]]:
        """Article name -> outlet and URL (links to the other articles of an event)."""
        outlets, urls = self.articles["outlet"].fillna(""), self.articles["url"].fillna("")
        return {n: (o, u) for n, o, u in zip(self.articles["name"], outlets, urls, strict=True)}


def load(source: Inputs, store: Store | None, *, imported: bool = True) -> Loaded:
    """Zones from their folder, events from ``store`` (or the folders and files of ``source``),
    and the offline base map; every problem met, as text, none fatal.

    ``store`` is ``None`` when it could not be opened (the app says why): the events that would
    come from it are then empty. ``imported=False`` leaves the imported events out (the app draws
    its first map from their kept points, :mod:`geodata.point_cache`, and adds them with
    :func:`with_imported` after).
    """
    zone_set = zones.load_zones(source.zones)
    problems = list(map(str, zone_set.problems))
    stored = store.frames(imported=False) if store is not None and source.uses_store else {}
    if source.seeds is not None:
        run = events.extract_events(source.seeds)
        frames = {"events": events.events_frame(run.events)}
        problems += map(str, run.problems)
        listed = _folder_articles(run.articles)
    else:
        frames = {"events": stored.get("events", events.events_frame(()))}
        listed = store.articles() if store is not None else _folder_articles(())
    try:
        base: basemap.Basemap | None = basemap.load_basemap(settings.BASEMAP_DIR)
    except DataError as exc:  # the map is drawn without roads and place names; the problems are shown
        base, problems = None, [*problems, *map(str, exc.problems)]
    articles = listed.reindex(columns=list(ARTICLE_COLUMNS))
    loaded = Loaded({"zones": zone_set.zones, **frames}, base, tuple(problems), articles)
    return with_imported(loaded, source, store) if imported else loaded


def with_imported(loaded: Loaded, source: Inputs, store: Store | None) -> Loaded:
    """``loaded`` with the imported events (``frames["imported"]``, when there are any) of the
    files of ``source``, or else of ``store``, and the problems met reading the files."""
    frames, problems = dict(loaded.frames), list(loaded.problems)
    if source.imported:
        read = imports.load_event_files(list(source.imported))
        frames["imported"] = read.events
        problems += map(str, read.problems)
    elif store is not None and source.uses_store:
        layer = store.imported()
        if layer is not None:
            frames["imported"] = layer
    return dataclasses.replace(loaded, frames=frames, problems=tuple(problems))


def file_points(source: Inputs) -> point_cache.CachedPoints | None:
    """The map points of the ``--events`` files of ``source``, read for the map alone
    (:func:`geodata.import_points.read_points`: the same points as those of :func:`with_imported`'s
    layer, without reading it); ``None`` when there are no such files."""
    return import_points.read_points(list(source.imported)) if source.imported else None


def opened(
    source: Inputs, open_store: Callable[[str], Store]
) -> tuple[Store | None, str | None, str | None, str | None]:
    """The store of ``source`` (opened with ``open_store``, the app's cached opener), its tokens
    (cache keys: every write changes the first, imports the second; ``"files"`` when the imported
    events are files) and, if it cannot be used, why."""
    if not source.uses_store:
        return None, None, "files", None
    try:
        found = open_store(source.store)
        return found, found.token(), "files" if source.imported else found.imported_token(), None
    except AtlasError as exc:
        return None, None, None, str(exc)


def points_path(source: Inputs, store: Store | None, version: str | None) -> Path | None:
    """Where the imported events' map points are kept between server starts
    (:mod:`geodata.point_cache`): in the store's cache folder under its imported token, or, for
    ``--events`` files, in the user's cache under the files' names, sizes and times. ``None``:
    nowhere (a store opened without a cache)."""
    if source.imported:
        paths = "|".join(str(path.resolve()) for path in source.imported)
        folder = default_cache_dir() / "points" / hashlib.sha256(paths.encode()).hexdigest()[:16]
        return point_cache.path_for(folder, repr(source.key))
    return store_points_path(store, version) if store is not None else None


def store_points_path(store: Store, version: str | None) -> Path | None:
    """Where the map points of ``store``'s imported events of ``version`` (its imported token) are
    kept: in its cache folder (``None``: it keeps no cache)."""
    if store.cache_folder is None or version is None:
        return None
    return point_cache.path_for(store.cache_folder, version)


def _folder_articles(read: Sequence[Article]) -> pd.DataFrame:
    rows = [
        {"name": a.file, "title": a.title, "outlet": a.outlet, "url": a.url, "published": a.published}
        for a in read
    ]
    return pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
