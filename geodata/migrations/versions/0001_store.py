"""Schema 1: the event store (issue 12): articles, events and their sources, imports, history.

On SQLite the file is also made a GeoPackage 1.2 (application id, user version, the three
``gpkg_*`` tables registering ``events`` and ``imported`` as point layers in EPSG:4326).

Revision ID: 0001_store
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from geodata.store_tables import (
    GPKG_APPLICATION_ID,
    GPKG_TABLES,
    GPKG_USER_VERSION,
    BigInt,
    JsonValue,
    PointGeometry,
    UtcDateTime,
    gpkg_rows,
    now,
)

revision = "0001_store"
down_revision = None
branch_labels = None
depends_on = None


def _event_columns() -> list[sa.Column[object]]:
    """The event properties the articles' events and imported events share."""
    return [
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("date_start", sa.Date),
        sa.Column("date_end", sa.Date),
        sa.Column("date_precision", sa.Text),
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "atlas_store",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("store_id", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
    )
    op.create_table(
        "articles",
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
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("event_id", sa.Text, nullable=False, index=True),
        *_event_columns(),
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
    )
    op.create_index("ix_events_kind_dates", "events", ["kind", "date_start", "date_end"])
    op.create_table(
        "event_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("sentence_hash", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
    )
    op.create_index("ix_event_sources_event", "event_sources", ["event_id", "position"])
    op.create_table(
        "imports",
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
    op.create_table(
        "imported",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False, index=True),
        sa.Column("event_id", sa.Text, nullable=False, unique=True),
        *_event_columns(),
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
    op.create_table(
        "history",
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
    )
    op.create_index("ix_history_entity", "history", ["entity", "entity_id"])
    if dialect == "postgresql":
        op.create_index("ix_events_geom", "events", ["geom"], postgresql_using="gist")
        op.create_index("ix_imported_geom", "imported", ["geom"], postgresql_using="gist")
    elif dialect == "sqlite":
        _make_geopackage()


def _make_geopackage() -> None:
    bind = op.get_bind()
    # SQLite keeps these two numbers in its header; only a PRAGMA sets them (no SQLAlchemy construct).
    op.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
    op.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
    for table in GPKG_TABLES:
        table.create(bind)
    for table, rows in gpkg_rows(now()).items():
        op.bulk_insert(table, rows)


def downgrade() -> None:
    for name in ("history", "imported", "imports", "event_sources", "events", "articles", "atlas_store"):
        op.drop_table(name)
    if op.get_bind().dialect.name == "sqlite":
        for table in reversed(GPKG_TABLES):
            op.drop_table(table.name)
