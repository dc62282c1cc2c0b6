"""Schema 2: events carry a review status and a row version (groundwork for the review issue).

``review`` is ``machine`` until a person acts on the event (``accepted``, ``edited``, ``rejected``,
``added``); ``reextract`` only ever changes ``machine`` events. ``version`` starts at 1 and goes up
by one with every change, so a save based on an older version is refused (optimistic locking).
Existing events become ``machine``, version 1.

Revision ID: 0002_review
Revises: 0001_store
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_review"
down_revision = "0001_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("review", sa.Text, nullable=False, server_default="machine"))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("version")
        batch.drop_column("review")
