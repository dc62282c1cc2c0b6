"""Backup and restore: a store dumped to a GeoPackage file and loaded back with nothing lost.

A dump is itself an embedded store (a GeoPackage 1.2 file of the same schema revision, with its
Alembic version), holding every row of every store table with the same ids: articles with their
text, events, their reports, imported events, import runs, the history, and the store's id. QGIS
opens it as it is (``events`` and ``imported`` are point layers). It is written to a temporary
file beside the target and renamed into place, so an interrupted dump leaves the old file.

Loading reads a dump (upgrading a copy first if it is of an older schema) into a store that holds
nothing yet, or, with ``replace``, replaces everything the store holds, in one transaction. The
loaded store keeps the dump's store id and gets a revision above both, so caches notice.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geodata._errors import StoreError
from geodata.store_tables import STORE_TABLES, articles, events, history, imported, store_info

if TYPE_CHECKING:
    from geodata.store import Store

__all__ = ["LoadResult", "dump", "load"]

_CHUNK = 5_000
#: Tables whose ``id`` comes from a sequence on PostgreSQL (reset after ids are copied in).
_SEQUENCED = tuple(t for t in STORE_TABLES if t is not store_info)


@dataclass(frozen=True)
class LoadResult:
    """What a load brought in: rows per table, and the dump's store id and revision."""

    counts: dict[str, int]
    store_id: str
    revision: int


def dump(store: Store, path: Path) -> dict[str, int]:
    """Write every row of ``store`` to the GeoPackage ``path`` (replacing it atomically); rows per table."""
    from geodata.store import open_store

    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    counts: dict[str, int] = {}
    try:
        target = open_store(tmp, seeds=None)
        try:
            with _snapshot(store) as src, target._transaction(write=True) as dst:
                dst.execute(sa.delete(store_info))
                for table in STORE_TABLES:
                    counts[table.name] = _copy(src, dst, table)
        finally:
            target.close()
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"cannot write the dump {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def load(store: Store, path: Path, *, by: str, replace: bool = False) -> LoadResult:
    """Load the dump at ``path`` into ``store`` (empty, or everything replaced with ``replace``)."""
    from geodata.store import open_store
    from geodata.store_write import begin

    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no dump at {path}")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name  # a copy: an older dump is upgraded on opening, never the original
        shutil.copy2(path, copy)
        source = open_store(copy, seeds=None)
        try:
            with source._transaction() as src, store._lock, store._transaction(write=True) as dst:
                if not replace and _holds_anything(dst):
                    raise StoreError(
                        f"the store {store.where} is not empty; load into a new store, or replace what it "
                        "holds with --replace"
                    )
                txn = begin(dst, by)
                info = src.execute(sa.select(store_info)).mappings().one()
                for table in reversed(STORE_TABLES):
                    dst.execute(sa.delete(table))
                counts = {t.name: _copy(src, dst, t) for t in STORE_TABLES if t is not store_info}
                revision = max(txn.revision, int(info["revision"])) + 1
                dst.execute(sa.insert(store_info), [dict(info) | {"revision": revision}])
                txn.revision = revision
                loaded = {"store_id": info["store_id"], "revision": info["revision"]} | counts
                txn.record("load", "store", None, note=f"loaded {path.name}", after=loaded)
                _reset_sequences(dst)
                txn.flush()
        finally:
            source.close()
    store._state = None
    return LoadResult(counts, str(info["store_id"]), int(info["revision"]))


def _snapshot(store: Store) -> Any:
    """A read transaction that sees one state of the store throughout (REPEATABLE READ on PostgreSQL)."""
    import contextlib

    @contextlib.contextmanager
    def opened() -> Iterator[Connection]:
        with store._engine.connect() as conn:
            if store.backend == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    return opened()


def _copy(src: Connection, dst: Connection, table: sa.Table) -> int:
    rows = src.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()
    count = 0
    while chunk := rows.fetchmany(_CHUNK):
        dst.execute(sa.insert(table), [dict(r) for r in chunk])
        count += len(chunk)
    return count


def _holds_anything(conn: Connection) -> bool:
    return any(
        conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
        for t in (articles, events, imported, history)
    )


def _reset_sequences(conn: Connection) -> None:
    """After ids were copied in, PostgreSQL's sequences must continue above them."""
    if conn.dialect.name != "postgresql":
        return
    for table in _SEQUENCED:
        top = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0) + 1).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        conn.execute(sa.select(sa.func.setval(sequence, top, False)))
