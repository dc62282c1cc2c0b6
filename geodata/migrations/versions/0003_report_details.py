"""Schema 3: what the staged pipeline (issue 11) says about each event and each report.

Events gain ``place_source`` (``text``, ``context`` or ``subject``: where the place came from) and
``place_admin1`` (the governorate's OCHA pcode), which merging reads. Reports (``event_sources``)
gain where the sentence is (paragraph, sentence number, character span in the paragraph), the
trigger words, the date and place phrases, and the gazetteer places the geocoder chose among: what
the review issue shows beside each event. Existing rows get ``text`` and empty values (unknown).

Revision ID: 0003_report_details
Revises: 0002_review
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from geodata.store_tables import JsonValue

revision = "0003_report_details"
down_revision = "0002_review"
branch_labels = None
depends_on = None

_REPORT_COLUMNS = (
    "paragraph",
    "sentence_index",
    "span_start",
    "span_end",
    "trigger",
    "date_text",
    "place_text",
    "candidates",
)


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("place_source", sa.Text, nullable=False, server_default="text"))
        batch.add_column(sa.Column("place_admin1", sa.Text))
    with op.batch_alter_table("event_sources") as batch:
        batch.add_column(sa.Column("paragraph", sa.Integer))
        batch.add_column(sa.Column("sentence_index", sa.Integer))
        batch.add_column(sa.Column("span_start", sa.Integer))
        batch.add_column(sa.Column("span_end", sa.Integer))
        batch.add_column(sa.Column("trigger", sa.Text))
        batch.add_column(sa.Column("date_text", sa.Text))
        batch.add_column(sa.Column("place_text", sa.Text))
        batch.add_column(sa.Column("candidates", JsonValue))


def downgrade() -> None:
    with op.batch_alter_table("event_sources") as batch:
        for name in reversed(_REPORT_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("events") as batch:
        batch.drop_column("place_admin1")
        batch.drop_column("place_source")
