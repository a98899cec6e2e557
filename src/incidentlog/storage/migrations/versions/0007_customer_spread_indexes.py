"""Repeat customers read from indexes alone, and only the period's rows.

- `ix_incident_day` becomes (day, customer_id): the customers who came back in a period
  are counted from the period's index entries alone, never the table, and never the years
  before it.
- `ix_incident_customer_day` becomes (customer_id, day, agent_id, store_id, reason_id):
  for each of them, the distinct agents and stores and the reasons are read from the
  index alone. The old columns are its prefix, so every query that used it still can.

Both keep their names and the number of indexes stays the same, so a write costs about
what it did.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD = {"ix_incident_day": ["day"], "ix_incident_customer_day": ["customer_id", "day"]}
NEW = {
    "ix_incident_day": ["day", "customer_id"],
    "ix_incident_customer_day": ["customer_id", "day", "agent_id", "store_id", "reason_id"],
}


def _replace(indexes: dict[str, list[str]]) -> None:
    for name, columns in indexes.items():
        op.drop_index(name, table_name="incident")
        op.create_index(name, "incident", columns)


def upgrade() -> None:
    _replace(NEW)


def downgrade() -> None:
    _replace(OLD)
