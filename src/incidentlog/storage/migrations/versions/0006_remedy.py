"""After the incident: how severe it was, what was given to make it right, and its cost.

- `incident.severity` (low, medium, high) and `incident.remedy` (refund, voucher,
  replacement, repair, apology, other): optional words from a fixed vocabulary.
- `incident.cost_cents`: what the remedy cost, in hundredths of the shop's currency. An
  integer, never a float: sums of money must come out exact on both backends, and the
  currency (`config set currency`) only changes how an amount is shown.

Check-backs need nothing new: they are `incident_event` rows of kind `check` (0004).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch mode): on SQLite a batch copy would drop the search
    # index's triggers, and nullable columns need no rewrite of existing rows.
    op.add_column("incident", sa.Column("severity", sa.String(10), nullable=True))
    op.add_column("incident", sa.Column("remedy", sa.String(20), nullable=True))
    op.add_column("incident", sa.Column("cost_cents", sa.BigInteger, nullable=True))


def downgrade() -> None:
    for column in ("cost_cents", "remedy", "severity"):
        op.drop_column("incident", column)
