"""The event store: articles analysts add, the events read out of them, imported events, history.

One code path for both backends (an embedded GeoPackage file by default, PostgreSQL + PostGIS for a
team; see :mod:`geodata.store_open` for where the store lives and :mod:`geodata.store_tables` for
its schema). The app and the CLI use this small API::

    store = open_store()                      # or open_store("postgresql://...") / a file path
    frames = store.frames()                   # {"events": ..., "imported": ...} like the loaders
    token = store.token()                     # changes with every write: a cache key
    store.imported_token()                    # changes only with imports: a cache key for them
    preview = store.preview(text, meta)       # the pipeline's events, nothing saved
    result = store.add_article(text, meta, by="ana", preview=preview)

People's review of the events (accept, edit, reject, merge, split, add, undo) is in
:mod:`geodata.review` (writes, which need a signed-in editor) and :mod:`geodata.review_queue`
(reads).

A new store is filled with the project's ``seeds/`` on first use, so the app and ``export`` show
what they showed before the store existed. Each batch of added articles is one transaction: an
interrupted ``add`` leaves whole batches, never half an article; running it again skips what is
stored (same URL or same normalised text) and adds the rest.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import os
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from geodata import events as pipeline
from geodata import settings, store_backup
from geodata._errors import StoreError
from geodata.articles import Article
from geodata.imports import ImportRun
from geodata.intake import ArticleInput, ArticleMeta, read_folder
from geodata.settings import default_cache_dir
from geodata.store_add import AddResult, Preview, prepare_batch, store_prepared
from geodata.store_events import pipeline_version
from geodata.store_frames import events_frame, imported_frame, imported_version
from geodata.store_imports import ImportResult, write_import
from geodata.store_open import (
    backup_before_upgrade,
    connect,
    describe_url,
    has_postgis,
    head_revision,
    make_engine,
    schema_revision,
    store_url,
    translate_errors,
    upgrade_schema,
)
from geodata.store_reextract import ReextractReport, reextract
from geodata.store_tables import articles, history, now, store_info
from geodata.store_write import (
    ArticleIndex,
    Txn,
    begin,
    load_articles_index,
    load_merge_index,
)

__all__ = ["AddResult", "Preview", "Store", "default_user", "open_store"]

log = logging.getLogger(__name__)

#: Articles per transaction when adding many.
BATCH = 100


def default_user() -> str:
    """Who is writing: ``$ATLAS_USER``, else the login name."""
    return os.environ.get("ATLAS_USER") or getpass.getuser()


@dataclass
class _State:
    """What a writer keeps in memory between writes, valid while the store's revision is ``revision``."""

    revision: int
    articles: ArticleIndex
    merge: Any  # store_events.MergeIndex


def open_store(
    url: str | Path | None = None,
    *,
    seeds: Path | None = settings.SEEDS_DIR,
    upgrade: bool = False,
    timeout: float = 10.0,
    find_places: pipeline.PlaceFinder | None = None,
    cache: Path | Literal[False] | None = None,
) -> Store:
    """Open (creating on first use) the store at ``url`` (default: ``$ATLAS_STORE`` or the user's file).

    Parameters
    ----------
    seeds
        Articles a new store is filled with (the project's ``seeds/``); ``None`` for an empty store.
    upgrade
        Upgrade a PostGIS store of an older schema (an embedded one is always upgraded, after a copy).
    timeout
        Seconds to wait for a locked file or a server.
    find_places
        The pipeline's place finder (default: the project gazetteer's, loaded on first need).
    cache
        A folder for snapshots that make :meth:`Store.frames` fast (default: the user's cache
        folder, ``~/.cache/deescalation-atlas`` on Linux; ``False``: none).

    Raises
    ------
    StoreError
        Unreachable, locked, read-only where a write is needed, not a store, or of a newer schema.
    """
    resolved = store_url(url)
    where = describe_url(resolved)
    engine = make_engine(resolved, timeout=timeout)
    with translate_errors(resolved), connect(engine, resolved) as conn:
        current = schema_revision(conn, where)
        conn.rollback()
    base = default_cache_dir() if cache is None else cache
    folder = base / "frames" / hashlib.sha256(where.encode()).hexdigest()[:16] if base else None
    store = Store(resolved, engine, find_places=find_places, cache=folder)
    if current is None:
        store._create()
        if seeds is not None and Path(seeds).is_dir():
            found, problems = read_folder(Path(seeds))
            for problem in problems:
                log.warning("seeds: %s", problem)
            list(store.add_articles([(item, article) for item, article in found], by="seeds"))
    elif current != store._head():
        store._upgrade(current, allowed=upgrade or resolved.get_backend_name() == "sqlite")
    return store


