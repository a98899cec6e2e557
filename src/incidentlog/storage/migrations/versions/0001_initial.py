"""Named entities, incidents and training sessions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _named(table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
    )


def upgrade() -> None:
    for table in ("store", "agent", "reason"):
        _named(table)
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("contact", sa.String(200), nullable=True),
    )
    op.create_index("ix_customer_name_key", "customer", ["name_key"])
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("reason_id", sa.Integer, sa.ForeignKey("reason.id"), nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("store.id"), nullable=False),
        sa.Column("agent_id", sa.Integer, sa.ForeignKey("agent.id"), nullable=False),
        sa.Column("resolved_on_spot", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("resolution", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("channel", sa.String(20), nullable=True),
        sa.Column("follow_up", sa.Date, nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=False), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_incident_day", "incident", ["day"])
    op.create_table(
        "training_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("store.id"), nullable=True),
        sa.Column("trainer", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
    )
    op.create_index("ix_training_session_day", "training_session", ["day"])
    op.create_table(
        "attendance",
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("training_session.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("agent_id", sa.Integer, sa.ForeignKey("agent.id"), primary_key=True),
    )
