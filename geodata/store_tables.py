"""The event store's tables: one SQLAlchemy Core definition for the embedded file and for PostGIS.

The embedded store is a GeoPackage 1.2 file (an SQLite database with the OGC metadata tables), so
QGIS and GDAL open it as it is and Python's own ``sqlite3`` reads and writes it: no SpatiaLite
extension is needed (``mod_spatialite`` is not on PyPI, and README command 1 installs only
``requirements.txt``). A team store is PostgreSQL + PostGIS. The two share every table below; only
the geometry column's type adapts (:class:`PointGeometry`): a real ``geometry(Point,4326)`` with a
GiST index on PostGIS, a GeoPackage geometry blob on SQLite. GeoAlchemy2 is not used: its
GeoPackage support loads SpatiaLite into SQLite (the same missing ``mod_spatialite``), and a point
column is all the store needs, so one small type decorator serves both backends. Every event and
imported event also keeps ``lon``/``lat`` columns, which is what the app reads (a float column is
far cheaper to load than 100,000 geometries to decode).

Tables
------
``atlas_store``
    One row: the store's id (a UUID, kept by dump and load), its revision (bumped by every write
    transaction: the app's cache key), when and by whom it was created.
``articles``
    The text as given (first line the title), title, outlet, URL, publication date, the SHA-256 of
    the normalised text (``content_hash``, unique: the same article is not stored twice), added
    at/by, the extraction error if the pipeline failed on it, the pipeline version that read it.
``events``
    Every property of an exported event (``schema.EVENT_PROPERTIES``; ``actors`` as a JSON list),
    what the merging needs to go on (``place_country``, ``date_source``), the machine ``key`` (see
    :mod:`geodata.store_events`), the pipeline version, and for the review workflow ``review``
    (``machine`` until a person acts), ``version`` (optimistic locking) and ``machine`` (the
    machine's own proposal a person's decision was made on, ``None`` for an event a person added).
``event_sources``
    Event-article links: one row per report of an event (article, sentence, its hash, the machine
    kind and the ordinal that make the report's key), in the order of the event's sources, with
    where the sentence is in the article, its trigger, date and place phrases and the geocoder's
    candidate places.
``imports``, ``imported``
    ACLED/UCDP import runs (file, dataset, checksum, counts, at/by) and their events
    (``imports.IMPORT_PROPERTIES``), unique by ``event_id``.
``review_actions``
    Each person's review action (accept, edit, reject, merge, split, add, undo, resolve): its
    revision, who, when, the events it touched, the note, and the action an undo undoes.
``history``
    Who did what when, with the row before and after and a note; written in the same transaction
    as the change it records. A review action's rows carry its ``action_id``.
``disagreements``
    "The machine disagrees": what a later pipeline run proposes for an event a person reviewed
    that differs from what the machine proposed when the person decided (the fields, the
    machine's whole proposal, or none when it no longer finds the event), open until a person
    keeps their version or takes the machine's (:mod:`geodata.store_reextract`).

The schema's version is Alembic's (``alembic_version``, migrations in ``geodata/migrations``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyproj
import shapely
import sqlalchemy as sa
from shapely.geometry.base import BaseGeometry
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

__all__ = [
    "GPKG_APPLICATION_ID",
    "GPKG_USER_VERSION",
    "STORE_TABLES",
    "BigInt",
    "JsonValue",
    "PointGeometry",
    "UtcDateTime",
    "articles",
    "encode_points",
    "event_sources",
    "events",
    "gpkg_rows",
    "history",
    "imported",
    "imports",
    "json_dumps",
    "metadata",
    "now",
    "store_info",
]

SRID = 4326
#: ``PRAGMA application_id`` of a GeoPackage ("GPKG") and ``user_version`` of GeoPackage 1.2.0.
GPKG_APPLICATION_ID = 0x47504B47
GPKG_USER_VERSION = 10200


class _GpkgPoint(UserDefinedType[bytes]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "POINT"  # GeoPackage declares geometry columns by their type name


class _PostgisPoint(UserDefinedType[str]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return f"geometry(Point,{SRID})"


class PointGeometry(TypeDecorator[BaseGeometry]):
    """A WGS84 point: ``geometry(Point,4326)`` on PostGIS, a GeoPackage geometry blob on SQLite.

    Values are shapely geometries (or ``None``). PostGIS gets hex EWKB, which its ``geometry``
    input reads, and returns hex EWKB; SQLite gets the GeoPackage binary header (magic, version,
    flags, SRS id) followed by ISO WKB, which GDAL and QGIS read.
    """

    impl = sa.LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostgisPoint())
        return dialect.type_descriptor(_GpkgPoint())

    def process_bind_param(self, value: BaseGeometry | bytes | str | None, dialect: Dialect) -> Any:
        if value is None or isinstance(value, bytes | str):
            return value  # encoded already (encode_points)
        if dialect.name == "postgresql":
            return shapely.to_wkb(shapely.set_srid(value, SRID), hex=True, include_srid=True)
        return gpkg_blob(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:
        if value is None:
            return None
        data = value if dialect.name == "postgresql" else bytes(value)[8:]
        geometry: BaseGeometry = shapely.from_wkb(data)
        return geometry


def encode_points(lon: Sequence[float | None], lat: Sequence[float | None], dialect: str) -> list[Any]:
    """Many points encoded at once for a :class:`PointGeometry` column (``None`` where unlocated).

    The same values the type's per-row encoding gives, vectorised (a store write holds thousands).
    """
    x = np.array([np.nan if v is None else v for v in lon], dtype="float64")
    y = np.array([np.nan if v is None else v for v in lat], dtype="float64")
    located = ~(np.isnan(x) | np.isnan(y))
    points = shapely.points(x[located], y[located])
    if dialect == "postgresql":
        encoded = shapely.to_wkb(shapely.set_srid(points, SRID), hex=True, include_srid=True)
    else:
        encoded = [_GPKG_HEADER + blob for blob in shapely.to_wkb(points, byte_order=1, flavor="iso")]
    values: list[Any] = [None] * len(x)
    for i, value in zip(np.flatnonzero(located), encoded, strict=True):
        values[i] = value
    return values


# The GeoPackage geometry header is 8 bytes; no pip-installable library writes single blobs
# without GDAL's full layer machinery, so we write it (GeoPackage 1.2, clause 2.1.3).
_GPKG_HEADER = b"GP\x00\x01" + SRID.to_bytes(4, "little")  # version 0; flags: little-endian, no envelope


def gpkg_blob(geometry: BaseGeometry) -> bytes:
    """``geometry`` as a GeoPackage geometry blob (header without envelope, then ISO WKB)."""
    return _GPKG_HEADER + shapely.to_wkb(geometry, byte_order=1, flavor="iso")


class _GpkgDateTime(UserDefinedType[str]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "DATETIME"


def now() -> dt.datetime:
    """The current moment in UTC, to the millisecond (what a GeoPackage DATETIME holds)."""
    moment = dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC: ``timestamptz`` on PostgreSQL; on SQLite a GeoPackage DATETIME, the text
    ``YYYY-MM-DDTHH:MM:SS.SSSZ`` (milliseconds, as the GeoPackage standard writes it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_GpkgDateTime())
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        utc = value.astimezone(dt.UTC)
        if dialect.name != "sqlite":
            return utc
        return utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, dt.datetime)
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):  # dates and datetimes
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_dumps(value: Any) -> str:
    """JSON text of ``value``, dates as ISO text (the store's JSON columns, on both backends)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


class JsonValue(TypeDecorator[Any]):
    """A JSON value: ``jsonb`` on PostgreSQL, JSON text in a TEXT column on SQLite (GeoPackage has no
    JSON type)."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB())
        return dialect.type_descriptor(sa.Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return json_dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return json.loads(value)


#: A 64-bit integer (GeoPackage's INTEGER is 64-bit; BIGINT is not one of its types).
BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


metadata = sa.MetaData()

store_info = sa.Table(
    "atlas_store",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("store_id", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text, nullable=False),
    sa.Column("url", sa.Text, unique=True),
    sa.Column("published", sa.Date),
    sa.Column("date_source", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False, unique=True),
    sa.Column("added_at", UtcDateTime, nullable=False),
    sa.Column("added_by", sa.Text, nullable=False),
    sa.Column("extraction_error", sa.Text),
    sa.Column("pipeline_version", sa.Text),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("warnings", JsonValue, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("event_id", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("date_precision", sa.Text),
    sa.Column("date_source", sa.Text, nullable=False),
    sa.Column("place", sa.Text),
    sa.Column("place_id", sa.Text),
    sa.Column("place_country", sa.Text),
    sa.Column("geo_precision", sa.Text),
    sa.Column("uncertainty_km", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("geom", PointGeometry),
    sa.Column("actors", JsonValue, nullable=False),
    sa.Column("article", sa.Text),
    sa.Column("also_reported_in", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("quote", sa.Text),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("pipeline_version", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("review", sa.Text, nullable=False, server_default="machine"),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("place_source", sa.Text, nullable=False, server_default="text"),
    sa.Column("place_admin1", sa.Text),
    sa.Column("machine", JsonValue),
    sa.Index("ix_events_kind_dates", "kind", "date_start", "date_end"),
)
sa.Index("ix_events_geom", events.c.geom, postgresql_using="gist").ddl_if(dialect="postgresql")

event_sources = sa.Table(
    "event_sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("sentence_hash", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("paragraph", sa.Integer),
    sa.Column("sentence_index", sa.Integer),
    sa.Column("span_start", sa.Integer),
    sa.Column("span_end", sa.Integer),
    sa.Column("trigger", sa.Text),
    sa.Column("date_text", sa.Text),
    sa.Column("place_text", sa.Text),
    sa.Column("candidates", JsonValue),
    sa.Index("ix_event_sources_event", "event_id", "position"),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("dataset", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("loaded", sa.Integer, nullable=False),
    sa.Column("skipped", sa.Integer, nullable=False),
    sa.Column("imported_at", UtcDateTime, nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
)

imported = sa.Table(
    "imported",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False, index=True),
    sa.Column("event_id", sa.Text, nullable=False, unique=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("date_precision", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("place_id", sa.Text),
    sa.Column("geo_precision", sa.Text),
    sa.Column("uncertainty_km", sa.Float),
    sa.Column("actors", sa.Text),
    sa.Column("article", sa.Text),
    sa.Column("also_reported_in", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("quote", sa.Text),
    sa.Column("confidence", sa.Float),
    sa.Column("dataset", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text),
    sa.Column("original_type", sa.Text),
    sa.Column("fatalities", BigInt),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("geom", PointGeometry),
)
sa.Index("ix_imported_geom", imported.c.geom, postgresql_using="gist").ddl_if(dialect="postgresql")

review_actions = sa.Table(
    "review_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("events", JsonValue, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("undoes", sa.Integer, sa.ForeignKey("review_actions.id")),
)

history = sa.Table(
    "history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("entity", sa.Text, nullable=False),
    sa.Column("entity_id", sa.Integer),
    sa.Column("key", sa.Text),
    sa.Column("before", JsonValue),
    sa.Column("after", JsonValue),
    sa.Column("note", sa.Text),
    sa.Column("action_id", sa.Integer, sa.ForeignKey("review_actions.id"), index=True),
    sa.Index("ix_history_entity", "entity", "entity_id"),
)

disagreements = sa.Table(
    "disagreements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("found_at", UtcDateTime, nullable=False),
    sa.Column("pipeline_version", sa.Text, nullable=False),
    sa.Column("fields", JsonValue, nullable=False),
    sa.Column("machine", JsonValue),
    sa.Column("status", sa.Text, nullable=False, server_default="open"),
    sa.Column("resolved_by", sa.Integer, sa.ForeignKey("review_actions.id")),
)

#: Every table of a store, parents before children (the order dump and load copy them in).
STORE_TABLES: tuple[sa.Table, ...] = (
    store_info, articles, events, event_sources, imports, imported, review_actions, history, disagreements,
)  # fmt: skip

# --- GeoPackage registration (embedded store only) ---------------------------------------------

gpkg_spatial_ref_sys = sa.Table(
    "gpkg_spatial_ref_sys",
    sa.MetaData(),
    sa.Column("srs_name", sa.Text, nullable=False),
    sa.Column("srs_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("organization", sa.Text, nullable=False),
    sa.Column("organization_coordsys_id", sa.Integer, nullable=False),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("description", sa.Text),
)
gpkg_contents = sa.Table(
    "gpkg_contents",
    gpkg_spatial_ref_sys.metadata,
    sa.Column("table_name", sa.Text, primary_key=True),
    sa.Column("data_type", sa.Text, nullable=False),
    sa.Column("identifier", sa.Text, unique=True),
    sa.Column("description", sa.Text, server_default=""),
    sa.Column("last_change", UtcDateTime, nullable=False),
    sa.Column("min_x", sa.Float),
    sa.Column("min_y", sa.Float),
    sa.Column("max_x", sa.Float),
    sa.Column("max_y", sa.Float),
    sa.Column("srs_id", sa.Integer, sa.ForeignKey("gpkg_spatial_ref_sys.srs_id")),
)
gpkg_geometry_columns = sa.Table(
    "gpkg_geometry_columns",
    gpkg_spatial_ref_sys.metadata,
    sa.Column("table_name", sa.Text, sa.ForeignKey("gpkg_contents.table_name"), primary_key=True),
    sa.Column("column_name", sa.Text, primary_key=True),
    sa.Column("geometry_type_name", sa.Text, nullable=False),
    sa.Column("srs_id", sa.Integer, sa.ForeignKey("gpkg_spatial_ref_sys.srs_id"), nullable=False),
    sa.Column("z", sa.SmallInteger, nullable=False),
    sa.Column("m", sa.SmallInteger, nullable=False),
)
GPKG_TABLES: tuple[sa.Table, ...] = (gpkg_spatial_ref_sys, gpkg_contents, gpkg_geometry_columns)

#: What each store table is, for ``gpkg_contents`` (features have a geometry column).
_GPKG_DESCRIPTIONS = {
    "events": ("features", "Events read out of the stored articles"),
    "imported": ("features", "Events imported from ACLED / UCDP files"),
    "articles": ("attributes", "The stored news articles"),
    "event_sources": ("attributes", "Which article and sentence reported each event"),
    "imports": ("attributes", "ACLED / UCDP import runs"),
    "history": ("attributes", "Every change to the store: who, when, before, after"),
}


def gpkg_rows(now: dt.datetime) -> dict[sa.Table, list[dict[str, Any]]]:
    """The rows that make an SQLite file a GeoPackage 1.2 holding the store's tables."""
    wgs84 = pyproj.CRS.from_epsg(SRID)
    srs = [
        {"srs_name": "Undefined cartesian SRS", "srs_id": -1, "organization": "NONE",
         "organization_coordsys_id": -1, "definition": "undefined", "description": None},
        {"srs_name": "Undefined geographic SRS", "srs_id": 0, "organization": "NONE",
         "organization_coordsys_id": 0, "definition": "undefined", "description": None},
        {"srs_name": wgs84.name, "srs_id": SRID, "organization": "EPSG",
         "organization_coordsys_id": SRID, "definition": wgs84.to_wkt("WKT1_GDAL"),
         "description": "longitude/latitude"},
    ]  # fmt: skip
    contents = [
        {"table_name": name, "data_type": kind, "identifier": name, "description": text,
         "last_change": now, "srs_id": SRID if kind == "features" else None}
        for name, (kind, text) in _GPKG_DESCRIPTIONS.items()
    ]  # fmt: skip
    columns = [
        {
            "table_name": name,
            "column_name": "geom",
            "geometry_type_name": "POINT",
            "srs_id": SRID,
            "z": 0,
            "m": 0,
        }
        for name, (kind, _) in _GPKG_DESCRIPTIONS.items()
        if kind == "features"
    ]
    return {gpkg_spatial_ref_sys: srs, gpkg_contents: contents, gpkg_geometry_columns: columns}
