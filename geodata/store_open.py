"""Finding, opening, creating and upgrading a store, with every failure said in the user's words.

Where the store is: the ``--store`` value (a file path or a database URL), else the ``ATLAS_STORE``
environment variable, else ``atlas.gpkg`` in the user's data folder
(``~/.local/share/deescalation-atlas/`` on Linux, from platformdirs): outside the working tree and
site-packages, so the checkout stays clean, a ``pip install``-ed copy works, and every checkout of
one user sees the same articles. A path is the embedded GeoPackage store; ``postgresql://...`` (or
``postgresql+psycopg://``) is a team's PostGIS database.

The schema's version is Alembic's. A new (empty) file or database is created at the newest
revision. A store already at the newest revision (:data:`HEAD_REVISION`, the newest file of
``migrations/versions``: a test keeps the two equal) is recognised with one plain query, so opening
it does not import Alembic (about 0.15 s of a fresh app's first map, most of it Mako's and Pygments'
imports); Alembic is imported when a store must be created, checked against older or unknown
revisions, or upgraded. An embedded store of an older revision is upgraded on opening, after a
copy of the file is kept beside it (``atlas.gpkg.before-<revision>``); a PostGIS store is upgraded
only on request (``python -m geodata store upgrade``), since other people may be using it. A store
of a newer revision, a file or database that is not a store, a locked or read-only file and an unreachable
server each raise :class:`~geodata._errors.StoreError` naming the store.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

from geodata import settings
from geodata._errors import StoreError, UsageError
from geodata.store_tables import json_dumps

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "ENV_VAR",
    "HEAD_REVISION",
    "STORE_FILE",
    "connect",
    "default_store_path",
    "describe_url",
    "make_engine",
    "schema_revision",
    "store_url",
    "translate_errors",
    "upgrade_schema",
]

ENV_VAR = settings.STORE_ENV_VAR
STORE_FILE = settings.STORE_FILE
default_store_path = settings.default_store_path
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest schema revision (``revision`` of the newest file in ``migrations/versions``; a new
#: migration changes it, and ``tests/test_store.py`` checks it against Alembic's head).
HEAD_REVISION = "0004_review_actions"
#: Where Alembic keeps a database's revision (its default table).
_VERSION_TABLE = "alembic_version"
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Tables a database may hold before it is a store (PostGIS's own, GeoPackage's).
_NOT_OURS_OK = {"spatial_ref_sys", "gpkg_spatial_ref_sys", "gpkg_contents", "gpkg_geometry_columns"}


def store_url(value: str | Path | None = None) -> URL:
    """The store's URL: ``value``, else ``$ATLAS_STORE``, else the default file.

    A value without ``://`` is a file path (``~`` expanded). ``postgresql://`` and ``postgres://``
    URLs use the psycopg (3) driver.
    """
    chosen: str | Path = value if value not in (None, "") else os.environ.get(ENV_VAR) or default_store_path()
    text = str(chosen)
    if isinstance(chosen, Path) or "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    try:
        url = make_url(text)
    except sa.exc.ArgumentError as exc:
        raise UsageError(f"store {text!r} is neither a file path nor a database URL") from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.database:
        return url
    raise UsageError(
        f"store {url.render_as_string(hide_password=True)!r}: use a file path or postgresql://user@host/db"
    )


def describe_url(url: URL) -> str:
    """The store as the user knows it: the file path, or the URL without its password."""
    return (
        str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)
    )


def make_engine(url: URL, *, timeout: float = 10.0) -> Engine:
    """An engine whose write transactions lock early (SQLite) and whose connects time out."""
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(
            url,
            connect_args={"connect_timeout": max(1, round(timeout))},
            pool_pre_ping=True,
            json_serializer=json_dumps,
        )
    _check_file(url)
    engine = sa.create_engine(url, connect_args={"timeout": timeout})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's documented recipe: let SQLAlchemy, not the driver, begin transactions, so
        # DDL is transactional and a write transaction can take its lock at BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock at once: two writers then queue on the busy timeout
        # instead of failing when the first one's read turns into a write.
        write = conn.get_execution_options().get("atlas_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _check_file(url: URL) -> None:
    path = Path(str(url.database))
    if path.is_dir():
        raise StoreError(f"the store {path} is a folder; give a file name such as {path / STORE_FILE}")
    if path.exists():
        try:
            with path.open("rb") as handle:
                head = handle.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from exc
        if head and head != _SQLITE_MAGIC:
            raise StoreError(f"{path} is not a De-escalation Atlas store (not an SQLite/GeoPackage file)")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the store's folder {path.parent}: {exc.strerror or exc}") from exc


@contextlib.contextmanager
def translate_errors(url: URL) -> Iterator[None]:
    """Turn a database failure into a :class:`StoreError` that names the store and says what to do."""
    where = describe_url(url)
    try:
        yield
    except sa.exc.DBAPIError as exc:
        raise StoreError(_explain(exc, where, url)) from exc


@contextlib.contextmanager
def connect(engine: Engine, url: URL) -> Iterator[Connection]:
    """A connection; a server that cannot be reached is said so, without a traceback."""
    try:
        conn = engine.connect()
    except sa.exc.OperationalError as exc:
        if url.get_backend_name() != "postgresql":
            raise
        first = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
        raise StoreError(f"cannot reach the PostGIS store {describe_url(url)}: {first}") from exc
    with conn:
        yield conn


def _explain(exc: sa.exc.DBAPIError, where: str, url: URL) -> str:
    orig = exc.orig
    code = str(getattr(orig, "sqlite_errorname", ""))
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED"):
        return f"the store {where} is locked by another program (another add, import or the app); try again"
    if code.startswith("SQLITE_READONLY"):
        return f"the store {where} is read-only ({first}); it can be shown but not changed"
    if code.startswith("SQLITE_NOTADB") or code.startswith("SQLITE_CORRUPT"):
        return f"{where} is not a De-escalation Atlas store, or it is damaged ({first})"
    if code.startswith("SQLITE_CANTOPEN"):
        return f"cannot open the store {where} ({first})"
    return f"the store {where} failed: {first}"


def _config(connection: Connection) -> Config:
    from alembic.config import Config  # imported only to change a schema (see the module's docstring)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of the software writes (:data:`HEAD_REVISION`)."""
    return HEAD_REVISION


