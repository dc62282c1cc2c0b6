"""Alembic migrations of the event store's schema (``geodata.store_tables`` is the head)."""
