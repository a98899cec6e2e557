"""Demo records are known as demo records, so real ones never mix with them unnoticed.

- `incident.demo` and `training_session.demo`: true for the rows `incidentlog demo` made
  (and for rows imported with `demo` = yes, so an export keeps the mark).
- A partial index over the demo incidents' days: asking "does this database hold demo
  data?" (every real write and every report asks) and counting them in a period read only
  the demo rows, and costs nothing on a database that never held any.
- `setting`: small choices kept in the database itself, shared by every till, such as
  `demo = keep` once someone chose to add real records to the sample.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, never batch mode: on SQLite it would copy the incident table
    # for a boolean column and lose the search index's triggers.
    for table in ("incident", "training_session"):
        op.add_column(
            table, sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_incident_demo_day",
        "incident",
        ["day"],
        sqlite_where=sa.text("demo"),
        postgresql_where=sa.text("demo"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
