"""Schema 4: people's review actions, and what the machine proposes against them (issue 13).

- ``review_actions``: one row per action a person takes (accept, edit, reject, merge, split, add,
  undo, resolve), with the events it touched and, for an undo, the action it undoes; the history
  rows of an action carry its ``action_id``.
- ``events.machine``: the machine's proposal a person's decision was made on (``None`` for an
  event a person added, and for every event until a person acts on it).
- ``disagreements``: what a later run of the pipeline proposes for a reviewed event that differs
  from ``events.machine``, open until a person keeps their version or takes the machine's.

On SQLite the two new tables are registered in ``gpkg_contents`` as attribute tables, so QGIS lists
them like the others. Existing rows: no actions, no machine proposals, no disagreements.

Revision ID: 0004_review_actions
Revises: 0003_report_details
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from geodata.store_tables import JsonValue, UtcDateTime, gpkg_contents, now

revision = "0004_review_actions"
down_revision = "0003_report_details"
branch_labels = None
depends_on = None

_DESCRIPTIONS = {
    "review_actions": "People's review actions: who, when, which events, the note",
    "disagreements": "What a later pipeline run proposes against a person's reviewed event",
}


def upgrade() -> None:
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("by", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("events", JsonValue, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("undoes", sa.Integer, sa.ForeignKey("review_actions.id")),
    )
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("action_id", sa.Integer))
        batch.create_foreign_key("fk_history_action_id", "review_actions", ["action_id"], ["id"])
        batch.create_index("ix_history_action_id", ["action_id"])
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("machine", JsonValue))
    op.create_table(
        "disagreements",
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
    if op.get_bind().dialect.name == "sqlite":
        moment = now()
        rows = [
            {"table_name": name, "data_type": "attributes", "identifier": name, "description": text,
             "last_change": moment, "srs_id": None}
            for name, text in _DESCRIPTIONS.items()
        ]  # fmt: skip
        op.bulk_insert(gpkg_contents, rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(gpkg_contents.delete().where(gpkg_contents.c.table_name.in_(list(_DESCRIPTIONS))))
    op.drop_table("disagreements")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("machine")
    with op.batch_alter_table("history") as batch:
        batch.drop_index("ix_history_action_id")
        batch.drop_constraint("fk_history_action_id", type_="foreignkey")
        batch.drop_column("action_id")
    op.drop_table("review_actions")
