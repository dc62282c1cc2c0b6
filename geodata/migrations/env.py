"""Alembic's entry point: run the migrations on the connection the store hands over.

The store opens the connection itself (``geodata.store_open``) and passes it in
``config.attributes["connection"]``, so migrations run inside the store's own transaction and an
interrupted upgrade leaves the old schema (SQLite and PostgreSQL both have transactional DDL).
"""

from __future__ import annotations

from alembic import context

from geodata.store_tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