def schema_revision(conn: Connection, where: str) -> str | None:
    """The store's schema revision; ``None`` for an empty database (a new store).

    Raises
    ------
    StoreError
        The database holds tables but is not a store, or is of a revision this software does not
        know (written by a newer version).
    """
    if _stored_revisions(conn) == [HEAD_REVISION]:
        return HEAD_REVISION  # the usual case, without Alembic
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        tables = set(sa.inspect(conn).get_table_names()) - _NOT_OURS_OK
        if tables:
            shown = ", ".join(sorted(tables)[:5])
            raise StoreError(
                f"{where} is not a De-escalation Atlas store (it holds other tables: {shown}); "
                "give a new file or an empty database"
            )
        return None
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if current not in known:
        raise StoreError(
            f"the store {where} has schema revision {current!r}, written by a newer version of "
            "De-escalation Atlas; upgrade this software (git pull; pip install -r requirements.txt)"
        )
    return current


def _stored_revisions(conn: Connection) -> list[str]:
    """The revisions in Alembic's version table, read with plain SQL (none: no such table)."""
    if not sa.inspect(conn).has_table(_VERSION_TABLE):
        return []
    rows = conn.execute(sa.text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalars()
    return [str(value) for value in rows]


def upgrade_schema(conn: Connection) -> None:
    """Bring the schema to the newest revision, inside the caller's transaction."""
    from alembic import command

    command.upgrade(_config(conn), "head")


def backup_before_upgrade(url: URL, revision: str) -> Path | None:
    """Copy an embedded store before upgrading it; ``None`` for a server."""
    if url.get_backend_name() != "sqlite":
        return None
    path = Path(str(url.database))
    copy = path.with_name(f"{path.name}.before-{revision}")
    shutil.copy2(path, copy)
    return copy


def has_postgis(conn: Connection) -> bool:
    """Whether the PostgreSQL database has the postgis extension."""
    extensions = sa.table("pg_extension", sa.column("extname"))
    found = conn.execute(sa.select(extensions.c.extname).where(extensions.c.extname == "postgis"))
    return found.first() is not None
