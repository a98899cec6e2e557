"""Indexes the reports group by, and the journal behind `undo`.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Each index leads with the column a report filters or groups on and carries
# `resolved_on_spot`, so the per-store/agent/reason rates are answered from the index.
INDEXES = {
    "ix_incident_month_store": ["month", "store_id"],
    "ix_incident_store_day": ["store_id", "day", "resolved_on_spot"],
    "ix_incident_agent_day": ["agent_id", "day", "resolved_on_spot"],
    "ix_incident_customer_day": ["customer_id", "day"],
    "ix_incident_reason_day": ["reason_id", "day", "resolved_on_spot"],
    "ix_incident_open": ["resolved_on_spot", "resolved_at", "follow_up"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "incident", columns)
    op.create_index("ix_attendance_agent", "attendance", ["agent_id"])
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_index("ix_journal_actor", "journal", ["actor", "id"])