class Store:
    """An open event store. Thread-safe; writes are serialised. Close it (or use ``with``) when done."""

    def __init__(
        self,
        url: URL,
        engine: Engine,
        *,
        find_places: pipeline.PlaceFinder | None = None,
        cache: Path | None = None,
    ) -> None:
        self.url = url
        self.where = describe_url(url)
        self._engine = engine
        self._lock = threading.RLock()
        self._state: _State | None = None
        self._finder = find_places
        self._cache = cache
        self._imported: tuple[str, gpd.GeoDataFrame] | None = None  # (imported_token, layer)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    @property
    def backend(self) -> str:
        """``sqlite`` (the embedded GeoPackage file) or ``postgresql``."""
        return str(self.url.get_backend_name())

    # --- schema ------------------------------------------------------------------------------

    def _head(self) -> str:
        return head_revision()

    def _create(self) -> None:
        with self._transaction(write=True) as conn:
            if self.backend == "postgresql" and not has_postgis(conn):
                raise StoreError(
                    f"the database {self.where} has no PostGIS; ask its administrator to run "
                    "CREATE EXTENSION postgis; in it"
                )
            upgrade_schema(conn)
            row = {
                "id": 1,
                "store_id": _uuid(),
                "revision": 0,
                "created_at": now(),
                "created_by": default_user(),
            }
            conn.execute(sa.insert(store_info), [row])

    def _upgrade(self, current: str, *, allowed: bool) -> None:
        if not allowed:
            raise StoreError(
                f"the store {self.where} has schema revision {current}; this version needs {self._head()}. "
                f"Run: python -m geodata store upgrade --store '{self.where}'"
            )
        copy = backup_before_upgrade(self.url, current)
        with self._transaction(write=True) as conn:
            upgrade_schema(conn)
            txn = begin(conn, default_user())
            note = f"copy kept at {copy}" if copy else None
            txn.record(
                "upgrade",
                "store",
                None,
                before={"schema": current},
                after={"schema": self._head()},
                note=note,
            )
            txn.flush()
        log.info("upgraded %s from schema %s (copy: %s)", self.where, current, copy)

    def upgrade(self) -> str | None:
        """Upgrade the schema to the newest revision; returns the revision it had (``None``: was current)."""
        with self._transaction() as conn:
            current = schema_revision(conn, self.where)
        if current == self._head():
            return None
        self._upgrade(str(current), allowed=True)
        return current

    # --- reading -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Connection]:
        with translate_errors(self.url), connect(self._engine, self.url) as conn:
            conn = conn.execution_options(atlas_write=write)
            with conn.begin():
                yield conn

    def revision(self) -> int:
        """The store's revision: it goes up with every write."""
        with self._transaction() as conn:
            return int(conn.execute(sa.select(store_info.c.revision)).scalar_one())

    def token(self) -> str:
        """A cheap cache key: the store's id and revision (``<uuid>@<revision>``)."""
        with self._transaction() as conn:
            row = conn.execute(sa.select(store_info.c.store_id, store_info.c.revision)).one()
        return f"{row.store_id}@{row.revision}"

    def imported_token(self) -> str:
        """A cheap cache key of the imported events alone (``<uuid>-<revision>``): it changes only
        when events are imported or a dump is loaded, not when articles are added or edited."""
        with self._transaction() as conn:
            return imported_version(conn)

    def frames(self, *, imported: bool = True) -> dict[str, gpd.GeoDataFrame]:
        """The event layers, with the columns the loaders give: ``events`` (``EVENT_PROPERTIES``,
        as ``events.events_frame`` orders them) and ``imported`` (``imports.IMPORT_PROPERTIES``, in
        the order imported), the latter only when the store holds imported events.

        The imported layer is kept in memory while :meth:`imported_token` stays the same, so after
        an article is added only the article events are read again (callers must not change it).
        ``imported=False`` leaves it out (see :meth:`imported`).
        """
        with self._transaction() as conn:
            layers = {"events": events_frame(conn)}
            imported_layer = self._imported_layer(conn) if imported else None
        if imported_layer is not None:
            layers["imported"] = imported_layer
        return layers

    def imported(self) -> gpd.GeoDataFrame | None:
        """The ``imported`` layer of :meth:`frames` alone (``None``: the store holds no imported
        events), kept in memory in the same way."""
        with self._transaction() as conn:
            return self._imported_layer(conn)

    def _imported_layer(self, conn: Connection) -> gpd.GeoDataFrame | None:
        version = imported_version(conn)
        kept = self._imported
        if kept is None or kept[0] != version:
            kept = self._imported = (version, imported_frame(conn, cache=self._cache))
        return kept[1] if len(kept[1]) else None

    @property
    def cache_folder(self) -> Path | None:
        """This store's own folder in the user's cache (``None``: it keeps no cache)."""
        return self._cache

    def articles(self) -> pd.DataFrame:
        """The stored articles (no text), oldest first: id, name, title, outlet, url, published,
        date_source, added_at, added_by, events, extraction_error, pipeline_version."""
        cols = [c for c in articles.columns if c.name not in ("text", "content_hash", "warnings")]
        with self._transaction() as conn:
            rows = conn.execute(sa.select(*cols).order_by(articles.c.id)).all()
        return pd.DataFrame(rows, columns=[c.name for c in cols])

    def article(self, article_id: int) -> dict[str, Any]:
        """One stored article with its text."""
        with self._transaction() as conn:
            row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
        if row is None:
            raise StoreError(f"the store {self.where} has no article {article_id}")
        return dict(row)

    def history(self, *, entity: str | None = None, entity_id: int | None = None) -> pd.DataFrame:
        """Every recorded change (oldest first), optionally of one entity (``event``, ``article``...)."""
        query = sa.select(history).order_by(history.c.id)
        if entity is not None:
            query = query.where(history.c.entity == entity)
        if entity_id is not None:
            query = query.where(history.c.entity_id == entity_id)
        with self._transaction() as conn:
            rows = conn.execute(query).all()
        return pd.DataFrame(rows, columns=[c.name for c in history.columns])

    # --- adding articles ---------------------------------------------------------------------

    def _place_finder(self) -> pipeline.PlaceFinder:
        if self._finder is None:
            self._finder = pipeline.default_place_finder()
        return self._finder

    def _read_state(self) -> _State:
        with self._lock:
            with self._transaction() as conn:
                revision = int(conn.execute(sa.select(store_info.c.revision)).scalar_one())
                if self._state is None or self._state.revision != revision:
                    self._state = _State(revision, load_articles_index(conn), load_merge_index(conn))
            return self._state

    @contextlib.contextmanager
    def _write(self, by: str) -> Iterator[tuple[Txn, _State]]:
        with self._lock:
            state, self._state = self._state, None  # invalid until this transaction commits
            with self._transaction(write=True) as conn:
                txn = begin(conn, by)
                if state is None or state.revision != txn.revision - 1:
                    state = _State(txn.revision - 1, load_articles_index(conn), load_merge_index(conn))
                yield txn, state
                txn.flush()
            state.revision = txn.revision
            self._state = state

    def preview(self, text: str, meta: ArticleMeta) -> Preview:
        """Run the pipeline on an article without saving it (and say if it is already stored)."""
        known = self._read_state().articles
        batch = prepare_batch([(ArticleInput(text, meta), None)], known, self._place_finder())
        entry = batch.entries[0]
        run = pipeline.EventRun(batch.events, entry.problems, (entry.article,) if entry.article else ())
        return Preview(text, meta, entry.article, run, entry.error, entry.duplicate_of, pipeline_version())

    def add_article(
        self, text: str, meta: ArticleMeta, *, by: str, preview: Preview | None = None
    ) -> AddResult:
        """Store one article and its events; reuses ``preview``'s extraction when it is of this text."""
        item = ArticleInput(text, meta)
        if preview is not None and (preview.text, preview.meta, preview.pipeline_version) == (
            text,
            meta,
            pipeline_version(),
        ):
            return self._add_batch([(item, preview)], by)[0]
        return self._add_batch([(item, None)], by)[0]

    def add_articles(
        self, items: Iterable[ArticleInput | tuple[ArticleInput, Article]], *, by: str, batch: int = BATCH
    ) -> Iterator[AddResult]:
        """Store many articles, ``batch`` per transaction, yielding what happened to each in order."""
        pending: list[tuple[ArticleInput, Article | Preview | None]] = []
        for entry in items:
            pending.append(entry if isinstance(entry, tuple) else (entry, None))
            if len(pending) >= batch:
                yield from self._add_batch(pending, by)
                pending = []
        if pending:
            yield from self._add_batch(pending, by)

    def _add_batch(
        self, items: Sequence[tuple[ArticleInput, Article | Preview | None]], by: str
    ) -> list[AddResult]:
        snapshot = self._read_state().articles
        batch = prepare_batch(items, snapshot, self._place_finder())
        with self._write(by) as (txn, state):
            if state.articles is not snapshot:  # someone else wrote meanwhile: check and read again
                batch = prepare_batch(items, state.articles, self._place_finder())
            return store_prepared(txn, state.articles, state.merge, batch)

    # --- imports, re-extraction, backup ------------------------------------------------------

    def import_events(self, run: ImportRun, path: Path, *, by: str) -> ImportResult:
        """Store one file's ACLED/UCDP events (replacing those of the same ``event_id``).

        The snapshot of the imported layer is written at once, so the next :meth:`frames` on this
        machine (the app's first map) reads it instead of every row from the database.
        """
        with self._write(by) as (txn, _state):
            result = write_import(txn, run, path)
        if self._cache is not None:
            with self._transaction() as conn:
                imported_frame(conn, cache=self._cache)
        return result

    def reextract(self, *, by: str) -> ReextractReport:
        """Run the current pipeline over every stored article; see :mod:`geodata.store_reextract`."""
        finder = self._place_finder()
        with self._write(by) as (txn, state):
            return reextract(txn, state.merge, finder)

    def dump(self, path: Path) -> dict[str, int]:
        """Back the whole store up to a GeoPackage file; see :mod:`geodata.store_backup`."""
        return store_backup.dump(self, path)

    def load(self, path: Path, *, by: str, replace: bool = False) -> store_backup.LoadResult:
        """Restore a dump into this store (which must be empty unless ``replace``)."""
        return store_backup.load(self, path, by=by, replace=replace)


def _uuid() -> str:
    return str(uuid.uuid4())
